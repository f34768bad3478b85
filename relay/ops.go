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
// store.Outbox, and need no Relay.

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
}

// DryRun reports, without changing anything, what would be retried and
// when: the outbox's pending, leased and dead counts at now, and the dead
// letters that RequeueDead(ctx, out, tenant, f, now) would make claimable at
// now. It lists no pending entry one by one: store.Outbox has no way to
// read the pending entries but Claim, which leases them and uses up an
// attempt (and refuses a zero lease), so a dry run cannot peek at them.
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
	return Plan{Stats: stats, Requeue: es, RetryAt: now}, nil
}
