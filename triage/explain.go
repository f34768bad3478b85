package triage

import (
	"strconv"
	"strings"
	"time"

	"github.com/iso27035/iso27035/incident"
)

// Explanation says why a decision came out as it did: every rule that
// fired, in the order they were applied, with the inputs each read, and
// the matrix cell used. DecideExplained fills it in; String gives it as
// one line of text.
type Explanation struct {
	// Profile names the profile that decided.
	Profile string `json:"profile"`
	// The decision explained.
	Outcome  incident.Outcome  `json:"outcome"`
	Severity incident.Severity `json:"severity,omitempty"`
	Priority incident.Priority `json:"priority,omitempty"`
	Tier     string            `json:"tier,omitempty"`
	// Impact and Urgency are the levels the criteria gave; ImpactKnown is
	// false when no impact criterion read anything.
	Impact      Level `json:"impact"`
	Urgency     Level `json:"urgency"`
	ImpactKnown bool  `json:"impact_known"`
	// Rules lists every rule that fired: first the impact criteria, then
	// the urgency criteria, then the outcome rule, severity, matrix and
	// tier, as they apply.
	Rules []FiredRule `json:"rules"`
	// Cell is the matrix cell used; the zero Cell when the event got no
	// priority (not an incident).
	Cell Cell `json:"cell"`
}

// FiredRule is one rule that fired.
type FiredRule struct {
	// Rule names the rule: the JSON path of its criterion in the profile
	// (impact.users, urgency.exposure) or what it decides (outcome.prevented,
	// matrix, tiers). The Rule… constants list them.
	Rule string `json:"rule"`
	// Level is the level a criterion gave on its axis; LevelNone for the
	// other rules.
	Level Level `json:"level"`
	// Inputs are the inputs the rule read, with their values.
	Inputs []InputValue `json:"inputs,omitempty"`
	// Detail says in words what the rule found ("observation.users=1200 ≥ 1000").
	Detail string `json:"detail"`
}

// InputValue is one input read: its name, a path into Input
// ("impact.confidentiality", "facts.data_subjects", "observation.exposure"),
// and its value as text.
type InputValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Inputs returns every input the rules read, each once, in the order first
// read.
func (e *Explanation) Inputs() []InputValue {
	var out []InputValue
	seen := map[string]bool{}
	for _, r := range e.Rules {
		for _, in := range r.Inputs {
			if !seen[in.Name] {
				seen[in.Name] = true
				out = append(out, in)
			}
		}
	}
	return out
}

// Fired returns the rule named rule and whether it fired. A rule that
// fired more than once (impact.information for two information impacts)
// gives its first firing.
func (e *Explanation) Fired(rule string) (FiredRule, bool) {
	for _, r := range e.Rules {
		if r.Rule == rule {
			return r, true
		}
	}
	return FiredRule{}, false
}

// String returns the explanation as one line: the decision, the rules that
// set the impact and the urgency (those that gave the highest level), the
// matrix cell and the outcome rule, e.g.
//
//	incident, severity medium, priority P3, tier standard (profile default): impact medium by impact.personal_data(facts.personal_data=true, observation.data_protected=false); urgency medium by urgency.deadline(observation.deadline in 48h0m0s ≤ 72h0m0s); cell impact medium × urgency medium → P3; outcome.incident_at(impact medium ≥ low)
func (e *Explanation) String() string {
	if e == nil {
		return ""
	}
	var b strings.Builder
	b.WriteString(string(e.Outcome))
	if e.Outcome == incident.OutcomeUndetermined {
		b.WriteString("undetermined")
	}
	if e.Severity != "" {
		b.WriteString(", severity " + string(e.Severity))
	}
	if e.Priority != "" {
		b.WriteString(", priority " + string(e.Priority))
	}
	if e.Tier != "" {
		b.WriteString(", tier " + e.Tier)
	}
	b.WriteString(" (profile " + e.Profile + "): ")
	if e.ImpactKnown {
		e.axis(&b, "impact", "impact.", e.Impact)
	} else {
		b.WriteString("impact unknown")
	}
	b.WriteString("; ")
	e.axis(&b, "urgency", "urgency.", e.Urgency)
	if e.Cell.Priority != "" {
		b.WriteString("; cell impact " + e.Cell.Impact.String() + " × urgency " + e.Cell.Urgency.String() + " → " + string(e.Cell.Priority))
	}
	for _, r := range e.Rules {
		if strings.HasPrefix(r.Rule, "outcome.") {
			b.WriteString("; " + r.Rule + "(" + r.Detail + ")")
		}
	}
	return b.String()
}

// axis writes one axis: its level and the rules that gave it.
func (e *Explanation) axis(b *strings.Builder, name, prefix string, level Level) {
	b.WriteString(name + " " + level.String())
	first := true
	for _, r := range e.Rules {
		if !strings.HasPrefix(r.Rule, prefix) || r.Level != level {
			continue
		}
		if first {
			b.WriteString(" by ")
			first = false
		} else {
			b.WriteString(", ")
		}
		b.WriteString(r.Rule + "(" + r.Detail + ")")
	}
}

// fire records a rule without inputs.
func (e *Explanation) fire(rule string, l Level, detail string) {
	e.Rules = append(e.Rules, FiredRule{Rule: rule, Level: l, Detail: detail})
}

// fireInput records a criterion that read one input.
func (e *Explanation) fireInput(rule string, l Level, name, value string) {
	e.Rules = append(e.Rules, FiredRule{
		Rule: rule, Level: l,
		Inputs: []InputValue{{Name: name, Value: value}},
		Detail: name + "=" + value,
	})
}

// fireCount records a count criterion; at is the threshold reached, 0 for
// none.
func (e *Explanation) fireCount(rule string, l Level, name string, n, at int64) {
	v := strconv.FormatInt(n, 10)
	detail := name + "=" + v
	if at > 0 {
		detail += " ≥ " + strconv.FormatInt(at, 10)
	} else {
		detail += " below every threshold"
	}
	e.Rules = append(e.Rules, FiredRule{Rule: rule, Level: l, Inputs: []InputValue{{Name: name, Value: v}}, Detail: detail})
}

// fireProtection records a personal data criterion.
func (e *Explanation) fireProtection(rule string, l Level, special, protected bool) {
	var ins []InputValue
	if special {
		ins = append(ins, InputValue{Name: "facts.special_categories", Value: "set"})
	} else {
		ins = append(ins, InputValue{Name: "facts.personal_data", Value: "true"})
	}
	ins = append(ins, InputValue{Name: "observation.data_protected", Value: strconv.FormatBool(protected)})
	parts := make([]string, len(ins))
	for i, in := range ins {
		parts[i] = in.Name + "=" + in.Value
	}
	e.Rules = append(e.Rules, FiredRule{Rule: rule, Level: l, Inputs: ins, Detail: strings.Join(parts, ", ")})
}

// fireRecent records activity seen recently enough to count as ongoing.
func (e *Explanation) fireRecent(l Level, since, within time.Duration) {
	e.Rules = append(e.Rules, FiredRule{
		Rule: RuleOngoing, Level: l,
		Inputs: []InputValue{{Name: "observation.last_activity", Value: since.String() + " ago"}},
		Detail: "observation.last_activity " + since.String() + " ago ≤ " + within.String(),
	})
}

// fireDeadline records the time-sensitivity criterion.
func (e *Explanation) fireDeadline(l Level, left, within time.Duration) {
	v := "in " + left.String()
	if left < 0 {
		v = "passed " + (-left).String() + " ago"
	}
	e.Rules = append(e.Rules, FiredRule{
		Rule: RuleDeadline, Level: l,
		Inputs: []InputValue{{Name: "observation.deadline", Value: v}},
		Detail: "observation.deadline " + v + " ≤ " + within.String(),
	})
}

// outcomeRule records the outcome rule that decided.
func (e *Explanation) outcomeRule(rule string, in *Input, impact, urgency Level, known bool, o *OutcomeRules) {
	impactText := "impact " + impact.String()
	if !known {
		impactText = "impact unknown"
	}
	var ins []InputValue
	var detail string
	switch rule {
	case RuleFalsePositive:
		ins = []InputValue{{Name: "observation.false_positive", Value: "true"}}
		detail = "observation.false_positive=true"
	case RuleIncidentAt:
		detail = impactText + " ≥ " + o.IncidentAt.String()
	case RulePrevented:
		ins = []InputValue{{Name: "observation.prevented", Value: strconv.FormatBool(in.Observation.Prevented)}}
		detail = "observation.prevented=true, " + impactText + belowText(known, o.IncidentAt)
	case RuleWatchAt:
		detail = "urgency " + urgency.String() + " ≥ " + o.WatchAt.String() + ", " + impactText + belowText(known, o.IncidentAt)
	case RuleWatchUnknown:
		detail = "impact unknown, urgency " + urgency.String() + " below " + o.WatchAt.String()
	default:
		detail = impactText + belowText(known, o.IncidentAt) + ", urgency " + urgency.String() + " below " + o.WatchAt.String()
	}
	e.Rules = append(e.Rules, FiredRule{Rule: rule, Inputs: ins, Detail: detail})
}

// belowText says that the impact is below the incident threshold.
func belowText(known bool, at Level) string {
	if !known {
		return ""
	}
	return " below " + at.String()
}

// indexName is name[i].
func indexName(name string, i int) string {
	return name + "[" + strconv.Itoa(i) + "]"
}
