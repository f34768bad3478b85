// Package storetest is the conformance suite of the storage contracts of
// package store: the tests every implementation (package store/memory, the
// SQL adapters, a host's own store) runs from its own tests to show it
// behaves as the contracts require, as testing/fstest does for io/fs and
// testing/slogtest for log/slog. It also holds a benchmark suite shared by
// every store, as hashicorp/raft's raftbench.
//
// It serves the record-keeping requirements of ISO/IEC 27035-1 and
// ISO/IEC 27035-2 through package store: the suite is what makes a host's
// database trustworthy as the incident register, its audit trail and its
// notification outbox.
//
// # From go test
//
// A host calls Run from a test, with a function that returns a new, empty
// store for each case:
//
//	func TestMyStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) store.Store {
//			s := mystore.Open(t.TempDir())
//			t.Cleanup(func() { s.Close() })
//			return s
//		})
//	}
//
// Run makes one named subtest per contract, grouped by area, so a failure
// names the broken contract and go test -run selects cases:
//
//	Commit/StaleUpdate_ErrConflict       optimistic versions
//	Commit/Atomic_OutboxWithState        one atomic write
//	Concurrency/ManyWritersOneIncident   no lost update under contention
//	Tenants/…                            no read or write across tenants
//	List/Filters/<field>                 List and Count agree with Query.Match
//	List/NoLockWhileYielding             the loop body may call the store
//	                                     (Audit/, Documents/ and
//	                                     Outbox/DeadLetters… likewise)
//	Outbox/LeaseExpiry_DeadLetter…       poison messages end as dead letters
//	OutboxLister/…                       the optional read-only listing
//	Audit/…, Outbox/…, Timers/…, Documents/…
//	Context/Cancelled, BadInput/…        errors.Is(err, context.Canceled), ErrInvalid
//	BadInput/OrgMismatch                 a record's Org is the tenant
//
// A failed case logs a one-line statement of the contract it checks. The
// cases run one after the other, so the stores may share one database as
// long as the constructor empties it; they use two tenants of their own
// and fixed IDs and times (UTC, whole seconds). Cases that could hang on a
// deadlocking store (calls from inside an iteration, many writers at once)
// give up after a deadline and fail instead.
//
// # Optional interfaces
//
// The OutboxLister cases check store.OutboxLister, which a store need not
// implement: on a store that does not (a type assertion on the value
// newStore returns), each of them is skipped with t.Skip and a message
// naming store.OutboxLister, and TestStore counts it as passed. A store
// wrapped in a type that embeds store.Store hides the method and is
// treated as not implementing it.
//
// # From another harness
//
// TestStore runs the same cases without a *testing.T and returns nil or a
// *SuiteError listing each failed case by name, with its contract and
// messages; it gives up on a case that does not finish within a minute.
//
// # Benchmarks
//
// Bench runs the shared benchmarks (create, update with audit and outbox,
// get, list a page, claim and acknowledge, due timers) on a store, so
// implementations are compared on the same work:
//
//	func BenchmarkMyStore(b *testing.B) {
//		storetest.Bench(b, func(b *testing.B) store.Store { return mystore.Open(b.TempDir()) })
//	}
//
// The package imports only the standard library, packages store and
// incident and github.com/google/uuid (which they use): hosts import it
// from their own tests without taking on a test framework.
package storetest
