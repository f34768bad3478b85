package lifecycle

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// startStages are where a record may enter the process: an event when it
// is detected or reported, a vulnerability when reported, an incident
// declared directly (by a person, without an event record) in triage.
var startStages = map[incident.Kind][]Stage{
	incident.KindEvent:         {stDetection, stReporting},
	incident.KindVulnerability: {stReporting},
	incident.KindIncident:      {stTriage},
}

// Create stores a new record (made with Factory, or built by the host) as
// the first entry of its audit trail. The record must belong to the
// engine's tenant, be new (Version 0), stand in a start stage (an event in
// detect and report; a vulnerability in reporting; an incident in triage)
// and validate. An incident gets its tasks and obligations from the
// sources; every record not yet acknowledged gets its acknowledge timer.
// On success rec holds the stored version.
func (e *Engine) Create(ctx context.Context, actor Actor, rec incident.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkActor(actor); err != nil {
		return err
	}
	if isNil(rec) || !rec.Kind().Valid() {
		return badRequest("record", "nil record")
	}
	h := rec.Head()
	switch {
	case h.Org != e.tenant:
		return badRequest("org", fmt.Sprintf("record of organisation %q given to the engine of tenant %q", h.Org, e.tenant))
	case h.Version != 0:
		return badRequest("version", "a new record has version 0")
	case !slices.Contains(startStages[rec.Kind()], StageOf(rec)):
		return badRequest("state", fmt.Sprintf("a new %s starts in %v, not %s", rec.Kind(), startStages[rec.Kind()], StageOf(rec)))
	}
	if err := e.permit(actor, ActionCreate, h.ID); err != nil {
		return err
	}
	m := &mutation{actor: actor.ID, now: e.Now()}
	if h.CreatedAt.IsZero() {
		h.CreatedAt = m.now
	}
	var d data
	d.stage("stage", StageOf(rec))
	if inc, ok := rec.(*incident.Incident); ok {
		if err := e.prepareIncident(ctx, m, inc, &d); err != nil {
			return err
		}
	}
	if err := e.armAcknowledge(ctx, m, rec); err != nil {
		return err
	}
	m.recs = append(m.recs, touched{rec: rec, create: true, action: ActionCreate, data: d.bytes()})
	return e.commit(ctx, m)
}

// isNil reports a nil record, typed ((*incident.Event)(nil)) or not.
func isNil(rec incident.Record) bool {
	switch r := rec.(type) {
	case nil:
		return true
	case *incident.Event:
		return r == nil
	case *incident.Incident:
		return r == nil
	case *incident.Vulnerability:
		return r == nil
	}
	return false
}

// prepareIncident gives a new incident its tasks and obligations, and arms
// their timers.
func (e *Engine) prepareIncident(ctx context.Context, m *mutation, inc *incident.Incident, d *data) error {
	if e.tasks != nil {
		tasks, err := e.tasks.TasksFor(ctx, inc.Clone())
		if err != nil {
			return fmt.Errorf("lifecycle: task source: %w", err)
		}
		var ids []string
		for _, t := range tasks {
			if t.Status == "" {
				t.Status = incident.TaskOpen
			}
			if slices.ContainsFunc(inc.Tasks, func(x incident.Task) bool { return x.ID == t.ID }) {
				continue
			}
			inc.Tasks = append(inc.Tasks, t)
			ids = append(ids, t.ID)
		}
		if len(ids) > 0 {
			d.strs("tasks", ids)
		}
	}
	for _, t := range inc.Tasks {
		if err := e.armTask(ctx, m, inc, t); err != nil {
			return err
		}
	}
	changed, err := e.refreshObligations(ctx, m, inc)
	if err != nil {
		return err
	}
	if len(changed) > 0 {
		d.strs("obligations", changed)
	}
	return nil
}

// Transition performs one of the simple transitions: report, acknowledge,
// contain, eradicate, recover, conclude, learn. The others carry a
// decision and have their own methods (Assess, Close, Merge, Reopen). It
// returns the stored record.
//
// Anchors follow the moves: acknowledging sets the acknowledged anchor,
// reporting the reported one (when not set yet), and leaving containment,
// eradication or recovery sets contained, eradicated or recovered, each
// only when the host has not recorded a better-known time already.
func (e *Engine) Transition(ctx context.Context, actor Actor, key Key, action Action) (incident.Record, error) {
	switch action {
	case ActionReport, ActionAcknowledge, ActionContain, ActionEradicate, ActionRecover, ActionConclude, ActionLearn:
	case ActionAssess, ActionConfirm, ActionDeclare:
		return nil, badRequest("action", string(action)+" carries an assessment: use Engine.Assess")
	case ActionClose:
		return nil, badRequest("action", "close carries a resolution: use Engine.Close")
	case ActionMerge:
		return nil, badRequest("action", "use Engine.Merge")
	case ActionReopen:
		return nil, badRequest("action", "use Engine.Reopen")
	default:
		return nil, badRequest("action", fmt.Sprintf("%q is not a transition", action))
	}
	rec, err := e.load(ctx, actor, key, action)
	if err != nil {
		return nil, err
	}
	m := &mutation{actor: actor.ID, now: e.Now()}
	if err := e.simpleStep(ctx, m, rec, action); err != nil {
		return nil, err
	}
	if err := e.commit(ctx, m); err != nil {
		return nil, err
	}
	return rec, nil
}

// simpleStep applies a simple transition to rec and adds it to m.
func (e *Engine) simpleStep(ctx context.Context, m *mutation, rec incident.Record, action Action) error {
	if err := e.notDeclared(rec, action); err != nil {
		return err
	}
	from := StageOf(rec)
	if action == ActionContain && from == stAssessing {
		// Say what is missing, not only that the edge is absent: the
		// decision comes before containment.
		if err := e.decided(rec, action); err != nil {
			return err
		}
	}
	to, err := e.step(ctx, rec, action)
	if err != nil {
		return err
	}
	if action == ActionContain {
		if err := e.decided(rec, action); err != nil {
			return err
		}
	}
	tl := rec.Times()
	now := incident.At(m.now)
	switch action {
	case ActionReport:
		setIfZero(&tl.Reported, now)
	case ActionAcknowledge:
		setIfZero(&tl.Acknowledged, now)
	}
	switch from.State {
	case incident.StateContainment:
		setIfZero(&tl.Contained, now)
	case incident.StateEradication:
		setIfZero(&tl.Eradicated, now)
	case incident.StateRecovery:
		setIfZero(&tl.Recovered, now)
	}
	e.enter(rec, to)
	var d data
	d.stage("from", from).stage("to", to)
	m.recs = append(m.recs, touched{rec: rec, action: action, data: d.bytes()})
	return nil
}

func setIfZero(ts *incident.Timestamp, v incident.Timestamp) {
	if ts.IsZero() {
		*ts = v
	}
}

// notDeclared refuses transitions on an event that became an incident:
// its handling continues on the incident.
func (e *Engine) notDeclared(rec incident.Record, a Action) error {
	if ev, ok := rec.(*incident.Event); ok && ev.IncidentID != uuid.Nil {
		return &RuleError{Rule: RuleDeclared, Action: a, ID: ev.ID, Err: ErrBlocked,
			Reason: "the event became incident " + ev.IncidentID.String() + "; act on the incident"}
	}
	return nil
}

// decided checks RuleAssessmentRequired: respond needs an assessment that
// the record is an incident, by the response team when the rules require
// confirmation.
func (e *Engine) decided(rec incident.Record, a Action) error {
	h := rec.Handle()
	for _, as := range slices.Backward(h.Assessments) {
		if as.Outcome != incident.OutcomeIncident {
			continue
		}
		if !e.rules.RequireConfirmation || as.Step == incident.AssessmentConfirmation {
			return nil
		}
	}
	want := "an assessment"
	if e.rules.RequireConfirmation {
		want = "the response team's confirmation"
	}
	return &RuleError{Rule: RuleAssessmentRequired, Action: a, ID: rec.Head().ID, Err: ErrBlocked,
		Reason: want + " that it is an incident is needed first"}
}

// Assessed is what Assess did: the assessed record, and the incident it
// declared when an event was assessed as one.
type Assessed struct {
	Record   incident.Record
	Declared *incident.Incident
}

// Assess records a judgement of assess and decide (27035-1) on a record
// and moves it on:
//
//   - A first assessment (the point of contact's, ActionAssess) is made in
//     triage, or again while the record waits for confirmation. It sets the
//     outcome, and the severity, priority and category it names, and moves
//     triage to assess_decide/analysis.
//   - A confirmation (the response team's, ActionConfirm) is made after a
//     first assessment. With outcome incident it moves an incident or a
//     vulnerability to respond/analysis; any other outcome leaves it to be
//     closed.
//   - An event assessed as an incident (first assessment, or confirmation)
//     is declared (ActionDeclare): the event closes and an incident is
//     created from it with the assessments so far, in the same write. The
//     incident waits for confirmation when the rules require it and the
//     event had none; otherwise it starts in respond/analysis.
//   - Without Rules.RequireConfirmation a first assessment that an
//     incident or vulnerability is an incident moves it on to respond.
//
// The engine fills By, Role and At.
func (e *Engine) Assess(ctx context.Context, actor Actor, key Key, a incident.Assessment) (Assessed, error) {
	action := ActionAssess
	switch a.Step {
	case incident.AssessmentFirst:
	case incident.AssessmentConfirmation:
		action = ActionConfirm
	default:
		return Assessed{}, badRequest("step", fmt.Sprintf("unknown assessment step %q", a.Step))
	}
	if !a.Outcome.Valid() || a.Outcome == incident.OutcomeUndetermined {
		return Assessed{}, badRequest("outcome", "an assessment decides an outcome")
	}
	rec, err := e.load(ctx, actor, key, action)
	if err != nil {
		return Assessed{}, err
	}
	if err := e.notDeclared(rec, action); err != nil {
		return Assessed{}, err
	}
	h := rec.Handle()
	from := StageOf(rec)
	m := &mutation{actor: actor.ID, now: e.Now()}
	a.By, a.At, a.Role = actor.ID, m.now, e.actingRole(actor, action)
	// A confirmation without a first assessment is named by its rule
	// before the stage check: only a first assessment moves a record to
	// where a confirmation is allowed, so checked after it, the rule
	// could never block.
	switch {
	case a.Step == incident.AssessmentFirst && from != stTriage && from != stAssessing:
		m := e.machines[rec.Kind()]
		return Assessed{}, &TransitionError{Kind: rec.Kind(), ID: rec.Head().ID, From: from, Action: action, Allowed: m.allowed(from)}
	case a.Step == incident.AssessmentConfirmation && (from == stTriage || from == stAssessing) &&
		!slices.ContainsFunc(h.Assessments, func(x incident.Assessment) bool { return x.Step == incident.AssessmentFirst }):
		return Assessed{}, &RuleError{Rule: RuleFirstAssessment, Action: action, ID: rec.Head().ID, Err: ErrBlocked,
			Reason: "the point of contact's first assessment comes before the confirmation"}
	case a.Step == incident.AssessmentFirst && from == stAssessing && rec.Kind() == incident.KindIncident &&
		e.rules.RequireConfirmation && h.Outcome == incident.OutcomeIncident:
		return Assessed{}, &RuleError{Rule: RuleConfirmationPending, Action: action, ID: rec.Head().ID, Err: ErrBlocked,
			Reason: "the incident waits for the response team's confirmation; it assesses it, not the point of contact again"}
	case a.Step == incident.AssessmentConfirmation && from != stAssessing:
		m := e.machines[rec.Kind()]
		return Assessed{}, &TransitionError{Kind: rec.Kind(), ID: rec.Head().ID, From: from, Action: action, Allowed: m.allowed(from)}
	}
	h.Assessments = append(h.Assessments, a)
	h.Outcome = a.Outcome
	if a.Severity != "" {
		h.Severity = a.Severity
	}
	if a.Priority != "" {
		h.Priority = a.Priority
	}
	if !a.Category.IsZero() {
		h.Category = a.Category
	}
	setIfZero(&rec.Times().Assessed, incident.At(m.now))
	changed, err := e.refreshObligations(ctx, m, rec)
	if err != nil {
		return Assessed{}, err
	}
	to := from
	if from == stTriage {
		if to, err = e.step(ctx, rec, ActionAssess); err != nil {
			return Assessed{}, err
		}
	}
	var out Assessed
	if ev, ok := rec.(*incident.Event); ok && a.Outcome == incident.OutcomeIncident {
		// Declaring is an action of its own in the rules.
		if err := e.permit(actor, ActionDeclare, ev.ID); err != nil {
			return Assessed{}, err
		}
		inc, err := e.declare(ctx, m, ev, a)
		if err != nil {
			return Assessed{}, err
		}
		out.Declared = inc
		to = StageOf(ev)
		action = ActionDeclare
	} else if a.Outcome == incident.OutcomeIncident && (a.Step == incident.AssessmentConfirmation || !e.rules.RequireConfirmation) {
		e.enter(rec, to)
		if to, err = e.step(ctx, rec, ActionConfirm); err != nil {
			return Assessed{}, err
		}
		action = ActionConfirm
	}
	e.enter(rec, to)
	var d data
	d.str("step", string(a.Step)).str("outcome", string(a.Outcome)).str("role", string(a.Role))
	if a.Severity != "" {
		d.str("severity", string(a.Severity))
	}
	if a.Priority != "" {
		d.str("priority", string(a.Priority))
	}
	if !a.Category.IsZero() {
		d.str("category", a.Category.String())
	}
	d.stage("from", from).stage("to", to)
	if out.Declared != nil {
		d.id("incident_id", out.Declared.ID)
	}
	if len(changed) > 0 {
		d.strs("obligations", changed)
	}
	// The declared incident, if any, was appended first; the assessed
	// record goes first in the write.
	m.recs = append([]touched{{rec: rec, action: action, data: d.bytes()}}, m.recs...)
	if err := e.commit(ctx, m); err != nil {
		return Assessed{}, err
	}
	out.Record = rec
	return out, nil
}

// declare closes ev as declared and creates the incident it became.
func (e *Engine) declare(ctx context.Context, m *mutation, ev *incident.Event, a incident.Assessment) (*incident.Incident, error) {
	if _, err := e.step(ctx, ev, ActionDeclare); err != nil {
		return nil, err
	}
	inc, err := e.factory.Escalate(ctx, ev)
	if err != nil {
		return nil, err
	}
	inc.Assessments = slices.Clone(ev.Assessments)
	inc.Roles = slices.Clone(ev.Roles)
	inc.Timeline.Declared = incident.At(m.now)
	inc.CreatedAt, inc.UpdatedAt = m.now, m.now
	start := stAssessing
	if a.Step == incident.AssessmentConfirmation || !e.rules.RequireConfirmation {
		start = stAnalysis
	}
	e.enter(inc, start)
	ev.Timeline.Closed = incident.At(m.now)
	e.enter(ev, stClosedAssess)
	var d data
	d.stage("stage", start).id("declared_from", ev.ID)
	if err := e.prepareIncident(ctx, m, inc, &d); err != nil {
		return nil, err
	}
	m.recs = append(m.recs, touched{rec: inc, create: true, action: ActionCreate, data: d.bytes()})
	return inc, nil
}

// Closing is the decision to close a record.
type Closing struct {
	// Resolution is how the record was resolved; required.
	Resolution incident.ResolutionKind
	// Reason explains it; it is kept in the record's resolution (and out
	// of the audit trail's hashed data, as it may name people).
	Reason string
	// Approver is the second approver, when the rules require one.
	Approver *Actor
}

// Close ends the handling of a record. Guards, each named when it blocks
// (*RuleError): a record assessed as an incident is closed only after
// respond (RuleOpenIncident; to close it earlier, the response team
// assesses it otherwise first); every mandatory task is done or waived
// with a reason (RuleMandatoryTasks); at or above Rules.ReviewRequiredAt
// an incident needs a lessons-learned review (RuleReviewRequired); at or
// above Rules.SecondApproverAt it needs a second approver
// (RuleSecondApprover). Open optional tasks are
// cancelled and listed in the audit record. Closing from learn lessons
// also notifies TypeLessonsLearned: the loop back to plan and prepare.
// Duplicates are closed with Merge.
func (e *Engine) Close(ctx context.Context, actor Actor, key Key, c Closing) (incident.Record, error) {
	if !c.Resolution.Valid() {
		return nil, badRequest("resolution", fmt.Sprintf("closing needs a resolution, not %q", c.Resolution))
	}
	if c.Resolution == incident.ResolutionDuplicate {
		return nil, badRequest("resolution", "a duplicate is closed by Engine.Merge, which links it to its primary")
	}
	rec, err := e.load(ctx, actor, key, ActionClose)
	if err != nil {
		return nil, err
	}
	if err := e.notDeclared(rec, ActionClose); err != nil {
		return nil, err
	}
	from := StageOf(rec)
	to, err := e.step(ctx, rec, ActionClose)
	if err != nil {
		return nil, err
	}
	h := rec.Handle()
	id := rec.Head().ID
	m := &mutation{actor: actor.ID, now: e.Now()}
	// No resolution lets an incident skip respond: not applicable is
	// refused with outcome incident by validation ("an incident is within
	// the scope of incident management"), so it is refused here, by name.
	if h.Outcome == incident.OutcomeIncident && (from.Phase == incident.PhaseDetectReport || from.Phase == incident.PhaseAssessDecide) {
		return nil, &RuleError{Rule: RuleOpenIncident, Action: ActionClose, ID: id, Err: ErrBlocked,
			Reason: "assessed as an incident: respond first, or have the response team assess it otherwise"}
	}
	var open []string
	for _, t := range h.Tasks {
		if t.Mandatory && t.Status != incident.TaskDone && t.Status != incident.TaskWaived {
			open = append(open, t.ID)
		}
	}
	if len(open) > 0 {
		return nil, &RuleError{Rule: RuleMandatoryTasks, Action: ActionClose, ID: id, Err: ErrBlocked,
			Reason: "mandatory tasks not done or waived: " + strings.Join(open, ", ")}
	}
	isIncident := rec.Kind() == incident.KindIncident && h.Outcome == incident.OutcomeIncident
	inc, _ := rec.(*incident.Incident)
	if isIncident && atLeast(e.scale, h.Severity, e.rules.ReviewRequiredAt) && len(inc.Reviews) == 0 {
		return nil, &RuleError{Rule: RuleReviewRequired, Action: ActionClose, ID: id, Err: ErrBlocked,
			Reason: fmt.Sprintf("severity %s is at or above %s: record a lessons-learned review first", h.Severity, e.rules.ReviewRequiredAt)}
	}
	var approver incident.ActorID
	if isIncident && atLeast(e.scale, h.Severity, e.rules.SecondApproverAt) {
		if err := e.checkApprover(rec, actor, c.Approver, m.now); err != nil {
			return nil, err
		}
		approver = c.Approver.ID
	}
	var cancelled []string
	for i := range h.Tasks {
		t := &h.Tasks[i]
		if !t.Status.Finished() {
			t.Status, t.Reason, t.FinishedAt = incident.TaskCancelled, "cancelled when the record closed", m.now
			cancelled = append(cancelled, t.ID)
		}
	}
	h.Resolution = &incident.Resolution{Kind: c.Resolution, SetBy: actor.ID, SetAt: m.now, Reason: c.Reason, ApprovedBy: approver}
	rec.Times().Closed = incident.At(m.now)
	e.enter(rec, to)
	var d data
	d.stage("from", from).stage("to", to).str("resolution", string(c.Resolution))
	if approver != "" {
		d.str("approved_by", string(approver))
	}
	if len(cancelled) > 0 {
		d.strs("cancelled_tasks", cancelled)
	}
	m.recs = append(m.recs, touched{rec: rec, action: ActionClose, data: d.bytes()})
	if from == stLessons && inc != nil {
		if err := e.lessonsLearned(m, inc); err != nil {
			return nil, err
		}
	}
	if err := e.commit(ctx, m); err != nil {
		return nil, err
	}
	return rec, nil
}

// checkApprover enforces RuleSecondApprover.
func (e *Engine) checkApprover(rec incident.Record, actor Actor, approver *Actor, now time.Time) error {
	id := rec.Head().ID
	block := func(reason string) error {
		return &RuleError{Rule: RuleSecondApprover, Action: ActionClose, ID: id, Err: ErrBlocked, Reason: reason}
	}
	if approver == nil {
		return block(fmt.Sprintf("severity %s is at or above %s: a second approver is needed", rec.Handle().Severity, e.rules.SecondApproverAt))
	}
	if err := checkActor(*approver); err != nil {
		return err
	}
	if approver.ID == actor.ID {
		return block("the approver must be someone other than the person closing")
	}
	if im, ok := incident.HolderAt(rec.Handle().Roles, incident.RoleIncidentManager, now); ok && im == approver.ID {
		return block("the approver must not be the incident manager")
	}
	if !slices.ContainsFunc(approver.Roles, func(r incident.Role) bool { return slices.Contains(e.rules.ApproverRoles, r) }) {
		return block(fmt.Sprintf("the approver needs one of the roles %v", e.rules.ApproverRoles))
	}
	return nil
}

// lessonsLearned adds the notification that carries an incident's lessons
// back to plan and prepare.
func (e *Engine) lessonsLearned(m *mutation, inc *incident.Incident) error {
	id, err := e.ids.NewID()
	if err != nil {
		return err
	}
	var d data
	d.id("record_id", inc.ID).str("ref", string(inc.Ref)).str("category", inc.Category.String()).str("severity", string(inc.Severity))
	reviews := make([]string, len(inc.Reviews))
	for i, r := range inc.Reviews {
		reviews[i] = r.ID
	}
	d.strs("reviews", reviews)
	m.extra = append(m.extra, store.OutboxEntry{ID: id, Type: TypeLessonsLearned, RecordID: inc.ID,
		IdempotencyKey: inc.ID.String() + "/lessons/" + m.now.Format("20060102T150405.000000"), Payload: d.bytes(), CreatedAt: m.now})
	return nil
}

// Reopen handles a closed record again: a record closed before respond
// goes back to triage, one closed in respond or learn lessons to
// respond/analysis. The reopening is added to the timeline (reopen rate),
// the resolution is cleared (the audit trail keeps it) and reason becomes a
// note. A declared event and a merged duplicate are not reopened: reopen
// the incident, or the primary.
func (e *Engine) Reopen(ctx context.Context, actor Actor, key Key, reason string) (incident.Record, error) {
	if strings.TrimSpace(reason) == "" {
		return nil, badRequest("reason", "reopening needs a reason")
	}
	rec, err := e.load(ctx, actor, key, ActionReopen)
	if err != nil {
		return nil, err
	}
	if err := e.notDeclared(rec, ActionReopen); err != nil {
		return nil, err
	}
	h := rec.Handle()
	if h.Resolution != nil && h.Resolution.Kind == incident.ResolutionDuplicate {
		return nil, &RuleError{Rule: RuleMerge, Action: ActionReopen, ID: rec.Head().ID, Err: ErrBlocked,
			Reason: "a merged duplicate is not reopened; reopen its primary"}
	}
	from := StageOf(rec)
	to, err := e.step(ctx, rec, ActionReopen)
	if err != nil {
		return nil, err
	}
	m := &mutation{actor: actor.ID, now: e.Now()}
	tl := rec.Times()
	tl.Reopened = append(tl.Reopened, incident.At(m.now))
	was := ""
	if h.Resolution != nil {
		was = string(h.Resolution.Kind)
	}
	h.Resolution = nil
	noteID, err := e.addNote(rec, m, "Reopened: "+reason, false)
	if err != nil {
		return nil, err
	}
	e.enter(rec, to)
	var d data
	d.stage("from", from).stage("to", to).str("previous_resolution", was).str("note_id", noteID)
	m.recs = append(m.recs, touched{rec: rec, action: ActionReopen, data: d.bytes()})
	if err := e.commit(ctx, m); err != nil {
		return nil, err
	}
	return rec, nil
}

// addNote appends a note and returns its ID.
func (e *Engine) addNote(rec incident.Record, m *mutation, text string, personal bool) (string, error) {
	id, err := e.ids.NewID()
	if err != nil {
		return "", err
	}
	h := rec.Handle()
	h.Notes = append(h.Notes, incident.Note{ID: id.String(), At: m.now, Author: m.actor, Text: text, Personal: personal})
	return id.String(), nil
}

// Merge closes dup as a duplicate of the incident primary, in one write
// that changes both: dup is resolved as a duplicate (an incident also
// names its primary in MergedInto); the primary lists the duplicate
// (Merged) and takes over its events. Both records get an audit record.
// The primary must be an open incident, other than dup, not merged itself;
// an event that was declared already is not merged (RuleDeclared).
func (e *Engine) Merge(ctx context.Context, actor Actor, dup Key, primary uuid.UUID, reason string) (incident.Record, error) {
	if dup.ID == primary {
		return nil, &RuleError{Rule: RuleMerge, Action: ActionMerge, ID: dup.ID, Err: ErrBlocked, Reason: "a record is not merged into itself"}
	}
	rec, err := e.load(ctx, actor, dup, ActionMerge)
	if err != nil {
		return nil, err
	}
	if err := e.notDeclared(rec, ActionMerge); err != nil {
		return nil, err
	}
	pr, err := e.load(ctx, actor, Key{incident.KindIncident, primary}, ActionMerge)
	if err != nil {
		return nil, err
	}
	p, ok := pr.(*incident.Incident)
	if !ok {
		return nil, badRequest("primary", "the primary must be an incident")
	}
	if p.State == incident.StateClosed || p.MergedInto != uuid.Nil {
		return nil, &RuleError{Rule: RuleMerge, Action: ActionMerge, ID: dup.ID, Err: ErrBlocked,
			Reason: "the primary " + p.ID.String() + " is closed or merged itself; merge into an open incident"}
	}
	from := StageOf(rec)
	to, err := e.step(ctx, rec, ActionMerge)
	if err != nil {
		return nil, err
	}
	m := &mutation{actor: actor.ID, now: e.Now()}
	h := rec.Handle()
	h.Resolution = &incident.Resolution{Kind: incident.ResolutionDuplicate, DuplicateOf: p.ID, SetBy: actor.ID, SetAt: m.now, Reason: reason}
	rec.Times().Closed = incident.At(m.now)
	for i := range h.Tasks {
		if t := &h.Tasks[i]; !t.Status.Finished() {
			t.Status, t.Reason, t.FinishedAt = incident.TaskCancelled, "cancelled when merged into "+p.ID.String(), m.now
		}
	}
	var moved []string
	addEvent := func(id uuid.UUID) {
		if !slices.Contains(p.EventIDs, id) {
			p.EventIDs = append(p.EventIDs, id)
			moved = append(moved, id.String())
		}
	}
	var relinked []touched
	switch d := rec.(type) {
	case *incident.Event:
		d.IncidentID = p.ID
		addEvent(d.ID)
	case *incident.Incident:
		d.MergedInto = p.ID
		for _, id := range d.EventIDs {
			addEvent(id)
			// The duplicate's events now belong to the primary: point
			// them there, so no link leads to a closed duplicate.
			got, err := e.st.Get(ctx, e.tenant, incident.KindEvent, id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			ev, ok := got.(*incident.Event)
			if !ok || ev.IncidentID != d.ID {
				continue
			}
			ev.IncidentID = p.ID
			var ed data
			ed.id("into", p.ID).id("via", d.ID)
			relinked = append(relinked, touched{rec: ev, action: ActionMerge, data: ed.bytes()})
		}
	}
	p.Merged = append(p.Merged, rec.Head().ID)
	e.enter(rec, to)
	var dd, pd data
	dd.stage("from", from).stage("to", to).id("into", p.ID)
	pd.id("duplicate", rec.Head().ID).str("duplicate_kind", string(rec.Kind()))
	if len(moved) > 0 {
		pd.strs("events", moved)
	}
	m.recs = append(m.recs, touched{rec: rec, action: ActionMerge, data: dd.bytes()},
		touched{rec: p, action: ActionMerge, data: pd.bytes()})
	m.recs = append(m.recs, relinked...)
	if err := e.commit(ctx, m); err != nil {
		return nil, err
	}
	return rec, nil
}

// SetStatus sets a host's custom status (Rules.Statuses). When the status
// maps onto the record's stage it is a relabelling; when it maps onto the
// stage one simple transition away (report, acknowledge, contain,
// eradicate, recover, conclude, learn), that transition is performed with
// it. Statuses of other stages are refused: the process, not the label,
// decides where a record stands.
func (e *Engine) SetStatus(ctx context.Context, actor Actor, key Key, name string) (incident.Record, error) {
	st, ok := e.rules.status(name)
	if !ok {
		return nil, badRequest("status", fmt.Sprintf("unknown status %q", name))
	}
	rec, err := e.load(ctx, actor, key, ActionSetStatus)
	if err != nil {
		return nil, err
	}
	if err := e.notDeclared(rec, ActionSetStatus); err != nil {
		return nil, err
	}
	m := &mutation{actor: actor.ID, now: e.Now()}
	from := StageOf(rec)
	if target := st.Stage(); target != from {
		var via Action
		for _, t := range e.edges[rec.Kind()] {
			if t.From == from && t.To == target && isSimple(t.Action) {
				via = t.Action
			}
		}
		if via == "" {
			return nil, badRequest("status", fmt.Sprintf("status %q means %s, which is not one simple transition from %s", name, target, from))
		}
		if err := e.permit(actor, via, key.ID); err != nil {
			return nil, err
		}
		if err := e.simpleStep(ctx, m, rec, via); err != nil {
			return nil, err
		}
		rec.Handle().Status = name
		// Re-encode the step's data with the status in it.
		var d data
		d.stage("from", from).stage("to", target).str("status", name)
		m.recs[0].data = d.bytes()
	} else {
		rec.Handle().Status = name
		var d data
		d.str("status", name).stage("stage", from)
		m.recs = append(m.recs, touched{rec: rec, action: ActionSetStatus, data: d.bytes()})
	}
	if err := e.commit(ctx, m); err != nil {
		return nil, err
	}
	return rec, nil
}

func isSimple(a Action) bool {
	switch a {
	case ActionReport, ActionAcknowledge, ActionContain, ActionEradicate, ActionRecover, ActionConclude, ActionLearn:
		return true
	}
	return false
}
