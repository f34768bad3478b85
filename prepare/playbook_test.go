package prepare_test

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/prepare"
	"github.com/iso27035/iso27035/store/memory"
)

var (
	malwareRansom = incident.Category{Class: "malicious-code", Type: "infected-system"}
	malwareClass  = incident.Category{Class: "malicious-code"}
)

func step(id string, phase incident.Phase, state incident.State) prepare.Step {
	return prepare.Step{ID: id, Title: "do " + id, Phase: phase, State: state, Owner: incident.RoleIRTLead}
}

func library() *prepare.Library {
	return &prepare.Library{Playbooks: []prepare.Playbook{
		{Name: "default", Version: 1, Steps: []prepare.Step{step("triage", incident.PhaseAssessDecide, incident.StateAnalysis)}},
		{Name: "default-critical", Version: 1, Severities: []incident.Severity{incident.SeverityCritical},
			Steps: []prepare.Step{step("call-imt", incident.PhaseRespond, "")}},
		{Name: "malware", Version: 1, Category: malwareClass, Steps: []prepare.Step{step("old", incident.PhaseRespond, "")}},
		{Name: "malware", Version: 2, Category: malwareClass, Steps: []prepare.Step{
			step("isolate", incident.PhaseRespond, incident.StateContainment), step("reimage", incident.PhaseRespond, incident.StateEradication)}},
		{Name: "malware-high", Version: 1, Category: malwareClass, Severities: []incident.Severity{incident.SeverityHigh},
			Steps: []prepare.Step{step("isolate-now", incident.PhaseRespond, incident.StateContainment)}},
		{Name: "ransomware", Version: 3, Category: malwareRansom, Steps: []prepare.Step{
			{ID: "isolate", Title: "Isolate hosts", Phase: incident.PhaseRespond, State: incident.StateContainment,
				Owner: incident.RoleIRTLead, Mandatory: true, Within: lifecycle.Duration(time.Hour),
				Checklist: []string{"network cut"}, Evidence: []string{"memory image"}},
			step("restore", incident.PhaseRespond, incident.StateRecovery)}},
		{Name: "ransomware-critical", Version: 1, Category: malwareRansom, Severities: []incident.Severity{incident.SeverityCritical},
			Steps: []prepare.Step{step("crisis", incident.PhaseRespond, "")}},
	}}
}

func TestPlaybookMatch(t *testing.T) {
	lib := library()
	for _, tc := range []struct {
		name string
		cat  incident.Category
		sev  incident.Severity
		want string
	}{
		{"type+severity beats type", malwareRansom, incident.SeverityCritical, "ransomware-critical@v1"},
		{"type beats class+severity", malwareRansom, incident.SeverityHigh, "ransomware@v3"},
		{"class+severity beats class", incident.Category{Class: "malicious-code", Type: "c2-server"}, incident.SeverityHigh, "malware-high@v1"},
		{"class, highest version", incident.Category{Class: "malicious-code", Type: "c2-server"}, incident.SeverityLow, "malware@v2"},
		{"default+severity", incident.Category{Class: "fraud"}, incident.SeverityCritical, "default-critical@v1"},
		{"default", incident.Category{Class: "fraud"}, incident.SeverityLow, "default@v1"},
		{"no category: default", incident.Category{}, "", "default@v1"},
		{"other taxonomy does not match class", incident.Category{Taxonomy: "veris", Class: "malicious-code"}, "", "default@v1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, ok := lib.Match(tc.cat, tc.sev)
			require.True(t, ok)
			assert.Equal(t, tc.want, fmt.Sprintf("%s@v%d", p.Name, p.Version))
		})
	}
	empty := &prepare.Library{}
	_, ok := empty.Match(malwareRansom, "")
	assert.False(t, ok)
	assert.True(t, lib.Covers(incident.Category{Class: "malicious-code", Type: "c2-server"}))
	assert.False(t, lib.Covers(incident.Category{Class: "fraud"}))
}

func TestPlaybookValidate(t *testing.T) {
	for _, p := range library().Playbooks {
		require.NoError(t, p.Validate(), p.Name)
	}
	for name, p := range map[string]prepare.Playbook{
		"no name":            {Version: 1, Steps: []prepare.Step{step("a", incident.PhaseRespond, "")}},
		"version 0":          {Name: "x", Steps: []prepare.Step{step("a", incident.PhaseRespond, "")}},
		"no steps":           {Name: "x", Version: 1},
		"duplicate step":     {Name: "x", Version: 1, Steps: []prepare.Step{step("a", incident.PhaseRespond, ""), step("a", incident.PhaseRespond, "")}},
		"bad phase":          {Name: "x", Version: 1, Steps: []prepare.Step{step("a", "contain", "")}},
		"state not in phase": {Name: "x", Version: 1, Steps: []prepare.Step{step("a", incident.PhaseDetectReport, incident.StateRecovery)}},
		"bad owner":          {Name: "x", Version: 1, Steps: []prepare.Step{{ID: "a", Title: "a", Phase: incident.PhaseRespond, Owner: "ciso"}}},
		"no title":           {Name: "x", Version: 1, Steps: []prepare.Step{{ID: "a", Phase: incident.PhaseRespond}}},
	} {
		assert.ErrorIs(t, p.Validate(), prepare.ErrInvalid, name)
	}
}

var (
	actEDR = lifecycle.Actor{ID: "tool:edr", Roles: []incident.Role{incident.RoleReporter}}
	actPOC = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
)

// TestTaskSourceThroughEngine declares an incident through the engine
// with the library as task source: the ransomware playbook's steps become
// tasks stamped with its version, listed in the create audit record.
func TestTaskSourceThroughEngine(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var n uint64
	st := memory.New()
	e, err := lifecycle.New(st, "acme",
		lifecycle.WithClock(incident.ClockFunc(func() time.Time { now = now.Add(time.Minute); return now })),
		lifecycle.WithIDs(incident.IDFunc(func() (uuid.UUID, error) {
			n++
			return uuid.Parse(fmt.Sprintf("019cae00-0000-7000-8000-%012x", n))
		})),
		lifecycle.WithTaskSource(library()))
	require.NoError(t, err)
	ev, err := e.Factory().NewEvent(ctx, "acme", "Ransom note on FS01", actEDR.ID)
	require.NoError(t, err)
	require.NoError(t, e.Create(ctx, actEDR, ev))
	k := lifecycle.KeyOf(ev)
	_, err = e.Transition(ctx, actPOC, k, lifecycle.ActionAcknowledge)
	require.NoError(t, err)
	_, err = e.Apply(ctx, actPOC, k, lifecycle.Classify{Severity: incident.SeverityHigh, Category: malwareRansom})
	require.NoError(t, err)
	res, err := e.Assess(ctx, actPOC, k, incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident,
		Severity: incident.SeverityHigh, Category: malwareRansom})
	require.NoError(t, err)
	require.NotNil(t, res.Declared)

	rec, err := e.Get(ctx, actPOC, lifecycle.KeyOf(res.Declared))
	require.NoError(t, err)
	inc, ok := rec.(*incident.Incident)
	require.True(t, ok)
	var ids []string
	for _, task := range inc.Tasks {
		ids = append(ids, task.ID)
	}
	want := []string{"pb:ransomware@v3:isolate", "pb:ransomware@v3:restore"}
	assert.Equal(t, want, ids)
	assert.True(t, inc.Tasks[0].Mandatory)
	assert.Equal(t, incident.PhaseRespond, inc.Tasks[0].Phase)
	assert.Equal(t, inc.CreatedAt.Add(time.Hour), inc.Tasks[0].Due)

	var created map[string]any
	for a, err := range st.AuditTrail(ctx, "acme", inc.ID, 0) {
		require.NoError(t, err)
		if a.Action == string(lifecycle.ActionCreate) {
			require.NoError(t, json.Unmarshal(a.Data, &created))
			break
		}
	}
	require.NotNil(t, created, "no create audit record")
	assert.Equal(t, []any{want[0], want[1]}, created["tasks"])
}

func TestTaskSourceNoMatch(t *testing.T) {
	tasks, err := (&prepare.Library{}).TasksFor(context.Background(), &incident.Incident{})
	assert.NoError(t, err)
	assert.Empty(t, tasks)
}
