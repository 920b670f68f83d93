//! API keys, stored as hashes.

use super::Backend;
use crate::store::ApiKeyRecord;

const COLUMNS: &str = "id, account_id, name, prefix, created_at, last_used_at, revoked_at";

impl Backend {
    pub async fn insert_api_key(&self, key: &ApiKeyRecord, key_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO api_keys (id, account_id, name, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
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

    pub async fn find_live_api_key_by_hash(&self, key_hash: &str) -> Result<Option<ApiKeyRecord>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"))
            .bind(key_hash)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn touch_api_key(&self, id: &str, now: i64, recorded_before: i64) -> Result<(), sqlx::Error> {
        sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)")
            .bind(now)
            .bind(id)
            .bind(recorded_before)
            .execute(&self.writer)
            .await
            .map(|_| ())
    }

    pub async fn list_api_keys(&self, account_id: &str) -> Result<Vec<ApiKeyRecord>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM api_keys WHERE account_id = $1 ORDER BY id DESC"))
            .bind(account_id)
            .fetch_all(&self.pool)
            .await
    }

    pub async fn revoke_api_key(&self, account_id: &str, id: &str, now: i64) -> Result<bool, sqlx::Error> {
        let done =
            sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE account_id = $2 AND id = $3 AND revoked_at IS NULL")
                .bind(now)
                .bind(account_id)
                .bind(id)
                .execute(&self.writer)
                .await?;
        Ok(done.rows_affected() == 1)
    }
}
