-- Accounts own every other row; users reach accounts through memberships, so that an account can
-- have several users and a user several accounts. Times are Unix milliseconds (UTC).
CREATE TABLE accounts (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE users (
    id             TEXT PRIMARY KEY NOT NULL,
    -- Stored lower-cased by the domain layer, so that uniqueness is case-insensitive everywhere.
    email          TEXT NOT NULL UNIQUE,
    password_hash  TEXT NOT NULL,
    created_at     INTEGER NOT NULL
);

CREATE TABLE memberships (
    account_id  TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('owner', 'member')),
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, user_id)
);

CREATE INDEX memberships_by_user ON memberships (user_id, created_at);
