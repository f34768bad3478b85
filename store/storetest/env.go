package storetest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// The two tenants of the suite. Most cases use tenantA only; the Tenants
// cases write the same data to both and check neither sees the other's.
const (
	tenantA = "storetest-tenant-a"
	tenantB = "storetest-tenant-b"
)

// hangAfter is how long a call the suite makes from inside an iteration
// (or while other goroutines hammer the store) may take before the suite
// concludes the store deadlocks. A correct store answers in microseconds
// to milliseconds; the margin is for slow CI machines and remote
// databases.
const hangAfter = 2 * time.Second

// testCase is one contract of the suite.
type testCase struct {
	// name is the subtest name, "Group/Case".
	name string
	// contract is the one-line statement of what the case checks, logged
	// when it fails.
	contract string
	run      func(e *env)
}

// allCases returns the suite, in the order Run runs it. It builds the list
// afresh on each call: there is no package-level state to change.
func allCases() []testCase {
	var cs []testCase
	cs = append(cs, commitCases()...)
	cs = append(cs, getCases()...)
	cs = append(cs, concurrencyCases()...)
	cs = append(cs, tenantCases()...)
	cs = append(cs, listCases()...)
	cs = append(cs, auditCases()...)
	cs = append(cs, outboxCases()...)
	cs = append(cs, listerCases()...)
	cs = append(cs, timerCases()...)
	cs = append(cs, documentCases()...)
	cs = append(cs, contextCases()...)
	cs = append(cs, badInputCases()...)
	return cs
}

// env is what a case works with: the store under test, a reporter and a
// fixture making records with fixed IDs and times.
type env struct {
	r   reporter
	s   store.Store
	ctx context.Context
	fx  *fixture
}

func (e *env) errorf(format string, args ...any) {
	e.r.Helper()
	e.r.Errorf(format, args...)
}

func (e *env) fatalf(format string, args ...any) {
	e.r.Helper()
	e.r.Fatalf(format, args...)
}

// ok ends the case when err is not nil: the step was set-up the rest of
// the case depends on.
func (e *env) ok(what string, err error) {
	e.r.Helper()
	if err != nil {
		e.r.Fatalf("%s: unexpected error: %v", what, err)
	}
}

// is reports an error unless errors.Is(err, target).
func (e *env) is(what string, err, target error) {
	e.r.Helper()
	if !errors.Is(err, target) {
		e.r.Errorf("%s: got error %v, want %s", what, err, sentinelName(target))
	}
}

// sentinelName names the errors the suite expects, for messages.
func sentinelName(err error) string {
	for _, s := range []struct {
		err  error
		name string
	}{
		{store.ErrNotFound, "store.ErrNotFound"}, {store.ErrExists, "store.ErrExists"},
		{store.ErrConflict, "store.ErrConflict"}, {store.ErrInvalid, "store.ErrInvalid"},
		{store.ErrLeaseLost, "store.ErrLeaseLost"}, {context.Canceled, "context.Canceled"},
		{context.DeadlineExceeded, "context.DeadlineExceeded"},
	} {
		if errors.Is(err, s.err) {
			return "an error satisfying errors.Is(err, " + s.name + ")"
		}
	}
	return fmt.Sprintf("an error satisfying errors.Is(err, %v)", err)
}

// commit commits w to tenant and ends the case if it fails.
func (e *env) commit(tenant string, w *store.Write) {
	e.r.Helper()
	e.ok("Commit", e.s.Commit(e.ctx, tenant, w))
}

// create commits the records as one write of creates.
func (e *env) create(tenant string, recs ...incident.Record) {
	e.r.Helper()
	e.commit(tenant, &store.Write{Create: recs})
}

// get reads a record of tenant A and ends the case if it fails.
func (e *env) get(kind incident.Kind, id uuid.UUID) incident.Record {
	e.r.Helper()
	r, err := e.s.Get(e.ctx, tenantA, kind, id)
	e.ok(fmt.Sprintf("Get %s %s", kind, id), err)
	if r == nil {
		e.fatalf("Get %s %s returned a nil record and no error", kind, id)
	}
	return r
}

// getIncident reads an incident of tenant A.
func (e *env) getIncident(id uuid.UUID) *incident.Incident {
	e.r.Helper()
	r := e.get(incident.KindIncident, id)
	inc, ok := r.(*incident.Incident)
	if !ok {
		e.fatalf("Get incident %s returned a %T", id, r)
	}
	return inc
}

// wantStored checks that tenant A holds want (compared as JSON, so an
// adapter may store nil and empty slices alike).
func (e *env) wantStored(want incident.Record) {
	e.r.Helper()
	got := e.get(want.Kind(), want.Head().ID)
	if d := recordDiff(got, want); d != "" {
		e.errorf("Get %s %s: stored record differs from the one committed: %s", want.Kind(), want.Head().ID, d)
	}
}

// collect drains a sequence, checking that an error, if any, is the last
// element; it returns the values before the error and the error.
func collect[V any](e *env, what string, seq func(func(V, error) bool)) ([]V, error) {
	e.r.Helper()
	var vs []V
	var firstErr error
	after := 0
	for v, err := range seq {
		if firstErr != nil {
			after++
			continue
		}
		if err != nil {
			firstErr = err
			continue
		}
		vs = append(vs, v)
	}
	if after > 0 {
		e.errorf("%s: %d elements yielded after the error %v; an error must be the last element", what, after, firstErr)
	}
	return vs, firstErr
}

// list collects List, ending the case on an error.
func (e *env) list(tenant string, q store.Query) []incident.Record {
	e.r.Helper()
	rs, err := collect(e, "List", e.s.List(e.ctx, tenant, q))
	e.ok("List", err)
	return rs
}

// count calls Count, ending the case on an error.
func (e *env) count(tenant string, q store.Query) int {
	e.r.Helper()
	n, err := e.s.Count(e.ctx, tenant, q)
	e.ok("Count", err)
	return n
}

func (e *env) trail(tenant string, id uuid.UUID, after uint64) []store.AuditRecord {
	e.r.Helper()
	as, err := collect(e, "AuditTrail", e.s.AuditTrail(e.ctx, tenant, id, after))
	e.ok("AuditTrail", err)
	return as
}

func (e *env) claim(tenant string, now time.Time, n int, lease time.Duration) []store.OutboxEntry {
	e.r.Helper()
	es, err := e.s.Claim(e.ctx, tenant, now, n, lease)
	e.ok("Claim", err)
	return es
}

// claimOne claims in tenant A for the suite's usual lease and expects
// exactly the entry id.
func (e *env) claimOne(now time.Time, id uuid.UUID) store.OutboxEntry {
	e.r.Helper()
	es := e.claim(tenantA, now, 10, lease)
	if len(es) != 1 || es[0].ID != id {
		e.fatalf("Claim at %s: got %s, want exactly entry %s", now.Format(time.RFC3339), entryIDs(es), id)
	}
	return es[0]
}

func (e *env) deadLetters(tenant string) []store.OutboxEntry {
	e.r.Helper()
	es, err := collect(e, "DeadLetters", e.s.DeadLetters(e.ctx, tenant))
	e.ok("DeadLetters", err)
	return es
}

func (e *env) stats(tenant string, now time.Time) store.OutboxStats {
	e.r.Helper()
	st, err := e.s.OutboxStats(e.ctx, tenant, now)
	e.ok("OutboxStats", err)
	return st
}

func (e *env) due(tenant string, now time.Time, n int) []store.Timer {
	e.r.Helper()
	ts, err := e.s.DueTimers(e.ctx, tenant, now, n)
	e.ok("DueTimers", err)
	return ts
}

func (e *env) timer(tenant, key string) store.Timer {
	e.r.Helper()
	t, err := e.s.GetTimer(e.ctx, tenant, key)
	e.ok("GetTimer "+key, err)
	return t
}

// document reads a document of tenant A.
func (e *env) document(collection, id string) store.Document {
	e.r.Helper()
	d, err := e.s.GetDocument(e.ctx, tenantA, collection, id)
	e.ok("GetDocument "+collection+"/"+id, err)
	return d
}

func (e *env) documents(tenant, collection string, match map[string]string) []store.Document {
	e.r.Helper()
	ds, err := collect(e, "ListDocuments", e.s.ListDocuments(e.ctx, tenant, collection, match))
	e.ok("ListDocuments", err)
	return ds
}

// within runs fn on its own goroutine and waits at most hangAfter for it.
// It returns false, after reporting what and why, when fn has not
// returned: the store blocks. fn must not call Fatalf; it keeps running after a timeout
// and is left to finish when the store unblocks.
func (e *env) within(what, why string, fn func()) bool {
	e.r.Helper()
	done := make(chan any, 1)
	go func() {
		defer func() { done <- recover() }()
		fn()
	}()
	t := time.NewTimer(hangAfter)
	defer t.Stop()
	select {
	case p := <-done:
		if p != nil {
			e.errorf("%s: panic: %v", what, p)
		}
		return true
	case <-t.C:
		e.errorf("%s did not return within %v: %s", what, hangAfter, why)
		return false
	}
}

// recordDiff compares two records by their JSON encoding, which is what
// every adapter can store faithfully, and describes the first difference;
// "" when they are equal.
func recordDiff(got, want incident.Record) string {
	gb, gerr := json.Marshal(got)
	wb, werr := json.Marshal(want)
	if gerr != nil || werr != nil {
		return fmt.Sprintf("cannot encode: %v %v", gerr, werr)
	}
	if bytes.Equal(gb, wb) {
		return ""
	}
	var gm, wm map[string]any
	if json.Unmarshal(gb, &gm) != nil || json.Unmarshal(wb, &wm) != nil {
		return fmt.Sprintf("got %s, want %s", gb, wb)
	}
	var diffs []string
	for _, k := range sortedKeys(gm, wm) {
		if !reflect.DeepEqual(gm[k], wm[k]) {
			diffs = append(diffs, fmt.Sprintf("%s: got %v, want %v", k, show(gm[k]), show(wm[k])))
		}
	}
	if len(diffs) == 0 {
		return ""
	}
	return strings.Join(diffs, "; ")
}

func show(v any) string {
	if v == nil {
		return "(absent)"
	}
	b, _ := json.Marshal(v)
	return string(b)
}

func sortedKeys(ms ...map[string]any) []string {
	var ks []string
	for _, m := range ms {
		for k := range m {
			if !slices.Contains(ks, k) {
				ks = append(ks, k)
			}
		}
	}
	slices.Sort(ks)
	return ks
}

// sameJSON reports whether two JSON documents hold the same value, so a
// store may reformat what it keeps (PostgreSQL jsonb does).
func sameJSON(a, b []byte) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var av, bv any
	if json.Unmarshal(a, &av) != nil || json.Unmarshal(b, &bv) != nil {
		return bytes.Equal(a, b)
	}
	return reflect.DeepEqual(av, bv)
}

func ids(rs []incident.Record) []uuid.UUID {
	out := make([]uuid.UUID, len(rs))
	for i, r := range rs {
		out[i] = r.Head().ID
	}
	return out
}

func entryIDs(es []store.OutboxEntry) []uuid.UUID {
	out := make([]uuid.UUID, len(es))
	for i, en := range es {
		out[i] = en.ID
	}
	return out
}

func timerKeys(ts []store.Timer) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.Key
	}
	return out
}

func docIDs(ds []store.Document) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

func ptr[T any](v T) *T { return &v }
