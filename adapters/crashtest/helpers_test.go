package crashtest_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/iso27035/iso27035/incident"
	"github.com/iso27035/iso27035/lifecycle"
	"github.com/iso27035/iso27035/store"
)

// tenant is the organisation every test works for.
const tenant = "acme"

// dsnVar names the environment variable holding the DSN of the test
// server; adapters/postgres/testdata/setup.sql makes the role and database
// it names.
const dsnVar = "ISO27035_POSTGRES_DSN"

// exampleDSN is what dsnVar holds for the database of setup.sql.
const exampleDSN = "postgres://iso27035:iso27035@127.0.0.1:5432/iso27035_test?sslmode=disable"

// killsVar overrides the number of kills of each crash test.
const killsVar = "ISO27035_CRASHTEST_KILLS"

// ci reports whether the tests run under CI (CI=true), where a test that
// cannot run fails instead of being skipped.
func ci() bool { return os.Getenv("CI") == "true" }

// reachable checks the server once per test binary.
var reachable struct {
	once sync.Once
	err  error
}

// unavailable skips the test with msg, or fails it under CI=true.
func unavailable(tb testing.TB, msg string) {
	tb.Helper()
	if ci() {
		tb.Fatalf("%s; CI=true requires the PostgreSQL tests to run (adapters/postgres/testdata/setup.sql makes the database; then %s=%s)", msg, dsnVar, exampleDSN)
	}
	tb.Skipf("%s: skipping the PostgreSQL tests (to run them: %s=%s)", msg, dsnVar, exampleDSN)
}

// testDSN returns the DSN of the test server. Without one (dsnVar unset)
// or with a server that does not answer, the test is skipped with a
// message naming dsnVar, unless CI=true: CI must run these tests, so there
// either is a failure. (The logic of adapters/postgres/helpers_test.go.)
func testDSN(tb testing.TB) string {
	tb.Helper()
	dsn := os.Getenv(dsnVar)
	if dsn == "" {
		unavailable(tb, dsnVar+" is not set")
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
		unavailable(tb, fmt.Sprintf("the server %s names is unreachable: %v", dsnVar, reachable.err))
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
