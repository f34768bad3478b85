package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// listerCases check the optional store.OutboxLister. Each one skips when
// the store does not implement it.
func listerCases() []testCase {
	return []testCase{
		{"OutboxLister/States", "ListOutbox selects by state as OutboxQuery.Match does (pending, leased and dead as OutboxStats counts them; waiting; any), oldest first, and yields every stored field as stored but Lease, which is empty", listerStates},
		{"OutboxLister/ReadOnly", "ListOutbox changes nothing: after listings of every state, Claim returns what it would have (same entries, Attempts, poison messages dead-lettered by Claim only), leases keep their LeaseUntil and their holders can still Ack", listerReadOnly},
		{"OutboxLister/AfterAndLimit", "ListOutbox orders entries by CreatedAt, then ID in byte order, starts after the After cursor and stops after Limit entries, so pages chained by CursorOf cover the outbox once", listerAfterLimit},
		{"OutboxLister/NoLockWhileYielding", "ListOutbox holds no lock while it yields: the loop body may Claim, Nack and Commit, and every entry that exists for the whole scan is yielded once", listerNoLock},
		{"OutboxLister/BadInput", "ListOutbox yields ErrInvalid as its only element for an empty tenant or a query failing OutboxQuery.Check, the context's error when it is cancelled, and nothing of another tenant's outbox", listerBadInput},
	}
}

// lister returns the store as a store.OutboxLister, or skips the case.
func (e *env) lister() store.OutboxLister {
	e.r.Helper()
	l, ok := e.s.(store.OutboxLister)
	if !ok {
		e.r.Skipf("the store does not implement the optional store.OutboxLister: skipped")
	}
	return l
}

// listOutbox collects ListOutbox in tenant A, ending the case on an error.
func (e *env) listOutbox(l store.OutboxLister, q store.OutboxQuery) []store.OutboxEntry {
	e.r.Helper()
	es, err := collect(e, "ListOutbox", l.ListOutbox(e.ctx, tenantA, q))
	e.ok(fmt.Sprintf("ListOutbox %+v", q), err)
	return es
}

var listerStatesAll = []store.OutboxState{store.OutboxAny, store.OutboxPending, store.OutboxLeased, store.OutboxWaiting, store.OutboxDead}

// listerFixture writes six entries of tenant A and brings them into every
// state at the returned now:
//
//	[0] waiting, never claimed
//	[1] leased (claimed at outboxNow, lease until outboxNow+lease)
//	[2] waiting for a retry: claimed, nacked with a reason and a RetryAt
//	[3] waiting after its lease expired: claimed at an earlier time
//	[4] dead: claimed, nacked permanently
//	[5] waiting, created after now
//
// It returns the entries as the store must hold them.
func (e *env) listerFixture() (want []store.OutboxEntry, now time.Time) {
	e.r.Helper()
	inc := e.fx.incident(tenantA)
	e.create(tenantA, inc)
	es := make([]store.OutboxEntry, 6)
	for i := range es {
		es[i] = e.fx.entry(inc.ID, uint64(i+1))
	}
	es[3].MaxAttempts = 1
	early := outboxNow.Add(-time.Hour)
	now = outboxNow.Add(time.Second)
	es[5].CreatedAt = now.Add(time.Hour)
	e.outboxWrite(es[0], es[1], es[2], es[4], es[5])
	got := e.claim(tenantA, outboxNow, 10, lease)
	byID := map[uuid.UUID]store.OutboxEntry{}
	for _, g := range got {
		byID[g.ID] = g
	}
	for _, i := range []int{0, 1, 2, 4} {
		if _, ok := byID[es[i].ID]; !ok {
			e.fatalf("Claim at %s: got %v, want entry %s among them", outboxNow, entryIDs(got), es[i].ID)
		}
	}
	retryAt := outboxNow.Add(time.Hour)
	e.ok("Nack", e.s.Nack(e.ctx, tenantA, es[2].ID, byID[es[2].ID].Lease, store.Failure{Now: outboxNow, RetryAt: retryAt, Reason: "503 Service Unavailable"}))
	e.ok("permanent Nack", e.s.Nack(e.ctx, tenantA, es[4].ID, byID[es[4].ID].Lease, store.Failure{Now: outboxNow, RetryAt: retryAt, Reason: "410 Gone", Permanent: true}))
	// [3], its only attempt claimed an hour before: its lease has expired
	// by now, and only a Claim may dead-letter it.
	e.outboxWrite(es[3])
	c3 := e.claimOne(early, es[3].ID)
	// Give [0] back as never tried.
	e.ok("Nack with Release", e.s.Nack(e.ctx, tenantA, es[0].ID, byID[es[0].ID].Lease, store.Failure{Now: outboxNow, RetryAt: es[0].CreatedAt, Release: true}))

	want = slices.Clone(es)
	w := func(i, attempts int, next time.Time, leaseUntil time.Time, lastErr string, dead time.Time) {
		want[i].Attempts, want[i].NextAttemptAt, want[i].LeaseUntil, want[i].LastError, want[i].DeadAt = attempts, next, leaseUntil, lastErr, dead
	}
	w(0, 0, es[0].CreatedAt, time.Time{}, "", time.Time{})
	w(1, 1, es[1].CreatedAt, outboxNow.Add(lease), "", time.Time{})
	w(2, 1, retryAt, time.Time{}, "503 Service Unavailable", time.Time{})
	w(3, 1, es[3].CreatedAt, c3.LeaseUntil, "", time.Time{})
	w(4, 1, retryAt, time.Time{}, "410 Gone", outboxNow)
	w(5, 0, es[5].CreatedAt, time.Time{}, "", time.Time{})
	// Oldest first, whatever the order of writing.
	slices.SortFunc(want, func(a, b store.OutboxEntry) int {
		if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
			return c
		}
		return slices.Compare(a.ID[:], b.ID[:])
	})
	return want, now
}

// entryDiff describes how a listed entry differs from the one the store
// must hold, "" when it does not.
func entryDiff(got, want *store.OutboxEntry) string {
	switch {
	case got.Lease != "":
		return fmt.Sprintf("Lease %q, want empty: a listing hands out no lease token", got.Lease)
	case got.Type != want.Type || got.RecordID != want.RecordID || got.Seq != want.Seq || got.IdempotencyKey != want.IdempotencyKey ||
		!sameJSON(got.Payload, want.Payload) || !got.CreatedAt.Equal(want.CreatedAt) || got.MaxAttempts != want.MaxAttempts:
		return fmt.Sprintf("the writer's fields differ: got %+v, want %+v", *got, *want)
	case got.Attempts != want.Attempts:
		return fmt.Sprintf("Attempts %d, want %d", got.Attempts, want.Attempts)
	case !got.NextAttemptAt.Equal(want.NextAttemptAt):
		return fmt.Sprintf("NextAttemptAt %s, want %s", got.NextAttemptAt, want.NextAttemptAt)
	case !got.LeaseUntil.Equal(want.LeaseUntil):
		return fmt.Sprintf("LeaseUntil %s, want %s", got.LeaseUntil, want.LeaseUntil)
	case got.LastError != want.LastError:
		return fmt.Sprintf("LastError %q, want %q", got.LastError, want.LastError)
	case !got.DeadAt.Equal(want.DeadAt):
		return fmt.Sprintf("DeadAt %s, want %s", got.DeadAt, want.DeadAt)
	}
	return ""
}

func listerStates(e *env) {
	l := e.lister()
	want, now := e.listerFixture()
	byID := map[uuid.UUID]*store.OutboxEntry{}
	for i := range want {
		byID[want[i].ID] = &want[i]
	}
	counts := map[store.OutboxState]int{}
	for _, st := range listerStatesAll {
		q := store.OutboxQuery{State: st, Now: now}
		var wantIDs []uuid.UUID
		for i := range want {
			if q.Match(&want[i]) {
				wantIDs = append(wantIDs, want[i].ID)
			}
		}
		got := e.listOutbox(l, q)
		counts[st] = len(got)
		if !slices.Equal(entryIDs(got), wantIDs) {
			e.errorf("ListOutbox state %q at %s: got %v, want %v (oldest first)", st, now, entryIDs(got), wantIDs)
			continue
		}
		for i := range got {
			if d := entryDiff(&got[i], byID[got[i].ID]); d != "" {
				e.errorf("ListOutbox state %q: entry %s: %s", st, got[i].ID, d)
			}
		}
	}
	for st, n := range map[store.OutboxState]int{store.OutboxAny: 6, store.OutboxPending: 5, store.OutboxLeased: 1, store.OutboxWaiting: 4, store.OutboxDead: 1} {
		if counts[st] != n {
			e.errorf("ListOutbox state %q listed %d entries, want %d", st, counts[st], n)
		}
	}
	stats := e.stats(tenantA, now)
	if stats.Pending != counts[store.OutboxPending] || stats.Leased != counts[store.OutboxLeased] || stats.Dead != counts[store.OutboxDead] {
		e.errorf("ListOutbox counts pending %d, leased %d, dead %d; OutboxStats %+v: they must agree",
			counts[store.OutboxPending], counts[store.OutboxLeased], counts[store.OutboxDead], stats)
	}
	dead := e.listOutbox(l, store.OutboxQuery{State: store.OutboxDead})
	if dl := e.deadLetters(tenantA); !slices.Equal(entryIDs(dead), entryIDs(dl)) {
		e.errorf("ListOutbox of dead letters %v, DeadLetters %v: they must agree", entryIDs(dead), entryIDs(dl))
	}
	// At the lease's end the leased entry is waiting.
	until := outboxNow.Add(lease)
	if got := e.listOutbox(l, store.OutboxQuery{State: store.OutboxLeased, Now: until}); len(got) != 0 {
		e.errorf("ListOutbox of leased entries at LeaseUntil: got %v, want none (a lease is over at exactly LeaseUntil)", entryIDs(got))
	}
	if got := e.listOutbox(l, store.OutboxQuery{State: store.OutboxLeased, Now: until.Add(-time.Second)}); len(got) != 1 {
		e.errorf("ListOutbox of leased entries a second before LeaseUntil: got %v, want one", entryIDs(got))
	}
}

func listerReadOnly(e *env) {
	l := e.lister()
	want, now := e.listerFixture()
	// List every state, twice, and a page at a time.
	for range 2 {
		for _, st := range listerStatesAll {
			e.listOutbox(l, store.OutboxQuery{State: st, Now: now})
			var after store.OutboxCursor
			for {
				page := e.listOutbox(l, store.OutboxQuery{State: st, Now: now, After: after, Limit: 1})
				if len(page) == 0 {
					break
				}
				after = store.CursorOf(&page[0])
			}
		}
	}
	again := e.listOutbox(l, store.OutboxQuery{})
	if len(again) != len(want) {
		e.fatalf("ListOutbox after listing: %v, want %v", entryIDs(again), entryIDs(want))
	}
	for i := range again {
		if d := entryDiff(&again[i], &want[i]); d != "" {
			e.errorf("after listings, entry %s changed: %s", again[i].ID, d)
		}
	}
	if st := e.stats(tenantA, now); st.Pending != 5 || st.Leased != 1 || st.Dead != 1 {
		e.errorf("OutboxStats after listings: %+v, want Pending 5, Leased 1, Dead 1 (unchanged)", st)
	}
	// At now, Claim takes the waiting entries created by now whose retry is
	// due: [0] with its first attempt. [3] spent its only attempt, so
	// Claim (not the listing) dead-letters it.
	byIdx := func(seq uint64) store.OutboxEntry {
		for _, w := range want {
			if w.Seq == seq {
				return w
			}
		}
		e.fatalf("no fixture entry with Seq %d", seq)
		return store.OutboxEntry{}
	}
	e0, e1, e3 := byIdx(1), byIdx(2), byIdx(4)
	got := e.claim(tenantA, now, 10, lease)
	if len(got) != 1 || got[0].ID != e0.ID || got[0].Attempts != 1 {
		e.errorf("Claim after listings: got %+v, want only never-tried entry %s with Attempts 1", got, e0.ID)
	}
	dl := e.deadLetters(tenantA)
	if len(dl) != 2 || !slices.Contains(entryIDs(dl), e3.ID) {
		e.errorf("after the Claim, dead letters %v, want the entry out of attempts %s among 2", entryIDs(dl), e3.ID)
	}
	// The leased entry's lease is the one its claim gave: still held
	// before LeaseUntil, over at it.
	if got := e.claim(tenantA, e1.LeaseUntil.Add(-time.Second), 10, lease); len(got) != 0 {
		e.errorf("Claim before the leased entry's LeaseUntil: got %v, want none (did a listing extend or end a lease?)", entryIDs(got))
	}
	back := e.claim(tenantA, e1.LeaseUntil, 10, lease)
	if len(back) != 1 || back[0].ID != e1.ID || back[0].Attempts != 2 {
		e.errorf("Claim at the leased entry's LeaseUntil: got %+v, want entry %s with Attempts 2", back, e1.ID)
	}
	e.ok("Ack", e.s.Ack(e.ctx, tenantA, back[0].ID, back[0].Lease))
}

func listerAfterLimit(e *env) {
	l := e.lister()
	inc := e.fx.incident(tenantA)
	t := base.Add(time.Hour)
	// Oldest first: by CreatedAt, then ID; IDs and writing order disagree.
	want := []store.OutboxEntry{
		e.entryAt(inc.ID, idIn(bandHigh, 1), t),
		e.entryAt(inc.ID, idIn(bandLow, 2), t.Add(time.Second)),
		e.entryAt(inc.ID, idIn(bandMid, 1), t.Add(time.Second)),
		e.entryAt(inc.ID, idIn(bandHigh, 2), t.Add(time.Second)),
		e.entryAt(inc.ID, idIn(bandLow, 1), t.Add(time.Minute)),
	}
	e.commit(tenantA, &store.Write{Create: []incident.Record{inc}, Outbox: []store.OutboxEntry{want[4], want[2]}})
	e.outboxWrite(want[3], want[0], want[1])
	if got := e.listOutbox(l, store.OutboxQuery{}); !slices.Equal(entryIDs(got), entryIDs(want)) {
		e.errorf("ListOutbox: got %v, want oldest first by CreatedAt, then ID: %v", entryIDs(got), entryIDs(want))
	}
	for limit := 1; limit <= len(want)+1; limit++ {
		var all []store.OutboxEntry
		var after store.OutboxCursor
		for pages := 0; ; pages++ {
			if pages > len(want) {
				e.fatalf("Limit %d: more pages than entries; does After move?", limit)
			}
			page := e.listOutbox(l, store.OutboxQuery{After: after, Limit: limit})
			if len(page) > limit {
				e.errorf("Limit %d: a page of %d entries", limit, len(page))
			}
			all = append(all, page...)
			if len(page) < limit {
				break
			}
			after = store.CursorOf(&page[len(page)-1])
		}
		if !slices.Equal(entryIDs(all), entryIDs(want)) {
			e.errorf("pages of Limit %d chained by CursorOf: got %v, want %v", limit, entryIDs(all), entryIDs(want))
		}
	}
	// A cursor between entries of one CreatedAt continues by ID.
	mid := store.CursorOf(&want[2])
	if got := e.listOutbox(l, store.OutboxQuery{After: mid}); !slices.Equal(entryIDs(got), entryIDs(want[3:])) {
		e.errorf("ListOutbox after %+v: got %v, want %v", mid, entryIDs(got), entryIDs(want[3:]))
	}
	// A cursor need not name an entry.
	between := store.OutboxCursor{CreatedAt: t.Add(30 * time.Second)}
	if got := e.listOutbox(l, store.OutboxQuery{After: between}); !slices.Equal(entryIDs(got), entryIDs(want[4:])) {
		e.errorf("ListOutbox after a time between entries: got %v, want %v", entryIDs(got), entryIDs(want[4:]))
	}
}

func listerNoLock(e *env) {
	l := e.lister()
	es := e.newEntries(4)
	var yielded []uuid.UUID
	for en, err := range l.ListOutbox(e.ctx, tenantA, store.OutboxQuery{State: store.OutboxPending}) {
		if err != nil {
			e.fatalf("ListOutbox: %v", err)
		}
		yielded = append(yielded, en.ID)
		var claimErr, nackErr, commitErr error
		if !e.within("Claim, Nack and Commit called from inside a ListOutbox loop", lockHint, func() {
			var got []store.OutboxEntry
			got, claimErr = e.s.Claim(e.ctx, tenantA, outboxNow, 1, lease)
			for _, g := range got {
				nackErr = e.s.Nack(e.ctx, tenantA, g.ID, g.Lease, store.Failure{Now: outboxNow, RetryAt: outboxNow.Add(time.Hour), Reason: "retry"})
			}
			if slices.Contains(entryIDs(es), en.ID) {
				commitErr = e.s.Commit(e.ctx, tenantA, &store.Write{Outbox: []store.OutboxEntry{e.fx.entry(es[0].RecordID, 99)}})
			}
		}) {
			return
		}
		for what, err := range map[string]error{"Claim": claimErr, "Nack": nackErr, "Commit": commitErr} {
			if err != nil {
				e.errorf("%s inside a ListOutbox loop failed: %v", what, err)
			}
		}
	}
	// The entries written from inside the loop are newer: they may or may
	// not be yielded, but the four that existed throughout are, once each
	// and in order.
	var old []uuid.UUID
	seen := map[uuid.UUID]int{}
	for _, id := range yielded {
		seen[id]++
		if slices.Contains(entryIDs(es), id) {
			old = append(old, id)
		}
	}
	if !slices.Equal(old, entryIDs(es)) {
		e.errorf("the ListOutbox loop yielded %v of the entries that existed throughout, want each once, oldest first: %v", old, entryIDs(es))
	}
	for id, n := range seen {
		if n > 1 {
			e.errorf("the ListOutbox loop yielded entry %s %d times", id, n)
		}
	}
}

func listerBadInput(e *env) {
	l := e.lister()
	e.newEntries(2)
	for name, tc := range map[string]struct {
		tenant string
		q      store.OutboxQuery
	}{
		"an empty tenant":             {"", store.OutboxQuery{}},
		"an unknown state":            {tenantA, store.OutboxQuery{State: "limbo"}},
		"a negative limit":            {tenantA, store.OutboxQuery{Limit: -1}},
		"leased entries without Now":  {tenantA, store.OutboxQuery{State: store.OutboxLeased}},
		"waiting entries without Now": {tenantA, store.OutboxQuery{State: store.OutboxWaiting}},
	} {
		n, err := seqErr(l.ListOutbox(e.ctx, tc.tenant, tc.q))
		if n != 0 || !errors.Is(err, store.ErrInvalid) {
			e.errorf("ListOutbox with %s: %d entries and error %v, want only an error satisfying errors.Is(err, store.ErrInvalid)", name, n, err)
		}
	}
	if n, err := seqErr(l.ListOutbox(e.ctx, tenantB, store.OutboxQuery{})); n != 0 || err != nil {
		e.errorf("ListOutbox of tenant B, whose outbox is empty: %d entries, error %v; want none (tenant A's are not B's)", n, err)
	}
	ctx, cancel := context.WithCancel(e.ctx)
	cancel()
	if n, err := seqErr(l.ListOutbox(ctx, tenantA, store.OutboxQuery{})); !errors.Is(err, context.Canceled) {
		e.errorf("ListOutbox with a cancelled context: %d entries, error %v; want context.Canceled, last", n, err)
	}
}
