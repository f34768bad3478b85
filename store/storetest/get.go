package storetest

import (
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

func getCases() []testCase {
	return []testCase{
		{"Get/Missing_ErrNotFound", "Get of an ID that was never stored fails with ErrNotFound", getMissing},
		{"Get/WrongKind_ErrNotFound", "Get returns the record of that kind and ID: asking for an incident's ID as an event fails with ErrNotFound", getWrongKind},
		{"Get/ReturnsCopy", "Get returns a copy: changing it, its slices or its pointers does not change the store", getReturnsCopy},
	}
}

func getMissing(e *env) {
	e.create(tenantA, e.fx.incident(tenantA))
	for _, k := range []incident.Kind{incident.KindEvent, incident.KindIncident, incident.KindVulnerability} {
		_, err := e.s.Get(e.ctx, tenantA, k, e.fx.id())
		e.is("Get of a missing "+string(k), err, store.ErrNotFound)
	}
}

func getWrongKind(e *env) {
	inc := e.fx.incident(tenantA)
	ev := e.fx.event(tenantA)
	e.create(tenantA, inc, ev)
	_, err := e.s.Get(e.ctx, tenantA, incident.KindEvent, inc.ID)
	e.is("Get(kind event, an incident's ID)", err, store.ErrNotFound)
	_, err = e.s.Get(e.ctx, tenantA, incident.KindVulnerability, ev.ID)
	e.is("Get(kind vulnerability, an event's ID)", err, store.ErrNotFound)
}

func getReturnsCopy(e *env) {
	inc := e.fx.incident(tenantA)
	inc.Labels = []string{"one", "two"}
	inc.Resolution = &incident.Resolution{Kind: incident.ResolutionTruePositiveWithoutImpact, SetBy: "actor-storetest", SetAt: base}
	e.create(tenantA, inc)

	got := e.getIncident(inc.ID)
	got.Title = "changed by the reader"
	got.Labels[0] = "changed"
	got.EventIDs[0] = idIn(bandLow, 9)
	got.Resolution.Reason = "changed by the reader"
	got.Version = 42
	e.wantStored(inc)

	// Two reads are two copies.
	a := e.getIncident(inc.ID)
	b := e.getIncident(inc.ID)
	a.Labels[1] = "changed"
	if b.Labels[1] != "two" {
		e.errorf("two Get results share their Labels: changing one changed the other")
	}
}
