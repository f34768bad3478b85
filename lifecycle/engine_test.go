package lifecycle_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
)

// acme is the tenant of every engine in these tests.
const acme = "acme"

// tStart is when the test clocks start.
var tStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// farFuture is a time after everything the tests do: the outbox is drained
// at it.
var farFuture = tStart.AddDate(100, 0, 0)

// testClock moves one second forward at every reading, so that every
// change has its own instant, and can be moved on by hand. It is safe for
// concurrent use.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock { return &testClock{now: tStart} }

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Second)
	return c.now
}

// Peek returns the last reading without moving the clock.
func (c *testClock) Peek() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// The cast: an EDR that reports, and people in the roles of 27035-2.
var (
	actEDR   = lifecycle.Actor{ID: "tool:edr", Roles: []incident.Role{incident.RoleReporter}}
	actPOC   = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
	actIM    = lifecycle.Actor{ID: "bob", Roles: []incident.Role{incident.RoleIncidentManager}}
	actLead  = lifecycle.Actor{ID: "carol", Roles: []incident.Role{incident.RoleIRTLead}}
	actIRT   = lifecycle.Actor{ID: "dave", Roles: []incident.Role{incident.RoleIRTMember}}
	actIMT   = lifecycle.Actor{ID: "erin", Roles: []incident.Role{incident.RoleIMTMember}}
	actDPO   = lifecycle.Actor{ID: "frank", Roles: []incident.Role{incident.RoleDataProtection}}
	actOwner = lifecycle.Actor{ID: "mallory", Roles: []incident.Role{incident.RoleAssetOwner}}
)

var malware = incident.Category{Class: "malicious-code", Type: "infected-system"}

// harness is a memory store with an engine on it.
type harness struct {
	t     *testing.T
	ctx   context.Context
	st    *memory.Store
	clock *testClock
	e     *lifecycle.Engine
	pub   ed25519.PublicKey
	priv  ed25519.PrivateKey
}

// newHarness returns an engine of tenant acme on a new memory store, with
// the test clock and an Ed25519 signer; opts come after those.
func newHarness(t *testing.T, opts ...lifecycle.Option) *harness {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(nil)
	require.NoError(t, err)
	h := &harness{t: t, ctx: context.Background(), st: memory.New(), clock: newTestClock(), pub: pub, priv: priv}
	h.e = h.engine(opts...)
	return h
}

// engine returns another engine on the harness's store and clock (another
// replica), with opts.
func (h *harness) engine(opts ...lifecycle.Option) *lifecycle.Engine {
	h.t.Helper()
	all := append([]lifecycle.Option{lifecycle.WithClock(h.clock), lifecycle.WithSigner("test-key", h.priv)}, opts...)
	e, err := lifecycle.New(h.st, acme, all...)
	require.NoError(h.t, err)
	return e
}

// newEvent creates an event reported by the EDR; mods change it before
// Create.
func (h *harness) newEvent(title string, mods ...func(*incident.Event)) *incident.Event {
	h.t.Helper()
	ev, err := h.e.Factory().NewEvent(h.ctx, acme, title, actEDR.ID)
	require.NoError(h.t, err)
	for _, m := range mods {
		m(ev)
	}
	require.NoError(h.t, h.e.Create(h.ctx, actEDR, ev))
	require.EqualValues(h.t, 1, ev.Version)
	return ev
}

// declare creates an event, has it acknowledged and first-assessed as an
// incident of severity sev: the event closes as declared and the incident
// waits for the response team's confirmation (with the default rules).
func (h *harness) declare(sev incident.Severity) (*incident.Event, *incident.Incident) {
	h.t.Helper()
	ev := h.newEvent("Suspicious process on " + string(sev) + " host")
	_, err := h.e.Transition(h.ctx, actPOC, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge)
	require.NoError(h.t, err)
	res, err := h.e.Assess(h.ctx, actPOC, lifecycle.KeyOf(ev), incident.Assessment{Step: incident.AssessmentFirst,
		Outcome: incident.OutcomeIncident, Severity: sev, Category: malware})
	require.NoError(h.t, err)
	require.NotNil(h.t, res.Declared)
	ev, ok := res.Record.(*incident.Event)
	require.True(h.t, ok)
	return ev, res.Declared
}

// respond declares an incident and has the response team confirm it: it
// stands in respond/analysis.
func (h *harness) respond(sev incident.Severity) *incident.Incident {
	h.t.Helper()
	_, inc := h.declare(sev)
	res, err := h.e.Assess(h.ctx, actLead, lifecycle.KeyOf(inc), incident.Assessment{Step: incident.AssessmentConfirmation,
		Outcome: incident.OutcomeIncident})
	require.NoError(h.t, err)
	require.Equal(h.t, lifecycle.Stage{Phase: incident.PhaseRespond, State: incident.StateAnalysis}, lifecycle.StageOf(res.Record))
	return asIncident(h.t, res.Record)
}

// lessons brings an incident to learn lessons.
func (h *harness) lessons(sev incident.Severity) *incident.Incident {
	h.t.Helper()
	inc := h.respond(sev)
	for _, a := range []lifecycle.Action{lifecycle.ActionConclude, lifecycle.ActionLearn} {
		_, err := h.e.Transition(h.ctx, actIM, lifecycle.KeyOf(inc), a)
		require.NoError(h.t, err)
	}
	return asIncident(h.t, h.get(lifecycle.KeyOf(inc)))
}

// apply makes a change that must succeed.
func (h *harness) apply(actor lifecycle.Actor, key lifecycle.Key, c lifecycle.Change) incident.Record {
	h.t.Helper()
	rec, err := h.e.Apply(h.ctx, actor, key, c)
	require.NoError(h.t, err, "%T", c)
	return rec
}

// get reads a record from the store, around the engine's access checks.
func (h *harness) get(key lifecycle.Key) incident.Record {
	h.t.Helper()
	rec, err := h.st.Get(h.ctx, acme, key.Kind, key.ID)
	require.NoError(h.t, err)
	return rec
}

// trail returns the audit records of a record.
func (h *harness) trail(id uuid.UUID) []store.AuditRecord {
	h.t.Helper()
	return collectAudit(h.t, h.st.AuditTrail(h.ctx, acme, id, 0))
}

func collectAudit(t testing.TB, seq iter.Seq2[store.AuditRecord, error]) []store.AuditRecord {
	t.Helper()
	var out []store.AuditRecord
	for a, err := range seq {
		require.NoError(t, err)
		out = append(out, a)
	}
	return out
}

// drain claims every outbox entry, acknowledges it and returns it: the
// entries the tenant's outbox held, oldest first.
func (h *harness) drain() []store.OutboxEntry {
	h.t.Helper()
	return drainOutbox(h.t, h.st)
}

func drainOutbox(t testing.TB, st store.Store) []store.OutboxEntry {
	t.Helper()
	ctx := context.Background()
	var out []store.OutboxEntry
	for {
		es, err := st.Claim(ctx, acme, farFuture, 1000, time.Hour)
		require.NoError(t, err)
		if len(es) == 0 {
			return out
		}
		for _, e := range es {
			require.NoError(t, st.Ack(ctx, acme, e.ID, e.Lease))
		}
		out = append(out, es...)
	}
}

// auditCount counts the audit records of every record of the tenant with
// the given action.
func (h *harness) auditCount(action lifecycle.Action) int {
	h.t.Helper()
	n := 0
	for _, k := range []incident.Kind{incident.KindEvent, incident.KindIncident, incident.KindVulnerability} {
		for rec, err := range h.st.List(h.ctx, acme, store.Query{Kind: k}) {
			require.NoError(h.t, err)
			for _, a := range h.trail(rec.Head().ID) {
				if a.Action == string(action) {
					n++
				}
			}
		}
	}
	return n
}

// storeState is everything of the tenant a blocked or cancelled call must
// leave alone.
type storeState struct {
	Records map[uuid.UUID]string
	Trails  map[uuid.UUID]int
	Outbox  store.OutboxStats
	Timers  []store.Timer
}

func (h *harness) state() storeState {
	h.t.Helper()
	s := storeState{Records: map[uuid.UUID]string{}, Trails: map[uuid.UUID]int{}}
	for _, k := range []incident.Kind{incident.KindEvent, incident.KindIncident, incident.KindVulnerability} {
		for rec, err := range h.st.List(h.ctx, acme, store.Query{Kind: k}) {
			require.NoError(h.t, err)
			b, err := json.Marshal(rec)
			require.NoError(h.t, err)
			s.Records[rec.Head().ID] = string(b)
			s.Trails[rec.Head().ID] = len(h.trail(rec.Head().ID))
		}
	}
	var err error
	s.Outbox, err = h.st.OutboxStats(h.ctx, acme, farFuture)
	require.NoError(h.t, err)
	s.Timers, err = h.st.DueTimers(h.ctx, acme, farFuture, 100_000)
	require.NoError(h.t, err)
	return s
}

// requireRule checks that err is a *RuleError of rule wrapping sentinel.
func requireRule(t *testing.T, err error, rule lifecycle.RuleName, sentinel error) {
	t.Helper()
	var re *lifecycle.RuleError
	require.ErrorAs(t, err, &re)
	require.Equal(t, rule, re.Rule, re.Error())
	require.ErrorIs(t, err, sentinel)
	require.NotEmpty(t, re.Reason)
}

// asIncident returns rec as an incident.
func asIncident(t testing.TB, rec incident.Record) *incident.Incident {
	t.Helper()
	inc, ok := rec.(*incident.Incident)
	require.True(t, ok, "%T is not an incident", rec)
	return inc
}

// dataOf decodes an audit record's data.
func dataOf(t *testing.T, a store.AuditRecord) map[string]any {
	t.Helper()
	m := map[string]any{}
	if len(a.Data) > 0 {
		require.NoError(t, json.Unmarshal(a.Data, &m))
	}
	return m
}

// touch is a record an operation must audit, with the action and the
// notification type ("" means lifecycle.<action>).
type touch struct {
	key    lifecycle.Key
	action lifecycle.Action
	typ    string
}

func touched(rec incident.Record, a lifecycle.Action) touch {
	return touch{key: lifecycle.KeyOf(rec), action: a}
}

// auditTracker checks, operation by operation, what the engine wrote.
type auditTracker struct {
	h    *harness
	seqs map[lifecycle.Key]uint64
}

// step checks what one operation wrote: for each touch exactly one new
// audit record with its action and Seq equal to the record's new version,
// and one outbox entry for it (type, IdempotencyKey "<id>/<seq>", a Notice
// payload that matches); no audit record on any other record tracked; and
// other outbox entries of the types extra. It returns the new audit
// records by key and the extra entries.
func (tr *auditTracker) step(name string, touches []touch, extra ...string) (map[lifecycle.Key]store.AuditRecord, []store.OutboxEntry) {
	h := tr.h
	t := h.t
	t.Helper()
	for _, tc := range touches {
		if _, ok := tr.seqs[tc.key]; !ok {
			tr.seqs[tc.key] = 0
		}
	}
	got := map[lifecycle.Key]store.AuditRecord{}
	for key, last := range tr.seqs {
		fresh := collectAudit(t, h.st.AuditTrail(h.ctx, acme, key.ID, last))
		i := slices.IndexFunc(touches, func(tc touch) bool { return tc.key == key })
		if i < 0 {
			require.Empty(t, fresh, "%s: %s %s was not to be touched", name, key.Kind, key.ID)
			continue
		}
		require.Len(t, fresh, 1, "%s: audit records of %s %s", name, key.Kind, key.ID)
		a := fresh[0]
		require.Equal(t, string(touches[i].action), a.Action, "%s: action of %s", name, key.Kind)
		require.Equal(t, last+1, a.Seq, name)
		require.EqualValues(t, a.Seq, h.get(key).Head().Version, "%s: Seq == record version", name)
		got[key] = a
		tr.seqs[key] = a.Seq
	}
	entries := h.drain()
	for _, tc := range touches {
		a := got[tc.key]
		typ := tc.typ
		if typ == "" {
			typ = lifecycle.TypePrefix + string(tc.action)
		}
		idem := fmt.Sprintf("%s/%d", tc.key.ID, a.Seq)
		i := slices.IndexFunc(entries, func(e store.OutboxEntry) bool { return e.IdempotencyKey == idem })
		require.GreaterOrEqual(t, i, 0, "%s: no outbox entry %s", name, idem)
		e := entries[i]
		require.Equal(t, typ, e.Type, name)
		require.Equal(t, tc.key.ID, e.RecordID, name)
		require.Equal(t, a.Seq, e.Seq, name)
		require.Equal(t, a.At, e.CreatedAt, name)
		var n lifecycle.Notice
		require.NoError(t, json.Unmarshal(e.Payload, &n), name)
		require.Equal(t, acme, n.Tenant, name)
		require.Equal(t, tc.key.Kind, n.Kind, name)
		require.Equal(t, tc.key.ID, n.RecordID, name)
		require.Equal(t, tc.action, n.Action, name)
		require.Equal(t, a.Actor, n.Actor, name)
		require.Equal(t, a.Seq, n.Seq, name)
		require.EqualValues(t, a.Seq, n.Version, name)
		stored := h.get(tc.key).Handle()
		require.Equal(t, stored.Phase, n.Phase, name)
		require.Equal(t, stored.State, n.State, name)
		require.True(t, n.At.Equal(a.At), name)
		if len(a.Data) > 0 {
			require.JSONEq(t, string(a.Data), string(n.Data), name)
		}
		entries = slices.Delete(entries, i, i+1)
	}
	types := make([]string, 0, len(entries))
	for _, e := range entries {
		types = append(types, e.Type)
	}
	require.ElementsMatch(t, extra, types, "%s: further outbox entries", name)
	return got, entries
}

// walkObligations owes two reports on every incident, from the aware
// anchor when it is known, else from the declaration.
var walkObligations = lifecycle.ObligationSourceFunc(func(_ context.Context, inc *incident.Incident) ([]incident.Obligation, error) {
	start, event := inc.Timeline.Declared.At, "declared"
	if !inc.Timeline.Aware.IsZero() {
		start, event = inc.Timeline.Aware.At, "aware"
	}
	return []incident.Obligation{
		{ID: "gdpr-33", Regime: "gdpr", Report: "notification", Authority: "dpa", StartEvent: event, StartAt: start,
			Due: start.Add(72 * time.Hour), Article: "GDPR Art. 33(1)"},
		{ID: "nis2-early", Regime: "nis2", Report: "early_warning", Authority: "csirt", StartEvent: event, StartAt: start,
			Due: start.Add(24 * time.Hour), Article: "NIS2 Art. 23(4)(a)"},
	}, nil
})

// walkTasks is a playbook of one mandatory step.
var walkTasks = lifecycle.TaskSourceFunc(func(context.Context, *incident.Incident) ([]incident.Task, error) {
	return []incident.Task{{ID: "pb-isolate", Title: "Isolate the host", Mandatory: true}}, nil
})

func walkRules() *lifecycle.Rules {
	r := lifecycle.DefaultRules()
	r.Statuses = []lifecycle.Status{
		{Name: "Waiting for customer", Phase: incident.PhaseRespond, State: incident.StateAnalysis},
		{Name: "Containing", Phase: incident.PhaseRespond, State: incident.StateContainment},
		{Name: "Handed over", Phase: incident.PhaseAssessDecide, State: incident.StateClosed},
	}
	return r
}

// TestEveryMutationIsAudited walks events and an incident through every
// operation of the engine and checks, after each, the audit records and
// outbox entries it wrote; at the end every chain verifies, alone and
// against a signed checkpoint.
func TestEveryMutationIsAudited(t *testing.T) {
	h := newHarness(t, lifecycle.WithRules(walkRules()), lifecycle.WithObligationSource(walkObligations),
		lifecycle.WithTaskSource(walkTasks))
	ctx, e := h.ctx, h.e
	tr := &auditTracker{h: h, seqs: map[lifecycle.Key]uint64{}}
	stage := func(p incident.Phase, s incident.State) lifecycle.Stage { return lifecycle.Stage{Phase: p, State: s} }

	// The event: created, reported, acknowledged, changed, declared.
	ev, err := e.Factory().NewEvent(ctx, acme, "Ransom note on FS01", actEDR.ID)
	require.NoError(t, err)
	require.NoError(t, e.Create(ctx, actEDR, ev))
	evK := lifecycle.KeyOf(ev)
	tr.step("create event", []touch{touched(ev, lifecycle.ActionCreate)})

	_, err = e.Transition(ctx, actEDR, evK, lifecycle.ActionReport)
	require.NoError(t, err)
	tr.step("report", []touch{touched(ev, lifecycle.ActionReport)})

	_, err = e.Transition(ctx, actPOC, evK, lifecycle.ActionAcknowledge)
	require.NoError(t, err)
	tr.step("acknowledge", []touch{touched(ev, lifecycle.ActionAcknowledge)})

	h.apply(actPOC, evK, lifecycle.AddEvidence{Evidence: incident.Evidence{ID: "ev-note", Description: "ransom note", Location: "locker/1"}})
	tr.step("add evidence to the event", []touch{touched(ev, lifecycle.ActionAddEvidence)})

	h.apply(actPOC, evK, lifecycle.Classify{Severity: incident.SeverityHigh, Category: malware})
	tr.step("classify the event", []touch{touched(ev, lifecycle.ActionClassify)})

	res, err := e.Assess(ctx, actPOC, evK, incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident,
		Severity: incident.SeverityHigh, Priority: incident.P2, Rationale: "ransom note"})
	require.NoError(t, err)
	require.NotNil(t, res.Declared)
	inc := res.Declared
	incK := lifecycle.KeyOf(inc)
	audits, _ := tr.step("declare", []touch{touched(ev, lifecycle.ActionDeclare), {key: incK, action: lifecycle.ActionCreate}})
	assert.Equal(t, stage(incident.PhaseAssessDecide, incident.StateClosed), lifecycle.StageOf(h.get(evK)))
	assert.Equal(t, inc.ID.String(), dataOf(t, audits[evK])["incident_id"])
	created := dataOf(t, audits[incK])
	assert.Equal(t, "assess_decide/analysis", created["stage"])
	assert.Equal(t, ev.ID.String(), created["declared_from"])
	assert.Equal(t, []any{"pb-isolate"}, created["tasks"])
	assert.ElementsMatch(t, []any{"gdpr-33", "nis2-early"}, created["obligations"])
	stored := asIncident(t, h.get(incK))
	require.Len(t, stored.Obligations, 2)
	require.Len(t, stored.Tasks, 1)

	_, err = e.Assess(ctx, actLead, incK, incident.Assessment{Step: incident.AssessmentConfirmation, Outcome: incident.OutcomeIncident})
	require.NoError(t, err)
	tr.step("confirm", []touch{{key: incK, action: lifecycle.ActionConfirm}})
	assert.Equal(t, stage(incident.PhaseRespond, incident.StateAnalysis), lifecycle.StageOf(h.get(incK)))

	// Every change, on the incident.
	changes := []struct {
		actor  lifecycle.Actor
		change lifecycle.Change
	}{
		{actIM, lifecycle.HandOver{Role: incident.RoleIncidentManager, To: actIM.ID}},
		{actIM, lifecycle.HandOver{Role: incident.RoleIRTMember, To: actIRT.ID}},
		{actIM, lifecycle.ReleaseRole{Role: incident.RoleIRTMember, Actor: actIRT.ID}},
		{actIM, lifecycle.Classify{Severity: incident.SeverityCritical, Priority: incident.P1}},
		{actDPO, lifecycle.SetFact{Name: "personal_data", Value: true, Source: "dpo"}},
		{actPOC, lifecycle.SetAnchor{Anchor: incident.AnchorAware, At: incident.At(tStart)}},
		{actIRT, lifecycle.AddEvidence{Evidence: incident.Evidence{ID: "img-1", Description: "disk image", Location: "locker/2",
			SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}}},
		{actIRT, lifecycle.TransferCustody{EvidenceID: "img-1", To: "forensics", Purpose: "analysis", Location: "lab"}},
		{actIM, lifecycle.AddTask{Task: incident.Task{ID: "t-mand", Title: "Notify the insurer", Mandatory: true}}},
		{actIM, lifecycle.AddTask{Task: incident.Task{ID: "t-opt", Title: "Write a blog post"}}},
		{actIM, lifecycle.SetTask{TaskID: "t-mand", Status: incident.TaskWaived, Reason: "no cyber insurance"}},
		{actIM, lifecycle.SetTask{TaskID: "pb-isolate", Status: incident.TaskDone}},
		{actIM, lifecycle.SetTask{TaskID: "t-opt", Assignee: actIRT.ID}},
		{actIM, lifecycle.SetRestricted{Restricted: true}},
		{actIM, lifecycle.SetRestricted{Restricted: false}},
		{actIM, lifecycle.AddNote{Text: "Called the hosting provider"}},
		{actDPO, lifecycle.SubmitReport{ObligationID: "nis2-early"}},
		{actDPO, lifecycle.WaiveReport{ObligationID: "gdpr-33", Reason: "no risk to data subjects"}},
	}
	for _, c := range changes {
		h.apply(c.actor, incK, c.change)
		audits, _ := tr.step(fmt.Sprintf("%T", c.change), []touch{{key: incK, action: c.change.Action()}})
		if a, ok := c.change.(lifecycle.SetAnchor); ok {
			d := dataOf(t, audits[incK])
			assert.Equal(t, string(a.Anchor), d["anchor"])
			assert.ElementsMatch(t, []any{"gdpr-33", "nis2-early"}, d["obligations"], "the aware anchor moves both deadlines")
		}
	}
	stored = asIncident(t, h.get(incK))
	assert.Equal(t, incident.SeverityCritical, stored.Severity)
	assert.True(t, stored.Facts.PersonalData.Value)
	assert.Equal(t, incident.ActorID("forensics"), stored.Evidence[0].Custodian())
	assert.False(t, stored.Restricted)
	assert.Len(t, stored.Notes, 1)
	assert.False(t, stored.Obligations[1].SubmittedAt.IsZero())
	assert.Equal(t, actDPO.ID, stored.Obligations[0].WaivedBy)

	// A relabelling status.
	_, err = e.SetStatus(ctx, actIM, incK, "Waiting for customer")
	require.NoError(t, err)
	audits, _ = tr.step("set status", []touch{{key: incK, action: lifecycle.ActionSetStatus}})
	assert.Equal(t, "Waiting for customer", dataOf(t, audits[incK])["status"])
	assert.Equal(t, "Waiting for customer", h.get(incK).Handle().Status)

	// A second event, assessed and merged into the incident: both
	// records are audited.
	evB := h.newEvent("Same ransom note, second report")
	evBK := lifecycle.KeyOf(evB)
	tr.step("create event B", []touch{touched(evB, lifecycle.ActionCreate)})
	_, err = e.Transition(ctx, actPOC, evBK, lifecycle.ActionAcknowledge)
	require.NoError(t, err)
	tr.step("acknowledge event B", []touch{touched(evB, lifecycle.ActionAcknowledge)})
	_, err = e.Assess(ctx, actPOC, evBK, incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeUnderWatch})
	require.NoError(t, err)
	tr.step("assess event B", []touch{touched(evB, lifecycle.ActionAssess)})
	_, err = e.Merge(ctx, actPOC, evBK, inc.ID, "same host")
	require.NoError(t, err)
	audits, _ = tr.step("merge", []touch{touched(evB, lifecycle.ActionMerge), {key: incK, action: lifecycle.ActionMerge}})
	assert.Equal(t, inc.ID.String(), dataOf(t, audits[evBK])["into"])
	assert.Equal(t, evB.ID.String(), dataOf(t, audits[incK])["duplicate"])
	assert.Contains(t, asIncident(t, h.get(incK)).EventIDs, evB.ID)

	// A third event, closed and reopened.
	evC := h.newEvent("Printer offline")
	evCK := lifecycle.KeyOf(evC)
	tr.step("create event C", []touch{touched(evC, lifecycle.ActionCreate)})
	_, err = e.Close(ctx, actPOC, evCK, lifecycle.Closing{Resolution: incident.ResolutionNotApplicable, Reason: "not security"})
	require.NoError(t, err)
	tr.step("close event C", []touch{touched(evC, lifecycle.ActionClose)})
	_, err = e.Reopen(ctx, actIM, evCK, "it was a jammed tray hiding a rogue device")
	require.NoError(t, err)
	audits, _ = tr.step("reopen event C", []touch{touched(evC, lifecycle.ActionReopen)})
	assert.Equal(t, string(incident.ResolutionNotApplicable), dataOf(t, audits[evCK])["previous_resolution"])
	assert.Equal(t, stage(incident.PhaseAssessDecide, incident.StateTriage), lifecycle.StageOf(h.get(evCK)))

	// A status one transition away performs the transition.
	_, err = e.SetStatus(ctx, actIM, incK, "Containing")
	require.NoError(t, err)
	audits, _ = tr.step("set status that contains", []touch{{key: incK, action: lifecycle.ActionContain}})
	assert.Equal(t, "Containing", dataOf(t, audits[incK])["status"])
	assert.Equal(t, stage(incident.PhaseRespond, incident.StateContainment), lifecycle.StageOf(h.get(incK)))

	for _, a := range []lifecycle.Action{lifecycle.ActionEradicate, lifecycle.ActionRecover, lifecycle.ActionConclude, lifecycle.ActionLearn} {
		_, err = e.Transition(ctx, actIM, incK, a)
		require.NoError(t, err, a)
		tr.step(string(a), []touch{{key: incK, action: a}})
	}
	tl := h.get(incK).Times()
	assert.False(t, tl.Contained.IsZero())
	assert.False(t, tl.Eradicated.IsZero())
	assert.False(t, tl.Recovered.IsZero())
	assert.Empty(t, h.get(incK).Handle().Status, "a status of another stage is dropped")

	// A timer fires: a task falls overdue.
	due := h.clock.Peek().Add(time.Minute)
	h.apply(actIM, incK, lifecycle.AddTask{Task: incident.Task{ID: "t-due", Title: "Collect firewall logs", Due: due}})
	tr.step("add task with a due time", []touch{{key: incK, action: lifecycle.ActionAddTask}})
	h.clock.Advance(2 * time.Minute)
	tick, err := e.Tick(ctx, h.clock.Peek())
	require.NoError(t, err)
	assert.Equal(t, 1, tick.Fired)
	assert.Zero(t, tick.Lost)
	audits, _ = tr.step("timer", []touch{{key: incK, action: lifecycle.ActionTimer, typ: lifecycle.TypeTaskOverdue}})
	assert.Equal(t, lifecycle.TimerActor, audits[incK].Actor)
	assert.Equal(t, "t-due", dataOf(t, audits[incK])["task"])
	assert.Equal(t, lifecycle.TimerTaskDue, dataOf(t, audits[incK])["timer"])

	h.apply(actIM, incK, lifecycle.AddReview{Review: incident.ReviewRef{ID: "PIR-1"}})
	tr.step("add review", []touch{{key: incK, action: lifecycle.ActionAddReview}})

	// A critical incident closes with a second approver, from learn
	// lessons: the lessons go back to plan and prepare.
	approver := actIMT
	_, err = e.Close(ctx, actIM, incK, lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithImpact, Reason: "restored", Approver: &approver})
	require.NoError(t, err)
	audits, extra := tr.step("close", []touch{{key: incK, action: lifecycle.ActionClose}}, lifecycle.TypeLessonsLearned)
	d := dataOf(t, audits[incK])
	assert.Equal(t, string(actIMT.ID), d["approved_by"])
	assert.ElementsMatch(t, []any{"t-opt", "t-due"}, d["cancelled_tasks"], "open optional tasks are cancelled")
	assert.Equal(t, "learn_lessons/closed", d["to"])
	require.Len(t, extra, 1)
	assert.Equal(t, inc.ID, extra[0].RecordID)
	var lessons map[string]any
	require.NoError(t, json.Unmarshal(extra[0].Payload, &lessons))
	assert.Equal(t, inc.ID.String(), lessons["record_id"])
	assert.Equal(t, []any{"PIR-1"}, lessons["reviews"])
	closed := asIncident(t, h.get(incK))
	assert.Equal(t, actIMT.ID, closed.Resolution.ApprovedBy)
	for _, tk := range closed.Tasks {
		if tk.ID == "t-opt" || tk.ID == "t-due" {
			assert.Equal(t, incident.TaskCancelled, tk.Status, tk.ID)
			assert.NotEmpty(t, tk.Reason, tk.ID)
		}
	}

	_, err = e.Reopen(ctx, actIM, incK, "the regulator asked for more")
	require.NoError(t, err)
	tr.step("reopen incident", []touch{{key: incK, action: lifecycle.ActionReopen}})
	assert.Equal(t, stage(incident.PhaseRespond, incident.StateAnalysis), lifecycle.StageOf(h.get(incK)))
	assert.Nil(t, h.get(incK).Handle().Resolution)

	// Every chain verifies, and a signed checkpoint over them.
	for _, k := range []lifecycle.Key{evK, incK, evBK, evCK} {
		head, err := e.Verify(ctx, k)
		require.NoError(t, err, k.Kind)
		assert.EqualValues(t, h.get(k).Head().Version, head.Seq)
		assert.Equal(t, tr.seqs[k], head.Seq)
	}
	cp, err := e.Checkpoint(ctx)
	require.NoError(t, err)
	assert.Equal(t, 4, cp.Count)
	assert.Equal(t, "test-key", cp.KeyID)
	require.NoError(t, lifecycle.VerifyCheckpoint(cp, h.pub))
	require.NoError(t, lifecycle.VerifyStore(ctx, h.st, cp))
	_, extra = tr.step("checkpoint", nil, lifecycle.TypeCheckpoint)
	var emitted lifecycle.Checkpoint
	require.NoError(t, json.Unmarshal(extra[0].Payload, &emitted))
	require.NoError(t, lifecycle.VerifyCheckpoint(&emitted, h.pub), "the outbox carries the signed checkpoint")
	assert.Equal(t, cp.Heads, emitted.Heads)
	assert.Equal(t, cp.Signature, emitted.Signature)
	require.NoError(t, lifecycle.VerifyStore(ctx, h.st, &emitted))

	// An export of the incident's trail verifies against the checkpoint.
	exp, err := e.Export(ctx, incK, cp)
	require.NoError(t, err)
	raw, err := json.Marshal(exp)
	require.NoError(t, err)
	require.NoError(t, lifecycle.VerifyExport(raw, h.pub))
}

// doctoredStore is a memory store whose audit log lies: it hides the last
// cut records of some chains, whole chains, one record in the middle of
// some, and alters the actor of others.
type doctoredStore struct {
	*memory.Store
	cut   map[uuid.UUID]int
	gone  map[uuid.UUID]bool
	skip  map[uuid.UUID]uint64
	alter map[uuid.UUID]uint64
}

func (d *doctoredStore) AuditTrail(ctx context.Context, tenant string, id uuid.UUID, after uint64) iter.Seq2[store.AuditRecord, error] {
	return func(yield func(store.AuditRecord, error) bool) {
		if d.gone[id] {
			return
		}
		var all []store.AuditRecord
		for a, err := range d.Store.AuditTrail(ctx, tenant, id, 0) {
			if err != nil {
				yield(store.AuditRecord{}, err)
				return
			}
			all = append(all, a)
		}
		all = all[:len(all)-min(d.cut[id], len(all))]
		for _, a := range all {
			switch {
			case a.Seq <= after, d.skip[id] == a.Seq:
				continue
			case d.alter[id] == a.Seq:
				a.Actor = "someone-else"
			}
			if !yield(a, nil) {
				return
			}
		}
	}
}

func newDoctored(st *memory.Store) *doctoredStore {
	return &doctoredStore{Store: st, cut: map[uuid.UUID]int{}, gone: map[uuid.UUID]bool{},
		skip: map[uuid.UUID]uint64{}, alter: map[uuid.UUID]uint64{}}
}

// chainErrors maps each chain a verification failed on to its sentinel.
func chainErrors(t *testing.T, err error) map[uuid.UUID]error {
	t.Helper()
	out := map[uuid.UUID]error{}
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok { //nolint:errorlint // the joined list itself is wanted
		errs = j.Unwrap()
	} else if err != nil {
		errs = []error{err}
	}
	for _, e := range errs {
		var ce *lifecycle.ChainError
		require.ErrorAs(t, e, &ce)
		out[ce.RecordID] = ce.Err
	}
	return out
}

func TestUpdateAroundTheEngineIsUnaudited(t *testing.T) {
	h := newHarness(t)
	ev := h.newEvent("Phishing mail")
	key := lifecycle.KeyOf(ev)
	_, err := h.e.Transition(h.ctx, actEDR, key, lifecycle.ActionReport)
	require.NoError(t, err)
	_, err = h.e.Verify(h.ctx, key)
	require.NoError(t, err)

	// Someone with write access edits the record directly.
	rec := h.get(key)
	rec.Handle().Title = "Nothing to see"
	require.NoError(t, h.st.Commit(h.ctx, acme, &store.Write{Update: []incident.Record{rec}}))
	require.EqualValues(t, 3, rec.Head().Version)
	before := h.state()

	_, err = h.e.Transition(h.ctx, actPOC, key, lifecycle.ActionAcknowledge)
	require.ErrorIs(t, err, lifecycle.ErrUnaudited)
	var ce *lifecycle.ChainError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, ev.ID, ce.RecordID)
	_, err = h.e.Apply(h.ctx, actPOC, key, lifecycle.AddNote{Text: "look"})
	require.ErrorIs(t, err, lifecycle.ErrUnaudited)
	assert.Equal(t, before, h.state(), "a refused change writes nothing")

	_, err = h.e.Verify(h.ctx, key)
	require.ErrorIs(t, err, lifecycle.ErrUnaudited)

	_, err = h.e.Checkpoint(h.ctx)
	require.ErrorIs(t, err, lifecycle.ErrUnaudited, "a checkpoint does not vouch for an unaudited record")
	assert.Equal(t, before, h.state(), "no checkpoint was emitted")
}

func TestCheckpointCatchesTruncationAndDeletion(t *testing.T) {
	h := newHarness(t)
	a := h.respond(incident.SeverityLow)
	b := h.respond(incident.SeverityMedium)
	c := h.newEvent("Port scan")
	cp, err := h.e.Checkpoint(h.ctx)
	require.NoError(t, err)
	require.NoError(t, lifecycle.VerifyCheckpoint(cp, h.pub))
	require.NoError(t, lifecycle.VerifyStore(h.ctx, h.st, cp))

	// Changes after the checkpoint are accepted.
	_, err = h.e.Transition(h.ctx, actIM, lifecycle.KeyOf(a), lifecycle.ActionConclude)
	require.NoError(t, err)
	require.NoError(t, lifecycle.VerifyStore(h.ctx, h.st, cp))

	// Cutting a's trail back to before the checkpoint, and deleting b's
	// whole chain, are both found.
	d := newDoctored(h.st)
	d.cut[a.ID] = 2
	d.gone[b.ID] = true
	err = lifecycle.VerifyStore(h.ctx, d, cp)
	require.ErrorIs(t, err, lifecycle.ErrTruncated)
	require.ErrorIs(t, err, lifecycle.ErrMissingChain)
	assert.Equal(t, map[uuid.UUID]error{a.ID: lifecycle.ErrTruncated, b.ID: lifecycle.ErrMissingChain}, chainErrors(t, err))

	// Cutting only what came after the checkpoint is not a truncation.
	d = newDoctored(h.st)
	d.cut[a.ID] = 1
	require.NoError(t, lifecycle.VerifyStore(h.ctx, d, cp))

	// An altered record before the checkpoint breaks the chain.
	d = newDoctored(h.st)
	d.alter[c.ID] = 1
	err = lifecycle.VerifyStore(h.ctx, d, cp)
	require.ErrorIs(t, err, lifecycle.ErrChainBroken)
	assert.Equal(t, map[uuid.UUID]error{c.ID: lifecycle.ErrChainBroken}, chainErrors(t, err))
}

func TestCheckpointRefusesABrokenChain(t *testing.T) {
	for name, tc := range map[string]struct {
		doctor func(d *doctoredStore, id uuid.UUID)
		want   error
	}{
		"altered":   {func(d *doctoredStore, id uuid.UUID) { d.alter[id] = 2 }, lifecycle.ErrChainBroken},
		"gap":       {func(d *doctoredStore, id uuid.UUID) { d.skip[id] = 2 }, lifecycle.ErrChainGap},
		"truncated": {func(d *doctoredStore, id uuid.UUID) { d.cut[id] = 1 }, lifecycle.ErrUnaudited},
		"deleted":   {func(d *doctoredStore, id uuid.UUID) { d.gone[id] = true }, lifecycle.ErrUnaudited},
	} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			h.newEvent("Port scan")
			inc := h.respond(incident.SeverityLow)
			_, err := h.e.Transition(h.ctx, actIM, lifecycle.KeyOf(inc), lifecycle.ActionContain)
			require.NoError(t, err)
			require.Len(t, h.trail(inc.ID), 3)
			h.drain()
			d := newDoctored(h.st)
			tc.doctor(d, inc.ID)
			e, err := lifecycle.New(d, acme, lifecycle.WithClock(h.clock), lifecycle.WithSigner("test-key", h.priv))
			require.NoError(t, err)

			_, err = e.Verify(h.ctx, lifecycle.KeyOf(inc))
			require.ErrorIs(t, err, tc.want)
			cp, err := e.Checkpoint(h.ctx)
			require.ErrorIs(t, err, tc.want)
			assert.Nil(t, cp)
			assert.Empty(t, h.drain(), "nothing signed, nothing emitted")
			// The engine refuses to extend a chain it cannot read to the
			// record's version.
			if errors.Is(tc.want, lifecycle.ErrUnaudited) {
				_, err = e.Transition(h.ctx, actIM, lifecycle.KeyOf(inc), lifecycle.ActionEradicate)
				require.ErrorIs(t, err, lifecycle.ErrUnaudited)
			}
		})
	}
}

// TestGuards triggers every guard the engine has and checks that the
// blocked action is named by its rule and writes nothing.
func TestGuards(t *testing.T) {
	type blocked func(h *harness) error
	for _, tc := range []struct {
		name     string
		rule     lifecycle.RuleName
		sentinel error
		setup    func(h *harness) blocked
	}{
		{"permission: a reporter acknowledges", lifecycle.RulePermission, lifecycle.ErrForbidden, func(h *harness) blocked {
			ev := h.newEvent("Phishing mail")
			return func(h *harness) error {
				_, err := h.e.Transition(h.ctx, actEDR, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge)
				return err
			}
		}},
		{"permission: an asset owner adds a note", lifecycle.RulePermission, lifecycle.ErrForbidden, func(h *harness) blocked {
			ev := h.newEvent("Phishing mail")
			return func(h *harness) error {
				_, err := h.e.Apply(h.ctx, actOwner, lifecycle.KeyOf(ev), lifecycle.AddNote{Text: "mine"})
				return err
			}
		}},
		{"permission: a point of contact confirms", lifecycle.RulePermission, lifecycle.ErrForbidden, func(h *harness) blocked {
			_, inc := h.declare(incident.SeverityLow)
			return func(h *harness) error {
				_, err := h.e.Assess(h.ctx, actPOC, lifecycle.KeyOf(inc), incident.Assessment{Step: incident.AssessmentConfirmation, Outcome: incident.OutcomeIncident})
				return err
			}
		}},
		{"permission: a transition by status needs the transition's roles", lifecycle.RulePermission, lifecycle.ErrForbidden, func(h *harness) blocked {
			inc := h.respond(incident.SeverityLow)
			return func(h *harness) error {
				_, err := h.e.SetStatus(h.ctx, actPOC, lifecycle.KeyOf(inc), "Containing")
				return err
			}
		}},
		{"permission: declaring needs the declare grant", lifecycle.RulePermission, lifecycle.ErrForbidden, func(h *harness) blocked {
			ev := h.newEvent("Odd login")
			_, err := h.e.Transition(h.ctx, actPOC, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge)
			require.NoError(h.t, err)
			r := walkRules()
			r.Permissions[lifecycle.ActionDeclare] = []incident.Role{incident.RoleIncidentManager}
			e := h.engine(lifecycle.WithRules(r))
			return func(h *harness) error {
				_, err := e.Assess(h.ctx, actPOC, lifecycle.KeyOf(ev), incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident})
				return err
			}
		}},
		{"assessment_required: declared without confirmation, contained under rules that want one", lifecycle.RuleAssessmentRequired, lifecycle.ErrBlocked, func(h *harness) blocked {
			r := walkRules()
			r.RequireConfirmation = false
			quick := h.engine(lifecycle.WithRules(r))
			ev := h.newEvent("Odd login")
			_, err := quick.Transition(h.ctx, actPOC, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge)
			require.NoError(h.t, err)
			res, err := quick.Assess(h.ctx, actPOC, lifecycle.KeyOf(ev), incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident})
			require.NoError(h.t, err)
			require.Equal(h.t, incident.PhaseRespond, res.Declared.Phase)
			return func(h *harness) error {
				_, err := h.e.Transition(h.ctx, actIM, lifecycle.KeyOf(res.Declared), lifecycle.ActionContain)
				return err
			}
		}},
		{"assessment_required: contain while the confirmation is pending", lifecycle.RuleAssessmentRequired, lifecycle.ErrBlocked, func(h *harness) blocked {
			_, inc := h.declare(incident.SeverityLow)
			return func(h *harness) error {
				_, err := h.e.Transition(h.ctx, actIM, lifecycle.KeyOf(inc), lifecycle.ActionContain)
				return err
			}
		}},
		{"confirmation_pending: the point of contact assesses a declared incident again", lifecycle.RuleConfirmationPending, lifecycle.ErrBlocked, func(h *harness) blocked {
			_, inc := h.declare(incident.SeverityLow)
			return func(h *harness) error {
				_, err := h.e.Assess(h.ctx, actPOC, lifecycle.KeyOf(inc), incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeNotIncident})
				return err
			}
		}},
		{"first_assessment: a confirmation without a first assessment", lifecycle.RuleFirstAssessment, lifecycle.ErrBlocked, func(h *harness) blocked {
			inc := h.directIncident()
			return func(h *harness) error {
				_, err := h.e.Assess(h.ctx, actLead, lifecycle.KeyOf(inc), incident.Assessment{Step: incident.AssessmentConfirmation, Outcome: incident.OutcomeIncident})
				return err
			}
		}},
		{"review_required", lifecycle.RuleReviewRequired, lifecycle.ErrBlocked, func(h *harness) blocked {
			inc := h.lessons(incident.SeverityHigh)
			return func(h *harness) error {
				_, err := h.e.Close(h.ctx, actIM, lifecycle.KeyOf(inc), lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithImpact})
				return err
			}
		}},
		{"second_approver: none", lifecycle.RuleSecondApprover, lifecycle.ErrBlocked, func(h *harness) blocked {
			inc := h.reviewedCritical()
			return h.closeWith(inc, actIM, nil)
		}},
		{"second_approver: the closer", lifecycle.RuleSecondApprover, lifecycle.ErrBlocked, func(h *harness) blocked {
			inc := h.reviewedCritical()
			self := lifecycle.Actor{ID: actIM.ID, Roles: []incident.Role{incident.RoleIncidentManager, incident.RoleIMTMember}}
			return h.closeWith(inc, self, &self)
		}},
		{"second_approver: the incident manager", lifecycle.RuleSecondApprover, lifecycle.ErrBlocked, func(h *harness) blocked {
			inc := h.reviewedCritical()
			h.apply(actIM, lifecycle.KeyOf(inc), lifecycle.HandOver{Role: incident.RoleIncidentManager, To: actIMT.ID})
			return h.closeWith(inc, actIM, &actIMT)
		}},
		{"second_approver: without an approver role", lifecycle.RuleSecondApprover, lifecycle.ErrBlocked, func(h *harness) blocked {
			inc := h.reviewedCritical()
			return h.closeWith(inc, actIM, &actIRT)
		}},
		{"mandatory_tasks", lifecycle.RuleMandatoryTasks, lifecycle.ErrBlocked, func(h *harness) blocked {
			inc := h.lessons(incident.SeverityLow)
			h.apply(actIM, lifecycle.KeyOf(inc), lifecycle.AddTask{Task: incident.Task{ID: "m", Title: "Notify", Mandatory: true}})
			return h.closeWith(inc, actIM, nil)
		}},
		{"incident_needs_response", lifecycle.RuleOpenIncident, lifecycle.ErrBlocked, func(h *harness) blocked {
			_, inc := h.declare(incident.SeverityMedium)
			return func(h *harness) error {
				_, err := h.e.Close(h.ctx, actIM, lifecycle.KeyOf(inc), lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithoutImpact})
				return err
			}
		}},
		{"incident_needs_response: not even as not applicable", lifecycle.RuleOpenIncident, lifecycle.ErrBlocked, func(h *harness) blocked {
			_, inc := h.declare(incident.SeverityMedium)
			return func(h *harness) error {
				_, err := h.e.Close(h.ctx, actIM, lifecycle.KeyOf(inc), lifecycle.Closing{Resolution: incident.ResolutionNotApplicable})
				return err
			}
		}},
		{"declared_event: transition", lifecycle.RuleDeclared, lifecycle.ErrBlocked, func(h *harness) blocked {
			ev, _ := h.declare(incident.SeverityLow)
			return func(h *harness) error {
				_, err := h.e.Transition(h.ctx, actPOC, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge)
				return err
			}
		}},
		{"declared_event: change", lifecycle.RuleDeclared, lifecycle.ErrBlocked, func(h *harness) blocked {
			ev, _ := h.declare(incident.SeverityLow)
			return func(h *harness) error {
				_, err := h.e.Apply(h.ctx, actPOC, lifecycle.KeyOf(ev), lifecycle.Classify{Priority: incident.P1})
				return err
			}
		}},
		{"declared_event: reopen", lifecycle.RuleDeclared, lifecycle.ErrBlocked, func(h *harness) blocked {
			ev, _ := h.declare(incident.SeverityLow)
			return func(h *harness) error {
				_, err := h.e.Reopen(h.ctx, actIM, lifecycle.KeyOf(ev), "again")
				return err
			}
		}},
		{"declared_event: merge", lifecycle.RuleDeclared, lifecycle.ErrBlocked, func(h *harness) blocked {
			ev, _ := h.declare(incident.SeverityLow)
			other := h.respond(incident.SeverityLow)
			return func(h *harness) error {
				_, err := h.e.Merge(h.ctx, actIM, lifecycle.KeyOf(ev), other.ID, "dup")
				return err
			}
		}},
		{"declared_event: a relabelling status", lifecycle.RuleDeclared, lifecycle.ErrBlocked, func(h *harness) blocked {
			ev, _ := h.declare(incident.SeverityLow)
			return func(h *harness) error {
				_, err := h.e.SetStatus(h.ctx, actIM, lifecycle.KeyOf(ev), "Handed over")
				return err
			}
		}},
		{"declared_event: close", lifecycle.RuleDeclared, lifecycle.ErrBlocked, func(h *harness) blocked {
			ev, _ := h.declare(incident.SeverityLow)
			return h.closeWith(ev, actIM, nil)
		}},
		{"merge: into itself", lifecycle.RuleMerge, lifecycle.ErrBlocked, func(h *harness) blocked {
			inc := h.respond(incident.SeverityLow)
			return func(h *harness) error {
				_, err := h.e.Merge(h.ctx, actIM, lifecycle.KeyOf(inc), inc.ID, "dup")
				return err
			}
		}},
		{"merge: into a closed primary", lifecycle.RuleMerge, lifecycle.ErrBlocked, func(h *harness) blocked {
			primary := h.lessons(incident.SeverityLow)
			_, err := h.e.Close(h.ctx, actIM, lifecycle.KeyOf(primary), lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithoutImpact})
			require.NoError(h.t, err)
			ev := h.newEvent("Same again")
			return func(h *harness) error {
				_, err := h.e.Merge(h.ctx, actIM, lifecycle.KeyOf(ev), primary.ID, "dup")
				return err
			}
		}},
		{"merge: into a merged primary", lifecycle.RuleMerge, lifecycle.ErrBlocked, func(h *harness) blocked {
			first, second := h.respond(incident.SeverityLow), h.respond(incident.SeverityLow)
			_, err := h.e.Merge(h.ctx, actIM, lifecycle.KeyOf(second), first.ID, "dup")
			require.NoError(h.t, err)
			ev := h.newEvent("Same again")
			return func(h *harness) error {
				_, err := h.e.Merge(h.ctx, actIM, lifecycle.KeyOf(ev), second.ID, "dup")
				return err
			}
		}},
		{"merge: a duplicate is not reopened", lifecycle.RuleMerge, lifecycle.ErrBlocked, func(h *harness) blocked {
			first, second := h.respond(incident.SeverityLow), h.respond(incident.SeverityLow)
			_, err := h.e.Merge(h.ctx, actIM, lifecycle.KeyOf(second), first.ID, "dup")
			require.NoError(h.t, err)
			return func(h *harness) error {
				_, err := h.e.Reopen(h.ctx, actIM, lifecycle.KeyOf(second), "not a duplicate after all")
				return err
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, lifecycle.WithRules(walkRules()))
			op := tc.setup(h)
			before := h.state()
			err := op(h)
			requireRule(t, err, tc.rule, tc.sentinel)
			assert.Equal(t, before, h.state(), "a blocked action changes nothing")
		})
	}
}

// directIncident creates an incident declared directly, in triage.
func (h *harness) directIncident() *incident.Incident {
	h.t.Helper()
	ev, err := h.e.Factory().NewEvent(h.ctx, acme, "Reported by phone", actPOC.ID)
	require.NoError(h.t, err)
	inc, err := h.e.Factory().Escalate(h.ctx, ev)
	require.NoError(h.t, err)
	require.NoError(h.t, h.e.Create(h.ctx, actPOC, inc))
	return inc
}

// reviewedCritical is a critical incident in learn lessons with a review.
func (h *harness) reviewedCritical() *incident.Incident {
	h.t.Helper()
	inc := h.lessons(incident.SeverityCritical)
	h.apply(actIM, lifecycle.KeyOf(inc), lifecycle.AddReview{Review: incident.ReviewRef{ID: "PIR-" + inc.ID.String()}})
	return inc
}

// closeWith returns a close of rec by actor with approver.
func (h *harness) closeWith(rec incident.Record, actor lifecycle.Actor, approver *lifecycle.Actor) func(*harness) error {
	return func(h *harness) error {
		_, err := h.e.Close(h.ctx, actor, lifecycle.KeyOf(rec), lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithImpact, Approver: approver})
		return err
	}
}

func TestSecondApproverAccepted(t *testing.T) {
	h := newHarness(t)
	inc := h.reviewedCritical()
	h.apply(actIM, lifecycle.KeyOf(inc), lifecycle.HandOver{Role: incident.RoleIncidentManager, To: actIM.ID})
	// A lead approves a close by the incident manager.
	rec, err := h.e.Close(h.ctx, actIM, lifecycle.KeyOf(inc), lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithImpact, Approver: &actLead})
	require.NoError(t, err)
	assert.Equal(t, actLead.ID, rec.Handle().Resolution.ApprovedBy)

	// Below the threshold no approver is needed, and none is recorded.
	low := h.lessons(incident.SeverityLow)
	rec, err = h.e.Close(h.ctx, actIM, lifecycle.KeyOf(low), lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithImpact, Approver: &actLead})
	require.NoError(t, err)
	assert.Empty(t, rec.Handle().Resolution.ApprovedBy)

	// An approver that is not a valid actor is refused as such.
	other := h.reviewedCritical()
	_, err = h.e.Close(h.ctx, actIM, lifecycle.KeyOf(other), lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithImpact, Approver: &lifecycle.Actor{}})
	require.ErrorIs(t, err, lifecycle.ErrInvalidActor)
}

func TestInvalidActionIsATransitionError(t *testing.T) {
	type op func(h *harness, key lifecycle.Key) error
	transition := func(a lifecycle.Action) op {
		return func(h *harness, key lifecycle.Key) error {
			_, err := h.e.Transition(h.ctx, actIM, key, a)
			return err
		}
	}
	for _, tc := range []struct {
		name    string
		setup   func(h *harness) incident.Record
		do      op
		action  lifecycle.Action
		from    lifecycle.Stage
		allowed []lifecycle.Action
	}{
		{"contain a detected event", func(h *harness) incident.Record { return h.newEvent("x") }, transition(lifecycle.ActionContain),
			lifecycle.ActionContain, lifecycle.Stage{Phase: incident.PhaseDetectReport, State: incident.StateDetection},
			[]lifecycle.Action{lifecycle.ActionAcknowledge, lifecycle.ActionClose, lifecycle.ActionMerge, lifecycle.ActionReport}},
		{"learn from analysis", func(h *harness) incident.Record { return h.respond(incident.SeverityLow) },
			transition(lifecycle.ActionLearn), lifecycle.ActionLearn, lifecycle.Stage{Phase: incident.PhaseRespond, State: incident.StateAnalysis},
			[]lifecycle.Action{lifecycle.ActionConclude, lifecycle.ActionContain, lifecycle.ActionMerge}},
		{"close in analysis", func(h *harness) incident.Record { return h.respond(incident.SeverityLow) },
			func(h *harness, key lifecycle.Key) error {
				_, err := h.e.Close(h.ctx, actIM, key, lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithImpact})
				return err
			}, lifecycle.ActionClose, lifecycle.Stage{Phase: incident.PhaseRespond, State: incident.StateAnalysis},
			[]lifecycle.Action{lifecycle.ActionConclude, lifecycle.ActionContain, lifecycle.ActionMerge}},
		{"first assessment in respond", func(h *harness) incident.Record { return h.respond(incident.SeverityLow) },
			func(h *harness, key lifecycle.Key) error {
				_, err := h.e.Assess(h.ctx, actIM, key, incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeNearMiss})
				return err
			}, lifecycle.ActionAssess, lifecycle.Stage{Phase: incident.PhaseRespond, State: incident.StateAnalysis},
			[]lifecycle.Action{lifecycle.ActionConclude, lifecycle.ActionContain, lifecycle.ActionMerge}},
		{"reopen an open record", func(h *harness) incident.Record { return h.respond(incident.SeverityLow) },
			func(h *harness, key lifecycle.Key) error {
				_, err := h.e.Reopen(h.ctx, actIM, key, "why")
				return err
			}, lifecycle.ActionReopen, lifecycle.Stage{Phase: incident.PhaseRespond, State: incident.StateAnalysis},
			[]lifecycle.Action{lifecycle.ActionConclude, lifecycle.ActionContain, lifecycle.ActionMerge}},
		{"change a closed record", func(h *harness) incident.Record {
			ev := h.newEvent("x")
			_, err := h.e.Close(h.ctx, actPOC, lifecycle.KeyOf(ev), lifecycle.Closing{Resolution: incident.ResolutionNotApplicable})
			require.NoError(h.t, err)
			return ev
		}, func(h *harness, key lifecycle.Key) error {
			_, err := h.e.Apply(h.ctx, actIM, key, lifecycle.Classify{Priority: incident.P1})
			return err
		}, lifecycle.ActionClassify, lifecycle.Stage{Phase: incident.PhaseDetectReport, State: incident.StateClosed},
			[]lifecycle.Action{lifecycle.ActionReopen}},
		{"merge a vulnerability", func(h *harness) incident.Record {
			v, err := h.e.Factory().NewVulnerability(h.ctx, acme, "Old OpenSSL", actEDR.ID)
			require.NoError(h.t, err)
			require.NoError(h.t, h.e.Create(h.ctx, actEDR, v))
			return v
		}, func(h *harness, key lifecycle.Key) error {
			inc := h.respond(incident.SeverityLow)
			_, err := h.e.Merge(h.ctx, actIM, key, inc.ID, "dup")
			return err
		}, lifecycle.ActionMerge, lifecycle.Stage{Phase: incident.PhaseDetectReport, State: incident.StateReporting},
			[]lifecycle.Action{lifecycle.ActionAcknowledge, lifecycle.ActionClose}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			rec := tc.setup(h)
			key := lifecycle.KeyOf(rec)
			version := h.get(key).Head().Version
			trail := len(h.trail(key.ID))
			err := tc.do(h, key)
			require.ErrorIs(t, err, lifecycle.ErrNotAllowed)
			var te *lifecycle.TransitionError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.action, te.Action)
			assert.Equal(t, tc.from, te.From)
			assert.Equal(t, key.ID, te.ID)
			assert.Equal(t, key.Kind, te.Kind)
			assert.Equal(t, tc.allowed, te.Allowed)
			assert.True(t, slices.IsSorted(te.Allowed))
			assert.Equal(t, version, h.get(key).Head().Version)
			assert.Len(t, h.trail(key.ID), trail)
		})
	}
}

func TestTransitionRefusesDecisionActions(t *testing.T) {
	h := newHarness(t)
	ev := h.newEvent("x")
	for _, a := range []lifecycle.Action{lifecycle.ActionAssess, lifecycle.ActionConfirm, lifecycle.ActionDeclare,
		lifecycle.ActionClose, lifecycle.ActionMerge, lifecycle.ActionReopen, lifecycle.ActionTimer, "fly"} {
		_, err := h.e.Transition(h.ctx, actIM, lifecycle.KeyOf(ev), a)
		var re *lifecycle.RequestError
		require.ErrorAs(t, err, &re, a)
		require.ErrorIs(t, err, lifecycle.ErrInvalidRequest)
	}
	assert.Len(t, h.trail(ev.ID), 1)
}

func TestClosingCancelsOpenOptionalTasks(t *testing.T) {
	h := newHarness(t)
	inc := h.lessons(incident.SeverityLow)
	key := lifecycle.KeyOf(inc)
	for _, tk := range []incident.Task{
		{ID: "a-done", Title: "done", Mandatory: true},
		{ID: "b-open", Title: "open"},
		{ID: "c-progress", Title: "in progress", Status: incident.TaskInProgress},
		{ID: "d-waived", Title: "waived", Mandatory: true},
	} {
		h.apply(actIM, key, lifecycle.AddTask{Task: tk})
	}
	h.apply(actIM, key, lifecycle.SetTask{TaskID: "a-done", Status: incident.TaskDone})
	h.apply(actIM, key, lifecycle.SetTask{TaskID: "d-waived", Status: incident.TaskWaived, Reason: "not needed"})
	_, err := h.e.Close(h.ctx, actIM, key, lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithoutImpact})
	require.NoError(t, err)
	tr := h.trail(inc.ID)
	last := tr[len(tr)-1]
	require.Equal(t, string(lifecycle.ActionClose), last.Action)
	assert.Equal(t, []any{"b-open", "c-progress"}, dataOf(t, last)["cancelled_tasks"])
	status := map[string]incident.TaskStatus{}
	for _, tk := range h.get(key).Handle().Tasks {
		status[tk.ID] = tk.Status
	}
	assert.Equal(t, map[string]incident.TaskStatus{"a-done": incident.TaskDone, "b-open": incident.TaskCancelled,
		"c-progress": incident.TaskCancelled, "d-waived": incident.TaskWaived}, status)
}

func TestWithoutConfirmationTheFirstAssessmentDecides(t *testing.T) {
	r := lifecycle.DefaultRules()
	r.RequireConfirmation = false
	h := newHarness(t, lifecycle.WithRules(r))
	respond := lifecycle.Stage{Phase: incident.PhaseRespond, State: incident.StateAnalysis}

	t.Run("an event is declared into respond", func(t *testing.T) {
		ev := h.newEvent("Ransomware")
		_, err := h.e.Transition(h.ctx, actPOC, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge)
		require.NoError(t, err)
		res, err := h.e.Assess(h.ctx, actPOC, lifecycle.KeyOf(ev), incident.Assessment{Step: incident.AssessmentFirst,
			Outcome: incident.OutcomeIncident, Severity: incident.SeverityHigh})
		require.NoError(t, err)
		require.NotNil(t, res.Declared)
		assert.Equal(t, respond, lifecycle.StageOf(res.Declared))
		tr := h.trail(res.Declared.ID)
		require.Len(t, tr, 1)
		assert.Equal(t, "respond/analysis", dataOf(t, tr[0])["stage"])
		_, err = h.e.Transition(h.ctx, actIM, lifecycle.KeyOf(res.Declared), lifecycle.ActionContain)
		require.NoError(t, err, "the first assessment was the decision")
	})

	t.Run("an incident in triage moves on to respond", func(t *testing.T) {
		inc := h.directIncident()
		res, err := h.e.Assess(h.ctx, actPOC, lifecycle.KeyOf(inc), incident.Assessment{Step: incident.AssessmentFirst,
			Outcome: incident.OutcomeIncident})
		require.NoError(t, err)
		assert.Nil(t, res.Declared)
		assert.Equal(t, respond, lifecycle.StageOf(res.Record))
		tr := h.trail(inc.ID)
		last := tr[len(tr)-1]
		assert.Equal(t, string(lifecycle.ActionConfirm), last.Action)
		d := dataOf(t, last)
		assert.Equal(t, "assess_decide/triage", d["from"])
		assert.Equal(t, "respond/analysis", d["to"])
		assert.Equal(t, string(incident.RolePointOfContact), d["role"])
	})

	t.Run("another outcome waits in assess and decide", func(t *testing.T) {
		inc := h.directIncident()
		res, err := h.e.Assess(h.ctx, actPOC, lifecycle.KeyOf(inc), incident.Assessment{Step: incident.AssessmentFirst,
			Outcome: incident.OutcomeNearMiss})
		require.NoError(t, err)
		assert.Equal(t, lifecycle.Stage{Phase: incident.PhaseAssessDecide, State: incident.StateAnalysis}, lifecycle.StageOf(res.Record))
	})
}

func TestCreateRefusesBadRecords(t *testing.T) {
	h := newHarness(t)
	mk := func(mod func(*incident.Event)) incident.Record {
		ev, err := h.e.Factory().NewEvent(h.ctx, acme, "x", actEDR.ID)
		require.NoError(t, err)
		mod(ev)
		return ev
	}
	for name, rec := range map[string]incident.Record{
		"nil":          nil,
		"typed nil":    (*incident.Event)(nil),
		"other tenant": mk(func(ev *incident.Event) { ev.Org = "globex" }),
		"stored":       mk(func(ev *incident.Event) { ev.Version = 3 }),
		"late stage":   mk(func(ev *incident.Event) { ev.Phase, ev.State = incident.PhaseRespond, incident.StateAnalysis }),
	} {
		t.Run(name, func(t *testing.T) {
			err := h.e.Create(h.ctx, actEDR, rec)
			require.ErrorIs(t, err, lifecycle.ErrInvalidRequest)
		})
	}
	require.ErrorIs(t, h.e.Create(h.ctx, lifecycle.Actor{}, mk(func(*incident.Event) {})), lifecycle.ErrInvalidActor)
	require.ErrorIs(t, h.e.Create(h.ctx, lifecycle.Actor{ID: "x", Roles: []incident.Role{"wizard"}}, mk(func(*incident.Event) {})), lifecycle.ErrInvalidActor)
	assert.Empty(t, h.state().Records)
}

// TestCancelledContext calls every method of the engine with a cancelled
// context: each returns the context's error and the store is unchanged.
func TestCancelledContext(t *testing.T) {
	h := newHarness(t, lifecycle.WithRules(walkRules()), lifecycle.WithObligationSource(walkObligations), lifecycle.WithTaskSource(walkTasks))
	detected := h.newEvent("Detected")
	triaged := h.newEvent("Triaged")
	_, err := h.e.Transition(h.ctx, actPOC, lifecycle.KeyOf(triaged), lifecycle.ActionAcknowledge)
	require.NoError(t, err)
	inc := h.respond(incident.SeverityLow)
	done := h.lessons(incident.SeverityLow)
	h.apply(actIM, lifecycle.KeyOf(done), lifecycle.SetTask{TaskID: "pb-isolate", Status: incident.TaskDone})
	_, err = h.e.Close(h.ctx, actIM, lifecycle.KeyOf(done), lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithoutImpact})
	require.NoError(t, err)
	cp, err := h.e.Checkpoint(h.ctx)
	require.NoError(t, err)
	h.clock.Advance(100 * time.Hour) // every timer is due
	fresh, err := h.e.Factory().NewEvent(h.ctx, acme, "Fresh", actEDR.ID)
	require.NoError(t, err)
	before := h.state()
	require.NotEmpty(t, before.Timers)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := h.e
	for name, call := range map[string]func() error{
		"Create": func() error { return e.Create(ctx, actEDR, fresh) },
		"Transition": func() error {
			_, err := e.Transition(ctx, actEDR, lifecycle.KeyOf(detected), lifecycle.ActionReport)
			return err
		},
		"Assess": func() error {
			_, err := e.Assess(ctx, actPOC, lifecycle.KeyOf(triaged), incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident})
			return err
		},
		"Apply": func() error {
			_, err := e.Apply(ctx, actIM, lifecycle.KeyOf(inc), lifecycle.AddNote{Text: "x"})
			return err
		},
		"SetStatus": func() error {
			_, err := e.SetStatus(ctx, actIM, lifecycle.KeyOf(inc), "Containing")
			return err
		},
		"Close": func() error {
			_, err := e.Close(ctx, actPOC, lifecycle.KeyOf(detected), lifecycle.Closing{Resolution: incident.ResolutionNotApplicable})
			return err
		},
		"Reopen": func() error {
			_, err := e.Reopen(ctx, actIM, lifecycle.KeyOf(done), "again")
			return err
		},
		"Merge": func() error {
			_, err := e.Merge(ctx, actIM, lifecycle.KeyOf(detected), inc.ID, "dup")
			return err
		},
		"Tick": func() error {
			_, err := e.Tick(ctx, h.clock.Peek())
			return err
		},
		"Checkpoint": func() error {
			_, err := e.Checkpoint(ctx)
			return err
		},
		"Verify": func() error {
			_, err := e.Verify(ctx, lifecycle.KeyOf(inc))
			return err
		},
		"Export": func() error {
			_, err := e.Export(ctx, lifecycle.KeyOf(inc), cp)
			return err
		},
		"Get": func() error {
			_, err := e.Get(ctx, actIM, lifecycle.KeyOf(inc))
			return err
		},
		"List": func() error {
			for _, err := range e.List(ctx, actIM, store.Query{Kind: incident.KindIncident}) {
				if err != nil {
					return err
				}
			}
			return errors.New("List yielded no error")
		},
	} {
		err := call()
		require.ErrorIs(t, err, context.Canceled, name)
	}
	assert.Equal(t, before, h.state(), "nothing was written")
	assert.EqualValues(t, 0, fresh.Version)

}

func TestSourcesSeeTheContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	source := lifecycle.ObligationSourceFunc(func(ctx context.Context, _ *incident.Incident) ([]incident.Obligation, error) {
		cancel() // the caller gives up while the source works
		return nil, ctx.Err()
	})
	h := newHarness(t, lifecycle.WithObligationSource(source))
	ev := h.newEvent("Odd login")
	_, err := h.e.Transition(h.ctx, actPOC, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge)
	require.NoError(t, err)
	before := h.state()
	_, err = h.e.Assess(ctx, actPOC, lifecycle.KeyOf(ev), incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident})
	require.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, before, h.state())
}

// TestConcurrentChangesToOneRecord has several engines change one record
// at once: each change is stored with its audit record or fails with
// store.ErrConflict, and the chain stays whole.
func TestConcurrentChangesToOneRecord(t *testing.T) {
	const workers, each = 4, 25
	h := newHarness(t)
	inc := h.respond(incident.SeverityLow)
	key := lifecycle.KeyOf(inc)
	h.drain()
	base := h.get(key).Head().Version

	var ok, conflicts [workers]int
	var wg sync.WaitGroup
	for w := range workers {
		e := h.engine()
		wg.Go(func() {
			for i := range each {
				_, err := e.Apply(h.ctx, actIM, key, lifecycle.AddNote{Text: fmt.Sprintf("worker %d note %d", w, i)})
				switch {
				case err == nil:
					ok[w]++
				case errors.Is(err, store.ErrConflict):
					conflicts[w]++
				default:
					assert.NoError(t, err)
				}
			}
		})
	}
	wg.Wait()
	stored := 0
	for w := range workers {
		stored += ok[w]
		assert.Equal(t, each, ok[w]+conflicts[w])
	}
	rec := h.get(key)
	assert.EqualValues(t, base+int64(stored), rec.Head().Version)
	assert.Len(t, rec.Handle().Notes, stored)
	head, err := h.e.Verify(h.ctx, key)
	require.NoError(t, err)
	assert.EqualValues(t, rec.Head().Version, head.Seq)
	entries := h.drain()
	assert.Len(t, entries, stored, "one notification per stored change, none for a conflict")
	t.Logf("%d stored, %d conflicts", stored, workers*each-stored)
}

// TestAuditAppendedAroundTheEngine: an audit record sealed and stored by
// someone else, without the record, is a chain ahead of its record.
func TestAuditAppendedAroundTheEngine(t *testing.T) {
	h := newHarness(t)
	ev := h.newEvent("Phishing mail")
	key := lifecycle.KeyOf(ev)
	tr := h.trail(ev.ID)
	forged := store.AuditRecord{RecordID: ev.ID, At: h.clock.Now(), Actor: "mallory", Action: "close"}
	require.NoError(t, lifecycle.SealAuditRecord(&tr[len(tr)-1], &forged))
	require.NoError(t, h.st.Commit(h.ctx, acme, &store.Write{Audit: []store.AuditRecord{forged}}))

	_, err := h.e.Verify(h.ctx, key)
	require.ErrorIs(t, err, lifecycle.ErrUnaudited)
	_, err = h.e.Checkpoint(h.ctx)
	require.ErrorIs(t, err, lifecycle.ErrUnaudited)
	before := h.state()
	_, err = h.e.Transition(h.ctx, actEDR, key, lifecycle.ActionReport)
	// ErrUnaudited, not store.ErrConflict: retrying cannot help.
	require.ErrorIs(t, err, lifecycle.ErrUnaudited, "the engine does not write on top of a forged record")
	require.NotErrorIs(t, err, store.ErrConflict)
	assert.Equal(t, before, h.state())
}

func TestNewAndCheckpointConfiguration(t *testing.T) {
	st := memory.New()
	_, err := lifecycle.New(nil, acme)
	require.ErrorIs(t, err, lifecycle.ErrInvalidRequest)
	_, err = lifecycle.New(st, "")
	require.ErrorIs(t, err, lifecycle.ErrInvalidRequest)
	bad := lifecycle.DefaultRules()
	bad.ReviewRequiredAt = "apocalyptic"
	_, err = lifecycle.New(st, acme, lifecycle.WithRules(bad))
	require.ErrorIs(t, err, lifecycle.ErrInvalidRules)

	// The engine keeps its own copy of the rules.
	r := lifecycle.DefaultRules()
	e, err := lifecycle.New(st, acme, lifecycle.WithRules(r))
	require.NoError(t, err)
	r.Permissions[lifecycle.ActionAcknowledge] = []incident.Role{incident.RoleReporter}
	assert.NotContains(t, e.Rules().Permissions[lifecycle.ActionAcknowledge], incident.RoleReporter)

	_, err = e.Checkpoint(context.Background())
	require.ErrorIs(t, err, lifecycle.ErrNoSigner)
}

// TestResponseTeamDismissesAnIncident: a declared incident the response
// team does not confirm is closed without respond.
func TestResponseTeamDismissesAnIncident(t *testing.T) {
	h := newHarness(t)
	_, inc := h.declare(incident.SeverityMedium)
	key := lifecycle.KeyOf(inc)
	res, err := h.e.Assess(h.ctx, actLead, key, incident.Assessment{Step: incident.AssessmentConfirmation,
		Outcome: incident.OutcomeNotIncident, Rationale: "a scheduled pentest"})
	require.NoError(t, err)
	assert.Equal(t, lifecycle.Stage{Phase: incident.PhaseAssessDecide, State: incident.StateAnalysis}, lifecycle.StageOf(res.Record))
	tr := h.trail(inc.ID)
	assert.Equal(t, string(lifecycle.ActionConfirm), tr[len(tr)-1].Action, "a confirmation is audited as such")
	rec, err := h.e.Close(h.ctx, actIM, key, lifecycle.Closing{Resolution: incident.ResolutionFalsePositive})
	require.NoError(t, err)
	assert.Equal(t, lifecycle.Stage{Phase: incident.PhaseAssessDecide, State: incident.StateClosed}, lifecycle.StageOf(rec))
}
