-- Schema version 1 of the PostgreSQL store. {schema} is replaced by the
-- quoted name of the store's schema (WithSchema) before it runs.
--
-- Conventions:
--   * Every table leads with the tenant: no statement reads or writes
--     across tenants, and every key is scoped to one.
--   * Keys and anything ordered are COLLATE "C": byte order, as the
--     contract (and the memory store) orders strings, whatever the
--     database's collation.
--   * A zero time.Time is NULL in the nullable time columns (lease_until,
--     dead_at, fired_at) and 0001-01-01 UTC in the others.
--   * Bytes the caller owns (audit data and hashes, payloads, document
--     bodies) are bytea, kept verbatim. Record bodies are json (not
--     jsonb): the text as encoded, which json accepts even when it holds
--     \u0000, and which SQL can still query (body->'impact', body::jsonb).

CREATE TABLE {schema}.records (
	tenant            text COLLATE "C" NOT NULL,
	kind              text COLLATE "C" NOT NULL,
	id                uuid NOT NULL,
	version           bigint NOT NULL CHECK (version >= 1),
	-- Filter columns, copied from the body on every write; List and Count
	-- filter on them exactly as store.Query.Match does.
	phase             text COLLATE "C" NOT NULL,
	state             text COLLATE "C" NOT NULL,
	outcome           text COLLATE "C" NOT NULL,
	severity          text COLLATE "C" NOT NULL,
	-- The primary category, the taxonomy spelled out ('' is 'rsit').
	category_taxonomy text COLLATE "C" NOT NULL,
	category_class    text COLLATE "C" NOT NULL,
	category_type     text COLLATE "C" NOT NULL,
	-- CreatedAt to the microsecond, and its nanoseconds beyond
	-- (0 to 999), so that range filters are exact.
	created_at        timestamptz NOT NULL,
	created_ns        smallint NOT NULL CHECK (created_ns BETWEEN 0 AND 999),
	restricted        boolean NOT NULL,
	labels            text[] COLLATE "C" NOT NULL,
	body              json NOT NULL,
	CONSTRAINT records_pkey PRIMARY KEY (tenant, kind, id)
);
CREATE INDEX records_state ON {schema}.records (tenant, kind, state);
CREATE INDEX records_labels ON {schema}.records USING gin (labels);

CREATE TABLE {schema}.audit (
	tenant    text COLLATE "C" NOT NULL,
	record_id uuid NOT NULL,
	seq       bigint NOT NULL CHECK (seq >= 1),
	at        timestamptz NOT NULL,
	actor     text NOT NULL,
	action    text NOT NULL,
	data      bytea,
	prev_hash bytea,
	hash      bytea,
	-- A Seq stored twice is an append that lost a race: ErrConflict.
	CONSTRAINT audit_pkey PRIMARY KEY (tenant, record_id, seq)
);

CREATE TABLE {schema}.outbox (
	tenant          text COLLATE "C" NOT NULL,
	id              uuid NOT NULL,
	type            text NOT NULL,
	record_id       uuid NOT NULL,
	-- The uint64 Seq, bit for bit.
	seq             bigint NOT NULL,
	idempotency_key text NOT NULL,
	payload         bytea,
	created_at      timestamptz NOT NULL,
	max_attempts    bigint NOT NULL,
	-- Managed by the store.
	attempts        bigint NOT NULL DEFAULT 0,
	next_attempt_at timestamptz NOT NULL,
	lease           text,
	lease_until     timestamptz,
	last_error      text NOT NULL DEFAULT '',
	dead_at         timestamptz,
	CONSTRAINT outbox_pkey PRIMARY KEY (tenant, id)
);
-- Claim order (oldest first), for live entries and for dead letters.
CREATE INDEX outbox_live ON {schema}.outbox (tenant, created_at, id) WHERE dead_at IS NULL;
CREATE INDEX outbox_dead ON {schema}.outbox (tenant, created_at, id) WHERE dead_at IS NOT NULL;

CREATE TABLE {schema}.timers (
	tenant    text COLLATE "C" NOT NULL,
	key       text COLLATE "C" NOT NULL,
	record_id uuid NOT NULL,
	kind      text NOT NULL,
	due_at    timestamptz NOT NULL,
	version   bigint NOT NULL CHECK (version >= 1),
	fired_at  timestamptz,
	payload   bytea,
	CONSTRAINT timers_pkey PRIMARY KEY (tenant, key)
);
-- DueTimers order: by due time, then key, unfired timers only.
CREATE INDEX timers_due ON {schema}.timers (tenant, due_at, key) WHERE fired_at IS NULL;

CREATE TABLE {schema}.documents (
	tenant     text COLLATE "C" NOT NULL,
	collection text COLLATE "C" NOT NULL,
	id         text COLLATE "C" NOT NULL,
	version    bigint NOT NULL CHECK (version >= 1),
	-- Document.Index as a JSON object of strings (NULL for a nil map);
	-- ListDocuments filters with containment (@>).
	idx        jsonb,
	body       bytea NOT NULL,
	updated_at timestamptz NOT NULL,
	CONSTRAINT documents_pkey PRIMARY KEY (tenant, collection, id)
);
CREATE INDEX documents_idx ON {schema}.documents USING gin (idx jsonb_path_ops);

-- fail raises an error with a SQLSTATE of the store's own (IS404 not
-- found, IS409 conflict), so that a check inside a Commit aborts its
-- transaction and the adapter maps the code to a store error.
CREATE FUNCTION {schema}.fail(code text, message text) RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message;
END
$$;

-- fail_version raises IS404 when stored is NULL (nothing to update) and
-- IS409 otherwise (the version read is not the stored one).
CREATE FUNCTION {schema}.fail_version(what text, want bigint, stored bigint) RETURNS integer
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	IF stored IS NULL THEN
		RAISE EXCEPTION USING ERRCODE = 'IS404', MESSAGE = what || ' does not exist';
	END IF;
	RAISE EXCEPTION USING ERRCODE = 'IS409',
		MESSAGE = format('%s at version %s, stored %s', what, want, stored);
END
$$;
