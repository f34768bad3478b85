// Command hoststore shows what a host writes to keep the SDK's records in
// its own storage: a store.Store on plain maps under one mutex, the
// simplest thing that honours the contract, proven by the same conformance
// suite the SDK's stores pass (storetest.TestStore, the error-returning
// form of storetest.Run for harnesses without *testing.T).
//
// A real host maps the same methods onto its database; everything here
// that is not a map operation is what the contract asks of any store.
//
//	go run ./examples/hoststore
package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"maps"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/storetest"
)

func main() {
	err := storetest.TestStore(func() store.Store { return newMapStore() })
	var se *storetest.SuiteError
	if errors.As(err, &se) {
		fmt.Println(se)
		os.Exit(1)
	}
	if err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
	fmt.Println("mapStore passes the store conformance suite")
}

// mapStore keeps each tenant's data in maps. Reads copy out, writes copy
// in, and iterators take a snapshot under the lock and yield after
// releasing it, so a loop body may call the store.
type mapStore struct {
	mu      sync.Mutex
	tenants map[string]*tenantData
}

type recKey struct {
	kind incident.Kind
	id   uuid.UUID
}

type tenantData struct {
	records map[recKey]incident.Record
	audit   map[uuid.UUID][]store.AuditRecord
	outbox  map[uuid.UUID]*store.OutboxEntry
	timers  map[string]store.Timer
	docs    map[[2]string]store.Document
}

func newMapStore() *mapStore { return &mapStore{tenants: map[string]*tenantData{}} }

var _ store.Store = (*mapStore)(nil)

// begin checks the arguments every method shares and locks the tenant.
func (s *mapStore) begin(ctx context.Context, tenant string) (*tenantData, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if tenant == "" {
		return nil, fmt.Errorf("%w: empty tenant", store.ErrInvalid)
	}
	s.mu.Lock()
	t := s.tenants[tenant]
	if t == nil {
		t = &tenantData{records: map[recKey]incident.Record{}, audit: map[uuid.UUID][]store.AuditRecord{},
			outbox: map[uuid.UUID]*store.OutboxEntry{}, timers: map[string]store.Timer{}, docs: map[[2]string]store.Document{}}
		s.tenants[tenant] = t
	}
	return t, nil
}

func (s *mapStore) Commit(ctx context.Context, tenant string, w *store.Write) error {
	if err := w.CheckFor(tenant); err != nil {
		return err
	}
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	// Check everything first, so a failing write changes nothing.
	for _, r := range w.Create {
		if _, ok := t.records[recKey{r.Kind(), r.Head().ID}]; ok {
			return fmt.Errorf("%w: %s %s", store.ErrExists, r.Kind(), r.Head().ID)
		}
	}
	for _, r := range w.Update {
		old, ok := t.records[recKey{r.Kind(), r.Head().ID}]
		if !ok {
			return fmt.Errorf("%w: %s %s", store.ErrNotFound, r.Kind(), r.Head().ID)
		}
		if old.Head().Version != r.Head().Version {
			return fmt.Errorf("%w: %s %s", store.ErrConflict, r.Kind(), r.Head().ID)
		}
	}
	next := map[uuid.UUID]uint64{}
	for _, a := range w.Audit {
		want, ok := next[a.RecordID]
		if !ok {
			want = uint64(len(t.audit[a.RecordID])) + 1
		}
		if a.Seq != want {
			return fmt.Errorf("%w: audit seq %d of %s, want %d", store.ErrConflict, a.Seq, a.RecordID, want)
		}
		next[a.RecordID] = want + 1
	}
	for _, e := range w.Outbox {
		if _, ok := t.outbox[e.ID]; ok {
			return fmt.Errorf("%w: outbox entry %s", store.ErrExists, e.ID)
		}
	}
	for _, tm := range w.Timers {
		if err := versionCheck(t.timers[tm.Key].Version, keyExists(t.timers, tm.Key), tm.Version, "timer "+tm.Key); err != nil {
			return err
		}
	}
	for _, d := range w.Documents {
		k := [2]string{d.Collection, d.ID}
		if err := versionCheck(t.docs[k].Version, keyExists(t.docs, k), d.Version, "document "+d.ID); err != nil {
			return err
		}
	}
	// Apply.
	for _, r := range slices.Concat(w.Create, w.Update) {
		r.Head().Version++
		t.records[recKey{r.Kind(), r.Head().ID}] = incident.CloneRecord(r)
	}
	for _, a := range w.Audit {
		a.Data, a.PrevHash, a.Hash = bytes.Clone(a.Data), bytes.Clone(a.PrevHash), bytes.Clone(a.Hash)
		t.audit[a.RecordID] = append(t.audit[a.RecordID], a)
	}
	for _, e := range w.Outbox {
		e.Payload = bytes.Clone(e.Payload)
		e.Attempts, e.Lease, e.LeaseUntil, e.LastError, e.DeadAt = 0, "", time.Time{}, "", time.Time{}
		if e.NextAttemptAt.IsZero() {
			e.NextAttemptAt = e.CreatedAt
		}
		t.outbox[e.ID] = &e
	}
	for i := range w.Timers {
		w.Timers[i].Version++
		tm := w.Timers[i]
		tm.Payload = bytes.Clone(tm.Payload)
		t.timers[tm.Key] = tm
	}
	for i := range w.Documents {
		w.Documents[i].Version++
		d := w.Documents[i]
		d.Body, d.Index = bytes.Clone(d.Body), maps.Clone(d.Index)
		t.docs[[2]string{d.Collection, d.ID}] = d
	}
	return nil
}

func keyExists[K comparable, V any](m map[K]V, k K) bool { _, ok := m[k]; return ok }

// versionCheck is the optimistic rule for timers and documents: version 0
// creates, any other must equal the stored one.
func versionCheck(stored int64, exists bool, version int64, what string) error {
	switch {
	case version == 0 && exists:
		return fmt.Errorf("%w: %s", store.ErrExists, what)
	case version != 0 && !exists:
		return fmt.Errorf("%w: %s", store.ErrNotFound, what)
	case version != 0 && version != stored:
		return fmt.Errorf("%w: %s", store.ErrConflict, what)
	}
	return nil
}

func (s *mapStore) Get(ctx context.Context, tenant string, kind incident.Kind, id uuid.UUID) (incident.Record, error) {
	if !kind.Valid() {
		return nil, fmt.Errorf("%w: kind %q", store.ErrInvalid, kind)
	}
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	r, ok := t.records[recKey{kind, id}]
	if !ok {
		return nil, fmt.Errorf("%w: %s %s", store.ErrNotFound, kind, id)
	}
	return incident.CloneRecord(r), nil
}

// matching snapshots the records q selects, in ID order.
func (s *mapStore) matching(ctx context.Context, tenant string, q *store.Query) ([]incident.Record, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var out []incident.Record
	for _, r := range t.records {
		if q.Match(r) && bytes.Compare(r.Head().ID[:], q.After[:]) > 0 {
			out = append(out, incident.CloneRecord(r))
		}
	}
	slices.SortFunc(out, func(a, b incident.Record) int { return bytes.Compare(a.Head().ID[:], b.Head().ID[:]) })
	return out, nil
}

func (s *mapStore) List(ctx context.Context, tenant string, q store.Query) iter.Seq2[incident.Record, error] {
	return func(yield func(incident.Record, error) bool) {
		recs, err := s.matching(ctx, tenant, &q)
		if err != nil {
			yield(nil, err)
			return
		}
		for i, r := range recs {
			if q.Limit > 0 && i == q.Limit {
				return
			}
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			if !yield(r, nil) {
				return
			}
		}
	}
}

func (s *mapStore) Count(ctx context.Context, tenant string, q store.Query) (int, error) {
	if err := q.Check(); err != nil {
		return 0, err
	}
	q.After, q.Limit = uuid.Nil, 0
	recs, err := s.matching(ctx, tenant, &q)
	return len(recs), err
}

// yieldAll yields a snapshot taken under the lock, after releasing it.
func yieldAll[T any](ctx context.Context, items []T, err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		if err != nil {
			yield(zero, err)
			return
		}
		for _, it := range items {
			if err := ctx.Err(); err != nil {
				yield(zero, err)
				return
			}
			if !yield(it, nil) {
				return
			}
		}
	}
}

func (s *mapStore) AuditTrail(ctx context.Context, tenant string, recordID uuid.UUID, after uint64) iter.Seq2[store.AuditRecord, error] {
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return yieldAll[store.AuditRecord](ctx, nil, err)
	}
	var out []store.AuditRecord
	for _, a := range t.audit[recordID] {
		if a.Seq > after {
			a.Data, a.PrevHash, a.Hash = bytes.Clone(a.Data), bytes.Clone(a.PrevHash), bytes.Clone(a.Hash)
			out = append(out, a)
		}
	}
	s.mu.Unlock()
	return yieldAll(ctx, out, nil)
}

func byAge(a, b *store.OutboxEntry) int {
	return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), bytes.Compare(a.ID[:], b.ID[:]))
}

func (s *mapStore) Claim(ctx context.Context, tenant string, now time.Time, n int, lease time.Duration) ([]store.OutboxEntry, error) {
	if n <= 0 || lease <= 0 {
		return nil, fmt.Errorf("%w: claim %d for %v", store.ErrInvalid, n, lease)
	}
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	ready := slices.SortedFunc(maps.Values(t.outbox), byAge)
	var out []store.OutboxEntry
	for _, e := range ready {
		if len(out) == n {
			break
		}
		if !e.DeadAt.IsZero() || e.CreatedAt.After(now) || e.NextAttemptAt.After(now) || (e.Lease != "" && e.LeaseUntil.After(now)) {
			continue
		}
		if e.Attempts >= e.MaxTries() { // its leases kept expiring: a poison message
			e.DeadAt, e.Lease = now, ""
			if e.LastError == "" {
				e.LastError = fmt.Sprintf("lease expired after %d attempts", e.Attempts)
			}
			continue
		}
		e.Attempts++
		e.Lease, e.LeaseUntil = newLease(), now.Add(lease)
		c := *e
		c.Payload = bytes.Clone(e.Payload)
		out = append(out, c)
	}
	return out, nil
}

func newLease() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// leased finds an entry held under lease.
func (t *tenantData) leased(id uuid.UUID, lease string) (*store.OutboxEntry, error) {
	e, ok := t.outbox[id]
	if !ok {
		return nil, fmt.Errorf("%w: outbox entry %s", store.ErrNotFound, id)
	}
	if lease == "" || e.Lease != lease || !e.DeadAt.IsZero() {
		return nil, fmt.Errorf("%w: outbox entry %s", store.ErrLeaseLost, id)
	}
	return e, nil
}

func (s *mapStore) Ack(ctx context.Context, tenant string, id uuid.UUID, lease string) error {
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	if _, err := t.leased(id, lease); err != nil {
		return err
	}
	delete(t.outbox, id)
	return nil
}

func (s *mapStore) Nack(ctx context.Context, tenant string, id uuid.UUID, lease string, f store.Failure) error {
	if f.Now.IsZero() {
		return fmt.Errorf("%w: nack without a time", store.ErrInvalid)
	}
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	e, err := t.leased(id, lease)
	if err != nil {
		return err
	}
	e.Lease, e.LeaseUntil, e.LastError, e.NextAttemptAt = "", time.Time{}, f.Reason, f.RetryAt
	switch {
	case f.Release: // given back undelivered: the claim does not count
		e.Attempts = max(e.Attempts-1, 0)
	case f.Permanent || e.Attempts >= e.MaxTries():
		e.DeadAt = f.Now
	}
	return nil
}

func (s *mapStore) DeadLetters(ctx context.Context, tenant string) iter.Seq2[store.OutboxEntry, error] {
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return yieldAll[store.OutboxEntry](ctx, nil, err)
	}
	var out []store.OutboxEntry
	for _, e := range slices.SortedFunc(maps.Values(t.outbox), byAge) {
		if !e.DeadAt.IsZero() {
			c := *e
			c.Payload = bytes.Clone(e.Payload)
			out = append(out, c)
		}
	}
	s.mu.Unlock()
	return yieldAll(ctx, out, nil)
}

func (s *mapStore) Requeue(ctx context.Context, tenant string, id uuid.UUID, now time.Time) error {
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return err
	}
	defer s.mu.Unlock()
	e, ok := t.outbox[id]
	if !ok || e.DeadAt.IsZero() {
		return fmt.Errorf("%w: dead letter %s", store.ErrNotFound, id)
	}
	e.DeadAt, e.Attempts, e.NextAttemptAt, e.Lease, e.LeaseUntil = time.Time{}, 0, now, "", time.Time{}
	return nil
}

func (s *mapStore) OutboxStats(ctx context.Context, tenant string, now time.Time) (store.OutboxStats, error) {
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return store.OutboxStats{}, err
	}
	defer s.mu.Unlock()
	var st store.OutboxStats
	for _, e := range t.outbox {
		switch {
		case !e.DeadAt.IsZero():
			st.Dead++
		default:
			st.Pending++
			if e.Lease != "" && e.LeaseUntil.After(now) {
				st.Leased++
			}
			st.OldestAge = max(st.OldestAge, now.Sub(e.CreatedAt))
		}
	}
	return st, nil
}

func (s *mapStore) DueTimers(ctx context.Context, tenant string, now time.Time, n int) ([]store.Timer, error) {
	if n <= 0 {
		return nil, fmt.Errorf("%w: %d timers", store.ErrInvalid, n)
	}
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return nil, err
	}
	defer s.mu.Unlock()
	var due []store.Timer
	for _, tm := range t.timers {
		if tm.FiredAt.IsZero() && !tm.DueAt.After(now) {
			tm.Payload = bytes.Clone(tm.Payload)
			due = append(due, tm)
		}
	}
	slices.SortFunc(due, func(a, b store.Timer) int { return cmp.Or(a.DueAt.Compare(b.DueAt), cmp.Compare(a.Key, b.Key)) })
	return due[:min(n, len(due))], nil
}

func (s *mapStore) GetTimer(ctx context.Context, tenant string, key string) (store.Timer, error) {
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return store.Timer{}, err
	}
	defer s.mu.Unlock()
	tm, ok := t.timers[key]
	if !ok {
		return store.Timer{}, fmt.Errorf("%w: timer %s", store.ErrNotFound, key)
	}
	tm.Payload = bytes.Clone(tm.Payload)
	return tm, nil
}

func (s *mapStore) GetDocument(ctx context.Context, tenant, collection, id string) (store.Document, error) {
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return store.Document{}, err
	}
	defer s.mu.Unlock()
	d, ok := t.docs[[2]string{collection, id}]
	if !ok {
		return store.Document{}, fmt.Errorf("%w: document %s/%s", store.ErrNotFound, collection, id)
	}
	d.Body, d.Index = bytes.Clone(d.Body), maps.Clone(d.Index)
	return d, nil
}

func (s *mapStore) ListDocuments(ctx context.Context, tenant, collection string, match map[string]string) iter.Seq2[store.Document, error] {
	t, err := s.begin(ctx, tenant)
	if err != nil {
		return yieldAll[store.Document](ctx, nil, err)
	}
	var out []store.Document
	for k, d := range t.docs {
		if k[0] != collection {
			continue
		}
		ok := true
		for mk, mv := range match {
			v, has := d.Index[mk]
			ok = ok && has && v == mv
		}
		if ok {
			d.Body, d.Index = bytes.Clone(d.Body), maps.Clone(d.Index)
			out = append(out, d)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b store.Document) int { return cmp.Compare(a.ID, b.ID) })
	return yieldAll(ctx, out, nil)
}
