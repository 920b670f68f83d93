-- Requests refused for a missing or wrong token are counted, one row per source and minute,
-- rather than written one row each: anyone who knows a source's address could otherwise grow
-- the owner's log (and the database) without limit.
ALTER TABLE inbound_requests ADD COLUMN count INTEGER NOT NULL DEFAULT 1;
-- The minute (Unix ms, rounded down) a counted row stands for; NULL for rows of one request.
ALTER TABLE inbound_requests ADD COLUMN refused_minute INTEGER;
CREATE UNIQUE INDEX inbound_refusals_by_minute ON inbound_requests (source_id, refused_minute)
    WHERE refused_minute IS NOT NULL;
