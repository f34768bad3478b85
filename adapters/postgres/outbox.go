package postgres

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/iso27035/iso27035/store"
)

// Claim implements store.Outbox with one statement: it selects up to n
// claimable entries that are not poison, oldest first (by CreatedAt, then
// ID), with FOR UPDATE SKIP LOCKED, and leases them with a fresh random
// token each; in the same statement it dead-letters the poison messages it
// passed (see store.Outbox). The row locks last only for that statement:
// no lock is held while the relay delivers, and relays claiming side by
// side skip each other's rows instead of waiting for them.
//
// Times are kept to the microsecond: now and now+lease are truncated, and
// so is every time returned.
func (s *Store) Claim(ctx context.Context, tenant string, now time.Time, n int, lease time.Duration) ([]store.OutboxEntry, error) {
	if err := begin(ctx, tenant); err != nil {
		return nil, err
	}
	if n <= 0 || lease <= 0 {
		return nil, fmt.Errorf("%w: claim of %d entries for %v", store.ErrInvalid, n, lease)
	}
	if !storable(tenant) {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, s.q.claim, tenant, now, n, now.Add(lease), store.DefaultMaxAttempts)
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	out, err := pgx.CollectRows(rows, scanEntry)
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	return out, nil
}

// scanEntry reads the columns of outboxColumns.
func scanEntry(row pgx.CollectableRow) (store.OutboxEntry, error) {
	var (
		e                  store.OutboxEntry
		seq, maxAttempts   int64
		attempts           int64
		payload            []byte
		lease              *string
		leaseUntil, deadAt *time.Time
	)
	err := row.Scan(&e.ID, &e.Type, &e.RecordID, &seq, &e.IdempotencyKey, &payload, &e.CreatedAt, &maxAttempts,
		&attempts, &e.NextAttemptAt, &lease, &leaseUntil, &e.LastError, &deadAt)
	if err != nil {
		return e, err
	}
	e.Seq = uint64(seq) //nolint:gosec // bit for bit, as Commit stored it
	e.MaxAttempts = int(maxAttempts)
	e.Attempts = int(attempts)
	e.Payload = payload
	e.CreatedAt = utc(e.CreatedAt)
	e.NextAttemptAt = utc(e.NextAttemptAt)
	if lease != nil {
		e.Lease = *lease
	}
	e.LeaseUntil = utcPtr(leaseUntil)
	e.DeadAt = utcPtr(deadAt)
	return e, nil
}

// leaseParam is the lease an Ack or Nack names, as a parameter: one that
// cannot be stored cannot be current, and "" never is.
func leaseParam(lease string) string {
	if !storable(lease) {
		return ""
	}
	return lease
}

// leaseOutcome turns the two flags of ack and nack (the entry was changed;
// the entry exists) into the contract's error.
func leaseOutcome(done, exists bool, id uuid.UUID) error {
	switch {
	case done:
		return nil
	case exists:
		return fmt.Errorf("%w: outbox entry %s", store.ErrLeaseLost, id)
	}
	return fmt.Errorf("%w: outbox entry %s", store.ErrNotFound, id)
}

// Ack implements store.Outbox: the entry is deleted if lease is its
// current lease, in one statement. A lease that expired but was not
// claimed again is still current.
func (s *Store) Ack(ctx context.Context, tenant string, id uuid.UUID, lease string) error {
	if err := begin(ctx, tenant); err != nil {
		return err
	}
	if !storable(tenant) {
		return fmt.Errorf("%w: outbox entry %s", store.ErrNotFound, id)
	}
	var done, exists bool
	if err := s.pool.QueryRow(ctx, s.q.ack, tenant, id, leaseParam(lease)).Scan(&done, &exists); err != nil {
		return mapErr(ctx, err)
	}
	return leaseOutcome(done, exists, id)
}

// Nack implements store.Outbox in one statement. The entry becomes a dead
// letter (DeadAt = f.Now) when f.Permanent is set or its Attempts reached
// MaxTries, unless f.Release gives it back (Attempts one less, never
// dead). ErrInvalid when f.Now is zero. Like Ack, it accepts a lease that
// expired but was not claimed again.
//
// The Reason is kept as LastError; bytes PostgreSQL text cannot hold
// (invalid UTF-8, NUL) become U+FFFD rather than make the failure
// unrecordable.
func (s *Store) Nack(ctx context.Context, tenant string, id uuid.UUID, lease string, f store.Failure) error {
	if err := begin(ctx, tenant); err != nil {
		return err
	}
	if f.Now.IsZero() {
		return fmt.Errorf("%w: failure without a time", store.ErrInvalid)
	}
	if !storable(tenant) {
		return fmt.Errorf("%w: outbox entry %s", store.ErrNotFound, id)
	}
	if err := checkTime("failure Now", f.Now); err != nil {
		return err
	}
	if err := checkTime("failure RetryAt", f.RetryAt); err != nil {
		return err
	}
	var done, exists bool
	err := s.pool.QueryRow(ctx, s.q.nack, tenant, id, leaseParam(lease), sanitize(f.Reason), store.DefaultMaxAttempts,
		f.Release, f.Permanent, f.Now, f.RetryAt).Scan(&done, &exists)
	if err != nil {
		return mapErr(ctx, err)
	}
	return leaseOutcome(done, exists, id)
}

// DeadLetters implements store.Outbox: oldest first by CreatedAt, then ID,
// a page at a time after the last one yielded, holding no connection while
// it yields.
func (s *Store) DeadLetters(ctx context.Context, tenant string) iter.Seq2[store.OutboxEntry, error] {
	return func(yield func(store.OutboxEntry, error) bool) {
		if err := begin(ctx, tenant); err != nil {
			yield(store.OutboxEntry{}, err)
			return
		}
		if !storable(tenant) {
			return
		}
		var last *store.OutboxEntry
		for {
			var rows pgx.Rows
			var err error
			if last == nil {
				rows, err = s.pool.Query(ctx, s.q.deadFirst, tenant, s.pageSize)
			} else {
				rows, err = s.pool.Query(ctx, s.q.deadNext, tenant, s.pageSize, last.CreatedAt, last.ID)
			}
			var page []store.OutboxEntry
			if err == nil {
				page, err = pgx.CollectRows(rows, scanEntry)
			}
			if err != nil {
				yield(store.OutboxEntry{}, mapErr(ctx, err))
				return
			}
			for _, e := range page {
				if err := ctx.Err(); err != nil {
					yield(store.OutboxEntry{}, err)
					return
				}
				if !yield(e, nil) {
					return
				}
			}
			if len(page) < s.pageSize {
				return
			}
			last = &page[len(page)-1]
		}
	}
}

// Requeue implements store.Outbox: the dead letter is available again at
// now, with Attempts 0, no lease and not dead; its LastError is kept.
func (s *Store) Requeue(ctx context.Context, tenant string, id uuid.UUID, now time.Time) error {
	if err := begin(ctx, tenant); err != nil {
		return err
	}
	notFound := fmt.Errorf("%w: dead letter %s", store.ErrNotFound, id)
	if !storable(tenant) {
		return notFound
	}
	if err := checkTime("requeue time", now); err != nil {
		return err
	}
	tag, err := s.pool.Exec(ctx, s.q.requeue, tenant, id, now)
	if err != nil {
		return mapErr(ctx, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound
	}
	return nil
}

// OutboxStats implements store.Outbox with one aggregate query. OldestAge
// is never negative.
func (s *Store) OutboxStats(ctx context.Context, tenant string, now time.Time) (store.OutboxStats, error) {
	var st store.OutboxStats
	if err := begin(ctx, tenant); err != nil {
		return st, err
	}
	if !storable(tenant) {
		return st, nil
	}
	var pending, leased, dead int64
	var oldest *time.Time
	if err := s.pool.QueryRow(ctx, s.q.stats, tenant, now).Scan(&pending, &leased, &dead, &oldest); err != nil {
		return st, mapErr(ctx, err)
	}
	st.Pending, st.Leased, st.Dead = int(pending), int(leased), int(dead)
	if oldest != nil {
		st.OldestAge = max(now.Sub(*oldest), 0)
	}
	return st, nil
}

var _ store.OutboxLister = (*Store)(nil)

// ListOutbox implements store.OutboxLister: the entries q selects, oldest
// first by CreatedAt, then ID, a page at a time after the last one
// yielded (keyset pagination on the outbox indexes), holding no connection
// while it yields. Each page is one plain SELECT: it takes no row lock and
// changes nothing; the entries it yields carry no Lease token. Times are
// compared at the microsecond; a Now or cursor PostgreSQL cannot store is
// refused with store.ErrInvalid.
func (s *Store) ListOutbox(ctx context.Context, tenant string, q store.OutboxQuery) iter.Seq2[store.OutboxEntry, error] {
	return func(yield func(store.OutboxEntry, error) bool) {
		if err := begin(ctx, tenant); err != nil {
			yield(store.OutboxEntry{}, err)
			return
		}
		if err := q.Check(); err != nil {
			yield(store.OutboxEntry{}, err)
			return
		}
		var now []any
		if q.State == store.OutboxLeased || q.State == store.OutboxWaiting {
			if err := checkTime("outbox query Now", q.Now); err != nil {
				yield(store.OutboxEntry{}, err)
				return
			}
			now = []any{q.Now}
		}
		cursor, after := q.After, !q.After.IsZero()
		if after {
			if err := checkTime("outbox query cursor", cursor.CreatedAt); err != nil {
				yield(store.OutboxEntry{}, err)
				return
			}
		}
		if !storable(tenant) {
			return
		}
		left := q.Limit
		for {
			want := s.pageSize
			if q.Limit > 0 && left < want {
				want = left
			}
			args := []any{tenant, want}
			sql := s.q.listOutbox[0][q.State]
			if after {
				args = append(args, cursor.CreatedAt, cursor.ID)
				sql = s.q.listOutbox[1][q.State]
			}
			rows, err := s.pool.Query(ctx, sql, append(args, now...)...)
			var page []store.OutboxEntry
			if err == nil {
				page, err = pgx.CollectRows(rows, scanEntry)
			}
			if err != nil {
				yield(store.OutboxEntry{}, mapErr(ctx, err))
				return
			}
			for _, e := range page {
				if err := ctx.Err(); err != nil {
					yield(store.OutboxEntry{}, err)
					return
				}
				e.Lease = ""
				if !yield(e, nil) {
					return
				}
			}
			if q.Limit > 0 {
				if left -= len(page); left == 0 {
					return
				}
			}
			if len(page) < want {
				return
			}
			cursor, after = store.CursorOf(&page[len(page)-1]), true
		}
	}
}
