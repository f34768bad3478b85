package notify_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/notify/notifytest"
)

var (
	errCause = errors.New("connection refused")
	errGone  = errors.New("410 Gone")
)

func TestPermanent(t *testing.T) {
	assert.NoError(t, notify.Permanent(nil), "Permanent(nil) is nil")

	retry := &notify.RetryAfterError{After: time.Second, Err: errCause}
	tests := []struct {
		name  string
		cause error
		msg   string
	}{
		{"Sentinel", errGone, "notify: permanent: 410 Gone"},
		{"Wrapped", fmt.Errorf("post hook: %w", errGone), "notify: permanent: post hook: 410 Gone"},
		{"Typed", retry, "notify: permanent: notify: retry after 1s: connection refused"},
		{"AlreadyPermanent", notify.Permanent(errGone), "notify: permanent: 410 Gone"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := notify.Permanent(tt.cause)
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.cause, "the cause stays reachable")
			assert.ErrorIs(t, err, notify.ErrPermanent)
			assert.True(t, notify.IsPermanent(err))
			assert.EqualError(t, err, tt.msg)
			assert.True(t, notify.IsPermanent(fmt.Errorf("deliver: %w", err)), "wrapping keeps it permanent")
		})
	}

	var ra *notify.RetryAfterError
	require.ErrorAs(t, notify.Permanent(fmt.Errorf("x: %w", retry)), &ra, "errors.As reaches a typed cause")
	assert.Same(t, retry, ra)
}

func TestIsPermanent(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"Nil", nil, false},
		{"Plain", errCause, false},
		{"Canceled", context.Canceled, false},
		{"RetryAfter", &notify.RetryAfterError{After: time.Second, Err: errCause}, false},
		{"Sentinel", notify.ErrPermanent, true},
		{"WrappedSentinel", fmt.Errorf("reject: %w", notify.ErrPermanent), true},
		{"Permanent", notify.Permanent(errGone), true},
		{"WrappedTwice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", notify.Permanent(errGone))), true},
		// The reason Multi hides permanent failures next to transient
		// ones: errors.Join on its own would look permanent.
		{"JoinedWithTransient", errors.Join(errCause, notify.Permanent(errGone)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, notify.IsPermanent(tt.err))
		})
	}
}

func TestRetryAfter(t *testing.T) {
	ra := func(d time.Duration) error { return &notify.RetryAfterError{After: d, Err: errCause} }
	tests := []struct {
		name   string
		err    error
		want   time.Duration
		wantOK bool
	}{
		{"Nil", nil, 0, false},
		{"Plain", errCause, 0, false},
		{"Direct", ra(5 * time.Second), 5 * time.Second, true},
		{"Wrapped", fmt.Errorf("post: %w", ra(time.Minute)), time.Minute, true},
		{"WrappedTwice", fmt.Errorf("a: %w", fmt.Errorf("b: %w", ra(time.Millisecond))), time.Millisecond, true},
		{"Joined", errors.Join(errGone, ra(2*time.Second)), 2 * time.Second, true},
		{"InsidePermanent", notify.Permanent(ra(3 * time.Second)), 3 * time.Second, true},
		{"Zero", ra(0), 0, false},
		{"Negative", ra(-time.Second), 0, false},
		{"WrappedZero", fmt.Errorf("x: %w", ra(0)), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := notify.RetryAfter(tt.err)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.wantOK, ok)
		})
	}
}

func TestRetryAfterError(t *testing.T) {
	err := &notify.RetryAfterError{After: 90 * time.Second, Err: errCause}
	assert.EqualError(t, err, "notify: retry after 1m30s: connection refused")
	assert.ErrorIs(t, err, errCause)
	assert.Same(t, errCause, err.Unwrap())
	assert.False(t, notify.IsPermanent(err))
}

func TestRetryAfterErrorWithoutCause(t *testing.T) {
	err := &notify.RetryAfterError{After: time.Second}
	assert.NotPanics(t, func() { _ = err.Error() })
	d, ok := notify.RetryAfter(err)
	assert.True(t, ok)
	assert.Equal(t, time.Second, d)
}

type ctxKey struct{}

func TestFunc(t *testing.T) {
	ctx := context.WithValue(t.Context(), ctxKey{}, "v")
	want := notify.Notification{Type: "incident.declared", IdempotencyKey: "k"}
	var got notify.Notification
	var gotCtx context.Context
	var n notify.Notifier = notify.Func(func(ctx context.Context, n notify.Notification) error {
		gotCtx, got = ctx, n
		return errCause
	})
	assert.ErrorIs(t, n.Notify(ctx, want), errCause, "the function's error is returned as is")
	assert.Equal(t, want, got)
	assert.Equal(t, "v", gotCtx.Value(ctxKey{}), "the context is passed through")

	ok := notify.Func(func(context.Context, notify.Notification) error { return nil })
	assert.NoError(t, ok.Notify(ctx, want))
}

// calls records which notifiers of a Multi were called, in order.
type calls struct {
	mu    sync.Mutex
	names []string
}

func (c *calls) notifier(name string, err error) notify.Notifier {
	return notify.Func(func(context.Context, notify.Notification) error {
		c.mu.Lock()
		c.names = append(c.names, name)
		c.mu.Unlock()
		return err
	})
}

func (c *calls) list() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.names...)
}

func TestMulti(t *testing.T) {
	transient := fmt.Errorf("hook A: %w", errCause)
	permanent := notify.Permanent(fmt.Errorf("hook B: %w", errGone))
	permanent2 := notify.Permanent(errors.New("hook C: 400 Bad Request"))
	retry := &notify.RetryAfterError{After: 30 * time.Second, Err: errors.New("hook D: 429")}

	type result int
	const (
		ok result = iota
		retryable
		perm
	)
	tests := []struct {
		name  string
		errs  []error // one notifier per entry, named n0, n1, …
		want  result
		is    []error  // errors.Is must find these
		isNot []error  // and must not find these
		msgs  []string // the message contains these
		retry time.Duration
	}{
		{name: "None", want: ok},
		{name: "AllSucceed", errs: []error{nil, nil, nil}, want: ok},
		{name: "OneTransient", errs: []error{nil, transient, nil}, want: retryable, is: []error{errCause}, msgs: []string{"hook A"}},
		{name: "OnlyFailureIsPermanent", errs: []error{nil, permanent}, want: perm, is: []error{errGone}, msgs: []string{"hook B"}},
		{
			// errors.Join alone would let errors.Is find ErrPermanent through
			// the permanent failure; Multi keeps that one by message only.
			name: "TransientAndPermanent", errs: []error{transient, permanent}, want: retryable,
			is: []error{errCause}, isNot: []error{notify.ErrPermanent, errGone}, msgs: []string{"hook A", "hook B"},
		},
		{
			name: "PermanentAndTransient", errs: []error{permanent, nil, transient}, want: retryable,
			is: []error{errCause}, isNot: []error{notify.ErrPermanent}, msgs: []string{"hook B", "hook A"},
		},
		{
			name: "AllPermanent", errs: []error{permanent, nil, permanent2}, want: perm,
			is: []error{errGone, notify.ErrPermanent}, msgs: []string{"hook B", "hook C"},
		},
		{
			name: "RetryAfter", errs: []error{nil, fmt.Errorf("wrapped: %w", retry)}, want: retryable,
			msgs: []string{"hook D"}, retry: 30 * time.Second,
		},
		{
			name: "RetryAfterWithPermanent", errs: []error{permanent, retry}, want: retryable,
			isNot: []error{notify.ErrPermanent}, msgs: []string{"hook B", "hook D"}, retry: 30 * time.Second,
		},
		{
			name: "RetryAfterWithTransient", errs: []error{transient, retry}, want: retryable,
			is: []error{errCause}, msgs: []string{"hook A", "hook D"}, retry: 30 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var c calls
			var ns []notify.Notifier
			var names []string
			for i, err := range tt.errs {
				name := fmt.Sprintf("n%d", i)
				names = append(names, name)
				ns = append(ns, c.notifier(name, err))
			}
			err := notify.Multi(ns...).Notify(t.Context(), notify.Notification{IdempotencyKey: "k"})
			assert.Equal(t, names, c.list(), "every notifier is called once, in order, whatever fails")
			switch tt.want {
			case ok:
				require.NoError(t, err)
				return
			case retryable:
				require.Error(t, err)
				assert.False(t, notify.IsPermanent(err), "a retry can help: %v", err)
			case perm:
				require.Error(t, err)
				assert.True(t, notify.IsPermanent(err), "no retry can help: %v", err)
			}
			for _, target := range tt.is {
				assert.ErrorIs(t, err, target)
			}
			for _, target := range tt.isNot {
				assert.NotErrorIs(t, err, target)
			}
			for _, m := range tt.msgs {
				assert.Contains(t, err.Error(), m)
			}
			d, found := notify.RetryAfter(err)
			assert.Equal(t, tt.retry, d)
			assert.Equal(t, tt.retry > 0, found)
		})
	}
}

func TestMultiSkipsNil(t *testing.T) {
	var c calls
	m := notify.Multi(nil, c.notifier("a", nil), nil, c.notifier("b", nil), nil)
	require.NoError(t, m.Notify(t.Context(), notify.Notification{}))
	assert.Equal(t, []string{"a", "b"}, c.list())

	assert.NoError(t, notify.Multi().Notify(t.Context(), notify.Notification{}))
	assert.NoError(t, notify.Multi(nil, nil).Notify(t.Context(), notify.Notification{}))
}

func TestMultiPassesNotification(t *testing.T) {
	a, b := &notifytest.Recorder{}, &notifytest.Recorder{}
	n := notify.Notification{Type: "incident.declared", Tenant: "acme", Seq: 7, IdempotencyKey: "k", Attempt: 3}
	ctx := context.WithValue(t.Context(), ctxKey{}, "v")
	var seen any
	spy := notify.Func(func(ctx context.Context, _ notify.Notification) error {
		seen = ctx.Value(ctxKey{})
		return nil
	})
	require.NoError(t, notify.Multi(a, spy, b).Notify(ctx, n))
	assert.Equal(t, []notify.Notification{n}, a.Notifications())
	assert.Equal(t, []notify.Notification{n}, b.Notifications())
	assert.Equal(t, "v", seen)
}

// The slice given to Multi is not kept: changing it afterwards changes
// nothing.
func TestMultiCopiesList(t *testing.T) {
	var c calls
	ns := []notify.Notifier{c.notifier("a", nil), c.notifier("b", nil)}
	m := notify.Multi(ns...)
	ns[0] = c.notifier("changed", nil)
	require.NoError(t, m.Notify(t.Context(), notify.Notification{}))
	assert.Equal(t, []string{"a", "b"}, c.list())
}

func TestMultiContext(t *testing.T) {
	t.Run("CancelledBetweenNotifiers", func(t *testing.T) {
		var c calls
		ctx, cancel := context.WithCancel(t.Context())
		first := notify.Func(func(context.Context, notify.Notification) error {
			c.mu.Lock()
			c.names = append(c.names, "first")
			c.mu.Unlock()
			cancel()
			return nil
		})
		err := notify.Multi(first, c.notifier("second", nil)).Notify(ctx, notify.Notification{})
		require.ErrorIs(t, err, context.Canceled)
		assert.Equal(t, context.Canceled, err, "the context's own error")
		assert.Equal(t, []string{"first"}, c.list(), "stops before the next notifier")
		assert.False(t, notify.IsPermanent(err))
	})
	t.Run("CancelledAfterFailure", func(t *testing.T) {
		var c calls
		ctx, cancel := context.WithCancel(t.Context())
		first := notify.Func(func(context.Context, notify.Notification) error {
			cancel()
			return notify.Permanent(errGone)
		})
		err := notify.Multi(first, c.notifier("second", nil)).Notify(ctx, notify.Notification{})
		assert.Equal(t, context.Canceled, err, "the context's error replaces the failures so far")
		assert.Empty(t, c.list())
	})
	t.Run("AlreadyDone", func(t *testing.T) {
		var c calls
		ctx, cancel := context.WithTimeout(t.Context(), time.Nanosecond)
		defer cancel()
		<-ctx.Done()
		err := notify.Multi(c.notifier("a", nil)).Notify(ctx, notify.Notification{})
		assert.Equal(t, context.DeadlineExceeded, err)
		assert.Empty(t, c.list(), "no notifier is called")
	})
	t.Run("LastNotifierSeesCancellation", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		last := notify.Func(func(ctx context.Context, _ notify.Notification) error {
			cancel()
			return ctx.Err()
		})
		err := notify.Multi(last).Notify(ctx, notify.Notification{})
		assert.ErrorIs(t, err, context.Canceled)
		assert.False(t, notify.IsPermanent(err))
	})
}

func TestMultiNested(t *testing.T) {
	var c calls
	inner := notify.Multi(c.notifier("a", errCause), c.notifier("b", notify.Permanent(errGone)))
	err := notify.Multi(inner, c.notifier("c", notify.Permanent(errGone))).Notify(t.Context(), notify.Notification{})
	require.Error(t, err)
	assert.False(t, notify.IsPermanent(err), "the inner transient failure keeps the whole retryable: %v", err)
	assert.Equal(t, []string{"a", "b", "c"}, c.list())

	allPerm := notify.Multi(notify.Multi(c.notifier("d", notify.Permanent(errGone))), c.notifier("e", notify.Permanent(errGone)))
	assert.True(t, notify.IsPermanent(allPerm.Notify(t.Context(), notify.Notification{})))
}

// Multi is a notifier like any other: with a Recorder behind it, it passes
// the conformance suite.
func TestMultiConformance(t *testing.T) {
	notifytest.Run(t, func(*testing.T) notifytest.Harness {
		rec := &notifytest.Recorder{}
		always := notify.Func(func(context.Context, notify.Notification) error { return nil })
		return notifytest.Harness{
			Notifier: notify.Multi(nil, always, rec),
			Received: rec.Notifications,
			FailNext: func(f notifytest.Failure) { rec.FailNext(f) },
			Features: notifytest.Features{SupportsPermanent: true, SupportsHang: true, SupportsRetryAfter: true},
		}
	})
}
