package lessons_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lessons"
	"github.com/iso27035/iso27035/lifecycle"
)

// A near miss is reviewed with the same machinery: its timeline comes from
// its own audit trail.
func TestNearMissReview(t *testing.T) {
	ctx := context.Background()
	e, st := engine()
	ev, err := e.Factory().NewEvent(ctx, "acme", "Phishing mail quarantined before delivery", edr.ID)
	require.NoError(t, err)
	require.NoError(t, e.Create(ctx, edr, ev))
	key := lifecycle.KeyOf(ev)
	_, err = e.Transition(ctx, alice, key, lifecycle.ActionAcknowledge)
	require.NoError(t, err)
	_, err = e.Assess(ctx, alice, key, incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeNearMiss})
	require.NoError(t, err)
	rec, err := e.Get(ctx, alice, key)
	require.NoError(t, err)

	r, err := lessons.Draft(ctx, st, "acme", "NM-1", rec)
	require.NoError(t, err)
	assert.Equal(t, lessons.SubjectNearMiss, r.Subject)
	require.Len(t, r.Timeline, 3)
	assert.Equal(t, edr.ID, r.Timeline[0].Actor)
	assert.Equal(t, alice.ID, r.Timeline[2].Actor)
	require.NoError(t, r.Validate())
}
