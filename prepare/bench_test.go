package prepare_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/prepare"
)

// The package's benchmarks measure what a host calls repeatedly: who is on
// call (and paged) at an instant for a roster across three time zones, the
// playbook matched for an incident among 50 playbooks (the engine's task
// source), the readiness assessment and the parse of a preparation
// document. All data is built in memory (ready, readiness_test.go).

// benchRoster is a follow-the-sun roster: an IRT in Berlin (weekly turns,
// a 02:30 hand-over that DST skips and repeats, two overrides), one in
// New York (daily turns at 09:00) and one in Dublin (three-day turns at
// 08:00), an IMT, and paging rules escalating through all three.
func benchRoster() prepare.Roster {
	members := func(prefix string, n int) ([]prepare.Member, []incident.ActorID) {
		var ms []prepare.Member
		var order []incident.ActorID
		for i := range n {
			id := incident.ActorID(fmt.Sprintf("%s-%d", prefix, i))
			deputy := incident.ActorID(fmt.Sprintf("%s-%d", prefix, (i+1)%n))
			ms = append(ms, prepare.Member{ID: id, Name: "Responder " + string(id), Deputy: deputy,
				Roles: []incident.Role{incident.RoleIRTLead}, Skills: []string{"forensics", "network"}})
			order = append(order, id)
		}
		return ms, order
	}
	eu, euOrder := members("eu", 6)
	us, usOrder := members("us", 5)
	ie, ieOrder := members("ie", 4)
	imt, imtOrder := members("imt", 3)
	return prepare.Roster{
		Teams: []prepare.Team{
			{Name: "irt-eu", Kind: prepare.TeamIRT, Members: eu},
			{Name: "irt-us", Kind: prepare.TeamIRT, Members: us},
			{Name: "irt-ie", Kind: prepare.TeamIRT, Members: ie},
			{Name: "imt", Kind: prepare.TeamIMT, Members: imt},
		},
		Rotations: []prepare.Rotation{
			{Name: "eu-primary", Team: "irt-eu", Zone: "Europe/Berlin", Start: "2026-01-05", Handover: "02:30", ShiftDays: 7, Order: euOrder,
				Overrides: []prepare.Override{{Member: "eu-3", From: "2026-05-01T00:00", Until: "2026-05-03T00:00"},
					{Member: "eu-0", From: "2026-12-24T18:00", Until: "2026-12-27T09:00"}}},
			{Name: "us-primary", Team: "irt-us", Zone: "America/New_York", Start: "2026-01-05", Handover: "09:00", ShiftDays: 1, Order: usOrder},
			{Name: "ie-primary", Team: "irt-ie", Zone: "Europe/Dublin", Start: "2026-01-02", Handover: "08:00", ShiftDays: 3, Order: ieOrder},
			{Name: "imt-duty", Team: "imt", Zone: "Europe/Berlin", Start: "2026-01-05", Handover: "09:00", ShiftDays: 7, Order: imtOrder},
		},
		Paging: []prepare.PagingRule{
			{Name: "any", Escalations: []prepare.Escalation{{Rotation: "eu-primary"}}},
			{Name: "malware-high", Category: malwareClass, Severities: []incident.Severity{incident.SeverityHigh, incident.SeverityCritical},
				Escalations: []prepare.Escalation{{Rotation: "eu-primary"}, {Rotation: "us-primary", After: lifecycle.Duration(15 * time.Minute)},
					{Rotation: "ie-primary", After: lifecycle.Duration(30 * time.Minute)}, {Rotation: "imt-duty", After: lifecycle.Duration(time.Hour)}}},
		},
	}
}

// benchInstants returns n instants spread over 2026 (every 8h 35m 17s, so
// they fall at all times of day and across both DST changes).
func benchInstants(n int) []time.Time {
	at := time.Date(2026, 1, 6, 0, 0, 0, 0, time.UTC)
	out := make([]time.Time, n)
	for i := range out {
		out[i] = at
		at = at.Add(8*time.Hour + 35*time.Minute + 17*time.Second)
	}
	return out
}

// benchLibrary returns 50 playbooks: one for each class (11) and each type
// (39) of the RSIT taxonomy, every third type's narrowed to high and
// critical severities, each with four steps.
func benchLibrary() *prepare.Library {
	steps := func(name string) []prepare.Step {
		return []prepare.Step{
			{ID: "triage", Title: "Triage " + name, Phase: incident.PhaseAssessDecide, State: incident.StateAnalysis, Owner: incident.RolePointOfContact},
			{ID: "isolate", Title: "Isolate affected hosts", Phase: incident.PhaseRespond, State: incident.StateContainment,
				Owner: incident.RoleIRTLead, Mandatory: true, Within: lifecycle.Duration(time.Hour),
				Checklist: []string{"network cut", "accounts disabled"}, Evidence: []string{"memory image", "disk image"}},
			{ID: "eradicate", Title: "Remove the cause", Phase: incident.PhaseRespond, State: incident.StateEradication, Owner: incident.RoleIRTLead},
			{ID: "restore", Title: "Restore service", Phase: incident.PhaseRespond, State: incident.StateRecovery,
				Owner: incident.RoleIRTLead, Within: lifecycle.Duration(24 * time.Hour)},
		}
	}
	lib := &prepare.Library{}
	n := 0
	for _, c := range incident.RSIT().Classes {
		lib.Playbooks = append(lib.Playbooks, prepare.Playbook{Name: c.Name, Version: 1,
			Category: incident.Category{Class: c.Name}, Steps: steps(c.Name)})
		for _, ty := range c.Types {
			p := prepare.Playbook{Name: c.Name + "/" + ty.Name, Version: 2,
				Category: incident.Category{Class: c.Name, Type: ty.Name}, Steps: steps(ty.Name)}
			if n%3 == 0 {
				p.Severities = []incident.Severity{incident.SeverityHigh, incident.SeverityCritical}
			}
			n++
			lib.Playbooks = append(lib.Playbooks, p)
		}
	}
	return lib
}

// benchPreparation is the preparation of ready with the follow-the-sun
// roster, the 50 playbooks and twenty contacts, and evidence naming every
// RSIT type seen, three exercises and twenty open action items.
func benchPreparation() (*prepare.Preparation, prepare.Evidence) {
	p, ev := ready()
	p.Roster = benchRoster()
	p.Playbooks = *benchLibrary()
	for i := range 20 {
		kind := prepare.ContactInternal
		if i%2 == 1 {
			kind = prepare.ContactExternal
		}
		p.Contacts = append(p.Contacts, prepare.Contact{Name: fmt.Sprintf("contact-%02d", i), Kind: kind, Organisation: "Org",
			Purposes: []string{"escalation"}, Channel: "+49 30 000000", VerifiedOn: assessedAt.AddDate(0, -i, 0)})
	}
	ev.CategoriesSeen = nil
	for _, c := range incident.RSIT().Classes {
		for _, ty := range c.Types {
			ev.CategoriesSeen = append(ev.CategoriesSeen, incident.Category{Class: c.Name, Type: ty.Name})
		}
	}
	ev.Exercises = append(ev.Exercises, prepare.Exercise{Name: "red team", At: assessedAt.AddDate(0, -2, 0)},
		prepare.Exercise{Name: "restore test", At: assessedAt.AddDate(0, -1, 0)})
	for i := range 20 {
		ev.OpenActions = append(ev.OpenActions, prepare.ActionItem{ID: fmt.Sprintf("AI-%02d", i), Title: "improve", Due: assessedAt.AddDate(0, 0, i-10)})
	}
	return p, ev
}

// BenchmarkWhoIsOnCall resolves the member of one rotation on call at an
// instant, per zone, cycling through 1,024 instants over the year.
func BenchmarkWhoIsOnCall(b *testing.B) {
	roster := benchRoster()
	instants := benchInstants(1024)
	for _, name := range []string{"eu-primary", "us-primary", "ie-primary"} {
		rot, _ := roster.Rotation(name)
		b.Run(rot.Zone, func(b *testing.B) {
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if _, err := prepare.WhoIsOnCall(rot, instants[i%len(instants)]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// BenchmarkWhoIsPaged answers who is paged for a high-severity malware
// incident at an instant: the most specific rule's four escalation levels,
// each resolved in its rotation's zone, with deputies.
func BenchmarkWhoIsPaged(b *testing.B) {
	roster := benchRoster()
	instants := benchInstants(1024)
	cat := incident.Category{Class: "malicious-code", Type: "infected-system"}
	if pages, err := roster.WhoIsPaged(incident.SeverityHigh, cat, instants[0]); err != nil || len(pages) != 4 {
		b.Fatalf("%d pages, %v; want 4", len(pages), err)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := roster.WhoIsPaged(incident.SeverityHigh, cat, instants[i%len(instants)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkTasksFor is the engine's task source: the tasks of the playbook
// matching an incident among 50 playbooks, for a type-level match and for
// a class-level fallback.
func BenchmarkTasksFor(b *testing.B) {
	ctx := context.Background()
	lib := benchLibrary()
	created := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		cat  incident.Category
		sev  incident.Severity
		want string
	}{
		{"type", incident.Category{Class: "malicious-code", Type: "infected-system"}, incident.SeverityHigh, "malicious-code/infected-system"},
		{"class", incident.Category{Class: "fraud"}, incident.SeverityMedium, "fraud"},
	} {
		inc := &incident.Incident{}
		inc.CreatedAt, inc.Category, inc.Severity = created, tc.cat, tc.sev
		if p, ok := lib.Match(inc.Category, inc.Severity); !ok || p.Name != tc.want {
			b.Fatalf("%s: matched %q, want %q", tc.name, p.Name, tc.want)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				tasks, err := lib.TasksFor(ctx, inc)
				if err != nil || len(tasks) != 4 {
					b.Fatalf("%d tasks, %v", len(tasks), err)
				}
			}
		})
	}
}

// BenchmarkAssess runs the readiness assessment of the full preparation
// against evidence naming all 39 RSIT types (so every category is checked
// against the 50 playbooks).
func BenchmarkAssess(b *testing.B) {
	p, ev := benchPreparation()
	b.ReportAllocs()
	for b.Loop() {
		prepare.Assess(p, ev, assessedAt)
	}
}

// BenchmarkParsePreparation parses and validates the full preparation as
// a JSON document.
func BenchmarkParsePreparation(b *testing.B) {
	p, _ := benchPreparation()
	data, err := json.Marshal(p)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := prepare.ParsePreparation(data); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := prepare.ParsePreparation(data); err != nil {
			b.Fatal(err)
		}
	}
}
