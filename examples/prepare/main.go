// Command prepare walks the "plan and prepare" phase of ISO/IEC 27035-1
// (clause 5.2) as guided by ISO/IEC 27035-2 with package prepare, for a
// small organisation:
//
//  1. its incident management policy (27035-2 clause 4) and plan (6);
//  2. an incident management team and a response team (7), with an
//     on-call rotation in Berlin and one in New York, and who is paged for
//     a high-severity malware incident at 03:00 on a Saturday;
//  3. two playbooks, malware and phishing (6.7);
//  4. a readiness assessment that finds two gaps, each naming its clause;
//  5. an incident declared through the lifecycle engine, with the
//     playbook library as its task source: the matching playbook's steps
//     become the incident's tasks, stamped with the playbook's version;
//  6. a change proposal from the lessons learned accepted, making a new
//     version of the malware playbook that the next incident gets.
//
// The clock and the IDs are fixed, so the output is the same on every
// run:
//
//	go run ./examples/prepare
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/prepare"
	"github.com/iso27035/iso27035/store/memory"
)

const org = "northwind"

var (
	malware  = incident.Category{Class: "malicious-code"}
	phishing = incident.Category{Class: "fraud", Type: "phishing"}

	edr   = lifecycle.Actor{ID: "tool:edr", Roles: []incident.Role{incident.RoleReporter}}
	alice = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "prepare:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	// The assessment date: Monday 2026-03-30.
	today := time.Date(2026, 3, 30, 9, 0, 0, 0, time.UTC)
	prep := preparation(today)
	if err := prep.Validate(); err != nil {
		return err
	}

	heading(out, "Policy and plan (27035-2 clauses 4 and 6)")
	pol := prep.Policy
	fmt.Fprintf(out, "policy v%d approved by %s (%s) on %s, review by %s\n", pol.Version, pol.Approval.By, pol.Approval.Role,
		pol.Approval.At.Format(time.DateOnly), pol.ReviewBy.Format(time.DateOnly))
	fmt.Fprintf(out, "plan v%d: scale %q, triage profile %q, reviewed %s\n", prep.Plan.Version, prep.Plan.SeverityScale,
		prep.Plan.TriageProfile, prep.Plan.ReviewedAt.Format(time.DateOnly))

	heading(out, "Teams and on-call (27035-2 clause 7)")
	for _, t := range prep.Roster.Teams {
		fmt.Fprintf(out, "team %s (%s): %d members\n", t.Name, t.Kind, len(t.Members))
	}
	// Saturday 2026-03-28 03:00 in Berlin (CET, UTC+1) is 22:00 on
	// Friday in New York (EDT, UTC-4).
	sat := time.Date(2026, 3, 28, 2, 0, 0, 0, time.UTC)
	pages, err := prep.Roster.WhoIsPaged(incident.SeverityHigh, incident.Category{Class: "malicious-code", Type: "infected-system"}, sat)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, "high malware incident at Saturday 03:00 Berlin:")
	for _, p := range pages {
		fmt.Fprintf(out, "  page %s (deputy %s) via %s after %s\n", p.Member, p.Deputy, p.Rotation, p.After)
	}

	heading(out, "Playbooks (27035-2 clause 6.7)")
	for _, pb := range prep.Playbooks.Current() {
		fmt.Fprintf(out, "%s v%d for %s: %d steps\n", pb.Name, pb.Version, pb.Category, len(pb.Steps))
	}

	heading(out, "Readiness")
	r := prepare.Assess(prep, prepare.Evidence{
		CategoriesSeen: []incident.Category{{Class: "malicious-code", Type: "infected-system"}, phishing},
		// The last exercise was more than a year ago.
		Exercises:   []prepare.Exercise{{Name: "tabletop ransomware", At: time.Date(2025, 2, 12, 0, 0, 0, 0, time.UTC)}},
		OpenActions: []prepare.ActionItem{{ID: "AI-7", Title: "MFA for the VPN", Due: today.AddDate(0, 1, 0)}},
	}, today)
	fmt.Fprintf(out, "score %d/100, %d gaps:\n", r.Score, len(r.Gaps))
	for _, g := range r.Gaps {
		fmt.Fprintf(out, "  %s\n", g)
	}

	heading(out, "An incident gets its playbook's tasks")
	// The engine's clock: the day after the assessment.
	clock := time.Date(2026, 3, 31, 9, 0, 0, 0, time.UTC)
	e, err := newEngine(prep, &clock)
	if err != nil {
		return err
	}
	if err := declare(ctx, out, e, "Trojan on laptop LT-042"); err != nil {
		return err
	}

	heading(out, "A change proposal from the lessons learned")
	prop := &prepare.Proposal{
		ID: "CP-2026-001", Kind: prepare.ProposalPlaybookStep, Target: "malware",
		Step: &prepare.Step{ID: "hunt", Title: "Hunt for the same hash on every endpoint",
			Phase: incident.PhaseRespond, State: incident.StateEradication, Owner: incident.RoleIRTMember},
		Before: "reimage",
		Reason: "the trojan was found on a second laptop a week later", Source: "PIR-2026-05",
		ProposedBy: "carol", ProposedAt: today.Add(48 * time.Hour),
	}
	if err := prepare.Accept(prep, prop, "bob", today.Add(72*time.Hour), "agreed at the IMT meeting"); err != nil {
		return err
	}
	fmt.Fprintf(out, "%s %s by %s (source %s): malware playbook now v%d\n", prop.ID, prop.Status, prop.DecidedBy, prop.Source, prop.Version)
	if err := prepare.Reject(prop, "dana", today.Add(96*time.Hour), "changed my mind"); err != nil {
		fmt.Fprintf(out, "deciding again: %v\n", err)
	}
	// A week later, the next malware incident gets the new version.
	clock = time.Date(2026, 4, 7, 9, 0, 0, 0, time.UTC)
	return declare(ctx, out, e, "Trojan on laptop LT-077")
}

// declare reports an event through the engine, declares it an incident
// and prints the incident's tasks.
func declare(ctx context.Context, out io.Writer, e *lifecycle.Engine, title string) error {
	ev, err := e.Factory().NewEvent(ctx, org, title, edr.ID)
	if err != nil {
		return err
	}
	if err := e.Create(ctx, edr, ev); err != nil {
		return err
	}
	k := lifecycle.KeyOf(ev)
	if _, err := e.Transition(ctx, edr, k, lifecycle.ActionReport); err != nil {
		return err
	}
	if _, err := e.Transition(ctx, alice, k, lifecycle.ActionAcknowledge); err != nil {
		return err
	}
	res, err := e.Assess(ctx, alice, k, incident.Assessment{
		Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident,
		Severity: incident.SeverityHigh, Priority: incident.P2,
		Category:  incident.Category{Class: "malicious-code", Type: "infected-system"},
		Rationale: "EDR quarantine failed",
	})
	if err != nil {
		return err
	}
	inc := res.Declared
	fmt.Fprintf(out, "%s declared %s (%s, %s) with %d tasks:\n", ev.Ref, inc.Ref, inc.Severity, inc.Category, len(inc.Tasks))
	for _, t := range inc.Tasks {
		due := ""
		if !t.Due.IsZero() {
			due = ", due " + t.Due.Format("Jan 02 15:04")
		}
		fmt.Fprintf(out, "  %-28s %s (mandatory %t%s)\n", t.ID, t.Title, t.Mandatory, due)
	}
	return nil
}

// newEngine is a lifecycle engine on the memory store with a fixed clock
// (a minute passes at every reading of *now) and fixed IDs, and the playbook library as its task source.
func newEngine(prep *prepare.Preparation, now *time.Time) (*lifecycle.Engine, error) {
	var n uint64
	return lifecycle.New(memory.New(), org,
		lifecycle.WithClock(incident.ClockFunc(func() time.Time { *now = now.Add(time.Minute); return *now })),
		lifecycle.WithIDs(incident.IDFunc(func() (uuid.UUID, error) {
			n++
			return uuid.Parse(fmt.Sprintf("019cae00-0000-7000-8000-%012x", n))
		})),
		lifecycle.WithTaskSource(&prep.Playbooks))
}

func heading(out io.Writer, s string) { fmt.Fprintf(out, "== %s ==\n", s) }

// preparation is the organisation's preparation as of today.
func preparation(today time.Time) *prepare.Preparation {
	return &prepare.Preparation{
		Policy: &prepare.Policy{
			Version: 2, Scope: "all information systems of Northwind Ltd",
			Objectives: []string{"detect and contain incidents within 24 hours", "meet every reporting obligation"},
			Roles: []prepare.Responsibility{
				{Role: incident.RoleIncidentManager, Responsibilities: []string{"leads the response", "decides escalation"}},
				{Role: incident.RoleIRTLead, Responsibilities: []string{"leads containment and eradication"}},
			},
			Approval: &prepare.Approval{By: "erin", Role: "CEO", At: time.Date(2026, 1, 15, 0, 0, 0, 0, time.UTC)},
			ReviewBy: time.Date(2027, 1, 15, 0, 0, 0, 0, time.UTC),
		},
		Plan: &prepare.Plan{
			Version: 3, SeverityScale: "default", Categories: []incident.Category{malware, phishing},
			TriageProfile: "default", ObligationProfiles: []string{"gdpr"},
			Communication: []prepare.CommunicationRule{{Severities: []incident.Severity{incident.SeverityHigh, incident.SeverityCritical},
				Audience: "board", Within: lifecycle.Duration(4 * time.Hour)}},
			ReviewPeriod: lifecycle.Duration(365 * 24 * time.Hour), ReviewedAt: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC),
		},
		Roster: prepare.Roster{
			Teams: []prepare.Team{
				{Name: "imt", Kind: prepare.TeamIMT, Members: []prepare.Member{
					{ID: "bob", Name: "Bob", Roles: []incident.Role{incident.RoleIncidentManager}, Deputy: "carol"},
					{ID: "carol", Name: "Carol", Roles: []incident.Role{incident.RoleIMTMember}, Deputy: "bob"},
				}},
				{Name: "irt", Kind: prepare.TeamIRT, Members: []prepare.Member{
					{ID: "frank", Name: "Frank (Berlin)", Roles: []incident.Role{incident.RoleIRTLead}, Deputy: "grace", Skills: []string{"forensics"}},
					{ID: "grace", Name: "Grace (Berlin)", Roles: []incident.Role{incident.RoleIRTMember}, Deputy: "frank"},
					{ID: "heidi", Name: "Heidi (New York)", Roles: []incident.Role{incident.RoleIRTMember}, Deputy: "ivan"},
					{ID: "ivan", Name: "Ivan (New York)", Roles: []incident.Role{incident.RoleIRTMember}, Deputy: "heidi", Skills: []string{"malware analysis"}},
				}},
			},
			Rotations: []prepare.Rotation{
				{Name: "irt-berlin", Team: "irt", Zone: "Europe/Berlin", Start: "2026-03-02", Handover: "09:00", ShiftDays: 7,
					Order: []incident.ActorID{"frank", "grace"}},
				{Name: "irt-new-york", Team: "irt", Zone: "America/New_York", Start: "2026-03-02", Handover: "09:00", ShiftDays: 7,
					Order: []incident.ActorID{"heidi", "ivan"}},
			},
			Paging: []prepare.PagingRule{
				{Name: "malware-high", Category: malware, Severities: []incident.Severity{incident.SeverityHigh, incident.SeverityCritical},
					Escalations: []prepare.Escalation{{Rotation: "irt-berlin"}, {Rotation: "irt-new-york", After: lifecycle.Duration(15 * time.Minute)}}},
				{Name: "default", Escalations: []prepare.Escalation{{Rotation: "irt-berlin"}}},
			},
		},
		Contacts: []prepare.Contact{
			{Name: "legal", Kind: prepare.ContactInternal, Purposes: []string{"legal advice"}, VerifiedOn: today.AddDate(0, -2, 0)},
			{Name: "BSI", Kind: prepare.ContactExternal, Organisation: "Bundesamt für Sicherheit in der Informationstechnik",
				Purposes: []string{"CSIRT coordination"}, VerifiedOn: today.AddDate(-2, 0, 0)},
		},
		Playbooks: prepare.Library{Playbooks: []prepare.Playbook{
			{Name: "malware", Version: 1, Category: malware, Steps: []prepare.Step{
				{ID: "isolate", Title: "Isolate the host from the network", Phase: incident.PhaseRespond, State: incident.StateContainment,
					Owner: incident.RoleIRTLead, Mandatory: true, Within: lifecycle.Duration(time.Hour),
					Checklist: []string{"EDR network isolation on"}, Evidence: []string{"memory image", "EDR alert"}},
				{ID: "reimage", Title: "Reimage the host", Phase: incident.PhaseRespond, State: incident.StateEradication, Owner: incident.RoleIRTMember},
			}},
			{Name: "phishing", Version: 1, Category: phishing, Steps: []prepare.Step{
				{ID: "block-sender", Title: "Block the sender and the URL", Phase: incident.PhaseRespond, State: incident.StateContainment,
					Owner: incident.RoleIRTMember, Mandatory: true},
				{ID: "reset-credentials", Title: "Reset credentials of users who clicked", Phase: incident.PhaseRespond, State: incident.StateRecovery,
					Owner: incident.RoleIRTMember},
			}},
		}},
	}
}
