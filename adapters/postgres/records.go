package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// Get implements store.Records. ErrInvalid for an empty tenant or an
// unknown kind; ErrNotFound when the tenant holds no such record.
func (s *Store) Get(ctx context.Context, tenant string, kind incident.Kind, id uuid.UUID) (incident.Record, error) {
	if err := begin(ctx, tenant); err != nil {
		return nil, err
	}
	if !kind.Valid() {
		return nil, fmt.Errorf("%w: kind %q", store.ErrInvalid, kind)
	}
	notFound := fmt.Errorf("%w: %s %s", store.ErrNotFound, kind, id)
	if !storable(tenant) {
		return nil, notFound
	}
	var version int64
	var body []byte
	err := s.pool.QueryRow(ctx, s.q.getRecord, tenant, string(kind), id).Scan(&version, &body)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	return decodeRecord(kind, version, body)
}

// decodeRecord decodes a stored body as a record of kind, as a stored
// record (unknown fields kept in Extra), with the stored version.
func decodeRecord(kind incident.Kind, version int64, body []byte) (incident.Record, error) {
	r := incident.NewRecord(kind)
	if err := json.Unmarshal(body, r); err != nil {
		return nil, fmt.Errorf("postgres: decoding a stored %s: %w", kind, err)
	}
	r.Head().Version = version
	return r, nil
}

// filter is the WHERE clause of a Query beyond tenant and kind, with its
// parameters numbered from $3.
type filter struct {
	sql  strings.Builder
	args []any
	// none is set when the query can match nothing: it names only values
	// no stored record can hold (see storable).
	none bool
}

// add appends " AND " and cond, whose parameters are written as ? and
// numbered here, in the order of args.
func (f *filter) add(cond string, args ...any) {
	f.sql.WriteString(" AND ")
	for _, a := range args {
		i := strings.IndexByte(cond, '?')
		f.args = append(f.args, a)
		cond = cond[:i] + "$" + strconv.Itoa(2+len(f.args)) + cond[i+1:]
	}
	f.sql.WriteString(cond)
}

// storableValues returns the storable values of vs, and false when none
// is (the filter matches nothing).
func storableValues[S ~string](vs []S) ([]string, bool) {
	out := make([]string, 0, len(vs))
	for _, v := range vs {
		if storable(string(v)) {
			out = append(out, string(v))
		}
	}
	return out, len(out) > 0
}

// newFilter translates q (Kind aside) into SQL that selects exactly what
// q.Match selects: a list field matches any of its values, Categories
// compare the taxonomy spelled out (an empty one is rsit), the class and, when the
// query names one, the type; Labels must all be present; CreatedFrom ≤
// CreatedAt < CreatedUntil compared to the nanosecond (created_at holds
// the microseconds, created_ns the rest).
func newFilter(q *store.Query) *filter {
	f := &filter{}
	for _, l := range []struct {
		col string
		vs  []string
		set bool
	}{
		{"phase", conv(q.Phases), len(q.Phases) > 0},
		{"state", conv(q.States), len(q.States) > 0},
		{"outcome", conv(q.Outcomes), len(q.Outcomes) > 0},
		{"severity", conv(q.Severities), len(q.Severities) > 0},
	} {
		if !l.set {
			continue
		}
		vs, ok := storableValues(l.vs)
		if !ok {
			f.none = true
			return f
		}
		f.add(l.col+" = ANY(?::text[])", vs)
	}
	if len(q.Categories) > 0 {
		var taxes, classes, types []string
		for _, c := range q.Categories {
			tax := c.Taxonomy
			if tax == "" {
				tax = incident.RSITTaxonomyName
			}
			if !storable(tax) || !storable(c.Class) || !storable(c.Type) {
				continue
			}
			taxes, classes, types = append(taxes, tax), append(classes, c.Class), append(types, c.Type)
		}
		if len(taxes) == 0 {
			f.none = true
			return f
		}
		f.add(`EXISTS (SELECT 1 FROM unnest(?::text[], ?::text[], ?::text[]) AS c(tax, class, type)
			WHERE c.tax = category_taxonomy AND c.class = category_class AND (c.type = '' OR c.type = category_type))`,
			taxes, classes, types)
	}
	if !q.CreatedFrom.IsZero() {
		f.add("(created_at, created_ns) >= (?, ?)", q.CreatedFrom, subMicro(q.CreatedFrom))
	}
	if !q.CreatedUntil.IsZero() {
		f.add("(created_at, created_ns) < (?, ?)", q.CreatedUntil, subMicro(q.CreatedUntil))
	}
	if len(q.Labels) > 0 {
		for _, l := range q.Labels {
			if !storable(l) {
				f.none = true
				return f
			}
		}
		f.add("labels @> ?::text[]", q.Labels)
	}
	if q.Restricted != nil {
		f.add("restricted = ?", *q.Restricted)
	}
	return f
}

// conv turns a slice of a string type into strings.
func conv[S ~string](vs []S) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// clampTime keeps a query's time bound within PostgreSQL's range: every
// stored time is within [minTime, maxTime] (checkTime), so a bound beyond
// it selects the same records as the nearest bound inside.
func clampTime(t time.Time) time.Time {
	switch {
	case t.Before(minTime):
		return minTime
	case t.After(maxTime):
		return maxTime.Add(time.Microsecond)
	}
	return t
}

// List implements store.Records. Each page is one query on the primary key
// (tenant, kind, id), after the last ID yielded, filtered in SQL exactly
// as store.Query.Match filters: pages hold only matches, so Limit is
// applied by the database. The rows of a page are read and the connection
// released before the first of them is yielded, so the loop body may call
// the store; records created or updated meanwhile neither unsettle nor
// repeat the scan.
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
		q.CreatedFrom, q.CreatedUntil = clampIfSet(q.CreatedFrom), clampIfSet(q.CreatedUntil)
		f := newFilter(&q)
		if f.none || !storable(tenant) {
			return
		}
		n := len(f.args)
		sql := "SELECT version, body FROM " + s.q.schema + ".records WHERE tenant = $1 AND kind = $2" + f.sql.String() +
			" AND id > $" + strconv.Itoa(n+3) + " ORDER BY id LIMIT $" + strconv.Itoa(n+4)
		args := append([]any{tenant, string(q.Kind)}, f.args...)
		cursor, left := q.After, q.Limit
		for {
			want := s.pageSize
			if q.Limit > 0 && left < want {
				want = left
			}
			page, err := s.recordPage(ctx, q.Kind, sql, append(args[:len(args):len(args)], cursor, want))
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
			if q.Limit > 0 {
				if left -= len(page); left == 0 {
					return
				}
			}
			if len(page) < want {
				return
			}
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			cursor = page[len(page)-1].Head().ID
		}
	}
}

// clampIfSet clamps a non-zero time bound (see clampTime).
func clampIfSet(t time.Time) time.Time {
	if t.IsZero() {
		return t
	}
	return clampTime(t)
}

// recordPage runs one page query of List and decodes its rows once the
// connection is released.
func (s *Store) recordPage(ctx context.Context, kind incident.Kind, sql string, args []any) ([]incident.Record, error) {
	type row struct {
		version int64
		body    []byte
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	var raw []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.version, &r.body); err != nil {
			rows.Close()
			return nil, mapErr(ctx, err)
		}
		raw = append(raw, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(ctx, err)
	}
	page := make([]incident.Record, len(raw))
	for i, r := range raw {
		if page[i], err = decodeRecord(kind, r.version, r.body); err != nil {
			return nil, err
		}
	}
	return page, nil
}

// Count implements store.Records with the filter of List (After and Limit
// ignored).
func (s *Store) Count(ctx context.Context, tenant string, q store.Query) (int, error) {
	if err := begin(ctx, tenant); err != nil {
		return 0, err
	}
	if err := q.Check(); err != nil {
		return 0, err
	}
	q.CreatedFrom, q.CreatedUntil = clampIfSet(q.CreatedFrom), clampIfSet(q.CreatedUntil)
	f := newFilter(&q)
	if f.none || !storable(tenant) {
		return 0, nil
	}
	sql := "SELECT count(*) FROM " + s.q.schema + ".records WHERE tenant = $1 AND kind = $2" + f.sql.String()
	var n int64
	if err := s.pool.QueryRow(ctx, sql, append([]any{tenant, string(q.Kind)}, f.args...)...).Scan(&n); err != nil {
		return 0, mapErr(ctx, err)
	}
	return int(n), nil
}

// AuditTrail implements store.AuditLog, a page at a time by Seq, holding
// no connection while it yields.
func (s *Store) AuditTrail(ctx context.Context, tenant string, recordID uuid.UUID, after uint64) iter.Seq2[store.AuditRecord, error] {
	return func(yield func(store.AuditRecord, error) bool) {
		if err := begin(ctx, tenant); err != nil {
			yield(store.AuditRecord{}, err)
			return
		}
		// No Seq above MaxInt64 is ever stored.
		if !storable(tenant) || after >= math.MaxInt64 {
			return
		}
		cursor := int64(after)
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
			cursor = int64(page[len(page)-1].Seq) //nolint:gosec // read from a bigint
		}
	}
}

// auditPage reads up to a page of audit records after Seq after.
func (s *Store) auditPage(ctx context.Context, tenant string, id uuid.UUID, after int64) ([]store.AuditRecord, error) {
	rows, err := s.pool.Query(ctx, s.q.auditPage, tenant, id, after, s.pageSize)
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	defer rows.Close()
	var page []store.AuditRecord
	for rows.Next() {
		a := store.AuditRecord{RecordID: id}
		var seq int64
		var actor string
		var data []byte
		if err := rows.Scan(&seq, &a.At, &actor, &a.Action, &data, &a.PrevHash, &a.Hash); err != nil {
			return nil, mapErr(ctx, err)
		}
		a.Data = data
		a.Seq = uint64(seq) //nolint:gosec // the seq column is checked ≥ 1
		a.Actor = incident.ActorID(actor)
		a.At = utc(a.At)
		page = append(page, a)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(ctx, err)
	}
	return page, nil
}
