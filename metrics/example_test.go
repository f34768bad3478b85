package metrics_test

import (
	"fmt"
	"os"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/metrics"
)

// An incident not yet contained is counted as open, never as zero.
func ExampleCompute() {
	D, C := incident.AnchorDetected, incident.AnchorContained
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	recs := []*incident.Incident{
		rec(day, at(D, day), at(C, day.Add(2*time.Hour))),
		rec(day, at(D, day), at(C, day.Add(4*time.Hour))),
		rec(day, at(D, day)), // still being handled
	}
	rep, err := metrics.Compute(seq(recs...), metrics.Options{})
	if err != nil {
		panic(err)
	}
	mttc, _ := rep.Overall.Duration(metrics.TimeToContain)
	fmt.Println("mean time to contain:", mttc.Stats.Mean, "over", mttc.Stats.Count, "incidents")
	fmt.Println("left out as open:", mttc.LeftOut.Open)
	// Output:
	// mean time to contain: 3h0m0s over 2 incidents
	// left out as open: 1
}

// Streaming mode keeps memory bounded; shards merge.
func ExampleAggregator_Merge() {
	opts := metrics.Options{Mode: metrics.Streaming, Breakdowns: []metrics.Breakdown{metrics.BySeverity()}}
	a, _ := metrics.New(opts)
	b, _ := metrics.New(opts)
	_ = a.AddAll(synth(500, 1))
	_ = b.AddAll(synth(500, 2))
	if err := a.Merge(b); err != nil {
		panic(err)
	}
	rep := a.Report()
	fmt.Println(rep.Read, "records,", len(rep.Breakdowns[0].Groups), "severities")
	// Output:
	// 1000 records, 4 severities
}

func ExampleReport_WriteCSV() {
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	rep, _ := metrics.Compute(seq(rec(day, outcome(incident.OutcomeNearMiss))), metrics.Options{Intervals: []metrics.Interval{}})
	_ = rep.WriteCSV(os.Stdout)
	// Output:
	// scope,group,figure,count,mean_seconds,median_seconds,p90_seconds,p95_seconds,p99_seconds,min_seconds,max_seconds,numerator,denominator,value,estimated,coarse,left_open,left_unknown,left_estimated,left_coarse,left_invalid,left_undetermined,left_waived
	// overall,,records,1,,,,,,,,,,,,,,,,,,,
	// overall,,open,1,,,,,,,,,,,,,,,,,,,
	// overall,,closed,0,,,,,,,,,,,,,,,,,,,
	// overall,,opened,1,,,,,,,,,,,,,,,,,,,
	// overall,,closed_in_period,0,,,,,,,,,,,,,,,,,,,
	// overall,,backlog,1,,,,,,,,,,,,,,,,,,,
	// overall,,outcome.near_miss,1,,,,,,,,,,,,,,,,,,,
	// overall,,closure_rate,,,,,,,,,0,1,0,,,0,0,0,0,0,0,0
	// overall,,reopen_rate,,,,,,,,,0,0,,,,0,0,0,0,0,0,0
	// overall,,false_positive_rate,,,,,,,,,0,1,0,,,0,0,0,0,0,0,0
	// overall,,near_miss_ratio,,,,,,,,,1,1,1,,,0,0,0,0,0,0,0
}
