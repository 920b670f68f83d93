//! The figures of the dashboard's overview: deliveries by the hour they were made and where they
//! stand now, and failed attempts grouped by what they met.

use crate::model::{AttemptErrorKind, DeliveryStatus};

/// How many deliveries to one subscription, made in one hour, stand at one status.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DeliveryHourRecord {
    pub subscription_id: String,
    /// The hour's start, Unix milliseconds.
    pub hour: i64,
    pub status: DeliveryStatus,
    pub count: i64,
}

/// Failed attempts to one subscription with the same status code and error kind, and the most
/// recent of them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FailureGroupRecord {
    pub subscription_id: String,
    pub response_status: Option<i64>,
    pub error_kind: AttemptErrorKind,
    pub deliveries: i64,
    pub attempts: i64,
    pub first_at: i64,
    pub latest_attempt_id: String,
    pub latest_delivery_id: String,
    pub latest_event_id: String,
    pub latest_at: i64,
    pub latest_message: Option<String>,
}

operations! {
    /// Deliveries (of one subscription, or of all) of events whose id is at or above
    /// `since_event_id` (ids sort by time), counted per subscription, per hour and per status.
    /// The hour is the event's, from its id, to the nearest 33 seconds: a delivery is made with
    /// its event, and the id is in the index where the made time is not.
    pub async fn deliveries_per_hour(
        &self,
        account_id: &str,
        subscription_id: Option<&str>,
        since_event_id: &str,
    ) -> Result<Vec<DeliveryHourRecord>, sqlx::Error>;
    /// Failed attempts (to one subscription, or to any) started at or after `since`, grouped by
    /// subscription, status code and error kind; the groups with the most recent attempt first,
    /// at most `limit`.
    pub async fn failure_groups(
        &self,
        account_id: &str,
        subscription_id: Option<&str>,
        since: i64,
        limit: u32,
    ) -> Result<Vec<FailureGroupRecord>, sqlx::Error>;
}
