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

// Records stores events, incidents and vulnerabilities. Records are scoped
// to their tenant: the same ID may exist in several tenants, as different
// records with their own versions and audit trails.
type Records interface {
	// Commit applies w atomically: every record created or updated, every
	// audit record, outbox entry, timer change and document is stored, or
	// none is. Safe for concurrent use.
	//
	// Stores call w.CheckFor(tenant) first and return its error
	// unchanged: it refuses an empty tenant, a Write failing Write.Check
	// and a record whose Head().Org is not the tenant.
	//
	// A created record must have Version 0 and is stored with Version 1; an
	// updated record carries the Version it was read with and is stored
	// with that Version+1; timers and documents likewise. On success Commit
	// sets those new versions on the records, timers and documents in w,
	// so the caller can update again, and changes nothing else in w; it
	// stores every field as written, but for the outbox fields the store
	// manages (see OutboxEntry). UpdatedAt and every other time is the
	// caller's (the lifecycle engine's) to set. On error it changes
	// nothing, in the store or in w.
	//
	// Commit stores its own copy of everything in w: changing the
	// caller's records, slices or maps afterwards does not change the
	// store.
	//
	// Errors: the context's error when it is done; the error of
	// w.CheckFor (ErrInvalid); ErrExists when a created record, document
	// or timer key exists in the tenant, or an outbox entry's ID is in the
	// tenant's outbox (pending, leased or dead); ErrNotFound when an
	// updated record, timer or document does not exist; ErrConflict when
	// a version differs or an audit record's Seq is not the next of its
	// record.
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
	// yields, so the loop body may call the store, Commit included.
	List(ctx context.Context, tenant string, q Query) iter.Seq2[incident.Record, error]

	// Count returns how many records match q (ignoring q.After and
	// q.Limit).
	Count(ctx context.Context, tenant string, q Query) (int, error)
}

// AuditLog reads the audit records Commit stored.
type AuditLog interface {
	// AuditTrail yields the audit records of one record in Seq order,
	// starting after the given Seq (0 for all). A record without audit
	// records yields nothing; an error is yielded once, last. The records
	// are copies. The implementation holds no lock while it yields, so the
	// loop body may call the store, Commit included.
	AuditTrail(ctx context.Context, tenant string, recordID uuid.UUID, after uint64) iter.Seq2[AuditRecord, error]
}

// Outbox hands notifications to relays by lease, so several relays on
// several machines share the work without row locks: the memory store,
// SQLite and PostgreSQL behave alike. Entries are written by Commit.
//
// "Oldest first" orders entries by CreatedAt, then by ID (byte order), for
// Claim and DeadLetters alike (and OutboxLister.ListOutbox, the optional
// read-only listing).
//
// An entry is claimable at now when it is not dead, CreatedAt ≤ now,
// NextAttemptAt ≤ now, and it has no lease or its lease has expired
// (LeaseUntil ≤ now: a lease is over at exactly LeaseUntil). An entry
// created after now is not claimable until then.
//
// An entry whose lease keeps expiring without Ack or Nack is a poison
// message: the relay holding it crashes or hangs on it every time. When
// Claim finds a claimable entry whose Attempts have reached MaxTries, it
// does not return it but makes it a dead letter: DeadAt = now, the lease
// cleared, Attempts unchanged, and LastError = "lease expired after N
// attempts" (N = Attempts) unless the entry has a LastError already.
type Outbox interface {
	// Claim leases up to n claimable entries of the tenant, oldest first,
	// for lease. Each returned entry carries a fresh Lease token and
	// LeaseUntil = now+lease; Attempts counts the claims so far, this one
	// included. An entry whose lease expired unacknowledged is claimable
	// again, unless it is a poison message, which Claim dead-letters
	// instead (see Outbox); those do not count towards n. ErrInvalid when
	// n ≤ 0 or lease ≤ 0.
	Claim(ctx context.Context, tenant string, now time.Time, n int, lease time.Duration) ([]OutboxEntry, error)

	// Ack removes a delivered entry. ErrLeaseLost when lease is not the
	// entry's current lease (the entry stays); ErrNotFound when there is no
	// such entry. A lease that expired but was not claimed again (nor
	// ended by Nack or by Claim dead-lettering the entry) is still the
	// entry's current lease: nobody else holds the entry, so Ack and Nack
	// with it are accepted.
	Ack(ctx context.Context, tenant string, id uuid.UUID, lease string) error

	// Nack records a failed delivery: the lease ends, LastError =
	// f.Reason, and the entry becomes available at f.RetryAt — unless
	// Attempts has reached MaxTries or f.Permanent is set, when the entry
	// becomes a dead letter (DeadAt = f.Now). ErrInvalid when f.Now is
	// zero (a dead letter is marked by a non-zero DeadAt), with the entry
	// unchanged; otherwise errors as for Ack.
	Nack(ctx context.Context, tenant string, id uuid.UUID, lease string, f Failure) error

	// DeadLetters yields the tenant's dead letters, oldest first, as
	// copies. The implementation holds no lock while it yields, so the
	// loop body may call the store, Requeue included.
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
	// Now is when the failure happened; required (Nack refuses a zero
	// Now with ErrInvalid).
	Now time.Time
	// RetryAt is when the entry may be claimed again.
	RetryAt time.Time
	// Reason is kept as the entry's LastError.
	Reason string
	// Permanent dead-letters the entry at once (the notifier said retrying
	// cannot help).
	Permanent bool
	// Release gives the entry back undelivered (the relay stopped, or the
	// lease ran short before the entry's turn): the claim does not count,
	// Attempts goes back down by one, and the entry never becomes a dead
	// letter by this Nack. Permanent is ignored with Release.
	Release bool
}

// OutboxStats is a snapshot of a tenant's outbox.
type OutboxStats struct {
	// Pending counts entries not yet delivered and not dead, leased or not.
	Pending int
	// Leased counts pending entries under an unexpired lease.
	Leased int
	// Dead counts dead letters.
	Dead int
	// OldestAge is now minus the CreatedAt of the oldest pending entry,
	// never negative (an entry created after now is of age 0); 0 when none
	// is pending.
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
	// The documents are copies. The implementation holds no lock while it
	// yields, so the loop body may call the store, Commit included.
	ListDocuments(ctx context.Context, tenant, collection string, match map[string]string) iter.Seq2[Document, error]
}
