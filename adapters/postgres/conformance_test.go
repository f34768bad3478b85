package postgres_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/iso27035/iso27035/adapters/postgres"
	"github.com/iso27035/iso27035/store"
	"github.com/iso27035/iso27035/store/storetest"
)

// The store passes the conformance suite, with the default page size and
// with pages of one element, which makes every iteration cross page
// boundaries. The cases run one after the other on one schema, emptied
// before each.
func TestConformance(t *testing.T) {
	s := openStore(t)
	storetest.Run(t, func(t *testing.T) store.Store {
		reset(t, s)
		return s
	})
}

func TestConformanceSmallPages(t *testing.T) {
	s := openStore(t, postgres.WithPageSize(1))
	storetest.Run(t, func(t *testing.T) store.Store {
		reset(t, s)
		return s
	})
}

// The store passes the suite on a pool the caller made (New) in each of
// pgx's query modes, those that prepare no statement (for poolers such as
// pgbouncer in transaction mode) included: Commit's batch is one
// transaction in every mode.
func TestConformanceQueryExecModes(t *testing.T) {
	for _, mode := range []pgx.QueryExecMode{pgx.QueryExecModeCacheDescribe, pgx.QueryExecModeDescribeExec,
		pgx.QueryExecModeExec, pgx.QueryExecModeSimpleProtocol} {
		t.Run(mode.String(), func(t *testing.T) {
			dsn := testDSN(t)
			cfg, err := pgxpool.ParseConfig(dsn)
			if err != nil {
				t.Fatal(err)
			}
			cfg.ConnConfig.DefaultQueryExecMode = mode
			pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer pool.Close()
			s, err := postgres.New(context.Background(), pool, postgres.WithSchema(freshSchema(t, dsn)), postgres.WithPageSize(2))
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			storetest.Run(t, func(t *testing.T) store.Store {
				reset(t, s)
				return s
			})
		})
	}
}

// The shared benchmarks of the conformance suite, comparable with the
// memory store's (store/memory BenchmarkSuite).
func BenchmarkSuite(b *testing.B) {
	s := openStore(b)
	storetest.Bench(b, func(b *testing.B) store.Store {
		reset(b, s)
		return s
	})
}
