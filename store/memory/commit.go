package memory

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// Commit implements store.Records. It returns the context's error when it
// is done, then the error of w.CheckFor(tenant) unchanged (ErrInvalid for
// an empty tenant, a Write failing Write.Check, a record of another
// organisation). It copies everything in w outside the lock, then under the
// tenant's write lock checks every precondition before it changes
// anything, so a failing Commit changes nothing. On success it sets the new
// versions on the records, timers and documents of w, and nothing else.
//
// Outbox entries are stored with the fields the store manages reset
// (Attempts 0, no lease, no error, not dead) and NextAttemptAt = CreatedAt
// unless the writer set a first attempt time. An outbox entry whose ID is
// still in the outbox (pending, leased or dead) is refused with
// store.ErrExists.
func (s *Store) Commit(ctx context.Context, tenant string, w *store.Write) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.CheckFor(tenant); err != nil {
		return err
	}

	// Copy the write outside the lock: the copies become the stored values.
	creates := make([]incident.Record, len(w.Create))
	for i, r := range w.Create {
		c := incident.CloneRecord(r)
		c.Head().Version = 1
		creates[i] = c
	}
	updates := make([]incident.Record, len(w.Update))
	for i, r := range w.Update {
		c := incident.CloneRecord(r)
		c.Head().Version++
		updates[i] = c
	}
	// The audit records' byte slices are copied into one allocation, the
	// outbox entries into one array and their payloads into another (not
	// the audit records' one: the outbox lets go of a delivered entry,
	// the trail keeps its records for good).
	var auditBuf [4]store.AuditRecord // apply copies them: no allocation for small writes
	audits := auditBuf[:0]
	if len(w.Audit) > len(auditBuf) {
		audits = make([]store.AuditRecord, 0, len(w.Audit))
	}
	audits = audits[:len(w.Audit)]
	auditBytes := newArena(auditSize(w.Audit))
	for i, a := range w.Audit {
		a.Data = auditBytes.clone(a.Data)
		a.PrevHash = auditBytes.clone(a.PrevHash)
		a.Hash = auditBytes.clone(a.Hash)
		audits[i] = a
	}
	entries := make([]store.OutboxEntry, len(w.Outbox))
	outbox := make([]*store.OutboxEntry, len(w.Outbox))
	payloads := newArena(payloadSize(w.Outbox))
	for i, e := range w.Outbox {
		c := &entries[i]
		*c = e
		c.Payload = payloads.clone(e.Payload)
		c.Attempts, c.Lease, c.LastError = 0, "", ""
		c.LeaseUntil, c.DeadAt = time.Time{}, time.Time{}
		if c.NextAttemptAt.IsZero() {
			c.NextAttemptAt = c.CreatedAt
		}
		outbox[i] = c
	}
	timers := make([]*store.Timer, len(w.Timers))
	for i, tm := range w.Timers {
		c := copyTimer(tm)
		c.Version++
		timers[i] = &c
	}
	docs := make([]*store.Document, len(w.Documents))
	for i, d := range w.Documents {
		c := copyDocument(d)
		c.Version++
		docs[i] = &c
	}

	t := s.tenant(tenant, true)
	t.mu.Lock()
	if err := ctx.Err(); err != nil {
		t.mu.Unlock()
		return err
	}
	if err := t.check(w); err != nil {
		t.mu.Unlock()
		return err
	}
	t.apply(creates, updates, audits, outbox, timers, docs)
	t.mu.Unlock()

	// Success: hand the new versions back.
	for _, r := range w.Create {
		r.Head().Version = 1
	}
	for _, r := range w.Update {
		r.Head().Version++
	}
	for i := range w.Timers {
		w.Timers[i].Version++
	}
	for i := range w.Documents {
		w.Documents[i].Version++
	}
	return nil
}

// check reports the first precondition of w the tenant's data violates.
// The caller holds t.mu.
func (t *tenant) check(w *store.Write) error {
	for _, r := range w.Create {
		h := r.Head()
		if _, ok := t.record(r.Kind(), h.ID); ok {
			return fmt.Errorf("%w: %s %s", store.ErrExists, r.Kind(), h.ID)
		}
	}
	for _, r := range w.Update {
		h := r.Head()
		stored, ok := t.record(r.Kind(), h.ID)
		if !ok {
			return fmt.Errorf("%w: %s %s", store.ErrNotFound, r.Kind(), h.ID)
		}
		if v := stored.Head().Version; v != h.Version {
			return fmt.Errorf("%w: %s %s at version %d, stored %d", store.ErrConflict, r.Kind(), h.ID, h.Version, v)
		}
	}
	// Write.Check made each record's audit records consecutive, so only
	// the first of each record must continue the stored trail.
	seen := make(map[uuid.UUID]struct{})
	for _, a := range w.Audit {
		if _, ok := seen[a.RecordID]; ok {
			continue
		}
		seen[a.RecordID] = struct{}{}
		if last := uint64(len(t.audit[a.RecordID])); a.Seq != last+1 {
			return fmt.Errorf("%w: audit record %d of %s, stored last %d", store.ErrConflict, a.Seq, a.RecordID, last)
		}
	}
	for _, e := range w.Outbox {
		if _, ok := t.outbox.get(e.ID); ok {
			return fmt.Errorf("%w: outbox entry %s", store.ErrExists, e.ID)
		}
	}
	for _, tm := range w.Timers {
		stored, ok := t.timers[tm.Key]
		switch {
		case tm.Version == 0 && ok:
			return fmt.Errorf("%w: timer %q", store.ErrExists, tm.Key)
		case tm.Version > 0 && !ok:
			return fmt.Errorf("%w: timer %q", store.ErrNotFound, tm.Key)
		case tm.Version > 0 && stored.Version != tm.Version:
			return fmt.Errorf("%w: timer %q at version %d, stored %d", store.ErrConflict, tm.Key, tm.Version, stored.Version)
		}
	}
	for _, d := range w.Documents {
		var stored *store.Document
		if c := t.docs[d.Collection]; c != nil {
			stored, _ = c.get(d.ID)
		}
		switch {
		case d.Version == 0 && stored != nil:
			return fmt.Errorf("%w: document %s/%s", store.ErrExists, d.Collection, d.ID)
		case d.Version > 0 && stored == nil:
			return fmt.Errorf("%w: document %s/%s", store.ErrNotFound, d.Collection, d.ID)
		case d.Version > 0 && stored.Version != d.Version:
			return fmt.Errorf("%w: document %s/%s at version %d, stored %d", store.ErrConflict, d.Collection, d.ID, d.Version, stored.Version)
		}
	}
	return nil
}

// apply stores the copies of a checked write. The caller holds t.mu.
func (t *tenant) apply(creates, updates []incident.Record, audits []store.AuditRecord,
	outbox []*store.OutboxEntry, timers []*store.Timer, docs []*store.Document) {
	for _, rs := range [][]incident.Record{creates, updates} {
		for _, r := range rs {
			set := t.records[r.Kind()]
			if set == nil {
				set = newSorted[uuid.UUID](compareRecords)
				t.records[r.Kind()] = set
			}
			set.put(r.Head().ID, r)
		}
	}
	for _, a := range audits {
		t.audit[a.RecordID] = append(t.audit[a.RecordID], a)
	}
	for _, e := range outbox {
		t.outbox.put(e.ID, e)
	}
	for _, tm := range timers {
		if old := t.timers[tm.Key]; old != nil {
			t.unschedule(old)
		}
		t.timers[tm.Key] = tm
		t.schedule(tm)
	}
	for _, d := range docs {
		c := t.docs[d.Collection]
		if c == nil {
			c = newSorted[string](compareDocuments)
			t.docs[d.Collection] = c
		}
		c.put(d.ID, d)
	}
}

// record returns the stored record of that kind and ID. The caller holds
// t.mu.
func (t *tenant) record(kind incident.Kind, id uuid.UUID) (incident.Record, bool) {
	set := t.records[kind]
	if set == nil {
		return nil, false
	}
	return set.get(id)
}

// arena hands out copies of byte slices from one allocation. Each copy is
// a full slice (capacity = length), so an append to one never writes into
// the next; a nil slice stays nil and an empty one empty, as slices.Clone
// keeps them.
type arena struct{ b []byte }

func newArena(size int) arena {
	if size == 0 {
		return arena{}
	}
	return arena{b: make([]byte, 0, size)}
}

func (a *arena) clone(s []byte) []byte {
	if s == nil {
		return nil
	}
	if len(s) == 0 {
		return []byte{}
	}
	start := len(a.b)
	a.b = append(a.b, s...)
	return a.b[start:len(a.b):len(a.b)]
}

func auditSize(as []store.AuditRecord) int {
	n := 0
	for i := range as {
		n += len(as[i].Data) + len(as[i].PrevHash) + len(as[i].Hash)
	}
	return n
}

func payloadSize(es []store.OutboxEntry) int {
	n := 0
	for i := range es {
		n += len(es[i].Payload)
	}
	return n
}
