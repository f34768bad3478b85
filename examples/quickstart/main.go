// Command quickstart walks one ransomware alert through the five phases of
// ISO/IEC 27035-1:2023 clause 5 on the lifecycle engine, with the
// in-memory store (the SDK's embedded default):
//
//  1. plan and prepare: the rules, a playbook and a regulatory clock;
//  2. detect and report: an EDR reports an event;
//  3. assess and decide: the point of contact declares an incident, the
//     response team confirms it;
//  4. respond: a regulatory fact, evidence with its chain of custody,
//     containment under a custom status, eradication, recovery, tasks;
//  5. learn lessons: a review, and a close that needs a second approver.
//
// Then it fires the engine's timers, prints the tamper-evident audit trail,
// signs a checkpoint over it, shows that a forged copy of the trail fails
// verification, and delivers the outbox (the notifications every change
// wrote) through a relay.
//
// The clock and the IDs are deterministic, so the output is the same on
// every run:
//
//	go run ./examples/quickstart
package main

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/relay"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
)

const org = "acme-bank"

// The people and tools of the walk, with the 27035-2 roles the host has
// established they hold (the engine checks them against the rules).
var (
	edr   = lifecycle.Actor{ID: "tool:edr", Roles: []incident.Role{incident.RoleReporter}}
	alice = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
	carol = lifecycle.Actor{ID: "carol", Roles: []incident.Role{incident.RoleIRTLead}}
	bob   = lifecycle.Actor{ID: "bob", Roles: []incident.Role{incident.RoleIncidentManager}}
	dana  = lifecycle.Actor{ID: "dana", Roles: []incident.Role{incident.RoleDataProtection}}
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

// walk holds what the phases share.
type walk struct {
	out io.Writer
	st  *memory.Store
	e   *lifecycle.Engine
	// now is the deterministic clock: every reading moves it on a minute.
	now time.Time
	// pub verifies the checkpoints the engine signs.
	pub crypto.PublicKey
	// ev and inc are the keys of the event and of the incident it becomes.
	ev, inc lifecycle.Key
	// refs names the records' chains in the output.
	refs map[uuid.UUID]incident.Ref
}

// clock is the engine's time source: a minute passes at every reading.
func (w *walk) clock() time.Time {
	w.now = w.now.Add(time.Minute)
	return w.now
}

func run(ctx context.Context, out io.Writer) error {
	w := &walk{out: out, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	for _, phase := range []func(context.Context) error{
		w.planAndPrepare, w.detectAndReport, w.assessAndDecide, w.respond, w.learnLessons,
		w.timers, w.auditTrail, w.deliver,
	} {
		if err := phase(ctx); err != nil {
			return err
		}
	}
	return nil
}

// planAndPrepare (27035-1 5.2, 27035-2): the rules the engine enforces, the
// playbook that gives every incident its tasks, the clocks of the reports
// owed, and the key that signs checkpoints.
func (w *walk) planAndPrepare(context.Context) error {
	w.heading("Plan and prepare (27035-1 5.2; 27035-2)")

	// DefaultRules: two-step assessment, a review at high severity, a
	// second approver at critical, acknowledge clocks and role grants. A
	// host adds its own status names, each mapped onto a stage.
	rules := lifecycle.DefaultRules()
	rules.Statuses = append(rules.Statuses,
		lifecycle.Status{Name: "Isolated", Phase: incident.PhaseRespond, State: incident.StateContainment})

	// Stand-in for a playbook of package prepare (not implemented yet):
	// every declared incident gets a mandatory and an optional task.
	playbook := lifecycle.TaskSourceFunc(func(context.Context, *incident.Incident) ([]incident.Task, error) {
		return []incident.Task{
			{ID: "T-isolate", Title: "Isolate the affected hosts", Mandatory: true, Phase: incident.PhaseRespond},
			{ID: "T-comms", Title: "Brief the communications team", Phase: incident.PhaseRespond},
		}, nil
	})

	// Stand-in for the regulatory clocks of package triage (not
	// implemented yet): once personal data are known to be involved, GDPR
	// Art. 33(1) asks for a notification to the supervisory authority
	// within 72 hours of becoming aware of the breach (here: of learning
	// that personal data are involved). The engine asks again whenever a
	// fact or an anchor changes, and arms the report's timers.
	gdpr := lifecycle.ObligationSourceFunc(func(_ context.Context, inc *incident.Incident) ([]incident.Obligation, error) {
		aware, ok := inc.Facts.PersonalData.FirstKnown(func(involved bool) bool { return involved })
		if !ok {
			return nil, nil
		}
		return []incident.Obligation{{
			ID: "gdpr-33", Regime: "gdpr", Report: "notification", Authority: "supervisory authority",
			StartEvent: "aware", StartAt: aware, Due: aware.Add(72 * time.Hour), Article: "GDPR Art. 33(1)",
		}}, nil
	})

	// The checkpoint key belongs where the store's writers cannot reach it.
	// A fixed seed keeps this output stable: never do that in production.
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{42}, ed25519.SeedSize))
	w.pub = key.Public()

	// Deterministic IDs for a stable output; the default is UUIDv7.
	var n uint64
	ids := incident.IDFunc(func() (uuid.UUID, error) {
		n++
		return uuid.Parse(fmt.Sprintf("019cae00-0000-7000-8000-%012x", n))
	})

	w.st = memory.New()
	e, err := lifecycle.New(w.st, org,
		lifecycle.WithRules(rules),
		lifecycle.WithClock(incident.ClockFunc(w.clock)),
		lifecycle.WithIDs(ids),
		lifecycle.WithTaskSource(playbook),
		lifecycle.WithObligationSource(gdpr),
		lifecycle.WithSigner("audit-2026", key))
	if err != nil {
		return err // a *lifecycle.RulesError naming every bad field
	}
	w.e = e
	r := e.Rules()
	w.printf("engine for %s: review from %s, second approver from %s, status %q = respond/containment",
		e.Tenant(), r.ReviewRequiredAt, r.SecondApproverAt, "Isolated")
	return nil
}

// detectAndReport (27035-1 5.3; 27035-3 clauses 7 and 8): a tool detects
// an event and reports it to the point of contact.
func (w *walk) detectAndReport(ctx context.Context) error {
	w.heading("Detect and report (27035-1 5.3)")
	ev, err := w.e.Factory().NewEvent(ctx, org, "Ransom note found on file server FS01", edr.ID)
	if err != nil {
		return err
	}
	ev.DetectionMethod, ev.Source = "automated-tool", "EDR"
	// Create stores the record as the first entry of its audit trail and
	// arms its acknowledge clock.
	if err := w.e.Create(ctx, edr, ev); err != nil {
		return err
	}
	w.ev = lifecycle.KeyOf(ev)
	w.refs = map[uuid.UUID]incident.Ref{ev.ID: ev.Ref}
	w.moved(ev, "created by "+string(edr.ID))
	rec, err := w.e.Transition(ctx, edr, w.ev, lifecycle.ActionReport)
	if err != nil {
		return err
	}
	w.moved(rec, "report")
	return nil
}

// assessAndDecide (27035-1 5.4; 27035-3 clause 9): the point of contact
// takes the report on and assesses it; the response team confirms.
func (w *walk) assessAndDecide(ctx context.Context) error {
	w.heading("Assess and decide (27035-1 5.4)")
	rec, err := w.e.Transition(ctx, alice, w.ev, lifecycle.ActionAcknowledge)
	if err != nil {
		return err
	}
	w.moved(rec, "acknowledge by alice")

	// The first assessment says it is an incident: the event is declared,
	// which closes it and creates the incident in the same write. The
	// playbook's tasks come with it.
	res, err := w.e.Assess(ctx, alice, w.ev, incident.Assessment{
		Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident,
		Severity: incident.SeverityCritical, Priority: incident.P1,
		Category:  incident.Category{Class: "malicious-code", Type: "infected-system"},
		Rationale: "ransom note and encrypted shares on FS01",
	})
	if err != nil {
		return err
	}
	w.inc = lifecycle.KeyOf(res.Declared)
	w.refs[w.inc.ID] = res.Declared.Ref
	w.moved(res.Record, "first assessment by alice: declared "+string(res.Declared.Ref))
	w.moved(res.Declared, fmt.Sprintf("created, %s, %d tasks from the playbook", res.Declared.Severity, len(res.Declared.Tasks)))

	// The rules make the decision two-step: the IRT lead confirms.
	res, err = w.e.Assess(ctx, carol, w.inc, incident.Assessment{
		Step: incident.AssessmentConfirmation, Outcome: incident.OutcomeIncident, Rationale: "confirmed on FS01",
	})
	if err != nil {
		return err
	}
	w.moved(res.Record, "confirmed by carol")
	return nil
}

// respond (27035-1 5.5; 27035-3 clauses 10 and 11): people, facts,
// evidence, containment, eradication, recovery and the tasks.
func (w *walk) respond(ctx context.Context) error {
	w.heading("Respond (27035-1 5.5)")
	// Every change is one audited write; Apply takes the changes.
	if _, err := w.e.Apply(ctx, carol, w.inc, lifecycle.HandOver{Role: incident.RoleIncidentManager, To: bob.ID}); err != nil {
		return err
	}
	w.printf("carol hands the incident over to bob, its incident manager")

	// A fact, with when it became known: the GDPR clock starts.
	rec, err := w.e.Apply(ctx, dana, w.inc, lifecycle.SetFact{Name: "personal_data", Value: true, Source: "dana"})
	if err != nil {
		return err
	}
	for _, o := range incidentOf(rec).Obligations {
		w.printf("personal data involved: %s %s owed to the %s by %s", o.Article, o.Report, o.Authority, stamp(o.Due))
	}

	// Evidence with its digest, then a custody transfer (ISO/IEC 27037).
	note := []byte("YOUR FILES ARE ENCRYPTED ...")
	sum, size, err := incident.Digest(bytes.NewReader(note))
	if err != nil {
		return err
	}
	if _, err := w.e.Apply(ctx, carol, w.inc, lifecycle.AddEvidence{Evidence: incident.Evidence{
		ID: "EV-1", Description: "Ransom note copied from FS01", Source: "FS01:/share/README.txt",
		Location: "locker://cases/EV-1", SHA256: sum, Size: size,
	}}); err != nil {
		return err
	}
	rec, err = w.e.Apply(ctx, carol, w.inc, lifecycle.TransferCustody{
		EvidenceID: "EV-1", To: "frank", Purpose: "forensic analysis", SHA256: sum,
	})
	if err != nil {
		return err
	}
	evidence := incidentOf(rec).Evidence[0]
	w.printf("evidence %s sha256 %s…, custodian %s", evidence.ID, evidence.SHA256[:12], evidence.Custodian())

	// A custom status one transition away performs that transition.
	rec, err = w.e.SetStatus(ctx, bob, w.inc, "Isolated")
	if err != nil {
		return err
	}
	w.moved(rec, fmt.Sprintf("status %q", rec.Handle().Status))
	if _, err := w.e.Apply(ctx, bob, w.inc, lifecycle.SetTask{TaskID: "T-isolate", Status: incident.TaskDone}); err != nil {
		return err
	}
	for _, a := range []lifecycle.Action{lifecycle.ActionEradicate, lifecycle.ActionRecover} {
		if rec, err = w.e.Transition(ctx, bob, w.inc, a); err != nil {
			return err
		}
		w.moved(rec, string(a))
	}
	rec, err = w.e.Apply(ctx, bob, w.inc, lifecycle.SetTask{TaskID: "T-comms", Status: incident.TaskWaived,
		Reason: "no customer-facing impact"})
	if err != nil {
		return err
	}
	for _, t := range rec.Handle().Tasks {
		w.printf("task %s (mandatory %t): %s", t.ID, t.Mandatory, t.Status)
	}

	// Two days later a host's scheduler calls Tick: the report is due
	// within a day (Rules.ReportDueSoon) and not submitted yet.
	w.now = w.now.Add(48 * time.Hour)
	if err := w.tick(ctx); err != nil {
		return err
	}
	w.printf("  quiet: the event's acknowledge timer, as alice acknowledged it")
	rec, err = w.e.Apply(ctx, dana, w.inc, lifecycle.SubmitReport{ObligationID: "gdpr-33"})
	if err != nil {
		return err
	}
	o := incidentOf(rec).Obligations[0]
	w.printf("dana submits %s at %s, %s before it is due", o.ID, stamp(o.SubmittedAt), o.Due.Sub(o.SubmittedAt))

	rec, err = w.e.Transition(ctx, bob, w.inc, lifecycle.ActionConclude)
	if err != nil {
		return err
	}
	w.moved(rec, "conclude")
	return nil
}

// learnLessons (27035-1 5.6): the incident enters learn lessons; a critical
// incident closes only after a review, with a second approver.
func (w *walk) learnLessons(ctx context.Context) error {
	w.heading("Learn lessons (27035-1 5.6)")
	rec, err := w.e.Transition(ctx, bob, w.inc, lifecycle.ActionLearn)
	if err != nil {
		return err
	}
	w.moved(rec, "learn")

	closing := lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithImpact, Reason: "FS01 restored from backup"}
	// Each blocked close names the rule that blocked it.
	_, err = w.e.Close(ctx, bob, w.inc, closing)
	if err := w.blocked(err); err != nil {
		return err
	}
	if _, err := w.e.Apply(ctx, bob, w.inc, lifecycle.AddReview{Review: incident.ReviewRef{ID: "PIR-2026-03"}}); err != nil {
		return err
	}
	w.printf("bob records the post-incident review PIR-2026-03")
	_, err = w.e.Close(ctx, bob, w.inc, closing)
	if err := w.blocked(err); err != nil {
		return err
	}
	closing.Approver = &carol
	rec, err = w.e.Close(ctx, bob, w.inc, closing)
	if err != nil {
		return err
	}
	res := rec.Handle().Resolution
	w.moved(rec, fmt.Sprintf("closed by %s, approved by %s: %s", res.SetBy, res.ApprovedBy, res.Kind))
	return nil
}

// blocked prints the rule a close was blocked by; any other error is
// returned.
func (w *walk) blocked(err error) error {
	var re *lifecycle.RuleError
	if !errors.As(err, &re) {
		return fmt.Errorf("expected a blocked close, got %w", err)
	}
	w.printf("close blocked by rule %s: %s", re.Rule, re.Reason)
	return nil
}

// timers: a day after the report fell due the scheduler ticks again; the
// report was submitted, so its overdue timer fires quietly.
func (w *walk) timers(ctx context.Context) error {
	w.heading("Timers")
	w.now = w.now.Add(24 * time.Hour)
	if err := w.tick(ctx); err != nil {
		return err
	}
	w.printf("  quiet: the overdue timer of gdpr-33, as the report was submitted")
	return nil
}

// tick fires the timers due now and says what fired.
func (w *walk) tick(ctx context.Context) error {
	now := w.clock()
	res, err := w.e.Tick(ctx, now)
	if err != nil {
		return err
	}
	w.printf("tick at %s: %d fired, %d quiet", stamp(now), res.Fired, res.Quiet)
	// A timer that fires writes an audit record (action "timer").
	for a, err := range w.st.AuditTrail(ctx, org, w.inc.ID, 0) {
		if err != nil {
			return err
		}
		if a.Action == string(lifecycle.ActionTimer) && a.At.Equal(now) {
			var d struct{ Timer, Obligation string }
			if err := json.Unmarshal(a.Data, &d); err != nil {
				return err
			}
			w.printf("  fired: %s of %s", d.Timer, d.Obligation)
		}
	}
	return nil
}

// auditTrail prints the audit trails, signs a checkpoint over them and
// verifies the store against it; then it shows forged copies failing.
func (w *walk) auditTrail(ctx context.Context) error {
	w.heading("Audit trail")
	for _, k := range []lifecycle.Key{w.ev, w.inc} {
		rec, err := w.e.Get(ctx, bob, k)
		if err != nil {
			return err
		}
		w.printf("%s:", rec.Head().Ref)
		for a, err := range w.st.AuditTrail(ctx, org, k.ID, 0) {
			if err != nil {
				return err
			}
			w.printf("  %2d  %s  %-16s %-17s %x", a.Seq, stamp(a.At), a.Actor, a.Action, a.Hash[:6])
		}
		// Verify recomputes the chain and checks it sealed the record's
		// current version.
		if _, err := w.e.Verify(ctx, k); err != nil {
			return err
		}
	}

	// A checkpoint signs the heads of every chain; the engine also emits
	// it through the outbox, for the host to keep out of the store's reach.
	cp, err := w.e.Checkpoint(ctx)
	if err != nil {
		return err
	}
	if err := lifecycle.VerifyCheckpoint(cp, w.pub); err != nil {
		return err
	}
	w.printf("checkpoint %s over %d chains at %s, signature verifies", cp.KeyID, cp.Count, stamp(cp.At))
	if err := lifecycle.VerifyStore(ctx, w.st, cp); err != nil {
		return err
	}
	w.printf("store verifies against the checkpoint")

	// Someone with write access to the database lowers the severity the
	// point of contact assessed (so that no second approver seems to have
	// been needed). Here: a copy of the audit log, with that record
	// changed, in a second store.
	forged, err := w.copyAudit(ctx, func(a *store.AuditRecord) bool {
		if a.RecordID == w.ev.ID && a.Action == string(lifecycle.ActionDeclare) {
			a.Data = bytes.Replace(a.Data, []byte(`"critical"`), []byte(`"medium"`), 1)
		}
		return true
	})
	if err != nil {
		return err
	}
	w.printf("severity lowered in the audit log: %s", w.caught(lifecycle.VerifyStore(ctx, forged, cp)))

	// Or deletes the last record of the incident's chain: the close.
	last := uint64(0)
	for a, err := range w.st.AuditTrail(ctx, org, w.inc.ID, 0) {
		if err != nil {
			return err
		}
		last = a.Seq
	}
	forged, err = w.copyAudit(ctx, func(a *store.AuditRecord) bool { return a.RecordID != w.inc.ID || a.Seq != last })
	if err != nil {
		return err
	}
	w.printf("close deleted from the audit log: %s", w.caught(lifecycle.VerifyStore(ctx, forged, cp)))
	return nil
}

// copyAudit copies the audit log into a new store, passing each record
// through keep, which may change it and says whether to copy it.
func (w *walk) copyAudit(ctx context.Context, keep func(*store.AuditRecord) bool) (*memory.Store, error) {
	forged := memory.New()
	for _, k := range []lifecycle.Key{w.ev, w.inc} {
		var trail []store.AuditRecord
		for a, err := range w.st.AuditTrail(ctx, org, k.ID, 0) {
			if err != nil {
				return nil, err
			}
			if keep(&a) {
				trail = append(trail, a)
			}
		}
		if err := forged.Commit(ctx, org, &store.Write{Audit: trail}); err != nil {
			return nil, err
		}
	}
	return forged, nil
}

// caught names the sentinel a verification error wraps (a *ChainError
// each), and where the chain failed.
func (w *walk) caught(err error) string {
	var ce *lifecycle.ChainError
	if !errors.As(err, &ce) {
		return fmt.Sprintf("not detected (%v)", err)
	}
	for _, s := range []error{lifecycle.ErrChainBroken, lifecycle.ErrChainGap, lifecycle.ErrTruncated, lifecycle.ErrMissingChain} {
		if errors.Is(err, s) {
			return fmt.Sprintf("%v (%s, Seq %d)", s, w.refs[ce.RecordID], ce.Seq)
		}
	}
	return err.Error()
}

// deliver drains the outbox once through a relay: every change wrote a
// notification in the same atomic write. A notifier would post them to a
// webhook or a bus; this one counts them by type.
func (w *walk) deliver(ctx context.Context) error {
	w.heading("Outbox")
	var (
		mu     sync.Mutex
		types  []string
		counts = map[string]int{}
	)
	count := notify.Func(func(_ context.Context, n notify.Notification) error {
		mu.Lock()
		defer mu.Unlock()
		if counts[n.Type] == 0 {
			types = append(types, n.Type)
		}
		counts[n.Type]++
		return nil
	})
	r, err := relay.New(w.st, count, relay.WithClock(func() time.Time { return w.now }), relay.WithConcurrency(1))
	if err != nil {
		return err
	}
	delivered := 0
	for {
		res, err := r.Step(ctx, org)
		if err != nil {
			return err
		}
		delivered += res.Delivered
		if res.Claimed == 0 {
			break
		}
	}
	w.printf("relay delivered %d notifications:", delivered)
	for _, t := range types {
		w.printf("  %-32s %d", t, counts[t])
	}
	stats, err := w.st.OutboxStats(ctx, org, w.now)
	if err != nil {
		return err
	}
	w.printf("outbox now: %d pending, %d dead", stats.Pending, stats.Dead)
	return nil
}

// incidentOf returns the incident the engine returned as an
// incident.Record.
func incidentOf(rec incident.Record) *incident.Incident {
	inc, _ := rec.(*incident.Incident)
	return inc
}

// moved prints where a record stands after an action.
func (w *walk) moved(rec incident.Record, what string) {
	w.printf("%s  %-24s %s", rec.Head().Ref, lifecycle.StageOf(rec), what)
}

func (w *walk) heading(s string) { fmt.Fprintf(w.out, "\n== %s ==\n", s) }

func (w *walk) printf(format string, args ...any) {
	fmt.Fprintln(w.out, strings.TrimRight(fmt.Sprintf(format, args...), " "))
}

// stamp formats a time for the walk's output.
func stamp(t time.Time) string { return t.UTC().Format("Jan 02 15:04") }
