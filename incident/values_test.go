package incident_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

// dmValidCase is one enum's defined values and values it must refuse.
type dmValidCase struct {
	name  string
	valid []string
	bad   []string
	check func(string) bool
}

func dmStrings[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func TestEnumsValid(t *testing.T) {
	cases := []dmValidCase{
		{"Kind", []string{"event", "incident", "vulnerability"}, []string{"", "Event", "case"},
			func(s string) bool { return incident.Kind(s).Valid() }},
		{"Outcome", dmStrings(incident.Outcomes()), []string{"Incident", "false_positive"},
			func(s string) bool { return incident.Outcome(s).Valid() }},
		{"ResolutionKind", dmStrings(incident.ResolutionKinds()), []string{"", "not_incident"},
			func(s string) bool { return incident.ResolutionKind(s).Valid() }},
		{"Phase", dmStrings(incident.Phases()), []string{"", "detect", "Respond"},
			func(s string) bool { return incident.Phase(s).Valid() }},
		{"State", dmStrings(incident.States()), []string{"", "open", "Closed"},
			func(s string) bool { return incident.State(s).Valid() }},
		{"Priority", append(dmStrings(incident.Priorities()), ""), []string{"p1", "P0", "P6"},
			func(s string) bool { return incident.Priority(s).Valid() }},
		{"TLP", append(dmStrings(incident.TLPs()), ""), []string{"white", "TLP:RED", "RED", "amber-strict"},
			func(s string) bool { return incident.TLP(s).Valid() }},
		{"Role", dmStrings(incident.Roles()), []string{"", "incident-manager", "ciso"},
			func(s string) bool { return incident.Role(s).Valid() }},
		{"ActorKind", []string{"", "person", "tool"}, []string{"Person", "bot"},
			func(s string) bool { return incident.ActorKind(s).Valid() }},
		{"Precision", append(dmStrings(incident.Precisions()), ""), []string{"week", "Day"},
			func(s string) bool { return incident.Precision(s).Valid() }},
		{"TaskStatus", dmStrings(incident.TaskStatuses()), []string{"", "closed"},
			func(s string) bool { return incident.TaskStatus(s).Valid() }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			require.NotEmpty(t, c.valid)
			for _, v := range c.valid {
				assert.True(t, c.check(v), "%s(%q).Valid()", c.name, v)
			}
			for _, v := range append(c.bad, "bogus") {
				assert.False(t, c.check(v), "%s(%q).Valid()", c.name, v)
			}
		})
	}
}

func TestEnumListsAreDistinct(t *testing.T) {
	lists := map[string][]string{
		"Outcomes":        dmStrings(incident.Outcomes()),
		"ResolutionKinds": dmStrings(incident.ResolutionKinds()),
		"Phases":          dmStrings(incident.Phases()),
		"States":          dmStrings(incident.States()),
		"Priorities":      dmStrings(incident.Priorities()),
		"TLPs":            dmStrings(incident.TLPs()),
		"Roles":           dmStrings(incident.Roles()),
		"TaskStatuses":    dmStrings(incident.TaskStatuses()),
	}
	for name, l := range lists {
		t.Run(name, func(t *testing.T) {
			seen := map[string]bool{}
			for _, v := range l {
				assert.False(t, seen[v], "%q listed twice", v)
				seen[v] = true
			}
		})
	}
}

func TestPhaseOrdinalClauseLabel(t *testing.T) {
	tests := []struct {
		phase   incident.Phase
		ordinal int
		clause  string
		label   string
	}{
		{incident.PhasePlanPrepare, 1, "ISO/IEC 27035-1:2023 5.2", "Plan and prepare"},
		{incident.PhaseDetectReport, 2, "ISO/IEC 27035-1:2023 5.3", "Detect and report"},
		{incident.PhaseAssessDecide, 3, "ISO/IEC 27035-1:2023 5.4", "Assess and decide"},
		{incident.PhaseRespond, 4, "ISO/IEC 27035-1:2023 5.5", "Respond"},
		{incident.PhaseLearnLessons, 5, "ISO/IEC 27035-1:2023 5.6", "Learn lessons"},
		{"", 0, "", ""},
		{"bogus", 0, "", "bogus"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.phase), func(t *testing.T) {
			assert.Equal(t, tt.ordinal, tt.phase.Ordinal())
			assert.Equal(t, tt.clause, tt.phase.Clause())
			assert.Equal(t, tt.label, tt.phase.Label())
		})
	}
	assert.Equal(t, []incident.Phase{incident.PhasePlanPrepare, incident.PhaseDetectReport, incident.PhaseAssessDecide,
		incident.PhaseRespond, incident.PhaseLearnLessons}, incident.Phases())
}

func TestStatePhases(t *testing.T) {
	var (
		pp = incident.PhasePlanPrepare
		dr = incident.PhaseDetectReport
		ad = incident.PhaseAssessDecide
		rs = incident.PhaseRespond
		ll = incident.PhaseLearnLessons
	)
	tests := []struct {
		state incident.State
		in    []incident.Phase
	}{
		{incident.StateDetection, []incident.Phase{dr}},
		{incident.StateReporting, []incident.Phase{dr}},
		{incident.StateTriage, []incident.Phase{ad}},
		{incident.StateAnalysis, []incident.Phase{ad, rs}},
		{incident.StateContainment, []incident.Phase{rs}},
		{incident.StateEradication, []incident.Phase{rs}},
		{incident.StateRecovery, []incident.Phase{rs}},
		{incident.StateConclusion, []incident.Phase{rs, ll}},
		// Closed from any phase after detection; plan_prepare holds no
		// record state (see TestStateClosedNotInPlanPrepare).
		{incident.StateClosed, []incident.Phase{dr, ad, rs, ll}},
		{"", nil},
		{"bogus", nil},
	}
	require.Len(t, incident.States(), 9)
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.state), func(t *testing.T) {
			assert.ElementsMatch(t, tt.in, tt.state.Phases())
			if tt.state.Valid() {
				assert.NotEmpty(t, tt.state.Phases(), "every state is in at least one phase")
			}
			for _, p := range incident.Phases() {
				want := false
				for _, q := range tt.in {
					want = want || p == q
				}
				assert.Equal(t, want, tt.state.In(p), "%s in %s", tt.state, p)
			}
			assert.False(t, tt.state.In("bogus"))
			assert.False(t, tt.state.In(""))
		})
	}
	t.Run("every state listed has a row", func(t *testing.T) {
		for _, s := range incident.States() {
			found := false
			for _, tt := range tests {
				found = found || tt.state == s
			}
			assert.True(t, found, "%s", s)
		}
	})
	t.Run("only closed is in plan_prepare", func(t *testing.T) {
		for _, s := range incident.States() {
			if s != incident.StateClosed {
				assert.False(t, s.In(pp), "%s", s)
			}
		}
	})
}

func TestStateClosedNotInPlanPrepare(t *testing.T) {
	assert.False(t, incident.StateClosed.In(incident.PhasePlanPrepare))
	assert.ElementsMatch(t, []incident.Phase{incident.PhaseDetectReport, incident.PhaseAssessDecide, incident.PhaseRespond,
		incident.PhaseLearnLessons}, incident.StateClosed.Phases())
}

func TestPriorityRank(t *testing.T) {
	tests := []struct {
		p    incident.Priority
		rank int
	}{
		{incident.P1, 1}, {incident.P2, 2}, {incident.P3, 3}, {incident.P4, 4}, {incident.P5, 5},
		{incident.PriorityNone, 0}, {"p1", 0}, {"bogus", 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.p), func(t *testing.T) {
			assert.Equal(t, tt.rank, tt.p.Rank())
		})
	}
}

func TestTLPRankAndString(t *testing.T) {
	tests := []struct {
		tlp  incident.TLP
		rank int
		str  string
	}{
		{incident.TLPClear, 1, "TLP:CLEAR"},
		{incident.TLPGreen, 2, "TLP:GREEN"},
		{incident.TLPAmber, 3, "TLP:AMBER"},
		{incident.TLPAmberStrict, 4, "TLP:AMBER+STRICT"},
		{incident.TLPRed, 5, "TLP:RED"},
		{incident.TLPUnset, 0, ""},
		{"bogus", 0, "TLP:BOGUS"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.tlp), func(t *testing.T) {
			assert.Equal(t, tt.rank, tt.tlp.Rank())
			assert.Equal(t, tt.str, tt.tlp.String())
			assert.Equal(t, tt.str, fmt.Sprint(tt.tlp), "fmt uses String")
		})
	}
	t.Run("CLEAR<GREEN<AMBER<AMBER+STRICT<RED", func(t *testing.T) {
		order := []incident.TLP{incident.TLPClear, incident.TLPGreen, incident.TLPAmber, incident.TLPAmberStrict, incident.TLPRed}
		assert.Equal(t, order, incident.TLPs())
		for i := 1; i < len(order); i++ {
			assert.Less(t, order[i-1].Rank(), order[i].Rank(), "%s < %s", order[i-1], order[i])
		}
	})
	t.Run("String round-trips through ParseTLP", func(t *testing.T) {
		for _, l := range incident.TLPs() {
			got, err := incident.ParseTLP(l.String())
			require.NoError(t, err)
			assert.Equal(t, l, got)
		}
	})
}

func TestParseTLP(t *testing.T) {
	tests := []struct {
		in   string
		want incident.TLP
	}{
		{"TLP:CLEAR", incident.TLPClear},
		{"clear", incident.TLPClear},
		{"TLP:GREEN", incident.TLPGreen},
		{"green", incident.TLPGreen},
		{"TLP:AMBER", incident.TLPAmber},
		{"amber", incident.TLPAmber},
		{"TLP:AMBER+STRICT", incident.TLPAmberStrict},
		{"amber+strict", incident.TLPAmberStrict},
		{"TLP:RED", incident.TLPRed},
		{"red", incident.TLPRed},
		{"tlp:red", incident.TLPRed},
		{"Tlp:Amber+Strict", incident.TLPAmberStrict},
		{"RED", incident.TLPRed},
		{"Green", incident.TLPGreen},
		{"TLP:WHITE", incident.TLPClear},
		{"white", incident.TLPClear},
		{"WHITE", incident.TLPClear},
		{"tlp:White", incident.TLPClear},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := incident.ParseTLP(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
	for _, bad := range []string{"", "TLP:", "bogus", "TLP:BOGUS", "amber strict", "TLP:AMBER-STRICT", " red", "red ", "TLP red", "TLP:TLP:RED", "tlp:"} {
		t.Run(fmt.Sprintf("bad %q", bad), func(t *testing.T) {
			got, err := incident.ParseTLP(bad)
			require.Error(t, err)
			assert.Equal(t, incident.TLPUnset, got)
			assert.ErrorIs(t, err, incident.ErrUnknownValue)
			assert.ErrorIs(t, err, incident.ErrInvalid)
			var fe *incident.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, incident.RuleEnum, fe.Rule)
			assert.Equal(t, bad, fe.Value)
		})
	}
}

func TestRoleSingle(t *testing.T) {
	single := map[incident.Role]bool{
		incident.RolePointOfContact:      true,
		incident.RoleIncidentManager:     true,
		incident.RoleIRTLead:             true,
		incident.RoleIncidentCoordinator: true,
	}
	require.Len(t, incident.Roles(), 15)
	for _, r := range incident.Roles() {
		t.Run(string(r), func(t *testing.T) {
			assert.Equal(t, single[r], r.Single())
		})
	}
	assert.False(t, incident.Role("bogus").Single())
}

func TestHolderAt(t *testing.T) {
	t0 := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	handover := t0.Add(4 * time.Hour)
	roles := []incident.RoleAssignment{
		{Role: incident.RoleIRTMember, Actor: "actor-zoe", From: t0.Add(-time.Hour)},
		{Role: incident.RoleIncidentManager, Actor: "actor-alice", From: t0, Until: handover},
		{Role: incident.RoleIncidentManager, Actor: "actor-bob", From: handover},
	}
	tests := []struct {
		name   string
		role   incident.Role
		at     time.Time
		want   incident.ActorID
		wantOK bool
	}{
		{"before anyone", incident.RoleIncidentManager, t0.Add(-time.Nanosecond), "", false},
		{"at the start", incident.RoleIncidentManager, t0, "actor-alice", true},
		{"during the first tenure", incident.RoleIncidentManager, t0.Add(time.Hour), "actor-alice", true},
		{"just before the handover", incident.RoleIncidentManager, handover.Add(-time.Nanosecond), "actor-alice", true},
		{"at the handover", incident.RoleIncidentManager, handover, "actor-bob", true},
		{"long after", incident.RoleIncidentManager, handover.AddDate(1, 0, 0), "actor-bob", true},
		{"other role", incident.RoleIRTMember, t0, "actor-zoe", true},
		{"nobody holds it", incident.RoleLegal, t0, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := incident.HolderAt(roles, tt.role, tt.at)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
	t.Run("no roles", func(t *testing.T) {
		_, ok := incident.HolderAt(nil, incident.RoleIncidentManager, t0)
		assert.False(t, ok)
	})
	t.Run("handover validates", func(t *testing.T) {
		inc := dmIncident(t)
		inc.Roles = roles
		assert.NoError(t, inc.Validate())
	})
}

func TestRoleAssignmentActive(t *testing.T) {
	from := time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)
	until := from.Add(time.Hour)
	bounded := incident.RoleAssignment{Role: incident.RoleIRTLead, Actor: "a", From: from, Until: until}
	open := incident.RoleAssignment{Role: incident.RoleIRTLead, Actor: "a", From: from}
	tests := []struct {
		name string
		r    incident.RoleAssignment
		at   time.Time
		want bool
	}{
		{"bounded before", bounded, from.Add(-1), false},
		{"bounded from", bounded, from, true},
		{"bounded inside", bounded, from.Add(30 * time.Minute), true},
		{"bounded until is exclusive", bounded, until, false},
		{"open before", open, from.Add(-1), false},
		{"open from", open, from, true},
		{"open far future", open, from.AddDate(10, 0, 0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.r.Active(tt.at))
		})
	}
}
