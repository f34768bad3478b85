// Package enginebench is the store-independent driver of the adapters'
// engine benchmarks: the engine's write on a store against a bare UPDATE
// with the same driver and the same durability, in the same run (issue
// 5). The goal: the engine's atomic write (the record, its audit record
// and its outbox entry, in one transaction) within 3× a bare single-row
// UPDATE. It is test support: only tests import it.
//
//   - EngineWrite: Engine.Apply of SetRestricted, toggled, on an incident
//     in respond/analysis. It is a change that can repeat for ever on
//     records prepared once, and it writes what a transition writes: load
//     the record, read the previous audit record, seal the new one, and
//     commit the record, the audit record and the notice.
//   - EngineTransition: real transitions, the respond walk (contain,
//     eradicate, recover, conclude, learn) of incidents created, assessed
//     and confirmed before the timer starts, one walk per five iterations.
//   - BareUpdate: the store's bare UPDATE (Target.Bare), one row per
//     writer. Its body is the JSON of an incident prepared as the engine
//     benchmarks' are, so the bare UPDATE writes as many bytes as the
//     engine's record.
//   - EngineVsBare: the two alternating in chunks, each side timed on its
//     own (engine-ns/op, bare-ns/op, engine/bare), so that both see the
//     same background load on a shared machine.
//
// Each runs writers=1 and writers=16: 16 goroutines, each on its own
// record (row), sharing b.N changes equally, and reports ops/s (EngineVsBare
// its own metrics instead).
package enginebench

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
)

// Tenant is the engine benchmarks' tenant.
const Tenant = "acme"

// writers are the numbers of concurrent writers benchmarked.
var writers = []int{1, 16}

// MaxWriters is the largest number of concurrent writers benchmarked: how
// many records (and bare rows) are prepared.
const MaxWriters = 16

// chunk is how many changes EngineVsBare makes on one side before it
// switches to the other.
const chunk = 200

var (
	poc  = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
	im   = lifecycle.Actor{ID: "bob", Roles: []incident.Role{incident.RoleIncidentManager}}
	lead = lifecycle.Actor{ID: "carol", Roles: []incident.Role{incident.RoleIRTLead}}
)

// walk is the respond walk: every simple transition of an incident
// confirmed in respond/analysis, in process order.
var walk = []lifecycle.Action{lifecycle.ActionContain, lifecycle.ActionEradicate,
	lifecycle.ActionRecover, lifecycle.ActionConclude, lifecycle.ActionLearn}

// Target is a store under benchmark.
type Target struct {
	// Store is the store, new and empty; the benchmarks run an engine of
	// Tenant on it.
	Store store.Store

	// Bare makes a table of MaxWriters rows (IDs 1 to MaxWriters)
	// holding body next to Store, and returns the bare UPDATE of writer
	// w (its own row, w+1), which sets the body again and increments a
	// version. It is called at most once, and only by the benchmarks that
	// time the bare UPDATE.
	Bare func(b *testing.B, body []byte) func(w, i int) error
}

// Open opens a Target for one benchmark, cleaned up when it ends.
type Open func(b *testing.B) Target

// open opens a target and an engine on it.
func open(b *testing.B, o Open) (Target, *lifecycle.Engine) {
	b.Helper()
	t := o(b)
	e, err := lifecycle.New(t.Store, Tenant)
	if err != nil {
		b.Fatal(err)
	}
	return t, e
}

// newIncident stores an incident and confirms it, so it stands in
// respond/analysis: three writes (create, assess, confirm).
func newIncident(ctx context.Context, e *lifecycle.Engine) (lifecycle.Key, error) {
	ev, err := e.Factory().NewEvent(ctx, Tenant, "Ransom note on FS01", "tool:edr")
	if err != nil {
		return lifecycle.Key{}, err
	}
	inc, err := e.Factory().Escalate(ctx, ev)
	if err != nil {
		return lifecycle.Key{}, err
	}
	if err := e.Create(ctx, poc, inc); err != nil {
		return lifecycle.Key{}, err
	}
	k := lifecycle.KeyOf(inc)
	if _, err := e.Assess(ctx, poc, k, incident.Assessment{Step: incident.AssessmentFirst,
		Outcome: incident.OutcomeIncident, Severity: incident.SeverityMedium, Rationale: "ransom note"}); err != nil {
		return lifecycle.Key{}, err
	}
	if _, err := e.Assess(ctx, lead, k, incident.Assessment{Step: incident.AssessmentConfirmation,
		Outcome: incident.OutcomeIncident}); err != nil {
		return lifecycle.Key{}, err
	}
	return k, nil
}

// incidents prepares n incidents in respond/analysis.
func incidents(b *testing.B, e *lifecycle.Engine, n int) []lifecycle.Key {
	b.Helper()
	keys := make([]lifecycle.Key, n)
	for i := range keys {
		k, err := newIncident(context.Background(), e)
		if err != nil {
			b.Fatal(err)
		}
		keys[i] = k
	}
	return keys
}

// share is how many of n changes writer w of writers makes.
func share(n, writers, w int) int {
	s := n / writers
	if w < n%writers {
		s++
	}
	return s
}

// ops makes n changes with writers goroutines, writer w making
// share(n, writers, w) of them by calling op(w, i) for i from 0. It
// returns the first error.
func ops(writers, n int, op func(w, i int) error) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
	)
	for w := range writers {
		wg.Go(func() {
			for i := range share(n, writers, w) {
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

// run times b.N changes made by ops and reports ops/s. When prepare is
// not nil it is called first, outside the timer, for every writer at once
// with its share of b.N.
func run(b *testing.B, writers int, prepare func(w, n int) error, op func(w, i int) error) {
	b.Helper()
	if prepare != nil {
		b.StopTimer()
		// One call per writer, with its share as n.
		if err := ops(writers, writers, func(w, _ int) error { return prepare(w, share(b.N, writers, w)) }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.StartTimer()
	if err := ops(writers, b.N, op); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// runEach runs op as a sub-benchmark writers=n for every number of
// writers.
func runEach(b *testing.B, op func(w, i int) error) {
	for _, n := range writers {
		b.Run(fmt.Sprintf("writers=%d", n), func(b *testing.B) { run(b, n, nil, op) })
	}
}

// apply returns the engine's change of EngineWrite: writer w toggles
// SetRestricted on keys[w].
func apply(e *lifecycle.Engine, keys []lifecycle.Key) func(w, i int) error {
	ctx := context.Background()
	// restricted[w] is the flag of writer w's record; only writer w
	// touches it.
	restricted := make([]bool, len(keys))
	return func(w, _ int) error {
		restricted[w] = !restricted[w]
		_, err := e.Apply(ctx, im, keys[w], lifecycle.SetRestricted{Restricted: restricted[w]})
		return err
	}
}

// bare prepares an incident with e, and makes t's bare table with its
// JSON as the body; it returns t's bare UPDATE.
func bare(b *testing.B, t Target, e *lifecycle.Engine) func(w, i int) error {
	b.Helper()
	k := incidents(b, e, 1)[0]
	rec, err := t.Store.Get(context.Background(), Tenant, k.Kind, k.ID)
	if err != nil {
		b.Fatal(err)
	}
	body, err := json.Marshal(rec)
	if err != nil {
		b.Fatal(err)
	}
	op := t.Bare(b, body)
	b.Logf("body: %d bytes (an incident in respond/analysis)", len(body))
	return op
}

// EngineWrite benchmarks the engine's write: Engine.Apply of
// SetRestricted, toggled, on an incident in respond/analysis.
func EngineWrite(b *testing.B, o Open) {
	_, e := open(b, o)
	runEach(b, apply(e, incidents(b, e, MaxWriters)))
}

// EngineTransition benchmarks real transitions: the respond walk of
// incidents prepared before the timer starts, one walk per five
// iterations.
func EngineTransition(b *testing.B, o Open) {
	ctx := context.Background()
	_, e := open(b, o)
	for _, n := range writers {
		b.Run(fmt.Sprintf("writers=%d", n), func(b *testing.B) {
			// keys[w] are writer w's incidents, one per len(walk) of
			// its changes.
			keys := make([][]lifecycle.Key, n)
			prepare := func(w, share int) error {
				keys[w] = make([]lifecycle.Key, (share+len(walk)-1)/len(walk))
				for i := range keys[w] {
					k, err := newIncident(ctx, e)
					if err != nil {
						return err
					}
					keys[w][i] = k
				}
				return nil
			}
			run(b, n, prepare, func(w, i int) error {
				_, err := e.Transition(ctx, im, keys[w][i/len(walk)], walk[i%len(walk)])
				return err
			})
		})
	}
}

// BareUpdate benchmarks the target's bare UPDATE.
func BareUpdate(b *testing.B, o Open) {
	t, e := open(b, o)
	runEach(b, bare(b, t, e))
}

// EngineVsBare alternates chunks of EngineWrite's changes and BareUpdate's
// UPDATEs on one target, timing each side, so that both see the same
// background load however it drifts; it reports each side's ns/op and
// their ratio. The benchmark's own ns/op is the time of one engine write
// plus one bare UPDATE.
func EngineVsBare(b *testing.B, o Open) {
	t, e := open(b, o)
	engine := apply(e, incidents(b, e, MaxWriters))
	bare := bare(b, t, e)
	for _, n := range writers {
		b.Run(fmt.Sprintf("writers=%d", n), func(b *testing.B) {
			var te, tb time.Duration
			for done := 0; done < b.N; {
				c := min(chunk, b.N-done)
				for _, side := range []struct {
					op func(w, i int) error
					d  *time.Duration
				}{{engine, &te}, {bare, &tb}} {
					start := time.Now()
					if err := ops(n, c, side.op); err != nil {
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
