-- Schema version 1: records, audit trail, outbox, timers, documents.
--
-- IDs (records, outbox entries, audit record IDs) are 16-byte BLOBs: SQLite
-- compares BLOBs with memcmp, so ORDER BY id is the byte order the store
-- contract asks for. Times are INTEGER microseconds since the Unix epoch,
-- UTC; a zero time in a nullable column is NULL. Text compares with the
-- BINARY collation, the byte order of Go strings.

CREATE TABLE records (
    tenant       TEXT    NOT NULL,
    kind         TEXT    NOT NULL,
    id           BLOB    NOT NULL,
    -- The optimistic version; authoritative over the body's "version".
    version      INTEGER NOT NULL,
    -- The fields store.Query filters on, copied from the record.
    phase        TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    outcome      TEXT    NOT NULL,
    severity     TEXT    NOT NULL,
    -- The primary category; an empty taxonomy is stored as 'rsit'.
    cat_taxonomy TEXT    NOT NULL,
    cat_class    TEXT    NOT NULL,
    cat_type     TEXT    NOT NULL,
    -- CreatedAt in microseconds, and the nanoseconds below the microsecond
    -- (0-999), so that range filters agree with store.Query.Match exactly.
    created_at   INTEGER NOT NULL,
    created_ns   INTEGER NOT NULL,
    restricted   INTEGER NOT NULL,
    -- The record as encoding/json writes it (package incident's schema).
    body         BLOB    NOT NULL,
    PRIMARY KEY (tenant, kind, id)
) STRICT;

-- One row per label, for List's label filters (an EXISTS per label,
-- answered by the primary key).
CREATE TABLE record_labels (
    tenant TEXT NOT NULL,
    kind   TEXT NOT NULL,
    id     BLOB NOT NULL,
    label  TEXT NOT NULL,
    PRIMARY KEY (tenant, kind, id, label),
    FOREIGN KEY (tenant, kind, id) REFERENCES records (tenant, kind, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE audit (
    tenant    TEXT    NOT NULL,
    record_id BLOB    NOT NULL,
    seq       INTEGER NOT NULL,
    at        INTEGER NOT NULL,
    actor     TEXT    NOT NULL,
    action    TEXT    NOT NULL,
    data      BLOB,
    prev_hash BLOB,
    hash      BLOB,
    PRIMARY KEY (tenant, record_id, seq)
) STRICT;

CREATE TABLE outbox (
    tenant          TEXT    NOT NULL,
    id              BLOB    NOT NULL,
    type            TEXT    NOT NULL,
    record_id       BLOB    NOT NULL,
    seq             INTEGER NOT NULL,
    idempotency_key TEXT    NOT NULL,
    payload         BLOB,
    created_at      INTEGER NOT NULL,
    max_attempts    INTEGER NOT NULL,
    attempts        INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    lease           TEXT,
    lease_until     INTEGER,
    last_error      TEXT    NOT NULL,
    dead_at         INTEGER,
    PRIMARY KEY (tenant, id)
) STRICT;

-- Claim order (oldest first: CreatedAt, then ID) of live and dead entries.
CREATE INDEX outbox_live ON outbox (tenant, created_at, id) WHERE dead_at IS NULL;
CREATE INDEX outbox_dead ON outbox (tenant, created_at, id) WHERE dead_at IS NOT NULL;

CREATE TABLE timers (
    tenant    TEXT    NOT NULL,
    key       TEXT    NOT NULL,
    record_id BLOB    NOT NULL,
    kind      TEXT    NOT NULL,
    due_at    INTEGER NOT NULL,
    version   INTEGER NOT NULL,
    fired_at  INTEGER,
    payload   BLOB,
    PRIMARY KEY (tenant, key)
) STRICT;

-- Due order (DueAt, then Key) of the unfired timers.
CREATE INDEX timers_due ON timers (tenant, due_at, key) WHERE fired_at IS NULL;

CREATE TABLE documents (
    tenant     TEXT    NOT NULL,
    collection TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    version    INTEGER NOT NULL,
    -- The Index as a JSON object, NULL when there is none.
    idx        TEXT,
    body       BLOB    NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (tenant, collection, id)
) STRICT;

-- The Index again, one row per key, for ListDocuments' filters (an EXISTS
-- per pair, answered by the primary key).
CREATE TABLE document_index (
    tenant     TEXT NOT NULL,
    collection TEXT NOT NULL,
    id         TEXT NOT NULL,
    key        TEXT NOT NULL,
    value      TEXT NOT NULL,
    PRIMARY KEY (tenant, collection, id, key),
    FOREIGN KEY (tenant, collection, id) REFERENCES documents (tenant, collection, id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
