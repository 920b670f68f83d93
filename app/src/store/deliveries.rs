//! Reading deliveries and their attempts.

use super::{AttemptRecord, Store};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRecord {
    pub id: String,
    pub event_id: String,
    pub subscription_id: String,
    pub status: String,
    pub attempts_made: i64,
    pub next_attempt_at: Option<i64>,
    pub lease_until: Option<i64>,
    pub last_status_code: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Filters of a delivery list.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter<'a> {
    pub subscription_id: Option<&'a str>,
    pub event_id: Option<&'a str>,
    pub status: Option<&'a str>,
}

const COLUMNS: &str =
    "id, event_id, subscription_id, status, attempts_made, next_attempt_at, lease_until, last_status_code, created_at, updated_at";
const ATTEMPT_COLUMNS: &str =
    "id, account_id, delivery_id, number, trigger, triggered_by, started_at, duration_ms, request_url, request_headers,
    request_body, response_status, response_headers, response_body, response_truncated, error_kind, error_message";

impl Store {
    pub async fn find_delivery(&self, account_id: &str, id: &str) -> Result<Option<DeliveryRecord>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM deliveries WHERE account_id = ? AND id = ?"))
            .bind(account_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn deliveries_of_event(
        &self,
        account_id: &str,
        event_id: &str,
    ) -> Result<Vec<DeliveryRecord>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM deliveries WHERE account_id = ? AND event_id = ? ORDER BY id"))
            .bind(account_id)
            .bind(event_id)
            .fetch_all(&self.pool)
            .await
    }

    /// Newest first.
    pub async fn list_deliveries(
        &self,
        account_id: &str,
        filter: &DeliveryFilter<'_>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM deliveries
             WHERE account_id = ?
               AND (? IS NULL OR subscription_id = ?)
               AND (? IS NULL OR event_id = ?)
               AND (? IS NULL OR status = ?)
               AND (? IS NULL OR id < ?)
             ORDER BY id DESC LIMIT ?"
        ))
        .bind(account_id)
        .bind(filter.subscription_id)
        .bind(filter.subscription_id)
        .bind(filter.event_id)
        .bind(filter.event_id)
        .bind(filter.status)
        .bind(filter.status)
        .bind(before)
        .bind(before)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn attempts_of(&self, account_id: &str, delivery_id: &str) -> Result<Vec<AttemptRecord>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE account_id = ? AND delivery_id = ? ORDER BY number"
        ))
        .bind(account_id)
        .bind(delivery_id)
        .fetch_all(&self.pool)
        .await
    }
}
