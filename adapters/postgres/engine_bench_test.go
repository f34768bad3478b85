package postgres_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/iso27035/iso27035/adapters/internal/enginebench"
	"github.com/iso27035/iso27035/adapters/postgres"
)

// The engine's write on PostgreSQL against a bare UPDATE with the same
// driver and the same durability, in the same run (issue 5); the package
// enginebench drives them and says what each measures.
//
// The bare UPDATE here is UPDATE bench_bare SET version = version + 1,
// body = $1 WHERE id = $2, one row, autocommit, on the store's own pgxpool
// (so with its settings: pool size, statement cache, synchronous_commit),
// in a table of the store's schema.
//
// The pool is pgxpool's default, max(4, number of CPUs) connections, for
// the store and the bare UPDATEs alike. The AsyncCommit variants run the
// same on a pool whose sessions set synchronous_commit=off (a commit
// returns before its WAL is flushed): the difference is the cost of the
// flush.
//
// Like the other PostgreSQL tests they need ISO27035_POSTGRES_DSN, and
// skip without it unless CI=true (see testDSN).

func BenchmarkEngineWrite(b *testing.B) { enginebench.EngineWrite(b, ebOpen(false)) }

func BenchmarkEngineWriteAsyncCommit(b *testing.B) { enginebench.EngineWrite(b, ebOpen(true)) }

func BenchmarkEngineTransition(b *testing.B) { enginebench.EngineTransition(b, ebOpen(false)) }

func BenchmarkEngineTransitionAsyncCommit(b *testing.B) {
	enginebench.EngineTransition(b, ebOpen(true))
}

func BenchmarkBareUpdate(b *testing.B) { enginebench.BareUpdate(b, ebOpen(false)) }

func BenchmarkBareUpdateAsyncCommit(b *testing.B) { enginebench.BareUpdate(b, ebOpen(true)) }

// BenchmarkEngineVsBare alternates BenchmarkEngineWrite's change and
// BenchmarkBareUpdate's UPDATE on one pool (see enginebench.EngineVsBare).
func BenchmarkEngineVsBare(b *testing.B) { enginebench.EngineVsBare(b, ebOpen(false)) }

// ebOpen returns the opener of a store in a fresh schema, on a pool of its
// own whose sessions set synchronous_commit=off when async.
func ebOpen(async bool) enginebench.Open {
	return func(b *testing.B) enginebench.Target {
		b.Helper()
		ctx := context.Background()
		dsn := testDSN(b)
		schema := freshSchema(b, dsn)
		cfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			b.Fatal(err)
		}
		if async {
			cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
		}
		pool, err := pgxpool.NewWithConfig(ctx, cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(pool.Close)
		st, err := postgres.New(ctx, pool, postgres.WithSchema(schema))
		if err != nil {
			b.Fatal(err)
		}
		var sc string
		if err := pool.QueryRow(ctx, "SHOW synchronous_commit").Scan(&sc); err != nil {
			b.Fatal(err)
		}
		if async != (sc == "off") {
			b.Fatalf("synchronous_commit is %q on the pool; want it off only for the AsyncCommit variants", sc)
		}
		b.Logf("pool: %d connections at most, synchronous_commit=%s", cfg.MaxConns, sc)
		return enginebench.Target{Store: st, Bare: func(b *testing.B, body []byte) func(w, i int) error {
			return ebBare(b, pool, st.Schema(), body)
		}}
	}
}

// ebBare makes the table bench_bare in schema, holding body, and returns
// the bare UPDATE of writer w: its own row of the table, through pool,
// the store's.
func ebBare(b *testing.B, pool *pgxpool.Pool, schema string, body []byte) func(w, i int) error {
	b.Helper()
	ctx := context.Background()
	table := pgx.Identifier{schema, "bench_bare"}.Sanitize()
	if _, err := pool.Exec(ctx, "CREATE TABLE "+table+` (
		id      bigint PRIMARY KEY,
		version bigint NOT NULL,
		body    bytea  NOT NULL
	)`); err != nil {
		b.Fatal(err)
	}
	for id := 1; id <= enginebench.MaxWriters; id++ {
		if _, err := pool.Exec(ctx, "INSERT INTO "+table+" (id, version, body) VALUES ($1, 1, $2)", id, body); err != nil {
			b.Fatal(err)
		}
	}
	update := "UPDATE " + table + " SET version = version + 1, body = $1 WHERE id = $2"
	return func(w, _ int) error {
		tag, err := pool.Exec(ctx, update, body, w+1)
		if err != nil {
			return err
		}
		if tag.RowsAffected() != 1 {
			return fmt.Errorf("updated %d rows, want 1", tag.RowsAffected())
		}
		return nil
	}
}
