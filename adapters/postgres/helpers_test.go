package postgres_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/adapters/internal/pgtest"
	"github.com/iso27035/iso27035/adapters/postgres"
	"github.com/iso27035/iso27035/incident"
)

// setupSQL is the path of setup.sql (which makes the role and database
// of pgtest.ExampleDSN) as the skip and failure messages show it.
const setupSQL = "testdata/setup.sql"

// testDSN returns the DSN of the test server. Without one
// (ISO27035_POSTGRES_DSN unset) or with a server that does not answer, the
// test is skipped with a message naming the variable, unless CI=true: CI
// must run these tests, so there either is a failure (see pgtest.DSN).
func testDSN(tb testing.TB) string {
	tb.Helper()
	return pgtest.DSN(tb, setupSQL)
}

// freshSchema returns the name of a schema no other test uses (it does not
// exist yet) and drops it when the test ends.
func freshSchema(tb testing.TB, dsn string) string {
	tb.Helper()
	return pgtest.FreshSchema(tb, dsn)
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
