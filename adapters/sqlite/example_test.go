package sqlite_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/adapters/sqlite"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// Open a database file, declare an incident in one atomic write with its
// first audit record and its notification, close the file, open it again
// and find everything there; a relay then claims the notification and
// acknowledges it.
func ExampleOpen() {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "sqlite-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "incidents.db")

	st, err := sqlite.Open(ctx, path)
	if err != nil {
		fmt.Println(err)
		return
	}
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
	err = st.Commit(ctx, "acme", &store.Write{
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
	if err := st.Close(); err != nil {
		fmt.Println(err)
		return
	}

	// A restart: the same file, opened again.
	st, err = sqlite.Open(ctx, path)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer st.Close()
	for r, err := range st.List(ctx, "acme", store.Query{Kind: incident.KindIncident, States: []incident.State{incident.StateTriage}}) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("listed:", r.Head().Ref, r.Handle().Title, r.Handle().Severity, "version", r.Head().Version)
	}
	for a, err := range st.AuditTrail(ctx, "acme", inc.ID, 0) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("audit:", a.Seq, a.Action, "by", a.Actor)
	}
	claimed, err := st.Claim(ctx, "acme", at.Add(time.Second), 10, time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, e := range claimed {
		fmt.Println("claimed:", e.Type, string(e.Payload), "attempt", e.Attempts)
		fmt.Println("ack:", st.Ack(ctx, "acme", e.ID, e.Lease))
	}
	// Output:
	// commit: <nil> version 1
	// listed: INC-2026-000001 Unusual VPN login high version 1
	// audit: 1 declare by actor-soc-analyst
	// claimed: incident.declared {"ref":"INC-2026-000001"} attempt 1
	// ack: <nil>
}
