package memory

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/iso27035/iso27035/store"
)

// DueTimers implements store.Timers: up to n unfired timers with DueAt ≤
// now, earliest first (by DueAt, then Key).
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
	var due []*store.Timer
	t.mu.RLock()
	for _, tm := range t.timers {
		if tm.FiredAt.IsZero() && !tm.DueAt.After(now) {
			due = append(due, tm)
		}
	}
	t.mu.RUnlock()
	// Stored timers are never changed, so they are sorted and copied
	// unlocked.
	slices.SortFunc(due, func(a, b *store.Timer) int {
		if c := a.DueAt.Compare(b.DueAt); c != 0 {
			return c
		}
		return strings.Compare(a.Key, b.Key)
	})
	var out []store.Timer
	for _, tm := range due[:min(n, len(due))] {
		out = append(out, copyTimer(*tm))
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
