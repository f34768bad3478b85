// Package notifytest helps test code that sends notifications and code
// that delivers them, the way net/http/httptest and testing/slogtest do for
// HTTP and logging. It uses the standard library only, so hosts import it
// from their own tests.
//
// # A recorder for code that notifies
//
// Recorder is a Notifier that keeps every notification it accepts. Code
// under test (the relay, the lifecycle engine, a host's own service) is given
// a Recorder, and the test asserts on what arrived:
//
//	rec := &notifytest.Recorder{}
//	// … run the code under test with rec as its notifier …
//	if err := rec.Wait(ctx, 3); err != nil { … }     // asynchronous senders
//	got := rec.ByType("incident.declared")
//	if rec.Unique() != 3 { … }                      // at least once: count keys
//
// Delivery is at least once, so a test that counts deliveries of a system
// that retries should count Unique (distinct IdempotencyKeys), not Len.
//
// Failures are injected three ways: FailNext scripts the next deliveries
// (a transient error, a permanent one, a "retry after", or a receiver that
// hangs until the context is done); the FailWith field decides per
// notification; and Faulty wraps any Notifier and fails a seeded, random
// fraction of calls, before or after delivering, for tests of a relay that
// must survive a flaky receiver.
//
// # A conformance suite for notifiers
//
// Run checks that a Notifier honours the contract of package notify: what
// is sent arrives intact, a redelivery is harmless, transient and permanent
// failures are told apart, a done context ends a call promptly with the
// context's error, and concurrent calls are safe. A notifier's receiving
// side differs per implementation (an HTTP server for a webhook, a stream
// for NATS), so the implementation's test supplies a Harness: the notifier,
// what its receiver got, a way to make the receiver fail the next delivery,
// and the Features it claims, in the style of watermill's universal Pub/Sub
// tests. A webhook notifier's test might read (its names illustrative):
//
//	func TestConformance(t *testing.T) {
//		notifytest.Run(t, func(t *testing.T) notifytest.Harness {
//			srv := newTestReceiver(t) // records, fails on demand
//			return notifytest.Harness{
//				Notifier: webhook.New(webhook.Config{URL: srv.URL}),
//				Received: srv.Received,
//				FailNext: srv.FailNext,
//				Features: notifytest.Features{SupportsPermanent: true, SupportsHang: true, SupportsRetryAfter: true},
//			}
//		})
//	}
//
// The Recorder is the reference implementation and passes the suite with
// every feature on, as fstest.MapFS passes fstest.TestFS.
//
// It serves the reporting and communication duties of ISO/IEC 27035-1 and
// ISO/IEC 27035-2 through package notify.
package notifytest
