//! One-time portal links into an account's dashboard.

use super::Backend;
use crate::store::UsedPortalLink;

impl Backend {
    pub async fn insert_portal_link(
        &self,
        id: &str,
        account_id: &str,
        token_hash: &str,
        created_at: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO portal_links (id, account_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(account_id)
        .bind(token_hash)
        .bind(created_at)
        .bind(expires_at)
        .execute(&self.writer)
        .await
        .map(|_| ())
    }

    pub async fn use_portal_link(&self, token_hash: &str, now: i64) -> Result<Option<UsedPortalLink>, sqlx::Error> {
        sqlx::query_as(
            "UPDATE portal_links SET used_at = $1
             WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $3
             RETURNING id, account_id, expires_at",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.writer)
        .await
    }

    pub async fn open_portal_link_account(&self, token_hash: &str, now: i64) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT a.name FROM portal_links p JOIN accounts a ON a.id = p.account_id
             WHERE p.token_hash = $1 AND p.used_at IS NULL AND p.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
    }
}
