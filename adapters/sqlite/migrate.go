package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strconv"
	"strings"
)

// SchemaVersion is the version of the database schema this package
// writes: the number of its migrations. Open migrates an older database
// up to it and refuses a newer one.
const SchemaVersion = 1

// ErrSchemaTooNew is what the error of Open wraps when the database was
// migrated by a newer version of this package than the running one, which
// cannot know what the newer schema means. Upgrade the program, or restore
// a backup taken before the newer version ran.
var ErrSchemaTooNew = errors.New("sqlite: database schema is newer than this program")

// SchemaVersionError reports a database whose schema version is newer than
// SchemaVersion. It wraps ErrSchemaTooNew.
type SchemaVersionError struct {
	// Database is the schema version recorded in the database.
	Database int
	// Supported is the newest version this package knows (SchemaVersion).
	Supported int
}

// Error describes both versions.
func (e *SchemaVersionError) Error() string {
	return fmt.Sprintf("%v: the database is at schema version %d, this program knows up to %d", ErrSchemaTooNew, e.Database, e.Supported)
}

// Unwrap returns ErrSchemaTooNew.
func (e *SchemaVersionError) Unwrap() error { return ErrSchemaTooNew }

// migrationFiles holds the migrations, one file per version, named
// NNNN_description.sql and applied in version order.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one step of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations in version order. They
// must be numbered 1, 2, … SchemaVersion without gaps.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	ms := make([]migration, 0, len(names))
	for _, n := range names { // fs.Glob returns them sorted
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("sqlite: migration %s: name does not start with a version number", base)
		}
		body, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, migration{version: v, name: base, sql: string(body)})
	}
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("sqlite: migration %s: version %d, want %d", m.name, m.version, i+1)
		}
	}
	if len(ms) != SchemaVersion {
		return nil, fmt.Errorf("sqlite: %d migrations, SchemaVersion is %d", len(ms), SchemaVersion)
	}
	return ms, nil
}

// migrate brings the schema of db up to SchemaVersion in one IMMEDIATE
// transaction, so two processes opening a new database at once migrate it
// once. Applying it again changes nothing.
func migrate(ctx context.Context, db *sql.DB) error {
	ms, err := loadMigrations()
	if err != nil {
		return err
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return dbErr(ctx, "migrate", err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
		version    INTEGER PRIMARY KEY,
		applied_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
	) STRICT`); err != nil {
		return dbErr(ctx, "migrate", err)
	}
	var have int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_version`).Scan(&have); err != nil {
		return dbErr(ctx, "migrate", err)
	}
	if have > SchemaVersion {
		return &SchemaVersionError{Database: have, Supported: SchemaVersion}
	}
	for _, m := range ms[have:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return dbErr(ctx, "migration "+m.name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_version (version) VALUES (?)`, m.version); err != nil {
			return dbErr(ctx, "migration "+m.name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return dbErr(ctx, "migrate", err)
	}
	return nil
}
