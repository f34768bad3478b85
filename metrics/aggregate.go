package metrics

import (
	"cmp"
	"fmt"
	"iter"
	"math"
	"slices"
	"time"

	"golang.org/x/exp/stats"

	"github.com/iso27035/iso27035/incident"
)

// Compute reads every record of seq once and returns the report. An error
// yielded by seq ends the computation with that error and no report: a
// partial result is never returned. Compute is New, AddAll and Report in
// one call.
func Compute(seq iter.Seq2[incident.Record, error], opts Options) (*Report, error) {
	a, err := New(opts)
	if err != nil {
		return nil, err
	}
	if err := a.AddAll(seq); err != nil {
		return nil, err
	}
	return a.Report(), nil
}

// Aggregator accumulates records one at a time. Aggregators built from the
// same Options over disjoint shards of the records merge (Merge) into the
// aggregator of their union, so shards may be read in parallel, one
// Aggregator per goroutine. An Aggregator is not safe for concurrent use.
//
// In Streaming mode its memory is proportional to the number of groups
// (overall, one per breakdown key, one per trend period, one per regulatory
// regime and report kind), each holding one Sketch per interval; in Exact
// mode it keeps one float64 per measured duration and group.
type Aggregator struct {
	o       Options
	read    int
	before  int
	after   int
	nils    int
	overall *group
	groups  []map[string]*group
	periods map[int64]*periodAgg
	f       facts // scratch, reused per record
}

type reason uint8

const (
	rOK reason = iota
	rOpen
	rUnknown
	rEstimated
	rCoarse
	rInvalid
)

func (l *LeftOut) count(r reason) {
	switch r {
	case rOpen:
		l.Open++
	case rUnknown:
		l.Unknown++
	case rEstimated:
		l.Estimated++
	case rCoarse:
		l.Coarse++
	case rInvalid:
		l.Invalid++
	}
}

// measured is one duration of one record, in seconds.
type measured struct {
	lo, hi     float64
	why        reason
	est, coars bool
	// elapsed is, for an open record with a known start and a bounded
	// period, the shortest time it has certainly been open at Until.
	elapsed float64
}

type regFact struct {
	key                string // regime + "\x00" + report
	dur                measured
	met, late, overdue bool
	why                reason // rOK when counted in compliance
	waived             bool
}

type facts struct {
	cohort                 bool
	closedAtEnd            bool
	closedIn, reopenClosed bool
	flowCoarse             int
	outcome                incident.Outcome
	severity               incident.Severity
	durs                   []measured
	regs                   []regFact
	created                time.Time
	closedKnown            bool
	closedAt               time.Time
	reopenAfter            bool
	reopenAt               time.Time
	anyReopen              bool
}

type durAgg struct {
	lo, hi   []float64
	slo, shi *Sketch
	est, crs int
	left     LeftOut
}

type regAgg struct {
	dur           durAgg
	comp          Ratio
	late, overdue int
}

type group struct {
	records, open, closed int
	outcomes              map[incident.Outcome]int
	durs                  []durAgg
	opened, closedIn      int
	reopenClosed, backlog int
	flowCoarse            int
	fp, nm                Ratio
	sla                   []Ratio
	regs                  map[string]*regAgg
}

type periodAgg struct {
	cohort                          *group
	opened, closed, reopened, delta int
	flowCoarse                      int
}

// New returns an empty Aggregator, or an error wrapping ErrOptions.
func New(opts Options) (*Aggregator, error) {
	o, err := opts.normalized()
	if err != nil {
		return nil, err
	}
	a := &Aggregator{o: o}
	a.overall = a.newGroup()
	a.groups = make([]map[string]*group, len(o.Breakdowns))
	for i := range a.groups {
		a.groups[i] = map[string]*group{}
	}
	if o.Trend != NoTrend {
		a.periods = map[int64]*periodAgg{}
	}
	a.f.durs = make([]measured, len(o.Intervals))
	return a, nil
}

func (a *Aggregator) newGroup() *group {
	g := &group{outcomes: map[incident.Outcome]int{}, durs: make([]durAgg, len(a.o.Intervals)), sla: make([]Ratio, len(a.o.SLA))}
	if a.o.Mode == Streaming {
		for i := range g.durs {
			a.initDur(&g.durs[i])
		}
	}
	return g
}

func (a *Aggregator) initDur(d *durAgg) {
	if a.o.Mode != Streaming {
		return
	}
	d.slo, _ = NewSketch(a.o.RelativeAccuracy)
	if a.o.Coarse == CoarseBounds {
		d.shi, _ = NewSketch(a.o.RelativeAccuracy)
	}
}

// AddAll adds every record of seq. It stops at the first error seq yields
// and returns it; the Aggregator must then be discarded, as it holds a part
// of the records.
func (a *Aggregator) AddAll(seq iter.Seq2[incident.Record, error]) error {
	for r, err := range seq {
		if err != nil {
			return err
		}
		a.Add(r)
	}
	return nil
}

// Add adds one record. It does not retain r. A nil record is counted in
// Report.Nil and otherwise ignored.
func (a *Aggregator) Add(r incident.Record) {
	a.read++
	if r == nil || isNilRecord(r) {
		a.nils++
		return
	}
	f := &a.f
	if !a.extract(r, f) {
		a.after++
		return
	}
	if !f.cohort {
		a.before++
	}
	a.apply(a.overall, f)
	for i, b := range a.o.Breakdowns {
		k := b.Key(r)
		g := a.groups[i][k]
		if g == nil {
			g = a.newGroup()
			a.groups[i][k] = g
		}
		a.apply(g, f)
	}
	if a.periods != nil {
		a.trendAdd(f)
	}
}

func isNilRecord(r incident.Record) bool {
	switch v := r.(type) {
	case *incident.Incident:
		return v == nil
	case *incident.Event:
		return v == nil
	case *incident.Vulnerability:
		return v == nil
	}
	return false
}

func (a *Aggregator) beforeUntil(t time.Time) bool { // t < Until (or Until unbounded)
	return a.o.Until.IsZero() || t.Before(a.o.Until)
}

func (a *Aggregator) inPeriod(t time.Time) bool {
	return (a.o.From.IsZero() || !t.Before(a.o.From)) && a.beforeUntil(t)
}

// reached reports whether ts is known and lies before Until. A timestamp
// without an instant is unknown even when it carries a precision or the
// estimated flag (Timestamp.IsZero is false for it).
func (a *Aggregator) reached(ts incident.Timestamp) bool {
	return !ts.At.IsZero() && a.beforeUntil(ts.Earliest())
}

func seconds(d time.Duration) float64 { return float64(d) / 1e9 }

// extract fills f from r; false when r was created at or after Until.
func (a *Aggregator) extract(r incident.Record, f *facts) bool {
	h, hd, tl := r.Handle(), r.Head(), r.Times()
	f.created = hd.CreatedAt
	if !a.beforeUntil(f.created) {
		return false
	}
	f.cohort = a.o.From.IsZero() || !f.created.Before(a.o.From)
	f.outcome, f.severity = h.Outcome, h.Severity

	// Closing and reopening as of Until (see the package documentation).
	f.closedKnown = a.reached(tl.Closed)
	f.closedAt = tl.Closed.Earliest()
	f.reopenAfter, f.anyReopen = false, false
	if n := len(tl.Reopened); n > 0 {
		f.anyReopen = a.reached(tl.Reopened[0])
		last := tl.Reopened[n-1]
		if f.closedKnown && a.reached(last) && f.closedAt.Before(last.Earliest()) {
			f.reopenAfter, f.reopenAt = true, last.Earliest()
		}
	}
	f.closedAtEnd = f.closedKnown && !f.reopenAfter
	f.closedIn = f.closedKnown && a.inPeriod(f.closedAt)
	f.reopenClosed = f.closedIn && f.anyReopen
	f.flowCoarse = 0
	if f.closedIn && !tl.Closed.Exact() && tl.Closed.Precision != "" && tl.Closed.Precision != incident.PrecisionInstant {
		f.flowCoarse++
	}

	for i, iv := range a.o.Intervals {
		f.durs[i] = a.measure(h, tl, iv, f.closedAtEnd)
	}
	f.regs = f.regs[:0]
	if inc, ok := r.(*incident.Incident); ok && f.cohort {
		for i := range inc.Obligations {
			f.regs = append(f.regs, a.obligation(&inc.Obligations[i]))
		}
	}
	return true
}

func coarse(ts incident.Timestamp) bool {
	return ts.Precision != "" && ts.Precision != incident.PrecisionInstant
}

func (a *Aggregator) measure(h *incident.Handling, tl *incident.Timeline, iv Interval, closedAtEnd bool) measured {
	from, _ := tl.Get(iv.From)
	var to incident.Timestamp
	reached := false
	switch iv.To {
	case AnchorResolved:
		if h.Resolution != nil && !h.Resolution.SetAt.IsZero() {
			to = incident.At(h.Resolution.SetAt)
			reached = a.reached(to)
		}
	case incident.AnchorClosed:
		to = tl.Closed
		reached = closedAtEnd
	default:
		to, _ = tl.Get(iv.To)
		reached = a.reached(to)
	}
	if !reached {
		if closedAtEnd {
			return measured{why: rUnknown}
		}
		m := measured{why: rOpen, elapsed: -1}
		if a.reached(from) && !a.o.Until.IsZero() && (!from.Estimated || a.o.Estimates == IncludeEstimates) {
			m.elapsed = seconds(a.o.Until.Sub(from.Latest()))
		}
		return m
	}
	if !a.reached(from) {
		return measured{why: rUnknown}
	}
	est := from.Estimated || to.Estimated
	if est && a.o.Estimates == ExcludeEstimates {
		return measured{why: rEstimated}
	}
	crs := coarse(from) || coarse(to)
	if crs && a.o.Coarse == ExcludeCoarse {
		return measured{why: rCoarse}
	}
	var lo, hi float64
	if crs {
		lo = seconds(to.Earliest().Sub(from.Latest()))
		hi = seconds(to.Latest().Sub(from.Earliest()))
	} else {
		lo = seconds(to.At.Sub(from.At))
		hi = lo
	}
	if hi < 0 {
		return measured{why: rInvalid}
	}
	return measured{lo: max(lo, 0), hi: hi, est: est, coars: crs}
}

func (a *Aggregator) obligation(o *incident.Obligation) regFact {
	rf := regFact{key: o.Regime + "\x00" + o.Report}
	if o.Waived != "" {
		rf.waived = true
		rf.dur = measured{why: rUnknown}
		return rf
	}
	submitted := !o.SubmittedAt.IsZero() && a.beforeUntil(o.SubmittedAt)
	switch {
	case !submitted:
		rf.dur = measured{why: rOpen}
	case o.StartAt.IsZero():
		rf.dur = measured{why: rUnknown}
	default:
		d := seconds(o.SubmittedAt.Sub(o.StartAt))
		if d < 0 {
			rf.dur = measured{why: rInvalid}
		} else {
			rf.dur = measured{lo: d, hi: d}
		}
	}
	dl := o.Deadline()
	switch {
	case dl.IsZero():
		rf.why = rUnknown
	case submitted && !o.SubmittedAt.After(dl):
		rf.met = true
	case submitted:
		rf.late = true
	case !a.o.Until.IsZero() && dl.Before(a.o.Until):
		rf.overdue = true
	default:
		rf.why = rOpen
	}
	return rf
}

func (a *Aggregator) addDur(d *durAgg, m measured) {
	if m.why != rOK {
		d.left.count(m.why)
		return
	}
	if m.est {
		d.est++
	}
	if m.coars {
		d.crs++
	}
	if a.o.Mode == Streaming {
		d.slo.Add(m.lo)
		if d.shi != nil {
			d.shi.Add(m.hi)
		}
		return
	}
	d.lo = append(d.lo, m.lo)
	if a.o.Coarse == CoarseBounds {
		d.hi = append(d.hi, m.hi)
	}
}

func (a *Aggregator) apply(g *group, f *facts) {
	if f.cohort {
		g.opened++
	}
	if f.closedIn {
		g.closedIn++
		g.flowCoarse += f.flowCoarse
	}
	if f.reopenClosed {
		g.reopenClosed++
	}
	if !f.closedAtEnd {
		g.backlog++
	}
	if !f.cohort {
		return
	}
	a.applyCohort(g, f)
}

func (a *Aggregator) applyCohort(g *group, f *facts) {
	g.records++
	if f.closedAtEnd {
		g.closed++
	} else {
		g.open++
	}
	g.outcomes[f.outcome]++
	for i := range f.durs {
		a.addDur(&g.durs[i], f.durs[i])
	}
	switch f.outcome {
	case incident.OutcomeUndetermined:
		g.fp.LeftOut.Undetermined++
		g.nm.LeftOut.Undetermined++
	case incident.OutcomeNotIncident:
		g.fp.Numerator++
		g.fp.Denominator++
	case incident.OutcomeNearMiss:
		g.fp.Denominator++
		g.nm.Numerator++
		g.nm.Denominator++
	case incident.OutcomeIncident:
		g.fp.Denominator++
		g.nm.Denominator++
	case incident.OutcomeUnderWatch:
		g.fp.Denominator++
	default: // not an outcome (unvalidated input): not determined either
		g.fp.LeftOut.Unknown++
	}
	for i, t := range a.o.SLA {
		if f.severity != t.Severity {
			continue
		}
		m := f.durs[a.intervalIndex(t.Interval)]
		r := &g.sla[i]
		w := seconds(t.Within)
		switch {
		case m.why == rOK && m.hi <= w:
			r.Numerator++
			r.Denominator++
		case m.why == rOK && m.lo > w:
			r.Denominator++
		case m.why == rOK:
			r.LeftOut.Coarse++
		case m.why == rOpen && m.elapsed > w:
			r.Denominator++ // open and already past its target: breached
		default:
			r.LeftOut.count(m.why)
		}
	}
	for i := range f.regs {
		rf := &f.regs[i]
		if g.regs == nil {
			g.regs = map[string]*regAgg{}
		}
		ra := g.regs[rf.key]
		if ra == nil {
			ra = &regAgg{}
			a.initDur(&ra.dur)
			g.regs[rf.key] = ra
		}
		if rf.waived {
			ra.dur.left.Waived++
			ra.comp.LeftOut.Waived++
			continue
		}
		a.addDur(&ra.dur, rf.dur)
		switch {
		case rf.met:
			ra.comp.Numerator++
			ra.comp.Denominator++
		case rf.late:
			ra.late++
			ra.comp.Denominator++
		case rf.overdue:
			ra.overdue++
			ra.comp.Denominator++
		default:
			ra.comp.LeftOut.count(rf.why)
		}
	}
}

func (a *Aggregator) intervalIndex(name string) int {
	for i, iv := range a.o.Intervals {
		if iv.Name == name {
			return i
		}
	}
	return -1
}

func (a *Aggregator) period(t time.Time) *periodAgg {
	k := a.o.Trend.Start(t).Unix()
	p := a.periods[k]
	if p == nil {
		p = &periodAgg{}
		a.periods[k] = p
	}
	return p
}

func (a *Aggregator) trendAdd(f *facts) {
	p := a.period(f.created)
	p.opened++
	p.delta++
	if f.cohort {
		if p.cohort == nil {
			p.cohort = a.newGroup()
		}
		a.applyCohort(p.cohort, f)
	}
	if f.closedKnown {
		c := a.period(f.closedAt)
		c.closed++
		c.delta--
		c.flowCoarse += f.flowCoarse
		if f.anyReopen {
			c.reopened++
		}
		if f.reopenAfter {
			a.period(f.reopenAt).delta++
		}
	}
}

// Merge adds everything b holds to a, as if a had also read b's records.
// Both must come from equal Options (same mode, accuracy, intervals,
// policies, period, breakdown names, trend and SLA targets); otherwise it
// returns an error wrapping ErrOptions and a is unchanged. b must not be
// used afterwards: a may share its memory.
func (a *Aggregator) Merge(b *Aggregator) error {
	if err := a.compatible(b); err != nil {
		return err
	}
	a.read += b.read
	a.before += b.before
	a.after += b.after
	a.nils += b.nils
	if err := a.mergeGroup(a.overall, b.overall); err != nil {
		return err
	}
	for i := range a.groups {
		for k, bg := range b.groups[i] {
			if ag := a.groups[i][k]; ag != nil {
				if err := a.mergeGroup(ag, bg); err != nil {
					return err
				}
			} else {
				a.groups[i][k] = bg
			}
		}
	}
	for k, bp := range b.periods {
		ap := a.periods[k]
		if ap == nil {
			a.periods[k] = bp
			continue
		}
		ap.opened += bp.opened
		ap.closed += bp.closed
		ap.reopened += bp.reopened
		ap.delta += bp.delta
		ap.flowCoarse += bp.flowCoarse
		switch {
		case ap.cohort == nil:
			ap.cohort = bp.cohort
		case bp.cohort != nil:
			if err := a.mergeGroup(ap.cohort, bp.cohort); err != nil {
				return err
			}
		}
	}
	return nil
}

func (a *Aggregator) compatible(b *Aggregator) error {
	x, y := a.o, b.o
	ok := x.Mode == y.Mode && x.RelativeAccuracy == y.RelativeAccuracy && slices.Equal(x.Intervals, y.Intervals) &&
		x.Estimates == y.Estimates && x.Coarse == y.Coarse && x.From.Equal(y.From) && x.Until.Equal(y.Until) &&
		x.Trend == y.Trend && slices.Equal(x.SLA, y.SLA) && len(x.Breakdowns) == len(y.Breakdowns)
	for i := 0; ok && i < len(x.Breakdowns); i++ {
		ok = x.Breakdowns[i].Name == y.Breakdowns[i].Name
	}
	if !ok {
		return fmt.Errorf("%w: merging aggregators built from different options", ErrOptions)
	}
	return nil
}

func mergeRatio(a *Ratio, b Ratio) {
	a.Numerator += b.Numerator
	a.Denominator += b.Denominator
	a.LeftOut.add(b.LeftOut)
}

func (a *Aggregator) mergeDur(x, y *durAgg) error {
	x.lo = append(x.lo, y.lo...)
	x.hi = append(x.hi, y.hi...)
	if x.slo != nil {
		if err := x.slo.Merge(y.slo); err != nil {
			return err
		}
	}
	if x.shi != nil {
		if err := x.shi.Merge(y.shi); err != nil {
			return err
		}
	}
	x.est += y.est
	x.crs += y.crs
	x.left.add(y.left)
	return nil
}

func (a *Aggregator) mergeGroup(x, y *group) error {
	x.records += y.records
	x.open += y.open
	x.closed += y.closed
	for k, v := range y.outcomes {
		x.outcomes[k] += v
	}
	for i := range x.durs {
		if err := a.mergeDur(&x.durs[i], &y.durs[i]); err != nil {
			return err
		}
	}
	x.opened += y.opened
	x.closedIn += y.closedIn
	x.reopenClosed += y.reopenClosed
	x.backlog += y.backlog
	x.flowCoarse += y.flowCoarse
	mergeRatio(&x.fp, y.fp)
	mergeRatio(&x.nm, y.nm)
	for i := range x.sla {
		mergeRatio(&x.sla[i], y.sla[i])
	}
	for k, yr := range y.regs {
		if x.regs == nil {
			x.regs = map[string]*regAgg{}
		}
		xr := x.regs[k]
		if xr == nil {
			x.regs[k] = yr
			continue
		}
		if err := a.mergeDur(&xr.dur, &yr.dur); err != nil {
			return err
		}
		mergeRatio(&xr.comp, yr.comp)
		xr.late += yr.late
		xr.overdue += yr.overdue
	}
	return nil
}

// quantiles are the percentiles reported, validated once here: the stats
// package panics on a quantile outside [0, 1].
var quantiles = [...]float64{0.5, 0.9, 0.95, 0.99}

// dur converts seconds to a Duration, saturating like time.Time.Sub: a
// float64 at or beyond ±2^63 ns does not convert to int64 (the result is
// implementation-defined, negative on amd64).
func dur(s float64) time.Duration {
	ns := math.Round(s * 1e9)
	switch {
	case ns >= math.MaxInt64: // float64(MaxInt64) is 2^63
		return math.MaxInt64
	case ns <= math.MinInt64:
		return math.MinInt64
	}
	return time.Duration(ns)
}

// exactStats sorts v in place and aggregates it.
func exactStats(v []float64) Stats {
	if len(v) == 0 { // stats.Quantiles and stats.Mean panic on empty input
		return Stats{}
	}
	slices.Sort(v) // sorted input: Quantiles neither copies nor sorts again
	q := stats.Quantiles(v, quantiles[:]...)
	return Stats{Count: len(v), Mean: dur(stats.Mean(v)), Median: dur(q[0]), P90: dur(q[1]), P95: dur(q[2]), P99: dur(q[3]),
		Min: dur(v[0]), Max: dur(v[len(v)-1])}
}

func sketchStats(s *Sketch) Stats {
	if s.Count() == 0 {
		return Stats{}
	}
	var q [len(quantiles)]float64
	for i, p := range quantiles {
		q[i], _ = s.Quantile(p) // non-empty and p in [0, 1]: no error
	}
	return Stats{Count: int(min(s.Count(), math.MaxInt)), //nolint:gosec // bounded by MaxInt
		Mean: dur(s.Sum() / float64(s.Count())), Median: dur(q[0]), P90: dur(q[1]), P95: dur(q[2]), P99: dur(q[3]),
		Min: dur(s.Min()), Max: dur(s.Max())}
}

func (a *Aggregator) durStats(iv Interval, d *durAgg) DurationStats {
	ds := DurationStats{Interval: iv, Estimated: d.est, Coarse: d.crs, LeftOut: d.left}
	if a.o.Mode == Streaming {
		ds.Stats = sketchStats(d.slo)
		if d.shi != nil {
			u := sketchStats(d.shi)
			ds.Upper = &u
		}
		return ds
	}
	ds.Stats = exactStats(d.lo)
	if a.o.Coarse == CoarseBounds {
		u := exactStats(d.hi)
		ds.Upper = &u
	}
	return ds
}

func (a *Aggregator) summary(g *group) Summary {
	s := Summary{
		Records: g.records, Open: g.open, Closed: g.closed, Outcomes: map[incident.Outcome]int{},
		Opened: g.opened, ClosedInPeriod: g.closedIn, Backlog: g.backlog, FlowCoarse: g.flowCoarse,
		ClosureRate:       Ratio{Numerator: g.closedIn, Denominator: g.opened},
		ReopenRate:        Ratio{Numerator: g.reopenClosed, Denominator: g.closedIn},
		FalsePositiveRate: g.fp, NearMissRatio: g.nm,
	}
	for k, v := range g.outcomes {
		s.Outcomes[k] = v
	}
	s.Durations = make([]DurationStats, len(a.o.Intervals))
	for i, iv := range a.o.Intervals {
		s.Durations[i] = a.durStats(iv, &g.durs[i])
	}
	for i, t := range a.o.SLA {
		s.SLA = append(s.SLA, SLAResult{SLATarget: t, Compliance: g.sla[i]})
	}
	keys := make([]string, 0, len(g.regs))
	for k := range g.regs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		ra := g.regs[k]
		regime, report, _ := cutNul(k)
		s.Regulatory = append(s.Regulatory, RegulatoryResult{
			Regime: regime, Report: report,
			TimeToSubmit: a.durStats(Interval{Name: "time_to_submit", From: "start_at", To: "submitted_at"}, &ra.dur),
			Compliance:   ra.comp, Late: ra.late, Overdue: ra.overdue,
		})
	}
	return s
}

func cutNul(k string) (string, string, bool) {
	for i := 0; i < len(k); i++ {
		if k[i] == 0 {
			return k[:i], k[i+1:], true
		}
	}
	return k, "", false
}

// Report computes the figures from what was added. In Exact mode it sorts
// the kept durations in place; adding more records afterwards is allowed.
func (a *Aggregator) Report() *Report {
	rep := &Report{
		Mode: a.o.Mode.String(), Estimates: "exclude", Coarse: "exclude",
		From: a.o.From, Until: a.o.Until,
		Read: a.read, BeforePeriod: a.before, AfterPeriod: a.after, Nil: a.nils,
	}
	if a.o.Mode == Streaming {
		rep.RelativeAccuracy = a.o.RelativeAccuracy
	}
	if a.o.Estimates == IncludeEstimates {
		rep.Estimates = "include"
	}
	if a.o.Coarse == CoarseBounds {
		rep.Coarse = "bounds"
	}
	rep.Overall = a.summary(a.overall)
	for i, b := range a.o.Breakdowns {
		br := BreakdownResult{Name: b.Name}
		for k, g := range a.groups[i] {
			br.Groups = append(br.Groups, Group{Key: k, Summary: a.summary(g)})
		}
		slices.SortFunc(br.Groups, func(x, y Group) int { return cmp.Compare(x.Key, y.Key) })
		rep.Breakdowns = append(rep.Breakdowns, br)
	}
	if a.periods != nil {
		rep.Trend = a.trend()
	}
	return rep
}

func (a *Aggregator) trend() *Trend {
	t := &Trend{Granularity: a.o.Trend, Periods: []Period{}}
	keys := make([]int64, 0, len(a.periods))
	first, last := int64(math.MaxInt64), int64(math.MinInt64)
	for k, p := range a.periods {
		keys = append(keys, k)
		if p.cohort != nil {
			first = min(first, k)
			last = max(last, k)
		}
		last = max(last, k)
	}
	// The series spans the reporting period, not only the periods that
	// hold data: from the period holding From (else the first period with
	// a record of the cohort) to the period holding the last instant
	// before Until (else the last period with data). Periods without data
	// report zero counts and no durations (Stats.Count zero), never a
	// duration of zero.
	if !a.o.From.IsZero() {
		first = a.o.Trend.Start(a.o.From).Unix()
	}
	if !a.o.Until.IsZero() {
		// Every key lies before Until (records created at or after Until
		// are ignored, and anchors at or after it are not reached), so
		// this only extends the series.
		end := a.o.Trend.Start(a.o.Until.Add(-time.Nanosecond))
		if first != math.MaxInt64 {
			// Extend at most MaxTrendPeriods periods past the first.
			limit := time.Unix(first, 0).UTC()
			for range MaxTrendPeriods - 1 {
				if !limit.Before(end) {
					break
				}
				limit = a.o.Trend.Next(limit)
			}
			end = limit
		}
		last = max(last, end.Unix())
	}
	if first == math.MaxInt64 {
		return t
	}
	slices.Sort(keys)
	backlog, ki := 0, 0
	var prev *Summary
	for start := time.Unix(first, 0).UTC(); start.Unix() <= last; start = a.o.Trend.Next(start) {
		for ki < len(keys) && keys[ki] <= start.Unix() {
			backlog += a.periods[keys[ki]].delta
			ki++
		}
		p := a.periods[start.Unix()]
		if p == nil {
			p = &periodAgg{}
		}
		g := p.cohort
		if g == nil {
			g = a.newGroup()
		}
		s := a.summary(g)
		s.Opened, s.ClosedInPeriod, s.Backlog, s.FlowCoarse = p.opened, p.closed, backlog, p.flowCoarse
		s.ClosureRate = Ratio{Numerator: p.closed, Denominator: p.opened}
		s.ReopenRate = Ratio{Numerator: p.reopened, Denominator: p.closed}
		per := Period{Start: start, End: a.o.Trend.Next(start), Summary: s}
		if prev != nil {
			per.Changes = changes(prev, &per.Summary)
		}
		t.Periods = append(t.Periods, per)
		prev = &t.Periods[len(t.Periods)-1].Summary
	}
	return t
}

type figure struct {
	name string
	v    float64
	ok   bool
}

func headline(s *Summary) []figure {
	ratio := func(n string, r Ratio) figure { v, ok := r.Value(); return figure{n, v, ok} }
	fs := []figure{
		{"opened", float64(s.Opened), true},
		{"closed_in_period", float64(s.ClosedInPeriod), true},
		{"backlog", float64(s.Backlog), true},
		ratio("closure_rate", s.ClosureRate),
		ratio("reopen_rate", s.ReopenRate),
		ratio("false_positive_rate", s.FalsePositiveRate),
		ratio("near_miss_ratio", s.NearMissRatio),
	}
	for _, d := range s.Durations {
		ok := d.Stats.Count > 0
		fs = append(fs, figure{d.Name + ".median", d.Stats.Median.Seconds(), ok}, figure{d.Name + ".mean", d.Stats.Mean.Seconds(), ok})
	}
	return fs
}

func changes(prev, cur *Summary) []Change {
	p, c := headline(prev), headline(cur)
	out := make([]Change, len(c))
	for i := range c {
		ch := Change{Figure: c[i].name}
		if p[i].ok {
			ch.Previous = ptr(p[i].v)
		}
		if c[i].ok {
			ch.Current = ptr(c[i].v)
		}
		if p[i].ok && c[i].ok {
			ch.Delta = ptr(c[i].v - p[i].v)
			if p[i].v != 0 {
				ch.Relative = ptr((c[i].v - p[i].v) / math.Abs(p[i].v))
			}
		}
		out[i] = ch
	}
	return out
}

func ptr(v float64) *float64 { return &v }
