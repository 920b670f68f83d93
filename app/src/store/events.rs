//! Events, and the fan-out that creates their deliveries in the same transaction.

use super::{is_unique_violation, Store};

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
pub enum FanOut<'a> {
    /// Every enabled subscription of the account whose filter takes the event's type.
    Matching,
    /// Exactly this subscription (test events), with this trigger.
    Only { subscription_id: &'a str, trigger: &'a str },
}

pub enum Inserted {
    /// `(delivery id, subscription id)` of each delivery made.
    Created { deliveries: Vec<(String, String)> },
    /// The idempotency key was used within the window: the first event's id.
    Existing { event_id: String },
}

const COLUMNS: &str = "id, account_id, event_type, payload, idempotency_key, created_at";

impl Store {
    /// Stores an event and one pending delivery per target subscription, atomically: once this
    /// returns `Created`, the deliveries are durable and due now. `new_delivery_id` names them.
    pub async fn insert_event(
        &self,
        event: &EventRecord,
        fan_out: FanOut<'_>,
        idempotency_since: i64,
        mut new_delivery_id: impl FnMut() -> String,
    ) -> Result<Inserted, sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        if let Some(key) = &event.idempotency_key {
            let existing: Option<(String, i64)> = sqlx::query_as(
                "SELECT id, created_at FROM events WHERE account_id = ? AND idempotency_key = ?",
            )
            .bind(&event.account_id)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?;
            match existing {
                Some((event_id, created_at)) if created_at >= idempotency_since => {
                    return Ok(Inserted::Existing { event_id });
                }
                // Older than the window: the key is free again.
                Some((event_id, _)) => {
                    sqlx::query("UPDATE events SET idempotency_key = NULL WHERE id = ?")
                        .bind(event_id)
                        .execute(&mut *tx)
                        .await?;
                }
                None => {}
            }
        }
        let inserted = sqlx::query(&format!("INSERT INTO events ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"))
            .bind(&event.id)
            .bind(&event.account_id)
            .bind(&event.event_type)
            .bind(&event.payload)
            .bind(&event.idempotency_key)
            .bind(event.created_at)
            .execute(&mut *tx)
            .await;
        if let Err(error) = inserted {
            // Two publishers raced with one key; the other one won.
            if is_unique_violation(&error) {
                drop(tx);
                if let Some(key) = &event.idempotency_key {
                    if let Some(existing) = self.find_event_by_idempotency_key(&event.account_id, key).await? {
                        return Ok(Inserted::Existing { event_id: existing.id });
                    }
                }
            }
            return Err(error);
        }

        let (targets, trigger): (Vec<String>, &str) = match fan_out {
            FanOut::Matching => (
                sqlx::query_scalar(
                    "SELECT s.id FROM subscriptions s
                     WHERE s.account_id = ? AND s.enabled = 1 AND s.deleted_at IS NULL
                       AND (NOT EXISTS (SELECT 1 FROM subscription_event_types f WHERE f.subscription_id = s.id)
                            OR EXISTS (SELECT 1 FROM subscription_event_types f
                                       WHERE f.subscription_id = s.id AND f.event_type = ?))
                     ORDER BY s.id",
                )
                .bind(&event.account_id)
                .bind(&event.event_type)
                .fetch_all(&mut *tx)
                .await?,
                "scheduled",
            ),
            FanOut::Only { subscription_id, trigger } => (vec![subscription_id.to_string()], trigger),
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
            .bind(&event.account_id)
            .bind(&event.id)
            .bind(&subscription_id)
            .bind(event.created_at)
            .bind(trigger)
            .bind(event.created_at)
            .bind(event.created_at)
            .execute(&mut *tx)
            .await?;
            deliveries.push((id, subscription_id));
        }
        tx.commit().await?;
        Ok(Inserted::Created { deliveries })
    }

    pub async fn find_event(&self, account_id: &str, id: &str) -> Result<Option<EventRecord>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM events WHERE account_id = ? AND id = ?"))
            .bind(account_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    async fn find_event_by_idempotency_key(&self, account_id: &str, key: &str) -> Result<Option<EventRecord>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM events WHERE account_id = ? AND idempotency_key = ?"))
            .bind(account_id)
            .bind(key)
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
