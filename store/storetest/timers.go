package storetest

import (
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/iso27035/iso27035/store"
)

func timerCases() []testCase {
	return []testCase{
		{"Timers/Due", "DueTimers returns up to n unfired timers with DueAt ≤ now, earliest first, as written; a fired timer is never due", timersDue},
		{"Timers/GetTimer", "GetTimer returns a timer by key, fired or not, with the Version Commit gave it; an unknown key is ErrNotFound", timersGet},
		{"Timers/CreateDuplicate_ErrExists", "creating a timer (Version 0) whose key exists fails with ErrExists and changes nothing", timersDuplicate},
		{"Timers/Update_Version", "changing a timer needs the Version read: it is stored with Version+1; a stale Version is ErrConflict, an unknown key ErrNotFound", timersUpdate},
		{"Timers/FireOnce", "two replicas firing the same timer: exactly one Commit succeeds, the other gets ErrConflict and stores nothing", timersFireOnce},
	}
}

func timersDue(e *env) {
	inc := e.fx.incident(tenantA)
	t1 := e.fx.timer(inc.ID, "escalate", base.Add(3*time.Minute))
	t2 := e.fx.timer(inc.ID, "acknowledge", base.Add(1*time.Minute))
	t3 := e.fx.timer(inc.ID, "report_due", base.Add(2*time.Minute))
	t4 := e.fx.timer(inc.ID, "fired", base.Add(90*time.Second))
	w := &store.Write{Timers: []store.Timer{t1, t2, t3, t4}}
	e.commit(tenantA, w)
	for i, t := range w.Timers {
		if t.Version != 1 {
			e.errorf("after Commit, timer %d in the Write has Version %d, want 1", i, t.Version)
		}
	}
	fire := e.timer(tenantA, t4.Key)
	fire.FiredAt = base.Add(100 * time.Second)
	e.commit(tenantA, &store.Write{Timers: []store.Timer{fire}})

	check := func(now time.Time, n int, want ...store.Timer) {
		e.r.Helper()
		got := e.due(tenantA, now, n)
		if !slices.Equal(timerKeys(got), timerKeys(want)) {
			e.errorf("DueTimers(now %s, n %d): got %v, want %v", now.Format(time.TimeOnly), n, timerKeys(got), timerKeys(want))
			return
		}
		for i := range got {
			g, w := got[i], want[i]
			if !g.DueAt.Equal(w.DueAt) || g.Kind != w.Kind || g.RecordID != w.RecordID || !sameJSON(g.Payload, w.Payload) || g.Version != 1 || !g.FiredAt.IsZero() {
				e.errorf("DueTimers: timer %s came back as %+v, want %+v with Version 1", w.Key, g, w)
			}
		}
	}
	check(base, 10)
	check(base.Add(2*time.Minute), 10, t2, t3)
	check(base.Add(time.Hour), 10, t2, t3, t1)
	check(base.Add(time.Hour), 1, t2)
	check(base.Add(time.Hour), 2, t2, t3)
}

func timersGet(e *env) {
	inc := e.fx.incident(tenantA)
	t := e.fx.timer(inc.ID, "acknowledge", base.Add(time.Minute))
	e.commit(tenantA, &store.Write{Timers: []store.Timer{t}})
	got := e.timer(tenantA, t.Key)
	if got.Key != t.Key || got.Version != 1 || !got.DueAt.Equal(t.DueAt) || got.Kind != t.Kind || got.RecordID != t.RecordID || !sameJSON(got.Payload, t.Payload) {
		e.errorf("GetTimer: got %+v, want %+v with Version 1", got, t)
	}
	got.FiredAt = base.Add(2 * time.Minute)
	e.commit(tenantA, &store.Write{Timers: []store.Timer{got}})
	fired := e.timer(tenantA, t.Key)
	if !fired.FiredAt.Equal(got.FiredAt) || fired.Version != 2 {
		e.errorf("GetTimer of a fired timer: FiredAt %s Version %d, want %s and 2", fired.FiredAt, fired.Version, got.FiredAt)
	}
	_, err := e.s.GetTimer(e.ctx, tenantA, "storetest/no-such-timer")
	e.is("GetTimer of an unknown key", err, store.ErrNotFound)
}

func timersDuplicate(e *env) {
	inc := e.fx.incident(tenantA)
	t := e.fx.timer(inc.ID, "acknowledge", base.Add(time.Minute))
	e.commit(tenantA, &store.Write{Timers: []store.Timer{t}})
	dup := t
	dup.DueAt = base.Add(time.Hour)
	entry := e.fx.entry(inc.ID, 1)
	w := &store.Write{Timers: []store.Timer{dup}, Outbox: []store.OutboxEntry{entry}}
	e.is("Commit creating an existing timer key", e.s.Commit(e.ctx, tenantA, w), store.ErrExists)
	if w.Timers[0].Version != 0 {
		e.errorf("the failed Commit set Version %d on the timer in the Write, want 0", w.Timers[0].Version)
	}
	if got := e.timer(tenantA, t.Key); !got.DueAt.Equal(t.DueAt) || got.Version != 1 {
		e.errorf("the existing timer changed: DueAt %s Version %d, want %s and 1", got.DueAt, got.Version, t.DueAt)
	}
	if es := e.claim(tenantA, outboxNow, 10, time.Minute); len(es) != 0 {
		e.errorf("the failed Write's outbox entry was stored")
	}
}

func timersUpdate(e *env) {
	inc := e.fx.incident(tenantA)
	t := e.fx.timer(inc.ID, "escalate", base.Add(time.Minute))
	e.commit(tenantA, &store.Write{Timers: []store.Timer{t}})

	a := e.timer(tenantA, t.Key)
	b := a
	a.DueAt = base.Add(10 * time.Minute)
	w := &store.Write{Timers: []store.Timer{a}}
	e.commit(tenantA, w)
	if w.Timers[0].Version != 2 {
		e.errorf("after rescheduling, the timer in the Write has Version %d, want 2", w.Timers[0].Version)
	}
	if got := e.timer(tenantA, t.Key); !got.DueAt.Equal(a.DueAt) || got.Version != 2 {
		e.errorf("rescheduled timer: DueAt %s Version %d, want %s and 2", got.DueAt, got.Version, a.DueAt)
	}

	b.DueAt = base.Add(20 * time.Minute)
	wb := &store.Write{Timers: []store.Timer{b}}
	e.is("Commit of a timer change read at Version 1 after Version 2 was stored", e.s.Commit(e.ctx, tenantA, wb), store.ErrConflict)
	if wb.Timers[0].Version != 1 {
		e.errorf("the stale timer's Version in the Write became %d, want 1", wb.Timers[0].Version)
	}
	if got := e.timer(tenantA, t.Key); !got.DueAt.Equal(a.DueAt) {
		e.errorf("a stale timer change was stored: DueAt %s, want %s", got.DueAt, a.DueAt)
	}

	missing := e.fx.timer(inc.ID, "missing", base)
	missing.Version = 1
	e.is("Commit changing a timer that does not exist", e.s.Commit(e.ctx, tenantA, &store.Write{Timers: []store.Timer{missing}}), store.ErrNotFound)
}

func timersFireOnce(e *env) {
	inc := e.fx.incident(tenantA)
	t := e.fx.timer(inc.ID, "acknowledge", base.Add(time.Minute))
	e.commit(tenantA, &store.Write{Timers: []store.Timer{t}})

	now := base.Add(2 * time.Minute)
	var writes [2]*store.Write
	for i := range writes {
		due := e.due(tenantA, now, 10)
		if len(due) != 1 || due[0].Key != t.Key {
			e.fatalf("replica %d: DueTimers got %v, want %s", i, timerKeys(due), t.Key)
		}
		fired := due[0]
		fired.FiredAt = now
		entry := e.fx.entry(inc.ID, 1)
		entry.Type = "incident.acknowledge_overdue"
		writes[i] = &store.Write{Timers: []store.Timer{fired}, Outbox: []store.OutboxEntry{entry}}
	}
	var start sync.WaitGroup
	start.Add(len(writes))
	errs := e.parallel("two replicas firing one timer", len(writes), func(i int) error {
		start.Done()
		start.Wait()
		return e.s.Commit(e.ctx, tenantA, writes[i])
	})
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			if winner >= 0 {
				e.fatalf("both replicas fired the timer: both Commits succeeded")
			}
			winner = i
		case !errors.Is(err, store.ErrConflict):
			e.errorf("replica %d: got %v, want nil or ErrConflict", i, err)
		}
	}
	if winner < 0 {
		e.fatalf("neither replica fired the timer")
	}
	got := e.timer(tenantA, t.Key)
	if got.FiredAt.IsZero() || got.Version != 2 {
		e.errorf("after firing: FiredAt %s Version %d, want set and 2", got.FiredAt, got.Version)
	}
	if due := e.due(tenantA, now.Add(time.Hour), 10); len(due) != 0 {
		e.errorf("a fired timer is still due: %v", timerKeys(due))
	}
	claimed := e.claim(tenantA, outboxNow, 10, time.Minute)
	if len(claimed) != 1 || claimed[0].ID != writes[winner].Outbox[0].ID {
		e.errorf("outbox after the race: got %v, want only the winner's entry %s", entryIDs(claimed), writes[winner].Outbox[0].ID)
	}
}
