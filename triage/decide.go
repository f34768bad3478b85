package triage

import (
	"time"

	"github.com/iso27035/iso27035/incident"
)

// Observation is what the host knows about an event that an incident
// record does not carry: whether it goes on, how far it spreads, how
// exposed and how many are affected, and what an analyst has found. The
// zero value knows nothing.
type Observation struct {
	// FalsePositive: an analyst found the event benign or mistaken.
	FalsePositive bool `json:"false_positive,omitempty"`
	// Prevented: the attempt was blocked or did not materialise (a
	// phishing mail reported and not opened, malware quarantined).
	Prevented bool `json:"prevented,omitempty"`

	// Ongoing: the activity is known to go on (attacker active, data
	// still leaking, service still down).
	Ongoing bool `json:"ongoing,omitempty"`
	// LastActivity is when the activity was last seen; activity seen
	// recently enough counts as ongoing (UrgencyCriteria.OngoingWithin).
	LastActivity time.Time `json:"last_activity,omitzero"`
	// Systems is the number of systems (hosts, accounts, mailboxes)
	// showing the activity; 0 means not known.
	Systems int64 `json:"systems,omitempty"`
	// LateralMovement: the activity is seen moving between systems.
	LateralMovement bool `json:"lateral_movement,omitempty"`
	// Exposure is how reachable the affected systems are.
	Exposure Exposure `json:"exposure,omitempty"`
	// Deadline is the nearest time by which something must be done: a
	// report owed to an authority, an exploit expected, a business event.
	// Zero means none.
	Deadline time.Time `json:"deadline,omitzero"`

	// Users is the number of users affected; 0 means none or not known.
	Users int64 `json:"users,omitempty"`
	// Organisations is the number of other organisations affected.
	Organisations int64 `json:"organisations,omitempty"`
	// Safety is the harm to people's safety; empty means not known.
	Safety Safety `json:"safety,omitempty"`
	// DataProtected: the personal data involved were rendered
	// unintelligible to anyone not authorised (encrypted, key safe). The
	// zero value, false, assumes they were not: the cautious reading.
	DataProtected bool `json:"data_protected,omitempty"`
}

// Input is everything Decide reads: the impact and facts of the record
// (either may be nil when nothing is known yet), the host's observation,
// and the time of the decision. Decide keeps no clock of its own: Now is
// the only time it knows.
type Input struct {
	Now         time.Time
	Impact      *incident.Impact
	Facts       *incident.Facts
	Observation Observation
}

// IncidentInput returns the input for an incident record: its impact and
// facts, with the host's observation and the time of the decision. The
// input points into inc, so do not change inc while deciding.
func IncidentInput(inc *incident.Incident, obs Observation, now time.Time) Input {
	return Input{Now: now, Impact: &inc.Impact, Facts: &inc.Facts, Observation: obs}
}

// Decision is the outcome of triage: what the event is, how bad, how
// urgent to handle and who handles it. Everything but Explanation is
// compared by Diff.
type Decision struct {
	// Profile names the profile that decided.
	Profile string `json:"profile"`
	// Outcome says what the event is.
	Outcome incident.Outcome `json:"outcome"`
	// Severity is the harm on the profile's severity scale; set for
	// incidents only (a near miss did no harm).
	Severity incident.Severity `json:"severity,omitempty"`
	// Priority orders the work; unset for not_incident.
	Priority incident.Priority `json:"priority,omitempty"`
	// Tier is the name of the response tier of Priority (Profile.Tier
	// returns it); unset for not_incident.
	Tier string `json:"tier,omitempty"`
	// Acknowledge and Contain are the tier's target times, from the
	// decision; 0 when the tier sets none. (JSON holds them in
	// nanoseconds, as encoding/json writes a time.Duration.)
	Acknowledge time.Duration `json:"acknowledge,omitempty"`
	Contain     time.Duration `json:"contain,omitempty"`
	// Impact and Urgency are the levels the criteria gave, before fitting
	// to the matrix (Explanation.Cell has the cell used).
	Impact  Level `json:"impact"`
	Urgency Level `json:"urgency"`
	// ImpactKnown reports whether any impact criterion read something;
	// false means the impact is not assessed yet (Impact is then none).
	ImpactKnown bool `json:"impact_known"`
	// Explanation is set by DecideExplained only.
	Explanation *Explanation `json:"explanation,omitempty"`
}

// Decide applies the profile to the input and returns the decision,
// without an explanation. It is pure (the same profile and input give the
// same decision), reads no clock, does no I/O and does not allocate.
//
// p must have passed Validate. Decide does not check it again, but never
// panics on an invalid profile: a missing cell or tier leaves Priority or
// Tier unset. A nil p gives the zero Decision.
func Decide(p *Profile, in Input) Decision {
	return decide(p, &in, nil)
}

// DecideExplained is Decide that also records why: every rule that fired
// with the inputs it read, the outcome rule, and the matrix cell, in
// Decision.Explanation. It allocates for the explanation; the decision is
// the one Decide gives.
func DecideExplained(p *Profile, in Input) Decision {
	ex := &Explanation{}
	d := decide(p, &in, ex)
	if p != nil {
		ex.Profile = p.Name
	}
	ex.Outcome, ex.Severity, ex.Priority, ex.Tier = d.Outcome, d.Severity, d.Priority, d.Tier
	ex.Impact, ex.Urgency, ex.ImpactKnown = d.Impact, d.Urgency, d.ImpactKnown
	d.Explanation = ex
	return d
}

// decide is Decide; ex, when not nil, records the explanation.
func decide(p *Profile, in *Input, ex *Explanation) Decision {
	if p == nil {
		return Decision{}
	}
	impact, known := assessImpact(p, in, ex)
	urgency := assessUrgency(p, in, ex)
	d := Decision{Profile: p.Name, Impact: impact, Urgency: urgency, ImpactKnown: known}
	o := &p.Outcome
	var rule string
	switch {
	case in.Observation.FalsePositive:
		d.Outcome, rule = incident.OutcomeNotIncident, RuleFalsePositive
	case known && o.IncidentAt != LevelNone && impact >= o.IncidentAt:
		d.Outcome, rule = incident.OutcomeIncident, RuleIncidentAt
	case in.Observation.Prevented:
		d.Outcome, rule = incident.OutcomeNearMiss, RulePrevented
	case o.WatchAt != LevelNone && urgency >= o.WatchAt:
		d.Outcome, rule = incident.OutcomeUnderWatch, RuleWatchAt
	case !known && o.WatchUnknown:
		d.Outcome, rule = incident.OutcomeUnderWatch, RuleWatchUnknown
	default:
		d.Outcome, rule = incident.OutcomeNotIncident, RuleNoImpact
	}
	if ex != nil {
		ex.outcomeRule(rule, in, impact, urgency, known, o)
	}
	if d.Outcome == incident.OutcomeNotIncident {
		return d
	}
	if d.Outcome == incident.OutcomeIncident {
		d.Severity = p.Severity[impact]
		if ex != nil {
			ex.fire(RuleSeverity, impact, "impact "+impact.String()+" → severity "+string(d.Severity))
		}
	}
	if cell, ok := p.Matrix.Lookup(impact, urgency); ok {
		d.Priority = cell.Priority
		if ex != nil {
			ex.Cell = cell
			ex.fire(RuleMatrix, LevelNone, "impact "+cell.Impact.String()+" × urgency "+cell.Urgency.String()+" → "+string(cell.Priority))
		}
	}
	for i := range p.Tiers {
		t := &p.Tiers[i]
		for _, pr := range t.Priorities {
			if pr == d.Priority && pr != incident.PriorityNone {
				d.Tier = t.Name
				d.Acknowledge, d.Contain = time.Duration(t.Acknowledge), time.Duration(t.Contain)
				if ex != nil {
					ex.fire(RuleTier, LevelNone, string(pr)+" → tier "+t.Name)
				}
				return d
			}
		}
	}
	return d
}

// Names of the rules an explanation lists. Criterion rules are named by
// the JSON path of the criterion in the profile; the others by what they
// decide.
const (
	RuleConfidentiality   = "impact.confidentiality"
	RuleIntegrity         = "impact.integrity"
	RuleAvailability      = "impact.availability"
	RuleFunctional        = "impact.functional"
	RuleInformation       = "impact.information"
	RuleRecoverability    = "impact.recoverability"
	RuleUsers             = "impact.users"
	RuleOrganisations     = "impact.organisations"
	RuleCriticality       = "impact.criticality"
	RulePersonalData      = "impact.personal_data"
	RuleSpecialCategories = "impact.personal_data.special_categories"
	RuleDataSubjects      = "impact.personal_data.data_subjects"
	RuleSafety            = "impact.safety"

	RuleOngoing         = "urgency.ongoing"
	RuleSpread          = "urgency.spread"
	RuleLateralMovement = "urgency.lateral_movement"
	RuleExposure        = "urgency.exposure"
	RuleDeadline        = "urgency.deadline"

	RuleFalsePositive = "outcome.false_positive"
	RuleIncidentAt    = "outcome.incident_at"
	RulePrevented     = "outcome.prevented"
	RuleWatchAt       = "outcome.watch_at"
	RuleWatchUnknown  = "outcome.watch_unknown"
	RuleNoImpact      = "outcome.no_impact"

	RuleSeverity = "severity"
	RuleMatrix   = "matrix"
	RuleTier     = "tiers"
)

// grader keeps the highest level seen on one axis.
type grader struct {
	level Level
	known bool
}

func (g *grader) see(l Level) {
	g.known = true
	if l > g.level {
		g.level = l
	}
}

// assessImpact grades the impact: the highest level of every impact
// criterion that read something, and whether any did.
func assessImpact(p *Profile, in *Input, ex *Explanation) (Level, bool) {
	var g grader
	c := &p.Impact
	obs := &in.Observation
	if im := in.Impact; im != nil {
		gradeEnum(&g, ex, RuleConfidentiality, "impact.confidentiality", c.Confidentiality, im.Confidentiality)
		gradeEnum(&g, ex, RuleIntegrity, "impact.integrity", c.Integrity, im.Integrity)
		gradeEnum(&g, ex, RuleAvailability, "impact.availability", c.Availability, im.Availability)
		gradeEnum(&g, ex, RuleFunctional, "impact.functional", c.Functional, im.Functional)
		for i, info := range im.Information {
			if l, ok := c.Information[info]; ok {
				g.see(l)
				if ex != nil {
					ex.fireInput(RuleInformation, l, indexName("impact.information", i), string(info))
				}
			}
		}
		gradeEnum(&g, ex, RuleRecoverability, "impact.recoverability", c.Recoverability, im.Recoverability)
		gradeCriticality(&g, ex, c.Criticality, im)
	}
	gradeCount(&g, ex, RuleUsers, "observation.users", c.Users, obs.Users)
	gradeCount(&g, ex, RuleOrganisations, "observation.organisations", c.Organisations, obs.Organisations)
	if f := in.Facts; f != nil {
		gradePersonalData(&g, ex, &c.PersonalData, f, obs.DataProtected)
	}
	if obs.Safety != SafetyUnknown {
		if l, ok := c.Safety[obs.Safety]; ok {
			g.see(l)
			if ex != nil {
				ex.fireInput(RuleSafety, l, "observation.safety", string(obs.Safety))
			}
		}
	}
	return g.level, g.known
}

// gradeEnum grades one enumerated input through its criterion's map; an
// unknown value or one the map leaves out reads nothing.
func gradeEnum[K ~string](g *grader, ex *Explanation, rule, input string, m map[K]Level, v K) {
	if v == "" {
		return
	}
	l, ok := m[v]
	if !ok {
		return
	}
	g.see(l)
	if ex != nil {
		ex.fireInput(rule, l, input, string(v))
	}
}

// gradeCount grades a count through thresholds: the highest reached. A
// count below every threshold reads as LevelNone when the count is known
// (above 0), and nothing otherwise.
func gradeCount(g *grader, ex *Explanation, rule, input string, ts []CountLevel, n int64) {
	if n <= 0 || len(ts) == 0 {
		return
	}
	l, at := LevelNone, int64(0)
	for _, t := range ts {
		if n >= t.AtLeast {
			l, at = t.Level, t.AtLeast
		}
	}
	g.see(l)
	if ex != nil {
		ex.fireCount(rule, l, input, n, at)
	}
}

// gradeCriticality grades the most critical affected asset or service.
func gradeCriticality(g *grader, ex *Explanation, m map[incident.Criticality]Level, im *incident.Impact) {
	if len(m) == 0 {
		return
	}
	best, found := LevelNone, false
	var input string
	var value incident.Criticality
	for i := range im.Assets {
		if l, ok := m[im.Assets[i].Criticality]; ok && im.Assets[i].Criticality != "" && (!found || l > best) {
			best, found = l, true
			if ex != nil {
				input, value = indexName("impact.assets", i)+".criticality", im.Assets[i].Criticality
			}
		}
	}
	for i := range im.Services {
		if l, ok := m[im.Services[i].Criticality]; ok && im.Services[i].Criticality != "" && (!found || l > best) {
			best, found = l, true
			if ex != nil {
				input, value = indexName("impact.services", i)+".criticality", im.Services[i].Criticality
			}
		}
	}
	if !found {
		return
	}
	g.see(best)
	if ex != nil {
		ex.fireInput(RuleCriticality, best, input, string(value))
	}
}

// gradePersonalData grades a personal data breach.
func gradePersonalData(g *grader, ex *Explanation, c *PersonalDataCriteria, f *incident.Facts, protected bool) {
	personal := f.PersonalData.Known() && f.PersonalData.Value
	special := f.SpecialCategories.Known() && len(f.SpecialCategories.Value) > 0
	if f.PersonalData.Known() && !personal && !special {
		// Known not to involve personal data: read, and no harm.
		g.see(LevelNone)
		if ex != nil {
			ex.fireInput(RulePersonalData, LevelNone, "facts.personal_data", "false")
		}
		return
	}
	if !personal && !special {
		return
	}
	switch {
	case protected:
		g.see(c.Protected)
		if ex != nil {
			ex.fireProtection(RulePersonalData, c.Protected, special, true)
		}
		return
	case special:
		g.see(c.SpecialCategories)
		if ex != nil {
			ex.fireProtection(RuleSpecialCategories, c.SpecialCategories, true, false)
		}
	}
	if personal {
		g.see(c.Unprotected)
		if ex != nil {
			ex.fireProtection(RulePersonalData, c.Unprotected, false, false)
		}
	}
	if f.DataSubjects.Known() {
		gradeCount(g, ex, RuleDataSubjects, "facts.data_subjects", c.DataSubjects, f.DataSubjects.Value)
	}
}

// assessUrgency grades the urgency: the highest level of every urgency
// criterion that read something.
func assessUrgency(p *Profile, in *Input, ex *Explanation) Level {
	var g grader
	c := &p.Urgency
	obs := &in.Observation
	switch {
	case obs.Ongoing:
		g.see(c.Ongoing)
		if ex != nil {
			ex.fireInput(RuleOngoing, c.Ongoing, "observation.ongoing", "true")
		}
	case c.OngoingWithin > 0 && !obs.LastActivity.IsZero() && !in.Now.IsZero() &&
		in.Now.Sub(obs.LastActivity) <= time.Duration(c.OngoingWithin):
		g.see(c.Ongoing)
		if ex != nil {
			ex.fireRecent(c.Ongoing, in.Now.Sub(obs.LastActivity), time.Duration(c.OngoingWithin))
		}
	}
	gradeCount(&g, ex, RuleSpread, "observation.systems", c.Spread, obs.Systems)
	if obs.LateralMovement {
		g.see(c.LateralMovement)
		if ex != nil {
			ex.fireInput(RuleLateralMovement, c.LateralMovement, "observation.lateral_movement", "true")
		}
	}
	gradeEnum(&g, ex, RuleExposure, "observation.exposure", c.Exposure, obs.Exposure)
	if !obs.Deadline.IsZero() && !in.Now.IsZero() && len(c.Deadline) > 0 {
		left := obs.Deadline.Sub(in.Now)
		for _, t := range c.Deadline {
			if left <= time.Duration(t.Within) {
				g.see(t.Level)
				if ex != nil {
					ex.fireDeadline(t.Level, left, time.Duration(t.Within))
				}
				break
			}
		}
	}
	return g.level
}

// Change is one difference between two decisions, with the values written
// as in JSON.
type Change struct {
	// Field is the JSON name of the changed field of Decision.
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// String is "field: from → to".
func (c Change) String() string {
	return c.Field + ": " + quoteEmpty(c.From) + " → " + quoteEmpty(c.To)
}

// quoteEmpty shows the empty value as "(none)".
func quoteEmpty(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Diff returns what changed from before to after, in the order of the
// fields of Decision (the explanation is not compared), or nil when
// nothing did.
// A host that re-runs Decide whenever facts change records these as an
// audited change of the assessment.
func Diff(before, after Decision) []Change {
	var out []Change
	add := func(field, from, to string) {
		if from != to {
			out = append(out, Change{Field: field, From: from, To: to})
		}
	}
	add("profile", before.Profile, after.Profile)
	add("outcome", string(before.Outcome), string(after.Outcome))
	add("severity", string(before.Severity), string(after.Severity))
	add("priority", string(before.Priority), string(after.Priority))
	add("tier", before.Tier, after.Tier)
	add("acknowledge", durationText(before.Acknowledge), durationText(after.Acknowledge))
	add("contain", durationText(before.Contain), durationText(after.Contain))
	add("impact", before.Impact.String(), after.Impact.String())
	add("urgency", before.Urgency.String(), after.Urgency.String())
	if before.ImpactKnown != after.ImpactKnown {
		add("impact_known", boolText(before.ImpactKnown), boolText(after.ImpactKnown))
	}
	return out
}

// durationText writes a target time, "" for none.
func durationText(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// Assessment returns the decision as an assessment for the record's
// history (incident.Handling.Assessments): step, who and when are the
// host's; the rationale is the explanation's line when there is one.
func (d Decision) Assessment(step incident.AssessmentStep, by incident.ActorID, role incident.Role, at time.Time) incident.Assessment {
	a := incident.Assessment{
		Step: step, By: by, Role: role, At: at,
		Outcome: d.Outcome, Severity: d.Severity, Priority: d.Priority,
	}
	if d.Explanation != nil {
		a.Rationale = d.Explanation.String()
	}
	return a
}
