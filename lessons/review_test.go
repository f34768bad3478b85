package lessons_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lessons"
	"github.com/iso27035/iso27035/lifecycle"
)

// A review of an incident driven only through the engine has the store's
// audit records as its timeline: same order, actors and times.
func TestTimelineEqualsAuditTrail(t *testing.T) {
	ctx := context.Background()
	e, st := engine()
	key, err := handled(ctx, e)
	require.NoError(t, err)
	rec, err := e.Get(ctx, bob, key)
	require.NoError(t, err)

	r, err := lessons.Draft(ctx, st, "acme", "PIR-1", rec)
	require.NoError(t, err)
	var want []lessons.Entry
	for a, err := range st.AuditTrail(ctx, "acme", key.ID, 0) {
		require.NoError(t, err)
		want = append(want, lessons.Entry{Seq: a.Seq, At: a.At, Actor: a.Actor, Action: a.Action})
	}
	require.NotEmpty(t, want)
	require.Len(t, r.Timeline, len(want))
	for i := range want {
		assert.Equal(t, want[i].Seq, r.Timeline[i].Seq)
		assert.True(t, want[i].At.Equal(r.Timeline[i].At), "entry %d time", i)
		assert.Equal(t, want[i].Actor, r.Timeline[i].Actor)
		assert.Equal(t, want[i].Action, r.Timeline[i].Action)
	}
	last := r.Timeline[len(r.Timeline)-1]
	assert.Equal(t, "respond/recovery", last.From)
	assert.Equal(t, "respond/conclusion", last.To)

	// Completing it records the review on the incident through the engine.
	r.Summary = "Credential phishing contained within the hour."
	r.Causes = []lessons.Cause{{Category: lessons.CategoryProcess, Text: "No mail banner for external senders"}}
	r.Required = []incident.Role{incident.RoleIncidentManager}
	_, err = lessons.Complete(ctx, e, bob, key, &r)
	require.ErrorIs(t, err, lessons.ErrNotSignedOff)
	r.Sign(incident.RoleIncidentManager, bob.ID, time.Date(2026, 3, 3, 9, 0, 0, 0, time.UTC))
	got, err := lessons.Complete(ctx, e, bob, key, &r)
	require.NoError(t, err)
	inc, ok := got.(*incident.Incident)
	require.True(t, ok)
	require.Len(t, inc.Reviews, 1)
	assert.Equal(t, "PIR-1", inc.Reviews[0].ID)
	assert.Equal(t, bob.ID, r.CompletedBy)
	assert.False(t, r.CompletedAt.IsZero())

	// And the review itself is now in the trail.
	tl, err := lessons.Timeline(ctx, st, "acme", key.ID)
	require.NoError(t, err)
	assert.Equal(t, string(lifecycle.ActionAddReview), tl[len(tl)-1].Action)
}

func TestBlameless(t *testing.T) {
	r := lessons.Review{ID: "PIR-2", Subject: lessons.SubjectIncident, RecordID: uuid.New(),
		Timeline: []lessons.Entry{{Seq: 1, Actor: "alice"}, {Seq: 2, Actor: "tool:edr"}},
		Causes:   []lessons.Cause{{Category: lessons.CategoryPeople, Text: "Alice clicked the link"}}}
	require.ErrorIs(t, r.Validate(), lessons.ErrBlame)
	r.Causes = []lessons.Cause{{Category: lessons.CategoryPeople, Text: "Link clicked", Actor: "carol"}}
	require.ErrorIs(t, r.Validate(), lessons.ErrBlame)
	r.Causes = []lessons.Cause{{Category: lessons.CategoryTechnology, Text: "tool:edr missed the payload; no sandbox"}}
	require.NoError(t, r.Validate())
	r.Causes = []lessons.Cause{{Category: lessons.CategoryPeople, Text: "Alice clicked the link"}}
	r.NameIndividuals = true
	require.NoError(t, r.Validate())
	r.Causes[0].Category = "luck"
	require.ErrorIs(t, r.Validate(), lessons.ErrInvalid)
}

func TestCompleteRefusals(t *testing.T) {
	ctx := context.Background()
	e, st := engine()
	key, err := handled(ctx, e)
	require.NoError(t, err)
	rec, err := e.Get(ctx, bob, key)
	require.NoError(t, err)
	r, err := lessons.Draft(ctx, st, "acme", "PIR-3", rec)
	require.NoError(t, err)

	other := key
	other.ID = uuid.New()
	_, err = lessons.Complete(ctx, e, bob, other, &r)
	require.ErrorIs(t, err, lessons.ErrInvalid)

	// A role the rules do not grant add_review is refused by the engine.
	_, err = lessons.Complete(ctx, e, alice, key, &r)
	require.Error(t, err)
	var re *lifecycle.RuleError
	require.True(t, errors.As(err, &re), "%v", err)

	x := lessons.NewExercise("EX-1", "Ransomware tabletop", time.Now())
	_, err = lessons.Complete(ctx, e, bob, key, &x)
	require.ErrorIs(t, err, lessons.ErrInvalid)
}
