// Command ransomware computes the regulatory reports owed on a ransomware
// incident at a German bank that is also listed in the United States —
// a DORA credit institution, a NIS2 essential entity, a GDPR controller
// and an SEC registrant — with the clocks of package triage/clocks fed
// into the lifecycle engine:
//
//  1. the incident is declared, classified major, found material: the
//     obligations table;
//  2. two days in, personal data are found (a fact with the time it became
//     known): GDPR Art. 33 starts, the table is recomputed;
//  3. reports are marked submitted through the engine (audited), which
//     stops their clocks and starts the ones that run from a submission
//     (DORA intermediate, NIS2 final).
//
// Times are UTC; the clock is deterministic, so the output is the same on
// every run:
//
//	go run ./examples/ransomware
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store/memory"
	"github.com/iso27035/iso27035/triage/clocks"
)

const org = "rhein-bank"

var (
	edr  = lifecycle.Actor{ID: "tool:edr", Roles: []incident.Role{incident.RoleReporter}}
	poc  = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
	lead = lifecycle.Actor{ID: "carol", Roles: []incident.Role{incident.RoleIRTLead}}
	dpo  = lifecycle.Actor{ID: "dana", Roles: []incident.Role{incident.RoleDataProtection}}
)

// profile: the bank's obligation profile.
var profile = clocks.Profile{
	Name: "Rhein-Bank AG (Frankfurt; NYSE-listed)",
	GDPR: &clocks.GDPR{Role: clocks.GDPRController, MemberState: "DE", Authority: "HBDI (Hessen supervisory authority)"},
	NIS2: &clocks.NIS2{EntityType: clocks.NIS2Essential, MemberState: "DE", Authority: "BSI"},
	DORA: &clocks.DORA{EntityType: clocks.DORACreditInstitution, NIS2EssentialOrImportant: true, MemberState: "DE", Authority: "BaFin"},
	SEC:  &clocks.SEC{},
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.now = t; c.mu.Unlock() }

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "ransomware:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	clk := &clock{now: at("2026-05-12T08:00:00Z")}
	e, err := lifecycle.New(memory.New(), org, lifecycle.WithClock(clk), lifecycle.WithObligationSource(clocks.Source{Profile: profile}))
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "profile: %s\n", profile.Name)

	// Tuesday 12 May 2026, 10:00 in Frankfurt: the EDR reports encrypted file shares.
	ev, err := e.Factory().NewEvent(ctx, org, "Files encrypted on core-banking file shares", edr.ID)
	if err != nil {
		return err
	}
	if err := e.Create(ctx, edr, ev); err != nil {
		return err
	}
	if _, err := e.Transition(ctx, poc, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge); err != nil {
		return err
	}
	res, err := e.Assess(ctx, poc, lifecycle.KeyOf(ev), incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident,
		Severity: incident.SeverityCritical, Category: incident.Category{Class: "malicious-code"}})
	if err != nil {
		return err
	}
	key := lifecycle.KeyOf(res.Declared)
	var rec incident.Record
	for _, step := range []struct {
		now    string
		anchor incident.Anchor
	}{
		{"2026-05-12T08:15:00Z", incident.AnchorAware},
		{"2026-05-12T10:15:00Z", incident.AnchorClassifiedMajor},
		{"2026-05-13T14:00:00Z", incident.AnchorMaterialityDetermined},
	} {
		clk.set(at(step.now))
		if rec, err = e.Apply(ctx, lead, key, lifecycle.SetAnchor{Anchor: step.anchor, At: incident.At(at(step.now))}); err != nil {
			return err
		}
		fmt.Fprintf(out, "%s  %s\n", stamp(at(step.now)), step.anchor)
	}
	table(out, "== Obligations: aware, classified major (DORA), material (SEC) ==", rec)

	// Thursday 14 May: forensics find customer data in the exfiltrated archive.
	clk.set(at("2026-05-14T13:40:00Z"))
	if rec, err = e.Apply(ctx, dpo, key, lifecycle.SetFact{Name: "personal_data", Value: true, Source: "forensics"}); err != nil {
		return err
	}
	fmt.Fprintf(out, "%s  fact personal_data = true (two days in)\n", stamp(clk.Now()))
	table(out, "== Obligations recomputed: GDPR runs from the personal-data fact ==", rec)

	// Reports submitted, through the engine (audited).
	for _, s := range []struct{ id, at string }{
		{"dora-initial", "2026-05-12T13:30:00Z"},
		{"nis2-de-early-warning", "2026-05-12T16:00:00Z"},
		{"nis2-de-notification", "2026-05-14T09:00:00Z"},
		{"gdpr-33-1", "2026-05-15T11:00:00Z"},
		{"sec-8k-1.05", "2026-05-18T20:00:00Z"},
	} {
		clk.set(at("2026-05-18T21:00:00Z"))
		if _, err = e.Apply(ctx, dpo, key, lifecycle.SubmitReport{ObligationID: s.id, At: at(s.at)}); err != nil {
			return err
		}
		fmt.Fprintf(out, "%s  submitted %s\n", stamp(at(s.at)), s.id)
	}
	// The engine recomputes on the next change that can move a deadline.
	clk.set(at("2026-05-18T21:05:00Z"))
	if rec, err = e.Apply(ctx, lead, key, lifecycle.SetAnchor{Anchor: incident.AnchorContained, At: incident.At(at("2026-05-18T21:05:00Z"))}); err != nil {
		return err
	}
	table(out, "== Obligations after submissions: DORA intermediate and NIS2 final start ==", rec)
	return nil
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04Z") }

func table(out io.Writer, title string, rec incident.Record) {
	inc, ok := rec.(*incident.Incident)
	if !ok {
		panic("not an incident")
	}
	obs := slices.Clone(inc.Obligations)
	slices.SortFunc(obs, func(a, b incident.Obligation) int {
		if n := a.Due.Compare(b.Due); n != 0 {
			return n
		}
		return strings.Compare(a.ID, b.ID)
	})
	fmt.Fprintln(out, title)
	fmt.Fprintf(out, "%-6s %-13s %-36s %-23s %-17s %-17s %-17s %-17s\n", "regime", "report", "authority", "start event", "start", "due", "legal end", "submitted")
	for _, o := range obs {
		legal, sub := "", ""
		if !o.LegalEnd.IsZero() {
			legal = stamp(o.LegalEnd)
		}
		if !o.SubmittedAt.IsZero() {
			sub = stamp(o.SubmittedAt)
		}
		fmt.Fprintf(out, "%-6s %-13s %-36s %-23s %-17s %-17s %-17s %-17s\n", o.Regime, o.Report, o.Authority, o.StartEvent, stamp(o.StartAt), stamp(o.Due), legal, sub)
		fmt.Fprintf(out, "       %s\n", o.Article)
	}
}
