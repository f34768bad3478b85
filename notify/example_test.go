package notify_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/iso27035/iso27035/notify"
)

func ExampleMulti() {
	ctx := context.Background()
	pager := notify.Func(func(_ context.Context, n notify.Notification) error {
		fmt.Println("pager:", n.Type)
		return nil
	})
	chat := notify.Func(func(context.Context, notify.Notification) error {
		return notify.Permanent(errors.New("chat: 403 Forbidden"))
	})
	ticket := notify.Func(func(context.Context, notify.Notification) error {
		return errors.New("ticket: 503 Service Unavailable")
	})
	n := notify.Notification{Type: "incident.declared", IdempotencyKey: "inc-1/1"}

	// One of the failures is worth a retry, so the whole is.
	err := notify.Multi(pager, nil, chat, ticket).Notify(ctx, n)
	fmt.Println("permanent:", notify.IsPermanent(err))
	fmt.Println(err)

	// Only failures that no retry can mend: permanent.
	err = notify.Multi(pager, chat).Notify(ctx, n)
	fmt.Println("permanent:", notify.IsPermanent(err))
	// Output:
	// pager: incident.declared
	// permanent: false
	// notify: permanent: chat: 403 Forbidden
	// ticket: 503 Service Unavailable
	// pager: incident.declared
	// permanent: true
}

func ExamplePermanent() {
	errRejected := errors.New("422 Unprocessable Entity")
	for _, err := range []error{
		errors.New("connection reset"),
		notify.Permanent(errRejected),
		fmt.Errorf("webhook: %w", notify.Permanent(errRejected)),
		notify.Permanent(nil),
	} {
		fmt.Printf("%v: permanent=%t, rejected=%t\n", err, notify.IsPermanent(err), errors.Is(err, errRejected))
	}
	// Output:
	// connection reset: permanent=false, rejected=false
	// notify: permanent: 422 Unprocessable Entity: permanent=true, rejected=true
	// webhook: notify: permanent: 422 Unprocessable Entity: permanent=true, rejected=true
	// <nil>: permanent=false, rejected=false
}

func ExampleRetryAfter() {
	err := fmt.Errorf("webhook: %w", &notify.RetryAfterError{
		After: 2 * time.Minute,
		Err:   errors.New("429 Too Many Requests"),
	})
	if d, ok := notify.RetryAfter(err); ok {
		fmt.Println("next attempt in", d)
	}
	fmt.Println(err)
	// Output:
	// next attempt in 2m0s
	// webhook: notify: retry after 2m0s: 429 Too Many Requests
}
