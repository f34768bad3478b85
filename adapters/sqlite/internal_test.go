package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"
)

// pragma reads an integer PRAGMA on one connection.
func pragma(t *testing.T, c *sql.Conn, name string) int {
	t.Helper()
	var v int
	if err := c.QueryRowContext(context.Background(), "PRAGMA "+name).Scan(&v); err != nil {
		t.Fatalf("PRAGMA %s: %v", name, err)
	}
	return v
}

// conns takes n connections of db at once, so they are n distinct
// connections of the pool, and releases them when the test ends.
func conns(t *testing.T, db *sql.DB, n int) []*sql.Conn {
	t.Helper()
	out := make([]*sql.Conn, n)
	for i := range out {
		c, err := db.Conn(context.Background())
		if err != nil {
			t.Fatalf("connection %d: %v", i, err)
		}
		t.Cleanup(func() { _ = c.Close() })
		out[i] = c
	}
	return out
}

// Every connection of both pools, the writer and each reader, runs with
// synchronous=FULL (2) by default, with foreign keys on and the busy
// timeout set, on a database in WAL mode; the readers are query-only.
func TestPragmasOnEveryConnection(t *testing.T) {
	const readers = 6
	for _, tc := range []struct {
		name string
		opts []Option
		want int
	}{
		{"default", nil, 2},
		{"normal", []Option{WithSynchronous(SynchronousNormal)}, 1},
		{"extra", []Option{WithSynchronous(SynchronousExtra)}, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := Open(context.Background(), filepath.Join(t.TempDir(), "s.db"), append(tc.opts, WithReaders(readers))...)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = s.Close() })
			check := func(role string, c *sql.Conn, queryOnly int) {
				t.Helper()
				if got := pragma(t, c, "synchronous"); got != tc.want {
					t.Errorf("%s: PRAGMA synchronous = %d, want %d", role, got, tc.want)
				}
				if got := pragma(t, c, "foreign_keys"); got != 1 {
					t.Errorf("%s: PRAGMA foreign_keys = %d, want 1", role, got)
				}
				if got := pragma(t, c, "busy_timeout"); got != int(DefaultBusyTimeout.Milliseconds()) {
					t.Errorf("%s: PRAGMA busy_timeout = %d, want %d", role, got, DefaultBusyTimeout.Milliseconds())
				}
				if got := pragma(t, c, "query_only"); got != queryOnly {
					t.Errorf("%s: PRAGMA query_only = %d, want %d", role, got, queryOnly)
				}
				var mode string
				if err := c.QueryRowContext(context.Background(), "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
					t.Errorf("%s: PRAGMA journal_mode = %q (%v), want wal", role, mode, err)
				}
			}
			for _, c := range conns(t, s.w, 1) {
				check("writer", c, 0)
			}
			for i, c := range conns(t, s.r, readers) {
				check(fmt.Sprintf("reader %d", i), c, 1)
			}
			if n := s.r.Stats().OpenConnections; n != readers {
				t.Errorf("the read pool has %d connections open, want the %d checked", n, readers)
			}
		})
	}
}

func TestOpenRefusesBadSynchronous(t *testing.T) {
	if _, err := Open(context.Background(), filepath.Join(t.TempDir(), "s.db"), WithSynchronous("OFF")); err == nil {
		t.Fatal("Open with synchronous OFF succeeded, want an error")
	}
}

// The embedded migrations are numbered 1 to SchemaVersion.
func TestMigrationsNumbered(t *testing.T) {
	ms, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) != SchemaVersion {
		t.Fatalf("%d migrations, SchemaVersion %d", len(ms), SchemaVersion)
	}
}

// A path holding URI syntax ('?', '#', '%') is a file name, not a DSN.
func TestOddPath(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "odd?name#x%41.db")
	s, err := Open(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	var file string
	if err := s.w.QueryRowContext(context.Background(), "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file); err != nil {
		t.Fatal(err)
	}
	_ = s.Close()
	if file != name {
		t.Errorf("database file %q, want %q", file, name)
	}
}
