package notifytest_test

import (
	"context"
	"fmt"

	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/notify/notifytest"
)

func ExampleRecorder() {
	ctx := context.Background()
	rec := &notifytest.Recorder{}

	// The receiver is down for the first attempt; the sender retries.
	rec.FailNext(notifytest.FailTransient)
	n := notify.Notification{Type: "incident.declared", Tenant: "acme", Seq: 1, IdempotencyKey: "inc-1/1"}
	for attempt := 1; ; attempt++ {
		n.Attempt = attempt
		err := rec.Notify(ctx, n)
		if err == nil {
			break
		}
		fmt.Println("attempt", attempt, "failed; permanent:", notify.IsPermanent(err))
	}
	_ = rec.Notify(ctx, notify.Notification{Type: "incident.closed", Tenant: "acme", Seq: 2, IdempotencyKey: "inc-1/2"})
	_ = rec.Notify(ctx, n) // a duplicate, as at-least-once delivery allows

	if err := rec.Wait(ctx, 3); err != nil {
		fmt.Println(err)
	}
	fmt.Println("recorded:", rec.Len(), "unique:", rec.Unique())
	for _, got := range rec.ByType("incident.declared") {
		fmt.Println(got.Type, got.IdempotencyKey, "attempt", got.Attempt)
	}
	// Output:
	// attempt 1 failed; permanent: false
	// recorded: 3 unique: 2
	// incident.declared inc-1/1 attempt 2
	// incident.declared inc-1/1 attempt 2
}
