package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/iso27035/iso27035/adapters/postgres"
	"github.com/iso27035/iso27035/store"
)

// Eight processes starting together on a new schema migrate it once: the
// advisory lock makes the others wait for the first, which applies every
// migration, and find nothing to do.
func TestMigrateConcurrently(t *testing.T) {
	dsn := testDSN(t)
	schema := freshSchema(t, dsn)
	const openers = 8
	stores := make([]*postgres.Store, openers)
	errs := make([]error, openers)
	var start, done sync.WaitGroup
	start.Add(openers)
	done.Add(openers)
	for i := range openers {
		go func() {
			defer done.Done()
			start.Done()
			start.Wait()
			stores[i], errs[i] = postgres.Open(context.Background(), dsn, postgres.WithSchema(schema))
		}()
	}
	done.Wait()
	applied := 0
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
			continue
		}
		applied += postgres.Applied(stores[i])
		defer stores[i].Close()
	}
	if applied != postgres.SchemaVersion {
		t.Errorf("the %d Opens applied %d migrations between them, want %d (each once)", openers, applied, postgres.SchemaVersion)
	}
	var rows, maxVersion int
	err := postgres.Pool(stores[0]).QueryRow(context.Background(),
		"SELECT count(*), max(version) FROM "+pgx.Identifier{schema}.Sanitize()+".schema_migrations").Scan(&rows, &maxVersion)
	if err != nil {
		t.Fatal(err)
	}
	if rows != postgres.SchemaVersion || maxVersion != postgres.SchemaVersion {
		t.Errorf("schema_migrations holds %d rows up to version %d, want %d", rows, maxVersion, postgres.SchemaVersion)
	}

	// Opening again applies nothing.
	again, err := postgres.Open(context.Background(), dsn, postgres.WithSchema(schema))
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if n := postgres.Applied(again); n != 0 {
		t.Errorf("reopening a migrated schema applied %d migrations", n)
	}
}

// A schema migrated by a newer program is refused with ErrSchemaTooNew,
// and left as it is.
func TestSchemaTooNew(t *testing.T) {
	s := openStore(t)
	ctx := context.Background()
	table := pgx.Identifier{s.Schema(), "schema_migrations"}.Sanitize()
	if _, err := postgres.Pool(s).Exec(ctx, "INSERT INTO "+table+" (version, name) VALUES ($1, 'from the future')", postgres.SchemaVersion+1); err != nil {
		t.Fatal(err)
	}
	_, err := postgres.Open(ctx, testDSN(t), postgres.WithSchema(s.Schema()))
	if !errors.Is(err, postgres.ErrSchemaTooNew) {
		t.Fatalf("Open of a schema at version %d: %v, want ErrSchemaTooNew", postgres.SchemaVersion+1, err)
	}
	var sv *postgres.SchemaVersionError
	if !errors.As(err, &sv) || sv.Database != postgres.SchemaVersion+1 || sv.Supported != postgres.SchemaVersion || sv.Schema != s.Schema() {
		t.Errorf("error %v: want a *SchemaVersionError naming the schema and versions %d and %d", err, postgres.SchemaVersion+1, postgres.SchemaVersion)
	}
	var n int
	if err := postgres.Pool(s).QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil || n != postgres.SchemaVersion+1 {
		t.Errorf("schema_migrations after the refused Open: %d rows (%v), want %d", n, err, postgres.SchemaVersion+1)
	}
}

// Open refuses a schema name PostgreSQL would cut or cannot hold, before
// it connects: this test needs no server.
func TestOpenRefusesBadSchemaName(t *testing.T) {
	for _, name := range []string{"", "a\x00b", string(make([]byte, 64))} {
		_, err := postgres.Open(context.Background(), "postgres://nobody@127.0.0.1:1/none", postgres.WithSchema(name))
		if !errors.Is(err, store.ErrInvalid) {
			t.Errorf("Open with schema %q: %v, want ErrInvalid", name, err)
		}
	}
	if _, err := postgres.New(context.Background(), nil); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("New with a nil pool: %v, want ErrInvalid", err)
	}
}
