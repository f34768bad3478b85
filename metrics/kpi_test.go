package metrics_test

import (
	"errors"
	"iter"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/metrics"
)

const hr = time.Hour

// containFixture: nine records, hand-checked against time_to_contain.
func containFixture() []*incident.Incident {
	D := incident.AnchorDetected
	C := incident.AnchorContained
	return []*incident.Incident{
		rec(t0, at(D, t0), at(C, h(1)), closedAt(h(2))),                                     // 1h
		rec(t0, at(D, t0), at(C, h(3)), closedAt(h(4))),                                     // 3h
		rec(t0, at(D, t0), at(C, h(2))),                                                     // 2h, still open
		rec(t0, at(D, t0)),                                                                  // open: never zero
		rec(t0, at(D, t0), closedAt(h(5))),                                                  // closed without containment: unknown
		rec(t0, at(D, t0), anchor(C, incident.Approx(h(4), "", true))),                      // estimated 4h
		rec(t0, anchor(D, incident.Approx(t0, incident.PrecisionDay, false)), at(C, h(10))), // day precision: [0, 10h]
		rec(t0, at(D, h(2)), at(C, h(1))),                                                   // end before start: invalid
		rec(t0, at(C, h(1))),                                                                // no detection: unknown
	}
}

func TestTimeToContainCensoring(t *testing.T) {
	tests := []struct {
		name     string
		opts     metrics.Options
		want     metrics.Stats
		upper    *metrics.Stats
		est, crs int
		left     metrics.LeftOut
	}{
		{
			name: "defaults exclude estimates and coarse",
			want: metrics.Stats{Count: 3, Mean: 2 * hr, Median: 2 * hr, P90: 168 * time.Minute, P95: 174 * time.Minute, P99: 178*time.Minute + 48*time.Second, Min: hr, Max: 3 * hr},
			left: metrics.LeftOut{Open: 1, Unknown: 2, Estimated: 1, Coarse: 1, Invalid: 1},
		},
		{
			// [1 2 3 4]h: R-7 p90 at h=2.7 → 3h + 0.7h.
			name: "estimates included",
			opts: metrics.Options{Estimates: metrics.IncludeEstimates},
			want: metrics.Stats{Count: 4, Mean: 150 * time.Minute, Median: 150 * time.Minute, P90: 222 * time.Minute, P95: 231 * time.Minute, P99: 238*time.Minute + 12*time.Second, Min: hr, Max: 4 * hr},
			est:  1,
			left: metrics.LeftOut{Open: 1, Unknown: 2, Coarse: 1, Invalid: 1},
		},
		{
			// lower [0 1 2 3 4]h, upper [1 2 3 4 10]h.
			name:  "coarse as bounds",
			opts:  metrics.Options{Estimates: metrics.IncludeEstimates, Coarse: metrics.CoarseBounds},
			want:  metrics.Stats{Count: 5, Mean: 2 * hr, Median: 2 * hr, P90: 3*hr + 36*time.Minute, P95: 3*hr + 48*time.Minute, P99: 3*hr + 57*time.Minute + 36*time.Second, Min: 0, Max: 4 * hr},
			upper: &metrics.Stats{Count: 5, Mean: 4 * hr, Median: 3 * hr, P90: 7*hr + 36*time.Minute, P95: 8*hr + 48*time.Minute, P99: 9*hr + 45*time.Minute + 36*time.Second, Min: hr, Max: 10 * hr},
			est:   1, crs: 1,
			left: metrics.LeftOut{Open: 1, Unknown: 2, Invalid: 1},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := metrics.Compute(seq(containFixture()...), tc.opts)
			require.NoError(t, err)
			d, ok := rep.Overall.Duration(metrics.TimeToContain)
			require.True(t, ok)
			assert.Equal(t, tc.want, d.Stats)
			assert.Equal(t, tc.upper, d.Upper)
			assert.Equal(t, tc.est, d.Estimated)
			assert.Equal(t, tc.crs, d.Coarse)
			assert.Equal(t, tc.left, d.LeftOut)
			assert.Equal(t, 9, tc.left.Total()+d.Stats.Count)
		})
	}
}

func TestTimeToDetectAndClose(t *testing.T) {
	O, D := incident.AnchorOccurred, incident.AnchorDetected
	recs := []*incident.Incident{
		rec(t0, at(O, h(-5)), at(D, t0), closedAt(h(7))),                                      // detect 5h, close 7h
		rec(t0, at(D, t0), closedAt(h(3)), reopenedAt(h(4))),                                  // occurred unknown; reopened: open for close
		rec(t0, at(O, h(-1)), at(D, t0), closedAt(h(2)), reopenedAt(h(1)), closedAt(h(9))),    // reopened and closed again: 9h
		rec(t0, anchor(O, incident.Approx(h(-48), incident.PrecisionMonth, true)), at(D, t0)), // estimated month
	}
	rep, err := metrics.Compute(seq(recs...), metrics.Options{})
	require.NoError(t, err)
	d, _ := rep.Overall.Duration(metrics.TimeToDetect)
	assert.Equal(t, metrics.Stats{Count: 2, Mean: 3 * hr, Median: 3 * hr, P90: 4*hr + 36*time.Minute, P95: 4*hr + 48*time.Minute, P99: 4*hr + 57*time.Minute + 36*time.Second, Min: hr, Max: 5 * hr}, d.Stats)
	assert.Equal(t, metrics.LeftOut{Unknown: 1, Estimated: 1}, d.LeftOut)
	c, _ := rep.Overall.Duration(metrics.TimeToClose)
	assert.Equal(t, 2, c.Stats.Count)
	assert.Equal(t, 8*hr, c.Stats.Mean)
	assert.Equal(t, metrics.LeftOut{Open: 2}, c.LeftOut)
	assert.Equal(t, 2, rep.Overall.Open)
	assert.Equal(t, 2, rep.Overall.Closed)
}

func TestFlows(t *testing.T) {
	until := t0.AddDate(0, 0, 7)
	recs := []*incident.Incident{
		rec(h(-24), closedAt(h(24))),                  // a: before the period, closed in it
		rec(h(1), closedAt(h(48))),                    // b: opened and closed
		rec(h(1)),                                     // c: open
		rec(h(2), closedAt(h(24)), reopenedAt(h(72))), // d: closed in period, reopened: open
		rec(h(3), closedAt(until.Add(24*hr))),         // e: closed after Until: open as of Until
		rec(until.Add(24 * hr)),                       // f: after the period: ignored
		rec(h(-48)),                                   // g: before, open
	}
	rep, err := metrics.Compute(seq(recs...), metrics.Options{From: t0, Until: until})
	require.NoError(t, err)
	s := rep.Overall
	assert.Equal(t, 7, rep.Read)
	assert.Equal(t, 2, rep.BeforePeriod)
	assert.Equal(t, 1, rep.AfterPeriod)
	assert.Equal(t, 4, s.Records)
	assert.Equal(t, 3, s.Open)
	assert.Equal(t, 1, s.Closed)
	assert.Equal(t, 4, s.Opened)
	assert.Equal(t, 3, s.ClosedInPeriod)
	assert.Equal(t, 4, s.Backlog)
	assert.Equal(t, metrics.Ratio{Numerator: 3, Denominator: 4}, s.ClosureRate)
	assert.Equal(t, metrics.Ratio{Numerator: 1, Denominator: 3}, s.ReopenRate)
	c, _ := s.Duration(metrics.TimeToClose)
	assert.Equal(t, metrics.LeftOut{Open: 3, Unknown: 1}, c.LeftOut, "b has no detection; c, d, e are open")
}

func TestOutcomeRates(t *testing.T) {
	var recs []*incident.Incident
	for _, o := range []incident.Outcome{"", incident.OutcomeNotIncident, incident.OutcomeNotIncident, incident.OutcomeUnderWatch,
		incident.OutcomeNearMiss, incident.OutcomeIncident, incident.OutcomeIncident, incident.OutcomeIncident} {
		recs = append(recs, rec(t0, outcome(o)))
	}
	rep, err := metrics.Compute(seq(recs...), metrics.Options{})
	require.NoError(t, err)
	assert.Equal(t, metrics.Ratio{Numerator: 2, Denominator: 7, LeftOut: metrics.LeftOut{Undetermined: 1}}, rep.Overall.FalsePositiveRate)
	assert.Equal(t, metrics.Ratio{Numerator: 1, Denominator: 4, LeftOut: metrics.LeftOut{Undetermined: 1}}, rep.Overall.NearMissRatio)
	v, ok := rep.Overall.NearMissRatio.Value()
	assert.True(t, ok)
	assert.InDelta(t, 0.25, v, 1e-12)
	_, ok = metrics.Ratio{}.Value()
	assert.False(t, ok)
}

func TestSLA(t *testing.T) {
	D, C := incident.AnchorDetected, incident.AnchorContained
	hi := severity(incident.SeverityHigh)
	recs := []*incident.Incident{
		rec(t0, hi, at(D, t0), at(C, h(1))),                                // met
		rec(t0, hi, at(D, t0), at(C, h(3))),                                // breached
		rec(t0, hi, at(D, t0)),                                             // open 10h at Until: breached
		rec(t0, hi, at(D, h(9))),                                           // open 1h: not yet due
		rec(t0, hi, at(D, t0), anchor(C, incident.Approx(h(1), "", true))), // estimated
		rec(t0, severity(incident.SeverityLow), at(D, t0), at(C, h(5))),    // other severity
		rec(t0, hi, at(D, t0), closedAt(h(4))),                             // closed uncontained: unknown
	}
	target := metrics.SLATarget{Severity: incident.SeverityHigh, Interval: metrics.TimeToContain, Within: 2 * hr}
	rep, err := metrics.Compute(seq(recs...), metrics.Options{Until: h(10), SLA: []metrics.SLATarget{target}})
	require.NoError(t, err)
	require.Len(t, rep.Overall.SLA, 1)
	assert.Equal(t, metrics.Ratio{Numerator: 1, Denominator: 3, LeftOut: metrics.LeftOut{Open: 1, Estimated: 1, Unknown: 1}}, rep.Overall.SLA[0].Compliance)
}

func TestRegulatory(t *testing.T) {
	g := func(o incident.Obligation) opt {
		o.Regime, o.Report = "gdpr", "notification"
		return obligation(o)
	}
	due := h(72)
	recs := []*incident.Incident{
		rec(t0, g(incident.Obligation{StartAt: t0, Due: due, SubmittedAt: h(48)})),                  // met, 48h
		rec(t0, g(incident.Obligation{StartAt: t0, Due: due, LegalEnd: h(96), SubmittedAt: h(80)})), // met by the legal end, 80h
		rec(t0, g(incident.Obligation{StartAt: t0, Due: due, SubmittedAt: h(100)})),                 // late, 100h
		rec(t0, g(incident.Obligation{StartAt: t0, Due: due})),                                      // overdue at Until
		rec(t0, g(incident.Obligation{StartAt: t0, Due: t0.AddDate(0, 0, 20)})),                     // pending
		rec(t0, g(incident.Obligation{StartAt: t0, Due: due, Waived: "no risk"})),                   // waived
		rec(t0, g(incident.Obligation{SubmittedAt: h(1)})),                                          // no start, no due
	}
	rep, err := metrics.Compute(seq(recs...), metrics.Options{Until: t0.AddDate(0, 0, 10)})
	require.NoError(t, err)
	require.Len(t, rep.Overall.Regulatory, 1)
	r := rep.Overall.Regulatory[0]
	assert.Equal(t, "gdpr", r.Regime)
	assert.Equal(t, "notification", r.Report)
	assert.Equal(t, metrics.Ratio{Numerator: 2, Denominator: 4, LeftOut: metrics.LeftOut{Open: 1, Waived: 1, Unknown: 1}}, r.Compliance)
	assert.Equal(t, 1, r.Late)
	assert.Equal(t, 1, r.Overdue)
	assert.Equal(t, 3, r.TimeToSubmit.Stats.Count)
	assert.Equal(t, 76*hr, r.TimeToSubmit.Stats.Mean)
	assert.Equal(t, 80*hr, r.TimeToSubmit.Stats.Median)
	assert.Equal(t, metrics.LeftOut{Open: 2, Unknown: 1, Waived: 1}, r.TimeToSubmit.LeftOut)
}

func TestBreakdowns(t *testing.T) {
	D, C := incident.AnchorDetected, incident.AnchorContained
	recs := []*incident.Incident{
		rec(t0, severity(incident.SeverityHigh), at(D, t0), at(C, h(1))),
		rec(t0, severity(incident.SeverityHigh), at(D, t0), at(C, h(3))),
		rec(t0, severity(incident.SeverityLow), at(D, t0)),
		rec(t0, at(D, t0), at(C, h(5))),
	}
	rep, err := metrics.Compute(seq(recs...), metrics.Options{Breakdowns: []metrics.Breakdown{metrics.BySeverity(), metrics.ByOrgUnit()}})
	require.NoError(t, err)
	require.Len(t, rep.Breakdowns, 2)
	b := rep.Breakdowns[0]
	assert.Equal(t, "severity", b.Name)
	require.Len(t, b.Groups, 3)
	assert.Equal(t, []string{"", "high", "low"}, []string{b.Groups[0].Key, b.Groups[1].Key, b.Groups[2].Key})
	high, _ := b.Groups[1].Summary.Duration(metrics.TimeToContain)
	assert.Equal(t, 2*hr, high.Stats.Mean)
	low, _ := b.Groups[2].Summary.Duration(metrics.TimeToContain)
	assert.Equal(t, metrics.LeftOut{Open: 1}, low.LeftOut)
	assert.Equal(t, 0, low.Stats.Count)
	assert.Equal(t, 4, rep.Breakdowns[1].Groups[0].Summary.Records)
}

func TestTrend(t *testing.T) {
	D, C := incident.AnchorDetected, incident.AnchorContained
	w := func(n int) time.Time { return t0.AddDate(0, 0, 7*n) }
	recs := []*incident.Incident{
		rec(w(0), at(D, w(0)), at(C, w(0).Add(hr)), closedAt(w(0).Add(2*hr))),
		rec(w(0).Add(hr), at(D, w(0)), at(C, w(0).Add(3*hr)), closedAt(w(2))), // closed in week 2
		rec(w(2), at(D, w(2)), at(C, w(2).Add(4*hr))),                         // open
	}
	rep, err := metrics.Compute(seq(recs...), metrics.Options{Trend: metrics.Week})
	require.NoError(t, err)
	require.NotNil(t, rep.Trend)
	ps := rep.Trend.Periods
	require.Len(t, ps, 3, "week 1 has no records but is not skipped")
	assert.Equal(t, w(0), ps[0].Start)
	assert.Equal(t, w(1), ps[0].End)
	type flow struct{ opened, closed, backlog int }
	got := []flow{}
	for _, p := range ps {
		got = append(got, flow{p.Summary.Opened, p.Summary.ClosedInPeriod, p.Summary.Backlog})
	}
	assert.Equal(t, []flow{{2, 1, 1}, {0, 0, 1}, {1, 1, 1}}, got)
	d0, _ := ps[0].Summary.Duration(metrics.TimeToContain)
	assert.Equal(t, 2*hr, d0.Stats.Mean)
	assert.Empty(t, ps[0].Changes)
	ch := ps[2].Changes
	require.NotEmpty(t, ch)
	assert.Equal(t, "opened", ch[0].Figure)
	assert.Equal(t, 0.0, *ch[0].Previous)
	assert.Equal(t, 1.0, *ch[0].Current)
	assert.Nil(t, ch[0].Relative, "relative change from zero is undefined")
	for _, c := range ps[2].Changes {
		if c.Figure == metrics.TimeToContain+".median" {
			assert.Nil(t, c.Previous)
			assert.Equal(t, 4*3600.0, *c.Current)
		}
	}
}

func TestSequenceErrorEndsComputation(t *testing.T) {
	boom := errors.New("store failed")
	bad := func(yield func(incident.Record, error) bool) {
		if !yield(rec(t0), nil) {
			return
		}
		yield(nil, boom)
	}
	for _, m := range []metrics.Mode{metrics.Exact, metrics.Streaming} {
		rep, err := metrics.Compute(iter.Seq2[incident.Record, error](bad), metrics.Options{Mode: m})
		assert.ErrorIs(t, err, boom)
		assert.Nil(t, rep)
	}
}

func TestNilRecordsAndOptions(t *testing.T) {
	s := func(yield func(incident.Record, error) bool) {
		var nilInc *incident.Incident
		_ = yield(nilInc, nil) && yield(nil, nil)
	}
	rep, err := metrics.Compute(s, metrics.Options{})
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Nil)
	for _, o := range []metrics.Options{
		{Mode: 7}, {RelativeAccuracy: 0.9}, {Intervals: []metrics.Interval{{"x", "nope", incident.AnchorDetected}}},
		{Intervals: []metrics.Interval{{"x", incident.AnchorDetected, incident.AnchorClosed}, {"x", incident.AnchorDetected, incident.AnchorClosed}}},
		{From: t0, Until: t0}, {Trend: "day"}, {Breakdowns: []metrics.Breakdown{{Name: "x"}}},
		{SLA: []metrics.SLATarget{{Interval: "nope"}}},
	} {
		_, err := metrics.New(o)
		assert.ErrorIs(t, err, metrics.ErrOptions, "%+v", o)
	}
}
