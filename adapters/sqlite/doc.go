// Package sqlite implements the storage contracts of package
// github.com/iso27035/iso27035/store on SQLite, with the pure-Go driver
// modernc.org/sqlite (no cgo). It passes the conformance suite of package
// store/storetest and suits a single host that wants its incident
// register, audit trail and notification outbox in one durable file.
//
//	st, err := sqlite.Open(ctx, "/var/lib/irt/incidents.db")
//	if err != nil { … }
//	defer st.Close()
//	err = st.Commit(ctx, "acme", &store.Write{Create: []incident.Record{inc}})
//
// # Durability
//
// A Commit that returned nil is on disk. Open puts the file in WAL mode
// and sets, on every connection:
//
//   - journal_mode=WAL (a property of the file): commits append to a
//     write-ahead log, so readers never block the writer nor the writer
//     the readers, and a crash in the middle of a commit leaves the
//     previous state intact.
//   - synchronous=FULL (see WithSynchronous): the log is synced to disk at
//     every commit, so a committed Write survives a power failure or an
//     operating-system crash, not only a crash of the process. NORMAL
//     would sync only at checkpoints and may lose the last commits on
//     power loss; for an incident register and its audit trail that
//     trade is not the default.
//   - foreign_keys=on: the side tables of labels and document indexes
//     cannot outlive their rows.
//   - busy_timeout (DefaultBusyTimeout, see WithBusyTimeout): a
//     connection waits for a lock another one holds instead of failing.
//
// An in-memory database (Memory) has none of this: it lives in one
// connection, which does the reads and the writes, and is gone at Close.
//
// # Writers
//
// SQLite lets one connection write at a time. A Store therefore keeps one
// write connection, and every method that writes (Commit, Claim, Ack,
// Nack, Requeue) runs one BEGIN IMMEDIATE transaction on it: concurrent
// writers of one Store queue in Go for that connection, in order and
// cancellable by their context, instead of polling SQLite's lock with
// busy-handler sleeps. Reads use a pool of read-only connections (see
// WithReaders) and see the last committed state without waiting for the
// writer.
//
// BEGIN IMMEDIATE takes the write lock when the transaction starts, not
// at its first write. Several Stores or processes sharing one file then
// wait for each other through busy_timeout; a deferred transaction that
// read first and wrote second would instead fail with SQLITE_BUSY when
// another connection committed in between. So SQLITE_BUSY surfaces only
// when another process holds the lock for longer than the busy timeout,
// and never as store.ErrConflict: ErrConflict means a version differed,
// nothing else.
//
// # Optimistic versions
//
// Each precondition of a Write is checked by the statement that changes
// the row: INSERT … ON CONFLICT DO NOTHING for what is created (no row
// inserted: store.ErrExists), UPDATE … WHERE version = ? for what is
// updated (no row updated: store.ErrConflict, or store.ErrNotFound when
// the row is missing). The first failing step rolls the whole transaction
// back.
//
// # Schema
//
// Records are kept as their JSON encoding (package incident's schema,
// unknown fields kept) next to the columns store.Query filters on, which
// are derived from the record when it is written; labels and document
// indexes have side tables. List, Count and ListDocuments filter in SQL
// exactly as store.Query.Match does. Iterators fetch one page (see
// WithPageSize) per query by keyset, yield it with no query open, and
// continue after the last key: the loop body may call the store. The
// Store also implements the optional store.OutboxLister: ListOutbox reads
// the outbox on the read pool, by (CreatedAt, ID), and changes nothing.
//
// Open applies the embedded migrations the database lacks, numbered and
// recorded in the table schema_version, in one transaction; opening an
// up-to-date database changes nothing. A database migrated by a newer
// version of this package fails Open with ErrSchemaTooNew.
//
// # Choices the contract leaves open
//
//   - DueTimers breaks ties of DueAt by Key (byte order), as the memory
//     store does.
//   - An acknowledged outbox entry is deleted: its ID is no longer in the
//     outbox, so a later Write may use it again.
//   - Claim dead-letters poison messages as it meets them, oldest first,
//     until it has leased n entries; those after the n-th stay as they are
//     until a later Claim reaches them.
//   - The store keeps no clock of its own: every time it stores comes from
//     the Write or from the now a method is given. (schema_version records
//     when each migration ran, by SQLite's clock.)
//
// # Times
//
// Times are stored in UTC as microseconds since the Unix epoch, the
// precision the lifecycle engine writes: a time with nanoseconds comes
// back truncated to the microsecond, and the now given to Claim,
// OutboxStats and DueTimers is compared at that precision. Records are
// the exception: they come back exactly as written, and Query's created
// range compares CreatedAt to the nanosecond.
//
// It serves the record-keeping requirements of ISO/IEC 27035-1 and
// ISO/IEC 27035-2 through package store.
package sqlite
