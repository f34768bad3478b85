package lifecycle_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/notify/notifytest"
	"github.com/iso27035/iso27035/relay"
	"github.com/iso27035/iso27035/store"
)

// produce makes n rounds of typical work: events reported and
// acknowledged, some declared and handled as incidents, some closed.
func (h *harness) produce(n int) {
	h.t.Helper()
	for i := range n {
		ev := h.newEvent(fmt.Sprint("Alert ", i))
		k := lifecycle.KeyOf(ev)
		_, err := h.e.Transition(h.ctx, actEDR, k, lifecycle.ActionReport)
		require.NoError(h.t, err)
		_, err = h.e.Transition(h.ctx, actPOC, k, lifecycle.ActionAcknowledge)
		require.NoError(h.t, err)
		switch i % 4 {
		case 0:
			res, err := h.e.Assess(h.ctx, actPOC, k, incident.Assessment{Step: incident.AssessmentFirst, Outcome: incident.OutcomeIncident,
				Severity: incident.SeverityMedium})
			require.NoError(h.t, err)
			ik := lifecycle.KeyOf(res.Declared)
			_, err = h.e.Assess(h.ctx, actLead, ik, incident.Assessment{Step: incident.AssessmentConfirmation, Outcome: incident.OutcomeIncident})
			require.NoError(h.t, err)
			_, err = h.e.Transition(h.ctx, actIM, ik, lifecycle.ActionContain)
			require.NoError(h.t, err)
			h.apply(actIM, ik, lifecycle.AddNote{Text: "contained at the firewall"})
		case 1:
			_, err = h.e.Close(h.ctx, actPOC, k, lifecycle.Closing{Resolution: incident.ResolutionNotApplicable})
			require.NoError(h.t, err)
		}
	}
}

// expectedKeys returns the IdempotencyKey of every audit record of the
// tenant: each must reach the receiver.
func (h *harness) expectedKeys() map[string]bool {
	h.t.Helper()
	keys := map[string]bool{}
	for _, kind := range []incident.Kind{incident.KindEvent, incident.KindIncident} {
		for rec, err := range h.st.List(h.ctx, acme, store.Query{Kind: kind}) {
			require.NoError(h.t, err)
			for _, a := range h.trail(rec.Head().ID) {
				keys[fmt.Sprintf("%s/%d", a.RecordID, a.Seq)] = true
			}
		}
	}
	return keys
}

// checkDelivered checks that the receiver got every notification of the
// engine at least once, each as the engine wrote it, and that the outbox
// is empty.
func checkDelivered(t *testing.T, h *harness, rec *notifytest.Recorder, checkpoints int, at time.Time) {
	t.Helper()
	want := h.expectedKeys()
	assert.Equal(t, len(want)+checkpoints, rec.Unique())
	got := map[string]bool{}
	seqs := map[uuid.UUID]map[uint64]bool{}
	for _, n := range rec.Notifications() {
		got[n.IdempotencyKey] = true
		assert.Equal(t, acme, n.Tenant)
		if n.Type == lifecycle.TypeCheckpoint {
			var cp lifecycle.Checkpoint
			require.NoError(t, json.Unmarshal(n.Payload, &cp))
			require.NoError(t, lifecycle.VerifyCheckpoint(&cp, h.pub))
			require.NoError(t, lifecycle.VerifyStore(h.ctx, h.st, &cp))
			continue
		}
		var notice lifecycle.Notice
		require.NoError(t, json.Unmarshal(n.Payload, &notice))
		assert.Equal(t, n.RecordID, notice.RecordID)
		assert.Equal(t, n.Seq, notice.Seq)
		assert.Equal(t, fmt.Sprintf("%s/%d", n.RecordID, n.Seq), n.IdempotencyKey)
		if seqs[n.RecordID] == nil {
			seqs[n.RecordID] = map[uint64]bool{}
		}
		seqs[n.RecordID][n.Seq] = true
	}
	for k := range want {
		assert.True(t, got[k], "notification %s not delivered", k)
	}
	// A receiver can put each record's notifications in order: Seq runs
	// 1..n without gaps.
	for id, s := range seqs {
		for i := uint64(1); i <= uint64(len(s)); i++ {
			assert.True(t, s[i], "record %s: Seq %d missing", id, i)
		}
	}
	cps := map[string]bool{}
	for _, n := range rec.ByType(lifecycle.TypeCheckpoint) {
		cps[n.IdempotencyKey] = true
	}
	assert.Len(t, cps, checkpoints, "every checkpoint delivered, once or more")
	stats, err := h.st.OutboxStats(h.ctx, acme, at)
	require.NoError(t, err)
	assert.Equal(t, store.OutboxStats{}, stats)
	for e, err := range h.st.DeadLetters(h.ctx, acme) {
		require.NoError(t, err)
		t.Errorf("dead letter %s: %s", e.IdempotencyKey, e.LastError)
	}
}

// TestRelayDeliversWhileTheEngineWrites runs relays next to the engine:
// the receiver fails at random, the first relay is stopped in the middle
// and a new one takes over; every notification gets through.
func TestRelayDeliversWhileTheEngineWrites(t *testing.T) {
	h := newHarness(t)
	rec := &notifytest.Recorder{}
	// The relays' clock runs with the real one, a year after the engine's
	// (every entry is claimable), so retries wait real milliseconds.
	offset := time.Until(tStart.AddDate(1, 0, 0))
	clock := func() time.Time { return time.Now().Add(offset) }
	start := func(seed uint64) (stop func(), faulty *notifytest.Faulty) {
		faulty = &notifytest.Faulty{Next: rec, Rate: 0.2, Rand: rand.New(rand.NewPCG(seed, 27035)), AfterDelivery: seed%2 == 1} //nolint:gosec // test randomness
		r, err := relay.New(h.st, faulty, relay.WithClock(clock), relay.WithPollInterval(time.Millisecond),
			relay.WithBackoff(time.Millisecond, 5*time.Millisecond), relay.WithBatch(8), relay.WithConcurrency(3))
		require.NoError(t, err)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- r.Run(ctx, acme) }()
		return func() {
			cancel()
			require.NoError(t, <-done)
		}, faulty
	}

	stopA, faultyA := start(1)
	h.produce(30)
	_, err := h.e.Checkpoint(h.ctx)
	require.NoError(t, err)
	// Stop the first relay once it has delivered some, not all.
	require.Eventually(t, func() bool { return rec.Unique() > 20 }, 30*time.Second, time.Millisecond)
	stopA()
	partial := rec.Unique()

	h.produce(30)
	_, err = h.e.Checkpoint(h.ctx)
	require.NoError(t, err)
	total := len(h.expectedKeys()) + 2
	require.Less(t, partial, total, "the restart happened mid-way")

	stopB, faultyB := start(2)
	// Wait for the outbox to drain, not only for every key to arrive: an
	// entry the first relay delivered but saw fail (AfterDelivery) is
	// still pending until the second one delivers it again.
	require.Eventually(t, func() bool {
		stats, err := h.st.OutboxStats(h.ctx, acme, clock())
		return err == nil && rec.Unique() == total && stats.Pending == 0 && stats.Leased == 0
	}, 60*time.Second, 5*time.Millisecond, "delivered %d of %d", rec.Unique(), total)
	stopB()

	checkDelivered(t, h, rec, 2, clock())
	assert.Positive(t, faultyA.Injected()+faultyB.Injected(), "failures were injected")
	t.Logf("%d notifications, %d deliveries, %d injected failures; first relay delivered %d", total, rec.Len(),
		faultyA.Injected()+faultyB.Injected(), partial)
}

// TestRelayRestartMidBatch drives relays step by step on a manual clock:
// the first is stopped during a delivery (cancelled context), the second
// finishes; with random failures, every notification is delivered.
func TestRelayRestartMidBatch(t *testing.T) {
	h := newHarness(t)
	h.produce(40)
	_, err := h.e.Checkpoint(h.ctx)
	require.NoError(t, err)
	total := len(h.expectedKeys()) + 1

	var mu sync.Mutex
	now := tStart.AddDate(0, 1, 0)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	rec := &notifytest.Recorder{}
	faulty := &notifytest.Faulty{Next: rec, Rate: 0.2, Rand: rand.New(rand.NewPCG(7, 8)), AfterDelivery: true} //nolint:gosec // test randomness

	// The first relay is stopped by its host during its 50th delivery.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var calls atomic.Int32
	stopping := notify.Func(func(c context.Context, n notify.Notification) error {
		if calls.Add(1) == 50 {
			cancel()
			<-c.Done()
			return c.Err()
		}
		return faulty.Notify(c, n)
	})
	first, err := relay.New(h.st, stopping, relay.WithClock(clock), relay.WithBatch(16), relay.WithConcurrency(1),
		relay.WithBackoff(time.Second, time.Minute))
	require.NoError(t, err)
	for ctx.Err() == nil {
		res, err := first.Step(ctx, acme)
		if ctx.Err() != nil {
			require.ErrorIs(t, err, context.Canceled)
			assert.Positive(t, res.Retried, "what was not delivered was given back")
			break
		}
		require.NoError(t, err)
		if res.Claimed == 0 {
			advance(time.Minute)
		}
	}
	delivered := rec.Unique()
	require.Less(t, delivered, total)

	second, err := relay.New(h.st, faulty, relay.WithClock(clock), relay.WithBatch(16), relay.WithConcurrency(4),
		relay.WithBackoff(time.Second, time.Minute))
	require.NoError(t, err)
	for range 10_000 {
		stats, err := h.st.OutboxStats(h.ctx, acme, clock())
		require.NoError(t, err)
		if stats.Pending == 0 {
			break
		}
		res, err := second.Step(context.Background(), acme)
		require.NoError(t, err)
		if res.Claimed == 0 {
			advance(time.Minute)
		}
	}
	checkDelivered(t, h, rec, 1, clock())
	assert.Greater(t, rec.Len(), rec.Unique(), "lost acknowledgements made duplicates, which the keys identify")
}
