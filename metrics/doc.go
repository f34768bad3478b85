// Package metrics computes the performance measures of incident management
// from incident histories, in one pass over any sequence of records (the
// store's List, or any iter.Seq2[incident.Record, error]): the durations of
// handling with their aggregates, the rates, SLA and regulatory deadline
// compliance, breakdowns and trends. It serves the performance evaluation
// of ISO/IEC 27035-2:2023 11.3.2 ("Metrics and governance of incident
// response capability monitoring"); no ISO or NIST text defines MTTD, MTTA
// or MTTR normatively, so every definition below says where it comes from
// ([C] confirmed from the source, [S] several secondary sources, [U] our
// choice, configurable). It is pure: no I/O, no clock; time comes from
// Options.Until.
//
// # Durations
//
// Each Interval runs from one timeline anchor to another (DefaultIntervals
// lists them with their sources; time to detect names its anchor,
// occurred). Per set of records every interval reports count, mean, median,
// p90, p95, p99, min and max (Stats), in Go as time.Duration, in JSON and
// CSV as seconds.
//
// # Censoring
//
// A record is measured for an interval only when both anchors are known.
// Otherwise it is left out, and the figure says so in its LeftOut:
//
//   - open: the end anchor is not reached and the record is not closed (as
//     of Until): an incident not yet contained has no time to contain; it
//     is counted as open, never as zero.
//   - unknown: the start anchor is missing, or the record is closed without
//     the end anchor (a false positive closed without containment).
//   - estimated: an end point is marked Estimated and ExcludeEstimates (the
//     default) is in force. With IncludeEstimates they are used and counted
//     in DurationStats.Estimated.
//   - coarse: an end point has day, month or year precision and
//     ExcludeCoarse (the default) is in force. With CoarseBounds a coarse
//     duration is the interval [to.Earliest()−from.Latest(),
//     to.Latest()−from.Earliest()] (the lower end at least zero) and every
//     figure is reported as a lower bound (Stats) and an upper bound
//     (Upper): a coarse value is never taken as an exact instant.
//   - invalid: the end lies before the start.
//
// The reasons are checked in that order. Closed means: the latest close
// (Timeline.Closed) lies before Until and no reopening follows it before
// Until; a record reopened after a close is open again. Earlier closes are
// not recorded on the timeline, so a record is taken as open from its
// creation to its latest close.
//
// # Period, cohort and flows
//
// Options.From and Until bound the reporting period. The cohort is the
// records created (Header.CreatedAt, always exact) in it: durations,
// outcomes, false-positive and near-miss rates, SLA and regulatory figures
// are computed over the cohort. The flows count every record read: opened
// (created in the period), closed in the period (latest close in it),
// backlog at the end of the period (created before Until, not closed as of
// Until). Everything is computed as of Until: an anchor at or after Until
// is not reached yet, so a report for a past quarter does not change as
// incidents are closed later. Records created at or after Until are
// ignored (Report.AfterPeriod).
//
// # Rates
//
//   - Closure rate [U: no standard definition]: closed in the period /
//     opened in the period (the KPI reference's first choice). It exceeds
//     1 when older backlog is worked off; Backlog says what is left.
//   - Reopen rate [C, ITIL as documented in Micro Focus ITSMA 2018.02,
//     incident management KPIs]: "number of incidents closed that are
//     reopened ..., relative to the number of all incidents closed, in a
//     given time period": of the records whose latest close lies in the
//     period, those reopened at least once.
//   - False-positive rate [U]: not_incident / records with a determined
//     outcome (not_incident, under_watch, near_miss, incident);
//     undetermined outcomes are left out.
//   - Near-miss ratio [C definitions, NIS2 Art. 6(5) and VERIS; ratio
//     ours]: near_miss / (near_miss + incident).
//   - SLA compliance per severity: for each SLATarget (the host's), met /
//     (met + breached) over the cohort records of that severity; an open
//     record already past its target as of Until is breached, one still
//     within it is left out as open; with CoarseBounds a coarse duration
//     whose bounds straddle the target is left out as coarse.
//   - Regulatory deadline compliance, per regime and report kind: reports
//     submitted by Obligation.Deadline() / (those + submitted late +
//     not submitted and past the deadline as of Until); pending reports are
//     left out as open, waived ones as waived, ones without a due time as
//     unknown. The time to submit (StartAt → SubmittedAt) is aggregated
//     like any duration.
//
// # Exact and streaming
//
// In Exact mode every measured duration is kept and the percentiles are
// the R-7 quantiles of golang.org/x/exp/stats (input sorted first, so it
// is not copied; empty sets are not passed to it). In Streaming mode each
// duration of each group is summarised in a Sketch (DDSketch-style
// logarithmic buckets, relative error at most Options.RelativeAccuracy,
// 1 % by default, against the exact R-7 quantiles; count, mean, min and
// max exact): memory is proportional to the number of groups, not of
// records, and Aggregators of shards Merge.
//
// # Breakdowns and trends
//
// Breakdowns group by severity, primary category, priority, organisation
// unit, outcome or any host key; each group has a full Summary. A trend
// (week, month or quarter) gives per period the Summary of the records
// created in it, the period's flows and the change of the headline figures
// against the previous period. The periods run without gaps over the
// reporting period: from the period holding From to the period holding
// the last instant before Until, whether or not they hold data (with a
// zero From, from the first period with a record; with a zero Until, to
// the last period with a record, close or reopening). A period without
// records reports zero counts (opened, closed, cohort), the backlog
// carried over, undefined rates and no durations (Count zero, no value):
// an empty period never reports a duration of zero.
//
// # Output
//
// Report is a plain Go value; it encodes as JSON (encoding/json) and as CSV
// (WriteCSV): one row per figure and group. In CSV, host-supplied text
// (breakdown names and keys, interval names, severities, regimes) that a
// spreadsheet would run as a formula is prefixed with a single quote
// (OWASP CSV Injection); numbers are written unaltered.
package metrics
