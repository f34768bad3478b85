package lifecycle

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/iso27035/iso27035/incident"
)

// Change is a change to a record that does not move it through the
// process: a fact, an anchor, evidence, a task, a role, a note. Apply
// performs it as one audited write. The set is closed (the method is
// unexported) so that every change the engine makes is one it knows how
// to audit.
type Change interface {
	// Action names the change for rules and the audit trail.
	Action() Action
	apply(ctx context.Context, e *Engine, m *mutation, rec incident.Record, d *data) error
}

// Apply makes one change to a record: the change, its audit record and
// notification, and any timers it arms or moves are one store write. It
// returns the stored record. Changes to a closed record are refused,
// except notes, reviews and reports (a review, and a final report, may
// follow the close); a declared event takes no changes other than notes.
func (e *Engine) Apply(ctx context.Context, actor Actor, key Key, c Change) (incident.Record, error) {
	if c == nil {
		return nil, badRequest("change", "nil change")
	}
	rec, err := e.load(ctx, actor, key, c.Action())
	if err != nil {
		return nil, err
	}
	switch c.Action() {
	case ActionAddNote, ActionAddReview, ActionSubmitReport, ActionWaiveReport:
	default:
		if err := e.notDeclared(rec, c.Action()); err != nil {
			return nil, err
		}
		if StageOf(rec).Closed() {
			return nil, &TransitionError{Kind: rec.Kind(), ID: key.ID, From: StageOf(rec), Action: c.Action(), Allowed: e.Allowed(rec)}
		}
	}
	m := &mutation{actor: actor.ID, now: e.Now()}
	var d data
	if err := c.apply(ctx, e, m, rec, &d); err != nil {
		return nil, err
	}
	m.recs = append(m.recs, touched{rec: rec, action: c.Action(), data: d.bytes()})
	if err := e.commit(ctx, m); err != nil {
		return nil, err
	}
	return rec, nil
}

// needIncident returns rec as an incident or a request error.
func needIncident(rec incident.Record, what string) (*incident.Incident, error) {
	inc, ok := rec.(*incident.Incident)
	if !ok {
		return nil, badRequest("kind", what+" applies to incidents, not to a "+string(rec.Kind()))
	}
	return inc, nil
}

// refresh recomputes obligations after a change that can move them and
// records which moved.
func refresh(ctx context.Context, e *Engine, m *mutation, rec incident.Record, d *data) error {
	changed, err := e.refreshObligations(ctx, m, rec)
	if err != nil {
		return err
	}
	if len(changed) > 0 {
		d.strs("obligations", changed)
	}
	return nil
}

// Classify sets severity, priority and category; empty fields are left as
// they are. A new severity moves the acknowledge clock of a record not yet
// acknowledged and may move report deadlines.
type Classify struct {
	Severity   incident.Severity
	Priority   incident.Priority
	Category   incident.Category
	Categories []incident.Category
}

// Action returns ActionClassify.
func (Classify) Action() Action { return ActionClassify }

func (c Classify) apply(ctx context.Context, e *Engine, m *mutation, rec incident.Record, d *data) error {
	h := rec.Handle()
	if c.Severity != "" {
		h.Severity = c.Severity
		d.str("severity", string(c.Severity))
	}
	if c.Priority != "" {
		h.Priority = c.Priority
		d.str("priority", string(c.Priority))
	}
	if !c.Category.IsZero() {
		h.Category = c.Category
		d.str("category", c.Category.String())
	}
	if c.Categories != nil {
		h.Categories = slices.Clone(c.Categories)
		names := make([]string, len(c.Categories))
		for i, x := range c.Categories {
			names[i] = x.String()
		}
		d.strs("categories", names)
	}
	if len(d.b) == 0 {
		return badRequest("classify", "nothing to change")
	}
	if err := e.armAcknowledge(ctx, m, rec); err != nil {
		return err
	}
	return refresh(ctx, e, m, rec, d)
}

// SetFact records a regulatory fact of an incident with the time it
// became known (now) and its source. Name is the fact's JSON name
// (incident.Facts: "personal_data", "data_subjects", "member_states", …);
// Value has the fact's type (bool, int64 — int is accepted —, []string,
// map[string]int64, incident.Money). Report deadlines are recomputed.
type SetFact struct {
	Name   string
	Value  any
	Source string
}

// Action returns ActionSetFact.
func (SetFact) Action() Action { return ActionSetFact }

func (c SetFact) apply(ctx context.Context, e *Engine, m *mutation, rec incident.Record, d *data) error {
	inc, err := needIncident(rec, "a fact")
	if err != nil {
		return err
	}
	f := &inc.Facts
	v, now, src := c.Value, m.now, c.Source
	if n, ok := v.(int); ok {
		v = int64(n)
	}
	switch c.Name {
	case "personal_data":
		err = setFact(&f.PersonalData, v, now, src)
	case "personal_data_categories":
		err = setFact(&f.PersonalDataCategories, v, now, src)
	case "special_categories":
		err = setFact(&f.SpecialCategories, v, now, src)
	case "data_subjects":
		err = setFact(&f.DataSubjects, v, now, src)
	case "residents_by_state":
		err = setFact(&f.ResidentsByState, v, now, src)
	case "member_states":
		err = setFact(&f.MemberStates, v, now, src)
	case "clients_affected":
		err = setFact(&f.ClientsAffected, v, now, src)
	case "transactions_affected":
		err = setFact(&f.TransactionsAffected, v, now, src)
	case "economic_impact":
		err = setFact(&f.EconomicImpact, v, now, src)
	case "critical_services_affected":
		err = setFact(&f.CriticalServicesAffected, v, now, src)
	case "ransom_paid":
		err = setFact(&f.RansomPaid, v, now, src)
	case "entity_types":
		err = setFact(&f.EntityTypes, v, now, src)
	default:
		return badRequest("name", fmt.Sprintf("unknown fact %q", c.Name))
	}
	if err != nil {
		return err
	}
	d.str("fact", c.Name)
	if err := d.value("value", v); err != nil {
		return err
	}
	if c.Source != "" {
		d.str("source", c.Source)
	}
	return refresh(ctx, e, m, rec, d)
}

func setFact[T any](f *incident.Fact[T], v any, at time.Time, source string) error {
	t, ok := v.(T)
	if !ok {
		var want T
		return badRequest("value", fmt.Sprintf("want %T, got %T", want, v))
	}
	if err := f.Set(t, at, source); err != nil {
		return &RequestError{Field: "value", Reason: err.Error(), Err: err}
	}
	return nil
}

// engineAnchors are set by the engine's transitions only: the clocks and
// the process depend on them.
var engineAnchors = []incident.Anchor{incident.AnchorAcknowledged, incident.AnchorDeclared, incident.AnchorClosed}

// SetAnchor records when something happened (occurred, compromised,
// aware, classified_major, contained, …), with its precision. The anchors
// the engine owns (acknowledged, declared, closed) are refused. Report
// deadlines are recomputed, since many run from an anchor.
type SetAnchor struct {
	Anchor incident.Anchor
	At     incident.Timestamp
}

// Action returns ActionSetAnchor.
func (SetAnchor) Action() Action { return ActionSetAnchor }

func (c SetAnchor) apply(ctx context.Context, e *Engine, m *mutation, rec incident.Record, d *data) error {
	if slices.Contains(engineAnchors, c.Anchor) {
		return badRequest("anchor", string(c.Anchor)+" is set by the engine's transitions")
	}
	if c.At.IsZero() {
		return badRequest("at", "no time")
	}
	at := c.At
	at.At = at.At.UTC()
	if !rec.Times().Set(c.Anchor, at) {
		return badRequest("anchor", fmt.Sprintf("unknown anchor %q", c.Anchor))
	}
	d.str("anchor", string(c.Anchor))
	if err := d.value("at", at); err != nil {
		return err
	}
	return refresh(ctx, e, m, rec, d)
}

// AddEvidence adds an evidence item to an event or incident. CollectedAt
// defaults to now and CollectedBy to the actor.
type AddEvidence struct {
	Evidence incident.Evidence
}

// Action returns ActionAddEvidence.
func (AddEvidence) Action() Action { return ActionAddEvidence }

func evidenceOf(rec incident.Record) (*[]incident.Evidence, error) {
	switch r := rec.(type) {
	case *incident.Incident:
		return &r.Evidence, nil
	case *incident.Event:
		return &r.Evidence, nil
	}
	return nil, badRequest("kind", "a "+string(rec.Kind())+" holds no evidence")
}

func (c AddEvidence) apply(_ context.Context, _ *Engine, m *mutation, rec incident.Record, d *data) error {
	list, err := evidenceOf(rec)
	if err != nil {
		return err
	}
	ev := c.Evidence
	ev.Custody = slices.Clone(ev.Custody)
	if ev.ID == "" {
		return badRequest("evidence.id", "evidence needs an ID")
	}
	if slices.ContainsFunc(*list, func(x incident.Evidence) bool { return x.ID == ev.ID }) {
		return badRequest("evidence.id", "evidence "+ev.ID+" exists")
	}
	if ev.CollectedAt.IsZero() {
		ev.CollectedAt = m.now
	}
	if ev.CollectedBy == "" {
		ev.CollectedBy = m.actor
	}
	*list = append(*list, ev)
	d.str("evidence", ev.ID).str("collected_by", string(ev.CollectedBy)).str("sha256", ev.SHA256).str("location", ev.Location)
	return nil
}

// TransferCustody hands an evidence item over (chain of custody, ISO/IEC
// 27037), now, from its current custodian. SHA256, when given, is the
// digest the receiver verified on receipt.
type TransferCustody struct {
	EvidenceID string
	To         incident.ActorID
	Purpose    string
	Location   string
	SHA256     string
}

// Action returns ActionTransfer.
func (TransferCustody) Action() Action { return ActionTransfer }

func (c TransferCustody) apply(_ context.Context, _ *Engine, m *mutation, rec incident.Record, d *data) error {
	list, err := evidenceOf(rec)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(*list, func(x incident.Evidence) bool { return x.ID == c.EvidenceID })
	if i < 0 {
		return badRequest("evidence_id", "no evidence "+c.EvidenceID)
	}
	ev := &(*list)[i]
	from := ev.Custodian()
	if err := ev.Transfer(m.now, c.To, c.Purpose, c.Location); err != nil {
		return &RequestError{Field: "to", Reason: err.Error(), Err: err}
	}
	ev.Custody[len(ev.Custody)-1].SHA256 = c.SHA256
	d.str("evidence", c.EvidenceID).str("from", string(from)).str("to", string(c.To)).str("sha256", c.SHA256)
	return nil
}

// AddTask adds a task; its due time, if any, arms a timer. Status defaults
// to open.
type AddTask struct {
	Task incident.Task
}

// Action returns ActionAddTask.
func (AddTask) Action() Action { return ActionAddTask }

func (c AddTask) apply(ctx context.Context, e *Engine, m *mutation, rec incident.Record, d *data) error {
	t := c.Task
	if t.ID == "" {
		return badRequest("task.id", "a task needs an ID")
	}
	h := rec.Handle()
	if slices.ContainsFunc(h.Tasks, func(x incident.Task) bool { return x.ID == t.ID }) {
		return badRequest("task.id", "task "+t.ID+" exists")
	}
	if t.Status == "" {
		t.Status = incident.TaskOpen
	}
	t.Due = t.Due.UTC()
	h.Tasks = append(h.Tasks, t)
	d.str("task", t.ID).str("status", string(t.Status)).boolean("mandatory", t.Mandatory)
	return e.armTask(ctx, m, rec, t)
}

// SetTask changes a task's status (a waiver or a cancellation needs a
// reason), assignee or due time; empty fields are left as they are.
type SetTask struct {
	TaskID   string
	Status   incident.TaskStatus
	Reason   string
	Assignee incident.ActorID
	Due      time.Time
}

// Action returns ActionSetTask.
func (SetTask) Action() Action { return ActionSetTask }

func (c SetTask) apply(ctx context.Context, e *Engine, m *mutation, rec incident.Record, d *data) error {
	h := rec.Handle()
	i := slices.IndexFunc(h.Tasks, func(x incident.Task) bool { return x.ID == c.TaskID })
	if i < 0 {
		return badRequest("task_id", "no task "+c.TaskID)
	}
	t := &h.Tasks[i]
	d.str("task", t.ID)
	if c.Status != "" {
		if !c.Status.Valid() {
			return badRequest("status", fmt.Sprintf("unknown task status %q", c.Status))
		}
		if (c.Status == incident.TaskWaived || c.Status == incident.TaskCancelled) && strings.TrimSpace(c.Reason) == "" {
			return badRequest("reason", "a waived or cancelled task needs a reason")
		}
		t.Status = c.Status
		if c.Reason != "" {
			t.Reason = c.Reason
		}
		t.FinishedAt = time.Time{}
		if c.Status.Finished() {
			t.FinishedAt = m.now
		}
		d.str("status", string(c.Status))
	}
	if c.Assignee != "" {
		t.Assignee = c.Assignee
		d.str("assignee", string(c.Assignee))
	}
	if !c.Due.IsZero() {
		t.Due = c.Due.UTC()
		if err := d.value("due", t.Due); err != nil {
			return err
		}
	}
	return e.armTask(ctx, m, rec, *t)
}

// HandOver gives a role on the record to an actor from now. For a role
// one person holds at a time (incident.Role.Single: point of contact,
// incident manager, response team lead, coordinator) the current holder's
// tenure ends at the same instant.
type HandOver struct {
	Role incident.Role
	To   incident.ActorID
}

// Action returns ActionHandOver.
func (HandOver) Action() Action { return ActionHandOver }

func (c HandOver) apply(_ context.Context, _ *Engine, m *mutation, rec incident.Record, d *data) error {
	if !c.Role.Valid() {
		return badRequest("role", fmt.Sprintf("unknown role %q", c.Role))
	}
	if c.To == "" {
		return badRequest("to", "no actor")
	}
	h := rec.Handle()
	var from incident.ActorID
	for i := range h.Roles {
		r := &h.Roles[i]
		if r.Role != c.Role || !r.Until.IsZero() {
			continue
		}
		if r.Actor == c.To {
			return badRequest("to", string(c.To)+" holds "+string(c.Role)+" already")
		}
		if c.Role.Single() {
			r.Until, from = m.now, r.Actor
		}
	}
	h.Roles = append(h.Roles, incident.RoleAssignment{Role: c.Role, Actor: c.To, From: m.now})
	d.str("role", string(c.Role)).str("to", string(c.To))
	if from != "" {
		d.str("from", string(from))
	}
	return nil
}

// ReleaseRole ends an actor's tenure of a role on the record now.
type ReleaseRole struct {
	Role  incident.Role
	Actor incident.ActorID
}

// Action returns ActionRelease.
func (ReleaseRole) Action() Action { return ActionRelease }

func (c ReleaseRole) apply(_ context.Context, _ *Engine, m *mutation, rec incident.Record, d *data) error {
	h := rec.Handle()
	i := slices.IndexFunc(h.Roles, func(r incident.RoleAssignment) bool {
		return r.Role == c.Role && r.Actor == c.Actor && r.Until.IsZero()
	})
	if i < 0 {
		return badRequest("actor", string(c.Actor)+" does not hold "+string(c.Role))
	}
	h.Roles[i].Until = m.now
	d.str("role", string(c.Role)).str("actor", string(c.Actor))
	return nil
}

// SetRestricted restricts a record to need-to-know (its participants and
// the roles in Rules.RestrictedAccess), or lifts the restriction.
type SetRestricted struct {
	Restricted bool
}

// Action returns ActionSetRestricted.
func (SetRestricted) Action() Action { return ActionSetRestricted }

func (c SetRestricted) apply(_ context.Context, _ *Engine, _ *mutation, rec incident.Record, d *data) error {
	h := rec.Handle()
	if h.Restricted == c.Restricted {
		return badRequest("restricted", "no change")
	}
	h.Restricted = c.Restricted
	d.boolean("restricted", c.Restricted)
	return nil
}

// AddNote adds a free-text note. The text stays in the record, where it
// can be erased (Personal marks one that names people); the audit record
// holds only the note's ID.
type AddNote struct {
	Text     string
	Personal bool
}

// Action returns ActionAddNote.
func (AddNote) Action() Action { return ActionAddNote }

func (c AddNote) apply(_ context.Context, e *Engine, m *mutation, rec incident.Record, d *data) error {
	if strings.TrimSpace(c.Text) == "" {
		return badRequest("text", "empty note")
	}
	id, err := e.addNote(rec, m, c.Text, c.Personal)
	if err != nil {
		return err
	}
	d.str("note", id).boolean("personal", c.Personal)
	return nil
}

// AddReview records a completed lessons-learned review of an incident
// (package lessons files it), which Rules.ReviewRequiredAt may require
// before the incident closes. CompletedAt defaults to now, By to the
// actor.
type AddReview struct {
	Review incident.ReviewRef
}

// Action returns ActionAddReview.
func (AddReview) Action() Action { return ActionAddReview }

func (c AddReview) apply(_ context.Context, _ *Engine, m *mutation, rec incident.Record, d *data) error {
	inc, err := needIncident(rec, "a review")
	if err != nil {
		return err
	}
	r := c.Review
	if r.ID == "" {
		return badRequest("review.id", "a review needs an ID")
	}
	if slices.ContainsFunc(inc.Reviews, func(x incident.ReviewRef) bool { return x.ID == r.ID }) {
		return badRequest("review.id", "review "+r.ID+" is recorded")
	}
	if r.CompletedAt.IsZero() {
		r.CompletedAt = m.now
	}
	if r.By == "" {
		r.By = m.actor
	}
	inc.Reviews = append(inc.Reviews, r)
	d.str("review", r.ID)
	return nil
}

// SubmitReport records that an owed report was submitted (at At, default
// now), which stops its timers; metrics measure it against Due and
// LegalEnd. Obligations are recomputed, since a submission starts the
// clock of the report that follows it.
type SubmitReport struct {
	ObligationID string
	At           time.Time
}

// Action returns ActionSubmitReport.
func (SubmitReport) Action() Action { return ActionSubmitReport }

func (c SubmitReport) apply(ctx context.Context, e *Engine, m *mutation, rec incident.Record, d *data) error {
	o, err := obligation(rec, c.ObligationID)
	if err != nil {
		return err
	}
	if !o.SubmittedAt.IsZero() {
		return badRequest("obligation_id", "report "+o.ID+" was submitted already")
	}
	at := c.At.UTC()
	if at.IsZero() {
		at = m.now
	}
	o.SubmittedAt = at
	d.str("obligation", o.ID)
	if err := d.value("submitted_at", at); err != nil {
		return err
	}
	// A submission starts the next report's clock (NIS2 final, DORA
	// intermediate and final): ask the source again.
	return refresh(ctx, e, m, rec, d)
}

// WaiveReport records, with a reason, that a computed report is not owed
// (GDPR Art. 33(1): the breach is unlikely to result in a risk).
type WaiveReport struct {
	ObligationID string
	Reason       string
}

// Action returns ActionWaiveReport.
func (WaiveReport) Action() Action { return ActionWaiveReport }

func (c WaiveReport) apply(_ context.Context, _ *Engine, m *mutation, rec incident.Record, d *data) error {
	if strings.TrimSpace(c.Reason) == "" {
		return badRequest("reason", "a waiver needs a reason")
	}
	o, err := obligation(rec, c.ObligationID)
	if err != nil {
		return err
	}
	if !o.SubmittedAt.IsZero() {
		return badRequest("obligation_id", "report "+o.ID+" was submitted")
	}
	o.Waived, o.WaivedBy = c.Reason, m.actor
	d.str("obligation", o.ID)
	return nil
}

func obligation(rec incident.Record, id string) (*incident.Obligation, error) {
	inc, err := needIncident(rec, "a report")
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(inc.Obligations, func(x incident.Obligation) bool { return x.ID == id })
	if i < 0 {
		return nil, badRequest("obligation_id", "no obligation "+id)
	}
	return &inc.Obligations[i], nil
}

// RefreshObligations asks the obligation source again when something
// outside the record moved a deadline: a partner's request with a
// respond-by time in a coordinated case (package coordination), a
// regulator's extension. Reason says what moved; the audit record lists
// the obligations that changed, possibly none.
type RefreshObligations struct {
	Reason string
}

// Action returns ActionRefresh.
func (RefreshObligations) Action() Action { return ActionRefresh }

func (c RefreshObligations) apply(ctx context.Context, e *Engine, m *mutation, rec incident.Record, d *data) error {
	if _, err := needIncident(rec, "refresh_obligations"); err != nil {
		return err
	}
	if strings.TrimSpace(c.Reason) == "" {
		return badRequest("reason", "say what moved the deadlines")
	}
	d.str("reason", c.Reason)
	return refresh(ctx, e, m, rec, d)
}
