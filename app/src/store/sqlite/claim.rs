//! The delivery queue's claims on SQLite (the rest of a turn is `store/sql/queue.rs`). SQLite
//! has one writer at a time, so a claim is a single UPDATE … RETURNING and needs no row locks,
//! and the limits this worker is given are all there is.

use sqlx::QueryBuilder;

use super::{Db, Sqlite, Tx};
use crate::domain::queue::{ClaimLimits, Claimed};

impl Sqlite {
    /// A turn's transaction: it takes the write lock at once.
    pub(super) async fn turn_transaction(&self) -> Result<Tx, sqlx::Error> {
        self.write_transaction().await
    }

    pub async fn release_abandoned_leases(&self, now: i64) -> Result<u64, sqlx::Error> {
        let done =
            sqlx::query("UPDATE deliveries SET lease_until = NULL, next_attempt_at = ? WHERE lease_until IS NOT NULL")
                .bind(now)
                .execute(&self.writer)
                .await?;
        Ok(done.rows_affected())
    }
}

/// ` AND <column> NOT IN (…)`: keys with no room left.
fn push_not_in(query: &mut QueryBuilder<'_, Db>, column: &str, room: &[(String, u32)]) {
    let full: Vec<&String> = room.iter().filter(|(_, room)| *room == 0).map(|(id, _)| id).collect();
    if full.is_empty() {
        return;
    }
    query.push(format!(" AND {column} NOT IN ("));
    let mut list = query.separated(", ");
    for id in full {
        list.push_bind((*id).clone());
    }
    query.push(")");
}

/// The number given for the ranked row's `column` in `values`, or `otherwise`.
fn push_per_key(query: &mut QueryBuilder<'_, Db>, column: &str, values: &[(String, u32)], otherwise: u32) {
    if values.is_empty() {
        query.push_bind(otherwise);
        return;
    }
    query.push("COALESCE((SELECT given.column2 FROM (VALUES ");
    let mut rows = query.separated(", ");
    for (id, n) in values {
        rows.push("(")
            .push_bind_unseparated(id.clone())
            .push_unseparated(", ")
            .push_bind_unseparated(*n)
            .push_unseparated(")");
    }
    query.push(format!(") AS given WHERE given.column1 = ranked.{column}), "));
    query.push_bind(otherwise).push(")");
}

impl Sqlite {
    pub(super) async fn claim(
        &self,
        tx: &mut Tx,
        now: i64,
        lease_ms: i64,
        limits: &ClaimLimits<'_>,
    ) -> Result<Vec<Claimed>, sqlx::Error> {
        // Only the first few due rows (by the due-time index) are looked at, so a claim costs the
        // same with ten due deliveries or a million. Subscriptions and accounts at their limit are
        // left out before that cut, so they cannot crowd the others out of it.
        let scan = i64::from(limits.limit) * 4;
        let mut query = QueryBuilder::new("UPDATE deliveries SET lease_until = ");
        query.push_bind(now + lease_ms).push(", next_attempt_at = ").push_bind(now + lease_ms);
        query.push(", lease_token = ").push_bind(rand::random::<i64>()).push(", leased_by = NULL");
        query.push(
            " WHERE id IN (
            SELECT id FROM (
                SELECT id, subscription_id, account_id, due,
                       ROW_NUMBER() OVER (PARTITION BY subscription_id ORDER BY due, id) AS nth,
                       ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY due, id) AS nth_of_account
                FROM (SELECT id, subscription_id, account_id, next_attempt_at AS due FROM deliveries
                      WHERE next_attempt_at <= ",
        );
        query.push_bind(now);
        push_not_in(&mut query, "subscription_id", limits.subscription_room);
        push_not_in(&mut query, "account_id", limits.account_room);
        query.push(" ORDER BY next_attempt_at LIMIT ").push_bind(scan);
        query.push(")) AS ranked WHERE nth <= ");
        push_per_key(&mut query, "subscription_id", limits.subscription_room, limits.per_subscription);
        query.push(" AND nth_of_account <= ");
        push_per_key(&mut query, "account_id", limits.account_room, limits.per_account);
        query.push(" ORDER BY nth_of_account, due, id LIMIT ").push_bind(limits.limit);
        query.push(
        ") RETURNING id, account_id, event_id, subscription_id, status, attempts_made, next_trigger, triggered_by, version, lease_token",
    );
        query.build_query_as().fetch_all(&mut **tx).await
    }
}
