// Package nats is NOT IMPLEMENTED YET. It holds no code; its API arrives
// with GitHub issue #9.
//
// It will own a notifier, implementing the contracts of package
// github.com/iso27035/iso27035/notify, that publishes incident events to
// NATS subjects, so other systems can react to them.
//
// It serves the reporting and communication duties of ISO/IEC 27035-1
// and ISO/IEC 27035-2 through package notify.
package nats
