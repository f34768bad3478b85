package storetest

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

func auditCases() []testCase {
	return []testCase{
		{"Audit/Order", "AuditTrail yields a record's audit records in Seq order, after the given Seq, each field kept verbatim; a record without audit records yields nothing", auditOrder},
		{"Audit/NoLockWhileYielding", "AuditTrail holds no lock while it yields: the loop body may call Get and Commit, even appending to the trail being read", auditNoLock},
		{"Audit/RangeTwice", "the sequence AuditTrail returns can be ranged again, and by two goroutines at once, each time yielding the whole trail after the given Seq", auditRangeTwice},
		{"Audit/SeqGap_ErrConflict", "an audit record whose Seq is not the next of its record (a gap, a repeat, a first Seq other than 1) fails the Commit with ErrConflict and stores nothing", auditSeqGap},
	}
}

func auditOrder(e *env) {
	x, y, quiet := e.fx.incident(tenantA), e.fx.event(tenantA), e.fx.incident(tenantA)
	x1, y1 := e.fx.audit(x.ID, 1), e.fx.audit(y.ID, 1)
	e.commit(tenantA, &store.Write{Create: []incident.Record{x, y, quiet}, Audit: []store.AuditRecord{x1, y1}})

	ux := e.getIncident(x.ID)
	ux.Title = "second step"
	x2, y2, x3 := e.fx.audit(x.ID, 2), e.fx.audit(y.ID, 2), e.fx.audit(x.ID, 3)
	x3.Data, x3.PrevHash, x3.Hash = nil, nil, nil
	e.commit(tenantA, &store.Write{Update: []incident.Record{ux}, Audit: []store.AuditRecord{x2, y2, x3}})

	want := []store.AuditRecord{x1, x2, x3}
	for _, after := range []uint64{0, 1, 2, 3, 10} {
		got := e.trail(tenantA, x.ID, after)
		var exp []store.AuditRecord
		if after < 3 {
			exp = want[after:]
		}
		if len(got) != len(exp) {
			e.errorf("AuditTrail after %d: got Seqs %v, want %v", after, auditSeqs(got), auditSeqs(exp))
			continue
		}
		for i := range got {
			if d := auditDiff(got[i], exp[i]); d != "" {
				e.errorf("AuditTrail after %d, element %d: %s", after, i, d)
			}
		}
	}
	if got := e.trail(tenantA, y.ID, 0); len(got) != 2 || got[0].Seq != 1 || got[1].Seq != 2 {
		e.errorf("AuditTrail of the second record: got Seqs %v, want [1 2]", auditSeqs(got))
	}
	if got := e.trail(tenantA, quiet.ID, 0); len(got) != 0 {
		e.errorf("AuditTrail of a record without audit records: got %v, want nothing", auditSeqs(got))
	}
	if got := e.trail(tenantA, e.fx.id(), 0); len(got) != 0 {
		e.errorf("AuditTrail of an unknown record: got %v, want nothing", auditSeqs(got))
	}
}

// auditDiff describes how got differs from want; "" when it does not.
func auditDiff(got, want store.AuditRecord) string {
	switch {
	case got.RecordID != want.RecordID || got.Seq != want.Seq:
		return fmt.Sprintf("got record %s Seq %d, want %s Seq %d", got.RecordID, got.Seq, want.RecordID, want.Seq)
	case !got.At.Equal(want.At):
		return fmt.Sprintf("Seq %d: At %s, want %s", want.Seq, got.At, want.At)
	case got.Actor != want.Actor || got.Action != want.Action:
		return fmt.Sprintf("Seq %d: Actor %q Action %q, want %q %q", want.Seq, got.Actor, got.Action, want.Actor, want.Action)
	case !sameJSON(got.Data, want.Data):
		return fmt.Sprintf("Seq %d: Data %s, want %s", want.Seq, got.Data, want.Data)
	case !bytes.Equal(got.PrevHash, want.PrevHash) || !bytes.Equal(got.Hash, want.Hash):
		return fmt.Sprintf("Seq %d: PrevHash %x Hash %x, want %x %x", want.Seq, got.PrevHash, got.Hash, want.PrevHash, want.Hash)
	}
	return ""
}

func auditSeqGap(e *env) {
	inc := e.fx.incident(tenantA)
	e.commit(tenantA, &store.Write{Create: []incident.Record{inc}, Audit: []store.AuditRecord{e.fx.audit(inc.ID, 1)}})

	try := func(what string, seq uint64) {
		e.r.Helper()
		up := e.getIncident(inc.ID)
		up.Title = "must not be stored: " + what
		entry := e.fx.entry(inc.ID, seq)
		err := e.s.Commit(e.ctx, tenantA, &store.Write{Update: []incident.Record{up}, Audit: []store.AuditRecord{e.fx.audit(inc.ID, seq)}, Outbox: []store.OutboxEntry{entry}})
		e.is(what, err, store.ErrConflict)
		if up.Version != 1 {
			e.errorf("%s: the failed Commit set Version %d in the Write, want 1", what, up.Version)
		}
		if got := e.getIncident(inc.ID); got.Version != 1 || got.Title == up.Title {
			e.errorf("%s: the record was updated (Version %d, Title %q) although the Write failed", what, got.Version, got.Title)
		}
		for _, en := range e.claim(tenantA, outboxNow, 100, 1) {
			if en.ID == entry.ID {
				e.errorf("%s: the failed Write's outbox entry was stored", what)
			}
		}
	}
	try("audit Seq 3 after stored Seq 1 (a gap)", 3)
	try("audit Seq 1 again (a repeat)", 1)
	if got := e.trail(tenantA, inc.ID, 0); len(got) != 1 {
		e.errorf("after two failed Writes, the trail has Seqs %v, want [1]", auditSeqs(got))
	}

	fresh := e.fx.incident(tenantA)
	err := e.s.Commit(e.ctx, tenantA, &store.Write{Create: []incident.Record{fresh}, Audit: []store.AuditRecord{e.fx.audit(fresh.ID, 2)}})
	e.is("a new record's first audit record with Seq 2", err, store.ErrConflict)
	if _, err := e.s.Get(e.ctx, tenantA, incident.KindIncident, fresh.ID); !errors.Is(err, store.ErrNotFound) {
		e.errorf("the record created with a bad first audit Seq was stored (Get: %v)", err)
	}

	// The right next Seq still works.
	up := e.getIncident(inc.ID)
	up.Title = "second step"
	e.commit(tenantA, &store.Write{Update: []incident.Record{up}, Audit: []store.AuditRecord{e.fx.audit(inc.ID, 2)}})
	if got := e.trail(tenantA, inc.ID, 0); len(got) != 2 {
		e.errorf("after the right Seq 2, the trail has Seqs %v, want [1 2]", auditSeqs(got))
	}
}

func auditNoLock(e *env) {
	inc := e.fx.incident(tenantA)
	e.commit(tenantA, &store.Write{Create: []incident.Record{inc}, Audit: []store.AuditRecord{e.fx.audit(inc.ID, 1), e.fx.audit(inc.ID, 2), e.fx.audit(inc.ID, 3)}})
	n := 0
	next := uint64(4)
	for _, err := range e.s.AuditTrail(e.ctx, tenantA, inc.ID, 0) {
		if err != nil {
			e.fatalf("AuditTrail: %v", err)
		}
		n++
		if n > 2 {
			continue
		}
		var got incident.Record
		var getErr, commitErr error
		if !e.within("Get called from inside an AuditTrail loop", lockHint, func() {
			got, getErr = e.s.Get(e.ctx, tenantA, incident.KindIncident, inc.ID)
		}) {
			return
		}
		if getErr != nil {
			e.fatalf("Get inside an AuditTrail loop failed: %v", getErr)
		}
		got.Handle().Title = fmt.Sprintf("updated inside the AuditTrail loop, step %d", next)
		if !e.within("Commit called from inside an AuditTrail loop", lockHint, func() {
			commitErr = e.s.Commit(e.ctx, tenantA, &store.Write{Update: []incident.Record{got}, Audit: []store.AuditRecord{e.fx.audit(inc.ID, next)}})
		}) {
			return
		}
		if commitErr != nil {
			e.errorf("Commit inside an AuditTrail loop failed: %v", commitErr)
		}
		next++
	}
	if n < 3 {
		e.errorf("the AuditTrail loop saw %d records, want at least the 3 stored before it", n)
	}
	if got := e.trail(tenantA, inc.ID, 0); len(got) != int(next-1) {
		e.errorf("after the loop the trail has Seqs %v, want 1 to %d", auditSeqs(got), next-1)
	}
}

func auditRangeTwice(e *env) {
	x := e.fx.incident(tenantA)
	w := &store.Write{Create: []incident.Record{x}}
	for seq := uint64(1); seq <= 5; seq++ {
		w.Audit = append(w.Audit, e.fx.audit(x.ID, seq))
	}
	e.commit(tenantA, w)
	seq := e.s.AuditTrail(e.ctx, tenantA, x.ID, 1)
	count := func() (int, error) {
		n := 0
		for _, err := range seq {
			if err != nil {
				return n, err
			}
			n++
		}
		return n, nil
	}
	for pass := 1; pass <= 2; pass++ {
		n, err := count()
		e.ok("AuditTrail", err)
		if n != 4 {
			e.errorf("pass %d over one AuditTrail sequence: %d records, want 4", pass, n)
		}
	}
	results := make(chan int, 2)
	for range 2 {
		go func() {
			n, _ := count()
			results <- n
		}()
	}
	for range 2 {
		if n := <-results; n != 4 {
			e.errorf("concurrent range over one AuditTrail sequence: %d records, want 4", n)
		}
	}
}
