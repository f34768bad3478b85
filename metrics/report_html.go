package metrics

import (
	"cmp"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/iso27035/iso27035/incident"
)

// HTMLOptions configure WriteHTML. The zero value is usable.
type HTMLOptions struct {
	// Title heads the page ("Incident management report" if empty).
	Title string
	// Organisation and Period label the report; Period defaults to the
	// report's [From, Until) in dates.
	Organisation string
	Period       string
	// Subtitle is printed under the title: what the figures are (and are
	// not) for data that is not a security incident log.
	Subtitle string
	// Previous is the report of the previous period, for "what changed"
	// and the arrows of the headline strip; PreviousLabel names that period
	// ("previous period" if empty). Without it the comparison is the last
	// trend period against the one before, when the report has a trend of
	// two periods or more.
	Previous      *Report
	PreviousLabel string
	// Headline names the intervals of the headline strip (at most four
	// shown). Empty means time to detect, acknowledge, contain and recover
	// (MTTD, MTTA, MTTC, MTTR) where measured with their default anchors,
	// otherwise the report's first four intervals.
	Headline []string
	// Figures are host-computed figures shown after the headline strip and
	// defined in the footnotes (the report knows nothing else about them).
	Figures []HTMLFigure
	// Notes are printed in the caveats box, after the left-out counts.
	Notes []string
	// SeverityScale orders the groups of a breakdown named "severity",
	// highest first (DefaultSeverityScale if nil).
	SeverityScale *incident.SeverityScale
}

// HTMLFigure is a figure the host computed itself, shown as given.
type HTMLFigure struct {
	Label      string
	Value      string
	Definition string
}

// WriteHTML writes the report as one self-contained HTML page for
// management: a headline strip (the means of up to four intervals, with
// arrows against the previous period), what changed since the previous
// period, small-multiple trend lines, horizontal bar breakdowns, the full
// table of durations and rates, a box saying how many records every figure
// left out and why, and the definitions with their sources. Charts are
// inline SVG with a title and description; there are no scripts, web
// fonts, images or links to fetch, and the page prints. Every string from
// the report or the options is escaped (html/template). The output is
// deterministic: the same report and options give the same bytes.
func (r *Report) WriteHTML(w io.Writer, opts HTMLOptions) error {
	if r == nil {
		return errors.New("metrics: WriteHTML on a nil report")
	}
	v := buildView(r, opts)
	return htmlTmpl.Execute(w, v)
}

// ---- view model ----

type htmlView struct {
	Title, Org, Period, Subtitle, AsOf, Mode string
	Cards                                    []kpiCard
	Figures                                  []HTMLFigure
	Compare                                  *compareView
	Trend                                    []lineChart
	TrendNote                                string
	Breakdowns                               []breakdownView
	Durations                                []durRow
	Rates                                    []rateRow
	Caveats                                  caveatsView
	Defs                                     []defRow
}

type kpiCard struct {
	Acronym, Name, Value, Detail, LeftOut string
	Arrow, ArrowText, ArrowClass          string
}

type compareView struct {
	Current, Previous string
	Rows              []changeRow
}

type changeRow struct {
	Figure, Previous, Current, Delta, Arrow, Class, Note string
}

type durRow struct {
	Name, Count, Mean, Median, P90, P95, P99, Max, LeftOut, Flags string
}

type rateRow struct {
	Name, Value, Fraction, LeftOut string
}

type caveatsView struct {
	Lines   []string
	Reasons []reasonRow
	Notes   []string
}

type reasonRow struct {
	Figure, Open, Unknown, Estimated, Coarse, Invalid, Total string
}

type defRow struct {
	Term, Text, Source string
}

type lineChart struct {
	ID, Title, Desc, Last string
	Width, Height         int
	Lines                 []string // polyline point lists, one per defined run
	Points                []chartPoint
	YMax, YZero           string
	XFirst, XLast         string
	AxisY, AxisX          string
	TextY                 string
}

type chartPoint struct {
	X, Y, Tip string
}

type breakdownView struct {
	Name    string
	Charts  []barChart
	Omitted int
}

type barChart struct {
	ID, Title, Desc string
	Width, Height   int
	BarX, Span      int
	Bars            []bar
}

type bar struct {
	Label, Full, Value, Y, TextY, W, ValueX string
}

// ---- labels and definitions ----

type intervalLabel struct{ acronym, name, source string }

var intervalLabels = map[string]intervalLabel{
	TimeToDetect:      {"MTTD", "time to detect", "MTTD has no normative definition; anchor occurred as in VERIS timeline.incident [C]; vendor literature [S]"},
	DwellTime:         {"", "dwell time", "Mandiant M-Trends (reported as a median) [S]; VERIS timeline.discovery [C]"},
	TimeToReport:      {"", "time to report", "ISO/IEC 27035-1:2023 detect and report; 27035-3 clause 8"},
	TimeToAcknowledge: {"MTTA", "time to acknowledge", "ITSM practice: \"average time between when an alert is triggered and when a human acknowledges it\" [S]"},
	TimeToAssess:      {"", "time to assess", "ISO/IEC 27035-1:2023 assess and decide"},
	TimeToContain:     {"MTTC", "time to contain", "VERIS timeline.containment [C]; IBM Cost of a Data Breach [S]"},
	TimeToEradicate:   {"", "time to eradicate", "NIST CSF 2.0 RS.MI-02"},
	TimeToRecover:     {"MTTR", "time to recover", "NIST CSF 2.0 RC.RP-05; the explicit \"MTTRecover\" instead of the ambiguous MTTR [S]"},
	TimeToResolve:     {"", "time to resolve", "resolution set on the record [U]"},
	TimeToClose:       {"", "time to close", "ISO/IEC 27035-3 conclusion; NIST CSF 2.0 RC.RP-06 [S]"},
	BreachLifecycle:   {"", "breach lifecycle", "IBM Cost of a Data Breach, \"time to identify and contain\" [S]"},
}

// label returns the display label of an interval: the built-in one only
// when the anchors are the default ones, so an acronym such as MTTD is
// never put on a duration measured between other anchors.
func label(iv Interval) intervalLabel {
	l, ok := intervalLabels[iv.Name]
	if ok && slices.Contains(DefaultIntervals(), iv) {
		return l
	}
	name := strings.ReplaceAll(iv.Name, "_", " ")
	if ok {
		name = l.name
	}
	return intervalLabel{name: name, source: fmt.Sprintf("defined by the host: from %s to %s", iv.From, iv.To)}
}

func capital(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// ---- formatting (fixed, locale-free) ----

func fmtFloat(x float64, prec int) string { return strconv.FormatFloat(x, 'f', prec, 64) }

func fmtDur(d time.Duration) string {
	switch a := d.Abs(); {
	case a < time.Minute:
		return fmtFloat(d.Seconds(), 0) + " s"
	case a < time.Hour:
		return fmtFloat(d.Minutes(), 0) + " min"
	case a < 48*time.Hour:
		return fmtFloat(d.Hours(), 1) + " h"
	default:
		return fmtFloat(d.Hours()/24, 1) + " d"
	}
}

func fmtSecs(s float64) string { return fmtDur(time.Duration(s * float64(time.Second))) }

func fmtPct(x float64) string { return fmtFloat(100*x, 1) + " %" }

func fmtInt(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune('\u2009') // thin space
		}
		b.WriteRune(c)
	}
	if neg {
		return "−" + b.String()
	}
	return b.String()
}

func fmtRatio(r Ratio) (value, fraction string) {
	v, ok := r.Value()
	if !ok {
		return "—", "0 / 0"
	}
	return fmtPct(v), fmtInt(r.Numerator) + " / " + fmtInt(r.Denominator)
}

func fmtLeftOut(l LeftOut) string {
	var parts []string
	for _, p := range []struct {
		n    int
		name string
	}{{l.Open, "open"}, {l.Unknown, "unknown"}, {l.Estimated, "estimated"}, {l.Coarse, "coarse"}, {l.Invalid, "invalid"}, {l.Undetermined, "undetermined"}, {l.Waived, "waived"}} {
		if p.n > 0 {
			parts = append(parts, fmtInt(p.n)+" "+p.name)
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func fmtDate(t time.Time) string { return t.UTC().Format("2 Jan 2006") }

func periodLabel(g Granularity, start time.Time) string {
	start = start.UTC()
	switch g {
	case Month:
		return start.Format("Jan 2006")
	case Quarter:
		return fmt.Sprintf("Q%d %d", (int(start.Month())-1)/3+1, start.Year())
	case Week:
		y, w := start.ISOWeek()
		return fmt.Sprintf("W%02d %d", w, y)
	}
	return fmtDate(start)
}

func reportPeriod(r *Report) string {
	switch {
	case r.From.IsZero() && r.Until.IsZero():
		return "all records"
	case r.From.IsZero():
		return "until " + fmtDate(r.Until.Add(-time.Nanosecond))
	case r.Until.IsZero():
		return "from " + fmtDate(r.From)
	}
	return fmtDate(r.From) + " – " + fmtDate(r.Until.Add(-time.Nanosecond))
}

// ---- building ----

func buildView(r *Report, o HTMLOptions) *htmlView {
	v := &htmlView{
		Title:    cmp.Or(o.Title, "Incident management report"),
		Org:      o.Organisation,
		Period:   cmp.Or(o.Period, reportPeriod(r)),
		Subtitle: o.Subtitle,
		Figures:  o.Figures,
	}
	if !r.Until.IsZero() {
		v.AsOf = "as of " + r.Until.UTC().Format("2 Jan 2006 15:04 MST")
	}
	v.Mode = r.Mode + " percentiles"
	if r.Mode == Streaming.String() {
		v.Mode = fmt.Sprintf("streaming percentiles (within %s relative error)", fmtPct(r.RelativeAccuracy))
	}
	headline := headlineIntervals(r, o.Headline)
	cmpCur, cmpPrev, curLabel, prevLabel, fromTrend := comparison(r, o)
	ids := 0
	nextID := func(p string) string { ids++; return p + strconv.Itoa(ids) }

	for _, name := range headline {
		ds, _ := r.Overall.Duration(name)
		l := label(ds.Interval)
		c := kpiCard{Acronym: l.acronym, Name: "Mean " + l.name, Value: "—"}
		if ds.Stats.Count > 0 {
			c.Value = fmtDur(ds.Stats.Mean)
			c.Detail = "median " + fmtDur(ds.Stats.Median) + " · p90 " + fmtDur(ds.Stats.P90) + " · n = " + fmtInt(ds.Stats.Count)
		} else {
			c.Detail = "nothing measured"
		}
		c.LeftOut = fmtInt(ds.LeftOut.Total()) + " left out"
		c.Arrow, c.ArrowText, c.ArrowClass = "", "no previous period", "flat"
		if cmpCur != nil {
			cur, _ := cmpCur.Duration(name)
			prev, _ := cmpPrev.Duration(name)
			arrow, text, class := durChange(prev.Stats, cur.Stats)
			c.Arrow, c.ArrowClass = arrow, class
			if fromTrend {
				c.ArrowText = curLabel + ": " + meanOrDash(cur.Stats) + ", " + text + " vs " + prevLabel
			} else {
				c.ArrowText = text + " vs " + prevLabel + " (" + meanOrDash(prev.Stats) + ")"
			}
		}
		v.Cards = append(v.Cards, c)
	}

	if cmpCur != nil {
		v.Compare = &compareView{Current: curLabel, Previous: prevLabel, Rows: changeRows(cmpPrev, cmpCur)}
	}

	v.Trend, v.TrendNote = trendCharts(r, headline, nextID)
	v.Breakdowns = breakdownViews(r, headline, o.SeverityScale, nextID)

	for _, ds := range r.Overall.Durations {
		l := label(ds.Interval)
		row := durRow{Name: capital(l.name), Count: fmtInt(ds.Stats.Count), LeftOut: fmtLeftOut(ds.LeftOut)}
		if l.acronym != "" {
			row.Name += " (" + l.acronym + ")"
		}
		s := ds.Stats
		if s.Count > 0 {
			row.Mean, row.Median, row.P90, row.P95, row.P99, row.Max = fmtDur(s.Mean), fmtDur(s.Median), fmtDur(s.P90), fmtDur(s.P95), fmtDur(s.P99), fmtDur(s.Max)
			if u := ds.Upper; u != nil && ds.Coarse > 0 {
				row.Mean += " – " + fmtDur(u.Mean)
				row.Median += " – " + fmtDur(u.Median)
				row.P90 += " – " + fmtDur(u.P90)
				row.P95 += " – " + fmtDur(u.P95)
				row.P99 += " – " + fmtDur(u.P99)
				row.Max += " – " + fmtDur(u.Max)
			}
		} else {
			row.Mean, row.Median, row.P90, row.P95, row.P99, row.Max = "—", "—", "—", "—", "—", "—"
		}
		var flags []string
		if ds.Estimated > 0 {
			flags = append(flags, fmtInt(ds.Estimated)+" estimated")
		}
		if ds.Coarse > 0 {
			flags = append(flags, fmtInt(ds.Coarse)+" coarse (bounds)")
		}
		row.Flags = strings.Join(flags, ", ")
		v.Durations = append(v.Durations, row)
	}
	v.Rates = rateRows(&r.Overall)
	v.Caveats = caveats(r, o)
	v.Defs = definitions(r, o)
	return v
}

func meanOrDash(s Stats) string {
	if s.Count == 0 {
		return "—"
	}
	return fmtDur(s.Mean)
}

func headlineIntervals(r *Report, want []string) []string {
	var out []string
	if len(want) > 0 {
		for _, n := range want {
			if _, ok := r.Overall.Duration(n); ok && !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	} else {
		for _, n := range []string{TimeToDetect, TimeToAcknowledge, TimeToContain, TimeToRecover} {
			if ds, ok := r.Overall.Duration(n); ok && label(ds.Interval).acronym != "" {
				out = append(out, n)
			}
		}
		if len(out) == 0 {
			for _, ds := range r.Overall.Durations {
				out = append(out, ds.Name)
			}
		}
	}
	if len(out) > 4 {
		out = out[:4]
	}
	return out
}

// comparison picks the two summaries "what changed" compares.
func comparison(r *Report, o HTMLOptions) (cur, prev *Summary, curLabel, prevLabel string, fromTrend bool) {
	if o.Previous != nil {
		return &r.Overall, &o.Previous.Overall, "this period", cmp.Or(o.PreviousLabel, "previous period"), false
	}
	if r.Trend != nil && len(r.Trend.Periods) >= 2 {
		n := len(r.Trend.Periods)
		c, p := &r.Trend.Periods[n-1], &r.Trend.Periods[n-2]
		cl := periodLabel(r.Trend.Granularity, c.Start)
		if !r.Until.IsZero() && r.Until.Before(c.End) {
			cl += " (to " + fmtDate(r.Until.Add(-time.Nanosecond)) + ")"
		}
		return &c.Summary, &p.Summary, cl, periodLabel(r.Trend.Granularity, p.Start), true
	}
	return nil, nil, "", "", false
}

// durChange compares two means; shorter is better.
func durChange(prev, cur Stats) (arrow, text, class string) {
	if prev.Count == 0 || cur.Count == 0 {
		return "", "no comparison", "flat"
	}
	d := cur.Mean - prev.Mean
	rel := float64(d) / float64(prev.Mean)
	switch {
	case prev.Mean == 0 || math.Abs(rel) < 0.005:
		return "→", "unchanged", "flat"
	case d < 0:
		return "▼", fmtPct(-rel) + " shorter", "good"
	default:
		return "▲", fmtPct(rel) + " longer", "bad"
	}
}

type better int

const (
	neutral better = iota
	higher
	lower
)

func changeRows(prev, cur *Summary) []changeRow {
	var rows []changeRow
	count := func(name string, p, c int, b better) {
		row := changeRow{Figure: name, Previous: fmtInt(p), Current: fmtInt(c)}
		row.Delta, row.Arrow, row.Class = signed(float64(c-p), float64(p), func(x float64) string { return fmtInt(int(math.Abs(x))) }, b)
		rows = append(rows, row)
	}
	count("Opened", prev.Opened, cur.Opened, neutral)
	count("Closed in the period", prev.ClosedInPeriod, cur.ClosedInPeriod, neutral)
	count("Backlog at period end", prev.Backlog, cur.Backlog, lower)
	ratio := func(name string, p, c Ratio, b better) {
		row := changeRow{Figure: name}
		row.Previous, _ = fmtRatio(p)
		row.Current, _ = fmtRatio(c)
		pv, pok := p.Value()
		cv, cok := c.Value()
		if pok && cok {
			row.Delta, row.Arrow, row.Class = signed(cv-pv, 0, func(x float64) string { return fmtFloat(100*math.Abs(x), 1) + " pts" }, b)
		} else {
			row.Delta, row.Class = "—", "flat"
		}
		rows = append(rows, row)
	}
	ratio("Closure rate", prev.ClosureRate, cur.ClosureRate, higher)
	ratio("Reopen rate", prev.ReopenRate, cur.ReopenRate, lower)
	ratio("False-positive rate", prev.FalsePositiveRate, cur.FalsePositiveRate, neutral)
	ratio("Near-miss ratio", prev.NearMissRatio, cur.NearMissRatio, neutral)
	for _, c := range cur.Durations {
		p, ok := prev.Duration(c.Name)
		if !ok {
			continue
		}
		row := changeRow{Figure: "Median " + label(c.Interval).name, Previous: "—", Current: "—", Delta: "—", Class: "flat"}
		if p.Stats.Count > 0 {
			row.Previous = fmtDur(p.Stats.Median)
		}
		if c.Stats.Count > 0 {
			row.Current = fmtDur(c.Stats.Median)
		}
		if p.Stats.Count > 0 && c.Stats.Count > 0 {
			row.Delta, row.Arrow, row.Class = signed(float64(c.Stats.Median-p.Stats.Median), float64(p.Stats.Median),
				func(x float64) string { return fmtDur(time.Duration(math.Abs(x))) }, lower)
		}
		if lo := c.LeftOut.Total(); lo > 0 {
			row.Note = fmtInt(lo) + " left out now"
		}
		rows = append(rows, row)
	}
	return rows
}

// signed formats a change: its arrow, "+x (+y %)" and its class.
func signed(delta, base float64, abs func(float64) string, b better) (text, arrow, class string) {
	if delta == 0 {
		return "no change", "→", "flat"
	}
	sign, arrow := "+", "▲"
	if delta < 0 {
		sign, arrow = "−", "▼"
	}
	text = sign + abs(delta)
	if base != 0 {
		text += " (" + sign + fmtFloat(100*math.Abs(delta/base), 0) + " %)"
	}
	switch {
	case b == higher && delta > 0, b == lower && delta < 0:
		class = "good"
	case b == neutral:
		class = "flat"
	default:
		class = "bad"
	}
	return text, arrow, class
}

func rateRows(s *Summary) []rateRow {
	var rows []rateRow
	add := func(name string, r Ratio) {
		v, f := fmtRatio(r)
		rows = append(rows, rateRow{Name: name, Value: v, Fraction: f, LeftOut: fmtLeftOut(r.LeftOut)})
	}
	add("Closure rate", s.ClosureRate)
	add("Reopen rate", s.ReopenRate)
	add("False-positive rate", s.FalsePositiveRate)
	add("Near-miss ratio", s.NearMissRatio)
	for _, sla := range s.SLA {
		add(fmt.Sprintf("SLA %s: %s within %s", sla.Severity, strings.ReplaceAll(sla.Interval, "_", " "), fmtDur(sla.Within)), sla.Compliance)
	}
	for _, rg := range s.Regulatory {
		add(fmt.Sprintf("Deadline met: %s %s", rg.Regime, strings.ReplaceAll(rg.Report, "_", " ")), rg.Compliance)
	}
	return rows
}

// ---- charts ----

const (
	lcW, lcH             = 300, 140
	lcLeft, lcRight      = 44, 12
	lcTop, lcBottom      = 22, 24
	bcW, bcLabel, bcRow  = 440, 170, 22
	bcMaxLabel           = 26
	bcValue              = 70
	maxBreakdownGroups   = 15
	trendSeriesMaxPoints = 60
)

func coord(x float64) string { return fmtFloat(x, 1) }

type series struct {
	title, desc string
	vals        []float64 // NaN = undefined
	format      func(float64) string
}

func trendCharts(r *Report, headline []string, nextID func(string) string) ([]lineChart, string) {
	if r.Trend == nil || len(r.Trend.Periods) == 0 {
		return nil, ""
	}
	ps := r.Trend.Periods
	note := ""
	if len(ps) > trendSeriesMaxPoints {
		note = fmt.Sprintf("The trend shows the last %d of %d periods.", trendSeriesMaxPoints, len(ps))
		ps = ps[len(ps)-trendSeriesMaxPoints:]
	}
	g := r.Trend.Granularity
	count := func(f func(*Summary) int) []float64 {
		out := make([]float64, len(ps))
		for i := range ps {
			out[i] = float64(f(&ps[i].Summary))
		}
		return out
	}
	ints := func(x float64) string { return fmtInt(int(math.Round(x))) }
	all := []series{
		{"Opened", "records created per " + string(g), count(func(s *Summary) int { return s.Opened }), ints},
		{"Closed", "records whose latest close lies in the " + string(g), count(func(s *Summary) int { return s.ClosedInPeriod }), ints},
		{"Backlog", "records open at the end of each " + string(g), count(func(s *Summary) int { return s.Backlog }), ints},
	}
	for _, name := range headline {
		vals := make([]float64, len(ps))
		var lbl intervalLabel
		for i := range ps {
			ds, _ := ps[i].Summary.Duration(name)
			lbl = label(ds.Interval)
			vals[i] = math.NaN()
			if ds.Stats.Count > 0 {
				vals[i] = ds.Stats.Median.Seconds()
			}
		}
		all = append(all, series{"Median " + lbl.name, "median " + lbl.name + " of the records created in each " + string(g) + "; gaps where nothing was measured", vals, fmtSecs})
	}
	var charts []lineChart
	for _, s := range all {
		charts = append(charts, lineChartFor(s, ps, g, nextID("trend")))
	}
	return charts, note
}

func lineChartFor(s series, ps []Period, g Granularity, id string) lineChart {
	c := lineChart{ID: id, Title: s.title, Width: lcW, Height: lcH}
	ymax := 0.0
	for _, v := range s.vals {
		if !math.IsNaN(v) && v > ymax {
			ymax = v
		}
	}
	if ymax == 0 {
		ymax = 1
	}
	pw, ph := float64(lcW-lcLeft-lcRight), float64(lcH-lcTop-lcBottom)
	n := len(s.vals)
	xAt := func(i int) float64 {
		if n == 1 {
			return float64(lcLeft) + pw/2
		}
		return float64(lcLeft) + pw*float64(i)/float64(n-1)
	}
	yAt := func(v float64) float64 { return float64(lcTop) + ph*(1-v/ymax) }
	var run []string
	flush := func() {
		if len(run) > 1 {
			c.Lines = append(c.Lines, strings.Join(run, " "))
		}
		run = nil
	}
	var descVals []string
	last := "—"
	for i, v := range s.vals {
		pl := periodLabel(g, ps[i].Start)
		if math.IsNaN(v) {
			flush()
			descVals = append(descVals, pl+" no value")
			continue
		}
		x, y := coord(xAt(i)), coord(yAt(v))
		run = append(run, x+","+y)
		c.Points = append(c.Points, chartPoint{X: x, Y: y, Tip: pl + ": " + s.format(v)})
		descVals = append(descVals, pl+" "+s.format(v))
		last = s.format(v)
	}
	flush()
	c.Last = last
	c.Desc = capital(s.desc) + ": " + strings.Join(descVals, "; ") + "."
	c.YMax, c.YZero = s.format(ymax), s.format(0)
	c.XFirst, c.XLast = periodLabel(g, ps[0].Start), periodLabel(g, ps[n-1].Start)
	c.AxisY = coord(float64(lcTop) + ph)
	c.AxisX = coord(float64(lcLeft))
	c.TextY = coord(float64(lcH - 6))
	return c
}

func breakdownViews(r *Report, headline []string, scale *incident.SeverityScale, nextID func(string) string) []breakdownView {
	if scale == nil {
		scale = incident.DefaultSeverityScale()
	}
	primary := ""
	if len(headline) > 0 {
		primary = headline[0]
	}
	var out []breakdownView
	for _, b := range r.Breakdowns {
		groups := slices.Clone(b.Groups)
		ordered := false
		if b.Name == "severity" {
			ordered = true
			for _, g := range groups {
				if g.Key != "" && !scale.Contains(incident.Severity(g.Key)) {
					ordered = false
				}
			}
		}
		if ordered {
			rank := func(k string) int {
				n, err := scale.Rank(incident.Severity(k))
				if err != nil {
					return -1 // not set: last
				}
				return n
			}
			slices.SortStableFunc(groups, func(a, b Group) int { return cmp.Compare(rank(b.Key), rank(a.Key)) })
		} else {
			slices.SortStableFunc(groups, func(a, b Group) int {
				return cmp.Or(cmp.Compare(b.Summary.Records, a.Summary.Records), cmp.Compare(a.Key, b.Key))
			})
		}
		bv := breakdownView{Name: capital(strings.ReplaceAll(b.Name, "_", " "))}
		if len(groups) > maxBreakdownGroups {
			bv.Omitted = len(groups) - maxBreakdownGroups
			groups = groups[:maxBreakdownGroups]
		}
		keyLabel := func(k string) string { return cmp.Or(k, "(not set)") }
		recs := make([]float64, len(groups))
		keys := make([]string, len(groups))
		for i, g := range groups {
			recs[i] = float64(g.Summary.Records)
			keys[i] = keyLabel(g.Key)
		}
		bv.Charts = append(bv.Charts, barChartFor(nextID("bars"), "Records by "+strings.ToLower(bv.Name),
			"records created in the period per group", keys, recs, func(x float64) string { return fmtInt(int(x)) }))
		if primary != "" {
			vals := make([]float64, len(groups))
			var lbl intervalLabel
			for i, g := range groups {
				ds, _ := g.Summary.Duration(primary)
				lbl = label(ds.Interval)
				vals[i] = math.NaN()
				if ds.Stats.Count > 0 {
					vals[i] = ds.Stats.Median.Seconds()
				}
			}
			bv.Charts = append(bv.Charts, barChartFor(nextID("bars"), "Median "+lbl.name+" by "+strings.ToLower(bv.Name),
				"median "+lbl.name+" per group; groups with nothing measured show a dash", keys, vals, fmtSecs))
		}
		out = append(out, bv)
	}
	return out
}

func barChartFor(id, title, desc string, keys []string, vals []float64, format func(float64) string) barChart {
	c := barChart{ID: id, Title: title, Width: bcW, Height: len(keys)*bcRow + 8, BarX: bcLabel, Span: bcW - bcLabel - bcValue}
	vmax := 0.0
	for _, v := range vals {
		if !math.IsNaN(v) && v > vmax {
			vmax = v
		}
	}
	if vmax == 0 {
		vmax = 1
	}
	span := float64(bcW - bcLabel - bcValue)
	var descVals []string
	for i, k := range keys {
		y := float64(4 + i*bcRow)
		b := bar{Label: truncate(k, bcMaxLabel), Full: k, Y: coord(y + 3), TextY: coord(y + 15), W: "0", Value: "—", ValueX: coord(float64(bcLabel) + 4)}
		if !math.IsNaN(vals[i]) {
			w := span * vals[i] / vmax
			b.W, b.Value, b.ValueX = coord(w), format(vals[i]), coord(float64(bcLabel)+w+4)
		}
		descVals = append(descVals, k+" "+b.Value)
		c.Bars = append(c.Bars, b)
	}
	c.Desc = capital(desc) + ": " + strings.Join(descVals, "; ") + "."
	return c
}

// truncate shortens s to at most n runes, ending in an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// ---- caveats and definitions ----

func caveats(r *Report, o HTMLOptions) caveatsView {
	var cv caveatsView
	cohort := r.Overall.Records
	cv.Lines = append(cv.Lines, fmt.Sprintf("%s records read; %s in the cohort (created in the period), of which %s still open and %s closed.",
		fmtInt(r.Read), fmtInt(cohort), fmtInt(r.Overall.Open), fmtInt(r.Overall.Closed)))
	if r.BeforePeriod > 0 {
		cv.Lines = append(cv.Lines, fmt.Sprintf("%s records created before the period count only in the flows (closed in the period, backlog).", fmtInt(r.BeforePeriod)))
	}
	if r.AfterPeriod > 0 {
		cv.Lines = append(cv.Lines, fmt.Sprintf("%s records created after the period are ignored.", fmtInt(r.AfterPeriod)))
	}
	if r.Nil > 0 {
		cv.Lines = append(cv.Lines, fmt.Sprintf("%s empty (nil) records are ignored.", fmtInt(r.Nil)))
	}
	if u := r.Overall.Outcomes[incident.OutcomeUndetermined]; u > 0 {
		cv.Lines = append(cv.Lines, fmt.Sprintf("%s records have no determined outcome and are left out of the false-positive rate and the near-miss ratio.", fmtInt(u)))
	}
	est := "Estimated timestamps are left out (counted as estimated)."
	if r.Estimates == "include" {
		est = "Estimated timestamps are used; the table says how many values rest on one."
	}
	coarse := "Timestamps of day, month or year precision are left out (counted as coarse), never read as exact instants."
	if r.Coarse == "bounds" {
		coarse = "Timestamps of day, month or year precision give bounds: where a figure rests on one, the table shows its lower and upper bound."
	}
	cv.Lines = append(cv.Lines,
		"A duration is measured only when both of its timestamps are known. An incident not yet at the end of an interval (say, not yet contained) is left out as open, never counted as zero: while many are open, the means understate what the open ones will take.",
		est, coarse)
	if r.Overall.FlowCoarse > 0 {
		cv.Lines = append(cv.Lines, fmt.Sprintf("%s closes or reopens with a coarse timestamp were placed in a period by their earliest instant.", fmtInt(r.Overall.FlowCoarse)))
	}
	for _, ds := range r.Overall.Durations {
		l := ds.LeftOut
		cv.Reasons = append(cv.Reasons, reasonRow{
			Figure: capital(label(ds.Interval).name), Open: fmtInt(l.Open), Unknown: fmtInt(l.Unknown),
			Estimated: fmtInt(l.Estimated), Coarse: fmtInt(l.Coarse), Invalid: fmtInt(l.Invalid), Total: fmtInt(l.Total()),
		})
	}
	cv.Notes = o.Notes
	return cv
}

func definitions(r *Report, o HTMLOptions) []defRow {
	var defs []defRow
	for _, ds := range r.Overall.Durations {
		l := label(ds.Interval)
		term := capital(l.name)
		if l.acronym != "" {
			term += " (" + l.acronym + ")"
		}
		defs = append(defs, defRow{Term: term, Text: fmt.Sprintf("from the %s timestamp to the %s timestamp of each record; the strip shows the mean, the tables also the median and percentiles (R-7).", ds.From, ds.To), Source: l.source})
	}
	defs = append(defs,
		defRow{"Closure rate", "records whose latest close lies in the period / records opened in the period; above 100 % when older backlog is worked off.", "no standard definition [U]; the KPI reference's first choice"},
		defRow{"Reopen rate", "of the records whose latest close lies in the period, those reopened at least once: \"number of incidents closed that are reopened ..., relative to the number of all incidents closed, in a given time period\".", "ITIL, as documented in Micro Focus ITSMA 2018.02, incident management KPIs [C]"},
		defRow{"False-positive rate", "records assessed as not an incident / records with a determined outcome.", "our definition [U]"},
		defRow{"Near-miss ratio", "near misses / (near misses + incidents).", "terms from NIS2 Art. 6(5) and VERIS [C]; the ratio is ours"},
		defRow{"Backlog", "records created before the end of the period and not closed by then.", "ITIL v3 incident KPIs [C]"},
	)
	if len(r.Overall.SLA) > 0 {
		defs = append(defs, defRow{"SLA compliance", "met / (met + breached) for the records of a severity; an open record already past its target is breached, one still within it is left out as open.", "the host's targets"})
	}
	if len(r.Overall.Regulatory) > 0 {
		defs = append(defs, defRow{"Deadline met", "reports submitted by their deadline / (those + submitted late + not submitted and past the deadline); pending reports are left out as open, waived ones as waived.", "the regimes' deadlines as recorded on each obligation"})
	}
	for _, f := range o.Figures {
		if f.Definition != "" {
			defs = append(defs, defRow{Term: f.Label, Text: f.Definition, Source: "computed by the host"})
		}
	}
	defs = append(defs, defRow{"Performance measurement", "these figures serve the monitoring of the incident response capability.", "ISO/IEC 27035-2:2023 11.3.2, \"Metrics and governance of incident response capability monitoring\" (title only; no ISO or NIST text defines MTTD, MTTA or MTTR normatively)"})
	return defs
}

// ---- template ----

var htmlTmpl = template.Must(template.New("report").Parse(htmlSource))

const htmlSource = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}{{with .Org}} · {{.}}{{end}} · {{.Period}}</title>
<style>
:root{--ink:#1b1f24;--muted:#5b6470;--line:#d9dee4;--bg:#ffffff;--panel:#f5f7f9;--accent:#2f5d8a;--good:#1d7a46;--bad:#b3261e;}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans","Liberation Sans",sans-serif;color:var(--ink);background:var(--bg);font-size:15px;line-height:1.45}
body{margin:0 auto;max-width:1120px;padding:32px 28px 48px}
h1{font-size:1.9rem;line-height:1.15;margin:0 0 4px;letter-spacing:-.01em}
h2{font-size:1.15rem;margin:36px 0 12px;padding-bottom:6px;border-bottom:1px solid var(--line)}
h3{font-size:.95rem;margin:18px 0 6px;color:var(--muted);font-weight:600}
.meta{color:var(--muted);margin:0}
.subtitle{margin:10px 0 0;padding:10px 14px;border-left:4px solid var(--accent);background:var(--panel);max-width:80ch}
.num,td.num,th.num{font-variant-numeric:tabular-nums;text-align:right;white-space:nowrap}
.strip{display:grid;grid-template-columns:repeat(auto-fit,minmax(220px,1fr));gap:14px;margin-top:24px}
.card{border:1px solid var(--line);border-radius:10px;padding:14px 16px;background:var(--panel);break-inside:avoid}
.card .acr{font-size:.8rem;font-weight:700;letter-spacing:.06em;color:var(--accent)}
.card .name{font-size:.85rem;color:var(--muted)}
.card .value{font-size:2.1rem;font-weight:650;font-variant-numeric:tabular-nums;margin:4px 0}
.card .detail,.card .lo{font-size:.8rem;color:var(--muted)}
.change{font-size:.85rem;margin-top:6px}
.good{color:var(--good)}.bad{color:var(--bad)}.flat{color:var(--muted)}
.figures{display:flex;flex-wrap:wrap;gap:10px 28px;margin-top:16px}
.figures div{font-size:.9rem}.figures strong{font-size:1.2rem;font-variant-numeric:tabular-nums;margin-right:6px}
table{border-collapse:collapse;width:100%;font-size:.88rem;margin:6px 0 10px}
caption{text-align:left;color:var(--muted);font-size:.85rem;padding-bottom:6px}
th,td{padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
thead th{text-align:left;font-weight:600;border-bottom:2px solid var(--ink)}
tbody th{text-align:left;font-weight:500}
.multiples{display:grid;grid-template-columns:repeat(auto-fill,minmax(300px,1fr));gap:8px 18px}
figure{margin:0;break-inside:avoid}
figcaption{font-size:.85rem;font-weight:600;margin-bottom:2px}
figcaption span{font-weight:400;color:var(--muted)}
svg{display:block;max-width:100%;height:auto}
svg text{font-family:inherit;font-size:11px;fill:var(--muted)}
svg .line{fill:none;stroke:var(--accent);stroke-width:2;stroke-linejoin:round;stroke-linecap:round}
svg .dot{fill:var(--accent)}
svg .axis{stroke:var(--line);stroke-width:1}
svg .bar{fill:var(--accent)}
svg .bartrack{fill:var(--panel)}
svg text.key{fill:var(--ink)}
.bars{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:8px 24px}
.caveats{border:1px solid #e3c77a;background:#fff8e6;border-radius:10px;padding:4px 18px 10px;break-inside:avoid}
.caveats h2{border:none;margin-top:14px}
.caveats li{margin:4px 0}
dl.defs{display:grid;grid-template-columns:minmax(160px,max-content) 1fr;gap:6px 18px;font-size:.88rem}
dl.defs dt{font-weight:600}dl.defs dd{margin:0}
dl.defs .src{color:var(--muted);font-size:.82rem}
footer{margin-top:36px;color:var(--muted);font-size:.8rem;border-top:1px solid var(--line);padding-top:10px}
@media print{
 @page{margin:16mm 14mm}
 html{font-size:11pt}
 body{max-width:none;padding:0}
 .card,.caveats{background:none}
 h2{break-after:avoid}
 figure,table,.card{break-inside:avoid}
}
</style>
</head>
<body>
<header>
<h1>{{.Title}}</h1>
<p class="meta">{{with .Org}}<strong>{{.}}</strong> · {{end}}{{.Period}}{{with .AsOf}} · {{.}}{{end}}</p>
{{with .Subtitle}}<p class="subtitle">{{.}}</p>{{end}}
</header>
<main>
<section aria-label="Headline figures">
<div class="strip">
{{range .Cards}}<div class="card">
<div class="acr">{{with .Acronym}}{{.}}{{else}}&nbsp;{{end}}</div>
<div class="name">{{.Name}}</div>
<div class="value">{{.Value}}</div>
<div class="detail">{{.Detail}}</div>
<div class="lo">{{.LeftOut}}</div>
<div class="change {{.ArrowClass}}">{{with .Arrow}}<span aria-hidden="true">{{.}}</span> {{end}}{{.ArrowText}}</div>
</div>
{{end}}</div>
{{with .Figures}}<div class="figures">{{range .}}<div><strong>{{.Value}}</strong>{{.Label}}</div>{{end}}</div>{{end}}
</section>
{{with .Compare}}
<section>
<h2>What changed: {{.Current}} against {{.Previous}}</h2>
<table>
<thead><tr><th scope="col">Figure</th><th scope="col" class="num">{{.Previous}}</th><th scope="col" class="num">{{.Current}}</th><th scope="col" class="num">Change</th><th scope="col">Note</th></tr></thead>
<tbody>
{{range .Rows}}<tr><th scope="row">{{.Figure}}</th><td class="num">{{.Previous}}</td><td class="num">{{.Current}}</td><td class="num {{.Class}}">{{with .Arrow}}<span aria-hidden="true">{{.}}</span> {{end}}{{.Delta}}</td><td>{{.Note}}</td></tr>
{{end}}</tbody>
</table>
</section>
{{end}}
{{with .Trend}}
<section>
<h2>Trends</h2>
<div class="multiples">
{{range .}}<figure>
<figcaption>{{.Title}} <span>latest {{.Last}}</span></figcaption>
<svg class="chart trend-chart" role="img" aria-labelledby="{{.ID}}-t {{.ID}}-d" viewBox="0 0 {{.Width}} {{.Height}}" width="{{.Width}}" height="{{.Height}}" xmlns="http://www.w3.org/2000/svg">
<title id="{{.ID}}-t">{{.Title}}</title>
<desc id="{{.ID}}-d">{{.Desc}}</desc>
<line class="axis" x1="{{.AxisX}}" y1="{{.AxisY}}" x2="{{.Width}}" y2="{{.AxisY}}"/>
<text x="2" y="16">{{.YMax}}</text>
<text x="2" y="{{.AxisY}}">{{.YZero}}</text>
<text x="{{.AxisX}}" y="{{.TextY}}">{{.XFirst}}</text>
<text x="{{.Width}}" y="{{.TextY}}" text-anchor="end">{{.XLast}}</text>
{{range .Lines}}<polyline class="line" points="{{.}}"/>
{{end}}{{range .Points}}<circle class="dot" cx="{{.X}}" cy="{{.Y}}" r="2.5"><title>{{.Tip}}</title></circle>
{{end}}</svg>
</figure>
{{end}}</div>
{{with $.TrendNote}}<p class="meta">{{.}}</p>{{end}}
</section>
{{end}}
{{with .Breakdowns}}
<section>
<h2>Breakdowns</h2>
{{range .}}<h3>By {{.Name}}</h3>
<div class="bars">
{{range .Charts}}{{$c := .}}<figure>
<figcaption>{{.Title}}</figcaption>
<svg class="chart bar-chart" role="img" aria-labelledby="{{.ID}}-t {{.ID}}-d" viewBox="0 0 {{.Width}} {{.Height}}" width="{{.Width}}" height="{{.Height}}" xmlns="http://www.w3.org/2000/svg">
<title id="{{.ID}}-t">{{.Title}}</title>
<desc id="{{.ID}}-d">{{.Desc}}</desc>
{{range .Bars}}<text class="key" x="0" y="{{.TextY}}"><title>{{.Full}}</title>{{.Label}}</text>
<rect class="bartrack" x="{{$c.BarX}}" y="{{.Y}}" width="{{$c.Span}}" height="14"/>
<rect class="bar" x="{{$c.BarX}}" y="{{.Y}}" width="{{.W}}" height="14"/>
<text x="{{.ValueX}}" y="{{.TextY}}">{{.Value}}</text>
{{end}}</svg>
</figure>
{{end}}</div>
{{if .Omitted}}<p class="meta">{{.Omitted}} smaller groups not shown.</p>{{end}}
{{end}}
</section>
{{end}}
<section>
<h2>Key figures</h2>
<table>
<caption>Durations over the cohort ({{.Mode}}). A range is a lower and an upper bound from coarse timestamps.</caption>
<thead><tr><th scope="col">Duration</th><th scope="col" class="num">Measured</th><th scope="col" class="num">Mean</th><th scope="col" class="num">Median</th><th scope="col" class="num">P90</th><th scope="col" class="num">P95</th><th scope="col" class="num">P99</th><th scope="col" class="num">Max</th><th scope="col">Left out</th></tr></thead>
<tbody>
{{range .Durations}}<tr><th scope="row">{{.Name}}{{with .Flags}}<br><small>{{.}}</small>{{end}}</th><td class="num">{{.Count}}</td><td class="num">{{.Mean}}</td><td class="num">{{.Median}}</td><td class="num">{{.P90}}</td><td class="num">{{.P95}}</td><td class="num">{{.P99}}</td><td class="num">{{.Max}}</td><td>{{.LeftOut}}</td></tr>
{{end}}</tbody>
</table>
<table>
<caption>Rates</caption>
<thead><tr><th scope="col">Rate</th><th scope="col" class="num">Value</th><th scope="col" class="num">Of</th><th scope="col">Left out</th></tr></thead>
<tbody>
{{range .Rates}}<tr><th scope="row">{{.Name}}</th><td class="num">{{.Value}}</td><td class="num">{{.Fraction}}</td><td>{{.LeftOut}}</td></tr>
{{end}}</tbody>
</table>
</section>
<section class="caveats">
<h2>What the figures leave out</h2>
<ul>
{{range .Caveats.Lines}}<li>{{.}}</li>
{{end}}{{range .Caveats.Notes}}<li>{{.}}</li>
{{end}}</ul>
{{with .Caveats.Reasons}}<table>
<caption>Records of the cohort left out of each duration, by reason</caption>
<thead><tr><th scope="col">Duration</th><th scope="col" class="num">Open</th><th scope="col" class="num">Unknown</th><th scope="col" class="num">Estimated</th><th scope="col" class="num">Coarse</th><th scope="col" class="num">Invalid</th><th scope="col" class="num">Total</th></tr></thead>
<tbody>
{{range .}}<tr><th scope="row">{{.Figure}}</th><td class="num">{{.Open}}</td><td class="num">{{.Unknown}}</td><td class="num">{{.Estimated}}</td><td class="num">{{.Coarse}}</td><td class="num">{{.Invalid}}</td><td class="num">{{.Total}}</td></tr>
{{end}}</tbody>
</table>{{end}}
</section>
<section>
<h2>Definitions</h2>
<dl class="defs">
{{range .Defs}}<dt>{{.Term}}</dt><dd>{{.Text}}{{with .Source}} <span class="src">Source: {{.}}.</span>{{end}}</dd>
{{end}}</dl>
</section>
</main>
<footer>{{.Title}} · {{with .Org}}{{.}} · {{end}}{{.Period}} · {{.Mode}}. Computed by github.com/iso27035/iso27035/metrics; [C] confirmed from the source, [S] several secondary sources, [U] our choice.</footer>
</body>
</html>
`
