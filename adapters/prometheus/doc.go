// Package prometheus exposes the incident management measures of package
// github.com/iso27035/iso27035/metrics and the state of the notification
// outbox (package github.com/iso27035/iso27035/store) as Prometheus metrics.
// It serves the performance evaluation of incident management in ISO/IEC
// 27035-2:2023, 11.3.2, through package metrics, and the monitoring of the
// notification relay.
//
// The Prometheus client (github.com/prometheus/client_golang, imported here
// as prom) is a dependency of this nested module only; the root module stays
// free of it.
//
//	var latest prometheus.Reports // Set by the host whenever a report is ready
//	c, err := prometheus.New(st, []string{"acme"},
//		prometheus.WithReports(latest.Report),
//		prometheus.WithBreakdowns("severity", "category"))
//	...
//	reg := prom.NewRegistry()
//	reg.MustRegister(c)
//	http.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
//
// # What is read, and when
//
// A Collector reads on every scrape, per configured tenant, under one
// deadline for the whole scrape (WithTimeout, DefaultTimeout by default):
//
//   - the outbox, through store.Outbox.OutboxStats: one count, cheap;
//   - the latest KPI report, through the ReportFunc the host gives
//     (WithReports). Computing a metrics.Report reads every record of the
//     tenant, far too costly for every scrape of a large store, and two
//     Prometheus servers scraping would double it; so the package computes
//     nothing itself. The host computes reports on its own schedule (a
//     ticker, after a batch of writes) and hands the latest over: Reports
//     keeps the latest report per tenant for that; call Reports.Set when a
//     report is ready and pass Reports.Report to WithReports. A host with a
//     small store may instead pass a ReportFunc that runs metrics.Compute
//     over store.List on every scrape, or one that caches for a while.
//
// Every metric of a tenant carries the constant label tenant.
//
// # Metrics
//
// Outbox gauges (see store.OutboxStats):
//
//	iso27035_outbox_pending              entries not delivered yet and not dead, leased or not
//	iso27035_outbox_leased               pending entries under an unexpired lease
//	iso27035_outbox_dead_letters         dead letters waiting for an operator
//	iso27035_outbox_oldest_age_seconds   age of the oldest pending entry (0 when none)
//
// KPIs of the report's overall summary and of every group of every declared
// breakdown (see Breakdowns below):
//
//	iso27035_incidents{state="open"|"closed"}         the cohort as of the end of the period
//	iso27035_incidents_opened                         records created in the period
//	iso27035_incidents_closed_in_period               records whose latest close lies in the period
//	iso27035_incident_backlog                         records open at the end of the period
//	iso27035_incident_duration_seconds{interval}      summary: quantile 0 (min), 0.5, 0.9, 0.95, 0.99, 1 (max); _sum, _count
//	iso27035_incident_duration_upper_bound_seconds{interval}  the same from the longest possible values (metrics.CoarseBounds only)
//	iso27035_incidents_left_out{interval,reason}      records not measured: open, unknown, estimated, coarse, invalid
//	iso27035_closure_ratio                            closed in the period / opened in the period
//	iso27035_reopen_ratio                             reopened / closed in the period (ITIL)
//	iso27035_false_positive_ratio                     not_incident / records with a determined outcome
//	iso27035_near_miss_ratio                          near misses / (near misses + incidents)
//
// KPIs of the overall summary only:
//
//	iso27035_incident_outcomes{outcome}                  the cohort by outcome ("undetermined" when not assessed)
//	iso27035_sla_compliance_ratio{severity,interval}     met / (met + breached), per SLA target
//	iso27035_regulatory_compliance_ratio{regime,report}  submitted in time / (in time + late + overdue)
//	iso27035_regulatory_reports_late{regime,report}      reports submitted after their deadline
//	iso27035_regulatory_reports_overdue{regime,report}   reports not submitted and past their deadline
//	iso27035_report_until_timestamp_seconds              the end of the report's period, when bounded
//
// The names follow the Prometheus conventions: base units (seconds), _ratio
// for ratios (the closure ratio alone may exceed 1, when older backlog is
// worked off), and no _total, which is for counters: every figure here is a
// gauge of one report, not a running count, and goes down when the report's
// period moves on. For the same reason the _count and _sum of a duration
// summary describe the report's measured records, not a running total: read
// them as gauges (_sum / _count is the mean), never through rate(). The
// summary form is used because the Prometheus linter reserves the quantile
// label for summaries. _sum is mean × count, exact to the nanosecond
// rounding of the mean. A ratio whose denominator is zero is undefined and
// not exposed (rather than exposed as NaN or 0). The help texts carry the
// definitions, shortened from package metrics.
//
// Not exposed: the trend (metrics.Trend), since Prometheus keeps the
// history of every series itself; the time to submit regulatory reports;
// the counts of measured durations that used estimates or coarse values.
//
// # Breakdowns
//
// A report's breakdowns become labels named after the breakdown
// (metrics.BySeverity is "severity", metrics.ByCategory "category"). Label
// names must be known when the Collector is built, so the host declares the
// breakdowns to expose (WithBreakdowns); a breakdown of the report that was
// not declared is not exposed. Every KPI family of the first list carries
// one label per declared breakdown: a series of the overall summary has them
// all empty (absent), a series of a severity group has severity set and the
// others empty. So the overall figures are selected by leaving every
// breakdown label empty, iso27035_closure_ratio{severity="",category=""},
// and a breakdown by setting its label, iso27035_closure_ratio{severity!=""}.
// The group of records without a value (key "") is exposed as Unset.
//
// # Errors
//
// A failing outbox or report function, or a scrape deadline passed, makes
// the Collector send an invalid metric (prom.NewInvalidMetric) naming the
// tenant and the cause: the registry reports it as a scrape error (promhttp
// answers 500, or serves the rest with promhttp.ContinueOnError), never a
// panic, and the other figures and tenants are still collected.
package prometheus
