-- Inbound sources: third parties POST to /_webhooks/<slug>; what arrives becomes an event of the
-- source's account. The slug is the whole address, so it is unique across the instance.
CREATE TABLE sources (
    id                TEXT PRIMARY KEY NOT NULL,
    account_id        TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name              TEXT NOT NULL,
    slug              TEXT NOT NULL UNIQUE,
    token_hash        TEXT NOT NULL,   -- SHA-256 of the source's token (shown once)
    token_in          TEXT NOT NULL CHECK (token_in IN ('header', 'query')),
    event_type        TEXT,            -- every request becomes this type, or …
    type_from_header  TEXT,            -- … the type is <slug>.<this header's value>, or …
    type_from_pointer TEXT,            -- … <slug>.<the body's value at this JSON pointer>
    verify_scheme     TEXT CHECK (verify_scheme IN ('standard-webhooks', 'stripe', 'github')),
    verify_secret     TEXT,            -- the sender's signing secret, needed in clear to check
    created_at        INTEGER NOT NULL,
    CHECK ((event_type IS NOT NULL) + (type_from_header IS NOT NULL) + (type_from_pointer IS NOT NULL) = 1)
);
CREATE INDEX sources_by_account ON sources (account_id, id);

-- What each source received and what became of it, for the sources page.
CREATE TABLE inbound_requests (
    id           TEXT PRIMARY KEY NOT NULL,
    account_id   TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    source_id    TEXT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    received_at  INTEGER NOT NULL,
    status_code  INTEGER NOT NULL,
    message      TEXT NOT NULL,
    event_id     TEXT
);
CREATE INDEX inbound_requests_by_source ON inbound_requests (source_id, account_id, id);
