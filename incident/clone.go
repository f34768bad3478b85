package incident

import (
	"encoding/json"
	"fmt"

	"github.com/google/uuid"
)

// Deep copies. The store and the lifecycle engine copy a record on every
// write and every read, so that neither side can change the other's data;
// the copies below are written by hand, share no slice, map or pointer with
// their source, and allocate once per non-empty slice or map. Nested slices
// of the same type (the custody chains of all evidence items, the lists of
// all erasures, the raw values of Extra, an incident's lists of event,
// vulnerability and merged IDs) are carved out of one backing
// array, each with its capacity capped at its length, so an append to one
// reallocates instead of running into its neighbour.
//
// Every copy keeps nil apart from empty: a nil slice or map stays nil, an
// empty one stays empty, so reflect.DeepEqual holds between a record and its
// copy. When a slice, map or pointer is added to a record, copy it here:
// TestCloneFixturesAreFull fails until the test fixtures fill the new field,
// and TestCloneSharesNothing then fails until it is copied here.

// Clone returns a deep copy of the event that shares no slice, map or
// pointer with it; nil for a nil event.
func (ev *Event) Clone() *Event {
	if ev == nil {
		return nil
	}
	out := new(Event)
	*out = *ev
	unshareHandling(&out.Handling)
	out.Timeline.Reopened = cloneSlice(ev.Timeline.Reopened)
	out.Evidence = cloneEvidence(ev.Evidence)
	out.Extra = cloneExtra(ev.Extra)
	return out
}

// Clone returns a deep copy of the incident that shares no slice, map or
// pointer with it; nil for a nil incident.
func (inc *Incident) Clone() *Incident {
	if inc == nil {
		return nil
	}
	out := new(Incident)
	*out = *inc
	unshareHandling(&out.Handling)
	cloneIDs(&out.EventIDs, &out.VulnerabilityIDs, &out.Merged)
	out.Timeline.Reopened = cloneSlice(inc.Timeline.Reopened)
	unshareFacts(&out.Facts)
	unshareImpact(&out.Impact)
	out.Evidence = cloneEvidence(inc.Evidence)
	out.Obligations = cloneSlice(inc.Obligations)
	out.Reviews = cloneSlice(inc.Reviews)
	out.Extra = cloneExtra(inc.Extra)
	return out
}

// Clone returns a deep copy of the vulnerability that shares no slice, map
// or pointer with it; nil for a nil vulnerability.
func (vu *Vulnerability) Clone() *Vulnerability {
	if vu == nil {
		return nil
	}
	out := new(Vulnerability)
	*out = *vu
	unshareHandling(&out.Handling)
	out.Timeline.Reopened = cloneSlice(vu.Timeline.Reopened)
	out.CVEs = cloneSlice(vu.CVEs)
	out.CVSS = clonePtr(vu.CVSS)
	out.Assets = cloneSlice(vu.Assets)
	out.IncidentIDs = cloneSlice(vu.IncidentIDs)
	out.Extra = cloneExtra(vu.Extra)
	return out
}

// CloneRecord returns a deep copy of r (see Event.Clone, Incident.Clone and
// Vulnerability.Clone). It returns nil for a nil r, and a typed nil of the
// same type for a typed nil pointer, as the Clone methods do.
func CloneRecord(r Record) Record {
	switch v := r.(type) {
	case nil:
		return nil
	case *Event:
		return v.Clone()
	case *Incident:
		return v.Clone()
	case *Vulnerability:
		return v.Clone()
	}
	// Only this package implements Record, so this is a kind added
	// without a case above.
	panic(fmt.Sprintf("incident: CloneRecord: unsupported record type %T", r))
}

// unshareHandling replaces every slice and pointer of h, a shallow copy of
// another Handling, by a copy of its own.
func unshareHandling(h *Handling) {
	h.Resolution = clonePtr(h.Resolution)
	h.Assessments = cloneSlice(h.Assessments)
	h.Categories = cloneSlice(h.Categories)
	h.Contacts = cloneSlice(h.Contacts)
	h.Roles = cloneSlice(h.Roles)
	h.Tasks = cloneSlice(h.Tasks)
	h.Notes = cloneSlice(h.Notes)
	h.Labels = cloneSlice(h.Labels)
	h.Links = cloneSlice(h.Links)
	h.DataProtection.LegalHold = clonePtr(h.DataProtection.LegalHold)
	h.DataProtection.Erasures = cloneErasures(h.DataProtection.Erasures)
}

// unshareImpact replaces every slice and pointer of im, a shallow copy of
// another Impact, by a copy of its own.
func unshareImpact(im *Impact) {
	im.Information = cloneSlice(im.Information)
	im.Assets = cloneSlice(im.Assets)
	im.Services = cloneSlice(im.Services)
	im.Cost = clonePtr(im.Cost)
}

// cloneSlice is slices.Clone with the capacity of the copy equal to its
// length: one allocation of exactly the elements, none for a nil or empty
// slice (an empty one stays empty and non-nil).
func cloneSlice[S ~[]E, E any](s S) S {
	if s == nil {
		return nil
	}
	if len(s) == 0 {
		return S{}
	}
	out := make(S, len(s))
	copy(out, s)
	return out
}

// clonePtr returns a pointer to a copy of *p, or nil. T must hold no
// slice, map or pointer.
func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// carve copies s to the front of *buf and returns that part, its capacity
// capped at its length, advancing *buf past it. A nil s gives nil and an
// empty one an empty non-nil slice, without touching *buf. *buf must have
// room for s.
func carve[S ~[]E, E any](buf *S, s S) S {
	if s == nil {
		return nil
	}
	if len(s) == 0 {
		return S{}
	}
	n := copy(*buf, s)
	part := (*buf)[:n:n]
	*buf = (*buf)[n:]
	return part
}

// cloneIDs replaces the lists of IDs, shallow copies of another record's,
// by copies carved out of one allocation.
func cloneIDs(lists ...*[]uuid.UUID) {
	n := 0
	for _, l := range lists {
		n += len(*l)
	}
	var buf []uuid.UUID
	if n > 0 {
		buf = make([]uuid.UUID, n)
	}
	for _, l := range lists {
		*l = carve(&buf, *l)
	}
}

// cloneEvidence copies the items and their custody chains: one allocation
// for the items, one shared by all chains.
func cloneEvidence(src []Evidence) []Evidence {
	if src == nil {
		return nil
	}
	out := make([]Evidence, len(src))
	copy(out, src)
	n := 0
	for i := range src {
		n += len(src[i].Custody)
	}
	var buf []CustodyTransfer
	if n > 0 {
		buf = make([]CustodyTransfer, n)
	}
	for i := range out {
		out[i].Custody = carve(&buf, src[i].Custody)
	}
	return out
}

// cloneErasures copies the erasures and their lists of contacts and notes:
// one allocation for the erasures, one for all contacts, one for all notes.
func cloneErasures(src []Erasure) []Erasure {
	if src == nil {
		return nil
	}
	out := make([]Erasure, len(src))
	copy(out, src)
	nc, nn := 0, 0
	for i := range src {
		nc += len(src[i].Contacts)
		nn += len(src[i].Notes)
	}
	var contacts []ActorID
	if nc > 0 {
		contacts = make([]ActorID, nc)
	}
	var notes []string
	if nn > 0 {
		notes = make([]string, nn)
	}
	for i := range out {
		out[i].Contacts = carve(&contacts, src[i].Contacts)
		out[i].Notes = carve(&notes, src[i].Notes)
	}
	return out
}

// cloneExtra copies the map of unknown fields and their raw JSON values:
// one allocation for the map, one shared by all values.
func cloneExtra(src map[string]json.RawMessage) map[string]json.RawMessage {
	if src == nil {
		return nil
	}
	out := make(map[string]json.RawMessage, len(src))
	n := 0
	for _, v := range src {
		n += len(v)
	}
	var buf json.RawMessage
	if n > 0 {
		buf = make(json.RawMessage, n)
	}
	for k, v := range src {
		out[k] = carve(&buf, v)
	}
	return out
}
