//! The queue's SQL both backends run alike: recording finished attempts (fenced by the claim's
//! lease token), reading claimed deliveries' contexts, ending deliveries without an attempt,
//! the queue's state, and the requests that make a delivery due again. Claiming is each
//! backend's own (`sqlite/claim.rs`, `postgres/claim.rs`).
//!
//! A turn's cost is a handful of statements however many attempts it records: each statement is
//! a round trip, so rows go in many at a time.

use std::collections::{HashMap, HashSet};

use sqlx::QueryBuilder;

use super::events::insert_one;
use super::{Backend, Tx};
use crate::domain::queue::{AlertCondition, AttemptContext, Claimed, Finished, SubscriptionEffect, Turn, Turned, Work};
use crate::store::QueueState;

/// Most rows one statement writes (SQLite takes up to 32,766 bound values; an attempt has 17).
const ROWS_PER_STATEMENT: usize = 256;

impl Backend {
    pub async fn turn<F: FnMut() -> String + Send>(
        &self,
        turn: &Turn<'_>,
        mut new_delivery_id: F,
    ) -> Result<Turned, sqlx::Error> {
        let mut tx = self.turn_transaction().await?;
        record(&mut tx, turn.finished, &mut new_delivery_id).await?;
        let mut accounts: Vec<&str> = turn.finished.iter().map(|item| item.claimed.account_id.as_str()).collect();
        accounts.sort_unstable();
        accounts.dedup();
        self.notify(&mut tx, &accounts, false).await?;
        for claimed in turn.ended {
            end_without_attempt(&mut tx, claimed, turn.now).await?;
        }
        release(&mut tx, turn.released, turn.now).await?;
        let mut turned = Turned::default();
        if let Some(limits) = &turn.claim {
            let claimed = self.claim(&mut tx, turn.now, turn.lease_ms, limits).await?;
            if claimed.len() < limits.limit as usize {
                turned.next_due_at =
                    sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM deliveries WHERE next_attempt_at IS NOT NULL")
                        .fetch_one(&mut *tx)
                        .await?;
            }
            turned.claimed = with_contexts(&mut tx, claimed).await?;
        }
        tx.commit().await?;
        Ok(turned)
    }

    pub async fn queue_state(&self, now: i64) -> Result<QueueState, sqlx::Error> {
        // Due: claimable now (a lease that ran out makes its delivery due again). In flight:
        // held under a live lease. Scheduled: waiting for a later time.
        sqlx::query_as(
            "SELECT
                COUNT(CASE WHEN next_attempt_at <= $1 THEN 1 END) AS due,
                COUNT(CASE WHEN next_attempt_at > $1 AND lease_until > $1 THEN 1 END) AS in_flight,
                COUNT(CASE WHEN next_attempt_at > $1 AND (lease_until IS NULL OR lease_until <= $1) THEN 1 END) AS scheduled,
                MIN(CASE WHEN next_attempt_at <= $1 THEN next_attempt_at END) AS oldest_due_at
             FROM deliveries WHERE next_attempt_at IS NOT NULL",
        )
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
        let mut tx = self.write_transaction().await?;
        let done = sqlx::query(
            "UPDATE deliveries SET next_attempt_at = $1, next_trigger = $2, triggered_by = $3, version = version + 1, updated_at = $4
             WHERE account_id = $5 AND id = $6",
        )
        .bind(now)
        .bind(trigger)
        .bind(triggered_by)
        .bind(now)
        .bind(account_id)
        .bind(delivery_id)
        .execute(&mut *tx)
        .await?;
        let requested = done.rows_affected() == 1;
        match requested {
            true => self.commit_noticed(tx, account_id, true).await?,
            false => tx.rollback().await?,
        }
        Ok(requested)
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
        let mut tx = self.write_transaction().await?;
        let done = sqlx::query(
            "UPDATE deliveries SET next_attempt_at = $1, next_trigger = 'replay', triggered_by = $2, version = version + 1, updated_at = $3
             WHERE account_id = $4 AND subscription_id = $5 AND status = 'failed' AND created_at >= $6 AND created_at < $7",
        )
        .bind(now)
        .bind(triggered_by)
        .bind(now)
        .bind(account_id)
        .bind(subscription_id)
        .bind(since)
        .bind(until)
        .execute(&mut *tx)
        .await?;
        let requested = done.rows_affected();
        match requested {
            0 => tx.rollback().await?,
            _ => self.commit_noticed(tx, account_id, true).await?,
        }
        Ok(requested)
    }
}

/// A claimed delivery's attempt context, read for many at once.
#[derive(sqlx::FromRow)]
struct ContextRow {
    delivery_id: String,
    #[sqlx(flatten)]
    context: AttemptContext,
}

/// Each claimed delivery with its event and subscription, in one read.
pub(super) async fn with_contexts(tx: &mut Tx, claimed: Vec<Claimed>) -> Result<Vec<Work>, sqlx::Error> {
    if claimed.is_empty() {
        return Ok(Vec::new());
    }
    let mut query = QueryBuilder::new(
        "SELECT d.id AS delivery_id, e.event_type, e.created_at AS event_created_at, e.payload,
                s.url, s.headers, s.webhook_id, s.secret, s.previous_secret, s.previous_secret_expires_at,
                (s.enabled AND s.deleted_at IS NULL) AS subscription_active, s.failing_since
         FROM deliveries d JOIN events e ON e.id = d.event_id JOIN subscriptions s ON s.id = d.subscription_id
         WHERE d.id IN (",
    );
    let mut ids = query.separated(", ");
    for item in &claimed {
        ids.push_bind(item.id.clone());
    }
    query.push(")");
    let rows: Vec<ContextRow> = query.build_query_as().fetch_all(&mut **tx).await?;
    let mut contexts: HashMap<String, AttemptContext> =
        rows.into_iter().map(|row| (row.delivery_id, row.context)).collect();
    Ok(claimed
        .into_iter()
        .map(|claimed| {
            let context = contexts.remove(&claimed.id);
            Work { claimed, context }
        })
        .collect())
}

pub(super) async fn end_without_attempt(tx: &mut Tx, claimed: &Claimed, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE deliveries SET status = 'failed', next_attempt_at = NULL, next_trigger = 'scheduled',
             triggered_by = NULL, lease_until = NULL, updated_at = $1
         WHERE id = $2 AND version = $3 AND lease_token = $4",
    )
    .bind(now)
    .bind(&claimed.id)
    .bind(claimed.version)
    .bind(claimed.lease_token)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// Records finished attempts, in order, as if one at a time, in a few statements: the attempts
/// in one INSERT, their deliveries moved on in one UPDATE, one write per subscription whose run
/// of failures began or ended, then what is rare (a second attempt of one delivery in the same
/// turn, a disabled subscription, an alert) one by one.
pub(super) async fn record(
    tx: &mut Tx,
    finished: &[Finished],
    new_delivery_id: &mut impl FnMut() -> String,
) -> Result<(), sqlx::Error> {
    if finished.is_empty() {
        return Ok(());
    }
    // Which of this turn's attempts of its delivery each one is (a redeliver asked for during
    // an attempt can be claimed and finish in the same turn): its number counts the earlier ones.
    let mut seen: HashMap<&str, i64> = HashMap::new();
    let nth: Vec<i64> = finished
        .iter()
        .map(|item| {
            let count = seen.entry(item.claimed.id.as_str()).or_insert(0);
            *count += 1;
            *count
        })
        .collect();
    let items: Vec<(&Finished, i64)> = finished.iter().zip(nth.iter().copied()).collect();
    for chunk in items.chunks(ROWS_PER_STATEMENT) {
        insert_attempts(tx, chunk).await?;
    }

    // Each delivery moves on unless someone asked for another attempt while this one ran.
    let mut moved = vec![false; finished.len()];
    let firsts: Vec<usize> = (0..finished.len()).filter(|&i| nth[i] == 1).collect();
    for chunk in firsts.chunks(ROWS_PER_STATEMENT) {
        let done = move_on(tx, chunk.iter().map(|&i| &finished[i])).await?;
        for &i in chunk {
            moved[i] = done.contains(&finished[i].claimed.id);
        }
    }
    for &i in &firsts {
        if !moved[i] {
            keep_request(tx, &finished[i]).await?;
        }
    }
    for i in (0..finished.len()).filter(|&i| nth[i] > 1) {
        moved[i] = !move_on(tx, std::iter::once(&finished[i])).await?.is_empty();
        if !moved[i] {
            keep_request(tx, &finished[i]).await?;
        }
    }

    for (subscription_id, change) in failure_runs(finished) {
        change.write(tx, subscription_id).await?;
    }
    let mut changed = vec![false; finished.len()];
    for (i, item) in finished.iter().enumerate() {
        if let SubscriptionEffect::Disable(reason) = item.effect {
            changed[i] = sqlx::query(
                "UPDATE subscriptions SET enabled = FALSE, disabled_reason = $1, updated_at = $2 WHERE id = $3 AND enabled",
            )
            .bind(reason)
            .bind(item.now)
            .bind(&item.claimed.subscription_id)
            .execute(&mut **tx)
            .await?
            .rows_affected()
                == 1;
        }
    }

    for (i, item) in finished.iter().enumerate() {
        for alert in &item.alerts {
            let came_true = match alert.when {
                AlertCondition::MovedTheDeliveryOn => moved[i],
                AlertCondition::ChangedTheSubscription => changed[i],
            };
            if came_true {
                insert_one(tx, &alert.event, new_delivery_id).await?;
            }
        }
    }
    Ok(())
}

async fn insert_attempts(tx: &mut Tx, items: &[(&Finished, i64)]) -> Result<(), sqlx::Error> {
    let mut query = QueryBuilder::new(
        "INSERT INTO attempts (id, account_id, delivery_id, number, trigger, triggered_by, started_at, duration_ms,
            request_url, request_headers, request_body, response_status, response_headers, response_body,
            response_truncated, error_kind, error_message) ",
    );
    query.push_values(items, |mut row, (item, nth)| {
        let attempt = &item.attempt;
        row.push_bind(&attempt.id)
            .push_bind(&attempt.account_id)
            .push_bind(&attempt.delivery_id)
            .push("(SELECT attempts_made FROM deliveries WHERE id = ")
            .push_bind_unseparated(&attempt.delivery_id)
            .push_unseparated(") + ")
            .push_bind_unseparated(*nth)
            .push_bind(&attempt.trigger)
            .push_bind(&attempt.triggered_by)
            .push_bind(attempt.started_at)
            .push_bind(attempt.duration_ms)
            .push_bind(&attempt.request_url)
            .push_bind(&attempt.request_headers)
            .push_bind(&attempt.request_body)
            .push_bind(attempt.response_status)
            .push_bind(&attempt.response_headers)
            .push_bind(&attempt.response_body)
            .push_bind(attempt.response_truncated)
            .push_bind(attempt.error_kind)
            .push_bind(&attempt.error_message);
    });
    query.build().execute(&mut **tx).await.map(|_| ())
}

/// Moves each attempt's delivery to its next state if nobody asked for another attempt since
/// it was claimed (its version is the claim's) and nobody claimed it again after its lease ran
/// out (its lease token is the claim's); the ids of those it moved.
async fn move_on<'a>(tx: &mut Tx, items: impl Iterator<Item = &'a Finished>) -> Result<HashSet<String>, sqlx::Error> {
    let mut query =
        QueryBuilder::new("WITH done (delivery_id, claimed_version, lease_token, status, next_attempt_at, status_code, at) AS (");
    query.push_values(items, |mut row, item| {
        row.push_bind(&item.claimed.id)
            .push_bind(item.claimed.version)
            .push_bind(item.claimed.lease_token)
            .push_bind(item.outcome.status)
            .push_bind(item.outcome.next_attempt_at)
            .push_bind(item.outcome.last_status_code)
            .push_bind(item.now);
    });
    query.push(
        ") UPDATE deliveries
         SET status = done.status, attempts_made = deliveries.attempts_made + 1,
             next_attempt_at = done.next_attempt_at, next_trigger = 'scheduled', triggered_by = NULL,
             lease_until = NULL, last_status_code = COALESCE(done.status_code, deliveries.last_status_code),
             updated_at = done.at
         FROM done WHERE deliveries.id = done.delivery_id AND deliveries.version = done.claimed_version
             AND deliveries.lease_token = done.lease_token
         RETURNING deliveries.id",
    );
    let ids: Vec<String> = query.build_query_scalar().fetch_all(&mut **tx).await?;
    Ok(ids.into_iter().collect())
}

/// Records the attempt on a delivery someone asked to attempt again meanwhile, leaving that
/// request (its due time, trigger and lease) as it is. A holder whose delivery was claimed again
/// (its lease ran out) only counts its attempt: where the delivery stands is the new holder's.
async fn keep_request(tx: &mut Tx, item: &Finished) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE deliveries
         SET attempts_made = attempts_made + 1,
             status = CASE WHEN lease_token = $1 THEN $2 ELSE status END,
             last_status_code = CASE WHEN lease_token = $1 THEN COALESCE($3, last_status_code) ELSE last_status_code END,
             updated_at = $4
         WHERE id = $5",
    )
    .bind(item.claimed.lease_token)
    .bind(item.outcome.status)
    .bind(item.outcome.last_status_code)
    .bind(item.now)
    .bind(&item.claimed.id)
    .execute(&mut **tx)
    .await
    .map(|_| ())
}

/// What a turn's attempts do to one subscription's run of failures (`failing_since`), as if
/// written one at a time: a success ends the run, a failure starts one if none is running.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
struct FailureRun {
    /// A success came after which the run is known to be over.
    ended: bool,
    /// The first failure after that (or in the turn), which starts a run if none is running.
    started_at: Option<i64>,
}

impl FailureRun {
    async fn write(self, tx: &mut Tx, subscription_id: &str) -> Result<(), sqlx::Error> {
        let query = match (self.ended, self.started_at) {
            (true, Some(at)) => sqlx::query("UPDATE subscriptions SET failing_since = $1 WHERE id = $2").bind(at),
            (false, Some(at)) => {
                sqlx::query("UPDATE subscriptions SET failing_since = $1 WHERE id = $2 AND failing_since IS NULL")
                    .bind(at)
            }
            (true, None) => {
                sqlx::query("UPDATE subscriptions SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL")
            }
            (false, None) => return Ok(()),
        };
        query.bind(subscription_id).execute(&mut **tx).await.map(|_| ())
    }
}

/// Each subscription's [`FailureRun`] over the turn, in the order they first appear. (Disabling
/// leaves `failing_since` alone, so it is written apart.)
fn failure_runs(finished: &[Finished]) -> Vec<(&str, FailureRun)> {
    let mut runs: Vec<(&str, FailureRun)> = Vec::new();
    for item in finished {
        let id = item.claimed.subscription_id.as_str();
        let position = match runs.iter().position(|(seen, _)| *seen == id) {
            Some(position) => position,
            None => {
                runs.push((id, FailureRun::default()));
                runs.len() - 1
            }
        };
        let run = &mut runs[position].1;
        match item.effect {
            SubscriptionEffect::Succeeded => *run = FailureRun { ended: true, started_at: None },
            SubscriptionEffect::Failed => {
                run.started_at.get_or_insert(item.now);
            }
            SubscriptionEffect::Disable(_) => {}
        }
    }
    runs
}

/// Makes deliveries given back unattempted due at once, each only if the claim that gives it
/// back is still the one that holds it (the same lease token): one whose lease ran out and
/// was claimed again stays the new holder's.
async fn release(tx: &mut Tx, released: &[Claimed], now: i64) -> Result<(), sqlx::Error> {
    for claimed in released {
        sqlx::query(
            "UPDATE deliveries SET lease_until = NULL, next_attempt_at = $1
             WHERE id = $2 AND lease_token = $3 AND lease_until IS NOT NULL",
        )
        .bind(now)
        .bind(&claimed.id)
        .bind(claimed.lease_token)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}
