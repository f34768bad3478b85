package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/iso27035/iso27035/store"
)

// SQLSTATEs: the store's own, raised by the functions fail and
// fail_version of the schema, and those of PostgreSQL the store maps.
const (
	codeNotFound = "IS404"
	codeConflict = "IS409"

	codeUniqueViolation      = "23505"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
	codeBadEncoding          = "22021" // character_not_in_repertoire
	codeUntranslatable       = "22P05" // \u0000 in jsonb
	codeDatetimeOverflow     = "22008"
)

// existsOn names what a unique violation on a primary key means: the key
// of a record, outbox entry, timer or document exists in the tenant.
var existsOn = map[string]string{
	"records_pkey":   "record",
	"outbox_pkey":    "outbox entry",
	"timers_pkey":    "timer",
	"documents_pkey": "document",
}

// mapErr turns an error of pgx into the store's: the context's error when
// the context is done, the sentinels of package store for the cases the
// contract names, and otherwise the error wrapped. The PostgreSQL error
// stays in the chain (errors.As finds the *pgconn.PgError).
func mapErr(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if cerr := ctx.Err(); cerr != nil {
		if errors.Is(err, cerr) {
			return err
		}
		return fmt.Errorf("postgres: %w (%w)", cerr, err)
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return fmt.Errorf("postgres: %w", err)
	}
	switch pe.Code {
	case codeNotFound:
		return fmt.Errorf("%w: %s", store.ErrNotFound, pe.Message)
	case codeConflict:
		return fmt.Errorf("%w: %s", store.ErrConflict, pe.Message)
	case codeUniqueViolation:
		if what, ok := existsOn[pe.ConstraintName]; ok {
			return fmt.Errorf("%w: %s: %s", store.ErrExists, what, pe.Detail)
		}
		if pe.ConstraintName == "audit_pkey" {
			// Another Commit appended that Seq first, or it was stored
			// long ago: either way it is not the next one.
			return fmt.Errorf("%w: audit record is not the next of its record: %s", store.ErrConflict, pe.Detail)
		}
	case codeSerializationFailure, codeDeadlockDetected:
		// A concurrent writer won; nothing was stored, and reading again
		// and retrying is the cure, as for a stale version.
		return fmt.Errorf("%w: postgres: %w", store.ErrConflict, err)
	case codeBadEncoding, codeUntranslatable, codeDatetimeOverflow:
		return fmt.Errorf("%w: postgres cannot store a value: %w", store.ErrInvalid, err)
	}
	return fmt.Errorf("postgres: %w", err)
}
