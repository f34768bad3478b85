package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/iso27035/iso27035/store"
)

// DueTimers implements store.Timers: up to n unfired timers with DueAt ≤
// now, earliest first (by DueAt, then Key in byte order), from the partial
// index of unfired timers.
func (s *Store) DueTimers(ctx context.Context, tenant string, now time.Time, n int) ([]store.Timer, error) {
	if err := begin(ctx, tenant); err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, fmt.Errorf("%w: %d due timers", store.ErrInvalid, n)
	}
	if !storable(tenant) {
		return nil, nil
	}
	rows, err := s.pool.Query(ctx, s.q.dueTimers, tenant, now, n)
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	ts, err := pgx.CollectRows(rows, scanTimer)
	if err != nil {
		return nil, mapErr(ctx, err)
	}
	return ts, nil
}

// GetTimer implements store.Timers. ErrNotFound when the tenant has no
// timer with that key.
func (s *Store) GetTimer(ctx context.Context, tenant string, key string) (store.Timer, error) {
	if err := begin(ctx, tenant); err != nil {
		return store.Timer{}, err
	}
	notFound := fmt.Errorf("%w: timer %q", store.ErrNotFound, key)
	if !storable(tenant) || !storable(key) {
		return store.Timer{}, notFound
	}
	rows, err := s.pool.Query(ctx, s.q.getTimer, tenant, key)
	if err != nil {
		return store.Timer{}, mapErr(ctx, err)
	}
	t, err := pgx.CollectExactlyOneRow(rows, scanTimer)
	if errors.Is(err, pgx.ErrNoRows) {
		return store.Timer{}, notFound
	}
	if err != nil {
		return store.Timer{}, mapErr(ctx, err)
	}
	return t, nil
}

// scanTimer reads the columns of timerColumns.
func scanTimer(row pgx.CollectableRow) (store.Timer, error) {
	var (
		t       store.Timer
		firedAt *time.Time
		payload []byte
	)
	if err := row.Scan(&t.Key, &t.RecordID, &t.Kind, &t.DueAt, &t.Version, &firedAt, &payload); err != nil {
		return t, err
	}
	t.DueAt = utc(t.DueAt)
	t.FiredAt = utcPtr(firedAt)
	t.Payload = payload
	return t, nil
}
