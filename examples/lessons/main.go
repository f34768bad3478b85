// Command lessons walks the "learn lessons" phase of ISO/IEC 27035-1
// (clause 5.6; 27035-2 clause 12) with package lessons, over the first
// quarter of 2026 at a small organisation:
//
//  1. three phishing incidents and one near miss, each driven through the
//     lifecycle engine on a memory store;
//  2. a post-incident review of each, drafted from the audit trail (the
//     timeline is never typed again), with its detection and response
//     gaps measured from the incident's own KPIs and its cost (response
//     hours, an external fee converted from another currency) totalled,
//     signed off by the roles the plan names and completed on the record
//     through the engine;
//  3. the recurring-cause finding (the three phishing reviews share a
//     root cause), whose change proposal becomes a new step of the
//     "phishing" playbook, accepted into the preparation: the acceptance
//     is shown on the prepare side (the proposal, the playbook's new
//     version) and on the lessons side (the finding and every review);
//  4. action items: one closed with a verification of effectiveness, one
//     refused without it, and one overdue at the end of the quarter.
//
// The clock and the IDs are fixed, so the output is the same on every
// run:
//
//	go run ./examples/lessons
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lessons"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/prepare"
	"github.com/iso27035/iso27035/store/memory"
)

const org = "northwind"

var (
	phishing = incident.Category{Class: "fraud", Type: "phishing"}

	mailgw = lifecycle.Actor{ID: "tool:mail-gateway", Roles: []incident.Role{incident.RoleReporter}}
	alice  = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
	bob    = lifecycle.Actor{ID: "bob", Roles: []incident.Role{incident.RoleIncidentManager}}

	// The root cause the three phishing reviews share, worded a little
	// differently each time; the key groups them.
	purgeCause = "no-mail-purge-step"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "lessons:", err)
		os.Exit(1)
	}
}

// clock is the engine's clock: each reading moves it on by minutes.
type clock struct{ now time.Time }

func (c *clock) read() time.Time { c.now = c.now.Add(3 * time.Minute); return c.now }

func run(ctx context.Context, out io.Writer) error {
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	until := from.AddDate(0, 3, 0)

	clk := &clock{}
	var n uint64
	st := memory.New()
	rules := lifecycle.DefaultRules()
	rules.RequireConfirmation = false
	eng, err := lifecycle.New(st, org,
		lifecycle.WithRules(rules),
		lifecycle.WithClock(incident.ClockFunc(clk.read)),
		lifecycle.WithIDs(incident.IDFunc(func() (uuid.UUID, error) {
			n++
			return uuid.Parse(fmt.Sprintf("019d0000-0000-7000-8000-%012x", n))
		})))
	if err != nil {
		return err
	}
	ls := lessons.Store{St: st, Tenant: org, Clock: func() time.Time { return clk.now }}

	// 1 and 2: the incidents, the near miss and their reviews.
	cases := []struct {
		review, title string
		at            time.Time
		nearMiss      bool
		cause         string
		badly         string
		// hours of response effort, at the internal rate.
		hours float64
		// fee is an outside party's fee, in US dollars.
		fee int64
	}{
		{"PIR-2026-001", "Invoice phishing: credentials entered", time.Date(2026, 1, 12, 9, 0, 0, 0, time.UTC), false,
			"No playbook step to purge a reported phishing mail from every mailbox", "The same mail stayed in 40 mailboxes for two hours", 6, 0},
		{"NM-2026-001", "Look-alike domain mail quarantined", time.Date(2026, 2, 3, 14, 0, 0, 0, time.UTC), true,
			"Look-alike domains are not blocked at registration", "", 0.5, 0},
		{"PIR-2026-002", "Parcel phishing: malware downloaded", time.Date(2026, 2, 9, 10, 0, 0, 0, time.UTC), false,
			"Reported phishing mail not purged from other mailboxes", "Two more users clicked after the first report", 14, 120_000},
		{"PIR-2026-003", "CEO fraud phishing: payment stopped", time.Date(2026, 3, 16, 8, 0, 0, 0, time.UTC), false,
			"No mail purge step in the phishing playbook", "Mailboxes were searched by hand", 4, 0},
	}
	// The preparation: the plan names the roles that sign a review off,
	// the phishing playbook is at version 1.
	prep := preparation()
	var reviews []lessons.Review
	for _, c := range cases {
		clk.now = c.at
		r, err := handle(ctx, eng, st, c.review, c.title, c.nearMiss, until)
		if err != nil {
			return fmt.Errorf("%s: %w", c.review, err)
		}
		cause := lessons.Cause{Category: lessons.CategoryProcess, Text: c.cause}
		if c.nearMiss {
			cause.Category = lessons.CategoryTechnology
		} else {
			cause.Key = purgeCause
			r.WentWell = []string{"The mail was reported within minutes"}
			r.WentBadly = []string{c.badly}
			r.Controls = []string{"5.26"}
		}
		r.Causes = []lessons.Cause{cause}
		// The cost: the response effort at the internal rate of 95 EUR
		// an hour, and an outside fee in US dollars converted at 0.92.
		r.CostImpact.Currency = "EUR"
		r.CostImpact.Lines = []lessons.CostLine{{Kind: lessons.CostResponse, Text: "response effort at 95 EUR/h",
			Hours: c.hours, Amount: incident.Money{Currency: "EUR", Minor: int64(c.hours * 9500)}}}
		if c.fee > 0 {
			r.CostImpact.Lines = append(r.CostImpact.Lines, lessons.CostLine{Kind: lessons.CostExternal, Text: "malware analysis",
				Amount: incident.Money{Currency: "USD", Minor: c.fee}, Converted: &incident.Money{Currency: "EUR", Minor: c.fee * 92 / 100}})
		}
		// The roles that sign the review off come from the plan; each
		// signer must hold the role.
		if err := r.RequireSignOff(prep.Plan); err != nil {
			return err
		}
		if err := r.SignAs(bob, incident.RoleIncidentManager, clk.read()); err != nil {
			return err
		}
		if !c.nearMiss {
			// Completing records the review on the incident through
			// the engine, as one audited change.
			if _, err := lessons.Complete(ctx, eng, bob, lifecycle.Key{Kind: incident.KindIncident, ID: r.RecordID}, &r); err != nil {
				return fmt.Errorf("%s: %w", c.review, err)
			}
		}
		if err := ls.PutReview(ctx, 0, &r); err != nil {
			return err
		}
		reviews = append(reviews, r)
		fmt.Fprintf(out, "review %s (%s): %s\n", r.ID, r.Subject, r.Title)
		for _, e := range r.Timeline {
			fmt.Fprintf(out, "  %d %s %-17s %-11s %s -> %s\n", e.Seq, e.At.Format("01-02 15:04"), e.Actor, e.Action, e.From, e.To)
		}
		fmt.Fprint(out, "  gaps:")
		for _, g := range r.Gaps {
			fmt.Fprintf(out, " %s;", g)
		}
		fmt.Fprintln(out)
		total, err := r.CostImpact.Total()
		if err != nil {
			return err
		}
		fmt.Fprint(out, "  cost:")
		for _, l := range r.CostImpact.Lines {
			fmt.Fprintf(out, " %s %s;", l.Kind, lessons.FormatMoney(l.Amount))
		}
		fmt.Fprintf(out, " total %s\n", lessons.FormatMoney(total))
		fmt.Fprintf(out, "  sign-off required by plan v%d: %v;", prep.Plan.Version, r.Required)
		for _, so := range r.SignOffs {
			fmt.Fprintf(out, " %s by %s", so.Role, so.By)
		}
		fmt.Fprintln(out)
		if !r.CompletedAt.IsZero() {
			fmt.Fprintf(out, "  completed by %s at %s\n", r.CompletedBy, r.CompletedAt.Format(time.RFC3339))
		}
	}

	// 3: what recurred this quarter, and the cause finding's proposal
	// accepted into the preparation as a new step of the phishing
	// playbook.
	findings := lessons.Recurring(reviews, from, until, 3)
	fmt.Fprintf(out, "recurring in %s..%s:\n", from.Format("2006-01-02"), until.Format("2006-01-02"))
	var cause *lessons.Finding
	for i, f := range findings {
		fmt.Fprintf(out, "  %s %q in %v (near misses %d)\n", f.Dimension, f.Key, f.Reviews, f.NearMisses)
		if f.Dimension == lessons.DimensionCause && cause == nil {
			cause = &findings[i]
		}
	}
	if cause == nil {
		return errors.New("no recurring cause found")
	}
	cause.Proposal.Kind, cause.Proposal.Target = prepare.ProposalPlaybookStep, "phishing"
	cause.Proposal.Step = &prepare.Step{ID: "purge", Title: "Purge the reported mail from every mailbox",
		Phase: incident.PhaseRespond, Owner: incident.RoleIncidentManager, Mandatory: true}
	cause.Proposal.Before = "close-out"
	cause.Proposal.Text = "Purge reported phishing mail from every mailbox"
	fmt.Fprintf(out, "proposal %s: %s %s (from %s)\n", cause.Proposal.ID, cause.Proposal.Kind, cause.Proposal.Target, cause.Proposal.Source)

	decided := time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)
	clk.now = decided
	if err := lessons.AcceptFinding(prep, cause, "ciso", decided, "agreed at the quarterly review board"); err != nil {
		return err
	}
	// The prepare side: the proposal and the playbook's new version.
	p := cause.Proposal
	fmt.Fprintf(out, "prepare: proposal %s by %s, playbook %s now version %d\n", p.Status, p.DecidedBy, p.Target, p.Version)
	for _, b := range prep.Playbooks.Current() {
		fmt.Fprintf(out, "prepare: playbook %s v%d steps:", b.Name, b.Version)
		for _, s := range b.Steps {
			fmt.Fprintf(out, " %s", s.ID)
		}
		fmt.Fprintln(out)
	}
	// The lessons side: the finding, and every review it came from.
	fmt.Fprintf(out, "lessons: finding records %s\n", cause.Decision)
	for _, id := range cause.Reviews {
		v, err := ls.GetReview(ctx, id)
		if err != nil {
			return err
		}
		r := v.Value
		if r.RecordDecision(cause) {
			if err := ls.PutReview(ctx, v.Version, &r); err != nil {
				return err
			}
		}
		v, err = ls.GetReview(ctx, id)
		if err != nil {
			return err
		}
		for _, d := range v.Value.Changes {
			fmt.Fprintf(out, "lessons: review %s records %s %s (version %d)\n", id, d.ProposalID, d.Status, d.Version)
		}
	}

	// 4: action items; one closed with a verification, one refused
	// without it, one overdue at the end of the quarter.
	items := []lessons.ActionItem{
		{ID: "AI-2026-001", ReviewID: "PIR-2026-001", Title: "Report-phishing button in the mail client", Owner: "mail-team",
			Due: time.Date(2026, 2, 15, 0, 0, 0, 0, time.UTC), Priority: lessons.PriorityHigh, Control: "6.8"},
		{ID: "AI-2026-002", ReviewID: "PIR-2026-002", Title: "Phishing awareness session for finance", Owner: "hr",
			Due: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC), Priority: lessons.PriorityMedium, Control: "6.3"},
		{ID: "AI-2026-003", ReviewID: "PIR-2026-003", Title: "Call-back rule for payment changes", Owner: "finance",
			Due: time.Date(2026, 4, 30, 0, 0, 0, 0, time.UTC), Priority: lessons.PriorityHigh, Control: "5.26"},
	}
	err = items[0].Close(&lessons.Verification{By: "ciso", At: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC),
		Method: "phishing simulation: 9 of 10 test mails reported", Effective: true}, time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "action %s: %s\n", items[0].ID, items[0].Status)
	fmt.Fprintf(out, "action %s: %v\n", items[1].ID, items[1].Close(nil, until))
	cat := lessons.NewCatalog()
	for i := range items {
		if err := ls.PutAction(ctx, 0, &items[i]); err != nil {
			return err
		}
	}
	for _, a := range lessons.Overdue(items, until) {
		title := a.Control
		if c, ok := cat.Lookup(a.Control); ok {
			title = c.ID + " " + c.Title
		}
		fmt.Fprintf(out, "overdue on %s: %s %q owner %s due %s (control %s)\n", until.Format("2006-01-02"), a.ID, a.Title, a.Owner, a.Due.Format("2006-01-02"), title)
	}
	return nil
}

// handle drives one reported mail through the engine (an incident
// contained, recovered and concluded, or a near miss) and drafts its
// review from the audit trail, with the gaps as of asOf.
func handle(ctx context.Context, eng *lifecycle.Engine, st *memory.Store, id, title string, nearMiss bool, asOf time.Time) (lessons.Review, error) {
	ev, err := eng.Factory().NewEvent(ctx, org, title, mailgw.ID)
	if err != nil {
		return lessons.Review{}, err
	}
	if err := eng.Create(ctx, mailgw, ev); err != nil {
		return lessons.Review{}, err
	}
	key := lifecycle.KeyOf(ev)
	if _, err := eng.Transition(ctx, alice, key, lifecycle.ActionAcknowledge); err != nil {
		return lessons.Review{}, err
	}
	a := incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident,
		Severity: incident.SeverityMedium, Category: phishing}
	if nearMiss {
		a = incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeNearMiss, Category: phishing}
	}
	res, err := eng.Assess(ctx, alice, key, a)
	if err != nil {
		return lessons.Review{}, err
	}
	if !nearMiss {
		key = lifecycle.KeyOf(res.Declared)
		for _, act := range []lifecycle.Action{lifecycle.ActionContain, lifecycle.ActionRecover, lifecycle.ActionConclude} {
			if _, err := eng.Transition(ctx, bob, key, act); err != nil {
				return lessons.Review{}, err
			}
		}
	}
	rec, err := eng.Get(ctx, bob, key)
	if err != nil {
		return lessons.Review{}, err
	}
	r, err := lessons.Draft(ctx, st, org, id, rec)
	if err != nil {
		return lessons.Review{}, err
	}
	return r, r.MeasureGaps(rec, asOf)
}

// preparation holds the plan, whose reviews the incident manager signs
// off, and the phishing playbook, version 1.
func preparation() *prepare.Preparation {
	return &prepare.Preparation{Plan: &prepare.Plan{Version: 1, SeverityScale: "default",
		ReviewSignOff: []incident.Role{incident.RoleIncidentManager}},
		Playbooks: prepare.Library{Playbooks: []prepare.Playbook{{
			Name: "phishing", Version: 1, Category: phishing,
			Steps: []prepare.Step{
				{ID: "triage", Title: "Triage the reported mail", Phase: incident.PhaseRespond, Owner: incident.RolePointOfContact},
				{ID: "reset", Title: "Reset the credentials entered", Phase: incident.PhaseRespond, Owner: incident.RoleIncidentManager},
				{ID: "close-out", Title: "Tell the reporter the outcome", Phase: incident.PhaseRespond, Owner: incident.RolePointOfContact},
			},
		}}}}
}
