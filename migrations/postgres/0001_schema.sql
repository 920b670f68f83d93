-- Hookrelay's schema on PostgreSQL: the SQLite migrations 0001–0010 as one, for several
-- instances on one database. Times are Unix milliseconds (BIGINT), flags BOOLEAN, and every id
-- and name sorts by its bytes (COLLATE "C"), as on SQLite: ids are ULIDs whose order is time.

CREATE TABLE accounts (
    id           TEXT COLLATE "C" PRIMARY KEY,
    name         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    external_id  TEXT COLLATE "C"
);
CREATE UNIQUE INDEX accounts_by_external_id ON accounts (external_id) WHERE external_id IS NOT NULL;
INSERT INTO accounts (id, name, created_at) VALUES ('acc_catalog', 'Instance catalog', 0);

CREATE TABLE users (
    id                    TEXT COLLATE "C" PRIMARY KEY,
    email                 TEXT COLLATE "C" NOT NULL UNIQUE,
    password_hash         TEXT NOT NULL,
    created_at            BIGINT NOT NULL,
    is_admin              BOOLEAN NOT NULL DEFAULT FALSE,
    sessions_valid_after  BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE memberships (
    account_id  TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id     TEXT COLLATE "C" NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (account_id, user_id)
);
CREATE INDEX memberships_by_user ON memberships (user_id, created_at);

CREATE TABLE api_keys (
    id            TEXT COLLATE "C" PRIMARY KEY,
    account_id    TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    key_hash      TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);
CREATE INDEX api_keys_by_account ON api_keys (account_id, id);

CREATE TABLE event_types (
    id           TEXT COLLATE "C" NOT NULL UNIQUE,
    account_id   TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name         TEXT COLLATE "C" NOT NULL,
    description  TEXT NOT NULL DEFAULT '',
    example      TEXT,
    archived     BOOLEAN NOT NULL DEFAULT FALSE,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (account_id, name)
);
CREATE INDEX event_types_by_account ON event_types (account_id, id);

CREATE TABLE subscriptions (
    id                          TEXT COLLATE "C" PRIMARY KEY,
    account_id                  TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    url                         TEXT NOT NULL,
    description                 TEXT NOT NULL DEFAULT '',
    headers                     TEXT NOT NULL DEFAULT '{}',
    webhook_id                  TEXT,
    enabled                     BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason             TEXT CHECK (disabled_reason IN ('manual', 'gone', 'failing')),
    secret                      TEXT NOT NULL,
    previous_secret             TEXT,
    previous_secret_expires_at  BIGINT,
    created_at                  BIGINT NOT NULL,
    updated_at                  BIGINT NOT NULL,
    deleted_at                  BIGINT,
    failing_since               BIGINT
);
CREATE INDEX subscriptions_by_account ON subscriptions (account_id, id);

CREATE TABLE subscription_event_types (
    subscription_id  TEXT COLLATE "C" NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    event_type       TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (subscription_id, event_type)
);

CREATE TABLE events (
    id               TEXT COLLATE "C" PRIMARY KEY,
    account_id       TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event_type       TEXT COLLATE "C" NOT NULL,
    payload          TEXT,
    idempotency_key  TEXT COLLATE "C",
    created_at       BIGINT NOT NULL
);
CREATE INDEX events_by_account ON events (account_id, id);
CREATE INDEX events_by_account_type ON events (account_id, event_type, id);
CREATE UNIQUE INDEX events_idempotency ON events (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- The durable queue, as on SQLite, with the two columns several instances need: a claim's
-- lease token (a late holder whose lease ran out and was claimed again cannot overwrite the new
-- holder's record) and the instance that holds it (one that restarts releases only its own).
CREATE TABLE deliveries (
    id                TEXT COLLATE "C" PRIMARY KEY,
    account_id        TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    event_id          TEXT COLLATE "C" NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    subscription_id   TEXT COLLATE "C" NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    status            TEXT NOT NULL CHECK (status IN ('pending', 'retrying', 'succeeded', 'failed')),
    attempts_made     BIGINT NOT NULL DEFAULT 0,
    next_attempt_at   BIGINT,
    next_trigger      TEXT NOT NULL DEFAULT 'scheduled' CHECK (next_trigger IN ('scheduled', 'manual', 'replay', 'test')),
    triggered_by      TEXT,
    lease_until       BIGINT,
    lease_token       BIGINT,
    leased_by         TEXT,
    version           BIGINT NOT NULL DEFAULT 0,
    last_status_code  BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (next_attempt_at) WHERE next_attempt_at IS NOT NULL;
-- What is in flight, counted per subscription and account by every claim (limits across instances).
CREATE INDEX deliveries_leased ON deliveries (subscription_id, account_id, lease_until) WHERE lease_until IS NOT NULL;
CREATE INDEX deliveries_by_event ON deliveries (event_id, account_id, status);
CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, account_id, id);
CREATE INDEX deliveries_by_account ON deliveries (account_id, id);
CREATE INDEX deliveries_by_account_status_event ON deliveries (account_id, status, event_id);
CREATE INDEX deliveries_by_subscription_event ON deliveries (subscription_id, account_id, event_id);
CREATE INDEX deliveries_by_subscription_status_event ON deliveries (subscription_id, account_id, status, event_id);

CREATE TABLE attempts (
    id                  TEXT COLLATE "C" PRIMARY KEY,
    account_id          TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    delivery_id         TEXT COLLATE "C" NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    number              BIGINT NOT NULL,
    trigger             TEXT NOT NULL CHECK (trigger IN ('scheduled', 'manual', 'replay', 'test')),
    triggered_by        TEXT,
    started_at          BIGINT NOT NULL,
    duration_ms         BIGINT NOT NULL,
    request_url         TEXT NOT NULL,
    request_headers     TEXT NOT NULL,
    request_body        TEXT,
    response_status     BIGINT,
    response_headers    TEXT,
    response_body       TEXT,
    response_truncated  BOOLEAN NOT NULL DEFAULT FALSE,
    error_kind          TEXT,
    error_message       TEXT
);
CREATE INDEX attempts_by_delivery ON attempts (delivery_id, number);
CREATE INDEX attempts_by_account_time ON attempts (account_id, started_at);
CREATE INDEX attempts_failed_by_account_time ON attempts (account_id, started_at) WHERE error_kind IS NOT NULL;

CREATE TABLE operator_keys (
    id            TEXT COLLATE "C" PRIMARY KEY,
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    key_hash      TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at    BIGINT NOT NULL,
    last_used_at  BIGINT,
    revoked_at    BIGINT
);

CREATE TABLE portal_links (
    id          TEXT COLLATE "C" PRIMARY KEY,
    account_id  TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash  TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

CREATE TABLE invitations (
    id          TEXT COLLATE "C" PRIMARY KEY,
    account_id  TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email       TEXT COLLATE "C" NOT NULL,
    token_hash  TEXT COLLATE "C" NOT NULL UNIQUE,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    used_at     BIGINT
);

CREATE TABLE sources (
    id                TEXT COLLATE "C" PRIMARY KEY,
    account_id        TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    slug              TEXT COLLATE "C" NOT NULL UNIQUE,
    token_hash        TEXT NOT NULL,
    token_in          TEXT NOT NULL CHECK (token_in IN ('header', 'query')),
    event_type        TEXT,
    type_from_header  TEXT,
    type_from_pointer TEXT,
    verify_scheme     TEXT CHECK (verify_scheme IN ('standard-webhooks', 'stripe', 'github')),
    verify_secret     TEXT,
    created_at        BIGINT NOT NULL,
    CHECK (num_nonnulls(event_type, type_from_header, type_from_pointer) = 1)
);
CREATE INDEX sources_by_account ON sources (account_id, id);

CREATE TABLE inbound_requests (
    id              TEXT COLLATE "C" PRIMARY KEY,
    account_id      TEXT COLLATE "C" NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    source_id       TEXT COLLATE "C" NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    received_at     BIGINT NOT NULL,
    status_code     BIGINT NOT NULL,
    message         TEXT NOT NULL,
    event_id        TEXT COLLATE "C",
    count           BIGINT NOT NULL DEFAULT 1,
    refused_minute  BIGINT
);
CREATE INDEX inbound_requests_by_source ON inbound_requests (source_id, account_id, id);
CREATE UNIQUE INDEX inbound_refusals_by_minute ON inbound_requests (source_id, refused_minute)
    WHERE refused_minute IS NOT NULL;

-- What the instances share beyond the data: the session signing key (made by whichever starts
-- first) and the login throttle's allowances (one GCRA "theoretical arrival time" per key).
CREATE TABLE instance_settings (
    name   TEXT COLLATE "C" PRIMARY KEY,
    value  BYTEA NOT NULL
);

CREATE TABLE login_throttle (
    key       TEXT COLLATE "C" PRIMARY KEY,
    spent_to  BIGINT NOT NULL
);
CREATE INDEX login_throttle_by_time ON login_throttle (spent_to);
