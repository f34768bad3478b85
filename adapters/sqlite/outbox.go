package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/store"
)

// outboxColumns are the columns scanOutbox reads, in its order.
const outboxColumns = `id, type, record_id, seq, idempotency_key, payload, created_at, max_attempts,
	attempts, next_attempt_at, lease, lease_until, last_error, dead_at`

// scanOutbox reads one row of outboxColumns.
func scanOutbox(rows *sql.Rows) (store.OutboxEntry, error) {
	var e store.OutboxEntry
	var id, recordID, payload []byte
	var seq, created, maxAttempts, attempts, next int64
	var lease sql.NullString
	var leaseUntil, deadAt sql.NullInt64
	if err := rows.Scan(&id, &e.Type, &recordID, &seq, &e.IdempotencyKey, &payload, &created, &maxAttempts,
		&attempts, &next, &lease, &leaseUntil, &e.LastError, &deadAt); err != nil {
		return e, err
	}
	if err := copyID(&e.ID, id); err != nil {
		return e, err
	}
	if err := copyID(&e.RecordID, recordID); err != nil {
		return e, err
	}
	e.Seq = seqOf(seq)
	e.Payload = payload
	e.CreatedAt = fromMicros(created)
	e.MaxAttempts = int(maxAttempts)
	e.Attempts = int(attempts)
	e.NextAttemptAt = fromMicros(next)
	e.Lease = lease.String
	e.LeaseUntil = fromNullMicros(leaseUntil)
	e.DeadAt = fromNullMicros(deadAt)
	return e, nil
}

// readOutbox reads every row of a query of outboxColumns.
func readOutbox(ctx context.Context, what string, rows *sql.Rows, err error) ([]store.OutboxEntry, error) {
	if err != nil {
		return nil, dbErr(ctx, what, err)
	}
	defer func() { _ = rows.Close() }()
	var out []store.OutboxEntry
	for rows.Next() {
		e, err := scanOutbox(rows)
		if err != nil {
			return nil, dbErr(ctx, what, err)
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(ctx, what, err)
	}
	return out, nil
}

// Claim implements store.Outbox in one IMMEDIATE transaction: it reads
// the oldest claimable entries (by CreatedAt, then ID, from the index of
// live entries), leases each with a fresh random token, and dead-letters
// the poison messages among them instead (see store.Outbox), reading on
// until it has n entries or none is left. Times are compared at the
// microsecond the store keeps.
func (s *Store) Claim(ctx context.Context, tenant string, now time.Time, n int, lease time.Duration) ([]store.OutboxEntry, error) {
	if err := begin(ctx, tenant); err != nil {
		return nil, err
	}
	if n <= 0 || lease <= 0 {
		return nil, fmt.Errorf("%w: claim of %d entries for %v", store.ErrInvalid, n, lease)
	}
	nowUS := micros(now)
	until := micros(now.Add(lease))
	var out []store.OutboxEntry
	err := s.write(ctx, "claim", func(tx *wtx) error {
		out = out[:0]
		var last *store.OutboxEntry // the last entry examined
		for len(out) < n {
			batch := n - len(out)
			var rows *sql.Rows
			var err error
			if last == nil {
				rows, err = tx.query(qClaimFirst, tenant, nowUS, nowUS, nowUS, batch)
			} else {
				// Continue after the entries examined: a lease shorter
				// than the microsecond the store keeps would leave them
				// claimable.
				rows, err = tx.query(qClaimNext, tenant, nowUS, nowUS, nowUS, micros(last.CreatedAt), last.ID[:], batch)
			}
			cands, err := readOutbox(ctx, "claim", rows, err)
			if err != nil {
				return err
			}
			for _, e := range cands {
				if e.Attempts >= e.MaxTries() {
					if err := poison(tx, tenant, &e, nowUS); err != nil {
						return err
					}
					continue
				}
				token, err := uuid.NewRandom()
				if err != nil {
					return fmt.Errorf("sqlite: lease token: %w", err)
				}
				e.Attempts++
				e.Lease = token.String()
				e.LeaseUntil = fromMicros(until)
				if _, err := tx.exec("claim", qLease, int64(e.Attempts), e.Lease, until, tenant, e.ID[:]); err != nil {
					return err
				}
				out = append(out, e)
			}
			if len(cands) < batch {
				break
			}
			last = &cands[len(cands)-1]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// poison dead-letters an entry whose last lease expired after its last
// allowed attempt.
func poison(tx *wtx, tenant string, e *store.OutboxEntry, now int64) error {
	reason := e.LastError
	if reason == "" {
		reason = fmt.Sprintf("lease expired after %d attempts", e.Attempts)
	}
	_, err := tx.exec("claim", qPoison, now, reason, tenant, e.ID[:])
	return err
}

// leaseErr tells why an entry is not held by a lease: ErrNotFound when
// there is no such entry, ErrLeaseLost otherwise.
func leaseErr(tx *wtx, tenant string, id uuid.UUID) error {
	var attempts, maxAttempts int64
	var held sql.NullString
	err := tx.queryRow(qOutboxHeld, tenant, id[:]).Scan(&attempts, &maxAttempts, &held)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return fmt.Errorf("%w: outbox entry %s", store.ErrNotFound, id)
	case err != nil:
		return dbErr(tx.ctx, "outbox", err)
	}
	return fmt.Errorf("%w: outbox entry %s", store.ErrLeaseLost, id)
}

// Ack implements store.Outbox: it deletes the entry if lease is its
// current lease. A lease that expired but was not claimed again is still
// the entry's lease, so Ack with it succeeds.
func (s *Store) Ack(ctx context.Context, tenant string, id uuid.UUID, lease string) error {
	if err := begin(ctx, tenant); err != nil {
		return err
	}
	return s.write(ctx, "ack", func(tx *wtx) error {
		if lease != "" {
			n, err := tx.exec("ack", qAck, tenant, id[:], lease)
			if err != nil {
				return err
			}
			if n == 1 {
				return nil
			}
		}
		return leaseErr(tx, tenant, id)
	})
}

// Nack implements store.Outbox. The entry becomes a dead letter (DeadAt =
// f.Now) when f.Permanent is set or its Attempts reached MaxTries; with
// f.Release the claim does not count and the entry never dies. ErrInvalid
// when f.Now is zero. Like Ack, it accepts a lease that expired but was
// not claimed again.
func (s *Store) Nack(ctx context.Context, tenant string, id uuid.UUID, lease string, f store.Failure) error {
	if err := begin(ctx, tenant); err != nil {
		return err
	}
	if f.Now.IsZero() {
		return fmt.Errorf("%w: failure without a time", store.ErrInvalid)
	}
	return s.write(ctx, "nack", func(tx *wtx) error {
		var attempts, maxAttempts int64
		var held sql.NullString
		err := tx.queryRow(qOutboxHeld, tenant, id[:]).Scan(&attempts, &maxAttempts, &held)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return fmt.Errorf("%w: outbox entry %s", store.ErrNotFound, id)
		case err != nil:
			return dbErr(ctx, "nack", err)
		case lease == "" || !held.Valid || held.String != lease:
			return fmt.Errorf("%w: outbox entry %s", store.ErrLeaseLost, id)
		}
		e := store.OutboxEntry{Attempts: int(attempts), MaxAttempts: int(maxAttempts)}
		var deadAt any
		switch {
		case f.Release:
			e.Attempts = max(e.Attempts-1, 0)
		case f.Permanent || e.Attempts >= e.MaxTries():
			deadAt = micros(f.Now)
		}
		_, err = tx.exec("nack", qNack, f.Reason, micros(f.RetryAt), int64(e.Attempts), deadAt, tenant, id[:])
		return err
	})
}

// DeadLetters implements store.Outbox: oldest first by CreatedAt, then ID
// (the order of Claim), a page at a time like List.
func (s *Store) DeadLetters(ctx context.Context, tenant string) iter.Seq2[store.OutboxEntry, error] {
	return func(yield func(store.OutboxEntry, error) bool) {
		if err := begin(ctx, tenant); err != nil {
			yield(store.OutboxEntry{}, err)
			return
		}
		var last *store.OutboxEntry
		for {
			var rows *sql.Rows
			var err error
			if last == nil {
				rows, err = s.query(ctx, qDeadFirst, tenant, s.pageSize)
			} else {
				rows, err = s.query(ctx, qDeadNext, tenant, micros(last.CreatedAt), last.ID[:], s.pageSize)
			}
			page, err := readOutbox(ctx, "dead letters", rows, err)
			if err != nil {
				yield(store.OutboxEntry{}, err)
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
	return s.write(ctx, "requeue", func(tx *wtx) error {
		n, err := tx.exec("requeue", qRequeue, micros(now), tenant, id[:])
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w: dead letter %s", store.ErrNotFound, id)
		}
		return nil
	})
}

// OutboxStats implements store.Outbox with one aggregate query. OldestAge
// is never negative: an entry created after now counts as age 0.
func (s *Store) OutboxStats(ctx context.Context, tenant string, now time.Time) (store.OutboxStats, error) {
	var st store.OutboxStats
	if err := begin(ctx, tenant); err != nil {
		return st, err
	}
	var oldest sql.NullInt64
	err := s.queryRow(ctx, qOutboxStats, micros(now), tenant).Scan(&st.Pending, &st.Leased, &st.Dead, &oldest)
	if err != nil {
		return store.OutboxStats{}, dbErr(ctx, "outbox stats", err)
	}
	if oldest.Valid {
		st.OldestAge = max(now.Sub(fromMicros(oldest.Int64)), 0)
	}
	return st, nil
}

var _ store.OutboxLister = (*Store)(nil)

// ListOutbox implements store.OutboxLister on the read pool: the entries q
// selects, oldest first by CreatedAt, then ID, a page at a time after the
// last one yielded (keyset pagination on the outbox indexes), holding no
// connection while it yields. It only reads; the entries it yields carry
// no Lease token. Now is compared at the microsecond the store keeps.
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
			now = []any{micros(q.Now)}
		}
		cursor, after, left := q.After, !q.After.IsZero(), q.Limit
		for {
			want := s.pageSize
			if q.Limit > 0 && left < want {
				want = left
			}
			args := append([]any{tenant}, now...)
			if after {
				args = append(args, micros(cursor.CreatedAt), cursor.ID[:])
			}
			rows, err := s.query(ctx, qListOutbox(q.State, after), append(args, want)...)
			page, err := readOutbox(ctx, "list outbox", rows, err)
			if err != nil {
				yield(store.OutboxEntry{}, err)
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
