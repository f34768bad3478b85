package incident

import (
	"slices"
	"time"
)

// Precision says how much of a timestamp is known. Real records are often
// coarse: VERIS gives the month an incident occurred, DORA reports allow
// estimates. A coarse value stands for an interval (see Timestamp.Earliest
// and Latest), never for its first instant.
type Precision string

// Precisions.
const (
	PrecisionInstant Precision = "instant" // exact to the second or better
	PrecisionDay     Precision = "day"     // the UTC calendar day is known
	PrecisionMonth   Precision = "month"   // the UTC month is known
	PrecisionYear    Precision = "year"    // only the year is known
)

// Precisions lists the precisions from finest to coarsest.
func Precisions() []Precision {
	return []Precision{PrecisionInstant, PrecisionDay, PrecisionMonth, PrecisionYear}
}

// Valid reports whether p is a defined precision; empty counts as instant.
func (p Precision) Valid() bool { return p == "" || member(p, Precisions()) }

// Timestamp is a timeline anchor: when, how precisely, and whether it is an
// estimate. The zero Timestamp means "not known" and is omitted from JSON.
type Timestamp struct {
	// At is the instant, or the start of the day, month or year for a
	// coarser precision (always UTC).
	At time.Time `json:"at"`
	// Precision defaults to instant when empty.
	Precision Precision `json:"precision,omitempty"`
	// Estimated marks a value someone estimated rather than observed;
	// metrics report estimates separately.
	Estimated bool `json:"estimated,omitempty"`
}

// At returns an exact, observed Timestamp (in UTC).
func At(t time.Time) Timestamp { return Timestamp{At: t.UTC(), Precision: PrecisionInstant} }

// Approx returns a Timestamp of the given precision, truncated to its
// start (in UTC).
func Approx(t time.Time, p Precision, estimated bool) Timestamp {
	ts := Timestamp{At: t.UTC(), Precision: p, Estimated: estimated}
	ts.At = ts.Earliest()
	return ts
}

// IsZero reports whether the anchor is unknown: nothing is set. A precision
// or estimate flag without a time is not zero; Validate reports the missing
// time.
func (t Timestamp) IsZero() bool { return t.At.IsZero() && t.Precision == "" && !t.Estimated }

// Earliest is the first instant the value may stand for.
func (t Timestamp) Earliest() time.Time {
	u := t.At.UTC()
	switch t.Precision {
	case PrecisionDay:
		return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, time.UTC)
	case PrecisionMonth:
		return time.Date(u.Year(), u.Month(), 1, 0, 0, 0, 0, time.UTC)
	case PrecisionYear:
		return time.Date(u.Year(), 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return u
}

// Latest is the last instant the value may stand for (exclusive end minus
// one nanosecond for coarse precisions).
func (t Timestamp) Latest() time.Time {
	e := t.Earliest()
	switch t.Precision {
	case PrecisionDay:
		return e.AddDate(0, 0, 1).Add(-time.Nanosecond)
	case PrecisionMonth:
		return e.AddDate(0, 1, 0).Add(-time.Nanosecond)
	case PrecisionYear:
		return e.AddDate(1, 0, 0).Add(-time.Nanosecond)
	}
	return e
}

// Exact reports whether the value is an observed instant: known, instant
// precision, not estimated. Metrics that must not mix estimates use it.
func (t Timestamp) Exact() bool {
	return !t.At.IsZero() && (t.Precision == "" || t.Precision == PrecisionInstant) && !t.Estimated
}

// Before reports whether t certainly lies before u: every instant t may
// stand for is earlier than every instant u may stand for. Unknown values
// are never certainly before anything.
func (t Timestamp) Before(u Timestamp) bool {
	if t.At.IsZero() || u.At.IsZero() {
		return false
	}
	return t.Latest().Before(u.Earliest())
}

// Timeline holds every anchor the regulations and KPIs use. Deadlines and
// durations are computed from these, so each one is named for what it
// records, not for a metric.
type Timeline struct {
	// Occurred: the first malicious action or failure (VERIS
	// timeline.incident).
	Occurred Timestamp `json:"occurred,omitzero"`
	// Compromised: the first compromise of an attribute (end of VERIS
	// timeline.compromise); dwell time runs from here.
	Compromised Timestamp `json:"compromised,omitzero"`
	// Detected: the event was detected (27035-3 clause 7; CSF DE.AE).
	Detected Timestamp `json:"detected,omitzero"`
	// Reported: reported to the point of contact (27035-3 clause 8).
	Reported Timestamp `json:"reported,omitzero"`
	// Aware: the organisation "became aware", the anchor of GDPR Art. 33,
	// NIS2 Art. 23 and DORA's 24-hour limit.
	Aware Timestamp `json:"aware,omitzero"`
	// Acknowledged: a person acknowledged the report (MTTA).
	Acknowledged Timestamp `json:"acknowledged,omitzero"`
	// Assessed: the first assessment was made (27035-1 assess and decide).
	Assessed Timestamp `json:"assessed,omitzero"`
	// Declared: the event was declared an incident (CSF DE.AE-08).
	Declared Timestamp `json:"declared,omitzero"`
	// ClassifiedMajor: classified as a major ICT-related incident (DORA
	// Art. 19; RTS 2025/301 Art. 5(2) runs the initial notification from it).
	ClassifiedMajor Timestamp `json:"classified_major,omitzero"`
	// MaterialityDetermined: the registrant determined the incident
	// material (SEC Form 8-K Item 1.05: four business days from here).
	MaterialityDetermined Timestamp `json:"materiality_determined,omitzero"`
	// Discovered: the breach was discovered (HIPAA 45 CFR 164.404(a)(2)).
	Discovered Timestamp `json:"discovered,omitzero"`
	// Contained: containment achieved (CSF RS.MI-01; MTTC).
	Contained Timestamp `json:"contained,omitzero"`
	// Eradicated: the cause removed (CSF RS.MI-02).
	Eradicated Timestamp `json:"eradicated,omitzero"`
	// Recovered: normal operation confirmed (CSF RC.RP-05).
	Recovered Timestamp `json:"recovered,omitzero"`
	// ServiceUnavailableFrom: start of service downtime (DORA RTS
	// 2024/1772 Art. 9 counts downtime of critical functions).
	ServiceUnavailableFrom Timestamp `json:"service_unavailable_from,omitzero"`
	// ServiceRestored: end of that downtime.
	ServiceRestored Timestamp `json:"service_restored,omitzero"`
	// Closed: the latest close (27035-3 conclusion; CSF RC.RP-06).
	Closed Timestamp `json:"closed,omitzero"`
	// Reopened lists every reopening, oldest first (ITIL reopen rate).
	Reopened []Timestamp `json:"reopened,omitempty"`
}

// Anchor names a timeline field by its JSON name.
type Anchor string

// The anchors, named as in JSON.
const (
	AnchorOccurred               Anchor = "occurred"
	AnchorCompromised            Anchor = "compromised"
	AnchorDetected               Anchor = "detected"
	AnchorReported               Anchor = "reported"
	AnchorAware                  Anchor = "aware"
	AnchorAcknowledged           Anchor = "acknowledged"
	AnchorAssessed               Anchor = "assessed"
	AnchorDeclared               Anchor = "declared"
	AnchorClassifiedMajor        Anchor = "classified_major"
	AnchorMaterialityDetermined  Anchor = "materiality_determined"
	AnchorDiscovered             Anchor = "discovered"
	AnchorContained              Anchor = "contained"
	AnchorEradicated             Anchor = "eradicated"
	AnchorRecovered              Anchor = "recovered"
	AnchorServiceUnavailableFrom Anchor = "service_unavailable_from"
	AnchorServiceRestored        Anchor = "service_restored"
	AnchorClosed                 Anchor = "closed"
)

// Anchors lists the single-valued anchors in timeline order.
func Anchors() []Anchor { return slices.Clone(anchorList[:]) }

var anchorList = [...]Anchor{AnchorOccurred, AnchorCompromised, AnchorDetected, AnchorReported, AnchorAware,
	AnchorAcknowledged, AnchorAssessed, AnchorDeclared, AnchorClassifiedMajor, AnchorMaterialityDetermined,
	AnchorDiscovered, AnchorContained, AnchorEradicated, AnchorRecovered, AnchorServiceUnavailableFrom,
	AnchorServiceRestored, AnchorClosed}

// Get returns the anchor's value; ok is false for an unknown anchor name.
func (tl *Timeline) Get(a Anchor) (Timestamp, bool) {
	p := tl.field(a)
	if p == nil {
		return Timestamp{}, false
	}
	return *p, true
}

// Set stores the anchor's value; it reports false for an unknown anchor.
func (tl *Timeline) Set(a Anchor, t Timestamp) bool {
	p := tl.field(a)
	if p == nil {
		return false
	}
	*p = t
	return true
}

func (tl *Timeline) field(a Anchor) *Timestamp {
	switch a {
	case AnchorOccurred:
		return &tl.Occurred
	case AnchorCompromised:
		return &tl.Compromised
	case AnchorDetected:
		return &tl.Detected
	case AnchorReported:
		return &tl.Reported
	case AnchorAware:
		return &tl.Aware
	case AnchorAcknowledged:
		return &tl.Acknowledged
	case AnchorAssessed:
		return &tl.Assessed
	case AnchorDeclared:
		return &tl.Declared
	case AnchorClassifiedMajor:
		return &tl.ClassifiedMajor
	case AnchorMaterialityDetermined:
		return &tl.MaterialityDetermined
	case AnchorDiscovered:
		return &tl.Discovered
	case AnchorContained:
		return &tl.Contained
	case AnchorEradicated:
		return &tl.Eradicated
	case AnchorRecovered:
		return &tl.Recovered
	case AnchorServiceUnavailableFrom:
		return &tl.ServiceUnavailableFrom
	case AnchorServiceRestored:
		return &tl.ServiceRestored
	case AnchorClosed:
		return &tl.Closed
	}
	return nil
}

// timelineOrder lists the pairs (earlier, later) whose reverse order is
// impossible. Only orders that cannot happen are listed: an incident may
// be contained before it is eradicated or after, but never before anyone
// detected it. Each pair is checked only when both anchors are known, with
// the precision intervals (Timestamp.Before), so a month-precise occurrence
// never contradicts a detection on a day of that month. Compromise may
// follow detection (a brute-force alert fires, then the account falls), so
// that pair is not listed; dwell time is then negative, which metrics
// handle.
var timelineOrder = [...][2]Anchor{
	{AnchorOccurred, AnchorCompromised},
	{AnchorOccurred, AnchorDetected},
	{AnchorOccurred, AnchorAware},
	{AnchorOccurred, AnchorDiscovered},
	{AnchorDetected, AnchorReported},
	{AnchorDetected, AnchorAcknowledged},
	{AnchorDetected, AnchorAssessed},
	{AnchorDetected, AnchorDeclared},
	{AnchorDeclared, AnchorClassifiedMajor},
	{AnchorDetected, AnchorContained},
	{AnchorDetected, AnchorEradicated},
	{AnchorDetected, AnchorRecovered},
	{AnchorOccurred, AnchorContained},
	{AnchorServiceUnavailableFrom, AnchorServiceRestored},
	{AnchorDetected, AnchorClosed},
	{AnchorReported, AnchorClosed},
	{AnchorAcknowledged, AnchorClosed},
	{AnchorAssessed, AnchorClosed},
	{AnchorDeclared, AnchorClosed},
	{AnchorContained, AnchorClosed},
	{AnchorEradicated, AnchorClosed},
	{AnchorRecovered, AnchorClosed},
}

// TimelineOrder returns the pairs (earlier, later) that Validate enforces.
func TimelineOrder() [][2]Anchor {
	out := make([][2]Anchor, len(timelineOrder))
	copy(out, timelineOrder[:])
	return out
}
