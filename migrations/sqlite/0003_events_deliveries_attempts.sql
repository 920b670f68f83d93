-- The durable queue. An event and its deliveries are written in one transaction before the
-- publisher gets its 2xx; a delivery is "due" while next_attempt_at is set, and "claimed" while
-- lease_until lies in the future. A worker that dies simply lets its leases run out.

CREATE TABLE events (
    id               TEXT PRIMARY KEY NOT NULL,
    account_id       TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event_type       TEXT NOT NULL,
    payload          TEXT,          -- JSON text of `data`; NULL once purged by retention
    idempotency_key  TEXT,
    created_at       INTEGER NOT NULL
);
CREATE INDEX events_by_account ON events (account_id, id);
CREATE INDEX events_by_account_type ON events (account_id, event_type, id);
CREATE UNIQUE INDEX events_idempotency ON events (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE TABLE deliveries (
    id                TEXT PRIMARY KEY NOT NULL,
    account_id        TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event_id          TEXT NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    subscription_id   TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'succeeded', 'failed')),
    attempts_made     INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   INTEGER,      -- set while an attempt is due; NULL when final
    next_trigger      TEXT NOT NULL DEFAULT 'scheduled' CHECK (next_trigger IN ('scheduled', 'manual', 'replay', 'test')),
    triggered_by      TEXT,         -- who asked for the next attempt (manual, replay)
    -- While claimed: when the claim runs out. A claim also moves next_attempt_at to that time,
    -- so that the delivery becomes due again by itself if its worker dies.
    lease_until       INTEGER,
    -- Bumped by every redeliver or replay request, so that an attempt finishing in the meantime
    -- does not overwrite the request.
    version           INTEGER NOT NULL DEFAULT 0,
    last_status_code  INTEGER,
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
CREATE INDEX deliveries_by_event ON deliveries (event_id);
CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, id);
CREATE INDEX deliveries_by_account ON deliveries (account_id, id);

CREATE TABLE attempts (
    id                  TEXT PRIMARY KEY NOT NULL,
    account_id          TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    delivery_id         TEXT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    number              INTEGER NOT NULL,
    trigger             TEXT NOT NULL CHECK (trigger IN ('scheduled', 'manual', 'replay', 'test')),
    triggered_by        TEXT,
    started_at          INTEGER NOT NULL,
    duration_ms         INTEGER NOT NULL,
    request_url         TEXT NOT NULL,
    request_headers     TEXT NOT NULL,   -- JSON object, as sent (signature included)
    request_body        TEXT,            -- as sent; NULL once purged by retention
    response_status     INTEGER,
    response_headers    TEXT,            -- JSON object
    response_body       TEXT,            -- up to the read limit; NULL once purged
    response_truncated  INTEGER NOT NULL DEFAULT 0,
    error_kind          TEXT,
    error_message       TEXT
);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id, number);
CREATE INDEX attempts_by_account_time ON attempts (account_id, started_at);

-- When the subscription's current run of failures began (NULL after a success): a subscription
-- failing for longer than the configured time is disabled with reason 'failing'.
ALTER TABLE subscriptions ADD COLUMN failing_since INTEGER;
