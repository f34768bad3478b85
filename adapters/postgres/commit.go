package postgres

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// Commit implements store.Records. It returns the context's error when it
// is done, then the error of w.CheckFor(tenant) unchanged; then
// store.ErrInvalid for a value PostgreSQL cannot hold (see the package
// documentation).
//
// The whole Write goes to the server as one batch of statements, run as
// one implicit transaction: one round trip, all of it stored or none. Each
// precondition is checked by the statement that writes, never by a read
// before it: creates are INSERTs (a unique violation is store.ErrExists),
// updates are UPDATEs whose WHERE names the version read (nothing updated
// aborts the transaction with store.ErrNotFound or store.ErrConflict), and
// audit records must continue their trails (store.ErrConflict). Within each
// kind of change the rows are written in key order, so that two Commits
// touching the same rows lock them in the same order; a deadlock or
// serialization failure that happens nonetheless is reported as
// store.ErrConflict, since nothing was stored and retrying is the cure.
//
// On success it sets the new versions on the records, timers and documents
// of w, and nothing else; on error it changes nothing in w.
//
// When ctx ends while the batch is in flight, the outcome is unknown to the
// caller as with any database: the transaction may or may not have
// committed.
func (s *Store) Commit(ctx context.Context, tenant string, w *store.Write) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.CheckFor(tenant); err != nil {
		return err
	}
	b, err := s.writeBatch(tenant, w)
	if err != nil {
		return err
	}
	if err := s.runBatch(ctx, b); err != nil {
		return err
	}
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

// runBatch sends b and reads its results; the first error aborts the
// implicit transaction, and is returned mapped.
func (s *Store) runBatch(ctx context.Context, b *pgx.Batch) error {
	br := s.pool.SendBatch(ctx, b)
	var first error
	for range b.Len() {
		if _, err := br.Exec(); err != nil {
			first = err
			break
		}
	}
	if err := br.Close(); first == nil {
		first = err
	}
	return mapErr(ctx, first)
}

// invalid is the error for a value PostgreSQL's text type cannot hold.
func invalid(what string, v string) error {
	return fmt.Errorf("%w: %s %q is not valid UTF-8 or holds NUL, which PostgreSQL text cannot store", store.ErrInvalid, what, v)
}

// compareRecords orders records by kind, then ID: the order Commit writes
// them in.
func compareRecords(a, b incident.Record) int {
	if c := cmp.Compare(a.Kind(), b.Kind()); c != 0 {
		return c
	}
	ai, bi := a.Head().ID, b.Head().ID
	return bytes.Compare(ai[:], bi[:])
}

// writeBatch encodes w as the statements of one Commit.
func (s *Store) writeBatch(tenant string, w *store.Write) (*pgx.Batch, error) {
	if !storable(tenant) {
		return nil, invalid("tenant", tenant)
	}
	b := &pgx.Batch{}
	creates := slices.SortedFunc(slices.Values(w.Create), compareRecords)
	for _, r := range creates {
		args, err := recordArgs(tenant, r, 1)
		if err != nil {
			return nil, err
		}
		b.Queue(s.q.insertRecord, args...)
	}
	updates := slices.SortedFunc(slices.Values(w.Update), compareRecords)
	for _, r := range updates {
		// $4 is the version read; the statement stores it plus one.
		args, err := recordArgs(tenant, r, r.Head().Version+1)
		if err != nil {
			return nil, err
		}
		args[3] = r.Head().Version
		b.Queue(s.q.updateRecord, args...)
	}
	if len(w.Audit) > 0 {
		if err := s.queueAudit(b, tenant, w.Audit); err != nil {
			return nil, err
		}
	}
	if len(w.Outbox) > 0 {
		if err := s.queueOutbox(b, tenant, w.Outbox); err != nil {
			return nil, err
		}
	}
	timers := slices.SortedFunc(slices.Values(w.Timers), func(a, b store.Timer) int { return strings.Compare(a.Key, b.Key) })
	for _, t := range timers {
		if err := s.queueTimer(b, tenant, &t); err != nil {
			return nil, err
		}
	}
	docs := slices.SortedFunc(slices.Values(w.Documents), func(a, b store.Document) int {
		return cmp.Or(strings.Compare(a.Collection, b.Collection), strings.Compare(a.ID, b.ID))
	})
	for _, d := range docs {
		if err := s.queueDocument(b, tenant, &d); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// recordArgs returns the parameters of insertRecord for r stored at
// version: its filter columns and its body, encoded with that version.
func recordArgs(tenant string, r incident.Record, version int64) ([]any, error) {
	h, hd := r.Head(), r.Handle()
	tax := hd.Category.Taxonomy
	if tax == "" {
		tax = incident.RSITTaxonomyName
	}
	for _, f := range [...]struct{ what, v string }{
		{"phase", string(hd.Phase)}, {"state", string(hd.State)}, {"outcome", string(hd.Outcome)},
		{"severity", string(hd.Severity)}, {"category taxonomy", tax}, {"category class", hd.Category.Class},
		{"category type", hd.Category.Type},
	} {
		if !storable(f.v) {
			return nil, invalid(f.what, f.v)
		}
	}
	labels := hd.Labels
	if labels == nil {
		labels = []string{}
	}
	for _, l := range labels {
		if !storable(l) {
			return nil, invalid("label", l)
		}
	}
	if err := checkTime("CreatedAt", h.CreatedAt); err != nil {
		return nil, err
	}
	body, err := encodeRecord(r, version)
	if err != nil {
		return nil, err
	}
	return []any{
		tenant, string(r.Kind()), h.ID, version,
		string(hd.Phase), string(hd.State), string(hd.Outcome), string(hd.Severity),
		tax, hd.Category.Class, hd.Category.Type,
		// JSON goes as text, so that pgx sends it as json whatever the
		// pool's QueryExecMode (as []byte it would be bytea without a
		// statement description).
		h.CreatedAt, subMicro(h.CreatedAt), hd.Restricted, labels, string(body),
	}, nil
}

// subMicro returns the nanoseconds of t beyond its whole microsecond (0 to
// 999): the part a timestamptz column drops, kept in created_ns.
func subMicro(t time.Time) int16 {
	return int16(t.Nanosecond() % 1000)
}

// encodeRecord returns the JSON of r as stored at version, without
// changing r: a shallow copy carries the version.
func encodeRecord(r incident.Record, version int64) ([]byte, error) {
	var (
		body []byte
		err  error
	)
	switch v := r.(type) {
	case *incident.Event:
		c := *v
		c.Version = version
		body, err = json.Marshal(&c)
	case *incident.Incident:
		c := *v
		c.Version = version
		body, err = json.Marshal(&c)
	case *incident.Vulnerability:
		c := *v
		c.Version = version
		body, err = json.Marshal(&c)
	default:
		// Write.Check refuses every other type.
		return nil, fmt.Errorf("%w: record of type %T", store.ErrInvalid, r)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: encoding %s %s: %w", store.ErrInvalid, r.Kind(), r.Head().ID, err)
	}
	return body, nil
}

// queueAudit queues the check that the first audit record of each record
// continues its stored trail, and the insert of all of them.
func (s *Store) queueAudit(b *pgx.Batch, tenant string, audit []store.AuditRecord) error {
	// Write.Check made each record's audit records consecutive: only the
	// first of each needs checking against the store.
	// UUID arrays go as text, which pgx encodes whatever the pool's
	// QueryExecMode; the statements cast them to uuid[].
	seen := make(map[uuid.UUID]struct{}, len(audit))
	var firstIDs []string
	var firstSeqs []int64
	n := len(audit)
	ids, seqs, ats := make([]string, n), make([]int64, n), make([]time.Time, n)
	actors, actions := make([]string, n), make([]string, n)
	data, prev, hash := make([][]byte, n), make([][]byte, n), make([][]byte, n)
	order := slices.SortedFunc(slices.Values(audit), func(a, b store.AuditRecord) int {
		return cmp.Or(bytes.Compare(a.RecordID[:], b.RecordID[:]), cmp.Compare(a.Seq, b.Seq))
	})
	for i, a := range order {
		if a.Seq > math.MaxInt64 {
			return fmt.Errorf("%w: audit record %d of %s is not the next of its record", store.ErrConflict, a.Seq, a.RecordID)
		}
		if !storable(string(a.Actor)) {
			return invalid("audit actor", string(a.Actor))
		}
		if !storable(a.Action) {
			return invalid("audit action", a.Action)
		}
		if err := checkTime("audit At", a.At); err != nil {
			return err
		}
		seq := int64(a.Seq)
		if _, ok := seen[a.RecordID]; !ok {
			seen[a.RecordID] = struct{}{}
			firstIDs = append(firstIDs, a.RecordID.String())
			firstSeqs = append(firstSeqs, seq)
		}
		ids[i], seqs[i], ats[i] = a.RecordID.String(), seq, a.At
		actors[i], actions[i] = string(a.Actor), a.Action
		data[i], prev[i], hash[i] = a.Data, a.PrevHash, a.Hash
	}
	b.Queue(s.q.checkAudit, tenant, firstIDs, firstSeqs)
	b.Queue(s.q.insertAudit, tenant, ids, seqs, ats, actors, actions, data, prev, hash)
	return nil
}

// queueOutbox queues the insert of the entries, with the fields the store
// manages reset: no attempts, no lease, no error, not dead, and the first
// attempt at CreatedAt unless the writer delayed it.
func (s *Store) queueOutbox(b *pgx.Batch, tenant string, entries []store.OutboxEntry) error {
	n := len(entries)
	ids, recs, seqs := make([]string, n), make([]string, n), make([]int64, n)
	types, keys := make([]string, n), make([]string, n)
	payloads := make([][]byte, n)
	created, next := make([]time.Time, n), make([]time.Time, n)
	maxAttempts := make([]int64, n)
	for i, e := range entries {
		if !storable(e.Type) {
			return invalid("outbox type", e.Type)
		}
		if !storable(e.IdempotencyKey) {
			return invalid("outbox idempotency key", e.IdempotencyKey)
		}
		na := e.NextAttemptAt
		if na.IsZero() {
			na = e.CreatedAt
		}
		if err := checkTime("outbox CreatedAt", e.CreatedAt); err != nil {
			return err
		}
		if err := checkTime("outbox NextAttemptAt", na); err != nil {
			return err
		}
		ids[i], recs[i] = e.ID.String(), e.RecordID.String()
		seqs[i] = int64(e.Seq) //nolint:gosec // bit for bit; read back as uint64
		types[i], keys[i] = e.Type, e.IdempotencyKey
		payloads[i] = e.Payload
		created[i], next[i] = e.CreatedAt, na
		maxAttempts[i] = int64(e.MaxAttempts)
	}
	b.Queue(s.q.insertOutbox, tenant, ids, types, recs, seqs, keys, payloads, created, maxAttempts, next)
	return nil
}

// queueTimer queues the creation (Version 0) or change of a timer.
func (s *Store) queueTimer(b *pgx.Batch, tenant string, t *store.Timer) error {
	if !storable(t.Key) {
		return invalid("timer key", t.Key)
	}
	if !storable(t.Kind) {
		return invalid("timer kind", t.Kind)
	}
	if err := checkTime("timer DueAt", t.DueAt); err != nil {
		return err
	}
	if err := checkTime("timer FiredAt", t.FiredAt); err != nil {
		return err
	}
	payload := []byte(t.Payload)
	if t.Version == 0 {
		b.Queue(s.q.insertTimer, tenant, t.Key, t.RecordID, t.Kind, t.DueAt, nullTime(t.FiredAt), payload)
		return nil
	}
	b.Queue(s.q.updateTimer, tenant, t.Key, t.Version, t.RecordID, t.Kind, t.DueAt, nullTime(t.FiredAt), payload)
	return nil
}

// queueDocument queues the creation (Version 0) or update of a document.
func (s *Store) queueDocument(b *pgx.Batch, tenant string, d *store.Document) error {
	if !storable(d.Collection) {
		return invalid("document collection", d.Collection)
	}
	if !storable(d.ID) {
		return invalid("document ID", d.ID)
	}
	idx, err := encodeIndex(d.Index)
	if err != nil {
		return err
	}
	if err := checkTime("document UpdatedAt", d.UpdatedAt); err != nil {
		return err
	}
	body := []byte(d.Body)
	if d.Version == 0 {
		b.Queue(s.q.insertDocument, tenant, d.Collection, d.ID, idx, body, d.UpdatedAt)
		return nil
	}
	b.Queue(s.q.updateDocument, tenant, d.Collection, d.ID, d.Version, idx, body, d.UpdatedAt)
	return nil
}

// encodeIndex returns a document's Index as the JSON of the idx column,
// as text (see recordArgs): nil (NULL) for a nil map, so that nil and
// empty stay apart.
func encodeIndex(index map[string]string) (*string, error) {
	if index == nil {
		return nil, nil
	}
	for k, v := range index {
		if !storable(k) {
			return nil, invalid("document index key", k)
		}
		if !storable(v) {
			return nil, invalid("document index value", v)
		}
	}
	b, err := json.Marshal(index)
	if err != nil {
		return nil, fmt.Errorf("%w: document index: %w", store.ErrInvalid, err)
	}
	text := string(b)
	return &text, nil
}
