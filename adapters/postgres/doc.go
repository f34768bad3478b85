// Package postgres is the PostgreSQL implementation of the storage
// contracts of package github.com/iso27035/iso27035/store, on
// github.com/jackc/pgx/v5 (pgxpool). It passes the conformance suite of
// package store/storetest and behaves as the memory store, its reference,
// does; what PostgreSQL makes different is listed below.
//
//	st, err := postgres.Open(ctx, "postgres://app@db.example/register", postgres.WithSchema("iso27035"))
//	if err != nil {
//		return err
//	}
//	defer st.Close()
//	err = st.Commit(ctx, "acme", &store.Write{Create: []incident.Record{inc}})
//
// It needs PostgreSQL 13 or later (gen_random_uuid).
//
// # Schema and migrations
//
// A Store keeps its tables in one schema (WithSchema, DefaultSchema when
// not given), which Open creates if needed and migrates to SchemaVersion.
// The migrations are numbered SQL files embedded in the package; Open
// applies the missing ones in one transaction holding a
// transaction-scoped advisory lock (pg_advisory_xact_lock) keyed by the
// schema name, so processes starting together migrate once: the first
// migrates, the others wait for it and find nothing to do. The version is
// kept in the table schema_migrations. A schema at a version newer than
// the program is refused with a *SchemaVersionError wrapping
// ErrSchemaTooNew, before anything is changed.
//
// # Guarantees
//
//   - Atomic writes in one round trip. Commit sends the whole Write as one
//     batch of statements, which PostgreSQL runs as one implicit
//     transaction: every statement checks its own precondition while it
//     writes (an INSERT meeting a primary key is store.ErrExists; an
//     UPDATE ... WHERE version = the version read that changes no row
//     aborts with store.ErrNotFound or store.ErrConflict; an audit record
//     must follow the stored last of its trail, or store.ErrConflict), and
//     the first failure rolls everything back. No Commit reads a version
//     and then writes: two writers of one version cannot both succeed, the
//     second waits for the first's row lock and then finds a newer
//     version. Rows are written in key order, so Commits touching the same
//     rows lock them in the same order; a deadlock or serialization failure
//     is reported as store.ErrConflict (nothing was stored; read and retry).
//   - Leases, not locks, for the outbox. Claim is one statement: an UPDATE
//     of the rows a subquery picks with FOR UPDATE SKIP LOCKED. Its row
//     locks last for that statement only, never during delivery, so relays
//     on several machines claim side by side, each skipping the rows the
//     others are claiming at that instant. Ack, Nack and Requeue are one
//     statement each; Ack and Nack match the lease in their WHERE clause.
//   - Keyset pagination, no connection held while yielding. List pages on
//     the primary key (tenant, kind, id) after the last ID yielded, with
//     the filters of store.Query in SQL, agreeing exactly with
//     store.Query.Match; AuditTrail pages on Seq, DeadLetters and
//     ListOutbox (the optional store.OutboxLister, a plain SELECT that
//     locks and changes nothing) on (CreatedAt, ID), ListDocuments on ID. Each page is read and its connection
//     released before the first element is yielded, so a loop body may call
//     the store.
//   - Tenant isolation: every key begins with the tenant, and every
//     statement names it.
//   - Byte order. IDs are uuid (ordered by their bytes); keys and document
//     IDs are COLLATE "C" (ordered by their bytes, as the memory store
//     orders strings), whatever the database's collation.
//
// # What PostgreSQL makes different
//
//   - Times are kept to the microsecond (timestamptz): the sub-microsecond
//     part of a stored time, and of the now given to Claim, Nack,
//     Requeue, OutboxStats and DueTimers, is dropped (rounded down), as if
//     the caller had truncated it, as the lifecycle engine does. Every time
//     read comes back in UTC, and a zero time as the zero time.
//     A record's CreatedAt is kept to the nanosecond (in the record's body,
//     and created_ns beside created_at), so that Query.CreatedFrom and
//     CreatedUntil filter exactly as Query.Match does. Times outside
//     PostgreSQL's range (4713 BC to 294276 AD) are refused with
//     store.ErrInvalid.
//   - Text. PostgreSQL text holds valid UTF-8 without NUL. A Write whose
//     tenant, filter fields (phase, state, outcome, severity, category,
//     labels), audit actor or action, outbox type or idempotency key, timer
//     key or kind, or document collection, ID or index is not such text
//     is refused with store.ErrInvalid; a read asking for such a string
//     finds nothing. A Nack's Reason is kept with those bytes replaced by
//     U+FFFD, so that a failure is always recorded. Free text in a record
//     (titles, descriptions) has no such limit: record bodies are stored as
//     json, which keeps the encoded text, \u0000 included.
//   - Bytes are kept verbatim: audit Data and hashes, outbox and timer
//     payloads and document bodies are bytea, nil apart from empty.
//
// # Choices the contract leaves open
//
//   - DueTimers breaks ties of DueAt by Key; an acknowledged outbox entry
//     is deleted, so a later Write may use its ID again (as the memory
//     store).
//   - Commit's statements run at the database's default isolation level
//     (READ COMMITTED unless configured otherwise); the guarantees above
//     hold at any level.
//   - When the context of Commit ends while the batch is in flight, the
//     caller cannot know whether the transaction committed, as with any
//     database.
//
// It serves the record-keeping requirements of ISO/IEC 27035-1 and
// ISO/IEC 27035-2 through package store.
package postgres
