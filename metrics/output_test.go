package metrics_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/metrics"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func goldenReport(t *testing.T) *metrics.Report {
	D, C := incident.AnchorDetected, incident.AnchorContained
	recs := append(containFixture(),
		rec(h(30), severity(incident.SeverityHigh), outcome(incident.OutcomeIncident), at(D, h(30)), at(C, h(31)), closedAt(h(40))),
		rec(h(200), severity(incident.SeverityHigh), outcome(incident.OutcomeNearMiss), at(D, h(200)),
			obligation(incident.Obligation{Regime: "nis2", Report: "early_warning", StartAt: h(200), Due: h(224), SubmittedAt: h(210)})),
	)
	rep, err := metrics.Compute(seq(recs...), metrics.Options{
		Intervals:  []metrics.Interval{{metrics.TimeToContain, D, C}, {metrics.TimeToClose, D, incident.AnchorClosed}},
		Coarse:     metrics.CoarseBounds,
		Until:      t0.AddDate(0, 0, 14),
		Breakdowns: []metrics.Breakdown{metrics.BySeverity()},
		Trend:      metrics.Week,
		SLA:        []metrics.SLATarget{{Severity: incident.SeverityHigh, Interval: metrics.TimeToContain, Within: 2 * time.Hour}},
	})
	require.NoError(t, err)
	return rep
}

func golden(t *testing.T, name string, got []byte) {
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -update to create it")
	assert.Equal(t, string(want), string(got))
}

func TestJSONGolden(t *testing.T) {
	b, err := json.MarshalIndent(goldenReport(t), "", "  ")
	require.NoError(t, err)
	golden(t, "report.golden.json", append(b, '\n'))
}

func TestCSVGolden(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, goldenReport(t).WriteCSV(&buf))
	golden(t, "report.golden.csv", buf.Bytes())
}
