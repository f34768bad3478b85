package storetest

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

func outboxCases() []testCase {
	return []testCase{
		{"Outbox/Claim", "Claim leases up to n available entries, oldest first, each with a fresh Lease, LeaseUntil = now+lease and Attempts counting this claim, and the writer's fields intact; leased entries are not claimed again", outboxClaim},
		{"Outbox/LeaseExpiry", "an entry whose lease expired unacknowledged is claimable again with a new lease; the old lease is then lost", outboxLeaseExpiry},
		{"Outbox/Ack", "Ack with the current lease removes the entry for good; acknowledging it again, or an unknown entry, is ErrNotFound", outboxAck},
		{"Outbox/AckWrongLease_ErrLeaseLost", "Ack and Nack with a lease that is not the entry's current one (a wrong one, or any on an unclaimed entry) fail with ErrLeaseLost and leave the entry unchanged", outboxWrongLease},
		{"Outbox/Nack_Retry", "Nack ends the lease, keeps the reason as LastError and makes the entry available again at RetryAt, not before", outboxNackRetry},
		{"Outbox/Nack_DeadLetterAfterMaxAttempts", "a Nack when Attempts has reached MaxAttempts (DefaultMaxAttempts when 0) makes the entry a dead letter with DeadAt = the failure's Now; it is never claimed again", outboxMaxAttempts},
		{"Outbox/Nack_Permanent", "a permanent Nack dead-letters the entry at once; DeadLetters yields dead letters oldest first", outboxPermanent},
		{"Outbox/Nack_ReleaseKeepsAttempts", "a Nack with Release gives the entry back undelivered: the claim does not count (Attempts goes back down), it never dead-letters, even on the entry's last attempt, and the entry is claimable at RetryAt", outboxRelease},
		{"Outbox/Requeue", "Requeue makes a dead letter available again at now with Attempts reset to 0; an entry that is not a dead letter is ErrNotFound", outboxRequeue},
		{"Outbox/OldestFirst_CreatedAtThenID", "Claim and DeadLetters take entries oldest first: by CreatedAt, then by ID in byte order, whatever the order of writing or of failing", outboxOldestFirst},
		{"Outbox/LeaseExpiresAtLeaseUntil", "a lease is over at exactly LeaseUntil: the entry is claimable, and OutboxStats no longer counts it leased, at LeaseUntil and not a second before", outboxLeaseUntil},
		{"Outbox/NotClaimableBeforeCreatedAt", "an entry is claimable only once CreatedAt ≤ now and NextAttemptAt ≤ now, even when the writer set NextAttemptAt before CreatedAt; OutboxStats counts it pending, of age 0 while it is in the future", outboxNotBeforeCreated},
		{"Outbox/Commit_ResetsManagedFields", "Commit stores an entry with Attempts 0, no lease, no LastError and not dead, whatever the writer put in those fields", outboxResetsManaged},
		{"Outbox/DuplicateID_ErrExists", "committing an outbox entry whose ID is in the tenant's outbox (pending, leased or dead) fails with ErrExists and stores nothing of the Write", outboxDuplicateID},
		{"Outbox/NackWithoutNow_ErrInvalid", "Nack with a zero Failure.Now fails with ErrInvalid and leaves the entry as it was, leased by the same lease", outboxNackWithoutNow},
		{"Outbox/ExpiredLeaseNotReclaimed_Accepted", "Ack and Nack with a lease that expired but was not claimed again are accepted: nobody else holds the entry", outboxExpiredLeaseAccepted},
		{"Outbox/LeaseExpiry_DeadLetterAfterMaxAttempts", "a claimable entry whose Attempts reached MaxTries (its last lease expired without Ack or Nack) is dead-lettered by Claim instead of returned: DeadAt = now, LastError \"lease expired after N attempts\" unless it had one, and it does not count towards n", outboxPoison},
		{"Outbox/DeadLettersNoLockWhileYielding", "DeadLetters holds no lock while it yields: the loop body may Requeue the dead letter it was given, and every dead letter is yielded once", outboxDeadLettersNoLock},
		{"Outbox/Stats", "OutboxStats counts pending (leased or not, not dead), leased (unexpired lease) and dead entries and the age of the oldest pending one", outboxStats},
	}
}

const lease = 30 * time.Second

// outboxWrite commits the entries as one Write holding nothing else.
func (e *env) outboxWrite(entries ...store.OutboxEntry) {
	e.r.Helper()
	e.commit(tenantA, &store.Write{Outbox: entries})
}

// newEntries makes n entries about one incident, committed one Write each
// (in CreatedAt order), and returns them.
func (e *env) newEntries(n int) []store.OutboxEntry {
	e.r.Helper()
	inc := e.fx.incident(tenantA)
	e.create(tenantA, inc)
	out := make([]store.OutboxEntry, n)
	for i := range out {
		out[i] = e.fx.entry(inc.ID, uint64(i+1))
		e.outboxWrite(out[i])
	}
	return out
}

func outboxClaim(e *env) {
	es := e.newEntries(3)
	now := outboxNow

	got := e.claim(tenantA, now, 2, lease)
	if len(got) != 2 || got[0].ID != es[0].ID || got[1].ID != es[1].ID {
		e.fatalf("Claim n=2: got %v, want the two oldest %v", entryIDs(got), entryIDs(es[:2]))
	}
	for i, g := range got {
		want := es[i]
		if g.Lease == "" {
			e.errorf("claimed entry %s has no Lease", g.ID)
		}
		if !g.LeaseUntil.Equal(now.Add(lease)) {
			e.errorf("claimed entry %s: LeaseUntil %s, want now+lease %s", g.ID, g.LeaseUntil, now.Add(lease))
		}
		if g.Attempts != 1 {
			e.errorf("claimed entry %s: Attempts %d, want 1 (this claim)", g.ID, g.Attempts)
		}
		if g.Type != want.Type || g.RecordID != want.RecordID || g.Seq != want.Seq || g.IdempotencyKey != want.IdempotencyKey ||
			!sameJSON(g.Payload, want.Payload) || !g.CreatedAt.Equal(want.CreatedAt) || g.MaxAttempts != want.MaxAttempts {
			e.errorf("claimed entry %s: the writer's fields changed: got %+v, want %+v", g.ID, g, want)
		}
		if !g.DeadAt.IsZero() || g.LastError != "" {
			e.errorf("claimed entry %s: DeadAt %s LastError %q on a fresh entry", g.ID, g.DeadAt, g.LastError)
		}
	}
	if got[0].Lease == got[1].Lease {
		e.errorf("two entries of one claim share the lease %q; each entry needs its own token", got[0].Lease)
	}

	rest := e.claim(tenantA, now, 10, lease)
	if len(rest) != 1 || rest[0].ID != es[2].ID {
		e.errorf("second Claim: got %v, want only the unleased %s", entryIDs(rest), es[2].ID)
	}
	if more := e.claim(tenantA, now.Add(lease-time.Second), 10, lease); len(more) != 0 {
		e.errorf("Claim while every entry is leased: got %v, want none", entryIDs(more))
	}
}

func outboxLeaseExpiry(e *env) {
	es := e.newEntries(1)
	now := outboxNow
	first := e.claimOne(now, es[0].ID)
	if got := e.claim(tenantA, now.Add(10*time.Second), 10, lease); len(got) != 0 {
		e.errorf("Claim before the lease expired: got %v, want none", entryIDs(got))
	}
	later := now.Add(lease + time.Second)
	second := e.claimOne(later, es[0].ID)
	if second.Lease == first.Lease || second.Lease == "" {
		e.errorf("the claim after expiry has lease %q, want a fresh one (the first was %q)", second.Lease, first.Lease)
	}
	if second.Attempts != 2 {
		e.errorf("the claim after expiry: Attempts %d, want 2", second.Attempts)
	}
	if !second.LeaseUntil.Equal(later.Add(lease)) {
		e.errorf("the claim after expiry: LeaseUntil %s, want %s", second.LeaseUntil, later.Add(lease))
	}
	e.is("Ack with the expired lease", e.s.Ack(e.ctx, tenantA, es[0].ID, first.Lease), store.ErrLeaseLost)
	e.is("Nack with the expired lease", e.s.Nack(e.ctx, tenantA, es[0].ID, first.Lease,
		store.Failure{Now: later, RetryAt: later, Reason: "old holder", Permanent: true}), store.ErrLeaseLost)
	if st := e.stats(tenantA, later); st.Pending != 1 || st.Leased != 1 || st.Dead != 0 {
		e.errorf("OutboxStats after the old holder's Ack and Nack: %+v, want Pending 1, Leased 1, Dead 0", st)
	}
	e.ok("Ack with the current lease", e.s.Ack(e.ctx, tenantA, es[0].ID, second.Lease))
}

func outboxAck(e *env) {
	es := e.newEntries(2)
	now := outboxNow
	got := e.claim(tenantA, now, 10, lease)
	if len(got) != 2 {
		e.fatalf("Claim: got %d entries, want 2", len(got))
	}
	e.ok("Ack", e.s.Ack(e.ctx, tenantA, got[0].ID, got[0].Lease))
	if st := e.stats(tenantA, now); st.Pending != 1 {
		e.errorf("OutboxStats after one Ack: Pending %d, want 1", st.Pending)
	}
	if again := e.claim(tenantA, now.Add(time.Hour), 10, lease); len(again) != 1 || again[0].ID != es[1].ID {
		e.errorf("Claim after the leases expired: got %v, want only the unacknowledged %s", entryIDs(again), es[1].ID)
	}
	e.is("Ack of an acknowledged entry", e.s.Ack(e.ctx, tenantA, got[0].ID, got[0].Lease), store.ErrNotFound)
	e.is("Ack of an unknown entry", e.s.Ack(e.ctx, tenantA, e.fx.id(), "lease"), store.ErrNotFound)
	e.is("Nack of an unknown entry", e.s.Nack(e.ctx, tenantA, e.fx.id(), "lease", store.Failure{Now: now, RetryAt: now, Reason: "x"}), store.ErrNotFound)
}

func outboxWrongLease(e *env) {
	es := e.newEntries(1)
	id := es[0].ID
	now := outboxNow
	f := store.Failure{Now: now, RetryAt: now.Add(time.Hour), Reason: "not mine", Permanent: true}

	// Never claimed: no lease is current, not even the empty one.
	e.is("Ack of an unclaimed entry with an empty lease", e.s.Ack(e.ctx, tenantA, id, ""), store.ErrLeaseLost)
	e.is("Ack of an unclaimed entry with a made-up lease", e.s.Ack(e.ctx, tenantA, id, "made-up"), store.ErrLeaseLost)
	e.is("Nack of an unclaimed entry with an empty lease", e.s.Nack(e.ctx, tenantA, id, "", f), store.ErrLeaseLost)

	got := e.claimOne(now, id)
	if got.Attempts != 1 {
		e.errorf("the first claim after the refused Ack and Nack: Attempts %d, want 1 (they changed the entry)", got.Attempts)
	}
	e.is("Ack with a wrong lease", e.s.Ack(e.ctx, tenantA, id, got.Lease+"-wrong"), store.ErrLeaseLost)
	e.is("Ack with an empty lease", e.s.Ack(e.ctx, tenantA, id, ""), store.ErrLeaseLost)
	e.is("Nack with a wrong lease", e.s.Nack(e.ctx, tenantA, id, got.Lease+"-wrong", f), store.ErrLeaseLost)
	if st := e.stats(tenantA, now); st.Pending != 1 || st.Leased != 1 || st.Dead != 0 {
		e.errorf("OutboxStats after refused Acks and Nacks: %+v, want Pending 1, Leased 1, Dead 0", st)
	}
	if dl := e.deadLetters(tenantA); len(dl) != 0 {
		e.errorf("a Nack with a wrong lease dead-lettered the entry")
	}
	e.ok("Ack with the right lease", e.s.Ack(e.ctx, tenantA, id, got.Lease))
}

func outboxNackRetry(e *env) {
	es := e.newEntries(1)
	id := es[0].ID
	now := outboxNow
	got := e.claimOne(now, id)
	retryAt := now.Add(time.Minute)
	e.ok("Nack", e.s.Nack(e.ctx, tenantA, id, got.Lease, store.Failure{Now: now.Add(time.Second), RetryAt: retryAt, Reason: "503 Service Unavailable"}))

	if st := e.stats(tenantA, now.Add(2*time.Second)); st.Pending != 1 || st.Leased != 0 || st.Dead != 0 {
		e.errorf("OutboxStats after Nack: %+v, want Pending 1, Leased 0 (the lease ended), Dead 0", st)
	}
	e.is("Ack with the lease a Nack ended", e.s.Ack(e.ctx, tenantA, id, got.Lease), store.ErrLeaseLost)
	if early := e.claim(tenantA, retryAt.Add(-time.Second), 10, lease); len(early) != 0 {
		e.errorf("Claim before RetryAt: got %v, want none", entryIDs(early))
	}
	again := e.claimOne(retryAt, id)
	if again.Attempts != 2 {
		e.errorf("Claim at RetryAt: Attempts %d, want 2", again.Attempts)
	}
	if again.LastError != "503 Service Unavailable" {
		e.errorf("Claim at RetryAt: LastError %q, want the Nack's reason", again.LastError)
	}
	if again.Lease == got.Lease {
		e.errorf("the claim after a Nack reuses the old lease %q", got.Lease)
	}
}

func outboxMaxAttempts(e *env) {
	inc := e.fx.incident(tenantA)
	short := e.fx.entry(inc.ID, 1)
	short.MaxAttempts = 2
	dflt := e.fx.entry(inc.ID, 2)
	e.commit(tenantA, &store.Write{Create: []incident.Record{inc}, Outbox: []store.OutboxEntry{short, dflt}})

	deadAt := map[uuid.UUID]time.Time{}
	t := outboxNow
	for round := 1; round <= store.DefaultMaxAttempts+1; round++ {
		got := e.claim(tenantA, t, 10, lease)
		for _, g := range got {
			if _, dead := deadAt[g.ID]; dead {
				e.fatalf("round %d: Claim returned %s, a dead letter", round, g.ID)
			}
			if g.Attempts != round {
				e.errorf("round %d: entry %s has Attempts %d, want %d", round, g.ID, g.Attempts, round)
			}
			failedAt := t.Add(time.Second)
			e.ok("Nack", e.s.Nack(e.ctx, tenantA, g.ID, g.Lease, store.Failure{Now: failedAt, RetryAt: t.Add(2 * time.Second), Reason: "still failing"}))
			if g.Attempts >= g.MaxTries() {
				deadAt[g.ID] = failedAt
			}
		}
		t = t.Add(time.Minute)
		var dead []uuid.UUID
		for _, d := range e.deadLetters(tenantA) {
			dead = append(dead, d.ID)
			want, ok := deadAt[d.ID]
			switch {
			case !ok:
				e.fatalf("round %d: entry %s is a dead letter after %d attempts, fewer than its MaxTries", round, d.ID, d.Attempts)
			case !d.DeadAt.Equal(want):
				e.errorf("round %d: dead letter %s has DeadAt %s, want the failure's Now %s", round, d.ID, d.DeadAt, want)
			case d.LastError != "still failing":
				e.errorf("round %d: dead letter %s has LastError %q, want the last reason", round, d.ID, d.LastError)
			}
		}
		if len(dead) != len(deadAt) {
			e.fatalf("round %d: DeadLetters yields %v, want %d dead letters", round, dead, len(deadAt))
		}
	}
	if len(deadAt) != 2 {
		e.errorf("after %d rounds, %d entries are dead, want both (MaxAttempts 2 and the default %d)", store.DefaultMaxAttempts+1, len(deadAt), store.DefaultMaxAttempts)
	}
	if st := e.stats(tenantA, t); st.Dead != 2 || st.Pending != 0 {
		e.errorf("OutboxStats: %+v, want Dead 2, Pending 0", st)
	}
}

func outboxPermanent(e *env) {
	es := e.newEntries(3)
	now := outboxNow
	got := e.claim(tenantA, now, 10, lease)
	if len(got) != 3 {
		e.fatalf("Claim: got %d entries, want 3", len(got))
	}
	// The older entry dies first.
	e.ok("permanent Nack", e.s.Nack(e.ctx, tenantA, got[0].ID, got[0].Lease, store.Failure{Now: now.Add(time.Second), RetryAt: now.Add(time.Hour), Reason: "410 Gone", Permanent: true}))
	e.ok("permanent Nack", e.s.Nack(e.ctx, tenantA, got[1].ID, got[1].Lease, store.Failure{Now: now.Add(2 * time.Second), RetryAt: now.Add(time.Hour), Reason: "400 Bad Request", Permanent: true}))

	dl := e.deadLetters(tenantA)
	if len(dl) != 2 || dl[0].ID != es[0].ID || dl[1].ID != es[1].ID {
		e.fatalf("DeadLetters: got %v, want %v oldest first", entryIDs(dl), entryIDs(es[:2]))
	}
	if dl[0].Attempts != 1 || dl[0].LastError != "410 Gone" || !dl[0].DeadAt.Equal(now.Add(time.Second)) {
		e.errorf("dead letter: Attempts %d LastError %q DeadAt %s, want 1, %q, %s", dl[0].Attempts, dl[0].LastError, dl[0].DeadAt, "410 Gone", now.Add(time.Second))
	}
	if again := e.claim(tenantA, now.Add(24*time.Hour), 10, lease); len(again) != 1 || again[0].ID != es[2].ID {
		e.errorf("Claim a day later: got %v, want only the live entry %s", entryIDs(again), es[2].ID)
	}
	if st := e.stats(tenantA, now.Add(3*time.Second)); st.Dead != 2 || st.Pending != 1 {
		e.errorf("OutboxStats: %+v, want Dead 2, Pending 1", st)
	}
}

func outboxRequeue(e *env) {
	es := e.newEntries(2)
	now := outboxNow
	claimed := e.claim(tenantA, now, 1, lease) // es[1] stays pending
	if len(claimed) != 1 || claimed[0].ID != es[0].ID {
		e.fatalf("Claim n=1: got %v, want the oldest %s", entryIDs(claimed), es[0].ID)
	}
	got := claimed[0]
	e.ok("permanent Nack", e.s.Nack(e.ctx, tenantA, got.ID, got.Lease, store.Failure{Now: now, RetryAt: now, Reason: "gone", Permanent: true}))

	e.is("Requeue of a pending entry", e.s.Requeue(e.ctx, tenantA, es[1].ID, now), store.ErrNotFound)
	e.is("Requeue of an unknown entry", e.s.Requeue(e.ctx, tenantA, e.fx.id(), now), store.ErrNotFound)

	later := now.Add(time.Hour)
	e.ok("Requeue", e.s.Requeue(e.ctx, tenantA, es[0].ID, later))
	if dl := e.deadLetters(tenantA); len(dl) != 0 {
		e.errorf("DeadLetters after Requeue: %v, want none", entryIDs(dl))
	}
	if st := e.stats(tenantA, later); st.Dead != 0 || st.Pending != 2 {
		e.errorf("OutboxStats after Requeue: %+v, want Dead 0, Pending 2", st)
	}
	back := e.claim(tenantA, later, 10, lease)
	var re *store.OutboxEntry
	for i := range back {
		if back[i].ID == es[0].ID {
			re = &back[i]
		}
	}
	if re == nil {
		e.fatalf("Claim at the Requeue time: got %v, want the requeued %s among them", entryIDs(back), es[0].ID)
	}
	if re.Attempts != 1 {
		e.errorf("requeued entry claimed: Attempts %d, want 1 (reset to 0, then this claim)", re.Attempts)
	}
	if !re.DeadAt.IsZero() {
		e.errorf("requeued entry claimed: DeadAt %s, want zero", re.DeadAt)
	}
	e.is("Requeue of an entry that is no longer dead", e.s.Requeue(e.ctx, tenantA, es[0].ID, later), store.ErrNotFound)
}

func outboxStats(e *env) {
	now := outboxNow
	if st := e.stats(tenantA, now); st != (store.OutboxStats{}) {
		e.errorf("OutboxStats of an empty outbox: %+v, want zero", st)
	}
	inc := e.fx.incident(tenantA)
	e.create(tenantA, inc)
	// Created in this order, so CreatedAt ascends: acked, dead, retrying,
	// leased, fresh.
	acked := e.fx.entry(inc.ID, 1)
	e.outboxWrite(acked)
	g := e.claimOne(now, acked.ID)
	e.ok("Ack", e.s.Ack(e.ctx, tenantA, g.ID, g.Lease))

	dead := e.fx.entry(inc.ID, 2)
	e.outboxWrite(dead)
	g = e.claimOne(now, dead.ID)
	e.ok("Nack", e.s.Nack(e.ctx, tenantA, g.ID, g.Lease, store.Failure{Now: now, RetryAt: now, Reason: "gone", Permanent: true}))

	retrying := e.fx.entry(inc.ID, 3)
	e.outboxWrite(retrying)
	g = e.claimOne(now, retrying.ID)
	e.ok("Nack", e.s.Nack(e.ctx, tenantA, g.ID, g.Lease, store.Failure{Now: now, RetryAt: now.Add(time.Hour), Reason: "busy"}))

	leased := e.fx.entry(inc.ID, 4)
	e.outboxWrite(leased)
	e.claimOne(now, leased.ID)

	fresh := e.fx.entry(inc.ID, 5)
	e.outboxWrite(fresh)

	want := store.OutboxStats{Pending: 3, Leased: 1, Dead: 1, OldestAge: now.Sub(retrying.CreatedAt)}
	if st := e.stats(tenantA, now); st != want {
		e.errorf("OutboxStats: got %+v, want %+v", st, want)
	}
	after := now.Add(lease + time.Second)
	want = store.OutboxStats{Pending: 3, Leased: 0, Dead: 1, OldestAge: after.Sub(retrying.CreatedAt)}
	if st := e.stats(tenantA, after); st != want {
		e.errorf("OutboxStats once the lease expired: got %+v, want %+v (an expired lease is not leased)", st, want)
	}
}

// entryAt returns a fixture entry about record with the given ID and
// CreatedAt.
func (e *env) entryAt(record, id uuid.UUID, created time.Time) store.OutboxEntry {
	en := e.fx.entry(record, 1)
	en.ID, en.CreatedAt = id, created
	return en
}

func outboxOldestFirst(e *env) {
	inc := e.fx.incident(tenantA)
	t := base.Add(time.Hour)
	// In the order they must come out: by CreatedAt, then ID. IDs and
	// writing order disagree with it.
	want := []store.OutboxEntry{
		e.entryAt(inc.ID, idIn(bandHigh, 1), t),
		e.entryAt(inc.ID, idIn(bandLow, 2), t.Add(time.Second)),
		e.entryAt(inc.ID, idIn(bandMid, 1), t.Add(time.Second)),
		e.entryAt(inc.ID, idIn(bandHigh, 2), t.Add(time.Second)),
		e.entryAt(inc.ID, idIn(bandLow, 1), t.Add(time.Minute)),
	}
	e.commit(tenantA, &store.Write{Create: []incident.Record{inc}, Outbox: []store.OutboxEntry{want[4], want[2]}})
	e.outboxWrite(want[3], want[0], want[1])

	// One at a time: each Claim takes the oldest left.
	var claimed []store.OutboxEntry
	for range want {
		got := e.claim(tenantA, outboxNow, 1, time.Hour)
		if len(got) != 1 {
			e.fatalf("Claim n=1: got %d entries, want 1", len(got))
		}
		claimed = append(claimed, got[0])
	}
	if !slices.Equal(entryIDs(claimed), entryIDs(want)) {
		e.errorf("Claims of one entry each took %v, want oldest first by CreatedAt, then ID: %v", entryIDs(claimed), entryIDs(want))
	}
	// Once their leases expired, one Claim of all returns them in order.
	all := e.claim(tenantA, outboxNow.Add(time.Hour), 10, lease)
	if !slices.Equal(entryIDs(all), entryIDs(want)) {
		e.errorf("Claim of all: got %v, want %v", entryIDs(all), entryIDs(want))
	}
	// Dead letters keep that order, whatever order they died in.
	byID := map[uuid.UUID]store.OutboxEntry{}
	for _, c := range all {
		byID[c.ID] = c
	}
	for i, k := range []int{3, 0, 4, 2, 1} {
		c := byID[want[k].ID]
		now := outboxNow.Add(time.Hour + time.Duration(i)*time.Second)
		e.ok("permanent Nack", e.s.Nack(e.ctx, tenantA, c.ID, c.Lease, store.Failure{Now: now, RetryAt: now, Reason: "gone", Permanent: true}))
	}
	if dl := e.deadLetters(tenantA); !slices.Equal(entryIDs(dl), entryIDs(want)) {
		e.errorf("DeadLetters: got %v, want oldest first by CreatedAt, then ID: %v", entryIDs(dl), entryIDs(want))
	}
}

func outboxLeaseUntil(e *env) {
	es := e.newEntries(1)
	id := es[0].ID
	first := e.claimOne(outboxNow, id)
	until := first.LeaseUntil
	before := until.Add(-time.Second)
	if got := e.claim(tenantA, before, 10, lease); len(got) != 0 {
		e.errorf("Claim a second before LeaseUntil: got %v, want none (the lease holds)", entryIDs(got))
	}
	if st := e.stats(tenantA, before); st.Leased != 1 {
		e.errorf("OutboxStats a second before LeaseUntil: Leased %d, want 1", st.Leased)
	}
	if st := e.stats(tenantA, until); st.Leased != 0 || st.Pending != 1 {
		e.errorf("OutboxStats at LeaseUntil: %+v, want Pending 1, Leased 0 (the lease is over)", st)
	}
	second := e.claimOne(until, id)
	if second.Attempts != 2 || second.Lease == first.Lease {
		e.errorf("Claim at LeaseUntil: Attempts %d, lease %q; want 2 and a fresh lease", second.Attempts, second.Lease)
	}
}

func outboxNotBeforeCreated(e *env) {
	inc := e.fx.incident(tenantA)
	future := e.fx.entry(inc.ID, 1)
	future.CreatedAt = outboxNow.Add(time.Hour)
	early := e.fx.entry(inc.ID, 2)
	early.CreatedAt = outboxNow.Add(2 * time.Hour)
	early.NextAttemptAt = outboxNow // before its CreatedAt
	e.commit(tenantA, &store.Write{Create: []incident.Record{inc}, Outbox: []store.OutboxEntry{future, early}})
	if st := e.stats(tenantA, outboxNow); st != (store.OutboxStats{Pending: 2}) {
		e.errorf("OutboxStats with only entries created after now: %+v, want Pending 2 and OldestAge 0", st)
	}
	delayed := e.fx.entry(inc.ID, 3)
	delayed.NextAttemptAt = outboxNow.Add(3 * time.Hour)
	e.outboxWrite(delayed)

	if got := e.claim(tenantA, outboxNow, 10, lease); len(got) != 0 {
		e.errorf("Claim before any entry is due: got %v, want none", entryIDs(got))
	}
	for _, step := range []struct {
		at   time.Time
		want store.OutboxEntry
	}{{future.CreatedAt, future}, {early.CreatedAt, early}, {delayed.NextAttemptAt, delayed}} {
		if got := e.claim(tenantA, step.at.Add(-time.Second), 10, lease); len(got) != 0 {
			e.errorf("Claim a second before %s is due: got %v, want none", step.want.ID, entryIDs(got))
		}
		got := e.claimOne(step.at, step.want.ID)
		e.ok("Ack", e.s.Ack(e.ctx, tenantA, got.ID, got.Lease))
	}
}

func outboxResetsManaged(e *env) {
	inc := e.fx.incident(tenantA)
	en := e.fx.entry(inc.ID, 1)
	en.Attempts, en.Lease, en.LeaseUntil = 7, "forged-lease", outboxNow.Add(time.Hour)
	en.LastError, en.DeadAt = "forged error", base
	e.commit(tenantA, &store.Write{Create: []incident.Record{inc}, Outbox: []store.OutboxEntry{en}})
	if dl := e.deadLetters(tenantA); len(dl) != 0 {
		e.errorf("an entry written with a DeadAt is a dead letter; Commit must store it live")
	}
	if st := e.stats(tenantA, outboxNow); st.Pending != 1 || st.Leased != 0 || st.Dead != 0 {
		e.errorf("OutboxStats after writing an entry with forged store fields: %+v, want Pending 1, Leased 0, Dead 0", st)
	}
	e.is("Ack with the lease the writer forged", e.s.Ack(e.ctx, tenantA, en.ID, en.Lease), store.ErrLeaseLost)
	got := e.claimOne(outboxNow, en.ID)
	if got.Attempts != 1 || got.Lease == en.Lease || got.LastError != "" || !got.DeadAt.IsZero() {
		e.errorf("first claim of an entry written with forged store fields: Attempts %d, Lease %q, LastError %q, DeadAt %s; want 1, a fresh lease, none, zero",
			got.Attempts, got.Lease, got.LastError, got.DeadAt)
	}
}

func outboxDuplicateID(e *env) {
	inc := e.fx.incident(tenantA)
	leased, dead := e.fx.entry(inc.ID, 1), e.fx.entry(inc.ID, 2)
	e.commit(tenantA, &store.Write{Create: []incident.Record{inc}, Outbox: []store.OutboxEntry{leased, dead}})
	got := e.claim(tenantA, outboxNow, 10, lease)
	if len(got) != 2 {
		e.fatalf("Claim: got %d entries, want 2", len(got))
	}
	for _, g := range got {
		if g.ID == dead.ID {
			e.ok("permanent Nack", e.s.Nack(e.ctx, tenantA, g.ID, g.Lease, store.Failure{Now: outboxNow, RetryAt: outboxNow, Reason: "gone", Permanent: true}))
		}
	}
	pending := e.fx.entry(inc.ID, 3)
	e.outboxWrite(pending)

	for _, tc := range []struct {
		what string
		orig store.OutboxEntry
	}{{"pending", pending}, {"leased", leased}, {"dead", dead}} {
		fresh := e.fx.incident(tenantA)
		dup := e.fx.entry(fresh.ID, 1)
		dup.ID = tc.orig.ID
		w := &store.Write{Create: []incident.Record{fresh}, Outbox: []store.OutboxEntry{dup}}
		e.is("Commit of an outbox entry with the ID of a "+tc.what+" one", e.s.Commit(e.ctx, tenantA, w), store.ErrExists)
		if fresh.Version != 0 {
			e.errorf("the refused Commit (a %s entry's ID) set Version %d on its record", tc.what, fresh.Version)
		}
		if _, err := e.s.Get(e.ctx, tenantA, incident.KindIncident, fresh.ID); !errors.Is(err, store.ErrNotFound) {
			e.errorf("the refused Commit (a %s entry's ID) stored its record (Get: %v)", tc.what, err)
		}
	}
	if st := e.stats(tenantA, outboxNow); st.Pending != 2 || st.Leased != 1 || st.Dead != 1 {
		e.errorf("OutboxStats after the refused Commits: %+v, want Pending 2, Leased 1, Dead 1 (unchanged)", st)
	}
	if dl := e.deadLetters(tenantA); len(dl) != 1 || dl[0].Type != dead.Type || dl[0].IdempotencyKey != dead.IdempotencyKey {
		e.errorf("the dead letter changed: %+v", dl)
	}
}

func outboxNackWithoutNow(e *env) {
	es := e.newEntries(1)
	got := e.claimOne(outboxNow, es[0].ID)
	for _, permanent := range []bool{false, true} {
		err := e.s.Nack(e.ctx, tenantA, got.ID, got.Lease, store.Failure{RetryAt: outboxNow.Add(time.Hour), Reason: "no time", Permanent: permanent})
		e.is(fmt.Sprintf("Nack with a zero Now (Permanent %v)", permanent), err, store.ErrInvalid)
	}
	if st := e.stats(tenantA, outboxNow); st.Pending != 1 || st.Leased != 1 || st.Dead != 0 {
		e.errorf("OutboxStats after the refused Nacks: %+v, want Pending 1, Leased 1, Dead 0", st)
	}
	e.ok("Ack with the lease the refused Nacks named", e.s.Ack(e.ctx, tenantA, got.ID, got.Lease))
}

func outboxExpiredLeaseAccepted(e *env) {
	es := e.newEntries(2)
	got := e.claim(tenantA, outboxNow, 10, lease)
	if len(got) != 2 {
		e.fatalf("Claim: got %d entries, want 2", len(got))
	}
	late := outboxNow.Add(lease + time.Minute)
	e.ok("Ack with a lease that expired and was not claimed again", e.s.Ack(e.ctx, tenantA, got[0].ID, got[0].Lease))
	e.ok("Nack with a lease that expired and was not claimed again", e.s.Nack(e.ctx, tenantA, got[1].ID, got[1].Lease,
		store.Failure{Now: late, RetryAt: late.Add(time.Hour), Reason: "late failure"}))
	if st := e.stats(tenantA, late); st.Pending != 1 || st.Leased != 0 || st.Dead != 0 {
		e.errorf("OutboxStats after the late Ack and Nack: %+v, want Pending 1 (the nacked one), Leased 0, Dead 0", st)
	}
	if early := e.claim(tenantA, late.Add(time.Minute), 10, lease); len(early) != 0 {
		e.errorf("Claim before the late Nack's RetryAt: got %v, want none", entryIDs(early))
	}
	again := e.claimOne(late.Add(time.Hour), es[1].ID)
	if again.Attempts != 2 || again.LastError != "late failure" {
		e.errorf("Claim after the late Nack: Attempts %d LastError %q, want 2 and the Nack's reason", again.Attempts, again.LastError)
	}
	e.is("Ack of the entry acknowledged late", e.s.Ack(e.ctx, tenantA, got[0].ID, got[0].Lease), store.ErrNotFound)
}

func outboxPoison(e *env) {
	inc := e.fx.incident(tenantA)
	poison := e.fx.entry(inc.ID, 1)
	poison.MaxAttempts = 2
	failing := e.fx.entry(inc.ID, 2)
	failing.MaxAttempts = 2
	e.commit(tenantA, &store.Write{Create: []incident.Record{inc}, Outbox: []store.OutboxEntry{poison, failing}})

	// Attempt 1: the relay crashes on poison (no Ack, no Nack); failing
	// fails properly.
	t := outboxNow
	got := e.claim(tenantA, t, 10, lease)
	if len(got) != 2 || got[0].ID != poison.ID || got[1].ID != failing.ID {
		e.fatalf("attempt 1: Claim got %v, want %v", entryIDs(got), []uuid.UUID{poison.ID, failing.ID})
	}
	e.ok("Nack", e.s.Nack(e.ctx, tenantA, failing.ID, got[1].Lease, store.Failure{Now: t.Add(time.Second), RetryAt: t.Add(time.Second), Reason: "503 Service Unavailable"}))
	// Attempt 2, their last: both leases expire unanswered.
	t = t.Add(lease)
	got = e.claim(tenantA, t, 10, lease)
	if len(got) != 2 || got[0].Attempts != 2 || got[1].Attempts != 2 {
		e.fatalf("attempt 2: Claim got %v, want both entries with Attempts 2", got)
	}
	lastLease := got[0].Lease

	healthy := e.fx.entry(inc.ID, 3)
	e.outboxWrite(healthy)
	t = t.Add(lease)
	got = e.claim(tenantA, t, 1, lease)
	if len(got) != 1 || got[0].ID != healthy.ID {
		e.errorf("Claim n=1 after the last leases expired: got %v, want only the healthy %s (the others are dead letters, and do not count towards n)", entryIDs(got), healthy.ID)
	}
	dl := e.deadLetters(tenantA)
	if len(dl) != 2 || dl[0].ID != poison.ID || dl[1].ID != failing.ID {
		e.fatalf("DeadLetters: got %v, want %v", entryIDs(dl), []uuid.UUID{poison.ID, failing.ID})
	}
	for i, want := range []string{"lease expired after 2 attempts", "503 Service Unavailable"} {
		d := dl[i]
		if !d.DeadAt.Equal(t) || d.LastError != want || d.Attempts != 2 {
			e.errorf("dead letter %s: DeadAt %s LastError %q Attempts %d; want the Claim's now %s, %q, 2", d.ID, d.DeadAt, d.LastError, d.Attempts, t, want)
		}
	}
	e.is("Ack with the lease that expired before Claim dead-lettered the entry", e.s.Ack(e.ctx, tenantA, poison.ID, lastLease), store.ErrLeaseLost)
	if st := e.stats(tenantA, t); st.Pending != 1 || st.Leased != 1 || st.Dead != 2 {
		e.errorf("OutboxStats: %+v, want Pending 1, Leased 1, Dead 2", st)
	}
	e.ok("Ack", e.s.Ack(e.ctx, tenantA, got[0].ID, got[0].Lease))

	// An entry with the default MaxAttempts is claimed DefaultMaxAttempts
	// times, then dead-lettered.
	dflt := e.fx.entry(inc.ID, 4)
	e.outboxWrite(dflt)
	for attempt := 1; attempt <= store.DefaultMaxAttempts; attempt++ {
		t = t.Add(lease)
		if got := e.claimOne(t, dflt.ID); got.Attempts != attempt {
			e.fatalf("claim %d of an entry whose leases keep expiring: Attempts %d", attempt, got.Attempts)
		}
	}
	t = t.Add(lease)
	if got := e.claim(tenantA, t, 10, lease); len(got) != 0 {
		e.errorf("Claim after %d expired leases: got %v, want none (a dead letter)", store.DefaultMaxAttempts, entryIDs(got))
	}
	if dl := e.deadLetters(tenantA); len(dl) != 3 || dl[2].ID != dflt.ID || dl[2].LastError != fmt.Sprintf("lease expired after %d attempts", store.DefaultMaxAttempts) {
		e.errorf("DeadLetters after the default entry's leases expired: %v, want it last, with LastError %q", dl, fmt.Sprintf("lease expired after %d attempts", store.DefaultMaxAttempts))
	}
}

func outboxDeadLettersNoLock(e *env) {
	es := e.newEntries(3)
	got := e.claim(tenantA, outboxNow, 10, lease)
	if len(got) != 3 {
		e.fatalf("Claim: got %d entries, want 3", len(got))
	}
	for _, g := range got {
		e.ok("permanent Nack", e.s.Nack(e.ctx, tenantA, g.ID, g.Lease, store.Failure{Now: outboxNow, RetryAt: outboxNow, Reason: "gone", Permanent: true}))
	}
	later := outboxNow.Add(time.Hour)
	var yielded []uuid.UUID
	for d, err := range e.s.DeadLetters(e.ctx, tenantA) {
		if err != nil {
			e.fatalf("DeadLetters: %v", err)
		}
		yielded = append(yielded, d.ID)
		var requeueErr, statsErr error
		if !e.within("Requeue called from inside a DeadLetters loop", lockHint, func() {
			requeueErr = e.s.Requeue(e.ctx, tenantA, d.ID, later)
		}) {
			return
		}
		if !e.within("OutboxStats called from inside a DeadLetters loop", lockHint, func() {
			_, statsErr = e.s.OutboxStats(e.ctx, tenantA, later)
		}) {
			return
		}
		for what, err := range map[string]error{"Requeue": requeueErr, "OutboxStats": statsErr} {
			if err != nil {
				e.errorf("%s inside a DeadLetters loop failed: %v", what, err)
			}
		}
	}
	if !slices.Equal(yielded, entryIDs(es)) {
		e.errorf("the DeadLetters loop yielded %v, want each dead letter once, oldest first: %v", yielded, entryIDs(es))
	}
	if dl := e.deadLetters(tenantA); len(dl) != 0 {
		e.errorf("after requeueing every dead letter from inside the loop, DeadLetters yields %v", entryIDs(dl))
	}
	if back := e.claim(tenantA, later, 10, lease); len(back) != 3 {
		e.errorf("Claim after the requeues: got %v, want the 3 requeued entries", entryIDs(back))
	}
}

func outboxRelease(e *env) {
	inc := e.fx.incident(tenantA)
	e.create(tenantA, inc)
	en := e.fx.entry(inc.ID, 1)
	en.MaxAttempts = 1
	e.outboxWrite(en)
	now := outboxNow

	got := e.claimOne(now, en.ID)
	if got.Attempts != 1 {
		e.fatalf("first claim: Attempts %d, want 1", got.Attempts)
	}
	// The relay stops before delivering on the entry's only attempt.
	e.ok("Nack with Release", e.s.Nack(e.ctx, tenantA, got.ID, got.Lease,
		store.Failure{Now: now, RetryAt: now, Reason: "relay stopped", Release: true, Permanent: true}))
	if dl := e.deadLetters(tenantA); len(dl) != 0 {
		e.fatalf("a released entry became a dead letter: %v", entryIDs(dl))
	}
	again := e.claimOne(now, en.ID)
	if again.Attempts != 1 {
		e.errorf("claim after release: Attempts %d, want 1 (the released claim does not count)", again.Attempts)
	}
	// An ordinary failure on the last attempt still dead-letters.
	e.ok("Nack", e.s.Nack(e.ctx, tenantA, again.ID, again.Lease, store.Failure{Now: now, RetryAt: now.Add(time.Minute), Reason: "503"}))
	if dl := e.deadLetters(tenantA); len(dl) != 1 || dl[0].ID != en.ID {
		e.errorf("after a failed last attempt: dead letters %v, want %s", entryIDs(dl), en.ID)
	}
}
