package triage

import (
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/iso27035/iso27035/incident"
)

// Level grades an event on one axis of the priority matrix: how much harm
// it does (impact) or how soon it must be handled (urgency). Levels are
// ordered; the zero value is LevelNone. In JSON a level is its name.
type Level uint8

// The levels, lowest first.
const (
	// LevelNone: nothing on this axis (no harm, no hurry).
	LevelNone Level = iota
	// LevelLow is the lowest graded level.
	LevelLow
	// LevelMedium is the middle level.
	LevelMedium
	// LevelHigh is the top row or column of the default 3 × 3 matrix.
	LevelHigh
	// LevelCritical lies above high. The default matrix has no critical row
	// or column (it uses high for it), but severity tells it apart.
	LevelCritical
)

// levelNames are the JSON names of the levels, indexed by level.
var levelNames = [...]string{"none", "low", "medium", "high", "critical"}

// Levels lists the levels, lowest first.
func Levels() []Level {
	return []Level{LevelNone, LevelLow, LevelMedium, LevelHigh, LevelCritical}
}

// String returns the level's name ("high"), or "Level(9)" for a value
// outside the defined ones.
func (l Level) String() string {
	if l.Valid() {
		return levelNames[l]
	}
	return fmt.Sprintf("Level(%d)", uint8(l))
}

// Valid reports whether l is a defined level.
func (l Level) Valid() bool { return int(l) < len(levelNames) }

// ParseLevel reads a level name.
func ParseLevel(s string) (Level, error) {
	for i, n := range levelNames {
		if n == s {
			return Level(i), nil
		}
	}
	return 0, fmt.Errorf("%w: unknown level %q (levels: none, low, medium, high, critical)", ErrInvalidProfile, s)
}

// MarshalText writes the level's name; an undefined level is an error.
func (l Level) MarshalText() ([]byte, error) {
	if !l.Valid() {
		return nil, fmt.Errorf("%w: undefined level %d", ErrInvalidProfile, uint8(l))
	}
	return []byte(levelNames[l]), nil
}

// UnmarshalText reads a level's name.
func (l *Level) UnmarshalText(text []byte) error {
	v, err := ParseLevel(string(text))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// Duration is a time.Duration written in JSON as a Go duration string
// ("15m", "72h"), as the lifecycle rules write theirs.
type Duration time.Duration

// MarshalText writes the duration as time.Duration.String does ("1h0m0s").
func (d Duration) MarshalText() ([]byte, error) {
	return []byte(time.Duration(d).String()), nil
}

// UnmarshalText reads a Go duration string ("90m", "1h30m"). A JSON number
// is refused by ParseProfile: it would not say its unit.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := time.ParseDuration(string(text))
	if err != nil {
		return fmt.Errorf("%w: %q is not a duration: %s", ErrInvalidProfile, text, durationAdvice)
	}
	*d = Duration(v)
	return nil
}

// durationAdvice says how to write a duration.
const durationAdvice = `a duration is a string with a unit, such as "90m", "4h" or "1h30m"`

// Exposure is how reachable the affected system is: the values of CERT/CC
// SSVC decision point System Exposure (ssvc:EXP 1.0.1, "The Accessible
// Attack Surface of the Affected System or Service"; CERTCC/SSVC
// data/json/decision_points/ssvc/system_exposure_1_0_1.json) [C].
type Exposure string

// Exposure values (SSVC System Exposure 1.0.1). The empty value means not
// known.
const (
	ExposureUnknown Exposure = ""
	// ExposureSmall: "Local service or program; highly controlled network".
	ExposureSmall Exposure = "small"
	// ExposureControlled: "Networked service with some access restrictions
	// or mitigations already in place".
	ExposureControlled Exposure = "controlled"
	// ExposureOpen: "Internet or another widely accessible network where
	// access cannot plausibly be restricted or controlled".
	ExposureOpen Exposure = "open"
)

// Exposures lists the defined exposures, smallest first.
func Exposures() []Exposure {
	return []Exposure{ExposureSmall, ExposureControlled, ExposureOpen}
}

// Valid reports whether e is defined or unknown.
func (e Exposure) Valid() bool { return e == ExposureUnknown || slices.Contains(Exposures(), e) }

// Safety is the harm to people's physical safety: the values of CERT/CC
// SSVC decision point Safety Impact (ssvc:SI 2.0.1, "based on IEC 61508
// with modifications"; CERTCC/SSVC
// data/json/decision_points/ssvc/safety_impact_2_0_1.json) [C].
type Safety string

// Safety values (SSVC Safety Impact 2.0.1). The empty value means not known
// or not assessed.
const (
	SafetyUnknown Safety = ""
	// SafetyNegligible: minor injuries at worst (IEC 61508 Negligible).
	SafetyNegligible Safety = "negligible"
	// SafetyMarginal: major injuries to one or more persons (IEC 61508
	// Marginal).
	SafetyMarginal Safety = "marginal"
	// SafetyCritical: loss of life (IEC 61508 Critical).
	SafetyCritical Safety = "critical"
	// SafetyCatastrophic: multiple loss of life (IEC 61508 Catastrophic).
	SafetyCatastrophic Safety = "catastrophic"
)

// Safeties lists the defined safety impacts, least harmful first.
func Safeties() []Safety {
	return []Safety{SafetyNegligible, SafetyMarginal, SafetyCritical, SafetyCatastrophic}
}

// Valid reports whether s is defined or unknown.
func (s Safety) Valid() bool { return s == SafetyUnknown || slices.Contains(Safeties(), s) }

// Profile is a triage profile: the organisation's criteria for turning
// what is known about an event into a decision (27035-1 assess and decide;
// 27035-3 clause 9, incident triage). It is plain data, built in Go or
// read from JSON by ParseProfile, and must pass Validate before Decide
// uses it. Start from DefaultProfile.
//
// Every criterion grades one input on the impact or the urgency axis. The
// impact of an event is the highest level any impact criterion gives, its
// urgency the highest any urgency criterion gives ("the worst criterion
// wins", so one grave fact is never averaged away). The outcome rules then
// say what the event is, the matrix gives its priority, the severity map
// its severity on the incident scale, and the tiers who is paged.
//
// A criterion left empty (a nil map, no thresholds, LevelNone) reads
// nothing and never fires.
type Profile struct {
	// Name identifies the profile in explanations and audit records.
	Name string `json:"name"`
	// Source cites where the criteria come from (a policy document, a
	// standard), for the people who read the profile.
	Source string `json:"source,omitempty"`

	Impact  ImpactCriteria  `json:"impact"`
	Urgency UrgencyCriteria `json:"urgency"`
	Outcome OutcomeRules    `json:"outcome"`
	Matrix  Matrix          `json:"matrix"`

	// SeverityScale is the scale severities are levels of; nil means
	// incident.DefaultSeverityScale.
	SeverityScale *incident.SeverityScale `json:"severity_scale,omitempty"`
	// Severity maps an incident's impact level to its severity on the
	// scale. Severity measures harm, so it follows impact, not priority
	// (which also weighs urgency). Every level from low to critical needs
	// a severity.
	Severity map[Level]incident.Severity `json:"severity"`

	// Tiers are the response tiers; each priority the matrix can give
	// belongs to exactly one.
	Tiers []Tier `json:"tiers"`
}

// ImpactCriteria grade the harm an event does. The incident.Impact fields
// are NIST SP 800-61r2 Tables 3-2 to 3-4 (as the CISA Federal Incident
// Notification Guidelines reuse them); counts and safety come from the
// host's Observation, personal data from incident.Facts.
type ImpactCriteria struct {
	// Confidentiality, Integrity and Availability grade the loss of each
	// attribute (Impact.Confidentiality, .Integrity, .Availability).
	Confidentiality map[incident.ImpactLevel]Level `json:"confidentiality,omitempty"`
	Integrity       map[incident.ImpactLevel]Level `json:"integrity,omitempty"`
	Availability    map[incident.ImpactLevel]Level `json:"availability,omitempty"`
	// Functional grades the functional impact (Impact.Functional, NIST SP
	// 800-61r2 Table 3-2).
	Functional map[incident.ImpactLevel]Level `json:"functional,omitempty"`
	// Information grades each information impact listed
	// (Impact.Information, Table 3-3); the worst counts.
	Information map[incident.InformationImpact]Level `json:"information,omitempty"`
	// Recoverability grades the effort recovery takes
	// (Impact.Recoverability, Table 3-4).
	Recoverability map[incident.Recoverability]Level `json:"recoverability,omitempty"`
	// Users grades the number of users affected (Observation.Users).
	Users []CountLevel `json:"users,omitempty"`
	// Organisations grades the number of other organisations affected
	// (Observation.Organisations): customers, partners, suppliers.
	Organisations []CountLevel `json:"organisations,omitempty"`
	// Criticality grades the business criticality of the most critical
	// affected asset or service (Impact.Assets, Impact.Services).
	Criticality map[incident.Criticality]Level `json:"criticality,omitempty"`
	// PersonalData grades personal data involved (incident.Facts).
	PersonalData PersonalDataCriteria `json:"personal_data"`
	// Safety grades harm to people's safety (Observation.Safety).
	Safety map[Safety]Level `json:"safety,omitempty"`
}

// PersonalDataCriteria grade a personal data breach from the facts
// PersonalData, SpecialCategories and DataSubjects, and whether the data
// were protected (Observation.DataProtected).
type PersonalDataCriteria struct {
	// Protected is the level when personal data are involved but were
	// rendered unintelligible to anyone not authorised (encrypted with the
	// key safe): GDPR Art. 34(3)(a) spares data subjects a communication in
	// that case (wording not re-read; the reference marks it [U]).
	Protected Level `json:"protected"`
	// Unprotected is the level when personal data are involved and were
	// not protected.
	Unprotected Level `json:"unprotected"`
	// SpecialCategories is the level when special categories of personal
	// data (GDPR Art. 9) are involved and were not protected.
	SpecialCategories Level `json:"special_categories"`
	// DataSubjects grades the number of data subjects whose unprotected
	// personal data are concerned (Facts.DataSubjects).
	DataSubjects []CountLevel `json:"data_subjects,omitempty"`
}

// CountLevel is one threshold of a count criterion: a count of at least
// AtLeast gives Level. A criterion's thresholds are listed with AtLeast
// strictly increasing; the highest one reached applies.
type CountLevel struct {
	AtLeast int64 `json:"at_least"`
	Level   Level `json:"level"`
}

// DeadlineLevel is one threshold of the time-sensitivity criterion: a
// deadline at most Within away (or already passed) gives Level. Thresholds
// are listed with Within strictly increasing; the nearest one reached
// applies.
type DeadlineLevel struct {
	Within Duration `json:"within"`
	Level  Level    `json:"level"`
}

// UrgencyCriteria grade how soon an event must be handled, from the host's
// Observation: whether the activity goes on, how far it spreads, how
// exposed the affected systems are, and how close a deadline is.
type UrgencyCriteria struct {
	// Ongoing is the level when the activity goes on: Observation.Ongoing,
	// or activity seen no longer than OngoingWithin before now.
	Ongoing Level `json:"ongoing"`
	// OngoingWithin is how recent Observation.LastActivity must be to
	// count as ongoing; 0 leaves LastActivity unread.
	OngoingWithin Duration `json:"ongoing_within,omitempty"`
	// Spread grades the number of systems (hosts, accounts, mailboxes)
	// showing the activity (Observation.Systems).
	Spread []CountLevel `json:"spread,omitempty"`
	// LateralMovement is the level when the activity is seen moving from
	// system to system (Observation.LateralMovement).
	LateralMovement Level `json:"lateral_movement"`
	// Exposure grades how reachable the affected systems are
	// (Observation.Exposure, SSVC System Exposure).
	Exposure map[Exposure]Level `json:"exposure,omitempty"`
	// Deadline grades time sensitivity: how soon Observation.Deadline (a
	// report owed, an exploit expected, a business event) falls.
	Deadline []DeadlineLevel `json:"deadline,omitempty"`
}

// OutcomeRules say what an event is, from its impact and urgency. They are
// applied in this order, and the first that holds decides:
//
//  1. Observation.FalsePositive: not an incident (rule outcome.false_positive);
//  2. impact at or above IncidentAt: an incident (outcome.incident_at);
//  3. Observation.Prevented: a near miss, since it could have done harm
//     but was prevented (NIS2 Art. 6(5) definition, as incident.OutcomeNearMiss
//     cites it) (outcome.prevented);
//  4. urgency at or above WatchAt: under watch (outcome.watch_at);
//  5. impact unknown (no impact criterion read anything) and WatchUnknown:
//     under watch, until someone finds out (outcome.watch_unknown);
//  6. otherwise: not an incident, as nothing harmful is known and nothing
//     goes on (outcome.no_impact).
type OutcomeRules struct {
	// IncidentAt is the lowest impact that makes an event an incident;
	// at least low.
	IncidentAt Level `json:"incident_at"`
	// WatchAt is the lowest urgency that keeps an event without such
	// impact under watch; at least low.
	WatchAt Level `json:"watch_at"`
	// WatchUnknown keeps an event whose impact nobody has assessed under
	// watch instead of closing it as not an incident.
	WatchUnknown bool `json:"watch_unknown"`
}

// Tier is a response tier: who is paged and the target times, for the
// priorities listed.
type Tier struct {
	// Name identifies the tier ("major", "standard").
	Name string `json:"name"`
	// Priorities are the priorities handled in this tier.
	Priorities []incident.Priority `json:"priorities"`
	// Page lists the roles paged when an event enters the tier.
	Page []incident.Role `json:"page,omitempty"`
	// Acknowledge is the target time from the decision to a person
	// acknowledging it; 0 sets no target.
	Acknowledge Duration `json:"acknowledge,omitempty"`
	// Contain is the target time from the decision to containment; 0 sets
	// no target.
	Contain Duration `json:"contain,omitempty"`
}

// DefaultProfileName names DefaultProfile.
const DefaultProfileName = "default"

// DefaultProfile returns a profile a team can start from. It is built anew
// on each call. Its grades are the SDK's choices unless a comment cites a
// source: hosts are expected to tune them to their own risk appetite.
func DefaultProfile() *Profile {
	return &Profile{
		Name:   DefaultProfileName,
		Source: "iso27035 SDK default triage profile: NIST SP 800-61r2 impact categories, SSVC exposure and safety values, ITIL-style 3x3 priority matrix; grades are SDK choices",
		Impact: ImpactCriteria{
			// NIST SP 800-61r2 Table 3-2 levels None/Low/Medium/High [C],
			// graded as themselves.
			Confidentiality: identityImpact(),
			Integrity:       identityImpact(),
			Availability:    identityImpact(),
			Functional:      identityImpact(),
			// NIST SP 800-61r2 Table 3-3 [C]: a privacy breach (sensitive
			// PII accessed or exfiltrated) and an integrity loss of
			// sensitive information are graded above a proprietary breach
			// (SDK choice).
			Information: map[incident.InformationImpact]Level{
				incident.InformationNone:              LevelNone,
				incident.InformationProprietaryBreach: LevelMedium,
				incident.InformationPrivacyBreach:     LevelHigh,
				incident.InformationIntegrityLoss:     LevelHigh,
			},
			// NIST SP 800-61r2 Table 3-4 [C]: the more outside help
			// recovery needs, the higher; not recoverable (e.g. data
			// posted publicly) is critical (SDK choice).
			Recoverability: map[incident.Recoverability]Level{
				incident.RecoverabilityRegular:        LevelLow,
				incident.RecoverabilitySupplemented:   LevelMedium,
				incident.RecoverabilityExtended:       LevelHigh,
				incident.RecoverabilityNotRecoverable: LevelCritical,
			},
			Users: []CountLevel{
				{AtLeast: 1, Level: LevelLow},
				{AtLeast: 100, Level: LevelMedium},
				{AtLeast: 1_000, Level: LevelHigh},
				{AtLeast: 10_000, Level: LevelCritical},
			},
			// Another organisation harmed means coordination (27035-4).
			Organisations: []CountLevel{
				{AtLeast: 1, Level: LevelMedium},
				{AtLeast: 5, Level: LevelHigh},
				{AtLeast: 50, Level: LevelCritical},
			},
			// incident.Criticality levels; critical matches DORA's
			// "critical or important function" (Art. 3(22)).
			Criticality: map[incident.Criticality]Level{
				incident.CriticalityLow:    LevelLow,
				incident.CriticalityMedium: LevelMedium,
				incident.CriticalityHigh:   LevelHigh,
				incident.CriticalityCrit:   LevelCritical,
			},
			PersonalData: PersonalDataCriteria{
				Protected:         LevelLow,
				Unprotected:       LevelMedium,
				SpecialCategories: LevelHigh,
				// 500 echoes HIPAA 45 CFR 164.406 (media notice above 500
				// residents of a State); 100 000 is an SDK choice.
				DataSubjects: []CountLevel{
					{AtLeast: 500, Level: LevelHigh},
					{AtLeast: 100_000, Level: LevelCritical},
				},
			},
			// SSVC Safety Impact 2.0.1 values [C]; any injury beyond minor
			// is high, loss of life critical (SDK choice).
			Safety: map[Safety]Level{
				SafetyNegligible:   LevelLow,
				SafetyMarginal:     LevelHigh,
				SafetyCritical:     LevelCritical,
				SafetyCatastrophic: LevelCritical,
			},
		},
		Urgency: UrgencyCriteria{
			Ongoing:       LevelHigh,
			OngoingWithin: Duration(time.Hour),
			Spread: []CountLevel{
				{AtLeast: 1, Level: LevelLow},
				{AtLeast: 5, Level: LevelMedium},
				{AtLeast: 50, Level: LevelHigh},
			},
			LateralMovement: LevelHigh,
			// SSVC System Exposure 1.0.1 values [C], graded in order.
			Exposure: map[Exposure]Level{
				ExposureSmall:      LevelLow,
				ExposureControlled: LevelMedium,
				ExposureOpen:       LevelHigh,
			},
			// 24 h is the NIS2 Art. 23(4)(a) early warning, 72 h the GDPR
			// Art. 33(1) notification: a report owed within them is
			// urgent (thresholds are SDK choices).
			Deadline: []DeadlineLevel{
				{Within: Duration(24 * time.Hour), Level: LevelHigh},
				{Within: Duration(72 * time.Hour), Level: LevelMedium},
				{Within: Duration(7 * 24 * time.Hour), Level: LevelLow},
			},
		},
		Outcome: OutcomeRules{
			IncidentAt:   LevelLow,
			WatchAt:      LevelLow,
			WatchUnknown: true,
		},
		Matrix: ITILMatrix(),
		Severity: map[Level]incident.Severity{
			LevelLow:      incident.SeverityLow,
			LevelMedium:   incident.SeverityMedium,
			LevelHigh:     incident.SeverityHigh,
			LevelCritical: incident.SeverityCritical,
		},
		// Acknowledge targets are those of lifecycle.DefaultRules (15 min,
		// 1 h, 4 h, 24 h: a common service-desk tiering, not a figure of
		// the standard); contain targets are SDK choices. Roles are those
		// of 27035-2:2023 7.2 and 7.3.
		Tiers: []Tier{
			{
				Name:        "major",
				Priorities:  []incident.Priority{incident.P1},
				Page:        []incident.Role{incident.RoleIncidentManager, incident.RoleIRTLead, incident.RoleIRTMember},
				Acknowledge: Duration(15 * time.Minute),
				Contain:     Duration(4 * time.Hour),
			},
			{
				Name:        "urgent",
				Priorities:  []incident.Priority{incident.P2},
				Page:        []incident.Role{incident.RoleIRTLead, incident.RoleIRTMember},
				Acknowledge: Duration(time.Hour),
				Contain:     Duration(24 * time.Hour),
			},
			{
				Name:        "standard",
				Priorities:  []incident.Priority{incident.P3},
				Page:        []incident.Role{incident.RoleIRTMember},
				Acknowledge: Duration(4 * time.Hour),
				Contain:     Duration(72 * time.Hour),
			},
			{
				Name:        "routine",
				Priorities:  []incident.Priority{incident.P4, incident.P5},
				Page:        []incident.Role{incident.RolePointOfContact},
				Acknowledge: Duration(24 * time.Hour),
			},
		},
	}
}

// identityImpact grades each NIST impact level as the level of the same
// name.
func identityImpact() map[incident.ImpactLevel]Level {
	return map[incident.ImpactLevel]Level{
		incident.ImpactNone:   LevelNone,
		incident.ImpactLow:    LevelLow,
		incident.ImpactMedium: LevelMedium,
		incident.ImpactHigh:   LevelHigh,
	}
}

// Tier returns the tier named name and whether there is one. The tier
// shares its lists with the profile: clone them before changing them.
func (p *Profile) Tier(name string) (Tier, bool) {
	for _, t := range p.Tiers {
		if t.Name == name {
			return t, true
		}
	}
	return Tier{}, false
}

// scale returns the severity scale in force.
func (p *Profile) scale() *incident.SeverityScale {
	if p.SeverityScale != nil {
		return p.SeverityScale
	}
	return incident.DefaultSeverityScale()
}

// Clone returns a deep copy of the profile that shares no map, slice or
// scale with p. Clone of nil is nil.
func (p *Profile) Clone() *Profile {
	if p == nil {
		return nil
	}
	out := *p
	im := &out.Impact
	im.Confidentiality = maps.Clone(p.Impact.Confidentiality)
	im.Integrity = maps.Clone(p.Impact.Integrity)
	im.Availability = maps.Clone(p.Impact.Availability)
	im.Functional = maps.Clone(p.Impact.Functional)
	im.Information = maps.Clone(p.Impact.Information)
	im.Recoverability = maps.Clone(p.Impact.Recoverability)
	im.Users = slices.Clone(p.Impact.Users)
	im.Organisations = slices.Clone(p.Impact.Organisations)
	im.Criticality = maps.Clone(p.Impact.Criticality)
	im.PersonalData.DataSubjects = slices.Clone(p.Impact.PersonalData.DataSubjects)
	im.Safety = maps.Clone(p.Impact.Safety)
	out.Urgency.Spread = slices.Clone(p.Urgency.Spread)
	out.Urgency.Exposure = maps.Clone(p.Urgency.Exposure)
	out.Urgency.Deadline = slices.Clone(p.Urgency.Deadline)
	out.Matrix = p.Matrix.Clone()
	if p.SeverityScale != nil {
		s := *p.SeverityScale
		s.Levels = slices.Clone(p.SeverityScale.Levels)
		out.SeverityScale = &s
	}
	out.Severity = maps.Clone(p.Severity)
	if p.Tiers != nil {
		out.Tiers = make([]Tier, len(p.Tiers))
		for i, t := range p.Tiers {
			t.Priorities = slices.Clone(t.Priorities)
			t.Page = slices.Clone(t.Page)
			out.Tiers[i] = t
		}
	}
	return &out
}
