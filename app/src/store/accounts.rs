//! Accounts, users and the memberships that join them.

use super::Store;

pub struct NewAccount<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub created_at: i64,
}

pub struct NewUser<'a> {
    pub id: &'a str,
    pub email: &'a str,
    pub password_hash: &'a str,
    pub created_at: i64,
}

/// A user as stored. Deliberately not `Serialize`: the password hash never leaves the server.
#[derive(sqlx::FromRow)]
pub struct UserRecord {
    pub id: String,
    pub email: String,
    pub password_hash: String,
    pub created_at: i64,
    /// Sessions signed in before this (Unix ms) are over.
    pub sessions_valid_after: i64,
}

impl std::fmt::Debug for UserRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserRecord")
            .field("id", &self.id)
            .field("email", &self.email)
            .field("password_hash", &"[redacted]")
            .finish()
    }
}

impl Store {
    /// Creates an account and its first user, its owner, in one transaction. The user is the
    /// instance admin if `admin` says so, or if theirs is the instance's first account; the
    /// answer says whether they are.
    pub async fn insert_account_with_owner(
        &self,
        account: &NewAccount<'_>,
        user: &NewUser<'_>,
        admin: bool,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        // Read inside the write transaction, so two first registrations cannot both see none.
        let first: bool = sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM accounts WHERE id <> ?)")
            .bind(super::CATALOG_ACCOUNT)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO accounts (id, name, created_at) VALUES (?, ?, ?)")
            .bind(account.id)
            .bind(account.name)
            .bind(account.created_at)
            .execute(&mut *tx)
            .await?;
        insert_user(&mut tx, user).await?;
        sqlx::query("INSERT INTO memberships (account_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)")
            .bind(account.id)
            .bind(user.id)
            .bind(user.created_at)
            .execute(&mut *tx)
            .await?;
        let admin = admin || first;
        if admin {
            sqlx::query("UPDATE users SET is_admin = 1 WHERE id = ?").bind(user.id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(admin)
    }

    /// Replaces a user's password hash and ends the sessions signed in before `now`.
    pub async fn set_password_hash(&self, user_id: &str, password_hash: &str, now: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("UPDATE users SET password_hash = ?, sessions_valid_after = ? WHERE id = ?")
            .bind(password_hash)
            .bind(now)
            .bind(user_id)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The account's members, earliest first: (user id, email, role, joined at).
    pub async fn members(&self, account_id: &str) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT u.id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.account_id = ? ORDER BY m.created_at, u.id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
    }

    /// Ends a user's membership of an account; false if there was none.
    pub async fn remove_member(&self, account_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM memberships WHERE account_id = ? AND user_id = ?")
            .bind(account_id)
            .bind(user_id)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Whether this user is the instance admin.
    pub async fn is_admin(&self, user_id: &str) -> Result<bool, sqlx::Error> {
        let admin: Option<bool> = sqlx::query_scalar("SELECT is_admin FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(admin.unwrap_or(false))
    }

    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<UserRecord>, sqlx::Error> {
        sqlx::query_as::<_, UserRecord>(
            "SELECT id, email, password_hash, created_at, sessions_valid_after FROM users WHERE email = ?",
        )
        .bind(email)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn find_user(&self, user_id: &str) -> Result<Option<UserRecord>, sqlx::Error> {
        sqlx::query_as::<_, UserRecord>(
            "SELECT id, email, password_hash, created_at, sessions_valid_after FROM users WHERE id = ?",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
    }

    /// The account a user lands in after signing in: the oldest one they belong to.
    pub async fn first_account_of(&self, user_id: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT account_id FROM memberships WHERE user_id = ? ORDER BY created_at, account_id LIMIT 1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn is_member(&self, user_id: &str, account_id: &str) -> Result<bool, sqlx::Error> {
        let found: Option<i64> = sqlx::query_scalar("SELECT 1 FROM memberships WHERE user_id = ? AND account_id = ?")
            .bind(user_id)
            .bind(account_id)
            .fetch_optional(&self.pool)
            .await?;
        Ok(found.is_some())
    }

    /// The accounts a user belongs to, oldest membership first: `(id, name)`.
    pub async fn accounts_of_user(&self, user_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT a.id, a.name FROM memberships m JOIN accounts a ON a.id = m.account_id
             WHERE m.user_id = ? ORDER BY m.created_at, a.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
    }
}

/// Adds a user inside a caller's transaction (registration, or accepting an invitation).
pub(super) async fn insert_user(
    tx: &mut sqlx::Transaction<'static, sqlx::Sqlite>,
    user: &NewUser<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO users (id, email, password_hash, created_at) VALUES (?, ?, ?, ?)")
        .bind(user.id)
        .bind(user.email)
        .bind(user.password_hash)
        .bind(user.created_at)
        .execute(&mut **tx)
        .await
        .map(|_| ())
}
