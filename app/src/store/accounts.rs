//! Accounts, and the memberships that join users to them.

use super::users::NewUser;

pub struct NewAccount<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub created_at: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRecord {
    pub id: String,
    pub name: String,
    pub external_id: Option<String>,
    pub created_at: i64,
}

/// One account on the operator page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountSummaryRecord {
    pub id: String,
    pub name: String,
    pub external_id: Option<String>,
    pub events: i64,
    pub failed_deliveries: i64,
}

operations! {
    /// Creates an account and its first user, its owner, in one transaction. The user is the
    /// instance admin if `admin` says so, or if theirs is the instance's first account; the
    /// answer says whether they are.
    pub async fn insert_account_with_owner(
        &self,
        account: &NewAccount<'_>,
        user: &NewUser<'_>,
        admin: bool,
    ) -> Result<bool, sqlx::Error>;
    /// The account's members, earliest first: (user id, email, role, joined at).
    pub async fn members(&self, account_id: &str) -> Result<Vec<(String, String, String, i64)>, sqlx::Error>;
    /// Ends a user's membership of an account; false if there was none.
    pub async fn remove_member(&self, account_id: &str, user_id: &str) -> Result<bool, sqlx::Error>;
    /// The account a user lands in after signing in: the oldest one they belong to.
    pub async fn first_account_of(&self, user_id: &str) -> Result<Option<String>, sqlx::Error>;
    pub async fn is_member(&self, user_id: &str, account_id: &str) -> Result<bool, sqlx::Error>;
    /// The accounts a user belongs to, oldest membership first: `(id, name)`.
    pub async fn accounts_of_user(&self, user_id: &str) -> Result<Vec<(String, String)>, sqlx::Error>;
    /// An account without users; a unique violation when the external id is taken.
    pub async fn insert_account(&self, account: &AccountRecord) -> Result<(), sqlx::Error>;
    /// An account by its id or, for `external_id: true`, by the operator's external id. The
    /// catalog's reserved account is nobody's.
    pub async fn find_account(&self, key: &str, by_external_id: bool) -> Result<Option<AccountRecord>, sqlx::Error>;
    /// Newest first.
    pub async fn list_accounts(&self, before: Option<&str>, limit: u32) -> Result<Vec<AccountRecord>, sqlx::Error>;
    /// The newest accounts with how many events they hold and how many deliveries failed.
    pub async fn account_summaries(&self, limit: u32) -> Result<Vec<AccountSummaryRecord>, sqlx::Error>;
}
