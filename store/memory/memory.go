package memory

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"slices"
	"sync"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// DefaultPageSize is how many elements List, AuditTrail, DeadLetters,
// ListOutbox and ListDocuments copy under one hold of the lock.
const DefaultPageSize = 100

// scanFactor bounds the elements a page examines to scanFactor×page size,
// so a selective query does not hold the lock over the whole data set; a
// page may then hold fewer matches, and the next one continues after the
// last element examined.
const scanFactor = 8

// Store is the in-memory store.Store. Create it with New; the zero value is
// an empty store with the default page size, ready to use. A Store must not
// be copied after first use.
type Store struct {
	mu       sync.RWMutex
	tenants  map[string]*tenant
	pageSize int
}

var _ store.Store = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithPageSize sets how many elements an iterator copies under one hold of
// the lock (DefaultPageSize when not given); a page examines at most eight
// times as many. Values below 1 are ignored. Small pages let writers in
// more often; tests use them to cross page boundaries with few elements.
func WithPageSize(n int) Option {
	return func(s *Store) {
		if n > 0 {
			// Capped so that the scan limit (a multiple of the page) cannot
			// overflow.
			s.pageSize = min(n, 1<<20)
		}
	}
}

// New returns an empty store.
func New(opts ...Option) *Store {
	s := &Store{tenants: make(map[string]*tenant), pageSize: DefaultPageSize}
	for _, o := range opts {
		o(s)
	}
	return s
}

// tenant holds one tenant's data behind its own lock.
//
// Records, timers and documents are immutable once stored: Commit stores a
// fresh copy and replaces the pointer, so readers may take the pointers
// under the lock and copy them after releasing it. Outbox entries are
// changed in place by Claim, Ack, Nack and Requeue, so readers copy them
// under the lock; their Payload bytes are never changed.
type tenant struct {
	mu      sync.RWMutex
	records map[incident.Kind]*sorted[uuid.UUID, incident.Record]
	// audit holds each record's trail; the record with Seq n is at n-1.
	audit  map[uuid.UUID][]store.AuditRecord
	outbox *sorted[uuid.UUID, *store.OutboxEntry]
	timers map[string]*store.Timer
	// due holds the unfired timers of timers, ordered by compareTimers.
	due  []*store.Timer
	docs map[string]*sorted[string, *store.Document]
}

func newTenant() *tenant {
	return &tenant{
		records: make(map[incident.Kind]*sorted[uuid.UUID, incident.Record]),
		audit:   make(map[uuid.UUID][]store.AuditRecord),
		outbox:  newSorted[uuid.UUID](compareOutbox),
		timers:  make(map[string]*store.Timer),
		docs:    make(map[string]*sorted[string, *store.Document]),
	}
}

// tenant returns the tenant's data, creating it when create is set; nil
// when it does not exist and create is not set.
func (s *Store) tenant(name string, create bool) *tenant {
	s.mu.RLock()
	t := s.tenants[name]
	s.mu.RUnlock()
	if t != nil || !create {
		return t
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tenants == nil {
		s.tenants = make(map[string]*tenant)
	}
	if t = s.tenants[name]; t == nil {
		t = newTenant()
		s.tenants[name] = t
	}
	return t
}

// page returns the page size.
func (s *Store) page() int {
	if s.pageSize > 0 {
		return s.pageSize
	}
	return DefaultPageSize
}

// begin performs the checks every method starts with: a done context, an
// empty tenant.
func begin(ctx context.Context, tenant string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if tenant == "" {
		return fmt.Errorf("%w: empty tenant", store.ErrInvalid)
	}
	return nil
}

// sorted keeps values by key in a map and, for keyset scans, in a slice
// ordered by cmp. The fields cmp compares must not change while a value is
// stored.
type sorted[K comparable, V any] struct {
	byKey map[K]V
	order []V
	cmp   func(a, b V) int
}

func newSorted[K comparable, V any](cmp func(a, b V) int) *sorted[K, V] {
	return &sorted[K, V]{byKey: make(map[K]V), cmp: cmp}
}

func (s *sorted[K, V]) get(k K) (V, bool) {
	v, ok := s.byKey[k]
	return v, ok
}

// put stores v under k, replacing the value stored under k (which must
// compare equal to v).
func (s *sorted[K, V]) put(k K, v V) {
	if old, ok := s.byKey[k]; ok {
		i, _ := slices.BinarySearchFunc(s.order, old, s.cmp)
		s.order[i] = v
	} else if n := len(s.order); n == 0 || s.cmp(s.order[n-1], v) < 0 {
		// After the last: where the binary search would put it, found
		// with one comparison (outbox entries arrive oldest first).
		s.order = append(s.order, v)
	} else {
		i, _ := slices.BinarySearchFunc(s.order, v, s.cmp)
		s.order = slices.Insert(s.order, i, v)
	}
	s.byKey[k] = v
}

func (s *sorted[K, V]) remove(k K) {
	old, ok := s.byKey[k]
	if !ok {
		return
	}
	if i, found := slices.BinarySearchFunc(s.order, old, s.cmp); found {
		s.order = slices.Delete(s.order, i, i+1)
	}
	delete(s.byKey, k)
}

// after returns the position of the first value for which past reports
// true; past must be false for a prefix of the order and true after it.
func (s *sorted[K, V]) after(past func(V) bool) int {
	i, _ := slices.BinarySearchFunc(s.order, true, func(v V, _ bool) int {
		if past(v) {
			return 1
		}
		return -1
	})
	return i
}

func compareUUID(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) }

func compareRecords(a, b incident.Record) int { return compareUUID(a.Head().ID, b.Head().ID) }

// compareOutbox orders outbox entries oldest first: by CreatedAt, then ID.
func compareOutbox(a, b *store.OutboxEntry) int {
	if c := a.CreatedAt.Compare(b.CreatedAt); c != 0 {
		return c
	}
	return compareUUID(a.ID, b.ID)
}

func compareDocuments(a, b *store.Document) int {
	if a.ID < b.ID {
		return -1
	}
	if a.ID > b.ID {
		return 1
	}
	return 0
}

// Copies. Byte slices and maps are copied keeping nil apart from empty.

func copyAudit(a store.AuditRecord) store.AuditRecord {
	a.Data = slices.Clone(a.Data)
	a.PrevHash = slices.Clone(a.PrevHash)
	a.Hash = slices.Clone(a.Hash)
	return a
}

func copyOutbox(e store.OutboxEntry) store.OutboxEntry {
	e.Payload = slices.Clone(e.Payload)
	return e
}

func copyTimer(t store.Timer) store.Timer {
	t.Payload = slices.Clone(t.Payload)
	return t
}

func copyDocument(d store.Document) store.Document {
	d.Index = maps.Clone(d.Index)
	d.Body = slices.Clone(d.Body)
	return d
}
