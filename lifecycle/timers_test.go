package lifecycle_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
)

// tick fires the timers due at at.
// tick ticks at at and returns the counts; the listed timers are checked
// against them (one entry per fired or quiet timer) and then dropped, so
// tests compare counts.
func (h *harness) tick(at time.Time) lifecycle.TickResult {
	h.t.Helper()
	res, err := h.e.Tick(h.ctx, at)
	require.NoError(h.t, err)
	require.Len(h.t, res.Timers, res.Fired+res.Quiet)
	quiet := 0
	for _, f := range res.Timers {
		if f.Quiet {
			quiet++
		}
	}
	require.Equal(h.t, res.Quiet, quiet)
	res.Timers = nil
	return res
}

// timerAudits returns the audit records timers wrote on a record.
func (h *harness) timerAudits(id uuid.UUID) []store.AuditRecord {
	h.t.Helper()
	var out []store.AuditRecord
	for _, a := range h.trail(id) {
		if a.Action == string(lifecycle.ActionTimer) {
			out = append(out, a)
		}
	}
	return out
}

// pending returns the unfired timer of a record of a kind whose key ends
// with suffix.
func (h *harness) pending(id uuid.UUID, kind, suffix string) (store.Timer, bool) {
	h.t.Helper()
	ts, err := h.st.DueTimers(h.ctx, acme, farFuture, 100_000)
	require.NoError(h.t, err)
	for _, tm := range ts {
		if tm.RecordID == id && tm.Kind == kind && strings.HasSuffix(tm.Key, suffix) {
			return tm, true
		}
	}
	return store.Timer{}, false
}

// notified drains the outbox and returns the entries of type typ, failing
// on any other type but those in also.
func (h *harness) notified(typ string) []store.OutboxEntry {
	h.t.Helper()
	var out []store.OutboxEntry
	for _, e := range h.drain() {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

func dueAt(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func TestAcknowledgeTimerPerSeverity(t *testing.T) {
	for _, tc := range []struct {
		severity incident.Severity
		within   time.Duration
	}{
		{incident.SeverityCritical, 15 * time.Minute},
		{incident.SeverityHigh, time.Hour},
		{incident.SeverityMedium, 4 * time.Hour},
		{incident.SeverityLow, 24 * time.Hour},
		{"", 24 * time.Hour},
	} {
		t.Run(fmt.Sprintf("%s unacknowledged escalates once", tc.severity), func(t *testing.T) {
			h := newHarness(t)
			ev := h.newEvent("Beacon", func(ev *incident.Event) { ev.Severity = tc.severity })
			due := ev.CreatedAt.Add(tc.within)
			h.drain()

			assert.Equal(t, lifecycle.TickResult{}, h.tick(due.Add(-time.Microsecond)))
			assert.Equal(t, lifecycle.TickResult{Fired: 1}, h.tick(due))
			audits := h.timerAudits(ev.ID)
			require.Len(t, audits, 1)
			a := audits[0]
			assert.Equal(t, lifecycle.TimerActor, a.Actor)
			assert.Equal(t, lifecycle.TimerAcknowledge, dataOf(t, a)["timer"])
			assert.Equal(t, dueAt(due), dataOf(t, a)["due_at"])
			assert.True(t, a.At.Equal(due), "the audit record is dated when the timer fired")
			assert.EqualValues(t, a.Seq, h.get(lifecycle.KeyOf(ev)).Head().Version)
			entries := h.drain()
			require.Len(t, entries, 1)
			assert.Equal(t, lifecycle.TypeEscalation, entries[0].Type)
			assert.Equal(t, fmt.Sprintf("%s/%d", ev.ID, a.Seq), entries[0].IdempotencyKey)

			// Once only, however often and late Tick runs.
			assert.Equal(t, lifecycle.TickResult{}, h.tick(due.Add(time.Minute)))
			assert.Equal(t, lifecycle.TickResult{}, h.tick(due.Add(30*24*time.Hour)))
			assert.Len(t, h.timerAudits(ev.ID), 1)
			_, err := h.e.Verify(h.ctx, lifecycle.KeyOf(ev))
			require.NoError(t, err)
		})
		t.Run(fmt.Sprintf("%s acknowledged is quiet", tc.severity), func(t *testing.T) {
			h := newHarness(t)
			ev := h.newEvent("Beacon", func(ev *incident.Event) { ev.Severity = tc.severity })
			due := ev.CreatedAt.Add(tc.within)
			_, err := h.e.Transition(h.ctx, actPOC, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge)
			require.NoError(t, err)
			h.drain()

			assert.Equal(t, lifecycle.TickResult{Quiet: 1}, h.tick(due))
			assert.Empty(t, h.timerAudits(ev.ID))
			assert.Empty(t, h.drain())
			assert.Equal(t, lifecycle.TickResult{}, h.tick(due.Add(time.Hour)))
		})
	}
}

func TestClassifyMovesTheAcknowledgeClock(t *testing.T) {
	h := newHarness(t)
	ev := h.newEvent("Beacon")
	key := lifecycle.KeyOf(ev)
	h.apply(actPOC, key, lifecycle.Classify{Severity: incident.SeverityCritical})
	due := ev.CreatedAt.Add(15 * time.Minute)
	tm, ok := h.pending(ev.ID, lifecycle.TimerAcknowledge, "")
	require.True(t, ok)
	assert.True(t, tm.DueAt.Equal(due), "critical: 15 minutes from creation, not 24 hours")
	h.drain()

	assert.Equal(t, 1, h.tick(due).Fired)
	require.Len(t, h.notified(lifecycle.TypeEscalation), 1)

	// A change that does not move the deadline does not escalate again.
	h.apply(actPOC, key, lifecycle.Classify{Priority: incident.P1})
	h.drain()
	assert.Zero(t, h.tick(due.Add(time.Minute)).Fired, "an escalation already sent is not repeated")
	assert.Len(t, h.timerAudits(ev.ID), 1)

	// Acknowledged now: nothing more, whatever the classification.
	_, err := h.e.Transition(h.ctx, actPOC, key, lifecycle.ActionAcknowledge)
	require.NoError(t, err)
	h.apply(actPOC, key, lifecycle.Classify{Severity: incident.SeverityLow})
	assert.Zero(t, h.tick(due.Add(48*time.Hour)).Fired)
}

func TestTaskDueTimer(t *testing.T) {
	h := newHarness(t)
	inc := h.respond(incident.SeverityLow)
	key := lifecycle.KeyOf(inc)
	due := h.clock.Peek().Add(time.Hour)
	h.apply(actIM, key, lifecycle.AddTask{Task: incident.Task{ID: "late", Title: "Collect logs", Due: due}})
	h.apply(actIM, key, lifecycle.AddTask{Task: incident.Task{ID: "done", Title: "Reset passwords", Due: due}})
	h.apply(actIM, key, lifecycle.SetTask{TaskID: "done", Status: incident.TaskDone})
	h.apply(actIM, key, lifecycle.AddTask{Task: incident.Task{ID: "moved", Title: "Brief the board", Due: due}})
	h.apply(actIM, key, lifecycle.SetTask{TaskID: "moved", Due: due.Add(2 * time.Hour)})
	h.drain()

	assert.Equal(t, lifecycle.TickResult{}, h.tick(due.Add(-time.Microsecond)))
	// The finished task's timer is quiet; the moved one is not due yet.
	assert.Equal(t, lifecycle.TickResult{Fired: 1, Quiet: 1}, h.tick(due))
	overdue := h.notified(lifecycle.TypeTaskOverdue)
	require.Len(t, overdue, 1)
	audits := h.timerAudits(inc.ID)
	require.Len(t, audits, 1)
	assert.Equal(t, "late", dataOf(t, audits[0])["task"])
	assert.Equal(t, lifecycle.TimerTaskDue, dataOf(t, audits[0])["timer"])

	assert.Equal(t, lifecycle.TickResult{}, h.tick(due.Add(time.Hour)))
	assert.Equal(t, lifecycle.TickResult{Fired: 1}, h.tick(due.Add(2*time.Hour)))
	audits = h.timerAudits(inc.ID)
	require.Len(t, audits, 2)
	assert.Equal(t, "moved", dataOf(t, audits[1])["task"])

	// Changing the task again does not make it overdue a second time.
	h.apply(actIM, key, lifecycle.SetTask{TaskID: "late", Assignee: actIRT.ID})
	assert.Zero(t, h.tick(due.Add(3*time.Hour)).Fired)
	assert.Len(t, h.timerAudits(inc.ID), 2)
}

// reportSource owes two reports: "notify", due 72 hours after the
// declaration, or 24 when a thousand data subjects or more are affected;
// and "legal", due after 100 hours with a legal end 12 hours later.
var reportSource = lifecycle.ObligationSourceFunc(func(_ context.Context, inc *incident.Incident) ([]incident.Obligation, error) {
	start := inc.Timeline.Declared.At
	period := 72 * time.Hour
	if inc.Facts.DataSubjects.Known() && inc.Facts.DataSubjects.Value >= 1000 {
		period = 24 * time.Hour
	}
	return []incident.Obligation{
		{ID: "notify", Regime: "gdpr", Report: "notification", Authority: "dpa", StartEvent: "declared", StartAt: start,
			Due: start.Add(period), Article: "GDPR Art. 33(1)"},
		{ID: "legal", Regime: "sec", Report: "8-K", Authority: "sec", StartEvent: "declared", StartAt: start,
			Due: start.Add(100 * time.Hour), LegalEnd: start.Add(112 * time.Hour), Article: "Form 8-K Item 1.05"},
	}, nil
})

func TestReportTimers(t *testing.T) {
	t.Run("due soon, then overdue", func(t *testing.T) {
		h := newHarness(t, lifecycle.WithObligationSource(reportSource))
		inc := h.respond(incident.SeverityLow)
		declared := inc.Timeline.Declared.At
		due := declared.Add(72 * time.Hour)
		h.tick(declared.Add(47 * time.Hour)) // the event's acknowledge timer, quiet
		h.drain()

		assert.Zero(t, h.tick(due.Add(-24*time.Hour-time.Microsecond)).Fired)
		assert.Equal(t, lifecycle.TickResult{Fired: 1}, h.tick(due.Add(-24*time.Hour)))
		soon := h.notified(lifecycle.TypeReportDueSoon)
		require.Len(t, soon, 1)
		audits := h.timerAudits(inc.ID)
		require.Len(t, audits, 1)
		d := dataOf(t, audits[0])
		assert.Equal(t, "notify", d["obligation"])
		assert.Equal(t, "gdpr", d["regime"])
		assert.Equal(t, "GDPR Art. 33(1)", d["article"])
		assert.Equal(t, lifecycle.TimerReportDueSoon, d["timer"])

		assert.Zero(t, h.tick(due.Add(-time.Microsecond)).Fired)
		assert.Equal(t, lifecycle.TickResult{Fired: 1}, h.tick(due))
		require.Len(t, h.notified(lifecycle.TypeReportOverdue), 1)

		// The legal end, not the due time, makes a report overdue.
		legalDue := declared.Add(100 * time.Hour)
		assert.Equal(t, lifecycle.TickResult{Fired: 1}, h.tick(legalDue.Add(-24*time.Hour)), "due soon runs from Due")
		assert.Zero(t, h.tick(legalDue).Fired)
		assert.Zero(t, h.tick(declared.Add(112*time.Hour-time.Microsecond)).Fired)
		assert.Equal(t, lifecycle.TickResult{Fired: 1}, h.tick(declared.Add(112*time.Hour)))
		require.Len(t, h.notified(lifecycle.TypeReportOverdue), 1)
		assert.Len(t, h.timerAudits(inc.ID), 4)

		// Each once.
		assert.Equal(t, lifecycle.TickResult{}, h.tick(declared.Add(1000*time.Hour)))
		_, err := h.e.Verify(h.ctx, lifecycle.KeyOf(inc))
		require.NoError(t, err)
	})

	t.Run("quiet once submitted or waived", func(t *testing.T) {
		h := newHarness(t, lifecycle.WithObligationSource(reportSource))
		inc := h.respond(incident.SeverityLow)
		declared := inc.Timeline.Declared.At
		h.apply(actDPO, lifecycle.KeyOf(inc), lifecycle.SubmitReport{ObligationID: "notify"})
		h.apply(actDPO, lifecycle.KeyOf(inc), lifecycle.WaiveReport{ObligationID: "legal", Reason: "not material"})
		h.drain()

		res := h.tick(declared.Add(1000 * time.Hour))
		assert.Zero(t, res.Fired)
		assert.Equal(t, 5, res.Quiet, "four report timers and the event's acknowledge timer")
		assert.Empty(t, h.timerAudits(inc.ID))
		assert.Empty(t, h.drain())
	})
}

func TestSetFactMovesTheReportTimer(t *testing.T) {
	h := newHarness(t, lifecycle.WithObligationSource(reportSource))
	inc := h.respond(incident.SeverityLow)
	key := lifecycle.KeyOf(inc)
	declared := inc.Timeline.Declared.At
	oldDue, newDue := declared.Add(72*time.Hour), declared.Add(24*time.Hour)
	tm, ok := h.pending(inc.ID, lifecycle.TimerReportOverdue, "/notify/overdue")
	require.True(t, ok)
	require.True(t, tm.DueAt.Equal(oldDue))

	rec := h.apply(actDPO, key, lifecycle.SetFact{Name: "data_subjects", Value: 5000, Source: "crm export"})
	tr := h.trail(inc.ID)
	assert.Equal(t, []any{"notify"}, dataOf(t, tr[len(tr)-1])["obligations"], "the audit record names the moved report")
	assert.True(t, asIncident(t, rec).Obligations[0].Due.Equal(newDue))
	tm, ok = h.pending(inc.ID, lifecycle.TimerReportOverdue, "/notify/overdue")
	require.True(t, ok)
	assert.True(t, tm.DueAt.Equal(newDue), "the overdue timer is re-armed at the new due time")
	tm, ok = h.pending(inc.ID, lifecycle.TimerReportDueSoon, "/notify/due_soon")
	require.True(t, ok)
	assert.True(t, tm.DueAt.Equal(declared), "due soon runs 24 hours before the new due time")
	h.drain()

	res := h.tick(newDue.Add(-time.Microsecond))
	assert.Equal(t, 1, res.Fired, "due soon")
	assert.Equal(t, 1, h.tick(newDue).Fired, "overdue at the new due time")
	assert.Len(t, h.notified(lifecycle.TypeReportOverdue), 1)
	assert.Zero(t, h.tick(oldDue).Fired, "nothing is left at the old due time")

	// A fact that does not move the deadline does not re-fire it.
	h.apply(actDPO, key, lifecycle.SetFact{Name: "ransom_paid", Value: false})
	h.apply(actDPO, key, lifecycle.SetFact{Name: "data_subjects", Value: 6000, Source: "second export"})
	h.drain()
	assert.Zero(t, h.tick(oldDue.Add(time.Hour)).Fired, "a report overdue once is not overdue again")
	assert.Empty(t, h.notified(lifecycle.TypeReportOverdue))

	// Moving it again (back to 72 hours) re-arms it for the new time.
	h.apply(actDPO, key, lifecycle.SetFact{Name: "data_subjects", Value: 10, Source: "deduplicated"})
	tm, ok = h.pending(inc.ID, lifecycle.TimerReportOverdue, "/notify/overdue")
	require.True(t, ok)
	assert.True(t, tm.DueAt.Equal(oldDue))
	h.drain()
	assert.Equal(t, 2, h.tick(oldDue.Add(2*time.Hour)).Fired, "due soon and overdue at the moved time")

	// Submitted: the timers have nothing left to do.
	h.apply(actDPO, key, lifecycle.SetFact{Name: "data_subjects", Value: 5000, Source: "recount"})
	h.apply(actDPO, key, lifecycle.SubmitReport{ObligationID: "notify"})
	h.drain()
	res = h.tick(oldDue.Add(3 * time.Hour))
	assert.Zero(t, res.Fired)
	_, err := h.e.Verify(h.ctx, key)
	require.NoError(t, err)
}

// tickAll ticks e at now until no timer is due, and adds up the results.
func tickAll(t *testing.T, st store.Store, e *lifecycle.Engine, now time.Time) lifecycle.TickResult {
	var sum lifecycle.TickResult
	for range 1000 {
		res, err := e.Tick(context.Background(), now)
		if !assert.NoError(t, err) {
			return sum
		}
		sum.Fired += res.Fired
		sum.Quiet += res.Quiet
		sum.Lost += res.Lost
		due, err := st.DueTimers(context.Background(), acme, now, 1)
		if !assert.NoError(t, err) || len(due) == 0 {
			return sum
		}
	}
	t.Error("timers still due after 1000 ticks")
	return sum
}

// TestTwoEnginesFireEachTimerOnce has two engines tick the same store at
// the same time: each due timer fires exactly once.
func TestTwoEnginesFireEachTimerOnce(t *testing.T) {
	race := func(t *testing.T, h *harness, now time.Time) [2]lifecycle.TickResult {
		t.Helper()
		engines := [2]*lifecycle.Engine{h.e, h.engine()}
		var results [2]lifecycle.TickResult
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i, e := range engines {
			wg.Go(func() {
				<-start
				results[i] = tickAll(t, h.st, e, now)
			})
		}
		close(start)
		wg.Wait()
		due, err := h.st.DueTimers(h.ctx, acme, now, 1)
		require.NoError(t, err)
		require.Empty(t, due)
		t.Logf("tick results: %+v", results)
		return results
	}

	t.Run("one timer per record", func(t *testing.T) {
		const n = 200
		h := newHarness(t)
		var keys []lifecycle.Key
		for i := range n {
			ev := h.newEvent(fmt.Sprint("Event ", i))
			if i%2 == 0 {
				_, err := h.e.Transition(h.ctx, actPOC, lifecycle.KeyOf(ev), lifecycle.ActionAcknowledge)
				require.NoError(t, err)
			}
			keys = append(keys, lifecycle.KeyOf(ev))
		}
		h.drain()
		now := h.clock.Peek().Add(25 * time.Hour)

		res := race(t, h, now)
		assert.Equal(t, n/2, res[0].Fired+res[1].Fired, "every unacknowledged event escalates once")
		assert.Equal(t, n/2, res[0].Quiet+res[1].Quiet)
		assert.LessOrEqual(t, res[0].Lost+res[1].Lost, n, "a timer is lost at most by the engine that did not fire it")
		assert.Equal(t, n/2, h.auditCount(lifecycle.ActionTimer))
		seen := map[string]bool{}
		for _, e := range h.drain() {
			require.Equal(t, lifecycle.TypeEscalation, e.Type)
			require.False(t, seen[e.IdempotencyKey], "escalated twice: %s", e.IdempotencyKey)
			seen[e.IdempotencyKey] = true
		}
		assert.Len(t, seen, n/2)
		for i, k := range keys {
			assert.Len(t, h.timerAudits(k.ID), i%2, "acknowledged events are quiet")
			_, err := h.e.Verify(h.ctx, k)
			require.NoError(t, err)
		}
	})

	t.Run("several timers per record", func(t *testing.T) {
		const records, perRecord = 40, 3
		h := newHarness(t)
		var keys []lifecycle.Key
		due := tStart.Add(12 * time.Hour)
		for range records {
			inc := h.respond(incident.SeverityLow)
			for j := range perRecord {
				h.apply(actIM, lifecycle.KeyOf(inc), lifecycle.AddTask{Task: incident.Task{ID: fmt.Sprint("t", j), Title: "Task", Due: due}})
			}
			keys = append(keys, lifecycle.KeyOf(inc))
		}
		h.drain()

		res := race(t, h, due)
		assert.Equal(t, records*perRecord, res[0].Fired+res[1].Fired)
		assert.Zero(t, res[0].Quiet+res[1].Quiet)
		assert.Equal(t, records*perRecord, h.auditCount(lifecycle.ActionTimer))
		entries := h.drain()
		assert.Len(t, entries, records*perRecord)
		for _, e := range entries {
			assert.Equal(t, lifecycle.TypeTaskOverdue, e.Type)
		}
		for _, k := range keys {
			audits := h.timerAudits(k.ID)
			require.Len(t, audits, perRecord)
			tasks := map[any]bool{}
			for _, a := range audits {
				tasks[dataOf(t, a)["task"]] = true
			}
			assert.Len(t, tasks, perRecord, "each task's timer once")
			_, err := h.e.Verify(h.ctx, k)
			require.NoError(t, err)
		}
	})
}

func TestRefreshObligationsAndJoinedSources(t *testing.T) {
	// A second source whose deadline appears from outside the record: a
	// partner's request arrives after the incident was declared.
	var requested time.Time
	partner := lifecycle.ObligationSourceFunc(func(_ context.Context, inc *incident.Incident) ([]incident.Obligation, error) {
		if requested.IsZero() {
			return nil, nil
		}
		return []incident.Obligation{{ID: "coordination/case-1/M0002", Regime: "coordination", Report: "request",
			Authority: "national-csirt", StartEvent: "message_received", StartAt: requested,
			Due: requested.Add(4 * time.Hour), Article: "ISO/IEC 27035-4:2024 coordination agreement"}}, nil
	})
	h := newHarness(t, lifecycle.WithObligationSource(lifecycle.ObligationSources(reportSource, nil, partner)))
	inc := h.respond(incident.SeverityLow)
	key := lifecycle.KeyOf(inc)
	before, ok := h.get(key).(*incident.Incident)
	require.True(t, ok)
	require.Len(t, before.Obligations, 2, "the regulatory reports only")

	_, err := h.e.Apply(h.ctx, actIM, key, lifecycle.RefreshObligations{})
	require.Error(t, err, "a refresh says why")

	requested = inc.Timeline.Declared.At.Add(time.Hour)
	h.apply(actIM, key, lifecycle.RefreshObligations{Reason: "request M0002 in case case-1"})
	got, ok := h.get(key).(*incident.Incident)
	require.True(t, ok)
	require.Len(t, got.Obligations, 3)
	assert.Equal(t, "coordination/case-1/M0002", got.Obligations[2].ID)
	h.drain()
	assert.Equal(t, lifecycle.TickResult{Fired: 2}, h.tick(requested.Add(4*time.Hour)), "the partner's deadline fires its due-soon and overdue timers")
	require.Len(t, h.notified(lifecycle.TypeReportOverdue), 1)
	_, err = h.e.Verify(h.ctx, key)
	require.NoError(t, err)
}
