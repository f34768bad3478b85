package clocks

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/internal/calendar"
)

// HIPAA thresholds: two different rules, two constants (reference,
// Verification; do not share one).
const (
	// HHSImmediateThreshold: a breach of 500 or more individuals is
	// reported to the Secretary contemporaneously with the individuals'
	// notice (45 CFR 164.408(b)) [C]; below it, in the annual log
	// (164.408(c)).
	HHSImmediateThreshold = 500
	// MediaThreshold: media notice is owed when MORE than 500 residents of
	// one State or jurisdiction are involved (45 CFR 164.406(a)) [S].
	MediaThreshold = 500
)

// ErrOutOfRange is returned (wrapped) when a deadline would need a
// holiday calendar for a year it does not cover: the clocks refuse rather
// than assume "no holidays". Extend the coverage with Profile.Calendars.
var ErrOutOfRange = calendar.ErrOutOfRange

// Delay is a lawful delay of one report, recorded by the host: an
// Attorney General determination under Form 8-K Item 1.05(c) (up to 30
// days, a further 30, then 60 in extraordinary circumstances [S]), a
// law-enforcement statement under 45 CFR 164.412 [C]. The delayed report
// is then due at Until (Due and LegalEnd).
type Delay struct {
	ObligationID string
	Until        time.Time
	// Basis cites the determination ("DOJ letter of 2026-03-12, Item
	// 1.05(c)").
	Basis string
}

// ExploitedVulnerability is an actively exploited vulnerability in a
// product with digital elements that the manufacturer became aware of
// (CRA Art. 14(1)–(2)). The incident record has no field for it yet, so
// the host passes it in Inputs; its reports are owed under a profile with
// CRA. IDs are cra-vuln-<lower-case ID>-early-warning, -notification and
// -final.
type ExploitedVulnerability struct {
	// ID names the vulnerability (a CVE or the host's own identifier).
	ID string
	// AwareAt is when the manufacturer became aware of the active
	// exploitation (the clock of Art. 14(2)(a) and (b)).
	AwareAt time.Time
	// MeasureAvailableAt is when a corrective or mitigating measure became
	// available (the clock of Art. 14(2)(c)); zero while there is none.
	MeasureAvailableAt time.Time
}

// Inputs are what an incident record does not hold yet (see the package
// documentation): lawful delays, actively exploited vulnerabilities.
type Inputs struct {
	Delays          []Delay
	Vulnerabilities []ExploitedVulnerability
}

// Compute returns every report owed on inc under profile p, as of now: an
// anchor or fact recorded after now is treated as not yet known (a zero
// now means no cut-off). It is pure. See Computer.Compute.
func Compute(p Profile, inc *incident.Incident, now time.Time) ([]incident.Obligation, error) {
	c, err := Compile(p)
	if err != nil {
		return nil, err
	}
	return c.Compute(inc, now)
}

// Source is the engine's obligation source (lifecycle.ObligationSource):
// it computes from the incident's own times, with no clock. It compiles
// its profile once: the compiled profile is cached (package-wide, a few
// profiles) under a deep copy of the profile and reused only for a
// profile equal to it field by field, so a host that changes a profile
// in place gets it recompiled.
type Source struct {
	Profile Profile
}

// ObligationsFor implements lifecycle.ObligationSource.
func (s Source) ObligationsFor(_ context.Context, inc *incident.Incident) ([]incident.Obligation, error) {
	c, err := compiledCached(&s.Profile)
	if err != nil {
		return nil, err
	}
	return c.Compute(inc, time.Time{})
}

// ComputerSource is Source over a compiled profile, for hosts that
// compile once.
type ComputerSource struct {
	Computer *Computer
	// Inputs, when set, gives the lawful delays recorded for an incident
	// (it must not do slow I/O: the engine calls it inside a change).
	Inputs func(*incident.Incident) Inputs
}

// ObligationsFor implements lifecycle.ObligationSource.
func (s ComputerSource) ObligationsFor(_ context.Context, inc *incident.Incident) ([]incident.Obligation, error) {
	var in Inputs
	if s.Inputs != nil {
		in = s.Inputs(inc)
	}
	return s.Computer.ComputeWith(inc, time.Time{}, in)
}

// Compute returns every report owed on inc, sorted by Due then ID. See
// ComputeWith.
func (c *Computer) Compute(inc *incident.Incident, now time.Time) ([]incident.Obligation, error) {
	return c.ComputeWith(inc, now, Inputs{})
}

// ComputeWith returns every report owed on inc, sorted by Due then ID,
// with lawful delays applied.
//
// Each obligation has a stable ID (the engine merges by it), the
// authority, the report, the start event and StartAt, Due (the
// conservative instant: start plus the period, never later than the
// legal end) and LegalEnd (the last instant the counting rule in force
// accepts; zero when it equals Due). SubmittedAt and Waived are carried
// over from inc.Obligations. A report whose start event has not happened
// (a final report before the notification is submitted) is not returned
// until it has. Records assessed as not an incident or a near miss, and
// duplicates merged into another record, owe nothing.
func (c *Computer) ComputeWith(inc *incident.Incident, now time.Time, in Inputs) ([]incident.Obligation, error) {
	if inc == nil || inc.Outcome == incident.OutcomeNotIncident || inc.Outcome == incident.OutcomeNearMiss || inc.MergedInto != [16]byte{} {
		return nil, nil
	}
	x, _ := runPool.Get().(*run) // the pool holds only *run
	x.c, x.inc, x.now = c, inc, now
	defer x.release()
	err := x.gdpr()
	if err == nil {
		err = x.nis2()
	}
	if err == nil {
		err = x.dora()
	}
	if err == nil {
		err = x.cra()
	}
	if err == nil {
		err = x.sec()
	}
	if err == nil {
		err = x.hipaa()
	}
	if err == nil {
		err = x.circia()
	}
	if err == nil {
		err = x.custom()
	}
	if err == nil {
		err = x.craVulnerabilities(in.Vulnerabilities)
	}
	if err != nil {
		return nil, err
	}
	for _, d := range in.Delays {
		i := slices.IndexFunc(x.out, func(o incident.Obligation) bool { return o.ID == d.ObligationID })
		if i < 0 {
			return nil, fmt.Errorf("clocks: delay for %q: no such obligation on this incident", d.ObligationID)
		}
		o := &x.out[i]
		if !d.Until.After(o.Deadline()) {
			return nil, fmt.Errorf("clocks: delay for %q until %s ends before the deadline %s", d.ObligationID, d.Until.UTC().Format(time.RFC3339), o.Deadline().Format(time.RFC3339))
		}
		o.Due, o.LegalEnd = d.Until.UTC(), time.Time{}
		o.Article += " — delayed: " + d.Basis
	}
	// Sort indices (an Obligation is large), then copy once into a slice
	// of the exact length: the only allocation of a computation.
	idx := x.idx[:0]
	for i := range x.out {
		idx = append(idx, i)
	}
	slices.SortFunc(idx, func(a, b int) int {
		if n := x.out[a].Due.Compare(x.out[b].Due); n != 0 {
			return n
		}
		return strings.Compare(x.out[a].ID, x.out[b].ID)
	})
	out := make([]incident.Obligation, len(idx))
	for i, j := range idx {
		out[i] = x.out[j]
	}
	x.idx = idx
	return out, nil
}

// runPool recycles the scratch space of a computation.
var runPool = sync.Pool{New: func() any { return &run{out: make([]incident.Obligation, 0, 32), idx: make([]int, 0, 32)} }}

// release clears the scratch space (it must not keep an incident alive)
// and returns it to the pool.
func (x *run) release() {
	clear(x.out)
	x.out, x.idx = x.out[:0], x.idx[:0]
	x.c, x.inc, x.now = nil, nil, time.Time{}
	runPool.Put(x)
}

type run struct {
	c   *Computer
	inc *incident.Incident
	now time.Time
	out []incident.Obligation
	idx []int
}

// known filters a time by the as-of cut-off.
func (x *run) known(t time.Time) (time.Time, bool) {
	if t.IsZero() || (!x.now.IsZero() && t.After(x.now)) {
		return time.Time{}, false
	}
	return t, true
}

// anchor returns the earliest instant an anchor may stand for: a coarse
// or estimated anchor starts the clock as early as it may have been
// (conservative).
func (x *run) anchor(a incident.Anchor) (time.Time, bool) {
	ts, _ := x.inc.Timeline.Get(a)
	if ts.IsZero() {
		return time.Time{}, false
	}
	return x.known(ts.Earliest())
}

// aware returns when the organisation became aware: the aware anchor, or
// — when it is not recorded — the earliest of detected, reported and
// declared, named so in StartEvent (conservative: awareness cannot be
// later than the record says it was handled).
func (x *run) aware() (time.Time, string, bool) {
	if t, ok := x.anchor(incident.AnchorAware); ok {
		return t, string(incident.AnchorAware), true
	}
	var best time.Time
	name := ""
	for _, a := range []incident.Anchor{incident.AnchorDetected, incident.AnchorReported, incident.AnchorDeclared} {
		if t, ok := x.anchor(a); ok && (best.IsZero() || t.Before(best)) {
			best, name = t, string(a)+" (aware not recorded)"
		}
	}
	return best, name, !best.IsZero()
}

// personalData returns when personal data were first known to be
// involved.
func (x *run) personalData() (time.Time, bool) {
	t, ok := x.inc.Facts.PersonalData.FirstKnown(func(v bool) bool { return v })
	if !ok {
		return time.Time{}, false
	}
	return x.known(t)
}

// submitted returns when a report was submitted, per the record.
func (x *run) submitted(id string) (time.Time, bool) {
	for _, o := range x.inc.Obligations {
		if o.ID == id && !o.SubmittedAt.IsZero() {
			return x.known(o.SubmittedAt)
		}
	}
	return time.Time{}, false
}

// add records an obligation, carrying over the record's submission and
// waiver, in UTC, with LegalEnd zero when it equals Due.
func (x *run) add(o incident.Obligation) {
	o.StartAt, o.Due, o.LegalEnd = o.StartAt.UTC(), o.Due.UTC(), o.LegalEnd.UTC()
	if o.LegalEnd.Equal(o.Due) {
		o.LegalEnd = time.Time{}
	}
	for _, r := range x.inc.Obligations {
		if r.ID == o.ID {
			o.SubmittedAt, o.Waived, o.WaivedBy = r.SubmittedAt, r.Waived, r.WaivedBy
		}
	}
	x.out = append(x.out, o)
}

// period computes Due and LegalEnd and adds the obligation.
func (x *run) period(o incident.Obligation, rule CountingRule, k *calendar.Compiled, p Period) error {
	due, legal, err := calendar.End(rule, k, o.StartAt, p)
	if err != nil {
		return fmt.Errorf("clocks: %s: %w", o.ID, err)
	}
	o.Due, o.LegalEnd = due, legal
	x.add(o)
	return nil
}

// undue adds a report the law asks "without undue delay" with no period:
// Due = start + the host's target (zero: due at once), no legal end.
func (x *run) undue(o incident.Obligation, target time.Duration) {
	o.Due = o.StartAt.Add(target)
	o.LegalEnd = o.Due
	x.add(o)
}

var (
	h4  = Period{N: 4, Unit: calendar.Hours}
	h24 = Period{N: 24, Unit: calendar.Hours}
	h72 = Period{N: 72, Unit: calendar.Hours}
	m1  = Period{N: 1, Unit: calendar.Months}
	d14 = Period{N: 14, Unit: calendar.Days}
	d60 = Period{N: 60, Unit: calendar.Days}
)

// gdpr: Regulation (EU) 2016/679.
func (x *run) gdpr() error {
	g := x.c.gdpr
	if g == nil {
		return nil
	}
	// The clock runs from awareness of a personal data breach: the later
	// of awareness of the incident and the first time personal data were
	// known to be involved (Art. 33(1) "after having become aware of
	// it"; Art. 4(12)).
	tp, ok := x.personalData()
	if !ok {
		return nil
	}
	start, event := tp, "fact:personal_data"
	if ta, name, ok := x.aware(); ok && ta.After(tp) {
		start, event = ta, name
	}
	if g.processor {
		// Art. 33(2) [C]: "The processor shall notify the controller
		// without undue delay after becoming aware".
		x.undue(incident.Obligation{ID: "gdpr-33-2", Regime: "gdpr", Report: "notification", Authority: "controller",
			StartEvent: event, StartAt: start, Article: "GDPR Art. 33(2) [C]: without undue delay (no period; Due = start + the host's target)"}, g.target)
		return nil
	}
	// Art. 33(1) [C]: "without undue delay and, where feasible, not later
	// than 72 hours after having become aware of it"; late: with reasons.
	if err := x.period(incident.Obligation{ID: "gdpr-33-1", Regime: "gdpr", Report: "notification", Authority: g.auth,
		StartEvent: event, StartAt: start, Article: "GDPR Art. 33(1) [C]: 72 hours; later only with reasons for the delay"}, g.rule, g.cal, h72); err != nil {
		return err
	}
	// Art. 34(1) [C]: "without undue delay" when likely to result in a
	// high risk; exceptions Art. 34(3). Owed conditionally: the host
	// waives it (lifecycle.WaiveReport) when there is no high risk.
	x.undue(incident.Obligation{ID: "gdpr-34-1", Regime: "gdpr", Report: "individuals", Authority: "data subjects",
		StartEvent: event, StartAt: start, Article: "GDPR Art. 34(1) [C]: without undue delay if likely high risk (no period; Due = start + the host's target; waive under Art. 34(3))"}, g.target)
	return nil
}

// nis2: Directive (EU) 2022/2555 Art. 23(4) [C], as transposed.
func (x *run) nis2() error {
	n := x.c.nis2
	if n == nil {
		return nil
	}
	// The record has no "significant" anchor: the clock runs from
	// awareness of the incident (conservative: awareness of significance
	// cannot come earlier); the host waives what is not significant
	// (Art. 23(3)).
	start, event, ok := x.aware()
	if !ok {
		return nil
	}
	base := incident.Obligation{Regime: "nis2", Authority: n.auth, StartEvent: event, StartAt: start}
	o := base
	o.ID, o.Report, o.Article = n.idEarly, "early_warning", n.artEarly
	if err := x.period(o, n.rule, n.cal, h24); err != nil {
		return err
	}
	o = base
	o.ID, o.Report, o.Article = n.idNotif, "notification", n.artNotif
	p := h72
	if n.tsp {
		// Art. 23(4) second subparagraph [C]: trust service providers,
		// 24 hours.
		p = h24
	}
	if err := x.period(o, n.rule, n.cal, p); err != nil {
		return err
	}
	// Art. 23(4)(c) intermediate reports are owed on request only (no
	// clock); (d) the final report runs from the SUBMISSION of the
	// notification [C].
	ts, ok := x.submitted(n.idNotif)
	if !ok {
		return nil
	}
	o = base
	o.ID, o.Report, o.StartEvent, o.StartAt, o.Article = n.idFinal, "final", n.subNotif, ts, n.artFinal
	due, legal, err := calendar.End(n.rule, n.cal, ts, m1)
	if err != nil {
		return fmt.Errorf("clocks: %s: %w", o.ID, err)
	}
	o.Due, o.LegalEnd = due, legal
	// Art. 23(4)(e) [C]: an incident still ongoing when the final report
	// is submitted gets a progress report "at that time" and the final
	// report "within one month of their handling of the incident". The
	// report due under (d) is therefore the final report or, if the
	// incident is ongoing then, the progress report: one obligation
	// (nis2-<ms>-final), whose Report becomes "progress" once the record
	// shows the incident was ongoing at that time. "That time" is the
	// report's submission when recorded, else its deadline (LegalEnd).
	// Handling ends when the incident has been recovered from (Art. 6(8):
	// incident handling is the actions "to respond to and recover from an
	// incident"): the recovered anchor, or closed where recovered is not
	// recorded, the earlier of the two (conservative: a final report
	// earlier). The final report after handling (nis2-<ms>-final-after-
	// handling) appears once handling is recorded after that time.
	ref := legal
	sub, subOK := x.submitted(o.ID)
	if subOK {
		ref = sub
	}
	h, hEvent, hOK := x.handled()
	if hOK && !h.After(ref) {
		x.add(o) // handled in time: (d) the final report
		return nil
	}
	if hOK || subOK {
		o.Report, o.Article = "progress", n.artProgress
	}
	x.add(o)
	if !hOK {
		return nil
	}
	o = base
	o.ID, o.Report, o.StartEvent, o.StartAt, o.Article = n.idFinalE, "final", hEvent, h, n.artFinalE
	return x.period(o, n.rule, n.cal, m1)
}

// handled returns when the incident's handling ended, for NIS2 Art.
// 23(4)(e): the earlier of the recovered and closed anchors.
func (x *run) handled() (time.Time, string, bool) {
	r, rok := x.anchor(incident.AnchorRecovered)
	c, cok := x.anchor(incident.AnchorClosed)
	switch {
	case rok && (!cok || !c.Before(r)):
		return r, string(incident.AnchorRecovered), true
	case cok:
		if rok {
			return c, string(incident.AnchorClosed), true
		}
		return c, string(incident.AnchorClosed) + " (handled; recovered not recorded)", true
	}
	return time.Time{}, "", false
}

// DORA article texts; a report moved by the Art. 5(4) relief says so.
const (
	artDORAInitial      = "DORA Art. 19(4)(a); RTS 2025/301 Art. 5(1)(a), 5(2) [C]: classification + 4 h, at the latest awareness + 24 h"
	artDORAIntermediate = "DORA Art. 19(4)(b); RTS 2025/301 Art. 5(1)(b) [C]: 72 hours after the initial notification"
	artDORAFinal        = "DORA Art. 19(4)(c); RTS 2025/301 Art. 5(1)(c) [C]: one month after the latest intermediate report"
	artDORARelief       = "; Art. 5(4): noon of the next working day"
	artDORARecovered    = "RTS 2025/301 Art. 5(1)(b) [C]: updated intermediate report without undue delay, and in any case when regular activities have been recovered (no period: due at once)"
)

// dora: Regulation (EU) 2022/2554 Art. 19, RTS (EU) 2025/301 Art. 5.
func (x *run) dora() error {
	d := x.c.dora
	if d == nil {
		return nil
	}
	tc, ok := x.anchor(incident.AnchorClassifiedMajor)
	if !ok {
		return nil // only a major ICT-related incident is reported
	}
	// Art. 5(1)(a) [C]: within 4 hours of classification as major and no
	// later than 24 hours from awareness — the earlier; Art. 5(2) [C]:
	// classified more than 24 hours after awareness: 4 hours from
	// classification.
	start, event, p := tc, string(incident.AnchorClassifiedMajor), h4
	if ta, name, ok := x.aware(); ok && !tc.After(ta.Add(24*time.Hour)) && ta.Add(24*time.Hour).Before(tc.Add(4*time.Hour)) {
		start, event, p = ta, name, h24
	}
	base := incident.Obligation{Regime: "dora", Authority: d.auth}
	o := base
	o.ID, o.Report, o.StartEvent, o.StartAt = "dora-initial", "initial", event, start
	o.Article = artDORAInitial
	if err := x.doraAdd(o, p, !d.exempt); err != nil {
		return err
	}
	// Art. 5(1)(b) [C]: 72 hours from the submission of the initial
	// notification.
	if ts, ok := x.submitted("dora-initial"); ok {
		o = base
		o.ID, o.Report, o.StartEvent, o.StartAt = "dora-intermediate", "intermediate", "dora-initial submitted", ts
		o.Article = artDORAIntermediate
		if err := x.doraAdd(o, h72, !d.exempt); err != nil {
			return err
		}
	}
	// Art. 5(1)(b) [C]: "an updated intermediate report without undue
	// delay, and in any case when the regular activities have been
	// recovered". Regular activities are recovered at the earlier of the
	// recovered and service_restored anchors (conservative). An
	// intermediate report submitted after that already says so; one
	// submitted before it owes the update, due at once (no period, no
	// legal end; no Art. 5(4) relief, which moves time limits only). Its
	// submission starts the final report's month like any intermediate.
	if ti, ok := x.submitted("dora-intermediate"); ok {
		if tr, ev, ok := x.recoveredDORA(); ok && tr.After(ti) {
			o = base
			o.ID, o.Report, o.StartEvent, o.StartAt, o.Due = "dora-intermediate-recovered", "intermediate", ev, tr, tr
			o.Article = artDORARecovered
			x.add(o)
		}
	}
	// Art. 5(1)(c) [C, corrected]: one month after the intermediate
	// report or, where applicable, the latest updated intermediate report
	// (any DORA intermediate report submitted on the record).
	var latest time.Time
	id := ""
	for _, r := range x.inc.Obligations {
		if r.Regime == "dora" && r.Report == "intermediate" && !r.SubmittedAt.IsZero() {
			if t, ok := x.known(r.SubmittedAt); ok && t.After(latest) {
				latest, id = t, r.ID
			}
		}
	}
	if !latest.IsZero() {
		o = base
		o.ID, o.Report, o.StartEvent, o.StartAt = "dora-final", "final", id+" submitted", latest
		o.Article = artDORAFinal
		return x.doraAdd(o, m1, true)
	}
	return nil
}

// recoveredDORA returns when regular activities were recovered: the
// earlier of the recovered and service_restored anchors.
func (x *run) recoveredDORA() (time.Time, string, bool) {
	r, rok := x.anchor(incident.AnchorRecovered)
	sr, sok := x.anchor(incident.AnchorServiceRestored)
	if sok && (!rok || sr.Before(r)) {
		return sr, string(incident.AnchorServiceRestored), true
	}
	return r, string(incident.AnchorRecovered), rok
}

// doraAdd computes a DORA deadline. The legal end is counted under Reg.
// 1182/71 (it applies to the RTS "save as otherwise provided"): hours end
// at the expiry of the last hour; a month at the end of its last day.
// Art. 5(4) [C/S] displaces 3(4): a time limit falling on a weekend day
// or a bank holiday of the entity's Member State may be met by noon (local
// time, inference) of the next working day — where the relief applies:
// not to initial and intermediate reports of credit institutions, CCPs,
// trading venues and NIS2 essential or important entities (5(5)), and to
// none where the authority disapplied it (5(6)); then a month ends at the
// end of its last day with no relief [U: whether 3(4) would still apply
// is not settled; ending earlier is the safe reading]. Due, the
// conservative instant, never moves.
func (x *run) doraAdd(o incident.Obligation, p Period, relief bool) error {
	d := x.c.dora
	rule := CountEU1182
	if p.Unit != calendar.Hours {
		rule = CountEndOfDay
	}
	due, legal, err := calendar.End(rule, d.cal, o.StartAt, p)
	if err != nil {
		return fmt.Errorf("clocks: %s: %w", o.ID, err)
	}
	if relief && !d.noRelief {
		moved, ok, err := calendar.NoonNextWorkingDay(d.cal, due)
		if err != nil {
			return fmt.Errorf("clocks: %s: %w", o.ID, err)
		}
		if ok {
			legal = moved
			o.Article = d.relieved[o.Article]
		}
	} else {
		// The calendar must still know the year: a deadline computed
		// past its coverage is refused, not guessed.
		if _, err := d.cal.IsWorkingDay(d.cal.DateOf(due)); err != nil {
			return fmt.Errorf("clocks: %s: %w", o.ID, err)
		}
	}
	o.Due, o.LegalEnd = due, legal
	x.add(o)
	return nil
}

// cra: Regulation (EU) 2024/2847 Art. 14(4) [C], severe incidents; Art.
// 71(2): applies from 11 September 2026.
func (x *run) cra() error {
	r := x.c.cra
	if r == nil {
		return nil
	}
	start, event, ok := x.aware()
	if !ok {
		return nil
	}
	base := incident.Obligation{Regime: "cra", Authority: r.auth, StartEvent: event, StartAt: start}
	o := base
	o.ID, o.Report, o.Article = "cra-early-warning", "early_warning", "CRA Art. 14(4)(a) [C]: within 24 hours of awareness"
	if err := x.craAdd(o, h24); err != nil {
		return err
	}
	o = base
	o.ID, o.Report, o.Article = "cra-notification", "notification", "CRA Art. 14(4)(b) [C]: within 72 hours of awareness"
	if err := x.craAdd(o, h72); err != nil {
		return err
	}
	if ts, ok := x.submitted("cra-notification"); ok {
		o = base
		o.ID, o.Report, o.StartEvent, o.StartAt = "cra-final", "final", "cra-notification submitted", ts
		o.Article = "CRA Art. 14(4)(c) [C]: within one month after the incident notification"
		return x.craAdd(o, m1)
	}
	return nil
}

// craAdd adds a CRA report counted under Reg. 1182/71 (the CRA is a
// Regulation), unless its legal end is before Art. 14 applied.
func (x *run) craAdd(o incident.Obligation, p Period) error {
	r := x.c.cra
	due, legal, err := calendar.End(CountEU1182, r.cal, o.StartAt, p)
	if err != nil {
		return fmt.Errorf("clocks: %s: %w", o.ID, err)
	}
	if legal.Before(r.from) {
		return nil // before Art. 14 applied
	}
	o.Due, o.LegalEnd = due, legal
	x.add(o)
	return nil
}

// craVulnerabilities: Regulation (EU) 2024/2847 Art. 14(2) [C], actively
// exploited vulnerabilities, from the host's Inputs (the record has no
// field for them): early warning 24 hours and vulnerability notification
// 72 hours from awareness; final report no later than 14 days after a
// corrective or mitigating measure is available.
func (x *run) craVulnerabilities(vs []ExploitedVulnerability) error {
	if len(vs) == 0 {
		return nil
	}
	r := x.c.cra
	if r == nil {
		return fmt.Errorf("clocks: exploited vulnerabilities given, but the profile has no CRA regime")
	}
	for _, v := range vs {
		if strings.TrimSpace(v.ID) == "" || v.AwareAt.IsZero() {
			return fmt.Errorf("clocks: exploited vulnerability %q: ID and AwareAt are required", v.ID)
		}
		pre := "cra-vuln-" + strings.ToLower(v.ID) + "-"
		aw, ok := x.known(v.AwareAt)
		if !ok {
			continue
		}
		base := incident.Obligation{Regime: "cra", Authority: r.auth, StartEvent: "aware of active exploitation (" + v.ID + ")", StartAt: aw}
		o := base
		o.ID, o.Report, o.Article = pre+"early-warning", "early_warning", "CRA Art. 14(2)(a) [C]: actively exploited vulnerability, within 24 hours of awareness"
		if err := x.craAdd(o, h24); err != nil {
			return err
		}
		o = base
		o.ID, o.Report, o.Article = pre+"notification", "notification", "CRA Art. 14(2)(b) [C]: vulnerability notification within 72 hours of awareness"
		if err := x.craAdd(o, h72); err != nil {
			return err
		}
		if tm, ok := x.known(v.MeasureAvailableAt); ok {
			o = base
			o.ID, o.Report, o.StartEvent, o.StartAt = pre+"final", "final", "corrective or mitigating measure available", tm
			o.Article = "CRA Art. 14(2)(c) [C]: final report no later than 14 days after a corrective or mitigating measure is available"
			if err := x.craAdd(o, d14); err != nil {
				return err
			}
		}
	}
	return nil
}

// sec: Form 8-K Item 1.05 [S]: four business days after the materiality
// determination; business days exclude Saturdays, Sundays and US federal
// holidays (observed days included); General Instruction B.1 [C]: an
// event on a non-business day starts the period on the next business
// day, which counts; Reg. S-T 232.13(a)(2) [C]: a filing commenced by
// 17:30 Eastern is filed that day. LegalEnd = 17:30 ET of the fourth
// business day; Due = the determination's time of day on that day,
// never later.
func (x *run) sec() error {
	s := x.c.sec
	if s == nil {
		return nil
	}
	t, ok := x.anchor(incident.AnchorMaterialityDetermined)
	if !ok {
		return nil
	}
	due, legal, err := calendar.BusinessDays(s.cal, t, 4, s.cutH, s.cutM)
	if err != nil {
		return fmt.Errorf("clocks: sec-8k-1.05: %w", err)
	}
	x.add(incident.Obligation{ID: "sec-8k-1.05", Regime: "sec", Report: "form_8k", Authority: "SEC (EDGAR)",
		StartEvent: string(incident.AnchorMaterialityDetermined), StartAt: t, Due: due, LegalEnd: legal,
		Article: s.article})
	return nil
}

var articleMediaUnknown = fmt.Sprintf("45 CFR 164.406 [S]: owed if more than %d residents of one State (residents not yet counted)", MediaThreshold)

// hipaa: 45 CFR 164.400–414.
func (x *run) hipaa() error {
	h := x.c.hipaa
	if h == nil {
		return nil
	}
	// Discovery (164.404(a)(2)): the discovered anchor, else the first
	// time personal data were known to be involved.
	var start time.Time
	var event string
	if t, ok := x.anchor(incident.AnchorDiscovered); ok {
		start, event = t, string(incident.AnchorDiscovered)
	} else if t, ok := x.personalData(); ok {
		start, event = t, "fact:personal_data"
	} else {
		return nil
	}
	base := incident.Obligation{Regime: "hipaa", StartEvent: event, StartAt: start}
	if h.ba {
		o := base
		o.ID, o.Report, o.Authority = "hipaa-ba-notice", "notification", "covered entity"
		o.Article = "45 CFR 164.410(b) [S]: without unreasonable delay, no later than 60 calendar days after discovery"
		return x.period(o, h.rule, h.cal, d60)
	}
	o := base
	o.ID, o.Report, o.Authority = "hipaa-individuals", "individuals", "affected individuals"
	o.Article = "45 CFR 164.404(b) [C]: without unreasonable delay, no later than 60 calendar days after discovery"
	if err := x.period(o, h.rule, h.cal, d60); err != nil {
		return err
	}
	subjects, known := asOf(&x.inc.Facts.DataSubjects, x.now)
	if known && subjects < HHSImmediateThreshold {
		// 164.408(c) [C]: a log, to the Secretary not later than 60 days
		// after the end of the calendar year of discovery.
		y := h.cal.DateOf(start).Year
		yearEnd := h.cal.At(calendar.Date{Year: y + 1, Month: time.January, Day: 1}, 0, 0, 0)
		last := calendar.Date{Year: y, Month: time.December, Day: 31}.AddDays(60)
		o = base
		o.ID, o.Report, o.Authority, o.StartEvent, o.StartAt = "hipaa-hhs-annual", "annual_log", "HHS Secretary", "calendar_year_end", yearEnd
		o.Due, o.LegalEnd = h.cal.EndOfDay(last), h.cal.EndOfDay(last)
		o.Article = "45 CFR 164.408(c) [C]: fewer than 500 individuals: annual log, 60 days after the end of the calendar year"
		x.add(o)
	} else {
		// 164.408(b) [C]: 500 or more — or not yet counted (conservative).
		o = base
		o.ID, o.Report, o.Authority = "hipaa-hhs", "notification", "HHS Secretary"
		o.Article = "45 CFR 164.408(b) [C]: 500 or more individuals (or not yet counted): contemporaneously with the individuals' notice"
		if err := x.period(o, h.rule, h.cal, d60); err != nil {
			return err
		}
	}
	// 164.406 [S]: more than 500 residents of one State: prominent media
	// outlets serving it. Unknown residents with an unknown or large
	// count: owed until shown otherwise (conservative; waive it then).
	if res, ok := asOf(&x.inc.Facts.ResidentsByState, x.now); ok {
		states := make([]string, 0, len(res))
		for st, n := range res {
			if n > MediaThreshold {
				states = append(states, st)
			}
		}
		slices.Sort(states)
		for _, st := range states {
			o = base
			o.ID, o.Report, o.Authority = "hipaa-media-"+strings.ToLower(st), "media", "prominent media outlets ("+st+")"
			o.Article = fmt.Sprintf("45 CFR 164.406 [S]: more than %d residents of %s: 60 calendar days after discovery", MediaThreshold, st)
			if err := x.period(o, h.rule, h.cal, d60); err != nil {
				return err
			}
		}
	} else if !known || subjects > MediaThreshold {
		o = base
		o.ID, o.Report, o.Authority = "hipaa-media", "media", "prominent media outlets (States not yet known)"
		o.Article = articleMediaUnknown
		if err := x.period(o, h.rule, h.cal, d60); err != nil {
			return err
		}
	}
	return nil
}

// circia: 6 U.S.C. 681b; proposed 6 CFR 226.5 [S]. PROPOSED: only when
// the host enables it.
func (x *run) circia() error {
	c := x.c.circia
	if c == nil {
		return nil
	}
	if start, event, ok := x.aware(); ok && !start.Before(c.from) {
		// 226.5(a) [S]: 72 hours after the entity reasonably believes a
		// covered cyber incident occurred (awareness stands for it [U]).
		if err := x.period(incident.Obligation{ID: "circia-incident", Regime: "circia", Report: "notification", Authority: "CISA",
			StartEvent: event, StartAt: start, Article: "CIRCIA 6 U.S.C. 681b(a)(1); proposed 6 CFR 226.5(a) [S, PROPOSED]: 72 hours"}, CountElapsed, c.cal, h72); err != nil {
			return err
		}
	}
	if t, ok := x.inc.Facts.RansomPaid.FirstKnown(func(v bool) bool { return v }); ok {
		if t, ok = x.known(t); ok && !t.Before(c.from) {
			// 226.5(b) [S]: 24 hours after the ransom payment is
			// disbursed (the fact's KnownAt stands for it).
			return x.period(incident.Obligation{ID: "circia-ransom", Regime: "circia", Report: "ransom_payment", Authority: "CISA",
				StartEvent: "fact:ransom_paid", StartAt: t, Article: "CIRCIA 6 U.S.C. 681b(a)(2); proposed 6 CFR 226.5(b) [S, PROPOSED]: 24 hours"}, CountElapsed, c.cal, h24)
		}
	}
	return nil
}

// custom: the host's rules.
func (x *run) custom() error {
	for _, r := range x.c.custom {
		var start time.Time
		ok := false
		switch r.kind {
		case "anchor":
			start, ok = x.anchor(incident.Anchor(r.name))
		case "fact":
			start, ok = x.fact(r.name)
		case "submitted":
			start, ok = x.submitted(r.name)
		}
		if !ok {
			continue
		}
		if err := x.period(incident.Obligation{ID: r.ID, Regime: r.Regime, Report: r.Report, Authority: r.Authority,
			StartEvent: r.Start, StartAt: start, Article: r.Article}, r.rule, r.cal, r.Period); err != nil {
			return err
		}
	}
	return nil
}

// fact returns when a fact first held a "positive" value: true, a
// non-empty list or map, a positive number.
func (x *run) fact(name string) (time.Time, bool) {
	f := &x.inc.Facts
	var t time.Time
	var ok bool
	switch name {
	case "personal_data":
		t, ok = f.PersonalData.FirstKnown(func(v bool) bool { return v })
	case "critical_services_affected":
		t, ok = f.CriticalServicesAffected.FirstKnown(func(v bool) bool { return v })
	case "ransom_paid":
		t, ok = f.RansomPaid.FirstKnown(func(v bool) bool { return v })
	case "special_categories":
		t, ok = f.SpecialCategories.FirstKnown(func(v []string) bool { return len(v) > 0 })
	case "personal_data_categories":
		t, ok = f.PersonalDataCategories.FirstKnown(func(v []string) bool { return len(v) > 0 })
	case "member_states":
		t, ok = f.MemberStates.FirstKnown(func(v []string) bool { return len(v) > 0 })
	case "entity_types":
		t, ok = f.EntityTypes.FirstKnown(func(v []string) bool { return len(v) > 0 })
	case "data_subjects":
		t, ok = f.DataSubjects.FirstKnown(func(v int64) bool { return v > 0 })
	case "clients_affected":
		t, ok = f.ClientsAffected.FirstKnown(func(v int64) bool { return v > 0 })
	case "transactions_affected":
		t, ok = f.TransactionsAffected.FirstKnown(func(v int64) bool { return v > 0 })
	case "residents_by_state":
		t, ok = f.ResidentsByState.FirstKnown(func(v map[string]int64) bool { return len(v) > 0 })
	case "economic_impact":
		t, ok = f.EconomicImpact.FirstKnown(func(v incident.Money) bool { return v.Minor > 0 })
	}
	if !ok {
		return time.Time{}, false
	}
	return x.known(t)
}

// asOf returns the value a fact held at now (zero now: its current
// value), and false when no value was known by then.
func asOf[T any](f *incident.Fact[T], now time.Time) (T, bool) {
	var zero T
	if !f.Known() {
		return zero, false
	}
	if now.IsZero() || !f.KnownAt.After(now) {
		return f.Value, true
	}
	for i := len(f.History) - 1; i >= 0; i-- {
		if r := f.History[i]; !r.KnownAt.IsZero() && !r.KnownAt.After(now) {
			return r.Value, true
		}
	}
	return zero, false
}
