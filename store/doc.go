// Package store defines the storage contracts a host implements so the SDK
// keeps incidents, their audit trails, the outbox and timers in the host's
// own database, the way database/sql/driver defines what a database driver
// provides. Users of the SDK rarely call it directly: the lifecycle engine
// and the relay do.
//
// # The contract
//
// A Store is five small interfaces:
//
//   - Records: Commit (the one atomic write), Get, List, Count.
//   - AuditLog: the audit records of one record, in order.
//   - Outbox: lease-based claims of notifications to deliver, ack, nack,
//     dead letters, requeue and statistics.
//   - Timers: what is due now.
//   - Documents: versioned documents of later packages (reviews, plans,
//     playbooks, coordinated cases) in named collections.
//
// One optional interface adds to it, found by a type assertion, so a
// host's store that lacks it keeps working:
//
//   - OutboxLister: a read-only listing of the outbox (pending, leased,
//     waiting or dead entries, keyset-paginated), which claims nothing;
//     relay.DryRun uses it when the store has it.
//
// Every method takes a context.Context first and the tenant (organisation)
// second, explicitly: nothing is ever read from the context, and no call
// reads or changes another tenant's data. Every method refuses an empty
// tenant with ErrInvalid and does nothing (an iterator yields the error as
// its only element). Records, audit trails, outbox entries, timers and
// documents are all scoped to their tenant: the same ID or key in two
// tenants names two different things. A record's Head().Org must be the
// tenant it is committed to (Write.CheckFor).
//
// Stores hand out copies and keep copies: what Commit stored does not
// change when the caller changes its values afterwards, and what Get, List
// and the other reads return may be changed freely. No iterator (List,
// AuditTrail, DeadLetters, ListDocuments, ListOutbox) holds a lock while it yields, so
// a loop body may call the store.
//
// # One atomic write
//
// Every change goes through Commit with a Write: the records created or
// updated, their audit records, outbox entries and timer changes. Either all
// of it is stored or none of it. A stale update (the record's Version is not
// the stored one) fails with ErrConflict and changes nothing; creating an ID
// that exists fails with ErrExists, so a retried create is safe to repeat.
// Commit sets the new versions and nothing else: the store has no clock,
// and UpdatedAt is the lifecycle engine's to set.
//
// # What SQL stores taught the contract
//
// The SQLite and PostgreSQL adapters (module adapters) met this contract
// early, and these rules are what they needed said:
//
//   - Times are kept to the microsecond, in UTC: SQL timestamp types hold
//     no more. The lifecycle engine and Collection truncate every time they
//     write to whole microseconds, so a round trip is exact on every store;
//     a store truncates the "now" it is given (Claim, Nack) the same way
//     (the relay passes its clock's time as is). Query.Match compares CreatedAt exactly; a
//     store that keeps a record's CreatedAt in a microsecond column keeps
//     its nanoseconds too (in the body or a second column) so that List and
//     Count agree with Match.
//   - The version a store keeps (its column) is the authority; a version
//     inside a record's stored body is only a copy of it.
//   - Audit trails are keyed by tenant and record ID, without the record's
//     kind: record IDs are UUIDs, unique across kinds. Audit records,
//     outbox entries and timers may name records that do not exist (the
//     outbox carries checkpoints that name none), so no foreign key ties
//     them to Records.
//   - Sequence numbers (AuditRecord.Seq, OutboxEntry.Seq) fit a signed
//     64-bit integer; Write.Check refuses larger ones.
//   - Claim dead-letters a poison entry (attempts spent) when it meets one
//     while looking for claimable entries, in the order it claims; it does
//     not sweep the whole outbox.
//
// # Errors
//
// Implementations return (or wrap) the sentinels of this package for the
// cases the method docs name, so callers use errors.Is whatever the backend:
// ErrNotFound, ErrExists, ErrConflict, ErrInvalid, ErrLeaseLost.
//
// # Conformance
//
// Package store/storetest runs the contract against an implementation:
// storetest.Run(t, newStore). Package store/memory is the reference
// implementation and the embedded default.
package store
