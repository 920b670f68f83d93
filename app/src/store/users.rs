//! Users: their logins and passwords.

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

operations! {
    /// Replaces a user's password hash and ends the sessions signed in before `now`.
    pub async fn set_password_hash(&self, user_id: &str, password_hash: &str, now: i64) -> Result<bool, sqlx::Error>;
    /// Whether this user is the instance admin.
    pub async fn is_admin(&self, user_id: &str) -> Result<bool, sqlx::Error>;
    pub async fn find_user_by_email(&self, email: &str) -> Result<Option<UserRecord>, sqlx::Error>;
    pub async fn find_user(&self, user_id: &str) -> Result<Option<UserRecord>, sqlx::Error>;
}
