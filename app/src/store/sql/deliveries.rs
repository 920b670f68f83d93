//! Reading deliveries and their attempts.

use sqlx::QueryBuilder;

use super::{Backend, Db};
use crate::store::{AttemptRecord, DeliveryFilter, DeliveryRecord};

/// Every read of deliveries: the delivery, its event's type and its subscription's URL and
/// description.
const SELECT: &str = "SELECT d.id, d.event_id, d.subscription_id, d.status, d.attempts_made, d.next_attempt_at,
        d.lease_until, d.last_status_code, d.created_at, d.updated_at, e.event_type, s.url AS subscription_url,
        s.description AS subscription_description
    FROM deliveries d
    LEFT JOIN events e ON e.id = d.event_id
    LEFT JOIN subscriptions s ON s.id = d.subscription_id";
const ATTEMPT_COLUMNS: &str =
    "id, account_id, delivery_id, number, trigger, triggered_by, started_at, duration_ms, request_url, request_headers,
    request_body, response_status, response_headers, response_body, response_truncated, error_kind, error_message";

impl Backend {
    pub async fn find_delivery(&self, account_id: &str, id: &str) -> Result<Option<DeliveryRecord>, sqlx::Error> {
        sqlx::query_as(&format!("{SELECT} WHERE d.account_id = $1 AND d.id = $2"))
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
        // Sorted here, not in SQL: see migration 0004 (an event has a handful of deliveries).
        let mut deliveries: Vec<DeliveryRecord> =
            sqlx::query_as(&format!("{SELECT} WHERE d.account_id = $1 AND d.event_id = $2"))
                .bind(account_id)
                .bind(event_id)
                .fetch_all(&self.pool)
                .await?;
        deliveries.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(deliveries)
    }

    pub async fn list_deliveries(
        &self,
        account_id: &str,
        filter: &DeliveryFilter<'_>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, sqlx::Error> {
        let mut sql = QueryBuilder::<Db>::new(SELECT);
        sql.push(" WHERE d.account_id = ").push_bind(account_id);
        if let Some(subscription_id) = filter.subscription_id {
            sql.push(" AND d.subscription_id = ").push_bind(subscription_id);
        }
        if let Some(event_id) = filter.event_id {
            sql.push(" AND d.event_id = ").push_bind(event_id);
        }
        if let Some(status) = filter.status {
            sql.push(" AND d.status = ").push_bind(status);
        }
        if let Some(before) = before {
            sql.push(" AND d.id < ").push_bind(before);
        }
        sql.push(" ORDER BY d.id DESC LIMIT ").push_bind(i64::from(limit));
        sql.build_query_as().fetch_all(&self.pool).await
    }

    pub async fn attempts_of(
        &self,
        account_id: &str,
        delivery_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AttemptRecord>, sqlx::Error> {
        let mut sql =
            QueryBuilder::<Db>::new(format!("SELECT {ATTEMPT_COLUMNS} FROM attempts WHERE account_id = "));
        sql.push_bind(account_id).push(" AND delivery_id = ").push_bind(delivery_id);
        if let Some(before) = before {
            sql.push(" AND number < (SELECT number FROM attempts WHERE id = ")
                .push_bind(before)
                .push(" AND delivery_id = ")
                .push_bind(delivery_id)
                .push(")");
        }
        sql.push(" ORDER BY number DESC LIMIT ").push_bind(i64::from(limit));
        sql.build_query_as().fetch_all(&self.pool).await
    }
}
