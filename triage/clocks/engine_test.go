package clocks_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
	"github.com/iso27035/iso27035/triage/clocks"
)

// The clocks satisfy the engine's extension point.
var (
	_ lifecycle.ObligationSource = clocks.Source{}
	_ lifecycle.ObligationSource = clocks.ComputerSource{}
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

var (
	edr  = lifecycle.Actor{ID: "tool:edr", Roles: []incident.Role{incident.RoleReporter}}
	poc  = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
	dpo  = lifecycle.Actor{ID: "frank", Roles: []incident.Role{incident.RoleDataProtection}}
	lead = lifecycle.Actor{ID: "carol", Roles: []incident.Role{incident.RoleIRTLead}}
)

func drain(t *testing.T, st store.Store) []store.OutboxEntry {
	t.Helper()
	var out []store.OutboxEntry
	for {
		es, err := st.Claim(context.Background(), "acme", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), 1000, time.Hour)
		require.NoError(t, err)
		if len(es) == 0 {
			return out
		}
		for _, e := range es {
			require.NoError(t, st.Ack(context.Background(), "acme", e.ID, e.Lease))
			out = append(out, e)
		}
	}
}

// GDPR Art. 33(1): the engine, fed by the clocks, fires a due-soon
// notification for the obligation when Tick reaches Due - ReportDueSoon.
func TestEngineFiresDueSoonForGDPRArt33ByTick(t *testing.T) {
	ctx := context.Background()
	clk := &clock{now: time.Date(2026, 5, 12, 8, 0, 0, 0, time.UTC)}
	st := memory.New()
	profile := clocks.Profile{GDPR: &clocks.GDPR{Role: clocks.GDPRController, MemberState: "DE"}}
	e, err := lifecycle.New(st, "acme", lifecycle.WithClock(clk), lifecycle.WithObligationSource(clocks.Source{Profile: profile}))
	require.NoError(t, err)

	ev, err := e.Factory().NewEvent(ctx, "acme", "Ransom note on file server", edr.ID)
	require.NoError(t, err)
	require.NoError(t, e.Create(ctx, edr, ev))
	_, err = e.Transition(ctx, poc, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge)
	require.NoError(t, err)
	res, err := e.Assess(ctx, poc, lifecycle.KeyOf(ev), incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident,
		Severity: incident.SeverityHigh, Category: incident.Category{Class: "malicious-code"}})
	require.NoError(t, err)
	require.NotNil(t, res.Declared)
	key := lifecycle.KeyOf(res.Declared)
	_, err = e.Apply(ctx, lead, key, lifecycle.SetAnchor{Anchor: incident.AnchorAware, At: incident.At(clk.Now())})
	require.NoError(t, err)
	assert.Empty(t, res.Declared.Obligations, "no personal data, no GDPR report")

	// Two days in, personal data are found.
	found := time.Date(2026, 5, 14, 13, 40, 0, 0, time.UTC)
	clk.set(found)
	rec, err := e.Apply(ctx, dpo, key, lifecycle.SetFact{Name: "personal_data", Value: true, Source: "forensics"})
	require.NoError(t, err)
	inc, ok := rec.(*incident.Incident)
	require.True(t, ok)
	var art33 incident.Obligation
	for _, o := range inc.Obligations {
		if o.ID == "gdpr-33-1" {
			art33 = o
		}
	}
	require.Equal(t, "gdpr-33-1", art33.ID, "the obligation appears on the record")
	assert.True(t, art33.StartAt.Equal(found), "runs from awareness of the personal-data fact")
	assert.True(t, art33.Due.Equal(found.Add(72*time.Hour)))
	// No high risk to data subjects: the DPO waives Art. 34.
	_, err = e.Apply(ctx, dpo, key, lifecycle.WaiveReport{ObligationID: "gdpr-34-1", Reason: "Art. 34(3)(a): data encrypted"})
	require.NoError(t, err)
	drain(t, st)

	lead24 := time.Duration(e.Rules().ReportDueSoon)
	at := art33.Due.Add(-lead24)
	r, err := e.Tick(ctx, at.Add(-time.Microsecond))
	require.NoError(t, err)
	for _, f := range r.Timers {
		assert.True(t, f.Quiet, "only the waived Art. 34 timers, quietly; not Art. 33 before Due - ReportDueSoon: %+v", f)
	}
	r, err = e.Tick(ctx, at)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, r.Fired, 1)
	var soon []store.OutboxEntry
	for _, o := range drain(t, st) {
		if o.Type == lifecycle.TypeReportDueSoon {
			soon = append(soon, o)
		}
	}
	require.Len(t, soon, 1, "one due-soon notification through the outbox")
	assert.Contains(t, string(soon[0].Payload), "gdpr-33-1")

	// Submitting the report (through the engine, audited) stops its clock.
	_, err = e.Apply(ctx, dpo, key, lifecycle.SubmitReport{ObligationID: "gdpr-33-1", At: art33.Due.Add(-time.Hour)})
	require.NoError(t, err)
	r, err = e.Tick(ctx, art33.Due.Add(time.Hour))
	require.NoError(t, err)
	assert.Zero(t, r.Fired, "no overdue notification after submission")
}
