package sqlite

import (
	"context"
	"database/sql"
	"errors"

	"github.com/iso27035/iso27035/store"
)

// The statements with a fixed text, prepared once when the store opens
// (see prepare). Queries built per call (List, Count, ListDocuments) are
// prepared by each call.
const (
	qInsertRecord = `INSERT INTO records
		(tenant, kind, id, version, phase, state, outcome, severity, cat_taxonomy, cat_class, cat_type, created_at, created_ns, restricted, body)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT DO NOTHING`
	qUpdateRecord = `UPDATE records SET
		version = ?, phase = ?, state = ?, outcome = ?, severity = ?, cat_taxonomy = ?, cat_class = ?, cat_type = ?,
		created_at = ?, created_ns = ?, restricted = ?, body = ?
		WHERE tenant = ? AND kind = ? AND id = ? AND version = ?`
	qRecordVersion = `SELECT version FROM records WHERE tenant = ? AND kind = ? AND id = ?`
	qDeleteLabels  = `DELETE FROM record_labels WHERE tenant = ? AND kind = ? AND id = ?`
	qInsertLabel   = `INSERT OR IGNORE INTO record_labels (tenant, kind, id, label) VALUES (?, ?, ?, ?)`
	qLastSeq       = `SELECT COALESCE(MAX(seq), 0) FROM audit WHERE tenant = ? AND record_id = ?`
	qInsertAudit   = `INSERT INTO audit (tenant, record_id, seq, at, actor, action, data, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qInsertOutbox = `INSERT INTO outbox
		(tenant, id, type, record_id, seq, idempotency_key, payload, created_at, max_attempts, attempts, next_attempt_at, lease, lease_until, last_error, dead_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, NULL, NULL, '', NULL)
		ON CONFLICT DO NOTHING`
	qInsertTimer = `INSERT INTO timers (tenant, key, record_id, kind, due_at, version, fired_at, payload)
		VALUES (?, ?, ?, ?, ?, 1, ?, ?) ON CONFLICT DO NOTHING`
	qUpdateTimer = `UPDATE timers SET record_id = ?, kind = ?, due_at = ?, version = version + 1, fired_at = ?, payload = ?
		WHERE tenant = ? AND key = ? AND version = ?`
	qTimerVersion   = `SELECT version FROM timers WHERE tenant = ? AND key = ?`
	qInsertDocument = `INSERT INTO documents (tenant, collection, id, version, idx, body, updated_at)
		VALUES (?, ?, ?, 1, ?, ?, ?) ON CONFLICT DO NOTHING`
	qUpdateDocument = `UPDATE documents SET version = version + 1, idx = ?, body = ?, updated_at = ?
		WHERE tenant = ? AND collection = ? AND id = ? AND version = ?`
	qDocumentVersion = `SELECT version FROM documents WHERE tenant = ? AND collection = ? AND id = ?`
	qDeleteDocIndex  = `DELETE FROM document_index WHERE tenant = ? AND collection = ? AND id = ?`
	qInsertDocIndex  = `INSERT INTO document_index (tenant, collection, id, key, value) VALUES (?, ?, ?, ?, ?)`

	qClaimFirst = `SELECT ` + outboxColumns + ` FROM outbox
		WHERE tenant = ? AND dead_at IS NULL AND created_at <= ? AND next_attempt_at <= ?
		AND (lease IS NULL OR lease_until <= ?)
		ORDER BY created_at, id LIMIT ?`
	qClaimNext = `SELECT ` + outboxColumns + ` FROM outbox
		WHERE tenant = ? AND dead_at IS NULL AND created_at <= ? AND next_attempt_at <= ?
		AND (lease IS NULL OR lease_until <= ?) AND (created_at, id) > (?, ?)
		ORDER BY created_at, id LIMIT ?`
	qLease      = `UPDATE outbox SET attempts = ?, lease = ?, lease_until = ? WHERE tenant = ? AND id = ?`
	qPoison     = `UPDATE outbox SET dead_at = ?, lease = NULL, lease_until = NULL, last_error = ? WHERE tenant = ? AND id = ?`
	qOutboxHeld = `SELECT attempts, max_attempts, lease FROM outbox WHERE tenant = ? AND id = ?`
	qAck        = `DELETE FROM outbox WHERE tenant = ? AND id = ? AND lease = ?`
	qNack       = `UPDATE outbox SET lease = NULL, lease_until = NULL, last_error = ?, next_attempt_at = ?, attempts = ?, dead_at = ?
		WHERE tenant = ? AND id = ?`
	qRequeue = `UPDATE outbox SET dead_at = NULL, attempts = 0, next_attempt_at = ?, lease = NULL, lease_until = NULL
		WHERE tenant = ? AND id = ? AND dead_at IS NOT NULL`

	qGetRecord = `SELECT version, body FROM records WHERE tenant = ? AND kind = ? AND id = ?`
	qAuditPage = `SELECT seq, at, actor, action, data, prev_hash, hash FROM audit
		WHERE tenant = ? AND record_id = ? AND seq > ? ORDER BY seq LIMIT ?`
	qDeadFirst = `SELECT ` + outboxColumns + ` FROM outbox
		WHERE tenant = ? AND dead_at IS NOT NULL ORDER BY created_at, id LIMIT ?`
	qDeadNext = `SELECT ` + outboxColumns + ` FROM outbox
		WHERE tenant = ? AND dead_at IS NOT NULL AND (created_at, id) > (?, ?) ORDER BY created_at, id LIMIT ?`
	qOutboxStats = `SELECT
		COUNT(*) FILTER (WHERE dead_at IS NULL),
		COUNT(*) FILTER (WHERE dead_at IS NULL AND lease IS NOT NULL AND lease_until > ?),
		COUNT(*) FILTER (WHERE dead_at IS NOT NULL),
		MIN(created_at) FILTER (WHERE dead_at IS NULL)
		FROM outbox WHERE tenant = ?`
	qDueTimers = `SELECT ` + timerColumns + ` FROM timers
		WHERE tenant = ? AND fired_at IS NULL AND due_at <= ? ORDER BY due_at, key LIMIT ?`
	qGetTimer    = `SELECT ` + timerColumns + ` FROM timers WHERE tenant = ? AND key = ?`
	qGetDocument = `SELECT id, version, idx, body, updated_at FROM documents WHERE tenant = ? AND collection = ? AND id = ?`
)

// writeQueries run on the write connection, in transactions.
var writeQueries = []string{
	qInsertRecord, qUpdateRecord, qRecordVersion, qDeleteLabels, qInsertLabel, qLastSeq, qInsertAudit,
	qInsertOutbox, qInsertTimer, qUpdateTimer, qTimerVersion,
	qInsertDocument, qUpdateDocument, qDocumentVersion, qDeleteDocIndex, qInsertDocIndex,
	qClaimFirst, qClaimNext, qLease, qPoison, qOutboxHeld, qAck, qNack, qRequeue,
}

// readQueries run on the read pool.
var readQueries = append([]string{
	qGetRecord, qAuditPage, qDeadFirst, qDeadNext, qOutboxStats, qDueTimers, qGetTimer, qGetDocument,
}, listOutboxQueries()...)

// outboxStates are the conditions of each store.OutboxState, after the
// tenant's; the ? of leased and waiting is the query's now.
var outboxStates = map[store.OutboxState]string{
	store.OutboxAny:     ``,
	store.OutboxPending: ` AND dead_at IS NULL`,
	store.OutboxLeased:  ` AND dead_at IS NULL AND lease IS NOT NULL AND lease_until > ?`,
	store.OutboxWaiting: ` AND dead_at IS NULL AND (lease IS NULL OR lease_until <= ?)`,
	store.OutboxDead:    ` AND dead_at IS NOT NULL`,
}

// qListOutbox is ListOutbox's query for a state, from the start or (next)
// after a cursor. Its arguments: the tenant, now when the state has a ?,
// the cursor's created_at and id when next, and the limit.
func qListOutbox(state store.OutboxState, next bool) string {
	q := `SELECT ` + outboxColumns + ` FROM outbox WHERE tenant = ?` + outboxStates[state]
	if next {
		q += ` AND (created_at, id) > (?, ?)`
	}
	return q + ` ORDER BY created_at, id LIMIT ?`
}

// listOutboxQueries returns every query qListOutbox makes, to prepare.
func listOutboxQueries() []string {
	var qs []string
	for _, st := range []store.OutboxState{store.OutboxAny, store.OutboxPending, store.OutboxLeased, store.OutboxWaiting, store.OutboxDead} {
		qs = append(qs, qListOutbox(st, false), qListOutbox(st, true))
	}
	return qs
}

// prepare prepares the queries on db. database/sql prepares each again on
// every other connection of the pool that runs it, once.
func prepare(ctx context.Context, db *sql.DB, queries []string) (map[string]*sql.Stmt, error) {
	m := make(map[string]*sql.Stmt, len(queries))
	for _, q := range queries {
		st, err := db.PrepareContext(ctx, q)
		if err != nil {
			_ = closeStmts(m)
			return nil, dbErr(ctx, "prepare", err)
		}
		m[q] = st
	}
	return m, nil
}

func closeStmts(m map[string]*sql.Stmt) error {
	var errs []error
	for _, st := range m {
		errs = append(errs, st.Close())
	}
	return errors.Join(errs...)
}

// wtx is a write transaction: the *sql.Tx of the write connection, with
// the store's prepared statements bound to it as they are used.
type wtx struct {
	ctx      context.Context
	tx       *sql.Tx
	prepared map[string]*sql.Stmt
	bound    map[string]*sql.Stmt
}

// stmt returns query's prepared statement bound to the transaction, nil
// when it has none.
func (t *wtx) stmt(query string) *sql.Stmt {
	if st := t.bound[query]; st != nil {
		return st
	}
	p := t.prepared[query]
	if p == nil {
		return nil
	}
	if t.bound == nil {
		t.bound = make(map[string]*sql.Stmt)
	}
	st := t.tx.StmtContext(t.ctx, p)
	t.bound[query] = st
	return st
}

// exec runs a statement and returns the number of rows it changed.
func (t *wtx) exec(what, query string, args ...any) (int64, error) {
	var res sql.Result
	var err error
	if st := t.stmt(query); st != nil {
		res, err = st.ExecContext(t.ctx, args...)
	} else {
		res, err = t.tx.ExecContext(t.ctx, query, args...)
	}
	if err != nil {
		return 0, dbErr(t.ctx, what, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, dbErr(t.ctx, what, err)
	}
	return n, nil
}

func (t *wtx) queryRow(query string, args ...any) *sql.Row {
	if st := t.stmt(query); st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, query, args...)
}

func (t *wtx) query(query string, args ...any) (*sql.Rows, error) {
	if st := t.stmt(query); st != nil {
		return st.QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, query, args...)
}

// queryRow runs a query on the read pool, prepared when it is one of
// readQueries.
func (s *Store) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if st := s.rstmts[query]; st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.r.QueryRowContext(ctx, query, args...)
}

// query runs a query on the read pool, prepared when it is one of
// readQueries.
func (s *Store) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := s.rstmts[query]; st != nil {
		return st.QueryContext(ctx, args...)
	}
	return s.r.QueryContext(ctx, query, args...)
}
