package relay

import (
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"time"
)

// Defaults of the options.
const (
	// DefaultBatch is how many entries Step claims at once.
	DefaultBatch = 32
	// DefaultLease is how long a claimed entry is leased to the relay.
	DefaultLease = 30 * time.Second
	// DefaultConcurrency is how many entries of a batch are delivered at
	// the same time.
	DefaultConcurrency = 4
	// DefaultBackoffBase is the delay before the first retry.
	DefaultBackoffBase = time.Second
	// DefaultBackoffMax caps the delay before a retry.
	DefaultBackoffMax = 10 * time.Minute
	// DefaultPollInterval is how long Run waits after a round that found
	// nothing to deliver, or that failed on the store.
	DefaultPollInterval = time.Second
)

// ErrInvalidConfig is wrapped by the error New returns for unusable
// arguments or options.
var ErrInvalidConfig = errors.New("relay: invalid configuration")

// config is what the options set.
type config struct {
	batch       int
	lease       time.Duration
	concurrency int
	base, max   time.Duration
	jitter      func() float64
	clock       func() time.Time
	poll        time.Duration
	logger      *slog.Logger
}

func defaults() config {
	return config{
		batch:       DefaultBatch,
		lease:       DefaultLease,
		concurrency: DefaultConcurrency,
		base:        DefaultBackoffBase,
		max:         DefaultBackoffMax,
		// Jitter spreads retries; it needs no cryptographic randomness.
		jitter: rand.Float64, //nolint:gosec // G404: jitter, not a secret.
		clock:  time.Now,
		poll:   DefaultPollInterval,
		logger: slog.New(slog.DiscardHandler),
	}
}

// check returns every problem of c, each wrapping ErrInvalidConfig.
func (c *config) check() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: "+format, append([]any{ErrInvalidConfig}, args...)...))
	}
	if c.batch < 1 {
		bad("batch %d, want at least 1", c.batch)
	}
	if c.lease <= 0 {
		bad("lease %v, want more than 0", c.lease)
	}
	if c.concurrency < 1 {
		bad("concurrency %d, want at least 1", c.concurrency)
	}
	if c.base <= 0 || c.max < c.base {
		bad("backoff from %v to %v, want 0 < base ≤ max", c.base, c.max)
	}
	if c.jitter == nil {
		bad("nil jitter")
	}
	if c.clock == nil {
		bad("nil clock")
	}
	if c.poll <= 0 {
		bad("poll interval %v, want more than 0", c.poll)
	}
	if c.logger == nil {
		bad("nil logger")
	}
	return errors.Join(errs...)
}

// Option configures a Relay; see New.
type Option interface {
	apply(*config)
}

// optionFunc adapts a function to Option.
type optionFunc func(*config)

func (f optionFunc) apply(c *config) { f(c) }

// WithBatch sets how many entries Step claims at once (DefaultBatch). Every
// entry of a batch must be delivered within one lease, so a slow receiver
// calls for a smaller batch, a higher concurrency or a longer lease. Below
// 1 is invalid.
func WithBatch(n int) Option {
	return optionFunc(func(c *config) { c.batch = n })
}

// WithLease sets how long Step leases the entries it claims (DefaultLease).
// Deliveries get the lease minus a safety margin: a tenth of it, at least
// one second, at most half of it. Zero or less is invalid.
func WithLease(d time.Duration) Option {
	return optionFunc(func(c *config) { c.lease = d })
}

// WithConcurrency sets how many entries of a batch Step delivers at the
// same time (DefaultConcurrency). With 1 it delivers them one after the
// other, oldest first. Below 1 is invalid.
func WithConcurrency(k int) Option {
	return optionFunc(func(c *config) { c.concurrency = k })
}

// WithBackoff sets the delay before the retry of a failed delivery:
// base·2^(attempt-1), capped at maxDelay, scaled by the jitter (see
// WithJitter). Defaults DefaultBackoffBase and DefaultBackoffMax. A base of
// zero or less, or a maxDelay below base, is invalid.
func WithBackoff(base, maxDelay time.Duration) Option {
	return optionFunc(func(c *config) { c.base, c.max = base, maxDelay })
}

// WithJitter sets the source of the "full jitter" of the backoff: the delay
// is the backoff times f(), so f returns values in [0, 1] (values outside
// are clamped). The default draws from math/rand/v2. A relay calls f from
// one goroutine at a time, so f need not be safe for concurrent use: a
// seeded generator's method value, rand.New(rand.NewPCG(1, 2)).Float64,
// makes the delays reproducible, and func() float64 { return 1 } turns the
// jitter off. Nil is invalid.
func WithJitter(f func() float64) Option {
	return optionFunc(func(c *config) { c.jitter = f })
}

// WithClock sets the clock whose time Step passes to the store: the now of
// Claim, of Nack and of the retry times (time.Now by default). A test
// advances it by hand to expire leases and backoffs without sleeping.
// Deadlines of deliveries are measured on the real clock, from the length
// of the lease. Nil is invalid.
func WithClock(now func() time.Time) Option {
	return optionFunc(func(c *config) { c.clock = now })
}

// WithPollInterval sets how long Run waits after a round that claimed
// nothing for any tenant, or in which the store failed
// (DefaultPollInterval). Zero or less is invalid.
func WithPollInterval(d time.Duration) Option {
	return optionFunc(func(c *config) { c.poll = d })
}

// WithLogger sets the logger of delivery failures, dead letters, lost
// leases and store errors; the default discards everything. Nil is
// invalid.
func WithLogger(l *slog.Logger) Option {
	return optionFunc(func(c *config) { c.logger = l })
}
