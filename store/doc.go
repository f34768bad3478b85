// Package store is NOT IMPLEMENTED YET. It holds no code; its API arrives
// with GitHub issue #3.
//
// It will own the storage contracts that hosts implement to keep
// incidents, their histories and the outbox in their own database, in
// the way database/sql/driver defines what a database driver provides.
// The SDK ships an in-memory implementation (package store/memory) and a
// conformance suite (package store/storetest); SQL drivers live in the
// nested adapters module.
//
// It serves the documentation and record-keeping requirements of
// ISO/IEC 27035-1 and ISO/IEC 27035-2 (records of events, incidents and
// the actions taken on them).
package store
