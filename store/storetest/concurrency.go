package storetest

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

func concurrencyCases() []testCase {
	return []testCase{
		{"Concurrency/ManyWritersOneIncident", "Commit is safe for concurrent use: writers doing read-modify-write with retry on ErrConflict lose no update, and the final Version is 1 plus the successful commits", concurrencyManyWriters},
		{"Concurrency/CreateSameID", "of concurrent creates of one ID exactly one succeeds; every other fails with ErrExists", concurrencyCreateSameID},
		{"Concurrency/ClaimersShareWork", "relays claiming concurrently never lease one outbox entry twice: every entry is claimed exactly once", concurrencyClaimers},
	}
}

// concurrencyDeadline bounds a concurrency case; a correct store finishes
// in milliseconds, a deadlocking one fails here instead of hanging.
const concurrencyDeadline = 10 * time.Second

// parallel runs fn(0) … fn(n-1) on n goroutines and returns their errors
// (a panic becomes an error). Workers must not use the reporter: after a
// timeout the case ends while they may still run. It ends the case when
// they have not all returned within concurrencyDeadline.
func (e *env) parallel(what string, n int, fn func(i int) error) []error {
	e.r.Helper()
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if p := recover(); p != nil {
					errs[i] = fmt.Errorf("panic: %v", p)
				}
			}()
			errs[i] = fn(i)
		}()
	}
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	t := time.NewTimer(concurrencyDeadline)
	defer t.Stop()
	select {
	case <-done:
		return errs
	case <-t.C:
		e.fatalf("%s: %d goroutines did not finish within %v: the store deadlocks or starves writers", what, n, concurrencyDeadline)
		return nil
	}
}

func concurrencyManyWriters(e *env) {
	const writers = 24
	inc := e.fx.incident(tenantA)
	e.create(tenantA, inc)

	// Every writer reads before any writes (the barrier), so the first
	// round certainly races: all read Version 1, one may win.
	var read sync.WaitGroup
	read.Add(writers)
	var mu sync.Mutex
	successes := 0
	errs := e.parallel("read-modify-write", writers, func(i int) error {
		label := fmt.Sprintf("writer-%02d", i)
		first := true
		for attempt := 0; attempt < 100*writers; attempt++ {
			r, err := e.s.Get(e.ctx, tenantA, incident.KindIncident, inc.ID)
			if first {
				read.Done()
				read.Wait()
				first = false
			}
			if err != nil {
				return fmt.Errorf("reading: %w", err)
			}
			r.Handle().Labels = append(r.Handle().Labels, label)
			err = e.s.Commit(e.ctx, tenantA, &store.Write{Update: []incident.Record{r}})
			if err == nil {
				mu.Lock()
				successes++
				mu.Unlock()
				return nil
			}
			if !errors.Is(err, store.ErrConflict) {
				return fmt.Errorf("committing: got %w, want nil or ErrConflict", err)
			}
		}
		return errors.New("gave up after too many conflicts")
	})
	for i, err := range errs {
		if err != nil {
			e.errorf("writer %d: %v", i, err)
		}
	}

	got := e.getIncident(inc.ID)
	if want := int64(1 + successes); got.Version != want {
		e.errorf("final Version %d, want %d (1 + %d successful commits)", got.Version, want, successes)
	}
	var missing []string
	for i := range writers {
		if l := fmt.Sprintf("writer-%02d", i); !slices.Contains(got.Labels, l) {
			missing = append(missing, l)
		}
	}
	if len(missing) > 0 {
		e.errorf("lost updates: %d of %d labels missing from the final record (%v); a Commit overwrote a newer version", len(missing), writers, missing)
	}
}

func concurrencyCreateSameID(e *env) {
	const creators = 16
	id := e.fx.id()
	recs := make([]*incident.Incident, creators)
	for i := range recs {
		recs[i] = e.fx.incidentWithID(tenantA, id)
	}
	var start sync.WaitGroup
	start.Add(creators)
	errs := e.parallel("concurrent create", creators, func(i int) error {
		start.Done()
		start.Wait()
		return e.s.Commit(e.ctx, tenantA, &store.Write{Create: []incident.Record{recs[i]}})
	})
	if errs == nil {
		return
	}
	winners := 0
	var winner *incident.Incident
	for i, err := range errs {
		switch {
		case err == nil:
			winners++
			winner = recs[i]
		case !errors.Is(err, store.ErrExists):
			e.errorf("creator %d: got %v, want nil or ErrExists", i, err)
		}
	}
	if winners != 1 {
		e.fatalf("%d of %d concurrent creates of one ID succeeded, want exactly 1", winners, creators)
	}
	e.wantStored(winner)
}

func concurrencyClaimers(e *env) {
	const entries, claimers = 60, 8
	inc := e.fx.incident(tenantA)
	w := &store.Write{Create: []incident.Record{inc}}
	for i := range entries {
		w.Outbox = append(w.Outbox, e.fx.entry(inc.ID, uint64(i+1)))
	}
	e.commit(tenantA, w)

	var mu sync.Mutex
	claimed := map[uuid.UUID]int{}
	leases := map[uuid.UUID]string{}
	errs := e.parallel("concurrent Claim", claimers, func(int) error {
		for range entries {
			got, err := e.s.Claim(e.ctx, tenantA, outboxNow, 5, time.Hour)
			if err != nil {
				return fmt.Errorf("claiming: %w", err)
			}
			if len(got) == 0 {
				return nil
			}
			mu.Lock()
			for _, en := range got {
				claimed[en.ID]++
				leases[en.ID] = en.Lease
			}
			mu.Unlock()
		}
		return nil
	})
	for i, err := range errs {
		if err != nil {
			e.errorf("claimer %d: %v", i, err)
		}
	}
	twice := 0
	for _, n := range claimed {
		if n > 1 {
			twice++
		}
	}
	if twice > 0 {
		e.errorf("%d entries were leased to two claimers at once", twice)
	}
	if len(claimed) != entries {
		e.errorf("%d distinct entries claimed, want all %d", len(claimed), entries)
	}
	for id, lease := range leases {
		if err := e.s.Ack(e.ctx, tenantA, id, lease); err != nil {
			e.errorf("Ack %s with the lease of its one claim: %v", id, err)
		}
	}
	if st := e.stats(tenantA, outboxNow); st.Pending != 0 {
		e.errorf("after acknowledging every entry, OutboxStats.Pending = %d, want 0", st.Pending)
	}
}
