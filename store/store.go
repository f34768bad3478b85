package store

import (
	"context"
	"iter"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
)

// Store is everything the lifecycle engine needs from storage. A host
// implements it on its database and proves it with storetest.Run.
type Store interface {
	Records
	AuditLog
	Outbox
	Timers
	Documents
}

// Records stores events, incidents and vulnerabilities.
type Records interface {
	// Commit applies w atomically: every record created or updated, every
	// audit record, outbox entry, timer change and document is stored, or
	// none is. Safe for concurrent use.
	//
	// A created record must have Version 0 and is stored with Version 1; an
	// updated record carries the Version it was read with and is stored
	// with that Version+1. On success Commit sets those new versions on
	// the records in w (and on documents and timers), so the caller can
	// update again; on error it changes nothing, in the store or in w.
	//
	// Errors: ErrInvalid for an empty tenant, a nil record, or a Write
	// that fails Write.Check; ErrExists when a created record, document or
	// timer key exists; ErrNotFound when an updated one does not;
	// ErrConflict when a version differs or an audit record's Seq is not
	// the next of its record; the context's error when it is done.
	Commit(ctx context.Context, tenant string, w *Write) error

	// Get returns a copy of the record of that kind and ID: changing it
	// does not change the store. ErrNotFound when there is none in the
	// tenant.
	Get(ctx context.Context, tenant string, kind incident.Kind, id uuid.UUID) (incident.Record, error)

	// List yields the records matching q in ascending ID order, fetching
	// them in pages. The iteration is stable: every record that exists for
	// the whole scan and matches is yielded exactly once, even while
	// others are created, updated or deleted. Records are copies. An
	// error (ErrInvalid for a bad query, the context's error) is yielded
	// once as the last element. The implementation holds no lock while it
	// yields, so the loop body may call the store.
	List(ctx context.Context, tenant string, q Query) iter.Seq2[incident.Record, error]

	// Count returns how many records match q (ignoring q.After and
	// q.Limit).
	Count(ctx context.Context, tenant string, q Query) (int, error)
}

// AuditLog reads the audit records Commit stored.
type AuditLog interface {
	// AuditTrail yields the audit records of one record in Seq order,
	// starting after the given Seq (0 for all). A record without audit
	// records yields nothing; an error is yielded once, last.
	AuditTrail(ctx context.Context, tenant string, recordID uuid.UUID, after uint64) iter.Seq2[AuditRecord, error]
}

// Outbox hands notifications to relays by lease, so several relays on
// several machines share the work without row locks: the memory store,
// SQLite and PostgreSQL behave alike. Entries are written by Commit.
type Outbox interface {
	// Claim leases up to n entries of the tenant that are available at now
	// (NextAttemptAt ≤ now, not dead, no unexpired lease), oldest first,
	// for lease. Each returned entry carries a fresh Lease token and
	// LeaseUntil = now+lease; Attempts counts the claims so far, this one
	// included. An entry whose lease expires unacknowledged is claimable
	// again. ErrInvalid when n ≤ 0 or lease ≤ 0.
	Claim(ctx context.Context, tenant string, now time.Time, n int, lease time.Duration) ([]OutboxEntry, error)

	// Ack removes a delivered entry. ErrLeaseLost when lease is not the
	// entry's current lease (the entry stays); ErrNotFound when there is no
	// such entry.
	Ack(ctx context.Context, tenant string, id uuid.UUID, lease string) error

	// Nack records a failed delivery: the lease ends, LastError is set,
	// and the entry becomes available at retryAt — unless Attempts has
	// reached MaxAttempts or dead is true, when the entry becomes a dead
	// letter (DeadAt = now). Errors as for Ack.
	Nack(ctx context.Context, tenant string, id uuid.UUID, lease string, f Failure) error

	// DeadLetters yields the tenant's dead letters, oldest first.
	DeadLetters(ctx context.Context, tenant string) iter.Seq2[OutboxEntry, error]

	// Requeue makes a dead letter available again at now with Attempts
	// reset to 0. ErrNotFound when it is not a dead letter of the tenant.
	Requeue(ctx context.Context, tenant string, id uuid.UUID, now time.Time) error

	// OutboxStats reports the tenant's outbox at now, for monitoring.
	OutboxStats(ctx context.Context, tenant string, now time.Time) (OutboxStats, error)
}

// Timers finds what is due. Timers are written by Commit (Write.Timers):
// firing a timer is a versioned write, so two engine replicas that both
// see it due fire it once — the second gets ErrConflict.
type Timers interface {
	// DueTimers returns up to n unfired timers of the tenant with DueAt ≤
	// now, earliest first. ErrInvalid when n ≤ 0.
	DueTimers(ctx context.Context, tenant string, now time.Time, n int) ([]Timer, error)

	// GetTimer returns a timer by key, fired or not. ErrNotFound when
	// there is none.
	GetTimer(ctx context.Context, tenant string, key string) (Timer, error)
}

// Failure describes a failed delivery for Outbox.Nack.
type Failure struct {
	// Now is when the failure happened.
	Now time.Time
	// RetryAt is when the entry may be claimed again.
	RetryAt time.Time
	// Reason is kept as the entry's LastError.
	Reason string
	// Permanent dead-letters the entry at once (the notifier said retrying
	// cannot help).
	Permanent bool
}

// OutboxStats is a snapshot of a tenant's outbox.
type OutboxStats struct {
	// Pending counts entries not yet delivered and not dead, leased or not.
	Pending int
	// Leased counts pending entries under an unexpired lease.
	Leased int
	// Dead counts dead letters.
	Dead int
	// OldestAge is now minus the CreatedAt of the oldest pending entry; 0
	// when none is pending.
	OldestAge time.Duration
}

// Documents reads the generic documents Commit stored (Write.Documents):
// the records of later packages, which this package cannot name. One
// collection per record type ("lessons.review"); each document is versioned
// like a record and scoped to the tenant.
type Documents interface {
	// GetDocument returns a copy of the document. ErrNotFound when absent.
	GetDocument(ctx context.Context, tenant, collection, id string) (Document, error)
	// ListDocuments yields the collection's documents whose Index holds
	// every key/value of match, in ascending ID order, stable as List.
	ListDocuments(ctx context.Context, tenant, collection string, match map[string]string) iter.Seq2[Document, error]
}
