package storetest_test

import (
	"context"
	"errors"
	"iter"
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
	return l.s.Commit(ctx, shared, w)
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

// (4) locksWhileYielding holds its own mutex for a whole List iteration,
// and Commit and Get take it too: a loop body calling them deadlocks.
type locksWhileYielding struct {
	store.Store
	mu *sync.Mutex
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

func (s locksWhileYielding) List(ctx context.Context, tenant string, q store.Query) iter.Seq2[incident.Record, error] {
	return func(yield func(incident.Record, error) bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		for r, err := range s.Store.List(ctx, tenant, q) {
			if !yield(r, err) {
				return
			}
		}
	}
}

func TestBrokenLocksWhileYielding(t *testing.T) {
	t.Parallel()
	failed := runBroken(t, func() store.Store { return locksWhileYielding{memory.New(), new(sync.Mutex)} })
	assert.Contains(t, failed, "List/NoLockWhileYielding")
	assert.Contains(t, failed, "List/Pagination_StableDuringWrites")
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
