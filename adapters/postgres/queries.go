package postgres

import (
	"fmt"
	"strings"

	"github.com/iso27035/iso27035/store"
)

// queries holds the SQL of a Store, with the schema filled in. Each text is
// fixed per Store, so pgx prepares it once per connection.
type queries struct {
	schema string // the quoted schema name

	insertRecord, updateRecord       string
	checkAudit, insertAudit          string
	insertOutbox                     string
	insertTimer, updateTimer         string
	insertDocument, updateDocument   string
	getRecord, auditPage             string
	claim, ack, nack, requeue, stats string
	deadFirst, deadNext              string
	dueTimers, getTimer              string
	getDocument                      string
	docPage, docPageMatch            string
	reset                            string

	// listOutbox holds ListOutbox's query per state, from the start
	// ([0]) and after a cursor ([1]); see listOutboxSQL.
	listOutbox [2]map[store.OutboxState]string
}

// listOutboxSQL is ListOutbox's query for a state, from the start or (next)
// after a cursor: $1 is the tenant, $2 the limit, $3 and $4 the cursor's
// created_at and id when next, and the last parameter now when the state
// judges leases.
func listOutboxSQL(state store.OutboxState, next bool) string {
	q := `SELECT {outbox} FROM {s}.outbox WHERE tenant = $1`
	n := 3
	if next {
		q += ` AND (created_at, id) > ($3, $4)`
		n = 5
	}
	switch state {
	case store.OutboxPending:
		q += ` AND dead_at IS NULL`
	case store.OutboxLeased:
		q += fmt.Sprintf(` AND dead_at IS NULL AND lease IS NOT NULL AND lease_until > $%d`, n)
	case store.OutboxWaiting:
		q += fmt.Sprintf(` AND dead_at IS NULL AND (lease IS NULL OR lease_until <= $%d)`, n)
	case store.OutboxDead:
		q += ` AND dead_at IS NOT NULL`
	}
	return q + ` ORDER BY created_at, id LIMIT $2`
}

// outboxColumns are the columns scanEntry reads, in its order.
const outboxColumns = `id, type, record_id, seq, idempotency_key, payload, created_at, max_attempts,
	attempts, next_attempt_at, lease, lease_until, last_error, dead_at`

// timerColumns are the columns scanTimer reads, in its order.
const timerColumns = `key, record_id, kind, due_at, version, fired_at, payload`

// claimable is the condition under which Claim may lease an entry at $2,
// on the table aliased o (see store.Outbox).
const claimable = `o.tenant = $1 AND o.dead_at IS NULL AND o.created_at <= $2 AND o.next_attempt_at <= $2
	AND (o.lease IS NULL OR o.lease_until <= $2)`

// maxTries is OutboxEntry.MaxTries in SQL; $5 is store.DefaultMaxAttempts.
const maxTries = `CASE WHEN o.max_attempts > 0 THEN o.max_attempts ELSE $5 END`

func newQueries(schema string) *queries {
	r := strings.NewReplacer("{s}", schema, "{outbox}", outboxColumns, "{timer}", timerColumns,
		"{claimable}", claimable, "{maxTries}", maxTries)
	q := &queries{schema: schema}
	for _, x := range []struct {
		dst *string
		sql string
	}{
		{&q.insertRecord, `INSERT INTO {s}.records (tenant, kind, id, version, phase, state, outcome, severity,
			category_taxonomy, category_class, category_type, created_at, created_ns, restricted, labels, body)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`},
		// The version check is part of the UPDATE: the row is locked and
		// compared at once, so two writers of one version cannot both win
		// (the second waits for the first, then finds a newer version).
		// Only when nothing was updated does the statement look at the
		// stored version, to tell ErrNotFound from ErrConflict, and abort
		// the Commit's transaction with fail_version.
		{&q.updateRecord, `WITH u AS (
			UPDATE {s}.records SET version = $4 + 1, phase = $5, state = $6, outcome = $7, severity = $8,
				category_taxonomy = $9, category_class = $10, category_type = $11, created_at = $12,
				created_ns = $13, restricted = $14, labels = $15, body = $16
			WHERE tenant = $1 AND kind = $2 AND id = $3 AND version = $4
			RETURNING 1)
			SELECT CASE WHEN EXISTS (SELECT 1 FROM u) THEN 0
				ELSE {s}.fail_version(format('%s %s', $2::text, $3::uuid), $4,
					(SELECT version FROM {s}.records WHERE tenant = $1 AND kind = $2 AND id = $3)) END`},
		// $2 and $3 hold the first audit record of each record in the
		// Write; a Seq above 1 needs its predecessor stored. A Seq stored
		// already fails the insert on audit_pkey.
		{&q.checkAudit, `SELECT {s}.fail('IS409', format('audit record %s of %s is not the next: its trail %s', f.seq, f.rid,
				coalesce('ends at Seq ' || (SELECT max(a.seq) FROM {s}.audit a WHERE a.tenant = $1 AND a.record_id = f.rid), 'is empty')))
			FROM unnest($2::uuid[], $3::bigint[]) AS f(rid, seq)
			WHERE f.seq > 1 AND NOT EXISTS (
				SELECT 1 FROM {s}.audit a WHERE a.tenant = $1 AND a.record_id = f.rid AND a.seq = f.seq - 1)`},
		{&q.insertAudit, `INSERT INTO {s}.audit (tenant, record_id, seq, at, actor, action, data, prev_hash, hash)
			SELECT $1, u.* FROM unnest($2::uuid[], $3::bigint[], $4::timestamptz[], $5::text[], $6::text[],
				$7::bytea[], $8::bytea[], $9::bytea[]) AS u`},
		{&q.insertOutbox, `INSERT INTO {s}.outbox (tenant, id, type, record_id, seq, idempotency_key, payload,
				created_at, max_attempts, next_attempt_at)
			SELECT $1, u.* FROM unnest($2::uuid[], $3::text[], $4::uuid[], $5::bigint[], $6::text[], $7::bytea[],
				$8::timestamptz[], $9::bigint[], $10::timestamptz[]) AS u`},
		{&q.insertTimer, `INSERT INTO {s}.timers (tenant, key, record_id, kind, due_at, version, fired_at, payload)
			VALUES ($1, $2, $3, $4, $5, 1, $6, $7)`},
		{&q.updateTimer, `WITH u AS (
			UPDATE {s}.timers SET version = $3 + 1, record_id = $4, kind = $5, due_at = $6, fired_at = $7, payload = $8
			WHERE tenant = $1 AND key = $2 AND version = $3
			RETURNING 1)
			SELECT CASE WHEN EXISTS (SELECT 1 FROM u) THEN 0
				ELSE {s}.fail_version(format('timer %L', $2::text), $3,
					(SELECT version FROM {s}.timers WHERE tenant = $1 AND key = $2)) END`},
		{&q.insertDocument, `INSERT INTO {s}.documents (tenant, collection, id, version, idx, body, updated_at)
			VALUES ($1, $2, $3, 1, $4, $5, $6)`},
		{&q.updateDocument, `WITH u AS (
			UPDATE {s}.documents SET version = $4 + 1, idx = $5, body = $6, updated_at = $7
			WHERE tenant = $1 AND collection = $2 AND id = $3 AND version = $4
			RETURNING 1)
			SELECT CASE WHEN EXISTS (SELECT 1 FROM u) THEN 0
				ELSE {s}.fail_version(format('document %L/%L', $2::text, $3::text), $4,
					(SELECT version FROM {s}.documents WHERE tenant = $1 AND collection = $2 AND id = $3)) END`},

		{&q.getRecord, `SELECT version, body FROM {s}.records WHERE tenant = $1 AND kind = $2 AND id = $3`},
		{&q.auditPage, `SELECT seq, at, actor, action, data, prev_hash, hash FROM {s}.audit
			WHERE tenant = $1 AND record_id = $2 AND seq > $3 ORDER BY seq LIMIT $4`},

		// Claim leases up to $3 claimable entries that are not poison,
		// oldest first, skipping rows another claimer has locked at this
		// moment; the row locks last only as long as this one statement.
		// In the same statement it dead-letters the poison entries (Attempts
		// at MaxTries, last lease expired) it passed on its way: all of
		// them when it leased fewer than $3, else those before the last
		// entry leased, as the memory store does.
		{&q.claim, `WITH pick AS MATERIALIZED (
				SELECT o.id FROM {s}.outbox o
				WHERE {claimable} AND o.attempts < {maxTries}
				ORDER BY o.created_at, o.id
				LIMIT $3
				FOR UPDATE SKIP LOCKED
			), claimed AS (
				UPDATE {s}.outbox o SET attempts = o.attempts + 1, lease = gen_random_uuid()::text, lease_until = $4
				FROM pick WHERE o.tenant = $1 AND o.id = pick.id
				RETURNING o.*
			), newest AS (
				SELECT created_at, id FROM claimed ORDER BY created_at DESC, id DESC LIMIT 1
			), poison AS MATERIALIZED (
				SELECT o.id FROM {s}.outbox o
				WHERE {claimable} AND o.attempts >= {maxTries}
					AND ((SELECT count(*) FROM claimed) < $3 OR (o.created_at, o.id) < (SELECT created_at, id FROM newest))
				FOR UPDATE SKIP LOCKED
			), dead AS (
				UPDATE {s}.outbox o SET dead_at = $2, lease = NULL, lease_until = NULL,
					last_error = CASE WHEN o.last_error = '' THEN format('lease expired after %s attempts', o.attempts) ELSE o.last_error END
				FROM poison WHERE o.tenant = $1 AND o.id = poison.id
			)
			SELECT {outbox} FROM claimed ORDER BY created_at, id`},
		{&q.ack, `WITH d AS (DELETE FROM {s}.outbox WHERE tenant = $1 AND id = $2 AND lease = $3 RETURNING 1)
			SELECT EXISTS (SELECT 1 FROM d), EXISTS (SELECT 1 FROM {s}.outbox WHERE tenant = $1 AND id = $2)`},
		// $6 Release, $7 Permanent, $8 Now, $5 (in maxTries) the default.
		{&q.nack, `WITH u AS (
				UPDATE {s}.outbox o SET lease = NULL, lease_until = NULL, last_error = $4, next_attempt_at = $9,
					attempts = CASE WHEN $6 THEN greatest(o.attempts - 1, 0) ELSE o.attempts END,
					dead_at = CASE WHEN NOT $6 AND ($7 OR o.attempts >= {maxTries}) THEN $8::timestamptz END
				WHERE o.tenant = $1 AND o.id = $2 AND o.lease = $3
				RETURNING 1)
			SELECT EXISTS (SELECT 1 FROM u), EXISTS (SELECT 1 FROM {s}.outbox WHERE tenant = $1 AND id = $2)`},
		{&q.requeue, `UPDATE {s}.outbox SET dead_at = NULL, attempts = 0, next_attempt_at = $3, lease = NULL, lease_until = NULL
			WHERE tenant = $1 AND id = $2 AND dead_at IS NOT NULL`},
		{&q.stats, `SELECT count(*) FILTER (WHERE dead_at IS NULL),
				count(*) FILTER (WHERE dead_at IS NULL AND lease IS NOT NULL AND lease_until > $2),
				count(*) FILTER (WHERE dead_at IS NOT NULL),
				min(created_at) FILTER (WHERE dead_at IS NULL)
			FROM {s}.outbox WHERE tenant = $1`},
		{&q.deadFirst, `SELECT {outbox} FROM {s}.outbox WHERE tenant = $1 AND dead_at IS NOT NULL
			ORDER BY created_at, id LIMIT $2`},
		{&q.deadNext, `SELECT {outbox} FROM {s}.outbox WHERE tenant = $1 AND dead_at IS NOT NULL
				AND (created_at, id) > ($3, $4)
			ORDER BY created_at, id LIMIT $2`},

		{&q.dueTimers, `SELECT {timer} FROM {s}.timers WHERE tenant = $1 AND fired_at IS NULL AND due_at <= $2
			ORDER BY due_at, key LIMIT $3`},
		{&q.getTimer, `SELECT {timer} FROM {s}.timers WHERE tenant = $1 AND key = $2`},

		{&q.getDocument, `SELECT version, idx, body, updated_at FROM {s}.documents WHERE tenant = $1 AND collection = $2 AND id = $3`},
		{&q.docPage, `SELECT id, version, idx, body, updated_at FROM {s}.documents
			WHERE tenant = $1 AND collection = $2 AND id > $3 ORDER BY id LIMIT $4`},
		{&q.docPageMatch, `SELECT id, version, idx, body, updated_at FROM {s}.documents
			WHERE tenant = $1 AND collection = $2 AND id > $3 AND idx @> $5 ORDER BY id LIMIT $4`},

		{&q.reset, `DELETE FROM {s}.records; DELETE FROM {s}.audit; DELETE FROM {s}.outbox;
			DELETE FROM {s}.timers; DELETE FROM {s}.documents`},
	} {
		*x.dst = r.Replace(x.sql)
	}
	for i, next := range []bool{false, true} {
		q.listOutbox[i] = make(map[store.OutboxState]string)
		for _, st := range []store.OutboxState{store.OutboxAny, store.OutboxPending, store.OutboxLeased, store.OutboxWaiting, store.OutboxDead} {
			q.listOutbox[i][st] = r.Replace(listOutboxSQL(st, next))
		}
	}
	return q
}
