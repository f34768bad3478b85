package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/iso27035/iso27035/adapters/internal/enginebench"
)

// The engine's write on SQLite against a bare UPDATE with the same driver
// and the same durability, in the same run (issue 5); the package
// enginebench drives them and says what each measures.
//
// The bare UPDATE here is UPDATE bench_bare SET version = version + 1,
// body = ? WHERE id = ?, one row, autocommit, through a second *sql.DB on
// the store's file opened with the store's own DSN (WAL, synchronous,
// _txlock=immediate, busy timeout, foreign keys) and, like the store's
// writer, one connection.
//
// All writes of a Store queue for its one write connection, the bare
// UPDATEs for theirs. The SynchronousNormal variants run the same with
// synchronous=NORMAL (no sync per commit): the difference is the cost of
// the sync.

func BenchmarkEngineWrite(b *testing.B) { enginebench.EngineWrite(b, ebOpen(SynchronousFull)) }

func BenchmarkEngineWriteSynchronousNormal(b *testing.B) {
	enginebench.EngineWrite(b, ebOpen(SynchronousNormal))
}

func BenchmarkEngineTransition(b *testing.B) {
	enginebench.EngineTransition(b, ebOpen(SynchronousFull))
}

func BenchmarkEngineTransitionSynchronousNormal(b *testing.B) {
	enginebench.EngineTransition(b, ebOpen(SynchronousNormal))
}

func BenchmarkBareUpdate(b *testing.B) { enginebench.BareUpdate(b, ebOpen(SynchronousFull)) }

func BenchmarkBareUpdateSynchronousNormal(b *testing.B) {
	enginebench.BareUpdate(b, ebOpen(SynchronousNormal))
}

// BenchmarkEngineVsBare alternates BenchmarkEngineWrite's change and
// BenchmarkBareUpdate's UPDATE on one file (see enginebench.EngineVsBare).
func BenchmarkEngineVsBare(b *testing.B) { enginebench.EngineVsBare(b, ebOpen(SynchronousFull)) }

// ebOpen returns the opener of a store on a new file with the given
// synchronous setting.
func ebOpen(syn Synchronous) enginebench.Open {
	return func(b *testing.B) enginebench.Target {
		b.Helper()
		path := filepath.Join(b.TempDir(), "store.db")
		st, err := Open(context.Background(), path, WithSynchronous(syn))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() {
			if err := st.Close(); err != nil {
				b.Error(err)
			}
		})
		return enginebench.Target{Store: st, Bare: func(b *testing.B, body []byte) func(w, i int) error {
			return ebBare(b, path, syn, body)
		}}
	}
}

// ebBare makes the table bench_bare, holding body, in the store's file at
// path, and returns the bare UPDATE of writer w: its own row of the table,
// through a second pool on the file with the DSN of the store's writer
// and, like it, one connection.
func ebBare(b *testing.B, path string, syn Synchronous, body []byte) func(w, i int) error {
	b.Helper()
	ctx := context.Background()
	c := config{busyTimeout: DefaultBusyTimeout, sync: syn}
	db, err := sql.Open("sqlite", dsn(path, &c, false))
	if err != nil {
		b.Fatal(err)
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	b.Cleanup(func() { _ = db.Close() })
	var mode string
	var level int
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		b.Fatal(err)
	}
	if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&level); err != nil {
		b.Fatal(err)
	}
	if !strings.EqualFold(mode, "wal") || level != synchronousLevel[syn] {
		b.Fatalf("bare connection: journal_mode %s, synchronous %d; want wal, %d", mode, level, synchronousLevel[syn])
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE bench_bare (
		id      INTEGER PRIMARY KEY,
		version INTEGER NOT NULL,
		body    BLOB    NOT NULL
	) STRICT`); err != nil {
		b.Fatal(err)
	}
	for id := 1; id <= enginebench.MaxWriters; id++ {
		if _, err := db.ExecContext(ctx, "INSERT INTO bench_bare (id, version, body) VALUES (?, 1, ?)", id, body); err != nil {
			b.Fatal(err)
		}
	}
	upd, err := db.PrepareContext(ctx, "UPDATE bench_bare SET version = version + 1, body = ? WHERE id = ?")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = upd.Close() })
	return func(w, _ int) error {
		res, err := upd.ExecContext(ctx, body, w+1)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return errors.Join(err, fmt.Errorf("updated %d rows, want 1", n))
		}
		return nil
	}
}
