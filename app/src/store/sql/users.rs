//! Users: their logins and passwords.

use super::{Backend, Tx};
use crate::store::{NewUser, UserRecord};

impl Backend {
    pub async fn set_password_hash(&self, user_id: &str, password_hash: &str, now: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE users SET password_hash = $1, sessions_valid_after = $2 WHERE id = $3")
            .bind(password_hash)
            .bind(now)
            .bind(user_id)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn is_admin(&self, user_id: &str) -> Result<bool, sqlx::Error> {
        let admin: Option<bool> = sqlx::query_scalar("SELECT is_admin FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(admin.unwrap_or(false))
    }

    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<UserRecord>, sqlx::Error> {
        sqlx::query_as::<_, UserRecord>(
            "SELECT id, email, password_hash, created_at, sessions_valid_after FROM users WHERE email = $1",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn find_user(&self, user_id: &str) -> Result<Option<UserRecord>, sqlx::Error> {
        sqlx::query_as::<_, UserRecord>(
            "SELECT id, email, password_hash, created_at, sessions_valid_after FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
    }
}

/// Adds a user inside a caller's transaction (registration, or accepting an invitation).
pub(super) async fn insert_user(
    tx: &mut Tx,
    user: &NewUser<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO users (id, email, password_hash, created_at) VALUES ($1, $2, $3, $4)")
        .bind(user.id)
        .bind(user.email)
        .bind(user.password_hash)
        .bind(user.created_at)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}
