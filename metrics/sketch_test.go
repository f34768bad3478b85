package metrics_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/exp/stats"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/metrics"
)

// TestSketchWithinBound holds the sketch to its documented bound against
// exact R-7 quantiles, on seeded random data of several shapes, whole and
// after merging shards.
func TestSketchWithinBound(t *testing.T) {
	qs := []float64{0, 0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1}
	for seed := uint64(1); seed <= 40; seed++ {
		rng := rand.New(rand.NewPCG(seed, seed*7919))
		alpha := []float64{0.001, 0.01, 0.05}[seed%3]
		n := 1 + rng.IntN(5000)
		shards := 1 + rng.IntN(6)
		vals := make([]float64, n)
		sk := make([]*metrics.Sketch, shards)
		for i := range sk {
			var err error
			sk[i], err = metrics.NewSketch(alpha)
			require.NoError(t, err)
		}
		for i := range vals {
			var v float64
			switch seed % 4 {
			case 0: // log-normal, minutes to months
				v = math.Exp(rng.NormFloat64()*2 + 8)
			case 1: // uniform seconds with zeros
				v = float64(rng.IntN(10000))
			case 2: // nanosecond-resolution durations
				v = float64(rng.Int64N(1e12)) / 1e9
			default: // heavy tail
				v = 1 / (rng.Float64() + 1e-9)
			}
			vals[i] = v
			sk[rng.IntN(shards)].Add(v)
		}
		for _, s := range sk[1:] {
			require.NoError(t, sk[0].Merge(s))
		}
		slices.Sort(vals)
		exact := stats.Quantiles(vals, qs...)
		require.Equal(t, uint64(n), sk[0].Count())
		for i, q := range qs {
			got, err := sk[0].Quantile(q)
			require.NoError(t, err)
			assert.LessOrEqual(t, math.Abs(got-exact[i]), alpha*math.Abs(exact[i])+1e-12,
				"seed %d alpha %v n %d q %v: sketch %v exact %v", seed, alpha, n, q, got, exact[i])
		}
		assert.Equal(t, vals[0], sk[0].Min())
		assert.Equal(t, vals[n-1], sk[0].Max())
	}
}

func TestSketchErrors(t *testing.T) {
	_, err := metrics.NewSketch(0)
	assert.ErrorIs(t, err, metrics.ErrOptions)
	s, _ := metrics.NewSketch(0.01)
	_, err = s.Quantile(0.5)
	assert.Error(t, err, "empty")
	s.Add(1)
	_, err = s.Quantile(1.5)
	assert.Error(t, err)
	o, _ := metrics.NewSketch(0.02)
	o.Add(2)
	assert.ErrorIs(t, s.Merge(o), metrics.ErrOptions)
}

func allOpts(m metrics.Mode) metrics.Options {
	return metrics.Options{
		Mode:       m,
		Breakdowns: []metrics.Breakdown{metrics.BySeverity(), metrics.ByCategory(), metrics.ByPriority(), metrics.ByOrgUnit()},
		Trend:      metrics.Month,
		SLA:        []metrics.SLATarget{{Severity: incident.SeverityHigh, Interval: metrics.TimeToContain, Within: 24 * hr}},
	}
}

// TestStreamingMatchesExact: counts, rates and left-out counts agree
// exactly; percentiles within the bound; merged shards equal one pass.
func TestStreamingMatchesExact(t *testing.T) {
	const n = 20000
	ex, err := metrics.Compute(synth(n, 42), allOpts(metrics.Exact))
	require.NoError(t, err)

	// Streaming over four shards, merged.
	var agg *metrics.Aggregator
	for shard := range 4 {
		a, err := metrics.New(allOpts(metrics.Streaming))
		require.NoError(t, err)
		i := 0
		for r, err := range synth(n, 42) {
			require.NoError(t, err)
			if i%4 == shard {
				a.Add(r)
			}
			i++
		}
		if agg == nil {
			agg = a
		} else {
			require.NoError(t, agg.Merge(a))
		}
	}
	st := agg.Report()
	compare := func(e, s metrics.Summary) {
		for i := range e.Durations {
			ed, sd := e.Durations[i], s.Durations[i]
			assert.Equal(t, ed.Stats.Count, sd.Stats.Count, ed.Name)
			assert.Equal(t, ed.LeftOut, sd.LeftOut, ed.Name)
			assert.Equal(t, ed.Stats.Min, sd.Stats.Min, ed.Name)
			assert.Equal(t, ed.Stats.Max, sd.Stats.Max, ed.Name)
			assert.InDelta(t, ed.Stats.Mean.Seconds(), sd.Stats.Mean.Seconds(), 1e-6*ed.Stats.Mean.Seconds()+1e-6, ed.Name)
			for _, p := range [][2]float64{{ed.Stats.Median.Seconds(), sd.Stats.Median.Seconds()}, {ed.Stats.P90.Seconds(), sd.Stats.P90.Seconds()},
				{ed.Stats.P95.Seconds(), sd.Stats.P95.Seconds()}, {ed.Stats.P99.Seconds(), sd.Stats.P99.Seconds()}} {
				assert.LessOrEqual(t, math.Abs(p[0]-p[1]), metrics.DefaultRelativeAccuracy*p[0]+1e-6, ed.Name)
			}
		}
		assert.Equal(t, e.ClosureRate, s.ClosureRate)
		assert.Equal(t, e.ReopenRate, s.ReopenRate)
		assert.Equal(t, e.FalsePositiveRate, s.FalsePositiveRate)
		assert.Equal(t, e.NearMissRatio, s.NearMissRatio)
		assert.Equal(t, e.Backlog, s.Backlog)
		assert.Equal(t, e.SLA, s.SLA)
		require.Len(t, s.Regulatory, len(e.Regulatory))
		for i := range e.Regulatory {
			assert.Equal(t, e.Regulatory[i].Compliance, s.Regulatory[i].Compliance)
		}
	}
	compare(ex.Overall, st.Overall)
	require.Len(t, st.Breakdowns, 4)
	for b := range ex.Breakdowns {
		require.Len(t, st.Breakdowns[b].Groups, len(ex.Breakdowns[b].Groups))
		for g := range ex.Breakdowns[b].Groups {
			compare(ex.Breakdowns[b].Groups[g].Summary, st.Breakdowns[b].Groups[g].Summary)
		}
	}
	require.Len(t, st.Trend.Periods, len(ex.Trend.Periods))
	for i := range ex.Trend.Periods {
		compare(ex.Trend.Periods[i].Summary, st.Trend.Periods[i].Summary)
	}
	assert.Equal(t, 12+1, len(ex.Trend.Periods), "a year of months, plus closes in the next January")

	other, _ := metrics.New(metrics.Options{Mode: metrics.Exact})
	assert.ErrorIs(t, agg.Merge(other), metrics.ErrOptions)
}
