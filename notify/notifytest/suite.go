package notifytest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/iso27035/iso27035/notify"
)

// Harness is what Run needs to test one notifier: the notifier, a view of
// its receiving side, and a way to make that side misbehave. newHarness
// builds a fresh one for every case, so what Received reports starts empty.
type Harness struct {
	// Notifier is the implementation under test. Required.
	Notifier notify.Notifier
	// Received returns what the receiver has accepted so far, in arrival
	// order, decoded back into Notifications (a webhook's test server
	// decodes the bodies it answered 2xx; a stream's test reads the
	// stream). By the time Notify has returned nil, the notification must be
	// in Received: Notify returns nil "once the receiver has it". Fields a
	// transport does not carry may be left zero; the suite checks Type,
	// Tenant, RecordID, Seq, IdempotencyKey and Payload (as JSON, so a
	// transport may re-encode it). Required; it must be safe to call
	// concurrently with Notify.
	Received func() []notify.Notification
	// FailNext makes the receiver fail the next delivery in the way f says,
	// once; the delivery after it succeeds again. It is called only with
	// FailTransient and with the failures Features claims. Required.
	FailNext func(f Failure)
	// Features says which optional contracts the notifier claims; the cases
	// for the others are skipped.
	Features Features
}

// Features are the optional contracts a notifier claims, switching on the
// cases of Run that check them.
type Features struct {
	// SupportsPermanent: the notifier reports a receiver's rejection as
	// permanent (notify.IsPermanent), and FailNext(FailPermanent) makes the
	// receiver reject the next delivery.
	SupportsPermanent bool
	// SupportsHang: FailNext(FailHang) makes the receiver take the next
	// delivery and never answer, until the sender gives up.
	SupportsHang bool
	// SupportsRetryAfter: the notifier passes on a receiver's request to
	// come back later as a *notify.RetryAfterError, and
	// FailNext(FailRetryAfter) makes the receiver ask for that.
	SupportsRetryAfter bool
}

// Timing of the ContextCancellation case.
const (
	cancelAfter = 50 * time.Millisecond
	mustReturn  = 2 * time.Second
)

// concurrency is the number of goroutines of the ConcurrentUse case.
const concurrency = 20

// suiteCase is one contract Run checks.
type suiteCase struct {
	name     string
	contract string
	needs    func(Features) bool
	run      func(t *testing.T, h Harness)
}

var suiteCases = []suiteCase{
	{
		name:     "Delivers",
		contract: "a notification for which Notify returned nil has arrived with its Type, Tenant, RecordID, Seq, IdempotencyKey and Payload intact",
		run:      testDelivers,
	},
	{
		name: "Idempotency",
		contract: "delivering the same notification twice is harmless: both calls return nil and the receiver sees the same IdempotencyKey, " +
			"by which it drops the duplicate (the receiver may show one arrival or two, not more)",
		run: testIdempotency,
	},
	{
		name:     "TransientFailureIsRetryable",
		contract: "a receiver's transient failure is an error that notify.IsPermanent does not report, and the retry delivers",
		run:      testTransient,
	},
	{
		name:     "PermanentFailure",
		contract: "a receiver's rejection is an error that notify.IsPermanent reports, so the relay stops retrying",
		needs:    func(f Features) bool { return f.SupportsPermanent },
		run:      testPermanent,
	},
	{
		name:     "RetryAfter",
		contract: "a receiver's request to come back later is a transient error for which notify.RetryAfter gives a positive delay, and the retry delivers",
		needs:    func(f Features) bool { return f.SupportsRetryAfter },
		run:      testRetryAfter,
	},
	{
		name:     "CancelledContext",
		contract: "Notify with a context that is already done returns an error satisfying errors.Is(err, ctx.Err()) that is not permanent",
		run:      testCancelledContext,
	},
	{
		name: "ContextCancellation",
		contract: fmt.Sprintf("Notify to a receiver that never answers returns within %v of its context being cancelled, "+
			"with an error satisfying errors.Is(err, context.Canceled) or context.DeadlineExceeded that is not permanent", mustReturn),
		needs: func(f Features) bool { return f.SupportsHang },
		run:   testContextCancellation,
	},
	{
		name:     "ConcurrentUse",
		contract: fmt.Sprintf("Notify is safe for concurrent use: %d goroutines notify at once and every notification arrives", concurrency),
		run:      testConcurrentUse,
	},
}

// Run checks that the notifiers newHarness builds honour the contract of
// notify.Notifier, with one named subtest per case. newHarness is called
// once per case, inside the subtest, so it can register cleanups with t.
// Cases for contracts the harness's Features do not claim are skipped, with
// the reason. A failing case logs the contract it checks.
func Run(t *testing.T, newHarness func(t *testing.T) Harness) {
	t.Helper()
	for _, c := range suiteCases {
		t.Run(c.name, func(t *testing.T) {
			h := newHarness(t)
			if h.Notifier == nil || h.Received == nil || h.FailNext == nil {
				t.Fatalf("notifytest: Harness needs Notifier, Received and FailNext (got Notifier=%v, Received set=%t, FailNext set=%t)",
					h.Notifier, h.Received != nil, h.FailNext != nil)
			}
			if c.needs != nil && !c.needs(h.Features) {
				t.Skipf("notifier does not claim the feature: %s", c.contract)
			}
			defer func() {
				if t.Failed() {
					t.Logf("contract: %s", c.contract)
				}
			}()
			c.run(t, h)
		})
	}
}

// sampleNotification returns a notification with every field set, told
// apart from others by i.
func sampleNotification(i int) notify.Notification {
	id := [16]byte{0x6b, 0xa7, 0xb8, 0x10, 0x9d, 0xad, 0x41, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, byte(i)}
	rec := [16]byte{0x1f, 0x2e, 0x3d, 0x4c, 0x5b, 0x6a, 0x47, 0x98, 0xa7, 0xb6, 0xc5, 0xd4, 0xe3, 0xf2, 0x01, byte(i)}
	return notify.Notification{
		ID:             id,
		Type:           "incident.declared",
		Tenant:         "acme",
		RecordID:       rec,
		Seq:            uint64(41 + i),
		IdempotencyKey: fmt.Sprintf("notifytest-%d-%x", i, id),
		Payload:        json.RawMessage(fmt.Sprintf(`{"title":"Ransomware on file server","n":%d,"tags":["r\u00e9seau","tlp:amber"],"nested":{"ok":true}}`, i)),
		CreatedAt:      time.Date(2026, 3, 14, 9, 26, 53, 589_000_000, time.UTC),
		Attempt:        1,
	}
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// received returns what arrived with n's IdempotencyKey.
func received(h Harness, key string) []notify.Notification {
	var out []notify.Notification
	for _, r := range h.Received() {
		if r.IdempotencyKey == key {
			out = append(out, r)
		}
	}
	return out
}

// checkIntact reports the differences between what was sent and what
// arrived.
func checkIntact(t *testing.T, want, got notify.Notification) {
	t.Helper()
	if got.Type != want.Type {
		t.Errorf("Type arrived as %q, sent %q", got.Type, want.Type)
	}
	if got.Tenant != want.Tenant {
		t.Errorf("Tenant arrived as %q, sent %q", got.Tenant, want.Tenant)
	}
	if got.RecordID != want.RecordID {
		t.Errorf("RecordID arrived as %x, sent %x", got.RecordID, want.RecordID)
	}
	if got.Seq != want.Seq {
		t.Errorf("Seq arrived as %d, sent %d", got.Seq, want.Seq)
	}
	if got.IdempotencyKey != want.IdempotencyKey {
		t.Errorf("IdempotencyKey arrived as %q, sent %q", got.IdempotencyKey, want.IdempotencyKey)
	}
	if !sameJSON(got.Payload, want.Payload) {
		t.Errorf("Payload arrived as %s, sent %s", got.Payload, want.Payload)
	}
}

// sameJSON reports whether a and b encode the same JSON value; no payload
// and a JSON null are the same.
func sameJSON(a, b []byte) bool {
	if isNull(a) || isNull(b) {
		return isNull(a) && isNull(b)
	}
	var va, vb any
	if json.Unmarshal(a, &va) != nil || json.Unmarshal(b, &vb) != nil {
		return false
	}
	return reflect.DeepEqual(va, vb)
}

func isNull(p []byte) bool {
	p = bytes.TrimSpace(p)
	return len(p) == 0 || string(p) == "null"
}

// deliver notifies n and requires success and arrival.
func deliver(t *testing.T, ctx context.Context, h Harness, n notify.Notification) {
	t.Helper()
	if err := h.Notifier.Notify(ctx, n); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	got := received(h, n.IdempotencyKey)
	if len(got) == 0 {
		t.Fatalf("Notify returned nil but no notification with IdempotencyKey %q arrived (Received has %d)", n.IdempotencyKey, len(h.Received()))
	}
	checkIntact(t, n, got[len(got)-1])
}

func testDelivers(t *testing.T, h Harness) {
	ctx := testContext(t)
	n := sampleNotification(1)
	deliver(t, ctx, h, n)
	if got := received(h, n.IdempotencyKey); len(got) != 1 {
		t.Errorf("one Notify arrived %d times", len(got))
	}
	// A second, different notification arrives as itself.
	m := sampleNotification(2)
	m.Type, m.Tenant, m.Payload = "incident.closed", "globex", nil
	deliver(t, ctx, h, m)
}

func testIdempotency(t *testing.T, h Harness) {
	ctx := testContext(t)
	n := sampleNotification(3)
	if err := h.Notifier.Notify(ctx, n); err != nil {
		t.Fatalf("first Notify: %v", err)
	}
	redelivery := n
	redelivery.Attempt = 2
	if err := h.Notifier.Notify(ctx, redelivery); err != nil {
		t.Fatalf("second Notify of the same notification: %v", err)
	}
	all := h.Received()
	if len(all) == 0 || len(all) > 2 {
		t.Fatalf("two deliveries of one notification arrived %d times, want 1 or 2", len(all))
	}
	for i, got := range all {
		if got.IdempotencyKey != n.IdempotencyKey {
			t.Errorf("arrival %d has IdempotencyKey %q, want %q on every delivery", i, got.IdempotencyKey, n.IdempotencyKey)
		}
		checkIntact(t, n, got)
	}
}

// failThenRetry makes the next delivery fail with f, checks the error with
// check, and then requires the retry to deliver.
func failThenRetry(t *testing.T, h Harness, f Failure, check func(err error)) {
	t.Helper()
	ctx := testContext(t)
	n := sampleNotification(4)
	h.FailNext(f)
	err := h.Notifier.Notify(ctx, n)
	if err == nil {
		t.Fatalf("Notify after FailNext(%v) returned nil", f)
	}
	check(err)
	retry := n
	retry.Attempt = 2
	deliver(t, ctx, h, retry)
}

func testTransient(t *testing.T, h Harness) {
	failThenRetry(t, h, FailTransient, func(err error) {
		if notify.IsPermanent(err) {
			t.Errorf("transient failure reported as permanent: %v", err)
		}
	})
}

func testPermanent(t *testing.T, h Harness) {
	ctx := testContext(t)
	h.FailNext(FailPermanent)
	err := h.Notifier.Notify(ctx, sampleNotification(5))
	if err == nil {
		t.Fatal("Notify after FailNext(FailPermanent) returned nil")
	}
	if !notify.IsPermanent(err) {
		t.Errorf("rejection not reported as permanent: %v", err)
	}
}

func testRetryAfter(t *testing.T, h Harness) {
	failThenRetry(t, h, FailRetryAfter, func(err error) {
		if notify.IsPermanent(err) {
			t.Errorf("retry-after reported as permanent: %v", err)
		}
		if d, ok := notify.RetryAfter(err); !ok || d <= 0 {
			t.Errorf("notify.RetryAfter(%v) = %v, %t; want a positive delay", err, d, ok)
		}
	})
}

func testCancelledContext(t *testing.T, h Harness) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := notifyWithin(t, ctx, h, sampleNotification(6))
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Notify with a cancelled context = %v, want an error satisfying errors.Is(err, context.Canceled)", err)
	}
	if notify.IsPermanent(err) {
		t.Errorf("cancellation reported as permanent: %v", err)
	}
}

func testContextCancellation(t *testing.T, h Harness) {
	h.FailNext(FailHang)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	stop := time.AfterFunc(cancelAfter, cancel)
	defer stop.Stop()
	err := notifyWithin(t, ctx, h, sampleNotification(7))
	if !errors.Is(err, context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Notify to a hanging receiver after cancellation = %v, want an error satisfying errors.Is(err, context.Canceled) or context.DeadlineExceeded", err)
	}
	if notify.IsPermanent(err) {
		t.Errorf("cancellation reported as permanent: %v", err)
	}
}

// notifyWithin calls Notify and fails the test if it does not return within
// cancelAfter+mustReturn. The call goes on in the background if it hangs.
func notifyWithin(t *testing.T, ctx context.Context, h Harness, n notify.Notification) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- h.Notifier.Notify(ctx, n) }()
	timer := time.NewTimer(cancelAfter + mustReturn)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		t.Fatalf("Notify did not return within %v of its context being done", mustReturn)
		return nil
	}
}

func testConcurrentUse(t *testing.T, h Harness) {
	ctx := testContext(t)
	ns := make([]notify.Notification, concurrency)
	errs := make([]error, concurrency)
	var wg sync.WaitGroup
	for i := range ns {
		ns[i] = sampleNotification(100 + i)
		wg.Go(func() { errs[i] = h.Notifier.Notify(ctx, ns[i]) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Notify %d: %v", i, err)
		}
	}
	arrived := make(map[string]notify.Notification)
	for _, r := range h.Received() {
		arrived[r.IdempotencyKey] = r
	}
	for _, n := range ns {
		got, ok := arrived[n.IdempotencyKey]
		if !ok {
			t.Errorf("notification %q did not arrive", n.IdempotencyKey)
			continue
		}
		checkIntact(t, n, got)
	}
}
