package storetest

import (
	"slices"
	"time"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

func commitCases() []testCase {
	return []testCase{
		{"Commit/Create_AllKinds", "Commit stores a created event, incident and vulnerability with Version 1, sets Version 1 on the records in the Write, and Get returns them unchanged otherwise", commitCreateAllKinds},
		{"Commit/CreateDuplicate_ErrExists", "creating an ID that exists fails with ErrExists, stores nothing of that Write and leaves the Write unchanged, so a retried create is safe", commitCreateDuplicate},
		{"Commit/Update_IncrementsVersion", "an update carrying the stored Version is stored with Version+1, which Commit sets on the record in the Write", commitUpdate},
		{"Commit/UpdateMissing_ErrNotFound", "updating a record that does not exist fails with ErrNotFound and stores nothing", commitUpdateMissing},
		{"Commit/StaleUpdate_ErrConflict", "an update whose Version is not the stored one (older or newer) fails with ErrConflict and changes neither the store nor the Write", commitStaleUpdate},
		{"Commit/Atomic_ConflictStoresNothing", "a Write failing with ErrConflict stores none of its creates, updates, audit records, outbox entries, timers or documents, and sets no version in the Write", commitAtomicConflict},
		{"Commit/Atomic_OutboxWithState", "an update committed with an audit record and an outbox entry stores all three: the new state, the audit record and the entry, claimable with its Seq, Type and IdempotencyKey", commitAtomicOutbox},
		{"Commit/StoresACopy", "Commit keeps its own copy: changing a record, an audit record, an outbox entry, a timer or a document of the Write after committing it does not change the store", commitStoresCopy},
		{"Commit/SetsOnlyVersions", "Commit changes nothing in the Write but the versions of its records, timers and documents, and stores every other field as written: UpdatedAt is the caller's to set, on create and on update", commitSetsOnlyVersions},
		{"Commit/MultiRecordWrite", "one Write may create and update several records of different kinds at once; all get their versions", commitMulti},
	}
}

func commitCreateAllKinds(e *env) {
	ev := e.fx.event(tenantA)
	inc := e.fx.incident(tenantA)
	vu := e.fx.vulnerability(tenantA)
	e.commit(tenantA, &store.Write{Create: []incident.Record{ev, inc, vu}})
	for _, r := range []incident.Record{ev, inc, vu} {
		if v := r.Head().Version; v != 1 {
			e.errorf("after Commit, the created %s in the Write has Version %d, want 1", r.Kind(), v)
		}
		got := e.get(r.Kind(), r.Head().ID)
		if v := got.Head().Version; v != 1 {
			e.errorf("Get %s: stored Version %d, want 1", r.Kind(), v)
		}
		if got.Kind() != r.Kind() {
			e.errorf("Get %s returned a %s", r.Kind(), got.Kind())
		}
		e.wantStored(r)
	}
}

func commitCreateDuplicate(e *env) {
	inc := e.fx.incident(tenantA)
	e.create(tenantA, inc)

	dup := e.fx.incidentWithID(tenantA, inc.ID)
	dup.Title = "the duplicate"
	other := e.fx.incident(tenantA)
	tm := e.fx.timer(other.ID, "acknowledge", base.Add(time.Hour))
	doc := e.fx.document(docCollection, nil)
	w := &store.Write{
		Create:    []incident.Record{other, dup},
		Audit:     []store.AuditRecord{e.fx.audit(other.ID, 1)},
		Outbox:    []store.OutboxEntry{e.fx.entry(other.ID, 1)},
		Timers:    []store.Timer{tm},
		Documents: []store.Document{doc},
	}
	e.is("Commit creating an existing ID", e.s.Commit(e.ctx, tenantA, w), store.ErrExists)

	if dup.Version != 0 || other.Version != 0 || w.Timers[0].Version != 0 || w.Documents[0].Version != 0 {
		e.errorf("a failed Commit set versions in the Write (records %d, %d; timer %d; document %d), want all 0",
			dup.Version, other.Version, w.Timers[0].Version, w.Documents[0].Version)
	}
	e.wantStored(inc)
	e.wantNothingOf(tenantA, w)

	// The same create retried after the first succeeded keeps failing the
	// same way.
	again := e.fx.incidentWithID(tenantA, inc.ID)
	e.is("Commit creating the same ID a second time", e.s.Commit(e.ctx, tenantA, &store.Write{Create: []incident.Record{again}}), store.ErrExists)
	if again.Version != 0 {
		e.errorf("a failed create set Version %d on the record in the Write, want 0", again.Version)
	}
}

// wantNothingOf checks that nothing w would have created is in the store:
// its created records, its audit records, outbox entries, created timers
// and created documents.
func (e *env) wantNothingOf(tenant string, w *store.Write) {
	e.r.Helper()
	for _, r := range w.Create {
		got, err := e.s.Get(e.ctx, tenant, r.Kind(), r.Head().ID)
		if err != nil {
			e.is("Get of a record a failed Write created", err, store.ErrNotFound)
			continue
		}
		// An ID that existed before (the duplicate itself) is there with
		// its old content; the failed Write's content is a leak.
		if got.Handle().Title == r.Handle().Title {
			e.errorf("the failed Write's created %s %s was stored", r.Kind(), r.Head().ID)
		}
	}
	seen := map[string]bool{}
	for _, a := range w.Audit {
		if seen[a.RecordID.String()] {
			continue
		}
		seen[a.RecordID.String()] = true
		for _, got := range e.trail(tenant, a.RecordID, 0) {
			for _, mine := range w.Audit {
				if got.RecordID == mine.RecordID && got.Seq == mine.Seq && got.Action == mine.Action && got.At.Equal(mine.At) {
					e.errorf("the failed Write's audit record %s #%d was stored", mine.RecordID, mine.Seq)
				}
			}
		}
	}
	if len(w.Outbox) > 0 {
		for _, got := range e.claim(tenant, outboxNow, 1000, time.Minute) {
			for _, mine := range w.Outbox {
				if got.ID == mine.ID {
					e.errorf("the failed Write's outbox entry %s was stored (Claim returned it)", mine.ID)
				}
			}
		}
	}
	for _, t := range w.Timers {
		if t.Version != 0 {
			continue
		}
		if _, err := e.s.GetTimer(e.ctx, tenant, t.Key); err == nil {
			e.errorf("the failed Write's timer %q was stored", t.Key)
		}
	}
	for _, d := range w.Documents {
		if d.Version != 0 {
			continue
		}
		if _, err := e.s.GetDocument(e.ctx, tenant, d.Collection, d.ID); err == nil {
			e.errorf("the failed Write's document %s/%s was stored", d.Collection, d.ID)
		}
	}
}

func commitUpdate(e *env) {
	inc := e.fx.incident(tenantA)
	e.create(tenantA, inc)

	up := e.getIncident(inc.ID)
	up.Title = "Updated title"
	up.Labels = []string{"updated"}
	up.UpdatedAt = up.UpdatedAt.Add(time.Minute)
	e.commit(tenantA, &store.Write{Update: []incident.Record{up}})
	if up.Version != 2 {
		e.errorf("after the first update, the record in the Write has Version %d, want 2", up.Version)
	}
	e.wantStored(up)

	up.Severity = incident.SeverityHigh
	e.commit(tenantA, &store.Write{Update: []incident.Record{up}})
	if up.Version != 3 {
		e.errorf("after the second update (reusing the record Commit updated), Version %d, want 3", up.Version)
	}
	e.wantStored(up)
}

func commitUpdateMissing(e *env) {
	inc := e.fx.incident(tenantA)
	inc.Version = 1
	err := e.s.Commit(e.ctx, tenantA, &store.Write{Update: []incident.Record{inc}, Outbox: []store.OutboxEntry{e.fx.entry(inc.ID, 1)}})
	e.is("Commit updating a record that does not exist", err, store.ErrNotFound)
	if inc.Version != 1 {
		e.errorf("a failed update changed the Version in the Write to %d, want 1", inc.Version)
	}
	_, err = e.s.Get(e.ctx, tenantA, incident.KindIncident, inc.ID)
	e.is("Get after a failed update of a missing record", err, store.ErrNotFound)
	if es := e.claim(tenantA, outboxNow, 10, time.Minute); len(es) != 0 {
		e.errorf("a failed update stored its outbox entry: Claim returned %v", entryIDs(es))
	}
}

func commitStaleUpdate(e *env) {
	inc := e.fx.incident(tenantA)
	e.create(tenantA, inc)

	a := e.getIncident(inc.ID)
	b := e.getIncident(inc.ID)
	a.Title = "Writer A"
	e.commit(tenantA, &store.Write{Update: []incident.Record{a}})

	b.Title = "Writer B"
	err := e.s.Commit(e.ctx, tenantA, &store.Write{Update: []incident.Record{b}})
	e.is("Commit of an update read at Version 1 after another writer stored Version 2", err, store.ErrConflict)
	if b.Version != 1 {
		e.errorf("the stale update's Version in the Write became %d, want 1 (unchanged)", b.Version)
	}
	e.wantStored(a)

	future := e.getIncident(inc.ID)
	future.Version += 5
	future.Title = "From the future"
	err = e.s.Commit(e.ctx, tenantA, &store.Write{Update: []incident.Record{future}})
	e.is("Commit of an update carrying a Version newer than the stored one", err, store.ErrConflict)
	e.wantStored(a)
}

func commitAtomicConflict(e *env) {
	stale := e.fx.incident(tenantA)
	e.create(tenantA, stale)
	fresh := e.getIncident(stale.ID)
	fresh.Title = "Stored second version"
	e.commit(tenantA, &store.Write{Update: []incident.Record{fresh}})

	// stale still has Version 1: the whole Write must fail.
	stale.Title = "Stale change"
	created := e.fx.incident(tenantA)
	ev := e.fx.event(tenantA)
	w := &store.Write{
		Create:    []incident.Record{created, ev},
		Update:    []incident.Record{stale},
		Audit:     []store.AuditRecord{e.fx.audit(created.ID, 1), e.fx.audit(stale.ID, 1)},
		Outbox:    []store.OutboxEntry{e.fx.entry(created.ID, 1), e.fx.entry(stale.ID, 1)},
		Timers:    []store.Timer{e.fx.timer(created.ID, "acknowledge", base.Add(time.Hour))},
		Documents: []store.Document{e.fx.document(docCollection, map[string]string{"record": created.ID.String()})},
	}
	e.is("Commit of a Write holding one stale update", e.s.Commit(e.ctx, tenantA, w), store.ErrConflict)

	if created.Version != 0 || ev.Version != 0 || stale.Version != 1 || w.Timers[0].Version != 0 || w.Documents[0].Version != 0 {
		e.errorf("a failed Commit changed versions in the Write: created %d (want 0), event %d (want 0), stale %d (want 1), timer %d (want 0), document %d (want 0)",
			created.Version, ev.Version, stale.Version, w.Timers[0].Version, w.Documents[0].Version)
	}
	e.wantStored(fresh)
	e.wantNothingOf(tenantA, w)
	if as := e.trail(tenantA, stale.ID, 0); len(as) != 0 {
		e.errorf("the failed Write's audit record of the stale record was stored: trail has %d records", len(as))
	}
}

func commitAtomicOutbox(e *env) {
	inc := e.fx.incident(tenantA)
	e.commit(tenantA, &store.Write{Create: []incident.Record{inc}, Audit: []store.AuditRecord{e.fx.audit(inc.ID, 1)}})

	up := e.getIncident(inc.ID)
	up.State = incident.StateAnalysis
	audit := e.fx.audit(inc.ID, 2)
	entry := e.fx.entry(inc.ID, 2)
	entry.Type = "incident.state_changed"
	e.commit(tenantA, &store.Write{Update: []incident.Record{up}, Audit: []store.AuditRecord{audit}, Outbox: []store.OutboxEntry{entry}})

	e.wantStored(up)

	trail := e.trail(tenantA, inc.ID, 0)
	if len(trail) != 2 || trail[1].Seq != 2 || trail[1].Action != audit.Action {
		e.errorf("audit trail after the update: got %d records %v, want Seq 1 and the update's record Seq 2", len(trail), auditSeqs(trail))
	}

	got := e.claim(tenantA, outboxNow, 10, time.Minute)
	if len(got) != 1 {
		e.fatalf("Claim after an update with one outbox entry: got %d entries %v, want exactly that entry %s", len(got), entryIDs(got), entry.ID)
	}
	g := got[0]
	if g.ID != entry.ID || g.Seq != 2 || g.Type != entry.Type || g.IdempotencyKey != entry.IdempotencyKey || g.RecordID != inc.ID {
		e.errorf("claimed entry: got ID %s Seq %d Type %q Key %q Record %s, want ID %s Seq 2 Type %q Key %q Record %s",
			g.ID, g.Seq, g.Type, g.IdempotencyKey, g.RecordID, entry.ID, entry.Type, entry.IdempotencyKey, inc.ID)
	}
	if !sameJSON(g.Payload, entry.Payload) {
		e.errorf("claimed entry's Payload: got %s, want %s", g.Payload, entry.Payload)
	}
	if !g.CreatedAt.Equal(entry.CreatedAt) {
		e.errorf("claimed entry's CreatedAt: got %s, want %s", g.CreatedAt, entry.CreatedAt)
	}
}

func auditSeqs(as []store.AuditRecord) []uint64 {
	out := make([]uint64, len(as))
	for i, a := range as {
		out[i] = a.Seq
	}
	return out
}

func commitStoresCopy(e *env) {
	inc := e.fx.incident(tenantA)
	inc.Labels = []string{"original"}
	e.create(tenantA, inc)
	want := inc.Clone()

	inc.Title = "changed after Commit"
	inc.Labels[0] = "mutated"
	inc.EventIDs[0] = idIn(bandLow, 1)
	e.wantStored(want)

	up := e.getIncident(inc.ID)
	up.Labels = append(up.Labels, "second")
	e.commit(tenantA, &store.Write{Update: []incident.Record{up}})
	stored := up.Clone()
	up.Labels[1] = "mutated"
	up.Description = "changed after the update"
	e.wantStored(stored)

	// The rest of a Write: byte slices and maps changed in place after
	// Commit, as a caller reusing its buffers would.
	audit := e.fx.audit(inc.ID, 1)
	entry := e.fx.entry(inc.ID, 1)
	tm := e.fx.timer(inc.ID, "acknowledge", base.Add(time.Hour))
	doc := e.fx.document(docCollection, map[string]string{"status": "open"})
	w := &store.Write{Audit: []store.AuditRecord{audit}, Outbox: []store.OutboxEntry{entry}, Timers: []store.Timer{tm}, Documents: []store.Document{doc}}
	wantAudit, wantPayload := audit, slices.Clone(entry.Payload)
	wantAudit.Data, wantAudit.Hash, wantAudit.PrevHash = slices.Clone(audit.Data), slices.Clone(audit.Hash), slices.Clone(audit.PrevHash)
	wantTimer, wantDoc := slices.Clone(tm.Payload), slices.Clone(doc.Body)
	e.commit(tenantA, w)
	for _, b := range [][]byte{audit.Data, audit.Hash, audit.PrevHash, entry.Payload, tm.Payload, doc.Body} {
		if len(b) > 0 {
			b[0] = 'X'
		}
	}
	w.Audit[0].Action = "changed after Commit"
	doc.Index["status"] = "changed after Commit"
	if got := e.trail(tenantA, inc.ID, 0); len(got) != 1 || auditDiff(got[0], wantAudit) != "" {
		e.errorf("changing the audit record after Commit changed the store: %v", got)
	}
	if got := e.claim(tenantA, outboxNow, 10, time.Minute); len(got) != 1 || !sameJSON(got[0].Payload, wantPayload) {
		e.errorf("changing the outbox entry's Payload after Commit changed the store: claimed %v", got)
	}
	if got := e.timer(tenantA, tm.Key); !sameJSON(got.Payload, wantTimer) {
		e.errorf("changing the timer's Payload after Commit changed the store: %s, want %s", got.Payload, wantTimer)
	}
	if got := e.document(doc.Collection, doc.ID); !sameJSON(got.Body, wantDoc) || got.Index["status"] != "open" {
		e.errorf("changing the document's Body or Index after Commit changed the store: Body %s, Index %v", got.Body, got.Index)
	}
}

func commitSetsOnlyVersions(e *env) {
	inc := e.fx.incident(tenantA)
	// An UpdatedAt no clock of the store's would give.
	inc.UpdatedAt = inc.CreatedAt.Add(90 * time.Minute)
	audit := e.fx.audit(inc.ID, 1)
	entry := e.fx.entry(inc.ID, 1)
	tm := e.fx.timer(inc.ID, "acknowledge", base.Add(time.Hour))
	doc := e.fx.document(docCollection, map[string]string{"status": "open"})
	w := &store.Write{Create: []incident.Record{inc}, Audit: []store.AuditRecord{audit}, Outbox: []store.OutboxEntry{entry},
		Timers: []store.Timer{tm}, Documents: []store.Document{doc}}
	want := inc.Clone()
	want.Version = 1
	e.commit(tenantA, w)
	if d := recordDiff(inc, want); d != "" {
		e.errorf("Commit of a create changed more than the Version of the record in the Write: %s", d)
	}
	e.wantStored(want)
	if d := auditDiff(w.Audit[0], audit); d != "" {
		e.errorf("Commit changed the audit record in the Write: %s", d)
	}
	if g := w.Outbox[0]; g.ID != entry.ID || g.Attempts != 0 || g.Lease != "" || !g.LeaseUntil.IsZero() || !g.NextAttemptAt.IsZero() ||
		!g.DeadAt.IsZero() || g.LastError != "" || !g.CreatedAt.Equal(entry.CreatedAt) || !sameJSON(g.Payload, entry.Payload) {
		e.errorf("Commit changed the outbox entry in the Write: %+v, want %+v", g, entry)
	}
	if g := w.Timers[0]; g.Version != 1 || g.Key != tm.Key || !g.DueAt.Equal(tm.DueAt) || !g.FiredAt.IsZero() || g.Kind != tm.Kind {
		e.errorf("Commit changed the timer in the Write beyond its Version: %+v, want %+v with Version 1", g, tm)
	}
	if g := w.Documents[0]; g.Version != 1 || docDiff(g, doc) != "" {
		e.errorf("Commit changed the document in the Write beyond its Version: %s (Version %d)", docDiff(g, doc), g.Version)
	}
	if got := e.document(doc.Collection, doc.ID); !got.UpdatedAt.Equal(doc.UpdatedAt) {
		e.errorf("stored document: UpdatedAt %s, want the written %s", got.UpdatedAt, doc.UpdatedAt)
	}

	// An update that leaves UpdatedAt alone keeps it: the store does not
	// stamp it.
	up := e.getIncident(inc.ID)
	up.Title = "changed, UpdatedAt not"
	want = up.Clone()
	want.Version = 2
	e.commit(tenantA, &store.Write{Update: []incident.Record{up}})
	if d := recordDiff(up, want); d != "" {
		e.errorf("Commit of an update changed more than the Version of the record in the Write: %s", d)
	}
	e.wantStored(want)
}

func commitMulti(e *env) {
	a, b := e.fx.incident(tenantA), e.fx.event(tenantA)
	e.create(tenantA, a, b)
	ua := e.getIncident(a.ID)
	ub := e.get(incident.KindEvent, b.ID)
	ua.Title = "multi a"
	ub.Handle().Title = "multi b"
	c, d := e.fx.vulnerability(tenantA), e.fx.incident(tenantA)
	e.commit(tenantA, &store.Write{Create: []incident.Record{c, d}, Update: []incident.Record{ua, ub},
		Audit: []store.AuditRecord{e.fx.audit(a.ID, 1), e.fx.audit(c.ID, 1), e.fx.audit(c.ID, 2)}})
	for _, r := range []incident.Record{ua, ub, c, d} {
		want := int64(1)
		if r == ua || r == ub {
			want = 2
		}
		if r.Head().Version != want {
			e.errorf("%s %s in the Write has Version %d after Commit, want %d", r.Kind(), r.Head().ID, r.Head().Version, want)
		}
		e.wantStored(r)
	}
	if got := auditSeqs(e.trail(tenantA, c.ID, 0)); len(got) != 2 {
		e.errorf("audit trail of the created vulnerability: got Seqs %v, want [1 2]", got)
	}
}
