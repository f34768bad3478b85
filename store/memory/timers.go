package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/iso27035/iso27035/store"
)

// compareTimers orders timers by due time, then key: the order DueTimers
// returns them in. Keys are unique in a tenant, so the order is total.
func compareTimers(a, b *store.Timer) int {
	if c := a.DueAt.Compare(b.DueAt); c != 0 {
		return c
	}
	return strings.Compare(a.Key, b.Key)
}

// schedule adds tm to the tenant's unfired timers if it has not fired.
// The caller holds t.mu for writing.
func (t *tenant) schedule(tm *store.Timer) {
	if !tm.FiredAt.IsZero() {
		return
	}
	i, _ := slices.BinarySearchFunc(t.due, tm, compareTimers)
	t.due = slices.Insert(t.due, i, tm)
}

// unschedule removes tm, as stored, from the tenant's unfired timers. The
// caller holds t.mu for writing.
func (t *tenant) unschedule(tm *store.Timer) {
	if !tm.FiredAt.IsZero() {
		return
	}
	if i, found := slices.BinarySearchFunc(t.due, tm, compareTimers); found {
		t.due = slices.Delete(t.due, i, i+1)
	}
}

// DueTimers implements store.Timers: up to n unfired timers with DueAt ≤
// now, earliest first (by DueAt, then Key). The tenant keeps its unfired
// timers in that order, so a call costs O(k) for the k timers it returns,
// whatever the number stored.
func (s *Store) DueTimers(ctx context.Context, tenant string, now time.Time, n int) ([]store.Timer, error) {
	if err := begin(ctx, tenant); err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, fmt.Errorf("%w: %d due timers", store.ErrInvalid, n)
	}
	t := s.tenant(tenant, false)
	if t == nil {
		return nil, nil
	}
	var out []store.Timer
	t.mu.RLock()
	for _, tm := range t.due {
		if len(out) == n || tm.DueAt.After(now) {
			break
		}
		if out == nil {
			out = make([]store.Timer, 0, min(n, len(t.due)))
		}
		out = append(out, *tm)
	}
	t.mu.RUnlock()
	// Stored payloads are never changed, so they are copied unlocked.
	for i := range out {
		out[i] = copyTimer(out[i])
	}
	return out, nil
}

// GetTimer implements store.Timers. ErrNotFound when the tenant has no
// timer with that key.
func (s *Store) GetTimer(ctx context.Context, tenant string, key string) (store.Timer, error) {
	if err := begin(ctx, tenant); err != nil {
		return store.Timer{}, err
	}
	var tm *store.Timer
	if t := s.tenant(tenant, false); t != nil {
		t.mu.RLock()
		tm = t.timers[key]
		t.mu.RUnlock()
	}
	if tm == nil {
		return store.Timer{}, fmt.Errorf("%w: timer %q", store.ErrNotFound, key)
	}
	return copyTimer(*tm), nil
}
