package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/iso27035/iso27035/adapters/postgres"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/store"
)

const tenant = "acme"

// Thirty-two writers on a few records, each Write updating two of them in
// an order that differs between writers (so that their row locks cross):
// every failure is ErrConflict (a deadlock included), and retrying after
// reading again loses no update.
func TestManyWritersFewRecords(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	const writers, records, rounds = 32, 4, 3
	incs := make([]incident.Record, records)
	for i := range incs {
		incs[i] = newIncident(tenant, i+1)
	}
	if err := s.Commit(ctx, tenant, &store.Write{Create: incs}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	commits := make([]int, records)
	conflicts := 0
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			a, b := w%records, (w+1)%records
			if w%2 == 1 {
				a, b = b, a
			}
			for round := range rounds {
				label := fmt.Sprintf("w%02d-r%d", w, round)
				for attempt := 0; ; attempt++ {
					if attempt == 1000 {
						errs[w] = errors.New("gave up after 1000 conflicts")
						return
					}
					ra, err := s.Get(ctx, tenant, incident.KindIncident, incs[a].Head().ID)
					if err != nil {
						errs[w] = err
						return
					}
					rb, err := s.Get(ctx, tenant, incident.KindIncident, incs[b].Head().ID)
					if err != nil {
						errs[w] = err
						return
					}
					ra.Handle().Labels = append(ra.Handle().Labels, label)
					rb.Handle().Labels = append(rb.Handle().Labels, label)
					err = s.Commit(ctx, tenant, &store.Write{Update: []incident.Record{ra, rb}})
					if err == nil {
						mu.Lock()
						commits[a]++
						commits[b]++
						mu.Unlock()
						break
					}
					if !errors.Is(err, store.ErrConflict) {
						errs[w] = fmt.Errorf("Commit: %w, want nil or ErrConflict", err)
						return
					}
					mu.Lock()
					conflicts++
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", w, err)
		}
	}
	if conflicts == 0 {
		t.Log("no conflicts: the writers did not race (slow machine?)")
	}
	t.Logf("%d commits, %d conflicts", writers*rounds, conflicts)
	for i, r := range incs {
		got, err := s.Get(ctx, tenant, incident.KindIncident, r.Head().ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := int64(1 + commits[i]); got.Head().Version != want {
			t.Errorf("record %d: Version %d, want %d (1 + its commits)", i, got.Head().Version, want)
		}
		labels := got.Handle().Labels
		for w := range writers {
			if w%records != i && (w+1)%records != i {
				continue
			}
			for round := range rounds {
				if l := fmt.Sprintf("w%02d-r%d", w, round); !slices.Contains(labels, l) {
					t.Errorf("record %d lost the update %s", i, l)
				}
			}
		}
	}
}

// Thirty-two writers on records of their own all succeed, first time.
func TestManyWritersOwnRecords(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	const writers, updates = 32, 10
	incs := make([]*incident.Incident, writers)
	for i := range incs {
		incs[i] = newIncident(tenant, i+1)
	}
	var wg sync.WaitGroup
	errs := make([]error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inc := incs[w]
			create := &store.Write{Create: []incident.Record{inc}, Audit: []store.AuditRecord{{RecordID: inc.ID, Seq: 1, At: t0, Actor: "a", Action: "create"}}}
			if errs[w] = s.Commit(ctx, tenant, create); errs[w] != nil {
				return
			}
			for u := range updates {
				inc.Title = fmt.Sprintf("update %d", u)
				seq := uint64(u + 2)
				errs[w] = s.Commit(ctx, tenant, &store.Write{
					Update: []incident.Record{inc},
					Audit:  []store.AuditRecord{{RecordID: inc.ID, Seq: seq, At: t0, Actor: "a", Action: "update"}},
					Outbox: []store.OutboxEntry{{ID: uuid.Must(uuid.NewV7()), Type: "incident.updated", RecordID: inc.ID, Seq: seq, IdempotencyKey: "k", CreatedAt: t0}},
				})
				if errs[w] != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	for w, err := range errs {
		if err != nil {
			t.Errorf("writer %d: %v", w, err)
		}
	}
	for i, inc := range incs {
		got, err := s.Get(ctx, tenant, incident.KindIncident, inc.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Head().Version != 1+updates {
			t.Errorf("record %d: Version %d, want %d", i, got.Head().Version, 1+updates)
		}
	}
	if st, err := s.OutboxStats(ctx, tenant, t0); err != nil || st.Pending != writers*updates {
		t.Errorf("OutboxStats: %+v %v, want %d pending", st, err, writers*updates)
	}
}

// Two relays (two Stores, two connection pools) claiming side by side
// never lease one entry twice, and between them deliver every entry once.
func TestRelaysSideBySide(t *testing.T) {
	a := openStore(t)
	b, err := postgres.Open(context.Background(), testDSN(t), postgres.WithSchema(a.Schema()))
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx := context.Background()
	const entries = 500
	w := &store.Write{}
	for i := range entries {
		w.Outbox = append(w.Outbox, store.OutboxEntry{ID: uuid.Must(uuid.NewV7()), Type: "incident.updated", RecordID: uuid.Must(uuid.NewV7()),
			Seq: uint64(i + 1), IdempotencyKey: fmt.Sprint(i), CreatedAt: t0.Add(time.Duration(i) * time.Millisecond)})
	}
	if err := a.Commit(ctx, tenant, w); err != nil {
		t.Fatal(err)
	}
	now := t0.Add(time.Hour)
	var mu sync.Mutex
	claimedBy := map[uuid.UUID][]int{}
	var start, wg sync.WaitGroup
	start.Add(2)
	errs := make([]error, 2)
	for relay, s := range []*postgres.Store{a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			start.Done()
			start.Wait()
			for {
				got, err := s.Claim(ctx, tenant, now, 7, time.Hour)
				if err != nil {
					errs[relay] = err
					return
				}
				if len(got) == 0 {
					return
				}
				mu.Lock()
				for _, e := range got {
					claimedBy[e.ID] = append(claimedBy[e.ID], relay)
				}
				mu.Unlock()
				for _, e := range got {
					if err := s.Ack(ctx, tenant, e.ID, e.Lease); err != nil {
						errs[relay] = fmt.Errorf("Ack: %w", err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	for relay, err := range errs {
		if err != nil {
			t.Errorf("relay %d: %v", relay, err)
		}
	}
	perRelay := [2]int{}
	for id, rs := range claimedBy {
		if len(rs) != 1 {
			t.Errorf("entry %s was claimed %d times, by relays %v", id, len(rs), rs)
		}
		perRelay[rs[0]]++
	}
	if len(claimedBy) != entries {
		t.Errorf("%d entries claimed, want %d", len(claimedBy), entries)
	}
	t.Logf("relay 0 delivered %d entries, relay 1 %d", perRelay[0], perRelay[1])
	if st, err := a.OutboxStats(ctx, tenant, now); err != nil || st.Pending != 0 {
		t.Errorf("OutboxStats after the relays: %+v %v, want nothing pending", st, err)
	}
}

// Claim holds no row lock once it returns (the rows are free while the
// relay delivers), and does not wait for rows another transaction holds:
// it skips them.
func TestClaimSkipsLockedAndHoldsNone(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	ids := make([]uuid.UUID, 3)
	w := &store.Write{}
	for i := range ids {
		ids[i] = uuid.Must(uuid.NewV7())
		w.Outbox = append(w.Outbox, store.OutboxEntry{ID: ids[i], Type: "t", RecordID: ids[i], Seq: 1, IdempotencyKey: "k", CreatedAt: t0.Add(time.Duration(i) * time.Second)})
	}
	if err := s.Commit(ctx, tenant, w); err != nil {
		t.Fatal(err)
	}
	outbox := pgx.Identifier{s.Schema(), "outbox"}.Sanitize()

	// Another transaction (a relay's Ack in flight, say) locks the oldest.
	tx, err := postgres.Pool(s).Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback(ctx) }()
	if _, err := tx.Exec(ctx, "SELECT 1 FROM "+outbox+" WHERE id = $1 FOR UPDATE", ids[0]); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	got, err := s.Claim(cctx, tenant, t0.Add(time.Hour), 10, time.Minute)
	if err != nil {
		t.Fatalf("Claim beside a locked row: %v", err)
	}
	if len(got) != 2 || got[0].ID != ids[1] || got[1].ID != ids[2] {
		t.Errorf("Claim beside a locked row: got %d entries, want the two unlocked ones", len(got))
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}

	// The claimed rows are not locked: another transaction takes them
	// without waiting.
	tx2, err := postgres.Pool(s).Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx2.Rollback(ctx) }()
	var n int
	if err := tx2.QueryRow(ctx, "SELECT count(*) FROM (SELECT 1 FROM "+outbox+" WHERE id = ANY($1::uuid[]) FOR UPDATE NOWAIT) x",
		[]string{got[0].ID.String(), got[1].ID.String()}).Scan(&n); err != nil || n != 2 {
		t.Errorf("locking the claimed rows after Claim returned: %d rows, %v; want both, at once", n, err)
	}
}
