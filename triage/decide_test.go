package triage

import (
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// factsWith returns facts with personal data, special categories and a
// data subject count set as given (special nil and subjects < 0 leave
// them unknown).
func factsWith(personal bool, special []string, subjects int64) *incident.Facts {
	f := &incident.Facts{}
	_ = f.PersonalData.Set(personal, t0, "test")
	if special != nil {
		_ = f.SpecialCategories.Set(special, t0, "test")
	}
	if subjects >= 0 {
		_ = f.DataSubjects.Set(subjects, t0, "test")
	}
	return f
}

// TestImpactCriteria checks each impact criterion of the default profile
// at and around its thresholds.
func TestImpactCriteria(t *testing.T) {
	tests := []struct {
		name  string
		in    Input
		want  Level
		known bool
		rule  string
	}{
		{"nothing known", Input{}, LevelNone, false, ""},
		{"empty impact", Input{Impact: &incident.Impact{}}, LevelNone, false, ""},
		{"confidentiality none", Input{Impact: &incident.Impact{Confidentiality: incident.ImpactNone}}, LevelNone, true, RuleConfidentiality},
		{"integrity medium", Input{Impact: &incident.Impact{Integrity: incident.ImpactMedium}}, LevelMedium, true, RuleIntegrity},
		{"availability high", Input{Impact: &incident.Impact{Availability: incident.ImpactHigh}}, LevelHigh, true, RuleAvailability},
		{"functional low", Input{Impact: &incident.Impact{Functional: incident.ImpactLow}}, LevelLow, true, RuleFunctional},
		{"unknown enum value reads nothing", Input{Impact: &incident.Impact{Functional: "total"}}, LevelNone, false, ""},
		{"information: the worst counts", Input{Impact: &incident.Impact{Information: []incident.InformationImpact{
			incident.InformationProprietaryBreach, incident.InformationPrivacyBreach}}}, LevelHigh, true, RuleInformation},
		{"information none", Input{Impact: &incident.Impact{Information: []incident.InformationImpact{incident.InformationNone}}}, LevelNone, true, RuleInformation},
		{"recoverability regular", Input{Impact: &incident.Impact{Recoverability: incident.RecoverabilityRegular}}, LevelLow, true, RuleRecoverability},
		{"recoverability supplemented", Input{Impact: &incident.Impact{Recoverability: incident.RecoverabilitySupplemented}}, LevelMedium, true, RuleRecoverability},
		{"recoverability extended", Input{Impact: &incident.Impact{Recoverability: incident.RecoverabilityExtended}}, LevelHigh, true, RuleRecoverability},
		{"not recoverable", Input{Impact: &incident.Impact{Recoverability: incident.RecoverabilityNotRecoverable}}, LevelCritical, true, RuleRecoverability},
		{"users 0 reads nothing", Input{Observation: Observation{Users: 0}}, LevelNone, false, ""},
		{"users 1", Input{Observation: Observation{Users: 1}}, LevelLow, true, RuleUsers},
		{"users 99", Input{Observation: Observation{Users: 99}}, LevelLow, true, RuleUsers},
		{"users 100", Input{Observation: Observation{Users: 100}}, LevelMedium, true, RuleUsers},
		{"users 999", Input{Observation: Observation{Users: 999}}, LevelMedium, true, RuleUsers},
		{"users 1000", Input{Observation: Observation{Users: 1000}}, LevelHigh, true, RuleUsers},
		{"users 9999", Input{Observation: Observation{Users: 9999}}, LevelHigh, true, RuleUsers},
		{"users 10000", Input{Observation: Observation{Users: 10000}}, LevelCritical, true, RuleUsers},
		{"organisations 1", Input{Observation: Observation{Organisations: 1}}, LevelMedium, true, RuleOrganisations},
		{"organisations 4", Input{Observation: Observation{Organisations: 4}}, LevelMedium, true, RuleOrganisations},
		{"organisations 5", Input{Observation: Observation{Organisations: 5}}, LevelHigh, true, RuleOrganisations},
		{"organisations 50", Input{Observation: Observation{Organisations: 50}}, LevelCritical, true, RuleOrganisations},
		{"criticality: the most critical asset or service", Input{Impact: &incident.Impact{
			Assets:   []incident.Asset{{ID: "a", Criticality: incident.CriticalityLow}, {ID: "b"}, {ID: "c", Criticality: incident.CriticalityHigh}},
			Services: []incident.Service{{Name: "s", Criticality: incident.CriticalityMedium}},
		}}, LevelHigh, true, RuleCriticality},
		{"critical service", Input{Impact: &incident.Impact{Services: []incident.Service{{Name: "pay", Criticality: incident.CriticalityCrit}}}}, LevelCritical, true, RuleCriticality},
		{"criticality unknown reads nothing", Input{Impact: &incident.Impact{Assets: []incident.Asset{{ID: "a"}}}}, LevelNone, false, ""},
		{"no personal data", Input{Facts: factsWith(false, nil, -1)}, LevelNone, true, RulePersonalData},
		{"personal data unprotected", Input{Facts: factsWith(true, nil, -1)}, LevelMedium, true, RulePersonalData},
		{"personal data protected", Input{Facts: factsWith(true, []string{"health"}, 5000), Observation: Observation{DataProtected: true}}, LevelLow, true, RulePersonalData},
		{"special categories", Input{Facts: factsWith(true, []string{"health"}, -1)}, LevelHigh, true, RuleSpecialCategories},
		{"special categories without the personal data fact", Input{Facts: func() *incident.Facts {
			f := &incident.Facts{}
			_ = f.SpecialCategories.Set([]string{"health"}, t0, "t")
			return f
		}()}, LevelHigh, true, RuleSpecialCategories},
		{"empty special categories", Input{Facts: factsWith(true, []string{}, -1)}, LevelMedium, true, RulePersonalData},
		{"data subjects 499", Input{Facts: factsWith(true, nil, 499)}, LevelMedium, true, RulePersonalData},
		{"data subjects 500", Input{Facts: factsWith(true, nil, 500)}, LevelHigh, true, RuleDataSubjects},
		{"data subjects 100000", Input{Facts: factsWith(true, nil, 100_000)}, LevelCritical, true, RuleDataSubjects},
		{"facts unknown", Input{Facts: &incident.Facts{}}, LevelNone, false, ""},
		{"safety negligible", Input{Observation: Observation{Safety: SafetyNegligible}}, LevelLow, true, RuleSafety},
		{"safety marginal", Input{Observation: Observation{Safety: SafetyMarginal}}, LevelHigh, true, RuleSafety},
		{"safety critical", Input{Observation: Observation{Safety: SafetyCritical}}, LevelCritical, true, RuleSafety},
		{"safety catastrophic", Input{Observation: Observation{Safety: SafetyCatastrophic}}, LevelCritical, true, RuleSafety},
		{"the worst criterion wins", Input{
			Impact:      &incident.Impact{Confidentiality: incident.ImpactLow, Availability: incident.ImpactMedium},
			Observation: Observation{Users: 2000},
		}, LevelHigh, true, RuleUsers},
	}
	p := DefaultProfile()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DecideExplained(p, tt.in)
			if d.Impact != tt.want || d.ImpactKnown != tt.known {
				t.Errorf("impact %s (known %v), want %s (known %v)\n%s", d.Impact, d.ImpactKnown, tt.want, tt.known, d.Explanation)
			}
			if tt.rule == "" {
				return
			}
			if !slices.ContainsFunc(d.Explanation.Rules, func(r FiredRule) bool {
				return r.Rule == tt.rule && r.Level == tt.want && len(r.Inputs) > 0
			}) {
				t.Errorf("rule %s did not fire at %s: %+v", tt.rule, tt.want, d.Explanation.Rules)
			}
		})
	}
}

// TestUrgencyCriteria checks each urgency criterion of the default
// profile at and around its thresholds.
func TestUrgencyCriteria(t *testing.T) {
	obs := func(o Observation) Input { return Input{Now: t0, Observation: o} }
	tests := []struct {
		name string
		in   Input
		want Level
		rule string
	}{
		{"nothing", obs(Observation{}), LevelNone, ""},
		{"ongoing", obs(Observation{Ongoing: true}), LevelHigh, RuleOngoing},
		{"activity exactly 1h ago", obs(Observation{LastActivity: t0.Add(-time.Hour)}), LevelHigh, RuleOngoing},
		{"activity 1h and 1ns ago", obs(Observation{LastActivity: t0.Add(-time.Hour - 1)}), LevelNone, ""},
		{"activity in the future counts", obs(Observation{LastActivity: t0.Add(time.Minute)}), LevelHigh, RuleOngoing},
		{"last activity without now", Input{Observation: Observation{LastActivity: t0}}, LevelNone, ""},
		{"spread 1", obs(Observation{Systems: 1}), LevelLow, RuleSpread},
		{"spread 4", obs(Observation{Systems: 4}), LevelLow, RuleSpread},
		{"spread 5", obs(Observation{Systems: 5}), LevelMedium, RuleSpread},
		{"spread 49", obs(Observation{Systems: 49}), LevelMedium, RuleSpread},
		{"spread 50", obs(Observation{Systems: 50}), LevelHigh, RuleSpread},
		{"lateral movement", obs(Observation{LateralMovement: true}), LevelHigh, RuleLateralMovement},
		{"exposure small", obs(Observation{Exposure: ExposureSmall}), LevelLow, RuleExposure},
		{"exposure controlled", obs(Observation{Exposure: ExposureControlled}), LevelMedium, RuleExposure},
		{"exposure open", obs(Observation{Exposure: ExposureOpen}), LevelHigh, RuleExposure},
		{"deadline passed", obs(Observation{Deadline: t0.Add(-time.Hour)}), LevelHigh, RuleDeadline},
		{"deadline in exactly 24h", obs(Observation{Deadline: t0.Add(24 * time.Hour)}), LevelHigh, RuleDeadline},
		{"deadline in 24h and 1ns", obs(Observation{Deadline: t0.Add(24*time.Hour + 1)}), LevelMedium, RuleDeadline},
		{"deadline in exactly 72h", obs(Observation{Deadline: t0.Add(72 * time.Hour)}), LevelMedium, RuleDeadline},
		{"deadline in 7 days", obs(Observation{Deadline: t0.Add(7 * 24 * time.Hour)}), LevelLow, RuleDeadline},
		{"deadline in 7 days and 1ns", obs(Observation{Deadline: t0.Add(7*24*time.Hour + 1)}), LevelNone, ""},
		{"deadline without now", Input{Observation: Observation{Deadline: t0}}, LevelNone, ""},
		{"the worst criterion wins", obs(Observation{Systems: 6, Exposure: ExposureSmall, Deadline: t0.Add(time.Hour)}), LevelHigh, RuleDeadline},
	}
	p := DefaultProfile()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DecideExplained(p, tt.in)
			if d.Urgency != tt.want {
				t.Errorf("urgency %s, want %s\n%s", d.Urgency, tt.want, d.Explanation)
			}
			if tt.rule == "" {
				for _, r := range d.Explanation.Rules {
					if strings.HasPrefix(r.Rule, "urgency.") {
						t.Errorf("rule %s fired", r.Rule)
					}
				}
				return
			}
			if r, ok := d.Explanation.Fired(tt.rule); !ok || r.Level != tt.want || len(r.Inputs) != 1 {
				t.Errorf("rule %s: %+v %v", tt.rule, r, ok)
			}
		})
	}
}

// TestOutcomeRules checks each outcome rule, in the order they apply.
func TestOutcomeRules(t *testing.T) {
	harm := &incident.Impact{Confidentiality: incident.ImpactMedium}
	noHarm := &incident.Impact{Confidentiality: incident.ImpactNone}
	tests := []struct {
		name     string
		in       Input
		outcome  incident.Outcome
		rule     string
		severity incident.Severity
		priority incident.Priority
		tier     string
	}{
		{"false positive beats everything", Input{Impact: harm, Observation: Observation{FalsePositive: true, Ongoing: true}},
			incident.OutcomeNotIncident, RuleFalsePositive, "", "", ""},
		{"impact makes an incident", Input{Impact: harm},
			incident.OutcomeIncident, RuleIncidentAt, incident.SeverityMedium, incident.P4, "routine"},
		{"impact beats prevented", Input{Impact: harm, Observation: Observation{Prevented: true}},
			incident.OutcomeIncident, RuleIncidentAt, incident.SeverityMedium, incident.P4, "routine"},
		{"prevented without harm is a near miss", Input{Impact: noHarm, Observation: Observation{Prevented: true, Exposure: ExposureOpen}},
			incident.OutcomeNearMiss, RulePrevented, "", incident.P3, "standard"},
		{"prevented, impact unknown", Input{Observation: Observation{Prevented: true}},
			incident.OutcomeNearMiss, RulePrevented, "", incident.P5, "routine"},
		{"urgent without harm is watched", Input{Impact: noHarm, Observation: Observation{Systems: 7}},
			incident.OutcomeUnderWatch, RuleWatchAt, "", incident.P4, "routine"},
		{"unknown impact is watched", Input{},
			incident.OutcomeUnderWatch, RuleWatchUnknown, "", incident.P5, "routine"},
		{"no harm, no hurry", Input{Impact: noHarm},
			incident.OutcomeNotIncident, RuleNoImpact, "", "", ""},
	}
	p := DefaultProfile()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := DecideExplained(p, tt.in)
			if d.Outcome != tt.outcome || d.Severity != tt.severity || d.Priority != tt.priority || d.Tier != tt.tier {
				t.Errorf("got %s %q %q %q, want %s %q %q %q", d.Outcome, d.Severity, d.Priority, d.Tier, tt.outcome, tt.severity, tt.priority, tt.tier)
			}
			var outcomeRules []string
			for _, r := range d.Explanation.Rules {
				if strings.HasPrefix(r.Rule, "outcome.") {
					outcomeRules = append(outcomeRules, r.Rule)
				}
			}
			if !slices.Equal(outcomeRules, []string{tt.rule}) {
				t.Errorf("outcome rules %v, want %s", outcomeRules, tt.rule)
			}
		})
	}
	// A profile that does not watch the unknown closes it.
	q := DefaultProfile()
	q.Outcome.WatchUnknown = false
	if d := Decide(q, Input{}); d.Outcome != incident.OutcomeNotIncident {
		t.Errorf("WatchUnknown false: %s", d.Outcome)
	}
	// A higher incident threshold makes low harm a near miss or watched.
	q.Outcome.IncidentAt = LevelHigh
	if d := Decide(q, Input{Impact: harm, Observation: Observation{Ongoing: true}}); d.Outcome != incident.OutcomeUnderWatch {
		t.Errorf("IncidentAt high: %s", d.Outcome)
	}
}

// decisionInputs are assorted inputs for properties that hold for every
// input.
func decisionInputs() []Input {
	return []Input{
		{},
		benchInput(),
		{Now: t0, Impact: &incident.Impact{Availability: incident.ImpactHigh}, Observation: Observation{Ongoing: true}},
		{Now: t0, Facts: factsWith(true, nil, 700), Observation: Observation{Deadline: t0.Add(30 * time.Hour)}},
		{Observation: Observation{Prevented: true, Systems: 40}},
		{Observation: Observation{FalsePositive: true}},
		{Impact: &incident.Impact{Confidentiality: incident.ImpactNone}},
	}
}

func TestDecideExplainedDecidesAsDecide(t *testing.T) {
	for _, p := range []*Profile{DefaultProfile(), func() *Profile { q := DefaultProfile(); q.Matrix = fourByFour(); return q }()} {
		for i, in := range decisionInputs() {
			plain := Decide(p, in)
			ex := DecideExplained(p, in)
			if ex.Explanation == nil {
				t.Fatalf("input %d: no explanation", i)
			}
			e := ex.Explanation
			if e.Outcome != ex.Outcome || e.Priority != ex.Priority || e.Severity != ex.Severity || e.Tier != ex.Tier || e.Profile != p.Name {
				t.Errorf("input %d: explanation disagrees with its decision: %+v", i, e)
			}
			ex.Explanation = nil
			if !reflect.DeepEqual(plain, ex) {
				t.Errorf("input %d: Decide %+v, DecideExplained %+v", i, plain, ex)
			}
		}
	}
}

func TestDecisionDoesNotAllocate(t *testing.T) {
	p := DefaultProfile()
	for i, in := range decisionInputs() {
		if n := testing.AllocsPerRun(50, func() { Decide(p, in) }); n != 0 {
			t.Errorf("input %d: %v allocations", i, n)
		}
	}
}

func TestDecisionIsPure(t *testing.T) {
	p := DefaultProfile()
	in := benchInput()
	before := p.Clone()
	facts := in.Facts.Clone()
	first := DecideExplained(p, in)
	for range 3 {
		if again := DecideExplained(p, in); !reflect.DeepEqual(first, again) {
			t.Fatal("a second decision differs")
		}
	}
	if !reflect.DeepEqual(p, before) || !reflect.DeepEqual(*in.Facts, facts) {
		t.Error("deciding changed the profile or the input")
	}
}

func TestDecideOnBrokenProfiles(t *testing.T) {
	if d := Decide(nil, benchInput()); !reflect.DeepEqual(d, Decision{}) {
		t.Errorf("nil profile: %+v", d)
	}
	if d := DecideExplained(nil, benchInput()); d.Explanation == nil {
		t.Error("nil profile: no explanation")
	}
	// The zero profile is invalid; Decide must still not panic.
	for _, in := range decisionInputs() {
		d := Decide(&Profile{}, in)
		if d.Priority != "" || d.Tier != "" {
			t.Errorf("zero profile gave %+v", d)
		}
	}
	p := DefaultProfile()
	p.Tiers = nil
	if d := Decide(p, benchInput()); d.Priority == "" || d.Tier != "" {
		t.Errorf("no tiers: %+v", d)
	}
}

func TestIncidentInput(t *testing.T) {
	inc := &incident.Incident{Impact: incident.Impact{Integrity: incident.ImpactHigh}, Facts: *factsWith(true, nil, 10)}
	in := IncidentInput(inc, Observation{Ongoing: true}, t0)
	if in.Impact != &inc.Impact || in.Facts != &inc.Facts || !in.Now.Equal(t0) || !in.Observation.Ongoing {
		t.Fatalf("input %+v", in)
	}
	if d := Decide(DefaultProfile(), in); d.Priority != incident.P1 {
		t.Errorf("decision %+v", d)
	}
}

func TestDiff(t *testing.T) {
	p := DefaultProfile()
	old := Decide(p, Input{Facts: factsWith(true, nil, 10), Observation: Observation{DataProtected: true}})
	new := Decide(p, Input{Facts: factsWith(true, nil, 1200)})
	got := Diff(old, new)
	want := []Change{
		{"severity", "low", "high"},
		{"priority", "P5", "P3"},
		{"tier", "routine", "standard"},
		{"acknowledge", "24h0m0s", "4h0m0s"},
		{"contain", "", "72h0m0s"},
		{"impact", "low", "high"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Diff = %+v\nwant %+v", got, want)
	}
	if got[4].String() != "contain: (none) → 72h0m0s" {
		t.Errorf("String = %q", got[4].String())
	}
	if d := Diff(new, DecideExplained(p, Input{Facts: factsWith(true, nil, 1200)})); d != nil {
		t.Errorf("explanation compared: %v", d)
	}
	all := Diff(Decision{}, Decision{Profile: "x", Outcome: incident.OutcomeUnderWatch, Urgency: LevelLow, ImpactKnown: true})
	var fields []string
	for _, c := range all {
		fields = append(fields, c.Field)
	}
	if !slices.Equal(fields, []string{"profile", "outcome", "urgency", "impact_known"}) {
		t.Errorf("fields %v", fields)
	}
}

func TestDecisionAssessment(t *testing.T) {
	d := DecideExplained(DefaultProfile(), benchInput())
	a := d.Assessment(incident.AssessmentFirst, "alice", incident.RolePointOfContact, t0)
	if a.Outcome != d.Outcome || a.Severity != d.Severity || a.Priority != d.Priority || a.By != "alice" ||
		a.Rationale != d.Explanation.String() || a.Step != incident.AssessmentFirst || !a.At.Equal(t0) {
		t.Errorf("assessment %+v", a)
	}
	d.Explanation = nil
	if a := d.Assessment(incident.AssessmentConfirmation, "bob", incident.RoleIRTLead, t0); a.Rationale != "" {
		t.Errorf("rationale without explanation: %q", a.Rationale)
	}
}
