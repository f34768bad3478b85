package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/internal/canonical"
)

// Write is one atomic change: Commit stores all of it or none of it.
type Write struct {
	// Create holds new records (Version 0).
	Create []incident.Record
	// Update holds changed records, each with the Version it was read with.
	Update []incident.Record
	// Audit holds the audit records of this change, appended to each
	// record's trail.
	Audit []AuditRecord
	// Outbox holds the notifications this change emits.
	Outbox []OutboxEntry
	// Timers holds timers to create (Version 0), change or fire (the
	// Version read). A fired timer has FiredAt set and is never due again.
	Timers []Timer
	// Documents holds generic documents to create or update (see
	// Document), for records of later packages.
	Documents []Document
}

// Empty reports whether w changes nothing.
func (w *Write) Empty() bool {
	return w == nil || len(w.Create)+len(w.Update)+len(w.Audit)+len(w.Outbox)+len(w.Timers)+len(w.Documents) == 0
}

// Check reports the problems that make w unusable whatever the store holds:
// nil records (a nil interface or a typed nil such as
// (*incident.Incident)(nil)), nil IDs, a created record with a version, a
// record, timer, document or outbox entry listed twice, audit records of
// one record out of order, an outbox entry without type or idempotency key.
// It never panics, whatever w holds. Its error wraps ErrInvalid.
//
// Stores call CheckFor, which adds the tenant's checks; Check is for
// callers that build a Write before they know the tenant.
func (w *Write) Check() error {
	if w.Empty() {
		return fmt.Errorf("%w: empty write", ErrInvalid)
	}
	type recKey struct {
		kind incident.Kind
		id   uuid.UUID
	}
	seen := make(map[recKey]struct{}, len(w.Create)+len(w.Update))
	check := func(what string, i int, r incident.Record) error {
		if err := checkRecord(r); err != nil {
			return fmt.Errorf("%w: %s[%d] %w", ErrInvalid, what, i, err)
		}
		h := r.Head()
		if h.ID == uuid.Nil {
			return fmt.Errorf("%w: %s[%d] has no ID", ErrInvalid, what, i)
		}
		k := recKey{r.Kind(), h.ID}
		if _, dup := seen[k]; dup {
			return fmt.Errorf("%w: %s %s listed twice in one write", ErrInvalid, r.Kind(), h.ID)
		}
		seen[k] = struct{}{}
		return nil
	}
	for i, r := range w.Create {
		if err := check("create", i, r); err != nil {
			return err
		}
		if v := r.Head().Version; v != 0 {
			return fmt.Errorf("%w: created %s %s has version %d, want 0", ErrInvalid, r.Kind(), r.Head().ID, v)
		}
	}
	for i, r := range w.Update {
		if err := check("update", i, r); err != nil {
			return err
		}
		if v := r.Head().Version; v < 1 {
			return fmt.Errorf("%w: updated %s %s has version %d, want the stored version (≥ 1)", ErrInvalid, r.Kind(), r.Head().ID, v)
		}
	}
	lastSeq := make(map[uuid.UUID]uint64)
	for i, a := range w.Audit {
		if a.RecordID == uuid.Nil || a.Seq == 0 {
			return fmt.Errorf("%w: audit[%d] needs a record ID and a Seq ≥ 1", ErrInvalid, i)
		}
		if a.Seq > math.MaxInt64 {
			return fmt.Errorf("%w: audit[%d] Seq %d does not fit a signed 64-bit integer", ErrInvalid, i, a.Seq)
		}
		if prev, ok := lastSeq[a.RecordID]; ok && a.Seq != prev+1 {
			return fmt.Errorf("%w: audit[%d] of %s has Seq %d after %d", ErrInvalid, i, a.RecordID, a.Seq, prev)
		}
		lastSeq[a.RecordID] = a.Seq
	}
	ids := make(map[uuid.UUID]struct{}, len(w.Outbox))
	for i, e := range w.Outbox {
		if e.ID == uuid.Nil || e.Type == "" || e.IdempotencyKey == "" {
			return fmt.Errorf("%w: outbox[%d] needs an ID, a type and an idempotency key", ErrInvalid, i)
		}
		if e.Seq > math.MaxInt64 {
			return fmt.Errorf("%w: outbox[%d] Seq %d does not fit a signed 64-bit integer", ErrInvalid, i, e.Seq)
		}
		// canonical.Valid accepts exactly what json.Valid accepts (its
		// fuzz test compares them) in one pass without encoding/json's
		// per-byte calls: every writer's payload is still checked, the
		// lifecycle engine's on every change, at a third of the cost.
		if e.Payload != nil && !canonical.Valid(e.Payload) {
			return fmt.Errorf("%w: outbox[%d] payload is not valid JSON", ErrInvalid, i)
		}
		if _, dup := ids[e.ID]; dup {
			return fmt.Errorf("%w: outbox entry %s listed twice", ErrInvalid, e.ID)
		}
		ids[e.ID] = struct{}{}
	}
	keys := make(map[string]struct{}, len(w.Timers))
	for i, t := range w.Timers {
		if t.Key == "" || t.DueAt.IsZero() || t.Version < 0 {
			return fmt.Errorf("%w: timers[%d] needs a key, a due time and a version ≥ 0", ErrInvalid, i)
		}
		if _, dup := keys[t.Key]; dup {
			return fmt.Errorf("%w: timer %q listed twice", ErrInvalid, t.Key)
		}
		keys[t.Key] = struct{}{}
	}
	docs := make(map[[2]string]struct{}, len(w.Documents))
	for i, d := range w.Documents {
		if d.Collection == "" || d.ID == "" || d.Version < 0 {
			return fmt.Errorf("%w: documents[%d] needs a collection, an ID and a version ≥ 0", ErrInvalid, i)
		}
		if !canonical.Valid(d.Body) {
			return fmt.Errorf("%w: documents[%d] body is not valid JSON", ErrInvalid, i)
		}
		k := [2]string{d.Collection, d.ID}
		if _, dup := docs[k]; dup {
			return fmt.Errorf("%w: document %s/%s listed twice", ErrInvalid, d.Collection, d.ID)
		}
		docs[k] = struct{}{}
	}
	return nil
}

// CheckFor is Check for a Write committed to tenant: it reports an empty
// tenant, then what Check reports, then a created or updated record whose
// Head().Org is not tenant. A record of organisation A committed under
// tenant B is how leaks between tenants start, so no store accepts one.
// Stores call it first in Commit and return its error (which wraps
// ErrInvalid) unchanged.
func (w *Write) CheckFor(tenant string) error {
	if tenant == "" {
		return fmt.Errorf("%w: empty tenant", ErrInvalid)
	}
	if err := w.Check(); err != nil {
		return err
	}
	for _, rs := range [...]struct {
		what string
		recs []incident.Record
	}{{"created", w.Create}, {"updated", w.Update}} {
		for _, r := range rs.recs {
			if h := r.Head(); h.Org != tenant {
				return fmt.Errorf("%w: %s %s %s belongs to organisation %q, not to tenant %q", ErrInvalid, rs.what, r.Kind(), h.ID, h.Org, tenant)
			}
		}
	}
	return nil
}

// errNilRecord and errRecordType are the reasons checkRecord gives.
var (
	errNilRecord  = errors.New("is nil")
	errRecordType = errors.New("is of an unsupported type")
)

// checkRecord reports a record no store can use: a nil interface, a typed
// nil pointer, or a type other than the three record types of package
// incident (a struct embedding one of them satisfies incident.Record too,
// but no store can give it back from Get).
func checkRecord(r incident.Record) error {
	switch v := r.(type) {
	case nil:
		return errNilRecord
	case *incident.Event:
		if v == nil {
			return errNilRecord
		}
	case *incident.Incident:
		if v == nil {
			return errNilRecord
		}
	case *incident.Vulnerability:
		if v == nil {
			return errNilRecord
		}
	default:
		return fmt.Errorf("%w (%T)", errRecordType, r)
	}
	return nil
}

// AuditRecord is one entry of a record's audit trail. The lifecycle engine
// fills every field, including the hash chain; the store keeps the bytes
// verbatim and enforces only the order: Seq is 1 for a record's first audit
// record and one more than the stored last for each next one.
type AuditRecord struct {
	RecordID uuid.UUID        `json:"record_id"`
	Seq      uint64           `json:"seq"`
	At       time.Time        `json:"at"`
	Actor    incident.ActorID `json:"actor"`
	Action   string           `json:"action"`
	// Data is the canonical encoding of what changed.
	Data json.RawMessage `json:"data,omitempty"`
	// PrevHash and Hash chain the records; see package lifecycle.
	PrevHash []byte `json:"prev_hash,omitempty"`
	Hash     []byte `json:"hash,omitempty"`
}

// OutboxEntry is a notification waiting for delivery. The writer fills the
// first group of fields; the store manages the second.
type OutboxEntry struct {
	ID uuid.UUID `json:"id"`
	// Type is the notification type, e.g. "incident.declared".
	Type     string    `json:"type"`
	RecordID uuid.UUID `json:"record_id"`
	// Seq is the record's audit sequence number at the change, so
	// receivers order what several relays deliver out of order.
	Seq uint64 `json:"seq"`
	// IdempotencyKey lets receivers drop a redelivery.
	IdempotencyKey string          `json:"idempotency_key"`
	Payload        json.RawMessage `json:"payload,omitempty"`
	CreatedAt      time.Time       `json:"created_at"`
	// MaxAttempts bounds the claims of the entry: a Nack of its
	// MaxAttempts-th claim, or a Claim finding the lease of that claim
	// expired, makes it a dead letter (see Outbox). 0 means
	// DefaultMaxAttempts.
	MaxAttempts int `json:"max_attempts,omitempty"`

	// Managed by the store: Commit stores an entry with Attempts 0, no
	// lease, no LastError and not dead, whatever the writer put there,
	// and NextAttemptAt as written (a writer may delay the first attempt);
	// a zero NextAttemptAt is stored as CreatedAt.
	Attempts      int       `json:"attempts"`
	NextAttemptAt time.Time `json:"next_attempt_at,omitzero"`
	Lease         string    `json:"lease,omitempty"`
	LeaseUntil    time.Time `json:"lease_until,omitzero"`
	LastError     string    `json:"last_error,omitempty"`
	DeadAt        time.Time `json:"dead_at,omitzero"`
}

// DefaultMaxAttempts is the number of failed deliveries after which an
// outbox entry becomes a dead letter when it names no MaxAttempts.
const DefaultMaxAttempts = 10

// MaxTries returns e.MaxAttempts, or DefaultMaxAttempts when it is 0.
func (e *OutboxEntry) MaxTries() int {
	if e.MaxAttempts > 0 {
		return e.MaxAttempts
	}
	return DefaultMaxAttempts
}

// Timer is a persisted due time (acknowledge-by, escalate-at, report-due).
type Timer struct {
	// Key is unique per tenant, e.g. "<record-id>/acknowledge".
	Key      string    `json:"key"`
	RecordID uuid.UUID `json:"record_id"`
	// Kind names what fires: acknowledge, escalate, report_due, …
	Kind  string    `json:"kind"`
	DueAt time.Time `json:"due_at"`
	// Version is the optimistic version: 0 to create, the read version to
	// change or fire.
	Version int64 `json:"version"`
	// FiredAt is set when the timer fired; a fired timer is never due.
	FiredAt time.Time       `json:"fired_at,omitzero"`
	Payload json.RawMessage `json:"payload,omitempty"`
}

// Document is a versioned record of a later package (a review, an action
// item, a plan, a playbook, a coordinated case) kept in a named collection.
// The store treats Body as opaque JSON and filters only on Index.
type Document struct {
	Collection string `json:"collection"`
	ID         string `json:"id"`
	// Version is 0 to create, the read version to update.
	Version int64 `json:"version"`
	// Index holds the fields a List may filter on (exact match).
	Index     map[string]string `json:"index,omitempty"`
	Body      json.RawMessage   `json:"body"`
	UpdatedAt time.Time         `json:"updated_at"`
}
