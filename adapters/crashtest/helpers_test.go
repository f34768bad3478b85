package crashtest_test

import (
	"context"
	"crypto"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/iso27035/iso27035/adapters/internal/pgtest"
	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
)

// tenant is the organisation every test works for.
const tenant = "acme"

// dsnVar names the environment variable holding the DSN of the test
// server; adapters/postgres/testdata/setup.sql makes the role and database
// it names.
const dsnVar = pgtest.DSNVar

// setupSQL is the path of setup.sql as the skip and failure messages show
// it.
const setupSQL = "adapters/postgres/testdata/setup.sql"

// killsVar overrides the number of kills of each crash test.
const killsVar = "ISO27035_CRASHTEST_KILLS"

// ci reports whether the tests run under CI (CI=true), where a test that
// cannot run fails instead of being skipped.
func ci() bool { return pgtest.CI() }

// unavailable skips the test with msg, or fails it under CI=true.
func unavailable(tb testing.TB, msg string) {
	tb.Helper()
	pgtest.Unavailable(tb, setupSQL, msg)
}

// testDSN returns the DSN of the test server, or skips the test (fails it
// under CI=true) without one: see pgtest.DSN.
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

// kills returns how many kills a crash test makes: n, fewer with -short,
// or what killsVar says.
func kills(tb testing.TB, n int) int {
	tb.Helper()
	if v := os.Getenv(killsVar); v != "" {
		k, err := strconv.Atoi(v)
		if err != nil || k < 1 {
			tb.Fatalf("%s=%q: want a positive number", killsVar, v)
		}
		return k
	}
	if testing.Short() {
		return max(3, n/5)
	}
	return n
}

// The people and tools of the tests, with the roles the default rules
// grant the actions to.
var (
	edr   = lifecycle.Actor{ID: "tool:edr", Roles: []incident.Role{incident.RoleReporter}}
	alice = lifecycle.Actor{ID: "alice", Roles: []incident.Role{incident.RolePointOfContact}}
	bob   = lifecycle.Actor{ID: "bob", Roles: []incident.Role{incident.RoleIncidentManager}}
	carol = lifecycle.Actor{ID: "carol", Roles: []incident.Role{incident.RoleIRTLead}}
	dana  = lifecycle.Actor{ID: "dana", Roles: []incident.Role{incident.RoleDataProtection}}
)

// category is the primary category of the declared incidents.
var category = incident.Category{Class: "malicious-code", Type: "infected-system"}

// Names of the playbook task and the obligation the sources give.
const (
	playbookTask = "T-contain"
	obligationID = "gdpr-33"
)

// playbook gives every declared incident a mandatory task due a day after
// its creation, so that the declaring write arms a timer too.
var playbook = lifecycle.TaskSourceFunc(func(_ context.Context, inc *incident.Incident) ([]incident.Task, error) {
	return []incident.Task{{ID: playbookTask, Title: "Contain the affected hosts", Mandatory: true,
		Phase: incident.PhaseRespond, Due: inc.CreatedAt.Add(24 * time.Hour)}}, nil
})

// gdpr owes a notification within 72 hours of learning that personal data
// are involved: setting that fact arms two report timers.
var gdpr = lifecycle.ObligationSourceFunc(func(_ context.Context, inc *incident.Incident) ([]incident.Obligation, error) {
	aware, ok := inc.Facts.PersonalData.FirstKnown(func(involved bool) bool { return involved })
	if !ok {
		return nil, nil
	}
	return []incident.Obligation{{
		ID: obligationID, Regime: "gdpr", Report: "notification", Authority: "supervisory authority",
		StartEvent: "aware", StartAt: aware, Due: aware.Add(72 * time.Hour), Article: "GDPR Art. 33(1)",
	}}, nil
})

// newEngine returns the engine of tenant on st with the default rules, the
// playbook and the GDPR clock; signer may be nil (the driver never signs).
func newEngine(st store.Store, signer crypto.Signer) (*lifecycle.Engine, error) {
	opts := []lifecycle.Option{lifecycle.WithTaskSource(playbook), lifecycle.WithObligationSource(gdpr)}
	if signer != nil {
		opts = append(opts, lifecycle.WithSigner("crashtest", signer))
	}
	return lifecycle.New(st, tenant, opts...)
}
