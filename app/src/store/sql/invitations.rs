//! Invitations to join an account.

use super::Backend;
use crate::store::{InvitationRecord, NewUser};

impl Backend {
    pub async fn revoke_invitation(&self, account_id: &str, id: &str, now: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE invitations SET expires_at = $1 WHERE account_id = $2 AND id = $3 AND used_at IS NULL AND expires_at > $4",
        )
        .bind(now)
        .bind(account_id)
        .bind(id)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn insert_invitation(
        &self,
        id: &str,
        account_id: &str,
        email: &str,
        token_hash: &str,
        created_at: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO invitations (id, account_id, email, token_hash, created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(account_id)
        .bind(email)
        .bind(token_hash)
        .bind(created_at)
        .bind(expires_at)
        .execute(&self.writer)
        .await
        .map(|_| ())
    }

    pub async fn find_open_invitation(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<InvitationRecord>, sqlx::Error> {
        sqlx::query_as(
            "SELECT i.id, i.account_id, a.name AS account_name, i.email FROM invitations i
             JOIN accounts a ON a.id = i.account_id
             WHERE i.token_hash = $1 AND i.used_at IS NULL AND i.expires_at > $2",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn accept_invitation(
        &self,
        invitation_id: &str,
        user_id: &str,
        new_user: Option<NewUser<'_>>,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        let used =
            sqlx::query("UPDATE invitations SET used_at = $1 WHERE id = $2 AND used_at IS NULL AND expires_at > $3")
                .bind(now)
                .bind(invitation_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        if used.rows_affected() != 1 {
            return Ok(false);
        }
        if let Some(user) = new_user {
            super::users::insert_user(&mut tx, &user).await?;
        }
        sqlx::query(
            "INSERT INTO memberships (account_id, user_id, role, created_at)
             SELECT account_id, $1, 'member', $2 FROM invitations WHERE id = $3
             ON CONFLICT (account_id, user_id) DO NOTHING",
        )
        .bind(user_id)
        .bind(now)
        .bind(invitation_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(true)
    }
}
