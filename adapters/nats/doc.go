// Package nats publishes notifications to NATS JetStream: a Notifier,
// implementing the contract of package github.com/iso27035/iso27035/notify,
// for the relay to deliver outbox entries through, so other systems can
// react to incident events.
//
// # Subjects and messages
//
// A notification is published to the subject <prefix>.<tenant>.<type>
// (prefix DefaultPrefix unless WithPrefix says otherwise). The tenant is
// one subject token; the type keeps its dots, so "incident.declared" of
// tenant "acme" goes to iso27035.acme.incident.declared and a consumer can
// filter on iso27035.*.incident.> or iso27035.acme.>. Characters that NATS
// does not allow in a token, or that would change the subject's shape
// ('.', '*', '>', spaces, control characters), are escaped reversibly by
// EscapeToken: every byte other than A–Z, a–z, 0–9, '-' and '_' becomes
// %XX, so distinct tenants never share a subject. A notification with an
// empty tenant or type, or a type with an empty part ("incident..x"), has
// no subject: Notify rejects it, permanently, with a *SubjectError.
//
// The message body is the notify.Notification as JSON, with its own field
// names (not a CloudEvents envelope). The header Content-Type is
// application/json, and the header Nats-Msg-Id is the notification's
// IdempotencyKey.
//
// # Duplicates: what is guaranteed
//
// JetStream drops a message whose Nats-Msg-Id it has stored within the
// stream's duplicate window, and acknowledges it as a duplicate. Notify
// takes that acknowledgement as success. So a redelivery by the relay (a
// retry after a lost acknowledgement, or a second relay after a lease
// expired) is stored once, provided it arrives within the window.
//
// The window must therefore cover the relay's retry horizon: the longest
// time between the first and the last attempt of one notification.
// JetStream's default window of two minutes is far shorter than the
// relay's defaults allow. Those defaults are ten attempts
// (store.DefaultMaxAttempts) and nine backoffs starting at 1 s and
// doubling up to 256 s (511 s in all), with each attempt taking up to a
// 30 s lease plus a 1 s poll: 821 s, almost 14 minutes in all. EnsureStream
// creates the stream with DefaultDuplicateWindow, 15 minutes. RetryHorizon
// computes the horizon for other relay settings, and
// StreamConfig.Duplicates sets a longer window (at most
// MaxDuplicateWindow, a day).
//
// Beyond the window, duplicates can occur: a redelivery is stored a
// second time. That happens when a relay is stopped, or fails against its
// store, for longer than the window; when relay options (WithBackoff,
// MaxAttempts, WithLease) give a horizon longer than the window; and when
// the stream was created some other way, with JetStream's default window
// of two minutes. Delivery stays at least once, as package notify says:
// consumers must still drop what they have seen by IdempotencyKey (and
// order by Seq).
//
// # Failures
//
// Notify returns nil once JetStream has acknowledged the message, whether
// it stored it or dropped it as a duplicate. These failures are transient,
// and the relay retries them: a timeout; a lost or closed connection; no
// stream answering on the subject (no responders); and a JetStream error
// with a 5xx code (storage unavailable, no quorum). No answer is
// retryable rather than a permanent configuration error for two reasons.
// JetStream answers the same way while a stream's leader is being elected
// or the server restarts. And creating the missing stream mends a missing
// stream: a retry then delivers. If the stream never comes, the entry
// becomes a dead letter after its last attempt and can be replayed. A
// permanent error would have given up at once. A JetStream error with a
// 4xx code (a message larger than the stream allows, a subject the stream
// refuses) is permanent: sending the same message again cannot succeed.
//
// # Compatibility
//
// The package uses github.com/nats-io/nats.go/jetstream. EnsureStream sets
// only stream settings that nats-server 2.9 knows: name, subjects,
// storage, replicas, max age and duplicate window. The package is tested
// against nats-server 2.9.
//
// It serves the reporting and communication duties of ISO/IEC 27035-1 and
// ISO/IEC 27035-2 through package notify.
package nats
