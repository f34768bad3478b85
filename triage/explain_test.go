package triage

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
)

func TestExplanationString(t *testing.T) {
	p := DefaultProfile()
	tests := []struct {
		name string
		in   Input
		want string
	}{
		{"incident", Input{Now: t0, Facts: factsWith(true, nil, 600), Observation: Observation{Deadline: t0.Add(48 * time.Hour)}},
			"incident, severity high, priority P2, tier urgent (profile default): impact high by impact.personal_data.data_subjects(facts.data_subjects=600 ≥ 500); " +
				"urgency medium by urgency.deadline(observation.deadline in 48h0m0s ≤ 72h0m0s); cell impact high × urgency medium → P2; outcome.incident_at(impact high ≥ low)"},
		{"two rules give the level", Input{Impact: &incident.Impact{Integrity: incident.ImpactMedium, Availability: incident.ImpactMedium}},
			"incident, severity medium, priority P4, tier routine (profile default): impact medium by impact.integrity(impact.integrity=medium), impact.availability(impact.availability=medium); " +
				"urgency none; cell impact medium × urgency low → P4; outcome.incident_at(impact medium ≥ low)"},
		{"false positive", Input{Observation: Observation{FalsePositive: true}},
			"not_incident (profile default): impact unknown; urgency none; outcome.false_positive(observation.false_positive=true)"},
		{"nothing harmful", Input{Facts: factsWith(false, nil, -1)},
			"not_incident (profile default): impact none by impact.personal_data(facts.personal_data=false); urgency none; outcome.no_impact(impact none below low, urgency none below low)"},
		{"unknown", Input{},
			"under_watch, priority P5, tier routine (profile default): impact unknown; urgency none; cell impact low × urgency low → P5; outcome.watch_unknown(impact unknown, urgency none below low)"},
		{"deadline passed", Input{Now: t0, Observation: Observation{Deadline: t0.Add(-2 * time.Hour)}},
			"under_watch, priority P3, tier standard (profile default): impact unknown; urgency high by urgency.deadline(observation.deadline passed 2h0m0s ago ≤ 24h0m0s); cell impact low × urgency high → P3; outcome.watch_at(urgency high ≥ low, impact unknown)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := DecideExplained(p, tt.in).Explanation.String()
			if got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
			if strings.Contains(got, "\n") {
				t.Error("more than one line")
			}
		})
	}
	if (*Explanation)(nil).String() != "" {
		t.Error("nil explanation")
	}
}

func TestExplanationStructure(t *testing.T) {
	d := DecideExplained(DefaultProfile(), benchInput())
	e := d.Explanation
	var rules []string
	for _, r := range e.Rules {
		rules = append(rules, r.Rule+"="+r.Level.String())
	}
	want := []string{
		"impact.confidentiality=high", "impact.availability=low", "impact.functional=none",
		"impact.information=high", "impact.recoverability=critical", "impact.criticality=high",
		"impact.users=low", "impact.personal_data.special_categories=high", "impact.personal_data=medium",
		"impact.personal_data.data_subjects=high",
		"urgency.spread=low", "urgency.exposure=high", "urgency.deadline=medium",
		"outcome.incident_at=none", "severity=critical", "matrix=none", "tiers=none",
	}
	if strings.Join(rules, " ") != strings.Join(want, " ") {
		t.Errorf("rules\n%v\nwant\n%v", rules, want)
	}
	if e.Cell != (Cell{Impact: LevelHigh, Urgency: LevelHigh, Priority: incident.P1}) {
		t.Errorf("cell %+v", e.Cell)
	}
	var names []string
	for _, in := range e.Inputs() {
		names = append(names, in.Name+"="+in.Value)
	}
	wantInputs := "impact.confidentiality=high impact.availability=low impact.functional=none impact.information[0]=privacy_breach " +
		"impact.recoverability=not_recoverable impact.services[0].criticality=high observation.users=3 facts.special_categories=set " +
		"observation.data_protected=false facts.personal_data=true facts.data_subjects=1200 observation.systems=1 observation.exposure=open " +
		"observation.deadline=in 60h0m0s"
	if got := strings.Join(names, " "); got != wantInputs {
		t.Errorf("inputs\n%s\nwant\n%s", got, wantInputs)
	}
	if _, ok := e.Fired(RuleSafety); ok {
		t.Error("safety fired without input")
	}
	// The explanation is plain data: it survives JSON.
	data, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back Decision
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back.Explanation.String() != e.String() || back.Priority != d.Priority || back.Impact != d.Impact {
		t.Errorf("JSON round trip: %s", data)
	}
}

func TestExplanationRecentActivity(t *testing.T) {
	d := DecideExplained(DefaultProfile(), Input{Now: t0, Observation: Observation{LastActivity: t0.Add(-10 * time.Minute)}})
	r, ok := d.Explanation.Fired(RuleOngoing)
	if !ok || r.Detail != "observation.last_activity 10m0s ago ≤ 1h0m0s" || r.Inputs[0] != (InputValue{"observation.last_activity", "10m0s ago"}) {
		t.Errorf("rule %+v", r)
	}
}
