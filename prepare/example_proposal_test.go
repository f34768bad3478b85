package prepare_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/prepare"
)

// A lessons-learned review proposes a playbook step; accepting it makes a
// new version of the playbook, and the proposal cannot be decided again.
func ExampleAccept() {
	prep := &prepare.Preparation{Playbooks: prepare.Library{Playbooks: []prepare.Playbook{{
		Name: "phishing", Version: 1, Category: incident.Category{Class: "information-gathering"},
		Steps: []prepare.Step{{ID: "block-sender", Title: "Block the sender", Phase: incident.PhaseRespond}},
	}}}}
	p := &prepare.Proposal{
		ID: "CP-2026-001", Kind: prepare.ProposalPlaybookStep, Target: "phishing",
		Step: &prepare.Step{ID: "reset-credentials", Title: "Reset the credentials of users who clicked",
			Phase: incident.PhaseRespond, State: incident.StateContainment, Owner: incident.RoleIRTLead, Mandatory: true},
		Reason: "credentials were reused two days after the click", Source: "PIR-2026-04",
		ProposedBy: "carol", ProposedAt: time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC),
	}
	at := time.Date(2026, 4, 3, 14, 0, 0, 0, time.UTC)
	if err := prepare.Accept(prep, p, "bob", at, "agreed at the IMT meeting"); err != nil {
		panic(err)
	}
	cur := prep.Playbooks.Current()[0]
	fmt.Printf("%s %s by %s: %s now v%d with %d steps\n", p.ID, p.Status, p.DecidedBy, cur.Name, cur.Version, len(cur.Steps))

	err := prepare.Reject(p, "dana", at.Add(time.Hour), "too late")
	fmt.Println(errors.Is(err, prepare.ErrDecided), err)
	// Output:
	// CP-2026-001 accepted by bob: phishing now v2 with 2 steps
	// true prepare: proposal "CP-2026-001" already accepted by bob at 2026-04-03T14:00:00Z
}
