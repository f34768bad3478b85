package metrics

import (
	"encoding/json"
	"math"
	"time"

	"github.com/iso27035/iso27035/incident"
)

// LeftOut counts the records a figure could not use, by reason. Every
// figure carries one, so nothing is dropped silently; a reason a figure
// cannot have stays zero.
type LeftOut struct {
	// Open: the end of the interval is not reached yet (not contained,
	// not closed, report not yet submitted and not yet due). Censored,
	// never counted as zero.
	Open int `json:"open,omitempty"`
	// Unknown: an anchor the figure needs is not recorded (the start of
	// the interval, or its end on a record closed without it).
	Unknown int `json:"unknown,omitempty"`
	// Estimated: an end point is an estimate and ExcludeEstimates is in
	// force.
	Estimated int `json:"estimated,omitempty"`
	// Coarse: an end point has day, month or year precision and
	// ExcludeCoarse is in force, or (SLA, deadlines) the bounds straddle
	// the target.
	Coarse int `json:"coarse,omitempty"`
	// Invalid: the end lies before the start.
	Invalid int `json:"invalid,omitempty"`
	// Undetermined: the record's outcome is not assessed yet.
	Undetermined int `json:"undetermined,omitempty"`
	// Waived: a regulatory obligation was waived.
	Waived int `json:"waived,omitempty"`
}

// Total returns the sum of all reasons.
func (l LeftOut) Total() int {
	return l.Open + l.Unknown + l.Estimated + l.Coarse + l.Invalid + l.Undetermined + l.Waived
}

func (l *LeftOut) add(o LeftOut) {
	l.Open += o.Open
	l.Unknown += o.Unknown
	l.Estimated += o.Estimated
	l.Coarse += o.Coarse
	l.Invalid += o.Invalid
	l.Undetermined += o.Undetermined
	l.Waived += o.Waived
}

// Stats are the aggregates of one set of durations. All are zero when
// Count is zero.
type Stats struct {
	Count  int
	Mean   time.Duration
	Median time.Duration
	P90    time.Duration
	P95    time.Duration
	P99    time.Duration
	Min    time.Duration
	Max    time.Duration
}

type statsJSON struct {
	Count  int      `json:"count"`
	Mean   *float64 `json:"mean_seconds"`
	Median *float64 `json:"median_seconds"`
	P90    *float64 `json:"p90_seconds"`
	P95    *float64 `json:"p95_seconds"`
	P99    *float64 `json:"p99_seconds"`
	Min    *float64 `json:"min_seconds"`
	Max    *float64 `json:"max_seconds"`
}

func secs(d time.Duration) *float64 { v := d.Seconds(); return &v }

// MarshalJSON writes durations as seconds ("median_seconds"), null when
// Count is zero.
func (s Stats) MarshalJSON() ([]byte, error) {
	j := statsJSON{Count: s.Count}
	if s.Count > 0 {
		j.Mean, j.Median, j.P90, j.P95, j.P99, j.Min, j.Max = secs(s.Mean), secs(s.Median), secs(s.P90), secs(s.P95), secs(s.P99), secs(s.Min), secs(s.Max)
	}
	return json.Marshal(j)
}

// DurationStats are the aggregates of one Interval over a set of records.
type DurationStats struct {
	Interval
	// Stats are computed from the measured durations; under CoarseBounds
	// from the shortest possible value of each coarse duration.
	Stats Stats `json:"stats"`
	// Upper is set only under CoarseBounds: the same figures from the
	// longest possible value of each duration. The true figures lie
	// between Stats and Upper.
	Upper *Stats `json:"upper,omitempty"`
	// Estimated counts the measured durations that used an estimate
	// (IncludeEstimates); Coarse those with a coarse end point
	// (CoarseBounds).
	Estimated int `json:"estimated"`
	Coarse    int `json:"coarse"`
	// LeftOut counts the records of the set not measured, by reason.
	LeftOut LeftOut `json:"left_out"`
}

// Ratio is a rate: Numerator / Denominator, undefined when the denominator
// is zero. LeftOut counts the records that could not be placed in either.
type Ratio struct {
	Numerator   int
	Denominator int
	LeftOut     LeftOut
}

// Value returns the ratio and whether it is defined.
func (r Ratio) Value() (float64, bool) {
	if r.Denominator == 0 {
		return math.NaN(), false
	}
	return float64(r.Numerator) / float64(r.Denominator), true
}

// MarshalJSON writes numerator, denominator, value (null when undefined)
// and left_out.
func (r Ratio) MarshalJSON() ([]byte, error) {
	j := struct {
		Numerator   int      `json:"numerator"`
		Denominator int      `json:"denominator"`
		Value       *float64 `json:"value"`
		LeftOut     LeftOut  `json:"left_out"`
	}{Numerator: r.Numerator, Denominator: r.Denominator, LeftOut: r.LeftOut}
	if v, ok := r.Value(); ok {
		j.Value = &v
	}
	return json.Marshal(j)
}

// SLAResult is the compliance with one SLATarget.
type SLAResult struct {
	SLATarget
	// Compliance is met / (met + breached). An open record already past
	// its target (as of Until) is breached; one still within it is left
	// out as open.
	Compliance Ratio `json:"compliance"`
}

// MarshalJSON adds within_seconds to the target.
func (s SLAResult) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Severity   incident.Severity `json:"severity"`
		Interval   string            `json:"interval"`
		Within     float64           `json:"within_seconds"`
		Compliance Ratio             `json:"compliance"`
	}{s.Severity, s.Interval, s.Within.Seconds(), s.Compliance})
}

// RegulatoryResult is the compliance with the reports owed under one
// regime, of one kind (incident.Obligation Regime and Report).
type RegulatoryResult struct {
	Regime string `json:"regime"`
	Report string `json:"report"`
	// TimeToSubmit: Obligation.StartAt → SubmittedAt, for submitted
	// reports with a start; open while not submitted.
	TimeToSubmit DurationStats `json:"time_to_submit"`
	// Compliance: submitted by Deadline() / (submitted + submitted late +
	// overdue, i.e. unsubmitted past Deadline() as of Until). Pending
	// reports are left out as open, waived ones as waived, ones without a
	// due time as unknown.
	Compliance Ratio `json:"compliance"`
	// Late counts reports submitted after Deadline(); Overdue reports not
	// submitted and past Deadline() as of Until.
	Late    int `json:"late"`
	Overdue int `json:"overdue"`
}

// Summary holds every KPI of one set of records: the overall set, a group
// of a breakdown, or a trend period.
type Summary struct {
	// Records is the cohort: records created in the period (all records
	// read when the period is unbounded).
	Records int `json:"records"`
	// Open and Closed split the cohort as of Until.
	Open   int `json:"open"`
	Closed int `json:"closed"`
	// Outcomes counts the cohort by outcome ("" = undetermined).
	Outcomes map[incident.Outcome]int `json:"outcomes"`
	// Durations hold one entry per Interval, in Options order.
	Durations []DurationStats `json:"durations"`
	// Opened counts records created in the period; ClosedInPeriod those
	// whose latest close lies in it, whenever created.
	Opened         int `json:"opened"`
	ClosedInPeriod int `json:"closed_in_period"`
	// Backlog counts the records open at the end of the period (as of
	// Until; all open records when Until is zero).
	Backlog int `json:"backlog"`
	// ClosureRate is ClosedInPeriod / Opened [U: no standard definition;
	// this is the KPI reference's first choice]. It exceeds 1 when the
	// period works off older backlog.
	ClosureRate Ratio `json:"closure_rate"`
	// ReopenRate follows ITIL: "number of incidents closed that are
	// reopened ..., relative to the number of all incidents closed, in a
	// given time period" (Micro Focus ITSMA 2018.02 incident management
	// KPIs [C]): of the records whose latest close lies in the period,
	// those reopened at least once.
	ReopenRate Ratio `json:"reopen_rate"`
	// FalsePositiveRate is not_incident / cohort records with a determined
	// outcome; undetermined ones are left out.
	FalsePositiveRate Ratio `json:"false_positive_rate"`
	// NearMissRatio is near misses / (near misses + incidents) (NIS2 Art.
	// 6(5) and VERIS "Near miss" define the term [C]; the ratio is ours).
	NearMissRatio Ratio `json:"near_miss_ratio"`
	// FlowCoarse counts closes and reopens placed in a period by a coarse
	// timestamp's earliest instant.
	FlowCoarse int `json:"flow_coarse,omitempty"`
	// SLA holds one result per Options.SLA target, in that order.
	SLA []SLAResult `json:"sla,omitempty"`
	// Regulatory holds one result per regime and report kind, sorted.
	Regulatory []RegulatoryResult `json:"regulatory,omitempty"`
}

// Duration returns the entry for the named interval.
func (s *Summary) Duration(name string) (DurationStats, bool) {
	for _, d := range s.Durations {
		if d.Name == name {
			return d, true
		}
	}
	return DurationStats{}, false
}

// Group is one group of a breakdown.
type Group struct {
	Key     string  `json:"key"`
	Summary Summary `json:"summary"`
}

// BreakdownResult holds the groups of one Breakdown, sorted by key.
type BreakdownResult struct {
	Name   string  `json:"name"`
	Groups []Group `json:"groups"`
}

// Change is one figure compared with the previous period. Pointers are nil
// where the figure is undefined (no data, zero denominator).
type Change struct {
	Figure   string   `json:"figure"`
	Previous *float64 `json:"previous"`
	Current  *float64 `json:"current"`
	// Delta is Current − Previous; Relative is Delta / |Previous|.
	Delta    *float64 `json:"delta"`
	Relative *float64 `json:"relative"`
}

// Period is one trend period [Start, End): the Summary of the records
// created in it (durations and outcome rates), its flows (opened, closed,
// backlog at End, closure and reopen rates) and the change of its headline
// figures against the previous period.
type Period struct {
	Start   time.Time `json:"start"`
	End     time.Time `json:"end"`
	Summary Summary   `json:"summary"`
	// Changes is empty for the first period. Figures: opened,
	// closed_in_period, backlog, closure_rate, reopen_rate,
	// false_positive_rate, near_miss_ratio, and "<interval>.median" and
	// "<interval>.mean" in seconds.
	Changes []Change `json:"changes,omitempty"`
}

// Trend is the series of periods, oldest first, with no gaps. It covers
// the reporting period: from the period holding Options.From to the one
// holding the last instant before Options.Until, empty periods included
// (zero counts, the backlog carried over, no durations); a zero bound
// ends the series at the first or last period with data. It never has
// more than MaxTrendPeriods periods beyond what the data itself spans.
type Trend struct {
	Granularity Granularity `json:"granularity"`
	Periods     []Period    `json:"periods"`
}

// Report is the result of a computation.
type Report struct {
	// Mode, RelativeAccuracy (streaming only), Estimates and Coarse say
	// how the figures were computed; From and Until bound the period.
	Mode             string    `json:"mode"`
	RelativeAccuracy float64   `json:"relative_accuracy,omitempty"`
	Estimates        string    `json:"estimates"`
	Coarse           string    `json:"coarse"`
	From             time.Time `json:"from,omitzero"`
	Until            time.Time `json:"until,omitzero"`
	// Read counts the records read; BeforePeriod those created before
	// From (used for the flows only), AfterPeriod those created at or after
	// Until (ignored), Nil the nil records (ignored).
	Read         int `json:"read"`
	BeforePeriod int `json:"before_period"`
	AfterPeriod  int `json:"after_period"`
	Nil          int `json:"nil,omitempty"`
	// Overall summarises every record.
	Overall Summary `json:"overall"`
	// Breakdowns hold one result per Options.Breakdowns entry, in order.
	Breakdowns []BreakdownResult `json:"breakdowns,omitempty"`
	// Trend is nil unless Options.Trend is set.
	Trend *Trend `json:"trend,omitempty"`
}
