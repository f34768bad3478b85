// Package webhook is NOT IMPLEMENTED YET. It holds no code; its API
// arrives with GitHub issue #9.
//
// It will own a notifier, implementing the contracts of package notify,
// that delivers events as HTTP webhooks. It uses the standard library
// only.
//
// It serves the reporting and communication duties of ISO/IEC 27035-1
// and ISO/IEC 27035-2 through package notify.
package webhook
