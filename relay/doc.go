// Package relay is NOT IMPLEMENTED YET. It holds no code; its API arrives
// with GitHub issue #4.
//
// It will own delivery of the outbox: it reads the events recorded
// alongside each incident change and hands them to notifiers (see package
// notify), with leases so that only one worker delivers an event, retries
// with back-off, and dead letters for events that cannot be delivered.
//
// It serves the reporting and communication duties of ISO/IEC 27035-1
// (detect and report; respond) and the communication activities of
// ISO/IEC 27035-2.
package relay
