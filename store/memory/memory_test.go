package memory_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
)

const acme = "acme"

var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// id returns a fixed UUIDv7-shaped ID; ids sort as their n.
func id(n int) uuid.UUID {
	return uuid.MustParse(fmt.Sprintf("0195a000-0000-7000-8000-%012x", n))
}

func ctxFor(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func newIncident(n int) *incident.Incident {
	at := t0.Add(time.Duration(n) * time.Minute)
	return &incident.Incident{
		Header: incident.Header{ID: id(n), Ref: incident.Ref(fmt.Sprintf("INC-2026-%06d", n)), Org: acme, CreatedAt: at, UpdatedAt: at},
		Handling: incident.Handling{
			Title: fmt.Sprintf("incident %d", n), Phase: incident.PhaseAssessDecide, State: incident.StateTriage,
			Severity: incident.SeverityMedium, Labels: []string{"seed"},
		},
		EventIDs: []uuid.UUID{id(100000 + n)},
	}
}

func newEvent(n int) *incident.Event {
	at := t0.Add(time.Duration(n) * time.Minute)
	return &incident.Event{
		Header:   incident.Header{ID: id(n), Ref: incident.Ref(fmt.Sprintf("EVT-2026-%06d", n)), Org: acme, CreatedAt: at, UpdatedAt: at},
		Handling: incident.Handling{Title: fmt.Sprintf("event %d", n), Phase: incident.PhaseDetectReport, State: incident.StateDetection},
	}
}

func entry(n int, created time.Time) store.OutboxEntry {
	return store.OutboxEntry{
		ID: id(n), Type: "incident.declared", RecordID: id(1), Seq: 1,
		IdempotencyKey: fmt.Sprintf("key-%d", n), Payload: json.RawMessage(`{"n":1}`), CreatedAt: created,
	}
}

func commit(t testing.TB, s *memory.Store, tenant string, w *store.Write) {
	t.Helper()
	require.NoError(t, s.Commit(ctxFor(t), tenant, w))
}

func createIncidents(t testing.TB, s *memory.Store, tenant string, ns ...int) []*incident.Incident {
	t.Helper()
	out := make([]*incident.Incident, len(ns))
	w := &store.Write{}
	for i, n := range ns {
		out[i] = newIncident(n)
		w.Create = append(w.Create, out[i])
	}
	commit(t, s, tenant, w)
	return out
}

func getIncident(t testing.TB, s *memory.Store, tenant string, n int) *incident.Incident {
	t.Helper()
	r, err := s.Get(ctxFor(t), tenant, incident.KindIncident, id(n))
	require.NoError(t, err)
	inc, ok := r.(*incident.Incident)
	require.True(t, ok, "%T", r)
	return inc
}

func collect[T any](t testing.TB, seq func(func(T, error) bool)) []T {
	t.Helper()
	var out []T
	for v, err := range seq {
		require.NoError(t, err)
		out = append(out, v)
	}
	return out
}

func ids(rs []incident.Record) []uuid.UUID {
	var out []uuid.UUID
	for _, r := range rs {
		out = append(out, r.Head().ID)
	}
	return out
}

func trail(t testing.TB, s *memory.Store, tenant string, rec uuid.UUID) []store.AuditRecord {
	t.Helper()
	return collect(t, s.AuditTrail(ctxFor(t), tenant, rec, 0))
}

// hangAfter bounds a step that hangs when the store deadlocks (a call
// from inside an iteration, many goroutines at once): the test fails then
// instead of waiting for go test's ten-minute timeout.
const hangAfter = 10 * time.Second

// noHang runs fn on its own goroutine and fails the test when fn returns
// an error or panics, or has not returned within hangAfter. fn must not
// call t.FailNow (require) or t.Fatal: it returns its error, or reports
// with t.Errorf (assert). After a timeout fn is left running.
func noHang(t *testing.T, what string, fn func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Errorf("panic: %v", p)
			}
		}()
		done <- fn()
	}()
	timer := time.NewTimer(hangAfter)
	defer timer.Stop()
	select {
	case err := <-done:
		require.NoError(t, err, what)
	case <-timer.C:
		t.Fatalf("%s did not finish within %v: the store deadlocks", what, hangAfter)
	}
}

// ---- Commit ----

func TestCommitCreateSetsVersionAndCopies(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New()
	inc := newIncident(1)
	ev := newEvent(2)
	commit(t, s, acme, &store.Write{Create: []incident.Record{inc, ev}})
	assert.Equal(t, int64(1), inc.Version, "Commit sets the stored version on the caller's record")
	assert.Equal(t, int64(1), ev.Version)

	got := getIncident(t, s, acme, 1)
	assert.Equal(t, inc, got)
	assert.NotSame(t, inc, got)

	// Changing the caller's record or the copy read does not change the store.
	inc.Labels[0] = "changed-by-writer"
	inc.Title = "changed"
	got.Labels[0] = "changed-by-reader"
	got.EventIDs[0] = uuid.Nil
	again := getIncident(t, s, acme, 1)
	assert.Equal(t, []string{"seed"}, again.Labels)
	assert.Equal(t, "incident 1", again.Title)
	assert.Equal(t, id(100001), again.EventIDs[0])

	r, err := s.Get(ctx, acme, incident.KindEvent, id(2))
	require.NoError(t, err)
	assert.Equal(t, int64(1), r.Head().Version)
}

// TestCommitCopiesAuditAndOutboxBytes: Commit copies the byte slices of
// several audit records and outbox entries into shared allocations; none
// may alias the writer's slices, and none may run into another on append.
func TestCommitCopiesAuditAndOutboxBytes(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	audit := []store.AuditRecord{
		{RecordID: id(1), Seq: 1, At: at, Action: "create", Data: []byte(`{"a":1}`), Hash: []byte{1, 2, 3}},
		{RecordID: id(1), Seq: 2, At: at, Action: "note", Data: []byte(`{"b":2}`), PrevHash: []byte{1, 2, 3}, Hash: []byte{4, 5, 6}},
		{RecordID: id(2), Seq: 1, At: at, Action: "create", Data: []byte{}, Hash: []byte{7}},
	}
	outbox := []store.OutboxEntry{
		{ID: id(11), Type: "t", IdempotencyKey: "k1", Payload: []byte(`{"x":1}`), CreatedAt: at},
		{ID: id(12), Type: "t", IdempotencyKey: "k2", CreatedAt: at},
		{ID: id(13), Type: "t", IdempotencyKey: "k3", Payload: []byte(`[2]`), CreatedAt: at},
	}
	commit(t, s, acme, &store.Write{Audit: audit, Outbox: outbox})
	for i := range audit {
		for _, b := range [][]byte{audit[i].Data, audit[i].PrevHash, audit[i].Hash} {
			for j := range b {
				b[j] = 'X'
			}
		}
	}
	for i := range outbox {
		for j := range outbox[i].Payload {
			outbox[i].Payload[j] = 'X'
		}
	}

	trail := func(rec uuid.UUID) []store.AuditRecord {
		var out []store.AuditRecord
		for a, err := range s.AuditTrail(ctx, acme, rec, 0) {
			require.NoError(t, err)
			out = append(out, a)
		}
		return out
	}
	got := trail(id(1))
	require.Len(t, got, 2)
	assert.Equal(t, json.RawMessage(`{"a":1}`), got[0].Data)
	assert.Nil(t, got[0].PrevHash)
	assert.Equal(t, []byte{1, 2, 3}, got[0].Hash)
	assert.Equal(t, json.RawMessage(`{"b":2}`), got[1].Data)
	assert.Equal(t, []byte{1, 2, 3}, got[1].PrevHash)
	assert.Equal(t, []byte{4, 5, 6}, got[1].Hash)
	got2 := trail(id(2))
	require.Len(t, got2, 1)
	assert.Empty(t, got2[0].Data)
	assert.Equal(t, []byte{7}, got2[0].Hash)

	claimed, err := s.Claim(ctx, acme, at.Add(time.Second), 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, claimed, 3)
	payloads := map[uuid.UUID]json.RawMessage{}
	for _, e := range claimed {
		payloads[e.ID] = e.Payload
	}
	assert.Equal(t, json.RawMessage(`{"x":1}`), payloads[id(11)])
	assert.Nil(t, payloads[id(12)])
	assert.Equal(t, json.RawMessage(`[2]`), payloads[id(13)])
	// Appending to what was read never reaches the store.
	_ = append(claimed[0].Payload, "junk"...)
	_ = append(got[0].Data, "junk"...)
	assert.Equal(t, json.RawMessage(`{"b":2}`), trail(id(1))[1].Data)
}

func TestCommitUpdate(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New()
	createIncidents(t, s, acme, 1)

	a := getIncident(t, s, acme, 1)
	b := getIncident(t, s, acme, 1)
	a.State = incident.StateAnalysis
	commit(t, s, acme, &store.Write{Update: []incident.Record{a}})
	assert.Equal(t, int64(2), a.Version)
	assert.Equal(t, int64(2), getIncident(t, s, acme, 1).Version)

	// b was read at version 1: stale.
	b.Title = "lost update"
	err := s.Commit(ctx, acme, &store.Write{Update: []incident.Record{b}})
	require.ErrorIs(t, err, store.ErrConflict)
	assert.Contains(t, err.Error(), "at version 1, stored 2")
	assert.Equal(t, int64(1), b.Version, "a failed Commit leaves the caller's version alone")
	got := getIncident(t, s, acme, 1)
	assert.Equal(t, incident.StateAnalysis, got.State)
	assert.Equal(t, "incident 1", got.Title)

	// The updated copy can be updated again.
	a.State = incident.StateContainment
	a.Phase = incident.PhaseRespond
	commit(t, s, acme, &store.Write{Update: []incident.Record{a}})
	assert.Equal(t, int64(3), getIncident(t, s, acme, 1).Version)
}

func TestCommitErrors(t *testing.T) {
	setup := func(t *testing.T) *memory.Store {
		s := memory.New()
		commit(t, s, acme, &store.Write{
			Create:    []incident.Record{newIncident(1)},
			Audit:     []store.AuditRecord{{RecordID: id(1), Seq: 1, At: t0, Action: "create"}},
			Outbox:    []store.OutboxEntry{entry(50, t0)},
			Timers:    []store.Timer{{Key: "t1", RecordID: id(1), Kind: "acknowledge", DueAt: t0}},
			Documents: []store.Document{{Collection: "c", ID: "d1", Body: json.RawMessage(`{}`)}},
		})
		return s
	}
	stale := func() *incident.Incident { r := newIncident(1); r.Version = 7; return r }
	tests := []struct {
		name   string
		tenant string
		w      *store.Write
		want   error
		detail string
	}{
		{name: "nil write", tenant: acme, w: nil, want: store.ErrInvalid},
		{name: "empty write", tenant: acme, w: &store.Write{}, want: store.ErrInvalid},
		{name: "empty tenant", tenant: "", w: &store.Write{Create: []incident.Record{newIncident(2)}}, want: store.ErrInvalid},
		{name: "nil record", tenant: acme, w: &store.Write{Create: []incident.Record{nil}}, want: store.ErrInvalid},
		{name: "create exists", tenant: acme, w: &store.Write{Create: []incident.Record{newIncident(1)}}, want: store.ErrExists, detail: "incident " + id(1).String()},
		{name: "update missing", tenant: acme, w: &store.Write{Update: []incident.Record{func() *incident.Incident { r := newIncident(2); r.Version = 1; return r }()}}, want: store.ErrNotFound},
		{name: "update stale", tenant: acme, w: &store.Write{Update: []incident.Record{stale()}}, want: store.ErrConflict, detail: "at version 7, stored 1"},
		{name: "audit gap", tenant: acme, w: &store.Write{Audit: []store.AuditRecord{{RecordID: id(1), Seq: 3}}}, want: store.ErrConflict},
		{name: "audit repeat", tenant: acme, w: &store.Write{Audit: []store.AuditRecord{{RecordID: id(1), Seq: 1}}}, want: store.ErrConflict},
		{name: "audit new record not 1", tenant: acme, w: &store.Write{Audit: []store.AuditRecord{{RecordID: id(9), Seq: 2}}}, want: store.ErrConflict},
		{name: "outbox id exists", tenant: acme, w: &store.Write{Outbox: []store.OutboxEntry{entry(50, t0)}}, want: store.ErrExists},
		{name: "timer exists", tenant: acme, w: &store.Write{Timers: []store.Timer{{Key: "t1", DueAt: t0}}}, want: store.ErrExists},
		{name: "timer missing", tenant: acme, w: &store.Write{Timers: []store.Timer{{Key: "t2", DueAt: t0, Version: 1}}}, want: store.ErrNotFound},
		{name: "timer stale", tenant: acme, w: &store.Write{Timers: []store.Timer{{Key: "t1", DueAt: t0, Version: 2}}}, want: store.ErrConflict},
		{name: "document exists", tenant: acme, w: &store.Write{Documents: []store.Document{{Collection: "c", ID: "d1", Body: json.RawMessage(`1`)}}}, want: store.ErrExists},
		{name: "document missing", tenant: acme, w: &store.Write{Documents: []store.Document{{Collection: "c", ID: "d2", Version: 1, Body: json.RawMessage(`1`)}}}, want: store.ErrNotFound},
		{name: "document other collection", tenant: acme, w: &store.Write{Documents: []store.Document{{Collection: "other", ID: "d1", Version: 1, Body: json.RawMessage(`1`)}}}, want: store.ErrNotFound},
		{name: "document stale", tenant: acme, w: &store.Write{Documents: []store.Document{{Collection: "c", ID: "d1", Version: 3, Body: json.RawMessage(`1`)}}}, want: store.ErrConflict},
		{name: "other tenant update", tenant: "globex", w: &store.Write{Update: []incident.Record{func() *incident.Incident { r := newIncident(1); r.Org, r.Version = "globex", 1; return r }()}}, want: store.ErrNotFound},
		{name: "record of another organisation", tenant: "globex", w: &store.Write{Create: []incident.Record{newIncident(2)}}, want: store.ErrInvalid, detail: `organisation "acme", not to tenant "globex"`},
		{name: "typed nil record", tenant: acme, w: &store.Write{Update: []incident.Record{(*incident.Incident)(nil)}}, want: store.ErrInvalid, detail: "update[0] is nil"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := setup(t)
			err := s.Commit(ctxFor(t), tc.tenant, tc.w)
			require.ErrorIs(t, err, tc.want)
			if tc.detail != "" {
				assert.Contains(t, err.Error(), tc.detail)
			}
		})
	}

	t.Run("Check error returned unchanged", func(t *testing.T) {
		w := &store.Write{Create: []incident.Record{newIncident(2), newIncident(2)}}
		want := w.Check()
		require.Error(t, want)
		got := memory.New().Commit(ctxFor(t), acme, w)
		assert.Equal(t, want.Error(), got.Error())
	})
	t.Run("created with a version", func(t *testing.T) {
		r := newIncident(2)
		r.Version = 1
		require.ErrorIs(t, memory.New().Commit(ctxFor(t), acme, &store.Write{Create: []incident.Record{r}}), store.ErrInvalid)
	})
	t.Run("done context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		s := memory.New()
		r := newIncident(2)
		require.ErrorIs(t, s.Commit(ctx, acme, &store.Write{Create: []incident.Record{r}}), context.Canceled)
		assert.Zero(t, r.Version)
		_, err := s.Get(ctxFor(t), acme, incident.KindIncident, id(2))
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

// snapshot is everything observable of a tenant, to compare before and
// after a failed Commit.
type snapshot struct {
	incidents []incident.Record
	events    []incident.Record
	audit     map[uuid.UUID][]store.AuditRecord
	stats     store.OutboxStats
	timers    map[string]*store.Timer
	docs      []store.Document
}

func snap(t *testing.T, s *memory.Store, tenant string, recordIDs []uuid.UUID, timerKeys []string) snapshot {
	t.Helper()
	ctx := ctxFor(t)
	sn := snapshot{audit: map[uuid.UUID][]store.AuditRecord{}, timers: map[string]*store.Timer{}}
	sn.incidents = collect(t, s.List(ctx, tenant, store.Query{Kind: incident.KindIncident}))
	sn.events = collect(t, s.List(ctx, tenant, store.Query{Kind: incident.KindEvent}))
	for _, r := range recordIDs {
		sn.audit[r] = trail(t, s, tenant, r)
	}
	var err error
	sn.stats, err = s.OutboxStats(ctx, tenant, t0.Add(time.Hour))
	require.NoError(t, err)
	for _, k := range timerKeys {
		if tm, err := s.GetTimer(ctx, tenant, k); err == nil {
			sn.timers[k] = &tm
		} else {
			require.ErrorIs(t, err, store.ErrNotFound)
			sn.timers[k] = nil
		}
	}
	sn.docs = collect(t, s.ListDocuments(ctx, tenant, "c", nil))
	return sn
}

func TestCommitFailingWriteChangesNothing(t *testing.T) {
	setup := func(t *testing.T) *memory.Store {
		s := memory.New()
		commit(t, s, acme, &store.Write{
			Create:    []incident.Record{newIncident(1), newIncident(2)},
			Audit:     []store.AuditRecord{{RecordID: id(1), Seq: 1, At: t0, Action: "create"}, {RecordID: id(2), Seq: 1, At: t0, Action: "create"}},
			Outbox:    []store.OutboxEntry{entry(50, t0)},
			Timers:    []store.Timer{{Key: "t1", RecordID: id(1), Kind: "acknowledge", DueAt: t0}},
			Documents: []store.Document{{Collection: "c", ID: "d1", Body: json.RawMessage(`{"v":1}`)}},
		})
		// Version 2 of incident 1.
		r := getIncident(t, s, acme, 1)
		r.Title = "v2"
		commit(t, s, acme, &store.Write{Update: []incident.Record{r}, Audit: []store.AuditRecord{{RecordID: id(1), Seq: 2, Action: "retitle"}}})
		return s
	}
	// Each case is a valid write of everything plus one bad piece, placed
	// last so that every valid piece would already have been applied by a
	// store that applies as it checks.
	valid := func() *store.Write {
		created := newIncident(3)
		good := newIncident(2)
		good.Version = 1
		good.Title = "good update"
		return &store.Write{
			Create: []incident.Record{created, newEvent(4)},
			Update: []incident.Record{good},
			Audit: []store.AuditRecord{
				{RecordID: id(3), Seq: 1, Action: "create"},
				{RecordID: id(2), Seq: 2, Action: "retitle"},
			},
			Outbox:    []store.OutboxEntry{entry(51, t0), entry(52, t0)},
			Timers:    []store.Timer{{Key: "t1", DueAt: t0, Version: 1, FiredAt: t0}, {Key: "t3", DueAt: t0}},
			Documents: []store.Document{{Collection: "c", ID: "d1", Version: 1, Body: json.RawMessage(`{"v":2}`)}, {Collection: "c", ID: "d3", Body: json.RawMessage(`{}`)}},
		}
	}
	bad := map[string]struct {
		mutate func(w *store.Write)
		want   error
	}{
		"conflicting update": {func(w *store.Write) {
			stale := newIncident(1)
			stale.Version = 1
			w.Update = append(w.Update, stale)
		}, store.ErrConflict},
		"existing create": {func(w *store.Write) { w.Create = append(w.Create, newIncident(1)) }, store.ErrExists},
		"audit out of sequence": {func(w *store.Write) {
			w.Audit = append(w.Audit, store.AuditRecord{RecordID: id(1), Seq: 2, Action: "again"})
		}, store.ErrConflict},
		"outbox id exists": {func(w *store.Write) { w.Outbox = append(w.Outbox, entry(50, t0)) }, store.ErrExists},
		"stale timer": {func(w *store.Write) {
			w.Timers[0].Version = 2
		}, store.ErrConflict},
		"missing document": {func(w *store.Write) {
			w.Documents = append(w.Documents, store.Document{Collection: "c", ID: "d3x", Version: 1, Body: json.RawMessage(`{}`)})
		}, store.ErrNotFound},
	}
	recIDs := []uuid.UUID{id(1), id(2), id(3), id(4)}
	timerKeys := []string{"t1", "t3"}
	for name, b := range bad {
		t.Run(name, func(t *testing.T) {
			s := setup(t)
			before := snap(t, s, acme, recIDs, timerKeys)
			w := valid()
			b.mutate(w)
			require.NoError(t, w.Check(), "the bad piece must pass Write.Check")
			versions := writeVersions(w)
			err := s.Commit(ctxFor(t), acme, w)
			require.ErrorIs(t, err, b.want)
			assert.Equal(t, before, snap(t, s, acme, recIDs, timerKeys))
			assert.Equal(t, versions, writeVersions(w), "the versions in the write are untouched")

			// The valid part alone commits.
			require.NoError(t, s.Commit(ctxFor(t), acme, valid()))
		})
	}
}

func writeVersions(w *store.Write) []int64 {
	var out []int64
	for _, r := range slices.Concat(w.Create, w.Update) {
		out = append(out, r.Head().Version)
	}
	for _, tm := range w.Timers {
		out = append(out, tm.Version)
	}
	for _, d := range w.Documents {
		out = append(out, d.Version)
	}
	return out
}

func TestCommitSetsVersionsOnTimersAndDocuments(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New()
	w := &store.Write{
		Timers:    []store.Timer{{Key: "t1", RecordID: id(1), Kind: "escalate", DueAt: t0, Payload: json.RawMessage(`{"a":1}`)}},
		Documents: []store.Document{{Collection: "lessons.review", ID: "r1", Index: map[string]string{"incident": "1"}, Body: json.RawMessage(`{"x":1}`), UpdatedAt: t0}},
	}
	commit(t, s, acme, w)
	assert.Equal(t, int64(1), w.Timers[0].Version)
	assert.Equal(t, int64(1), w.Documents[0].Version)

	tm, err := s.GetTimer(ctx, acme, "t1")
	require.NoError(t, err)
	assert.Equal(t, w.Timers[0], tm)
	d, err := s.GetDocument(ctx, acme, "lessons.review", "r1")
	require.NoError(t, err)
	assert.Equal(t, w.Documents[0], d)

	// Fire the timer, update the document with the versions handed back.
	w.Timers[0].FiredAt = t0.Add(time.Minute)
	w.Documents[0].Body = json.RawMessage(`{"x":2}`)
	commit(t, s, acme, &store.Write{Timers: w.Timers, Documents: w.Documents})
	assert.Equal(t, int64(2), w.Timers[0].Version)
	assert.Equal(t, int64(2), w.Documents[0].Version)
	tm, err = s.GetTimer(ctx, acme, "t1")
	require.NoError(t, err)
	assert.Equal(t, t0.Add(time.Minute), tm.FiredAt)
	assert.Equal(t, int64(2), tm.Version)
}

func TestZeroValueIsUsable(t *testing.T) {
	ctx := ctxFor(t)
	var s memory.Store
	_, err := s.Get(ctx, acme, incident.KindIncident, id(1))
	require.ErrorIs(t, err, store.ErrNotFound)
	inc := newIncident(1)
	require.NoError(t, s.Commit(ctx, acme, &store.Write{Create: []incident.Record{inc}}))
	rs := collect(t, s.List(ctx, acme, store.Query{Kind: incident.KindIncident}))
	assert.Equal(t, []uuid.UUID{id(1)}, ids(rs))
}

// ---- Get, List, Count ----

func TestGet(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New()
	createIncidents(t, s, acme, 1)

	_, err := s.Get(ctx, acme, incident.KindEvent, id(1))
	require.ErrorIs(t, err, store.ErrNotFound, "same ID, other kind")
	_, err = s.Get(ctx, "globex", incident.KindIncident, id(1))
	require.ErrorIs(t, err, store.ErrNotFound, "other tenant")
	_, err = s.Get(ctx, acme, incident.KindIncident, id(2))
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.Get(ctx, acme, "widget", id(1))
	require.ErrorIs(t, err, store.ErrInvalid)
	_, err = s.Get(ctx, "", incident.KindIncident, id(1))
	require.ErrorIs(t, err, store.ErrInvalid)
	done, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.Get(done, acme, incident.KindIncident, id(1))
	require.ErrorIs(t, err, context.Canceled)
}

func TestListFiltersOrderAndCount(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New(memory.WithPageSize(2))
	// Created out of order; listed in ID order.
	w := &store.Write{}
	for _, n := range []int{7, 3, 9, 1, 5, 2, 8, 4, 6} {
		r := newIncident(n)
		if n%2 == 0 {
			r.Severity = incident.SeverityHigh
			r.Labels = append(r.Labels, "even")
		}
		if n%3 == 0 {
			r.Restricted = true
		}
		w.Create = append(w.Create, r)
	}
	w.Create = append(w.Create, newEvent(10))
	commit(t, s, acme, w)

	restricted, open := true, false
	tests := []struct {
		name string
		q    store.Query
		want []int
	}{
		{"all incidents", store.Query{Kind: incident.KindIncident}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"events", store.Query{Kind: incident.KindEvent}, []int{10}},
		{"severity", store.Query{Kind: incident.KindIncident, Severities: []incident.Severity{incident.SeverityHigh}}, []int{2, 4, 6, 8}},
		{"labels all", store.Query{Kind: incident.KindIncident, Labels: []string{"seed", "even"}}, []int{2, 4, 6, 8}},
		{"restricted", store.Query{Kind: incident.KindIncident, Restricted: &restricted}, []int{3, 6, 9}},
		{"unrestricted high", store.Query{Kind: incident.KindIncident, Restricted: &open, Severities: []incident.Severity{incident.SeverityHigh}}, []int{2, 4, 8}},
		{"created range", store.Query{Kind: incident.KindIncident, CreatedFrom: t0.Add(3 * time.Minute), CreatedUntil: t0.Add(6 * time.Minute)}, []int{3, 4, 5}},
		{"after", store.Query{Kind: incident.KindIncident, After: id(6)}, []int{7, 8, 9}},
		{"limit", store.Query{Kind: incident.KindIncident, Limit: 3}, []int{1, 2, 3}},
		{"after and limit", store.Query{Kind: incident.KindIncident, After: id(2), Limit: 5}, []int{3, 4, 5, 6, 7}},
		{"after, limit, filter", store.Query{Kind: incident.KindIncident, After: id(2), Limit: 2, Severities: []incident.Severity{incident.SeverityHigh}}, []int{4, 6}},
		{"limit above count", store.Query{Kind: incident.KindIncident, Limit: 100, Phases: []incident.Phase{incident.PhaseAssessDecide}}, []int{1, 2, 3, 4, 5, 6, 7, 8, 9}},
		{"no match", store.Query{Kind: incident.KindIncident, Phases: []incident.Phase{incident.PhaseRespond}}, nil},
		{"vulnerabilities", store.Query{Kind: incident.KindVulnerability}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := collect(t, s.List(ctx, acme, tc.q))
			var want []uuid.UUID
			for _, n := range tc.want {
				want = append(want, id(n))
			}
			assert.Equal(t, want, ids(got))
			for _, r := range got {
				assert.True(t, tc.q.Match(r))
			}
			// Count ignores After and Limit and agrees with Match.
			all := tc.q
			all.After, all.Limit = uuid.Nil, 0
			n, err := s.Count(ctx, acme, tc.q)
			require.NoError(t, err)
			assert.Len(t, collect(t, s.List(ctx, acme, all)), n)
		})
	}

	t.Run("other tenant", func(t *testing.T) {
		assert.Empty(t, collect(t, s.List(ctx, "globex", store.Query{Kind: incident.KindIncident})))
		n, err := s.Count(ctx, "globex", store.Query{Kind: incident.KindIncident})
		require.NoError(t, err)
		assert.Zero(t, n)
	})
}

func TestListErrors(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New(memory.WithPageSize(2))
	createIncidents(t, s, acme, 1, 2, 3, 4, 5)

	errsOf := func(seq func(func(incident.Record, error) bool)) (n int, errs []error) {
		for r, err := range seq {
			if err != nil {
				errs = append(errs, err)
				assert.Nil(t, r)
				continue
			}
			require.Empty(t, errs, "nothing is yielded after an error")
			n++
		}
		return n, errs
	}
	for name, q := range map[string]store.Query{
		"no kind":        {},
		"unknown kind":   {Kind: "widget"},
		"negative limit": {Kind: incident.KindIncident, Limit: -1},
		"inverted range": {Kind: incident.KindIncident, CreatedFrom: t0.Add(time.Hour), CreatedUntil: t0},
	} {
		t.Run(name, func(t *testing.T) {
			n, errs := errsOf(s.List(ctx, acme, q))
			assert.Zero(t, n)
			require.Len(t, errs, 1)
			require.ErrorIs(t, errs[0], store.ErrInvalid)
			_, err := s.Count(ctx, acme, q)
			require.ErrorIs(t, err, store.ErrInvalid)
		})
	}
	t.Run("empty tenant", func(t *testing.T) {
		_, errs := errsOf(s.List(ctx, "", store.Query{Kind: incident.KindIncident}))
		require.Len(t, errs, 1)
		require.ErrorIs(t, errs[0], store.ErrInvalid)
	})
	t.Run("done before", func(t *testing.T) {
		done, cancel := context.WithCancel(ctx)
		cancel()
		n, errs := errsOf(s.List(done, acme, store.Query{Kind: incident.KindIncident}))
		assert.Zero(t, n)
		require.Len(t, errs, 1)
		require.ErrorIs(t, errs[0], context.Canceled)
	})
	t.Run("done during", func(t *testing.T) {
		done, cancel := context.WithCancel(ctx)
		defer cancel()
		n := 0
		var errs []error
		for _, err := range s.List(done, acme, store.Query{Kind: incident.KindIncident}) {
			if err != nil {
				errs = append(errs, err)
				continue
			}
			if n++; n == 3 {
				cancel()
			}
		}
		assert.Equal(t, 3, n)
		require.Len(t, errs, 1)
		require.ErrorIs(t, errs[0], context.Canceled)
	})
	t.Run("break", func(t *testing.T) {
		n := 0
		for _, err := range s.List(ctx, acme, store.Query{Kind: incident.KindIncident}) {
			require.NoError(t, err)
			if n++; n == 3 {
				break
			}
		}
		assert.Equal(t, 3, n)
	})
}

// A selective query over many records crosses pages that examine records
// without yielding any.
func TestListSparseMatches(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New(memory.WithPageSize(1))
	w := &store.Write{}
	var want []uuid.UUID
	for n := 1; n <= 200; n++ {
		r := newIncident(n)
		if n%37 == 0 {
			r.Labels = []string{"rare"}
			want = append(want, r.ID)
		}
		w.Create = append(w.Create, r)
	}
	commit(t, s, acme, w)
	got := collect(t, s.List(ctx, acme, store.Query{Kind: incident.KindIncident, Labels: []string{"rare"}}))
	assert.Equal(t, want, ids(got))
	got = collect(t, s.List(ctx, acme, store.Query{Kind: incident.KindIncident, Labels: []string{"rare"}, Limit: 2}))
	assert.Equal(t, want[:2], ids(got))
	n, err := s.Count(ctx, acme, store.Query{Kind: incident.KindIncident, Labels: []string{"rare"}})
	require.NoError(t, err)
	assert.Equal(t, 5, n)
}

func TestListYieldsCopies(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New()
	createIncidents(t, s, acme, 1, 2)
	for r, err := range s.List(ctx, acme, store.Query{Kind: incident.KindIncident}) {
		require.NoError(t, err)
		r.Handle().Labels[0] = "mutated"
		r.Head().Version = 99
	}
	for r, err := range s.List(ctx, acme, store.Query{Kind: incident.KindIncident}) {
		require.NoError(t, err)
		assert.Equal(t, []string{"seed"}, r.Handle().Labels)
		assert.Equal(t, int64(1), r.Head().Version)
	}
}

// The loop body may write to the store: List holds no lock while it
// yields.
func TestListUpdateInsideLoopDoesNotDeadlock(t *testing.T) {
	ctx := ctxFor(t)
	for _, page := range []int{1, 3, memory.DefaultPageSize} {
		t.Run(fmt.Sprint("page ", page), func(t *testing.T) {
			s := memory.New(memory.WithPageSize(page))
			createIncidents(t, s, acme, 1, 2, 3, 4, 5, 6, 7)
			noHang(t, "a List loop calling Commit, Count and AuditTrail", func() error {
				n := 0
				for r, err := range s.List(ctx, acme, store.Query{Kind: incident.KindIncident}) {
					if err != nil {
						return err
					}
					r.Handle().State = incident.StateAnalysis
					if err := s.Commit(ctx, acme, &store.Write{
						Update: []incident.Record{r},
						Audit:  []store.AuditRecord{{RecordID: r.Head().ID, Seq: 1, Action: "analyse"}},
					}); err != nil {
						return err
					}
					// Other readers and writers too.
					if _, err := s.Count(ctx, acme, store.Query{Kind: incident.KindIncident}); err != nil {
						return err
					}
					for _, err := range s.AuditTrail(ctx, acme, r.Head().ID, 0) {
						if err != nil {
							return err
						}
						if err := s.Commit(ctx, acme, &store.Write{Outbox: []store.OutboxEntry{entry(1000+n, t0)}}); err != nil {
							return err
						}
					}
					n++
				}
				if n != 7 {
					return fmt.Errorf("updated %d records, want 7", n)
				}
				return nil
			})
			n, err := s.Count(ctx, acme, store.Query{Kind: incident.KindIncident, States: []incident.State{incident.StateAnalysis}})
			require.NoError(t, err)
			assert.Equal(t, 7, n)
		})
	}
}

// Records that exist for the whole scan are yielded exactly once and in
// ascending ID order while others are created and updated in between
// pages (deterministically, from the loop body) and concurrently.
func TestListStableUnderConcurrentWrites(t *testing.T) {
	t.Run("from the loop body", func(t *testing.T) {
		ctx := ctxFor(t)
		s := memory.New(memory.WithPageSize(4))
		var initial []int
		for n := 2; n <= 60; n += 2 {
			initial = append(initial, n)
		}
		createIncidents(t, s, acme, initial...)
		odd := 1
		var seen []uuid.UUID
		noHang(t, "a List loop creating and updating records", func() error {
			for r, err := range s.List(ctx, acme, store.Query{Kind: incident.KindIncident}) {
				if err != nil {
					return err
				}
				seen = append(seen, r.Head().ID)
				// Create records before and after the cursor, update one
				// behind it and one ahead of it.
				if odd < 60 {
					if err := s.Commit(ctx, acme, &store.Write{Create: []incident.Record{newIncident(odd), newIncident(61 + odd)}}); err != nil {
						return err
					}
					odd += 2
				}
				for _, n := range []int{2, 60} {
					u, err := s.Get(ctx, acme, incident.KindIncident, id(n))
					if err != nil {
						return err
					}
					u.Handle().Labels = append(u.Handle().Labels, "touched")
					if err := s.Commit(ctx, acme, &store.Write{Update: []incident.Record{u}}); err != nil {
						return err
					}
				}
			}
			return nil
		})
		assertStable(t, seen, initial)
	})

	t.Run("concurrently", func(t *testing.T) {
		ctx := ctxFor(t)
		s := memory.New(memory.WithPageSize(7))
		var initial []int
		for n := 1; n <= 2000; n += 2 {
			initial = append(initial, n)
		}
		createIncidents(t, s, acme, initial...)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		var writes atomic.Int64
		for g := range 4 {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(g), 42))
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					// New records interleave with the initial ones;
					// v4 IDs fall anywhere.
					fresh := newIncident(1)
					fresh.ID = uuid.New()
					nw := &store.Write{Create: []incident.Record{fresh}}
					if err := s.Commit(ctx, acme, nw); err != nil {
						t.Error(err)
						return
					}
					n := initial[rng.IntN(len(initial))]
					r, err := s.Get(ctx, acme, incident.KindIncident, id(n))
					if err != nil {
						t.Error(err)
						return
					}
					r.Handle().Labels = append(r.Handle().Labels, fmt.Sprint(g, i))
					if err := s.Commit(ctx, acme, &store.Write{Update: []incident.Record{r}}); err != nil && !errors.Is(err, store.ErrConflict) {
						t.Error(err)
						return
					}
					writes.Add(1)
				}
			})
		}
		noHang(t, "three List scans among four writers", func() error {
			defer close(stop)
			for range 3 {
				var seen []uuid.UUID
				for r, err := range s.List(ctx, acme, store.Query{Kind: incident.KindIncident}) {
					if err != nil {
						return err
					}
					seen = append(seen, r.Head().ID)
				}
				assertStable(t, seen, initial)
			}
			return nil
		})
		noHang(t, "stopping the writers", func() error { wg.Wait(); return nil })
		t.Logf("%d concurrent writes during the scans", writes.Load())
	})
}

func assertStable(t *testing.T, seen []uuid.UUID, initial []int) {
	t.Helper()
	assert.True(t, slices.IsSortedFunc(seen, func(a, b uuid.UUID) int { return slices.Compare(a[:], b[:]) }), "yielded in ascending ID order")
	count := map[uuid.UUID]int{}
	for _, x := range seen {
		count[x]++
	}
	for x, c := range count {
		if c != 1 {
			t.Errorf("%s yielded %d times", x, c)
		}
	}
	for _, n := range initial {
		if count[id(n)] != 1 {
			t.Errorf("initial record %d yielded %d times", n, count[id(n)])
		}
	}
}

// 32 writers update one incident with read-modify-write retry loops: every
// update lands, none is lost.
func TestConcurrentUpdatesLoseNothing(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New()
	commit(t, s, acme, &store.Write{
		Create: []incident.Record{newIncident(1)},
		Audit:  []store.AuditRecord{{RecordID: id(1), Seq: 1, Action: "create"}},
	})
	const writers = 32
	var conflicts atomic.Int64
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			label := fmt.Sprintf("writer-%02d", g)
			for {
				r, err := s.Get(ctx, acme, incident.KindIncident, id(1))
				if err != nil {
					t.Error(err)
					return
				}
				r.Handle().Labels = append(r.Handle().Labels, label)
				v := r.Head().Version
				err = s.Commit(ctx, acme, &store.Write{
					Update: []incident.Record{r},
					Audit:  []store.AuditRecord{{RecordID: id(1), Seq: uint64(v) + 1, Action: label}},
					Outbox: []store.OutboxEntry{{ID: uuid.New(), Type: "incident.updated", RecordID: id(1), Seq: uint64(v) + 1, IdempotencyKey: label, CreatedAt: t0}},
				})
				if err == nil {
					if r.Head().Version != v+1 {
						t.Errorf("version handed back %d, want %d", r.Head().Version, v+1)
					}
					return
				}
				if !errors.Is(err, store.ErrConflict) {
					t.Error(err)
					return
				}
				conflicts.Add(1)
			}
		})
	}
	noHang(t, "32 writers on one incident", func() error { wg.Wait(); return nil })
	got := getIncident(t, s, acme, 1)
	assert.Equal(t, int64(1+writers), got.Version)
	assert.Len(t, got.Labels, 1+writers)
	for g := range writers {
		assert.Contains(t, got.Labels, fmt.Sprintf("writer-%02d", g))
	}
	tr := trail(t, s, acme, id(1))
	require.Len(t, tr, 1+writers)
	for i, a := range tr {
		assert.Equal(t, uint64(i+1), a.Seq)
	}
	st, err := s.OutboxStats(ctx, acme, t0)
	require.NoError(t, err)
	assert.Equal(t, writers, st.Pending)
	t.Logf("%d conflicts retried", conflicts.Load())
}

// ---- Audit ----

func TestAuditTrail(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New(memory.WithPageSize(3))
	commit(t, s, acme, &store.Write{Create: []incident.Record{newIncident(1)}})
	for seq := uint64(1); seq <= 10; seq += 2 {
		commit(t, s, acme, &store.Write{Audit: []store.AuditRecord{
			{RecordID: id(1), Seq: seq, At: t0, Actor: "a", Action: "x", Data: json.RawMessage(`{}`), PrevHash: []byte{byte(seq)}, Hash: []byte{byte(seq + 1)}},
			{RecordID: id(1), Seq: seq + 1, At: t0, Actor: "a", Action: "y", Hash: []byte{byte(seq + 2)}},
		}})
	}
	all := trail(t, s, acme, id(1))
	require.Len(t, all, 10)
	for i, a := range all {
		assert.Equal(t, uint64(i+1), a.Seq)
	}
	assert.Equal(t, []byte{1}, all[0].PrevHash)
	assert.Nil(t, all[1].PrevHash, "nil stays nil")

	for _, after := range []uint64{0, 2, 3, 9, 10, 11, 100} {
		got := collect(t, s.AuditTrail(ctx, acme, id(1), after))
		want := 10 - int(min(after, 10))
		require.Len(t, got, want, "after %d", after)
		if want > 0 {
			assert.Equal(t, after+1, got[0].Seq)
		}
	}

	// Copies.
	all[0].Hash[0] = 0xff
	all[0].Data[0] = 'X'
	again := trail(t, s, acme, id(1))
	assert.Equal(t, []byte{2}, again[0].Hash)
	assert.Equal(t, json.RawMessage(`{}`), again[0].Data)

	assert.Empty(t, trail(t, s, acme, id(2)), "no audit records")
	assert.Empty(t, trail(t, s, "globex", id(1)), "other tenant")
	var errs []error
	for _, err := range s.AuditTrail(ctx, "", id(1), 0) {
		errs = append(errs, err)
	}
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], store.ErrInvalid)
}

// ---- Outbox ----

func TestOutboxClaimOrderAndLease(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New()
	late := entry(1, t0.Add(3*time.Second)) // oldest by ID, youngest by time
	delayed := entry(2, t0)
	delayed.NextAttemptAt = t0.Add(time.Hour)
	managed := entry(5, t0.Add(time.Second)) // store-managed fields are reset
	managed.Attempts, managed.Lease, managed.LeaseUntil, managed.LastError, managed.DeadAt = 4, "forged", t0.Add(time.Hour), "old", t0
	commit(t, s, acme, &store.Write{Outbox: []store.OutboxEntry{late, delayed, entry(4, t0.Add(time.Second)), managed, entry(3, t0.Add(time.Second))}})

	now := t0.Add(10 * time.Second)
	got, err := s.Claim(ctx, acme, now, 3, time.Minute)
	require.NoError(t, err)
	require.Len(t, got, 3)
	// Oldest first by CreatedAt, then ID; the delayed one is not due.
	assert.Equal(t, []uuid.UUID{id(3), id(4), id(5)}, []uuid.UUID{got[0].ID, got[1].ID, got[2].ID})
	leases := map[string]bool{}
	for _, e := range got {
		assert.Equal(t, 1, e.Attempts)
		assert.NotEmpty(t, e.Lease)
		assert.NotEqual(t, "forged", e.Lease)
		leases[e.Lease] = true
		assert.Equal(t, now.Add(time.Minute), e.LeaseUntil)
		assert.Zero(t, e.DeadAt)
		assert.Empty(t, e.LastError)
		assert.Equal(t, e.CreatedAt, e.NextAttemptAt, "NextAttemptAt defaults to CreatedAt")
		assert.Equal(t, json.RawMessage(`{"n":1}`), e.Payload)
	}
	assert.Len(t, leases, 3, "fresh lease per entry")
	got[0].Payload[0] = 'X' // a copy

	rest, err := s.Claim(ctx, acme, now, 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, rest, 1)
	assert.Equal(t, id(1), rest[0].ID)

	none, err := s.Claim(ctx, acme, now.Add(59*time.Second), 10, time.Minute)
	require.NoError(t, err)
	assert.Empty(t, none, "all leased or not due")

	st, err := s.OutboxStats(ctx, acme, now)
	require.NoError(t, err)
	assert.Equal(t, store.OutboxStats{Pending: 5, Leased: 4, Dead: 0, OldestAge: 10 * time.Second}, st)

	// At LeaseUntil the lease has expired: claimed again with a new lease.
	again, err := s.Claim(ctx, acme, now.Add(time.Minute), 1, time.Minute)
	require.NoError(t, err)
	require.Len(t, again, 1)
	assert.Equal(t, id(3), again[0].ID)
	assert.Equal(t, 2, again[0].Attempts)
	assert.NotEqual(t, got[0].Lease, again[0].Lease)
	assert.Equal(t, json.RawMessage(`{"n":1}`), again[0].Payload)

	// The first holder lost it.
	require.ErrorIs(t, s.Ack(ctx, acme, id(3), got[0].Lease), store.ErrLeaseLost)
	require.ErrorIs(t, s.Nack(ctx, acme, id(3), got[0].Lease, store.Failure{Now: now, RetryAt: now}), store.ErrLeaseLost)
	require.NoError(t, s.Ack(ctx, acme, id(3), again[0].Lease))
	require.ErrorIs(t, s.Ack(ctx, acme, id(3), again[0].Lease), store.ErrNotFound, "acked entries are gone")

	// An expired lease nobody claimed again is still the current one.
	require.NoError(t, s.Ack(ctx, acme, id(4), got[1].Lease))

	// Never held / empty lease.
	require.ErrorIs(t, s.Ack(ctx, acme, id(2), ""), store.ErrLeaseLost)
	require.ErrorIs(t, s.Ack(ctx, acme, id(2), "nope"), store.ErrLeaseLost)
	require.ErrorIs(t, s.Ack(ctx, acme, id(99), "nope"), store.ErrNotFound)
	require.ErrorIs(t, s.Ack(ctx, "globex", id(5), got[2].Lease), store.ErrNotFound, "other tenant")

	st, err = s.OutboxStats(ctx, acme, now.Add(2*time.Hour))
	require.NoError(t, err)
	assert.Equal(t, store.OutboxStats{Pending: 3, Leased: 0, Dead: 0, OldestAge: 2*time.Hour + 10*time.Second}, st)
}

func TestOutboxNackDeadLettersAndRequeue(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New(memory.WithPageSize(2))
	var es []store.OutboxEntry
	for n := 1; n <= 6; n++ {
		e := entry(n, t0.Add(time.Duration(7-n)*time.Second)) // created in reverse ID order
		e.MaxAttempts = 2
		es = append(es, e)
	}
	commit(t, s, acme, &store.Write{Outbox: es})
	now := t0.Add(time.Minute)

	claimAll := func(now time.Time) map[uuid.UUID]store.OutboxEntry {
		got, err := s.Claim(ctx, acme, now, 100, time.Minute)
		require.NoError(t, err)
		m := map[uuid.UUID]store.OutboxEntry{}
		for _, e := range got {
			m[e.ID] = e
		}
		return m
	}
	c := claimAll(now)
	require.Len(t, c, 6)

	// Retry: lease ends, error kept, available at RetryAt.
	require.NoError(t, s.Nack(ctx, acme, id(1), c[id(1)].Lease, store.Failure{Now: now, RetryAt: now.Add(time.Hour), Reason: "503"}))
	require.ErrorIs(t, s.Ack(ctx, acme, id(1), c[id(1)].Lease), store.ErrLeaseLost, "a nacked lease is over")
	// Permanent: dead at once.
	require.NoError(t, s.Nack(ctx, acme, id(2), c[id(2)].Lease, store.Failure{Now: now, RetryAt: now, Reason: "410", Permanent: true}))
	require.NoError(t, s.Nack(ctx, acme, id(3), c[id(3)].Lease, store.Failure{Now: now, RetryAt: now.Add(2 * time.Minute), Reason: "timeout"}))
	require.NoError(t, s.Nack(ctx, acme, id(4), c[id(4)].Lease, store.Failure{Now: now, RetryAt: now.Add(2 * time.Minute), Reason: "timeout"}))
	require.ErrorIs(t, s.Nack(ctx, acme, id(5), c[id(5)].Lease, store.Failure{RetryAt: now}), store.ErrInvalid, "no Now")
	require.ErrorIs(t, s.Nack(ctx, acme, id(99), "x", store.Failure{Now: now}), store.ErrNotFound)

	assert.Empty(t, claimAll(now.Add(time.Second)), "1 waits, 2 dead, 3..6 leased")
	c2 := claimAll(now.Add(2 * time.Minute)) // 3, 4 retry; 5, 6 expired
	require.Len(t, c2, 4)
	assert.Equal(t, 2, c2[id(3)].Attempts)
	assert.Equal(t, "timeout", c2[id(3)].LastError)
	// Second failure reaches MaxAttempts 2: dead.
	later := now.Add(2*time.Minute + 30*time.Second) // 5 and 6 still leased
	require.NoError(t, s.Nack(ctx, acme, id(3), c2[id(3)].Lease, store.Failure{Now: later, RetryAt: later, Reason: "timeout again"}))
	require.NoError(t, s.Nack(ctx, acme, id(4), c2[id(4)].Lease, store.Failure{Now: later.Add(time.Second), RetryAt: later, Reason: "x", Permanent: true}))

	st, err := s.OutboxStats(ctx, acme, later)
	require.NoError(t, err)
	// 1 pending (waiting), 5 and 6 leased; oldest pending is 6 (t0+1s).
	assert.Equal(t, store.OutboxStats{Pending: 3, Leased: 2, Dead: 3, OldestAge: later.Sub(t0.Add(time.Second))}, st)

	dead := collect(t, s.DeadLetters(ctx, acme))
	// Oldest first by CreatedAt: 4 (t0+3s), 3 (t0+4s), 2 (t0+5s).
	require.Len(t, dead, 3)
	assert.Equal(t, []uuid.UUID{id(4), id(3), id(2)}, []uuid.UUID{dead[0].ID, dead[1].ID, dead[2].ID})
	assert.Equal(t, later, dead[1].DeadAt)
	assert.Equal(t, "timeout again", dead[1].LastError)
	assert.Equal(t, 2, dead[1].Attempts)
	assert.Empty(t, dead[1].Lease)
	assert.Empty(t, collect(t, s.DeadLetters(ctx, "globex")))

	// A dead letter is never claimed; Requeue revives it.
	assert.NotContains(t, claimAll(later.Add(time.Hour)), id(3))
	require.ErrorIs(t, s.Requeue(ctx, acme, id(1), later), store.ErrNotFound, "not dead")
	require.ErrorIs(t, s.Requeue(ctx, acme, id(99), later), store.ErrNotFound)
	require.ErrorIs(t, s.Requeue(ctx, "globex", id(3), later), store.ErrNotFound)
	require.NoError(t, s.Requeue(ctx, acme, id(3), later.Add(2*time.Hour)))
	assert.Empty(t, claimAll(later.Add(time.Hour)), "available from the requeue time")
	c3 := claimAll(later.Add(2 * time.Hour))
	require.Contains(t, c3, id(3))
	assert.Equal(t, 1, c3[id(3)].Attempts, "attempts restart")
	assert.Zero(t, c3[id(3)].DeadAt)
	require.NoError(t, s.Ack(ctx, acme, id(3), c3[id(3)].Lease))
	// 5, 6 (at now+2m) and 1 (at later+1h) were claimed a second time,
	// their last allowed attempt, and their leases expired: the next Claim
	// (at later+1h and later+2h) dead-lettered them instead of returning
	// them, keeping 1's last error.
	assert.NotContains(t, c3, id(1))
	assert.NotContains(t, c3, id(5))
	assert.NotContains(t, c3, id(6))
	dead = collect(t, s.DeadLetters(ctx, acme))
	require.Len(t, dead, 5)
	assert.Equal(t, []uuid.UUID{id(6), id(5), id(4), id(2), id(1)}, []uuid.UUID{dead[0].ID, dead[1].ID, dead[2].ID, dead[3].ID, dead[4].ID})
	for i, want := range []string{"lease expired after 2 attempts", "lease expired after 2 attempts", "x", "410", "503"} {
		assert.Equal(t, want, dead[i].LastError, "%s", dead[i].ID)
	}
	assert.Equal(t, later.Add(time.Hour), dead[0].DeadAt, "dead-lettered by the Claim, at its now")
	assert.Equal(t, later.Add(2*time.Hour), dead[4].DeadAt, "dead-lettered by the Claim, at its now")
	assert.Empty(t, dead[0].Lease)
	assert.Equal(t, 2, dead[0].Attempts)
	require.ErrorIs(t, s.Ack(ctx, acme, id(6), c2[id(6)].Lease), store.ErrLeaseLost, "the dead-lettering ended the expired lease")
}

func TestOutboxArguments(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New()
	commit(t, s, acme, &store.Write{Outbox: []store.OutboxEntry{entry(1, t0)}})
	for _, c := range []struct {
		n     int
		lease time.Duration
	}{{0, time.Minute}, {-1, time.Minute}, {1, 0}, {1, -time.Second}} {
		_, err := s.Claim(ctx, acme, t0, c.n, c.lease)
		require.ErrorIs(t, err, store.ErrInvalid, "%+v", c)
	}
	_, err := s.Claim(ctx, "", t0, 1, time.Minute)
	require.ErrorIs(t, err, store.ErrInvalid)
	got, err := s.Claim(ctx, "globex", t0, 1, time.Minute)
	require.NoError(t, err)
	assert.Empty(t, got, "other tenant")
	_, err = s.OutboxStats(ctx, "", t0)
	require.ErrorIs(t, err, store.ErrInvalid)
	st, err := s.OutboxStats(ctx, acme, t0.Add(-time.Hour))
	require.NoError(t, err)
	assert.Equal(t, store.OutboxStats{Pending: 1}, st, "age never negative")

	done, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.Claim(done, acme, t0, 1, time.Minute)
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.Ack(done, acme, id(1), "x"), context.Canceled)
	require.ErrorIs(t, s.Requeue(done, acme, id(1), t0), context.Canceled)
}

// Concurrent relays never hold the same entry at once, and every entry is
// delivered.
func TestOutboxConcurrentClaims(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New()
	const entries = 500
	w := &store.Write{}
	for n := 1; n <= entries; n++ {
		w.Outbox = append(w.Outbox, entry(n, t0.Add(time.Duration(n)*time.Millisecond)))
	}
	commit(t, s, acme, w)
	var mu sync.Mutex
	acked := map[uuid.UUID]int{}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for {
				got, err := s.Claim(ctx, acme, t0.Add(time.Second), 7, time.Hour)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				for _, e := range got {
					if err := s.Ack(ctx, acme, e.ID, e.Lease); err != nil {
						t.Error(err)
						return
					}
					mu.Lock()
					acked[e.ID]++
					mu.Unlock()
				}
			}
		})
	}
	noHang(t, "8 relays draining the outbox", func() error { wg.Wait(); return nil })
	assert.Len(t, acked, entries)
	for k, n := range acked {
		assert.Equal(t, 1, n, "%s", k)
	}
}

// ---- Timers ----

func TestTimers(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New()
	commit(t, s, acme, &store.Write{Timers: []store.Timer{
		{Key: "c", RecordID: id(1), Kind: "escalate", DueAt: t0.Add(2 * time.Minute), Payload: json.RawMessage(`{"p":1}`)},
		{Key: "a", RecordID: id(1), Kind: "acknowledge", DueAt: t0.Add(time.Minute)},
		{Key: "b", RecordID: id(2), Kind: "acknowledge", DueAt: t0.Add(time.Minute)},
		{Key: "later", RecordID: id(2), Kind: "report_due", DueAt: t0.Add(time.Hour)},
		{Key: "fired", RecordID: id(3), Kind: "acknowledge", DueAt: t0, FiredAt: t0},
	}})

	due, err := s.DueTimers(ctx, acme, t0.Add(2*time.Minute), 10)
	require.NoError(t, err)
	keys := func(ts []store.Timer) (out []string) {
		for _, tm := range ts {
			out = append(out, tm.Key)
		}
		return out
	}
	assert.Equal(t, []string{"a", "b", "c"}, keys(due), "earliest first, then key; DueAt ≤ now; fired never")
	assert.Equal(t, int64(1), due[0].Version)
	due[2].Payload[0] = 'X'

	due, err = s.DueTimers(ctx, acme, t0.Add(2*time.Minute), 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"a", "b"}, keys(due))

	// Fire "a" with the version read; a second replica firing it conflicts.
	fire := due[0]
	fire.FiredAt = t0.Add(2 * time.Minute)
	commit(t, s, acme, &store.Write{Timers: []store.Timer{fire}})
	again := due[0]
	again.FiredAt = t0.Add(3 * time.Minute)
	require.ErrorIs(t, s.Commit(ctx, acme, &store.Write{Timers: []store.Timer{again}}), store.ErrConflict)

	due, err = s.DueTimers(ctx, acme, t0.Add(24*time.Hour), 10)
	require.NoError(t, err)
	assert.Equal(t, []string{"b", "c", "later"}, keys(due))
	assert.Equal(t, json.RawMessage(`{"p":1}`), due[1].Payload)

	tm, err := s.GetTimer(ctx, acme, "a")
	require.NoError(t, err)
	assert.Equal(t, int64(2), tm.Version)
	assert.Equal(t, t0.Add(2*time.Minute), tm.FiredAt)
	_, err = s.GetTimer(ctx, acme, "nope")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetTimer(ctx, "globex", "a")
	require.ErrorIs(t, err, store.ErrNotFound)

	for _, n := range []int{0, -1} {
		_, err = s.DueTimers(ctx, acme, t0, n)
		require.ErrorIs(t, err, store.ErrInvalid)
	}
	due, err = s.DueTimers(ctx, "globex", t0.Add(24*time.Hour), 10)
	require.NoError(t, err)
	assert.Empty(t, due)
}

// The index of unfired timers follows every kind of change: create,
// reschedule earlier and later, fire, and un-fire; DueTimers agrees with
// a scan of every timer at every step.
func TestDueTimersIndex(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New()
	rng := rand.New(rand.NewPCG(7, 27035))
	const timers = 200
	keys := make([]string, timers)
	w := &store.Write{}
	for i := range keys {
		keys[i] = fmt.Sprintf("k%03d", i)
		// Many share a due time, so ties are broken by key.
		w.Timers = append(w.Timers, store.Timer{Key: keys[i], Kind: "escalate", DueAt: t0.Add(time.Duration(rng.IntN(50)) * time.Minute)})
	}
	commit(t, s, acme, w)
	for step := range 200 {
		k := keys[rng.IntN(timers)]
		tm, err := s.GetTimer(ctx, acme, k)
		require.NoError(t, err)
		switch rng.IntN(3) {
		case 0:
			tm.DueAt = t0.Add(time.Duration(rng.IntN(50)) * time.Minute)
		case 1:
			tm.FiredAt = t0.Add(time.Duration(step) * time.Second)
		default:
			tm.FiredAt = time.Time{}
		}
		commit(t, s, acme, &store.Write{Timers: []store.Timer{tm}})

		now := t0.Add(time.Duration(rng.IntN(60)) * time.Minute)
		var want []string
		dueAt := map[string]time.Time{}
		for _, k := range keys { // in key order
			tm, err := s.GetTimer(ctx, acme, k)
			require.NoError(t, err)
			if tm.FiredAt.IsZero() && !tm.DueAt.After(now) {
				want = append(want, k)
				dueAt[k] = tm.DueAt
			}
		}
		slices.SortStableFunc(want, func(a, b string) int { return dueAt[a].Compare(dueAt[b]) })
		n := 1 + rng.IntN(timers)
		due, err := s.DueTimers(ctx, acme, now, n)
		require.NoError(t, err)
		var got []string
		for _, d := range due {
			got = append(got, d.Key)
		}
		require.Equal(t, want[:min(n, len(want))], got, "step %d", step)
	}
}

// ---- Documents ----

func TestDocuments(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New(memory.WithPageSize(2))
	w := &store.Write{}
	for i, idx := range []map[string]string{
		{"incident": "1", "status": "open"},
		{"incident": "1", "status": "done"},
		{"incident": "2", "status": "open"},
		nil,
		{"incident": "1", "status": "open", "owner": "x"},
	} {
		w.Documents = append(w.Documents, store.Document{Collection: "lessons.action", ID: fmt.Sprintf("d%d", 5-i), Index: idx, Body: json.RawMessage(fmt.Sprintf(`{"i":%d}`, i)), UpdatedAt: t0})
	}
	w.Documents = append(w.Documents, store.Document{Collection: "lessons.review", ID: "d1", Index: map[string]string{"incident": "1"}, Body: json.RawMessage(`{}`)})
	commit(t, s, acme, w)

	docIDs := func(ds []store.Document) (out []string) {
		for _, d := range ds {
			out = append(out, d.ID)
		}
		return out
	}
	for _, c := range []struct {
		match map[string]string
		want  []string
	}{
		{nil, []string{"d1", "d2", "d3", "d4", "d5"}},
		{map[string]string{}, []string{"d1", "d2", "d3", "d4", "d5"}},
		{map[string]string{"incident": "1"}, []string{"d1", "d4", "d5"}},
		{map[string]string{"incident": "1", "status": "open"}, []string{"d1", "d5"}},
		{map[string]string{"owner": ""}, nil},
		{map[string]string{"incident": "3"}, nil},
	} {
		assert.Equal(t, c.want, docIDs(collect(t, s.ListDocuments(ctx, acme, "lessons.action", c.match))), "%v", c.match)
	}
	assert.Empty(t, collect(t, s.ListDocuments(ctx, acme, "nope", nil)))
	assert.Empty(t, collect(t, s.ListDocuments(ctx, "globex", "lessons.action", nil)))

	d, err := s.GetDocument(ctx, acme, "lessons.action", "d5")
	require.NoError(t, err)
	assert.Equal(t, int64(1), d.Version)
	assert.Equal(t, map[string]string{"incident": "1", "status": "open"}, d.Index)
	d.Index["status"] = "mutated"
	d.Body[0] = 'X'
	d2, err := s.GetDocument(ctx, acme, "lessons.action", "d5")
	require.NoError(t, err)
	assert.Equal(t, "open", d2.Index["status"])
	assert.Equal(t, json.RawMessage(`{"i":0}`), d2.Body)

	_, err = s.GetDocument(ctx, acme, "lessons.review", "d5")
	require.ErrorIs(t, err, store.ErrNotFound)
	_, err = s.GetDocument(ctx, "globex", "lessons.action", "d5")
	require.ErrorIs(t, err, store.ErrNotFound)

	// An update inside the loop re-indexes without deadlock or repeats.
	n := 0
	noHang(t, "a ListDocuments loop updating documents", func() error {
		for d, err := range s.ListDocuments(ctx, acme, "lessons.action", map[string]string{"incident": "1"}) {
			if err != nil {
				return err
			}
			d.Index["status"] = "closed"
			if err := s.Commit(ctx, acme, &store.Write{Documents: []store.Document{d}}); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	assert.Equal(t, 3, n)
	assert.Equal(t, []string{"d1", "d4", "d5"}, docIDs(collect(t, s.ListDocuments(ctx, acme, "lessons.action", map[string]string{"status": "closed"}))))
}

// ---- Tenants ----

func TestTenantIsolation(t *testing.T) {
	ctx := ctxFor(t)
	s := memory.New()
	for _, tenant := range []string{acme, "globex"} {
		inc := newIncident(1)
		inc.Org = tenant
		commit(t, s, tenant, &store.Write{
			Create:    []incident.Record{inc},
			Audit:     []store.AuditRecord{{RecordID: id(1), Seq: 1, Action: tenant}},
			Outbox:    []store.OutboxEntry{entry(1, t0)},
			Timers:    []store.Timer{{Key: "k", DueAt: t0, Kind: tenant}},
			Documents: []store.Document{{Collection: "c", ID: "d", Body: json.RawMessage(`"` + tenant + `"`)}},
		})
	}
	r := getIncident(t, s, acme, 1)
	r.Title = "acme's"
	commit(t, s, acme, &store.Write{Update: []incident.Record{r}})
	assert.Equal(t, "incident 1", getIncident(t, s, "globex", 1).Title)
	assert.Equal(t, int64(1), getIncident(t, s, "globex", 1).Version)
	assert.Equal(t, "globex", trail(t, s, "globex", id(1))[0].Action)

	c, err := s.Claim(ctx, acme, t0, 10, time.Minute)
	require.NoError(t, err)
	require.Len(t, c, 1)
	require.ErrorIs(t, s.Ack(ctx, "globex", id(1), c[0].Lease), store.ErrLeaseLost, "globex's own entry, not acme's lease")
	require.NoError(t, s.Ack(ctx, acme, id(1), c[0].Lease))
	st, err := s.OutboxStats(ctx, "globex", t0)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Pending)

	tm, err := s.GetTimer(ctx, "globex", "k")
	require.NoError(t, err)
	assert.Equal(t, "globex", tm.Kind)
	d, err := s.GetDocument(ctx, "globex", "c", "d")
	require.NoError(t, err)
	assert.Equal(t, json.RawMessage(`"globex"`), d.Body)
}

// TestHugePageSize: asking for "no paging" with a huge page size must not
// overflow the scan limit and spin.
func TestHugePageSize(t *testing.T) {
	s := memory.New(memory.WithPageSize(1 << 62))
	createIncidents(t, s, acme, 1, 2, 3)
	noHang(t, "List with a huge page size", func() error {
		n := 0
		for _, err := range s.List(context.Background(), acme, store.Query{Kind: incident.KindIncident}) {
			if err != nil {
				return err
			}
			n++
		}
		if n != 3 {
			return fmt.Errorf("listed %d incidents, want 3", n)
		}
		return nil
	})
}
