package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/iso27035/iso27035/store"
)

// Commit implements store.Records. It returns the context's error when it
// is done, then the error of w.CheckFor(tenant) unchanged. It encodes the
// Write before it touches the database, then applies it in one IMMEDIATE
// transaction, in the order of the Write's fields, each step checking its
// precondition in the statement that changes the row (INSERT … ON CONFLICT
// DO NOTHING, UPDATE … WHERE version = ?) and reading the row only to tell
// a missing one from a stale one. The first failing step rolls the
// transaction back, so a failing Commit changes nothing, in the database
// or in w. On success it sets the new versions on the records, timers and
// documents of w, and nothing else.
func (s *Store) Commit(ctx context.Context, tenant string, w *store.Write) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := w.CheckFor(tenant); err != nil {
		return err
	}
	creates := make([]*columns, len(w.Create))
	for i, r := range w.Create {
		c, err := encodeRecord(r, 1)
		if err != nil {
			return err
		}
		creates[i] = c
	}
	updates := make([]*columns, len(w.Update))
	for i, r := range w.Update {
		c, err := encodeRecord(r, r.Head().Version+1)
		if err != nil {
			return err
		}
		updates[i] = c
	}
	indexes := make([][]byte, len(w.Documents))
	for i, d := range w.Documents {
		if d.Index == nil {
			continue
		}
		b, err := json.Marshal(d.Index)
		if err != nil {
			return fmt.Errorf("%w: document %s/%s index: %w", store.ErrInvalid, d.Collection, d.ID, err)
		}
		indexes[i] = b
	}

	err := s.write(ctx, "commit", func(tx *wtx) error {
		for _, c := range creates {
			if err := createRecord(tx, tenant, c); err != nil {
				return err
			}
		}
		for _, c := range updates {
			if err := updateRecord(tx, tenant, c); err != nil {
				return err
			}
		}
		if err := appendAudit(tx, tenant, w.Audit); err != nil {
			return err
		}
		for i := range w.Outbox {
			if err := addOutbox(tx, tenant, &w.Outbox[i]); err != nil {
				return err
			}
		}
		for i := range w.Timers {
			if err := putTimer(tx, tenant, &w.Timers[i]); err != nil {
				return err
			}
		}
		for i := range w.Documents {
			if err := putDocument(tx, tenant, &w.Documents[i], indexes[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}

	// Success: hand the new versions back.
	for _, r := range w.Create {
		r.Head().Version = 1
	}
	for _, r := range w.Update {
		r.Head().Version++
	}
	for i := range w.Timers {
		w.Timers[i].Version++
	}
	for i := range w.Documents {
		w.Documents[i].Version++
	}
	return nil
}

// missingOrStale tells why an UPDATE … WHERE version = ? changed no row:
// versionQuery finds no row (ErrNotFound, with notFound) or a row of
// another version (ErrConflict, with conflict and the stored version).
func missingOrStale(tx *wtx, versionQuery string, args []any, notFound func() error, conflict func(stored int64) error) error {
	var stored int64
	err := tx.queryRow(versionQuery, args...).Scan(&stored)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return notFound()
	case err != nil:
		return dbErr(tx.ctx, "commit", err)
	}
	return conflict(stored)
}

func createRecord(tx *wtx, tenant string, c *columns) error {
	n, err := tx.exec("commit", qInsertRecord,
		tenant, string(c.kind), c.id[:], c.version, c.phase, c.state, c.outcome, c.severity,
		c.catTaxonomy, c.catClass, c.catType, c.createdAt, c.createdNs, c.restricted, c.body)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: %s %s", store.ErrExists, c.kind, c.id)
	}
	return insertLabels(tx, tenant, c)
}

func updateRecord(tx *wtx, tenant string, c *columns) error {
	n, err := tx.exec("commit", qUpdateRecord,
		c.version, c.phase, c.state, c.outcome, c.severity, c.catTaxonomy, c.catClass, c.catType,
		c.createdAt, c.createdNs, c.restricted, c.body,
		tenant, string(c.kind), c.id[:], c.readVersion)
	if err != nil {
		return err
	}
	if n == 0 {
		return missingOrStale(tx, qRecordVersion, []any{tenant, string(c.kind), c.id[:]},
			func() error { return fmt.Errorf("%w: %s %s", store.ErrNotFound, c.kind, c.id) },
			func(stored int64) error {
				return fmt.Errorf("%w: %s %s at version %d, stored %d", store.ErrConflict, c.kind, c.id, c.readVersion, stored)
			})
	}
	if _, err := tx.exec("commit", qDeleteLabels, tenant, string(c.kind), c.id[:]); err != nil {
		return err
	}
	return insertLabels(tx, tenant, c)
}

// insertLabels stores the labels of a record; a label listed twice is
// stored once, which filters the same.
func insertLabels(tx *wtx, tenant string, c *columns) error {
	for _, l := range c.labels {
		if _, err := tx.exec("commit", qInsertLabel, tenant, string(c.kind), c.id[:], l); err != nil {
			return err
		}
	}
	return nil
}

// appendAudit checks that the first audit record of each record continues
// its stored trail (Write.Check made the rest consecutive) and stores them
// all.
func appendAudit(tx *wtx, tenant string, audit []store.AuditRecord) error {
	checked := make(map[uuid.UUID]struct{})
	for _, a := range audit {
		if _, ok := checked[a.RecordID]; !ok {
			checked[a.RecordID] = struct{}{}
			var last int64
			if err := tx.queryRow(qLastSeq, tenant, a.RecordID[:]).Scan(&last); err != nil {
				return dbErr(tx.ctx, "commit", err)
			}
			if a.Seq != seqOf(last)+1 {
				return fmt.Errorf("%w: audit record %d of %s, stored last %d", store.ErrConflict, a.Seq, a.RecordID, last)
			}
		}
		if _, err := tx.exec("commit", qInsertAudit,
			tenant, a.RecordID[:], seqArg(a.Seq), micros(a.At), string(a.Actor), a.Action,
			blob(a.Data), blob(a.PrevHash), blob(a.Hash)); err != nil {
			return err
		}
	}
	return nil
}

// addOutbox stores an entry with the fields the store manages reset:
// Attempts 0, no lease, no error, not dead, NextAttemptAt = CreatedAt
// unless the writer set it.
func addOutbox(tx *wtx, tenant string, e *store.OutboxEntry) error {
	next := e.NextAttemptAt
	if next.IsZero() {
		next = e.CreatedAt
	}
	n, err := tx.exec("commit", qInsertOutbox,
		tenant, e.ID[:], e.Type, e.RecordID[:], seqArg(e.Seq), e.IdempotencyKey, blob(e.Payload),
		micros(e.CreatedAt), int64(e.MaxAttempts), micros(next))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("%w: outbox entry %s", store.ErrExists, e.ID)
	}
	return nil
}

// putTimer creates a timer (Version 0) or changes it at the Version read.
func putTimer(tx *wtx, tenant string, t *store.Timer) error {
	if t.Version == 0 {
		n, err := tx.exec("commit", qInsertTimer,
			tenant, t.Key, t.RecordID[:], t.Kind, micros(t.DueAt), nullMicros(t.FiredAt), blob(t.Payload))
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w: timer %q", store.ErrExists, t.Key)
		}
		return nil
	}
	n, err := tx.exec("commit", qUpdateTimer,
		t.RecordID[:], t.Kind, micros(t.DueAt), nullMicros(t.FiredAt), blob(t.Payload), tenant, t.Key, t.Version)
	if err != nil {
		return err
	}
	if n == 0 {
		return missingOrStale(tx, qTimerVersion, []any{tenant, t.Key},
			func() error { return fmt.Errorf("%w: timer %q", store.ErrNotFound, t.Key) },
			func(stored int64) error {
				return fmt.Errorf("%w: timer %q at version %d, stored %d", store.ErrConflict, t.Key, t.Version, stored)
			})
	}
	return nil
}

// putDocument creates a document (Version 0) or updates it at the Version
// read, and replaces its index rows.
func putDocument(tx *wtx, tenant string, d *store.Document, index []byte) error {
	var idx any
	if index != nil {
		idx = string(index)
	}
	if d.Version == 0 {
		n, err := tx.exec("commit", qInsertDocument, tenant, d.Collection, d.ID, idx, []byte(d.Body), micros(d.UpdatedAt))
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("%w: document %s/%s", store.ErrExists, d.Collection, d.ID)
		}
	} else {
		n, err := tx.exec("commit", qUpdateDocument, idx, []byte(d.Body), micros(d.UpdatedAt), tenant, d.Collection, d.ID, d.Version)
		if err != nil {
			return err
		}
		if n == 0 {
			return missingOrStale(tx, qDocumentVersion, []any{tenant, d.Collection, d.ID},
				func() error { return fmt.Errorf("%w: document %s/%s", store.ErrNotFound, d.Collection, d.ID) },
				func(stored int64) error {
					return fmt.Errorf("%w: document %s/%s at version %d, stored %d", store.ErrConflict, d.Collection, d.ID, d.Version, stored)
				})
		}
		if _, err := tx.exec("commit", qDeleteDocIndex, tenant, d.Collection, d.ID); err != nil {
			return err
		}
	}
	for k, v := range d.Index {
		if _, err := tx.exec("commit", qInsertDocIndex, tenant, d.Collection, d.ID, k, v); err != nil {
			return err
		}
	}
	return nil
}
