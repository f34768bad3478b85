package storetest_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
	"github.com/iso27035/iso27035/store/storetest"
)

// The suite must catch broken stores: each wrapper below breaks one
// contract of the memory store, and the case named for that contract must
// fail. A suite that passes them is worthless.

// runBroken runs TestStore on the broken stores newStore makes and returns
// the names of the failed cases.
func runBroken(t *testing.T, newStore func() store.Store) []string {
	t.Helper()
	start := time.Now()
	err := storetest.TestStore(newStore)
	elapsed := time.Since(start)
	require.Error(t, err, "the suite passed a broken store")
	var se *storetest.SuiteError
	require.ErrorAs(t, err, &se)
	var ce *storetest.CaseError
	require.ErrorAs(t, err, &ce, "a SuiteError unwraps to its CaseErrors")
	failed := se.Failed()
	t.Logf("%d cases failed in %v: %s", len(failed), elapsed.Round(time.Millisecond), strings.Join(failed, ", "))
	assert.Less(t, elapsed, 10*time.Second, "the suite took too long on a broken store")
	for _, f := range se.Failures {
		assert.True(t, strings.HasPrefix(err.Error(), "storetest: "), "the error starts with the package name")
		assert.Contains(t, err.Error(), "\n"+f.Name+": "+f.Contract, "each failed case starts a line of the error with its name and contract")
		assert.NotEmpty(t, f.Messages, f.Name)
	}
	return failed
}

// (1) ignoresVersions copies the stored version onto every updated record
// before committing, so a stale update overwrites a newer one.
type ignoresVersions struct{ store.Store }

func (s ignoresVersions) Commit(ctx context.Context, tenant string, w *store.Write) error {
	if w != nil {
		for _, r := range w.Update {
			if r == nil {
				continue
			}
			if cur, err := s.Get(ctx, tenant, r.Kind(), r.Head().ID); err == nil {
				r.Head().Version = cur.Head().Version
			}
		}
	}
	return s.Store.Commit(ctx, tenant, w)
}

func TestBrokenIgnoresVersions(t *testing.T) {
	t.Parallel()
	failed := runBroken(t, func() store.Store { return ignoresVersions{memory.New()} })
	assert.Contains(t, failed, "Commit/StaleUpdate_ErrConflict")
	assert.Contains(t, failed, "Commit/Atomic_ConflictStoresNothing")
	assert.Contains(t, failed, "Concurrency/ManyWritersOneIncident")
}

// (2) leaksTenants ignores the tenant argument: every tenant's data lands
// in one.
type leaksTenants struct{ s store.Store }

const shared = "shared"

func (l leaksTenants) Commit(ctx context.Context, _ string, w *store.Write) error {
	return commitIgnoringOrg(ctx, l.s, shared, w)
}

func (l leaksTenants) Get(ctx context.Context, _ string, kind incident.Kind, id uuid.UUID) (incident.Record, error) {
	return l.s.Get(ctx, shared, kind, id)
}

func (l leaksTenants) List(ctx context.Context, _ string, q store.Query) iter.Seq2[incident.Record, error] {
	return l.s.List(ctx, shared, q)
}

func (l leaksTenants) Count(ctx context.Context, _ string, q store.Query) (int, error) {
	return l.s.Count(ctx, shared, q)
}

func (l leaksTenants) AuditTrail(ctx context.Context, _ string, id uuid.UUID, after uint64) iter.Seq2[store.AuditRecord, error] {
	return l.s.AuditTrail(ctx, shared, id, after)
}

func (l leaksTenants) Claim(ctx context.Context, _ string, now time.Time, n int, lease time.Duration) ([]store.OutboxEntry, error) {
	return l.s.Claim(ctx, shared, now, n, lease)
}

func (l leaksTenants) Ack(ctx context.Context, _ string, id uuid.UUID, lease string) error {
	return l.s.Ack(ctx, shared, id, lease)
}

func (l leaksTenants) Nack(ctx context.Context, _ string, id uuid.UUID, lease string, f store.Failure) error {
	return l.s.Nack(ctx, shared, id, lease, f)
}

func (l leaksTenants) DeadLetters(ctx context.Context, _ string) iter.Seq2[store.OutboxEntry, error] {
	return l.s.DeadLetters(ctx, shared)
}

func (l leaksTenants) Requeue(ctx context.Context, _ string, id uuid.UUID, now time.Time) error {
	return l.s.Requeue(ctx, shared, id, now)
}

func (l leaksTenants) OutboxStats(ctx context.Context, _ string, now time.Time) (store.OutboxStats, error) {
	return l.s.OutboxStats(ctx, shared, now)
}

func (l leaksTenants) DueTimers(ctx context.Context, _ string, now time.Time, n int) ([]store.Timer, error) {
	return l.s.DueTimers(ctx, shared, now, n)
}

func (l leaksTenants) GetTimer(ctx context.Context, _ string, key string) (store.Timer, error) {
	return l.s.GetTimer(ctx, shared, key)
}

func (l leaksTenants) GetDocument(ctx context.Context, _ string, collection, id string) (store.Document, error) {
	return l.s.GetDocument(ctx, shared, collection, id)
}

func (l leaksTenants) ListDocuments(ctx context.Context, _ string, collection string, match map[string]string) iter.Seq2[store.Document, error] {
	return l.s.ListDocuments(ctx, shared, collection, match)
}

func TestBrokenLeaksTenants(t *testing.T) {
	t.Parallel()
	failed := runBroken(t, func() store.Store { return leaksTenants{memory.New()} })
	for _, name := range []string{
		"Tenants/GetIsolation", "Tenants/ListIsolation", "Tenants/CountIsolation", "Tenants/UpdateIsolation",
		"Tenants/AuditIsolation", "Tenants/OutboxClaimIsolation", "Tenants/TimerIsolation", "Tenants/DocumentIsolation",
	} {
		assert.Contains(t, failed, name)
	}
}

// (3) dropsOutbox stores the state of every Write but none of its outbox
// entries.
type dropsOutbox struct{ store.Store }

func (s dropsOutbox) Commit(ctx context.Context, tenant string, w *store.Write) error {
	if w != nil && len(w.Outbox) > 0 && len(w.Outbox) < len(w.Outbox)+len(w.Create)+len(w.Update)+len(w.Timers)+len(w.Documents)+len(w.Audit) {
		stripped := *w
		stripped.Outbox = nil
		w = &stripped
	}
	return s.Store.Commit(ctx, tenant, w)
}

func TestBrokenDropsOutbox(t *testing.T) {
	t.Parallel()
	failed := runBroken(t, func() store.Store { return dropsOutbox{memory.New()} })
	assert.Contains(t, failed, "Commit/Atomic_OutboxWithState")
}

// (4) locksWhileYielding holds its own mutex for a whole iteration of
// the iterator it is told (List, AuditTrail, DeadLetters or
// ListDocuments), and the calls a loop body makes take it too: such a loop
// body deadlocks.
type locksWhileYielding struct {
	store.Store
	mu   *sync.Mutex
	iter string
}

func (s locksWhileYielding) Commit(ctx context.Context, tenant string, w *store.Write) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Store.Commit(ctx, tenant, w)
}

func (s locksWhileYielding) Get(ctx context.Context, tenant string, kind incident.Kind, id uuid.UUID) (incident.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Store.Get(ctx, tenant, kind, id)
}

func (s locksWhileYielding) Requeue(ctx context.Context, tenant string, id uuid.UUID, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Store.Requeue(ctx, tenant, id, now)
}

func (s locksWhileYielding) GetDocument(ctx context.Context, tenant, collection, id string) (store.Document, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Store.GetDocument(ctx, tenant, collection, id)
}

// locked yields seq holding s.mu when name is the iterator s breaks.
func locked[V any](s locksWhileYielding, name string, seq iter.Seq2[V, error]) iter.Seq2[V, error] {
	if name != s.iter {
		return seq
	}
	return func(yield func(V, error) bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for v, err := range seq {
			if !yield(v, err) {
				return
			}
		}
	}
}

func (s locksWhileYielding) List(ctx context.Context, tenant string, q store.Query) iter.Seq2[incident.Record, error] {
	return locked(s, "List", s.Store.List(ctx, tenant, q))
}

func (s locksWhileYielding) AuditTrail(ctx context.Context, tenant string, id uuid.UUID, after uint64) iter.Seq2[store.AuditRecord, error] {
	return locked(s, "AuditTrail", s.Store.AuditTrail(ctx, tenant, id, after))
}

func (s locksWhileYielding) DeadLetters(ctx context.Context, tenant string) iter.Seq2[store.OutboxEntry, error] {
	return locked(s, "DeadLetters", s.Store.DeadLetters(ctx, tenant))
}

func (s locksWhileYielding) ListDocuments(ctx context.Context, tenant, collection string, match map[string]string) iter.Seq2[store.Document, error] {
	return locked(s, "ListDocuments", s.Store.ListDocuments(ctx, tenant, collection, match))
}

func TestBrokenLocksWhileYielding(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		iter string
		want []string
	}{
		{"List", []string{"List/NoLockWhileYielding", "List/Pagination_StableDuringWrites"}},
		{"AuditTrail", []string{"Audit/NoLockWhileYielding"}},
		{"DeadLetters", []string{"Outbox/DeadLettersNoLockWhileYielding"}},
		{"ListDocuments", []string{"Documents/NoLockWhileYielding"}},
	} {
		t.Run(tc.iter, func(t *testing.T) {
			t.Parallel()
			failed := runBroken(t, func() store.Store { return locksWhileYielding{memory.New(), new(sync.Mutex), tc.iter} })
			for _, name := range tc.want {
				assert.Contains(t, failed, name)
			}
		})
	}
}

// commitIgnoringOrg commits w to tenant as a store that never looks at
// Head().Org would: records of another organisation are committed as
// clones carrying the tenant (so the memory store's own check passes),
// and on success their new versions are set on w's records.
func commitIgnoringOrg(ctx context.Context, s store.Store, tenant string, w *store.Write) error {
	if w == nil {
		return s.Commit(ctx, tenant, w)
	}
	retag := func(rs []incident.Record) []incident.Record {
		out := slices.Clone(rs)
		for i, r := range out {
			if isNil(r) || r.Head().Org == tenant {
				continue
			}
			c := incident.CloneRecord(r)
			c.Head().Org = tenant
			out[i] = c
		}
		return out
	}
	c := *w // shares Timers and Documents, whose versions Commit sets
	c.Create, c.Update = retag(w.Create), retag(w.Update)
	if err := s.Commit(ctx, tenant, &c); err != nil {
		return err
	}
	for _, pair := range [][2][]incident.Record{{w.Create, c.Create}, {w.Update, c.Update}} {
		for i, r := range pair[0] {
			r.Head().Version = pair[1][i].Head().Version
		}
	}
	return nil
}

// isNil reports whether r is nil or a typed nil pointer.
func isNil(r incident.Record) bool {
	v := reflect.ValueOf(r)
	return r == nil || v.Kind() == reflect.Pointer && v.IsNil()
}

// (5) ignoresOrg commits records of any organisation to any tenant: a
// record of organisation A lands in tenant B.
type ignoresOrg struct{ store.Store }

func (s ignoresOrg) Commit(ctx context.Context, tenant string, w *store.Write) error {
	return commitIgnoringOrg(ctx, s.Store, tenant, w)
}

func TestBrokenIgnoresOrg(t *testing.T) {
	t.Parallel()
	failed := runBroken(t, func() store.Store { return ignoresOrg{memory.New()} })
	assert.Equal(t, []string{"BadInput/OrgMismatch"}, failed)
}

// (6) readsRecordsFirst reads every record's Head before it checks the
// Write, as a store routing records by organisation might: a typed nil
// record makes it panic.
type readsRecordsFirst struct{ store.Store }

func (s readsRecordsFirst) Commit(ctx context.Context, tenant string, w *store.Write) error {
	if w != nil {
		for _, r := range slices.Concat(w.Create, w.Update) {
			if r != nil && r.Head().Org == "" {
				return fmt.Errorf("%w: no organisation", store.ErrInvalid)
			}
		}
	}
	return s.Store.Commit(ctx, tenant, w)
}

func TestBrokenPanicsOnTypedNil(t *testing.T) {
	t.Parallel()
	failed := runBroken(t, func() store.Store { return readsRecordsFirst{memory.New()} })
	assert.Equal(t, []string{"BadInput/TypedNilRecord"}, failed)
}

// (7) retriesPoison never gives up on an entry whose leases keep
// expiring: whatever the memory store's Claim dead-letters, it requeues
// and claims again.
type retriesPoison struct{ store.Store }

func (s retriesPoison) Claim(ctx context.Context, tenant string, now time.Time, n int, lease time.Duration) ([]store.OutboxEntry, error) {
	dead := map[uuid.UUID]bool{}
	for d, err := range s.DeadLetters(ctx, tenant) {
		if err != nil {
			return nil, err
		}
		dead[d.ID] = true
	}
	got, err := s.Store.Claim(ctx, tenant, now, n, lease)
	if err != nil {
		return got, err
	}
	revived := false
	for d, err := range s.DeadLetters(ctx, tenant) {
		if err != nil {
			return nil, err
		}
		if !dead[d.ID] {
			if err := s.Requeue(ctx, tenant, d.ID, now); err != nil {
				return nil, err
			}
			revived = true
		}
	}
	if revived && len(got) < n {
		more, err := s.Store.Claim(ctx, tenant, now, n-len(got), lease)
		if err != nil {
			return nil, err
		}
		got = append(got, more...)
	}
	return got, nil
}

func TestBrokenRetriesPoison(t *testing.T) {
	t.Parallel()
	failed := runBroken(t, func() store.Store { return retriesPoison{memory.New()} })
	assert.Equal(t, []string{"Outbox/LeaseExpiry_DeadLetterAfterMaxAttempts"}, failed)
}

// (8) stampsUpdatedAt sets UpdatedAt on every record it commits, as a SQL
// store with "updated_at = now()" would: the engine's times are lost.
type stampsUpdatedAt struct{ store.Store }

func (s stampsUpdatedAt) Commit(ctx context.Context, tenant string, w *store.Write) error {
	if w != nil {
		for _, r := range slices.Concat(w.Create, w.Update) {
			if !isNil(r) {
				r.Head().UpdatedAt = time.Now().UTC().Truncate(time.Second)
			}
		}
	}
	return s.Store.Commit(ctx, tenant, w)
}

func TestBrokenStampsUpdatedAt(t *testing.T) {
	t.Parallel()
	failed := runBroken(t, func() store.Store { return stampsUpdatedAt{memory.New()} })
	assert.Contains(t, failed, "Commit/SetsOnlyVersions")
}

// The failures of the broken stores are those named for their bug, not a
// spray of unrelated ones: a store that only drops outbox entries fails
// only cases that read the outbox (or set up an outbox to test something
// else).
func TestBrokenFailuresAreSpecific(t *testing.T) {
	t.Parallel()
	err := storetest.TestStore(func() store.Store { return dropsOutbox{memory.New()} })
	var se *storetest.SuiteError
	require.True(t, errors.As(err, &se))
	for _, name := range se.Failed() {
		assert.False(t, slices.Contains([]string{"Get", "List", "Audit", "Documents"}, strings.Split(name, "/")[0]), "unrelated case %s failed", name)
	}
}

// (10) Broken OutboxListers, on the memory store. claimingLister lists by
// claiming, as a store without a read-only query might: it leases the
// entries and spends their attempts.
type claimingLister struct{ *memory.Store }

func (s claimingLister) ListOutbox(ctx context.Context, tenant string, q store.OutboxQuery) iter.Seq2[store.OutboxEntry, error] {
	if _, err := s.Claim(ctx, tenant, q.Now, 100, time.Second); err != nil {
		return func(yield func(store.OutboxEntry, error) bool) { yield(store.OutboxEntry{}, err) }
	}
	return s.Store.ListOutbox(ctx, tenant, q)
}

// leakingLister hands out lease tokens and ignores the state filter.
type leakingLister struct{ *memory.Store }

func (s leakingLister) ListOutbox(ctx context.Context, tenant string, q store.OutboxQuery) iter.Seq2[store.OutboxEntry, error] {
	return func(yield func(store.OutboxEntry, error) bool) {
		if tenant == "" {
			yield(store.OutboxEntry{}, store.ErrInvalid)
			return
		}
		for e, err := range s.Store.ListOutbox(ctx, tenant, store.OutboxQuery{After: q.After, Limit: q.Limit}) {
			e.Lease = "leaked"
			if !yield(e, err) {
				return
			}
		}
	}
}

func TestBrokenListers(t *testing.T) {
	t.Parallel()
	failed := runBroken(t, func() store.Store { return claimingLister{memory.New()} })
	assert.Contains(t, failed, "OutboxLister/ReadOnly")
	assert.Contains(t, failed, "OutboxLister/States")
	for _, f := range failed {
		assert.True(t, strings.HasPrefix(f, "OutboxLister/"), "unrelated case %s failed", f)
	}
	failed = runBroken(t, func() store.Store { return leakingLister{memory.New()} })
	assert.Contains(t, failed, "OutboxLister/States")
	assert.Contains(t, failed, "OutboxLister/BadInput")
}

// A store without the optional OutboxLister skips its cases and passes.
func TestListerCasesSkipWithoutLister(t *testing.T) {
	type plain struct{ store.Store }
	require.NoError(t, storetest.TestStore(func() store.Store { return plain{memory.New()} }))
	storetest.Run(t, func(*testing.T) store.Store { return plain{memory.New()} })
}
