//! The figures of the dashboard's overview, read from the attempts.

use crate::model::AttemptErrorKind;

/// A failed attempt with what is needed to show and link it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct FailureRecord {
    pub attempt_id: String,
    pub delivery_id: String,
    pub event_id: String,
    pub event_type: Option<String>,
    pub subscription_id: String,
    pub subscription_url: Option<String>,
    pub started_at: i64,
    pub response_status: Option<i64>,
    pub error_kind: AttemptErrorKind,
    pub error_message: Option<String>,
}

operations! {
    /// Attempts started at or after `since`, per hour: `(hour start, succeeded, failed)`.
    /// An attempt failed when it has an error kind (a non-2xx answer is kind `status`).
    pub async fn attempts_per_hour(&self, account_id: &str, since: i64) -> Result<Vec<(i64, i64, i64)>, sqlx::Error>;
    /// The newest failed attempts started at or after `since`.
    pub async fn recent_failures(
        &self,
        account_id: &str,
        since: i64,
        limit: u32,
    ) -> Result<Vec<FailureRecord>, sqlx::Error>;
}
