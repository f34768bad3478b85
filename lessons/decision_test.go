package lessons_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lessons"
	"github.com/iso27035/iso27035/prepare"
)

// phishingPrep is a preparation with a playbook "phishing" (version 1),
// a policy and a plan.
func phishingPrep() *prepare.Preparation {
	return &prepare.Preparation{
		Policy: &prepare.Policy{Version: 1},
		Plan:   &prepare.Plan{Version: 1},
		Playbooks: prepare.Library{Playbooks: []prepare.Playbook{{Name: "phishing", Version: 1, Steps: []prepare.Step{
			{ID: "triage", Title: "Triage the reported mail", Phase: incident.PhaseRespond},
		}}}},
	}
}

// finding returns a recurring-cause finding of three reviews.
func finding(t *testing.T) lessons.Finding {
	t.Helper()
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var rs []lessons.Review
	for i, id := range []string{"PIR-1", "PIR-2", "PIR-3"} {
		rs = append(rs, lessons.Review{ID: id, Subject: lessons.SubjectIncident, At: from.AddDate(0, i, 1),
			Causes: []lessons.Cause{{Category: lessons.CategoryProcess, Text: "No mail purge step"}}})
	}
	fs := lessons.Recurring(rs, from, from.AddDate(0, 3, 0), 3)
	for _, f := range fs {
		if f.Dimension == lessons.DimensionCause {
			return f
		}
	}
	t.Fatal("no cause finding")
	return lessons.Finding{}
}

func TestAcceptFinding(t *testing.T) {
	at := time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)
	step := &prepare.Step{ID: "purge", Title: "Purge the mail from every mailbox", Phase: incident.PhaseRespond}
	cases := []struct {
		name    string
		edit    func(f *lessons.Finding)
		prep    func() *prepare.Preparation
		by      incident.ActorID
		wantErr error
		version int
	}{
		{name: "rule change (default proposal)", prep: phishingPrep, by: "ciso", version: 2},
		{name: "playbook step", prep: phishingPrep, by: "ciso", version: 2, edit: func(f *lessons.Finding) {
			f.Proposal.Kind, f.Proposal.Target, f.Proposal.Step = prepare.ProposalPlaybookStep, "phishing", step
		}},
		{name: "training", prep: phishingPrep, by: "ciso", edit: func(f *lessons.Finding) {
			f.Proposal.Kind, f.Proposal.Target = prepare.ProposalTraining, "all staff"
		}},
		{name: "unknown playbook", prep: phishingPrep, by: "ciso", wantErr: prepare.ErrNoTarget, edit: func(f *lessons.Finding) {
			f.Proposal.Kind, f.Proposal.Target, f.Proposal.Step = prepare.ProposalPlaybookStep, "ransomware", step
		}},
		{name: "no plan", prep: func() *prepare.Preparation { return &prepare.Preparation{} }, by: "ciso", wantErr: prepare.ErrNoTarget},
		{name: "no decider", prep: phishingPrep, wantErr: prepare.ErrInvalid},
		{name: "already decided", prep: phishingPrep, by: "ciso", wantErr: prepare.ErrDecided, edit: func(f *lessons.Finding) {
			require.NoError(t, prepare.Reject(&f.Proposal, "cio", at.Add(-time.Hour), "not now"))
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := finding(t)
			if c.edit != nil {
				c.edit(&f)
			}
			before := f
			prep := c.prep()
			err := lessons.AcceptFinding(prep, &f, c.by, at, "agreed at the review board")
			if c.wantErr != nil {
				require.ErrorIs(t, err, c.wantErr)
				assert.Nil(t, f.Decision, "nothing recorded on the lessons side")
				assert.Equal(t, before.Proposal, f.Proposal, "nothing changed on the prepare side")
				return
			}
			require.NoError(t, err)
			// Both sides say the same: the proposal (prepare) and the
			// finding's decision (lessons).
			assert.Equal(t, prepare.ProposalAccepted, f.Proposal.Status)
			assert.Equal(t, c.version, f.Proposal.Version)
			require.NotNil(t, f.Decision)
			assert.Equal(t, lessons.Decision{ProposalID: f.Proposal.ID, Kind: f.Proposal.Kind, Target: f.Proposal.Target,
				Status: prepare.ProposalAccepted, By: c.by, At: at, Note: "agreed at the review board", Version: c.version}, *f.Decision)
			if f.Proposal.Kind == prepare.ProposalPlaybookStep {
				cur := prep.Playbooks.Current()
				require.Len(t, cur, 1)
				assert.Equal(t, 2, cur[0].Version)
				assert.Equal(t, "purge", cur[0].Steps[1].ID)
			}
			// A second acceptance is refused on both sides.
			require.ErrorIs(t, lessons.AcceptFinding(prep, &f, c.by, at, ""), prepare.ErrDecided)

			// The reviews of the finding record it too; others do not.
			r := lessons.Review{ID: "PIR-2"}
			assert.True(t, r.RecordDecision(&f))
			assert.True(t, r.RecordDecision(&f))
			assert.Equal(t, []lessons.Decision{*f.Decision}, r.Changes)
			o := lessons.Review{ID: "PIR-9"}
			assert.False(t, o.RecordDecision(&f))
		})
	}
}

func TestRecordAndReject(t *testing.T) {
	at := time.Date(2026, 4, 2, 10, 0, 0, 0, time.UTC)
	f := finding(t)
	require.ErrorIs(t, f.Record(&f.Proposal), lessons.ErrInvalid, "not decided")
	r := lessons.Review{ID: "PIR-1"}
	assert.False(t, r.RecordDecision(&f), "nothing decided yet")

	// A copy decided elsewhere (by a host holding the proposal) is recorded.
	p := f.Proposal
	require.NoError(t, prepare.Reject(&p, "ciso", at, "covered by the mail gateway project"))
	other := p
	other.ID = "CP-other"
	require.ErrorIs(t, f.Record(&other), lessons.ErrInvalid, "another proposal")
	require.NoError(t, f.Record(&p))
	assert.Equal(t, prepare.ProposalRejected, f.Proposal.Status)
	assert.Equal(t, prepare.ProposalRejected, f.Decision.Status)
	assert.Contains(t, f.Decision.String(), "rejected rule \"plan\" by ciso at 2026-04-02T10:00:00Z")

	g := finding(t)
	require.NoError(t, lessons.RejectFinding(&g, "ciso", at, "no"))
	assert.Equal(t, prepare.ProposalRejected, g.Decision.Status)
	require.ErrorIs(t, lessons.RejectFinding(&g, "ciso", at, "no"), prepare.ErrDecided)
	require.ErrorIs(t, lessons.AcceptFinding(phishingPrep(), nil, "ciso", at, ""), lessons.ErrInvalid)
	require.ErrorIs(t, lessons.RejectFinding(nil, "ciso", at, ""), lessons.ErrInvalid)
}
