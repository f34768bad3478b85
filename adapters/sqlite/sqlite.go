package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strconv"
	"sync"
	"time"

	// The pure-Go SQLite driver, registered as "sqlite".
	_ "modernc.org/sqlite"

	"github.com/iso27035/iso27035/store"
)

// DefaultPageSize is how many elements List, AuditTrail, DeadLetters,
// ListOutbox and ListDocuments fetch with one query.
const DefaultPageSize = 100

// DefaultBusyTimeout is how long a connection waits for a lock held by
// another connection (another Store or process on the same file) before
// SQLite gives up with SQLITE_BUSY.
const DefaultBusyTimeout = 10 * time.Second

// Memory is the path that opens a private in-memory database: nothing
// survives Close. It is meant for tests and examples.
const Memory = ":memory:"

// Synchronous is a setting of SQLite's PRAGMA synchronous: how often
// SQLite waits for the disk. See the package documentation.
type Synchronous string

// The settings of PRAGMA synchronous a Store accepts.
const (
	// SynchronousFull, the default, syncs the write-ahead log on every
	// commit: a Commit that returned survives a power failure.
	SynchronousFull Synchronous = "FULL"
	// SynchronousExtra is FULL plus a sync of the directory after the log
	// is reset; stronger still on some file systems.
	SynchronousExtra Synchronous = "EXTRA"
	// SynchronousNormal syncs only at checkpoints: a commit survives a
	// crash of the process, but the last commits may be lost when the
	// operating system crashes or the power fails. Faster.
	SynchronousNormal Synchronous = "NORMAL"
)

// synchronousLevel maps the settings to what PRAGMA synchronous reports.
var synchronousLevel = map[Synchronous]int{SynchronousNormal: 1, SynchronousFull: 2, SynchronousExtra: 3}

// config collects the options of Open.
type config struct {
	pageSize    int
	busyTimeout time.Duration
	readers     int
	sync        Synchronous
}

// Option configures Open.
type Option func(*config)

// WithPageSize sets how many elements an iterator fetches with one query
// (DefaultPageSize when not given). Values below 1 are ignored. Tests use
// small pages to cross page boundaries with few elements.
func WithPageSize(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.pageSize = n
		}
	}
}

// WithBusyTimeout sets SQLite's busy_timeout (DefaultBusyTimeout when not
// given): how long a connection waits for a lock another connection holds.
// Within one Store writers queue for the one write connection and never
// meet a lock; the timeout matters when several Stores or processes share
// the file. Values below one millisecond are ignored.
func WithBusyTimeout(d time.Duration) Option {
	return func(c *config) {
		if d >= time.Millisecond {
			c.busyTimeout = d
		}
	}
}

// WithReaders sets the number of read connections (by default
// GOMAXPROCS, at least 4). Values below 1 are ignored. An in-memory
// database has one connection for everything.
func WithReaders(n int) Option {
	return func(c *config) {
		if n > 0 {
			c.readers = n
		}
	}
}

// WithSynchronous sets PRAGMA synchronous on every connection
// (SynchronousFull when not given). Open refuses a value other than the
// constants of this package.
func WithSynchronous(s Synchronous) Option {
	return func(c *config) { c.sync = s }
}

// Store is the SQLite store.Store. Create it with Open and release it with
// Close. It is safe for concurrent use.
type Store struct {
	// w is the write pool: one connection, IMMEDIATE transactions.
	w *sql.DB
	// r is the read pool; it is w for an in-memory database.
	r        *sql.DB
	pageSize int
	// wstmts and rstmts are the prepared statements of writeQueries on w
	// and of readQueries on r.
	wstmts, rstmts map[string]*sql.Stmt

	closeOnce sync.Once
	closeErr  error
}

var _ store.Store = (*Store)(nil)

// Open opens (creating it when missing) the SQLite database at path and
// brings its schema up to date, applying the migrations it lacks in one
// transaction. path is a file name, not a DSN: the options set what the
// connections do. Memory (":memory:") opens a private in-memory database.
//
// Open fails with an error wrapping ErrSchemaTooNew when the database was
// migrated by a newer version of this package; the database is left as it
// is.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if path == "" {
		return nil, errors.New("sqlite: empty path")
	}
	c := config{pageSize: DefaultPageSize, busyTimeout: DefaultBusyTimeout, readers: max(4, runtime.GOMAXPROCS(0)), sync: SynchronousFull}
	for _, o := range opts {
		o(&c)
	}
	if _, ok := synchronousLevel[c.sync]; !ok {
		return nil, fmt.Errorf("sqlite: synchronous %q: want FULL, EXTRA or NORMAL", c.sync)
	}

	s := &Store{pageSize: c.pageSize}
	if err := s.open(ctx, path, &c); err != nil {
		_ = s.Close()
		return nil, err
	}
	return s, nil
}

// open opens the connection pools, migrates the database and prepares the
// statements. The caller closes s when it fails.
func (s *Store) open(ctx context.Context, path string, c *config) error {
	w, err := sql.Open("sqlite", dsn(path, c, false))
	if err != nil {
		return fmt.Errorf("sqlite: open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	s.w, s.r = w, w
	if path == Memory {
		// Every connection to ":memory:" is a database of its own, so
		// the one connection does everything.
		w.SetConnMaxLifetime(0)
		w.SetConnMaxIdleTime(0)
	}
	// The writer switches the file to WAL and migrates it before the
	// first reader connects.
	if err := migrate(ctx, w); err != nil {
		return err
	}
	if path != Memory {
		r, err := sql.Open("sqlite", dsn(path, c, true))
		if err != nil {
			return fmt.Errorf("sqlite: open: %w", err)
		}
		r.SetMaxOpenConns(c.readers)
		r.SetMaxIdleConns(c.readers)
		s.r = r
	}
	if s.wstmts, err = prepare(ctx, s.w, writeQueries); err != nil {
		return err
	}
	if s.rstmts, err = prepare(ctx, s.r, readQueries); err != nil {
		return err
	}
	return nil
}

// dsn returns the data source name of the write or read connections of
// the database at path: a file: URI (so that a path holding '?' or '#'
// stays a path) with the driver's parameters.
func dsn(path string, c *config, reader bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", strconv.FormatInt(c.busyTimeout.Milliseconds(), 10))
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", string(c.sync))
	if path == Memory {
		q.Set("_txlock", "immediate")
		return path + "?" + q.Encode()
	}
	if reader {
		// Readers never write: a write through one would be a bug.
		q.Set("_query_only", "on")
	} else {
		q.Set("_journal_mode", "WAL")
		q.Set("_txlock", "immediate")
	}
	u := url.URL{Scheme: "file", Opaque: (&url.URL{Path: path}).EscapedPath(), RawQuery: q.Encode()}
	return u.String()
}

// Close closes the database connections. Calls after the first return
// the first's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		errs := []error{closeStmts(s.rstmts), closeStmts(s.wstmts)}
		if s.r != nil && s.r != s.w {
			errs = append(errs, s.r.Close())
		}
		if s.w != nil {
			errs = append(errs, s.w.Close())
		}
		s.closeErr = errors.Join(errs...)
	})
	return s.closeErr
}

// begin performs the checks every method starts with: a done context, an
// empty tenant.
func begin(ctx context.Context, tenant string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if tenant == "" {
		return fmt.Errorf("%w: empty tenant", store.ErrInvalid)
	}
	return nil
}

// dbErr wraps an error of the database, or returns the context's error
// when the context is done (the database reports a cancelled statement
// in its own words).
func dbErr(ctx context.Context, what string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return cerr
	}
	return fmt.Errorf("sqlite: %s: %w", what, err)
}

// write runs fn in one IMMEDIATE transaction on the write connection,
// committing when fn returns nil and rolling back otherwise.
func (s *Store) write(ctx context.Context, what string, fn func(tx *wtx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return dbErr(ctx, what, err)
	}
	if err := fn(&wtx{ctx: ctx, tx: tx, prepared: s.wstmts}); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return dbErr(ctx, what, err)
	}
	return nil
}

// Times are stored as microseconds since the Unix epoch, UTC; a zero time
// in a column that may be empty is NULL.

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(us int64) time.Time { return time.UnixMicro(us).UTC() }

// nullMicros returns nil for the zero time, else its microseconds.
func nullMicros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromNullMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicros(v.Int64)
}

// blob returns b as a query argument, nil (NULL) for a nil slice.
func blob(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// SQLite's INTEGER is a signed 64-bit number; sequence numbers (uint64)
// are stored in it bit for bit, so every value comes back unchanged, those
// from 2^63 stored as negative numbers. Only an outbox entry's Seq, which
// the store never orders or compares, can be that large: an audit Seq
// grows by one from 1.

func seqArg(u uint64) int64 {
	return int64(u) //nolint:gosec // G115: a bit-for-bit conversion, undone by seqOf
}

func seqOf(v int64) uint64 {
	return uint64(v) //nolint:gosec // G115: a bit-for-bit conversion, undoing seqArg
}
