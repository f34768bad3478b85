package prometheus_test

import (
	"context"
	"errors"
	"iter"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	prom "github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/adapters/prometheus"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/metrics"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
)

var t0 = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func h(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Hour))) }

type fields struct {
	created, contained, closed time.Time
	sev                        incident.Severity
	out                        incident.Outcome
}

func inc(f fields) *incident.Incident {
	i := &incident.Incident{}
	i.CreatedAt = f.created
	i.State = incident.StateAnalysis
	i.Severity = f.sev
	i.Outcome = f.out
	i.Timeline.Detected = incident.At(f.created)
	if !f.contained.IsZero() {
		i.Timeline.Contained = incident.At(f.contained)
	}
	if !f.closed.IsZero() {
		i.Timeline.Closed = incident.At(f.closed)
		i.State = incident.StateClosed
	}
	return i
}

func seq(recs ...*incident.Incident) iter.Seq2[incident.Record, error] {
	return func(yield func(incident.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// report computes the KPIs of four hand-made incidents over [t0, t0+24h):
//
//	#1 high, contained after 2h, closed at 10h, an incident
//	#2 high, contained after 4h, open, an incident
//	#3 low, not contained, open, undetermined
//	#4 no severity, closed at 4h without containment, not an incident
//
// Time to contain: 2h and 4h measured (mean 3h, p90 3.8h by R-7), #3 left
// out as open, #4 as unknown. Closure 2 closed / 4 opened; reopen 0 / 2;
// false positives 1 / 3 determined; near misses 0 / 2; SLA (high within
// 3h) 1 met / 2.
func report(t *testing.T) *metrics.Report {
	t.Helper()
	rep, err := metrics.Compute(seq(
		inc(fields{created: h(0), contained: h(2), closed: h(10), sev: incident.SeverityHigh, out: incident.OutcomeIncident}),
		inc(fields{created: h(1), contained: h(5), sev: incident.SeverityHigh, out: incident.OutcomeIncident}),
		inc(fields{created: h(2), sev: incident.SeverityLow}),
		inc(fields{created: h(3), closed: h(4), out: incident.OutcomeNotIncident}),
	), metrics.Options{
		From: t0, Until: h(24),
		Intervals:  []metrics.Interval{{Name: metrics.TimeToContain, From: incident.AnchorDetected, To: incident.AnchorContained}},
		Breakdowns: []metrics.Breakdown{metrics.BySeverity(), metrics.ByCategory()},
		SLA:        []metrics.SLATarget{{Severity: incident.SeverityHigh, Interval: metrics.TimeToContain, Within: 3 * time.Hour}},
	})
	require.NoError(t, err)
	return rep
}

// outbox stores three entries for tenant, claims two at t0+10m and
// dead-letters the oldest: 2 pending (1 leased), 1 dead, the oldest
// pending created at t0+1m.
func outbox(t *testing.T, st *memory.Store, tenant string) {
	t.Helper()
	ctx := context.Background()
	w := &store.Write{}
	for i := range 3 {
		id := uuid.Must(uuid.NewV7())
		w.Outbox = append(w.Outbox, store.OutboxEntry{ID: id, Type: "incident.declared", RecordID: id, Seq: 1,
			IdempotencyKey: id.String(), CreatedAt: t0.Add(time.Duration(i) * time.Minute)})
	}
	require.NoError(t, st.Commit(ctx, tenant, w))
	now := t0.Add(10 * time.Minute)
	got, err := st.Claim(ctx, tenant, now, 2, time.Minute)
	require.NoError(t, err)
	require.Len(t, got, 2)
	require.NoError(t, st.Nack(ctx, tenant, got[0].ID, got[0].Lease, store.Failure{Now: now, Reason: "410 Gone", Permanent: true}))
}

func clock() time.Time { return t0.Add(10 * time.Minute) }

func newCollector(t *testing.T) *prometheus.Collector {
	t.Helper()
	st := memory.New()
	outbox(t, st, "acme")
	var latest prometheus.Reports
	latest.Set("acme", report(t))
	c, err := prometheus.New(st, []string{"acme", "globex"},
		prometheus.WithReports(latest.Report), prometheus.WithBreakdowns("severity"), prometheus.WithClock(clock))
	require.NoError(t, err)
	return c
}

func TestOutbox(t *testing.T) {
	const want = `
# HELP iso27035_outbox_dead_letters Outbox entries given up on (dead letters), waiting for an operator to requeue them.
# TYPE iso27035_outbox_dead_letters gauge
iso27035_outbox_dead_letters{tenant="acme"} 1
iso27035_outbox_dead_letters{tenant="globex"} 0
# HELP iso27035_outbox_leased Pending outbox entries under an unexpired lease (being delivered by a relay).
# TYPE iso27035_outbox_leased gauge
iso27035_outbox_leased{tenant="acme"} 1
iso27035_outbox_leased{tenant="globex"} 0
# HELP iso27035_outbox_oldest_age_seconds Age of the oldest pending outbox entry (now minus its creation); 0 when none is pending.
# TYPE iso27035_outbox_oldest_age_seconds gauge
iso27035_outbox_oldest_age_seconds{tenant="acme"} 540
iso27035_outbox_oldest_age_seconds{tenant="globex"} 0
# HELP iso27035_outbox_pending Outbox entries not delivered yet and not dead letters, leased or not.
# TYPE iso27035_outbox_pending gauge
iso27035_outbox_pending{tenant="acme"} 2
iso27035_outbox_pending{tenant="globex"} 0
`
	require.NoError(t, testutil.CollectAndCompare(newCollector(t), strings.NewReader(want),
		"iso27035_outbox_pending", "iso27035_outbox_leased", "iso27035_outbox_dead_letters", "iso27035_outbox_oldest_age_seconds"))
}

func TestKPIs(t *testing.T) {
	const want = `
# HELP iso27035_closure_ratio Closure ratio: records closed in the period / records opened in the period (no standard definition; exceeds 1 when older backlog is worked off).
# TYPE iso27035_closure_ratio gauge
iso27035_closure_ratio{severity="",tenant="acme"} 0.5
iso27035_closure_ratio{severity="high",tenant="acme"} 0.5
iso27035_closure_ratio{severity="low",tenant="acme"} 0
iso27035_closure_ratio{severity="unset",tenant="acme"} 1
# HELP iso27035_false_positive_ratio False-positive ratio: cohort records assessed as not an incident / cohort records with a determined outcome.
# TYPE iso27035_false_positive_ratio gauge
iso27035_false_positive_ratio{severity="",tenant="acme"} 0.3333333333333333
iso27035_false_positive_ratio{severity="high",tenant="acme"} 0
iso27035_false_positive_ratio{severity="unset",tenant="acme"} 1
# HELP iso27035_incident_duration_seconds Durations of handling per interval (from one timeline anchor to another, e.g. time_to_contain: detected to contained) over the cohort records measured; quantile 0 is the minimum and 1 the maximum; open, unknown, estimated, coarse and invalid records are left out, never counted as zero. Under coarse bounds these are the lower bounds.
# TYPE iso27035_incident_duration_seconds summary
iso27035_incident_duration_seconds{interval="time_to_contain",severity="",tenant="acme",quantile="0"} 7200
iso27035_incident_duration_seconds{interval="time_to_contain",severity="",tenant="acme",quantile="0.5"} 10800
iso27035_incident_duration_seconds{interval="time_to_contain",severity="",tenant="acme",quantile="0.9"} 13680
iso27035_incident_duration_seconds{interval="time_to_contain",severity="",tenant="acme",quantile="0.95"} 14040
iso27035_incident_duration_seconds{interval="time_to_contain",severity="",tenant="acme",quantile="0.99"} 14328
iso27035_incident_duration_seconds{interval="time_to_contain",severity="",tenant="acme",quantile="1"} 14400
iso27035_incident_duration_seconds_sum{interval="time_to_contain",severity="",tenant="acme"} 21600
iso27035_incident_duration_seconds_count{interval="time_to_contain",severity="",tenant="acme"} 2
iso27035_incident_duration_seconds{interval="time_to_contain",severity="high",tenant="acme",quantile="0"} 7200
iso27035_incident_duration_seconds{interval="time_to_contain",severity="high",tenant="acme",quantile="0.5"} 10800
iso27035_incident_duration_seconds{interval="time_to_contain",severity="high",tenant="acme",quantile="0.9"} 13680
iso27035_incident_duration_seconds{interval="time_to_contain",severity="high",tenant="acme",quantile="0.95"} 14040
iso27035_incident_duration_seconds{interval="time_to_contain",severity="high",tenant="acme",quantile="0.99"} 14328
iso27035_incident_duration_seconds{interval="time_to_contain",severity="high",tenant="acme",quantile="1"} 14400
iso27035_incident_duration_seconds_sum{interval="time_to_contain",severity="high",tenant="acme"} 21600
iso27035_incident_duration_seconds_count{interval="time_to_contain",severity="high",tenant="acme"} 2
iso27035_incident_duration_seconds_sum{interval="time_to_contain",severity="low",tenant="acme"} 0
iso27035_incident_duration_seconds_count{interval="time_to_contain",severity="low",tenant="acme"} 0
iso27035_incident_duration_seconds_sum{interval="time_to_contain",severity="unset",tenant="acme"} 0
iso27035_incident_duration_seconds_count{interval="time_to_contain",severity="unset",tenant="acme"} 0
# HELP iso27035_incident_outcomes Records of the report's cohort by assessed outcome (undetermined: not assessed yet).
# TYPE iso27035_incident_outcomes gauge
iso27035_incident_outcomes{outcome="incident",tenant="acme"} 2
iso27035_incident_outcomes{outcome="not_incident",tenant="acme"} 1
iso27035_incident_outcomes{outcome="undetermined",tenant="acme"} 1
# HELP iso27035_incidents Records of the report's cohort (created in its period) by state as of the period's end: closed (latest close not followed by a reopening) or open.
# TYPE iso27035_incidents gauge
iso27035_incidents{severity="",state="closed",tenant="acme"} 2
iso27035_incidents{severity="",state="open",tenant="acme"} 2
iso27035_incidents{severity="high",state="closed",tenant="acme"} 1
iso27035_incidents{severity="high",state="open",tenant="acme"} 1
iso27035_incidents{severity="low",state="closed",tenant="acme"} 0
iso27035_incidents{severity="low",state="open",tenant="acme"} 1
iso27035_incidents{severity="unset",state="closed",tenant="acme"} 1
iso27035_incidents{severity="unset",state="open",tenant="acme"} 0
# HELP iso27035_incidents_left_out Cohort records not measured for an interval, by reason: open (end not reached yet), unknown (an anchor not recorded), estimated (estimates excluded), coarse (day, month or year precision excluded), invalid (end before start).
# TYPE iso27035_incidents_left_out gauge
iso27035_incidents_left_out{interval="time_to_contain",reason="coarse",severity="",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="estimated",severity="",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="invalid",severity="",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="open",severity="",tenant="acme"} 1
iso27035_incidents_left_out{interval="time_to_contain",reason="unknown",severity="",tenant="acme"} 1
iso27035_incidents_left_out{interval="time_to_contain",reason="coarse",severity="high",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="estimated",severity="high",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="invalid",severity="high",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="open",severity="high",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="unknown",severity="high",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="coarse",severity="low",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="estimated",severity="low",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="invalid",severity="low",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="open",severity="low",tenant="acme"} 1
iso27035_incidents_left_out{interval="time_to_contain",reason="unknown",severity="low",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="coarse",severity="unset",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="estimated",severity="unset",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="invalid",severity="unset",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="open",severity="unset",tenant="acme"} 0
iso27035_incidents_left_out{interval="time_to_contain",reason="unknown",severity="unset",tenant="acme"} 1
# HELP iso27035_near_miss_ratio Near-miss ratio: near misses / (near misses + incidents) in the cohort.
# TYPE iso27035_near_miss_ratio gauge
iso27035_near_miss_ratio{severity="",tenant="acme"} 0
iso27035_near_miss_ratio{severity="high",tenant="acme"} 0
# HELP iso27035_reopen_ratio Reopen ratio (ITIL): of the records whose latest close lies in the period, those reopened at least once.
# TYPE iso27035_reopen_ratio gauge
iso27035_reopen_ratio{severity="",tenant="acme"} 0
iso27035_reopen_ratio{severity="high",tenant="acme"} 0
iso27035_reopen_ratio{severity="unset",tenant="acme"} 0
# HELP iso27035_sla_compliance_ratio SLA compliance: cohort records of the severity that reached the end of the interval within the target / (those + those past it); records still within it are left out.
# TYPE iso27035_sla_compliance_ratio gauge
iso27035_sla_compliance_ratio{interval="time_to_contain",severity="high",tenant="acme"} 0.5
# HELP iso27035_incident_backlog Records open at the end of the report's period (created before it ends, not closed as of it).
# TYPE iso27035_incident_backlog gauge
iso27035_incident_backlog{severity="",tenant="acme"} 2
iso27035_incident_backlog{severity="high",tenant="acme"} 1
iso27035_incident_backlog{severity="low",tenant="acme"} 1
iso27035_incident_backlog{severity="unset",tenant="acme"} 0
# HELP iso27035_report_until_timestamp_seconds End of the report's period as a Unix time: every KPI is computed as of this instant.
# TYPE iso27035_report_until_timestamp_seconds gauge
iso27035_report_until_timestamp_seconds{tenant="acme"} 1.7725284e+09
`
	require.NoError(t, testutil.CollectAndCompare(newCollector(t), strings.NewReader(want),
		"iso27035_closure_ratio", "iso27035_false_positive_ratio", "iso27035_incident_duration_seconds",
		"iso27035_incident_outcomes", "iso27035_incidents", "iso27035_incidents_left_out", "iso27035_near_miss_ratio",
		"iso27035_reopen_ratio", "iso27035_sla_compliance_ratio", "iso27035_incident_backlog", "iso27035_report_until_timestamp_seconds"))
}

func TestCountAndLint(t *testing.T) {
	c := newCollector(t)
	// Outbox: 4 gauges × 2 tenants. KPIs of acme: per summary (overall and
	// 3 severity groups) 2 incidents + opened + closed + backlog + 1
	// duration summary + 5 left out = 11, plus the defined ratios (overall
	// 4, high 4, low 1, unset 3 = 12); overall only: 3 outcomes, 1 SLA, 1
	// until.
	assert.Equal(t, 8+4*11+12+5, testutil.CollectAndCount(c))
	assert.Equal(t, 2, testutil.CollectAndCount(c, "iso27035_outbox_pending"))
	problems, err := testutil.CollectAndLint(c)
	require.NoError(t, err)
	assert.Empty(t, problems)

	// The pedantic registry checks every metric against Describe.
	reg := prom.NewPedanticRegistry()
	require.NoError(t, reg.Register(c))
	_, err = reg.Gather()
	require.NoError(t, err)
	problems, err = testutil.GatherAndLint(reg)
	require.NoError(t, err)
	assert.Empty(t, problems)
}

func TestCoarseBoundsAndRegulatory(t *testing.T) {
	i := inc(fields{created: h(0), sev: incident.SeverityHigh, out: incident.OutcomeIncident})
	i.Timeline.Contained = incident.Approx(time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC), incident.PrecisionDay, false)
	i.Obligations = []incident.Obligation{{Regime: "gdpr", Report: "notification", StartAt: h(0), Due: h(72), SubmittedAt: h(80)}}
	rep, err := metrics.Compute(seq(i), metrics.Options{
		Coarse:    metrics.CoarseBounds,
		Intervals: []metrics.Interval{{Name: metrics.TimeToContain, From: incident.AnchorDetected, To: incident.AnchorContained}},
	})
	require.NoError(t, err)
	c, err := prometheus.New(nil, []string{"acme"}, prometheus.WithReports(func(context.Context, string) (*metrics.Report, error) { return rep, nil }))
	require.NoError(t, err)
	assert.Equal(t, 1, testutil.CollectAndCount(c, "iso27035_incident_duration_upper_bound_seconds"))
	assert.Equal(t, 1, testutil.CollectAndCount(c, "iso27035_regulatory_reports_late"))
	assert.Equal(t, 0, testutil.CollectAndCount(c, "iso27035_outbox_pending"))
	assert.Equal(t, 0, testutil.CollectAndCount(c, "iso27035_report_until_timestamp_seconds"), "unbounded period")
	problems, err := testutil.CollectAndLint(c)
	require.NoError(t, err)
	assert.Empty(t, problems)
}

type failing struct {
	store.Outbox
	err   error
	block bool
}

func (f failing) OutboxStats(ctx context.Context, _ string, _ time.Time) (store.OutboxStats, error) {
	if f.block {
		<-ctx.Done()
		return store.OutboxStats{}, ctx.Err()
	}
	return store.OutboxStats{}, f.err
}

func TestErrors(t *testing.T) {
	boom := errors.New("boom")
	rep := report(t)
	tests := map[string]struct {
		outbox  store.Outbox
		reports prometheus.ReportFunc
		want    string
	}{
		"outbox fails": {outbox: failing{err: boom}, want: `tenant "acme": outbox stats: boom`},
		"report fails": {
			outbox:  memory.New(),
			reports: func(context.Context, string) (*metrics.Report, error) { return nil, boom },
			want:    `tenant "acme": report: boom`,
		},
		"scrape times out": {outbox: failing{block: true}, want: context.DeadlineExceeded.Error()},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			reports := tt.reports
			if reports == nil {
				reports = func(context.Context, string) (*metrics.Report, error) { return rep, nil }
			}
			c, err := prometheus.New(tt.outbox, []string{"acme"}, prometheus.WithReports(reports),
				prometheus.WithTimeout(20*time.Millisecond))
			require.NoError(t, err)
			reg := prom.NewPedanticRegistry()
			require.NoError(t, reg.Register(c))
			mfs, err := reg.Gather()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotEmpty(t, mfs, "the other figures are still gathered")
		})
	}
}

func TestNew(t *testing.T) {
	ok := func(context.Context, string) (*metrics.Report, error) { return nil, nil }
	tests := map[string]struct {
		tenants []string
		opts    []prometheus.Option
	}{
		"no tenant":            {},
		"empty tenant":         {tenants: []string{""}},
		"tenant twice":         {tenants: []string{"a", "a"}},
		"invalid breakdown":    {tenants: []string{"a"}, opts: []prometheus.Option{prometheus.WithBreakdowns("org unit")}},
		"reserved breakdown":   {tenants: []string{"a"}, opts: []prometheus.Option{prometheus.WithBreakdowns("interval")}},
		"double-underscore":    {tenants: []string{"a"}, opts: []prometheus.Option{prometheus.WithBreakdowns("__x")}},
		"breakdown twice":      {tenants: []string{"a"}, opts: []prometheus.Option{prometheus.WithBreakdowns("severity", "severity")}},
		"timeout not positive": {tenants: []string{"a"}, opts: []prometheus.Option{prometheus.WithTimeout(0)}},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := prometheus.New(memory.New(), tt.tenants, append(tt.opts, prometheus.WithReports(ok))...)
			require.ErrorIs(t, err, prometheus.ErrConfig)
		})
	}

	// No report yet: no KPI metric, the outbox still.
	c, err := prometheus.New(memory.New(), []string{"a"}, prometheus.WithReports(ok))
	require.NoError(t, err)
	assert.Equal(t, 4, testutil.CollectAndCount(c))
}

func TestReports(t *testing.T) {
	var r prometheus.Reports
	got, err := r.Report(context.Background(), "acme")
	require.NoError(t, err)
	assert.Nil(t, got)
	rep := &metrics.Report{}
	r.Set("acme", rep)
	got, _ = r.Report(context.Background(), "acme")
	assert.Same(t, rep, got)
	r.Set("acme", nil)
	got, _ = r.Report(context.Background(), "acme")
	assert.Nil(t, got)
}
