package coordination

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// validKind reports whether k is one of the item kinds.
func validKind(k ItemKind) bool {
	switch k {
	case KindNote, KindIndicator, KindObservation, KindStatusUpdate, KindStatement, KindSummary:
		return true
	}
	return false
}

// Validate checks an item: an ID, a known kind, a TLP 2.0 label, its
// source and author, the content its kind needs (a pattern and a start of
// validity for an indicator; observed values, a count and an ordered
// window for an observation), a statement labelled TLP:CLEAR, and
// permissions naming one person or one organisation and who gave them.
// Every problem is reported, joined, each wrapping ErrInvalid.
func (it *Item) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: item %q: %s", ErrInvalid, it.ID, fmt.Sprintf(format, a...)))
	}
	if it.ID == "" {
		bad("needs an id")
	}
	if !validKind(it.Kind) {
		bad("kind %q is not an item kind", it.Kind)
	}
	if !it.Label.Valid() {
		bad("needs a TLP 2.0 label")
	}
	if it.Source == "" || it.Author == "" {
		bad("needs a source and an author")
	}
	if it.Created.IsZero() {
		bad("needs a creation time")
	}
	switch it.Kind {
	case KindIndicator:
		if it.Indicator == nil || strings.TrimSpace(it.Indicator.Pattern) == "" || it.Indicator.ValidFrom.IsZero() {
			bad("an indicator needs a pattern and valid_from")
		} else if !it.Indicator.ValidUntil.IsZero() && !it.Indicator.ValidUntil.After(it.Indicator.ValidFrom) {
			bad("valid_until must be after valid_from")
		}
	case KindObservation:
		o := it.Observed
		switch {
		case o == nil || len(o.Objects) == 0:
			bad("an observation needs observed objects")
		case o.Count < 1:
			bad("an observation counts at least 1")
		case o.FirstObserved.IsZero() || o.LastObserved.Before(o.FirstObserved):
			bad("first_observed must be set and not after last_observed")
		}
		if o != nil {
			for i, ob := range o.Objects {
				if err := ValidObservable(ob); err != nil {
					bad("observed object %d: %v", i, err)
				}
			}
		}
	case KindStatement:
		if it.Label != TLPClear {
			bad("a public statement is TLP:CLEAR")
		}
	}
	if !utf8.ValidString(it.Title) || !utf8.ValidString(it.Body) {
		bad("title and body must be valid UTF-8")
	}
	if it.Kind != KindIndicator && it.Kind != KindObservation && it.Title == "" && it.Body == "" && it.Origin == nil {
		bad("needs a title or a body")
	}
	for i, p := range it.Permissions {
		if (p.Person == "") == (p.Org == "") || p.By == "" {
			bad("permission %d must name one person or one organisation, and who gave it", i)
		}
	}
	return errors.Join(errs...)
}

// Validate checks a case as the Store keeps it: an ID, a title, its own
// organisation, a coordinator that takes part as coordinator, known
// statuses and roles, unique participants and items, valid items, and
// holdings and log entries that name items of the case.
func (c *Case) Validate() error {
	var errs []error
	bad := func(format string, a ...any) {
		errs = append(errs, fmt.Errorf("%w: case %q: %s", ErrInvalid, c.ID, fmt.Sprintf(format, a...)))
	}
	if c.ID == "" || strings.TrimSpace(c.Title) == "" || !utf8.ValidString(c.Title) {
		bad("needs an id and a title in valid UTF-8")
	}
	if c.Self == "" {
		bad("needs the organisation whose copy it is (self)")
	}
	if c.Status != CaseOpen && c.Status != CaseClosed {
		bad("status %q is not open or closed", c.Status)
	}
	if c.Opened.IsZero() {
		bad("needs an opening time")
	}
	orgs := map[OrgID]bool{}
	for i, p := range c.Participants {
		if p.Org == "" || orgs[p.Org] {
			bad("participant %d: organisation %q empty or repeated", i, p.Org)
		}
		orgs[p.Org] = true
		if !validRole(p.Role) {
			bad("participant %s: role %q is not a participant role", p.Org, p.Role)
		}
		if _, ok := statusOrder[p.Status]; !ok && p.Status != StatusLeft {
			bad("participant %s: status %q is not a participant status", p.Org, p.Status)
		}
		if (p.Org == c.Coordinator) != (p.Role == RoleCoordinator) {
			bad("participant %s: only the coordinator %s has the coordinator role", p.Org, c.Coordinator)
		}
	}
	if !orgs[c.Coordinator] {
		bad("the coordinator %q takes no part", c.Coordinator)
	}
	items := map[ItemID]bool{}
	for i := range c.Items {
		it := &c.Items[i]
		if items[it.ID] {
			bad("item %q repeated", it.ID)
		}
		items[it.ID] = true
		if err := it.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	for _, h := range c.Holdings {
		if !items[h.Item] {
			bad("holding of unknown item %q", h.Item)
		}
	}
	for _, m := range c.Log {
		if !utf8.ValidString(m.Text) {
			bad("message %s: text is not valid UTF-8", m.ID)
		}
		for _, id := range m.Items {
			if !items[id] && m.Kind != MessageRefused {
				bad("message %s names unknown item %q", m.ID, id)
			}
		}
	}
	return errors.Join(errs...)
}
