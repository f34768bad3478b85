package relay

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/store"
)

// Operations for hosts: an operator's view of a tenant's dead letters, and
// the way back into the outbox once the receiver is mended. They work on any
// store.Outbox, and need no Relay; DryRun shows more of the outbox on a
// store that also implements store.OutboxLister.

// DeadFilter selects dead letters for DeadLetters, RequeueDead and DryRun.
// A dead letter matches when it passes every criterion set; the zero
// DeadFilter matches every dead letter of the tenant.
type DeadFilter struct {
	// IDs, when not empty, keeps only the entries with one of these IDs.
	IDs []uuid.UUID
	// Type, when not empty, keeps only the entries of this notification
	// type, e.g. "incident.declared".
	Type string
	// RecordID, when not zero, keeps only the entries about this record.
	RecordID uuid.UUID
	// Since, when not zero, keeps only the entries that became dead letters
	// at or after it (OutboxEntry.DeadAt).
	Since time.Time
}

// Match reports whether the dead letter e passes the filter.
func (f *DeadFilter) Match(e *store.OutboxEntry) bool {
	switch {
	case len(f.IDs) > 0 && !slices.Contains(f.IDs, e.ID):
		return false
	case f.Type != "" && e.Type != f.Type:
		return false
	case f.RecordID != uuid.Nil && e.RecordID != f.RecordID:
		return false
	case !f.Since.IsZero() && e.DeadAt.Before(f.Since):
		return false
	}
	return true
}

// DeadLetters yields the tenant's dead letters that f matches, oldest
// first, as copies (see store.Outbox.DeadLetters). A store error, the
// context's included, is yielded once as the last element. A tenant of ""
// is refused with store.ErrInvalid.
func DeadLetters(ctx context.Context, out store.Outbox, tenant string, f DeadFilter) iter.Seq2[store.OutboxEntry, error] {
	return func(yield func(store.OutboxEntry, error) bool) {
		if tenant == "" {
			yield(store.OutboxEntry{}, fmt.Errorf("relay: %w: empty tenant", store.ErrInvalid))
			return
		}
		for e, err := range out.DeadLetters(ctx, tenant) {
			if err != nil {
				yield(store.OutboxEntry{}, fmt.Errorf("relay: dead letters of tenant %q: %w", tenant, err))
				return
			}
			if f.Match(&e) && !yield(e, nil) {
				return
			}
		}
	}
}

// collect returns the dead letters f matches.
func collect(ctx context.Context, out store.Outbox, tenant string, f DeadFilter) ([]store.OutboxEntry, error) {
	var es []store.OutboxEntry
	for e, err := range DeadLetters(ctx, out, tenant, f) {
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return es, nil
}

// RequeueDead gives the tenant's dead letters that f matches another round
// of deliveries: each is made claimable at now with its attempts reset to 0
// (store.Outbox.Requeue), so it gets its full MaxAttempts again. It lists
// the matching dead letters first and then requeues them, and returns how
// many it requeued. A dead letter that is gone by its turn (another
// operator requeued it) is skipped, not counted and not an error. On a
// store error it stops and returns the count so far with the error: the
// entries requeued stay requeued, and calling RequeueDead again with the
// same filter finishes the work.
//
// To requeue chosen entries, name them in f.IDs; the zero filter requeues
// every dead letter of the tenant. DryRun shows what a filter would
// requeue.
func RequeueDead(ctx context.Context, out store.Outbox, tenant string, f DeadFilter, now time.Time) (int, error) {
	es, err := collect(ctx, out, tenant, f)
	if err != nil {
		return 0, err
	}
	n := 0
	for i := range es {
		err := out.Requeue(ctx, tenant, es[i].ID, now)
		switch {
		case errors.Is(err, store.ErrNotFound):
			continue
		case err != nil:
			return n, fmt.Errorf("relay: requeue of dead letter %s: %w", es[i].ID, err)
		}
		n++
	}
	return n, nil
}

// Plan is what DryRun found: the outbox as it is, and what RequeueDead with
// the same filter would put back into it.
type Plan struct {
	// Stats is the tenant's outbox at the time of the dry run. Of its
	// Pending entries, Leased are being delivered now; the others are
	// waiting for their first attempt or for a retry.
	Stats store.OutboxStats
	// Requeue lists the dead letters that RequeueDead would requeue,
	// oldest first; each would be claimable at RetryAt with its attempts
	// reset to 0.
	Requeue []store.OutboxEntry
	// RetryAt is when the requeued entries would be claimable again: the
	// now of the dry run.
	RetryAt time.Time
	// Listed reports whether the store lists its outbox without claiming
	// it (it implements store.OutboxLister): only then is Entries filled.
	Listed bool
	// Entries is the tenant's whole outbox at the dry run, pending entries
	// and dead letters, oldest first (by CreatedAt, then ID), each with
	// where it stands and when it is tried next; nil unless Listed.
	Entries []EntryStatus
}

// EntryStatus is one outbox entry as DryRun sees it at its now.
type EntryStatus struct {
	// Entry is the entry as the store lists it: the writer's fields, and
	// its delivery so far as stored — Attempts (the claims so far),
	// NextAttemptAt, LeaseUntil, LastError (the last failure's reason),
	// DeadAt. Its Lease is empty: a listing hands out no lease token.
	Entry store.OutboxEntry
	// State is store.OutboxLeased (a relay holds it now),
	// store.OutboxWaiting (pending, not leased) or store.OutboxDead.
	State store.OutboxState
	// LeasedUntil is when the current lease ends; zero unless the entry
	// is leased at now.
	LeasedUntil time.Time
	// NextAttemptAt is the earliest time a relay may claim the entry: for
	// a pending entry the latest of its CreatedAt, NextAttemptAt and
	// LeasedUntil (a lease that ends without Ack or Nack makes it
	// claimable again); for a dead letter, Plan.RetryAt when RequeueDead
	// would requeue it, zero otherwise.
	NextAttemptAt time.Time
	// AttemptsLeft is how many more claims the entry may have before it
	// becomes a dead letter: MaxTries minus Attempts, never negative, and
	// the whole MaxTries for a dead letter RequeueDead would requeue. A
	// waiting entry with none left is a poison message: the next Claim
	// dead-letters it instead of delivering it.
	AttemptsLeft int
	// Requeue reports whether the entry is a dead letter that RequeueDead
	// with the filter would requeue (one of Plan.Requeue).
	Requeue bool
}

// DryRun reports, without changing anything, what would be retried and
// when: the outbox's pending, leased and dead counts at now, and the dead
// letters that RequeueDead(ctx, out, tenant, f, now) would make claimable at
// now.
//
// When out implements store.OutboxLister, DryRun also lists every entry of
// the tenant's outbox (Plan.Entries, with Plan.Listed set): per entry its
// attempts so far and left, the next attempt, the last error, the lease
// and whether it is dead. The listing claims nothing, extends no lease and
// spends no attempt, so the relays' next claims are unchanged. It reads
// the whole outbox of the tenant, a page at a time.
//
// Otherwise DryRun lists no pending entry one by one (Plan.Listed is
// false, Plan.Entries nil): store.Outbox alone has no way to read the
// pending entries but Claim, which leases them and uses up an attempt (and
// refuses a zero lease), so a dry run cannot peek at them; it reports only
// the counts and the dead letters.
//
// The counts, the dead letters and the listing are separate reads, not one
// snapshot: relays working meanwhile may make them disagree.
func DryRun(ctx context.Context, out store.Outbox, tenant string, f DeadFilter, now time.Time) (Plan, error) {
	if tenant == "" {
		return Plan{}, fmt.Errorf("relay: %w: empty tenant", store.ErrInvalid)
	}
	stats, err := out.OutboxStats(ctx, tenant, now)
	if err != nil {
		return Plan{}, fmt.Errorf("relay: outbox stats of tenant %q: %w", tenant, err)
	}
	es, err := collect(ctx, out, tenant, f)
	if err != nil {
		return Plan{}, err
	}
	p := Plan{Stats: stats, Requeue: es, RetryAt: now}
	if l, ok := out.(store.OutboxLister); ok {
		p.Listed = true
		if p.Entries, err = entries(ctx, l, tenant, es, now); err != nil {
			return Plan{}, err
		}
	}
	return p, nil
}

// entries lists the tenant's outbox as DryRun reports it; requeue holds the
// dead letters RequeueDead would requeue.
func entries(ctx context.Context, l store.OutboxLister, tenant string, requeue []store.OutboxEntry, now time.Time) ([]EntryStatus, error) {
	back := make(map[uuid.UUID]bool, len(requeue))
	for i := range requeue {
		back[requeue[i].ID] = true
	}
	out := []EntryStatus{}
	for e, err := range l.ListOutbox(ctx, tenant, store.OutboxQuery{}) {
		if err != nil {
			return nil, fmt.Errorf("relay: outbox of tenant %q: %w", tenant, err)
		}
		s := EntryStatus{Entry: e, AttemptsLeft: max(e.MaxTries()-e.Attempts, 0)}
		switch {
		case !e.DeadAt.IsZero():
			s.State = store.OutboxDead
			if back[e.ID] {
				s.Requeue, s.NextAttemptAt, s.AttemptsLeft = true, now, e.MaxTries()
			} else {
				s.AttemptsLeft = 0
			}
		case e.LeaseUntil.After(now):
			s.State, s.LeasedUntil = store.OutboxLeased, e.LeaseUntil
			s.NextAttemptAt = latest(e.CreatedAt, e.NextAttemptAt, e.LeaseUntil)
		default:
			s.State = store.OutboxWaiting
			s.NextAttemptAt = latest(e.CreatedAt, e.NextAttemptAt)
		}
		out = append(out, s)
	}
	return out, nil
}

// latest returns the latest of the times.
func latest(ts ...time.Time) time.Time {
	var l time.Time
	for _, t := range ts {
		if t.After(l) {
			l = t
		}
	}
	return l
}
