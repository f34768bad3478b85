package metrics_test

import (
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/metrics"
)

// The benchmarks of issue 8: 1,000,000 synthetic incidents generated lazily
// (one reused record), all KPIs, four breakdowns (severity, category,
// priority, org unit), one SLA target, no trend. Each measured run is paired
// with its floor in the same run: exact with the hand-written extraction
// into the same lists sorted once; streaming with a loop that only extracts
// the durations.

const benchN = 1_000_000

func benchOpts(m metrics.Mode) metrics.Options {
	o := allOpts(m)
	o.Trend = metrics.NoTrend
	return o
}

// extract computes the default intervals' durations of r the plain way
// (exact instants only, open or unknown skipped), calling fn for each.
func extract(r incident.Record, ivs []metrics.Interval, fn func(i int, secs float64)) {
	tl := r.Times()
	closed := !tl.Closed.IsZero() && (len(tl.Reopened) == 0 || tl.Reopened[len(tl.Reopened)-1].At.Before(tl.Closed.At))
	for i, iv := range ivs {
		from, _ := tl.Get(iv.From)
		var to incident.Timestamp
		switch iv.To {
		case metrics.AnchorResolved:
			if res := r.Handle().Resolution; res != nil {
				to = incident.At(res.SetAt)
			}
		case incident.AnchorClosed:
			if closed {
				to = tl.Closed
			}
		default:
			to, _ = tl.Get(iv.To)
		}
		if from.IsZero() || to.IsZero() || !from.Exact() || !to.Exact() {
			continue
		}
		if d := to.At.Sub(from.At); d >= 0 {
			fn(i, float64(d)/1e9)
		}
	}
}

func BenchmarkExact(b *testing.B) {
	opts := benchOpts(metrics.Exact)
	ivs := metrics.DefaultIntervals()
	b.Run("metrics", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := metrics.Compute(synth(benchN, 7), opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("floor", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			overall := make([][]float64, len(ivs))
			groups := make([]map[string][][]float64, len(opts.Breakdowns))
			for i := range groups {
				groups[i] = map[string][][]float64{}
			}
			lists := make([][][]float64, len(opts.Breakdowns))
			for r, err := range synth(benchN, 7) {
				if err != nil {
					b.Fatal(err)
				}
				for i, bd := range opts.Breakdowns {
					k := bd.Key(r)
					l := groups[i][k]
					if l == nil {
						l = make([][]float64, len(ivs))
						groups[i][k] = l
					}
					lists[i] = l
				}
				extract(r, ivs, func(i int, s float64) {
					overall[i] = append(overall[i], s)
					for _, l := range lists {
						l[i] = append(l[i], s)
					}
				})
			}
			for _, l := range overall {
				slices.Sort(l)
			}
			for _, g := range groups {
				for _, ls := range g {
					for _, l := range ls {
						slices.Sort(l)
					}
				}
			}
		}
	})
}

func BenchmarkStreaming(b *testing.B) {
	opts := benchOpts(metrics.Streaming)
	ivs := metrics.DefaultIntervals()
	for _, n := range []int{100_000, benchN} {
		b.Run("metrics/n="+strconv.Itoa(n), func(b *testing.B) {
			b.ReportAllocs()
			var retained uint64
			for b.Loop() {
				var before, after runtime.MemStats
				runtime.GC()
				runtime.ReadMemStats(&before)
				a, err := metrics.New(opts)
				if err != nil {
					b.Fatal(err)
				}
				if err := a.AddAll(synth(n, 7)); err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				runtime.ReadMemStats(&after)
				retained = after.HeapAlloc - min(before.HeapAlloc, after.HeapAlloc)
				_ = a.Report()
				runtime.KeepAlive(a)
			}
			b.ReportMetric(float64(retained)/(1<<20), "retained-MiB")
		})
	}
	b.Run("extract-only", func(b *testing.B) {
		b.ReportAllocs()
		var sink float64
		for b.Loop() {
			for r, err := range synth(benchN, 7) {
				if err != nil {
					b.Fatal(err)
				}
				extract(r, ivs, func(_ int, s float64) { sink += s })
			}
		}
		_ = sink
	})
}
