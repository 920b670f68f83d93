//! Reading deliveries and their attempts.

use crate::model::{AttemptErrorKind, DeliveryStatus};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryRecord {
    pub id: String,
    pub event_id: String,
    pub subscription_id: String,
    pub status: DeliveryStatus,
    pub attempts_made: i64,
    pub next_attempt_at: Option<i64>,
    pub lease_until: Option<i64>,
    pub last_status_code: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    /// From the event and the subscription, for showing a delivery without more look-ups.
    pub event_type: Option<String>,
    pub subscription_url: Option<String>,
    pub subscription_description: Option<String>,
}

/// Filters of a delivery list.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter<'a> {
    pub subscription_id: Option<&'a str>,
    pub event_id: Option<&'a str>,
    pub status: Option<DeliveryStatus>,
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
    pub error_kind: Option<AttemptErrorKind>,
    pub error_message: Option<String>,
}

operations! {
    pub async fn find_delivery(&self, account_id: &str, id: &str) -> Result<Option<DeliveryRecord>, sqlx::Error>;
    pub async fn deliveries_of_event(
        &self,
        account_id: &str,
        event_id: &str,
    ) -> Result<Vec<DeliveryRecord>, sqlx::Error>;
    /// Newest first.
    pub async fn list_deliveries(
        &self,
        account_id: &str,
        filter: &DeliveryFilter<'_>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<DeliveryRecord>, sqlx::Error>;
    /// A delivery's attempts, newest (highest number) first: up to `limit`, older than the
    /// attempt `before` if given. One read stays bounded however often a delivery was retried.
    pub async fn attempts_of(
        &self,
        account_id: &str,
        delivery_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<AttemptRecord>, sqlx::Error>;
}
