package lessons_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lessons"
	"github.com/iso27035/iso27035/lifecycle"
)

// The gaps of an incident driven through the engine come from its own
// timeline: what it reached is measured, what it did not is said.
func TestGapsEngineIncident(t *testing.T) {
	ctx := context.Background()
	e, st := engine()
	key, err := handled(ctx, e)
	require.NoError(t, err)
	rec, err := e.Get(ctx, bob, key)
	require.NoError(t, err)

	r, err := lessons.Draft(ctx, st, "acme", "PIR-1", rec)
	require.NoError(t, err)
	asOf := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	require.NoError(t, r.MeasureGaps(rec, asOf))
	tm := rec.Times()
	det := tm.Detected.At
	require.False(t, det.IsZero())
	assert.Equal(t, []lessons.Gap{
		{Name: "time_to_detect", From: incident.AnchorOccurred, To: incident.AnchorDetected, Status: lessons.GapUnknown},
		{Name: "time_to_acknowledge", From: incident.AnchorDetected, To: incident.AnchorAcknowledged, Status: lessons.GapMeasured, Duration: tm.Acknowledged.At.Sub(det)},
		{Name: "time_to_contain", From: incident.AnchorDetected, To: incident.AnchorContained, Status: lessons.GapMeasured, Duration: tm.Contained.At.Sub(det)},
		{Name: "time_to_recover", From: incident.AnchorDetected, To: incident.AnchorRecovered, Status: lessons.GapMeasured, Duration: tm.Recovered.At.Sub(det)},
	}, r.Gaps)
	assert.Equal(t, "time_to_contain 6m0s", r.Gaps[2].String())
	assert.Equal(t, "time_to_detect unknown", r.Gaps[0].String())

	// As of a time before containment, containment and recovery are open.
	early, err := lessons.Gaps(rec, tm.Contained.At)
	require.NoError(t, err)
	assert.Equal(t, lessons.GapMeasured, early[1].Status)
	assert.Equal(t, lessons.GapOpen, early[2].Status)
	assert.Equal(t, lessons.GapOpen, early[3].Status)

	// Gaps need the reviewed record.
	other := lessons.Review{ID: "PIR-2", Subject: lessons.SubjectIncident}
	require.ErrorIs(t, other.MeasureGaps(rec, asOf), lessons.ErrInvalid)
}

// An incident not yet contained has open gaps, never zero ones; as of a
// time before its containment, the same incident is open too.
func TestGapsOpen(t *testing.T) {
	ctx := context.Background()
	e, _ := engine()
	ev, err := e.Factory().NewEvent(ctx, "acme", "Phishing mail", edr.ID)
	require.NoError(t, err)
	require.NoError(t, e.Create(ctx, edr, ev))
	key := lifecycle.KeyOf(ev)
	_, err = e.Transition(ctx, alice, key, lifecycle.ActionAcknowledge)
	require.NoError(t, err)
	res, err := e.Assess(ctx, alice, key, incident.Assessment{Step: incident.AssessmentFirst,
		Outcome: incident.OutcomeIncident, Severity: incident.SeverityMedium})
	require.NoError(t, err)
	rec, err := e.Get(ctx, bob, lifecycle.KeyOf(res.Declared))
	require.NoError(t, err)
	gs, err := lessons.Gaps(rec, time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	got := map[string]lessons.GapStatus{}
	for _, g := range gs {
		got[g.Name] = g.Status
		if g.Status != lessons.GapMeasured {
			assert.Zero(t, g.Duration, g.Name)
		}
	}
	assert.Equal(t, map[string]lessons.GapStatus{"time_to_detect": lessons.GapUnknown, "time_to_acknowledge": lessons.GapMeasured,
		"time_to_contain": lessons.GapOpen, "time_to_recover": lessons.GapOpen}, got)
	_, err = lessons.Gaps(nil, time.Time{})
	require.ErrorIs(t, err, lessons.ErrInvalid)
}
