package incident

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// ErrRetained is returned by CanDelete while a record must still be kept:
// it is open, or its retention period has not run out.
var ErrRetained = errors.New("incident: record still within retention")

// PlaceHold puts the record under legal hold, which blocks deletion and
// erasure until ReleaseHold. Placing a hold on a held record keeps the
// original one and returns nil: holds are idempotent.
func (h *Handling) PlaceHold(at time.Time, by ActorID, reason string) error {
	if by == "" || strings.TrimSpace(reason) == "" {
		return &FieldError{Path: "data_protection.legal_hold", Rule: RuleRequired, Reason: "a legal hold needs who and why", Err: ErrRequired}
	}
	if h.DataProtection.LegalHold == nil {
		h.DataProtection.LegalHold = &LegalHold{Since: at.UTC(), By: by, Reason: reason}
	}
	return nil
}

// ReleaseHold lifts a legal hold. The audit trail (package lifecycle), not
// the record, remembers that there was one.
func (h *Handling) ReleaseHold() { h.DataProtection.LegalHold = nil }

// Held reports whether the record is under legal hold.
func (h *Handling) Held() bool { return h.DataProtection.LegalHold != nil }

// ErasePersonalData removes personal data from the record, as GDPR Art. 17
// may require long after an incident is closed, without breaking what must
// stay verifiable: contacts keep their ActorID and kind (every role,
// task, custody transfer and audit record still points at them), notes
// keep their ID, author and time, evidence keeps its digest. Names, e-mail
// addresses, phone numbers and organisations of the contacts are cleared,
// and so is the text of notes marked Personal.
//
// With no ids it erases every contact and every personal note; with ids,
// only those contacts and the personal notes they wrote. It returns
// ErrLegalHold while a hold is in place, and records what it erased in
// DataProtection.Erasures.
func (h *Handling) ErasePersonalData(at time.Time, by ActorID, reason string, ids ...ActorID) (Erasure, error) {
	if h.Held() {
		return Erasure{}, fmt.Errorf("%w: erasure blocked: %s", ErrLegalHold, h.DataProtection.LegalHold.Reason)
	}
	if by == "" || strings.TrimSpace(reason) == "" {
		return Erasure{}, &FieldError{Path: "data_protection.erasures", Rule: RuleRequired, Reason: "an erasure needs who and why", Err: ErrRequired}
	}
	selected := func(id ActorID) bool { return len(ids) == 0 || slices.Contains(ids, id) }
	e := Erasure{At: at.UTC(), By: by, Reason: reason}
	for i := range h.Contacts {
		c := &h.Contacts[i]
		if c.Erased || !selected(c.ID) {
			continue
		}
		*c = Contact{ID: c.ID, Kind: c.Kind, Erased: true}
		e.Contacts = append(e.Contacts, c.ID)
	}
	for i := range h.Notes {
		n := &h.Notes[i]
		if !n.Personal || n.Erased || !selected(n.Author) {
			continue
		}
		n.Text, n.Erased = "", true
		e.Notes = append(e.Notes, n.ID)
	}
	h.DataProtection.Erasures = append(h.DataProtection.Erasures, e)
	return e, nil
}

// RetainUntil returns when the retention period of a record closed at
// closed ends under sched; ok is false when the record is open or its
// category has no period in sched.
func (h *Handling) RetainUntil(closed Timestamp, sched RetentionSchedule) (until time.Time, ok bool) {
	if closed.IsZero() || h.State != StateClosed {
		return time.Time{}, false
	}
	d, ok := sched[h.DataProtection.RetentionCategory]
	if !ok {
		return time.Time{}, false
	}
	// A coarse close time counts from its latest possible instant, so a
	// record is never deleted early.
	return closed.Latest().Add(d), true
}

// CanDelete reports whether a record closed at closed may be deleted at
// now: ErrLegalHold while held, ErrRetained while open, without a period
// for its category, or within its period; nil once the period is over.
func (h *Handling) CanDelete(now time.Time, closed Timestamp, sched RetentionSchedule) error {
	if h.Held() {
		return ErrLegalHold
	}
	until, ok := h.RetainUntil(closed, sched)
	if !ok || now.Before(until) {
		return ErrRetained
	}
	return nil
}
