package lifecycle_test

import (
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/looplab/fsm"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
)

// The engine's benchmarks run on the memory store, with the default rules
// and clock, and every timed iteration is one real call of the engine.
// What a call needs (an incident in respond/analysis, an event in triage,
// a due timer) is prepared outside the timed region in batches of
// benchBatch (b.StopTimer once per batch, not per iteration), each batch in
// a new store, followed by a runtime.GC, so that neither the preparation's
// garbage nor a store that grows with b.N weighs on the figures (but see
// BenchmarkTransitionGrowingStore); the outbox, which nobody drains in a
// store this short-lived, is drained where a store lives longer. Besides
// ns/op they report cpu-ns/op, the process's CPU time per iteration (see
// cpuMeter).

const benchTenant = "acme"

// benchBatch is how many records are prepared at a time.
const benchBatch = 256

var (
	benchReporter = lifecycle.Actor{ID: "tool:edr", Roles: []incident.Role{incident.RoleReporter}}
	benchPoC      = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
	benchIM       = lifecycle.Actor{ID: "bob", Roles: []incident.Role{incident.RoleIncidentManager}}
	benchLead     = lifecycle.Actor{ID: "carol", Roles: []incident.Role{incident.RoleIRTLead}}
)

// respondWalk is every simple transition of an incident confirmed in
// respond/analysis, in process order.
var respondWalk = []lifecycle.Action{lifecycle.ActionContain, lifecycle.ActionEradicate,
	lifecycle.ActionRecover, lifecycle.ActionConclude, lifecycle.ActionLearn}

type benchEnv struct {
	ctx context.Context
	st  *memory.Store
	e   *lifecycle.Engine
	// populated makes the prepared incidents carry tasks, notes, evidence
	// and roles (see populate).
	populated bool
}

func newBenchEnv(b *testing.B, opts ...lifecycle.Option) *benchEnv {
	b.Helper()
	st := memory.New()
	e, err := lifecycle.New(st, benchTenant, opts...)
	if err != nil {
		b.Fatal(err)
	}
	return &benchEnv{ctx: context.Background(), st: st, e: e}
}

// cpuMeter adds up the process's CPU time (user and system, every thread:
// the garbage collector's too) over the timed parts of a benchmark and
// reports it per iteration as cpu-ns/op. On a shared machine, where ns/op
// also counts the time spent waiting for a core, it is the steadier
// figure.
type cpuMeter struct {
	total, from time.Duration
}

func startCPU() *cpuMeter { return &cpuMeter{from: processCPU()} }

// stop stops the meter and the benchmark's timer.
func (m *cpuMeter) stop(b *testing.B) {
	m.total += processCPU() - m.from
	b.StopTimer()
}

// start starts the benchmark's timer and the meter.
func (m *cpuMeter) start(b *testing.B) {
	b.StartTimer()
	m.from = processCPU()
}

// report stops the meter and reports cpu-ns/op over b.N iterations.
func (m *cpuMeter) report(b *testing.B) {
	m.total += processCPU() - m.from
	b.ReportMetric(float64(m.total.Nanoseconds())/float64(b.N), "cpu-ns/op")
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

// newIncident returns an incident in triage, as a host declares one
// directly, not yet stored.
func (env *benchEnv) newIncident(b *testing.B) *incident.Incident {
	b.Helper()
	f := env.e.Factory()
	ev, err := f.NewEvent(env.ctx, benchTenant, "Ransom note on FS01", benchReporter.ID)
	must(b, err)
	inc, err := f.Escalate(env.ctx, ev)
	must(b, err)
	if env.populated {
		populate(inc)
	}
	return inc
}

// populate gives an incident the shape of the incident package's
// realistic benchmark record: 5 tasks, 4 notes, 2 evidence items with 2
// custody transfers each, 3 roles.
func populate(inc *incident.Incident) {
	at := inc.CreatedAt
	for i := range 5 {
		inc.Tasks = append(inc.Tasks, incident.Task{ID: fmt.Sprintf("T%d", i+1), Title: "Isolate host " + fmt.Sprint(i+1),
			Assignee: "dave", Status: incident.TaskOpen, Mandatory: i == 0})
	}
	for range 4 {
		inc.Notes = append(inc.Notes, incident.Note{ID: uuid.NewString(), At: at, Author: "alice",
			Text: "Observed lateral movement from the file server towards the domain controller; " + strings.Repeat("details ", 8)})
	}
	for i := range 2 {
		inc.Evidence = append(inc.Evidence, incident.Evidence{ID: fmt.Sprintf("E%d", i+1), Description: "Disk image of FS01",
			Kind: "disk image", CollectedBy: "dave", CollectedAt: at, Source: "fs01.example.org", Location: "locker-3",
			SHA256: strings.Repeat("ab", 32), Size: 1 << 30,
			Custody: []incident.CustodyTransfer{
				{At: at, From: "dave", To: "erin", Purpose: "analysis", Location: "lab-1"},
				{At: at, From: "erin", To: "dave", Purpose: "storage", Location: "locker-3"},
			}})
	}
	inc.Roles = []incident.RoleAssignment{
		{Role: incident.RolePointOfContact, Actor: "alice", From: at},
		{Role: incident.RoleIncidentManager, Actor: "bob", From: at},
		{Role: incident.RoleIRTLead, Actor: "carol", From: at},
	}
}

// incidentInAnalysis stores an incident and confirms it, so it stands in
// respond/analysis: three writes (create, assess, confirm).
func (env *benchEnv) incidentInAnalysis(b *testing.B) lifecycle.Key {
	b.Helper()
	inc := env.newIncident(b)
	must(b, env.e.Create(env.ctx, benchPoC, inc))
	k := lifecycle.KeyOf(inc)
	_, err := env.e.Assess(env.ctx, benchPoC, k, incident.Assessment{Step: incident.AssessmentFirst,
		Outcome: incident.OutcomeIncident, Severity: incident.SeverityMedium, Rationale: "ransom note"})
	must(b, err)
	_, err = env.e.Assess(env.ctx, benchLead, k, incident.Assessment{Step: incident.AssessmentConfirmation, Outcome: incident.OutcomeIncident})
	must(b, err)
	return k
}

// eventInTriage stores an event and acknowledges it: two writes.
func (env *benchEnv) eventInTriage(b *testing.B) lifecycle.Key {
	b.Helper()
	ev, err := env.e.Factory().NewEvent(env.ctx, benchTenant, "Phishing mail reported", benchReporter.ID)
	must(b, err)
	must(b, env.e.Create(env.ctx, benchReporter, ev))
	k := lifecycle.KeyOf(ev)
	_, err = env.e.Transition(env.ctx, benchPoC, k, lifecycle.ActionAcknowledge)
	must(b, err)
	return k
}

// drain acknowledges every outbox entry, as a relay would.
func (env *benchEnv) drain(b *testing.B) {
	b.Helper()
	drainStore(b, env.st)
}

func drainStore(b *testing.B, st *memory.Store) {
	b.Helper()
	ctx := context.Background()
	far := time.Now().Add(1000 * time.Hour)
	for {
		got, err := st.Claim(ctx, benchTenant, far, 1024, time.Minute)
		must(b, err)
		for _, o := range got {
			must(b, st.Ack(ctx, benchTenant, o.ID, o.Lease))
		}
		if len(got) < 1024 {
			return
		}
	}
}

// BenchmarkTransition is one Engine.Transition on the memory store: load
// (store Get), permission, the pooled fsm step, the move, validation, the
// previous audit record, the sealed audit record, the outbox notice and
// the atomic Commit. Every incident takes the whole respond walk (contain,
// eradicate, recover, conclude, learn), so an iteration is the average of
// the five simple transitions of an incident. The incidents are prepared
// outside the timer, benchBatch at a time (created, assessed and
// confirmed), each batch in a new store, so that the heap, and with it the
// garbage collector's work, stays the same however long the benchmark
// runs.
func BenchmarkTransition(b *testing.B) {
	benchTransition(b, false, true)
}

// BenchmarkTransitionPopulated is BenchmarkTransition on incidents with 5
// tasks, 4 notes, 2 evidence items and 3 roles: how the cost grows with
// the record (Get and Commit copy it, ValidateWith walks it).
func BenchmarkTransitionPopulated(b *testing.B) {
	benchTransition(b, true, true)
}

// BenchmarkTransitionGrowingStore is BenchmarkTransition with one store
// that keeps every incident (after a second more than 10 000 of them, which
// the garbage collector marks again and again), its outbox drained between
// batches, and no runtime.GC after the preparation: a forced collection
// would hide the collector's work whenever the live heap outgrows a
// batch's allocations, so here its figure includes the collection of the
// preparation's garbage too. It depends on -benchtime.
func BenchmarkTransitionGrowingStore(b *testing.B) {
	benchTransition(b, false, false)
}

func benchTransition(b *testing.B, populated, fresh bool) {
	env := newBenchEnv(b)
	keys := make([]lifecycle.Key, 0, benchBatch)
	next, step := 0, 0
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		if next == len(keys) {
			cpu.stop(b)
			if fresh {
				env = newBenchEnv(b)
			}
			env.populated = populated
			env.drain(b)
			keys = keys[:0]
			for range benchBatch {
				keys = append(keys, env.incidentInAnalysis(b))
			}
			next, step = 0, 0
			if fresh {
				runtime.GC() // the preparation's garbage is not the transitions'
			}
			cpu.start(b)
		}
		if _, err := env.e.Transition(env.ctx, benchIM, keys[next], respondWalk[step]); err != nil {
			b.Fatal(err)
		}
		if step++; step == len(respondWalk) {
			next, step = next+1, 0
		}
	}
	cpu.report(b)
}

// byHand is the irreducible work of a transition done without the engine:
// a pooled looplab/fsm event on the engine's own transition table, an
// encoding with encoding/json, its SHA-256, a map write.
type byHand struct {
	events []fsm.EventDesc
	pool   sync.Pool
	stored map[uuid.UUID]handWritten
}

// handWritten is what byHand stores: the encoding and its hash.
type handWritten struct {
	json []byte
	hash [sha256.Size]byte
}

func newByHand() *byHand {
	h := &byHand{stored: make(map[uuid.UUID]handWritten)}
	for _, t := range lifecycle.Transitions() {
		for _, k := range t.Kinds {
			if k == incident.KindIncident {
				h.events = append(h.events, fsm.EventDesc{Name: string(t.Action), Src: []string{t.From.String()}, Dst: t.To.String()})
			}
		}
	}
	h.pool.New = func() any { return fsm.NewFSM(lifecycle.Stages()[0].String(), h.events, fsm.Callbacks{}) }
	return h
}

func (h *byHand) transition(ctx context.Context, id uuid.UUID, from string, a lifecycle.Action, v any) error {
	f, _ := h.pool.Get().(*fsm.FSM)
	f.SetState(from)
	if err := f.Event(ctx, string(a)); err != nil {
		return err
	}
	h.pool.Put(f)
	raw, err := json.Marshal(v)
	if err != nil {
		return err
	}
	h.stored[id] = handWritten{json: raw, hash: sha256.Sum256(raw)}
	return nil
}

// BenchmarkTransitionByHand is the baseline of BenchmarkTransition, in the
// same run: the same five fsm events on the same table, each followed by
// an encoding/json Marshal, its SHA-256 and a map write. No copy, no
// validation, no audit chain, no outbox.
//
//   - incident-json encodes the incident (one prepared as
//     BenchmarkTransition's are), as a store that keeps JSON would;
//   - audit-json encodes the transition's audit record instead (its data
//     {"from":…,"to":…}, its hashes), which is all the engine encodes.
func BenchmarkTransitionByHand(b *testing.B) {
	env := newBenchEnv(b)
	k := env.incidentInAnalysis(b)
	rec, err := env.st.Get(env.ctx, benchTenant, k.Kind, k.ID)
	must(b, err)
	from := []string{"respond/analysis", "respond/containment", "respond/eradication", "respond/recovery", "respond/conclusion"}
	audits := make([]store.AuditRecord, len(respondWalk))
	for i, a := range respondWalk {
		to := "learn_lessons/conclusion"
		if i+1 < len(from) {
			to = from[i+1]
		}
		audits[i] = store.AuditRecord{RecordID: k.ID, Seq: uint64(i + 4), At: time.Now().UTC(), Actor: benchIM.ID, Action: string(a),
			Data:     json.RawMessage(`{"from":"` + from[i] + `","to":"` + to + `"}`),
			PrevHash: make([]byte, sha256.Size), Hash: make([]byte, sha256.Size)}
	}
	for _, tc := range []struct {
		name string
		v    func(step int) any
	}{
		{"incident-json", func(int) any { return rec }},
		{"audit-json", func(step int) any { return &audits[step] }},
	} {
		b.Run(tc.name, func(b *testing.B) {
			h := newByHand()
			step := 0
			b.ReportAllocs()
			cpu := startCPU()
			for b.Loop() {
				if err := h.transition(env.ctx, k.ID, from[step], respondWalk[step], tc.v(step)); err != nil {
					b.Fatal(err)
				}
				if step++; step == len(respondWalk) {
					step = 0
				}
			}
			cpu.report(b)
		})
	}
}

// BenchmarkTransitionParts times, one by one, the parts of a transition
// (contain, on an incident prepared as BenchmarkTransition's are) that can
// be called from outside the engine, so that the profile's shares can be
// checked against plain figures:
//
//   - fsm: a pooled looplab/fsm event on the engine's table;
//   - get: the memory store's Get, which copies the record;
//   - validate: incident.Incident.ValidateWith;
//   - prev-audit: reading the previous audit record (AuditTrail), which
//     the engine skips when it sealed the record's current version itself;
//   - seal: SealAuditRecord of the transition's audit record;
//   - commit: the memory store's Commit of the record, its audit record
//     and its notice (Write.CheckFor, copies, the writes);
//   - marshal, sha256: the by-hand baseline's encoding and hash.
func BenchmarkTransitionParts(b *testing.B) {
	env := newBenchEnv(b)
	k := env.incidentInAnalysis(b)
	rec, err := env.st.Get(env.ctx, benchTenant, k.Kind, k.ID)
	must(b, err)
	inc, _ := rec.(*incident.Incident)
	var prev store.AuditRecord
	for a, err := range env.st.AuditTrail(env.ctx, benchTenant, k.ID, 0) {
		must(b, err)
		prev = a
	}
	data := []byte(`{"from":"respond/analysis","to":"respond/containment"}`)
	audit := func() store.AuditRecord {
		return store.AuditRecord{RecordID: k.ID, At: time.Now().UTC(), Actor: benchIM.ID, Action: "contain", Data: data}
	}
	vocab := incident.DefaultVocabulary()
	b.Run("fsm", func(b *testing.B) {
		h := newByHand()
		b.ReportAllocs()
		for b.Loop() {
			f, _ := h.pool.Get().(*fsm.FSM)
			f.SetState("respond/analysis")
			must(b, f.Event(env.ctx, "contain"))
			h.pool.Put(f)
		}
	})
	b.Run("get", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, err := env.st.Get(env.ctx, benchTenant, k.Kind, k.ID)
			must(b, err)
		}
	})
	b.Run("validate", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			must(b, inc.ValidateWith(vocab))
		}
	})
	b.Run("prev-audit", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for a, err := range env.st.AuditTrail(env.ctx, benchTenant, k.ID, prev.Seq-1) {
				if err != nil || a.Seq != prev.Seq {
					b.Fatal(err, a.Seq)
				}
				break
			}
		}
	})
	b.Run("seal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			a := audit()
			must(b, lifecycle.SealAuditRecord(&prev, &a))
		}
	})
	b.Run("commit", func(b *testing.B) {
		// A store of its own, replaced every 1024 writes as
		// BenchmarkTransition's are every 256 incidents, so the trail and
		// the outbox stay short.
		const n = 1024
		var (
			st      *memory.Store
			c       *incident.Incident
			payload []byte
			ids     = make([]uuid.UUID, n)
			keys    = make([]string, n)
			at      = make([]time.Time, n)
			seq     uint64
		)
		hash := make([]byte, sha256.Size)
		b.ReportAllocs()
		for b.Loop() {
			if seq%n == 0 {
				b.StopTimer()
				st, c, seq = memory.New(), inc.Clone(), 0
				c.Version = 0
				must(b, st.Commit(env.ctx, benchTenant, &store.Write{Create: []incident.Record{c}}))
				payload = []byte(`{"tenant":"acme","kind":"incident","record_id":"` + c.ID.String() + `","ref":"` + string(c.Ref) +
					`","action":"contain","actor":"bob","at":"2026-03-02T09:00:00.000001Z","seq":4,"version":4,"phase":"respond",` +
					`"state":"containment","severity":"medium","data":{"from":"respond/analysis","to":"respond/containment"}}`)
				for i := range n {
					ids[i], keys[i], at[i] = uuid.Must(uuid.NewV7()), c.ID.String()+"/"+strconv.Itoa(i+1), time.Now().UTC()
				}
				b.StartTimer()
			}
			i := seq
			seq++
			w := &store.Write{
				Update: []incident.Record{c},
				Audit:  []store.AuditRecord{{RecordID: c.ID, Seq: seq, At: at[i], Actor: "bob", Action: "contain", Data: data, PrevHash: hash, Hash: hash}},
				Outbox: []store.OutboxEntry{{ID: ids[i], Type: "lifecycle.contain", RecordID: c.ID, Seq: seq,
					IdempotencyKey: keys[i], Payload: payload, CreatedAt: at[i]}},
			}
			must(b, st.Commit(env.ctx, benchTenant, w))
		}
	})
	b.Run("marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			_, err := json.Marshal(inc)
			must(b, err)
		}
	})
	raw, err := json.Marshal(inc)
	must(b, err)
	b.Run("sha256", func(b *testing.B) {
		b.SetBytes(int64(len(raw)))
		b.ReportAllocs()
		for b.Loop() {
			_ = sha256.Sum256(raw)
		}
	})
}

// BenchmarkAssessDeclare is one Engine.Assess that declares an event an
// incident: the event closes and the incident is created, two records,
// two audit records and two notices in one write. The events (created and
// acknowledged) are prepared in batches outside the timer, each batch in a
// new store.
func BenchmarkAssessDeclare(b *testing.B) {
	var env *benchEnv
	keys := make([]lifecycle.Key, 0, benchBatch)
	next := 0
	a := incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident,
		Severity: incident.SeverityHigh, Priority: incident.P2, Rationale: "credentials entered on the phishing page"}
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		if next == len(keys) {
			cpu.stop(b)
			env = newBenchEnv(b)
			keys = keys[:0]
			for range benchBatch {
				keys = append(keys, env.eventInTriage(b))
			}
			next = 0
			runtime.GC()
			cpu.start(b)
		}
		res, err := env.e.Assess(env.ctx, benchPoC, keys[next], a)
		if err != nil || res.Declared == nil {
			b.Fatal(err, res.Declared)
		}
		next++
	}
	cpu.report(b)
}

// BenchmarkApplyChange is one Engine.Apply of a change that does not move
// the record: SetRestricted, toggled on 64 incidents in respond/analysis
// in turn, so the records keep their size while their versions and audit
// trails grow. The outbox is drained every 4096 changes.
func BenchmarkApplyChange(b *testing.B) {
	env := newBenchEnv(b)
	keys := make([]lifecycle.Key, 64)
	restricted := make([]bool, len(keys))
	for i := range keys {
		keys[i] = env.incidentInAnalysis(b)
	}
	i := 0
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		if i%4096 == 4095 {
			cpu.stop(b)
			env.drain(b)
			cpu.start(b)
		}
		j := i % len(keys)
		restricted[j] = !restricted[j]
		if _, err := env.e.Apply(env.ctx, benchIM, keys[j], lifecycle.SetRestricted{Restricted: restricted[j]}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	cpu.report(b)
}

// BenchmarkTick is Engine.Tick per fired timer: events created in
// detection and never acknowledged, whose acknowledge timers (24 hours)
// are all due; each firing reads the timer's record, seals an escalation
// audit record and writes the record, the audit record, the notice and
// the fired timer in one Commit. The events are created in batches outside
// the timer, each batch in a new store; one Tick fires a batch (DueTimers
// reads 64 at a time).
func BenchmarkTick(b *testing.B) {
	due := time.Now().Add(48 * time.Hour)
	b.ReportAllocs()
	cpu := startCPU()
	for fired := 0; fired < b.N; {
		n := min(benchBatch, b.N-fired)
		cpu.stop(b)
		env := newBenchEnv(b)
		for range n {
			ev, err := env.e.Factory().NewEvent(env.ctx, benchTenant, "Suspicious login", benchReporter.ID)
			must(b, err)
			must(b, env.e.Create(env.ctx, benchReporter, ev))
		}
		runtime.GC()
		cpu.start(b)
		res, err := env.e.Tick(env.ctx, due)
		if err != nil || res.Fired != n {
			b.Fatal(err, res, n)
		}
		fired += n
	}
	cpu.report(b)
}

// checkpointRecords is how many records BenchmarkCheckpoint covers, each
// with an audit trail of 8 records (create, assess, confirm and the five
// transitions of respondWalk).
const checkpointRecords = 1000

// BenchmarkCheckpoint is one Engine.Checkpoint over 1 000 incidents: list
// them, read and verify every chain (8 audit records each), sign the heads
// with Ed25519, write the checkpoint to the outbox. ns/record is the time
// per record covered.
func BenchmarkCheckpoint(b *testing.B) {
	_, priv, err := ed25519.GenerateKey(nil)
	must(b, err)
	env := newBenchEnv(b, lifecycle.WithSigner("k1", priv))
	for range checkpointRecords {
		k := env.incidentInAnalysis(b)
		for _, a := range respondWalk {
			_, err := env.e.Transition(env.ctx, benchIM, k, a)
			must(b, err)
		}
	}
	env.drain(b)
	b.ReportAllocs()
	cpu := startCPU()
	for b.Loop() {
		cp, err := env.e.Checkpoint(env.ctx)
		if err != nil || cp.Count != checkpointRecords {
			b.Fatal(err)
		}
		cpu.stop(b)
		env.drain(b)
		cpu.start(b)
	}
	cpu.report(b)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*checkpointRecords), "ns/record")
}
