package metrics_test

import (
	"iter"
	"time"

	"github.com/iso27035/iso27035/incident"
)

var t0 = time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC) // a Monday

func h(n float64) time.Time { return t0.Add(time.Duration(n * float64(time.Hour))) }

type opt func(*incident.Incident)

func rec(created time.Time, opts ...opt) *incident.Incident {
	inc := &incident.Incident{}
	inc.CreatedAt = created
	inc.State = incident.StateAnalysis
	for _, o := range opts {
		o(inc)
	}
	return inc
}

func anchor(a incident.Anchor, ts incident.Timestamp) opt {
	return func(i *incident.Incident) { i.Timeline.Set(a, ts) }
}

func at(a incident.Anchor, t time.Time) opt { return anchor(a, incident.At(t)) }

func closedAt(t time.Time) opt {
	return func(i *incident.Incident) { i.Timeline.Closed = incident.At(t); i.State = incident.StateClosed }
}

func reopenedAt(t time.Time) opt {
	return func(i *incident.Incident) {
		i.Timeline.Reopened = append(i.Timeline.Reopened, incident.At(t))
		i.State = incident.StateAnalysis
	}
}

func outcome(o incident.Outcome) opt { return func(i *incident.Incident) { i.Outcome = o } }

func severity(s incident.Severity) opt { return func(i *incident.Incident) { i.Severity = s } }

func obligation(o incident.Obligation) opt {
	return func(i *incident.Incident) { i.Obligations = append(i.Obligations, o) }
}

func seq(recs ...*incident.Incident) iter.Seq2[incident.Record, error] {
	return func(yield func(incident.Record, error) bool) {
		for _, r := range recs {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// synth yields n synthetic incidents lazily, reusing one record (consumers
// must not retain it): a year of incidents from 2026-01-01, four
// severities, six categories, five priorities, eight units; about 5 % open,
// some with unknown or estimated anchors, a few reopened, with a GDPR
// obligation on every tenth.
func synth(n int, seed uint64) iter.Seq2[incident.Record, error] {
	sevs := []incident.Severity{incident.SeverityLow, incident.SeverityMedium, incident.SeverityHigh, incident.SeverityCritical}
	cats := []incident.Category{{Class: "malicious-code"}, {Class: "intrusions", Type: "system-compromise"}, {Class: "fraud"},
		{Class: "availability", Type: "dos"}, {Class: "information-gathering", Type: "scanner"}, {Class: "other"}}
	pris := []incident.Priority{incident.P1, incident.P2, incident.P3, incident.P4, incident.P5}
	units := []string{"it", "ot", "hr", "finance", "sales", "legal", "rd", "ops"}
	outs := []incident.Outcome{incident.OutcomeIncident, incident.OutcomeIncident, incident.OutcomeIncident, incident.OutcomeNearMiss, incident.OutcomeNotIncident, incident.OutcomeUnderWatch, incident.OutcomeUndetermined}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	return func(yield func(incident.Record, error) bool) {
		x := seed | 1
		next := func() uint64 { // xorshift64*
			x ^= x >> 12
			x ^= x << 25
			x ^= x >> 27
			return x * 2685821657736338717
		}
		dur := func(maxMinutes uint64) time.Duration {
			return time.Duration(next()%maxMinutes+1) * time.Minute
		}
		inc := &incident.Incident{}
		obl := make([]incident.Obligation, 1)
		for i := range n {
			*inc = incident.Incident{}
			created := start.Add(time.Duration(next()%(365*24*3600)) * time.Second)
			inc.CreatedAt = created
			inc.Severity = sevs[next()%4]
			inc.Category = cats[next()%6]
			inc.Priority = pris[next()%5]
			inc.OrgUnit = units[next()%8]
			inc.Outcome = outs[next()%7]
			tl := &inc.Timeline
			occ := created.Add(-dur(60 * 24 * 30))
			tl.Occurred = incident.At(occ)
			if next()%3 == 0 {
				tl.Compromised = incident.At(occ.Add(dur(60)))
			}
			tl.Detected = incident.At(created)
			tl.Reported = incident.At(created.Add(dur(30)))
			tl.Acknowledged = incident.At(created.Add(dur(120)))
			if next()%20 == 0 {
				tl.Acknowledged.Estimated = true
			}
			tl.Assessed = incident.At(created.Add(dur(240)))
			open := next()%20 == 0
			c := created.Add(dur(60 * 48))
			if !open || next()%2 == 0 {
				tl.Contained = incident.At(c)
			}
			if !open {
				e := c.Add(dur(60 * 24))
				tl.Eradicated = incident.At(e)
				r := e.Add(dur(60 * 24))
				if next()%10 != 0 {
					tl.Recovered = incident.At(r)
				}
				cl := r.Add(dur(60 * 24 * 7))
				tl.Closed = incident.At(cl)
				inc.State = incident.StateClosed
				if next()%25 == 0 {
					tl.Reopened = []incident.Timestamp{incident.At(cl.Add(dur(60 * 24)))}
					tl.Closed = incident.At(cl.Add(dur(60 * 24 * 3)))
				}
			} else {
				inc.State = incident.StateContainment
			}
			if i%10 == 0 {
				obl[0] = incident.Obligation{Regime: "gdpr", Report: "notification", StartAt: created, Due: created.Add(72 * time.Hour)}
				if !open {
					obl[0].SubmittedAt = created.Add(dur(60 * 90))
				}
				inc.Obligations = obl
			}
			if !yield(inc, nil) {
				return
			}
		}
	}
}
