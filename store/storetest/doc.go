// Package storetest is NOT IMPLEMENTED YET. It holds no code; its API
// arrives with GitHub issue #3.
//
// It will own the conformance suite for the storage contracts of package
// store: a set of tests that any implementation (package store/memory,
// the SQL adapters, or a host's own) runs from its own tests to show it
// behaves as the contracts require.
//
// It serves the record-keeping requirements of ISO/IEC 27035-1 and
// ISO/IEC 27035-2 through package store.
package storetest
