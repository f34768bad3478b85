// Package memory is the in-memory implementation of the storage contracts of
// package store: the SDK's embedded default and the reference the
// conformance suite in package store/storetest is measured against. It is
// meant for tests, examples and small hosts that do not need durable
// storage: nothing survives the process.
//
//	st := memory.New()
//	err := st.Commit(ctx, "acme", &store.Write{Create: []incident.Record{inc}})
//
// # Guarantees
//
//   - Safe for concurrent use. Each tenant's data sits behind its own
//     read-write lock; tenants do not contend with each other.
//   - Atomic writes. Commit checks every precondition of a Write (records
//     to create are absent, updated records, timers and documents carry the
//     stored version, audit sequence numbers continue the stored trails)
//     before it changes anything, so a failing Commit changes nothing, in
//     the store or in the Write.
//   - Copies in and out. Records, audit records, outbox entries, timers and
//     documents are deep-copied when they are written and when they are
//     read: no caller ever shares a slice, map or pointer with the store or
//     with another caller.
//   - No lock while yielding. List, AuditTrail, DeadLetters and
//     ListDocuments copy one page under the read lock, release it, yield the
//     copies and fetch the next page by keyset (the position after the last
//     one examined). A loop body may therefore call the store, Commit
//     included, without deadlocking, and every element that exists for the
//     whole scan is yielded exactly once, in order, while others are created
//     or updated.
//   - Tenant isolation. Every tenant has its own maps; an ID of another
//     tenant is simply not found.
//   - Sorted indexes. The outbox is kept in claim order (CreatedAt, then
//     ID), so Claim stops at the first entry created after now, and the
//     unfired timers in due order (DueAt, then Key), so DueTimers costs
//     O(k) for the k timers it returns, whatever the number stored.
//
// # Choices the contract leaves open
//
//   - DueTimers breaks ties of DueAt by Key.
//   - An acknowledged outbox entry is gone for good: its ID is no longer
//     in the outbox, so a later Write may use it again.
//   - The store keeps no clock of its own: every time it stores comes from
//     the Write or from the now a method is given.
//
// It serves the record-keeping requirements of ISO/IEC 27035-1 and
// ISO/IEC 27035-2 through package store.
package memory
