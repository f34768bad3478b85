package memory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
)

// An incident is declared in one atomic write with its first audit record
// and the notification it emits; a relay then claims the notification,
// delivers it and acknowledges it.
func Example() {
	ctx := context.Background()
	st := memory.New()
	at := time.Date(2026, 3, 14, 9, 20, 30, 0, time.UTC)

	inc := &incident.Incident{
		Header: incident.Header{
			ID:  uuid.MustParse("0195a000-0000-7000-8000-00000000000b"),
			Ref: "INC-2026-000001", Org: "acme", CreatedAt: at, UpdatedAt: at,
		},
		Handling: incident.Handling{
			Title: "Unusual VPN login", Phase: incident.PhaseAssessDecide, State: incident.StateTriage,
			Outcome: incident.OutcomeIncident, Severity: incident.SeverityHigh,
		},
		EventIDs: []uuid.UUID{uuid.MustParse("0195a000-0000-7000-8000-00000000000a")},
	}
	err := st.Commit(ctx, "acme", &store.Write{
		Create: []incident.Record{inc},
		Audit:  []store.AuditRecord{{RecordID: inc.ID, Seq: 1, At: at, Actor: "actor-soc-analyst", Action: "declare"}},
		Outbox: []store.OutboxEntry{{
			ID:   uuid.MustParse("0195a000-0000-7000-8000-0000000000e1"),
			Type: "incident.declared", RecordID: inc.ID, Seq: 1,
			IdempotencyKey: inc.ID.String() + "/1",
			Payload:        json.RawMessage(`{"ref":"INC-2026-000001"}`),
			CreatedAt:      at,
		}},
	})
	fmt.Println("commit:", err, "version", inc.Version)

	for r, err := range st.List(ctx, "acme", store.Query{Kind: incident.KindIncident, States: []incident.State{incident.StateTriage}}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("listed:", r.Head().Ref, r.Handle().Title, r.Handle().Severity)
	}
	for a, err := range st.AuditTrail(ctx, "acme", inc.ID, 0) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("audit:", a.Seq, a.Action, a.Actor)
	}

	claimed, err := st.Claim(ctx, "acme", at.Add(time.Second), 10, 30*time.Second)
	if err != nil {
		fmt.Println(err)
		return
	}
	e := claimed[0]
	fmt.Println("claimed:", len(claimed), e.Type, string(e.Payload), "attempt", e.Attempts, "until", e.LeaseUntil.Format(time.TimeOnly))
	fmt.Println("ack:", st.Ack(ctx, "acme", e.ID, e.Lease))

	stats, _ := st.OutboxStats(ctx, "acme", at.Add(2*time.Second))
	fmt.Printf("outbox: %+v\n", stats)
	// Output:
	// commit: <nil> version 1
	// listed: INC-2026-000001 Unusual VPN login high
	// audit: 1 declare actor-soc-analyst
	// claimed: 1 incident.declared {"ref":"INC-2026-000001"} attempt 1 until 09:21:01
	// ack: <nil>
	// outbox: {Pending:0 Leased:0 Dead:0 OldestAge:0s}
}

// List yields matching records in ascending ID order; q.After and q.Limit
// page through them by keyset, so a page never repeats or skips a record
// while others are written.
func ExampleStore_List() {
	ctx := context.Background()
	st := memory.New()
	at := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	w := &store.Write{}
	for n, sev := range []incident.Severity{incident.SeverityHigh, incident.SeverityLow, incident.SeverityHigh, incident.SeverityHigh, incident.SeverityMedium, incident.SeverityHigh} {
		w.Create = append(w.Create, &incident.Event{
			Header: incident.Header{
				ID:  uuid.MustParse(fmt.Sprintf("0195a000-0000-7000-8000-%012d", n+1)),
				Ref: incident.Ref(fmt.Sprintf("EVT-2026-%06d", n+1)), Org: "acme", CreatedAt: at,
			},
			Handling: incident.Handling{Title: fmt.Sprint("event ", n+1), Phase: incident.PhaseDetectReport, State: incident.StateDetection, Severity: sev},
		})
	}
	if err := st.Commit(ctx, "acme", w); err != nil {
		fmt.Println(err)
		return
	}

	q := store.Query{Kind: incident.KindEvent, Severities: []incident.Severity{incident.SeverityHigh}, Limit: 2}
	n, _ := st.Count(ctx, "acme", q)
	fmt.Println("high:", n)
	for page := 1; ; page++ {
		var last uuid.UUID
		fmt.Print("page ", page, ":")
		for r, err := range st.List(ctx, "acme", q) {
			if err != nil {
				fmt.Println(err)
				return
			}
			fmt.Print(" ", r.Head().Ref)
			last = r.Head().ID
		}
		fmt.Println()
		if last == uuid.Nil {
			break
		}
		q.After = last
	}
	// Output:
	// high: 4
	// page 1: EVT-2026-000001 EVT-2026-000003
	// page 2: EVT-2026-000004 EVT-2026-000006
	// page 3:
}

// Two writers read the same version; the second update is stale and
// changes nothing. It reads again and retries.
func ExampleStore_Commit_conflict() {
	ctx := context.Background()
	st := memory.New()
	at := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	id := uuid.MustParse("0195a000-0000-7000-8000-000000000001")
	_ = st.Commit(ctx, "acme", &store.Write{Create: []incident.Record{&incident.Vulnerability{
		Header:   incident.Header{ID: id, Ref: "VUL-2026-000001", Org: "acme", CreatedAt: at},
		Handling: incident.Handling{Title: "Outdated VPN appliance", Phase: incident.PhaseDetectReport, State: incident.StateReporting},
	}}})

	read := func() *incident.Vulnerability {
		r, _ := st.Get(ctx, "acme", incident.KindVulnerability, id)
		vu, _ := r.(*incident.Vulnerability)
		return vu
	}
	a, b := read(), read()
	a.CVEs = []string{"CVE-2024-3094"}
	fmt.Println("a:", st.Commit(ctx, "acme", &store.Write{Update: []incident.Record{a}}), a.Version)

	b.Severity = incident.SeverityCritical
	err := st.Commit(ctx, "acme", &store.Write{Update: []incident.Record{b}})
	fmt.Println("b:", errors.Is(err, store.ErrConflict), err, b.Version)

	b = read()
	b.Severity = incident.SeverityCritical
	fmt.Println("b again:", st.Commit(ctx, "acme", &store.Write{Update: []incident.Record{b}}), b.Version, b.CVEs, b.Severity)
	// Output:
	// a: <nil> 2
	// b: true store: version conflict: vulnerability 0195a000-0000-7000-8000-000000000001 at version 1, stored 2 1
	// b again: <nil> 3 [CVE-2024-3094] critical
}

// A notification that keeps failing becomes a dead letter, which an
// operator requeues once the receiver is fixed.
func ExampleStore_Nack() {
	ctx := context.Background()
	st := memory.New()
	at := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	_ = st.Commit(ctx, "acme", &store.Write{Outbox: []store.OutboxEntry{{
		ID: uuid.MustParse("0195a000-0000-7000-8000-0000000000e1"), Type: "incident.declared",
		IdempotencyKey: "k1", CreatedAt: at, MaxAttempts: 2,
	}}})

	now := at
	for range 2 {
		claimed, _ := st.Claim(ctx, "acme", now, 1, time.Minute)
		e := claimed[0]
		err := st.Nack(ctx, "acme", e.ID, e.Lease, store.Failure{Now: now, RetryAt: now.Add(time.Minute), Reason: "HTTP 503"})
		fmt.Println("attempt", e.Attempts, "nack:", err)
		now = now.Add(time.Minute)
	}
	for e, err := range st.DeadLetters(ctx, "acme") {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("dead:", e.Type, e.Attempts, e.LastError, e.DeadAt.Format(time.TimeOnly))
		fmt.Println("requeue:", st.Requeue(ctx, "acme", e.ID, now))
	}
	stats, _ := st.OutboxStats(ctx, "acme", now)
	fmt.Printf("%+v\n", stats)
	// Output:
	// attempt 1 nack: <nil>
	// attempt 2 nack: <nil>
	// dead: incident.declared 2 HTTP 503 09:01:00
	// requeue: <nil>
	// {Pending:1 Leased:0 Dead:0 OldestAge:2m0s}
}
