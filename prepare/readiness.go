package prepare

import (
	"fmt"
	"slices"
	"time"

	"github.com/iso27035/iso27035/incident"
)

// Gap is one thing missing from the preparation.
type Gap struct {
	// Rule is the readiness rule that found the gap ("policy.approved").
	Rule string
	// Clause is the 27035-2:2023 clause the rule comes from.
	Clause string
	// Confirmed is false when the clause attribution is ours rather than
	// confirmed from the standard's text ([U] in the reference).
	Confirmed bool
	// Detail says what is missing.
	Detail string
}

// String is "rule (27035-2 clause[ [U]]): detail".
func (g Gap) String() string {
	u := ""
	if !g.Confirmed {
		u = " [U]"
	}
	return fmt.Sprintf("%s (27035-2 %s%s): %s", g.Rule, g.Clause, u, g.Detail)
}

// Preparation is everything the readiness assessment looks at.
type Preparation struct {
	Policy    *Policy   `json:"policy,omitempty"`
	Plan      *Plan     `json:"plan,omitempty"`
	Roster    Roster    `json:"roster,omitzero"`
	Contacts  []Contact `json:"contacts,omitempty"`
	Playbooks Library   `json:"playbooks,omitzero"`
}

// Evidence is what the host passes in for an assessment: facts owned by
// other packages.
type Evidence struct {
	// CategoriesSeen are the categories of incidents in the last year.
	CategoriesSeen []incident.Category
	// Exercises are the exercises held.
	Exercises []Exercise
	// OpenActions are the improvement actions still open.
	OpenActions []ActionItem
	// ContactMaxAge is how old a contact verification may be; 0 means
	// 365 days.
	ContactMaxAge time.Duration
}

// Readiness is the result of an assessment: a score from 0 to 100 (the
// share of rules passed) and the gaps found, in rule order.
type Readiness struct {
	At    time.Time
	Score int
	Rules int
	Gaps  []Gap
}

// The readiness rules and their clauses. Clause numbers follow the
// 27035-2:2023 table of contents; Confirmed marks whether the requirement
// itself is confirmed there.
var rules = []struct {
	name, clause string
	confirmed    bool
}{
	{"policy.approved", "4", true},     // policy and commitment of top management [C]
	{"policy.current", "4", false},     // a review date is our reading of clause 4 [U]
	{"plan.reviewed", "6.4", false},    // plan content; a review period [U]
	{"teams.imt", "7.2", true},         // IMT establishment [C]
	{"teams.irt", "7.3", true},         // IRT establishment [C]
	{"teams.deputies", "7.2.2", false}, // IMT roles; deputies [U]
	{"contacts.verified", "8", true},   // internal and external relationships [C]
	{"playbooks.cover", "6.7", true},   // documented processes and procedures [C]
	{"exercise.recent", "11.2", false}, // exercise [C]; "within a year" is ours [U]
	{"actions.closed", "12.3", false},  // making improvements [C]; overdue open items [U]
}

// Assess assesses the preparation p at the instant at with the host's
// evidence. Each rule passes or adds a gap naming its clause.
func Assess(p *Preparation, ev Evidence, at time.Time) Readiness {
	r := Readiness{At: at, Rules: len(rules)}
	failed := map[string]bool{}
	gap := func(rule, format string, a ...any) {
		i := slices.IndexFunc(rules, func(x struct {
			name, clause string
			confirmed    bool
		}) bool {
			return x.name == rule
		})
		r.Gaps = append(r.Gaps, Gap{Rule: rule, Clause: rules[i].clause, Confirmed: rules[i].confirmed, Detail: fmt.Sprintf(format, a...)})
		failed[rule] = true
	}
	yearAgo := at.AddDate(-1, 0, 0)

	if pol := p.Policy; pol == nil {
		gap("policy.approved", "no policy")
		gap("policy.current", "no policy")
	} else {
		if pol.Approval == nil || pol.Approval.By == "" || pol.Approval.At.After(at) {
			gap("policy.approved", "policy v%d is not approved by top management", pol.Version)
		}
		if pol.ReviewBy.IsZero() || pol.ReviewBy.Before(at) {
			gap("policy.current", "policy v%d review date %s has passed or is unset", pol.Version, date(pol.ReviewBy))
		}
	}

	switch pl := p.Plan; {
	case pl == nil:
		gap("plan.reviewed", "no plan")
	case pl.ReviewPeriod <= 0 || pl.ReviewedAt.IsZero():
		gap("plan.reviewed", "plan v%d has no review period or was never reviewed", pl.Version)
	case pl.ReviewedAt.Add(time.Duration(pl.ReviewPeriod)).Before(at):
		gap("plan.reviewed", "plan v%d last reviewed %s, beyond its review period", pl.Version, date(pl.ReviewedAt))
	}

	var imt, irt bool
	var noDeputy []string
	for _, t := range p.Roster.Teams {
		if len(t.Members) == 0 {
			continue
		}
		imt = imt || t.Kind == TeamIMT
		irt = irt || t.Kind == TeamIRT
		for _, m := range t.Members {
			if m.Deputy == "" {
				noDeputy = append(noDeputy, t.Name+"/"+string(m.ID))
			}
		}
	}
	if !imt {
		gap("teams.imt", "no staffed incident management team")
	}
	if !irt {
		gap("teams.irt", "no staffed incident response team")
	}
	if len(noDeputy) > 0 {
		gap("teams.deputies", "members without a deputy: %v", noDeputy)
	}

	maxAge := ev.ContactMaxAge
	if maxAge <= 0 {
		maxAge = 365 * 24 * time.Hour
	}
	var stale []string
	for _, c := range p.Contacts {
		if c.VerifiedOn.IsZero() || c.VerifiedOn.Add(maxAge).Before(at) {
			stale = append(stale, c.Name)
		}
	}
	switch {
	case len(p.Contacts) == 0:
		gap("contacts.verified", "no contacts")
	case len(stale) > 0:
		gap("contacts.verified", "contacts not verified within %d days: %v", int(maxAge.Hours()/24), stale)
	}

	var uncovered []string
	if len(ev.CategoriesSeen) > 0 {
		current := p.Playbooks.currentIndex()
		for _, c := range ev.CategoriesSeen {
			if p.Playbooks.covers(current, c) {
				continue
			}
			if s := c.String(); !slices.Contains(uncovered, s) {
				uncovered = append(uncovered, s)
			}
		}
	}
	if len(uncovered) > 0 {
		gap("playbooks.cover", "no playbook for categories seen in the last year: %v", uncovered)
	}

	if !slices.ContainsFunc(ev.Exercises, func(x Exercise) bool { return !x.At.Before(yearAgo) && !x.At.After(at) }) {
		gap("exercise.recent", "no exercise since %s", date(yearAgo))
	}

	var overdue []string
	for _, a := range ev.OpenActions {
		if !a.Due.IsZero() && a.Due.Before(at) {
			overdue = append(overdue, a.ID)
		}
	}
	if len(overdue) > 0 {
		gap("actions.closed", "overdue open action items: %v", overdue)
	}

	r.Score = 100 * (len(rules) - len(failed)) / len(rules)
	return r
}

func date(t time.Time) string {
	if t.IsZero() {
		return "(none)"
	}
	return t.Format(time.DateOnly)
}
