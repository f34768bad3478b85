package lifecycle_test

import (
	"context"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store/memory"
)

// stepClock advances one second per reading, so every change has its own
// instant.
type stepClock struct{ t time.Time }

func (c *stepClock) Now() time.Time { c.t = c.t.Add(time.Second); return c.t }

func TestWalkAllPhases(t *testing.T) {
	ctx := context.Background()
	st := memory.New()
	_, priv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	clock := &stepClock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	e, err := lifecycle.New(st, "acme", lifecycle.WithClock(clock), lifecycle.WithSigner("k1", priv))
	require.NoError(t, err)

	edr := lifecycle.Actor{ID: "tool:edr", Roles: []incident.Role{incident.RoleReporter}}
	alice := lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
	bob := lifecycle.Actor{ID: "bob", Roles: []incident.Role{incident.RoleIncidentManager}}
	carol := lifecycle.Actor{ID: "carol", Roles: []incident.Role{incident.RoleIRTLead}}

	ev, err := e.Factory().NewEvent(ctx, "acme", "Ransom note on FS01", edr.ID)
	require.NoError(t, err)
	require.NoError(t, e.Create(ctx, edr, ev))
	k := lifecycle.KeyOf(ev)
	_, err = e.Transition(ctx, edr, k, lifecycle.ActionReport)
	require.NoError(t, err)
	_, err = e.Transition(ctx, alice, k, lifecycle.ActionAcknowledge)
	require.NoError(t, err)
	res, err := e.Assess(ctx, alice, k, incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident,
		Severity: incident.SeverityHigh, Priority: incident.P2, Rationale: "ransom note"})
	require.NoError(t, err)
	require.NotNil(t, res.Declared)
	ik := lifecycle.KeyOf(res.Declared)
	_, err = e.Transition(ctx, bob, ik, lifecycle.ActionContain)
	require.ErrorIs(t, err, lifecycle.ErrBlocked) // assessment_required: the confirmation comes first
	_, err = e.Assess(ctx, carol, ik, incident.Assessment{Step: incident.AssessmentConfirmation, Outcome: incident.OutcomeIncident})
	require.NoError(t, err)
	for _, a := range []lifecycle.Action{lifecycle.ActionContain, lifecycle.ActionEradicate, lifecycle.ActionRecover, lifecycle.ActionConclude, lifecycle.ActionLearn} {
		_, err = e.Transition(ctx, bob, ik, a)
		require.NoError(t, err, a)
	}
	_, err = e.Close(ctx, bob, ik, lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithImpact})
	require.ErrorIs(t, err, lifecycle.ErrBlocked)
	_, err = e.Apply(ctx, bob, ik, lifecycle.AddReview{Review: incident.ReviewRef{ID: "PIR-1"}})
	require.NoError(t, err)
	rec, err := e.Close(ctx, bob, ik, lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithImpact})
	require.NoError(t, err)
	require.Equal(t, incident.StateClosed, rec.Handle().State)
	_, err = e.Verify(ctx, ik)
	require.NoError(t, err)
	_, err = e.Verify(ctx, k)
	require.NoError(t, err)
	cp, err := e.Checkpoint(ctx)
	require.NoError(t, err)
	require.Len(t, cp.Heads, 2)
	require.NoError(t, lifecycle.VerifyStore(ctx, st, cp))
}
