package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// columns are the filter columns of one record, derived from it when it is
// written.
type columns struct {
	kind                            incident.Kind
	id                              uuid.UUID
	phase, state, outcome, severity string
	catTaxonomy, catClass, catType  string
	createdAt                       int64
	createdNs                       int64
	restricted                      int64
	labels                          []string
	body                            []byte
	version                         int64 // the version to store
	readVersion                     int64 // the version the update read
}

// rsit is the taxonomy an empty Category.Taxonomy means.
const rsit = "rsit"

// taxonomy returns t, or rsit when it is empty, as store.Query.Match
// compares taxonomies.
func taxonomy(t string) string {
	if t == "" {
		return rsit
	}
	return t
}

// encodeRecord returns the filter columns and the JSON body of r as it is
// stored with version. It encodes a shallow copy carrying the new version,
// so the caller's record is not touched.
func encodeRecord(r incident.Record, version int64) (*columns, error) {
	var body []byte
	var err error
	switch v := r.(type) {
	case *incident.Event:
		c := *v
		c.Version = version
		body, err = json.Marshal(c)
	case *incident.Incident:
		c := *v
		c.Version = version
		body, err = json.Marshal(c)
	case *incident.Vulnerability:
		c := *v
		c.Version = version
		body, err = json.Marshal(c)
	default:
		// Write.Check refuses other types; this is a safeguard.
		return nil, fmt.Errorf("%w: record of type %T", store.ErrInvalid, r)
	}
	h, hd := r.Head(), r.Handle()
	if err != nil {
		return nil, fmt.Errorf("%w: encoding %s %s: %w", store.ErrInvalid, r.Kind(), h.ID, err)
	}
	c := &columns{
		kind:        r.Kind(),
		id:          h.ID,
		phase:       string(hd.Phase),
		state:       string(hd.State),
		outcome:     string(hd.Outcome),
		severity:    string(hd.Severity),
		catTaxonomy: taxonomy(hd.Category.Taxonomy),
		catClass:    hd.Category.Class,
		catType:     hd.Category.Type,
		createdAt:   micros(h.CreatedAt),
		createdNs:   int64(h.CreatedAt.Nanosecond() % 1000),
		labels:      hd.Labels,
		body:        body,
		version:     version,
		readVersion: h.Version,
	}
	if hd.Restricted {
		c.restricted = 1
	}
	return c, nil
}

// decodeRecord returns the record of kind stored as body, with version.
func decodeRecord(kind incident.Kind, version int64, body []byte) (incident.Record, error) {
	r := incident.NewRecord(kind)
	if r == nil {
		return nil, fmt.Errorf("sqlite: stored record of unknown kind %q", kind)
	}
	if err := json.Unmarshal(body, r); err != nil {
		return nil, fmt.Errorf("sqlite: decoding stored %s: %w", kind, err)
	}
	r.Head().Version = version
	return r, nil
}

// Get implements store.Records. ErrInvalid for an empty tenant or an
// unknown kind; ErrNotFound when the tenant holds no such record.
func (s *Store) Get(ctx context.Context, tenant string, kind incident.Kind, id uuid.UUID) (incident.Record, error) {
	if err := begin(ctx, tenant); err != nil {
		return nil, err
	}
	if !kind.Valid() {
		return nil, fmt.Errorf("%w: kind %q", store.ErrInvalid, kind)
	}
	var version int64
	var body []byte
	err := s.queryRow(ctx, qGetRecord, tenant, string(kind), id[:]).Scan(&version, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s %s", store.ErrNotFound, kind, id)
	}
	if err != nil {
		return nil, dbErr(ctx, "get", err)
	}
	return decodeRecord(kind, version, body)
}

// where builds the WHERE clause selecting the tenant's records matching
// every filter of q but After and Limit. It agrees with store.Query.Match
// exactly, so Count and List need no filtering in Go.
func where(tenant string, q *store.Query) (string, []any) {
	var b strings.Builder
	args := []any{tenant, string(q.Kind)}
	b.WriteString("tenant = ? AND kind = ?")
	in := func(col string, vals []string) {
		if len(vals) == 0 {
			return
		}
		b.WriteString(" AND " + col + " IN (")
		for i, v := range vals {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString("?")
			args = append(args, v)
		}
		b.WriteString(")")
	}
	in("phase", strs(q.Phases))
	in("state", strs(q.States))
	in("outcome", strs(q.Outcomes))
	in("severity", strs(q.Severities))
	if len(q.Categories) > 0 {
		b.WriteString(" AND (")
		for i, c := range q.Categories {
			if i > 0 {
				b.WriteString(" OR ")
			}
			b.WriteString("(cat_taxonomy = ? AND cat_class = ?")
			args = append(args, taxonomy(c.Taxonomy), c.Class)
			if c.Type != "" {
				b.WriteString(" AND cat_type = ?")
				args = append(args, c.Type)
			}
			b.WriteString(")")
		}
		b.WriteString(")")
	}
	// Row values compare lexicographically: (µs, ns below the µs) orders
	// as the time does, to the nanosecond.
	if !q.CreatedFrom.IsZero() {
		b.WriteString(" AND (created_at, created_ns) >= (?, ?)")
		args = append(args, micros(q.CreatedFrom), int64(q.CreatedFrom.Nanosecond()%1000))
	}
	if !q.CreatedUntil.IsZero() {
		b.WriteString(" AND (created_at, created_ns) < (?, ?)")
		args = append(args, micros(q.CreatedUntil), int64(q.CreatedUntil.Nanosecond()%1000))
	}
	for _, l := range q.Labels {
		b.WriteString(" AND EXISTS (SELECT 1 FROM record_labels l WHERE l.tenant = records.tenant AND l.kind = records.kind AND l.id = records.id AND l.label = ?)")
		args = append(args, l)
	}
	if q.Restricted != nil {
		b.WriteString(" AND restricted = ?")
		if *q.Restricted {
			args = append(args, 1)
		} else {
			args = append(args, 0)
		}
	}
	return b.String(), args
}

// strs converts a slice of string-typed values.
func strs[S ~string](vs []S) []string {
	if len(vs) == 0 {
		return nil
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// List implements store.Records. It fetches a page of matching records
// (see WithPageSize) with one query, in ascending ID order after the last
// ID yielded, and yields them with no query open, so the loop body may
// call the store and every record that exists and matches for the whole
// scan is yielded exactly once.
func (s *Store) List(ctx context.Context, tenant string, q store.Query) iter.Seq2[incident.Record, error] {
	return func(yield func(incident.Record, error) bool) {
		if err := begin(ctx, tenant); err != nil {
			yield(nil, err)
			return
		}
		if err := q.Check(); err != nil {
			yield(nil, err)
			return
		}
		cond, args := where(tenant, &q)
		query := `SELECT id, version, body FROM records WHERE ` + cond + ` AND id > ? ORDER BY id LIMIT ?`
		cursor, left := q.After, q.Limit
		for {
			want := s.pageSize
			if q.Limit > 0 && left < want {
				want = left
			}
			page, err := s.recordPage(ctx, q.Kind, query, append(args, cursor[:], want))
			if err != nil {
				yield(nil, err)
				return
			}
			for _, r := range page {
				if err := ctx.Err(); err != nil {
					yield(nil, err)
					return
				}
				if !yield(r, nil) {
					return
				}
			}
			if len(page) < want {
				return
			}
			if q.Limit > 0 {
				if left -= len(page); left == 0 {
					return
				}
			}
			cursor = page[len(page)-1].Head().ID
		}
	}
}

// recordPage runs a page query of List and decodes its records.
func (s *Store) recordPage(ctx context.Context, kind incident.Kind, query string, args []any) ([]incident.Record, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbErr(ctx, "list", err)
	}
	defer func() { _ = rows.Close() }()
	var page []incident.Record
	for rows.Next() {
		var id []byte
		var version int64
		var body []byte
		if err := rows.Scan(&id, &version, &body); err != nil {
			return nil, dbErr(ctx, "list", err)
		}
		r, err := decodeRecord(kind, version, body)
		if err != nil {
			return nil, err
		}
		// The cursor is the stored key, whatever the body says.
		if err := copyID(&r.Head().ID, id); err != nil {
			return nil, err
		}
		page = append(page, r)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(ctx, "list", err)
	}
	return page, nil
}

// copyID sets *dst to the stored 16-byte ID b.
func copyID(dst *uuid.UUID, b []byte) error {
	id, err := uuid.FromBytes(b)
	if err != nil {
		return fmt.Errorf("sqlite: stored ID: %w", err)
	}
	*dst = id
	return nil
}

// Count implements store.Records with one SELECT COUNT(*).
func (s *Store) Count(ctx context.Context, tenant string, q store.Query) (int, error) {
	if err := begin(ctx, tenant); err != nil {
		return 0, err
	}
	if err := q.Check(); err != nil {
		return 0, err
	}
	cond, args := where(tenant, &q)
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM records WHERE `+cond, args...).Scan(&n); err != nil {
		return 0, dbErr(ctx, "count", err)
	}
	return n, nil
}

// AuditTrail implements store.AuditLog, a page at a time like List.
func (s *Store) AuditTrail(ctx context.Context, tenant string, recordID uuid.UUID, after uint64) iter.Seq2[store.AuditRecord, error] {
	return func(yield func(store.AuditRecord, error) bool) {
		if err := begin(ctx, tenant); err != nil {
			yield(store.AuditRecord{}, err)
			return
		}
		cursor := after // per range: the sequence may be ranged again
		for {
			page, err := s.auditPage(ctx, tenant, recordID, cursor)
			if err != nil {
				yield(store.AuditRecord{}, err)
				return
			}
			for _, a := range page {
				if err := ctx.Err(); err != nil {
					yield(store.AuditRecord{}, err)
					return
				}
				if !yield(a, nil) {
					return
				}
			}
			if len(page) < s.pageSize {
				return
			}
			cursor = page[len(page)-1].Seq
		}
	}
}

// auditPage reads up to a page of the record's audit records after Seq
// after.
func (s *Store) auditPage(ctx context.Context, tenant string, id uuid.UUID, after uint64) ([]store.AuditRecord, error) {
	if after >= 1<<63 {
		return nil, nil // no stored Seq is that large
	}
	rows, err := s.query(ctx, qAuditPage, tenant, id[:], seqArg(after), s.pageSize)
	if err != nil {
		return nil, dbErr(ctx, "audit trail", err)
	}
	defer func() { _ = rows.Close() }()
	var page []store.AuditRecord
	for rows.Next() {
		a := store.AuditRecord{RecordID: id}
		var seq, at int64
		var actor string
		var data []byte
		if err := rows.Scan(&seq, &at, &actor, &a.Action, &data, &a.PrevHash, &a.Hash); err != nil {
			return nil, dbErr(ctx, "audit trail", err)
		}
		a.Seq, a.At, a.Actor, a.Data = seqOf(seq), fromMicros(at), incident.ActorID(actor), data
		page = append(page, a)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(ctx, "audit trail", err)
	}
	return page, nil
}
