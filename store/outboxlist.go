package store

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/google/uuid"
)

// OutboxLister is implemented by stores that can list outbox entries
// without claiming them. It is optional: a Store need not implement it,
// and callers find out with a type assertion,
//
//	if l, ok := st.(store.OutboxLister); ok { … }
//
// as relay.DryRun does to show each pending entry. storetest runs its
// OutboxLister cases only on stores that implement it. The memory store
// and the SQLite and PostgreSQL adapters do.
type OutboxLister interface {
	// ListOutbox yields the tenant's outbox entries that q selects, oldest
	// first (by CreatedAt, then ID, the order of Claim and DeadLetters),
	// starting after q.After and stopping after q.Limit entries, fetching
	// them in pages. It is read-only: it claims nothing, extends or ends
	// no lease and changes no Attempts, so what a later Claim returns is
	// what it would have returned without the listing.
	//
	// The entries are copies, with every field as stored but Lease, which
	// is always empty: the lease token is its holder's, and whoever lists
	// the outbox must not Ack or Nack in its place; LeaseUntil tells
	// whether, and until when, an entry is leased.
	//
	// The iteration is stable as List's: an entry that exists and matches
	// for the whole scan is yielded exactly once, even while others are
	// written, claimed, acknowledged or dead-lettered. An error
	// (ErrInvalid for an empty tenant or a query failing
	// OutboxQuery.Check, the context's error) is yielded once as the last
	// element. The implementation holds no lock while it yields, so the
	// loop body may call the store, Claim and Commit included.
	ListOutbox(ctx context.Context, tenant string, q OutboxQuery) iter.Seq2[OutboxEntry, error]
}

// OutboxState selects outbox entries by where they are in their delivery,
// for OutboxQuery. The states are those OutboxStats counts.
type OutboxState string

// The states of OutboxQuery.State.
const (
	// OutboxAny selects every entry, dead letters included (the zero
	// value).
	OutboxAny OutboxState = ""
	// OutboxPending selects the entries not yet delivered and not dead,
	// leased or not: those OutboxStats counts as Pending.
	OutboxPending OutboxState = "pending"
	// OutboxLeased selects the pending entries under an unexpired lease at
	// OutboxQuery.Now (LeaseUntil > Now): those OutboxStats counts as
	// Leased.
	OutboxLeased OutboxState = "leased"
	// OutboxWaiting selects the pending entries not under an unexpired
	// lease at OutboxQuery.Now: waiting for their first attempt, a retry,
	// or a claim after their lease expired.
	OutboxWaiting OutboxState = "waiting"
	// OutboxDead selects the dead letters: those DeadLetters yields.
	OutboxDead OutboxState = "dead"
)

// Valid reports whether s is one of the states above.
func (s OutboxState) Valid() bool {
	switch s {
	case OutboxAny, OutboxPending, OutboxLeased, OutboxWaiting, OutboxDead:
		return true
	}
	return false
}

// OutboxCursor is a position in the outbox order: by CreatedAt, then ID
// in byte order. The zero cursor is before every entry.
type OutboxCursor struct {
	CreatedAt time.Time
	ID        uuid.UUID
}

// IsZero reports whether c is the zero cursor.
func (c OutboxCursor) IsZero() bool { return c.CreatedAt.IsZero() && c.ID == uuid.Nil }

// CursorOf returns the position of e, to continue a listing after it:
// q.After = store.CursorOf(&last).
func CursorOf(e *OutboxEntry) OutboxCursor { return OutboxCursor{CreatedAt: e.CreatedAt, ID: e.ID} }

// OutboxQuery selects outbox entries for OutboxLister.ListOutbox. The zero
// query lists the whole outbox of the tenant, oldest first.
type OutboxQuery struct {
	// State, when not OutboxAny, keeps only the entries in that state.
	State OutboxState
	// Now is the time OutboxLeased and OutboxWaiting judge leases at (a
	// lease is over at exactly LeaseUntil); required with those states,
	// ignored with the others. Stores compare it at the microsecond they
	// keep, as Claim does.
	Now time.Time
	// After is the cursor: only entries ordered after it are listed. Set
	// it to CursorOf the last entry of a page to read the next one.
	After OutboxCursor
	// Limit stops the listing after that many entries; 0 means no limit.
	Limit int
}

// Check reports a query no store can answer (an unknown state, a negative
// limit, OutboxLeased or OutboxWaiting without Now); the error wraps
// ErrInvalid.
func (q *OutboxQuery) Check() error {
	if !q.State.Valid() {
		return fmt.Errorf("%w: outbox state %q", ErrInvalid, q.State)
	}
	if q.Limit < 0 {
		return fmt.Errorf("%w: negative limit %d", ErrInvalid, q.Limit)
	}
	if (q.State == OutboxLeased || q.State == OutboxWaiting) && q.Now.IsZero() {
		return fmt.Errorf("%w: outbox state %q needs a time", ErrInvalid, q.State)
	}
	return nil
}

// Match reports whether the stored entry e is in q's state (ignoring After
// and Limit). It is the reference semantics: a store that filters in its
// database must agree with it, and storetest checks that it does.
func (q *OutboxQuery) Match(e *OutboxEntry) bool {
	dead := !e.DeadAt.IsZero()
	leased := !dead && !e.LeaseUntil.IsZero() && e.LeaseUntil.After(q.Now)
	switch q.State {
	case OutboxAny:
		return true
	case OutboxPending:
		return !dead
	case OutboxLeased:
		return leased
	case OutboxWaiting:
		return !dead && !leased
	case OutboxDead:
		return dead
	}
	return false
}
