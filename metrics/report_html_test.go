package metrics_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/metrics"
)

// htmlReport is a year of synthetic incidents with two breakdowns, a
// monthly trend and SLA targets: every part of the page has content.
func htmlReport(t testing.TB, n int) *metrics.Report {
	t.Helper()
	rep, err := metrics.Compute(synth(n, 7), metrics.Options{
		From:       time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		Until:      time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		Breakdowns: []metrics.Breakdown{metrics.BySeverity(), metrics.ByCategory()},
		Trend:      metrics.Month,
		SLA: []metrics.SLATarget{
			{Severity: incident.SeverityCritical, Interval: metrics.TimeToContain, Within: 24 * time.Hour},
			{Severity: incident.SeverityHigh, Interval: metrics.TimeToContain, Within: 36 * time.Hour},
		},
	})
	require.NoError(t, err)
	return rep
}

func htmlOpts() metrics.HTMLOptions {
	return metrics.HTMLOptions{
		Title:        "Incident management report",
		Organisation: "Example Bank",
		Period:       "2026",
		Figures:      []metrics.HTMLFigure{{Label: "major incidents", Value: "3", Definition: "incidents declared major by the crisis team."}},
		Notes:        []string{"Synthetic data."},
	}
}

func render(t testing.TB, rep *metrics.Report, o metrics.HTMLOptions) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, rep.WriteHTML(&buf, o))
	return buf.String()
}

func TestHTMLGolden(t *testing.T) {
	golden(t, "report/report.golden.html", []byte(render(t, htmlReport(t, 400), htmlOpts())))
}

func TestHTMLDeterministic(t *testing.T) {
	a := render(t, htmlReport(t, 300), htmlOpts())
	for range 5 {
		require.Equal(t, a, render(t, htmlReport(t, 300), htmlOpts()))
	}
}

func TestHTMLContent(t *testing.T) {
	page := render(t, htmlReport(t, 400), htmlOpts())
	for _, want := range []string{
		"<!DOCTYPE html>", "MTTD", "MTTA", "MTTC", "MTTR",
		"What changed: Dec 2026 against Nov 2026",
		`class="chart trend-chart"`, `class="chart bar-chart"`,
		"By Severity", "By Category", "What the figures leave out",
		"Definitions", "Micro Focus ITSMA 2018.02", "@media print",
		"<title id=", "<desc id=", `<th scope="col"`, `<th scope="row"`,
		"major incidents", "Synthetic data.",
	} {
		assert.Contains(t, page, want)
	}
	// Self-contained: no scripts, no external resources, no web fonts.
	for _, banned := range []string{"<script", "<link", "@import", "@font-face", "url(", "src=", "http://", "https://"} {
		if banned == "http://" {
			// The SVG namespace is an identifier, not a resource.
			page := strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
			assert.NotContains(t, page, banned)
			continue
		}
		assert.NotContains(t, page, banned)
	}
	// Severity groups by rank, highest first.
	i, j := strings.Index(page, ">critical<"), strings.Index(page, ">low<")
	require.True(t, i > 0 && j > 0)
	assert.Less(t, i, j)
}

func TestHTMLEscapesHostStrings(t *testing.T) {
	const evil = `<script>alert("x")</script>`
	D, C := incident.AnchorDetected, incident.AnchorContained
	withCat := func(i *incident.Incident) { i.Category = incident.Category{Class: evil}; i.OrgUnit = evil }
	rep, err := metrics.Compute(seq(
		rec(h(1), withCat, at(D, h(1)), at(C, h(3))),
		rec(h(2), withCat, at(D, h(2))),
	), metrics.Options{Until: t0.AddDate(0, 0, 7), Breakdowns: []metrics.Breakdown{metrics.ByCategory(), metrics.ByOrgUnit()}})
	require.NoError(t, err)
	page := render(t, rep, metrics.HTMLOptions{
		Title: evil, Organisation: evil, Period: evil, Subtitle: evil,
		Figures: []metrics.HTMLFigure{{Label: evil, Value: evil, Definition: evil}},
		Notes:   []string{evil},
	})
	assert.NotContains(t, page, "<script")
	assert.Contains(t, page, "&lt;script&gt;")
	assert.Contains(t, page, "By Org unit")
}

func TestHTMLPrevious(t *testing.T) {
	cur := htmlReport(t, 300)
	prev, err := metrics.Compute(synth(200, 9), metrics.Options{})
	require.NoError(t, err)
	o := htmlOpts()
	o.Previous, o.PreviousLabel = prev, "2025"
	page := render(t, cur, o)
	assert.Contains(t, page, "What changed: this period against 2025")
	assert.Contains(t, page, "vs 2025 (")
}

// An interval named like a default one but measured between other anchors
// never gets the acronym: the BPIC log has no detection or containment.
func TestHTMLHonestLabels(t *testing.T) {
	R, V := incident.AnchorReported, incident.AnchorRecovered
	rep, err := metrics.Compute(seq(
		rec(h(1), at(R, h(1)), at(V, h(5))),
		rec(h(2), at(R, h(2))),
	), metrics.Options{
		Until:     t0.AddDate(0, 0, 7),
		Intervals: []metrics.Interval{{Name: metrics.TimeToResolve, From: R, To: V}, {Name: metrics.TimeToDetect, From: R, To: V}},
	})
	require.NoError(t, err)
	page := render(t, rep, metrics.HTMLOptions{})
	for _, acr := range []string{"MTTD", "MTTC", "MTTA", "MTTR"} {
		assert.NotContains(t, page, ">"+acr+"<")
	}
	assert.Contains(t, page, "defined by the host: from reported to recovered")
	assert.Contains(t, page, "Mean time to resolve")
	assert.Contains(t, page, "1 open") // the unresolved record is left out, not zero
}

func TestHTMLEmptyReport(t *testing.T) {
	rep, err := metrics.Compute(seq(), metrics.Options{Trend: metrics.Week})
	require.NoError(t, err)
	page := render(t, rep, metrics.HTMLOptions{})
	assert.Contains(t, page, "nothing measured")
	var nilRep *metrics.Report
	require.Error(t, nilRep.WriteHTML(&bytes.Buffer{}, metrics.HTMLOptions{}))
}
