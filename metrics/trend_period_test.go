package metrics_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/metrics"
)

// week returns the start of week n from t0 (a Monday).
func week(n int) time.Time { return t0.AddDate(0, 0, 7*n) }

// trendRecords: two records in week 0 (one contained and closed in it, one
// left open), one in week 1 closed in week 2. No record is created after
// week 1 and nothing happens after week 2.
func trendRecords() []*incident.Incident {
	D, C := incident.AnchorDetected, incident.AnchorContained
	return []*incident.Incident{
		rec(week(0), at(D, week(0)), at(C, week(0).Add(hr)), closedAt(week(0).Add(2*hr))),
		rec(week(0).Add(hr), at(D, week(0).Add(hr))), // open: not contained, not closed
		rec(week(1), at(D, week(1)), at(C, week(1).Add(3*hr)), closedAt(week(2))),
	}
}

func trendOpts(m metrics.Mode, from, until time.Time) metrics.Options {
	return metrics.Options{
		Mode:      m,
		Intervals: []metrics.Interval{{Name: metrics.TimeToContain, From: incident.AnchorDetected, To: incident.AnchorContained}},
		From:      from, Until: until, Trend: metrics.Week,
	}
}

// assertEmptyPeriod: a period without records reports zero counts, no
// rates from empty denominators and no durations; never a duration of
// zero.
func assertEmptyPeriod(t *testing.T, p metrics.Period, backlog int) {
	t.Helper()
	s := p.Summary
	assert.Zero(t, s.Records, p.Start)
	assert.Zero(t, s.Open, p.Start)
	assert.Zero(t, s.Closed, p.Start)
	assert.Zero(t, s.Opened, p.Start)
	assert.Zero(t, s.ClosedInPeriod, p.Start)
	assert.Equal(t, backlog, s.Backlog, p.Start)
	_, ok := s.ClosureRate.Value()
	assert.False(t, ok, "closure rate of an empty period is undefined: %v", p.Start)
	d, found := s.Duration(metrics.TimeToContain)
	require.True(t, found)
	assert.Equal(t, metrics.Stats{}, d.Stats, "no value, not zero: %v", p.Start)
	assert.Zero(t, d.LeftOut.Total(), "nothing to leave out: %v", p.Start)
	b, err := json.Marshal(d.Stats)
	require.NoError(t, err)
	assert.JSONEq(t, `{"count":0,"mean_seconds":null,"median_seconds":null,"p90_seconds":null,"p95_seconds":null,"p99_seconds":null,"min_seconds":null,"max_seconds":null}`, string(b))
	for _, c := range p.Changes {
		if c.Figure == metrics.TimeToContain+".median" || c.Figure == metrics.TimeToContain+".mean" {
			assert.Nil(t, c.Current, "%s of an empty period: %v", c.Figure, p.Start)
			assert.Nil(t, c.Delta, "%s of an empty period: %v", c.Figure, p.Start)
		}
	}
}

func starts(ps []metrics.Period) []time.Time {
	out := make([]time.Time, len(ps))
	for i, p := range ps {
		out[i] = p.Start
	}
	return out
}

func TestTrendSpansReportingPeriod(t *testing.T) {
	cases := []struct {
		name        string
		from, until time.Time
		want        []time.Time // period starts
		emptyFrom   int         // periods from this index on are empty
		emptyBefore int         // periods before this index are empty
	}{
		{"until unbounded: ends at the last data", time.Time{}, time.Time{},
			[]time.Time{week(0), week(1), week(2)}, 3, 0},
		{"until mid-week after the data", time.Time{}, week(5).Add(12 * time.Hour),
			[]time.Time{week(0), week(1), week(2), week(3), week(4), week(5)}, 3, 0},
		{"until on a period boundary: that period is not in the report", time.Time{}, week(5),
			[]time.Time{week(0), week(1), week(2), week(3), week(4)}, 3, 0},
		{"from before the data, until after it", week(-2).Add(36 * time.Hour), week(4),
			[]time.Time{week(-2), week(-1), week(0), week(1), week(2), week(3)}, 5, 2},
	}
	for _, c := range cases {
		for _, m := range []metrics.Mode{metrics.Exact, metrics.Streaming} {
			t.Run(c.name+"/"+m.String(), func(t *testing.T) {
				rep, err := metrics.Compute(seq(trendRecords()...), trendOpts(m, c.from, c.until))
				require.NoError(t, err)
				require.NotNil(t, rep.Trend)
				ps := rep.Trend.Periods
				require.Equal(t, c.want, starts(ps))
				for i := 1; i < len(ps); i++ {
					assert.Equal(t, ps[i-1].End, ps[i].Start, "no gaps")
					assert.NotEmpty(t, ps[i].Changes)
				}
				for i := range c.emptyBefore {
					assertEmptyPeriod(t, ps[i], 0)
				}
				for i := c.emptyFrom; i < len(ps); i++ {
					assertEmptyPeriod(t, ps[i], 1) // the open record of week 0
				}
				// The periods with data are unchanged by the extension.
				w0 := ps[c.emptyBefore].Summary
				assert.Equal(t, 2, w0.Opened)
				assert.Equal(t, 1, w0.ClosedInPeriod)
				d, _ := w0.Duration(metrics.TimeToContain)
				assert.Equal(t, 1, d.Stats.Count)
				assert.Equal(t, metrics.LeftOut{Open: 1}, d.LeftOut)
				w2 := ps[c.emptyBefore+2].Summary
				assert.Equal(t, 1, w2.ClosedInPeriod, "the close in week 2")
				assert.Zero(t, w2.Records)
				assert.Equal(t, 1, w2.Backlog)
			})
		}
	}
}

// TestTrendWithoutRecords: a bounded period with no records at all still
// lists every period of it, all empty.
func TestTrendWithoutRecords(t *testing.T) {
	rep, err := metrics.Compute(seq(), trendOpts(metrics.Exact, week(0), week(3)))
	require.NoError(t, err)
	ps := rep.Trend.Periods
	require.Equal(t, []time.Time{week(0), week(1), week(2)}, starts(ps))
	for _, p := range ps {
		assertEmptyPeriod(t, p, 0)
	}
	// Unbounded at the start and nothing read: no period to start from.
	rep, err = metrics.Compute(seq(), trendOpts(metrics.Exact, time.Time{}, week(3)))
	require.NoError(t, err)
	assert.Empty(t, rep.Trend.Periods)
}

// TestTrendTrailingPeriodsCSV: the trailing empty periods appear in the
// CSV with their counts and empty duration cells (no value), not zeros.
func TestTrendTrailingPeriodsCSV(t *testing.T) {
	rep, err := metrics.Compute(seq(trendRecords()...), trendOpts(metrics.Exact, time.Time{}, week(4)))
	require.NoError(t, err)
	var buf bytes.Buffer
	require.NoError(t, rep.WriteCSV(&buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	last := week(3).Format(time.RFC3339)
	seen := map[string][]string{}
	for _, r := range rows {
		if r[0] == "trend" && r[1] == last {
			seen[r[2]] = r
		}
	}
	require.Contains(t, seen, metrics.TimeToContain)
	tc := seen[metrics.TimeToContain]
	assert.Equal(t, "0", tc[3], "count")
	for i := 4; i <= 10; i++ { // mean … max
		assert.Empty(t, tc[i], "column %s of an empty period", metrics.CSVHeader[i])
	}
	assert.Equal(t, "0", seen["opened"][3])
	assert.Equal(t, "1", seen["backlog"][3])
	assert.Empty(t, seen["closure_rate"][13], "undefined rate")
}

// TestTrendMergedShardsSpanPeriod: shards merged report the same series
// as one pass, trailing empty periods included.
func TestTrendMergedShardsSpanPeriod(t *testing.T) {
	o := trendOpts(metrics.Streaming, time.Time{}, week(6))
	one, err := metrics.Compute(seq(trendRecords()...), o)
	require.NoError(t, err)
	recs := trendRecords()
	a, err := metrics.New(o)
	require.NoError(t, err)
	b, err := metrics.New(o)
	require.NoError(t, err)
	require.NoError(t, a.AddAll(seq(recs[:1]...)))
	require.NoError(t, b.AddAll(seq(recs[1:]...)))
	require.NoError(t, a.Merge(b))
	merged := a.Report()
	require.Len(t, one.Trend.Periods, 6)
	ja, err := json.Marshal(one.Trend)
	require.NoError(t, err)
	jb, err := json.Marshal(merged.Trend)
	require.NoError(t, err)
	assert.JSONEq(t, string(ja), string(jb))
}

func TestTrendLengthIsBounded(t *testing.T) {
	// An Until far away meaning "no end" extends the series by at most
	// MaxTrendPeriods periods.
	rep, err := metrics.Compute(seq(trendRecords()...), trendOpts(metrics.Exact, time.Time{}, time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)))
	require.NoError(t, err)
	require.NotNil(t, rep.Trend)
	assert.Len(t, rep.Trend.Periods, metrics.MaxTrendPeriods)
	// A bounded period longer than that is refused.
	_, err = metrics.Compute(seq(trendRecords()...), trendOpts(metrics.Exact, time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)))
	require.ErrorIs(t, err, metrics.ErrOptions)
}
