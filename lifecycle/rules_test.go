package lifecycle

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
)

var updateRules = flag.Bool("update-rules", false, "rewrite testdata/rules/default.json from DefaultRules")

// rulesProblems returns the problems of a *RulesError, failing the test
// for any other error.
func rulesProblems(t *testing.T, err error) []RulesProblem {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, ErrInvalidRules)
	var re *RulesError
	require.ErrorAs(t, err, &re)
	require.NotEmpty(t, re.Problems)
	return re.Problems
}

func problemFields(ps []RulesProblem) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.Field
	}
	return out
}

func marshalRules(t testing.TB, r *Rules) []byte {
	t.Helper()
	data, err := json.MarshalIndent(r, "", "  ")
	require.NoError(t, err)
	return append(data, '\n')
}

func TestDefaultRulesValidate(t *testing.T) {
	require.NoError(t, DefaultRules().Validate())
}

func TestDefaultRulesRoundTrip(t *testing.T) {
	want := DefaultRules()
	data, err := json.Marshal(want)
	require.NoError(t, err)
	got, err := ParseRules(data)
	require.NoError(t, err)
	assert.Equal(t, want, got)
}

func TestRulesGoldenDefault(t *testing.T) {
	path := filepath.Join("testdata", "rules", "default.json")
	want := marshalRules(t, DefaultRules())
	if *updateRules {
		require.NoError(t, os.WriteFile(path, want, 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	assert.Equal(t, string(want), string(got), "default.json is stale: go test ./lifecycle/ -run TestRulesGoldenDefault -update-rules")
}

func TestRulesTestdataParse(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "rules", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			data, err := os.ReadFile(file)
			require.NoError(t, err)
			r, err := ParseRules(data)
			require.NoError(t, err)
			require.NoError(t, r.Validate())
		})
	}
}

func TestRulesStrictBank(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "rules", "strict-bank.json"))
	require.NoError(t, err)
	r, err := ParseRules(data)
	require.NoError(t, err)
	require.NotNil(t, r.Severity)
	assert.Equal(t, incident.SeverityMedium, r.ReviewRequiredAt)
	s, ok := r.status("Waiting for customer")
	require.True(t, ok)
	assert.Equal(t, Stage{incident.PhaseRespond, incident.StateAnalysis}, s.Stage())
	s, ok = r.status("Awaiting approval")
	require.True(t, ok)
	assert.Equal(t, Stage{incident.PhaseLearnLessons, incident.StateConclusion}, s.Stage())
	d, ok := r.acknowledgeWithin(incident.SeverityCritical)
	require.True(t, ok)
	assert.Equal(t, 10*time.Minute, d)
}

func TestDurationJSON(t *testing.T) {
	data, err := json.Marshal(Duration(15 * time.Minute))
	require.NoError(t, err)
	assert.JSONEq(t, `"15m0s"`, string(data))

	for in, want := range map[string]time.Duration{
		`"90m"`:   90 * time.Minute,
		`"1h30m"`: 90 * time.Minute,
		`"72h"`:   72 * time.Hour,
		`"0s"`:    0,
		`"-5m"`:   -5 * time.Minute, // read; Validate refuses it
		`"1.5s"`:  1500 * time.Millisecond,
	} {
		var d Duration
		require.NoError(t, json.Unmarshal([]byte(in), &d), in)
		assert.Equal(t, want, time.Duration(d), in)
	}

	d := Duration(time.Hour)
	require.NoError(t, json.Unmarshal([]byte(`null`), &d))
	assert.Equal(t, Duration(time.Hour), d, "null leaves the duration unchanged")

	for _, in := range []string{`5400`, `90`, `"90"`, `"soon"`, `""`, `true`, `{}`, `[]`} {
		var d Duration
		err := json.Unmarshal([]byte(in), &d)
		require.Error(t, err, in)
		assert.ErrorIs(t, err, ErrInvalidRules, in)
		assert.Contains(t, err.Error(), `"90m"`, in)
	}
}

func TestRulesValidateBad(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(r *Rules)
		field  string
		reason string
	}{
		{"bad scale", func(r *Rules) { r.Severity = &incident.SeverityScale{Name: "empty"} }, "severity_scale", "no levels"},
		{"review not on scale", func(r *Rules) { r.ReviewRequiredAt = "severe" }, "review_required_at", `"severe" is not a level`},
		{"review on an empty scale", func(r *Rules) {
			r.Severity = &incident.SeverityScale{Name: "empty"}
		}, "review_required_at", `scale "empty", which has no levels`},
		{"custom scale accepted", func(r *Rules) {
			r.Severity = incident.NCISSSeverityScale()
			r.SecondApproverAt = incident.SeverityEmergency
			r.AcknowledgeWithin = nil
		}, "review_required_at", "", // high is on NCISS: no problem there
		},
		{"second approver not on scale", func(r *Rules) { r.SecondApproverAt = "urgent" }, "second_approver_at", "not a level"},
		{"approver role unknown", func(r *Rules) { r.ApproverRoles = []incident.Role{incident.RoleIRTLead, "ciso"} }, "approver_roles[1]", `unknown role "ciso"`},
		{"no approver roles", func(r *Rules) { r.ApproverRoles = nil }, "approver_roles", "no role may approve"},
		{"acknowledge key not on scale", func(r *Rules) { r.AcknowledgeWithin["p1"] = Duration(time.Minute) }, "acknowledge_within.p1", "not a level"},
		{"acknowledge zero", func(r *Rules) { r.AcknowledgeWithin[incident.SeverityHigh] = 0 }, "acknowledge_within.high", "positive"},
		{"acknowledge negative default", func(r *Rules) { r.AcknowledgeWithin[""] = Duration(-time.Hour) }, `acknowledge_within[""]`, "positive"},
		{"report due soon negative", func(r *Rules) { r.ReportDueSoon = Duration(-time.Minute) }, "report_due_soon", "negative"},
		{"unknown action", func(r *Rules) { r.Permissions["approve"] = []incident.Role{incident.RoleIRTLead} }, "permissions.approve", `unknown action "approve"`},
		{"unknown role", func(r *Rules) {
			r.Permissions[ActionClose] = []incident.Role{incident.RoleIncidentManager, "boss"}
		}, "permissions.close[1]", `unknown role "boss"`},
		{"empty role list", func(r *Rules) { r.Permissions[ActionClose] = []incident.Role{} }, "permissions.close", "nobody"},
		{"nil role list", func(r *Rules) { r.Permissions[ActionReopen] = nil }, "permissions.reopen", "nobody"},
		{"restricted role", func(r *Rules) { r.RestrictedAccess = []incident.Role{""} }, "restricted_access[0]", "unknown role"},
		{"status no name", func(r *Rules) {
			r.Statuses = []Status{{Name: "  ", Phase: incident.PhaseRespond, State: incident.StateAnalysis}}
		}, "statuses[0].name", "needs a name"},
		{"status long name", func(r *Rules) {
			r.Statuses = []Status{{Name: strings.Repeat("x", 201), Phase: incident.PhaseRespond, State: incident.StateAnalysis}}
		}, "statuses[0].name", "over the limit of 200"},
		{"status control character", func(r *Rules) {
			r.Statuses = []Status{{Name: "On\nhold", Phase: incident.PhaseRespond, State: incident.StateAnalysis}}
		}, "statuses[0].name", "control character"},
		{"status bad UTF-8", func(r *Rules) {
			r.Statuses = []Status{{Name: "On \xff hold", Phase: incident.PhaseRespond, State: incident.StateAnalysis}}
		}, "statuses[0].name", "UTF-8"},
		{"status duplicate", func(r *Rules) {
			r.Statuses = []Status{
				{Name: "Waiting", Phase: incident.PhaseRespond, State: incident.StateAnalysis},
				{Name: "Waiting", Phase: incident.PhaseRespond, State: incident.StateRecovery},
			}
		}, "statuses[1].name", "duplicate status name, first used by statuses[0]"},
		{"status unknown phase", func(r *Rules) {
			r.Statuses = []Status{{Name: "Parked", Phase: "parking", State: incident.StateAnalysis}}
		}, "statuses[0].phase", `unknown phase "parking"`},
		{"status unknown state", func(r *Rules) {
			r.Statuses = []Status{{Name: "Parked", Phase: incident.PhaseRespond, State: "parked"}}
		}, "statuses[0].state", `unknown state "parked"`},
		{"status state not in phase", func(r *Rules) {
			r.Statuses = []Status{
				{Name: "Fine", Phase: incident.PhaseRespond, State: incident.StateRecovery},
				{Name: "Odd", Phase: incident.PhaseRespond, State: incident.StateTriage},
			}
		}, "statuses[1].state", "respond/triage is not a stage"},
		{"status plan and prepare", func(r *Rules) {
			r.Statuses = []Status{{Name: "Drill", Phase: incident.PhasePlanPrepare, State: incident.StateAnalysis}}
		}, "statuses[0].phase", "no record is ever in phase"},
		{"status empty stage", func(r *Rules) {
			r.Statuses = []Status{{Name: "Nowhere"}}
		}, "statuses[0].phase", "unknown phase"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := DefaultRules()
			tt.edit(r)
			err := r.Validate()
			if tt.reason == "" {
				require.NoError(t, err)
				return
			}
			ps := rulesProblems(t, err)
			require.Contains(t, problemFields(ps), tt.field, "%v", err)
			for _, p := range ps {
				if p.Field == tt.field {
					assert.Contains(t, p.Reason, tt.reason)
					assert.Contains(t, err.Error(), tt.field)
					return
				}
			}
		})
	}
}

func TestRulesValidateNil(t *testing.T) {
	var r *Rules
	ps := rulesProblems(t, r.Validate())
	assert.Equal(t, "rules are nil", ps[0].Reason)
}

func TestRulesValidateReportsEveryProblem(t *testing.T) {
	r := DefaultRules()
	r.ReviewRequiredAt = "severe"
	r.Permissions[ActionClose] = []incident.Role{"boss", incident.RoleIRTLead, "chief"}
	r.Permissions["approve"] = []incident.Role{}
	r.AcknowledgeWithin["p1"] = Duration(-time.Minute)
	r.ReportDueSoon = Duration(-time.Hour)
	r.Statuses = []Status{
		{Name: "A", Phase: incident.PhaseRespond, State: incident.StateAnalysis},
		{Name: "A", Phase: incident.PhaseRespond, State: "nap"},
	}
	err := r.Validate()
	ps := rulesProblems(t, err)
	// Fields of Rules in order, map keys sorted.
	assert.Equal(t, []string{
		"review_required_at",
		"acknowledge_within.p1",
		"acknowledge_within.p1",
		"report_due_soon",
		"permissions.approve",
		"permissions.approve",
		"permissions.close[0]",
		"permissions.close[2]",
		"statuses[1].name",
		"statuses[1].state",
	}, problemFields(ps))
	msg := err.Error()
	assert.True(t, strings.HasPrefix(msg, "lifecycle: invalid rules (10 problems): review_required_at: "), msg)
	assert.Contains(t, msg, "; and 5 more")
	assert.NotContains(t, msg, "statuses[1]", "only the first few are spelt out")

	// The same rules give the same problems every time.
	for range 20 {
		assert.Equal(t, ps, rulesProblems(t, r.Validate()))
	}
}

func TestRulesErrorMessage(t *testing.T) {
	one := &RulesError{Problems: []RulesProblem{{Field: "permissions.close[1]", Value: "boss", Reason: `unknown role "boss"`}}}
	assert.Equal(t, `lifecycle: invalid rules: permissions.close[1]: unknown role "boss"`, one.Error())
	assert.True(t, errors.Is(one, ErrInvalidRules))
	whole := &RulesError{Problems: []RulesProblem{{Reason: "rules are nil"}}}
	assert.Equal(t, "lifecycle: invalid rules: rules are nil", whole.Error())
}

func TestParseRulesMissingScale(t *testing.T) {
	r, err := ParseRules([]byte(`{"review_required_at": "high", "approver_roles": [], "statuses": []}`))
	require.NoError(t, err)
	assert.Nil(t, r.Severity)
	assert.Equal(t, incident.DefaultSeverityScale(), r.scale(), "a missing severity_scale means the default scale")
	assert.Nil(t, r.ApproverRoles, "an empty list reads as left out")
	assert.Nil(t, r.Statuses)
	assert.Nil(t, r.Permissions)
}

func TestParseRulesRefuses(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		fields []string
		reason string
	}{
		{"unknown top-level field", `{"require_confirmation": true, "colour": "red"}`, []string{"colour"}, "unknown field"},
		{"wrong case", `{"Require_Confirmation": true}`, []string{"Require_Confirmation"}, `did you mean "require_confirmation"`},
		{"unknown nested field", `{"statuses": [{"name": "A", "phase": "respond", "state": "analysis"},
			{"name": "B", "phase": "respond", "state": "recovery", "colour": "red"}]}`,
			[]string{"statuses[1].colour"}, "unknown field"},
		{"unknown scale field", `{"severity_scale": {"name": "s", "levels": [{"name": "x", "label": "X", "criticality": 1, "rank": 1}]}}`,
			[]string{"severity_scale.levels[0].rank"}, "unknown field"},
		{"every unknown field", `{"a": 1, "b": {"c": [1, 2, {"d": 3}]}, "report_due_soon": "1h", "e": null}`,
			[]string{"a", "b", "e"}, "unknown field"},
		{"repeated key", `{"require_confirmation": true, "require_confirmation": false}`, []string{"require_confirmation"}, "repeated key"},
		{"repeated map key", `{"permissions": {"close": ["irt_lead"], "close": ["legal"]}}`, []string{"permissions.close"}, "repeated key"},
		{"number for duration", `{"report_due_soon": 5400}`, []string{"report_due_soon"}, `"90m"`},
		{"number for acknowledge", `{"acknowledge_within": {"high": 60, "": "1h"}}`, []string{"acknowledge_within.high"}, `"90m"`},
		{"bad duration string", `{"report_due_soon": "a while"}`, []string{"report_due_soon"}, "not a duration"},
		{"wrong types", `{"require_confirmation": "yes", "approver_roles": "irt_lead", "statuses": [{"name": 7}]}`,
			[]string{"require_confirmation", "approver_roles", "statuses[0].name"}, "want"},
		{"criticality not integer", `{"severity_scale": {"name": "s", "levels": [{"name": "x", "label": "X", "criticality": 1.5}]}}`,
			[]string{"severity_scale.levels[0].criticality"}, "integer"},
		{"trailing object", `{} {}`, []string{""}, "unexpected data after"},
		{"trailing garbage", `{"require_confirmation": true} x`, []string{""}, "unexpected data after"},
		{"two values", "{}\n[]", []string{""}, "unexpected data after"},
		{"not an object", `[]`, []string{""}, "must be a JSON object"},
		{"null", `null`, []string{""}, "must be a JSON object"},
		{"empty", ``, []string{""}, "end of input"},
		{"truncated", `{"permissions": {"close": [`, []string{"permissions.close"}, "end of input"},
		{"syntax", `{"require_confirmation": tru}`, []string{"require_confirmation"}, "invalid JSON"},
		{"invalid after valid", `{"statuses": [{"name": "x", "colour": 1}, }`, []string{"statuses[0].colour", "statuses[1]"}, "invalid JSON"},
		{"validation", `{"second_approver_at": "critical", "permissions": {"close": []}}`,
			[]string{"approver_roles", "permissions.close"}, "nobody"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := ParseRules([]byte(tt.in))
			assert.Nil(t, r)
			ps := rulesProblems(t, err)
			assert.Equal(t, tt.fields, problemFields(ps), "%v", err)
			assert.Contains(t, err.Error(), tt.reason)
		})
	}
}

func TestParseRulesOversize(t *testing.T) {
	data := append([]byte(`{"statuses": [`), bytes.Repeat([]byte(" "), MaxRulesBytes)...)
	data = append(data, "]}"...)
	_, err := ParseRules(data)
	ps := rulesProblems(t, err)
	assert.Contains(t, ps[0].Reason, "MaxRulesBytes")

	// Exactly at the limit is read.
	ok := []byte(`{"require_confirmation": true}`)
	ok = append(ok, bytes.Repeat([]byte(" "), MaxRulesBytes-len(ok))...)
	require.Len(t, ok, MaxRulesBytes)
	r, err := ParseRules(ok)
	require.NoError(t, err)
	assert.True(t, r.RequireConfirmation)
}

func TestParseRulesDeepNesting(t *testing.T) {
	deep := `{"x": ` + strings.Repeat("[", 100000) + strings.Repeat("]", 100000) + `}`
	_, err := ParseRules([]byte(deep))
	ps := rulesProblems(t, err)
	assert.Equal(t, []string{"x"}, problemFields(ps))

	broken := `{"x": ` + strings.Repeat("[", 100000) + `}`
	_, err = ParseRules([]byte(broken))
	ps = rulesProblems(t, err)
	assert.Equal(t, []string{"x", "x"}, problemFields(ps), "unknown, then broken off inside it")
}

func TestRulesClone(t *testing.T) {
	assert.Nil(t, (*Rules)(nil).Clone())

	orig := DefaultRules()
	orig.Severity = incident.NCISSSeverityScale()
	orig.Statuses = []Status{{Name: "Waiting for customer", Phase: incident.PhaseRespond, State: incident.StateAnalysis}}
	orig.AcknowledgeWithin = map[incident.Severity]Duration{incident.SeverityHigh: Duration(time.Hour)}
	c := orig.Clone()
	require.Equal(t, orig, c)

	c.Severity.Name = "changed"
	c.Severity.Levels[0].Name = "changed"
	c.ApproverRoles[0] = incident.RoleLegal
	c.AcknowledgeWithin[incident.SeverityHigh] = Duration(time.Minute)
	c.AcknowledgeWithin[incident.SeverityLow] = Duration(time.Minute)
	c.Permissions[ActionClose][0] = incident.RoleLegal
	c.Permissions[ActionTimer] = []incident.Role{incident.RoleLegal}
	c.RestrictedAccess[0] = incident.RoleLegal
	c.Statuses[0].Name = "changed"

	want := DefaultRules()
	want.Severity = incident.NCISSSeverityScale()
	want.Statuses = []Status{{Name: "Waiting for customer", Phase: incident.PhaseRespond, State: incident.StateAnalysis}}
	want.AcknowledgeWithin = map[incident.Severity]Duration{incident.SeverityHigh: Duration(time.Hour)}
	assert.Equal(t, want, orig, "changing the clone changed the original")

	// Nil stays nil.
	empty := (&Rules{}).Clone()
	assert.Nil(t, empty.Severity)
	assert.Nil(t, empty.Permissions)
	assert.Nil(t, empty.AcknowledgeWithin)
	assert.Nil(t, empty.Statuses)
}

func FuzzParseRules(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "rules", "*.json"))
	require.NoError(f, err)
	for _, file := range files {
		data, err := os.ReadFile(file)
		require.NoError(f, err)
		f.Add(data)
	}
	f.Add([]byte(`{"report_due_soon": 90}`))
	f.Add([]byte(`{"statuses": [{"name": "x", "phase": "respond", "state": "triage"}]}`))
	f.Add([]byte(`{"acknowledge_within": {"": "1h"}, "permissions": {}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := ParseRules(data)
		if err != nil {
			require.Nil(t, r)
			var re *RulesError
			require.ErrorAs(t, err, &re)
			require.NotEmpty(t, re.Problems)
			require.ErrorIs(t, err, ErrInvalidRules)
			return
		}
		require.NoError(t, r.Validate())
		out, err := json.Marshal(r)
		require.NoError(t, err)
		again, err := ParseRules(out)
		require.NoError(t, err, "%s", out)
		require.Equal(t, r, again)
		require.Equal(t, r, r.Clone())
	})
}

// decodeProblem is the fallback for a decoder error the scan did not
// foresee; it still names the field when encoding/json does.
func TestRulesDecodeProblem(t *testing.T) {
	decode := func(in string) error {
		dec := json.NewDecoder(strings.NewReader(in))
		dec.DisallowUnknownFields()
		var r Rules
		return dec.Decode(&r)
	}
	p := decodeProblem(decode(`{"colour": 1}`))
	assert.Equal(t, RulesProblem{Field: "colour", Value: "colour", Reason: "unknown field"}, p)
	p = decodeProblem(decode(`{"statuses": [{"name": 1}]}`))
	assert.Equal(t, "statuses.name", p.Field)
	assert.Contains(t, p.Reason, "cannot read JSON number")
	p = decodeProblem(decode(`{"report_due_soon": 90}`))
	assert.Contains(t, p.Reason, `"90m"`)
	assert.NotContains(t, p.Reason, "lifecycle: invalid rules")
	p = decodeProblem(decode(`{"require_confirmation": tru}`))
	assert.Contains(t, p.Reason, "invalid JSON at byte")
	p = decodeProblem(decode(`{"require_confirmation": `))
	assert.Contains(t, p.Reason, "unexpected end of input")
}
