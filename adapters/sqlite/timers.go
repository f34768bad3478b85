package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/iso27035/iso27035/store"
)

// timerColumns are the columns scanTimer reads, in its order.
const timerColumns = `key, record_id, kind, due_at, version, fired_at, payload`

// scanTimer reads one row of timerColumns.
func scanTimer(scan func(...any) error) (store.Timer, error) {
	var t store.Timer
	var recordID, payload []byte
	var due int64
	var fired sql.NullInt64
	if err := scan(&t.Key, &recordID, &t.Kind, &due, &t.Version, &fired, &payload); err != nil {
		return t, err
	}
	if err := copyID(&t.RecordID, recordID); err != nil {
		return t, err
	}
	t.DueAt = fromMicros(due)
	t.FiredAt = fromNullMicros(fired)
	t.Payload = payload
	return t, nil
}

// DueTimers implements store.Timers: up to n unfired timers with DueAt ≤
// now, earliest first (by DueAt, then Key), read from the index of unfired
// timers.
func (s *Store) DueTimers(ctx context.Context, tenant string, now time.Time, n int) ([]store.Timer, error) {
	if err := begin(ctx, tenant); err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, fmt.Errorf("%w: %d due timers", store.ErrInvalid, n)
	}
	rows, err := s.query(ctx, qDueTimers, tenant, micros(now), n)
	if err != nil {
		return nil, dbErr(ctx, "due timers", err)
	}
	defer func() { _ = rows.Close() }()
	var out []store.Timer
	for rows.Next() {
		t, err := scanTimer(rows.Scan)
		if err != nil {
			return nil, dbErr(ctx, "due timers", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, dbErr(ctx, "due timers", err)
	}
	return out, nil
}

// GetTimer implements store.Timers. ErrNotFound when the tenant has no
// timer with that key.
func (s *Store) GetTimer(ctx context.Context, tenant string, key string) (store.Timer, error) {
	if err := begin(ctx, tenant); err != nil {
		return store.Timer{}, err
	}
	row := s.queryRow(ctx, qGetTimer, tenant, key)
	t, err := scanTimer(row.Scan)
	if errors.Is(err, sql.ErrNoRows) {
		return store.Timer{}, fmt.Errorf("%w: timer %q", store.ErrNotFound, key)
	}
	if err != nil {
		return store.Timer{}, dbErr(ctx, "get timer", err)
	}
	return t, nil
}
