package lifecycle

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/internal/canonical"
	"github.com/iso27035/iso27035/store"
)

// Notification types the engine writes to the outbox. Every audit record
// has one notification, of type TypePrefix + its action ("lifecycle.close")
// unless a constant below names it; its payload is a Notice.
const (
	TypePrefix = "lifecycle."
	// TypeEscalation: a record was not acknowledged in time
	// (Rules.AcknowledgeWithin).
	TypeEscalation = "lifecycle.escalation"
	// TypeTaskOverdue: an unfinished task passed its due time.
	TypeTaskOverdue = "lifecycle.task_overdue"
	// TypeReportDueSoon: a report falls due within Rules.ReportDueSoon.
	TypeReportDueSoon = "lifecycle.report_due_soon"
	// TypeReportOverdue: a report passed its deadline unsubmitted.
	TypeReportOverdue = "lifecycle.report_overdue"
	// TypeLessonsLearned: an incident closed from learn lessons; what was
	// learned goes back to plan and prepare (27035-1 5.6 → 5.2). Its
	// payload is a Notice with the review IDs.
	TypeLessonsLearned = "lifecycle.lessons_learned"
	// TypeCheckpoint: a signed checkpoint; its payload is the Checkpoint's
	// JSON, for the host to keep where the store's writers cannot change it.
	TypeCheckpoint = "lifecycle.checkpoint"
)

// Notice is the payload of the engine's notifications: what happened to
// which record, by whom, and where the record stands now. It names people
// by ActorID only.
type Notice struct {
	Tenant   string           `json:"tenant"`
	Kind     incident.Kind    `json:"kind"`
	RecordID uuid.UUID        `json:"record_id"`
	Ref      incident.Ref     `json:"ref"`
	Action   Action           `json:"action"`
	Actor    incident.ActorID `json:"actor"`
	At       time.Time        `json:"at"`
	// Seq is the audit record's sequence number; Version the record's
	// version after the change.
	Seq      uint64            `json:"seq"`
	Version  int64             `json:"version"`
	Phase    incident.Phase    `json:"phase"`
	State    incident.State    `json:"state"`
	Severity incident.Severity `json:"severity,omitempty"`
	// Data is the audit record's data.
	Data json.RawMessage `json:"data,omitempty"`
}

// touched is one record a change writes.
type touched struct {
	rec    incident.Record
	create bool
	action Action
	// notify overrides the notification type.
	notify string
	data   []byte
}

// mutation collects one atomic change.
type mutation struct {
	actor  incident.ActorID
	now    time.Time
	recs   []touched
	timers []store.Timer
	extra  []store.OutboxEntry
}

// noticeCap is the room writeBuf keeps for a notice's payload: enough for
// a transition's (some 300 bytes) and most others. A longer one is
// allocated on its own.
const noticeCap = 512

// writeBuf is a store.Write with room for the slices of a change to one
// record and for its notice's payload, so that they take one allocation
// instead of five. A writeBuf is never reused: the store keeps its own copy
// of a write (store.Records.Commit), but nothing here depends on that.
type writeBuf struct {
	w store.Write
	// recs backs Create (recs[0]) and Update (recs[1]), each with
	// capacity 1, so an append to one never runs into the other.
	recs    [2]incident.Record
	audit   [1]store.AuditRecord
	outbox  [1]store.OutboxEntry
	payload [noticeCap]byte
}

// commit validates every touched record, seals an audit record for each
// after the last one in its chain, and writes records, audit records,
// notifications and timers in one store Commit.
func (e *Engine) commit(ctx context.Context, m *mutation) error {
	buf := new(writeBuf)
	w := &buf.w
	cached := false // whether a cached chain head was used
	w.Create, w.Update, w.Timers = buf.recs[0:0:1], buf.recs[1:1:2], m.timers
	w.Audit, w.Outbox = buf.audit[:0], buf.outbox[:0]
	if n := len(m.recs); n > len(buf.audit) {
		w.Audit = make([]store.AuditRecord, 0, n)
	}
	if n := len(m.recs) + len(m.extra); n > len(buf.outbox) {
		w.Outbox = make([]store.OutboxEntry, 0, n)
	}
	for i := range m.recs {
		t := &m.recs[i]
		h := t.rec.Head()
		h.UpdatedAt = m.now
		if err := t.rec.ValidateWith(e.vocab); err != nil {
			return fmt.Errorf("lifecycle: %s would leave %s %s invalid: %w", t.action, t.rec.Kind(), h.ID, err)
		}
		var prev *store.AuditRecord
		if t.create {
			w.Create = append(w.Create, t.rec)
		} else {
			p, ok := e.heads.get(h.ID, h.Version)
			cached = cached || ok
			if !ok {
				var err error
				if p, err = e.lastAudit(ctx, t.rec); err != nil {
					return err
				}
			}
			prev = &p
			w.Update = append(w.Update, t.rec)
		}
		a := store.AuditRecord{RecordID: h.ID, At: m.now, Actor: m.actor, Action: string(t.action), Data: t.data}
		if err := SealAuditRecord(prev, &a); err != nil {
			return err
		}
		w.Audit = append(w.Audit, a)
		var payload []byte
		if i == 0 {
			payload = buf.payload[:0]
		}
		entry, err := e.notice(t, &a, payload)
		if err != nil {
			return err
		}
		w.Outbox = append(w.Outbox, entry)
	}
	w.Outbox = append(w.Outbox, m.extra...)
	if len(w.Create) == 0 {
		w.Create = nil
	}
	if len(w.Update) == 0 {
		w.Update = nil
	}
	if err := e.st.Commit(ctx, e.tenant, w); err != nil {
		// Whatever failed, the next attempt reads the trail again: a
		// cached head must never hide a conflict or an edit around the
		// engine.
		for i := range m.recs {
			e.heads.drop(m.recs[i].rec.Head().ID)
		}
		if cached && errors.Is(err, store.ErrConflict) {
			// Say why when the trail, not a concurrent change, is the
			// cause: an audit record added around the engine.
			for i := range m.recs {
				if t := &m.recs[i]; !t.create {
					if _, lerr := e.lastAudit(ctx, t.rec); errors.Is(lerr, ErrUnaudited) {
						return lerr
					}
				}
			}
		}
		return err
	}
	for i := range w.Audit {
		e.heads.put(&w.Audit[i])
	}
	return nil
}

// headCache remembers the last audit record this engine sealed for each
// record, so that the next change to it needs no read of its trail (one
// round trip fewer on a SQL store). An entry is used only when the record,
// read fresh from the store, is still at the version that audit record
// sealed; any failed commit drops the entries of its records. An edit made
// around the engine therefore either shows up in the version (a miss, and
// lastAudit finds it) or breaks the chain where verification sees it: the
// cache never links a new record to anything but the head this engine
// wrote.
type headCache struct {
	mu sync.Mutex
	m  map[uuid.UUID]cachedHead
}

type cachedHead struct {
	seq  uint64
	hash []byte
}

// headCacheMax bounds the cache; when full it starts again empty (a miss
// costs one read).
const headCacheMax = 1 << 14

func (c *headCache) get(id uuid.UUID, version int64) (store.AuditRecord, bool) {
	c.mu.Lock()
	h, ok := c.m[id]
	c.mu.Unlock()
	if !ok || version < 1 || h.seq != uint64(version) {
		return store.AuditRecord{}, false
	}
	return store.AuditRecord{RecordID: id, Seq: h.seq, Hash: h.hash}, true
}

func (c *headCache) put(a *store.AuditRecord) {
	c.mu.Lock()
	if c.m == nil || len(c.m) >= headCacheMax {
		c.m = make(map[uuid.UUID]cachedHead, 64)
	}
	c.m[a.RecordID] = cachedHead{seq: a.Seq, hash: a.Hash}
	c.mu.Unlock()
}

func (c *headCache) drop(id uuid.UUID) {
	c.mu.Lock()
	delete(c.m, id)
	c.mu.Unlock()
}

// lastAudit returns the audit record that sealed rec's current version.
// The engine keeps Seq equal to the record's version, so an update made
// around the engine (a version without an audit record) is found here and
// refused.
func (e *Engine) lastAudit(ctx context.Context, rec incident.Record) (store.AuditRecord, error) {
	h := rec.Head()
	if h.Version < 1 {
		return store.AuditRecord{}, badRequest("version", "record was never stored")
	}
	want := uint64(h.Version)
	// The first record after want-1 is read by calling the sequence with
	// a yield function of our own rather than ranging over it: a range
	// over a function of unknown origin moves its result and state
	// variables to the heap one by one; one struct is one allocation.
	// A second record after it means an audit record was appended
	// around the engine: the trail is longer than the record's versions.
	var got struct {
		a     store.AuditRecord
		err   error
		ok    bool
		extra bool
	}
	e.st.AuditTrail(ctx, e.tenant, h.ID, want-1)(func(a store.AuditRecord, err error) bool {
		if got.ok {
			got.extra = err == nil
			if err != nil {
				got.err = err
			}
			return false
		}
		got.a, got.err, got.ok = a, err, true
		return err == nil
	})
	switch {
	case got.err != nil:
		return store.AuditRecord{}, got.err
	case got.extra:
		// Either another change committed since rec was read (a plain
		// conflict: read again and retry), or an audit record was added
		// around the engine (retrying cannot help). The record's version
		// tells them apart.
		cur, err := e.st.Get(ctx, e.tenant, rec.Kind(), h.ID)
		if err != nil {
			return store.AuditRecord{}, err
		}
		if cur.Head().Version > h.Version {
			return store.AuditRecord{}, fmt.Errorf("%w: %s %s changed since it was read", store.ErrConflict, rec.Kind(), h.ID)
		}
		return store.AuditRecord{}, &ChainError{RecordID: h.ID, Seq: want + 1, Err: ErrUnaudited,
			Problem: fmt.Sprintf("%s is at version %d but its audit trail goes on past %d: an audit record was added outside the engine", rec.Kind(), h.Version, want)}
	case got.ok && got.a.Seq == want:
		return got.a, nil
	}
	return store.AuditRecord{}, &ChainError{RecordID: h.ID, Seq: want, Err: ErrUnaudited,
		Problem: fmt.Sprintf("%s is at version %d but its audit trail has no record %d: it was changed outside the engine", rec.Kind(), h.Version, want)}
}

// notice builds the outbox entry of an audit record, its payload in b
// when b has room for it (else in a new slice).
func (e *Engine) notice(t *touched, a *store.AuditRecord, b []byte) (store.OutboxEntry, error) {
	id, err := e.ids.NewID()
	if err != nil {
		return store.OutboxEntry{}, fmt.Errorf("lifecycle: new outbox ID: %w", err)
	}
	h, hd := t.rec.Head(), t.rec.Handle()
	typ := t.notify
	if typ == "" {
		if typ = noticeTypes[t.action]; typ == "" {
			typ = TypePrefix + string(t.action)
		}
	}
	// Hand-built JSON: this runs on every change, and encoding/json
	// reflection would double its cost. Every string goes through the
	// canonical escaper.
	if need := 320 + len(a.Data); cap(b) < need {
		b = make([]byte, 0, need)
	}
	b = append(b, `{"tenant":`...)
	b, _ = canonical.AppendString(b, e.tenant)
	b = append(b, `,"kind":"`...)
	b = append(b, t.rec.Kind()...)
	b = append(b, `","record_id":`...)
	b = canonical.AppendUUID(b, h.ID)
	b = append(b, `,"ref":`...)
	b, _ = canonical.AppendString(b, string(h.Ref))
	b = append(b, `,"action":`...)
	b, _ = canonical.AppendString(b, string(t.action))
	b = append(b, `,"actor":`...)
	b, _ = canonical.AppendString(b, string(a.Actor))
	b = append(b, `,"at":"`...)
	b = a.At.AppendFormat(b, time.RFC3339Nano)
	b = append(b, `","seq":`...)
	b = strconv.AppendUint(b, a.Seq, 10)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, h.Version+1, 10)
	b = append(b, `,"phase":`...)
	b, _ = canonical.AppendString(b, string(hd.Phase))
	b = append(b, `,"state":`...)
	b, _ = canonical.AppendString(b, string(hd.State))
	if hd.Severity != "" {
		b = append(b, `,"severity":`...)
		b, _ = canonical.AppendString(b, string(hd.Severity))
	}
	if len(a.Data) > 0 {
		b = append(b, `,"data":`...)
		b = append(b, a.Data...)
	}
	b = append(b, '}')
	key := make([]byte, 0, 64)
	key = appendUUID(key, h.ID)
	key = append(key, '/')
	key = strconv.AppendUint(key, a.Seq, 10)
	return store.OutboxEntry{ID: id, Type: typ, RecordID: h.ID, Seq: a.Seq, IdempotencyKey: string(key),
		Payload: b, CreatedAt: a.At}, nil
}

// noticeTypes holds the notification type of every action, so that none
// is concatenated per change.
var noticeTypes = func() map[Action]string {
	m := make(map[Action]string)
	for _, a := range Actions() {
		m[a] = TypePrefix + string(a)
	}
	return m
}()

// appendUUID appends id in its canonical text form, as uuid.UUID.String
// returns it, without building the string.
func appendUUID(b []byte, id uuid.UUID) []byte {
	b = hex.AppendEncode(b, id[0:4])
	b = append(b, '-')
	b = hex.AppendEncode(b, id[4:6])
	b = append(b, '-')
	b = hex.AppendEncode(b, id[6:8])
	b = append(b, '-')
	b = hex.AppendEncode(b, id[8:10])
	b = append(b, '-')
	return hex.AppendEncode(b, id[10:])
}

// dataCap is the capacity data starts with: room for the data of a
// simple transition ({"from":"respond/analysis","to":"respond/containment"})
// and most others, so building it allocates once.
const dataCap = 128

// data builds an audit record's Data: a flat JSON object. Keys are
// written as given; SealAuditRecord puts them in canonical order.
type data struct{ b []byte }

func (d *data) key(k string) {
	if len(d.b) == 0 {
		if d.b == nil {
			d.b = make([]byte, 0, dataCap)
		}
		d.b = append(d.b, '{')
	} else {
		d.b = append(d.b, ',')
	}
	d.b, _ = canonical.AppendString(d.b, k)
	d.b = append(d.b, ':')
}

func (d *data) str(k, v string) *data {
	d.key(k)
	d.b, _ = canonical.AppendString(d.b, v)
	return d
}

func (d *data) stage(k string, s Stage) *data {
	d.key(k)
	d.b = append(d.b, '"')
	d.b = append(d.b, s.Phase...)
	d.b = append(d.b, '/')
	d.b = append(d.b, s.State...)
	d.b = append(d.b, '"')
	return d
}

func (d *data) id(k string, id uuid.UUID) *data {
	d.key(k)
	d.b = canonical.AppendUUID(d.b, id)
	return d
}

func (d *data) boolean(k string, v bool) {
	d.key(k)
	d.b = strconv.AppendBool(d.b, v)
}

func (d *data) strs(k string, vs []string) {
	d.key(k)
	d.b = append(d.b, '[')
	for i, v := range vs {
		if i > 0 {
			d.b = append(d.b, ',')
		}
		d.b, _ = canonical.AppendString(d.b, v)
	}
	d.b = append(d.b, ']')
}

// value writes v with encoding/json (for the rarer changes with
// structured values).
func (d *data) value(k string, v any) error {
	raw, err := json.Marshal(v)
	if err != nil {
		return badRequest(k, err.Error())
	}
	d.key(k)
	d.b = append(d.b, raw...)
	return nil
}

func (d *data) bytes() []byte {
	if len(d.b) == 0 {
		return nil
	}
	return append(d.b, '}')
}
