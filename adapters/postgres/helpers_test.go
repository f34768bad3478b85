package postgres_test

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

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/iso27035/iso27035/adapters/postgres"
	"github.com/iso27035/iso27035/incident"
)

// dsnVar names the environment variable holding the DSN of the test
// server; testdata/setup.sql makes the role and database it names.
const dsnVar = "ISO27035_POSTGRES_DSN"

// exampleDSN is what dsnVar holds for the database of testdata/setup.sql.
const exampleDSN = "postgres://iso27035:iso27035@127.0.0.1:5432/iso27035_test?sslmode=disable"

// reachable checks the server once per test binary.
var reachable struct {
	once sync.Once
	err  error
}

// testDSN returns the DSN of the test server. Without one (dsnVar unset)
// or with a server that does not answer, the test is skipped with a
// message naming dsnVar, unless CI=true: CI must run these tests, so there
// either is a failure.
func testDSN(tb testing.TB) string {
	tb.Helper()
	ci := os.Getenv("CI") == "true"
	unavailable := func(format string, args ...any) {
		tb.Helper()
		msg := fmt.Sprintf(format, args...)
		if ci {
			tb.Fatalf("%s; CI=true requires the PostgreSQL tests to run (testdata/setup.sql makes the database; then %s=%s)", msg, dsnVar, exampleDSN)
		}
		tb.Skipf("%s: skipping the PostgreSQL tests (to run them: %s=%s)", msg, dsnVar, exampleDSN)
	}
	dsn := os.Getenv(dsnVar)
	if dsn == "" {
		unavailable("%s is not set", dsnVar)
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
		unavailable("the server %s names is unreachable: %v", dsnVar, reachable.err)
	}
	return dsn
}

// freshSchema returns the name of a schema no other test uses (it does not
// exist yet) and drops it when the test ends.
func freshSchema(tb testing.TB, dsn string) string {
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

// openStore opens a Store in a fresh schema, closed and dropped when the
// test ends.
func openStore(tb testing.TB, opts ...postgres.Option) *postgres.Store {
	tb.Helper()
	dsn := testDSN(tb)
	schema := freshSchema(tb, dsn)
	s, err := postgres.Open(context.Background(), dsn, append([]postgres.Option{postgres.WithSchema(schema)}, opts...)...)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	tb.Cleanup(s.Close)
	return s
}

// reset empties s, failing the test if it cannot.
func reset(tb testing.TB, s *postgres.Store) {
	tb.Helper()
	if err := postgres.Reset(context.Background(), s); err != nil {
		tb.Fatalf("emptying the store: %v", err)
	}
}

// t0 is the tests' clock.
var t0 = time.Date(2026, 3, 14, 9, 0, 0, 0, time.UTC)

// newIncident returns a valid incident of tenant with a fresh ID.
func newIncident(tenant string, n int) *incident.Incident {
	id := uuid.Must(uuid.NewV7())
	ref, err := incident.FormatRef(incident.KindIncident, 2026, uint64(n))
	if err != nil {
		panic(err)
	}
	return &incident.Incident{
		Header: incident.Header{ID: id, Ref: ref, Org: tenant, CreatedAt: t0, UpdatedAt: t0},
		Handling: incident.Handling{
			Title:    fmt.Sprintf("Incident %d", n),
			Phase:    incident.PhaseAssessDecide,
			State:    incident.StateTriage,
			Outcome:  incident.OutcomeIncident,
			Severity: incident.SeverityMedium,
			Category: incident.Category{Class: "intrusions", Type: "system-compromise"},
			Reporter: "actor-test",
		},
		EventIDs: []uuid.UUID{uuid.Must(uuid.NewV7())},
		Timeline: incident.Timeline{Detected: incident.At(t0), Reported: incident.At(t0), Declared: incident.At(t0)},
	}
}
