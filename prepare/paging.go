package prepare

import (
	"fmt"
	"slices"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
)

// Specificity ranks how closely a rule or playbook fits an incident;
// the most specific wins: category type with severity, then type, then
// class with severity, then class, then the default with severity, then
// the default.
type Specificity int

// The specificities, lowest first.
const (
	SpecificDefault Specificity = iota
	SpecificDefaultSeverity
	SpecificClass
	SpecificClassSeverity
	SpecificType
	SpecificTypeSeverity
)

// match reports how specifically a selector (category, severities)
// covers an incident's category and severity, and whether it covers it at
// all. A zero category covers every category; a class-only category every
// type of the class; no severities cover every severity.
func match(sel incident.Category, sevs []incident.Severity, cat incident.Category, sev incident.Severity) (Specificity, bool) {
	withSev := len(sevs) > 0
	if withSev && !slices.Contains(sevs, sev) {
		return 0, false
	}
	var s Specificity
	switch {
	case sel.IsZero():
		s = SpecificDefault
	case sel.Taxonomy != cat.Taxonomy || sel.Class != cat.Class:
		return 0, false
	case sel.Type == "":
		s = SpecificClass
	case sel.Type == cat.Type:
		s = SpecificType
	default:
		return 0, false
	}
	if withSev {
		s++
	}
	return s, true
}

// Escalation is one level of paging: after After has passed since the
// first page without acknowledgement, the on-call member of Rotation is
// paged. The first level normally has After 0.
type Escalation struct {
	Rotation string             `json:"rotation"`
	After    lifecycle.Duration `json:"after,omitempty"`
}

// PagingRule says whom to page for incidents of a category (zero: any)
// and severities (none: any).
type PagingRule struct {
	// Name identifies the rule.
	Name string `json:"name"`
	// Category selects the incidents: zero for all, a class, or a class
	// and type.
	Category incident.Category `json:"category,omitzero"`
	// Severities select the incidents by severity; empty for all.
	Severities []incident.Severity `json:"severities,omitempty"`
	// Escalations are the levels paged, in order.
	Escalations []Escalation `json:"escalations"`
}

// Page is one person to page.
type Page struct {
	// Rule is the paging rule that chose the page.
	Rule string
	// Rotation is the rotation the member is on call for.
	Rotation string
	// Member is on call; Deputy stands in for them (from the team), or
	// is empty.
	Member incident.ActorID
	Deputy incident.ActorID
	// After is how long after the first page this one goes out.
	After time.Duration
}

// Roster is the on-call data: teams, rotations and paging rules.
type Roster struct {
	Teams     []Team       `json:"teams,omitempty"`
	Rotations []Rotation   `json:"rotations,omitempty"`
	Paging    []PagingRule `json:"paging,omitempty"`
}

// Rotation returns the rotation named name.
func (r *Roster) Rotation(name string) (*Rotation, bool) {
	for i := range r.Rotations {
		if r.Rotations[i].Name == name {
			return &r.Rotations[i], true
		}
	}
	return nil, false
}

// Team returns the team named name.
func (r *Roster) Team(name string) (*Team, bool) {
	for i := range r.Teams {
		if r.Teams[i].Name == name {
			return &r.Teams[i], true
		}
	}
	return nil, false
}

// Rule returns the most specific paging rule covering an incident of
// category cat and severity sev; among equally specific rules the first
// listed wins. ErrNoOnCall when none covers it.
func (r *Roster) Rule(cat incident.Category, sev incident.Severity) (PagingRule, error) {
	best, found := -1, Specificity(-1)
	for i, p := range r.Paging {
		if s, ok := match(p.Category, p.Severities, cat, sev); ok && s > found {
			best, found = i, s
		}
	}
	if best < 0 {
		return PagingRule{}, fmt.Errorf("%w: no paging rule covers a %q %s incident", ErrNoOnCall, sev, cat)
	}
	return r.Paging[best], nil
}

// WhoIsPaged answers "who is paged for a <severity> <category> incident
// at <time>": the most specific paging rule's escalation levels, each
// with the member of its rotation on call at at and that member's deputy.
func (r *Roster) WhoIsPaged(sev incident.Severity, cat incident.Category, at time.Time) ([]Page, error) {
	rule, err := r.Rule(cat, sev)
	if err != nil {
		return nil, err
	}
	pages := make([]Page, 0, len(rule.Escalations))
	for _, e := range rule.Escalations {
		rot, ok := r.Rotation(e.Rotation)
		if !ok {
			return nil, fmt.Errorf("%w: paging rule %q names unknown rotation %q", ErrInvalid, rule.Name, e.Rotation)
		}
		who, err := WhoIsOnCall(rot, at)
		if err != nil {
			return nil, err
		}
		p := Page{Rule: rule.Name, Rotation: rot.Name, Member: who, After: time.Duration(e.After)}
		if t, ok := r.Team(rot.Team); ok {
			if m, ok := t.Member(who); ok {
				p.Deputy = m.Deputy
			}
		}
		pages = append(pages, p)
	}
	return pages, nil
}
