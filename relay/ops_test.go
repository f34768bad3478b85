package relay_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
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

var (
	recA = uuid.MustParse("0196a3c1-0000-7000-8000-00000000000a")
	recB = uuid.MustParse("0196a3c1-0000-7000-8000-00000000000b")
)

// deadFixture returns a store with six dead letters: entries 0–2 died at
// t0, entries 3–5 an hour later. Even entries are "incident.declared" about
// recA, odd ones "incident.closed" about recB. Entry 6 is pending.
func deadFixture(t *testing.T) (*memory.Store, *clock) {
	t.Helper()
	ctx := context.Background()
	st, c := memory.New(), newClock()
	commit := func(first, n int) {
		w := &store.Write{}
		for i := first; i < first+n; i++ {
			typ, rec := "incident.declared", recA
			if i%2 == 1 {
				typ, rec = "incident.closed", recB
			}
			w.Outbox = append(w.Outbox, store.OutboxEntry{
				ID: entryID(i), Type: typ, RecordID: rec, Seq: uint64(i + 1),
				IdempotencyKey: fmt.Sprintf("key-%d", i), CreatedAt: c.Now(),
			})
		}
		require.NoError(t, st.Commit(ctx, tenant, w))
	}
	rejecting := &notifytest.Recorder{FailWith: func(notify.Notification) error {
		return notify.Permanent(errors.New("410 gone"))
	}}
	r := newRelay(t, st, rejecting, relay.WithClock(c.Now))
	commit(0, 3)
	res, err := r.Step(ctx, tenant)
	require.NoError(t, err)
	require.Equal(t, 3, res.DeadLettered)
	c.Advance(time.Hour)
	commit(3, 3)
	res, err = r.Step(ctx, tenant)
	require.NoError(t, err)
	require.Equal(t, 3, res.DeadLettered)
	commit(6, 1)
	return st, c
}

// indexes returns the test indexes of the entries seq yields.
func indexes(t *testing.T, seq iter.Seq2[store.OutboxEntry, error]) []int {
	t.Helper()
	out := []int{}
	for e, err := range seq {
		require.NoError(t, err)
		out = append(out, index(e.ID))
	}
	return out
}

func TestDeadLettersFilter(t *testing.T) {
	st, c := deadFixture(t)
	ctx := context.Background()
	for name, tc := range map[string]struct {
		f    relay.DeadFilter
		want []int
	}{
		"all":            {relay.DeadFilter{}, []int{0, 1, 2, 3, 4, 5}},
		"type":           {relay.DeadFilter{Type: "incident.closed"}, []int{1, 3, 5}},
		"record":         {relay.DeadFilter{RecordID: recA}, []int{0, 2, 4}},
		"since":          {relay.DeadFilter{Since: c.Now()}, []int{3, 4, 5}},
		"since later":    {relay.DeadFilter{Since: c.Now().Add(time.Nanosecond)}, []int{}},
		"ids":            {relay.DeadFilter{IDs: []uuid.UUID{entryID(4), entryID(1), entryID(6)}}, []int{1, 4}},
		"all criteria":   {relay.DeadFilter{Type: "incident.declared", RecordID: recA, Since: c.Now(), IDs: []uuid.UUID{entryID(2), entryID(4)}}, []int{4}},
		"no such type":   {relay.DeadFilter{Type: "nope"}, []int{}},
		"no such record": {relay.DeadFilter{RecordID: uuid.New()}, []int{}},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, tc.want, indexes(t, relay.DeadLetters(ctx, st, tenant, tc.f)))
		})
	}

	t.Run("stops early", func(t *testing.T) {
		n := 0
		for _, err := range relay.DeadLetters(ctx, st, tenant, relay.DeadFilter{}) {
			require.NoError(t, err)
			n++
			break
		}
		assert.Equal(t, 1, n)
	})
	t.Run("errors", func(t *testing.T) {
		var errs []error
		for _, err := range relay.DeadLetters(ctx, st, "", relay.DeadFilter{}) {
			errs = append(errs, err)
		}
		require.Len(t, errs, 1)
		require.ErrorIs(t, errs[0], store.ErrInvalid)

		cctx, cancel := context.WithCancel(ctx)
		cancel()
		errs = nil
		for _, err := range relay.DeadLetters(cctx, st, tenant, relay.DeadFilter{}) {
			errs = append(errs, err)
		}
		require.Len(t, errs, 1)
		require.ErrorIs(t, errs[0], context.Canceled)
	})
}

func TestRequeueDead(t *testing.T) {
	ctx := context.Background()
	st, c := deadFixture(t)

	n, err := relay.RequeueDead(ctx, st, tenant, relay.DeadFilter{Type: "incident.closed"}, c.Now())
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, []int{0, 2, 4}, indexes(t, st.DeadLetters(ctx, tenant)))
	assert.Equal(t, store.OutboxStats{Pending: 4, Dead: 3, OldestAge: time.Hour}, stats(t, st, c.Now()))

	// Requeued with their attempts reset: a working receiver gets them,
	// as first attempts, and the pending entry.
	rec := &notifytest.Recorder{}
	res, err := newRelay(t, st, rec, relay.WithClock(c.Now)).Step(ctx, tenant)
	require.NoError(t, err)
	assert.Equal(t, relay.Result{Claimed: 4, Delivered: 4}, res)
	for _, m := range rec.Notifications() {
		assert.Equal(t, 1, m.Attempt, "entry %d", index(m.ID))
	}

	// Nothing matches any more: nothing to do.
	n, err = relay.RequeueDead(ctx, st, tenant, relay.DeadFilter{Type: "incident.closed"}, c.Now())
	require.NoError(t, err)
	assert.Zero(t, n)

	// The zero filter requeues the rest.
	n, err = relay.RequeueDead(ctx, st, tenant, relay.DeadFilter{}, c.Now())
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, store.OutboxStats{Pending: 3, OldestAge: time.Hour}, stats(t, st, c.Now()))
}

// requeueSpy wraps an Outbox and fails or pre-empts Requeue.
type requeueSpy struct {
	store.Outbox
	requeue func(id uuid.UUID) error
}

func (s *requeueSpy) Requeue(ctx context.Context, tenant string, id uuid.UUID, now time.Time) error {
	if err := s.requeue(id); err != nil {
		return err
	}
	return s.Outbox.Requeue(ctx, tenant, id, now)
}

func TestRequeueDeadErrors(t *testing.T) {
	ctx := context.Background()

	t.Run("requeued by another operator", func(t *testing.T) {
		st, c := deadFixture(t)
		out := &requeueSpy{Outbox: st, requeue: func(id uuid.UUID) error {
			if index(id) == 1 {
				// Another operator got there first.
				require.NoError(t, st.Requeue(ctx, tenant, id, c.Now()))
			}
			return nil
		}}
		n, err := relay.RequeueDead(ctx, out, tenant, relay.DeadFilter{}, c.Now())
		require.NoError(t, err)
		assert.Equal(t, 5, n)
		assert.Empty(t, deadLetters(t, st))
	})

	t.Run("store fails", func(t *testing.T) {
		st, c := deadFixture(t)
		errDown := errors.New("store down")
		out := &requeueSpy{Outbox: st, requeue: func(id uuid.UUID) error {
			if index(id) == 2 {
				return errDown
			}
			return nil
		}}
		n, err := relay.RequeueDead(ctx, out, tenant, relay.DeadFilter{}, c.Now())
		require.ErrorIs(t, err, errDown)
		assert.Equal(t, 2, n)
		// Again, once the store is back: the rest.
		n, err = relay.RequeueDead(ctx, st, tenant, relay.DeadFilter{}, c.Now())
		require.NoError(t, err)
		assert.Equal(t, 4, n)
	})

	t.Run("invalid", func(t *testing.T) {
		st, c := deadFixture(t)
		n, err := relay.RequeueDead(ctx, st, "", relay.DeadFilter{}, c.Now())
		require.ErrorIs(t, err, store.ErrInvalid)
		assert.Zero(t, n)
	})
}

func TestDryRun(t *testing.T) {
	ctx := context.Background()
	st, c := deadFixture(t)
	before := stats(t, st, c.Now())

	p, err := relay.DryRun(ctx, st, tenant, relay.DeadFilter{RecordID: recB}, c.Now())
	require.NoError(t, err)
	assert.Equal(t, store.OutboxStats{Pending: 1, Dead: 6}, p.Stats)
	assert.Equal(t, c.Now(), p.RetryAt)
	got := []int{}
	for _, e := range p.Requeue {
		got = append(got, index(e.ID))
		assert.NotZero(t, e.DeadAt)
		assert.Contains(t, e.LastError, "410 gone")
	}
	assert.Equal(t, []int{1, 3, 5}, got)

	// Nothing changed.
	assert.Equal(t, before, stats(t, st, c.Now()))
	assert.Len(t, deadLetters(t, st), 6)

	// And RequeueDead does what the plan said.
	n, err := relay.RequeueDead(ctx, st, tenant, relay.DeadFilter{RecordID: recB}, p.RetryAt)
	require.NoError(t, err)
	assert.Len(t, p.Requeue, n)

	_, err = relay.DryRun(ctx, st, "", relay.DeadFilter{}, c.Now())
	require.ErrorIs(t, err, store.ErrInvalid)
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err = relay.DryRun(cctx, st, tenant, relay.DeadFilter{}, c.Now())
	require.ErrorIs(t, err, context.Canceled)
}
