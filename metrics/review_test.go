package metrics_test

import (
	"math"
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/metrics"
)

// A duration longer than time.Duration can hold (a start in year 1, from a
// typo) saturates; it must never come out negative.
func TestHugeDurationSaturatesNotNegative(t *testing.T) {
	old := time.Date(1, 1, 1, 1, 0, 0, 0, time.UTC)
	r := rec(t0, at(incident.AnchorOccurred, old), at(incident.AnchorDetected, t0))
	for _, m := range []metrics.Mode{metrics.Exact, metrics.Streaming} {
		rep, err := metrics.Compute(seq(r), metrics.Options{Mode: m})
		if err != nil {
			t.Fatal(err)
		}
		d, _ := rep.Overall.Duration(metrics.TimeToDetect)
		s := d.Stats
		for name, v := range map[string]time.Duration{"mean": s.Mean, "median": s.Median, "p99": s.P99, "min": s.Min, "max": s.Max} {
			if v < 0 {
				t.Errorf("%v: %s = %v, want positive", m, name, v)
			}
		}
	}
}

// A timestamp without an instant is unknown even when it carries a
// precision or the estimated flag: it must not be taken as 0001-01-01.
func TestTimestampWithoutInstantIsUnknown(t *testing.T) {
	for _, ts := range []incident.Timestamp{{Estimated: true}, {Precision: incident.PrecisionDay}} {
		r := rec(t0, anchor(incident.AnchorOccurred, ts), at(incident.AnchorDetected, t0),
			anchor(incident.AnchorContained, ts))
		rep, err := metrics.Compute(seq(r), metrics.Options{Estimates: metrics.IncludeEstimates, Coarse: metrics.CoarseBounds})
		if err != nil {
			t.Fatal(err)
		}
		d, _ := rep.Overall.Duration(metrics.TimeToDetect)
		if d.Stats.Count != 0 || d.LeftOut.Unknown != 1 {
			t.Errorf("%+v: time to detect %+v, left out %+v; want unknown", ts, d.Stats, d.LeftOut)
		}
		c, _ := rep.Overall.Duration(metrics.TimeToContain)
		if c.Stats.Count != 0 || c.LeftOut.Open != 1 {
			t.Errorf("%+v: time to contain %+v, left out %+v; want open", ts, c.Stats, c.LeftOut)
		}
	}
}

// Sketch is exported: a value that is not a duration (+Inf here) must not
// panic; Add counts it as zero like a negative value or NaN.
func TestSketchAddInfDoesNotPanic(t *testing.T) {
	s, _ := metrics.NewSketch(0.01)
	s.Add(1)
	s.Add(math.Inf(1))
	s.Add(2)
	if s.Count() != 3 || s.Max() != 2 || s.Min() != 0 || math.IsInf(s.Sum(), 0) {
		t.Fatalf("count %d min %v max %v sum %v", s.Count(), s.Min(), s.Max(), s.Sum())
	}
	if q, err := s.Quantile(1); err != nil || q != 2 {
		t.Fatalf("Quantile(1) = %v, %v", q, err)
	}
}

// The false-positive rate's denominator is the records with a determined
// outcome (not_incident, under_watch, near_miss, incident); an outcome
// outside that list is not one of them and is left out as unknown.
func TestFalsePositiveRateUnknownOutcome(t *testing.T) {
	recs := seq(rec(t0, outcome(incident.OutcomeNotIncident)), rec(t0, outcome(incident.OutcomeIncident)),
		rec(t0, outcome("true_positive")))
	rep, err := metrics.Compute(recs, metrics.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fp := rep.Overall.FalsePositiveRate
	if fp.Numerator != 1 || fp.Denominator != 2 || fp.LeftOut.Unknown != 1 {
		t.Fatalf("false-positive rate %+v, want 1/2 with 1 unknown left out", fp)
	}
	if got := fp.Denominator + fp.LeftOut.Total(); got != rep.Overall.Records {
		t.Fatalf("denominator + left out = %d, want %d records", got, rep.Overall.Records)
	}
}
