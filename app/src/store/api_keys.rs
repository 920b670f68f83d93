//! API keys, stored as hashes.

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApiKeyRecord {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

operations! {
    pub async fn insert_api_key(&self, key: &ApiKeyRecord, key_hash: &str) -> Result<(), sqlx::Error>;
    /// The live (not revoked) key with this hash.
    pub async fn find_live_api_key_by_hash(&self, key_hash: &str) -> Result<Option<ApiKeyRecord>, sqlx::Error>;
    /// Records use, at most once a minute per key, so that busy keys do not turn every request
    /// into a write.
    pub async fn touch_api_key(&self, id: &str, now: i64, recorded_before: i64) -> Result<(), sqlx::Error>;
    pub async fn list_api_keys(&self, account_id: &str) -> Result<Vec<ApiKeyRecord>, sqlx::Error>;
    /// Revokes a key of this account; false when there is no such live key.
    pub async fn revoke_api_key(&self, account_id: &str, id: &str, now: i64) -> Result<bool, sqlx::Error>;
}
