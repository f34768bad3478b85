// Package pgtest gates the adapters' PostgreSQL tests on a test server and
// gives each test a schema of its own. It is test support: only tests
// import it.
//
// The tests need the DSN of a server in ISO27035_POSTGRES_DSN
// (adapters/postgres/testdata/setup.sql makes the role and database that
// ExampleDSN names). Without it, or with a server that does not answer, a
// test is skipped with a message naming the variable, unless CI=true: CI
// must run these tests, so there it fails instead.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// DSNVar names the environment variable holding the DSN of the test
// server.
const DSNVar = "ISO27035_POSTGRES_DSN"

// ExampleDSN is what DSNVar holds for the database of
// adapters/postgres/testdata/setup.sql, whose role and password are
// public test fixtures.
//
//nolint:gosec // G101: not a secret, the test database of setup.sql.
const ExampleDSN = "postgres://iso27035:iso27035@127.0.0.1:5432/iso27035_test?sslmode=disable"

// CI reports whether the tests run under CI (CI=true), where a test that
// cannot run fails instead of being skipped.
func CI() bool { return os.Getenv("CI") == "true" }

// reachable checks the server once per test binary.
var reachable struct {
	once sync.Once
	err  error
}

// Unavailable skips the test with msg, or fails it under CI=true. setup is
// the path of setup.sql as the messages show it (relative to where the
// tests run).
func Unavailable(tb testing.TB, setup, msg string) {
	tb.Helper()
	if CI() {
		tb.Fatalf("%s; CI=true requires the PostgreSQL tests to run (%s makes the database; then %s=%s)", msg, setup, DSNVar, ExampleDSN)
	}
	tb.Skipf("%s: skipping the PostgreSQL tests (to run them: %s=%s)", msg, DSNVar, ExampleDSN)
}

// DSN returns the DSN of the test server. Without one (DSNVar unset) or
// with a server that does not answer, the test is skipped with a message
// naming DSNVar, unless CI=true: CI must run these tests, so there either
// is a failure. setup is as for Unavailable.
func DSN(tb testing.TB, setup string) string {
	tb.Helper()
	dsn := os.Getenv(DSNVar)
	if dsn == "" {
		Unavailable(tb, setup, DSNVar+" is not set")
	}
	reachable.once.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err == nil {
			err = conn.Ping(ctx)
			_ = conn.Close(ctx)
		}
		reachable.err = err
	})
	if reachable.err != nil {
		Unavailable(tb, setup, fmt.Sprintf("the server %s names is unreachable: %v", DSNVar, reachable.err))
	}
	return dsn
}

// FreshSchema returns the name of a schema no other test uses (it does not
// exist yet) and drops it when the test ends.
func FreshSchema(tb testing.TB, dsn string) string {
	tb.Helper()
	var rnd [5]byte
	_, _ = rand.Read(rnd[:])
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		if r >= 'A' && r <= 'Z' {
			return r - 'A' + 'a'
		}
		return '_'
	}, tb.Name())
	if len(name) > 40 {
		name = name[:40]
	}
	name = "t_" + name + "_" + hex.EncodeToString(rnd[:])
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			tb.Errorf("dropping schema %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP SCHEMA IF EXISTS "+pgx.Identifier{name}.Sanitize()+" CASCADE"); err != nil {
			tb.Errorf("dropping schema %s: %v", name, err)
		}
	})
	return name
}
