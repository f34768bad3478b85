package notifytest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/notify/notifytest"
)

var allFeatures = notifytest.Features{SupportsPermanent: true, SupportsHang: true, SupportsRetryAfter: true}

// recorderHarness is the Recorder as the reference implementation: it is
// both the notifier and its own receiver.
func recorderHarness(*testing.T) notifytest.Harness {
	rec := &notifytest.Recorder{}
	return notifytest.Harness{
		Notifier: rec,
		Received: rec.Notifications,
		FailNext: func(f notifytest.Failure) { rec.FailNext(f) },
		Features: allFeatures,
	}
}

func TestRecorderConformance(t *testing.T) {
	notifytest.Run(t, recorderHarness)
}

// A Faulty that never fails is transparent: it passes the suite too.
func TestFaultyConformance(t *testing.T) {
	notifytest.Run(t, func(t *testing.T) notifytest.Harness {
		h := recorderHarness(t)
		h.Notifier = &notifytest.Faulty{Next: h.Notifier, Rate: 0}
		return h
	})
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func note(i int, typ string) notify.Notification {
	return notify.Notification{
		Type:           typ,
		Tenant:         "acme",
		Seq:            uint64(i),
		IdempotencyKey: fmt.Sprintf("key-%d", i),
		Payload:        json.RawMessage(fmt.Sprintf(`{"i":%d}`, i)),
	}
}

func TestRecorderRecords(t *testing.T) {
	ctx := ctxFor(t)
	var rec notifytest.Recorder // the zero value is ready
	assert.Empty(t, rec.Notifications())
	assert.Equal(t, 0, rec.Len())
	assert.Equal(t, 0, rec.Unique())

	require.NoError(t, rec.Notify(ctx, note(1, "incident.declared")))
	require.NoError(t, rec.Notify(ctx, note(2, "incident.closed")))
	require.NoError(t, rec.Notify(ctx, note(1, "incident.declared"))) // a redelivery
	require.NoError(t, rec.Notify(ctx, note(3, "incident.declared")))

	assert.Equal(t, 4, rec.Len())
	assert.Equal(t, 3, rec.Unique(), "distinct IdempotencyKeys")
	got := rec.Notifications()
	require.Len(t, got, 4)
	for i, want := range []uint64{1, 2, 1, 3} {
		assert.Equal(t, want, got[i].Seq, "arrival order")
	}
	declared := rec.ByType("incident.declared")
	require.Len(t, declared, 3)
	for _, n := range declared {
		assert.Equal(t, "incident.declared", n.Type)
	}
	assert.Len(t, rec.ByType("incident.closed"), 1)
	assert.Empty(t, rec.ByType("nope"))

	rec.FailNext(notifytest.FailTransient)
	rec.Reset()
	assert.Equal(t, 0, rec.Len())
	assert.Equal(t, 0, rec.Unique())
	assert.Empty(t, rec.Notifications())
	require.NoError(t, rec.Notify(ctx, note(4, "x")), "Reset drops queued failures")
	assert.Equal(t, 1, rec.Len())
}

func TestRecorderCopies(t *testing.T) {
	ctx := ctxFor(t)
	rec := &notifytest.Recorder{}
	n := note(1, "t")
	require.NoError(t, rec.Notify(ctx, n))
	n.Payload[0] = 'X' // the sender reuses its buffer

	got := rec.Notifications()
	assert.JSONEq(t, `{"i":1}`, string(got[0].Payload), "recorded payload is a copy")
	got[0].Payload[0] = 'Y'
	got[0].Type = "changed"
	got = append(got[:0], note(9, "other"))
	_ = got
	again := rec.Notifications()
	assert.Equal(t, "t", again[0].Type, "Notifications returns a copy")
	assert.JSONEq(t, `{"i":1}`, string(again[0].Payload), "returned payload is a copy")
	byType := rec.ByType("t")
	byType[0].Payload[0] = 'Z'
	assert.JSONEq(t, `{"i":1}`, string(rec.Notifications()[0].Payload), "ByType returns copies")

	require.NoError(t, rec.Notify(ctx, notify.Notification{IdempotencyKey: "k"}))
	assert.Nil(t, rec.Notifications()[1].Payload, "a nil payload stays nil")
}

func TestRecorderDoneContext(t *testing.T) {
	rec := &notifytest.Recorder{}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := rec.Notify(ctx, note(1, "t"))
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, 0, rec.Len(), "nothing recorded")
}

func TestRecorderFailNext(t *testing.T) {
	tests := []struct {
		failure   notifytest.Failure
		permanent bool
		retry     time.Duration
		cancelled bool
	}{
		{failure: notifytest.FailTransient},
		{failure: notifytest.FailPermanent, permanent: true},
		{failure: notifytest.FailRetryAfter, retry: notifytest.RetryAfterDelay},
		{failure: notifytest.FailHang, cancelled: true},
	}
	for _, tt := range tests {
		t.Run(tt.failure.String(), func(t *testing.T) {
			rec := &notifytest.Recorder{}
			rec.FailNext(tt.failure)
			ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
			defer cancel()
			err := rec.Notify(ctx, note(1, "t"))
			require.Error(t, err)
			assert.Equal(t, tt.permanent, notify.IsPermanent(err), "IsPermanent(%v)", err)
			d, ok := notify.RetryAfter(err)
			assert.Equal(t, tt.retry, d)
			assert.Equal(t, tt.retry > 0, ok)
			if tt.cancelled {
				assert.ErrorIs(t, err, context.DeadlineExceeded)
			} else {
				assert.ErrorIs(t, err, notifytest.ErrInjected)
			}
			assert.Equal(t, 0, rec.Len(), "a failed delivery is not recorded")

			require.NoError(t, rec.Notify(t.Context(), note(1, "t")), "only the next delivery fails")
			assert.Equal(t, 1, rec.Len())
		})
	}
}

func TestRecorderFailNextQueue(t *testing.T) {
	ctx := ctxFor(t)
	rec := &notifytest.Recorder{}
	rec.FailNext(notifytest.FailTransient, notifytest.FailPermanent)
	rec.FailNext(notifytest.FailRetryAfter)
	var results []string
	for i := range 5 {
		err := rec.Notify(ctx, note(i, "t"))
		switch {
		case err == nil:
			results = append(results, "ok")
		case notify.IsPermanent(err):
			results = append(results, "permanent")
		default:
			if _, ok := notify.RetryAfter(err); ok {
				results = append(results, "retry-after")
			} else {
				results = append(results, "transient")
			}
		}
	}
	assert.Equal(t, []string{"transient", "permanent", "retry-after", "ok", "ok"}, results)
	assert.Equal(t, 2, rec.Len())
}

func TestRecorderFailWith(t *testing.T) {
	ctx := ctxFor(t)
	reject := errors.New("odd seq")
	rec := &notifytest.Recorder{FailWith: func(n notify.Notification) error {
		if n.Seq%2 == 1 {
			return reject
		}
		return nil
	}}
	for i := range 6 {
		err := rec.Notify(ctx, note(i, "t"))
		if i%2 == 1 {
			assert.ErrorIs(t, err, reject)
		} else {
			assert.NoError(t, err)
		}
	}
	assert.Equal(t, 3, rec.Len())

	// FailNext comes first and does not consult FailWith.
	rec.FailNext(notifytest.FailPermanent)
	err := rec.Notify(ctx, note(2, "t"))
	assert.True(t, notify.IsPermanent(err))
	assert.Equal(t, 3, rec.Len())

	rec.Reset()
	assert.ErrorIs(t, rec.Notify(ctx, note(1, "t")), reject, "Reset keeps FailWith")
}

func TestFailureString(t *testing.T) {
	assert.Equal(t, "transient", notifytest.FailTransient.String())
	assert.Equal(t, "permanent", notifytest.FailPermanent.String())
	assert.Equal(t, "retry-after", notifytest.FailRetryAfter.String())
	assert.Equal(t, "hang", notifytest.FailHang.String())
	assert.Equal(t, "Failure(0)", notifytest.Failure(0).String())

	rec := &notifytest.Recorder{}
	rec.FailNext(notifytest.Failure(42))
	err := rec.Notify(t.Context(), note(1, "t"))
	assert.ErrorIs(t, err, notifytest.ErrInjected, "an unknown failure still fails")
}

func TestRecorderWait(t *testing.T) {
	t.Run("AlreadyThere", func(t *testing.T) {
		rec := &notifytest.Recorder{}
		require.NoError(t, rec.Wait(t.Context(), 0))
		require.NoError(t, rec.Notify(t.Context(), note(1, "t")))
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		assert.NoError(t, rec.Wait(ctx, 1), "no blocking when enough are recorded, even with a done context")
	})
	t.Run("Async", func(t *testing.T) {
		rec := &notifytest.Recorder{}
		ctx := ctxFor(t)
		const n = 50
		// Several waiters with different targets, started before anything
		// arrives.
		var waiters sync.WaitGroup
		waitErrs := make([]error, 5)
		for i := range waitErrs {
			waiters.Go(func() { waitErrs[i] = rec.Wait(ctx, (i+1)*n/len(waitErrs)) })
		}
		var senders sync.WaitGroup
		for i := range n {
			senders.Go(func() { assert.NoError(t, rec.Notify(ctx, note(i, "t"))) })
		}
		senders.Wait()
		waiters.Wait()
		for i, err := range waitErrs {
			assert.NoError(t, err, "waiter %d", i)
		}
		assert.Equal(t, n, rec.Len())
		assert.Equal(t, n, rec.Unique())
	})
	t.Run("Timeout", func(t *testing.T) {
		rec := &notifytest.Recorder{}
		require.NoError(t, rec.Notify(t.Context(), note(1, "t")))
		ctx, cancel := context.WithTimeout(t.Context(), 20*time.Millisecond)
		defer cancel()
		err := rec.Wait(ctx, 3)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Contains(t, err.Error(), "1 of 3")
	})
	t.Run("Cancelled", func(t *testing.T) {
		rec := &notifytest.Recorder{}
		ctx, cancel := context.WithCancel(t.Context())
		done := make(chan error, 1)
		go func() { done <- rec.Wait(ctx, 1) }()
		cancel()
		select {
		case err := <-done:
			assert.ErrorIs(t, err, context.Canceled)
		case <-time.After(5 * time.Second):
			t.Fatal("Wait did not return after cancellation")
		}
	})
}

// Readers, writers, waiters, Reset and FailNext at once: run with -race.
func TestRecorderConcurrent(t *testing.T) {
	ctx := ctxFor(t)
	rec := &notifytest.Recorder{FailWith: func(notify.Notification) error { return nil }}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			for j := range 20 {
				_ = rec.Notify(ctx, note(i*100+j, fmt.Sprint(j%3)))
				_ = rec.Notifications()
				_ = rec.ByType("1")
				_ = rec.Len()
				_ = rec.Unique()
			}
		})
	}
	wg.Go(func() { rec.FailNext(notifytest.FailTransient, notifytest.FailPermanent) })
	wg.Go(func() { rec.Reset() })
	wg.Go(func() {
		c, cancel := context.WithTimeout(ctx, 10*time.Millisecond)
		defer cancel()
		_ = rec.Wait(c, 1000)
	})
	wg.Wait()
	assert.LessOrEqual(t, rec.Len(), 400)
}

func TestFaultyRate(t *testing.T) {
	ctx := ctxFor(t)
	t.Run("Never", func(t *testing.T) {
		rec := &notifytest.Recorder{}
		f := &notifytest.Faulty{Next: rec, Rate: 0, Rand: rand.New(rand.NewPCG(1, 2))}
		for i := range 100 {
			require.NoError(t, f.Notify(ctx, note(i, "t")))
		}
		assert.Equal(t, 100, rec.Len())
		assert.Equal(t, 0, f.Injected())
	})
	t.Run("Always", func(t *testing.T) {
		rec := &notifytest.Recorder{}
		f := &notifytest.Faulty{Next: rec, Rate: 1}
		for i := range 100 {
			err := f.Notify(ctx, note(i, "t"))
			require.ErrorIs(t, err, notifytest.ErrInjected)
			assert.False(t, notify.IsPermanent(err), "the default failure is transient")
		}
		assert.Equal(t, 0, rec.Len(), "a failing call does not reach Next")
		assert.Equal(t, 100, f.Injected())
	})
	t.Run("Fraction", func(t *testing.T) {
		for _, rate := range []float64{0.1, 0.3, 0.5, 0.9} {
			rec := &notifytest.Recorder{}
			f := &notifytest.Faulty{Next: rec, Rate: rate, Rand: rand.New(rand.NewPCG(7, uint64(rate*100)))}
			const calls = 2000
			for i := range calls {
				_ = f.Notify(ctx, note(i, "t"))
			}
			got := float64(f.Injected()) / calls
			assert.InDelta(t, rate, got, 0.05, "rate %v", rate)
			assert.Equal(t, calls, f.Injected()+rec.Len())
		}
	})
	t.Run("GlobalSource", func(t *testing.T) {
		rec := &notifytest.Recorder{}
		f := &notifytest.Faulty{Next: rec, Rate: 0.5}
		for i := range 200 {
			_ = f.Notify(ctx, note(i, "t"))
		}
		assert.Equal(t, 200, f.Injected()+rec.Len())
		assert.Positive(t, f.Injected())
		assert.Positive(t, rec.Len())
	})
}

func TestFaultyDeterministic(t *testing.T) {
	ctx := ctxFor(t)
	pattern := func(seed uint64) string {
		f := &notifytest.Faulty{Next: &notifytest.Recorder{}, Rate: 0.4, Rand: rand.New(rand.NewPCG(seed, seed))}
		var b strings.Builder
		for i := range 64 {
			if f.Notify(ctx, note(i, "t")) != nil {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	assert.Equal(t, pattern(42), pattern(42), "same seed, same failures")
	assert.NotEqual(t, pattern(42), pattern(43))
}

func TestFaultyErr(t *testing.T) {
	ctx := ctxFor(t)
	rec := &notifytest.Recorder{}
	gone := errors.New("410 Gone")
	f := &notifytest.Faulty{Next: rec, Rate: 1, Err: notify.Permanent(gone)}
	err := f.Notify(ctx, note(1, "t"))
	assert.ErrorIs(t, err, gone)
	assert.True(t, notify.IsPermanent(err))

	f = &notifytest.Faulty{Next: rec, Rate: 1, Err: &notify.RetryAfterError{After: time.Minute, Err: gone}}
	d, ok := notify.RetryAfter(f.Notify(ctx, note(1, "t")))
	assert.True(t, ok)
	assert.Equal(t, time.Minute, d)
}

func TestFaultyAfterDelivery(t *testing.T) {
	ctx := ctxFor(t)
	rec := &notifytest.Recorder{}
	f := &notifytest.Faulty{Next: rec, Rate: 1, AfterDelivery: true}
	err := f.Notify(ctx, note(1, "t"))
	require.ErrorIs(t, err, notifytest.ErrInjected)
	assert.Equal(t, 1, rec.Len(), "delivered although the call failed: the acknowledgement was lost")
	assert.Equal(t, 1, f.Injected())

	// Next's own failure wins and is not counted as injected.
	rec.FailNext(notifytest.FailPermanent)
	err = f.Notify(ctx, note(2, "t"))
	assert.True(t, notify.IsPermanent(err))
	assert.Equal(t, 1, f.Injected())
	assert.Equal(t, 1, rec.Len())
}

// A sender that retries until every notification is through sees each one
// at least once; Unique counts them whatever the duplicates.
func TestFaultyAtLeastOnce(t *testing.T) {
	ctx := ctxFor(t)
	rec := &notifytest.Recorder{}
	f := &notifytest.Faulty{Next: rec, Rate: 0.5, AfterDelivery: true, Rand: rand.New(rand.NewPCG(3, 4))}
	const n = 30
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			for attempt := 1; ; attempt++ {
				m := note(i, "t")
				m.Attempt = attempt
				err := f.Notify(ctx, m)
				if err == nil {
					return
				}
				if notify.IsPermanent(err) || ctx.Err() != nil {
					t.Errorf("notification %d: %v", i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	assert.Equal(t, n, rec.Unique())
	assert.Equal(t, n+f.Injected(), rec.Len(), "every injected failure left a duplicate")
	assert.Greater(t, rec.Len(), n)
}

// brokenEnv names the broken notifier TestBrokenNotifier runs the suite
// on, in a child process of TestSuiteCatchesBrokenNotifiers.
const brokenEnv = "NOTIFYTEST_BROKEN"

// broken are notifiers that break one contract each, and the cases of the
// suite that must catch them.
var broken = map[string]struct {
	harness func(*testing.T) notifytest.Harness
	fails   []string
}{
	// Drops the payload on the way.
	"drops-payload": {
		harness: wrap(func(next notify.Notifier) notify.Notifier {
			return notify.Func(func(ctx context.Context, n notify.Notification) error {
				n.Payload = nil
				return next.Notify(ctx, n)
			})
		}),
		fails: []string{"Delivers", "Idempotency", "TransientFailureIsRetryable", "RetryAfter", "ConcurrentUse"},
	},
	// Says it delivered when it did not.
	"lies": {
		harness: wrap(func(notify.Notifier) notify.Notifier {
			return notify.Func(func(context.Context, notify.Notification) error { return nil })
		}),
		fails: []string{"Delivers", "Idempotency", "TransientFailureIsRetryable", "PermanentFailure", "RetryAfter",
			"CancelledContext", "ContextCancellation", "ConcurrentUse"},
	},
	// Calls every failure permanent.
	"all-permanent": {
		harness: wrap(func(next notify.Notifier) notify.Notifier {
			return notify.Func(func(ctx context.Context, n notify.Notification) error {
				return notify.Permanent(next.Notify(ctx, n))
			})
		}),
		fails: []string{"TransientFailureIsRetryable", "RetryAfter", "CancelledContext", "ContextCancellation"},
	},
	// Flattens errors to their message: loses Retry-After, permanence and
	// the context's error.
	"hides-retry-after": {
		harness: wrap(func(next notify.Notifier) notify.Notifier {
			return notify.Func(func(ctx context.Context, n notify.Notification) error {
				if err := next.Notify(ctx, n); err != nil {
					return errors.New(err.Error())
				}
				return nil
			})
		}),
		fails: []string{"PermanentFailure", "RetryAfter", "CancelledContext", "ContextCancellation"},
	},
	// Ignores its context: a hanging receiver keeps it forever.
	"ignores-context": {
		harness: wrap(func(next notify.Notifier) notify.Notifier {
			return notify.Func(func(_ context.Context, n notify.Notification) error {
				return next.Notify(context.Background(), n)
			})
		}),
		fails: []string{"CancelledContext", "ContextCancellation"},
	},
	// Repeats every delivery three times.
	"stutters": {
		harness: wrap(func(next notify.Notifier) notify.Notifier {
			return notify.Func(func(ctx context.Context, n notify.Notification) error {
				for range 3 {
					if err := next.Notify(ctx, n); err != nil {
						return err
					}
				}
				return nil
			})
		}),
		fails: []string{"Delivers", "Idempotency"},
	},
}

// wrap puts a broken notifier in front of a Recorder.
func wrap(breakIt func(notify.Notifier) notify.Notifier) func(*testing.T) notifytest.Harness {
	return func(t *testing.T) notifytest.Harness {
		h := recorderHarness(t)
		h.Notifier = breakIt(h.Notifier)
		return h
	}
}

// TestBrokenNotifier runs the suite on a broken notifier; it is meant to
// fail, so it runs only in the child process that
// TestSuiteCatchesBrokenNotifiers starts.
func TestBrokenNotifier(t *testing.T) {
	name := os.Getenv(brokenEnv)
	if name == "" {
		t.Skip("runs only as a child of TestSuiteCatchesBrokenNotifiers")
	}
	notifytest.Run(t, broken[name].harness)
}

// The suite is worth something only if it fails notifiers that break the
// contract, each in the cases that check what it breaks, and only there.
func TestSuiteCatchesBrokenNotifiers(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	exe, err := os.Executable()
	require.NoError(t, err)
	all := []string{"Delivers", "Idempotency", "TransientFailureIsRetryable", "PermanentFailure", "RetryAfter",
		"CancelledContext", "ContextCancellation", "ConcurrentUse"}
	for name, b := range broken {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.CommandContext(t.Context(), exe, "-test.run=^TestBrokenNotifier$", "-test.v", "-test.count=1")
			cmd.Env = append(os.Environ(), brokenEnv+"="+name)
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			err := cmd.Run()
			require.Error(t, err, "the suite passed a broken notifier:\n%s", out.String())
			for _, c := range all {
				failed := strings.Contains(out.String(), "--- FAIL: TestBrokenNotifier/"+c+" ")
				passed := strings.Contains(out.String(), "--- PASS: TestBrokenNotifier/"+c+" ")
				want := contains(b.fails, c)
				assert.Equal(t, want, failed, "case %s failed=%t, want %t", c, failed, want)
				assert.Equal(t, !want, passed, "case %s passed=%t, want %t", c, passed, !want)
			}
			if t.Failed() {
				t.Logf("child output:\n%s", out.String())
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
