//! One-time portal links into an account's dashboard.

/// A portal link that was just used: the account it opens.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UsedPortalLink {
    pub id: String,
    pub account_id: String,
    /// The portal session it opens ends then, too.
    pub expires_at: i64,
}

operations! {
    pub async fn insert_portal_link(
        &self,
        id: &str,
        account_id: &str,
        token_hash: &str,
        created_at: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error>;
    /// Marks the unused, unexpired link with this hash used and returns it; `None` for an
    /// unknown, used or expired link. One statement, so two visits cannot both use it.
    pub async fn use_portal_link(&self, token_hash: &str, now: i64) -> Result<Option<UsedPortalLink>, sqlx::Error>;
    /// The name of the account an unused, unexpired portal link opens; nothing is changed.
    pub async fn open_portal_link_account(&self, token_hash: &str, now: i64) -> Result<Option<String>, sqlx::Error>;
}
