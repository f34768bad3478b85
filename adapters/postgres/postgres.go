package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/iso27035/iso27035/store"
)

// DefaultSchema is the schema a Store keeps its tables in when WithSchema
// is not given.
const DefaultSchema = "iso27035"

// DefaultPageSize is how many elements List, AuditTrail, DeadLetters,
// ListOutbox and ListDocuments fetch with one query.
const DefaultPageSize = 100

// maxIdentifier is the longest name PostgreSQL keeps (NAMEDATALEN - 1);
// a longer one would be cut silently, and two schemas could become one.
const maxIdentifier = 63

// config collects the options of Open and New.
type config struct {
	schema   string
	pageSize int
}

// Option configures Open and New.
type Option func(*config)

// WithSchema sets the schema that holds the store's tables (DefaultSchema
// when not given). Open creates it when it does not exist (the role needs
// the CREATE privilege on the database then) and migrates it. Stores in
// different schemas of one database share nothing, which is how tests
// isolate themselves and how a host keeps two stores apart. The name is
// quoted, so it is case-sensitive; it must be valid UTF-8 of at most 63
// bytes.
func WithSchema(name string) Option {
	return func(c *config) { c.schema = name }
}

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

// Store is the PostgreSQL store.Store. Create it with Open or New and
// release it with Close. It is safe for concurrent use, and any number of
// Stores, in one process or many, may share one schema: every write is one
// transaction and outbox claims are leases (see the package
// documentation).
type Store struct {
	pool     *pgxpool.Pool
	owned    bool // Close closes the pool: Open made it
	schema   string
	pageSize int
	q        *queries
	// applied counts the migrations this Store applied when it opened.
	applied int
}

var _ store.Store = (*Store)(nil)

// Open connects to the database named by dsn (a URL or key=value string, as
// pgxpool.ParseConfig accepts, pool settings such as pool_max_conns
// included), migrates the schema and returns the Store. Close releases the
// pool.
//
// Errors: an unusable dsn or option (wrapping store.ErrInvalid for an
// option); a failure to connect or migrate; a *SchemaVersionError, which
// wraps ErrSchemaTooNew, when the schema was migrated by a newer version
// of this package.
func Open(ctx context.Context, dsn string, opts ...Option) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	s, err := New(ctx, pool, opts...)
	if err != nil {
		pool.Close()
		return nil, err
	}
	s.owned = true
	return s, nil
}

// New returns a Store on a pool the caller made and keeps: Close does not
// close it. It migrates the schema first, with the same errors as Open.
// The pool's connections must not be in pgbouncer's transaction mode
// unless the pool's QueryExecMode avoids prepared statements.
func New(ctx context.Context, pool *pgxpool.Pool, opts ...Option) (*Store, error) {
	if pool == nil {
		return nil, fmt.Errorf("postgres: %w: nil pool", store.ErrInvalid)
	}
	c := config{schema: DefaultSchema, pageSize: DefaultPageSize}
	for _, o := range opts {
		if o != nil {
			o(&c)
		}
	}
	if c.schema == "" || len(c.schema) > maxIdentifier || !storable(c.schema) {
		return nil, fmt.Errorf("postgres: %w: schema name %q (want 1 to %d bytes of UTF-8 without NUL)", store.ErrInvalid, c.schema, maxIdentifier)
	}
	s := &Store{
		pool:     pool,
		schema:   c.schema,
		pageSize: c.pageSize,
		q:        newQueries(pgx.Identifier{c.schema}.Sanitize()),
	}
	n, err := migrate(ctx, pool, c.schema, s.q.schema)
	if err != nil {
		return nil, err
	}
	s.applied = n
	return s, nil
}

// Close releases the connection pool when Open made it; a Store made by New
// leaves the caller's pool open. The Store must not be used afterwards.
func (s *Store) Close() {
	if s.owned {
		s.pool.Close()
	}
}

// Schema returns the name of the schema holding the store's tables.
func (s *Store) Schema() string { return s.schema }

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

// storable reports whether PostgreSQL's text type can hold s: valid UTF-8
// without NUL. A string that is not can never have been stored, so a read
// looking for one finds nothing, and a write holding one is refused with
// store.ErrInvalid.
func storable(s string) bool {
	return utf8.ValidString(s) && strings.IndexByte(s, 0) < 0
}

// sanitize returns s made storable: invalid bytes and NUL become U+FFFD.
// It is used only for a Nack's Reason, which the relay takes from an error
// message and which must not make the failure unrecordable.
func sanitize(s string) string {
	if storable(s) {
		return s
	}
	return strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "\uFFFD")
}

// The range of timestamptz (4713 BC to 294276 AD), narrowed to whole years.
var (
	minTime = time.Date(-4711, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(294275, 1, 1, 0, 0, 0, 0, time.UTC)
)

// checkTime refuses a time PostgreSQL cannot store.
func checkTime(what string, t time.Time) error {
	if t.Before(minTime) || t.After(maxTime) {
		return fmt.Errorf("%w: %s %s is outside the range of PostgreSQL timestamps", store.ErrInvalid, what, t)
	}
	return nil
}

// nullTime is the parameter for a nullable time column: NULL for a zero
// time.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// utc returns a time read from the database in UTC; the zero time stays
// zero.
func utc(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return t.UTC()
}

// utcPtr returns a nullable time read from the database: zero for NULL.
func utcPtr(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return utc(*t)
}
