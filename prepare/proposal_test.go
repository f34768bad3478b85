package prepare_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/prepare"
)

var decidedAt = time.Date(2026, 4, 1, 10, 0, 0, 0, time.UTC)

func prepForProposals() *prepare.Preparation {
	return &prepare.Preparation{
		Policy: &prepare.Policy{Version: 2, Scope: "all systems", Approval: &prepare.Approval{By: "ceo", At: decidedAt.AddDate(0, -1, 0)}},
		Plan:   &prepare.Plan{Version: 1, SeverityScale: "default", Communication: []prepare.CommunicationRule{{Audience: "legal"}}},
		Playbooks: prepare.Library{Playbooks: []prepare.Playbook{
			{Name: "malware", Version: 1, Category: malwareClass, Steps: []prepare.Step{step("old", incident.PhaseRespond, "")}},
			{Name: "malware", Version: 2, Category: malwareClass, Steps: []prepare.Step{
				step("isolate", incident.PhaseRespond, incident.StateContainment), step("reimage", incident.PhaseRespond, incident.StateEradication)}},
		}},
	}
}

func proposal(kind prepare.ProposalKind) *prepare.Proposal {
	return &prepare.Proposal{ID: "CP-1", Kind: kind, Reason: "found in review", Source: "PIR-2026-03",
		ProposedBy: "carol", ProposedAt: decidedAt.Add(-time.Hour), Status: prepare.ProposalProposed}
}

func stepIDs(p prepare.Playbook) []string {
	var ids []string
	for _, s := range p.Steps {
		ids = append(ids, s.ID)
	}
	return ids
}

func TestAccept(t *testing.T) {
	for _, tc := range []struct {
		name    string
		prop    func() *prepare.Proposal
		err     error
		version int
		check   func(t *testing.T, prep *prepare.Preparation)
	}{
		{"playbook step added at the end", func() *prepare.Proposal {
			p := proposal(prepare.ProposalPlaybookStep)
			p.Target, p.Step = "malware", &prepare.Step{ID: "hunt", Title: "Hunt for persistence", Phase: incident.PhaseRespond, State: incident.StateEradication}
			return p
		}, nil, 3, func(t *testing.T, prep *prepare.Preparation) {
			require.Len(t, prep.Playbooks.Playbooks, 3, "old versions kept")
			pb, ok := prep.Playbooks.Match(malwareClass, incident.SeverityHigh)
			require.True(t, ok)
			assert.Equal(t, 3, pb.Version)
			assert.Equal(t, []string{"isolate", "reimage", "hunt"}, stepIDs(pb))
			assert.Equal(t, []string{"isolate", "reimage"}, stepIDs(prep.Playbooks.Playbooks[1]), "v2 unchanged")
		}},
		{"playbook step inserted before", func() *prepare.Proposal {
			p := proposal(prepare.ProposalPlaybookStep)
			p.Target, p.Before = "malware", "isolate"
			p.Step = &prepare.Step{ID: "page", Title: "Page the IRT", Phase: incident.PhaseRespond}
			return p
		}, nil, 3, func(t *testing.T, prep *prepare.Preparation) {
			assert.Equal(t, []string{"page", "isolate", "reimage"}, stepIDs(prep.Playbooks.Current()[0]))
		}},
		{"playbook step changed", func() *prepare.Proposal {
			p := proposal(prepare.ProposalPlaybookStep)
			p.Target = "malware"
			p.Step = &prepare.Step{ID: "isolate", Title: "Isolate within 30 minutes", Phase: incident.PhaseRespond, Mandatory: true}
			return p
		}, nil, 3, func(t *testing.T, prep *prepare.Preparation) {
			cur := prep.Playbooks.Current()[0]
			assert.Equal(t, []string{"isolate", "reimage"}, stepIDs(cur))
			assert.True(t, cur.Steps[0].Mandatory)
			assert.Equal(t, "do isolate", prep.Playbooks.Playbooks[1].Steps[0].Title, "v2 unchanged")
		}},
		{"unknown playbook", func() *prepare.Proposal {
			p := proposal(prepare.ProposalPlaybookStep)
			p.Target, p.Step = "phishing", &prepare.Step{ID: "x", Title: "x", Phase: incident.PhaseRespond}
			return p
		}, prepare.ErrNoTarget, 0, nil},
		{"invalid resulting step", func() *prepare.Proposal {
			p := proposal(prepare.ProposalPlaybookStep)
			p.Target, p.Step = "malware", &prepare.Step{ID: "x", Title: "x", Phase: incident.PhaseRespond, State: incident.StateTriage}
			return p
		}, prepare.ErrInvalid, 0, nil},
		{"insert before unknown step", func() *prepare.Proposal {
			p := proposal(prepare.ProposalPlaybookStep)
			p.Target, p.Before, p.Step = "malware", "nope", &prepare.Step{ID: "x", Title: "x", Phase: incident.PhaseRespond}
			return p
		}, prepare.ErrInvalid, 0, nil},
		{"policy objective", func() *prepare.Proposal {
			p := proposal(prepare.ProposalPolicy)
			p.Target, p.Section, p.Text = "policy", prepare.SectionObjective, "Report to the regulator within 24 hours"
			return p
		}, nil, 3, func(t *testing.T, prep *prepare.Preparation) {
			pol := prep.Policy
			assert.Equal(t, 3, pol.Version)
			assert.Equal(t, []string{"Report to the regulator within 24 hours"}, pol.Objectives)
			assert.Nil(t, pol.Approval, "a new version needs approval")
			require.Len(t, pol.History, 1)
			assert.Equal(t, prepare.Revision{Version: 3, At: decidedAt, By: "bob", Summary: "Report to the regulator within 24 hours (proposal CP-1)"}, pol.History[0])
		}},
		{"policy scope", func() *prepare.Proposal {
			p := proposal(prepare.ProposalPolicy)
			p.Section, p.Text = prepare.SectionScope, "all systems and suppliers"
			return p
		}, nil, 3, func(t *testing.T, prep *prepare.Preparation) {
			assert.Equal(t, "all systems and suppliers", prep.Policy.Scope)
		}},
		{"rule change replaces communication rule", func() *prepare.Proposal {
			p := proposal(prepare.ProposalRule)
			p.Target = "plan"
			p.Communication = &prepare.CommunicationRule{Audience: "legal", Severities: []incident.Severity{incident.SeverityHigh}}
			return p
		}, nil, 2, func(t *testing.T, prep *prepare.Preparation) {
			pl := prep.Plan
			assert.Equal(t, 2, pl.Version)
			require.Len(t, pl.Communication, 1)
			assert.Equal(t, []incident.Severity{incident.SeverityHigh}, pl.Communication[0].Severities)
			require.Len(t, pl.History, 1)
			assert.Equal(t, "found in review (proposal CP-1)", pl.History[0].Summary)
		}},
		{"rule change adds communication rule", func() *prepare.Proposal {
			p := proposal(prepare.ProposalRule)
			p.Text, p.Communication = "tell the board", &prepare.CommunicationRule{Audience: "board"}
			return p
		}, nil, 2, func(t *testing.T, prep *prepare.Preparation) {
			assert.Len(t, prep.Plan.Communication, 2)
		}},
		{"training topic versions nothing", func() *prepare.Proposal {
			p := proposal(prepare.ProposalTraining)
			p.Target, p.Text = "all staff", "Spotting QR-code phishing"
			return p
		}, nil, 0, func(t *testing.T, prep *prepare.Preparation) {
			assert.Equal(t, prepForProposals(), prep)
		}},
		{"bad kind", func() *prepare.Proposal { return proposal("nonsense") }, prepare.ErrInvalid, 0, nil},
		{"no reason", func() *prepare.Proposal {
			p := proposal(prepare.ProposalTraining)
			p.Text, p.Reason = "x", ""
			return p
		}, prepare.ErrInvalid, 0, nil},
		{"playbook step without step", func() *prepare.Proposal {
			p := proposal(prepare.ProposalPlaybookStep)
			p.Target = "malware"
			return p
		}, prepare.ErrInvalid, 0, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prep, p := prepForProposals(), tc.prop()
			err := prepare.Accept(prep, p, "bob", decidedAt, "agreed")
			if tc.err != nil {
				require.ErrorIs(t, err, tc.err)
				assert.Equal(t, prepForProposals(), prep, "nothing changes on failure")
				assert.False(t, p.Decided())
				return
			}
			require.NoError(t, err)
			assert.Equal(t, prepare.ProposalAccepted, p.Status)
			assert.Equal(t, incident.ActorID("bob"), p.DecidedBy)
			assert.Equal(t, decidedAt, p.DecidedAt)
			assert.Equal(t, "agreed", p.Note)
			assert.Equal(t, tc.version, p.Version)
			if tc.check != nil {
				tc.check(t, prep)
			}
		})
	}
}

func TestDecideTwice(t *testing.T) {
	type decide func(prep *prepare.Preparation, p *prepare.Proposal) error
	accept := func(prep *prepare.Preparation, p *prepare.Proposal) error {
		return prepare.Accept(prep, p, "dana", decidedAt.Add(time.Hour), "again")
	}
	reject := func(_ *prepare.Preparation, p *prepare.Proposal) error {
		return prepare.Reject(p, "dana", decidedAt.Add(time.Hour), "again")
	}
	for _, tc := range []struct {
		name          string
		first, second decide
		status        prepare.ProposalStatus
	}{
		{"accept then accept", accept, accept, prepare.ProposalAccepted},
		{"accept then reject", accept, reject, prepare.ProposalAccepted},
		{"reject then accept", reject, accept, prepare.ProposalRejected},
		{"reject then reject", reject, reject, prepare.ProposalRejected},
	} {
		t.Run(tc.name, func(t *testing.T) {
			prep, p := prepForProposals(), proposal(prepare.ProposalPlaybookStep)
			p.Target, p.Step = "malware", &prepare.Step{ID: "hunt", Title: "Hunt", Phase: incident.PhaseRespond}
			require.NoError(t, tc.first(prep, p))
			before := *p
			playbooks := len(prep.Playbooks.Playbooks)
			err := tc.second(prep, p)
			require.ErrorIs(t, err, prepare.ErrDecided)
			var de *prepare.DecidedError
			require.True(t, errors.As(err, &de))
			assert.Equal(t, tc.status, de.Status)
			assert.Equal(t, incident.ActorID("dana"), de.By)
			assert.Contains(t, err.Error(), `proposal "CP-1" already `+string(tc.status)+" by dana")
			assert.Equal(t, before, *p)
			assert.Len(t, prep.Playbooks.Playbooks, playbooks)
		})
	}
}

func TestReject(t *testing.T) {
	prep, p := prepForProposals(), proposal(prepare.ProposalPolicy)
	p.Text = "x"
	require.NoError(t, prepare.Reject(p, "ceo", decidedAt, "out of scope"))
	assert.Equal(t, prepare.ProposalRejected, p.Status)
	assert.Equal(t, "out of scope", p.Note)
	assert.Equal(t, prepForProposals(), prep)
}

func TestDecisionNeedsWhoAndWhen(t *testing.T) {
	p := proposal(prepare.ProposalTraining)
	p.Text = "x"
	assert.ErrorIs(t, prepare.Reject(p, "", decidedAt, ""), prepare.ErrInvalid)
	assert.ErrorIs(t, prepare.Accept(prepForProposals(), p, "bob", time.Time{}, ""), prepare.ErrInvalid)
	assert.ErrorIs(t, prepare.Accept(nil, p, "bob", decidedAt, ""), prepare.ErrNoTarget)
	pol, rule := proposal(prepare.ProposalPolicy), proposal(prepare.ProposalRule)
	pol.Text, rule.Text = "x", "x"
	assert.ErrorIs(t, prepare.Accept(&prepare.Preparation{}, pol, "bob", decidedAt, ""), prepare.ErrNoTarget)
	assert.ErrorIs(t, prepare.Accept(&prepare.Preparation{}, rule, "bob", decidedAt, ""), prepare.ErrNoTarget)
	assert.ErrorIs(t, prepare.Reject(nil, "bob", decidedAt, ""), prepare.ErrInvalid)
	bad := *p
	bad.Status = "maybe"
	assert.ErrorIs(t, prepare.Reject(&bad, "bob", decidedAt, ""), prepare.ErrInvalid)
	assert.False(t, p.Decided())
}
