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

// hiddenLister is a store that does not implement store.OutboxLister: it
// embeds the interface, so the memory store's ListOutbox is not promoted.
type hiddenLister struct{ store.Store }

// listFixture is deadFixture with three more entries, committed at the
// clock's now: entry 6 failed once and waits for a retry in five minutes,
// 7 is leased for a minute, 8 has never been tried.
func listFixture(t *testing.T) (*memory.Store, *clock) {
	t.Helper()
	ctx := context.Background()
	st, c := deadFixture(t)
	w := &store.Write{}
	for i := 7; i <= 8; i++ {
		w.Outbox = append(w.Outbox, store.OutboxEntry{
			ID: entryID(i), Type: "incident.updated", RecordID: recA, Seq: uint64(i + 1),
			IdempotencyKey: fmt.Sprintf("key-%d", i), CreatedAt: c.Now(),
		})
	}
	require.NoError(t, st.Commit(ctx, tenant, w))
	got, err := st.Claim(ctx, tenant, c.Now(), 2, time.Minute)
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.Equal(t, []int{6, 7}, []int{index(got[0].ID), index(got[1].ID)})
	require.NoError(t, st.Nack(ctx, tenant, got[0].ID, got[0].Lease, store.Failure{
		Now: c.Now(), RetryAt: c.Now().Add(5 * time.Minute), Reason: "503 Service Unavailable",
	}))
	return st, c
}

func TestDryRunListsEntries(t *testing.T) {
	ctx := context.Background()
	st, c := listFixture(t)
	now := c.Now().Add(10 * time.Second)
	before := stats(t, st, now)

	p, err := relay.DryRun(ctx, st, tenant, relay.DeadFilter{RecordID: recB}, now)
	require.NoError(t, err)
	require.True(t, p.Listed)
	assert.Equal(t, store.OutboxStats{Pending: 3, Leased: 1, Dead: 6, OldestAge: 10 * time.Second}, p.Stats)
	require.Len(t, p.Entries, 9)
	for i, s := range p.Entries {
		assert.Equal(t, i, index(s.Entry.ID), "oldest first")
		assert.Empty(t, s.Entry.Lease, "a dry run hands out no lease token")
	}
	tries := store.DefaultMaxAttempts
	for i := range 6 {
		s := p.Entries[i]
		assert.Equal(t, store.OutboxDead, s.State, i)
		assert.NotZero(t, s.Entry.DeadAt, i)
		assert.Equal(t, 1, s.Entry.Attempts, i)
		assert.Contains(t, s.Entry.LastError, "410 gone", i)
		assert.Zero(t, s.LeasedUntil, i)
		if i%2 == 1 { // about recB: RequeueDead would requeue it
			assert.True(t, s.Requeue, i)
			assert.Equal(t, now, s.NextAttemptAt, i)
			assert.Equal(t, tries, s.AttemptsLeft, i)
		} else {
			assert.False(t, s.Requeue, i)
			assert.Zero(t, s.NextAttemptAt, i)
			assert.Zero(t, s.AttemptsLeft, i)
		}
	}
	retry, leased, fresh := p.Entries[6], p.Entries[7], p.Entries[8]
	assert.Equal(t, store.OutboxWaiting, retry.State)
	assert.Equal(t, 1, retry.Entry.Attempts)
	assert.Equal(t, tries-1, retry.AttemptsLeft)
	assert.Equal(t, "503 Service Unavailable", retry.Entry.LastError)
	assert.Equal(t, c.Now().Add(5*time.Minute), retry.NextAttemptAt)
	assert.Zero(t, retry.LeasedUntil)

	assert.Equal(t, store.OutboxLeased, leased.State)
	assert.Equal(t, 1, leased.Entry.Attempts)
	assert.Equal(t, c.Now().Add(time.Minute), leased.LeasedUntil)
	assert.Equal(t, c.Now().Add(time.Minute), leased.NextAttemptAt, "claimable again if the lease ends unanswered")
	assert.Empty(t, leased.Entry.LastError)

	assert.Equal(t, store.OutboxWaiting, fresh.State)
	assert.Zero(t, fresh.Entry.Attempts)
	assert.Equal(t, tries, fresh.AttemptsLeft)
	assert.Equal(t, c.Now(), fresh.NextAttemptAt)

	// Requeue is as before.
	assert.Equal(t, []int{1, 3, 5}, entryIndexes(p.Requeue))
	// Nothing changed.
	assert.Equal(t, before, stats(t, st, now))
}

// A dry run with the listing leaves the outbox as it was: the claims that
// follow return what they return on a twin outbox that had no dry run.
func TestDryRunListingChangesNoClaim(t *testing.T) {
	ctx := context.Background()
	listed, c := listFixture(t)
	twin, _ := listFixture(t)
	for range 3 {
		p, err := relay.DryRun(ctx, listed, tenant, relay.DeadFilter{}, c.Now())
		require.NoError(t, err)
		require.True(t, p.Listed)
	}
	type claimed struct {
		Index, Attempts int
		LeaseUntil      time.Time
		LastError       string
	}
	claims := func(st *memory.Store, at time.Time) []claimed {
		got, err := st.Claim(ctx, tenant, at, 10, time.Minute)
		require.NoError(t, err)
		out := []claimed{}
		for _, e := range got {
			out = append(out, claimed{index(e.ID), e.Attempts, e.LeaseUntil, e.LastError})
		}
		return out
	}
	for _, d := range []time.Duration{0, time.Minute - time.Second, time.Minute, 5 * time.Minute, time.Hour} {
		at := c.Now().Add(d)
		want := claims(twin, at)
		assert.Equal(t, want, claims(listed, at), "Claim at now+%v", d)
	}
	assert.Equal(t, stats(t, twin, c.Now()), stats(t, listed, c.Now()))
}

// Without store.OutboxLister, DryRun does what it always did: counts and
// dead letters, no entries.
func TestDryRunWithoutLister(t *testing.T) {
	ctx := context.Background()
	st, c := listFixture(t)
	plain := hiddenLister{st}
	_, ok := any(plain).(store.OutboxLister)
	require.False(t, ok)

	p, err := relay.DryRun(ctx, plain, tenant, relay.DeadFilter{RecordID: recB}, c.Now())
	require.NoError(t, err)
	assert.False(t, p.Listed)
	assert.Nil(t, p.Entries)
	withLister, err := relay.DryRun(ctx, st, tenant, relay.DeadFilter{RecordID: recB}, c.Now())
	require.NoError(t, err)
	assert.Equal(t, withLister.Stats, p.Stats)
	assert.Equal(t, withLister.Requeue, p.Requeue)
	assert.Equal(t, withLister.RetryAt, p.RetryAt)
	assert.Equal(t, []int{1, 3, 5}, entryIndexes(p.Requeue))
}

// A store error while listing ends the dry run with it.
func TestDryRunListingError(t *testing.T) {
	st, c := listFixture(t)
	ctx, cancel := context.WithCancel(context.Background())
	p, err := relay.DryRun(ctx, failingLister{st, cancel}, tenant, relay.DeadFilter{}, c.Now())
	require.ErrorIs(t, err, context.Canceled)
	assert.Zero(t, p)
}

// failingLister cancels the context when the listing starts.
type failingLister struct {
	*memory.Store
	cancel context.CancelFunc
}

func (f failingLister) ListOutbox(ctx context.Context, tenant string, q store.OutboxQuery) iter.Seq2[store.OutboxEntry, error] {
	f.cancel()
	return f.Store.ListOutbox(ctx, tenant, q)
}

// entryIndexes returns the test indexes of the entries.
func entryIndexes(es []store.OutboxEntry) []int {
	out := []int{}
	for _, e := range es {
		out = append(out, index(e.ID))
	}
	return out
}
