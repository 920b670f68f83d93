//! The delivery queue: claiming due deliveries with a lease, recording the outcome of an
//! attempt, and the requests that make a delivery due again (redeliver, replay). All of the
//! queue's concurrency rules live here, so that another database is another version of this
//! file. SQLite has one writer at a time, so a claim is a single UPDATE … RETURNING.

use sqlx::QueryBuilder;

use super::events::{insert_one, NewEvent};
use super::Store;

/// A delivery the worker now holds.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: String,
    pub account_id: String,
    pub event_id: String,
    pub subscription_id: String,
    pub status: String,
    pub attempts_made: i64,
    pub next_trigger: String,
    pub triggered_by: Option<String>,
    pub version: i64,
}

/// What an attempt needs to know about its event and subscription.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptContext {
    pub event_type: String,
    pub event_created_at: i64,
    pub payload: Option<String>,
    pub url: String,
    pub headers: String,
    pub webhook_id: Option<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<i64>,
    pub subscription_active: bool,
    pub failing_since: Option<i64>,
}

/// An attempt as it is stored.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptRecord {
    pub id: String,
    pub account_id: String,
    pub delivery_id: String,
    /// 1 for the first attempt of a delivery; assigned when the attempt is recorded.
    pub number: i64,
    pub trigger: String,
    pub triggered_by: Option<String>,
    pub started_at: i64,
    pub duration_ms: i64,
    pub request_url: String,
    pub request_headers: String,
    pub request_body: Option<String>,
    pub response_status: Option<i64>,
    pub response_headers: Option<String>,
    pub response_body: Option<String>,
    pub response_truncated: bool,
    pub error_kind: Option<String>,
    pub error_message: Option<String>,
}

/// Where a delivery goes after an attempt.
#[derive(Debug, Clone)]
pub struct DeliveryOutcome {
    /// `succeeded`, `retrying` or `failed`.
    pub status: &'static str,
    pub next_attempt_at: Option<i64>,
    pub last_status_code: Option<i64>,
}

/// What an attempt does to its subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionEffect {
    /// A success ends any run of failures.
    Succeeded,
    /// A failure starts (or continues) a run of failures.
    Failed,
    /// Disable it, with this reason (`gone`, `failing`).
    Disable(&'static str),
}

impl Store {
    /// Claims due deliveries, holding each until `now + lease_ms`, within `limits`: no
    /// subscription and no account ends up with more in flight than its limit, counting what
    /// the worker already holds. Accounts take turns (each one's earliest due delivery first,
    /// then each one's second, ...), so one account with a deep queue cannot fill every slot.
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
        push_not_saturated(&mut query, "subscription_id", limits.busy_subscriptions, limits.per_subscription);
        push_not_saturated(&mut query, "account_id", limits.busy_accounts, limits.per_account);
        query.push(" ORDER BY next_attempt_at LIMIT ").push_bind(scan);
        query.push(")) AS ranked WHERE nth + ");
        push_busy(&mut query, "subscription_id", limits.busy_subscriptions);
        query.push(" <= ").push_bind(limits.per_subscription);
        query.push(" AND nth_of_account + ");
        push_busy(&mut query, "account_id", limits.busy_accounts);
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

    /// Stores finished attempts and moves their deliveries (and maybe subscriptions) on, all in
    /// one transaction: one commit for many attempts is what lets the worker keep up with a
    /// fast receiver.
    /// `new_delivery_id` names the deliveries of the alerts they raise.
    pub async fn record_attempts(
        &self,
        finished: &[Finished],
        mut new_delivery_id: impl FnMut() -> String,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        for item in finished {
            record_one(&mut tx, item, &mut new_delivery_id).await?;
        }
        tx.commit().await
    }

    /// Ends a delivery without an attempt (its subscription is disabled or gone).
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

    /// Makes claimed deliveries due again at once (shutdown with attempts unfinished).
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

    /// At start-up: a claim held by a process that is gone is due again now. One SQLite file has
    /// one server, so every lease found at start-up is a dead process's.
    pub async fn release_all_leases(&self, now: i64) -> Result<u64, sqlx::Error> {
        let done =
            sqlx::query("UPDATE deliveries SET lease_until = NULL, next_attempt_at = ? WHERE lease_until IS NOT NULL")
                .bind(now)
                .execute(&self.writer)
                .await?;
        Ok(done.rows_affected())
    }

    /// When the next delivery falls due (a retry, or a claim running out), if any.
    pub async fn next_due_at(&self) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM deliveries WHERE next_attempt_at IS NOT NULL")
            .fetch_one(&self.pool)
            .await
    }

    /// How many deliveries await an attempt, by state: `due` now, `scheduled` for later, or
    /// `in_flight` (claimed). Walks only the queue's own index, however long the history.
    pub async fn queue_depth(&self, now: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT CASE WHEN lease_until IS NOT NULL THEN 'in_flight' WHEN next_attempt_at <= ? THEN 'due' ELSE 'scheduled' END AS state,
                    COUNT(*)
             FROM deliveries WHERE next_attempt_at IS NOT NULL GROUP BY state",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await
    }

    /// When the longest-waiting due, unclaimed delivery fell due (the worker's lag).
    pub async fn oldest_due_at(&self, now: i64) -> Result<Option<i64>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT MIN(next_attempt_at) FROM deliveries WHERE next_attempt_at <= ? AND lease_until IS NULL",
        )
        .bind(now)
        .fetch_one(&self.pool)
        .await
    }

    /// Asks for an attempt now, whatever the delivery's state; false if no such delivery.
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

    /// Asks for a `replay` attempt of every failed delivery of a subscription created within
    /// `[since, until)`; returns how many.
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

/// How much a claim may take.
#[derive(Debug, Clone, Copy)]
pub struct ClaimLimits<'a> {
    /// Most deliveries in this claim (the worker's free slots).
    pub limit: u32,
    pub per_subscription: u32,
    pub per_account: u32,
    /// What the worker holds already: (subscription id, count), (account id, count).
    pub busy_subscriptions: &'a [(String, u32)],
    pub busy_accounts: &'a [(String, u32)],
}

/// ` AND <column> NOT IN (…)`: the keys already at `limit`.
fn push_not_saturated(query: &mut QueryBuilder<'_, sqlx::Sqlite>, column: &str, busy: &[(String, u32)], limit: u32) {
    let saturated: Vec<&String> = busy.iter().filter(|(_, n)| *n >= limit).map(|(id, _)| id).collect();
    if saturated.is_empty() {
        return;
    }
    query.push(format!(" AND {column} NOT IN ("));
    let mut list = query.separated(", ");
    for id in saturated {
        list.push_bind(id.clone());
    }
    query.push(")");
}

/// How many the worker already holds for the ranked row's `column` (0 if none).
fn push_busy(query: &mut QueryBuilder<'_, sqlx::Sqlite>, column: &str, busy: &[(String, u32)]) {
    if busy.is_empty() {
        query.push("0");
        return;
    }
    query.push("COALESCE((SELECT busy.column2 FROM (VALUES ");
    let mut rows = query.separated(", ");
    for (id, n) in busy {
        rows.push("(")
            .push_bind_unseparated(id.clone())
            .push_unseparated(", ")
            .push_bind_unseparated(*n)
            .push_unseparated(")");
    }
    query.push(format!(") AS busy WHERE busy.column1 = ranked.{column}), 0)"));
}

/// One finished attempt, ready to be recorded.
#[derive(Debug, Clone)]
pub struct Finished {
    pub claimed: Claimed,
    pub attempt: AttemptRecord,
    pub outcome: DeliveryOutcome,
    pub effect: SubscriptionEffect,
    pub now: i64,
    /// Hookrelay's own events this attempt raises, written in the same transaction, each only
    /// if what it reports did happen (see `record_one`).
    pub alerts: Alerts,
}

#[derive(Debug, Clone, Default)]
pub struct Alerts {
    /// Published if the delivery did end `failed` with this attempt.
    pub delivery_failed: Option<NewEvent>,
    /// Published if this attempt is what disabled the subscription.
    pub subscription_disabled: Option<NewEvent>,
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
    // Only the attempt that ended the delivery on its schedule reports it failed: when another
    // attempt was asked for meanwhile, the delivery is not over.
    if let (Some(alert), "failed", 1) = (&item.alerts.delivery_failed, item.outcome.status, moved_on.rows_affected()) {
        insert_one(tx, alert, new_delivery_id).await?;
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
    // Only the attempt that did disable it reports so (another may have got there first).
    if let (Some(alert), SubscriptionEffect::Disable(_), 1) = (&item.alerts.subscription_disabled, item.effect, changed)
    {
        insert_one(tx, alert, new_delivery_id).await?;
    }
    Ok(())
}
