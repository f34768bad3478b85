package metrics

import (
	"encoding/csv"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iso27035/iso27035/incident"
)

// CSVHeader is the header row WriteCSV writes. Durations are in seconds;
// empty cells are undefined (no value measured, zero denominator).
var CSVHeader = []string{
	"scope", "group", "figure", "count",
	"mean_seconds", "median_seconds", "p90_seconds", "p95_seconds", "p99_seconds", "min_seconds", "max_seconds",
	"numerator", "denominator", "value", "estimated", "coarse",
	"left_open", "left_unknown", "left_estimated", "left_coarse", "left_invalid", "left_undetermined", "left_waived",
}

// WriteCSV writes the report as one table: one row per figure of every
// summary. Scope is "overall", a breakdown's name, or "trend"; group is
// the breakdown key or the period's start (RFC 3339). Figures are counts
// (records, open, closed, opened, closed_in_period, backlog,
// outcome.<outcome>), durations (the interval name, and
// "<name>.upper" under CoarseBounds), rates (closure_rate, reopen_rate,
// false_positive_rate, near_miss_ratio, sla.<severity>.<interval>,
// regulatory.<regime>.<report>.compliance) and
// regulatory.<regime>.<report>.time_to_submit, .late and .overdue.
//
// Formula injection (OWASP "CSV Injection"): the text columns scope, group
// and figure carry names the host supplies (breakdown names and keys such
// as category or organisation unit, interval names, severities, regulatory
// regimes and report kinds), which a spreadsheet would execute as a
// formula if they began with '=', '+', '-', '@', a tab or a carriage
// return. WriteCSV therefore prefixes every such cell of those columns
// with a single quote ('), as OWASP recommends: a breakdown key "=1+1" is
// written as "'=1+1". Cells of the other columns are numbers the package
// writes itself (counts, seconds, ratios) and are never altered, so a
// negative number stays a number. A consumer that needs the raw keys
// reads the JSON encoding, which is not altered.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(CSVHeader); err != nil {
		return err
	}
	write := func(scope, group string, s *Summary) error {
		for _, row := range summaryRows(s) {
			row[0] = defuse(row[0]) // the figure name: may hold host names
			if err := cw.Write(append([]string{defuse(scope), defuse(group)}, row...)); err != nil {
				return err
			}
		}
		return nil
	}
	if err := write("overall", "", &r.Overall); err != nil {
		return err
	}
	for _, b := range r.Breakdowns {
		for i := range b.Groups {
			if err := write(b.Name, b.Groups[i].Key, &b.Groups[i].Summary); err != nil {
				return err
			}
		}
	}
	if r.Trend != nil {
		for i := range r.Trend.Periods {
			p := &r.Trend.Periods[i]
			if err := write("trend", p.Start.Format(time.RFC3339), &p.Summary); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// defuse neutralises a text cell a spreadsheet would run as a formula:
// one beginning with '=', '+', '-', '@', tab, carriage return (the OWASP
// CSV Injection list) or NUL (OWASP ASVS 5.0 1.2.10), or with the
// full-width '＝', '＋', '－', '＠' some spreadsheet locales read as
// their ASCII forms, gets a leading single quote. It is applied to the
// text columns only, never to the numbers the package writes.
func defuse(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r', 0:
		return "'" + cell
	}
	for _, p := range []string{"＝", "＋", "－", "＠"} {
		if strings.HasPrefix(cell, p) {
			return "'" + cell
		}
	}
	return cell
}

func itoa(n int) string { return strconv.Itoa(n) }

func ftoa(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

func leftCells(l LeftOut) []string {
	return []string{itoa(l.Open), itoa(l.Unknown), itoa(l.Estimated), itoa(l.Coarse), itoa(l.Invalid), itoa(l.Undetermined), itoa(l.Waived)}
}

func countRow(name string, n int) []string {
	row := make([]string, len(CSVHeader)-2)
	row[0], row[1] = name, itoa(n)
	return row
}

func statsRow(name string, s Stats, est, crs int, l LeftOut) []string {
	row := []string{name, itoa(s.Count), "", "", "", "", "", "", "", "", "", "", itoa(est), itoa(crs)}
	if s.Count > 0 {
		vals := [...]time.Duration{s.Mean, s.Median, s.P90, s.P95, s.P99, s.Min, s.Max}
		for i, d := range vals {
			row[2+i] = ftoa(d.Seconds()) // row has 14 cells, i < 7
		}
	}
	return append(row, leftCells(l)...)
}

func ratioRow(name string, r Ratio) []string {
	row := []string{name, "", "", "", "", "", "", "", "", itoa(r.Numerator), itoa(r.Denominator), "", "", ""}
	if v, ok := r.Value(); ok {
		row[11] = ftoa(v)
	}
	return append(row, leftCells(r.LeftOut)...)
}

func summaryRows(s *Summary) [][]string {
	rows := [][]string{
		countRow("records", s.Records), countRow("open", s.Open), countRow("closed", s.Closed),
		countRow("opened", s.Opened), countRow("closed_in_period", s.ClosedInPeriod), countRow("backlog", s.Backlog),
	}
	outs := make([]incident.Outcome, 0, len(s.Outcomes))
	for o := range s.Outcomes {
		outs = append(outs, o)
	}
	slices.Sort(outs)
	for _, o := range outs {
		name := string(o)
		if o == incident.OutcomeUndetermined {
			name = "undetermined"
		}
		rows = append(rows, countRow("outcome."+name, s.Outcomes[o]))
	}
	for _, d := range s.Durations {
		rows = append(rows, statsRow(d.Name, d.Stats, d.Estimated, d.Coarse, d.LeftOut))
		if d.Upper != nil {
			rows = append(rows, statsRow(d.Name+".upper", *d.Upper, d.Estimated, d.Coarse, d.LeftOut))
		}
	}
	rows = append(rows,
		ratioRow("closure_rate", s.ClosureRate), ratioRow("reopen_rate", s.ReopenRate),
		ratioRow("false_positive_rate", s.FalsePositiveRate), ratioRow("near_miss_ratio", s.NearMissRatio))
	for _, t := range s.SLA {
		rows = append(rows, ratioRow("sla."+string(t.Severity)+"."+t.Interval, t.Compliance))
	}
	for _, g := range s.Regulatory {
		p := "regulatory." + g.Regime + "." + g.Report
		d := g.TimeToSubmit
		rows = append(rows, statsRow(p+".time_to_submit", d.Stats, d.Estimated, d.Coarse, d.LeftOut),
			ratioRow(p+".compliance", g.Compliance), countRow(p+".late", g.Late), countRow(p+".overdue", g.Overdue))
	}
	return rows
}
