package prepare_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/prepare"
)

var assessedAt = time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)

func ready() (*prepare.Preparation, prepare.Evidence) {
	day := func(m time.Month, d int) time.Time { return time.Date(2026, m, d, 0, 0, 0, 0, time.UTC) }
	p := &prepare.Preparation{
		Policy: &prepare.Policy{Version: 2, Scope: "all", Approval: &prepare.Approval{By: "ceo", At: day(1, 10)}, ReviewBy: day(12, 31)},
		Plan: &prepare.Plan{Version: 1, SeverityScale: "default", ReviewPeriod: lifecycle.Duration(180 * 24 * time.Hour), ReviewedAt: day(3, 1),
			ReviewSignOff: []incident.Role{incident.RoleIncidentManager}},
		Roster: prepare.Roster{Teams: []prepare.Team{
			{Name: "imt", Kind: prepare.TeamIMT, Members: []prepare.Member{{ID: "bob", Deputy: "eve"}, {ID: "eve", Deputy: "bob"}}},
			{Name: "irt", Kind: prepare.TeamIRT, Members: []prepare.Member{{ID: "carol", Deputy: "dan"}, {ID: "dan", Deputy: "carol"}}},
		}},
		Contacts:  []prepare.Contact{{Name: "BSI", Kind: prepare.ContactExternal, VerifiedOn: day(5, 1)}},
		Playbooks: *library(),
	}
	ev := prepare.Evidence{
		CategoriesSeen: []incident.Category{malwareRansom},
		Exercises:      []prepare.Exercise{{Name: "tabletop", At: day(2, 1)}},
		OpenActions:    []prepare.ActionItem{{ID: "a1", Due: day(9, 1)}},
	}
	return p, ev
}

func TestAssessReady(t *testing.T) {
	p, ev := ready()
	r := prepare.Assess(p, ev, assessedAt)
	assert.Empty(t, r.Gaps)
	assert.Equal(t, 100, r.Score)
}

func TestAssessRules(t *testing.T) {
	old := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		rule, clause string
		breakIt      func(p *prepare.Preparation, ev *prepare.Evidence)
	}{
		{"policy.approved", "4", func(p *prepare.Preparation, _ *prepare.Evidence) { p.Policy.Approval = nil }},
		{"policy.current", "4", func(p *prepare.Preparation, _ *prepare.Evidence) { p.Policy.ReviewBy = old }},
		{"plan.reviewed", "6.4", func(p *prepare.Preparation, _ *prepare.Evidence) { p.Plan.ReviewedAt = old }},
		{"teams.imt", "7.2", func(p *prepare.Preparation, _ *prepare.Evidence) { p.Roster.Teams = p.Roster.Teams[1:] }},
		{"teams.irt", "7.3", func(p *prepare.Preparation, _ *prepare.Evidence) { p.Roster.Teams = p.Roster.Teams[:1] }},
		{"teams.deputies", "7.2.2", func(p *prepare.Preparation, _ *prepare.Evidence) { p.Roster.Teams[0].Members[0].Deputy = "" }},
		{"contacts.verified", "8", func(p *prepare.Preparation, _ *prepare.Evidence) { p.Contacts[0].VerifiedOn = old }},
		{"playbooks.cover", "6.7", func(_ *prepare.Preparation, ev *prepare.Evidence) {
			ev.CategoriesSeen = append(ev.CategoriesSeen, incident.Category{Class: "fraud"})
		}},
		{"exercise.recent", "11.2", func(_ *prepare.Preparation, ev *prepare.Evidence) { ev.Exercises[0].At = old }},
		{"actions.closed", "12.3", func(_ *prepare.Preparation, ev *prepare.Evidence) { ev.OpenActions[0].Due = old }},
	} {
		t.Run(tc.rule, func(t *testing.T) {
			p, ev := ready()
			tc.breakIt(p, &ev)
			r := prepare.Assess(p, ev, assessedAt)
			if assert.Len(t, r.Gaps, 1) {
				assert.Equal(t, tc.rule, r.Gaps[0].Rule)
				assert.Equal(t, tc.clause, r.Gaps[0].Clause)
				assert.Contains(t, r.Gaps[0].String(), "27035-2 "+tc.clause)
			}
			assert.Equal(t, 90, r.Score)
		})
	}
	empty := prepare.Assess(&prepare.Preparation{}, prepare.Evidence{}, assessedAt)
	assert.Len(t, empty.Gaps, 7) // deputies, playbooks and actions pass vacuously
	assert.Equal(t, 30, empty.Score)
}
