package postgres

import (
	"context"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Applied returns how many migrations s applied when it opened.
func Applied(s *Store) int { return s.applied }

// Reset empties every table of s's schema, for tests that share one
// schema between cases.
func Reset(ctx context.Context, s *Store) error {
	_, err := s.pool.Exec(ctx, s.q.reset)
	return err
}

// Pool returns the pool of s.
func Pool(s *Store) *pgxpool.Pool { return s.pool }
