package relay_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/notify/notifytest"
	"github.com/iso27035/iso27035/relay"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
)

const tenant = "acme"

// t0 is when the test entries are created and the test clocks start.
var t0 = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// clock is a clock the test advances by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: t0} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// entryID returns the ID of the i-th test entry: IDs sort as the indexes.
func entryID(i int) uuid.UUID {
	var id uuid.UUID
	binary.BigEndian.PutUint64(id[8:], uint64(i+1))
	id[6] = 0x70 // version 7, so the ID looks like one
	id[8] |= 0x80
	return id
}

// index returns the index of the test entry with the ID.
func index(id uuid.UUID) int {
	return int(binary.BigEndian.Uint64(id[8:])&^(uint64(0x80)<<56)) - 1
}

// fill commits n entries (numbered from first) to the tenant of st, all
// created at t0, with the given MaxAttempts (0 for the default).
func fill(t testing.TB, st store.Store, first, n, maxAttempts int) {
	t.Helper()
	rec := uuid.MustParse("0196a3c1-0000-7000-8000-00000000aaaa")
	w := &store.Write{}
	for i := first; i < first+n; i++ {
		w.Outbox = append(w.Outbox, store.OutboxEntry{
			ID:             entryID(i),
			Type:           "incident.updated",
			RecordID:       rec,
			Seq:            uint64(i + 1),
			IdempotencyKey: fmt.Sprintf("key-%d", i),
			Payload:        []byte(fmt.Sprintf(`{"n":%d}`, i)),
			CreatedAt:      t0,
			MaxAttempts:    maxAttempts,
		})
	}
	require.NoError(t, st.Commit(context.Background(), tenant, w))
}

// stats returns the tenant's outbox stats at t.
func stats(t *testing.T, st store.Store, at time.Time) store.OutboxStats {
	t.Helper()
	s, err := st.OutboxStats(context.Background(), tenant, at)
	require.NoError(t, err)
	return s
}

// deadLetters returns the tenant's dead letters.
func deadLetters(t *testing.T, st store.Store) []store.OutboxEntry {
	t.Helper()
	var out []store.OutboxEntry
	for e, err := range st.DeadLetters(context.Background(), tenant) {
		require.NoError(t, err)
		out = append(out, e)
	}
	return out
}

// spy wraps an Outbox: it records claims and failures and can fail calls.
type spy struct {
	store.Outbox

	mu      sync.Mutex
	claimed []store.OutboxEntry
	nacks   []store.Failure

	// claimErr, ackErr and nackErr, when set, are asked before each call;
	// a non-nil error is returned instead of calling the store.
	claimErr func() error
	ackErr   func(id uuid.UUID) error
	nackErr  func(id uuid.UUID) error
}

func (s *spy) Claim(ctx context.Context, tenant string, now time.Time, n int, lease time.Duration) ([]store.OutboxEntry, error) {
	if s.claimErr != nil {
		if err := s.claimErr(); err != nil {
			return nil, err
		}
	}
	es, err := s.Outbox.Claim(ctx, tenant, now, n, lease)
	s.mu.Lock()
	s.claimed = append(s.claimed, es...)
	s.mu.Unlock()
	return es, err
}

func (s *spy) Ack(ctx context.Context, tenant string, id uuid.UUID, lease string) error {
	if s.ackErr != nil {
		if err := s.ackErr(id); err != nil {
			return err
		}
	}
	return s.Outbox.Ack(ctx, tenant, id, lease)
}

func (s *spy) Nack(ctx context.Context, tenant string, id uuid.UUID, lease string, f store.Failure) error {
	if s.nackErr != nil {
		if err := s.nackErr(id); err != nil {
			return err
		}
	}
	s.mu.Lock()
	s.nacks = append(s.nacks, f)
	s.mu.Unlock()
	return s.Outbox.Nack(ctx, tenant, id, lease, f)
}

func (s *spy) lastNack(t *testing.T) store.Failure {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	require.NotEmpty(t, s.nacks)
	return s.nacks[len(s.nacks)-1]
}

func (s *spy) claims() []store.OutboxEntry {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]store.OutboxEntry(nil), s.claimed...)
}

// newRelay returns a relay or fails the test.
func newRelay(t testing.TB, out store.Outbox, n notify.Notifier, opts ...relay.Option) *relay.Relay {
	t.Helper()
	r, err := relay.New(out, n, opts...)
	require.NoError(t, err)
	return r
}

// drain steps the relay until the tenant's outbox has nothing pending,
// advancing the clock by step whenever a round claims nothing. It fails the
// test after rounds rounds.
func drain(t *testing.T, r *relay.Relay, st store.Store, c *clock, step time.Duration, rounds int) {
	t.Helper()
	for range rounds {
		if stats(t, st, c.Now()).Pending == 0 {
			return
		}
		res, err := r.Step(context.Background(), tenant)
		require.NoError(t, err)
		if res.Claimed == 0 {
			c.Advance(step)
		}
	}
	t.Fatalf("outbox not empty after %d rounds: %+v", rounds, stats(t, st, c.Now()))
}

func always(v float64) func() float64 { return func() float64 { return v } }

func TestNewValidates(t *testing.T) {
	st, rec := memory.New(), &notifytest.Recorder{}
	_, err := relay.New(st, rec)
	require.NoError(t, err)
	_, err = relay.New(st, rec, nil) // a nil option is ignored
	require.NoError(t, err)

	for name, tc := range map[string]struct {
		out  store.Outbox
		n    notify.Notifier
		opts []relay.Option
	}{
		"nil outbox":          {nil, rec, nil},
		"nil notifier":        {st, nil, nil},
		"batch 0":             {st, rec, []relay.Option{relay.WithBatch(0)}},
		"lease 0":             {st, rec, []relay.Option{relay.WithLease(0)}},
		"concurrency 0":       {st, rec, []relay.Option{relay.WithConcurrency(0)}},
		"backoff base 0":      {st, rec, []relay.Option{relay.WithBackoff(0, time.Second)}},
		"backoff max < base":  {st, rec, []relay.Option{relay.WithBackoff(time.Minute, time.Second)}},
		"nil jitter":          {st, rec, []relay.Option{relay.WithJitter(nil)}},
		"nil clock":           {st, rec, []relay.Option{relay.WithClock(nil)}},
		"poll interval 0":     {st, rec, []relay.Option{relay.WithPollInterval(0)}},
		"nil logger":          {st, rec, []relay.Option{relay.WithLogger(nil)}},
		"negative everything": {st, rec, []relay.Option{relay.WithBatch(-1), relay.WithLease(-1), relay.WithPollInterval(-1)}},
	} {
		t.Run(name, func(t *testing.T) {
			r, err := relay.New(tc.out, tc.n, tc.opts...)
			require.ErrorIs(t, err, relay.ErrInvalidConfig)
			assert.Nil(t, r)
		})
	}

	// Every problem is reported.
	_, err = relay.New(nil, nil, relay.WithBatch(0), relay.WithClock(nil))
	require.ErrorIs(t, err, relay.ErrInvalidConfig)
	for _, want := range []string{"outbox", "notifier", "batch", "clock"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestStepDeliversEverything(t *testing.T) {
	st, rec, c := memory.New(), &notifytest.Recorder{}, newClock()
	fill(t, st, 0, 50, 0)
	r := newRelay(t, st, rec, relay.WithClock(c.Now))

	res, err := r.Step(context.Background(), tenant)
	require.NoError(t, err)
	assert.Equal(t, relay.Result{Claimed: relay.DefaultBatch, Delivered: relay.DefaultBatch}, res)
	res, err = r.Step(context.Background(), tenant)
	require.NoError(t, err)
	assert.Equal(t, relay.Result{Claimed: 50 - relay.DefaultBatch, Delivered: 50 - relay.DefaultBatch}, res)
	res, err = r.Step(context.Background(), tenant)
	require.NoError(t, err)
	assert.Equal(t, relay.Result{}, res)

	assert.Equal(t, 50, rec.Len())
	assert.Equal(t, 50, rec.Unique())
	assert.Equal(t, store.OutboxStats{}, stats(t, st, c.Now()))
	assert.Empty(t, deadLetters(t, st))
}

func TestStepBuildsNotification(t *testing.T) {
	st, rec, c := memory.New(), &notifytest.Recorder{}, newClock()
	fill(t, st, 0, 1, 0)
	rec.FailNext(notifytest.FailTransient)
	r := newRelay(t, st, rec, relay.WithClock(c.Now), relay.WithConcurrency(1))

	res, err := r.Step(context.Background(), tenant)
	require.NoError(t, err)
	assert.Equal(t, relay.Result{Claimed: 1, Retried: 1}, res)
	c.Advance(relay.DefaultBackoffBase)
	res, err = r.Step(context.Background(), tenant)
	require.NoError(t, err)
	assert.Equal(t, relay.Result{Claimed: 1, Delivered: 1}, res)

	ns := rec.Notifications()
	require.Len(t, ns, 1)
	assert.Equal(t, notify.Notification{
		ID:             entryID(0),
		Type:           "incident.updated",
		Tenant:         tenant,
		RecordID:       uuid.MustParse("0196a3c1-0000-7000-8000-00000000aaaa"),
		Seq:            1,
		IdempotencyKey: "key-0",
		Payload:        []byte(`{"n":0}`),
		CreatedAt:      t0,
		Attempt:        2,
	}, ns[0])
}

func TestStepBackoff(t *testing.T) {
	const (
		base     = time.Second
		maxDelay = 10 * time.Minute
	)
	for _, jitter := range []float64{1, 0.5, 0, 7, -1} {
		t.Run(fmt.Sprint("jitter ", jitter), func(t *testing.T) {
			st, c := memory.New(), newClock()
			fill(t, st, 0, 1, 60)
			out := &spy{Outbox: st}
			failing := notify.Func(func(context.Context, notify.Notification) error { return errors.New("503") })
			r := newRelay(t, out, failing, relay.WithClock(c.Now), relay.WithBackoff(base, maxDelay), relay.WithJitter(always(jitter)))
			scale := min(max(jitter, 0), 1) // clamped
			// Up to attempt 59, far past the point where base·2^(k-1)
			// overflows a Duration.
			for k := 1; k < 60; k++ {
				res, err := r.Step(context.Background(), tenant)
				require.NoError(t, err)
				require.Equal(t, relay.Result{Claimed: 1, Retried: 1}, res, "attempt %d", k)
				f := out.lastNack(t)
				full := maxDelay
				if k <= 20 { // 2^19 s > 10 min
					full = min(base<<(k-1), maxDelay)
				}
				want := time.Duration(float64(full) * scale)
				assert.Equal(t, c.Now(), f.Now)
				assert.Equal(t, want, f.RetryAt.Sub(f.Now), "attempt %d", k)
				assert.Equal(t, "503", f.Reason)
				assert.False(t, f.Permanent)
				// Not claimable before RetryAt, claimable at it.
				if want > 0 {
					c.Advance(want - 1)
					res, err = r.Step(context.Background(), tenant)
					require.NoError(t, err)
					require.Zero(t, res.Claimed)
					c.Advance(1)
				}
			}
		})
	}
}

func TestStepRetryAfter(t *testing.T) {
	for name, tc := range map[string]struct {
		base, want time.Duration
	}{
		"longer than backoff wins":   {base: 100 * time.Millisecond, want: notifytest.RetryAfterDelay},
		"shorter than backoff loses": {base: 5 * time.Second, want: 5 * time.Second},
	} {
		t.Run(name, func(t *testing.T) {
			st, rec, c := memory.New(), &notifytest.Recorder{}, newClock()
			fill(t, st, 0, 1, 0)
			rec.FailNext(notifytest.FailRetryAfter)
			out := &spy{Outbox: st}
			r := newRelay(t, out, rec, relay.WithClock(c.Now), relay.WithBackoff(tc.base, time.Hour), relay.WithJitter(always(1)))
			res, err := r.Step(context.Background(), tenant)
			require.NoError(t, err)
			assert.Equal(t, relay.Result{Claimed: 1, Retried: 1}, res)
			f := out.lastNack(t)
			assert.Equal(t, tc.want, f.RetryAt.Sub(f.Now))
			assert.False(t, f.Permanent)
		})
	}
}

func TestStepPermanentFailureDeadLetters(t *testing.T) {
	st, rec, c := memory.New(), &notifytest.Recorder{}, newClock()
	fill(t, st, 0, 3, 0)
	rec.FailNext(notifytest.FailPermanent)
	out := &spy{Outbox: st}
	r := newRelay(t, out, rec, relay.WithClock(c.Now), relay.WithConcurrency(1))

	res, err := r.Step(context.Background(), tenant)
	require.NoError(t, err)
	assert.Equal(t, relay.Result{Claimed: 3, Delivered: 2, DeadLettered: 1}, res)
	assert.True(t, out.lastNack(t).Permanent)

	dead := deadLetters(t, st)
	require.Len(t, dead, 1)
	assert.Equal(t, entryID(0), dead[0].ID)
	assert.Equal(t, c.Now(), dead[0].DeadAt)
	assert.Contains(t, dead[0].LastError, "permanent")
	assert.Equal(t, store.OutboxStats{Dead: 1}, stats(t, st, c.Now()))
}

func TestStepDeadLettersAfterMaxAttempts(t *testing.T) {
	st, c := memory.New(), newClock()
	fill(t, st, 0, 1, 3)
	failing := notify.Func(func(context.Context, notify.Notification) error { return errors.New("connection refused") })
	r := newRelay(t, st, failing, relay.WithClock(c.Now), relay.WithJitter(always(1)))

	for k, want := range []relay.Result{
		{Claimed: 1, Retried: 1},
		{Claimed: 1, Retried: 1},
		{Claimed: 1, DeadLettered: 1},
		{},
	} {
		res, err := r.Step(context.Background(), tenant)
		require.NoError(t, err)
		assert.Equal(t, want, res, "attempt %d", k+1)
		c.Advance(time.Hour)
	}
	dead := deadLetters(t, st)
	require.Len(t, dead, 1)
	assert.Equal(t, 3, dead[0].Attempts)
	assert.Equal(t, "connection refused", dead[0].LastError)
	assert.Equal(t, 0, stats(t, st, c.Now()).Pending)
}

// TestNothingLostUnderRandomFaults delivers 500 entries through a receiver
// that fails 30% of the deliveries at random, half of those after it got
// the notification (the acknowledgement is lost, so the retry delivers a
// duplicate).
func TestNothingLostUnderRandomFaults(t *testing.T) {
	const n = 500
	for _, k := range []int{1, 8} {
		t.Run(fmt.Sprint("concurrency ", k), func(t *testing.T) {
			st, rec, c := memory.New(), &notifytest.Recorder{}, newClock()
			fill(t, st, 0, n, 50)
			lost := &notifytest.Faulty{Next: rec, Rate: 0.3, Rand: rand.New(rand.NewPCG(1, 2)), AfterDelivery: true}
			refused := &notifytest.Faulty{Next: rec, Rate: 0.3, Rand: rand.New(rand.NewPCG(3, 4))}
			faulty := notify.Func(func(ctx context.Context, m notify.Notification) error {
				if index(m.ID)%2 == 0 {
					return lost.Notify(ctx, m)
				}
				return refused.Notify(ctx, m)
			})
			r := newRelay(t, st, faulty, relay.WithClock(c.Now), relay.WithConcurrency(k),
				relay.WithBackoff(time.Second, time.Minute), relay.WithJitter(rand.New(rand.NewPCG(5, 6)).Float64))

			drain(t, r, st, c, time.Minute, 10_000)

			assert.Equal(t, n, rec.Unique())
			assert.Greater(t, rec.Len(), n, "some acknowledgements were lost, so some were delivered twice")
			assert.Positive(t, lost.Injected())
			assert.Positive(t, refused.Injected())
			assert.Empty(t, deadLetters(t, st))
			assert.Equal(t, store.OutboxStats{}, stats(t, st, c.Now()))
		})
	}
}

// TestRestartMidBatch stops a relay in the middle of a batch, as a deploy
// would, or lets its process die there, and finishes with a new relay.
func TestRestartMidBatch(t *testing.T) {
	const (
		n     = 12
		block = 3 // the entry whose delivery hangs until the relay stops
		lease = time.Minute
	)
	// hanging returns a notifier that delivers to rec, except the entry
	// block: it calls stop, then hangs until its context is done.
	hanging := func(rec *notifytest.Recorder, stop func()) notify.Notifier {
		return notify.Func(func(ctx context.Context, m notify.Notification) error {
			if index(m.ID) == block {
				stop()
				<-ctx.Done()
				return ctx.Err()
			}
			return rec.Notify(ctx, m)
		})
	}
	finish := func(t *testing.T, st *memory.Store, rec *notifytest.Recorder, c *clock) {
		t.Helper()
		// A new relay, on the same store and receiver.
		r := newRelay(t, st, rec, relay.WithClock(c.Now), relay.WithLease(lease))
		c.Advance(lease)
		drain(t, r, st, c, lease, 100)
		assert.Equal(t, n, rec.Unique())
		assert.Empty(t, deadLetters(t, st))
		assert.Equal(t, store.OutboxStats{}, stats(t, st, c.Now()))
	}

	t.Run("stopped", func(t *testing.T) {
		st, rec, c := memory.New(), &notifytest.Recorder{}, newClock()
		fill(t, st, 0, n, 0)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		r := newRelay(t, st, hanging(rec, cancel), relay.WithClock(c.Now), relay.WithLease(lease), relay.WithConcurrency(1))

		res, err := r.Step(ctx, tenant)
		require.ErrorIs(t, err, context.Canceled)
		// Delivered before the stop: acknowledged; the rest given back.
		assert.Equal(t, relay.Result{Claimed: n, Delivered: block, Retried: n - block}, res)
		assert.Equal(t, block, rec.Len())
		assert.Equal(t, store.OutboxStats{Pending: n - block}, stats(t, st, c.Now()))
		// The relay is dropped; a new one finishes.
		finish(t, st, rec, c)
	})

	t.Run("crashed", func(t *testing.T) {
		st, rec, c := memory.New(), &notifytest.Recorder{}, newClock()
		fill(t, st, 0, n, 0)
		var crashed atomic.Bool
		errCrashed := errors.New("process died")
		out := &spy{Outbox: st}
		out.ackErr = func(uuid.UUID) error {
			if crashed.Load() {
				return errCrashed
			}
			return nil
		}
		out.nackErr = out.ackErr
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		crash := func() { crashed.Store(true); cancel() }
		r := newRelay(t, out, hanging(rec, crash), relay.WithClock(c.Now), relay.WithLease(lease), relay.WithConcurrency(1))

		res, err := r.Step(ctx, tenant)
		require.ErrorIs(t, err, errCrashed)
		assert.Equal(t, relay.Result{Claimed: n, Delivered: block}, res)
		// The rest are still leased: nobody else may claim them yet.
		assert.Equal(t, store.OutboxStats{Pending: n - block, Leased: n - block}, stats(t, st, c.Now()))
		other := newRelay(t, st, rec, relay.WithClock(c.Now))
		res, err = other.Step(context.Background(), tenant)
		require.NoError(t, err)
		assert.Zero(t, res.Claimed)

		finish(t, st, rec, c)
		// The entries the crashed relay held were claimed a second time.
		for _, m := range rec.Notifications() {
			want := 1
			if index(m.ID) >= block {
				want = 2
			}
			assert.Equal(t, want, m.Attempt, "entry %d", index(m.ID))
		}
	})
}

func TestTwoRelaysShareATenant(t *testing.T) {
	const n = 300
	st, rec, c := memory.New(), &notifytest.Recorder{}, newClock()
	fill(t, st, 0, n, 100)
	faulty := &notifytest.Faulty{Next: rec, Rate: 0.2, Rand: rand.New(rand.NewPCG(7, 8)), AfterDelivery: true}
	var wg sync.WaitGroup
	results := make([]relay.Result, 2)
	for i := range results {
		// Jitter 0: a failed entry is claimable again at once, so the
		// clock need not move.
		r := newRelay(t, st, faulty, relay.WithClock(c.Now), relay.WithBatch(8), relay.WithConcurrency(3), relay.WithJitter(always(0)))
		wg.Go(func() {
			for {
				res, err := r.Step(context.Background(), tenant)
				if !assert.NoError(t, err) || res.Claimed == 0 {
					return
				}
				results[i].Claimed += res.Claimed
				results[i].Delivered += res.Delivered
				results[i].LeaseLost += res.LeaseLost
				results[i].DeadLettered += res.DeadLettered
			}
		})
	}
	wg.Wait()

	assert.Equal(t, n, rec.Unique())
	assert.Equal(t, n, results[0].Delivered+results[1].Delivered, "each entry acknowledged once")
	assert.Zero(t, results[0].LeaseLost+results[1].LeaseLost, "leases do not expire on a clock that stands still")
	assert.Zero(t, results[0].DeadLettered+results[1].DeadLettered)
	assert.Empty(t, deadLetters(t, st))
	assert.Equal(t, store.OutboxStats{}, stats(t, st, c.Now()))
	t.Logf("relay results: %+v; %d deliveries, %d failures injected", results, rec.Len(), faulty.Injected())
}

func TestStepLeaseLost(t *testing.T) {
	const lease = time.Minute
	for name, thief := range map[string]func(t *testing.T, st *memory.Store, c *clock){
		// Another relay claimed the entry after the lease expired and still
		// holds it: ErrLeaseLost.
		"entry claimed again": func(t *testing.T, st *memory.Store, c *clock) {
			es, err := st.Claim(context.Background(), tenant, c.Now(), 1, lease)
			require.NoError(t, err)
			require.Len(t, es, 1)
		},
		// Another relay claimed and delivered it: ErrNotFound.
		"entry delivered by another relay": func(t *testing.T, st *memory.Store, c *clock) {
			other := newRelay(t, st, &notifytest.Recorder{}, relay.WithClock(c.Now))
			res, err := other.Step(context.Background(), tenant)
			require.NoError(t, err)
			require.Equal(t, 1, res.Delivered)
		},
	} {
		t.Run(name, func(t *testing.T) {
			st, rec, c := memory.New(), &notifytest.Recorder{}, newClock()
			fill(t, st, 0, 1, 0)
			var buf lockedBuffer
			slow := notify.Func(func(ctx context.Context, m notify.Notification) error {
				// The delivery takes longer than the lease (on the test
				// clock), and another relay takes the entry over.
				c.Advance(lease)
				thief(t, st, c)
				return rec.Notify(ctx, m)
			})
			r := newRelay(t, st, slow, relay.WithClock(c.Now), relay.WithLease(lease),
				relay.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))
			res, err := r.Step(context.Background(), tenant)
			require.NoError(t, err)
			assert.Equal(t, relay.Result{Claimed: 1, LeaseLost: 1}, res)
			assert.Contains(t, buf.String(), "lease lost")
			assert.Equal(t, 1, rec.Unique())
		})
	}
}

func TestStepStoreFailsToRecord(t *testing.T) {
	st, rec, c := memory.New(), &notifytest.Recorder{}, newClock()
	fill(t, st, 0, 2, 0)
	errDown := errors.New("database is down")
	out := &spy{Outbox: st, ackErr: func(id uuid.UUID) error {
		if id == entryID(0) {
			return errDown
		}
		return nil
	}}
	r := newRelay(t, out, rec, relay.WithClock(c.Now))
	res, err := r.Step(context.Background(), tenant)
	require.ErrorIs(t, err, errDown)
	assert.Equal(t, relay.Result{Claimed: 2, Delivered: 1}, res)
	// The entry stays leased and is delivered again once the lease ends.
	out.ackErr = nil
	c.Advance(relay.DefaultLease)
	res, err = r.Step(context.Background(), tenant)
	require.NoError(t, err)
	assert.Equal(t, relay.Result{Claimed: 1, Delivered: 1}, res)
	assert.Equal(t, 3, rec.Len())
	assert.Equal(t, 2, rec.Unique())
}

func TestStepErrors(t *testing.T) {
	st, rec := memory.New(), &notifytest.Recorder{}
	r := newRelay(t, st, rec)
	_, err := r.Step(context.Background(), "")
	require.ErrorIs(t, err, store.ErrInvalid)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = r.Step(ctx, tenant)
	require.ErrorIs(t, err, context.Canceled)

	errDown := errors.New("database is down")
	r = newRelay(t, &spy{Outbox: st, claimErr: func() error { return errDown }}, rec)
	res, err := r.Step(context.Background(), tenant)
	require.ErrorIs(t, err, errDown)
	assert.Equal(t, relay.Result{}, res)
}

// A delivery never outlives its lease: the notifier's context has a
// deadline before the lease ends, measured on the real clock whatever the
// relay's clock says.
func TestStepDeliveryDeadlineBeforeLeaseEnds(t *testing.T) {
	for name, tc := range map[string]struct {
		lease, margin time.Duration
		fake          bool
	}{
		"default lease":         {lease: relay.DefaultLease, margin: 3 * time.Second},
		"short lease":           {lease: 5 * time.Second, margin: time.Second},
		"very short lease":      {lease: time.Second, margin: 500 * time.Millisecond},
		"clock in the past":     {lease: relay.DefaultLease, margin: 3 * time.Second, fake: true},
		"with a day-long lease": {lease: 24 * time.Hour, margin: 144 * time.Minute},
	} {
		t.Run(name, func(t *testing.T) {
			st := memory.New()
			fill(t, st, 0, 4, 0)
			out := &spy{Outbox: st}
			var (
				mu        sync.Mutex
				deadlines = map[uuid.UUID]time.Time{}
			)
			n := notify.Func(func(ctx context.Context, m notify.Notification) error {
				dl, ok := ctx.Deadline()
				if !ok {
					return errors.New("no deadline")
				}
				mu.Lock()
				deadlines[m.ID] = dl
				mu.Unlock()
				return nil
			})
			opts := []relay.Option{relay.WithLease(tc.lease)}
			if tc.fake {
				opts = append(opts, relay.WithClock(newClock().Now))
			}
			r := newRelay(t, out, n, opts...)
			before := time.Now()
			res, err := r.Step(context.Background(), tenant)
			require.NoError(t, err)
			require.Equal(t, 4, res.Delivered)
			for _, e := range out.claims() {
				dl := deadlines[e.ID]
				if tc.fake {
					// The lease is on the fake clock; the deadline is as far
					// from the real now as the lease minus the margin.
					assert.WithinDuration(t, before.Add(tc.lease-tc.margin), dl, time.Second)
					continue
				}
				assert.True(t, dl.Before(e.LeaseUntil), "deadline %v, lease until %v", dl, e.LeaseUntil)
				assert.GreaterOrEqual(t, e.LeaseUntil.Sub(dl), tc.margin)
				assert.Less(t, e.LeaseUntil.Sub(dl), tc.margin+time.Second)
			}
		})
	}
}

// When the lease runs short, the delivery in progress fails (the receiver
// hung: backoff) and the entries whose turn has not come are given back at
// once. A real timer is the thing under test, so the lease is short.
func TestStepLeaseRunsShort(t *testing.T) {
	const lease = 400 * time.Millisecond // a margin of 200ms
	st, rec, c := memory.New(), &notifytest.Recorder{}, newClock()
	fill(t, st, 0, 3, 0)
	rec.FailNext(notifytest.FailHang)
	out := &spy{Outbox: st}
	r := newRelay(t, out, rec, relay.WithClock(c.Now), relay.WithLease(lease), relay.WithConcurrency(1),
		relay.WithJitter(always(1)))

	start := time.Now()
	res, err := r.Step(context.Background(), tenant)
	require.NoError(t, err)
	assert.Less(t, time.Since(start), 10*time.Second, "Step ends with the lease's deadline")
	assert.Equal(t, relay.Result{Claimed: 3, Retried: 3}, res)
	out.mu.Lock()
	nacks := append([]store.Failure(nil), out.nacks...)
	out.mu.Unlock()
	require.Len(t, nacks, 3)
	assert.Equal(t, relay.DefaultBackoffBase, nacks[0].RetryAt.Sub(c.Now()), "the hung delivery backs off")
	assert.Contains(t, nacks[0].Reason, context.DeadlineExceeded.Error())
	for _, f := range nacks[1:] {
		assert.Equal(t, c.Now(), f.RetryAt, "the others are given back at once")
		assert.Contains(t, f.Reason, "lease ran short")
	}
	assert.Zero(t, rec.Len())
}

func TestRunStopsCleanly(t *testing.T) {
	st, rec := memory.New(), &notifytest.Recorder{}
	fill(t, st, 0, 3, 0)
	// A fourth entry whose receiver hangs: Run must not wait for it.
	hung := make(chan struct{})
	n := notify.Func(func(ctx context.Context, m notify.Notification) error {
		if index(m.ID) == 3 {
			close(hung)
			<-ctx.Done()
			return ctx.Err()
		}
		return rec.Notify(ctx, m)
	})
	r := newRelay(t, st, n, relay.WithConcurrency(1), relay.WithPollInterval(time.Millisecond))
	// Created a moment later, so that it comes last.
	require.NoError(t, st.Commit(context.Background(), tenant, &store.Write{Outbox: []store.OutboxEntry{{
		ID: entryID(3), Type: "incident.updated", IdempotencyKey: "key-3", CreatedAt: t0.Add(time.Second),
	}}}))

	base := runtime.NumGoroutine()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, tenant, "globex") }()

	wctx, wcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer wcancel()
	require.NoError(t, rec.Wait(wctx, 3))
	select {
	case <-hung:
	case <-wctx.Done():
		t.Fatal("the fourth delivery never started")
	}
	cancel()
	start := time.Now()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context was cancelled")
	}
	// Well before the hung delivery's deadline (27s away): the
	// cancellation ended it. The bound is loose for loaded machines.
	assert.Less(t, time.Since(start), 10*time.Second)

	// The hung entry was given back, claimable at once.
	assert.Equal(t, store.OutboxStats{Pending: 1}, stats(t, st, t0))
	// No goroutine or timer outlives Run.
	settles(t, base)
}

func TestRunStopsWhenIdle(t *testing.T) {
	r := newRelay(t, memory.New(), &notifytest.Recorder{}, relay.WithPollInterval(time.Hour))
	base := runtime.NumGoroutine()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	start := time.Now()
	require.NoError(t, r.Run(ctx, tenant), "a context past its deadline is a clean stop too")
	assert.Less(t, time.Since(start), 10*time.Second, "Run did not wait out the poll interval")
	settles(t, base)
}

func TestRunSurvivesStoreErrors(t *testing.T) {
	st, rec := memory.New(), &notifytest.Recorder{}
	fill(t, st, 0, 5, 0)
	var calls atomic.Int32
	out := &spy{Outbox: st, claimErr: func() error {
		if calls.Add(1) <= 2 {
			return errors.New("database is down")
		}
		return nil
	}}
	var buf lockedBuffer
	r := newRelay(t, out, rec, relay.WithPollInterval(time.Millisecond),
		relay.WithLogger(slog.New(slog.NewTextHandler(&buf, nil))))

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, tenant) }()
	require.NoError(t, rec.Wait(ctx, 5))
	cancel()
	require.NoError(t, <-done)
	assert.Equal(t, 5, rec.Unique())
	assert.Contains(t, buf.String(), "database is down")
}

func TestRunReturnsInvalid(t *testing.T) {
	r := newRelay(t, memory.New(), &notifytest.Recorder{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	require.ErrorIs(t, r.Run(ctx), store.ErrInvalid, "no tenant")
	require.ErrorIs(t, r.Run(ctx, tenant, ""), store.ErrInvalid, "an empty tenant")

	bad := &spy{Outbox: memory.New(), claimErr: func() error { return fmt.Errorf("%w: unusable", store.ErrInvalid) }}
	r = newRelay(t, bad, &notifytest.Recorder{})
	require.ErrorIs(t, r.Run(ctx, tenant), store.ErrInvalid)
}

// settles fails the test unless the number of goroutines falls back to
// base within a few seconds. (Not require.Eventually: it runs goroutines
// of its own.)
func settles(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines, %d before Run", runtime.NumGoroutine(), base)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// lockedBuffer is a bytes.Buffer safe for concurrent use, for loggers.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// BenchmarkStep measures one Step of a full batch on the memory store
// with a Recorder; refilling the outbox is not timed.
func BenchmarkStep(b *testing.B) {
	for _, k := range []int{1, relay.DefaultConcurrency} {
		b.Run(fmt.Sprint("concurrency=", k), func(b *testing.B) {
			st, rec := memory.New(), &notifytest.Recorder{}
			r := newRelay(b, st, rec, relay.WithClock(func() time.Time { return t0 }), relay.WithConcurrency(k))
			ctx := context.Background()
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				rec.Reset()
				fill(b, st, i*relay.DefaultBatch, relay.DefaultBatch, 0)
				b.StartTimer()
				res, err := r.Step(ctx, tenant)
				if err != nil || res.Delivered != relay.DefaultBatch {
					b.Fatalf("Step: %+v, %v", res, err)
				}
			}
		})
	}
}

// TestStopOnLastAttemptDoesNotDeadLetter: an entry given back because the
// relay stopped does not spend an attempt, so stopping a relay never turns
// an undelivered entry into a dead letter, even on its last attempt.
func TestStopOnLastAttemptDoesNotDeadLetter(t *testing.T) {
	st, rec, c := memory.New(), &notifytest.Recorder{}, newClock()
	fill(t, st, 0, 2, 1) // one attempt each
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	stopFirst := notify.Func(func(ctx context.Context, m notify.Notification) error {
		cancel()
		return rec.Notify(ctx, m)
	})
	r := newRelay(t, st, stopFirst, relay.WithClock(c.Now), relay.WithConcurrency(1))
	res, err := r.Step(ctx, tenant)
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, res.DeadLettered, "%+v", res)
	assert.Empty(t, deadLetters(t, st))

	r2 := newRelay(t, st, rec, relay.WithClock(c.Now))
	res, err = r2.Step(context.Background(), tenant)
	require.NoError(t, err)
	assert.Equal(t, 2, rec.Unique())
	assert.Zero(t, res.DeadLettered)
	assert.Equal(t, store.OutboxStats{}, stats(t, st, c.Now()))
}
