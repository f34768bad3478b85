package lifecycle_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store/memory"
)

// The people of the examples, with the roles the host has established
// they hold.
var (
	exEDR   = lifecycle.Actor{ID: "tool:edr", Roles: []incident.Role{incident.RoleReporter}}
	exAlice = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
	exCarol = lifecycle.Actor{ID: "carol", Roles: []incident.Role{incident.RoleIRTLead}}
	exBob   = lifecycle.Actor{ID: "bob", Roles: []incident.Role{incident.RoleIncidentManager}}
)

// exampleEngine returns an engine of tenant "acme" on a new in-memory
// store, with a clock that starts at 2026-03-02 09:00 UTC and moves on a
// minute at every reading, and IDs from a counter, so that the examples'
// output is stable.
func exampleEngine(opts ...lifecycle.Option) (*lifecycle.Engine, *memory.Store) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var n uint64
	st := memory.New()
	e, err := lifecycle.New(st, "acme", append([]lifecycle.Option{
		lifecycle.WithClock(incident.ClockFunc(func() time.Time { now = now.Add(time.Minute); return now })),
		lifecycle.WithIDs(incident.IDFunc(func() (uuid.UUID, error) {
			n++
			return uuid.Parse(fmt.Sprintf("019cae00-0000-7000-8000-%012x", n))
		})),
	}, opts...)...)
	if err != nil {
		panic(err)
	}
	return e, st
}

// exampleEvent creates an event reported by the EDR, with the given
// severity ("" for none).
func exampleEvent(ctx context.Context, e *lifecycle.Engine, severity incident.Severity) *incident.Event {
	ev, err := e.Factory().NewEvent(ctx, "acme", "Ransom note on FS01", exEDR.ID)
	if err != nil {
		panic(err)
	}
	ev.Severity = severity
	if err := e.Create(ctx, exEDR, ev); err != nil {
		panic(err)
	}
	return ev
}

// exampleIncident takes a new event through assess and decide to a
// confirmed incident of the given severity, in respond/analysis.
func exampleIncident(ctx context.Context, e *lifecycle.Engine, severity incident.Severity) lifecycle.Key {
	ev := lifecycle.KeyOf(exampleEvent(ctx, e, ""))
	if _, err := e.Transition(ctx, exAlice, ev, lifecycle.ActionAcknowledge); err != nil {
		panic(err)
	}
	res, err := e.Assess(ctx, exAlice, ev, incident.Assessment{Step: incident.AssessmentFirst,
		Outcome: incident.OutcomeIncident, Severity: severity})
	if err != nil {
		panic(err)
	}
	inc := lifecycle.KeyOf(res.Declared)
	if _, err := e.Assess(ctx, exCarol, inc, incident.Assessment{Step: incident.AssessmentConfirmation,
		Outcome: incident.OutcomeIncident}); err != nil {
		panic(err)
	}
	return inc
}

// One event handled from detection to close. These rules make the point of
// contact's first assessment the decision (no confirmation step), so the
// incident it declares starts in respond.
func ExampleEngine() {
	ctx := context.Background()
	rules := lifecycle.DefaultRules()
	rules.RequireConfirmation = false
	e, _ := exampleEngine(lifecycle.WithRules(rules))
	show := func(rec incident.Record, err error) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println(rec.Head().Ref, lifecycle.StageOf(rec))
	}

	ev, err := e.Factory().NewEvent(ctx, "acme", "Phishing mail reported by a clerk", exEDR.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	show(ev, e.Create(ctx, exEDR, ev))
	key := lifecycle.KeyOf(ev)
	show(e.Transition(ctx, exEDR, key, lifecycle.ActionReport))
	show(e.Transition(ctx, exAlice, key, lifecycle.ActionAcknowledge))
	res, err := e.Assess(ctx, exAlice, key, incident.Assessment{Step: incident.AssessmentFirst,
		Outcome: incident.OutcomeIncident, Severity: incident.SeverityMedium})
	if err != nil {
		fmt.Println(err)
		return
	}
	show(res.Record, nil)
	show(res.Declared, nil)
	inc := lifecycle.KeyOf(res.Declared)
	for _, a := range []lifecycle.Action{lifecycle.ActionContain, lifecycle.ActionRecover, lifecycle.ActionConclude} {
		show(e.Transition(ctx, exBob, inc, a))
	}
	show(e.Close(ctx, exBob, inc, lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithoutImpact}))
	// Output:
	// EVT-2026-000001 detect_report/detection
	// EVT-2026-000001 detect_report/reporting
	// EVT-2026-000001 assess_decide/triage
	// EVT-2026-000001 assess_decide/closed
	// INC-2026-000001 respond/analysis
	// INC-2026-000001 respond/containment
	// INC-2026-000001 respond/recovery
	// INC-2026-000001 respond/conclusion
	// INC-2026-000001 respond/closed
}

// With the default rules assess and decide is two-step: the point of
// contact's first assessment declares the incident (the event closes), and
// the incident enters respond once the response team confirms it.
func ExampleEngine_Assess() {
	ctx := context.Background()
	e, _ := exampleEngine()
	ev := lifecycle.KeyOf(exampleEvent(ctx, e, ""))
	if _, err := e.Transition(ctx, exAlice, ev, lifecycle.ActionAcknowledge); err != nil {
		fmt.Println(err)
		return
	}

	res, err := e.Assess(ctx, exAlice, ev, incident.Assessment{
		Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident,
		Severity: incident.SeverityHigh, Priority: incident.P2,
		Category:  incident.Category{Class: "malicious-code", Type: "infected-system"},
		Rationale: "ransom note on a file server",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("event:   ", lifecycle.StageOf(res.Record))
	fmt.Println("declared:", res.Declared.Ref, lifecycle.StageOf(res.Declared), res.Declared.Severity, res.Declared.Category)

	// Respond waits for the confirmation.
	inc := lifecycle.KeyOf(res.Declared)
	_, err = e.Transition(ctx, exCarol, inc, lifecycle.ActionContain)
	var blocked *lifecycle.RuleError
	fmt.Println("contain: ", errors.As(err, &blocked) && blocked.Rule == lifecycle.RuleAssessmentRequired)

	res, err = e.Assess(ctx, exCarol, inc, incident.Assessment{
		Step: incident.AssessmentConfirmation, Outcome: incident.OutcomeIncident,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("confirmed:", lifecycle.StageOf(res.Record))
	for _, a := range res.Record.Handle().Assessments {
		fmt.Println(" ", a.Step, a.Outcome, "by", a.By, "as", a.Role)
	}
	// Output:
	// event:    assess_decide/closed
	// declared: INC-2026-000001 assess_decide/analysis high rsit:malicious-code="infected-system"
	// contain:  true
	// confirmed: respond/analysis
	//   first incident by alice as point_of_contact
	//   confirmation incident by carol as irt_lead
}

// A close a rule blocks says which rule: with the default rules a high
// severity incident closes only with a lessons-learned review recorded.
func ExampleEngine_Close() {
	ctx := context.Background()
	e, _ := exampleEngine()
	inc := exampleIncident(ctx, e, incident.SeverityHigh)
	for _, a := range []lifecycle.Action{lifecycle.ActionConclude, lifecycle.ActionLearn} {
		if _, err := e.Transition(ctx, exBob, inc, a); err != nil {
			fmt.Println(err)
			return
		}
	}

	closing := lifecycle.Closing{Resolution: incident.ResolutionTruePositiveWithImpact}
	_, err := e.Close(ctx, exBob, inc, closing)
	var re *lifecycle.RuleError
	if errors.As(err, &re) {
		fmt.Println("blocked by", re.Rule+":", re.Reason)
	}
	fmt.Println(errors.Is(err, lifecycle.ErrBlocked))

	if _, err := e.Apply(ctx, exBob, inc, lifecycle.AddReview{Review: incident.ReviewRef{ID: "PIR-7"}}); err != nil {
		fmt.Println(err)
		return
	}
	rec, err := e.Close(ctx, exBob, inc, closing)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(lifecycle.StageOf(rec), rec.Handle().Resolution.Kind)
	// Output:
	// blocked by review_required: severity high is at or above high: record a lessons-learned review first
	// true
	// learn_lessons/closed true_positive_with_impact
}

// Tick fires what is due. A critical event must be acknowledged within 15
// minutes under the default rules; past that, the next Tick escalates it:
// an audit record and a lifecycle.escalation notification in the outbox.
func ExampleEngine_Tick() {
	ctx := context.Background()
	e, st := exampleEngine()
	ev := exampleEvent(ctx, e, incident.SeverityCritical)
	created := ev.CreatedAt

	res, err := e.Tick(ctx, created.Add(10*time.Minute))
	fmt.Printf("after 10m: fired %d, quiet %d, lost %d %v\n", res.Fired, res.Quiet, res.Lost, err)
	res, err = e.Tick(ctx, created.Add(16*time.Minute))
	fmt.Printf("after 16m: fired %d, quiet %d, lost %d %v\n", res.Fired, res.Quiet, res.Lost, err)
	// A timer fires once.
	res, err = e.Tick(ctx, created.Add(17*time.Minute))
	fmt.Printf("after 17m: fired %d, quiet %d, lost %d %v\n", res.Fired, res.Quiet, res.Lost, err)

	for a, err := range st.AuditTrail(ctx, "acme", ev.ID, 0) {
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("audit:", a.Seq, a.Actor, a.Action)
	}
	entries, err := st.Claim(ctx, "acme", created.Add(time.Hour), 10, time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, n := range entries {
		fmt.Println("outbox:", n.Type, n.Seq)
	}
	// Output:
	// after 10m: fired 0, quiet 0, lost 0 <nil>
	// after 16m: fired 1, quiet 0, lost 0 <nil>
	// after 17m: fired 0, quiet 0, lost 0 <nil>
	// audit: 1 tool:edr create
	// audit: 2 lifecycle:timer timer
	// outbox: lifecycle.create 1
	// outbox: lifecycle.escalation 2
}

// Checkpoint signs the heads of every audit chain of the tenant with the
// engine's key and emits the checkpoint through the outbox; anyone holding
// the public key verifies the store against it later.
func ExampleEngine_Checkpoint() {
	ctx := context.Background()
	// A fixed seed keeps the output stable; a real key stays out of the
	// store's writers' reach.
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{42}, ed25519.SeedSize))
	e, st := exampleEngine(lifecycle.WithSigner("audit-2026", key))
	inc := exampleIncident(ctx, e, incident.SeverityMedium)

	cp, err := e.Checkpoint(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("chains:", cp.Count, "key:", cp.KeyID)
	fmt.Println("signature:", lifecycle.VerifyCheckpoint(cp, key.Public()))
	fmt.Println("store:", lifecycle.VerifyStore(ctx, st, cp))
	h, _ := cp.Head(inc.ID)
	fmt.Println("incident chain head: Seq", h.Seq)

	// Records appended later are covered by the next checkpoint; this one
	// still verifies.
	if _, err := e.Transition(ctx, exBob, inc, lifecycle.ActionConclude); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after a change:", lifecycle.VerifyStore(ctx, st, cp))
	// Output:
	// chains: 2 key: audit-2026
	// signature: <nil>
	// store: <nil>
	// incident chain head: Seq 2
	// after a change: <nil>
}

// An action the process does not allow from a record's stage is a
// *TransitionError, which names what is allowed instead.
func ExampleTransitionError() {
	ctx := context.Background()
	e, _ := exampleEngine()
	ev := exampleEvent(ctx, e, "")

	_, err := e.Transition(ctx, exBob, lifecycle.KeyOf(ev), lifecycle.ActionContain)
	var te *lifecycle.TransitionError
	if errors.As(err, &te) {
		fmt.Println("from:", te.From)
		fmt.Println("allowed:", te.Allowed)
	}
	fmt.Println(errors.Is(err, lifecycle.ErrNotAllowed))
	// Output:
	// from: detect_report/detection
	// allowed: [acknowledge close merge report]
	// true
}

// Mermaid draws the process for the documentation, from the same
// transitions the engine runs on.
func ExampleMermaid() {
	lines := strings.Split(strings.TrimSpace(lifecycle.Mermaid()), "\n")
	for _, l := range lines[:3] {
		fmt.Println(l)
	}
	// Output:
	// stateDiagram-v2
	//     direction TB
	//     detect_report__detection : Detect and report / detection
}
