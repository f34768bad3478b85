package prometheus

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	prom "github.com/prometheus/client_golang/prometheus"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/metrics"
	"github.com/iso27035/iso27035/store"
)

// DefaultTimeout bounds one scrape unless WithTimeout says otherwise.
const DefaultTimeout = 10 * time.Second

// Unset is the label value of a breakdown group whose key is empty (the
// value is not set on the records).
const Unset = "unset"

// ErrConfig is wrapped by every error New returns.
var ErrConfig = errors.New("prometheus: invalid configuration")

// ReportFunc returns the latest KPI report of a tenant, or nil when there
// is none yet (no KPI metric is then exposed for the tenant). It is called
// once per tenant and scrape, possibly from several goroutines at once, and
// must honour ctx, which carries the scrape's deadline. The report must not
// change after it is returned.
type ReportFunc func(ctx context.Context, tenant string) (*metrics.Report, error)

// Option configures a Collector.
type Option func(*config)

type config struct {
	reports    ReportFunc
	breakdowns []string
	timeout    time.Duration
	now        func() time.Time
}

// WithReports exposes the KPIs of the reports fn returns. Without it only
// the outbox is collected.
func WithReports(fn ReportFunc) Option { return func(c *config) { c.reports = fn } }

// WithBreakdowns declares the breakdowns of the reports to expose, by
// metrics.Breakdown.Name; each becomes a label of that name. Names must be
// valid Prometheus label names, distinct, and none of tenant, state,
// interval, reason, quantile or le.
func WithBreakdowns(names ...string) Option {
	return func(c *config) { c.breakdowns = append(c.breakdowns, names...) }
}

// WithTimeout bounds each scrape (all tenants together); DefaultTimeout
// when not given. It must be positive.
func WithTimeout(d time.Duration) Option { return func(c *config) { c.timeout = d } }

// WithClock sets the clock the outbox is read at (the now of
// store.Outbox.OutboxStats); time.Now when not given.
func WithClock(now func() time.Time) Option { return func(c *config) { c.now = now } }

// Collector is a prom.Collector of the outbox and KPI metrics of a fixed
// set of tenants (see the package documentation). It is safe for concurrent
// use, as the registry requires.
type Collector struct {
	outbox  store.Outbox
	cfg     config
	tenants []string
	descs   []*descs // one per tenant, in the order of tenants
}

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// reserved are the label names the package uses itself on the families
// that carry breakdown labels.
var reserved = []string{"tenant", "state", "interval", "reason", "quantile", "le"}

// New returns a Collector of the tenants' outboxes in outbox (nil: no
// outbox metrics) and, with WithReports, of their KPIs. It returns an error
// wrapping ErrConfig for no tenant, an empty or repeated tenant, an invalid
// breakdown name or a timeout that is not positive.
func New(outbox store.Outbox, tenants []string, opts ...Option) (*Collector, error) {
	cfg := config{timeout: DefaultTimeout, now: time.Now}
	for _, o := range opts {
		o(&cfg)
	}
	if len(tenants) == 0 {
		return nil, fmt.Errorf("%w: no tenant", ErrConfig)
	}
	for i, t := range tenants {
		if t == "" {
			return nil, fmt.Errorf("%w: empty tenant", ErrConfig)
		}
		if slices.Contains(tenants[:i], t) {
			return nil, fmt.Errorf("%w: tenant %q given twice", ErrConfig, t)
		}
	}
	for i, b := range cfg.breakdowns {
		switch {
		case !labelName.MatchString(b) || strings.HasPrefix(b, "__"):
			return nil, fmt.Errorf("%w: breakdown %q is not a valid label name", ErrConfig, b)
		case slices.Contains(reserved, b):
			return nil, fmt.Errorf("%w: breakdown %q collides with a label of the package", ErrConfig, b)
		case slices.Contains(cfg.breakdowns[:i], b):
			return nil, fmt.Errorf("%w: breakdown %q given twice", ErrConfig, b)
		}
	}
	if cfg.timeout <= 0 {
		return nil, fmt.Errorf("%w: timeout %v is not positive", ErrConfig, cfg.timeout)
	}
	if cfg.now == nil {
		cfg.now = time.Now
	}
	c := &Collector{outbox: outbox, cfg: cfg, tenants: slices.Clone(tenants)}
	for _, t := range c.tenants {
		c.descs = append(c.descs, newDescs(t, cfg.breakdowns))
	}
	return c, nil
}

// Describe implements prom.Collector: it sends the descriptors of every
// family the Collector may send, for every tenant.
func (c *Collector) Describe(ch chan<- *prom.Desc) {
	for _, d := range c.descs {
		if c.outbox != nil {
			for _, x := range d.outbox() {
				ch <- x
			}
		}
		if c.cfg.reports != nil {
			for _, x := range d.kpis() {
				ch <- x
			}
		}
	}
}

// Collect implements prom.Collector: it reads every tenant's outbox and
// report under one deadline. A failure sends an invalid metric naming the
// tenant and the cause, and the other figures are still sent.
func (c *Collector) Collect(ch chan<- prom.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.cfg.timeout)
	defer cancel()
	for i, t := range c.tenants {
		d := c.descs[i]
		if c.outbox != nil {
			c.collectOutbox(ctx, ch, t, d)
		}
		if c.cfg.reports != nil {
			rep, err := c.cfg.reports(ctx, t)
			switch {
			case err != nil:
				ch <- prom.NewInvalidMetric(d.incidents, fmt.Errorf("tenant %q: report: %w", t, err))
			case rep != nil:
				e := emitter{ch: ch, d: d}
				e.report(rep)
			}
		}
	}
}

func (c *Collector) collectOutbox(ctx context.Context, ch chan<- prom.Metric, tenant string, d *descs) {
	st, err := c.outbox.OutboxStats(ctx, tenant, c.cfg.now())
	if err != nil {
		ch <- prom.NewInvalidMetric(d.pending, fmt.Errorf("tenant %q: outbox stats: %w", tenant, err))
		return
	}
	e := emitter{ch: ch, d: d}
	e.gauge(d.pending, float64(st.Pending))
	e.gauge(d.leased, float64(st.Leased))
	e.gauge(d.dead, float64(st.Dead))
	e.gauge(d.oldestAge, st.OldestAge.Seconds())
}

// descs are the descriptors of one tenant.
type descs struct {
	breakdowns []string

	pending, leased, dead, oldestAge *prom.Desc

	// Families with breakdown labels (their own labels first).
	incidents, opened, closedInPeriod, backlog *prom.Desc
	duration, durationUpper, leftOut           *prom.Desc
	closure, reopen, falsePositive, nearMiss   *prom.Desc

	// Families of the overall summary only.
	outcomes, sla, regCompliance, regLate, regOverdue, until *prom.Desc
}

func newDescs(tenant string, breakdowns []string) *descs {
	cl := prom.Labels{"tenant": tenant}
	plain := func(name, help string, labels ...string) *prom.Desc {
		return prom.NewDesc(name, help, labels, cl)
	}
	split := func(name, help string, labels ...string) *prom.Desc {
		return prom.NewDesc(name, help, append(labels, breakdowns...), cl)
	}
	return &descs{
		breakdowns: breakdowns,

		pending:   plain("iso27035_outbox_pending", "Outbox entries not delivered yet and not dead letters, leased or not."),
		leased:    plain("iso27035_outbox_leased", "Pending outbox entries under an unexpired lease (being delivered by a relay)."),
		dead:      plain("iso27035_outbox_dead_letters", "Outbox entries given up on (dead letters), waiting for an operator to requeue them."),
		oldestAge: plain("iso27035_outbox_oldest_age_seconds", "Age of the oldest pending outbox entry (now minus its creation); 0 when none is pending."),

		incidents: split("iso27035_incidents",
			"Records of the report's cohort (created in its period) by state as of the period's end: closed (latest close not followed by a reopening) or open.", "state"),
		opened: split("iso27035_incidents_opened", "Records created in the report's period."),
		closedInPeriod: split("iso27035_incidents_closed_in_period",
			"Records whose latest close lies in the report's period, whenever created."),
		backlog: split("iso27035_incident_backlog", "Records open at the end of the report's period (created before it ends, not closed as of it)."),
		duration: split("iso27035_incident_duration_seconds",
			"Durations of handling per interval (from one timeline anchor to another, e.g. time_to_contain: detected to contained) over the cohort records measured; "+
				"quantile 0 is the minimum and 1 the maximum; open, unknown, estimated, coarse and invalid records are left out, never counted as zero. "+
				"Under coarse bounds these are the lower bounds.", "interval"),
		durationUpper: split("iso27035_incident_duration_upper_bound_seconds",
			"Upper bounds of the durations of handling per interval, from the longest value each coarse (day, month or year precision) duration may have.", "interval"),
		leftOut: split("iso27035_incidents_left_out",
			"Cohort records not measured for an interval, by reason: open (end not reached yet), unknown (an anchor not recorded), estimated (estimates excluded), "+
				"coarse (day, month or year precision excluded), invalid (end before start).", "interval", "reason"),
		closure: split("iso27035_closure_ratio",
			"Closure ratio: records closed in the period / records opened in the period (no standard definition; exceeds 1 when older backlog is worked off)."),
		reopen: split("iso27035_reopen_ratio",
			"Reopen ratio (ITIL): of the records whose latest close lies in the period, those reopened at least once."),
		falsePositive: split("iso27035_false_positive_ratio",
			"False-positive ratio: cohort records assessed as not an incident / cohort records with a determined outcome."),
		nearMiss: split("iso27035_near_miss_ratio",
			"Near-miss ratio: near misses / (near misses + incidents) in the cohort."),

		outcomes: plain("iso27035_incident_outcomes",
			"Records of the report's cohort by assessed outcome (undetermined: not assessed yet).", "outcome"),
		sla: plain("iso27035_sla_compliance_ratio",
			"SLA compliance: cohort records of the severity that reached the end of the interval within the target / (those + those past it); records still within it are left out.",
			"severity", "interval"),
		regCompliance: plain("iso27035_regulatory_compliance_ratio",
			"Regulatory deadline compliance: reports submitted by their deadline / (those + submitted late + not submitted and past the deadline).", "regime", "report"),
		regLate:    plain("iso27035_regulatory_reports_late", "Regulatory reports submitted after their deadline.", "regime", "report"),
		regOverdue: plain("iso27035_regulatory_reports_overdue", "Regulatory reports not submitted and past their deadline as of the period's end.", "regime", "report"),
		until: plain("iso27035_report_until_timestamp_seconds",
			"End of the report's period as a Unix time: every KPI is computed as of this instant."),
	}
}

func (d *descs) outbox() []*prom.Desc { return []*prom.Desc{d.pending, d.leased, d.dead, d.oldestAge} }

func (d *descs) kpis() []*prom.Desc {
	return []*prom.Desc{d.incidents, d.opened, d.closedInPeriod, d.backlog, d.duration, d.durationUpper, d.leftOut,
		d.closure, d.reopen, d.falsePositive, d.nearMiss, d.outcomes, d.sla, d.regCompliance, d.regLate, d.regOverdue, d.until}
}

// emitter sends metrics; a metric that cannot be built (never expected)
// is sent as an invalid metric instead of panicking.
type emitter struct {
	ch chan<- prom.Metric
	d  *descs
	// group holds the breakdown label values of the summary being sent.
	group []string
}

func (e *emitter) send(m prom.Metric, err error, desc *prom.Desc) {
	if err != nil {
		m = prom.NewInvalidMetric(desc, err)
	}
	e.ch <- m
}

func (e *emitter) gauge(desc *prom.Desc, v float64, labels ...string) {
	m, err := prom.NewConstMetric(desc, prom.GaugeValue, v, labels...)
	e.send(m, err, desc)
}

// split sends a gauge of a family with breakdown labels.
func (e *emitter) split(desc *prom.Desc, v float64, labels ...string) {
	e.gauge(desc, v, append(labels, e.group...)...)
}

func (e *emitter) ratio(desc *prom.Desc, r metrics.Ratio, split bool, labels ...string) {
	v, ok := r.Value()
	if !ok {
		return
	}
	if split {
		e.split(desc, v, labels...)
	} else {
		e.gauge(desc, v, labels...)
	}
}

func (e *emitter) report(rep *metrics.Report) {
	e.group = make([]string, len(e.d.breakdowns))
	e.summary(&rep.Overall)
	e.overall(rep)
	for _, b := range rep.Breakdowns {
		i := slices.Index(e.d.breakdowns, b.Name)
		if i < 0 {
			continue
		}
		for _, g := range b.Groups {
			clear(e.group)
			e.group[i] = g.Key
			if g.Key == "" {
				e.group[i] = Unset
			}
			e.summary(&g.Summary)
		}
	}
}

// summary sends the families with breakdown labels.
func (e *emitter) summary(s *metrics.Summary) {
	d := e.d
	e.split(d.incidents, float64(s.Open), "open")
	e.split(d.incidents, float64(s.Closed), "closed")
	e.split(d.opened, float64(s.Opened))
	e.split(d.closedInPeriod, float64(s.ClosedInPeriod))
	e.split(d.backlog, float64(s.Backlog))
	for i := range s.Durations {
		ds := &s.Durations[i]
		e.durations(d.duration, ds.Name, ds.Stats)
		if ds.Upper != nil {
			e.durations(d.durationUpper, ds.Name, *ds.Upper)
		}
		lo := ds.LeftOut
		for _, r := range []struct {
			reason string
			n      int
		}{{"open", lo.Open}, {"unknown", lo.Unknown}, {"estimated", lo.Estimated}, {"coarse", lo.Coarse}, {"invalid", lo.Invalid}} {
			e.split(d.leftOut, float64(r.n), ds.Name, r.reason)
		}
	}
	e.ratio(d.closure, s.ClosureRate, true)
	e.ratio(d.reopen, s.ReopenRate, true)
	e.ratio(d.falsePositive, s.FalsePositiveRate, true)
	e.ratio(d.nearMiss, s.NearMissRatio, true)
}

func (e *emitter) durations(desc *prom.Desc, interval string, st metrics.Stats) {
	// The quantiles of metrics.Stats: 0 is the minimum and 1 the maximum
	// (the R-7 quantiles at 0 and 1).
	var q map[float64]float64
	if st.Count > 0 {
		q = map[float64]float64{
			0: st.Min.Seconds(), 0.5: st.Median.Seconds(), 0.9: st.P90.Seconds(),
			0.95: st.P95.Seconds(), 0.99: st.P99.Seconds(), 1: st.Max.Seconds(),
		}
	}
	labels := append([]string{interval}, e.group...)
	m, err := prom.NewConstSummary(desc, uint64(st.Count), st.Mean.Seconds()*float64(st.Count), q, labels...) //nolint:gosec // a count is never negative
	e.send(m, err, desc)
}

// overall sends the families of the overall summary only.
func (e *emitter) overall(rep *metrics.Report) {
	d, s := e.d, &rep.Overall
	outs := make([]incident.Outcome, 0, len(s.Outcomes))
	for o := range s.Outcomes {
		outs = append(outs, o)
	}
	slices.Sort(outs)
	for _, o := range outs {
		name := string(o)
		if o == incident.OutcomeUndetermined {
			name = "undetermined"
		}
		e.gauge(d.outcomes, float64(s.Outcomes[o]), name)
	}
	for _, t := range s.SLA {
		e.ratio(d.sla, t.Compliance, false, string(t.Severity), t.Interval)
	}
	for _, r := range s.Regulatory {
		e.ratio(d.regCompliance, r.Compliance, false, r.Regime, r.Report)
		e.gauge(d.regLate, float64(r.Late), r.Regime, r.Report)
		e.gauge(d.regOverdue, float64(r.Overdue), r.Regime, r.Report)
	}
	if !rep.Until.IsZero() {
		e.gauge(d.until, float64(rep.Until.UnixNano())/1e9)
	}
}
