// Package sqlite is NOT IMPLEMENTED YET. It holds no code; its API arrives
// with GitHub issue #5.
//
// It will own an implementation of the storage contracts of package
// github.com/iso27035/iso27035/store on SQLite, using the pure-Go driver
// modernc.org/sqlite (no cgo), and will pass the conformance suite in
// package store/storetest.
//
// It serves the record-keeping requirements of ISO/IEC 27035-1 and
// ISO/IEC 27035-2 through package store.
package sqlite
