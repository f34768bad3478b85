// Command metrics-report writes the management report of package metrics
// (one self-contained HTML page: headline figures, what changed, trends,
// breakdowns, what the figures leave out, definitions) for a year of
// synthetic incidents, generated from a fixed seed so every run writes the
// same page:
//
//	go run ./examples/metrics-report [-out report.html]
//
// Given the BPI Challenge 2013 log (Volvo IT service desk), it writes a
// second report from real data:
//
//	go run ./examples/metrics-report -bpic path/to/VINST-new.csv   # the BPIC 2013 log (4TU.ResearchData)
//
// That log is not a security log: it has no occurrence, detection or
// containment times. Its report measures only what the log supports (time
// to resolve and to close from the logged request, reopen rate, hand-overs
// between support teams) under those names, never as MTTD or MTTC, and its
// subtitle says so.
package main

import (
	"bufio"

	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/incident/bpic2013"
	"github.com/iso27035/iso27035/metrics"
)

func main() {
	out := flag.String("out", filepath.Join(os.TempDir(), "iso27035-metrics-report.html"), "write the synthetic report here")
	bpic := flag.String("bpic", "", "also report on the BPIC 2013 log at this path (VINST-new.csv)")
	bpicOut := flag.String("bpic-out", filepath.Join(os.TempDir(), "iso27035-bpic2013-report.html"), "write the BPIC 2013 report here")
	flag.Parse()
	if err := synthetic(*out); err != nil {
		fmt.Fprintln(os.Stderr, "metrics-report:", err)
		os.Exit(1)
	}
	if *bpic != "" {
		if err := bpicReport(*bpic, *bpicOut); err != nil {
			fmt.Fprintln(os.Stderr, "metrics-report:", err)
			os.Exit(1)
		}
	}
}

// ---- synthetic incidents ----

// profile is how incidents of one severity behave: their share, and the
// medians of lognormal durations (detection, acknowledgement, containment,
// recovery, closure), with one spread for all.
type profile struct {
	sev                           incident.Severity
	share                         float64
	detect, ack, contain, recover time.Duration
	close                         time.Duration
	sigma                         float64
	declared                      float64 // share that are incidents (not false positives)
	regulatory                    float64 // share with a GDPR notification owed
	openTail                      time.Duration
	containSLA                    time.Duration
}

var profiles = []profile{
	{incident.SeverityLow, 0.46, 72 * time.Hour, 3 * time.Hour, 30 * time.Hour, 60 * time.Hour, 8 * 24 * time.Hour, 0.9, 0.55, 0, 21 * 24 * time.Hour, 0},
	{incident.SeverityMedium, 0.33, 96 * time.Hour, 75 * time.Minute, 14 * time.Hour, 40 * time.Hour, 6 * 24 * time.Hour, 0.85, 0.7, 0.03, 30 * 24 * time.Hour, 0},
	{incident.SeverityHigh, 0.16, 8 * 24 * time.Hour, 25 * time.Minute, 6 * time.Hour, 30 * time.Hour, 9 * 24 * time.Hour, 0.8, 0.85, 0.15, 45 * 24 * time.Hour, 36 * time.Hour},
	{incident.SeverityCritical, 0.05, 20 * 24 * time.Hour, 8 * time.Minute, 3 * time.Hour, 3 * 24 * time.Hour, 20 * 24 * time.Hour, 0.8, 0.95, 0.5, 60 * 24 * time.Hour, 24 * time.Hour},
}

var categories = []struct {
	cat    incident.Category
	weight float64
}{
	{incident.Category{Class: "fraud", Type: "phishing"}, 0.30},
	{incident.Category{Class: "malicious-code", Type: "infected-system"}, 0.18},
	{incident.Category{Class: "information-gathering", Type: "scanner"}, 0.14},
	{incident.Category{Class: "intrusion-attempts", Type: "brute-force"}, 0.12},
	{incident.Category{Class: "intrusions", Type: "system-compromise"}, 0.08},
	{incident.Category{Class: "availability", Type: "ddos"}, 0.07},
	{incident.Category{Class: "information-content-security", Type: "data-leak"}, 0.06},
	{incident.Category{Class: "vulnerable", Type: "vulnerable-system"}, 0.05},
}

var units = []string{"retail", "corporate", "it-operations", "payments", "hr"}

// generate returns a year of incidents created in [start, start+1y) as
// seen at the year's end, about perDay a day.
func generate(rng *rand.Rand, start time.Time, perDay float64) []*incident.Incident {
	end := start.AddDate(1, 0, 0)
	var out []*incident.Incident
	lognorm := func(median time.Duration, sigma float64) time.Duration {
		return time.Duration(float64(median) * math.Exp(sigma*rng.NormFloat64()))
	}
	for t := start; ; {
		t = t.Add(time.Duration(rng.ExpFloat64() / perDay * float64(24*time.Hour)))
		if !t.Before(end) {
			break
		}
		p := pickProfile(rng.Float64())
		inc := &incident.Incident{}
		inc.Org = "example-bank"
		inc.OrgUnit = units[rng.IntN(len(units))]
		inc.CreatedAt = t.Truncate(time.Second)
		inc.Severity = p.sev
		inc.Category = pickCategory(rng.Float64())
		tl := &inc.Timeline
		detected := inc.CreatedAt
		tl.Detected = incident.At(detected)
		occurred := detected.Add(-lognorm(p.detect, p.sigma+0.3))
		switch x := rng.Float64(); {
		case x < 0.08: // known only to the day (VERIS-style)
			tl.Occurred = incident.Approx(occurred.Truncate(24*time.Hour), incident.PrecisionDay, false)
		case x < 0.18: // an analyst's estimate
			tl.Occurred = incident.Approx(occurred, incident.PrecisionInstant, true)
		case x < 0.25: // never established
		default:
			tl.Occurred = incident.At(occurred)
		}
		if p.sev == incident.SeverityHigh || p.sev == incident.SeverityCritical {
			comp := occurred.Add(lognorm(time.Hour, 1))
			if !comp.Before(detected) {
				comp = occurred.Add(detected.Sub(occurred) / 2)
			}
			tl.Compromised = incident.At(comp)
		}
		tl.Reported = incident.At(detected.Add(lognorm(10*time.Minute, 0.8)))
		tl.Acknowledged = incident.At(detected.Add(lognorm(p.ack, p.sigma)))
		tl.Assessed = incident.At(tl.Acknowledged.At.Add(lognorm(2*time.Hour, p.sigma)))
		if rng.Float64() > p.declared {
			inc.Outcome = incident.OutcomeNotIncident
			tl.Closed = incident.At(tl.Assessed.At.Add(lognorm(4*time.Hour, 0.6)))
		} else {
			inc.Outcome = incident.OutcomeIncident
			if rng.Float64() < 0.1 {
				inc.Outcome = incident.OutcomeNearMiss
			}
			c := detected.Add(lognorm(p.contain, p.sigma))
			r := c.Add(lognorm(p.recover, p.sigma))
			cl := r.Add(lognorm(p.close, p.sigma))
			// Incidents still being handled at the year's end stay open:
			// the long tail of the last weeks.
			if end.Sub(detected) < lognorm(p.openTail, 0.8) || !cl.Before(end) {
				if c.Before(end) && rng.Float64() < 0.6 {
					tl.Contained = incident.At(c)
				}
			} else {
				tl.Contained, tl.Eradicated, tl.Recovered = incident.At(c), incident.At(c.Add((r.Sub(c))/3)), incident.At(r)
				tl.Closed = incident.At(cl)
				if rng.Float64() < 0.04 {
					tl.Reopened = []incident.Timestamp{incident.At(cl.Add(lognorm(3*24*time.Hour, 0.5)))}
					tl.Closed = incident.At(tl.Reopened[0].At.Add(lognorm(2*24*time.Hour, 0.5)))
					if !tl.Closed.At.Before(end) {
						tl.Closed = incident.Timestamp{}
					}
				}
			}
			if rng.Float64() < p.regulatory {
				o := incident.Obligation{Regime: "gdpr", Report: "notification", StartAt: detected.Add(lognorm(6*time.Hour, 0.6))}
				o.Due = o.StartAt.Add(72 * time.Hour)
				if sub := o.StartAt.Add(lognorm(40*time.Hour, 0.5)); sub.Before(end) {
					o.SubmittedAt = sub
				}
				inc.Obligations = append(inc.Obligations, o)
			}
		}
		if rng.Float64() < 0.04 {
			inc.Outcome = incident.OutcomeUndetermined
		}
		out = append(out, inc)
	}
	return out
}

func pickProfile(x float64) profile {
	for _, p := range profiles {
		if x < p.share {
			return p
		}
		x -= p.share
	}
	return profiles[len(profiles)-1]
}

func pickCategory(x float64) incident.Category {
	for _, c := range categories {
		if x < c.weight {
			return c.cat
		}
		x -= c.weight
	}
	return categories[len(categories)-1].cat
}

func records(incs []*incident.Incident) func(func(incident.Record, error) bool) {
	return func(yield func(incident.Record, error) bool) {
		for _, inc := range incs {
			if !yield(inc, nil) {
				return
			}
		}
	}
}

func synthetic(path string) error {
	rng := rand.New(rand.NewPCG(27035, 2026)) //nolint:gosec // G404: seeded synthetic data, not a secret.
	y2025 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	y2026 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	prevIncs := generate(rng, y2025, 3.4)
	curIncs := generate(rng, y2026, 3.8)
	var sla []metrics.SLATarget
	for _, p := range profiles {
		if p.containSLA > 0 {
			sla = append(sla, metrics.SLATarget{Severity: p.sev, Interval: metrics.TimeToContain, Within: p.containSLA})
		}
	}
	opts := func(from time.Time) metrics.Options {
		return metrics.Options{
			From: from, Until: from.AddDate(1, 0, 0),
			Breakdowns: []metrics.Breakdown{metrics.BySeverity(), metrics.ByCategory(), metrics.ByOrgUnit()},
			Trend:      metrics.Month,
			SLA:        sla,
		}
	}
	prev, err := metrics.Compute(records(prevIncs), opts(y2025))
	if err != nil {
		return err
	}
	cur, err := metrics.Compute(records(curIncs), opts(y2026))
	if err != nil {
		return err
	}
	err = writeHTML(path, cur, metrics.HTMLOptions{
		Title:         "Incident management report",
		Organisation:  "Example Bank (synthetic data)",
		Period:        "2026",
		Subtitle:      "A year of synthetic incidents generated from a fixed seed, to show the report; the figures describe no real organisation.",
		Previous:      prev,
		PreviousLabel: "2025",
		Notes:         []string{"Synthetic data: durations are lognormal per severity; about a tenth of the occurrence times are estimates and a twelfth known only to the day."},
	})
	if err != nil {
		return err
	}
	fmt.Println("== Synthetic year (seeded) ==")
	fmt.Println("wrote", path)
	fmt.Printf("2026: %d incidents, %d open at the year's end, backlog %d\n", cur.Overall.Records, cur.Overall.Open, cur.Overall.Backlog)
	for _, n := range []string{metrics.TimeToDetect, metrics.TimeToAcknowledge, metrics.TimeToContain, metrics.TimeToRecover} {
		c, _ := cur.Overall.Duration(n)
		p, _ := prev.Overall.Duration(n)
		fmt.Printf("%-20s mean %-9s median %-9s (2025 mean %s) measured %d, left out %d\n", strings.ReplaceAll(n, "_", " "),
			short(c.Stats.Mean), short(c.Stats.Median), short(p.Stats.Mean), c.Stats.Count, c.LeftOut.Total())
	}
	ttc, _ := cur.Overall.Duration(metrics.TimeToContain)
	fmt.Printf("time to contain left out: %d open, %d unknown\n", ttc.LeftOut.Open, ttc.LeftOut.Unknown)
	ttd, _ := cur.Overall.Duration(metrics.TimeToDetect)
	fmt.Printf("time to detect left out: %d estimated, %d coarse, %d unknown\n", ttd.LeftOut.Estimated, ttd.LeftOut.Coarse, ttd.LeftOut.Unknown)
	fmt.Printf("closure rate %s, reopen rate %s\n", pct(cur.Overall.ClosureRate), pct(cur.Overall.ReopenRate))
	return nil
}

func writeHTML(path string, rep *metrics.Report, o metrics.HTMLOptions) error {
	f, err := os.Create(path) //nolint:gosec // G304: the output path the user chose.
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	if err := rep.WriteHTML(w, o); err != nil {
		_ = f.Close()
		return err
	}
	if err := w.Flush(); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

func short(d time.Duration) string {
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%.1fd", d.Hours()/24)
	case d >= time.Hour:
		return fmt.Sprintf("%.1fh", d.Hours())
	}
	return fmt.Sprintf("%.0fm", d.Minutes())
}

func pct(r metrics.Ratio) string {
	v, ok := r.Value()
	if !ok {
		return "undefined"
	}
	return fmt.Sprintf("%.1f%% (%d/%d)", 100*v, r.Numerator, r.Denominator)
}

// ---- BPIC 2013 ----

func bpicReport(in, path string) error {
	f, err := os.Open(in) //nolint:gosec // G304: the log the user named.
	if err != nil {
		return err
	}
	defer f.Close()
	var incs []*incident.Incident
	extra := map[uuid.UUID]bpic2013.Extra{}
	var last time.Time
	for rec, err := range bpic2013.Read(bufio.NewReader(f), bpic2013.Options{}) {
		if err != nil {
			return err
		}
		incs = append(incs, rec.Incident)
		extra[rec.Incident.ID] = rec.Extra
		if rec.Incident.UpdatedAt.After(last) {
			last = rec.Incident.UpdatedAt
		}
	}
	key := func(f func(bpic2013.Extra) string) func(incident.Record) string {
		return func(r incident.Record) string { return f(extra[r.Head().ID]) }
	}
	handOvers := func(e bpic2013.Extra) string {
		switch {
		case e.Escalations == 0:
			return "0 hand-overs"
		case e.Escalations == 1:
			return "1 hand-over"
		case e.Escalations <= 3:
			return "2–3 hand-overs"
		}
		return "4 or more hand-overs"
	}
	R := incident.AnchorReported
	rep, err := metrics.Compute(records(incs), metrics.Options{
		// Only the durations the log supports: from the logged request to
		// its (last) resolution and to its close. No detection, occurrence
		// or containment exists in it.
		Intervals: []metrics.Interval{
			{Name: metrics.TimeToResolve, From: R, To: incident.AnchorRecovered},
			{Name: metrics.TimeToClose, From: R, To: incident.AnchorClosed},
		},
		Until: last.Add(time.Second),
		Breakdowns: []metrics.Breakdown{
			{Name: "impact", Key: key(func(e bpic2013.Extra) string { return e.Impact })},
			{Name: "hand_overs", Key: key(handOvers)},
			{Name: "org_line", Key: key(func(e bpic2013.Extra) string { return e.OrgLine })},
		},
		Trend: metrics.Quarter,
	})
	if err != nil {
		return err
	}
	var escal, levelUps, withEscal, reopens, withFirst int
	var firstRes []time.Duration
	for _, inc := range incs {
		e := extra[inc.ID]
		escal += e.Escalations
		levelUps += e.LevelUps
		reopens += e.Reopens
		if e.Escalations > 0 {
			withEscal++
		}
		if !e.FirstResolved.IsZero() && !inc.Timeline.Reported.IsZero() {
			withFirst++
			firstRes = append(firstRes, e.FirstResolved.Sub(inc.Timeline.Reported.At))
		}
	}
	n := len(incs)
	err = writeHTML(path, rep, metrics.HTMLOptions{
		Title:        "Service desk report: BPI Challenge 2013",
		Organisation: "Volvo IT (VINST)",
		Period:       fmt.Sprintf("%s – %s", first(incs).Format("2 Jan 2006"), last.Format("2 Jan 2006")),
		Subtitle: "A real IT service-desk log, not a security incident log: it records when a request was logged, resolved and closed, but no occurrence, detection or containment. " +
			"So this report shows time to resolve and to close (from the logged request), the reopen rate and hand-overs between support teams, and no MTTD, MTTA or MTTC.",
		Headline: []string{metrics.TimeToResolve, metrics.TimeToClose},
		Figures: []metrics.HTMLFigure{
			{Label: "requests handed over at least once", Value: fmt.Sprintf("%.1f %%", 100*float64(withEscal)/float64(max(n, 1))),
				Definition: fmt.Sprintf("requests whose support team (Involved ST) changed at least once between consecutive events: %d of %d.", withEscal, n)},
			{Label: "hand-overs per request", Value: fmt.Sprintf("%.2f", float64(escal)/float64(max(n, 1))),
				Definition: fmt.Sprintf("changes of support team, %d in all, per request; hand-overs, not security escalations.", escal)},
			{Label: "moves to a higher support level", Value: fmt.Sprintf("%d", levelUps),
				Definition: "moves to a higher ST Level (L1 < L2 < L2/L3 < L3)."},
			{Label: "departures from Completed", Value: fmt.Sprintf("%d", reopens),
				Definition: "every time a request left status Completed (any sub-status), including after a resolution not yet closed; the reopen rate counts only reopenings after a close (ITIL)."},
		},
		Notes: []string{
			"Time to resolve runs from the first event of a request (its logging) to the start of its last resolution (Completed/Resolved or In Call), time to close to its last Completed/Closed or Cancelled. " +
				fmt.Sprintf("Measured to the first resolution instead, %d requests have a median of %s.", withFirst, fmtMedian(firstRes)),
			"Requests still open at the end of the log are left out as open; the log has no severity: SR Latest Impact (Low to Major) is the service desk's business impact.",
			"Data: BPI Challenge 2013 (Volvo IT), 4TU.ResearchData, via IBM/processmining (Apache-2.0).",
		},
	})
	if err != nil {
		return err
	}
	res, _ := rep.Overall.Duration(metrics.TimeToResolve)
	cl, _ := rep.Overall.Duration(metrics.TimeToClose)
	fmt.Println("== BPIC 2013 (time to resolve, reopen, hand-overs; no MTTD or MTTC) ==")
	fmt.Println("wrote", path)
	fmt.Printf("%d requests, %d still open at the end of the log\n", rep.Overall.Records, rep.Overall.Open)
	fmt.Printf("time to resolve: median %s, mean %s, measured %d, left out %d\n", short(res.Stats.Median), short(res.Stats.Mean), res.Stats.Count, res.LeftOut.Total())
	fmt.Printf("time to close:   median %s, mean %s, measured %d, left out %d\n", short(cl.Stats.Median), short(cl.Stats.Mean), cl.Stats.Count, cl.LeftOut.Total())
	fmt.Printf("reopen rate %s; %d hand-overs, %d requests handed over at least once\n", pct(rep.Overall.ReopenRate), escal, withEscal)
	return nil
}

func first(incs []*incident.Incident) time.Time {
	var t time.Time
	for _, inc := range incs {
		if t.IsZero() || inc.CreatedAt.Before(t) {
			t = inc.CreatedAt
		}
	}
	return t.UTC()
}

func fmtMedian(ds []time.Duration) string {
	if len(ds) == 0 {
		return "undefined"
	}
	s := append([]time.Duration(nil), ds...)
	slices.Sort(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return short(m)
}
