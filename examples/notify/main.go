// Command notify delivers the lifecycle engine's notifications to a
// webhook receiver through the relay and the signed, CloudEvents webhook of
// package notify/webhook:
//
//  1. a receiver (an httptest server) verifies each request's signature,
//     accepting the old and the new key of a rotation, and drops
//     redeliveries by the CloudEvents id (the IdempotencyKey);
//  2. the engine (in-memory store) creates an event, reports it and
//     acknowledges it: three notifications in the outbox;
//  3. the relay delivers them; the receiver answers the second with
//     503 and Retry-After once, so the relay retries it after the delay,
//     on a clock this program moves on by hand.
//
// The clock and the IDs are deterministic, so the output is the same on
// every run:
//
//	go run ./examples/notify
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/notify/webhook"
	"github.com/iso27035/iso27035/relay"
	"github.com/iso27035/iso27035/store/memory"
)

const org = "acme-bank"

var (
	edr   = lifecycle.Actor{ID: "tool:edr", Roles: []incident.Role{incident.RoleReporter}}
	alice = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
)

// The signing keys: the receiver holds both during a rotation; the sender
// signs with the current one. Fixed here for a stable example: in
// production they are random secrets from a vault.
var (
	oldKey = webhook.Key{ID: "2026-01", Secret: []byte("old-webhook-secret-0123456789abcdef")}
	newKey = webhook.Key{ID: "2026-03", Secret: []byte("new-webhook-secret-0123456789abcdef")}
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "notify:", err)
		os.Exit(1)
	}
}

// receiver is the tenant's side: it verifies, deduplicates and prints.
type receiver struct {
	out     io.Writer
	mu      sync.Mutex
	seen    map[string]bool // CloudEvents ids already processed
	failFor string          // the type to answer 503 once
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// Verify before parsing: the signature covers the timestamp and the
	// exact bytes of the body; the replay window is a minute.
	body, kid, err := webhook.VerifyRequest(r, []webhook.Key{oldKey, newKey}, time.Now(), time.Minute, 1<<20)
	if err != nil {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	ev, err := webhook.Decode(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if ev.Type == rc.failFor {
		rc.failFor = ""
		fmt.Fprintf(rc.out, "receiver: %s attempt %d -> 503, Retry-After 30\n", ev.Type, ev.Attempt)
		w.Header().Set("Retry-After", "30")
		http.Error(w, "busy", http.StatusServiceUnavailable)
		return
	}
	if rc.seen[ev.ID] {
		fmt.Fprintf(rc.out, "receiver: duplicate %s dropped\n", ev.ID)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	rc.seen[ev.ID] = true
	var notice lifecycle.Notice
	if err := json.Unmarshal(ev.Data, &notice); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	fmt.Fprintf(rc.out, "receiver: %s attempt %d, signature ok (key %s)\n", ev.Type, ev.Attempt, kid)
	fmt.Fprintf(rc.out, "  id %s source %s seq %s\n", ev.ID, ev.Source, ev.Seq)
	fmt.Fprintf(rc.out, "  %s %s by %s at %s: %s/%s\n", notice.Ref, notice.Action, notice.Actor,
		notice.At.Format("15:04"), notice.Phase, notice.State)
	w.WriteHeader(http.StatusNoContent)
}

func run(ctx context.Context, out io.Writer) error {
	rc := &receiver{out: out, seen: map[string]bool{}, failFor: "lifecycle.report"}
	srv := httptest.NewServer(rc)
	defer srv.Close()

	// The engine, with a deterministic clock and IDs.
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	var n uint64
	ids := incident.IDFunc(func() (uuid.UUID, error) {
		n++
		return uuid.Parse(fmt.Sprintf("019cae00-0000-7000-8000-%012x", n))
	})
	st := memory.New()
	e, err := lifecycle.New(st, org, lifecycle.WithClock(incident.ClockFunc(clock)), lifecycle.WithIDs(ids))
	if err != nil {
		return err
	}

	// Three changes, three notifications in the outbox (written in the same
	// atomic write as each change).
	ev, err := e.Factory().NewEvent(ctx, org, "Ransom note found on file server FS01", edr.ID)
	if err != nil {
		return err
	}
	if err := e.Create(ctx, edr, ev); err != nil {
		return err
	}
	key := lifecycle.KeyOf(ev)
	now = now.Add(time.Minute)
	if _, err := e.Transition(ctx, edr, key, lifecycle.ActionReport); err != nil {
		return err
	}
	now = now.Add(time.Minute)
	if _, err := e.Transition(ctx, alice, key, lifecycle.ActionAcknowledge); err != nil {
		return err
	}
	fmt.Fprintf(out, "engine: %s created, reported, acknowledged\n", ev.Ref)

	// The webhook. The receiver is an httptest server on loopback, so the
	// SSRF guard is left off here; a host whose tenants configure URLs sets
	// Config.Guard (and allow-lists nothing, or only its own receivers).
	hook, err := webhook.New(webhook.Config{
		URL: srv.URL,
		Key: newKey,
	})
	if err != nil {
		return err
	}
	// One delivery at a time, for a stable output; the relay's clock is the
	// engine's, moved on by hand below.
	r, err := relay.New(st, hook, relay.WithClock(clock), relay.WithConcurrency(1))
	if err != nil {
		return err
	}
	step := func(label string) error {
		res, err := r.Step(ctx, org)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "relay at %s (%s): claimed %d, delivered %d, retried %d, dead %d\n",
			now.Format("15:04:05"), label, res.Claimed, res.Delivered, res.Retried, res.DeadLettered)
		return nil
	}
	if err := step("first round"); err != nil {
		return err
	}
	// The failed delivery asked for 30 seconds (Retry-After, longer than
	// the relay's own backoff): ten seconds on, nothing is due yet.
	now = now.Add(10 * time.Second)
	if err := step("10s later"); err != nil {
		return err
	}
	now = now.Add(30 * time.Second)
	if err := step("40s later"); err != nil {
		return err
	}
	stats, err := st.OutboxStats(ctx, org, now)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "outbox now: %d pending, %d dead\n", stats.Pending, stats.Dead)
	return nil
}
