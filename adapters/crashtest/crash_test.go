package crashtest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/iso27035/iso27035/adapters/postgres"
	"github.com/iso27035/iso27035/adapters/sqlite"
	"github.com/iso27035/iso27035/store"
)

// backend is a database the drivers and the checks open.
type backend struct {
	// env is the drivers' environment naming the database.
	env []string
	// open opens a Store on it (migrating it the first time).
	open func(ctx context.Context) (store.Store, func(), error)
	// settle, when set, waits until the database has finished with the
	// connections of a killed driver (see postgresBackend).
	settle func(ctx context.Context) error
}

// sqliteBackend is a SQLite file in the test's temporary directory.
func sqliteBackend(t *testing.T) backend {
	path := filepath.Join(t.TempDir(), "crash.db")
	return backend{
		env: []string{backendVar + "=sqlite", targetVar + "=" + path},
		open: func(ctx context.Context) (store.Store, func(), error) {
			s, err := sqlite.Open(ctx, path)
			if err != nil {
				return nil, nil, err
			}
			return s, func() { _ = s.Close() }, nil
		},
	}
}

// postgresBackend is a fresh schema of the server of dsn.
//
// A client that dies does not stop the server: a transaction it had sent
// whole goes on and may commit after the client is gone. The drivers
// connect with the schema's name as their application_name, and settle
// waits until the server has no session of that name left, so that the
// checks read a database nothing changes any more.
func postgresBackend(t *testing.T, dsn, schema string) backend {
	driverDSN, err := withApplicationName(dsn, schema)
	if err != nil {
		t.Fatal(err)
	}
	return backend{
		env: []string{backendVar + "=postgres", targetVar + "=" + driverDSN, schemaVar + "=" + schema},
		open: func(ctx context.Context) (store.Store, func(), error) {
			s, err := postgres.Open(ctx, dsn, postgres.WithSchema(schema))
			if err != nil {
				return nil, nil, err
			}
			return s, s.Close, nil
		},
		settle: func(ctx context.Context) error { return awaitSessionsGone(ctx, dsn, schema) },
	}
}

// withApplicationName returns dsn (a URL or key=value string) with
// application_name set to name.
func withApplicationName(dsn, name string) (string, error) {
	if !strings.Contains(dsn, "://") {
		return dsn + " application_name=" + name, nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("%s: %w", dsnVar, err)
	}
	q := u.Query()
	q.Set("application_name", name)
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// awaitSessionsGone waits until the server of dsn has no session whose
// application_name is name: every transaction of those sessions has
// committed or rolled back.
func awaitSessionsGone(ctx context.Context, dsn, name string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	for {
		var n int
		if err := conn.QueryRow(ctx, "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1", name).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%d sessions of the killed driver still open: %w", n, ctx.Err())
		case <-time.After(5 * time.Millisecond):
		}
	}
}

// TestCrashSQLite kills the driver process with SIGKILL again and again on
// one SQLite file, and checks the invariants after every kill.
func TestCrashSQLite(t *testing.T) {
	runCrashes(t, sqliteBackend(t), kills(t, 25))
}

// TestCrashPostgres does the same on a PostgreSQL schema.
func TestCrashPostgres(t *testing.T) {
	dsn := testDSN(t)
	runCrashes(t, postgresBackend(t, dsn, freshSchema(t, dsn)), kills(t, 15))
}

// Bounds of the crash loop.
const (
	// maxAcksBeforeKill bounds the acknowledged writes of one driver.
	maxAcksBeforeKill = 40
	// maxKillDelay bounds the life of a driver killed after a delay
	// rather than after a number of writes (one in five): some die
	// while they open the store or read their records.
	maxKillDelay = 300 * time.Millisecond
	// ackTimeout is how long a driver may take for one write.
	ackTimeout = time.Minute
)

// runCrashes starts a driver on b, kills it at a random point and checks
// the store, kills times; the drivers carry on with the records their
// predecessors left, so the state accumulates.
func runCrashes(t *testing.T, b backend, kills int) {
	ctx := context.Background()
	_, closeSt, err := b.open(ctx) // migrates before the first driver starts
	if err != nil {
		t.Fatal(err)
	}
	closeSt()

	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 1))
	a := newAcks()
	c := newChecker(t, a)
	start := time.Now()
	var last summary
	byDelay, inFlight := 0, 0
	for i := range kills {
		ch := startChild(t, append(b.env, seedVar+"="+strconv.FormatUint(rng.Uint64(), 10))...)
		before := a.lines
		if rng.IntN(5) == 0 {
			byDelay++
			time.Sleep(time.Duration(rng.Int64N(int64(maxKillDelay))))
		} else {
			ch.readAcks(t, a, 1+rng.IntN(maxAcksBeforeKill), ackTimeout)
			// Mostly while the next write is under way.
			time.Sleep(time.Duration(rng.Int64N(int64(2 * time.Millisecond))))
		}
		ch.stop(t, a)
		c.crashes++
		if b.settle != nil {
			if err := b.settle(ctx); err != nil {
				t.Fatalf("crash %d: %v", i+1, err)
			}
		}
		if a.inFlight {
			inFlight++
		}

		st, closeSt, err := b.open(ctx)
		if err != nil {
			t.Fatalf("crash %d: reopening the store: %v", i+1, err)
		}
		last = c.check(t, ctx, st)
		closeSt()
		t.Logf("crash %d: %d writes acknowledged by this driver, change in flight at the kill: %t; %v", i+1, a.lines-before, a.inFlight, last)
	}
	t.Logf("%d crashes by SIGKILL (%d after a delay, %d after a number of writes; %d with a change in flight), %d writes acknowledged on %d records, all present; %v; %d checkpoints verified; %v (seed %d)",
		c.crashes, byDelay, c.crashes-byDelay, inFlight, a.lines, len(a.byID), last, len(c.checkpoints), time.Since(start).Round(time.Millisecond), seed)
}
