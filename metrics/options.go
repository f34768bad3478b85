package metrics

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/iso27035/iso27035/incident"
)

// ErrOptions is wrapped by every error New and Compute return for unusable
// Options, and by Merge for aggregators built from different options.
var ErrOptions = errors.New("metrics: invalid options")

// AnchorResolved is a pseudo-anchor for Interval.To: the time the record's
// Resolution was set (Handling.Resolution.SetAt, always an observed instant).
// Reopening a record clears its resolution, so a reopened record is open
// again for intervals ending here.
const AnchorResolved incident.Anchor = "resolved"

// Mode chooses how percentiles are computed.
type Mode int

const (
	// Exact keeps every measured duration and computes percentiles with
	// golang.org/x/exp/stats (Hyndman–Fan R-7 interpolation). Memory grows
	// with the number of records.
	Exact Mode = iota
	// Streaming keeps one Sketch per duration and group: memory depends on
	// the number of groups and the range of the values, not on the number of
	// records. Count, mean, min and max stay exact; the percentiles are
	// within Options.RelativeAccuracy of the exact R-7 values.
	Streaming
)

// String returns "exact" or "streaming".
func (m Mode) String() string {
	if m == Streaming {
		return "streaming"
	}
	return "exact"
}

// EstimatePolicy says whether timestamps marked Estimated are used.
type EstimatePolicy int

const (
	// ExcludeEstimates (the default) leaves out every duration with an
	// estimated end point, counting it in LeftOut.Estimated.
	ExcludeEstimates EstimatePolicy = iota
	// IncludeEstimates uses estimated end points like observed ones; every
	// figure counts how many of its values used an estimate
	// (DurationStats.Estimated).
	IncludeEstimates
)

// CoarsePolicy says what to do with timestamps of day, month or year
// precision, which stand for an interval rather than an instant.
type CoarsePolicy int

const (
	// ExcludeCoarse (the default) leaves out every duration with an end
	// point coarser than an instant, counting it in LeftOut.Coarse.
	ExcludeCoarse CoarsePolicy = iota
	// CoarseBounds measures a coarse duration as the interval of values it
	// may have: from to.Earliest()−from.Latest() (at least zero) to
	// to.Latest()−from.Earliest(). Every figure is then reported twice:
	// DurationStats.Stats from the shortest possible values and
	// DurationStats.Upper from the longest. Order statistics and means are
	// monotone, so the true figure lies between the two. A coarse value is
	// never taken as an exact instant.
	CoarseBounds
)

// Granularity is the length of a trend period.
type Granularity string

const (
	// NoTrend (the zero value) computes no trend.
	NoTrend Granularity = ""
	// Week periods start on Monday 00:00 UTC (ISO 8601 weeks).
	Week Granularity = "week"
	// Month periods are calendar months in UTC.
	Month Granularity = "month"
	// Quarter periods are calendar quarters in UTC (January, April, July,
	// October).
	Quarter Granularity = "quarter"
)

// Start returns the start of the period holding t (UTC).
func (g Granularity) Start(t time.Time) time.Time {
	t = t.UTC()
	y, m, d := t.Date()
	switch g {
	case Week:
		day := time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
		back := (int(day.Weekday()) + 6) % 7 // Monday = 0
		return day.AddDate(0, 0, -back)
	case Month:
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	case Quarter:
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, time.UTC)
	}
	return time.Time{}
}

// Next returns the start of the period after the one starting at start.
func (g Granularity) Next(start time.Time) time.Time {
	switch g {
	case Week:
		return start.AddDate(0, 0, 7)
	case Month:
		return start.AddDate(0, 1, 0)
	case Quarter:
		return start.AddDate(0, 3, 0)
	}
	return start
}

// MaxTrendPeriods bounds a trend's length (about 96 years of weeks): a
// reporting period that would need more is refused (ErrOptions), and an
// open-ended one (no From) extends towards Until by at most this many
// periods, so an Until far in the future meaning "no end" cannot make a
// report of millions of empty periods.
const MaxTrendPeriods = 5000

// periodsBetween counts the periods from the one holding from to the one
// holding the last instant before until, stopping past MaxTrendPeriods.
func (g Granularity) periodsBetween(from, until time.Time) int {
	last := g.Start(until.Add(-time.Nanosecond))
	n := 0
	for s := g.Start(from); !s.After(last) && n <= MaxTrendPeriods; s = g.Next(s) {
		n++
	}
	return n
}

// Valid reports whether g is NoTrend or a defined granularity.
func (g Granularity) Valid() bool {
	switch g {
	case NoTrend, Week, Month, Quarter:
		return true
	}
	return false
}

// Interval defines one duration measured on every record: from one timeline
// anchor to another. The record is open for an interval until its To anchor
// is reached (see the package documentation on censoring).
type Interval struct {
	// Name is the machine name used in JSON, CSV and SLA targets
	// ("time_to_contain").
	Name string `json:"name"`
	// From and To are timeline anchors (incident.Anchors) or
	// AnchorResolved for To.
	From incident.Anchor `json:"from"`
	To   incident.Anchor `json:"to"`
}

// Names of the default intervals.
const (
	TimeToDetect      = "time_to_detect"
	DwellTime         = "dwell_time"
	TimeToReport      = "time_to_report"
	TimeToAcknowledge = "time_to_acknowledge"
	TimeToAssess      = "time_to_assess"
	TimeToContain     = "time_to_contain"
	TimeToEradicate   = "time_to_eradicate"
	TimeToRecover     = "time_to_recover"
	TimeToResolve     = "time_to_resolve"
	TimeToClose       = "time_to_close"
	BreachLifecycle   = "breach_lifecycle"
)

// DefaultIntervals returns the durations measured unless Options.Intervals
// says otherwise, each anchored as in the project's KPI reference
// (shared/reference/kpis.md, section 8):
//
//   - time_to_detect: occurred → detected. MTTD has no normative
//     definition; vendor literature [S] uses "occurred or compromised";
//     we name the anchor and use occurred (VERIS timeline.incident). A host
//     preferring the compromise passes Interval{TimeToDetect,
//     incident.AnchorCompromised, incident.AnchorDetected}.
//   - dwell_time: compromised → detected; Mandiant M-Trends reports it as
//     a median ("median number of days an attacker is within a target's
//     environment before being spotted") [S]; VERIS timeline.discovery [C].
//   - time_to_report: detected → reported to the point of contact
//     (27035-1 detect and report; 27035-3 clause 8).
//   - time_to_acknowledge: detected → acknowledged (MTTA: "average time
//     between when an alert is triggered and when a human acknowledges
//     it") [S].
//   - time_to_assess: detected → assessed (27035-1 assess and decide).
//   - time_to_contain: detected → contained (MTTC ≙ VERIS
//     timeline.containment [C]; IBM Cost of a Data Breach [S]).
//   - time_to_eradicate: detected → eradicated (CSF RS.MI-02).
//   - time_to_recover: detected → recovered (CSF RC.RP-05; the explicit
//     "MTTRecover" recommended instead of the ambiguous MTTR [S]).
//   - time_to_resolve: detected → resolution set (AnchorResolved).
//   - time_to_close: detected → closed (27035-3 conclusion; CSF
//     RC.RP-06; "MTTResolve" in the KPI reference [S]).
//   - breach_lifecycle: compromised → contained (IBM's "time to identify
//     and contain") [S].
func DefaultIntervals() []Interval {
	return []Interval{
		{TimeToDetect, incident.AnchorOccurred, incident.AnchorDetected},
		{DwellTime, incident.AnchorCompromised, incident.AnchorDetected},
		{TimeToReport, incident.AnchorDetected, incident.AnchorReported},
		{TimeToAcknowledge, incident.AnchorDetected, incident.AnchorAcknowledged},
		{TimeToAssess, incident.AnchorDetected, incident.AnchorAssessed},
		{TimeToContain, incident.AnchorDetected, incident.AnchorContained},
		{TimeToEradicate, incident.AnchorDetected, incident.AnchorEradicated},
		{TimeToRecover, incident.AnchorDetected, incident.AnchorRecovered},
		{TimeToResolve, incident.AnchorDetected, AnchorResolved},
		{TimeToClose, incident.AnchorDetected, incident.AnchorClosed},
		{BreachLifecycle, incident.AnchorCompromised, incident.AnchorContained},
	}
}

// Breakdown splits the records into groups by a key; every group gets its
// own Summary. Name names the breakdown in the output ("severity").
type Breakdown struct {
	Name string
	// Key returns the record's group; "" is a group of its own (value not
	// set). It must not retain the record.
	Key func(incident.Record) string
}

// BySeverity groups by Handling.Severity.
func BySeverity() Breakdown {
	return Breakdown{"severity", func(r incident.Record) string { return string(r.Handle().Severity) }}
}

// ByCategory groups by the primary category (Handling.Category) in its
// machine-tag form (rsit:intrusions="system-compromise").
func ByCategory() Breakdown {
	return Breakdown{"category", func(r incident.Record) string { return r.Handle().Category.String() }}
}

// ByCategoryClass groups by the class of the primary category only.
func ByCategoryClass() Breakdown {
	return Breakdown{"category_class", func(r incident.Record) string { return r.Handle().Category.Class }}
}

// ByPriority groups by Handling.Priority.
func ByPriority() Breakdown {
	return Breakdown{"priority", func(r incident.Record) string { return string(r.Handle().Priority) }}
}

// ByOrgUnit groups by Header.OrgUnit.
func ByOrgUnit() Breakdown {
	return Breakdown{"org_unit", func(r incident.Record) string { return r.Head().OrgUnit }}
}

// ByOutcome groups by Handling.Outcome.
func ByOutcome() Breakdown {
	return Breakdown{"outcome", func(r incident.Record) string { return string(r.Handle().Outcome) }}
}

// SLATarget is a service-level target: records of Severity must reach the
// end of Interval within Within. Targets are the host's; none is built in.
type SLATarget struct {
	Severity incident.Severity `json:"severity"`
	Interval string            `json:"interval"`
	Within   time.Duration     `json:"-"`
}

// Options configure a computation. The zero value is usable: exact mode,
// the default intervals, estimates and coarse timestamps excluded, no
// period bounds, no breakdowns, no trend, no SLA targets.
type Options struct {
	// Mode is Exact (the default) or Streaming.
	Mode Mode
	// RelativeAccuracy is the Sketch's relative-error bound in Streaming
	// mode; 0 means DefaultRelativeAccuracy. It must lie in (0, 0.5].
	RelativeAccuracy float64
	// Intervals are the durations measured; nil means DefaultIntervals.
	Intervals []Interval
	// Estimates and Coarse say how estimated and coarse timestamps are
	// used.
	Estimates EstimatePolicy
	Coarse    CoarsePolicy
	// From and Until bound the reporting period [From, Until). Records
	// created (Header.CreatedAt) in it form the cohort whose durations and
	// outcome rates are reported; older records still count in the flows
	// (closed in the period, backlog at its end). Everything is computed
	// as of Until: an anchor at or after Until is not reached yet. Zero
	// values mean unbounded; with a zero Until, "as of" is the moment the
	// records were read.
	From, Until time.Time
	// Breakdowns are the groupings reported besides the overall summary.
	Breakdowns []Breakdown
	// Trend is the granularity of the trend; NoTrend computes none.
	Trend Granularity
	// SLA are the service-level targets checked per severity.
	SLA []SLATarget
}

// DefaultRelativeAccuracy is the Sketch's relative-error bound unless
// Options.RelativeAccuracy sets another: 1 %.
const DefaultRelativeAccuracy = 0.01

func (o Options) normalized() (Options, error) {
	if o.Mode != Exact && o.Mode != Streaming {
		return o, fmt.Errorf("%w: unknown mode %d", ErrOptions, o.Mode)
	}
	if o.RelativeAccuracy == 0 {
		o.RelativeAccuracy = DefaultRelativeAccuracy
	}
	if !(o.RelativeAccuracy > 0 && o.RelativeAccuracy <= 0.5) || math.IsNaN(o.RelativeAccuracy) {
		return o, fmt.Errorf("%w: relative accuracy %v outside (0, 0.5]", ErrOptions, o.RelativeAccuracy)
	}
	if o.Estimates != ExcludeEstimates && o.Estimates != IncludeEstimates {
		return o, fmt.Errorf("%w: unknown estimate policy %d", ErrOptions, o.Estimates)
	}
	if o.Coarse != ExcludeCoarse && o.Coarse != CoarseBounds {
		return o, fmt.Errorf("%w: unknown coarse policy %d", ErrOptions, o.Coarse)
	}
	if o.Intervals == nil {
		o.Intervals = DefaultIntervals()
	}
	known := map[incident.Anchor]bool{}
	for _, a := range incident.Anchors() {
		known[a] = true
	}
	names := map[string]bool{}
	for _, iv := range o.Intervals {
		if iv.Name == "" || names[iv.Name] {
			return o, fmt.Errorf("%w: interval name %q empty or repeated", ErrOptions, iv.Name)
		}
		names[iv.Name] = true
		if !known[iv.From] || (!known[iv.To] && iv.To != AnchorResolved) {
			return o, fmt.Errorf("%w: interval %q: unknown anchor %q or %q", ErrOptions, iv.Name, iv.From, iv.To)
		}
	}
	if !o.From.IsZero() && !o.Until.IsZero() && !o.From.Before(o.Until) {
		return o, fmt.Errorf("%w: From %v not before Until %v", ErrOptions, o.From, o.Until)
	}
	bnames := map[string]bool{}
	for _, b := range o.Breakdowns {
		if b.Name == "" || b.Key == nil || bnames[b.Name] {
			return o, fmt.Errorf("%w: breakdown %q without a name or key, or repeated", ErrOptions, b.Name)
		}
		bnames[b.Name] = true
	}
	if !o.Trend.Valid() {
		return o, fmt.Errorf("%w: unknown trend granularity %q", ErrOptions, o.Trend)
	}
	if o.Trend != NoTrend && !o.From.IsZero() && !o.Until.IsZero() {
		if o.Trend.periodsBetween(o.From, o.Until) > MaxTrendPeriods {
			return o, fmt.Errorf("%w: a %s trend from %v to %v has more than %d periods", ErrOptions, o.Trend, o.From, o.Until, MaxTrendPeriods)
		}
	}
	for _, s := range o.SLA {
		if !names[s.Interval] || s.Within < 0 {
			return o, fmt.Errorf("%w: SLA target %s/%s: unknown interval or negative target", ErrOptions, s.Severity, s.Interval)
		}
	}
	o.Intervals = append([]Interval(nil), o.Intervals...)
	o.Breakdowns = append([]Breakdown(nil), o.Breakdowns...)
	o.SLA = append([]SLATarget(nil), o.SLA...)
	return o, nil
}
