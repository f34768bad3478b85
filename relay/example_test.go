package relay_test

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/notify/notifytest"
	"github.com/iso27035/iso27035/relay"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
)

// exampleEntries returns outbox entries for the examples, created at t.
func exampleEntries(t time.Time, types ...string) []store.OutboxEntry {
	rec := uuid.MustParse("0196a3c1-0000-7000-8000-000000000001")
	var es []store.OutboxEntry
	for i, typ := range types {
		es = append(es, store.OutboxEntry{
			ID:             uuid.MustParse(fmt.Sprintf("0196a3c1-0000-7000-8000-0000000001%02d", i)),
			Type:           typ,
			RecordID:       rec,
			Seq:            uint64(i + 1),
			IdempotencyKey: fmt.Sprintf("%s/%d", rec, i+1),
			Payload:        []byte(`{"severity":"high"}`),
			CreatedAt:      t,
		})
	}
	return es
}

func ExampleRelay_Step() {
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	st := memory.New()
	// The lifecycle engine writes entries with each change; here directly.
	err := st.Commit(ctx, "acme", &store.Write{Outbox: exampleEntries(now, "incident.declared", "incident.assigned")})
	if err != nil {
		panic(err)
	}

	rec := &notifytest.Recorder{}
	r, err := relay.New(st, rec, relay.WithClock(func() time.Time { return now }))
	if err != nil {
		panic(err)
	}
	res, err := r.Step(ctx, "acme")
	fmt.Printf("%+v %v\n", res, err)
	for _, n := range rec.Notifications() {
		fmt.Println(n.Type, n.Seq, n.Attempt, n.IdempotencyKey)
	}
	stats, _ := st.OutboxStats(ctx, "acme", now)
	fmt.Println("pending:", stats.Pending)
	// Output:
	// {Claimed:2 Delivered:2 Retried:0 DeadLettered:0 LeaseLost:0} <nil>
	// incident.declared 1 1 0196a3c1-0000-7000-8000-000000000001/1
	// incident.assigned 2 1 0196a3c1-0000-7000-8000-000000000001/2
	// pending: 0
}

// A failed delivery is retried after the backoff; the clock is advanced by
// hand, as in a test.
func ExampleRelay_Step_retry() {
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	st := memory.New()
	if err := st.Commit(ctx, "acme", &store.Write{Outbox: exampleEntries(now, "incident.declared")}); err != nil {
		panic(err)
	}
	rec := &notifytest.Recorder{}
	rec.FailNext(notifytest.FailTransient) // the receiver is down once

	r, err := relay.New(st, rec,
		relay.WithClock(func() time.Time { return now }),
		relay.WithBackoff(2*time.Second, time.Minute),
		relay.WithJitter(func() float64 { return 1 }), // no jitter: the full backoff
	)
	if err != nil {
		panic(err)
	}
	for range 3 {
		res, _ := r.Step(ctx, "acme")
		fmt.Printf("%s %+v\n", now.Format(time.TimeOnly), res)
		now = now.Add(time.Second)
	}
	n := rec.Notifications()[0]
	fmt.Println(n.Type, "attempt", n.Attempt)
	// Output:
	// 09:00:00 {Claimed:1 Delivered:0 Retried:1 DeadLettered:0 LeaseLost:0}
	// 09:00:01 {Claimed:0 Delivered:0 Retried:0 DeadLettered:0 LeaseLost:0}
	// 09:00:02 {Claimed:1 Delivered:1 Retried:0 DeadLettered:0 LeaseLost:0}
	// incident.declared attempt 2
}

func ExampleRelay_Run() {
	st := memory.New()
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	bg := context.Background()
	if err := st.Commit(bg, "acme", &store.Write{Outbox: exampleEntries(now, "incident.declared")}); err != nil {
		panic(err)
	}
	if err := st.Commit(bg, "globex", &store.Write{Outbox: exampleEntries(now, "event.reported")}); err != nil {
		panic(err)
	}
	rec := &notifytest.Recorder{}
	r, err := relay.New(st, rec, relay.WithPollInterval(10*time.Millisecond))
	if err != nil {
		panic(err)
	}

	ctx, cancel := context.WithCancel(bg)
	done := make(chan error, 1)
	go func() { done <- r.Run(ctx, "acme", "globex") }()

	wctx, wcancel := context.WithTimeout(bg, 5*time.Second)
	defer wcancel()
	if err := rec.Wait(wctx, 2); err != nil {
		panic(err)
	}
	cancel()
	fmt.Println("run:", <-done) // a cancelled Run is a clean stop
	for _, n := range rec.Notifications() {
		fmt.Println(n.Tenant, n.Type)
	}
	// Output:
	// run: <nil>
	// acme incident.declared
	// globex event.reported
}

func ExampleNew() {
	_, err := relay.New(memory.New(), &notifytest.Recorder{}, relay.WithBatch(0), relay.WithLease(-time.Second))
	fmt.Println(errors.Is(err, relay.ErrInvalidConfig))
	fmt.Println(err)
	// Output:
	// true
	// relay: invalid configuration: batch 0, want at least 1
	// relay: invalid configuration: lease -1s, want more than 0
}

// A receiver rejected two notifications for good; once it is mended, the
// operator looks at the dead letters, checks what a requeue would do, and
// requeues them.
func ExampleRequeueDead() {
	ctx := context.Background()
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	st := memory.New()
	err := st.Commit(ctx, "acme", &store.Write{Outbox: exampleEntries(now, "incident.declared", "incident.assigned", "incident.closed")})
	if err != nil {
		panic(err)
	}
	rec := &notifytest.Recorder{}
	rec.FailNext(notifytest.FailPermanent, notifytest.FailPermanent) // 410 Gone, twice
	r, err := relay.New(st, rec, relay.WithClock(func() time.Time { return now }), relay.WithConcurrency(1))
	if err != nil {
		panic(err)
	}
	res, _ := r.Step(ctx, "acme")
	fmt.Printf("%+v\n", res)

	// The operator's view.
	for e, err := range relay.DeadLetters(ctx, st, "acme", relay.DeadFilter{}) {
		if err != nil {
			panic(err)
		}
		fmt.Println("dead:", e.Type, e.Attempts)
	}
	f := relay.DeadFilter{Type: "incident.assigned"}
	plan, err := relay.DryRun(ctx, st, "acme", f, now)
	if err != nil {
		panic(err)
	}
	fmt.Printf("would requeue %d of %d dead letters at %s\n", len(plan.Requeue), plan.Stats.Dead, plan.RetryAt.Format(time.TimeOnly))

	n, err := relay.RequeueDead(ctx, st, "acme", f, now)
	fmt.Println("requeued:", n, err)
	res, _ = r.Step(ctx, "acme")
	fmt.Printf("%+v\n", res)
	stats, _ := st.OutboxStats(ctx, "acme", now)
	fmt.Printf("pending %d, dead %d\n", stats.Pending, stats.Dead)
	// Output:
	// {Claimed:3 Delivered:1 Retried:0 DeadLettered:2 LeaseLost:0}
	// dead: incident.declared 1
	// dead: incident.assigned 1
	// would requeue 1 of 2 dead letters at 09:00:00
	// requeued: 1 <nil>
	// {Claimed:1 Delivered:1 Retried:0 DeadLettered:0 LeaseLost:0}
	// pending 0, dead 1
}
