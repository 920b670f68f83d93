//! Events, and the fan-out that creates their deliveries in the same transaction, on SQLite.

use sqlx::QueryBuilder;

use super::Sqlite;
use crate::model::DeliveryStatus;
use crate::store::{EventQuery, EventRecord, FanOut, Inserted, NewEvent};

const COLUMNS: &str = "id, account_id, event_type, payload, idempotency_key, created_at";

impl Sqlite {
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

    pub async fn list_events(&self, account_id: &str, query: &EventQuery<'_>) -> Result<Vec<EventRecord>, sqlx::Error> {
        let by_delivery = query.status.is_some() || query.subscription_id.is_some();
        let mut sql = QueryBuilder::<sqlx::Sqlite>::new("");
        if by_delivery {
            sql.push(
                "SELECT e.id, e.account_id, e.event_type, e.payload, e.idempotency_key, e.created_at
                      FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.account_id = ",
            )
            .push_bind(account_id);
            if let Some(subscription_id) = query.subscription_id {
                sql.push(" AND d.subscription_id = ").push_bind(subscription_id);
            }
            if let Some(status) = query.status {
                sql.push(" AND d.status = ").push_bind(status);
            }
            push_id_range(&mut sql, "d.event_id", query);
        } else {
            sql.push(
                "SELECT e.id, e.account_id, e.event_type, e.payload, e.idempotency_key, e.created_at
                      FROM events e WHERE e.account_id = ",
            )
            .push_bind(account_id);
            push_id_range(&mut sql, "e.id", query);
        }
        if let Some(event_type) = query.event_type {
            sql.push(" AND e.event_type = ").push_bind(event_type);
        }
        if let Some(since) = query.since {
            sql.push(" AND e.created_at >= ").push_bind(since);
        }
        if let Some(until) = query.until {
            sql.push(" AND e.created_at < ").push_bind(until);
        }
        if by_delivery {
            // One row per event however many of its deliveries match; grouping on the index's
            // order keeps this a walk, not a sort.
            sql.push(" GROUP BY d.event_id ORDER BY d.event_id DESC");
        } else {
            sql.push(" ORDER BY e.id DESC");
        }
        sql.push(" LIMIT ").push_bind(query.limit);
        sql.build_query_as().fetch_all(&self.pool).await
    }

    pub async fn has_events(&self, account_id: &str) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM events WHERE account_id = ?)")
            .bind(account_id)
            .fetch_one(&self.pool)
            .await
    }

    pub async fn delivery_counts(
        &self,
        account_id: &str,
        event_ids: &[String],
    ) -> Result<Vec<(String, DeliveryStatus, i64)>, sqlx::Error> {
        if event_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql =
            QueryBuilder::<sqlx::Sqlite>::new("SELECT event_id, status, COUNT(*) FROM deliveries WHERE account_id = ");
        sql.push_bind(account_id).push(" AND event_id IN (");
        let mut ids = sql.separated(", ");
        for id in event_ids {
            ids.push_bind(id);
        }
        sql.push(") GROUP BY event_id, status");
        sql.build_query_as().fetch_all(&self.pool).await
    }
}

/// The event-id bounds of a list: the page's cursor and the ids that bracket its time range.
fn push_id_range(sql: &mut QueryBuilder<'_, sqlx::Sqlite>, column: &str, query: &EventQuery<'_>) {
    if let Some(from) = &query.id_at_least {
        sql.push(format_args!(" AND {column} >= ")).push_bind(from.clone());
    }
    if let Some(below) = &query.id_below {
        sql.push(format_args!(" AND {column} < ")).push_bind(below.clone());
    }
}

pub(super) async fn insert_one(
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
    let (targets, trigger): (Vec<String>, &str) = match &event.fan_out {
        FanOut::Matching | FanOut::Named => {
            // Subscriptions without a filter take every type, but not Hookrelay's own (Named).
            let unfiltered_too = matches!(event.fan_out, FanOut::Matching);
            let targets = sqlx::query_scalar(
                "SELECT s.id FROM subscriptions s
                     WHERE s.account_id = ? AND s.enabled = 1 AND s.deleted_at IS NULL
                       AND (EXISTS (SELECT 1 FROM subscription_event_types f
                                    WHERE f.subscription_id = s.id AND f.event_type = ?)
                            OR (? AND NOT EXISTS (SELECT 1 FROM subscription_event_types f
                                                  WHERE f.subscription_id = s.id)))
                     ORDER BY s.id",
            )
            .bind(&event.record.account_id)
            .bind(&event.record.event_type)
            .bind(unfiltered_too)
            .fetch_all(&mut **tx)
            .await?;
            (targets, "scheduled")
        }
        FanOut::Only { subscription_id, trigger } => (vec![subscription_id.clone()], *trigger),
    };
    if targets.is_empty() && matches!(event.fan_out, FanOut::Named) {
        return Ok(Inserted::Created { deliveries: Vec::new() });
    }
    sqlx::query(&format!("INSERT INTO events ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)"))
        .bind(&event.record.id)
        .bind(&event.record.account_id)
        .bind(&event.record.event_type)
        .bind(&event.record.payload)
        .bind(&event.record.idempotency_key)
        .bind(event.record.created_at)
        .execute(&mut **tx)
        .await?;
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
