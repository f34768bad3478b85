package storetest

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

func contextCases() []testCase {
	return []testCase{
		{"Context/Cancelled", "every method called with a cancelled context returns (or yields, last) an error satisfying errors.Is(err, context.Canceled), and Commit stores nothing", contextCancelled},
		{"Context/DeadlineExceeded", "a context past its deadline makes Commit and Get fail with context.DeadlineExceeded", contextDeadline},
	}
}

func badInputCases() []testCase {
	return []testCase{
		{"BadInput/EmptyTenant", "every method given an empty tenant fails with ErrInvalid and does nothing", badEmptyTenant},
		{"BadInput/NilRecord", "a Write holding a nil record fails with ErrInvalid and stores nothing", badNilRecord},
		{"BadInput/TypedNilRecord", "a Write holding a typed nil record, such as (*incident.Incident)(nil), to create or update fails with ErrInvalid, without panicking, and stores nothing", badTypedNilRecord},
		{"BadInput/OrgMismatch", "a Write creating or updating a record whose Head().Org is not the tenant (another organisation, or none) fails with ErrInvalid and stores nothing of it", badOrgMismatch},
		{"BadInput/NilWrite", "Commit of a nil or empty Write fails with ErrInvalid", badNilWrite},
		{"BadInput/WriteCheck", "a Write that fails Write.Check fails Commit with ErrInvalid and stores nothing of it", badWriteCheck},
		{"BadInput/BatchSize", "Claim with n ≤ 0 or lease ≤ 0, and DueTimers with n ≤ 0, fail with ErrInvalid", badBatchSize},
		{"BadInput/InvalidQuery", "List and Count of a query failing Query.Check fail with ErrInvalid; List yields the error as its only element", badQuery},
		{"BadInput/GetUnknownKind", "Get of a kind that does not exist fails with ErrInvalid or ErrNotFound, without panicking", badGetKind},
	}
}

// seqErr returns the error a sequence yields last, and how many elements
// came before it.
func seqErr[V any](seq iter.Seq2[V, error]) (n int, err error) {
	for _, e := range seq {
		if e != nil {
			err = e
			continue
		}
		if err == nil {
			n++
		}
	}
	return n, err
}

// surface holds one of everything, so each method has something it could
// return if it ignored its context or its tenant.
type surface struct {
	inc       *incident.Incident
	claimed   store.OutboxEntry
	dead      store.OutboxEntry
	timer     store.Timer
	doc       store.Document
	unclaimed store.OutboxEntry
}

func (e *env) surface() surface {
	e.r.Helper()
	var s surface
	s.inc = e.fx.incident(tenantA)
	first, second, third := e.fx.entry(s.inc.ID, 1), e.fx.entry(s.inc.ID, 1), e.fx.entry(s.inc.ID, 1)
	s.timer = e.fx.timer(s.inc.ID, "acknowledge", base)
	s.doc = e.fx.document(docCollection, map[string]string{"status": "open"})
	e.commit(tenantA, &store.Write{Create: []incident.Record{s.inc}, Audit: []store.AuditRecord{e.fx.audit(s.inc.ID, 1)},
		Outbox: []store.OutboxEntry{first, second}, Timers: []store.Timer{s.timer}, Documents: []store.Document{s.doc}})
	s.timer.Version, s.doc.Version = 1, 1
	got := e.claim(tenantA, outboxNow, 2, time.Hour)
	if len(got) != 2 {
		e.fatalf("Claim: got %d entries, want 2", len(got))
	}
	s.claimed, s.dead = got[0], got[1]
	e.ok("Nack", e.s.Nack(e.ctx, tenantA, s.dead.ID, s.dead.Lease, store.Failure{Now: outboxNow, RetryAt: outboxNow, Reason: "gone", Permanent: true}))
	e.outboxWrite(third)
	s.unclaimed = third
	return s
}

// calls returns every method of the store bound to ctx and tenant, named.
func (e *env) calls(ctx context.Context, tenant string, s surface, fresh *incident.Incident) []namedCall {
	up := s.inc.Clone()
	up.Version = 1
	up.Title = "must not be stored"
	return []namedCall{
		{"Commit", func() error {
			return e.s.Commit(ctx, tenant, &store.Write{Create: []incident.Record{fresh}, Update: []incident.Record{up}})
		}},
		{"Get", func() error { _, err := e.s.Get(ctx, tenant, incident.KindIncident, s.inc.ID); return err }},
		{"List", func() error {
			_, err := seqErr(e.s.List(ctx, tenant, store.Query{Kind: incident.KindIncident}))
			return err
		}},
		{"Count", func() error { _, err := e.s.Count(ctx, tenant, store.Query{Kind: incident.KindIncident}); return err }},
		{"AuditTrail", func() error { _, err := seqErr(e.s.AuditTrail(ctx, tenant, s.inc.ID, 0)); return err }},
		{"Claim", func() error { _, err := e.s.Claim(ctx, tenant, outboxNow, 10, time.Minute); return err }},
		{"Ack", func() error { return e.s.Ack(ctx, tenant, s.claimed.ID, s.claimed.Lease) }},
		{"Nack", func() error {
			return e.s.Nack(ctx, tenant, s.claimed.ID, s.claimed.Lease, store.Failure{Now: outboxNow, RetryAt: outboxNow, Reason: "x", Permanent: true})
		}},
		{"DeadLetters", func() error { _, err := seqErr(e.s.DeadLetters(ctx, tenant)); return err }},
		{"Requeue", func() error { return e.s.Requeue(ctx, tenant, s.dead.ID, outboxNow) }},
		{"OutboxStats", func() error { _, err := e.s.OutboxStats(ctx, tenant, outboxNow); return err }},
		{"DueTimers", func() error { _, err := e.s.DueTimers(ctx, tenant, outboxNow, 10); return err }},
		{"GetTimer", func() error { _, err := e.s.GetTimer(ctx, tenant, s.timer.Key); return err }},
		{"GetDocument", func() error { _, err := e.s.GetDocument(ctx, tenant, s.doc.Collection, s.doc.ID); return err }},
		{"ListDocuments", func() error { _, err := seqErr(e.s.ListDocuments(ctx, tenant, docCollection, nil)); return err }},
	}
}

type namedCall struct {
	name string
	call func() error
}

// wantUntouched checks that the surface is as surface() left it.
func (e *env) wantUntouched(s surface, fresh *incident.Incident) {
	e.r.Helper()
	e.wantStored(s.inc)
	if _, err := e.s.Get(e.ctx, tenantA, incident.KindIncident, fresh.ID); !errors.Is(err, store.ErrNotFound) {
		e.errorf("the refused Commit created its record (Get: %v)", err)
	}
	if st := e.stats(tenantA, outboxNow); st.Pending != 2 || st.Leased != 1 || st.Dead != 1 {
		e.errorf("the refused calls changed the outbox: %+v, want Pending 2, Leased 1, Dead 1", st)
	}
	if fresh.Version != 0 {
		e.errorf("the refused Commit set Version %d on its created record", fresh.Version)
	}
}

func contextCancelled(e *env) {
	s := e.surface()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	fresh := e.fx.incident(tenantA)
	for _, c := range e.calls(ctx, tenantA, s, fresh) {
		e.is(c.name+" with a cancelled context", c.call(), context.Canceled)
	}
	e.wantUntouched(s, fresh)
}

func contextDeadline(e *env) {
	inc := e.fx.incident(tenantA)
	e.create(tenantA, inc)
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	fresh := e.fx.incident(tenantA)
	e.is("Commit past the deadline", e.s.Commit(ctx, tenantA, &store.Write{Create: []incident.Record{fresh}}), context.DeadlineExceeded)
	_, err := e.s.Get(ctx, tenantA, incident.KindIncident, inc.ID)
	e.is("Get past the deadline", err, context.DeadlineExceeded)
	if _, err := e.s.Get(e.ctx, tenantA, incident.KindIncident, fresh.ID); !errors.Is(err, store.ErrNotFound) {
		e.errorf("the Commit past its deadline stored its record (Get: %v)", err)
	}
}

func badEmptyTenant(e *env) {
	s := e.surface()
	fresh := e.fx.incident(tenantA)
	for _, c := range e.calls(e.ctx, "", s, fresh) {
		e.is(c.name+" with an empty tenant", c.call(), store.ErrInvalid)
	}
	e.wantUntouched(s, fresh)
}

func badNilRecord(e *env) {
	ok := e.fx.incident(tenantA)
	e.is("Commit with a nil created record", e.s.Commit(e.ctx, tenantA, &store.Write{Create: []incident.Record{ok, nil}}), store.ErrInvalid)
	e.is("Commit with a nil updated record", e.s.Commit(e.ctx, tenantA, &store.Write{Create: []incident.Record{ok}, Update: []incident.Record{nil}}), store.ErrInvalid)
	if _, err := e.s.Get(e.ctx, tenantA, incident.KindIncident, ok.ID); !errors.Is(err, store.ErrNotFound) {
		e.errorf("the valid record of a Write refused for a nil record was stored (Get: %v)", err)
	}
	if ok.Version != 0 {
		e.errorf("a refused Commit set Version %d on a record of the Write", ok.Version)
	}
}

// commitNoPanic calls Commit, turning a panic of the store into an error
// that satisfies none of the sentinels, so the case reports which Write
// made it panic and goes on.
func (e *env) commitNoPanic(tenant string, w *store.Write) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("panic in Commit: %v", p)
		}
	}()
	return e.s.Commit(e.ctx, tenant, w)
}

func badTypedNilRecord(e *env) {
	ok := e.fx.incident(tenantA)
	entry := e.fx.entry(ok.ID, 1)
	for _, nilRec := range []incident.Record{(*incident.Event)(nil), (*incident.Incident)(nil), (*incident.Vulnerability)(nil)} {
		for _, tc := range []struct {
			what string
			w    *store.Write
		}{
			{"created", &store.Write{Create: []incident.Record{ok, nilRec}, Outbox: []store.OutboxEntry{entry}}},
			{"updated", &store.Write{Create: []incident.Record{ok}, Update: []incident.Record{nilRec}, Outbox: []store.OutboxEntry{entry}}},
		} {
			e.is(fmt.Sprintf("Commit with a %s %T(nil)", tc.what, nilRec), e.commitNoPanic(tenantA, tc.w), store.ErrInvalid)
		}
	}
	if _, err := e.s.Get(e.ctx, tenantA, incident.KindIncident, ok.ID); !errors.Is(err, store.ErrNotFound) {
		e.errorf("the valid record of a Write refused for a typed nil record was stored (Get: %v)", err)
	}
	if ok.Version != 0 {
		e.errorf("a refused Commit set Version %d on a record of the Write", ok.Version)
	}
	if got := e.claim(tenantA, outboxNow, 10, time.Minute); len(got) != 0 {
		e.errorf("a Write refused for a typed nil record stored its outbox entry")
	}
}

func badOrgMismatch(e *env) {
	existing := e.fx.incident(tenantA)
	e.create(tenantA, existing)
	foreign := func(r incident.Record) incident.Record { r.Head().Org = tenantB; return r }
	noOrg := func(r incident.Record) incident.Record { r.Head().Org = ""; return r }
	for _, tc := range []struct {
		what   string
		tenant string
		rec    incident.Record
		update bool
	}{
		{"creating an incident of another organisation", tenantA, foreign(e.fx.incident(tenantA)), false},
		{"creating an event of another organisation", tenantA, foreign(e.fx.event(tenantA)), false},
		{"creating a vulnerability of another organisation", tenantA, foreign(e.fx.vulnerability(tenantA)), false},
		{"creating an incident of no organisation", tenantA, noOrg(e.fx.incident(tenantA)), false},
		{"creating tenant A's incident in tenant B", tenantB, e.fx.incident(tenantA), false},
		{"updating an incident with its organisation changed", tenantA, foreign(e.getIncident(existing.ID)), true},
	} {
		valid := e.fx.incident(tc.tenant)
		w := &store.Write{Create: []incident.Record{valid}, Outbox: []store.OutboxEntry{e.fx.entry(valid.ID, 1)}}
		if tc.update {
			w.Update = []incident.Record{tc.rec}
		} else {
			w.Create = append(w.Create, tc.rec)
		}
		version := tc.rec.Head().Version
		e.is("Commit "+tc.what, e.s.Commit(e.ctx, tc.tenant, w), store.ErrInvalid)
		if tc.rec.Head().Version != version || valid.Version != 0 {
			e.errorf("Commit %s: the refused Commit set versions in the Write", tc.what)
		}
		for _, r := range []incident.Record{valid, tc.rec} {
			if tc.update && r == tc.rec {
				continue
			}
			for _, tenant := range []string{tenantA, tenantB} {
				if _, err := e.s.Get(e.ctx, tenant, r.Kind(), r.Head().ID); !errors.Is(err, store.ErrNotFound) {
					e.errorf("Commit %s was refused, but %s %s was stored in %s (Get: %v)", tc.what, r.Kind(), r.Head().ID, tenant, err)
				}
			}
		}
		if got := e.claim(tc.tenant, outboxNow, 10, time.Minute); len(got) != 0 {
			e.errorf("Commit %s was refused, but its outbox entry was stored", tc.what)
		}
	}
	e.wantStored(existing)
}

func badNilWrite(e *env) {
	e.is("Commit(nil)", e.s.Commit(e.ctx, tenantA, nil), store.ErrInvalid)
	e.is("Commit(&Write{})", e.s.Commit(e.ctx, tenantA, &store.Write{}), store.ErrInvalid)
}

func badWriteCheck(e *env) {
	existing := e.fx.incident(tenantA)
	e.create(tenantA, existing)
	for _, tc := range []struct {
		what   string
		modify func(w *store.Write, rec *incident.Incident)
	}{
		{"a created record with Version 3", func(_ *store.Write, rec *incident.Incident) { rec.Version = 3 }},
		{"an updated record with Version 0", func(w *store.Write, _ *incident.Incident) {
			up := existing.Clone()
			up.Version = 0
			w.Update = append(w.Update, up)
		}},
		{"a record without an ID", func(w *store.Write, _ *incident.Incident) {
			r := e.fx.incident(tenantA)
			r.ID = uuid.Nil
			w.Create = append(w.Create, r)
		}},
		{"one record created twice", func(w *store.Write, rec *incident.Incident) { w.Create = append(w.Create, rec.Clone()) }},
		{"an audit record with Seq 0", func(w *store.Write, rec *incident.Incident) { w.Audit = append(w.Audit, e.fx.audit(rec.ID, 0)) }},
		{"audit records out of order", func(w *store.Write, rec *incident.Incident) {
			w.Audit = append(w.Audit, e.fx.audit(rec.ID, 1), e.fx.audit(rec.ID, 3))
		}},
		{"an outbox entry without a type", func(w *store.Write, rec *incident.Incident) {
			en := e.fx.entry(rec.ID, 1)
			en.Type = ""
			w.Outbox = append(w.Outbox, en)
		}},
		{"an outbox entry without an idempotency key", func(w *store.Write, rec *incident.Incident) {
			en := e.fx.entry(rec.ID, 1)
			en.IdempotencyKey = ""
			w.Outbox = append(w.Outbox, en)
		}},
		{"an outbox entry listed twice", func(w *store.Write, rec *incident.Incident) {
			en := e.fx.entry(rec.ID, 1)
			w.Outbox = append(w.Outbox, en, en)
		}},
		{"an outbox payload that is not JSON", func(w *store.Write, rec *incident.Incident) {
			en := e.fx.entry(rec.ID, 1)
			en.Payload = []byte("{not json")
			w.Outbox = append(w.Outbox, en)
		}},
		{"a timer without a key", func(w *store.Write, rec *incident.Incident) {
			t := e.fx.timer(rec.ID, "acknowledge", base)
			t.Key = ""
			w.Timers = append(w.Timers, t)
		}},
		{"a timer without a due time", func(w *store.Write, rec *incident.Incident) {
			t := e.fx.timer(rec.ID, "acknowledge", time.Time{})
			w.Timers = append(w.Timers, t)
		}},
		{"a document with a body that is not JSON", func(w *store.Write, _ *incident.Incident) {
			d := e.fx.document(docCollection, nil)
			d.Body = []byte("not json")
			w.Documents = append(w.Documents, d)
		}},
		{"a document without a collection", func(w *store.Write, _ *incident.Incident) {
			d := e.fx.document("", nil)
			w.Documents = append(w.Documents, d)
		}},
	} {
		rec := e.fx.incident(tenantA)
		entry := e.fx.entry(rec.ID, 1)
		w := &store.Write{Create: []incident.Record{rec}, Outbox: []store.OutboxEntry{entry}}
		tc.modify(w, rec)
		e.is("Commit of a Write with "+tc.what, e.s.Commit(e.ctx, tenantA, w), store.ErrInvalid)
		if _, err := e.s.Get(e.ctx, tenantA, incident.KindIncident, rec.ID); !errors.Is(err, store.ErrNotFound) {
			e.errorf("a Write with %s was refused but its record was stored (Get: %v)", tc.what, err)
		}
	}
	if got := e.claim(tenantA, outboxNow, 100, time.Minute); len(got) != 0 {
		e.errorf("refused Writes stored %d outbox entries", len(got))
	}
	e.wantStored(existing)
}

func badBatchSize(e *env) {
	e.surface()
	for _, n := range []int{0, -1} {
		_, err := e.s.Claim(e.ctx, tenantA, outboxNow, n, time.Minute)
		e.is("Claim with n ≤ 0", err, store.ErrInvalid)
		_, err = e.s.DueTimers(e.ctx, tenantA, outboxNow, n)
		e.is("DueTimers with n ≤ 0", err, store.ErrInvalid)
	}
	for _, l := range []time.Duration{0, -time.Second} {
		_, err := e.s.Claim(e.ctx, tenantA, outboxNow, 10, l)
		e.is("Claim with lease ≤ 0", err, store.ErrInvalid)
	}
	if st := e.stats(tenantA, outboxNow); st.Leased != 1 {
		e.errorf("refused Claims leased entries: %+v, want Leased 1 (the surface's own)", st)
	}
}

func badQuery(e *env) {
	e.create(tenantA, e.fx.incident(tenantA))
	for _, tc := range []struct {
		what string
		q    store.Query
	}{
		{"no kind", store.Query{}},
		{"an unknown kind", store.Query{Kind: "case"}},
		{"a negative limit", store.Query{Kind: incident.KindIncident, Limit: -1}},
		{"an inverted created range", store.Query{Kind: incident.KindIncident, CreatedFrom: base.Add(time.Hour), CreatedUntil: base}},
	} {
		n, err := seqErr(e.s.List(e.ctx, tenantA, tc.q))
		e.is("List of a query with "+tc.what, err, store.ErrInvalid)
		if n != 0 {
			e.errorf("List of a query with %s yielded %d records before its error, want none", tc.what, n)
		}
		_, err = e.s.Count(e.ctx, tenantA, tc.q)
		e.is("Count of a query with "+tc.what, err, store.ErrInvalid)
	}
	errs := 0
	for _, err := range e.s.List(e.ctx, tenantA, store.Query{}) {
		if err != nil {
			errs++
		}
	}
	if errs != 1 {
		e.errorf("List of an invalid query yielded %d errors, want exactly one", errs)
	}
}

func badGetKind(e *env) {
	inc := e.fx.incident(tenantA)
	e.create(tenantA, inc)
	_, err := e.s.Get(e.ctx, tenantA, "case", inc.ID)
	if !errors.Is(err, store.ErrInvalid) && !errors.Is(err, store.ErrNotFound) {
		e.errorf("Get of kind %q: got %v, want ErrInvalid or ErrNotFound", "case", err)
	}
}
