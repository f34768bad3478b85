package lifecycle

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

// Timer kinds the engine arms (store.Timer.Kind).
const (
	TimerAcknowledge   = "acknowledge"
	TimerTaskDue       = "task_due"
	TimerReportDueSoon = "report_due_soon"
	TimerReportOverdue = "report_overdue"
)

// timerPayload is what a timer carries so that firing it needs no other
// lookup than the record.
type timerPayload struct {
	Kind       incident.Kind `json:"record_kind"`
	Task       string        `json:"task,omitempty"`
	Obligation string        `json:"obligation,omitempty"`
}

func timerKey(id uuid.UUID, parts ...string) string {
	k := id.String()
	for _, p := range parts {
		k += "/" + p
	}
	return k
}

// arm adds a timer to the mutation: created, or moved to a new due time
// (and re-armed if it had fired), or left alone when it is already armed
// for that time or fired at it: a change that does not move the due time
// (a classification, a fact, a task's assignee) must not send an
// escalation or a report warning again.
func (e *Engine) arm(ctx context.Context, m *mutation, rec incident.Record, key, kind string, due time.Time, p timerPayload) error {
	p.Kind = rec.Kind()
	payload, err := json.Marshal(p)
	if err != nil {
		return err
	}
	t := store.Timer{Key: key, RecordID: rec.Head().ID, Kind: kind, DueAt: due.UTC(), Payload: payload}
	cur, err := e.st.GetTimer(ctx, e.tenant, key)
	switch {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return err
	case cur.DueAt.Equal(t.DueAt):
		return nil
	default:
		t.Version = cur.Version
	}
	m.timers = slices.DeleteFunc(m.timers, func(x store.Timer) bool { return x.Key == key })
	m.timers = append(m.timers, t)
	return nil
}

// armAcknowledge arms the acknowledge clock, from creation, of a record
// waiting in detect and report to be acknowledged. A record created
// further on (an incident declared by a person, in triage) or reopened
// (back to triage or respond) is in someone's hands already.
func (e *Engine) armAcknowledge(ctx context.Context, m *mutation, rec incident.Record) error {
	tl := rec.Times()
	start := rec.Head().CreatedAt
	if !tl.Acknowledged.IsZero() || StageOf(rec).Phase != incident.PhaseDetectReport {
		return nil
	}
	d, ok := e.rules.acknowledgeWithin(rec.Handle().Severity)
	if !ok || start.IsZero() {
		return nil
	}
	return e.arm(ctx, m, rec, timerKey(rec.Head().ID, TimerAcknowledge), TimerAcknowledge, start.Add(d), timerPayload{})
}

// armTask arms the due timer of an unfinished task with a due time.
func (e *Engine) armTask(ctx context.Context, m *mutation, rec incident.Record, t incident.Task) error {
	if t.Due.IsZero() || t.Status.Finished() {
		return nil
	}
	return e.arm(ctx, m, rec, timerKey(rec.Head().ID, "task", t.ID), TimerTaskDue, t.Due, timerPayload{Task: t.ID})
}

// refreshObligations asks the obligation source for an incident's
// reports, merges them by ID (a new one is added; a known one not yet
// submitted or waived takes the new times, report kind and article; none
// is dropped: a host waives what no longer applies) and arms their timers. It returns the IDs it
// added or moved.
func (e *Engine) refreshObligations(ctx context.Context, m *mutation, rec incident.Record) ([]string, error) {
	inc, ok := rec.(*incident.Incident)
	if !ok || e.obligations == nil || inc.State == incident.StateClosed {
		return nil, nil
	}
	got, err := e.obligations.ObligationsFor(ctx, inc.Clone())
	if err != nil {
		return nil, fmt.Errorf("lifecycle: obligation source: %w", err)
	}
	var changed []string
	for _, o := range got {
		if o.ID == "" {
			return nil, badRequest("obligations", "the obligation source gave an obligation without ID")
		}
		i := slices.IndexFunc(inc.Obligations, func(x incident.Obligation) bool { return x.ID == o.ID })
		switch {
		case i < 0:
			inc.Obligations = append(inc.Obligations, o)
			changed = append(changed, o.ID)
		case inc.Obligations[i].SubmittedAt.IsZero() && inc.Obligations[i].Waived == "":
			cur := &inc.Obligations[i]
			if !cur.Due.Equal(o.Due) || !cur.LegalEnd.Equal(o.LegalEnd) || !cur.StartAt.Equal(o.StartAt) ||
				cur.Report != o.Report || cur.Article != o.Article || cur.StartEvent != o.StartEvent {
				// The source may also rename what is owed (a NIS2 final
				// report that becomes a progress report while the
				// incident is ongoing).
				cur.StartEvent, cur.StartAt, cur.Due, cur.LegalEnd = o.StartEvent, o.StartAt, o.Due, o.LegalEnd
				cur.Report, cur.Article = o.Report, o.Article
				changed = append(changed, o.ID)
			}
		}
	}
	for _, o := range inc.Obligations {
		if err := e.armObligation(ctx, m, inc, o); err != nil {
			return nil, err
		}
	}
	return changed, nil
}

func (e *Engine) armObligation(ctx context.Context, m *mutation, inc *incident.Incident, o incident.Obligation) error {
	if !o.SubmittedAt.IsZero() || o.Waived != "" || o.Due.IsZero() {
		return nil
	}
	p := timerPayload{Obligation: o.ID}
	if lead := time.Duration(e.rules.ReportDueSoon); lead > 0 {
		if err := e.arm(ctx, m, inc, timerKey(inc.ID, "report", o.ID, "due_soon"), TimerReportDueSoon, o.Due.Add(-lead), p); err != nil {
			return err
		}
	}
	return e.arm(ctx, m, inc, timerKey(inc.ID, "report", o.ID, "overdue"), TimerReportOverdue, o.Deadline(), p)
}

// TickResult counts what a Tick did.
type TickResult struct {
	// Fired timers changed their record: an audit record and a
	// notification each.
	Fired int
	// Quiet timers were due but had nothing left to do (the record was
	// acknowledged, the task finished, the report submitted) and were
	// marked fired without touching the record.
	Quiet int
	// Lost timers were fired by another engine first.
	Lost int
	// Timers lists the timers this Tick fired or quietened, in order.
	Timers []TimerFiring
}

// TimerFiring is one timer a Tick handled.
type TimerFiring struct {
	Key      string
	Kind     string
	RecordID uuid.UUID
	DueAt    time.Time
	// Quiet is true when the timer had nothing left to do.
	Quiet bool
}

// tickBatch is how many due timers Tick reads at a time.
const tickBatch = 64

// Tick fires every timer due at now: an unacknowledged record escalates
// (TypeEscalation), an unfinished task falls overdue (TypeTaskOverdue), a
// report falls due soon or overdue (TypeReportDueSoon, TypeReportOverdue).
// Each firing is one versioned write of the timer, and of the record with
// its audit record and notification, so two engines ticking the same
// store fire each timer once: the second write fails on the versions and
// is counted as Lost. Tick never sleeps; a host calls it on its own
// schedule (every minute, say).
func (e *Engine) Tick(ctx context.Context, now time.Time) (TickResult, error) {
	var res TickResult
	now = now.UTC().Truncate(time.Microsecond)
	for range 1000 { // bound the loop: a timer that keeps failing must not spin
		due, err := e.st.DueTimers(ctx, e.tenant, now, tickBatch)
		if err != nil {
			return res, err
		}
		progress := false
		for _, t := range due {
			outcome, err := e.fire(ctx, t, now)
			if err != nil {
				return res, err
			}
			switch outcome {
			case fired:
				res.Fired++
				progress = true
				res.Timers = append(res.Timers, TimerFiring{Key: t.Key, Kind: t.Kind, RecordID: t.RecordID, DueAt: t.DueAt})
			case quiet:
				res.Quiet++
				progress = true
				res.Timers = append(res.Timers, TimerFiring{Key: t.Key, Kind: t.Kind, RecordID: t.RecordID, DueAt: t.DueAt, Quiet: true})
			case lost:
				res.Lost++
				progress = true
			}
		}
		if len(due) < tickBatch || !progress {
			return res, nil
		}
	}
	return res, nil
}

type fireOutcome int

const (
	fired fireOutcome = iota + 1
	quiet
	lost
	retry
)

// fire fires one timer, retrying once when the record changed under it.
func (e *Engine) fire(ctx context.Context, t store.Timer, now time.Time) (fireOutcome, error) {
	for attempt := 0; ; attempt++ {
		out, err := e.fireOnce(ctx, t, now)
		if !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
			return out, err
		}
		// A conflict: another engine fired the timer, or the record moved.
		cur, gerr := e.st.GetTimer(ctx, e.tenant, t.Key)
		if errors.Is(gerr, store.ErrNotFound) {
			return lost, nil // gone: nothing left to fire
		}
		switch {
		case gerr != nil:
			return 0, gerr
		case !cur.FiredAt.IsZero(), !cur.DueAt.Equal(t.DueAt):
			return lost, nil
		case attempt >= 2:
			return retry, nil // try again on the next Tick
		}
		t = cur
	}
}

func (e *Engine) fireOnce(ctx context.Context, t store.Timer, now time.Time) (fireOutcome, error) {
	var p timerPayload
	if err := json.Unmarshal(t.Payload, &p); err != nil || !p.Kind.Valid() {
		// Not one of ours, or damaged: mark it fired so it does not block
		// the queue, and say so.
		e.log.WarnContext(ctx, "lifecycle: timer with unreadable payload marked fired", "key", t.Key)
		return e.quietFire(ctx, t, now)
	}
	rec, err := e.st.Get(ctx, e.tenant, p.Kind, t.RecordID)
	if errors.Is(err, store.ErrNotFound) {
		return e.quietFire(ctx, t, now)
	}
	if err != nil {
		return 0, err
	}
	notify, d, due := e.timerDue(rec, t, p)
	if !due {
		return e.quietFire(ctx, t, now)
	}
	t.FiredAt = now
	m := &mutation{actor: TimerActor, now: now, timers: []store.Timer{t}}
	m.recs = append(m.recs, touched{rec: rec, action: ActionTimer, notify: notify, data: d.bytes()})
	if err := e.commit(ctx, m); err != nil {
		return 0, err
	}
	return fired, nil
}

// timerDue says whether a timer still has something to do, and what.
func (e *Engine) timerDue(rec incident.Record, t store.Timer, p timerPayload) (notify string, d data, due bool) {
	h, tl := rec.Handle(), rec.Times()
	d.str("timer", t.Kind).str("key", t.Key)
	d.key("due_at")
	d.b = append(d.b, '"')
	d.b = t.DueAt.UTC().AppendFormat(d.b, "2006-01-02T15:04:05.000000Z")
	d.b = append(d.b, '"')
	if h.State == incident.StateClosed {
		return "", d, false
	}
	switch t.Kind {
	case TimerAcknowledge:
		acked := !tl.Acknowledged.IsZero() || StageOf(rec).Phase != incident.PhaseDetectReport
		return TypeEscalation, d, !acked
	case TimerTaskDue:
		i := slices.IndexFunc(h.Tasks, func(x incident.Task) bool { return x.ID == p.Task })
		if i < 0 || h.Tasks[i].Status.Finished() || !h.Tasks[i].Due.Equal(t.DueAt) {
			return "", d, false
		}
		d.str("task", p.Task)
		return TypeTaskOverdue, d, true
	case TimerReportDueSoon, TimerReportOverdue:
		inc, ok := rec.(*incident.Incident)
		if !ok {
			return "", d, false
		}
		i := slices.IndexFunc(inc.Obligations, func(x incident.Obligation) bool { return x.ID == p.Obligation })
		if i < 0 {
			return "", d, false
		}
		o := inc.Obligations[i]
		if !o.SubmittedAt.IsZero() || o.Waived != "" {
			return "", d, false
		}
		d.str("obligation", o.ID).str("regime", o.Regime).str("report", o.Report).str("article", o.Article)
		if t.Kind == TimerReportOverdue {
			return TypeReportOverdue, d, o.Deadline().Equal(t.DueAt)
		}
		return TypeReportDueSoon, d, o.Due.Add(-time.Duration(e.rules.ReportDueSoon)).Equal(t.DueAt)
	}
	return "", d, false
}

// quietFire marks a timer fired without touching its record.
func (e *Engine) quietFire(ctx context.Context, t store.Timer, now time.Time) (fireOutcome, error) {
	t.FiredAt = now
	if err := e.st.Commit(ctx, e.tenant, &store.Write{Timers: []store.Timer{t}}); err != nil {
		return 0, err
	}
	return quiet, nil
}
