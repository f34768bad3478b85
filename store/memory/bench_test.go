package memory_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
	"github.com/iso27035/iso27035/store/storetest"
)

// An update of one incident with one audit record and one outbox entry:
// the shape of every lifecycle transition. Outbox entries are time-ordered
// (UUIDv7 IDs, increasing CreatedAt) as the lifecycle engine writes them,
// and nobody drains the outbox.
func BenchmarkCommit(b *testing.B) {
	ctx := context.Background()
	s := memory.New()
	inc := newIncident(1)
	commit(b, s, acme, &store.Write{Create: []incident.Record{inc}})
	payload := json.RawMessage(`{"state":"analysis"}`)
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		seq := uint64(i + 1)
		w := &store.Write{
			Update: []incident.Record{inc},
			Audit:  []store.AuditRecord{{RecordID: inc.ID, Seq: seq, At: t0, Actor: "a", Action: "update", Data: payload, Hash: make([]byte, 32)}},
			Outbox: []store.OutboxEntry{{ID: uuid.Must(uuid.NewV7()), Type: "incident.updated", RecordID: inc.ID, Seq: seq, IdempotencyKey: "k", Payload: payload, CreatedAt: t0.Add(time.Duration(i))}},
		}
		if err := s.Commit(ctx, acme, w); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGet(b *testing.B) {
	ctx := context.Background()
	s := memory.New()
	createIncidents(b, s, acme, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Get(ctx, acme, incident.KindIncident, id(1)); err != nil {
			b.Fatal(err)
		}
	}
}

// A full List over 10 000 incidents; ns/op is per scan.
func BenchmarkList10000(b *testing.B) {
	ctx := context.Background()
	s := memory.New()
	ns := make([]int, 10000)
	for i := range ns {
		ns[i] = i + 1
	}
	createIncidents(b, s, acme, ns...)
	q := store.Query{Kind: incident.KindIncident}
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for _, err := range s.List(ctx, acme, q) {
			if err != nil {
				b.Fatal(err)
			}
			n++
		}
		if n != len(ns) {
			b.Fatalf("listed %d", n)
		}
	}
}

// Claim of one entry and its Ack, from an outbox holding between 1 000 and
// 2 000 pending entries (refilled, off the clock, as it drains).
func BenchmarkClaimAck(b *testing.B) {
	ctx := context.Background()
	s := memory.New()
	const batch = 1000
	next := 0
	refill := func() {
		w := &store.Write{}
		for range batch {
			next++
			w.Outbox = append(w.Outbox, entry(next, t0.Add(time.Duration(next))))
		}
		commit(b, s, acme, w)
	}
	refill()
	refill()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		got, err := s.Claim(ctx, acme, t0.Add(time.Hour), 1, time.Minute)
		if err != nil || len(got) != 1 {
			b.Fatal(err, len(got))
		}
		if err := s.Ack(ctx, acme, got[0].ID, got[0].Lease); err != nil {
			b.Fatal(err)
		}
		if i%batch == batch-1 {
			b.StopTimer()
			refill()
			b.StartTimer()
		}
	}
}

// The shared benchmarks of the conformance suite, comparable across stores.
func BenchmarkSuite(b *testing.B) {
	storetest.Bench(b, func(*testing.B) store.Store { return memory.New() })
}
