//! Operator keys, stored as hashes.

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OperatorKeyRecord {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

operations! {
    pub async fn insert_operator_key(&self, key: &OperatorKeyRecord, key_hash: &str) -> Result<(), sqlx::Error>;
    pub async fn find_live_operator_key_by_hash(
        &self,
        key_hash: &str,
    ) -> Result<Option<OperatorKeyRecord>, sqlx::Error>;
    pub async fn live_operator_keys(&self) -> Result<Vec<OperatorKeyRecord>, sqlx::Error>;
    pub async fn revoke_operator_keys(&self, name: &str, now: i64) -> Result<u64, sqlx::Error>;
    /// Records use, at most once a minute per key (as for API keys).
    pub async fn touch_operator_key(&self, id: &str, now: i64, recorded_before: i64) -> Result<(), sqlx::Error>;
}
