package storetest

import (
	"slices"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

func tenantCases() []testCase {
	return []testCase{
		{"Tenants/GetIsolation", "Get never returns another tenant's record: it is ErrNotFound", tenantsGet},
		{"Tenants/ListIsolation", "List yields only the tenant's own records", tenantsList},
		{"Tenants/CountIsolation", "Count counts only the tenant's own records", tenantsCount},
		{"Tenants/UpdateIsolation", "a Commit in one tenant cannot update another tenant's record: it is ErrNotFound and the record is unchanged", tenantsUpdate},
		{"Tenants/SameRecordIDInTwoTenants", "records are scoped to their tenant: the same ID may be created in two tenants as two records, each with its own content, versions and audit trail", tenantsSameRecordID},
		{"Tenants/SameOutboxIDInTwoTenants", "outbox entries are scoped to their tenant: the same entry ID may be written in two tenants, and each is claimed, acknowledged and dead-lettered on its own", tenantsSameOutboxID},
		{"Tenants/AuditIsolation", "AuditTrail yields nothing of another tenant's record", tenantsAudit},
		{"Tenants/OutboxClaimIsolation", "Claim, Ack, Nack, DeadLetters, Requeue and OutboxStats see only the tenant's own outbox", tenantsOutbox},
		{"Tenants/TimerIsolation", "DueTimers and GetTimer see only the tenant's timers, and timer keys are unique per tenant, not across tenants", tenantsTimers},
		{"Tenants/DocumentIsolation", "GetDocument and ListDocuments see only the tenant's documents, and document IDs are scoped to the tenant", tenantsDocuments},
	}
}

func tenantsGet(e *env) {
	inc := e.fx.incident(tenantA)
	e.create(tenantA, inc)
	_, err := e.s.Get(e.ctx, tenantB, incident.KindIncident, inc.ID)
	e.is("Get in tenant B of tenant A's incident", err, store.ErrNotFound)
	e.wantStored(inc)
}

func tenantsList(e *env) {
	var a, b []incident.Record
	for range 3 {
		a = append(a, e.fx.incident(tenantA))
		b = append(b, e.fx.incident(tenantB))
	}
	e.create(tenantA, a...)
	e.create(tenantB, b...)
	q := store.Query{Kind: incident.KindIncident}
	for _, tc := range []struct {
		tenant string
		want   []incident.Record
	}{{tenantA, a}, {tenantB, b}} {
		got := e.list(tc.tenant, q)
		if !slices.Equal(ids(got), ids(tc.want)) {
			e.errorf("List in %s: got %v, want only its own %v", tc.tenant, ids(got), ids(tc.want))
		}
	}
	if got := e.list("storetest-tenant-empty", q); len(got) != 0 {
		e.errorf("List in a tenant with no records: got %d records, want none", len(got))
	}
}

func tenantsCount(e *env) {
	var a []incident.Record
	for range 3 {
		a = append(a, e.fx.incident(tenantA))
	}
	e.create(tenantA, a...)
	e.create(tenantB, e.fx.incident(tenantB))
	q := store.Query{Kind: incident.KindIncident}
	if n := e.count(tenantA, q); n != 3 {
		e.errorf("Count in tenant A: %d, want 3", n)
	}
	if n := e.count(tenantB, q); n != 1 {
		e.errorf("Count in tenant B: %d, want 1", n)
	}
	if n := e.count("storetest-tenant-empty", q); n != 0 {
		e.errorf("Count in a tenant with no records: %d, want 0", n)
	}
}

func tenantsUpdate(e *env) {
	inc := e.fx.incident(tenantA)
	e.create(tenantA, inc)
	up := e.getIncident(inc.ID)
	up.Title = "changed from tenant B"
	up.Org = tenantB
	err := e.s.Commit(e.ctx, tenantB, &store.Write{Update: []incident.Record{up}})
	e.is("Commit in tenant B updating tenant A's incident", err, store.ErrNotFound)
	e.wantStored(inc)
	if _, err := e.s.Get(e.ctx, tenantB, incident.KindIncident, inc.ID); err == nil {
		e.errorf("after a cross-tenant update, tenant B can Get tenant A's incident")
	}
}

func tenantsAudit(e *env) {
	inc := e.fx.incident(tenantA)
	e.commit(tenantA, &store.Write{Create: []incident.Record{inc}, Audit: []store.AuditRecord{e.fx.audit(inc.ID, 1), e.fx.audit(inc.ID, 2)}})
	if got := e.trail(tenantB, inc.ID, 0); len(got) != 0 {
		e.errorf("AuditTrail in tenant B of tenant A's record yielded %d records, want none", len(got))
	}
	if got := e.trail(tenantA, inc.ID, 0); len(got) != 2 {
		e.errorf("AuditTrail in tenant A yielded %d records, want 2", len(got))
	}
}

func tenantsOutbox(e *env) {
	inc := e.fx.incident(tenantA)
	first, second := e.fx.entry(inc.ID, 1), e.fx.entry(inc.ID, 2)
	second.MaxAttempts = 1
	e.commit(tenantA, &store.Write{Create: []incident.Record{inc}, Outbox: []store.OutboxEntry{first, second}})

	if got := e.claim(tenantB, outboxNow, 10, time.Minute); len(got) != 0 {
		e.fatalf("Claim in tenant B returned %d of tenant A's entries, want none", len(got))
	}
	if st := e.stats(tenantB, outboxNow); st != (store.OutboxStats{}) {
		e.errorf("OutboxStats in tenant B with only tenant A holding entries: %+v, want zero", st)
	}

	got := e.claim(tenantA, outboxNow, 10, time.Minute)
	if len(got) != 2 {
		e.fatalf("Claim in tenant A: got %d entries, want 2", len(got))
	}
	byID := map[string]store.OutboxEntry{got[0].ID.String(): got[0], got[1].ID.String(): got[1]}
	a1, a2 := byID[first.ID.String()], byID[second.ID.String()]

	e.is("Ack in tenant B of tenant A's entry", e.s.Ack(e.ctx, tenantB, a1.ID, a1.Lease), store.ErrNotFound)
	e.is("Nack in tenant B of tenant A's entry", e.s.Nack(e.ctx, tenantB, a2.ID, a2.Lease, store.Failure{Now: outboxNow, RetryAt: outboxNow, Reason: "tenant B", Permanent: true}), store.ErrNotFound)
	// Both are still leased in tenant A: the cross-tenant calls changed
	// nothing.
	if st := e.stats(tenantA, outboxNow); st.Pending != 2 || st.Leased != 2 || st.Dead != 0 {
		e.errorf("OutboxStats in tenant A after tenant B's Ack and Nack: %+v, want Pending 2, Leased 2, Dead 0", st)
	}
	e.ok("Ack in tenant A", e.s.Ack(e.ctx, tenantA, a1.ID, a1.Lease))
	e.ok("Nack in tenant A", e.s.Nack(e.ctx, tenantA, a2.ID, a2.Lease, store.Failure{Now: outboxNow, RetryAt: outboxNow, Reason: "tenant A", Permanent: true}))

	if got := e.deadLetters(tenantB); len(got) != 0 {
		e.errorf("DeadLetters in tenant B yielded %d of tenant A's dead letters, want none", len(got))
	}
	e.is("Requeue in tenant B of tenant A's dead letter", e.s.Requeue(e.ctx, tenantB, second.ID, outboxNow), store.ErrNotFound)
	if got := e.deadLetters(tenantA); len(got) != 1 {
		e.errorf("DeadLetters in tenant A after tenant B's Requeue: %d, want 1", len(got))
	}
	if got := e.claim(tenantB, outboxNow.Add(time.Hour), 10, time.Minute); len(got) != 0 {
		e.errorf("Claim in tenant B after tenant B's Requeue returned %d entries, want none", len(got))
	}
}

func tenantsTimers(e *env) {
	inc := e.fx.incident(tenantA)
	ta := e.fx.timer(inc.ID, "acknowledge", base.Add(time.Minute))
	e.commit(tenantA, &store.Write{Timers: []store.Timer{ta}})

	if got := e.due(tenantB, outboxNow, 10); len(got) != 0 {
		e.errorf("DueTimers in tenant B returned %v of tenant A's timers, want none", timerKeys(got))
	}
	_, err := e.s.GetTimer(e.ctx, tenantB, ta.Key)
	e.is("GetTimer in tenant B of tenant A's key", err, store.ErrNotFound)

	// The same key in tenant B is a different timer.
	tb := ta
	tb.Version = 0
	tb.DueAt = base.Add(2 * time.Minute)
	e.commit(tenantB, &store.Write{Timers: []store.Timer{tb}})
	if got := e.timer(tenantA, ta.Key); !got.DueAt.Equal(ta.DueAt) || got.Version != 1 {
		e.errorf("tenant A's timer after tenant B created the same key: DueAt %s Version %d, want %s and 1", got.DueAt, got.Version, ta.DueAt)
	}
	if got := e.timer(tenantB, ta.Key); !got.DueAt.Equal(tb.DueAt) {
		e.errorf("tenant B's timer: DueAt %s, want %s", got.DueAt, tb.DueAt)
	}
	if got := e.due(tenantA, outboxNow, 10); len(got) != 1 || !got[0].DueAt.Equal(ta.DueAt) {
		e.errorf("DueTimers in tenant A: got %d timers, want its one timer due at %s", len(got), ta.DueAt)
	}
}

func tenantsDocuments(e *env) {
	da := e.fx.document(docCollection, map[string]string{"status": "open"})
	e.commit(tenantA, &store.Write{Documents: []store.Document{da}})

	_, err := e.s.GetDocument(e.ctx, tenantB, da.Collection, da.ID)
	e.is("GetDocument in tenant B of tenant A's document", err, store.ErrNotFound)
	if got := e.documents(tenantB, docCollection, nil); len(got) != 0 {
		e.errorf("ListDocuments in tenant B yielded %v of tenant A's documents, want none", docIDs(got))
	}

	db := da
	db.Version = 0
	db.Body = []byte(`{"title":"tenant B's own"}`)
	e.commit(tenantB, &store.Write{Documents: []store.Document{db}})
	if got := e.document(da.Collection, da.ID); !sameJSON(got.Body, da.Body) || got.Version != 1 {
		e.errorf("tenant A's document after tenant B created the same ID: body %s version %d, want %s and 1", got.Body, got.Version, da.Body)
	}
	if got := e.documents(tenantA, docCollection, map[string]string{"status": "open"}); len(got) != 1 {
		e.errorf("ListDocuments in tenant A: %d documents, want 1", len(got))
	}
}

func tenantsSameRecordID(e *env) {
	a := e.fx.incident(tenantA)
	b := e.fx.incidentWithID(tenantB, a.ID)
	b.Title = "tenant B's own incident"
	a1, b1 := e.fx.audit(a.ID, 1), e.fx.audit(a.ID, 1)
	b1.Action = "storetest.tenant-b"
	e.commit(tenantA, &store.Write{Create: []incident.Record{a}, Audit: []store.AuditRecord{a1}})
	wb := &store.Write{Create: []incident.Record{b}, Audit: []store.AuditRecord{b1}}
	if err := e.s.Commit(e.ctx, tenantB, wb); err != nil {
		e.fatalf("creating in tenant B a record with the ID of tenant A's record: %v, want success (records are tenant-scoped)", err)
	}

	// Tenant A's record moves on; tenant B's stays at Version 1.
	up := e.getIncident(a.ID)
	up.Title = "tenant A's second version"
	e.commit(tenantA, &store.Write{Update: []incident.Record{up}, Audit: []store.AuditRecord{e.fx.audit(a.ID, 2)}})
	e.wantStored(up)
	got, err := e.s.Get(e.ctx, tenantB, incident.KindIncident, a.ID)
	e.ok("Get in tenant B", err)
	if d := recordDiff(got, b); d != "" {
		e.errorf("tenant B's record after tenant A updated its own with the same ID: %s", d)
	}
	if ta := e.trail(tenantA, a.ID, 0); len(ta) != 2 || auditDiff(ta[0], a1) != "" {
		e.errorf("tenant A's audit trail: Seqs %v, want its own [1 2]", auditSeqs(ta))
	}
	if tb := e.trail(tenantB, a.ID, 0); len(tb) != 1 || auditDiff(tb[0], b1) != "" {
		e.errorf("tenant B's audit trail: Seqs %v, want its own [1] with Action %q", auditSeqs(tb), b1.Action)
	}
	// Tenant B's trail continues from its own last Seq.
	ub, ok := got.(*incident.Incident)
	if !ok {
		e.fatalf("Get incident in tenant B returned a %T", got)
	}
	ub.Title = "tenant B's second version"
	e.commit(tenantB, &store.Write{Update: []incident.Record{ub}, Audit: []store.AuditRecord{e.fx.audit(a.ID, 2)}})
	if n := e.count(tenantA, store.Query{Kind: incident.KindIncident}); n != 1 {
		e.errorf("Count in tenant A: %d, want 1", n)
	}
	e.wantStored(up)
}

func tenantsSameOutboxID(e *env) {
	ia, ib := e.fx.incident(tenantA), e.fx.incident(tenantB)
	ea := e.fx.entry(ia.ID, 1)
	eb := e.fx.entry(ib.ID, 1)
	eb.ID = ea.ID
	e.commit(tenantA, &store.Write{Create: []incident.Record{ia}, Outbox: []store.OutboxEntry{ea}})
	if err := e.s.Commit(e.ctx, tenantB, &store.Write{Create: []incident.Record{ib}, Outbox: []store.OutboxEntry{eb}}); err != nil {
		e.fatalf("writing in tenant B an outbox entry with the ID of tenant A's: %v, want success (outbox entries are tenant-scoped)", err)
	}
	ga, gb := e.claim(tenantA, outboxNow, 10, lease), e.claim(tenantB, outboxNow, 10, lease)
	if len(ga) != 1 || len(gb) != 1 || ga[0].RecordID != ia.ID || gb[0].RecordID != ib.ID {
		e.fatalf("Claim in each tenant: got %v and %v, want each tenant's own entry", ga, gb)
	}
	e.ok("Nack in tenant B", e.s.Nack(e.ctx, tenantB, eb.ID, gb[0].Lease, store.Failure{Now: outboxNow, RetryAt: outboxNow, Reason: "gone", Permanent: true}))
	e.ok("Ack in tenant A", e.s.Ack(e.ctx, tenantA, ea.ID, ga[0].Lease))
	if st := e.stats(tenantB, outboxNow); st.Dead != 1 || st.Pending != 0 {
		e.errorf("OutboxStats in tenant B after tenant A acknowledged its entry of the same ID: %+v, want Dead 1", st)
	}
	if st := e.stats(tenantA, outboxNow); st != (store.OutboxStats{}) {
		e.errorf("OutboxStats in tenant A after its Ack: %+v, want zero (tenant B's dead letter is not tenant A's)", st)
	}
}
