//! Events, and the fan-out that creates their deliveries in the same transaction.

use super::Store;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRecord {
    pub id: String,
    pub account_id: String,
    pub event_type: String,
    /// JSON text of `data`; `None` once purged.
    pub payload: Option<String>,
    pub idempotency_key: Option<String>,
    pub created_at: i64,
}

/// Where an event's deliveries go.
#[derive(Debug, Clone)]
pub enum FanOut {
    /// Every enabled subscription of the account whose filter takes the event's type.
    Matching,
    /// Exactly this subscription (test events), with this trigger.
    Only { subscription_id: String, trigger: &'static str },
}

/// An event to store, with its fan-out and the start of its idempotency window.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub record: EventRecord,
    pub fan_out: FanOut,
    pub idempotency_since: i64,
}

pub enum Inserted {
    /// `(delivery id, subscription id)` of each delivery made.
    Created { deliveries: Vec<(String, String)> },
    /// The idempotency key was used within the window: the first event's id.
    Existing { event_id: String },
}

const COLUMNS: &str = "id, account_id, event_type, payload, idempotency_key, created_at";

impl Store {
    /// Stores events, each with one pending delivery per target subscription, in one
    /// transaction: once this returns, all of them are durable and their deliveries due now.
    /// Many publishes share one commit, which is what makes ingest fast on SQLite.
    /// `new_delivery_id` names the deliveries.
    pub async fn insert_events(
        &self,
        events: &[NewEvent],
        mut new_delivery_id: impl FnMut() -> String,
    ) -> Result<Vec<Inserted>, sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        let mut results = Vec::with_capacity(events.len());
        for event in events {
            results.push(insert_one(&mut tx, event, &mut new_delivery_id).await?);
        }
        tx.commit().await?;
        Ok(results)
    }

    pub async fn find_event(&self, account_id: &str, id: &str) -> Result<Option<EventRecord>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM events WHERE account_id = ? AND id = ?"))
            .bind(account_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    /// Newest first, optionally of one type and within `[since, until)` (Unix ms).
    pub async fn list_events(
        &self,
        account_id: &str,
        event_type: Option<&str>,
        since: Option<i64>,
        until: Option<i64>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<EventRecord>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM events
             WHERE account_id = ?
               AND (? IS NULL OR event_type = ?)
               AND (? IS NULL OR created_at >= ?)
               AND (? IS NULL OR created_at < ?)
               AND (? IS NULL OR id < ?)
             ORDER BY id DESC LIMIT ?"
        ))
        .bind(account_id)
        .bind(event_type)
        .bind(event_type)
        .bind(since)
        .bind(since)
        .bind(until)
        .bind(until)
        .bind(before)
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }
}

async fn insert_one(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    event: &NewEvent,
    new_delivery_id: &mut impl FnMut() -> String,
) -> Result<Inserted, sqlx::Error> {
    if let Some(key) = &event.record.idempotency_key {
        let existing: Option<(String, i64)> =
            sqlx::query_as("SELECT id, created_at FROM events WHERE account_id = ? AND idempotency_key = ?")
                .bind(&event.record.account_id)
                .bind(key)
                .fetch_optional(&mut **tx)
                .await?;
        match existing {
            Some((event_id, created_at)) if created_at >= event.idempotency_since => {
                return Ok(Inserted::Existing { event_id });
            }
            // Older than the window: the key is free again.
            Some((event_id, _)) => {
                sqlx::query("UPDATE events SET idempotency_key = NULL WHERE id = ?")
                    .bind(event_id)
                    .execute(&mut **tx)
                    .await?;
            }
            None => {}
        }
    }
    // The writer connection serialises these transactions, so the check above cannot race
    // another publisher with the same key (a server with concurrent writers must handle the
    // unique violation instead).
    sqlx::query(&format!("INSERT INTO events ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"))
        .bind(&event.record.id)
        .bind(&event.record.account_id)
        .bind(&event.record.event_type)
        .bind(&event.record.payload)
        .bind(&event.record.idempotency_key)
        .bind(event.record.created_at)
        .execute(&mut **tx)
        .await?;
    let (targets, trigger): (Vec<String>, &str) = match &event.fan_out {
        FanOut::Matching => (
            sqlx::query_scalar(
                "SELECT s.id FROM subscriptions s
                     WHERE s.account_id = ? AND s.enabled = 1 AND s.deleted_at IS NULL
                       AND (NOT EXISTS (SELECT 1 FROM subscription_event_types f WHERE f.subscription_id = s.id)
                            OR EXISTS (SELECT 1 FROM subscription_event_types f
                                       WHERE f.subscription_id = s.id AND f.event_type = ?))
                     ORDER BY s.id",
            )
            .bind(&event.record.account_id)
            .bind(&event.record.event_type)
            .fetch_all(&mut **tx)
            .await?,
            "scheduled",
        ),
        FanOut::Only { subscription_id, trigger } => (vec![subscription_id.clone()], *trigger),
    };
    let mut deliveries = Vec::with_capacity(targets.len());
    for subscription_id in targets {
        let id = new_delivery_id();
        sqlx::query(
                "INSERT INTO deliveries
                   (id, account_id, event_id, subscription_id, status, next_attempt_at, next_trigger, created_at, updated_at)
                 VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)",
            )
            .bind(&id)
            .bind(&event.record.account_id)
            .bind(&event.record.id)
            .bind(&subscription_id)
            .bind(event.record.created_at)
            .bind(trigger)
            .bind(event.record.created_at)
            .bind(event.record.created_at)
            .execute(&mut **tx)
            .await?;
        deliveries.push((id, subscription_id));
    }
    Ok(Inserted::Created { deliveries })
}
