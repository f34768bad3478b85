package incident

import (
	"fmt"
	"maps"
	"math"
	"slices"
)

// Severity is a level name on a SeverityScale ("high"). Empty means not
// assessed.
//
// Records store only the name, so the order of two severities always comes
// from a scale (Rank, Compare), never from comparing the strings: "critical"
// sorts before "high" as a string but ranks above it on the default scale.
type Severity string

// SeverityLevel is one step of a scale.
type SeverityLevel struct {
	// Name is the machine value stored in records.
	Name Severity `json:"name"`
	// Label is the human-readable name shown in UIs and reports.
	Label string `json:"label"`
	// Description says when the level applies.
	Description string `json:"description,omitempty"`
	// Criticality is the level's representative value on the 0–100 STIX 2.1
	// Incident Core Extension criticality scale, so scales interoperate.
	// Source: OASIS CTI, Incident Core Extension v2.0 for STIX 2.1 (draft,
	// 10 October 2023), property "criticality" and Appendix A "Incident
	// Criticality Mapping".
	Criticality int `json:"criticality"`
}

// SeverityScale is an ordered list of levels, lowest first.
//
// A scale is plain data: hosts may build their own or load one from
// configuration, and must call Validate before use. Built-in scales are
// returned fresh by constructor functions so no caller can change another's.
type SeverityScale struct {
	// Name identifies the scale ("default"); SeverityMapping refers to it.
	Name string `json:"name"`
	// Source cites where the scale comes from.
	Source string `json:"source,omitempty"`
	// Levels are ordered lowest first; their index is their rank.
	Levels []SeverityLevel `json:"levels"`
}

// Level names of the built-in scales. They are the values records store.
const (
	// SeverityLow is the lowest level of DefaultSeverityScale and an NCISS level.
	SeverityLow Severity = "low"
	// SeverityMedium is a level of DefaultSeverityScale and of NCISSSeverityScale.
	SeverityMedium Severity = "medium"
	// SeverityHigh is a level of DefaultSeverityScale and of NCISSSeverityScale.
	SeverityHigh Severity = "high"
	// SeverityCritical is the highest level of DefaultSeverityScale, and
	// class III (not the highest) of ISO27035ExampleSeverityScale.
	SeverityCritical Severity = "critical"

	// SeverityNone is the CVSS qualitative rating for a score of 0.0. It is
	// returned by CVSSBand and is on none of the built-in scales.
	SeverityNone Severity = "none"

	// SeverityBaselineNegligible is NCISS level 0 (Baseline – Negligible).
	SeverityBaselineNegligible Severity = "baseline-negligible"
	// SeverityBaselineMinor is NCISS level 0 (Baseline – Minor).
	SeverityBaselineMinor Severity = "baseline-minor"
	// SeveritySevere is NCISS level 4.
	SeveritySevere Severity = "severe"
	// SeverityEmergency is NCISS level 5 and ISO/IEC 27035-2 example class IV.
	SeverityEmergency Severity = "emergency"

	// SeverityInformation is ISO/IEC 27035-2 example class I [U].
	SeverityInformation Severity = "information"
	// SeverityWarning is ISO/IEC 27035-2 example class II [U].
	SeverityWarning Severity = "warning"
)

// Names of the built-in scales, as used in SeverityMapping.From and To.
const (
	// DefaultSeverityScaleName names DefaultSeverityScale.
	DefaultSeverityScaleName = "default"
	// NCISSSeverityScaleName names NCISSSeverityScale.
	NCISSSeverityScaleName = "nciss"
	// ISO27035ExampleSeverityScaleName names ISO27035ExampleSeverityScale.
	ISO27035ExampleSeverityScaleName = "iso27035-2-example"
)

// Validate reports whether the scale is usable: a non-empty name, at least
// one level, unique non-empty level names, and criticalities in 0..100 that
// strictly increase, so that rank order and criticality order agree.
// Errors wrap ErrInvalid, and also ErrRequired for a missing name or
// ErrDuplicate for a repeated level.
func (s *SeverityScale) Validate() error {
	if s == nil {
		return fmt.Errorf("%w: severity scale is nil", ErrInvalid)
	}
	if s.Name == "" {
		return invalidAs(ErrRequired, "severity scale has no name")
	}
	if len(s.Levels) == 0 {
		return fmt.Errorf("%w: severity scale %q has no levels", ErrInvalid, s.Name)
	}
	for i, l := range s.Levels {
		if l.Name == "" {
			return invalidAs(ErrRequired, "severity scale %q: level %d has no name", s.Name, i)
		}
		for _, prev := range s.Levels[:i] {
			if prev.Name == l.Name {
				return invalidAs(ErrDuplicate, "severity scale %q: duplicate level %q", s.Name, l.Name)
			}
		}
		if l.Criticality < 0 || l.Criticality > 100 {
			return fmt.Errorf("%w: severity scale %q: level %q criticality %d outside 0..100",
				ErrInvalid, s.Name, l.Name, l.Criticality)
		}
		if i > 0 && l.Criticality <= s.Levels[i-1].Criticality {
			return fmt.Errorf("%w: severity scale %q: level %q criticality %d not above %q (%d)",
				ErrInvalid, s.Name, l.Name, l.Criticality, s.Levels[i-1].Name, s.Levels[i-1].Criticality)
		}
	}
	return nil
}

// index returns the rank of v, or -1. A linear scan: scales have a handful of
// levels, and scanning needs no index that could go stale when a host edits
// Levels. It does not allocate.
func (s *SeverityScale) index(v Severity) int {
	if s == nil || v == "" {
		return -1
	}
	for i := range s.Levels {
		if s.Levels[i].Name == v {
			return i
		}
	}
	return -1
}

// scaleName is the scale's name for error messages, safe on nil.
func (s *SeverityScale) scaleName() string {
	if s == nil {
		return "<nil>"
	}
	return s.Name
}

// unknown builds the error for a value that is not on the scale.
func (s *SeverityScale) unknown(v Severity) error {
	return fmt.Errorf("%w: %q is not a level of severity scale %q", ErrUnknownSeverity, v, s.scaleName())
}

// Contains reports whether v is a level of the scale. The empty Severity
// (not assessed) is on no scale.
func (s *SeverityScale) Contains(v Severity) bool {
	return s.index(v) >= 0
}

// Rank returns the 0-based position of v, lowest level first. A value not on
// the scale, including the empty "not assessed" value, gives an error
// wrapping ErrUnknownSeverity that names the value and the scale.
func (s *SeverityScale) Rank(v Severity) (int, error) {
	i := s.index(v)
	if i < 0 {
		return 0, s.unknown(v)
	}
	return i, nil
}

// Compare returns -1, 0 or 1 as a ranks below, equal to or above b on the
// scale. Either value not on the scale gives an error wrapping
// ErrUnknownSeverity.
func (s *SeverityScale) Compare(a, b Severity) (int, error) {
	ra, err := s.Rank(a)
	if err != nil {
		return 0, err
	}
	rb, err := s.Rank(b)
	if err != nil {
		return 0, err
	}
	switch {
	case ra < rb:
		return -1, nil
	case ra > rb:
		return 1, nil
	default:
		return 0, nil
	}
}

// AtLeast returns the level names ranking at or above v, lowest first, for
// store filters such as "severity at least high" (severity IN (...)). The
// slice is new on every call.
func (s *SeverityScale) AtLeast(v Severity) ([]Severity, error) {
	r, err := s.Rank(v)
	if err != nil {
		return nil, err
	}
	out := make([]Severity, 0, len(s.Levels)-r)
	for _, l := range s.Levels[r:] {
		out = append(out, l.Name)
	}
	return out, nil
}

// Level returns the level named v and whether it exists.
func (s *SeverityScale) Level(v Severity) (SeverityLevel, bool) {
	i := s.index(v)
	if i < 0 {
		return SeverityLevel{}, false
	}
	return s.Levels[i], true
}

// Max returns the highest-ranking of vs, e.g. to roll up the severities of
// related events. Empty values (not assessed) are skipped, since they say
// nothing about how bad things are; if no value is assessed, Max returns ""
// and no error. A non-empty value not on the scale gives an error wrapping
// ErrUnknownSeverity.
func (s *SeverityScale) Max(vs ...Severity) (Severity, error) {
	best := -1
	for _, v := range vs {
		if v == "" {
			continue
		}
		r, err := s.Rank(v)
		if err != nil {
			return "", err
		}
		if r > best {
			best = r
		}
	}
	if best < 0 {
		return "", nil
	}
	return s.Levels[best].Name, nil
}

// DefaultSeverityScale returns the common four-level scale low, medium, high,
// critical, named "default". TheHive's severity 1–4 is exactly this scale
// (see TheHiveSeverity).
//
// Criticality values are the "STIX Criticality Value" column of the
// "5 Qualitative" table in Appendix A of the STIX 2.1 Incident Core Extension
// v2.0 (draft, 10 October 2023): low → Low 15, medium → Moderate 40,
// high → High 70, critical → Extreme 95. The 5-qualitative table was chosen
// over "Major / Minor / Critical" because it has four assessed levels, as
// this scale does. Pairing medium with Moderate and critical with Extreme is
// an SDK choice.
func DefaultSeverityScale() *SeverityScale {
	return &SeverityScale{
		Name:   DefaultSeverityScaleName,
		Source: "Common four-level scale (as TheHive severity 1-4); criticality per STIX 2.1 Incident Core Extension v2.0 Appendix A, 5 Qualitative",
		Levels: []SeverityLevel{
			{Name: SeverityLow, Label: "Low", Description: "Limited impact; handled in normal operations.", Criticality: 15},
			{Name: SeverityMedium, Label: "Medium", Description: "Noticeable impact; needs planned handling.", Criticality: 40},
			{Name: SeverityHigh, Label: "High", Description: "Serious impact; needs prompt handling and escalation.", Criticality: 70},
			{Name: SeverityCritical, Label: "Critical", Description: "Severe or widespread impact; needs immediate response at the highest level.", Criticality: 95},
		},
	}
}

// NCISSSeverityScale returns the CISA National Cyber Incident Scoring System
// priority levels 0–5, named "nciss". Level 0 (Baseline) has two sub-levels,
// so the scale has seven steps. Source: CISA NCISS,
// https://www.cisa.gov/news-events/news/cisa-national-cyber-incident-scoring-system-nciss
// (levels aligned with the PPD-41 Cyber Incident Severity Schema) [C].
// Descriptions are paraphrased.
//
// Criticality values are an SDK choice, not from NCISS: low, medium and high
// share the default scale's values (15, 40, 70) so the same word means the
// same criticality on both; emergency takes the STIX Appendix A "Extreme"
// value 95; severe (85) sits between; the two baseline sub-levels (5, 10)
// fall below low, inside Appendix A's Low range 1–29.
func NCISSSeverityScale() *SeverityScale {
	return &SeverityScale{
		Name:   NCISSSeverityScaleName,
		Source: "CISA National Cyber Incident Scoring System (NCISS), https://www.cisa.gov/news-events/news/cisa-national-cyber-incident-scoring-system-nciss",
		Levels: []SeverityLevel{
			{Name: SeverityBaselineNegligible, Label: "Baseline – Negligible", Criticality: 5,
				Description: "Level 0: highly unlikely to affect public health or safety, national security, economic security, foreign relations, civil liberties or public confidence."},
			{Name: SeverityBaselineMinor, Label: "Baseline – Minor", Criticality: 10,
				Description: "Level 0: highly unlikely to affect public health or safety, national security, economic security, foreign relations, civil liberties or public confidence, but the potential for impact warrants additional scrutiny."},
			{Name: SeverityLow, Label: "Low", Criticality: 15,
				Description: "Level 1: unlikely to affect public health or safety, national security, economic security, foreign relations, civil liberties or public confidence."},
			{Name: SeverityMedium, Label: "Medium", Criticality: 40,
				Description: "Level 2: may affect public health or safety, national security, economic security, foreign relations, civil liberties or public confidence."},
			{Name: SeverityHigh, Label: "High", Criticality: 70,
				Description: "Level 3: likely to result in a demonstrable impact to public health or safety, national security, economic security, foreign relations, civil liberties or public confidence."},
			{Name: SeveritySevere, Label: "Severe", Criticality: 85,
				Description: "Level 4: likely to result in a significant impact to public health or safety, national security, economic security, foreign relations or civil liberties."},
			{Name: SeverityEmergency, Label: "Emergency", Criticality: 95,
				Description: "Level 5: poses an imminent threat to the provision of wide-scale critical infrastructure services, national government stability or the lives of U.S. persons."},
		},
	}
}

// ISO27035ExampleSeverityScale returns the four incident classes of the
// example classification scale in ISO/IEC 27035-2:2016 Annex C (Example 1),
// named "iso27035-2-example": class I information, II warning, III critical,
// IV emergency, lowest first.
//
// [U] The ISO text was not available; the level names, their order and their
// Annex C placement are unconfirmed. Verify before relying on it; a host can
// replace the scale (it is configurable).
//
// Note that "critical" is class III here, below emergency, whereas it is the
// top of DefaultSeverityScale; compare through Criticality
// (CriticalitySeverity), not by name. Criticality values are an SDK choice,
// taken from the STIX Appendix A 5-qualitative values 15, 40, 70, 95.
func ISO27035ExampleSeverityScale() *SeverityScale {
	return &SeverityScale{
		Name:   ISO27035ExampleSeverityScaleName,
		Source: "ISO/IEC 27035-2:2016 Annex C, Example 1 [U: unconfirmed, ISO text not available; configurable]",
		Levels: []SeverityLevel{
			{Name: SeverityInformation, Label: "Class I – Information", Criticality: 15,
				Description: "Incident with little or no impact, recorded for information."},
			{Name: SeverityWarning, Label: "Class II – Warning", Criticality: 40,
				Description: "Incident with limited impact that needs attention."},
			{Name: SeverityCritical, Label: "Class III – Critical", Criticality: 70,
				Description: "Incident with serious impact on the organization."},
			{Name: SeverityEmergency, Label: "Class IV – Emergency", Criticality: 95,
				Description: "Incident with very serious impact that needs emergency handling."},
		},
	}
}

// SeverityMapping maps every level of one scale onto a level of another.
// A mapping is total on its source scale (Validate checks), so converting a
// valid record never fails for want of a pair.
type SeverityMapping struct {
	// From names the source scale.
	From string `json:"from"`
	// To names the target scale.
	To string `json:"to"`
	// Pairs maps each source level to a target level.
	Pairs map[Severity]Severity `json:"pairs"`
}

// Map returns the target level for v. A value without a pair gives an error
// wrapping ErrUnknownSeverity that names the value and the source scale.
func (m SeverityMapping) Map(v Severity) (Severity, error) {
	to, ok := m.Pairs[v]
	if !ok {
		return "", fmt.Errorf("%w: %q has no mapping from severity scale %q to %q", ErrUnknownSeverity, v, m.From, m.To)
	}
	return to, nil
}

// Validate checks the mapping against its scales: both scales are valid and
// carry the names From and To, every level of from has a pair, every pair's
// source is a level of from, and every target is a level of to.
// Errors wrap ErrInvalid.
func (m SeverityMapping) Validate(from, to *SeverityScale) error {
	if err := from.Validate(); err != nil {
		return fmt.Errorf("severity mapping %q→%q: source: %w", m.From, m.To, err)
	}
	if err := to.Validate(); err != nil {
		return fmt.Errorf("severity mapping %q→%q: target: %w", m.From, m.To, err)
	}
	if from.Name != m.From {
		return fmt.Errorf("%w: severity mapping is from %q, not from scale %q", ErrInvalid, m.From, from.Name)
	}
	if to.Name != m.To {
		return fmt.Errorf("%w: severity mapping is to %q, not to scale %q", ErrInvalid, m.To, to.Name)
	}
	for _, l := range from.Levels {
		if _, ok := m.Pairs[l.Name]; !ok {
			return fmt.Errorf("%w: severity mapping %q→%q has no pair for %q", ErrInvalid, m.From, m.To, l.Name)
		}
	}
	for _, src := range slices.Sorted(maps.Keys(m.Pairs)) { // sorted: the same mapping gives the same error
		dst := m.Pairs[src]
		if !from.Contains(src) {
			return fmt.Errorf("%w: severity mapping %q→%q: source %q is not on scale %q", ErrInvalid, m.From, m.To, src, from.Name)
		}
		if !to.Contains(dst) {
			return fmt.Errorf("%w: severity mapping %q→%q: target %q (for %q) is not on scale %q",
				ErrInvalid, m.From, m.To, dst, src, to.Name)
		}
	}
	return nil
}

// DefaultToNCISS maps DefaultSeverityScale onto NCISSSeverityScale. This is
// an SDK choice, not from a standard: same-named levels map to each other and
// critical maps to severe, because NCISS reserves emergency for imminent
// national-level threats that one organization's "critical" does not imply.
func DefaultToNCISS() SeverityMapping {
	return SeverityMapping{
		From: DefaultSeverityScaleName,
		To:   NCISSSeverityScaleName,
		Pairs: map[Severity]Severity{
			SeverityLow:      SeverityLow,
			SeverityMedium:   SeverityMedium,
			SeverityHigh:     SeverityHigh,
			SeverityCritical: SeveritySevere,
		},
	}
}

// NCISSToDefault maps NCISSSeverityScale onto DefaultSeverityScale. This is
// an SDK choice, not from a standard: both baseline sub-levels map to low
// (the default scale has nothing lower), same-named levels map to each other,
// and severe and emergency both map to critical.
func NCISSToDefault() SeverityMapping {
	return SeverityMapping{
		From: NCISSSeverityScaleName,
		To:   DefaultSeverityScaleName,
		Pairs: map[Severity]Severity{
			SeverityBaselineNegligible: SeverityLow,
			SeverityBaselineMinor:      SeverityLow,
			SeverityLow:                SeverityLow,
			SeverityMedium:             SeverityMedium,
			SeverityHigh:               SeverityHigh,
			SeveritySevere:             SeverityCritical,
			SeverityEmergency:          SeverityCritical,
		},
	}
}

// TheHiveSeverity converts TheHive's integer severity (1 low, 2 medium,
// 3 high, 4 critical; TheHive4py models reference,
// https://thehive-project.github.io/TheHive4py/reference/models/) to a level
// of DefaultSeverityScale. Any other n gives an error wrapping
// ErrUnknownSeverity. TheHive 3 used only 1–3, which this also accepts.
func TheHiveSeverity(n int) (Severity, error) {
	switch n {
	case 1:
		return SeverityLow, nil
	case 2:
		return SeverityMedium, nil
	case 3:
		return SeverityHigh, nil
	case 4:
		return SeverityCritical, nil
	default:
		return "", fmt.Errorf("%w: TheHive severity %d is not in 1..4", ErrUnknownSeverity, n)
	}
}

// TheHiveLevel converts a level of DefaultSeverityScale to TheHive's integer
// severity 1–4; the inverse of TheHiveSeverity. Any other value gives an
// error wrapping ErrUnknownSeverity.
func TheHiveLevel(v Severity) (int, error) {
	switch v {
	case SeverityLow:
		return 1, nil
	case SeverityMedium:
		return 2, nil
	case SeverityHigh:
		return 3, nil
	case SeverityCritical:
		return 4, nil
	default:
		return 0, fmt.Errorf("%w: %q has no TheHive severity (scale %q)", ErrUnknownSeverity, v, DefaultSeverityScaleName)
	}
}

// CVSSBand returns the CVSS qualitative severity rating of a score: "none"
// for 0.0, "low" 0.1–3.9, "medium" 4.0–6.9, "high" 7.0–8.9, "critical"
// 9.0–10.0 (FIRST CVSS v3.1 specification §5 and v4.0 §6, Qualitative
// Severity Rating Scale; the bands are the same) [C].
//
// CVSS scores have one decimal, so the bands leave gaps (3.95 is in none of
// them). CVSSBand therefore first rounds the score to one decimal, half away
// from zero (3.95 → 4.0 medium, 3.94 → 3.9 low), then compares whole tenths,
// which avoids floating-point edge errors at the boundaries. NaN, infinities
// and scores outside 0..10 (checked before rounding) give an error wrapping
// ErrInvalid.
func CVSSBand(score float64) (Severity, error) {
	if math.IsNaN(score) || score < 0 || score > 10 {
		return "", fmt.Errorf("%w: CVSS score %v is not in 0.0..10.0", ErrInvalid, score)
	}
	tenths := int(math.Round(score * 10))
	switch {
	case tenths == 0:
		return SeverityNone, nil
	case tenths <= 39:
		return SeverityLow, nil
	case tenths <= 69:
		return SeverityMedium, nil
	case tenths <= 89:
		return SeverityHigh, nil
	default:
		return SeverityCritical, nil
	}
}

// CVSSSeverity returns the CVSS band of score as a level of
// DefaultSeverityScale; the band names low, medium, high and critical are the
// scale's level names. A score in the "none" band (0.0) has no level on the
// default scale: CVSSSeverity returns "" and an error wrapping
// ErrUnknownSeverity, so callers can tell "assessed as harmless" from "not
// assessed" (call CVSSBand to get "none"). Invalid scores give an error
// wrapping ErrInvalid.
func CVSSSeverity(score float64) (Severity, error) {
	band, err := CVSSBand(score)
	if err != nil {
		return "", err
	}
	if band == SeverityNone {
		return "", fmt.Errorf("%w: CVSS score %.1f is in band %q, which has no level on severity scale %q",
			ErrUnknownSeverity, score, SeverityNone, DefaultSeverityScaleName)
	}
	return band, nil
}

// CriticalitySeverity returns the level of s whose Criticality is the highest
// at or below criticality, for importing a STIX Incident Core Extension
// criticality (0–100). Each level's own Criticality maps back to that level.
//
// Values below the lowest level's Criticality give the lowest level, since
// STIX Appendix A puts values below a representative value in the same band
// (Low is 1–29 with value 15); except 0, which Appendix A reserves for
// "None"/"False Positive": if the lowest level's Criticality is above 0, a
// criticality of 0 gives an error wrapping ErrUnknownSeverity.
//
// This rule does not reproduce Appendix A's ranges exactly (35 is "Moderate"
// there but maps to low on the default scale, whose medium is 40).
// Criticality outside 0..100 or an invalid scale gives an error wrapping
// ErrInvalid.
func CriticalitySeverity(s *SeverityScale, criticality int) (Severity, error) {
	if err := s.Validate(); err != nil {
		return "", err
	}
	if criticality < 0 || criticality > 100 {
		return "", fmt.Errorf("%w: criticality %d is not in 0..100", ErrInvalid, criticality)
	}
	if criticality == 0 && s.Levels[0].Criticality > 0 {
		return "", fmt.Errorf("%w: criticality 0 (STIX none/false positive) is below every level of severity scale %q",
			ErrUnknownSeverity, s.Name)
	}
	best := 0
	for i, l := range s.Levels {
		if l.Criticality <= criticality {
			best = i
		}
	}
	return s.Levels[best].Name, nil
}

// pairError is an error of two sentinel classes, a specific one
// (ErrDuplicate, ErrFormat) and ErrInvalid, as FieldError is for record
// fields, so errors.Is matches either.
type pairError struct {
	class error
	msg   string
}

// Error implements error: the specific class's text, then the detail.
func (e *pairError) Error() string { return e.class.Error() + ": " + e.msg }

// Unwrap returns the specific class and ErrInvalid.
func (e *pairError) Unwrap() []error { return []error{e.class, ErrInvalid} }

// invalidAs returns a *pairError of class (and ErrInvalid) with a formatted
// detail.
func invalidAs(class error, format string, args ...any) error {
	return &pairError{class: class, msg: fmt.Sprintf(format, args...)}
}
