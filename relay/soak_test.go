package relay_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/iso27035/iso27035/notify"
	"github.com/iso27035/iso27035/notify/notifytest"
	"github.com/iso27035/iso27035/relay"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/memory"
)

// soakMaxAttempts is the retry limit of the soak test's entries.
//
// Each delivery fails at random with probability p = 0.3, so an entry
// exhausts N attempts with probability p^N, and among n entries about
// n·p^N do. With the store's default (store.DefaultMaxAttempts = 10) that is
// 10,000 × 0.3^10 ≈ 0.06: the test would dead-letter a healthy entry, and
// fail, in about one run of sixteen. Besides, a crash of the relay uses up an
// attempt of every entry it held. With 20 attempts the expectation is
// 10,000 × 0.3^20 ≈ 3.5·10⁻⁷ (one failing run in about three million), and
// a crash or two more do not change that much (0.3^18 × 10,000 ≈ 4·10⁻⁶).
// A host whose receiver is this flaky should likewise raise MaxAttempts
// rather than lean on RequeueDead.
const soakMaxAttempts = 20

// errSoakCrash is the error of a store that a crashed relay can no longer
// reach.
var errSoakCrash = errors.New("soak: relay process died")

// crashable is an Outbox whose Ack and Nack fail while down: the relay's
// process has died between delivering and recording the outcome.
type crashable struct {
	store.Outbox
	down atomic.Bool
}

func (c *crashable) Ack(ctx context.Context, tenant string, id uuid.UUID, lease string) error {
	if c.down.Load() {
		return errSoakCrash
	}
	return c.Outbox.Ack(ctx, tenant, id, lease)
}

func (c *crashable) Nack(ctx context.Context, tenant string, id uuid.UUID, lease string, f store.Failure) error {
	if c.down.Load() {
		return errSoakCrash
	}
	return c.Outbox.Nack(ctx, tenant, id, lease, f)
}

// restarter stops the running relay once the receiver has a number of
// distinct notifications: it is called by the notifier, so the stop comes in
// the middle of a batch.
type restarter struct {
	mu      sync.Mutex
	at      int    // stop once the receiver has this many; 0: never
	stop    func() // stops the running relay
	stopped int    // how many relays were stopped
}

func (r *restarter) arm(at int, stop func()) {
	r.mu.Lock()
	r.at, r.stop = at, stop
	r.mu.Unlock()
}

func (r *restarter) check(unique int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.at > 0 && unique >= r.at {
		r.stop()
		r.at, r.stop = 0, nil
		r.stopped++
	}
}

// TestSoak sends soakEntries notifications through relays to a receiver
// that fails 30% of the deliveries at random (half of those after it got
// the notification, so the retry delivers a duplicate) and rejects a marked
// few for good. The relay is restarted three times, mid-batch: stopped,
// crashed (its process dies, so its leases must expire), stopped again.
// Every unmarked notification must arrive, every marked one must be a dead
// letter that never arrived, and nothing may be left in the outbox. Then the
// receiver is mended and the dead letters requeued and delivered.
//
// The clock is advanced by hand, so backoffs and leases cost no real time.
func TestSoak(t *testing.T) {
	if testing.Short() {
		t.Skip("soak test; skipped with -short")
	}
	const (
		rate  = 0.3
		lease = 30 * time.Second
		every = 500 // every 500th entry, from the 7th, is rejected for good
	)
	n := soakEntries
	ctx := context.Background()
	st, rec, c := memory.New(), &notifytest.Recorder{}, newClock()
	fill(t, st, 0, n, soakMaxAttempts)
	marked := map[uuid.UUID]bool{}
	for i := 7; i < n; i += every {
		marked[entryID(i)] = true
	}

	var mended atomic.Bool
	lost := &notifytest.Faulty{Next: rec, Rate: rate, Rand: rand.New(rand.NewPCG(1, 2)), AfterDelivery: true}
	refused := &notifytest.Faulty{Next: rec, Rate: rate, Rand: rand.New(rand.NewPCG(3, 4))}
	rs := &restarter{}
	receiver := notify.Func(func(ctx context.Context, m notify.Notification) error {
		defer rs.check(rec.Unique())
		if marked[m.ID] && !mended.Load() {
			return notify.Permanent(fmt.Errorf("receiver rejects entry %d", index(m.ID)))
		}
		if index(m.ID)%2 == 0 {
			return lost.Notify(ctx, m)
		}
		return refused.Notify(ctx, m)
	})
	out := &crashable{Outbox: st}

	// run runs one relay until it is stopped or the outbox is empty,
	// stepping it in a loop and advancing the clock when it finds nothing
	// to claim. It returns whether it was stopped.
	steps := 0
	run := func(r *relay.Relay, rctx context.Context) bool {
		t.Helper()
		for range 100 * n {
			steps++
			res, err := r.Step(rctx, tenant)
			if rctx.Err() != nil {
				return true
			}
			require.NoError(t, err)
			if res.Claimed == 0 {
				if stats(t, st, c.Now()).Pending == 0 {
					return false
				}
				c.Advance(lease)
			}
		}
		t.Fatalf("outbox not empty after %d steps: %+v", 100*n, stats(t, st, c.Now()))
		return false
	}

	generations := []struct {
		name  string
		crash bool
	}{{"stopped", false}, {"crashed", true}, {"stopped again", false}, {"last", false}}
	for g, gen := range generations {
		out.down.Store(false)
		rctx, cancel := context.WithCancel(ctx)
		if g < len(generations)-1 {
			crash := gen.crash
			rs.arm((g+1)*n/len(generations), func() {
				if crash {
					out.down.Store(true)
				}
				cancel()
			})
		}
		r := newRelay(t, out, receiver, relay.WithClock(c.Now), relay.WithLease(lease),
			relay.WithBatch(64), relay.WithConcurrency(8),
			relay.WithBackoff(time.Second, 5*time.Minute), relay.WithJitter(rand.New(rand.NewPCG(5, uint64(g))).Float64))
		stopped := run(r, rctx)
		cancel()
		assert.Equal(t, g < len(generations)-1, stopped, "relay %d (%s)", g, gen.name)
		t.Logf("relay %d (%s): receiver has %d of %d, outbox %+v", g, gen.name, rec.Unique(), n, stats(t, st, c.Now()))
	}
	assert.Equal(t, 3, rs.stopped, "restarts")

	// Every unmarked notification arrived; no marked one did.
	got := map[uuid.UUID]int{}
	for _, m := range rec.Notifications() {
		got[m.ID]++
	}
	missing := 0
	for i := range n {
		id := entryID(i)
		switch {
		case marked[id]:
			assert.Zero(t, got[id], "marked entry %d was delivered", i)
		case got[id] == 0:
			missing++
		}
	}
	assert.Zero(t, missing, "notifications lost")
	assert.Equal(t, n-len(marked), rec.Unique())

	// The marked ones, and only they, are dead letters, rejected for good.
	dead := deadLetters(t, st)
	assert.Len(t, dead, len(marked))
	for _, e := range dead {
		assert.True(t, marked[e.ID], "entry %d is a dead letter: %s", index(e.ID), e.LastError)
		assert.Contains(t, e.LastError, "receiver rejects")
	}
	assert.Equal(t, store.OutboxStats{Dead: len(marked)}, stats(t, st, c.Now()))

	dups := rec.Len() - rec.Unique()
	t.Logf("%d notifications (%d marked), %d steps over %v of clock time: %d faults injected, %d deliveries, %d duplicates (%.1f%%)",
		n, len(marked), steps, c.Now().Sub(t0), lost.Injected()+refused.Injected(),
		rec.Len(), dups, 100*float64(dups)/float64(rec.Unique()))
	assert.Positive(t, dups, "acknowledgements were lost and a relay crashed: some must arrive twice")

	// The receiver is mended: the operator looks, requeues, and the dead
	// letters are delivered.
	mended.Store(true)
	p, err := relay.DryRun(ctx, st, tenant, relay.DeadFilter{}, c.Now())
	require.NoError(t, err)
	assert.Len(t, p.Requeue, len(marked))
	requeued, err := relay.RequeueDead(ctx, st, tenant, relay.DeadFilter{}, c.Now())
	require.NoError(t, err)
	assert.Equal(t, len(marked), requeued)
	assert.False(t, run(newRelay(t, out, receiver, relay.WithClock(c.Now), relay.WithLease(lease)), ctx))
	assert.Equal(t, n, rec.Unique())
	assert.Equal(t, store.OutboxStats{}, stats(t, st, c.Now()))
}
