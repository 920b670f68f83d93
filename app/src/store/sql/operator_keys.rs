//! Operator keys, stored as hashes.

use super::Backend;
use crate::store::OperatorKeyRecord;

impl Backend {
    pub async fn insert_operator_key(&self, key: &OperatorKeyRecord, key_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO operator_keys (id, name, prefix, key_hash, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&key.id)
            .bind(&key.name)
            .bind(&key.prefix)
            .bind(key_hash)
            .bind(key.created_at)
            .execute(&self.writer)
            .await
            .map(|_| ())
    }

    pub async fn find_live_operator_key_by_hash(
        &self,
        key_hash: &str,
    ) -> Result<Option<OperatorKeyRecord>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, name, prefix, created_at, last_used_at FROM operator_keys
             WHERE key_hash = $1 AND revoked_at IS NULL",
        )
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn live_operator_keys(&self) -> Result<Vec<OperatorKeyRecord>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, name, prefix, created_at, last_used_at FROM operator_keys WHERE revoked_at IS NULL ORDER BY id",
        )
        .fetch_all(&self.pool)
        .await
    }

    pub async fn revoke_operator_keys(&self, name: &str, now: i64) -> Result<u64, sqlx::Error> {
        let done = sqlx::query("UPDATE operator_keys SET revoked_at = $1 WHERE name = $2 AND revoked_at IS NULL")
            .bind(now)
            .bind(name)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected())
    }

    pub async fn touch_operator_key(&self, id: &str, now: i64, recorded_before: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE operator_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(now)
        .bind(id)
        .bind(recorded_before)
        .execute(&self.writer)
        .await
        .map(|_| ())
    }
}
