package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
)

// The engine's write on SQLite against a bare UPDATE with the same driver
// and the same durability, in the same run (issue 5). The goal: the
// engine's atomic write (the record, its audit record and its outbox
// entry, in one transaction) within 3× a bare single-row UPDATE.
//
//   - BenchmarkEngineWrite: Engine.Apply of SetRestricted, toggled, on an
//     incident in respond/analysis. It is a change that can repeat for
//     ever on records prepared once, and it writes what a transition
//     writes: load the record, read the previous audit record, seal the
//     new one, and commit the record, the audit record and the notice.
//   - BenchmarkEngineTransition: real transitions, the respond walk
//     (contain, eradicate, recover, conclude, learn) of incidents created,
//     assessed and confirmed before the timer starts, one walk per five
//     iterations.
//   - BenchmarkBareUpdate: UPDATE bench_bare SET version = version + 1,
//     body = ? WHERE id = ?, one row, autocommit, through a second *sql.DB
//     on the store's file opened with the store's own DSN (WAL,
//     synchronous, _txlock=immediate, busy timeout, foreign keys) and,
//     like the store's writer, one connection. The body is the JSON of an
//     incident prepared as the engine benchmarks' are, so the bare UPDATE
//     writes as many bytes as the engine's record.
//   - BenchmarkEngineVsBare: the two alternating in chunks, each side
//     timed on its own (engine-ns/op, bare-ns/op, engine/bare), so that
//     both see the same background load on a shared machine.
//
// Each has writers=1 and writers=16: 16 goroutines, each on its own
// record (row), sharing b.N changes equally. All writes of a Store queue
// for its one write connection, the bare UPDATEs for theirs. The
// SynchronousNormal variants run the same with synchronous=NORMAL (no
// sync per commit): the difference is the cost of the sync.

// ebTenant is the engine benchmarks' tenant.
const ebTenant = "acme"

// ebWriters are the numbers of concurrent writers benchmarked.
var ebWriters = []int{1, 16}

// ebMaxWriters is the largest of ebWriters: how many records are prepared.
const ebMaxWriters = 16

var (
	ebPoC  = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
	ebIM   = lifecycle.Actor{ID: "bob", Roles: []incident.Role{incident.RoleIncidentManager}}
	ebLead = lifecycle.Actor{ID: "carol", Roles: []incident.Role{incident.RoleIRTLead}}
)

// ebWalk is the respond walk: every simple transition of an incident
// confirmed in respond/analysis, in process order.
var ebWalk = []lifecycle.Action{lifecycle.ActionContain, lifecycle.ActionEradicate,
	lifecycle.ActionRecover, lifecycle.ActionConclude, lifecycle.ActionLearn}

func BenchmarkEngineWrite(b *testing.B) { benchEngineWrite(b, SynchronousFull) }

func BenchmarkEngineWriteSynchronousNormal(b *testing.B) { benchEngineWrite(b, SynchronousNormal) }

func BenchmarkEngineTransition(b *testing.B) { benchEngineTransition(b, SynchronousFull) }

func BenchmarkEngineTransitionSynchronousNormal(b *testing.B) {
	benchEngineTransition(b, SynchronousNormal)
}

func BenchmarkBareUpdate(b *testing.B) { benchBareUpdate(b, SynchronousFull) }

func BenchmarkBareUpdateSynchronousNormal(b *testing.B) { benchBareUpdate(b, SynchronousNormal) }

// ebOpen opens a store on a new file with the given synchronous setting
// and an engine on it.
func ebOpen(b *testing.B, syn Synchronous) (path string, st *Store, e *lifecycle.Engine) {
	b.Helper()
	path = filepath.Join(b.TempDir(), "store.db")
	st, err := Open(context.Background(), path, WithSynchronous(syn))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() {
		if err := st.Close(); err != nil {
			b.Error(err)
		}
	})
	e, err = lifecycle.New(st, ebTenant)
	if err != nil {
		b.Fatal(err)
	}
	return path, st, e
}

// ebIncident stores an incident and confirms it, so it stands in
// respond/analysis: three writes (create, assess, confirm).
func ebIncident(ctx context.Context, e *lifecycle.Engine) (lifecycle.Key, error) {
	ev, err := e.Factory().NewEvent(ctx, ebTenant, "Ransom note on FS01", "tool:edr")
	if err != nil {
		return lifecycle.Key{}, err
	}
	inc, err := e.Factory().Escalate(ctx, ev)
	if err != nil {
		return lifecycle.Key{}, err
	}
	if err := e.Create(ctx, ebPoC, inc); err != nil {
		return lifecycle.Key{}, err
	}
	k := lifecycle.KeyOf(inc)
	if _, err := e.Assess(ctx, ebPoC, k, incident.Assessment{Step: incident.AssessmentFirst,
		Outcome: incident.OutcomeIncident, Severity: incident.SeverityMedium, Rationale: "ransom note"}); err != nil {
		return lifecycle.Key{}, err
	}
	if _, err := e.Assess(ctx, ebLead, k, incident.Assessment{Step: incident.AssessmentConfirmation,
		Outcome: incident.OutcomeIncident}); err != nil {
		return lifecycle.Key{}, err
	}
	return k, nil
}

// ebIncidents prepares n incidents in respond/analysis.
func ebIncidents(b *testing.B, e *lifecycle.Engine, n int) []lifecycle.Key {
	b.Helper()
	keys := make([]lifecycle.Key, n)
	for i := range keys {
		k, err := ebIncident(context.Background(), e)
		if err != nil {
			b.Fatal(err)
		}
		keys[i] = k
	}
	return keys
}

// ebShare is how many of n changes writer w of writers makes.
func ebShare(n, writers, w int) int {
	s := n / writers
	if w < n%writers {
		s++
	}
	return s
}

// ebOps makes n changes with writers goroutines, writer w making
// ebShare(n, writers, w) of them by calling op(w, i) for i from 0. It
// returns the first error.
func ebOps(writers, n int, op func(w, i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for w := range writers {
		wg.Go(func() {
			for i := range ebShare(n, writers, w) {
				if err := op(w, i); err != nil {
					mu.Lock()
					defer mu.Unlock()
					if first == nil {
						first = err
					}
					return
				}
			}
		})
	}
	wg.Wait()
	return first
}

// ebRun times b.N changes made by ebOps and reports ops/s. When prepare
// is not nil it is called first, outside the timer, for every writer at
// once with its share of b.N.
func ebRun(b *testing.B, writers int, prepare func(w, n int) error, op func(w, i int) error) {
	b.Helper()
	if prepare != nil {
		b.StopTimer()
		// One call per writer, with its share as n.
		if err := ebOps(writers, writers, func(w, _ int) error { return prepare(w, ebShare(b.N, writers, w)) }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.StartTimer()
	if err := ebOps(writers, b.N, op); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// ebChunk is how many changes BenchmarkEngineVsBare makes on one side
// before it switches to the other.
const ebChunk = 200

// benchEngineVsBare alternates chunks of ebChunk engine writes and bare
// UPDATEs, timing each side, so that both see the same background load
// however it drifts; it reports each side's ns/op and their ratio. The
// benchmark's own ns/op is the time of one engine write plus one bare
// UPDATE.
func benchEngineVsBare(b *testing.B, engine, bare func(w, i int) error) {
	for _, n := range ebWriters {
		b.Run(fmt.Sprintf("writers=%d", n), func(b *testing.B) {
			var te, tb time.Duration
			for done := 0; done < b.N; {
				c := min(ebChunk, b.N-done)
				for _, side := range []struct {
					op func(w, i int) error
					d  *time.Duration
				}{{engine, &te}, {bare, &tb}} {
					start := time.Now()
					if err := ebOps(n, c, side.op); err != nil {
						b.Fatal(err)
					}
					*side.d += time.Since(start)
				}
				done += c
			}
			b.ReportMetric(float64(te.Nanoseconds())/float64(b.N), "engine-ns/op")
			b.ReportMetric(float64(tb.Nanoseconds())/float64(b.N), "bare-ns/op")
			b.ReportMetric(float64(te)/float64(tb), "engine/bare")
		})
	}
}

// ebApply returns the engine's change of BenchmarkEngineWrite: writer w
// toggles SetRestricted on keys[w].
func ebApply(e *lifecycle.Engine, keys []lifecycle.Key) func(w, i int) error {
	ctx := context.Background()
	// restricted[w] is the flag of writer w's record; only writer w
	// touches it.
	restricted := make([]bool, len(keys))
	return func(w, _ int) error {
		restricted[w] = !restricted[w]
		_, err := e.Apply(ctx, ebIM, keys[w], lifecycle.SetRestricted{Restricted: restricted[w]})
		return err
	}
}

func benchEngineWrite(b *testing.B, syn Synchronous) {
	_, _, e := ebOpen(b, syn)
	op := ebApply(e, ebIncidents(b, e, ebMaxWriters))
	for _, n := range ebWriters {
		b.Run(fmt.Sprintf("writers=%d", n), func(b *testing.B) { ebRun(b, n, nil, op) })
	}
}

func benchEngineTransition(b *testing.B, syn Synchronous) {
	ctx := context.Background()
	_, _, e := ebOpen(b, syn)
	for _, n := range ebWriters {
		b.Run(fmt.Sprintf("writers=%d", n), func(b *testing.B) {
			// keys[w] are writer w's incidents, one per len(ebWalk) of
			// its changes.
			keys := make([][]lifecycle.Key, n)
			prepare := func(w, share int) error {
				keys[w] = make([]lifecycle.Key, (share+len(ebWalk)-1)/len(ebWalk))
				for i := range keys[w] {
					k, err := ebIncident(ctx, e)
					if err != nil {
						return err
					}
					keys[w][i] = k
				}
				return nil
			}
			ebRun(b, n, prepare, func(w, i int) error {
				_, err := e.Transition(ctx, ebIM, keys[w][i/len(ebWalk)], ebWalk[i%len(ebWalk)])
				return err
			})
		})
	}
}

func benchBareUpdate(b *testing.B, syn Synchronous) {
	path, st, e := ebOpen(b, syn)
	op := ebBare(b, path, st, e, syn)
	for _, n := range ebWriters {
		b.Run(fmt.Sprintf("writers=%d", n), func(b *testing.B) { ebRun(b, n, nil, op) })
	}
}

// BenchmarkEngineVsBare alternates BenchmarkEngineWrite's change and
// BenchmarkBareUpdate's UPDATE on one file (see benchEngineVsBare).
func BenchmarkEngineVsBare(b *testing.B) {
	path, st, e := ebOpen(b, SynchronousFull)
	engine := ebApply(e, ebIncidents(b, e, ebMaxWriters))
	benchEngineVsBare(b, engine, ebBare(b, path, st, e, SynchronousFull))
}

// ebBare makes the table bench_bare in the file of st, whose engine is e,
// and returns the bare UPDATE of writer w: its own row of the table,
// through a second pool on the file with the DSN of the store's writer
// and, like it, one connection. The body is the JSON of an incident e
// prepared as the engine benchmarks' are.
func ebBare(b *testing.B, path string, st *Store, e *lifecycle.Engine, syn Synchronous) func(w, i int) error {
	b.Helper()
	ctx := context.Background()
	k := ebIncidents(b, e, 1)[0]
	rec, err := st.Get(ctx, ebTenant, k.Kind, k.ID)
	if err != nil {
		b.Fatal(err)
	}
	body, err := json.Marshal(rec)
	if err != nil {
		b.Fatal(err)
	}

	c := config{busyTimeout: DefaultBusyTimeout, sync: syn}
	db, err := sql.Open("sqlite", dsn(path, &c, false))
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	b.Cleanup(func() { _ = db.Close() })
	var mode string
	var level int
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		b.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&level); err != nil {
		b.Fatal(err)
	}
	if !strings.EqualFold(mode, "wal") || level != synchronousLevel[syn] {
		b.Fatalf("bare connection: journal_mode %s, synchronous %d; want wal, %d", mode, level, synchronousLevel[syn])
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE bench_bare (
		id      INTEGER PRIMARY KEY,
		version INTEGER NOT NULL,
		body    BLOB    NOT NULL
	) STRICT`); err != nil {
		b.Fatal(err)
	}
	for id := 1; id <= ebMaxWriters; id++ {
		if _, err := db.ExecContext(ctx, "INSERT INTO bench_bare (id, version, body) VALUES (?, 1, ?)", id, body); err != nil {
			b.Fatal(err)
		}
	}
	upd, err := db.PrepareContext(ctx, "UPDATE bench_bare SET version = version + 1, body = ? WHERE id = ?")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = upd.Close() })
	b.Logf("body: %d bytes (an incident in respond/analysis)", len(body))
	return func(w, _ int) error {
		res, err := upd.ExecContext(ctx, body, w+1)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(err, fmt.Errorf("updated %d rows, want 1", n))
		}
		return nil
	}
}
