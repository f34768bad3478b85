package lifecycle

import (
	"context"
	"crypto"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// Engine drives the records of one tenant through the process. Every
// change it makes is one atomic store write holding the changed records,
// one sealed audit record per changed record, one outbox entry per audit
// record, and the timers the change arms. A host never writes records
// around it: a record whose version has no audit record is refused
// (ErrUnaudited), so an edit around the engine shows as a gap.
//
// The stored record is the source of truth: the engine keeps no state
// between calls, several engines (processes, replicas) may share a store,
// and concurrent changes to one record are settled by the store's
// optimistic versions (store.ErrConflict reaches the caller, who reads
// again and retries if it still makes sense).
//
// An Engine is safe for concurrent use.
type Engine struct {
	st          store.Store
	tenant      string
	rules       *Rules
	scale       *incident.SeverityScale
	vocab       *incident.Vocabulary
	factory     *incident.Factory
	clock       incident.Clock
	ids         incident.IDSource
	seq         incident.Sequence
	tasks       TaskSource
	obligations ObligationSource
	signer      crypto.Signer
	keyID       string
	log         *slog.Logger
	heads       headCache
	machines    map[incident.Kind]*machine
	edges       map[incident.Kind][]Transition
}

// Actor is who performs an action, with the 27035 roles the host has
// established it holds (the engine trusts the host's authentication and
// checks the roles against Rules.Permissions).
type Actor struct {
	ID    incident.ActorID
	Roles []incident.Role
}

// Key names a record: its kind and ID.
type Key struct {
	Kind incident.Kind
	ID   uuid.UUID
}

// KeyOf returns the key of a record.
func KeyOf(r incident.Record) Key { return Key{r.Kind(), r.Head().ID} }

// TimerActor is the actor named in audit records of timers the engine
// fires.
const TimerActor incident.ActorID = "lifecycle:timer"

// TaskSource yields the tasks an incident starts with when it is declared
// (a playbook's steps). Package prepare implements it; lifecycle does not
// import prepare. It must not do slow I/O: it runs inside the declaring
// call, before the write.
type TaskSource interface {
	TasksFor(ctx context.Context, inc *incident.Incident) ([]incident.Task, error)
}

// TaskSourceFunc adapts a function to TaskSource.
type TaskSourceFunc func(ctx context.Context, inc *incident.Incident) ([]incident.Task, error)

// TasksFor calls f.
func (f TaskSourceFunc) TasksFor(ctx context.Context, inc *incident.Incident) ([]incident.Task, error) {
	return f(ctx, inc)
}

// ObligationSource yields the reports owed on an incident (the regulatory
// clocks of package triage implement it). The engine asks it when an
// incident is declared and whenever a change could move a deadline (facts,
// timeline anchors, classification), merges the result into
// Incident.Obligations by ID, and arms a due-soon and an overdue timer for
// each obligation not yet submitted or waived.
type ObligationSource interface {
	ObligationsFor(ctx context.Context, inc *incident.Incident) ([]incident.Obligation, error)
}

// ObligationSourceFunc adapts a function to ObligationSource.
type ObligationSourceFunc func(ctx context.Context, inc *incident.Incident) ([]incident.Obligation, error)

// ObligationsFor calls f.
func (f ObligationSourceFunc) ObligationsFor(ctx context.Context, inc *incident.Incident) ([]incident.Obligation, error) {
	return f(ctx, inc)
}

// ObligationSources joins sources into one: the engine asks each in turn
// and merges what they give (regulatory clocks and coordination deadlines
// side by side). Obligation IDs must not collide across sources.
func ObligationSources(sources ...ObligationSource) ObligationSource {
	return ObligationSourceFunc(func(ctx context.Context, inc *incident.Incident) ([]incident.Obligation, error) {
		var out []incident.Obligation
		for _, s := range sources {
			if s == nil {
				continue
			}
			got, err := s.ObligationsFor(ctx, inc)
			if err != nil {
				return nil, err
			}
			out = append(out, got...)
		}
		return out, nil
	})
}

// Option configures an Engine.
type Option func(*Engine)

// WithRules sets the rules in force (default DefaultRules). New validates
// them and keeps its own copy.
func WithRules(r *Rules) Option { return func(e *Engine) { e.rules = r } }

// WithClock sets the time source (default the system clock, UTC).
func WithClock(c incident.Clock) Option { return func(e *Engine) { e.clock = c } }

// WithIDs sets the source of record and outbox IDs (default UUIDv7).
func WithIDs(ids incident.IDSource) Option { return func(e *Engine) { e.ids = ids } }

// WithSequence sets the source of human references for records the engine
// creates (declared incidents); default an in-memory sequence, which
// restarts with the process: give a persistent one in production.
func WithSequence(s incident.Sequence) Option { return func(e *Engine) { e.seq = s } }

// WithVocabulary sets the taxonomies records are validated against
// (default incident.DefaultVocabulary); the severity scale is the rules'.
func WithVocabulary(v *incident.Vocabulary) Option { return func(e *Engine) { e.vocab = v } }

// WithTaskSource sets the task source called when an incident is declared.
func WithTaskSource(s TaskSource) Option { return func(e *Engine) { e.tasks = s } }

// WithObligationSource sets the obligation source.
func WithObligationSource(s ObligationSource) Option { return func(e *Engine) { e.obligations = s } }

// WithSigner sets the key that signs checkpoints, and its ID (see
// SignCheckpoint). Keep it where the store's writers cannot reach it.
func WithSigner(keyID string, s crypto.Signer) Option {
	return func(e *Engine) { e.keyID, e.signer = keyID, s }
}

// WithLogger sets the logger (default: discard).
func WithLogger(l *slog.Logger) Option { return func(e *Engine) { e.log = l } }

// New returns an engine for the records of tenant in st. It fails with
// ErrInvalidRules (a *RulesError) when the rules do not validate.
func New(st store.Store, tenant string, opts ...Option) (*Engine, error) {
	if st == nil {
		return nil, badRequest("store", "nil store")
	}
	if tenant == "" {
		return nil, badRequest("tenant", "empty tenant")
	}
	e := &Engine{st: st, tenant: tenant}
	for _, o := range opts {
		o(e)
	}
	if e.rules == nil {
		e.rules = DefaultRules()
	}
	if err := e.rules.Validate(); err != nil {
		return nil, err
	}
	e.rules = e.rules.Clone()
	e.scale = e.rules.scale()
	if e.vocab == nil {
		e.vocab = incident.DefaultVocabulary()
	}
	e.vocab = &incident.Vocabulary{Severity: e.scale, Taxonomies: e.vocab.Taxonomies}
	if e.clock == nil {
		e.clock = incident.SystemClock{}
	}
	if e.ids == nil {
		e.ids = incident.UUIDv7{}
	}
	fopts := []incident.FactoryOption{incident.WithClock(e.clock), incident.WithIDs(e.ids)}
	if e.seq != nil {
		fopts = append(fopts, incident.WithSequence(e.seq))
	}
	e.factory = incident.NewFactory(fopts...)
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	e.machines = make(map[incident.Kind]*machine, len(allKinds))
	e.edges = make(map[incident.Kind][]Transition, len(allKinds))
	for _, k := range allKinds {
		var ts []Transition
		for _, t := range Transitions() {
			if slices.Contains(t.Kinds, k) {
				ts = append(ts, t)
			}
		}
		e.edges[k] = ts
		e.machines[k] = newMachine(ts, Stages())
	}
	return e, nil
}

// Tenant returns the tenant the engine works for.
func (e *Engine) Tenant() string { return e.tenant }

// Rules returns a copy of the rules in force.
func (e *Engine) Rules() *Rules { return e.rules.Clone() }

// Factory returns the factory that makes new records with the engine's
// clock, IDs and sequence; hand what it makes to Create.
func (e *Engine) Factory() *incident.Factory { return e.factory }

// Now returns the engine's current time (UTC, whole microseconds).
func (e *Engine) Now() time.Time { return e.factory.Now() }

// Allowed returns the actions the process allows on r from its stage,
// sorted; rules and roles may still block them.
func (e *Engine) Allowed(r incident.Record) []Action {
	m, ok := e.machines[r.Kind()]
	if !ok {
		return nil
	}
	return m.allowed(StageOf(r))
}

// Get returns a record the actor may see. A restricted record the actor
// may not see is reported as not found (store.ErrNotFound), so its
// existence does not leak.
func (e *Engine) Get(ctx context.Context, actor Actor, key Key) (incident.Record, error) {
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	rec, err := e.st.Get(ctx, e.tenant, key.Kind, key.ID)
	if err != nil {
		return nil, err
	}
	if !e.canSee(actor, rec) {
		return nil, fmt.Errorf("%w: %s %s", store.ErrNotFound, key.Kind, key.ID)
	}
	return rec, nil
}

// List yields the records matching q that the actor may see: restricted
// records only to their participants and Rules.RestrictedAccess roles.
func (e *Engine) List(ctx context.Context, actor Actor, q store.Query) iter.Seq2[incident.Record, error] {
	return func(yield func(incident.Record, error) bool) {
		if err := checkActor(actor); err != nil {
			yield(nil, err)
			return
		}
		for rec, err := range e.st.List(ctx, e.tenant, q) {
			if err != nil {
				yield(nil, err)
				return
			}
			if e.canSee(actor, rec) && !yield(rec, nil) {
				return
			}
		}
	}
}

// canSee reports whether actor may read rec: every record that is not
// restricted; a restricted one when the actor holds a role the rules name,
// is its reporter, or holds a role on it now (Rules.RestrictedAccess: a
// participant's need to know ends with the tenure).
func (e *Engine) canSee(actor Actor, rec incident.Record) bool {
	h := rec.Handle()
	if !h.Restricted {
		return true
	}
	for _, r := range actor.Roles {
		if slices.Contains(e.rules.RestrictedAccess, r) {
			return true
		}
	}
	if h.Reporter == actor.ID {
		return true
	}
	now := e.Now()
	for _, ra := range h.Roles {
		if ra.Actor == actor.ID && ra.Active(now) {
			return true
		}
	}
	return false
}

func checkActor(a Actor) error {
	if a.ID == "" {
		return fmt.Errorf("%w: no actor ID", ErrInvalidActor)
	}
	for _, r := range a.Roles {
		if !r.Valid() {
			return fmt.Errorf("%w: unknown role %q", ErrInvalidActor, r)
		}
	}
	return nil
}

// permit checks the actor's roles against the rules.
func (e *Engine) permit(actor Actor, a Action, id uuid.UUID) error {
	if e.rules.permits(a, actor.Roles) {
		return nil
	}
	return &RuleError{Rule: RulePermission, Action: a, ID: id, Err: ErrForbidden,
		Reason: fmt.Sprintf("%s needs one of the roles %v; actor %s holds %v", a, e.rules.Permissions[a], actor.ID, actor.Roles)}
}

// actingRole returns the role the actor performs a in: the first of its
// roles the rules grant a, else its first role.
func (e *Engine) actingRole(actor Actor, a Action) incident.Role {
	need := e.rules.Permissions[a]
	for _, r := range actor.Roles {
		if slices.Contains(need, r) {
			return r
		}
	}
	if len(actor.Roles) > 0 {
		return actor.Roles[0]
	}
	return ""
}

// load reads a record for a change by actor: it must exist, be visible to
// the actor, and the actor must be permitted the action.
func (e *Engine) load(ctx context.Context, actor Actor, key Key, a Action) (incident.Record, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	if !key.Kind.Valid() {
		return nil, badRequest("kind", fmt.Sprintf("unknown record kind %q", key.Kind))
	}
	rec, err := e.st.Get(ctx, e.tenant, key.Kind, key.ID)
	if err != nil {
		return nil, err
	}
	if !e.canSee(actor, rec) {
		return nil, fmt.Errorf("%w: %s %s", store.ErrNotFound, key.Kind, key.ID)
	}
	if err := e.permit(actor, a, key.ID); err != nil {
		return nil, err
	}
	return rec, nil
}

// step moves rec by action through the process, or returns a
// *TransitionError naming what is allowed.
func (e *Engine) step(ctx context.Context, rec incident.Record, a Action) (Stage, error) {
	from := StageOf(rec)
	m := e.machines[rec.Kind()]
	to, _, err := m.next(ctx, from, a)
	switch {
	case err == nil:
		return to, nil
	case errors.Is(err, errActionNotAllowed), errors.Is(err, errUnknownStage):
		return Stage{}, &TransitionError{Kind: rec.Kind(), ID: rec.Head().ID, From: from, Action: a, Allowed: m.allowed(from)}
	default:
		return Stage{}, err
	}
}

// enter puts rec in stage s, and drops a custom status that belongs to
// another stage, so a status never contradicts the state metrics read.
func (e *Engine) enter(rec incident.Record, s Stage) {
	h := rec.Handle()
	h.Phase, h.State = s.Phase, s.State
	if h.Status != "" {
		if st, ok := e.rules.status(h.Status); !ok || st.Stage() != s {
			h.Status = ""
		}
	}
}
