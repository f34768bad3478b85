package store

import (
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
)

// Query selects records of one kind. Empty fields do not filter; a list
// field matches when the record's value is any of the listed ones.
type Query struct {
	// Kind is required.
	Kind       incident.Kind
	Phases     []incident.Phase
	States     []incident.State
	Outcomes   []incident.Outcome
	Severities []incident.Severity
	// Categories match the primary category: the class must be equal,
	// and the type too when the query names one (an empty Taxonomy means
	// RSIT on both sides).
	Categories []incident.Category
	// CreatedFrom and CreatedUntil bound CreatedAt: From ≤ CreatedAt <
	// Until; zero means unbounded.
	CreatedFrom, CreatedUntil time.Time
	// Labels must all be present on the record.
	Labels []string
	// Restricted, when set, selects restricted (true) or unrestricted
	// (false) records only.
	Restricted *bool
	// After is the cursor: only records with an ID greater than it (in
	// byte order, which for UUIDv7 is creation order) are listed.
	After uuid.UUID
	// Limit stops List after that many records; 0 means no limit.
	Limit int
}

// Check reports a query no store can answer (no kind, unknown kind,
// negative limit, an inverted time range); the error wraps ErrInvalid.
func (q *Query) Check() error {
	if !q.Kind.Valid() {
		return fmt.Errorf("%w: query kind %q", ErrInvalid, q.Kind)
	}
	if q.Limit < 0 {
		return fmt.Errorf("%w: negative limit %d", ErrInvalid, q.Limit)
	}
	if !q.CreatedFrom.IsZero() && !q.CreatedUntil.IsZero() && q.CreatedUntil.Before(q.CreatedFrom) {
		return fmt.Errorf("%w: created range ends before it starts", ErrInvalid)
	}
	return nil
}

// Match reports whether r satisfies every filter of q except After and
// Limit; a nil record (typed or not) matches nothing. It is the reference
// semantics: a store that filters in its database must agree with it, and
// storetest checks that it does.
func (q *Query) Match(r incident.Record) bool {
	if checkRecord(r) != nil || r.Kind() != q.Kind {
		return false
	}
	h, hd := r.Head(), r.Handle()
	if len(q.Phases) > 0 && !slices.Contains(q.Phases, hd.Phase) {
		return false
	}
	if len(q.States) > 0 && !slices.Contains(q.States, hd.State) {
		return false
	}
	if len(q.Outcomes) > 0 && !slices.Contains(q.Outcomes, hd.Outcome) {
		return false
	}
	if len(q.Severities) > 0 && !slices.Contains(q.Severities, hd.Severity) {
		return false
	}
	if len(q.Categories) > 0 && !slices.ContainsFunc(q.Categories, func(c incident.Category) bool { return categoryMatch(c, hd.Category) }) {
		return false
	}
	if !q.CreatedFrom.IsZero() && h.CreatedAt.Before(q.CreatedFrom) {
		return false
	}
	if !q.CreatedUntil.IsZero() && !h.CreatedAt.Before(q.CreatedUntil) {
		return false
	}
	for _, l := range q.Labels {
		if !slices.Contains(hd.Labels, l) {
			return false
		}
	}
	if q.Restricted != nil && *q.Restricted != hd.Restricted {
		return false
	}
	return true
}

func categoryMatch(want, got incident.Category) bool {
	wt, gt := want.Taxonomy, got.Taxonomy
	if wt == "" {
		wt = "rsit"
	}
	if gt == "" {
		gt = "rsit"
	}
	return wt == gt && want.Class == got.Class && (want.Type == "" || want.Type == got.Type)
}
