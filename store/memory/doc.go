// Package memory is NOT IMPLEMENTED YET. It holds no code; its API arrives
// with GitHub issue #3.
//
// It will own an in-memory implementation of the storage contracts of
// package store. It is the embedded default, meant for tests, examples
// and small hosts that do not need durable storage, and it must pass the
// conformance suite in package store/storetest.
//
// It serves the record-keeping requirements of ISO/IEC 27035-1 and
// ISO/IEC 27035-2 through package store.
package memory
