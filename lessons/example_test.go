package lessons_test

import (
	"context"
	"fmt"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lessons"
	"github.com/iso27035/iso27035/prepare"
)

// A review drafted from an incident handled through the engine: the
// timeline comes from the audit trail, the rest from the review meeting.
func ExampleDraft() {
	ctx := context.Background()
	e, st := engine()
	key, err := handled(ctx, e)
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, _ := e.Get(ctx, bob, key)
	r, err := lessons.Draft(ctx, st, "acme", "PIR-2026-001", rec)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, en := range r.Timeline {
		fmt.Println(en.Seq, en.At.Format("15:04"), en.Actor, en.Action, en.From, "->", en.To)
	}
	// Output:
	// 1 09:04 alice create  -> respond/analysis
	// 2 09:06 bob contain respond/analysis -> respond/containment
	// 3 09:07 bob recover respond/containment -> respond/recovery
	// 4 09:08 bob conclude respond/recovery -> respond/conclusion
}

// An action item closes only with a verification of effectiveness.
func ExampleActionItem_Close() {
	at := time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)
	a := lessons.ActionItem{ID: "AI-1", ReviewID: "PIR-2026-001", Title: "Banner on external mail", Owner: "mail-team", Control: "8.7"}
	fmt.Println(a.Close(nil, at))
	fmt.Println(a.Close(&lessons.Verification{By: "ciso", At: at, Method: "phishing simulation", Effective: true}, at), a.Status)
	// Output:
	// lessons: action item "AI-1" cannot close: no verification of effectiveness
	// <nil> done
}

// Three reviews in a quarter naming the same cause make a finding with a
// change proposal for preparation.
func ExampleRecurring() {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	until := from.AddDate(0, 3, 0)
	var rs []lessons.Review
	for i, text := range []string{"Credentials phished", "credentials  phished.", "Credentials phished!"} {
		rs = append(rs, lessons.Review{ID: fmt.Sprintf("PIR-%d", i+1), Subject: lessons.SubjectIncident,
			At:     from.AddDate(0, i, 1),
			Causes: []lessons.Cause{{Category: lessons.CategoryPeople, Text: text}}})
	}
	for _, f := range lessons.Recurring(rs, from, until, 3) {
		fmt.Println(f.Dimension, f.Key, f.Reviews, f.Proposal.Kind, f.Proposal.Source)
	}
	// Output:
	// category people [PIR-1 PIR-2 PIR-3] training PIR-1,PIR-2,PIR-3
	// cause credentials phished [PIR-1 PIR-2 PIR-3] training PIR-1,PIR-2,PIR-3
}

// A review as Markdown.
func ExampleMarkdown() {
	at := time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC)
	r := lessons.NewExercise("EX-1", "Ransomware tabletop", at)
	r.Summary = "Restore times were not known."
	r.WentBadly = []string{"No one knew the backup restore time"}
	r.Causes = []lessons.Cause{{Category: lessons.CategoryProcess, Text: "Restore never tested"}}
	r.Required = []incident.Role{incident.RoleIncidentManager}
	items := []lessons.ActionItem{{ID: "AI-1", ReviewID: "EX-1", Title: "Test a restore", Owner: "ops",
		Due: at.AddDate(0, 1, 0), Priority: lessons.PriorityHigh, Control: "5.29"}}
	fmt.Print(lessons.Markdown(&r, items, lessons.NewCatalog()))
	// Output:
	// # Review EX-1: Ransomware tabletop
	//
	// Subject: exercise
	//
	// ## Summary
	//
	// Restore times were not known.
	//
	// ## What went badly
	//
	// - No one knew the backup restore time
	//
	// ## Causes
	//
	// - root cause (process): Restore never tested
	//
	// ## Action items
	//
	// | ID | Title | Owner | Due | Priority | Status | Control |
	// |---|---|---|---|---|---|---|
	// | AI-1 | Test a restore | ops | 2026-04-03 | high | open | 5.29 Information security during disruption |
	//
	// ## Sign-off
	//
	// - incident_manager: pending
}

// The roles that sign a review off come from the plan; a signer must hold
// the role signed for.
func ExampleReview_RequireSignOff() {
	plan := &prepare.Plan{Version: 3, ReviewSignOff: []incident.Role{incident.RoleIncidentManager, incident.RoleLegal}}
	r := lessons.NewExercise("EX-1", "Ransomware tabletop", time.Date(2026, 5, 4, 0, 0, 0, 0, time.UTC))
	if err := r.RequireSignOff(plan); err != nil {
		fmt.Println(err)
		return
	}
	at := time.Date(2026, 5, 5, 9, 0, 0, 0, time.UTC)
	fmt.Println(r.SignAs(bob, incident.RoleIncidentManager, at))
	fmt.Println(r.SignAs(bob, incident.RoleLegal, at))
	fmt.Println(r.Missing())
	// Output:
	// <nil>
	// lessons: signer does not hold the role: review "EX-1": bob does not hold legal
	// [legal]
}

// The cost lines of a review total in its currency; a line in another
// currency counts by its conversion.
func ExampleCostImpact_Total() {
	c := lessons.CostImpact{Currency: "EUR", Lines: []lessons.CostLine{
		{Kind: lessons.CostResponse, Text: "IRT effort", Hours: 12, Amount: incident.Money{Currency: "EUR", Minor: 114_000}},
		{Kind: lessons.CostExternal, Text: "forensics", Amount: incident.Money{Currency: "USD", Minor: 500_000}},
	}}
	_, err := c.Total()
	fmt.Println(err)
	c.Lines[1].Converted = &incident.Money{Currency: "EUR", Minor: 460_000}
	t, _ := c.Total()
	fmt.Println(lessons.FormatMoney(t))
	// Output:
	// lessons: cost_impact.lines[1]: amount in USD and no conversion into EUR
	// EUR 5740.00
}
