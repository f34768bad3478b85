package clocks

import (
	"fmt"
	"strings"
	"time"

	"github.com/iso27035/iso27035/internal/calendar"
)

// Computer is a validated, compiled profile: calendars resolved, zones
// loaded. It is immutable and safe for concurrent use; compile once and
// compute for every incident.
type Computer struct {
	name   string
	gdpr   *gdprC
	nis2   *nis2C
	dora   *doraC
	cra    *craC
	sec    *secC
	hipaa  *hipaaC
	circia *circiaC
	custom []customC
}

type gdprC struct {
	processor bool
	ms, auth  string
	cal       *calendar.Compiled
	rule      CountingRule
	target    time.Duration
}

type nis2C struct {
	tsp           bool
	ms, auth, pre string
	cal           *calendar.Compiled
	rule          CountingRule
	// Obligation IDs and article texts, built once.
	idEarly, idNotif, idFinal, idFinalE, subNotif        string
	artEarly, artNotif, artFinal, artProgress, artFinalE string
}

type doraC struct {
	exempt   bool // Art. 5(5): no relief for initial and intermediate
	noRelief bool // Art. 5(6)
	auth     string
	cal      *calendar.Compiled
	// relieved maps an article text to its text with the Art. 5(4)
	// relief noted (built once, read-only).
	relieved map[string]string
}

var doraRelieved = map[string]string{
	artDORAInitial:      artDORAInitial + artDORARelief,
	artDORAIntermediate: artDORAIntermediate + artDORARelief,
	artDORAFinal:        artDORAFinal + artDORARelief,
}

type craC struct {
	auth string
	cal  *calendar.Compiled
	from time.Time
}

type secC struct {
	cal        *calendar.Compiled
	cutH, cutM int
	article    string
}

type hipaaC struct {
	ba   bool
	cal  *calendar.Compiled
	rule CountingRule
}

type circiaC struct {
	cal  *calendar.Compiled
	from time.Time
}

type customC struct {
	CustomRule
	kind, name string
	cal        *calendar.Compiled
	rule       CountingRule
}

// builtinIDs are the obligation IDs (or ID prefixes) the built-in regimes
// use; a custom rule may not take them.
var builtinPrefixes = []string{"gdpr-", "nis2-", "dora-", "cra-", "sec-", "hipaa-", "circia-"}

// Compile validates p and returns its Computer. Every bad field is named
// in a *ProfileError.
func Compile(p Profile) (*Computer, error) { return compile(&p) }

func compile(p *Profile) (*Computer, error) {
	v := &validator{}
	set := calendar.Builtin()
	calOK := true
	for i, c := range p.Calendars {
		if _, err := calendar.Compile(c); err != nil {
			calOK = false
			for _, line := range strings.Split(err.Error(), "\n") {
				v.add(fmt.Sprintf("calendars[%d]", i), line)
			}
		}
	}
	if calOK && len(p.Calendars) > 0 {
		s, err := set.With(p.Calendars...)
		if err != nil {
			v.add("calendars", err.Error())
		} else {
			set = s
		}
	}
	getCal := func(field, name, what string) *calendar.Compiled {
		if name == "" {
			v.add(field, "required")
			return nil
		}
		k, err := set.Get(name)
		if err != nil {
			v.add(field, fmt.Sprintf("no holiday calendar %q for %s: add one under calendars (built-in: %s)", name, what, strings.Join(calendar.Builtin().Names(), ", ")))
			return nil
		}
		return k
	}
	msCal := func(field, ms string) *calendar.Compiled {
		if ms != strings.ToUpper(ms) || len(ms) != 2 {
			if ms == "" {
				v.add(field, "required (ISO 3166-1 alpha-2)")
			} else {
				v.add(field, fmt.Sprintf("%q: want an ISO 3166-1 alpha-2 code in upper case", ms))
			}
			return nil
		}
		return getCal(field, ms, "Member State "+ms)
	}
	c := &Computer{name: p.Name}
	if g := p.GDPR; g != nil {
		v.oneOf("gdpr.role", g.Role, GDPRController, GDPRProcessor)
		v.counting("gdpr.counting", g.Counting)
		if g.UndueDelayTarget < 0 {
			v.add("gdpr.undue_delay_target", "must not be negative")
		}
		c.gdpr = &gdprC{processor: g.Role == GDPRProcessor, ms: g.MemberState, auth: or(g.Authority, "supervisory authority ("+g.MemberState+")"),
			cal: msCal("gdpr.member_state", g.MemberState), rule: orRule(g.Counting, CountEU1182), target: time.Duration(g.UndueDelayTarget)}
	}
	if n := p.NIS2; n != nil {
		v.oneOf("nis2.entity_type", n.EntityType, NIS2Essential, NIS2Important, NIS2TrustServiceProvider)
		v.counting("nis2.counting", n.Counting)
		nc := &nis2C{tsp: n.EntityType == NIS2TrustServiceProvider, ms: n.MemberState, pre: "nis2-" + strings.ToLower(n.MemberState) + "-",
			auth: or(n.Authority, "CSIRT or competent authority ("+n.MemberState+")"), cal: msCal("nis2.member_state", n.MemberState), rule: orRule(n.Counting, CountEU1182)}
		nc.idEarly, nc.idNotif, nc.idFinal, nc.idFinalE = nc.pre+"early-warning", nc.pre+"notification", nc.pre+"final", nc.pre+"final-after-handling"
		nc.subNotif = nc.idNotif + " submitted"
		nc.artEarly = "NIS2 Art. 23(4)(a) [C]: within 24 hours; counted under " + string(nc.rule) + " (" + n.MemberState + " transposition [U])"
		nc.artNotif = "NIS2 Art. 23(4)(b) [C]: within 72 hours"
		if nc.tsp {
			nc.artNotif = "NIS2 Art. 23(4) second subparagraph [C]: trust service provider, within 24 hours"
		}
		nc.artFinal = "NIS2 Art. 23(4)(d) [C]: final report one month after the notification was submitted; if the incident is still ongoing then, " +
			"Art. 23(4)(e): a progress report instead, and the final report within one month of handling (" + nc.pre + "final-after-handling, from the recovered anchor)"
		nc.artProgress = "NIS2 Art. 23(4)(e) [C]: the incident was ongoing when the final report was due: a progress report then (one month after the notification was submitted), " +
			"the final report within one month of handling (" + nc.pre + "final-after-handling)"
		nc.artFinalE = "NIS2 Art. 23(4)(e) [C]: final report within one month of the handling of the incident (recovered; closed where recovered is not recorded)"
		c.nis2 = nc
	}
	if d := p.DORA; d != nil {
		v.oneOf("dora.entity_type", d.EntityType, DORACreditInstitution, DORACentralCounterparty, DORATradingVenue, DORAOther)
		c.dora = &doraC{exempt: d.EntityType != DORAOther || d.NIS2EssentialOrImportant, noRelief: d.ReliefDisapplied, relieved: doraRelieved,
			auth: or(d.Authority, "competent authority ("+d.MemberState+")"), cal: msCal("dora.member_state", d.MemberState)}
	}
	if r := p.CRA; r != nil {
		from := v.date("cra.applies_from", r.AppliesFrom)
		if r.AppliesFrom == "" {
			from = time.Date(2026, 9, 11, 0, 0, 0, 0, time.UTC)
		}
		cc := &craC{auth: or(r.Authority, "coordinator CSIRT and ENISA (single reporting platform)"), cal: msCal("cra.member_state", r.MemberState)}
		if cc.cal != nil {
			// Midnight at the start of the day, in the Member State.
			cc.from = cc.cal.At(calendar.DateOf(from, time.UTC), 0, 0, 0)
		}
		c.cra = cc
	}
	if s := p.SEC; s != nil {
		cs := &secC{cal: getCal("sec.calendar", or(s.Calendar, calendar.USFederal), "SEC business days"), cutH: 17, cutM: 30}
		if s.Cutoff != "" {
			t, err := time.Parse("15:04", s.Cutoff)
			if err != nil {
				v.add("sec.cutoff", fmt.Sprintf("%q: want HH:MM", s.Cutoff))
			}
			cs.cutH, cs.cutM = t.Hour(), t.Minute()
		}
		if cs.cal != nil {
			cs.article = fmt.Sprintf("Form 8-K Item 1.05 [S]: 4 business days, filed by %02d:%02d %s (Reg. S-T 232.13(a)(2))", cs.cutH, cs.cutM, cs.cal.Location())
		}
		c.sec = cs
	}
	if h := p.HIPAA; h != nil {
		v.oneOf("hipaa.role", h.Role, HIPAACoveredEntity, HIPAABusinessAssociate)
		v.counting("hipaa.counting", h.Counting)
		c.hipaa = &hipaaC{ba: h.Role == HIPAABusinessAssociate, cal: getCal("hipaa.calendar", or(h.Calendar, calendar.USFederal), "HIPAA"), rule: orRule(h.Counting, CountEndOfDay)}
	}
	if ci := p.CIRCIA; ci != nil && ci.Enabled {
		c.circia = &circiaC{cal: getCal("circia", calendar.USFederal, "CIRCIA"), from: v.date("circia.effective_from", ci.EffectiveFrom)}
	}
	ids := map[string]bool{}
	for i, r := range p.Custom {
		f := func(s string) string { return fmt.Sprintf("custom[%d].%s", i, s) }
		if r.ID == "" {
			v.add(f("id"), "required")
		}
		for _, pre := range builtinPrefixes {
			if strings.HasPrefix(r.ID, pre) {
				v.add(f("id"), fmt.Sprintf("%q: the prefix %q is the built-in regimes'", r.ID, pre))
			}
		}
		if ids[r.ID] && r.ID != "" {
			v.add(f("id"), fmt.Sprintf("%q listed twice", r.ID))
		}
		ids[r.ID] = true
		for field, val := range map[string]string{"regime": r.Regime, "report": r.Report, "authority": r.Authority, "article": r.Article} {
			if strings.TrimSpace(val) == "" {
				v.add(f(field), "required")
			}
		}
		if !r.Period.Valid() {
			v.add(f("period"), fmt.Sprintf("%q: want n 1–10000 of hours, days, weeks or months", r.Period))
		}
		v.counting(f("counting"), r.Counting)
		cc := customC{CustomRule: r, cal: getCal(f("calendar"), r.Calendar, "custom rule "+r.ID), rule: orRule(r.Counting, CountEU1182)}
		cc.kind, cc.name, _ = strings.Cut(r.Start, ":")
		switch cc.kind {
		case "anchor":
			if !anchorNames[cc.name] {
				v.add(f("start"), fmt.Sprintf("%q: unknown timeline anchor", cc.name))
			}
		case "fact":
			if !factNames[cc.name] {
				v.add(f("start"), fmt.Sprintf("%q: unknown fact", cc.name))
			}
		case "submitted":
			if cc.name == "" {
				v.add(f("start"), "submitted: needs an obligation ID")
			}
		default:
			v.add(f("start"), fmt.Sprintf("%q: want anchor:<name>, fact:<name> or submitted:<obligation id>", r.Start))
		}
		c.custom = append(c.custom, cc)
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return c, nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func orRule(r, def CountingRule) CountingRule {
	if r == "" {
		return def
	}
	return r
}
