package lessons_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lessons"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store/memory"
)

// The package's benchmarks measure what a host calls repeatedly: the
// timeline and draft of a review rebuilt from the audit trail of an
// incident on the memory store, the recurrence analysis over a quarter's
// reviews, validation and rendering of a full review. Everything is built
// in memory by the engine (helpers_test.go) or from a fixed seed.

// benchAuditRecords is how many audit records the benchmarked incident
// has.
const benchAuditRecords = 15

// benchIncident drives an incident through the engine (handled) and adds
// notes until its audit trail holds benchAuditRecords records. It returns
// the store, the stored incident and its key.
func benchIncident(b *testing.B) (*memory.Store, incident.Record, lifecycle.Key) {
	b.Helper()
	ctx := context.Background()
	e, st := engine()
	key, err := handled(ctx, e)
	if err != nil {
		b.Fatal(err)
	}
	n := 0
	for _, err := range st.AuditTrail(ctx, "acme", key.ID, 0) {
		if err != nil {
			b.Fatal(err)
		}
		n++
	}
	for i := n; i < benchAuditRecords; i++ {
		if _, err := e.Apply(ctx, bob, key, lifecycle.AddNote{Text: fmt.Sprintf("Status update %d: mailbox rules checked", i)}); err != nil {
			b.Fatal(err)
		}
	}
	rec, err := e.Get(ctx, bob, key)
	if err != nil {
		b.Fatal(err)
	}
	tl, err := lessons.Timeline(ctx, st, "acme", key.ID)
	if err != nil {
		b.Fatal(err)
	}
	if len(tl) != benchAuditRecords {
		b.Fatalf("timeline has %d entries, want %d", len(tl), benchAuditRecords)
	}
	return st, rec, key
}

// fullReview returns a drafted review of the benchmarked incident with
// every section filled in, and its action items; it validates.
func fullReview(b *testing.B) (lessons.Review, []lessons.ActionItem) {
	b.Helper()
	ctx := context.Background()
	st, rec, _ := benchIncident(b)
	r, err := lessons.Draft(ctx, st, "acme", "PIR-2026-007", rec)
	if err != nil {
		b.Fatal(err)
	}
	at := time.Date(2026, 3, 4, 10, 0, 0, 0, time.UTC)
	if err := r.MeasureGaps(rec, at); err != nil {
		b.Fatal(err)
	}
	eur := func(minor int64) incident.Money { return incident.Money{Currency: "EUR", Minor: minor} }
	r.Summary = "Credential phishing against the finance team, contained within the hour; no data left the organisation."
	r.WentWell = []string{"The clerk reported the mail within five minutes", "Mailbox rules were checked across all finance accounts",
		"The IRT lead was reachable through the on-call rotation"}
	r.WentBadly = []string{"The mail gateway did not flag the look-alike domain", "Password resets took 40 minutes to propagate",
		"The status page was updated late"}
	r.Causes = []lessons.Cause{
		{Category: lessons.CategoryTechnology, Text: "No banner on mail from external senders"},
		{Category: lessons.CategoryProcess, Text: "Password reset procedure not automated", Contributing: true},
		{Category: lessons.CategoryPeople, Text: "Phishing awareness training overdue for the finance team"},
		{Category: lessons.CategoryThirdParty, Text: "Mail filtering provider missed the look-alike domain", Key: "mail-filter-miss", Contributing: true},
	}
	r.Decisions = []string{"Enable external-sender banners", "Automate password resets through the IdP", "Schedule awareness training"}
	r.Changes = []lessons.Decision{{ProposalID: "CP-12", Kind: "playbook_step", Target: "phishing", Status: "accepted", By: "ciso", At: at, Version: 2}}
	r.Controls = []string{"5.24", "5.26", "6.3", "8.7"}
	r.CostImpact.Currency = "EUR"
	r.CostImpact.Lines = []lessons.CostLine{
		{Kind: lessons.CostResponse, Text: "IRT effort", Hours: 12, Amount: eur(114_000)},
		{Kind: lessons.CostExternal, Text: "forensics retainer", Amount: eur(500_000)},
		{Kind: lessons.CostExternal, Text: "provider support", Amount: incident.Money{Currency: "USD", Minor: 20_000},
			Converted: &incident.Money{Currency: "EUR", Minor: 18_400}},
		{Kind: lessons.CostLoss, Text: "lost productivity", Hours: 30, Amount: eur(90_000)},
	}
	r.Required = []incident.Role{incident.RoleIncidentManager, incident.RolePointOfContact}
	r.Sign(incident.RoleIncidentManager, bob.ID, at)
	r.Feedback = []lessons.Feedback{{By: "alice", Rating: 4, Comment: "Clear hand-over", At: at}, {By: "bob", Rating: 5, At: at}}
	if err := r.Validate(); err != nil {
		b.Fatal(err)
	}
	due := at.AddDate(0, 1, 0)
	items := []lessons.ActionItem{
		{ID: "AI-1", ReviewID: r.ID, Title: "Enable external-sender banners", Owner: "carol", Due: due, Priority: lessons.PriorityHigh, Control: "8.7"},
		{ID: "AI-2", ReviewID: r.ID, Title: "Automate password resets", Owner: "dan", Due: due, Priority: lessons.PriorityMedium, Control: "5.26"},
		{ID: "AI-3", ReviewID: r.ID, Title: "Finance awareness training | phishing", Owner: "eve", Due: due, Control: "6.3"},
		{ID: "AI-4", ReviewID: r.ID, Title: "Review mail filter contract", Owner: "frank", Status: lessons.StatusInProgress, Control: "5.24"},
		{ID: "AI-5", ReviewID: r.ID, Title: "Update status page runbook", Owner: "alice", Due: due, Priority: lessons.PriorityLow},
	}
	return r, items
}

// BenchmarkTimeline rebuilds a review's timeline from an incident's 15
// audit records in the memory store.
func BenchmarkTimeline(b *testing.B) {
	ctx := context.Background()
	st, _, key := benchIncident(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lessons.Timeline(ctx, st, "acme", key.ID); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDraft drafts a review of the same incident: timeline plus the
// cost and impact section.
func BenchmarkDraft(b *testing.B) {
	ctx := context.Background()
	st, rec, _ := benchIncident(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lessons.Draft(ctx, st, "acme", "PIR-2026-007", rec); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRecurring looks for recurrences over 1,000 reviews placed in
// one quarter, each with two random causes from a large space, one of 200
// assets and two of the catalog's controls (fixed seed); three of them
// share one more cause, so there is exactly one cause finding.
func BenchmarkRecurring(b *testing.B) {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	until := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	rng := rand.New(rand.NewPCG(27035, 2))
	cats := []lessons.Category{lessons.CategoryPeople, lessons.CategoryProcess, lessons.CategoryTechnology, lessons.CategoryThirdParty}
	controls := lessons.Controls()
	quarter := until.Sub(from)
	reviews := make([]lessons.Review, 1000)
	for i := range reviews {
		r := lessons.Review{ID: fmt.Sprintf("PIR-2026-%04d", i), Subject: lessons.SubjectIncident,
			At: from.Add(time.Duration(rng.Int64N(int64(quarter))))}
		if i%10 == 0 {
			r.Subject = lessons.SubjectNearMiss
		}
		for range 2 {
			r.Causes = append(r.Causes, lessons.Cause{Category: cats[rng.IntN(len(cats))],
				Text: fmt.Sprintf("Weakness %d in component %d", rng.IntN(1_000_000), rng.IntN(1_000))})
		}
		if i < 3 {
			r.Causes = append(r.Causes, lessons.Cause{Category: lessons.CategoryProcess, Text: "No MFA on the VPN"})
		}
		r.Assets = []string{fmt.Sprintf("asset-%03d", rng.IntN(200))}
		r.Controls = []string{controls[rng.IntN(len(controls))].ID, controls[rng.IntN(len(controls))].ID}
		reviews[i] = r
	}
	fs := lessons.Recurring(reviews, from, until, 0)
	causes := 0
	for _, f := range fs {
		if f.Dimension == lessons.DimensionCause {
			causes++
		}
	}
	if causes != 1 {
		b.Fatalf("%d cause findings, want 1", causes)
	}
	b.ReportAllocs()
	for b.Loop() {
		lessons.Recurring(reviews, from, until, 0)
	}
}

// BenchmarkValidate validates a full review, blameless check included
// (four causes against the timeline's actors).
func BenchmarkValidate(b *testing.B) {
	r, _ := fullReview(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := r.Validate(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMarkdown renders a full review with five action items and the
// control catalog.
func BenchmarkMarkdown(b *testing.B) {
	r, items := fullReview(b)
	cat := lessons.NewCatalog()
	b.ReportAllocs()
	for b.Loop() {
		lessons.Markdown(&r, items, cat)
	}
}

// BenchmarkHTML renders the same review as a self-contained HTML page.
func BenchmarkHTML(b *testing.B) {
	r, items := fullReview(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := lessons.HTML(&r, items); err != nil {
			b.Fatal(err)
		}
	}
}
