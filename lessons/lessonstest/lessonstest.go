// Package lessonstest is the conformance suite of the lessons store: the
// tests every store that keeps reviews and action items (package
// store/memory, the SQL adapters, a host's own store) runs from its own
// tests, as package preparetest does for preparations.
//
// A host calls Run from a test with a function returning a new, empty
// store for each case:
//
//	func TestLessonsStore(t *testing.T) {
//		lessonstest.Run(t, func(t *testing.T) lessons.Committer {
//			return memory.New()
//		})
//	}
package lessonstest

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lessons"
	"github.com/iso27035/iso27035/store"
)

// The tenants the cases use.
const (
	tenantA = "tenant-a"
	tenantB = "tenant-b"
)

// t0 is the cases' clock: UTC at microsecond precision, which every store
// keeps.
var t0 = time.Date(2026, 3, 14, 9, 26, 53, 589793000, time.UTC)

type testCase struct {
	name, contract string
	run            func(t *testing.T, st lessons.Committer)
}

func cases() []testCase {
	return []testCase{
		{"ReviewRoundTrip", "PutReview at version 0 creates the review at version 1 and GetReview returns it JSON-equal", reviewRoundTrip},
		{"ActionRoundTrip", "PutAction at version 0 creates the item at version 1 and GetAction returns it JSON-equal", actionRoundTrip},
		{"Update", "a Put at the version read updates to the next version; a stale one fails with store.ErrConflict", update},
		{"CreateExisting_ErrExists", "a second create of an ID fails with store.ErrExists", createExisting},
		{"GetMissing_ErrNotFound", "Get of an ID never stored fails with store.ErrNotFound", getMissing},
		{"TenantIsolation", "one tenant cannot read the other's reviews or items", tenantIsolation},
		{"List_ByIndex", "ListReviews filters by record and subject, ListActions by review, owner and status, in ID order", list},
		{"Invalid_NoWrite", "an invalid review or item (a blaming cause, a done item without verification) is refused before any Commit", invalid},
	}
}

// Run runs every case against stores made by newStore, one named subtest
// per contract. newStore is called once per case and must return an empty
// store; the cases run one after the other.
func Run(t *testing.T, newStore func(t *testing.T) lessons.Committer) {
	t.Helper()
	for _, c := range cases() {
		t.Run(c.name, func(t *testing.T) {
			t.Log(c.contract)
			c.run(t, newStore(t))
		})
	}
}

func clock() time.Time { return t0 }

func review(id string, rec uuid.UUID) *lessons.Review {
	return &lessons.Review{
		ID: id, Subject: lessons.SubjectIncident, RecordID: rec, Title: "Phishing", At: t0, Summary: "Contained.",
		Timeline: []lessons.Entry{{Seq: 1, At: t0, Actor: "alice", Action: "acknowledge", From: "detect_report/reporting", To: "assess_decide/triage"}},
		WentWell: []string{"fast triage"},
		Causes:   []lessons.Cause{{Category: lessons.CategoryProcess, Text: "No banner"}},
		CostImpact: lessons.CostImpact{
			Impact: incident.Impact{Confidentiality: incident.ImpactLow, Functional: incident.ImpactLow,
				Information: []incident.InformationImpact{incident.InformationNone},
				Assets:      []incident.Asset{{ID: "mail", Criticality: incident.CriticalityHigh}},
				Cost:        &incident.Money{Currency: "EUR", Minor: 50_000}},
			EconomicImpact: &incident.Money{Currency: "EUR", Minor: 90_000},
			Currency:       "EUR",
			Lines: []lessons.CostLine{{Kind: lessons.CostResponse, Text: "IRT effort", Hours: 1.5, Amount: incident.Money{Currency: "EUR", Minor: 14_250}},
				{Kind: lessons.CostExternal, Amount: incident.Money{Currency: "USD", Minor: 10_000}, Converted: &incident.Money{Currency: "EUR", Minor: 9_200}}},
		},
		Required: []incident.Role{incident.RoleIncidentManager},
		SignOffs: []lessons.SignOff{{Role: incident.RoleIncidentManager, By: "bob", At: t0}},
		Feedback: []lessons.Feedback{{By: "alice", Rating: 4, At: t0}},
	}
}

func item(id, reviewID string) *lessons.ActionItem {
	return &lessons.ActionItem{ID: id, ReviewID: reviewID, Title: "Banner", Owner: "mail", Due: t0.Add(72 * time.Hour),
		Priority: lessons.PriorityHigh, Control: "8.7"}
}

func jsonEqual(t *testing.T, want, got any) {
	t.Helper()
	a, err := json.Marshal(want)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(got)
	if err != nil {
		t.Fatal(err)
	}
	if string(a) != string(b) {
		t.Errorf("round trip differs:\nput %s\ngot %s", a, b)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("got %v, want %v", err, target)
	}
}

func reviewRoundTrip(t *testing.T, st lessons.Committer) {
	ctx := context.Background()
	s := lessons.Store{St: st, Tenant: tenantA, Clock: clock}
	r := review("PIR-1", uuid.New())
	must(t, s.PutReview(ctx, 0, r))
	got, err := s.GetReview(ctx, "PIR-1")
	must(t, err)
	if got.Version != 1 || got.ID != "PIR-1" {
		t.Fatalf("got %s version %d, want PIR-1 version 1", got.ID, got.Version)
	}
	jsonEqual(t, r, got.Value)
}

func actionRoundTrip(t *testing.T, st lessons.Committer) {
	ctx := context.Background()
	s := lessons.Store{St: st, Tenant: tenantA, Clock: clock}
	a := item("AI-1", "PIR-1")
	must(t, s.PutAction(ctx, 0, a))
	got, err := s.GetAction(ctx, "AI-1")
	must(t, err)
	if got.Version != 1 {
		t.Fatalf("version %d, want 1", got.Version)
	}
	jsonEqual(t, a, got.Value)
}

func update(t *testing.T, st lessons.Committer) {
	ctx := context.Background()
	s := lessons.Store{St: st, Tenant: tenantA, Clock: clock}
	a := item("AI-1", "PIR-1")
	must(t, s.PutAction(ctx, 0, a))
	must(t, a.Close(&lessons.Verification{By: "ciso", At: t0, Method: "test", Effective: true}, t0))
	must(t, s.PutAction(ctx, 1, a))
	got, err := s.GetAction(ctx, "AI-1")
	must(t, err)
	if got.Version != 2 || got.Value.Status != lessons.StatusDone {
		t.Fatalf("got version %d status %q, want 2 done", got.Version, got.Value.Status)
	}
	wantErr(t, s.PutAction(ctx, 1, a), store.ErrConflict)
	r := review("PIR-1", uuid.New())
	must(t, s.PutReview(ctx, 0, r))
	r.Summary = "Changed."
	must(t, s.PutReview(ctx, 1, r))
	wantErr(t, s.PutReview(ctx, 1, r), store.ErrConflict)
}

func createExisting(t *testing.T, st lessons.Committer) {
	ctx := context.Background()
	s := lessons.Store{St: st, Tenant: tenantA, Clock: clock}
	must(t, s.PutReview(ctx, 0, review("PIR-1", uuid.New())))
	wantErr(t, s.PutReview(ctx, 0, review("PIR-1", uuid.New())), store.ErrExists)
	must(t, s.PutAction(ctx, 0, item("AI-1", "PIR-1")))
	wantErr(t, s.PutAction(ctx, 0, item("AI-1", "PIR-1")), store.ErrExists)
}

func getMissing(t *testing.T, st lessons.Committer) {
	ctx := context.Background()
	s := lessons.Store{St: st, Tenant: tenantA, Clock: clock}
	_, err := s.GetReview(ctx, "nope")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetAction(ctx, "nope")
	wantErr(t, err, store.ErrNotFound)
}

func tenantIsolation(t *testing.T, st lessons.Committer) {
	ctx := context.Background()
	a := lessons.Store{St: st, Tenant: tenantA, Clock: clock}
	b := lessons.Store{St: st, Tenant: tenantB, Clock: clock}
	must(t, a.PutReview(ctx, 0, review("PIR-1", uuid.New())))
	must(t, a.PutAction(ctx, 0, item("AI-1", "PIR-1")))
	_, err := b.GetReview(ctx, "PIR-1")
	wantErr(t, err, store.ErrNotFound)
	_, err = b.GetAction(ctx, "AI-1")
	wantErr(t, err, store.ErrNotFound)
	rs, err := b.ListReviews(ctx, nil)
	must(t, err)
	if len(rs) != 0 {
		t.Fatalf("tenant B lists %d reviews of tenant A", len(rs))
	}
	other := review("PIR-1", uuid.New())
	other.Summary = "B's own"
	must(t, b.PutReview(ctx, 0, other))
	got, err := a.GetReview(ctx, "PIR-1")
	must(t, err)
	if got.Value.Summary == "B's own" {
		t.Fatal("tenant B's write changed tenant A's review")
	}
}

func list(t *testing.T, st lessons.Committer) {
	ctx := context.Background()
	s := lessons.Store{St: st, Tenant: tenantA, Clock: clock}
	rec := uuid.New()
	must(t, s.PutReview(ctx, 0, review("PIR-2", rec)))
	must(t, s.PutReview(ctx, 0, review("PIR-1", rec)))
	must(t, s.PutReview(ctx, 0, review("PIR-3", uuid.New())))
	x := lessons.NewExercise("EX-1", "Tabletop", t0)
	must(t, s.PutReview(ctx, 0, &x))
	rs, err := s.ListReviews(ctx, map[string]string{"record": rec.String()})
	must(t, err)
	if len(rs) != 2 || rs[0].ID != "PIR-1" || rs[1].ID != "PIR-2" {
		t.Fatalf("reviews of the record: %v", ids(rs))
	}
	rs, err = s.ListReviews(ctx, map[string]string{"subject": string(lessons.SubjectExercise)})
	must(t, err)
	if len(rs) != 1 || rs[0].ID != "EX-1" {
		t.Fatalf("exercises: %v", ids(rs))
	}
	must(t, s.PutAction(ctx, 0, item("AI-2", "PIR-1")))
	must(t, s.PutAction(ctx, 0, item("AI-1", "PIR-1")))
	other := item("AI-3", "PIR-3")
	other.Owner = "net"
	must(t, s.PutAction(ctx, 0, other))
	as, err := s.ListActions(ctx, map[string]string{"review": "PIR-1", "status": string(lessons.StatusOpen)})
	must(t, err)
	if len(as) != 2 || as[0].ID != "AI-1" || as[1].ID != "AI-2" {
		t.Fatalf("open items of PIR-1: %v", ids(as))
	}
	as, err = s.ListActions(ctx, map[string]string{"owner": "net"})
	must(t, err)
	if len(as) != 1 || as[0].ID != "AI-3" {
		t.Fatalf("items of net: %v", ids(as))
	}
}

func ids[T any](vs []store.Versioned[T]) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.ID)
	}
	return out
}

func invalid(t *testing.T, st lessons.Committer) {
	ctx := context.Background()
	s := lessons.Store{St: st, Tenant: tenantA, Clock: clock}
	r := review("PIR-1", uuid.New())
	r.Causes = append(r.Causes, lessons.Cause{Category: lessons.CategoryPeople, Text: "careless", Actor: "alice"})
	wantErr(t, s.PutReview(ctx, 0, r), lessons.ErrBlame)
	a := item("AI-1", "PIR-1")
	a.Status = lessons.StatusDone
	wantErr(t, s.PutAction(ctx, 0, a), lessons.ErrInvalid)
	_, err := s.GetReview(ctx, "PIR-1")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetAction(ctx, "AI-1")
	wantErr(t, err, store.ErrNotFound)
}
