//! Subscriptions of an account and their event-type filters.

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SubscriptionRecord {
    pub id: String,
    pub url: String,
    pub description: String,
    /// JSON object of custom headers.
    pub headers: String,
    pub webhook_id: Option<String>,
    pub enabled: bool,
    pub disabled_reason: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    /// When the current run of failed attempts began; `None` after a success.
    pub failing_since: Option<i64>,
    /// Filled from `subscription_event_types`.
    #[sqlx(skip)]
    pub event_types: Vec<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SecretsRecord {
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<i64>,
}

operations! {
    pub async fn insert_subscription(
        &self,
        account_id: &str,
        record: &SubscriptionRecord,
        secret: &str,
    ) -> Result<(), sqlx::Error>;
    pub async fn find_subscription(
        &self,
        account_id: &str,
        id: &str,
    ) -> Result<Option<SubscriptionRecord>, sqlx::Error>;
    /// Newest first; `before` is the id of the last row of the previous page.
    pub async fn list_subscriptions(
        &self,
        account_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<SubscriptionRecord>, sqlx::Error>;
    /// Subscriptions that are disabled or in a run of failures, the longest-failing first.
    pub async fn troubled_subscriptions(&self, account_id: &str) -> Result<Vec<SubscriptionRecord>, sqlx::Error>;
    /// Replaces the editable fields; false when the subscription does not exist in the account.
    pub async fn update_subscription(&self, account_id: &str, record: &SubscriptionRecord) -> Result<bool, sqlx::Error>;
    pub async fn delete_subscription(&self, account_id: &str, id: &str, now: i64) -> Result<bool, sqlx::Error>;
    pub async fn subscription_secrets(&self, account_id: &str, id: &str) -> Result<Option<SecretsRecord>, sqlx::Error>;
    /// Makes `new_secret` current and keeps the current one signing until `previous_expires_at`.
    pub async fn rotate_subscription_secret(
        &self,
        account_id: &str,
        id: &str,
        new_secret: &str,
        previous_expires_at: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error>;
}
