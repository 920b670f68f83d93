//! Invitations to join an account.

/// An invitation that can still be accepted, with the name of the account it joins.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRecord {
    pub id: String,
    pub account_id: String,
    pub account_name: String,
    pub email: String,
}

operations! {
    /// Makes an open invitation of the account unusable; false if there was none.
    pub async fn revoke_invitation(&self, account_id: &str, id: &str, now: i64) -> Result<bool, sqlx::Error>;
    pub async fn insert_invitation(
        &self,
        id: &str,
        account_id: &str,
        email: &str,
        token_hash: &str,
        created_at: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error>;
    /// The unused, unexpired invitation with this hash.
    pub async fn find_open_invitation(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<InvitationRecord>, sqlx::Error>;
    /// Accepts an invitation in one transaction: marks it used (false if it was meanwhile used
    /// or expired), creates the user if `new_user` is given, and adds the membership.
    pub async fn accept_invitation(
        &self,
        invitation_id: &str,
        user_id: &str,
        new_user: Option<super::NewUser<'_>>,
        now: i64,
    ) -> Result<bool, sqlx::Error>;
}
