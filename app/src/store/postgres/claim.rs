//! The delivery queue's claims on PostgreSQL, where several instances claim from one queue (the
//! rest of a turn is `store/sql/queue.rs`).
//!
//! - Claims are disjoint: due rows are locked with `FOR UPDATE SKIP LOCKED`, so two claims
//!   running at once never take the same row (a plain `UPDATE … WHERE id IN (SELECT …)` does:
//!   both subqueries see the row due).
//! - Limits hold across instances: one claim at a time takes a transaction-level advisory lock,
//!   and counts what the other instances hold under live leases, per subscription and account.
//! - Each claim writes a lease token and this instance's id: recording and giving back are
//!   fenced by the token (`store/sql/queue.rs`), and an instance that restarts releases only
//!   its own claims.
//! - The statement's text is fixed (the limits go in as arrays), so it is prepared once.

use super::{Postgres, Tx};
use crate::domain::queue::{ClaimLimits, Claimed};

impl Postgres {
    /// A turn's transaction. A lost commit of a turn (the server crashing within the WAL
    /// writer's delay) costs an attempt made again, never an event: a turn only records
    /// attempts (with the alert events they raised, which are lost with them and raised again
    /// by the attempt made again) and claims, so it need not wait for the disk. Publishes do.
    pub(super) async fn turn_transaction(&self) -> Result<Tx, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        // Index scans only: a turn's statements each touch a few rows by an index, but the
        // queue's indexes fill with dead entries faster than statistics and vacuum follow
        // (each claim and record moves a row's lease and due time). Planned from stale
        // statistics, a claim read the whole table or a bitmap of every dead entry (2.7 ms a
        // claim in a burst of 20,000); an index scan marks the dead entries it meets, so the
        // next one skips them (0.5 ms).
        sqlx::query(
            "SELECT set_config('synchronous_commit', 'off', true), set_config('enable_seqscan', 'off', true),
                    set_config('enable_bitmapscan', 'off', true)",
        )
        .execute(&mut *tx)
        .await?;
        Ok(tx)
    }

    /// At start-up: this instance's claims from before (same `--instance-id`) are due again.
    /// Other instances' claims are theirs until their leases run out.
    pub async fn release_abandoned_leases(&self, now: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE deliveries SET lease_until = NULL, next_attempt_at = $1
             WHERE lease_until IS NOT NULL AND leased_by = $2",
        )
        .bind(now)
        .bind(&self.instance_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    /// The time leases are given and judged by: the database's, so that instances whose clocks
    /// differ agree on when a lease runs out.
    pub async fn clock(&self) -> Result<i64, sqlx::Error> {
        sqlx::query_scalar("SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::BIGINT").fetch_one(&self.pool).await
    }

    pub(super) async fn claim(
        &self,
        tx: &mut Tx,
        now: i64,
        lease_ms: i64,
        limits: &ClaimLimits<'_>,
    ) -> Result<Vec<Claimed>, sqlx::Error> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(super::locks::CLAIM).execute(&mut **tx).await?;
        let (subscriptions, subscription_rooms) = split(limits.subscription_room);
        let (accounts, account_rooms) = split(limits.account_room);
        // As on SQLite: only the first few due rows (by the due-time index) are looked at, and
        // subscriptions and accounts with no room left are left out before that cut, so that
        // they cannot crowd the others out of it. The room is this worker's less what the other
        // instances hold; the claimed come back in the order they were chosen.
        sqlx::query_as(
            r#"WITH given_subscription AS (
                   SELECT id COLLATE "C" AS id, room FROM UNNEST($1::TEXT[], $2::BIGINT[]) AS g(id, room)),
               given_account AS (
                   SELECT id COLLATE "C" AS id, room FROM UNNEST($3::TEXT[], $4::BIGINT[]) AS g(id, room)),
               elsewhere AS (
                   SELECT subscription_id, account_id, COUNT(*) AS held FROM deliveries
                   WHERE lease_until > $5 AND leased_by IS DISTINCT FROM $6
                   GROUP BY subscription_id, account_id),
               subscription_room AS (
                   SELECT COALESCE(g.id, e.id) AS id, COALESCE(g.room, $8) - COALESCE(e.held, 0) AS room
                   FROM given_subscription g
                   FULL JOIN (SELECT subscription_id AS id, SUM(held)::BIGINT AS held FROM elsewhere
                              GROUP BY subscription_id) e ON e.id = g.id),
               account_room AS (
                   SELECT COALESCE(g.id, e.id) AS id, COALESCE(g.room, $9) - COALESCE(e.held, 0) AS room
                   FROM given_account g
                   FULL JOIN (SELECT account_id AS id, SUM(held)::BIGINT AS held FROM elsewhere
                              GROUP BY account_id) e ON e.id = g.id),
               candidates AS (
                   SELECT id, subscription_id, account_id, next_attempt_at AS due FROM deliveries
                   WHERE next_attempt_at <= $5
                     AND subscription_id <> ALL (ARRAY(SELECT id FROM subscription_room WHERE room <= 0))
                     AND account_id <> ALL (ARRAY(SELECT id FROM account_room WHERE room <= 0))
                   ORDER BY next_attempt_at LIMIT $7
                   FOR UPDATE SKIP LOCKED),
               ranked AS (
                   SELECT c.*,
                          ROW_NUMBER() OVER (PARTITION BY subscription_id ORDER BY due, id) AS nth,
                          ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY due, id) AS nth_of_account
                   FROM candidates c),
               chosen AS (
                   SELECT r.id, r.nth_of_account, r.due FROM ranked r
                   WHERE r.nth <= COALESCE((SELECT room FROM subscription_room s WHERE s.id = r.subscription_id), $8)
                     AND r.nth_of_account <= COALESCE((SELECT room FROM account_room a WHERE a.id = r.account_id), $9)
                   ORDER BY r.nth_of_account, r.due, r.id LIMIT $10),
               claimed AS (
                   UPDATE deliveries d
                   SET lease_until = $5 + $11, next_attempt_at = $5 + $11, lease_token = $12, leased_by = $6
                   FROM chosen WHERE d.id = chosen.id
                   RETURNING d.id, d.account_id, d.event_id, d.subscription_id, d.status, d.attempts_made,
                             d.next_trigger, d.triggered_by, d.version, d.lease_token, chosen.nth_of_account, chosen.due)
           SELECT id, account_id, event_id, subscription_id, status, attempts_made, next_trigger, triggered_by,
                  version, lease_token
           FROM claimed ORDER BY nth_of_account, due, id"#,
        )
        .bind(subscriptions)
        .bind(subscription_rooms)
        .bind(accounts)
        .bind(account_rooms)
        .bind(now)
        .bind(&self.instance_id)
        .bind(i64::from(limits.limit) * 4)
        .bind(i64::from(limits.per_subscription))
        .bind(i64::from(limits.per_account))
        .bind(i64::from(limits.limit))
        .bind(lease_ms)
        .bind(rand::random::<i64>())
        .fetch_all(&mut **tx)
        .await
    }
}

/// (ids, rooms) as two arrays, for `UNNEST`.
fn split(rooms: &[(String, u32)]) -> (Vec<&str>, Vec<i64>) {
    rooms.iter().map(|(id, room)| (id.as_str(), i64::from(*room))).unzip()
}
