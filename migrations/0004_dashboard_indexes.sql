-- Indexes for the dashboard's event list filters. The list is newest first by event id (a ULID,
-- so by time); a filter on delivery status or subscription walks these in event-id order and
-- stops after one page, however many events the account has.
CREATE INDEX deliveries_by_account_status_event ON deliveries (account_id, status, event_id);
CREATE INDEX deliveries_by_subscription_status_event ON deliveries (subscription_id, status, event_id);
CREATE INDEX deliveries_by_subscription_event ON deliveries (subscription_id, event_id);
-- "Recent failures" on the overview: newest failed attempts without reading the successes.
-- (Every failed attempt has an error kind: `status` for a non-2xx answer.)
CREATE INDEX attempts_failed_by_account_time ON attempts (account_id, started_at) WHERE error_kind IS NOT NULL;
