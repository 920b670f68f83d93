//! API keys, stored as hashes.

use super::Store;

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

const COLUMNS: &str = "id, account_id, name, prefix, created_at, last_used_at, revoked_at";

impl Store {
    pub async fn insert_api_key(&self, key: &ApiKeyRecord, key_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO api_keys (id, account_id, name, prefix, key_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&key.id)
        .bind(&key.account_id)
        .bind(&key.name)
        .bind(&key.prefix)
        .bind(key_hash)
        .bind(key.created_at)
        .execute(&self.writer)
        .await
        .map(|_| ())
    }

    /// The live (not revoked) key with this hash.
    pub async fn find_live_api_key_by_hash(&self, key_hash: &str) -> Result<Option<ApiKeyRecord>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM api_keys WHERE key_hash = ? AND revoked_at IS NULL"))
            .bind(key_hash)
            .fetch_optional(&self.pool)
            .await
    }

    /// Records use, at most once a minute per key, so that busy keys do not turn every request
    /// into a write.
    pub async fn touch_api_key(&self, id: &str, now: i64, recorded_before: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)")
            .bind(now)
            .bind(id)
            .bind(recorded_before)
            .execute(&self.writer)
            .await
            .map(|_| ())
    }

    pub async fn list_api_keys(&self, account_id: &str) -> Result<Vec<ApiKeyRecord>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM api_keys WHERE account_id = ? ORDER BY id DESC"))
            .bind(account_id)
            .fetch_all(&self.pool)
            .await
    }

    /// Revokes a key of this account; false when there is no such live key.
    pub async fn revoke_api_key(&self, account_id: &str, id: &str, now: i64) -> Result<bool, sqlx::Error> {
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = ? WHERE account_id = ? AND id = ? AND revoked_at IS NULL")
                .bind(now)
                .bind(account_id)
                .bind(id)
                .execute(&self.writer)
                .await?;
        Ok(done.rows_affected() == 1)
    }
}
