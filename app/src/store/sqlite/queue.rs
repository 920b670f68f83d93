//! The delivery queue on SQLite: claims under a lease, recording, releasing, and the requests
//! that make a delivery due again (redeliver, replay). SQLite has one writer at a time, so a
//! claim is a single UPDATE … RETURNING and needs no row locks.

use sqlx::QueryBuilder;

use super::events::insert_one;
use super::Sqlite;
use crate::domain::queue::{AlertCondition, AttemptContext, ClaimLimits, Claimed, Finished, SubscriptionEffect};
use crate::store::QueueState;

impl Sqlite {
    pub async fn claim_due(
        &self,
        now: i64,
        lease_ms: i64,
        limits: &ClaimLimits<'_>,
    ) -> Result<Vec<Claimed>, sqlx::Error> {
        // Only the first few due rows (by the due-time index) are looked at, so a claim costs
        // the same with ten due deliveries or a million. Subscriptions and accounts at their
        // limit are left out before that cut, so they cannot crowd the others out of it.
        let scan = i64::from(limits.limit) * 4;
        let mut query = QueryBuilder::new("UPDATE deliveries SET lease_until = ");
        query.push_bind(now + lease_ms).push(", next_attempt_at = ").push_bind(now + lease_ms);
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
        let full: Vec<&String> =
            limits.subscription_room.iter().filter(|(_, room)| *room == 0).map(|(id, _)| id).collect();
        push_not_in(&mut query, "subscription_id", &full);
        let full: Vec<&String> =
            limits.busy_accounts.iter().filter(|(_, n)| *n >= limits.per_account).map(|(id, _)| id).collect();
        push_not_in(&mut query, "account_id", &full);
        query.push(" ORDER BY next_attempt_at LIMIT ").push_bind(scan);
        query.push(")) AS ranked WHERE nth <= ");
        push_per_key(&mut query, "subscription_id", limits.subscription_room, limits.per_subscription);
        query.push(" AND nth_of_account + ");
        push_per_key(&mut query, "account_id", limits.busy_accounts, 0);
        query.push(" <= ").push_bind(limits.per_account);
        query.push(" ORDER BY nth_of_account, due, id LIMIT ").push_bind(limits.limit);
        query.push(
            ") RETURNING id, account_id, event_id, subscription_id, status, attempts_made, next_trigger, triggered_by, version",
        );
        query.build_query_as().fetch_all(&self.writer).await
    }

    pub async fn attempt_context(&self, claimed: &Claimed) -> Result<Option<AttemptContext>, sqlx::Error> {
        sqlx::query_as(
            "SELECT e.event_type, e.created_at AS event_created_at, e.payload,
                    s.url, s.headers, s.webhook_id, s.secret, s.previous_secret, s.previous_secret_expires_at,
                    (s.enabled = 1 AND s.deleted_at IS NULL) AS subscription_active, s.failing_since
             FROM events e, subscriptions s
             WHERE e.id = ? AND s.id = ?",
        )
        .bind(&claimed.event_id)
        .bind(&claimed.subscription_id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn record_attempts<F: FnMut() -> String + Send>(
        &self,
        finished: &[Finished],
        mut new_delivery_id: F,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        for item in finished {
            record_one(&mut tx, item, &mut new_delivery_id).await?;
        }
        tx.commit().await
    }

    pub async fn fail_without_attempt(&self, claimed: &Claimed, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, next_trigger = 'scheduled',
                 triggered_by = NULL, lease_until = NULL, updated_at = ?
             WHERE id = ? AND version = ?",
        )
        .bind(now)
        .bind(&claimed.id)
        .bind(claimed.version)
        .execute(&self.writer)
        .await
        .map(|_| ())
    }

    pub async fn release(&self, ids: &[String], now: i64) -> Result<(), sqlx::Error> {
        for id in ids {
            sqlx::query("UPDATE deliveries SET lease_until = NULL, next_attempt_at = ? WHERE id = ? AND lease_until IS NOT NULL")
                .bind(now)
                .bind(id)
                .execute(&self.writer)
                .await?;
        }
        Ok(())
    }

    /// One SQLite file has one server, so every lease found at start-up is a dead process's.
    pub async fn release_abandoned_leases(&self, now: i64) -> Result<u64, sqlx::Error> {
        let done =
            sqlx::query("UPDATE deliveries SET lease_until = NULL, next_attempt_at = ? WHERE lease_until IS NOT NULL")
                .bind(now)
                .execute(&self.writer)
                .await?;
        Ok(done.rows_affected())
    }

    pub async fn next_due_at(&self) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM deliveries WHERE next_attempt_at IS NOT NULL")
            .fetch_one(&self.pool)
            .await
    }

    pub async fn queue_state(&self, now: i64) -> Result<QueueState, sqlx::Error> {
        // Due: claimable now (a lease that ran out makes its delivery due again). In flight:
        // held under a live lease. Scheduled: waiting for a later time.
        sqlx::query_as(
            "SELECT
                COALESCE(SUM(CASE WHEN next_attempt_at <= ? THEN 1 ELSE 0 END), 0) AS due,
                COALESCE(SUM(CASE WHEN next_attempt_at > ? AND lease_until > ? THEN 1 ELSE 0 END), 0) AS in_flight,
                COALESCE(SUM(CASE WHEN next_attempt_at > ? AND (lease_until IS NULL OR lease_until <= ?) THEN 1 ELSE 0 END), 0) AS scheduled,
                MIN(CASE WHEN next_attempt_at <= ? THEN next_attempt_at END) AS oldest_due_at
             FROM deliveries WHERE next_attempt_at IS NOT NULL",
        )
        .bind(now)
        .bind(now)
        .bind(now)
        .bind(now)
        .bind(now)
        .bind(now)
        .fetch_one(&self.pool)
        .await
    }

    pub async fn request_attempt(
        &self,
        account_id: &str,
        delivery_id: &str,
        trigger: &str,
        triggered_by: Option<&str>,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE deliveries SET next_attempt_at = ?, next_trigger = ?, triggered_by = ?, version = version + 1, updated_at = ?
             WHERE account_id = ? AND id = ?",
        )
        .bind(now)
        .bind(trigger)
        .bind(triggered_by)
        .bind(now)
        .bind(account_id)
        .bind(delivery_id)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn request_replay(
        &self,
        account_id: &str,
        subscription_id: &str,
        since: i64,
        until: i64,
        triggered_by: Option<&str>,
        now: i64,
    ) -> Result<u64, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE deliveries SET next_attempt_at = ?, next_trigger = 'replay', triggered_by = ?, version = version + 1, updated_at = ?
             WHERE account_id = ? AND subscription_id = ? AND status = 'failed' AND created_at >= ? AND created_at < ?",
        )
        .bind(now)
        .bind(triggered_by)
        .bind(now)
        .bind(account_id)
        .bind(subscription_id)
        .bind(since)
        .bind(until)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected())
    }
}

/// ` AND <column> NOT IN (…)`: keys with no room left.
fn push_not_in(query: &mut QueryBuilder<'_, sqlx::Sqlite>, column: &str, full: &[&String]) {
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
fn push_per_key(query: &mut QueryBuilder<'_, sqlx::Sqlite>, column: &str, values: &[(String, u32)], otherwise: u32) {
    if values.is_empty() {
        query.push_bind(otherwise);
        return;
    }
    query.push("COALESCE((SELECT busy.column2 FROM (VALUES ");
    let mut rows = query.separated(", ");
    for (id, n) in values {
        rows.push("(")
            .push_bind_unseparated(id.clone())
            .push_unseparated(", ")
            .push_bind_unseparated(*n)
            .push_unseparated(")");
    }
    query.push(format!(") AS busy WHERE busy.column1 = ranked.{column}), "));
    query.push_bind(otherwise).push(")");
}

async fn record_one(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    item: &Finished,
    new_delivery_id: &mut impl FnMut() -> String,
) -> Result<(), sqlx::Error> {
    sqlx::query(
            "INSERT INTO attempts (id, account_id, delivery_id, number, trigger, triggered_by, started_at, duration_ms,
                request_url, request_headers, request_body, response_status, response_headers, response_body,
                response_truncated, error_kind, error_message)
             VALUES (?, ?, ?, (SELECT attempts_made + 1 FROM deliveries WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&item.attempt.id)
        .bind(&item.attempt.account_id)
        .bind(&item.attempt.delivery_id)
        .bind(&item.attempt.delivery_id)
        .bind(&item.attempt.trigger)
        .bind(&item.attempt.triggered_by)
        .bind(item.attempt.started_at)
        .bind(item.attempt.duration_ms)
        .bind(&item.attempt.request_url)
        .bind(&item.attempt.request_headers)
        .bind(&item.attempt.request_body)
        .bind(item.attempt.response_status)
        .bind(&item.attempt.response_headers)
        .bind(&item.attempt.response_body)
        .bind(item.attempt.response_truncated)
        .bind(&item.attempt.error_kind)
        .bind(&item.attempt.error_message)
        .execute(&mut **tx)
        .await?;

    let moved_on = sqlx::query(
            "UPDATE deliveries
             SET status = ?, attempts_made = attempts_made + 1, next_attempt_at = ?, next_trigger = 'scheduled',
                 triggered_by = NULL, lease_until = NULL, last_status_code = COALESCE(?, last_status_code), updated_at = ?
             WHERE id = ? AND version = ?",
        )
        .bind(item.outcome.status)
        .bind(item.outcome.next_attempt_at)
        .bind(item.outcome.last_status_code)
        .bind(item.now)
        .bind(&item.claimed.id)
        .bind(item.claimed.version)
        .execute(&mut **tx)
        .await?;
    if moved_on.rows_affected() == 0 {
        // Someone asked for another attempt while this one ran: record this one's result
        // but leave the request (next_attempt_at, trigger, lease) as it is.
        sqlx::query(
                "UPDATE deliveries
                 SET status = ?, attempts_made = attempts_made + 1, last_status_code = COALESCE(?, last_status_code), updated_at = ?
                 WHERE id = ?",
            )
            .bind(item.outcome.status)
            .bind(item.outcome.last_status_code)
            .bind(item.now)
            .bind(&item.claimed.id)
            .execute(&mut **tx)
            .await?;
    }

    let subscription_update = match item.effect {
        SubscriptionEffect::Succeeded => {
            "UPDATE subscriptions SET failing_since = NULL WHERE id = ? AND failing_since IS NOT NULL"
        }
        SubscriptionEffect::Failed => {
            "UPDATE subscriptions SET failing_since = ? WHERE id = ? AND failing_since IS NULL"
        }
        SubscriptionEffect::Disable(_) => {
            "UPDATE subscriptions SET enabled = 0, disabled_reason = ?, updated_at = ? WHERE id = ? AND enabled = 1"
        }
    };
    let query = sqlx::query(subscription_update);
    let query = match item.effect {
        SubscriptionEffect::Succeeded => query.bind(&item.claimed.subscription_id),
        SubscriptionEffect::Failed => query.bind(item.now).bind(&item.claimed.subscription_id),
        SubscriptionEffect::Disable(reason) => query.bind(reason).bind(item.now).bind(&item.claimed.subscription_id),
    };
    let changed = query.execute(&mut **tx).await?.rows_affected();
    for alert in &item.alerts {
        let came_true = match alert.when {
            AlertCondition::MovedTheDeliveryOn => moved_on.rows_affected() == 1,
            AlertCondition::ChangedTheSubscription => changed == 1,
        };
        if came_true {
            insert_one(tx, &alert.event, new_delivery_id).await?;
        }
    }
    Ok(())
}
