package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// SchemaVersion is the version of the database schema this package
// writes: the number of its migrations. Open migrates an older schema up
// to it and refuses a newer one.
const SchemaVersion = 1

// ErrSchemaTooNew is what the error of Open and New wraps when the schema
// was migrated by a newer version of this package than the running one,
// which cannot know what the newer schema means. Upgrade the program, or
// restore a backup taken before the newer version ran.
var ErrSchemaTooNew = errors.New("postgres: database schema is newer than this program")

// SchemaVersionError reports a schema whose version is newer than
// SchemaVersion. It wraps ErrSchemaTooNew.
type SchemaVersionError struct {
	// Schema is the PostgreSQL schema holding the store's tables.
	Schema string
	// Database is the schema version recorded in the database.
	Database int
	// Supported is the newest version this package knows (SchemaVersion).
	Supported int
}

// Error describes both versions.
func (e *SchemaVersionError) Error() string {
	return fmt.Sprintf("%v: schema %q is at version %d, this program knows up to %d", ErrSchemaTooNew, e.Schema, e.Database, e.Supported)
}

// Unwrap returns ErrSchemaTooNew.
func (e *SchemaVersionError) Unwrap() error { return ErrSchemaTooNew }

// migrationFiles holds the migrations, one file per version, named
// NNNN_description.sql and applied in version order. {schema} in them
// stands for the quoted schema name.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one step of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads the embedded migrations and checks that they number
// 1 to SchemaVersion without gaps.
func loadMigrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, rest, ok := strings.Cut(strings.TrimSuffix(name, ".sql"), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != len(ms)+1 {
			return nil, fmt.Errorf("postgres: migration %s is not number %d", name, len(ms)+1)
		}
		body, err := migrationFiles.ReadFile(path.Join("migrations", name))
		if err != nil {
			return nil, fmt.Errorf("postgres: migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: rest, sql: string(body)})
	}
	if len(ms) != SchemaVersion {
		return nil, fmt.Errorf("postgres: %d migrations, SchemaVersion is %d", len(ms), SchemaVersion)
	}
	return ms, nil
}

// lockKey is the key of the advisory lock that serialises the migrations of
// one schema: processes opening different schemas do not wait for each
// other.
func lockKey(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("github.com/iso27035/iso27035/adapters/postgres migrate\x00" + schema))
	return int64(h.Sum64() >> 1) // the top bit cleared: within int64
}

// migrate brings the schema up to SchemaVersion in one transaction, under a
// transaction-scoped advisory lock, so that processes starting together
// migrate once: the first applies the migrations, the others wait for its
// commit and find nothing to do. It returns how many migrations it
// applied. quoted is the schema name quoted as an identifier.
func migrate(ctx context.Context, pool *pgxpool.Pool, schema, quoted string) (applied int, err error) {
	ms, err := loadMigrations()
	if err != nil {
		return 0, err
	}
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{})
	if err != nil {
		return 0, fmt.Errorf("postgres: migrate: %w", err)
	}
	defer func() {
		if err != nil {
			// The transaction is rolled back when the connection goes back
			// to the pool if this fails; its error adds nothing.
			_ = tx.Rollback(context.WithoutCancel(ctx))
		}
	}()
	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", lockKey(schema)); err != nil {
		return 0, fmt.Errorf("postgres: migrate: advisory lock: %w", err)
	}
	// Create the schema only when it is missing: a role may be given a
	// schema a DBA made without having CREATE on the database.
	var exists bool
	if err := tx.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists); err != nil {
		return 0, fmt.Errorf("postgres: migrate: %w", err)
	}
	if !exists {
		if _, err := tx.Exec(ctx, "CREATE SCHEMA "+quoted); err != nil {
			return 0, fmt.Errorf("postgres: migrate: creating schema %s: %w", quoted, err)
		}
	}
	if _, err := tx.Exec(ctx, "CREATE TABLE IF NOT EXISTS "+quoted+`.schema_migrations (
		version    integer PRIMARY KEY,
		name       text NOT NULL,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return 0, fmt.Errorf("postgres: migrate: %w", err)
	}
	var current int
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM "+quoted+".schema_migrations").Scan(&current); err != nil {
		return 0, fmt.Errorf("postgres: migrate: reading the schema version: %w", err)
	}
	if current > SchemaVersion {
		return 0, &SchemaVersionError{Schema: schema, Database: current, Supported: SchemaVersion}
	}
	for _, m := range ms[current:] {
		if _, err := tx.Exec(ctx, strings.ReplaceAll(m.sql, "{schema}", quoted)); err != nil {
			return 0, fmt.Errorf("postgres: migration %d (%s): %w", m.version, m.name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO "+quoted+".schema_migrations (version, name) VALUES ($1, $2)", m.version, m.name); err != nil {
			return 0, fmt.Errorf("postgres: migration %d (%s): %w", m.version, m.name, err)
		}
		applied++
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("postgres: migrate: commit: %w", err)
	}
	return applied, nil
}
