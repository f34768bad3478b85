package lessons_test

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store/memory"
)

var (
	edr   = lifecycle.Actor{ID: "tool:edr", Roles: []incident.Role{incident.RoleReporter}}
	alice = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
	bob   = lifecycle.Actor{ID: "bob", Roles: []incident.Role{incident.RoleIncidentManager}}
)

// engine returns an engine of tenant "acme" on a new memory store with a
// clock moving a minute per reading from 2026-03-02 09:00 UTC and
// counter IDs, and the rules' first assessment deciding.
func engine() (*lifecycle.Engine, *memory.Store) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	var n uint64
	st := memory.New()
	rules := lifecycle.DefaultRules()
	rules.RequireConfirmation = false
	e, err := lifecycle.New(st, "acme",
		lifecycle.WithRules(rules),
		lifecycle.WithClock(incident.ClockFunc(func() time.Time { now = now.Add(time.Minute); return now })),
		lifecycle.WithIDs(incident.IDFunc(func() (uuid.UUID, error) {
			n++
			return uuid.Parse(fmt.Sprintf("019cae00-0000-7000-8000-%012x", n))
		})))
	if err != nil {
		panic(err)
	}
	return e, st
}

// handled drives one phishing event through the engine to an incident
// concluded in respond, and returns the incident's key.
func handled(ctx context.Context, e *lifecycle.Engine) (lifecycle.Key, error) {
	ev, err := e.Factory().NewEvent(ctx, "acme", "Phishing mail reported by a clerk", edr.ID)
	if err != nil {
		return lifecycle.Key{}, err
	}
	if err := e.Create(ctx, edr, ev); err != nil {
		return lifecycle.Key{}, err
	}
	key := lifecycle.KeyOf(ev)
	if _, err := e.Transition(ctx, alice, key, lifecycle.ActionAcknowledge); err != nil {
		return lifecycle.Key{}, err
	}
	res, err := e.Assess(ctx, alice, key, incident.Assessment{Step: incident.AssessmentFirst,
		Outcome: incident.OutcomeIncident, Severity: incident.SeverityMedium})
	if err != nil {
		return lifecycle.Key{}, err
	}
	inc := lifecycle.KeyOf(res.Declared)
	for _, a := range []lifecycle.Action{lifecycle.ActionContain, lifecycle.ActionRecover, lifecycle.ActionConclude} {
		if _, err := e.Transition(ctx, bob, inc, a); err != nil {
			return lifecycle.Key{}, err
		}
	}
	return inc, nil
}
