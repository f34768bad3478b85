package notify

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/google/uuid"
)

// Notification is one message to deliver.
type Notification struct {
	// ID is the outbox entry's ID.
	ID uuid.UUID `json:"id"`
	// Type names what happened, e.g. "incident.declared".
	Type string `json:"type"`
	// Tenant is the organisation the record belongs to.
	Tenant   string    `json:"tenant"`
	RecordID uuid.UUID `json:"record_id"`
	// Seq is the record's audit sequence number at the change; receivers
	// order by it, because relays may deliver out of order.
	Seq uint64 `json:"seq"`
	// IdempotencyKey is the same on every redelivery of this notification.
	IdempotencyKey string          `json:"idempotency_key"`
	Payload        json.RawMessage `json:"payload,omitempty"`
	CreatedAt      time.Time       `json:"created_at"`
	// Attempt is 1 on the first delivery, 2 on the first retry, …
	Attempt int `json:"attempt"`
}

// Notifier delivers notifications.
type Notifier interface {
	// Notify delivers n and returns nil once the receiver has it. An error
	// means it may not have arrived: the relay retries it later unless
	// IsPermanent(err) (retrying cannot help: the receiver rejected it),
	// honouring RetryAfter(err) when it gives a time. Notify must respect
	// ctx (return promptly with its error when it is done) and be safe for
	// concurrent use.
	Notify(ctx context.Context, n Notification) error
}

// Func adapts a function to Notifier.
type Func func(ctx context.Context, n Notification) error

// Notify implements Notifier.
func (f Func) Notify(ctx context.Context, n Notification) error { return f(ctx, n) }

// ErrPermanent marks a failure that retrying cannot mend (a 4xx answer, a
// payload the receiver rejects). Wrap it with Permanent.
var ErrPermanent = errors.New("notify: permanent failure")

// Permanent wraps err so that IsPermanent reports true; an error that is
// permanent already is returned as it is.
func Permanent(err error) error {
	if err == nil || IsPermanent(err) {
		return err
	}
	return &permanentError{err}
}

type permanentError struct{ err error }

func (e *permanentError) Error() string   { return "notify: permanent: " + e.err.Error() }
func (e *permanentError) Unwrap() []error { return []error{e.err, ErrPermanent} }

// IsPermanent reports whether err says retrying cannot help.
func IsPermanent(err error) bool { return errors.Is(err, ErrPermanent) }

// RetryAfterError asks for the next attempt no earlier than After from now
// (an HTTP 429 or 503 with Retry-After).
type RetryAfterError struct {
	After time.Duration
	Err   error
}

// Error implements error.
func (e *RetryAfterError) Error() string {
	if e.Err == nil {
		return "notify: retry after " + e.After.String()
	}
	return "notify: retry after " + e.After.String() + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *RetryAfterError) Unwrap() error { return e.Err }

// RetryAfter returns the delay a failure asked for, and false when it asked
// for none.
func RetryAfter(err error) (time.Duration, bool) {
	var ra *RetryAfterError
	if errors.As(err, &ra) && ra.After > 0 {
		return ra.After, true
	}
	return 0, false
}

// Multi returns a Notifier that delivers to every notifier in turn, in the
// spirit of slog.NewMultiHandler. Its error joins the failures (nil when all
// delivered); it is permanent only when every failure is permanent, since a
// retry then cannot help any of them. A retry redelivers to all, so the
// notifiers must tolerate duplicates (they carry an IdempotencyKey).
func Multi(ns ...Notifier) Notifier {
	list := make([]Notifier, 0, len(ns))
	for _, n := range ns {
		if n != nil {
			list = append(list, n)
		}
	}
	return multi(list)
}

type multi []Notifier

// Notify delivers to every notifier; see Multi.
func (m multi) Notify(ctx context.Context, n Notification) error {
	var errs []error
	permanent := true
	for _, x := range m {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := x.Notify(ctx, n); err != nil {
			errs = append(errs, err)
			permanent = permanent && IsPermanent(err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	if permanent {
		return Permanent(errors.Join(errs...))
	}
	// Some failure is worth a retry: the permanent ones must not make the
	// joined error look permanent, so they are kept by message only.
	for i, err := range errs {
		if IsPermanent(err) {
			errs[i] = hiddenPermanent{err}
		}
	}
	return errors.Join(errs...)
}

// hiddenPermanent shows a permanent failure's message inside a retryable
// joined error without letting errors.Is find ErrPermanent through it.
type hiddenPermanent struct{ err error }

func (h hiddenPermanent) Error() string { return h.err.Error() }
