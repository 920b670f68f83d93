-- API keys: only a SHA-256 of the key is stored (keys are 32 random bytes, so a fast hash is
-- enough); `prefix` is the first characters of the key, shown so people can tell keys apart.
CREATE TABLE api_keys (
    id            TEXT PRIMARY KEY NOT NULL,
    account_id    TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    key_hash      TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
);
CREATE INDEX api_keys_by_account ON api_keys (account_id, id);

-- Event types are addressed by name within an account; `id` only orders them for pagination.
CREATE TABLE event_types (
    id           TEXT NOT NULL UNIQUE,
    account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    example      TEXT,            -- JSON text, or NULL
    archived     INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (account_id, name)
);
CREATE INDEX event_types_by_account ON event_types (account_id, id);

-- Subscriptions are deleted softly (`deleted_at`) so that the history of what was delivered to
-- them stays readable.
CREATE TABLE subscriptions (
    id                          TEXT PRIMARY KEY NOT NULL,
    account_id                  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    url                         TEXT NOT NULL,
    description                 TEXT NOT NULL DEFAULT '',
    headers                     TEXT NOT NULL DEFAULT '{}',   -- JSON object of custom headers
    webhook_id                  TEXT,
    enabled                     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    disabled_reason             TEXT CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
    secret                      TEXT NOT NULL,
    previous_secret             TEXT,
    previous_secret_expires_at  INTEGER,
    created_at                  INTEGER NOT NULL,
    updated_at                  INTEGER NOT NULL,
    deleted_at                  INTEGER
);
CREATE INDEX subscriptions_by_account ON subscriptions (account_id, id);

-- A subscription's event-type filter; no rows means every type.
CREATE TABLE subscription_event_types (
    subscription_id  TEXT NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    event_type       TEXT NOT NULL,
    PRIMARY KEY (subscription_id, event_type)
);
