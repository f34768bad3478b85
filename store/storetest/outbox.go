package storetest

import (
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
		{"Outbox/Requeue", "Requeue makes a dead letter available again at now with Attempts reset to 0; an entry that is not a dead letter is ErrNotFound", outboxRequeue},
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
