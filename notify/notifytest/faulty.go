package notifytest

import (
	"context"
	"math/rand/v2"
	"sync"

	"github.com/iso27035/iso27035/notify"
)

// Faulty wraps a Notifier and fails a random fraction of calls: a receiver
// that fails at random, for tests of code that must retry until every
// notification is through. It is safe for concurrent use and must not be
// copied after first use.
//
// With a seeded Rand the sequence of failures is reproducible for a given
// sequence of calls (calls made concurrently draw in the order they reach
// Faulty, which the scheduler decides).
type Faulty struct {
	// Next receives the calls that do not fail (and, with AfterDelivery,
	// every call).
	Next notify.Notifier
	// Rate is the fraction of calls that fail: 0 (or less) never, 1 (or
	// more) always.
	Rate float64
	// Rand is the source of randomness, seeded by the caller, e.g.
	// rand.New(rand.NewPCG(1, 2)). Nil uses math/rand/v2's global source,
	// which is not reproducible. Faulty guards it with its own mutex, so it
	// must not be used elsewhere at the same time.
	Rand *rand.Rand
	// Err is the error a failing call returns; nil means a transient error
	// wrapping ErrInjected. Give notify.Permanent(…) to fail for good, or a
	// *notify.RetryAfterError to ask for a delay.
	Err error
	// AfterDelivery makes a failing call deliver to Next first and then
	// report the failure anyway (unless Next failed itself): the
	// acknowledgement is lost, the receiver has the notification, and the
	// sender's retry delivers a duplicate. Otherwise a failing call does not
	// reach Next.
	AfterDelivery bool

	mu       sync.Mutex
	injected int
}

var _ notify.Notifier = (*Faulty)(nil)

// Notify implements notify.Notifier.
func (f *Faulty) Notify(ctx context.Context, n notify.Notification) error {
	if !f.roll() {
		return f.Next.Notify(ctx, n)
	}
	if f.AfterDelivery {
		if err := f.Next.Notify(ctx, n); err != nil {
			return err
		}
	}
	f.mu.Lock()
	f.injected++
	f.mu.Unlock()
	if f.Err != nil {
		return f.Err
	}
	return ErrInjected
}

// roll reports whether this call fails.
func (f *Faulty) roll() bool {
	switch {
	case f.Rate <= 0:
		return false
	case f.Rate >= 1:
		return true
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.Rand != nil {
		return f.Rand.Float64() < f.Rate
	}
	return rand.Float64() < f.Rate
}

// Injected returns how many calls Faulty has failed so far.
func (f *Faulty) Injected() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.injected
}
