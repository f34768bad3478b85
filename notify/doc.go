// Package notify is NOT IMPLEMENTED YET. It holds no code; its API arrives
// with GitHub issue #3.
//
// It will own the notification contracts: what a notifier receives
// (events from the outbox, delivered by package relay) and what it must
// report back, so that hosts can plug in e-mail, chat, paging or
// ticketing systems.
//
// It serves the reporting and communication duties of ISO/IEC 27035-1
// (detect and report; respond) and ISO/IEC 27035-2.
package notify
