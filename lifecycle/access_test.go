package lifecycle_test

import (
	"errors"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
)

// listed reports whether List, for actor, yields the record with id.
func listed(t *testing.T, h *harness, actor lifecycle.Actor, kind incident.Kind, id uuid.UUID) bool {
	t.Helper()
	found := false
	for rec, err := range h.e.List(h.ctx, actor, store.Query{Kind: kind}) {
		require.NoError(t, err)
		if rec.Head().ID == id {
			found = true
		}
	}
	return found
}

func TestRestrictedIncidentVisibility(t *testing.T) {
	h := newHarness(t, lifecycle.WithRules(walkRules()))
	inc := h.respond(incident.SeverityHigh)
	key := lifecycle.KeyOf(inc)
	holder := lifecycle.Actor{ID: "gina", Roles: []incident.Role{incident.RoleIRTMember}}
	former := lifecycle.Actor{ID: "hank", Roles: []incident.Role{incident.RoleIRTMember}}
	outsider := lifecycle.Actor{ID: "ivan", Roles: []incident.Role{incident.RoleIRTMember}}
	h.apply(actIM, key, lifecycle.HandOver{Role: incident.RoleIRTMember, To: holder.ID})
	h.apply(actIM, key, lifecycle.HandOver{Role: incident.RoleIRTMember, To: former.ID})
	h.apply(actIM, key, lifecycle.ReleaseRole{Role: incident.RoleIRTMember, Actor: former.ID})
	h.apply(actIM, key, lifecycle.SetRestricted{Restricted: true})

	for _, tc := range []struct {
		name    string
		actor   lifecycle.Actor
		visible bool
	}{
		{"the reporter", actEDR, true},
		{"an actor holding a role on it", holder, true},
		{"an incident manager", actIM, true},
		{"an IRT lead", actLead, true},
		{"a point of contact not on it", actPOC, false},
		{"a responder not on it", outsider, false},
		{"an actor whose role on it ended", former, false},
		{"an actor without roles", lifecycle.Actor{ID: "nobody"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec, err := h.e.Get(h.ctx, tc.actor, key)
			if tc.visible {
				require.NoError(t, err)
				assert.Equal(t, inc.ID, rec.Head().ID)
			} else {
				require.ErrorIs(t, err, store.ErrNotFound)
				assert.Nil(t, rec)
			}
			assert.Equal(t, tc.visible, listed(t, h, tc.actor, incident.KindIncident, inc.ID))
		})
	}

	// A hidden record is refused exactly as a missing one: the message
	// says nothing more.
	_, hidden := h.e.Get(h.ctx, outsider, key)
	missingID := uuid.Must(uuid.NewV7())
	_, missing := h.e.Get(h.ctx, outsider, lifecycle.Key{Kind: incident.KindIncident, ID: missingID})
	require.ErrorIs(t, missing, store.ErrNotFound)
	assert.Equal(t, strings.ReplaceAll(missing.Error(), missingID.String(), inc.ID.String()), hidden.Error())

	// Changes by an outsider fail the same way, and write nothing.
	other := h.respond(incident.SeverityLow)
	ev := h.newEvent("Badge reader")
	before := h.state()
	for name, call := range map[string]func() error{
		"transition": func() error {
			_, err := h.e.Transition(h.ctx, outsider, key, lifecycle.ActionContain)
			return err
		},
		"apply": func() error {
			_, err := h.e.Apply(h.ctx, outsider, key, lifecycle.AddNote{Text: "peek"})
			return err
		},
		"assess": func() error {
			_, err := h.e.Assess(h.ctx, outsider, key, incident.Assessment{Step: incident.AssessmentConfirmation, Outcome: incident.OutcomeIncident})
			return err
		},
		"set status": func() error {
			_, err := h.e.SetStatus(h.ctx, actPOC, key, "Containing")
			return err
		},
		"close": func() error {
			_, err := h.e.Close(h.ctx, actPOC, key, lifecycle.Closing{Resolution: incident.ResolutionNotApplicable})
			return err
		},
		"reopen": func() error {
			_, err := h.e.Reopen(h.ctx, outsider, key, "x")
			return err
		},
		"merge it away": func() error {
			_, err := h.e.Merge(h.ctx, actPOC, key, other.ID, "dup")
			return err
		},
		"merge into it": func() error {
			_, err := h.e.Merge(h.ctx, actPOC, lifecycle.KeyOf(ev), inc.ID, "dup")
			return err
		},
	} {
		err := call()
		require.ErrorIs(t, err, store.ErrNotFound, name)
		require.False(t, errors.Is(err, lifecycle.ErrForbidden), "%s: a forbidden error would say the record exists", name)
	}
	assert.Equal(t, before, h.state())

	// Participants act on it as their roles allow.
	h.apply(holder, key, lifecycle.AddNote{Text: "seen on host 12"})
	_, err := h.e.Transition(h.ctx, holder, key, lifecycle.ActionContain)
	require.NoError(t, err)
	_, err = h.e.Apply(h.ctx, actEDR, key, lifecycle.AddNote{Text: "more"})
	requireRule(t, err, lifecycle.RulePermission, lifecycle.ErrForbidden)

	// Lifting the restriction shows it to everyone again.
	h.apply(actIM, key, lifecycle.SetRestricted{Restricted: false})
	_, err = h.e.Get(h.ctx, outsider, key)
	require.NoError(t, err)
}

func TestDeclaredIncidentStaysRestricted(t *testing.T) {
	h := newHarness(t)
	ev := h.newEvent("HR case", func(ev *incident.Event) { ev.Restricted = true })
	_, err := h.e.Get(h.ctx, actPOC, lifecycle.KeyOf(ev))
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = h.e.Get(h.ctx, actEDR, lifecycle.KeyOf(ev))
	require.NoError(t, err, "the reporter sees what it reported")

	// The lead acknowledges and assesses it; the incident it becomes is
	// restricted too.
	_, err = h.e.Transition(h.ctx, actLead, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge)
	require.NoError(t, err)
	res, err := h.e.Assess(h.ctx, actLead, lifecycle.KeyOf(ev), incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident})
	require.NoError(t, err)
	assert.True(t, res.Declared.Restricted)
	_, err = h.e.Get(h.ctx, actPOC, lifecycle.KeyOf(res.Declared))
	require.ErrorIs(t, err, store.ErrNotFound)
	assert.False(t, listed(t, h, actPOC, incident.KindIncident, res.Declared.ID))
}

// mayRead is the rule of need-to-know, written out for the property test:
// an unrestricted record is for everyone; a restricted one for the roles
// of Rules.RestrictedAccess, its reporter and its active participants.
func mayRead(rules *lifecycle.Rules, actor lifecycle.Actor, rec incident.Record) bool {
	h := rec.Handle()
	if !h.Restricted {
		return true
	}
	if slices.ContainsFunc(actor.Roles, func(r incident.Role) bool { return slices.Contains(rules.RestrictedAccess, r) }) {
		return true
	}
	if h.Reporter == actor.ID {
		return true
	}
	return slices.ContainsFunc(h.Roles, func(ra incident.RoleAssignment) bool { return ra.Actor == actor.ID && ra.Until.IsZero() })
}

// TestListNeverLeaks lists random records for random actors: List yields
// exactly the records the actor may read, and Get agrees.
func TestListNeverLeaks(t *testing.T) {
	people := []incident.ActorID{"u1", "u2", "u3", "u4", "u5", "u6"}
	shared := []incident.Role{incident.RoleIRTMember, incident.RoleLegal, incident.RoleHumanResources, incident.RoleAssetOwner,
		incident.RoleIMTMember, incident.RoleDataProtection}
	all := incident.Roles()
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 27035)) //nolint:gosec // a reproducible test, not a secret
		h := newHarness(t)
		rules := h.e.Rules()
		pick := func(ids []incident.ActorID) incident.ActorID { return ids[r.IntN(len(ids))] }

		var keys []lifecycle.Key
		for range 40 {
			ev := h.newEvent("Event", func(ev *incident.Event) {
				ev.Reporter = pick(append(people, "tool:edr"))
				ev.Restricted = r.IntN(10) < 6
				for range r.IntN(3) {
					ra := incident.RoleAssignment{Role: shared[r.IntN(len(shared))], Actor: pick(people), From: ev.CreatedAt}
					if r.IntN(3) == 0 {
						ra.Until = ev.CreatedAt // released
					}
					ev.Roles = append(ev.Roles, ra)
				}
			})
			keys = append(keys, lifecycle.KeyOf(ev))
		}
		// Some incidents too, restricted after the fact, with handed-over
		// and released roles.
		for i := range 6 {
			inc := h.respond(incident.SeverityLow)
			k := lifecycle.KeyOf(inc)
			h.apply(actIM, k, lifecycle.HandOver{Role: incident.RoleLegal, To: pick(people)})
			if i%2 == 0 {
				h.apply(actIM, k, lifecycle.SetRestricted{Restricted: true})
			}
			keys = append(keys, k)
		}

		for range 30 {
			actor := lifecycle.Actor{ID: pick(people)}
			for range r.IntN(3) {
				if role := all[r.IntN(len(all))]; !slices.Contains(actor.Roles, role) {
					actor.Roles = append(actor.Roles, role)
				}
			}
			for _, kind := range []incident.Kind{incident.KindEvent, incident.KindIncident} {
				var got, want []uuid.UUID
				for rec, err := range h.e.List(h.ctx, actor, store.Query{Kind: kind}) {
					require.NoError(t, err)
					require.True(t, mayRead(rules, actor, rec), "seed %d: %s %v sees %s", seed, actor.ID, actor.Roles, rec.Head().ID)
					got = append(got, rec.Head().ID)
				}
				for rec, err := range h.st.List(h.ctx, acme, store.Query{Kind: kind}) {
					require.NoError(t, err)
					if mayRead(rules, actor, rec) {
						want = append(want, rec.Head().ID)
					}
				}
				require.Equal(t, want, got, "seed %d: List yields every record the actor may read", seed)
			}
			for _, k := range keys {
				rec, err := h.e.Get(h.ctx, actor, k)
				if err != nil {
					require.ErrorIs(t, err, store.ErrNotFound)
					require.False(t, mayRead(rules, actor, h.get(k)), "seed %d: %s hidden from %s", seed, k.ID, actor.ID)
					continue
				}
				require.True(t, mayRead(rules, actor, rec), "seed %d: %s shown to %s", seed, k.ID, actor.ID)
			}
		}
	}
}
