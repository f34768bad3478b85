package sqlite_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/adapters/internal/querycheck"
	"github.com/iso27035/iso27035/adapters/sqlite"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

const tenant = "acme"

var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// newIncident returns a valid incident of tenant with ID n.
func newIncident(n int) *incident.Incident {
	id := uuid.UUID{0x01, 0x9a, 0x40, 6: 0x70, 8: 0x80, 14: byte(n >> 8), 15: byte(n)}
	return &incident.Incident{
		Header: incident.Header{ID: id, Ref: incident.Ref(fmt.Sprintf("INC-2026-%06d", n)), Org: tenant, CreatedAt: t0, UpdatedAt: t0},
		Handling: incident.Handling{
			Title: fmt.Sprintf("incident %d", n), Phase: incident.PhaseAssessDecide, State: incident.StateTriage,
			Outcome: incident.OutcomeIncident, Severity: incident.SeverityMedium,
		},
		EventIDs: []uuid.UUID{id},
	}
}

func audit(id uuid.UUID, seq uint64, action string) store.AuditRecord {
	return store.AuditRecord{RecordID: id, Seq: seq, At: t0.Add(time.Duration(seq) * time.Second), Actor: "actor-test", Action: action}
}

// update reads the incident, adds a label and commits it with its next
// audit record and an outbox entry; it returns the Commit's error.
func update(ctx context.Context, s *sqlite.Store, id uuid.UUID, label string) error {
	r, err := s.Get(ctx, tenant, incident.KindIncident, id)
	if err != nil {
		return fmt.Errorf("get: %w", err)
	}
	r.Handle().Labels = append(r.Handle().Labels, label)
	// The trail has one audit record per stored version.
	seq := uint64(r.Head().Version) + 1
	entry := store.OutboxEntry{ID: uuid.New(), Type: "incident.updated", RecordID: id, Seq: seq, IdempotencyKey: label, CreatedAt: t0}
	return s.Commit(ctx, tenant, &store.Write{Update: []incident.Record{r}, Audit: []store.AuditRecord{audit(id, seq, label)},
		Outbox: []store.OutboxEntry{entry}})
}

// 32 goroutines commit at once: half each to a record of its own, which
// never conflicts, half to four shared records, retrying on ErrConflict.
// No error but ErrConflict surfaces (in particular no SQLITE_BUSY), only
// the shared records conflict, and no update is lost: each record's final
// Version is 1 plus its successful commits, its labels hold every one of
// them, and its audit trail has one record per version. Meanwhile four
// relays claim and acknowledge the outbox entries the commits write
// (Claim reads before it writes): each is delivered exactly once.
//
// It runs on one Store, and on two Stores opened on the same file, whose
// two write connections contend for SQLite's lock as two processes
// would.
func TestConcurrentWriters(t *testing.T) {
	for _, stores := range []int{1, 2} {
		t.Run(fmt.Sprintf("stores=%d", stores), func(t *testing.T) {
			testConcurrentWriters(t, stores)
		})
	}
}

func testConcurrentWriters(t *testing.T, nStores int) {
	const (
		solo, shared, sharedRecords = 16, 16, 4
		updates                     = 10
		relays                      = 4
	)
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	var ss []*sqlite.Store
	for range nStores {
		s, err := sqlite.Open(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = s.Close() })
		ss = append(ss, s)
	}
	w := &store.Write{}
	var recs []*incident.Incident
	for i := range solo + sharedRecords {
		inc := newIncident(i + 1)
		recs = append(recs, inc)
		w.Create = append(w.Create, inc)
		w.Audit = append(w.Audit, audit(inc.ID, 1, "create"))
	}
	if err := ss[0].Commit(ctx, tenant, w); err != nil {
		t.Fatal(err)
	}

	var mu sync.Mutex
	successes := make(map[uuid.UUID][]string)
	conflicts := make(map[uuid.UUID]int)
	errs := make(chan error, solo+shared)
	var start, done sync.WaitGroup
	start.Add(1)
	for g := range solo + shared {
		done.Add(1)
		go func() {
			defer done.Done()
			s := ss[g%len(ss)]
			var rec *incident.Incident
			if g < solo {
				rec = recs[g] // a record of its own
			} else {
				rec = recs[solo+g%sharedRecords]
			}
			start.Wait()
			for u := 0; u < updates; {
				label := fmt.Sprintf("g%02d-u%02d", g, u)
				err := update(ctx, s, rec.ID, label)
				switch {
				case err == nil:
					mu.Lock()
					successes[rec.ID] = append(successes[rec.ID], label)
					mu.Unlock()
					u++
				case errors.Is(err, store.ErrConflict):
					mu.Lock()
					conflicts[rec.ID]++
					mu.Unlock()
				default:
					errs <- fmt.Errorf("writer %d: %w", g, err)
					return
				}
			}
		}()
	}
	writing := make(chan struct{}) // closed when the writers are done
	go func() { done.Wait(); close(writing) }()
	acked := make(map[uuid.UUID]int)
	relayErrs := make(chan error, relays)
	var relaying sync.WaitGroup
	for g := range relays {
		relaying.Add(1)
		go func() {
			defer relaying.Done()
			s := ss[g%len(ss)]
			start.Wait()
			for {
				finished := false
				select {
				case <-writing:
					finished = true
				default:
				}
				got, err := s.Claim(ctx, tenant, t0.Add(time.Hour), 5, time.Hour)
				if err != nil {
					relayErrs <- fmt.Errorf("relay %d: claim: %w", g, err)
					return
				}
				for _, e := range got {
					if err := s.Ack(ctx, tenant, e.ID, e.Lease); err != nil {
						relayErrs <- fmt.Errorf("relay %d: ack: %w", g, err)
						return
					}
					mu.Lock()
					acked[e.ID]++
					mu.Unlock()
				}
				if len(got) == 0 && finished {
					return
				}
			}
		}()
	}
	start.Done()
	done.Wait()
	relaying.Wait()
	close(errs)
	close(relayErrs)
	for err := range relayErrs {
		t.Errorf("a relay failed: %v", err)
	}
	commits := 0
	for _, labels := range successes {
		commits += len(labels)
	}
	if len(acked) != commits {
		t.Errorf("%d outbox entries delivered, want one per successful commit (%d)", len(acked), commits)
	}
	for id, n := range acked {
		if n != 1 {
			t.Errorf("outbox entry %s delivered %d times", id, n)
		}
	}
	for err := range errs {
		t.Errorf("an error other than ErrConflict surfaced: %v", err)
	}
	totalConflicts := 0
	for i, rec := range recs {
		if i < solo && conflicts[rec.ID] > 0 {
			t.Errorf("record %d, written by one goroutine only, had %d conflicts", i, conflicts[rec.ID])
		}
		totalConflicts += conflicts[rec.ID]
		got, err := ss[0].Get(ctx, tenant, incident.KindIncident, rec.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := successes[rec.ID]
		if v := got.Head().Version; v != int64(1+len(want)) {
			t.Errorf("record %d: Version %d, want 1 + %d successful commits", i, v, len(want))
		}
		labels := slices.Clone(got.Handle().Labels)
		slices.Sort(labels)
		slices.Sort(want)
		if !slices.Equal(labels, want) {
			t.Errorf("record %d: lost updates: labels %v, want %v", i, labels, want)
		}
		n := 0
		for a, err := range ss[len(ss)-1].AuditTrail(ctx, tenant, rec.ID, 0) {
			if err != nil {
				t.Fatal(err)
			}
			n++
			if a.Seq != uint64(n) {
				t.Errorf("record %d: audit record %d has Seq %d", i, n, a.Seq)
			}
		}
		if n != 1+len(want) {
			t.Errorf("record %d: %d audit records, want %d", i, n, 1+len(want))
		}
	}
	t.Logf("%d commits, %d conflicts on the shared records", (solo+shared)*updates, totalConflicts)
}

// Closing and opening the same file again finds everything committed, and
// applies no migration twice.
func TestReopen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	inc := newIncident(1)
	inc.Labels = []string{"vip"}
	inc.Extra = map[string]json.RawMessage{"x_host_field": json.RawMessage(`{"kept":true}`)}
	entry := store.OutboxEntry{ID: uuid.New(), Type: "incident.declared", RecordID: inc.ID, Seq: 1, IdempotencyKey: "k1",
		Payload: json.RawMessage(`{"a":1}`), CreatedAt: t0}
	timer := store.Timer{Key: inc.ID.String() + "/ack", RecordID: inc.ID, Kind: "acknowledge", DueAt: t0.Add(time.Hour)}
	doc := store.Document{Collection: "lessons.review", ID: "r1", Index: map[string]string{"record": inc.ID.String()},
		Body: json.RawMessage(`{"title":"review"}`), UpdatedAt: t0}
	if err := s.Commit(ctx, tenant, &store.Write{Create: []incident.Record{inc}, Audit: []store.AuditRecord{audit(inc.ID, 1, "declare")},
		Outbox: []store.OutboxEntry{entry}, Timers: []store.Timer{timer}, Documents: []store.Document{doc}}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}

	for round := range 2 {
		s, err = sqlite.Open(ctx, path)
		if err != nil {
			t.Fatalf("reopen %d: %v", round, err)
		}
		got, err := s.Get(ctx, tenant, incident.KindIncident, inc.ID)
		if err != nil {
			t.Fatalf("reopen %d: Get: %v", round, err)
		}
		gb, _ := json.Marshal(got)
		wb, _ := json.Marshal(inc)
		if string(gb) != string(wb) {
			t.Errorf("reopen %d: record %s, want %s", round, gb, wb)
		}
		if n, err := s.Count(ctx, tenant, store.Query{Kind: incident.KindIncident, Labels: []string{"vip"}}); err != nil || n != 1 {
			t.Errorf("reopen %d: Count by label: %d, %v", round, n, err)
		}
		if tm, err := s.GetTimer(ctx, tenant, timer.Key); err != nil || tm.Version != 1 || !tm.DueAt.Equal(timer.DueAt) {
			t.Errorf("reopen %d: timer %+v, %v", round, tm, err)
		}
		if d, err := s.GetDocument(ctx, tenant, doc.Collection, doc.ID); err != nil || d.Version != 1 || d.Index["record"] != inc.ID.String() {
			t.Errorf("reopen %d: document %+v, %v", round, d, err)
		}
		if st, err := s.OutboxStats(ctx, tenant, t0); err != nil || st.Pending != 1 {
			t.Errorf("reopen %d: outbox %+v, %v", round, st, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}

	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows, top int
	if err := db.QueryRow(`SELECT COUNT(*), MAX(version) FROM schema_version`).Scan(&rows, &top); err != nil {
		t.Fatal(err)
	}
	if rows != sqlite.SchemaVersion || top != sqlite.SchemaVersion {
		t.Errorf("schema_version after three opens: %d rows, top %d; want %d and %d", rows, top, sqlite.SchemaVersion, sqlite.SchemaVersion)
	}
}

// A database migrated by a newer version of the package is refused with
// ErrSchemaTooNew, and left as it was.
func TestSchemaTooNew(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "store.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	future := sqlite.SchemaVersion + 1
	if _, err := db.Exec(`INSERT INTO schema_version (version) VALUES (?)`, future); err != nil {
		t.Fatal(err)
	}

	s, err = sqlite.Open(ctx, path)
	if err == nil {
		_ = s.Close()
		t.Fatal("Open of a database of a newer schema succeeded")
	}
	if !errors.Is(err, sqlite.ErrSchemaTooNew) {
		t.Errorf("Open: %v, want ErrSchemaTooNew", err)
	}
	var sv *sqlite.SchemaVersionError
	if !errors.As(err, &sv) || sv.Database != future || sv.Supported != sqlite.SchemaVersion {
		t.Errorf("Open: %v, want a *SchemaVersionError of %d and %d", err, future, sqlite.SchemaVersion)
	}
	var top int
	if err := db.QueryRow(`SELECT MAX(version) FROM schema_version`).Scan(&top); err != nil || top != future {
		t.Errorf("schema_version after the refused Open: %d, %v", top, err)
	}
}

// Query's created range agrees with Query.Match to the nanosecond, below
// the microsecond the store keeps other times at.
func TestCreatedRangeNanoseconds(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	offsets := []time.Duration{0, 1, 500, 999, 1000, 1001, 1500, 2000}
	var recs []incident.Record
	for i, off := range offsets {
		inc := newIncident(i + 1)
		inc.CreatedAt = t0.Add(off)
		recs = append(recs, inc)
	}
	if err := s.Commit(ctx, tenant, &store.Write{Create: recs}); err != nil {
		t.Fatal(err)
	}
	for _, from := range append(offsets, -1, 1499, 3000) {
		for _, until := range append(offsets, 1499, 3000) {
			if until < from {
				continue
			}
			q := store.Query{Kind: incident.KindIncident, CreatedFrom: t0.Add(from), CreatedUntil: t0.Add(until)}
			querycheck.ListCount(t, s, tenant, q, recs, nil, fmt.Sprintf("from +%dns until +%dns", from, until))
		}
	}
}

// A lease shorter than the microsecond the store keeps times at ends as
// soon as it starts; one Claim still leases each entry at most once, also
// when it reads on past a poison message it dead-lettered.
func TestSubMicrosecondLease(t *testing.T) {
	ctx := context.Background()
	s := open(t)
	w := &store.Write{}
	for i := range 3 {
		w.Outbox = append(w.Outbox, store.OutboxEntry{ID: uuid.New(), Type: "t", RecordID: uuid.New(), Seq: 1,
			IdempotencyKey: fmt.Sprint(i), CreatedAt: t0.Add(time.Duration(i) * time.Second), MaxAttempts: 1})
	}
	if err := s.Commit(ctx, tenant, w); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Hour)
	// The first entry's one attempt: its lease is over at once.
	if got, err := s.Claim(ctx, tenant, now, 1, time.Nanosecond); err != nil || len(got) != 1 || got[0].ID != w.Outbox[0].ID {
		t.Fatalf("first Claim: %v, %v", got, err)
	}
	// The next Claim dead-letters it and leases the other two, each once.
	got, err := s.Claim(ctx, tenant, now, 2, time.Nanosecond)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != w.Outbox[1].ID || got[1].ID != w.Outbox[2].ID {
		var ids []uuid.UUID
		for _, e := range got {
			ids = append(ids, e.ID)
		}
		t.Errorf("Claim n=2 after a poison message, with a 1ns lease: %v, want %v", ids, []uuid.UUID{w.Outbox[1].ID, w.Outbox[2].ID})
	}
	if st, err := s.OutboxStats(ctx, tenant, now); err != nil || st.Dead != 1 || st.Pending != 2 {
		t.Errorf("OutboxStats: %+v, %v; want Dead 1, Pending 2", st, err)
	}
}
