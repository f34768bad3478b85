package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// Bench runs the shared benchmarks on stores made by newStore (called once
// per sub-benchmark, returning an empty store), so every implementation is
// measured on the same work. Each sub-benchmark reports allocations:
//
//   - CreateIncident: Commit of one new incident (building it included).
//   - UpdateWithAuditAndOutbox: Commit of an update of one incident with its
//     audit record and one outbox entry, the lifecycle engine's usual write
//     (building the audit record and the entry included).
//   - Get: Get of one incident among 1000.
//   - ListPage100: List of 100 incidents (Limit 100) among 1000.
//   - ClaimAck: Claim of one outbox entry and its Ack.
//   - DueTimers: DueTimers of 10 among 1000 timers.
func Bench(b *testing.B, newStore func(b *testing.B) store.Store) {
	b.Run("CreateIncident", func(b *testing.B) { benchCreate(b, newStore(b)) })
	b.Run("UpdateWithAuditAndOutbox", func(b *testing.B) { benchUpdate(b, newStore(b)) })
	b.Run("Get", func(b *testing.B) { benchGet(b, newStore(b)) })
	b.Run("ListPage100", func(b *testing.B) { benchList(b, newStore(b)) })
	b.Run("ClaimAck", func(b *testing.B) { benchClaimAck(b, newStore(b)) })
	b.Run("DueTimers", func(b *testing.B) { benchDueTimers(b, newStore(b)) })
}

// seed creates n incidents in batches and returns them.
func seed(b *testing.B, s store.Store, fx *fixture, n int) []*incident.Incident {
	b.Helper()
	ctx := context.Background()
	out := make([]*incident.Incident, 0, n)
	for len(out) < n {
		batch := min(100, n-len(out))
		w := &store.Write{}
		for range batch {
			inc := fx.incident(tenantA)
			out = append(out, inc)
			w.Create = append(w.Create, inc)
		}
		if err := s.Commit(ctx, tenantA, w); err != nil {
			b.Fatalf("seeding: Commit: %v", err)
		}
	}
	return out
}

func benchCreate(b *testing.B, s store.Store) {
	ctx := context.Background()
	fx := newFixture()
	b.ReportAllocs()
	for b.Loop() {
		inc := fx.incident(tenantA)
		w := &store.Write{Create: []incident.Record{inc}}
		if err := s.Commit(ctx, tenantA, w); err != nil {
			b.Fatalf("Commit: %v", err)
		}
	}
}

func benchUpdate(b *testing.B, s store.Store) {
	ctx := context.Background()
	fx := newFixture()
	inc := fx.incident(tenantA)
	if err := s.Commit(ctx, tenantA, &store.Write{Create: []incident.Record{inc}, Audit: []store.AuditRecord{fx.audit(inc.ID, 1)}}); err != nil {
		b.Fatalf("Commit: %v", err)
	}
	seq := uint64(1)
	// The engine updates the record it committed last, as here.
	w := &store.Write{Update: []incident.Record{inc}, Audit: make([]store.AuditRecord, 1), Outbox: make([]store.OutboxEntry, 1)}
	b.ReportAllocs()
	for b.Loop() {
		seq++
		inc.UpdatedAt = inc.UpdatedAt.Add(time.Second)
		w.Audit[0] = fx.audit(inc.ID, seq)
		w.Outbox[0] = fx.entry(inc.ID, seq)
		if err := s.Commit(ctx, tenantA, w); err != nil {
			b.Fatalf("Commit: %v", err)
		}
	}
}

func benchGet(b *testing.B, s store.Store) {
	ctx := context.Background()
	incs := seed(b, s, newFixture(), 1000)
	id := incs[len(incs)/2].ID
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Get(ctx, tenantA, incident.KindIncident, id); err != nil {
			b.Fatalf("Get: %v", err)
		}
	}
}

func benchList(b *testing.B, s store.Store) {
	ctx := context.Background()
	incs := seed(b, s, newFixture(), 1000)
	q := store.Query{Kind: incident.KindIncident, After: incs[449].ID, Limit: 100}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range s.List(ctx, tenantA, q) {
			if err != nil {
				b.Fatalf("List: %v", err)
			}
			n++
		}
		if n != 100 {
			b.Fatalf("List: %d records, want 100", n)
		}
	}
}

func benchClaimAck(b *testing.B, s store.Store) {
	ctx := context.Background()
	fx := newFixture()
	inc := fx.incident(tenantA)
	if err := s.Commit(ctx, tenantA, &store.Write{Create: []incident.Record{inc}}); err != nil {
		b.Fatalf("Commit: %v", err)
	}
	left := 0
	// The fixture's clock advances a second per entry, so refills are
	// created ever later; Claim runs at the newest CreatedAt, or entries
	// created after a fixed now would never be due (a fixed base+24h ran
	// dry after 86 400 iterations).
	now := outboxNow
	refill := func() {
		w := &store.Write{}
		for i := range 100 {
			w.Outbox = append(w.Outbox, fx.entry(inc.ID, uint64(i+1)))
		}
		if err := s.Commit(ctx, tenantA, w); err != nil {
			b.Fatalf("Commit: %v", err)
		}
		if last := w.Outbox[len(w.Outbox)-1].CreatedAt; last.After(now) {
			now = last
		}
		left = 100
	}
	b.ReportAllocs()
	for b.Loop() {
		if left == 0 {
			b.StopTimer()
			refill()
			b.StartTimer()
		}
		es, err := s.Claim(ctx, tenantA, now, 1, time.Minute)
		if err != nil || len(es) != 1 {
			b.Fatalf("Claim: %d entries, %v", len(es), err)
		}
		if err := s.Ack(ctx, tenantA, es[0].ID, es[0].Lease); err != nil {
			b.Fatalf("Ack: %v", err)
		}
		left--
	}
}

func benchDueTimers(b *testing.B, s store.Store) {
	ctx := context.Background()
	fx := newFixture()
	inc := fx.incident(tenantA)
	for i := 0; i < 1000; i += 100 {
		w := &store.Write{}
		for j := range 100 {
			w.Timers = append(w.Timers, fx.timer(inc.ID, "escalate", base.Add(time.Duration(i+j)*time.Minute)))
		}
		if err := s.Commit(ctx, tenantA, w); err != nil {
			b.Fatalf("Commit: %v", err)
		}
	}
	now := base.Add(500 * time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		ts, err := s.DueTimers(ctx, tenantA, now, 10)
		if err != nil || len(ts) != 10 {
			b.Fatalf("DueTimers: %d timers, %v", len(ts), err)
		}
	}
}
