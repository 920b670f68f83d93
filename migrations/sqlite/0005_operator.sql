-- Operator mode: one Hookrelay serving a product's many customers, each in its own account.

-- Keys that act across accounts (`hookrelay operator-key create`); only their SHA-256 is kept.
CREATE TABLE operator_keys (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    prefix        TEXT NOT NULL,
    key_hash      TEXT NOT NULL UNIQUE,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER
);

-- The operator's own name for an account (its customer id), unique across the instance.
ALTER TABLE accounts ADD COLUMN external_id TEXT;
CREATE UNIQUE INDEX accounts_by_external_id ON accounts (external_id) WHERE external_id IS NOT NULL;

-- The instance-wide event-type catalog is the event types of this reserved account: every
-- account sees them beside its own, and only an operator key (without Hookrelay-Account)
-- writes them. Nobody signs in to it.
INSERT INTO accounts (id, name, created_at) VALUES ('acc_catalog', 'Instance catalog', 0);

-- One-time links that sign their visitor into one account's dashboard; only a hash is kept.
CREATE TABLE portal_links (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

-- Links that let a person register (or, with a login already, join) an account; one use each.
CREATE TABLE invitations (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    email       TEXT NOT NULL,   -- normalised; only this address can accept
    token_hash  TEXT NOT NULL UNIQUE,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);
