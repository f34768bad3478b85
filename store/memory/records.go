package memory

import (
	"context"
	"fmt"
	"iter"
	"slices"

	"github.com/google/uuid"

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
	var r incident.Record
	ok := false
	if t := s.tenant(tenant, false); t != nil {
		t.mu.RLock()
		r, ok = t.record(kind, id)
		t.mu.RUnlock()
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s %s", store.ErrNotFound, kind, id)
	}
	// Stored records are never changed, so the copy is made unlocked.
	return incident.CloneRecord(r), nil
}

// List implements store.Records. It copies at most one page of matches
// under the read lock (see WithPageSize), releases it, yields copies and
// continues after the last ID it examined, so the loop body may call the
// store and concurrent writes neither block nor unsettle the scan.
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
		t := s.tenant(tenant, false)
		if t == nil {
			return
		}
		cursor, left := q.After, q.Limit
		for {
			want := s.page()
			if q.Limit > 0 && left < want {
				want = left
			}
			page, last, more := t.recordPage(&q, cursor, want, s.page()*scanFactor)
			for _, r := range page {
				if err := ctx.Err(); err != nil {
					yield(nil, err)
					return
				}
				if !yield(incident.CloneRecord(r), nil) {
					return
				}
			}
			if q.Limit > 0 {
				if left -= len(page); left == 0 {
					return
				}
			}
			if !more {
				return
			}
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			cursor = last
		}
	}
}

// recordPage returns up to want stored records matching q with IDs after
// cursor, examining at most scan records; last is the ID of the last record
// examined and more whether any follow it.
func (t *tenant) recordPage(q *store.Query, cursor uuid.UUID, want, scan int) (page []incident.Record, last uuid.UUID, more bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	set := t.records[q.Kind]
	if set == nil {
		return nil, cursor, false
	}
	i := set.after(func(r incident.Record) bool { return compareUUID(r.Head().ID, cursor) > 0 })
	last = cursor
	for n := 0; i < len(set.order) && len(page) < want && n < scan; i, n = i+1, n+1 {
		r := set.order[i]
		last = r.Head().ID
		if q.Match(r) {
			page = append(page, r)
		}
	}
	return page, last, i < len(set.order)
}

// Count implements store.Records.
func (s *Store) Count(ctx context.Context, tenant string, q store.Query) (int, error) {
	if err := begin(ctx, tenant); err != nil {
		return 0, err
	}
	if err := q.Check(); err != nil {
		return 0, err
	}
	t := s.tenant(tenant, false)
	if t == nil {
		return 0, nil
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	n := 0
	if set := t.records[q.Kind]; set != nil {
		for _, r := range set.order {
			if q.Match(r) {
				n++
			}
		}
	}
	return n, nil
}

// AuditTrail implements store.AuditLog, a page at a time like List.
func (s *Store) AuditTrail(ctx context.Context, tenant string, recordID uuid.UUID, after uint64) iter.Seq2[store.AuditRecord, error] {
	return func(yield func(store.AuditRecord, error) bool) {
		cursor := after // per range: the sequence may be ranged again
		if err := begin(ctx, tenant); err != nil {
			yield(store.AuditRecord{}, err)
			return
		}
		t := s.tenant(tenant, false)
		if t == nil {
			return
		}
		for {
			page := t.auditPage(recordID, cursor, s.page())
			for _, a := range page {
				if err := ctx.Err(); err != nil {
					yield(store.AuditRecord{}, err)
					return
				}
				if !yield(copyAudit(a), nil) {
					return
				}
			}
			if len(page) < s.page() {
				return
			}
			cursor = page[len(page)-1].Seq
		}
	}
}

// auditPage copies up to n audit records of the record after Seq after.
// Their byte slices are shared with the store, which never changes them.
func (t *tenant) auditPage(id uuid.UUID, after uint64, n int) []store.AuditRecord {
	t.mu.RLock()
	defer t.mu.RUnlock()
	trail := t.audit[id]
	if after >= uint64(len(trail)) {
		return nil
	}
	// The record with Seq k is at k-1, so those after Seq after start at
	// index after.
	rest := trail[after:]
	return slices.Clone(rest[:min(n, len(rest))])
}
