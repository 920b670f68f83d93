-- Indexes for the dashboard. Every one that serves an account-scoped query carries the account
-- right after its leading column: SQLite's planner (which has no statistics unless ANALYZE runs)
-- prefers the index that matches the most equality terms, and an index of the whole account,
-- such as (account_id, id), must never look better than one of a single event or subscription.
-- Measured on a million events by `make bench-events`.

-- An event's deliveries, and their count by status for the events list. (Its deliveries are
-- sorted after reading: an ORDER BY id would make the account-wide (account_id, id) index look
-- better to the planner.)
DROP INDEX deliveries_by_event;
CREATE INDEX deliveries_by_event ON deliveries (event_id, account_id, status);

-- A subscription's deliveries, newest first.
DROP INDEX deliveries_by_subscription;
CREATE INDEX deliveries_by_subscription ON deliveries (subscription_id, account_id, id);

-- The events list filtered by delivery status or subscription: these walk the deliveries in
-- event-id order and stop after one page, however many events the account has.
CREATE INDEX deliveries_by_account_status_event ON deliveries (account_id, status, event_id);
CREATE INDEX deliveries_by_subscription_event ON deliveries (subscription_id, account_id, event_id);
CREATE INDEX deliveries_by_subscription_status_event ON deliveries (subscription_id, account_id, status, event_id);

-- "Recent failures" on the overview: newest failed attempts without reading the successes.
-- (Every failed attempt has an error kind: `status` for a non-2xx answer.)
CREATE INDEX attempts_failed_by_account_time ON attempts (account_id, started_at) WHERE error_kind IS NOT NULL;
