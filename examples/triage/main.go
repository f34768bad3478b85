// Command triage shows package triage assessing three events with the
// default profile, as the assess and decide phase of ISO/IEC 27035-1 and
// the triage step of ISO/IEC 27035-3 (clause 9) ask:
//
//  1. a phishing report: a user reports a suspicious e-mail that nobody
//     opened, sent to 40 mailboxes: a near miss;
//  2. a burst of identical IDS alerts: 25 alerts of one signature, grouped
//     into one event with a count, beside 3 alerts of another; the burst
//     goes on against a server on the internet and nobody has assessed its
//     impact yet: under watch;
//  3. a lost laptop holding personal data of 1 200 customers, believed
//     encrypted: an incident of low severity.
//
// Each decision is printed with its explanation: the rules that fired,
// the inputs they read and the matrix cell. Then a fact about the laptop
// changes (its disk was not encrypted after all), the laptop is assessed
// again, and the change is printed as the engine would record it.
//
// Times and identifiers are fixed, so the output is the same on every
// run:
//
//	go run ./examples/triage
package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/triage"
)

// start is when the story begins.
var start = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "triage:", err)
		os.Exit(1)
	}
}

func run(out io.Writer) error {
	p := triage.DefaultProfile()
	if err := p.Validate(); err != nil {
		return err
	}
	fmt.Fprintf(out, "profile %s: matrix impact %v × urgency %v; tiers:", p.Name, p.Matrix.ImpactLevels(), p.Matrix.UrgencyLevels())
	for _, t := range p.Tiers {
		fmt.Fprintf(out, " %s %v", t.Name, t.Priorities)
	}
	fmt.Fprintln(out)

	phishing(out, p)
	idsBurst(out, p)
	laptop(out, p)
	return nil
}

// phishing: a user reports an e-mail; the mail gateway finds it in 40
// mailboxes, and nobody opened the attachment.
func phishing(out io.Writer, p *triage.Profile) {
	heading(out, "1. Phishing report")
	ev := event(1, "Suspicious invoice e-mail", "service-desk", start.Add(5*time.Minute))
	ev.Category = incident.Category{Class: "fraud", Type: "phishing"}
	fmt.Fprintf(out, "%s %q from %s, %s\n", ev.Ref, ev.Title, ev.Source, ev.Category)
	in := triage.Input{
		Now:    start.Add(20 * time.Minute),
		Impact: &incident.Impact{Confidentiality: incident.ImpactNone},
		Observation: triage.Observation{
			Prevented: true, // nobody opened it; the gateway now blocks the sender
			Systems:   40,   // mailboxes that received it
		},
	}
	show(out, triage.DecideExplained(p, in))
}

// idsBurst: 25 alerts of one signature and 3 of another from the DMZ
// sensor, grouped by signal within a 5-minute window; the burst is then
// assessed once, with its count.
func idsBurst(out io.Writer, p *triage.Profile) {
	heading(out, "2. A burst of IDS alerts")
	var alerts []*incident.Event
	for i := range 25 {
		alerts = append(alerts, idsAlert(uint8(10+i), "ET EXPLOIT Apache log4j RCE Attempt", start.Add(10*time.Minute+time.Duration(i)*10*time.Second)))
	}
	for i := range 3 {
		alerts = append(alerts, idsAlert(uint8(40+i), "ET SCAN Nmap Scripting Engine", start.Add(11*time.Minute+time.Duration(i)*time.Minute)))
	}
	now := start.Add(15 * time.Minute)
	const window = 5 * time.Minute
	res := triage.Group(alerts, nil, window, triage.SignalKey, now)
	fmt.Fprintf(out, "%d alerts → %d groups (window %s)\n", len(alerts), len(res.Groups), window)
	refs := map[uuid.UUID]incident.Ref{}
	for _, a := range alerts {
		refs[a.ID] = a.Ref
	}
	for _, g := range res.Groups {
		fmt.Fprintf(out, "group %s: %d alerts %s–%s, lead %s\n", g.Key, g.Count, g.First.Format("15:04:05"), g.Last.Format("15:04:05"), refs[g.Lead])
	}
	burst := res.Groups[0]
	in := triage.Input{
		Now: now,
		// Nobody has looked at the impact yet: the input holds none.
		Observation: triage.Observation{
			LastActivity: burst.Last,          // the burst goes on
			Systems:      1,                   // one web server targeted
			Exposure:     triage.ExposureOpen, // it faces the internet
		},
	}
	fmt.Fprintf(out, "assessing %s (count %d)\n", refs[burst.Lead], burst.Count)
	show(out, triage.DecideExplained(p, in))
}

// laptop: an employee reports a lost laptop; it holds personal data of
// 1 200 customers and IT believes its disk is encrypted. Later IT finds it
// was not, and the laptop is assessed again.
func laptop(out io.Writer, p *triage.Profile) {
	heading(out, "3. Lost laptop with personal data")
	aware := start.Add(2 * time.Hour)
	inc := &incident.Incident{}
	inc.Ref = "INC-2026-000001"
	inc.Title = "Laptop LT-0042 lost on a train"
	inc.Category = incident.Category{Class: "information-content-security", Type: "data-loss"}
	inc.Impact = incident.Impact{
		Confidentiality: incident.ImpactLow,
		Assets:          []incident.Asset{{ID: "LT-0042", Kind: "laptop", Criticality: incident.CriticalityLow}},
	}
	must(inc.Facts.PersonalData.Set(true, aware, "dana"))
	must(inc.Facts.PersonalDataCategories.Set([]string{"contact details", "contract data"}, aware, "dana"))
	must(inc.Facts.DataSubjects.Set(1200, aware, "dana"))
	obs := triage.Observation{
		DataProtected: true, // IT: the disk is encrypted
		// GDPR Art. 33(1): notify the supervisory authority within 72
		// hours of becoming aware, unless the breach is unlikely to result
		// in a risk.
		Deadline: aware.Add(72 * time.Hour),
	}
	now := aware.Add(30 * time.Minute)
	fmt.Fprintf(out, "%s %q, %s\n", inc.Ref, inc.Title, inc.Category)
	first := triage.DecideExplained(p, triage.IncidentInput(inc, obs, now))
	show(out, first)
	inc.Assessments = append(inc.Assessments, first.Assessment(incident.AssessmentFirst, "alice", incident.RolePointOfContact, now))

	heading(out, "3b. The laptop's disk was not encrypted")
	obs.DataProtected = false
	now = aware.Add(3 * time.Hour)
	second := triage.DecideExplained(p, triage.IncidentInput(inc, obs, now))
	show(out, second)
	changes := triage.Diff(first, second)
	fmt.Fprintf(out, "changes at %s (%d):\n", now.Format("15:04"), len(changes))
	for _, c := range changes {
		fmt.Fprintf(out, "  %s\n", c)
	}
	a := second.Assessment(incident.AssessmentConfirmation, "carol", incident.RoleIRTLead, now)
	inc.Assessments = append(inc.Assessments, a)
	fmt.Fprintf(out, "recorded: %s assessment by %s: %s, severity %s, priority %s (%d assessments on %s)\n",
		a.Step, a.By, a.Outcome, a.Severity, a.Priority, len(inc.Assessments), inc.Ref)
	if t, ok := p.Tier(second.Tier); ok {
		fmt.Fprintf(out, "page %v: acknowledge within %s, contain within %s\n", t.Page, second.Acknowledge, second.Contain)
	}
}

// show prints a decision with its explanation.
func show(out io.Writer, d triage.Decision) {
	fmt.Fprintf(out, "decision: %s", d.Outcome)
	for _, kv := range [][2]string{{"severity", string(d.Severity)}, {"priority", string(d.Priority)}, {"tier", d.Tier}} {
		if kv[1] != "" {
			fmt.Fprintf(out, ", %s %s", kv[0], kv[1])
		}
	}
	fmt.Fprintln(out)
	e := d.Explanation
	fmt.Fprintln(out, "rules:")
	for _, r := range e.Rules {
		level := ""
		if strings.HasPrefix(r.Rule, "impact.") || strings.HasPrefix(r.Rule, "urgency.") {
			level = r.Level.String()
		}
		fmt.Fprintf(out, "  %-40s %-8s %s\n", r.Rule, level, r.Detail)
	}
	if e.Cell.Priority != "" {
		fmt.Fprintf(out, "cell: impact %s × urgency %s → %s\n", e.Cell.Impact, e.Cell.Urgency, e.Cell.Priority)
	}
	fmt.Fprintf(out, "why: %s\n", e)
}

func heading(out io.Writer, s string) { fmt.Fprintf(out, "== %s ==\n", s) }

// event returns a reported event with a fixed identity.
func event(n uint8, title, source string, at time.Time) *incident.Event {
	ev := &incident.Event{}
	ev.ID = uuid.UUID{15: n}
	ev.Ref = incident.Ref(fmt.Sprintf("EVT-2026-%06d", n))
	ev.Title, ev.Source = title, source
	ev.CreatedAt = at
	ev.Timeline.Detected = incident.At(at)
	ev.Timeline.Reported = incident.At(at)
	return ev
}

// idsAlert returns an alert of the DMZ sensor.
func idsAlert(n uint8, signature string, at time.Time) *incident.Event {
	ev := event(n, signature, "ids-dmz-1", at)
	ev.Category = incident.Category{Class: "intrusion-attempts", Type: "ids-alert"}
	return ev
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}
