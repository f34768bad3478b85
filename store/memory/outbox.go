package memory

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/store"
)

// claimable reports whether Claim may lease e at now: not dead, created
// and due by now, and under no lease or an expired one (a lease ends at
// LeaseUntil).
func claimable(e *store.OutboxEntry, now time.Time) bool {
	return e.DeadAt.IsZero() && !e.CreatedAt.After(now) && !e.NextAttemptAt.After(now) &&
		(e.Lease == "" || !e.LeaseUntil.After(now))
}

// Claim implements store.Outbox: up to n claimable entries, oldest first
// (by CreatedAt, then ID), each with a fresh random lease token. A
// claimable entry whose Attempts have reached MaxTries is a poison
// message: Claim dead-letters it (DeadAt = now) instead of returning it.
// The outbox is kept in claim order, so the scan stops at the first entry
// created after now.
func (s *Store) Claim(ctx context.Context, tenant string, now time.Time, n int, lease time.Duration) ([]store.OutboxEntry, error) {
	if err := begin(ctx, tenant); err != nil {
		return nil, err
	}
	if n <= 0 || lease <= 0 {
		return nil, fmt.Errorf("%w: claim of %d entries for %v", store.ErrInvalid, n, lease)
	}
	t := s.tenant(tenant, false)
	if t == nil {
		return nil, nil
	}
	var out []store.OutboxEntry
	t.mu.Lock()
	for _, e := range t.outbox.order {
		if len(out) == n || e.CreatedAt.After(now) {
			break
		}
		if !claimable(e, now) {
			continue
		}
		if e.Attempts >= e.MaxTries() {
			poison(e, now)
			continue
		}
		token, err := uuid.NewRandom()
		if err != nil {
			// Entries leased so far stay leased; their leases expire.
			t.mu.Unlock()
			return nil, fmt.Errorf("memory: lease token: %w", err)
		}
		e.Attempts++
		e.Lease = token.String()
		e.LeaseUntil = now.Add(lease)
		out = append(out, *e)
	}
	t.mu.Unlock()
	// Payloads are never changed in place: copy them unlocked.
	for i := range out {
		out[i] = copyOutbox(out[i])
	}
	return out, nil
}

// poison dead-letters an entry whose last lease expired after its last
// allowed attempt. The caller holds t.mu for writing.
func poison(e *store.OutboxEntry, now time.Time) {
	e.DeadAt = now
	e.Lease, e.LeaseUntil = "", time.Time{}
	if e.LastError == "" {
		e.LastError = fmt.Sprintf("lease expired after %d attempts", e.Attempts)
	}
}

// leased returns the entry id if lease is its current lease. An expired
// lease that nobody claimed again is still current. The caller holds t.mu.
func (t *tenant) leased(id uuid.UUID, lease string) (*store.OutboxEntry, error) {
	e, ok := t.outbox.get(id)
	if !ok {
		return nil, fmt.Errorf("%w: outbox entry %s", store.ErrNotFound, id)
	}
	if lease == "" || e.Lease != lease {
		return nil, fmt.Errorf("%w: outbox entry %s", store.ErrLeaseLost, id)
	}
	return e, nil
}

// Ack implements store.Outbox. A lease that expired but was not claimed
// again is still the entry's lease, so Ack with it succeeds.
func (s *Store) Ack(ctx context.Context, tenant string, id uuid.UUID, lease string) error {
	if err := begin(ctx, tenant); err != nil {
		return err
	}
	t := s.tenant(tenant, false)
	if t == nil {
		return fmt.Errorf("%w: outbox entry %s", store.ErrNotFound, id)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, err := t.leased(id, lease); err != nil {
		return err
	}
	t.outbox.remove(id)
	return nil
}

// Nack implements store.Outbox. The entry becomes a dead letter (DeadAt =
// f.Now) when f.Permanent is set or its Attempts reached MaxTries.
// ErrInvalid when f.Now is zero, since a zero DeadAt means not dead. Like
// Ack, it accepts a lease that expired but was not claimed again.
func (s *Store) Nack(ctx context.Context, tenant string, id uuid.UUID, lease string, f store.Failure) error {
	if err := begin(ctx, tenant); err != nil {
		return err
	}
	if f.Now.IsZero() {
		return fmt.Errorf("%w: failure without a time", store.ErrInvalid)
	}
	t := s.tenant(tenant, false)
	if t == nil {
		return fmt.Errorf("%w: outbox entry %s", store.ErrNotFound, id)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e, err := t.leased(id, lease)
	if err != nil {
		return err
	}
	e.Lease, e.LeaseUntil = "", time.Time{}
	e.LastError = f.Reason
	e.NextAttemptAt = f.RetryAt
	switch {
	case f.Release:
		e.Attempts = max(e.Attempts-1, 0)
	case f.Permanent || e.Attempts >= e.MaxTries():
		e.DeadAt = f.Now
	}
	return nil
}

// DeadLetters implements store.Outbox: oldest first by CreatedAt, then ID
// (the order of Claim), a page at a time like List.
func (s *Store) DeadLetters(ctx context.Context, tenant string) iter.Seq2[store.OutboxEntry, error] {
	return func(yield func(store.OutboxEntry, error) bool) {
		if err := begin(ctx, tenant); err != nil {
			yield(store.OutboxEntry{}, err)
			return
		}
		t := s.tenant(tenant, false)
		if t == nil {
			return
		}
		var cursor *store.OutboxEntry // the last entry examined, a copy
		for {
			page, last, more := t.outboxPage(cursor, isDead, s.page(), s.page()*scanFactor)
			for _, e := range page {
				if err := ctx.Err(); err != nil {
					yield(store.OutboxEntry{}, err)
					return
				}
				if !yield(copyOutbox(e), nil) {
					return
				}
			}
			if !more {
				return
			}
			if err := ctx.Err(); err != nil {
				yield(store.OutboxEntry{}, err)
				return
			}
			cursor = last
		}
	}
}

// isDead reports whether e is a dead letter.
func isDead(e *store.OutboxEntry) bool { return !e.DeadAt.IsZero() }

// outboxPage copies up to want entries that match selects, ordered after
// cursor (from the start when nil), examining at most scan entries; last is
// (a key copy of) the last entry examined and more whether any follow it.
func (t *tenant) outboxPage(cursor *store.OutboxEntry, match func(*store.OutboxEntry) bool, want, scan int) (page []store.OutboxEntry, last *store.OutboxEntry, more bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	order := t.outbox.order
	i := 0
	if cursor != nil {
		i = t.outbox.after(func(e *store.OutboxEntry) bool { return compareOutbox(e, cursor) > 0 })
	}
	last = cursor
	for n := 0; i < len(order) && len(page) < want && n < scan; i, n = i+1, n+1 {
		e := order[i]
		last = &store.OutboxEntry{ID: e.ID, CreatedAt: e.CreatedAt}
		if match(e) {
			page = append(page, *e)
		}
	}
	return page, last, i < len(order)
}

// Requeue implements store.Outbox: the dead letter is available again at
// now, with Attempts 0, no lease and not dead; its LastError is kept.
func (s *Store) Requeue(ctx context.Context, tenant string, id uuid.UUID, now time.Time) error {
	if err := begin(ctx, tenant); err != nil {
		return err
	}
	t := s.tenant(tenant, false)
	if t == nil {
		return fmt.Errorf("%w: dead letter %s", store.ErrNotFound, id)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.outbox.get(id)
	if !ok || e.DeadAt.IsZero() {
		return fmt.Errorf("%w: dead letter %s", store.ErrNotFound, id)
	}
	e.DeadAt = time.Time{}
	e.Attempts = 0
	e.NextAttemptAt = now
	e.Lease, e.LeaseUntil = "", time.Time{}
	return nil
}

// OutboxStats implements store.Outbox. OldestAge is never negative: an
// entry created after now counts as age 0.
func (s *Store) OutboxStats(ctx context.Context, tenant string, now time.Time) (store.OutboxStats, error) {
	var st store.OutboxStats
	if err := begin(ctx, tenant); err != nil {
		return st, err
	}
	t := s.tenant(tenant, false)
	if t == nil {
		return st, nil
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	oldest := true
	for _, e := range t.outbox.order {
		if !e.DeadAt.IsZero() {
			st.Dead++
			continue
		}
		st.Pending++
		if e.Lease != "" && e.LeaseUntil.After(now) {
			st.Leased++
		}
		if oldest {
			// The order is by CreatedAt, so the first pending entry is
			// the oldest.
			st.OldestAge = max(now.Sub(e.CreatedAt), 0)
			oldest = false
		}
	}
	return st, nil
}

var _ store.OutboxLister = (*Store)(nil)

// ListOutbox implements store.OutboxLister: the entries q selects, oldest
// first by CreatedAt, then ID, a page at a time like DeadLetters, under
// the read lock only while it copies a page. It changes nothing; the
// entries it yields carry no Lease token.
func (s *Store) ListOutbox(ctx context.Context, tenant string, q store.OutboxQuery) iter.Seq2[store.OutboxEntry, error] {
	return func(yield func(store.OutboxEntry, error) bool) {
		if err := begin(ctx, tenant); err != nil {
			yield(store.OutboxEntry{}, err)
			return
		}
		if err := q.Check(); err != nil {
			yield(store.OutboxEntry{}, err)
			return
		}
		t := s.tenant(tenant, false)
		if t == nil {
			return
		}
		var cursor *store.OutboxEntry
		if !q.After.IsZero() {
			cursor = &store.OutboxEntry{ID: q.After.ID, CreatedAt: q.After.CreatedAt}
		}
		left := q.Limit
		for {
			want := s.page()
			if q.Limit > 0 && left < want {
				want = left
			}
			page, last, more := t.outboxPage(cursor, q.Match, want, s.page()*scanFactor)
			for _, e := range page {
				if err := ctx.Err(); err != nil {
					yield(store.OutboxEntry{}, err)
					return
				}
				e = copyOutbox(e)
				e.Lease = ""
				if !yield(e, nil) {
					return
				}
			}
			if q.Limit > 0 {
				if left -= len(page); left == 0 {
					return
				}
			}
			if !more {
				return
			}
			if err := ctx.Err(); err != nil {
				yield(store.OutboxEntry{}, err)
				return
			}
			cursor = last
		}
	}
}
