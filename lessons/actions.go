package lessons

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/iso27035/iso27035/incident"
)

// Priority is an action item's priority.
type Priority string

// The priorities of action items.
const (
	PriorityLow      Priority = "low"
	PriorityMedium   Priority = "medium"
	PriorityHigh     Priority = "high"
	PriorityCritical Priority = "critical"
)

// Status is where an action item is.
type Status string

// The statuses of action items; the zero status means open.
const (
	StatusOpen       Status = "open"
	StatusInProgress Status = "in_progress"
	StatusDone       Status = "done"
	StatusCancelled  Status = "cancelled"
)

// Finished reports whether s is done or cancelled.
func (s Status) Finished() bool { return s == StatusDone || s == StatusCancelled }

// Verification records that an action item's change was checked and
// found effective (27035-2 clause 12: the improvement is verified, not
// only made).
type Verification struct {
	By incident.ActorID `json:"by"`
	At time.Time        `json:"at"`
	// Method says how it was checked ("phishing simulation: 2% clicked,
	// down from 14%").
	Method string `json:"method"`
	// Effective is the verdict; an ineffective change does not close the
	// item.
	Effective bool `json:"effective"`
}

// ActionItem is a follow-up of a review.
type ActionItem struct {
	ID       string           `json:"id"`
	ReviewID string           `json:"review_id"`
	Title    string           `json:"title"`
	Owner    incident.ActorID `json:"owner"`
	Due      time.Time        `json:"due,omitzero"`
	Priority Priority         `json:"priority,omitempty"`
	Status   Status           `json:"status,omitempty"`
	// Control is the identifier of the control the item improves ("8.7";
	// see Controls).
	Control      string        `json:"control,omitempty"`
	Verification *Verification `json:"verification,omitempty"`
	ClosedAt     time.Time     `json:"closed_at,omitzero"`
}

// UnverifiedError refuses to close an action item without an effective
// verification.
type UnverifiedError struct {
	ItemID string
	// Reason says what is missing.
	Reason string
}

// Error names the item and what is missing.
func (e *UnverifiedError) Error() string {
	return fmt.Sprintf("lessons: action item %q cannot close: %s", e.ItemID, e.Reason)
}

// Unwrap returns ErrUnverified.
func (e *UnverifiedError) Unwrap() error { return ErrUnverified }

// Validate checks the item: an ID, its review, a title, an owner, and a
// known priority and status.
func (a *ActionItem) Validate() error {
	var errs []error
	bad := func(format string, args ...any) {
		errs = append(errs, fmt.Errorf("%w: action item %q: %s", ErrInvalid, a.ID, fmt.Sprintf(format, args...)))
	}
	if a.ID == "" {
		bad("needs an id")
	}
	if a.ReviewID == "" {
		bad("needs its review")
	}
	if a.Title == "" {
		bad("needs a title")
	}
	if a.Owner == "" {
		bad("needs an owner")
	}
	switch a.Priority {
	case "", PriorityLow, PriorityMedium, PriorityHigh, PriorityCritical:
	default:
		bad("priority %q is not a priority", a.Priority)
	}
	switch a.Status {
	case "", StatusOpen, StatusInProgress, StatusDone, StatusCancelled:
	default:
		bad("status %q is not a status", a.Status)
	}
	if a.Status == StatusDone && (a.Verification == nil || !a.Verification.Effective) {
		bad("done without an effective verification")
	}
	return errors.Join(errs...)
}

// Close marks the item done at at with its verification. Without a
// verification, or with one that lacks who, when or how, or found the
// change ineffective, it fails with an *UnverifiedError (ErrUnverified)
// and the item is unchanged.
func (a *ActionItem) Close(v *Verification, at time.Time) error {
	var reason string
	switch {
	case v == nil:
		reason = "no verification of effectiveness"
	case v.By == "" || v.At.IsZero() || v.Method == "":
		reason = "the verification needs who, when and how"
	case !v.Effective:
		reason = "the verification found the change ineffective"
	case a.Status.Finished():
		return fmt.Errorf("%w: action item %q is already %s", ErrInvalid, a.ID, a.Status)
	}
	if reason != "" {
		return &UnverifiedError{ItemID: a.ID, Reason: reason}
	}
	vv := *v
	a.Verification, a.Status, a.ClosedAt = &vv, StatusDone, at
	return nil
}

// Overdue returns the items not done or cancelled whose due time is
// before now, earliest due first (then by ID).
func Overdue(items []ActionItem, now time.Time) []ActionItem {
	var out []ActionItem
	for _, a := range items {
		if !a.Status.Finished() && !a.Due.IsZero() && a.Due.Before(now) {
			out = append(out, a)
		}
	}
	slices.SortStableFunc(out, func(x, y ActionItem) int {
		if c := x.Due.Compare(y.Due); c != 0 {
			return c
		}
		return compareStr(x.ID, y.ID)
	})
	return out
}

func compareStr(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
