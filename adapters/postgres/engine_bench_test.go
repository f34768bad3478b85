package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/iso27035/iso27035/adapters/postgres"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
)

// The engine's write on PostgreSQL against a bare UPDATE with the same
// driver and the same durability, in the same run (issue 5). The goal:
// the engine's atomic write (the record, its audit record and its outbox
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
//     body = $1 WHERE id = $2, one row, autocommit, on the store's own
//     pgxpool (so with its settings: pool size, statement cache,
//     synchronous_commit), in a table of the store's schema. The body is
//     the JSON of an incident prepared as the engine benchmarks' are, so
//     the bare UPDATE writes as many bytes as the engine's record.
//   - BenchmarkEngineVsBare: the two alternating in chunks, each side
//     timed on its own (engine-ns/op, bare-ns/op, engine/bare), so that
//     both see the same background load on a shared machine.
//
// Each has writers=1 and writers=16: 16 goroutines, each on its own
// record (row), sharing b.N changes equally. The pool is pgxpool's
// default, max(4, number of CPUs) connections, for the store and the bare
// UPDATEs alike. The AsyncCommit variants run the same on a pool whose
// sessions set synchronous_commit=off (a commit returns before its WAL is
// flushed): the difference is the cost of the flush.
//
// Like the other PostgreSQL tests they need ISO27035_POSTGRES_DSN, and
// skip without it unless CI=true (see testDSN).

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

func BenchmarkEngineWrite(b *testing.B) { benchEngineWrite(b, false) }

func BenchmarkEngineWriteAsyncCommit(b *testing.B) { benchEngineWrite(b, true) }

func BenchmarkEngineTransition(b *testing.B) { benchEngineTransition(b, false) }

func BenchmarkEngineTransitionAsyncCommit(b *testing.B) { benchEngineTransition(b, true) }

func BenchmarkBareUpdate(b *testing.B) { benchBareUpdate(b, false) }

func BenchmarkBareUpdateAsyncCommit(b *testing.B) { benchBareUpdate(b, true) }

// ebOpen opens a store in a fresh schema, on a pool of its own whose
// sessions set synchronous_commit=off when async, and an engine on it.
func ebOpen(b *testing.B, async bool) (pool *pgxpool.Pool, st *postgres.Store, e *lifecycle.Engine) {
	b.Helper()
	ctx := context.Background()
	dsn := testDSN(b)
	schema := freshSchema(b, dsn)
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		b.Fatal(err)
	}
	if async {
		cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	}
	pool, err = pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(pool.Close)
	st, err = postgres.New(ctx, pool, postgres.WithSchema(schema))
	if err != nil {
		b.Fatal(err)
	}
	var sc string
	if err := pool.QueryRow(ctx, "SHOW synchronous_commit").Scan(&sc); err != nil {
		b.Fatal(err)
	}
	if async != (sc == "off") {
		b.Fatalf("synchronous_commit is %q on the pool; want it off only for the AsyncCommit variants", sc)
	}
	b.Logf("pool: %d connections at most, synchronous_commit=%s", cfg.MaxConns, sc)
	e, err = lifecycle.New(st, ebTenant)
	if err != nil {
		b.Fatal(err)
	}
	return pool, st, e
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

func benchEngineWrite(b *testing.B, async bool) {
	_, _, e := ebOpen(b, async)
	op := ebApply(e, ebIncidents(b, e, ebMaxWriters))
	for _, n := range ebWriters {
		b.Run(fmt.Sprintf("writers=%d", n), func(b *testing.B) { ebRun(b, n, nil, op) })
	}
}

func benchEngineTransition(b *testing.B, async bool) {
	ctx := context.Background()
	_, _, e := ebOpen(b, async)
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

func benchBareUpdate(b *testing.B, async bool) {
	pool, st, e := ebOpen(b, async)
	op := ebBare(b, pool, st, e)
	for _, n := range ebWriters {
		b.Run(fmt.Sprintf("writers=%d", n), func(b *testing.B) { ebRun(b, n, nil, op) })
	}
}

// BenchmarkEngineVsBare alternates BenchmarkEngineWrite's change and
// BenchmarkBareUpdate's UPDATE on one pool (see benchEngineVsBare).
func BenchmarkEngineVsBare(b *testing.B) {
	pool, st, e := ebOpen(b, false)
	engine := ebApply(e, ebIncidents(b, e, ebMaxWriters))
	benchEngineVsBare(b, engine, ebBare(b, pool, st, e))
}

// ebBare makes the table bench_bare in the schema of st, whose engine is
// e and whose pool is pool, and returns the bare UPDATE of writer w: its
// own row of the table, through the same pool. The body is the JSON of an
// incident e prepared as the engine benchmarks' are.
func ebBare(b *testing.B, pool *pgxpool.Pool, st *postgres.Store, e *lifecycle.Engine) func(w, i int) error {
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
	table := pgx.Identifier{st.Schema(), "bench_bare"}.Sanitize()
	if _, err := pool.Exec(ctx, "CREATE TABLE "+table+` (
		id      bigint PRIMARY KEY,
		version bigint NOT NULL,
		body    bytea  NOT NULL
	)`); err != nil {
		b.Fatal(err)
	}
	for id := 1; id <= ebMaxWriters; id++ {
		if _, err := pool.Exec(ctx, "INSERT INTO "+table+" (id, version, body) VALUES ($1, 1, $2)", id, body); err != nil {
			b.Fatal(err)
		}
	}
	update := "UPDATE " + table + " SET version = version + 1, body = $1 WHERE id = $2"
	b.Logf("body: %d bytes (an incident in respond/analysis)", len(body))
	return func(w, _ int) error {
		tag, err := pool.Exec(ctx, update, body, w+1)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("updated %d rows, want 1", tag.RowsAffected())
		}
		return nil
	}
}
