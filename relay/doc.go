// Package relay delivers the outbox: the notifications that the lifecycle
// engine stores in the same atomic write as each incident change (see
// store.Outbox) are claimed by a Relay and handed to a notify.Notifier — a
// webhook, a message bus, a host's own code.
//
//	r, err := relay.New(st, notifier, relay.WithLogger(logger))
//	…
//	err = r.Run(ctx, "acme", "globex") // until ctx is done
//
// Step makes one round for one tenant and reports what it did, for hosts
// that schedule the work themselves and for tests; Run loops over Step.
//
// # At least once
//
// A relay loses nothing: an entry leaves the outbox only when the notifier
// has said it arrived (Ack), and every other ending — a failure, a crash, a
// stop — leaves it there to be delivered again. The price is duplicates: a
// receiver that got a notification whose acknowledgement was lost gets it
// again. Every notification therefore carries the entry's IdempotencyKey,
// the same on every redelivery, and the record's audit Seq: receivers drop
// what they have seen by the key and order by Seq, since several relays,
// retries and concurrent deliveries do not keep the order of the outbox.
//
// # Why leases
//
// Claim does not lock rows: it leases entries for a while (WithLease) with
// a token, and Ack and Nack must present the token. Several relays, in one
// process or on several machines, share one outbox without coordinating:
// an entry leased to one is not claimable by the others until its lease
// ends. A lease that ends without Ack or Nack belongs to a relay that
// crashed or hung; the entry becomes claimable again and another relay
// delivers it. A relay that comes back late and reports an outcome with
// its old token gets store.ErrLeaseLost, which Step logs and counts
// (Result.LeaseLost) and otherwise ignores: the new holder's outcome wins.
//
// So that a delivery never outlives its lease, the notifier's context has
// a deadline before the lease ends, by a margin of a tenth of the lease (at
// least a second, at most half of it). The deadline covers the whole batch:
// entries whose turn comes after it are given back undelivered. A batch
// (WithBatch) must therefore fit into a lease at the concurrency chosen
// (WithConcurrency).
//
// # Failures, retries and dead letters
//
// A failed delivery is reported with Nack and tried again after an
// exponential backoff with full jitter (WithBackoff, WithJitter), or after
// the delay the notifier asked for (notify.RetryAfter) when that is longer.
// A failure the notifier marks permanent (notify.IsPermanent) is not
// retried: the store makes the entry a dead letter at once. So does the
// failure of an entry's last attempt (OutboxEntry.MaxAttempts). Dead
// letters wait in the store for an operator (Outbox.DeadLetters,
// Outbox.Requeue).
//
// # Crashes and stops
//
// If a relay's process dies mid-batch, what it acknowledged is gone from
// the outbox and the rest stays leased until the leases expire; then any
// relay claims those entries again, and the receivers see the ones that
// did arrive a second time. An entry that crashes or hangs its relay every
// time (a poison message) would go round for ever; Claim counts the
// attempts and dead-letters it after MaxAttempts instead of handing it out
// again.
//
// A relay that is stopped (its context cancelled) stops early and does not
// wait for the leases: deliveries in flight end with the context, and the
// entries it did not deliver are given back with Nack, claimable at once.
// Ack and Nack run on a context detached from the cancelled one (with a
// timeout of their own), so the outcomes of finished deliveries are
// recorded and not delivered again. Each claim uses up one of an entry's
// attempts, except that an entry given back undelivered gets its attempt
// back (store.Failure.Release); a crash gives nothing back.
//
// # Operations
//
// DeadLetters lists a tenant's dead letters, filtered by ID, type, record
// or time of death (DeadFilter); RequeueDead puts the ones a filter selects
// back into the outbox with their attempts reset, once the receiver is
// mended; DryRun shows beforehand what RequeueDead would requeue, with the
// outbox's counts (store.OutboxStats). When the store also implements the
// optional store.OutboxLister (the memory store and the SQLite and
// PostgreSQL adapters do), DryRun lists every entry too, pending or dead,
// with its attempts, next attempt, last error and lease (Plan.Entries),
// without claiming any; on a store without it, the pending entries cannot
// be listed, since store.Outbox reads them only by Claim, which leases
// them. The outbox's gauges reach Prometheus through adapters/prometheus.
//
// # Time
//
// The clock (WithClock) gives the times the relay passes to the store:
// the now of Claim and Nack and the retry times. Tests advance it by hand
// to let leases and backoffs expire without sleeping. Deadlines of
// deliveries and Run's poll interval are measured on the real clock.
//
// It serves the reporting and communication duties of ISO/IEC 27035-1
// (detect and report; respond) and the communication activities of
// ISO/IEC 27035-2.
package relay
