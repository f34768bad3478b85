// Package notifytest is NOT IMPLEMENTED YET. It holds no code; its API
// arrives with GitHub issue #3.
//
// It will own test helpers for the contracts of package notify: a
// recorder notifier that keeps what it receives for assertions, and a
// conformance suite that any notifier runs from its own tests.
//
// It serves the reporting and communication duties of ISO/IEC 27035-1
// and ISO/IEC 27035-2 through package notify.
package notifytest
