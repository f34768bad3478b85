package notifytest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/iso27035/iso27035/notify"
)

// ErrInjected is the cause of every failure this package injects, unless a
// caller supplies its own: errors.Is(err, ErrInjected) tells an injected
// failure from a real one.
var ErrInjected = errors.New("notifytest: injected failure")

// RetryAfterDelay is the delay a FailRetryAfter failure of a Recorder asks
// for.
const RetryAfterDelay = time.Second

// Failure is a way a receiver fails one delivery; see Recorder.FailNext and
// Harness.FailNext.
type Failure int

const (
	// FailTransient fails the delivery with an error worth retrying (a 5xx
	// answer, a lost connection): notify.IsPermanent reports false.
	FailTransient Failure = iota + 1
	// FailPermanent rejects the delivery for good (a 4xx answer):
	// notify.IsPermanent reports true.
	FailPermanent
	// FailRetryAfter asks the sender to come back later (a 429 or 503 with
	// Retry-After): the error is not permanent and notify.RetryAfter reports
	// a positive delay.
	FailRetryAfter
	// FailHang never answers: the delivery blocks until the sender's context
	// is done, and Notify must then return promptly with the context's
	// error.
	FailHang
)

// String returns the failure's name.
func (f Failure) String() string {
	switch f {
	case FailTransient:
		return "transient"
	case FailPermanent:
		return "permanent"
	case FailRetryAfter:
		return "retry-after"
	case FailHang:
		return "hang"
	}
	return fmt.Sprintf("Failure(%d)", int(f))
}

// Recorder is a notify.Notifier that records every notification it accepts,
// in the order they arrive. Its zero value is ready to use; it is safe for
// concurrent use and must not be copied after first use.
//
// Notify, in order: returns ctx.Err() if ctx is done; applies the next
// failure queued by FailNext; calls FailWith, if set, and returns its error
// when it is not nil; otherwise records a copy of the notification and
// returns nil. A failed delivery is not recorded.
type Recorder struct {
	// FailWith, if set, is asked about every delivery that FailNext did not
	// fail; a non-nil error is returned instead of recording the
	// notification. Set it before the first call to Notify; it may be
	// called concurrently.
	FailWith func(n notify.Notification) error

	mu      sync.Mutex
	ns      []notify.Notification
	fails   []Failure
	changed chan struct{} // closed when a notification is recorded; nil until a Wait needs it
}

var _ notify.Notifier = (*Recorder)(nil)

// Notify implements notify.Notifier.
func (r *Recorder) Notify(ctx context.Context, n notify.Notification) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r.mu.Lock()
	var f Failure
	if len(r.fails) > 0 {
		f = r.fails[0]
		r.fails = r.fails[1:]
	}
	r.mu.Unlock()
	if f != 0 {
		return fail(ctx, f)
	}
	if r.FailWith != nil {
		if err := r.FailWith(n); err != nil {
			return err
		}
	}
	n.Payload = clonePayload(n.Payload)
	r.mu.Lock()
	r.ns = append(r.ns, n)
	if r.changed != nil {
		close(r.changed)
		r.changed = nil
	}
	r.mu.Unlock()
	return nil
}

// fail carries out one scripted failure.
func fail(ctx context.Context, f Failure) error {
	switch f {
	case FailTransient:
		return fmt.Errorf("%w (transient)", ErrInjected)
	case FailPermanent:
		return notify.Permanent(ErrInjected)
	case FailRetryAfter:
		return &notify.RetryAfterError{After: RetryAfterDelay, Err: ErrInjected}
	case FailHang:
		<-ctx.Done()
		return ctx.Err()
	}
	return fmt.Errorf("%w: unknown %v", ErrInjected, f)
}

// FailNext queues failures for the next deliveries: the first call to
// Notify after it fails with fs[0], the next with fs[1], and so on, after
// which deliveries succeed again (subject to FailWith). Queued failures
// accumulate across calls.
func (r *Recorder) FailNext(fs ...Failure) {
	r.mu.Lock()
	r.fails = append(r.fails, fs...)
	r.mu.Unlock()
}

// Notifications returns a copy of the notifications recorded so far, in
// arrival order.
func (r *Recorder) Notifications() []notify.Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return cloneAll(r.ns, func(notify.Notification) bool { return true })
}

// ByType returns a copy of the recorded notifications whose Type is typ, in
// arrival order.
func (r *Recorder) ByType(typ string) []notify.Notification {
	r.mu.Lock()
	defer r.mu.Unlock()
	return cloneAll(r.ns, func(n notify.Notification) bool { return n.Type == typ })
}

// Len returns how many notifications have been recorded, redeliveries
// included.
func (r *Recorder) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.ns)
}

// Unique returns how many distinct IdempotencyKeys have been recorded: the
// number of notifications delivered at least once, however often each was
// redelivered.
func (r *Recorder) Unique() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	seen := make(map[string]struct{}, len(r.ns))
	for _, n := range r.ns {
		seen[n.IdempotencyKey] = struct{}{}
	}
	return len(seen)
}

// Reset forgets every recorded notification and every failure queued by
// FailNext. FailWith is kept.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.ns = nil
	r.fails = nil
	r.mu.Unlock()
}

// Wait blocks until at least n notifications have been recorded (counting
// redeliveries, as Len does) or ctx is done. It returns nil in the first
// case and an error wrapping ctx.Err() that says how many arrived in the
// second. Use it with a context deadline in tests of code that notifies
// asynchronously.
func (r *Recorder) Wait(ctx context.Context, n int) error {
	for {
		r.mu.Lock()
		got := len(r.ns)
		if got >= n {
			r.mu.Unlock()
			return nil
		}
		if r.changed == nil {
			r.changed = make(chan struct{})
		}
		ch := r.changed
		r.mu.Unlock()
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("notifytest: %d of %d notifications recorded: %w", r.Len(), n, ctx.Err())
		}
	}
}

func cloneAll(ns []notify.Notification, keep func(notify.Notification) bool) []notify.Notification {
	out := make([]notify.Notification, 0, len(ns))
	for _, n := range ns {
		if keep(n) {
			n.Payload = clonePayload(n.Payload)
			out = append(out, n)
		}
	}
	return out
}

func clonePayload(p []byte) []byte {
	if p == nil {
		return nil
	}
	return append([]byte{}, p...)
}
