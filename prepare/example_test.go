package prepare_test

import (
	"fmt"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/prepare"
)

// Who is paged for a high-severity malware incident at 03:00 on Saturday,
// and the DST hand-over rule.
func ExampleRoster_WhoIsPaged() {
	r := prepare.Roster{
		Teams: []prepare.Team{{Name: "irt", Kind: prepare.TeamIRT, Members: []prepare.Member{
			{ID: "alice", Deputy: "bob"}, {ID: "bob", Deputy: "alice"}}}},
		Rotations: []prepare.Rotation{{Name: "irt-primary", Team: "irt", Zone: "Europe/Berlin",
			Start: "2026-03-01", Handover: "02:30", ShiftDays: 1, Order: []incident.ActorID{"alice", "bob"}}},
		Paging: []prepare.PagingRule{{Name: "malware-high", Category: incident.Category{Class: "malicious-code"},
			Severities: []incident.Severity{incident.SeverityHigh}, Escalations: []prepare.Escalation{{Rotation: "irt-primary"}}}},
	}
	at := time.Date(2026, 3, 28, 2, 0, 0, 0, time.UTC) // Saturday 03:00 CET
	pages, err := r.WhoIsPaged(incident.SeverityHigh, incident.Category{Class: "malicious-code", Type: "infected-system"}, at)
	if err != nil {
		panic(err)
	}
	for _, p := range pages {
		fmt.Println(p.Rule, p.Member, "deputy", p.Deputy)
	}
	// The 02:30 hand-over on 2026-03-29 does not exist in Berlin: it happens at 03:00 CEST.
	s, _ := r.Rotations[0].ShiftAt(time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC))
	fmt.Println(s.Member, "from", s.Start.Format(time.RFC3339))
	// Output:
	// malware-high bob deputy alice
	// alice from 2026-03-29T03:00:00+02:00
}
