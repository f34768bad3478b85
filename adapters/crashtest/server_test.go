package crashtest_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// TestServerCrashPostgres stops the PostgreSQL server with "pg_ctl stop -m
// immediate" (a crash: no checkpoint, recovery from the WAL at the next
// start) while a driver writes, restarts it, lets the driver carry on
// through the outage, then kills the driver and checks the invariants;
// three times on one database. It runs on a throwaway cluster it creates
// in a temporary directory, on a free port: the shared server serves other
// test packages in parallel. It needs root (the cluster runs as user
// postgres, through runuser) and the server binaries.
func TestServerCrashPostgres(t *testing.T) {
	if os.Getenv(dsnVar) == "" {
		unavailable(t, dsnVar+" is not set (this test makes its own server, but runs with the other PostgreSQL tests)")
	}
	cl := newCluster(t)
	ctx := context.Background()
	dsn := cl.createDatabase(t, "crashtest")
	const schema = "crashtest"
	b := postgresBackend(t, dsn, schema)
	_, closeSt, err := b.open(ctx)
	if err != nil {
		t.Fatal(err)
	}
	closeSt()

	crashes := 3
	if testing.Short() {
		crashes = 1
	}
	seed := rand.Uint64()
	rng := rand.New(rand.NewPCG(seed, 2))
	a := newAcks()
	c := newChecker(t, a)
	start := time.Now()
	var last summary
	inFlight := 0
	for i := range crashes {
		ch := startChild(t, append(b.env, tolerateVar+"=1", seedVar+"="+strconv.FormatUint(rng.Uint64(), 10))...)
		ch.readAcks(t, a, 5+rng.IntN(maxAcksBeforeKill), ackTimeout)
		time.Sleep(time.Duration(rng.Int64N(int64(2 * time.Millisecond))))
		cl.ctl(t, "stop", "-m", "immediate")
		c.crashes++
		atStop := a.lines
		// The driver fails and retries while the server is down.
		time.Sleep(time.Duration(rng.Int64N(int64(500 * time.Millisecond))))
		cl.ctl(t, "start")
		recovered := cl.recoveries(t)
		if recovered != i+1 {
			t.Fatalf("server crash %d: the server log shows %d crash recoveries, want %d", i+1, recovered, i+1)
		}
		// The driver reconnects and writes again.
		ch.readAcks(t, a, 10, ackTimeout)
		ch.stop(t, a)
		c.crashes++
		if a.inFlight {
			inFlight++
		}
		failed, first := 0, ""
		for l := range strings.Lines(ch.stderr.String()) {
			if strings.HasPrefix(l, "driver: ") {
				if failed++; failed == 1 {
					first = strings.TrimSpace(l)
				}
			}
		}
		if failed == 0 {
			t.Fatalf("server crash %d: the driver saw no failure: the server was not stopped under load", i+1)
		}
		if err := b.settle(ctx); err != nil {
			t.Fatal(err)
		}
		st, closeSt, err := b.open(ctx)
		if err != nil {
			t.Fatalf("server crash %d: reopening the store: %v", i+1, err)
		}
		last = c.check(t, ctx, st)
		closeSt()
		t.Logf("server crash %d (pg_ctl stop -m immediate, then recovery) after %d writes acknowledged; the driver retried %d failed calls (the first: %s) and carried on; %v",
			i+1, atStop, failed, first, last)
	}
	t.Logf("%d server crashes, each followed by a SIGKILL of the driver (%d with a change in flight), %d writes acknowledged on %d records, all present; %v; %d checkpoints verified; %v (seed %d)",
		crashes, inFlight, a.lines, len(a.byID), last, len(c.checkpoints), time.Since(start).Round(time.Millisecond), seed)
}

// cluster is a throwaway PostgreSQL cluster run by user postgres.
type cluster struct {
	bin, runuser string // the server's bin directory; runuser
	dir, data    string // the temporary directory; the data directory in it
	port         int
}

// newCluster creates and starts a cluster, stopped and removed when the
// test ends. It skips the test (fails it under CI=true) when it cannot run
// one: not root, no runuser, no user postgres, no server binaries.
func newCluster(t *testing.T) *cluster {
	t.Helper()
	need := func(what string) {
		t.Helper()
		if ci() {
			t.Fatalf("%s; CI=true requires the PostgreSQL server crash test to run", what)
		}
		t.Skipf("%s: skipping the PostgreSQL server crash test", what)
	}
	if os.Geteuid() != 0 {
		need("not root (the test runs a throwaway cluster as user postgres)")
	}
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		need("runuser not found")
	}
	pg, err := user.Lookup("postgres")
	if err != nil {
		need("no user postgres")
	}
	bin := serverBin()
	if bin == "" {
		need("no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or on PATH")
	}
	uid, _ := strconv.Atoi(pg.Uid)
	gid, _ := strconv.Atoi(pg.Gid)

	dir, err := os.MkdirTemp("", "iso27035-crashtest-pg-")
	if err != nil {
		t.Fatal(err)
	}
	cl := &cluster{bin: bin, runuser: runuser, dir: dir, data: filepath.Join(dir, "data"), port: freePort(t)}
	t.Cleanup(func() {
		if _, err := os.Stat(filepath.Join(cl.data, "postmaster.pid")); err == nil {
			_ = cl.run("pg_ctl", "-D", cl.data, "-m", "immediate", "-w", "stop")
		}
		if err := os.RemoveAll(dir); err != nil {
			t.Errorf("removing the cluster: %v", err)
		}
	})
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	// --no-sync: initdb's files need not reach the disk, since the tests
	// crash the server, not the machine; the server itself runs with
	// fsync on.
	if err := cl.run("initdb", "-D", cl.data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		t.Fatalf("initdb: %v", err)
	}
	cl.ctl(t, "start")
	return cl
}

// serverBin returns the bin directory of the newest PostgreSQL server
// installed (Debian's /usr/lib/postgresql/<version>/bin), or the directory
// of initdb on PATH, or "".
func serverBin() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	version := func(d string) int {
		v, _ := strconv.Atoi(filepath.Base(filepath.Dir(d)))
		return v
	}
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "pg_ctl")); err == nil {
			if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
				return d
			}
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

// freePort returns a TCP port of 127.0.0.1 nobody listens on.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	addr, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("listener address %v", l.Addr())
	}
	return addr.Port
}

// run runs one of the server's programs as user postgres.
func (cl *cluster) run(prog string, args ...string) error {
	cmd := exec.Command(cl.runuser, append([]string{"-u", "postgres", "--", filepath.Join(cl.bin, prog)}, args...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	cmd.Dir = cl.dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s %s: %w\n%s", prog, strings.Join(args, " "), err, out)
	}
	return nil
}

// ctl runs pg_ctl start or stop (with extra arguments), waiting for it.
func (cl *cluster) ctl(t *testing.T, action string, args ...string) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c fsync=on -c synchronous_commit=on -c full_page_writes=on",
		cl.port, cl.dir)
	all := append([]string{"-D", cl.data, "-w", "-t", "120", "-l", filepath.Join(cl.dir, "server.log"), "-o", opts}, args...)
	if err := cl.run("pg_ctl", append(all, action)...); err != nil {
		t.Fatalf("pg_ctl %s: %v\nserver log:\n%s", action, err, tail(cl.log()))
	}
}

// log returns the server's log.
func (cl *cluster) log() string {
	b, _ := os.ReadFile(filepath.Join(cl.dir, "server.log"))
	return string(b)
}

// recoveries counts the crash recoveries in the server's log.
func (cl *cluster) recoveries(t *testing.T) int {
	t.Helper()
	return strings.Count(cl.log(), "automatic recovery in progress")
}

// createDatabase creates a database on the cluster and returns its DSN.
func (cl *cluster) createDatabase(t *testing.T, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	base := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/", cl.port)
	conn, err := pgx.Connect(ctx, base+"postgres?sslmode=disable")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatal(err)
	}
	return base + name + "?sslmode=disable"
}
