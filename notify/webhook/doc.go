// Package webhook is a notifier (package notify) that delivers each
// notification as an HTTP(S) POST of JSON, in a CloudEvents 1.0 envelope,
// signed with HMAC-SHA256, from a client hardened against the receivers a
// tenant may configure. It uses the standard library only, besides
// github.com/google/uuid, which package notify brings for its IDs.
//
//	n, err := webhook.New(webhook.Config{
//		URL:   "https://hooks.example.com/iso27035",
//		Key:   webhook.Key{ID: "2026-03", Secret: secret},
//		Guard: &webhook.Guard{}, // tenants configure URLs: refuse private addresses
//	})
//	…
//	r, err := relay.New(st, n)
//
// # The envelope
//
// The body is a CloudEvents 1.0 event in structured mode (Content-Type
// application/cloudevents+json), written with encoding/json:
//
//	{
//	  "specversion": "1.0",
//	  "id": "<the notification's IdempotencyKey>",
//	  "source": "/iso27035/acme",
//	  "type": "lifecycle.close",
//	  "subject": "<the record's ID>",
//	  "time": "2026-03-02T09:14:00Z",
//	  "datacontenttype": "application/json",
//	  "data": { … the payload, as it is … },
//	  "tenant": "acme",
//	  "seq": "42",
//	  "outboxid": "<the outbox entry's ID>",
//	  "attempt": 1
//	}
//
// The CloudEvents id is the IdempotencyKey, not a fresh ID per request:
// CloudEvents says that source and id together identify an event and that
// consumers may treat two events with the same source and id as duplicates,
// which is exactly what a redelivery is (delivery is at least once). So a
// receiver, or any CloudEvents tooling between, deduplicates on id without
// knowing this package.
//
// Source is a URI-reference, by default "/iso27035/{tenant}"
// (Config.Source); type is the notification's Type, optionally behind a
// reverse-DNS prefix (Config.TypePrefix, e.g. "org.example.iso27035.").
// The extension attributes tenant, seq, outboxid and attempt carry the rest of
// the Notification; their names are lowercase letters and digits only, as
// CloudEvents requires. Seq is a string because a CloudEvents Integer is
// 32-bit and Seq is not. Attempt changes on every redelivery, so the body
// (and its signature) does too; id does not. Decode turns a body back into
// an Event and Event.Notification into a notify.Notification.
//
// # The signature
//
// Every request carries the header
//
//	Webhook-Signature: t=<unix seconds>,kid=<key id>,v1=<hex HMAC-SHA256>
//
// where v1 is HMAC-SHA256 under the secret of key kid over the bytes of
// t, a full stop, and the body: "1772442840.{…}". The timestamp is inside
// the MAC, so a captured request cannot be replayed with a new timestamp,
// and the receiver refuses old ones (the replay window, Verify's
// tolerance); within the window it drops replays by the event's id.
//
// Secrets rotate with overlap: receivers first accept both the old and the
// new key (Verify takes every key they hold and picks the one kid names),
// then the sender signs with the new one (Config.Key), then receivers drop
// the old. Verify and VerifyRequest report ErrMalformed, ErrUnknownKey,
// ErrBadSignature or ErrExpired.
//
// # Hardening
//
// Receivers are configured by tenants, so the client expects the worst:
//
//   - timeouts: for the whole request (Config.Timeout), for each dial
//     (Config.DialTimeout) and the TLS handshake, besides the caller's
//     context;
//   - a response-size limit: at most Config.MaxResponseBytes of a body are
//     read, the rest is not (the connection is closed instead);
//   - no redirects by default: a 3xx is a permanent failure naming the
//     Location (Config.MaxRedirects allows some; every hop passes the guard);
//   - no proxy from the environment, so that the guard sees the real
//     destination;
//   - an optional Guard (Config.Guard) that refuses loopback, private,
//     link-local, unspecified, multicast, CGNAT and other special-purpose
//     addresses, including their IPv4-mapped, NAT64 and 6to4 forms. It
//     checks in the dialer's Control hook, after DNS resolution, the very
//     address being connected to, so a name that resolves to 10.0.0.1 or
//     169.254.169.254 (or is rebound to it between two lookups) is refused
//     before a packet is sent. A refusal is permanent.
//
// Answers are classified for the relay: 2xx is delivered; 408, 429 and 5xx
// are transient, with a Retry-After (seconds or an HTTP date) passed on as
// a *notify.RetryAfterError (capped by Config.MaxRetryAfter); 3xx and every
// other 4xx are permanent (notify.Permanent); timeouts and connection errors
// are transient; a done context gives an error satisfying errors.Is with
// the context's error.
//
// It serves the reporting and communication duties of ISO/IEC 27035-1 and
// ISO/IEC 27035-2 through package notify.
package webhook
