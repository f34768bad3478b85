// Package notify defines what a notifier is: something that delivers one
// notification from the outbox (a webhook, a message bus, a pager, a host's
// own code) and says whether a failure is worth retrying. Package relay
// calls notifiers; hosts implement them or use notify/webhook and the NATS
// adapter, and prove them with notify/notifytest.
//
// Delivery is at least once: a notification may arrive twice (after a
// timeout whose request did get through, or from a second relay after a
// lease expired), so every notification carries an IdempotencyKey and the
// record's Seq, and receivers drop what they have seen.
package notify
