//! Operator mode: operator keys, the accounts an operator creates, and portal links.

use super::{Store, CATALOG_ACCOUNT};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OperatorKeyRecord {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountRecord {
    pub id: String,
    pub name: String,
    pub external_id: Option<String>,
    pub created_at: i64,
}

/// A portal link that was just used: the account it opens.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UsedPortalLink {
    pub id: String,
    pub account_id: String,
    /// The portal session it opens ends then, too.
    pub expires_at: i64,
}

const ACCOUNT_COLUMNS: &str = "id, name, external_id, created_at";

impl Store {
    pub async fn insert_operator_key(&self, key: &OperatorKeyRecord, key_hash: &str) -> Result<(), sqlx::Error> {
        sqlx::query("INSERT INTO operator_keys (id, name, prefix, key_hash, created_at) VALUES (?, ?, ?, ?, ?)")
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
             WHERE key_hash = ? AND revoked_at IS NULL",
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
        let done = sqlx::query("UPDATE operator_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL")
            .bind(now)
            .bind(name)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected())
    }

    /// Records use, at most once a minute per key (as for API keys).
    pub async fn touch_operator_key(&self, id: &str, now: i64, recorded_before: i64) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE operator_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)",
        )
        .bind(now)
        .bind(id)
        .bind(recorded_before)
        .execute(&self.writer)
        .await
        .map(|_| ())
    }

    /// An account without users; a unique violation when the external id is taken.
    pub async fn insert_account(&self, account: &AccountRecord) -> Result<(), sqlx::Error> {
        sqlx::query(&format!("INSERT INTO accounts ({ACCOUNT_COLUMNS}) VALUES (?, ?, ?, ?)"))
            .bind(&account.id)
            .bind(&account.name)
            .bind(&account.external_id)
            .bind(account.created_at)
            .execute(&self.writer)
            .await
            .map(|_| ())
    }

    /// An account by its id or, for `external_id: true`, by the operator's external id. The
    /// catalog's reserved account is nobody's.
    pub async fn find_account(&self, key: &str, by_external_id: bool) -> Result<Option<AccountRecord>, sqlx::Error> {
        let column = if by_external_id { "external_id" } else { "id" };
        sqlx::query_as(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {column} = ? AND id <> ?"))
            .bind(key)
            .bind(CATALOG_ACCOUNT)
            .fetch_optional(&self.pool)
            .await
    }

    /// Newest first.
    pub async fn list_accounts(&self, before: Option<&str>, limit: u32) -> Result<Vec<AccountRecord>, sqlx::Error> {
        let mut sql =
            sqlx::QueryBuilder::<sqlx::Sqlite>::new(format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id <> "));
        sql.push_bind(CATALOG_ACCOUNT);
        if let Some(before) = before {
            sql.push(" AND id < ").push_bind(before);
        }
        sql.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
        sql.build_query_as().fetch_all(&self.pool).await
    }

    pub async fn insert_portal_link(
        &self,
        id: &str,
        account_id: &str,
        token_hash: &str,
        created_at: i64,
        expires_at: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO portal_links (id, account_id, token_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
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

    /// Marks the unused, unexpired link with this hash used and returns it; `None` for an
    /// unknown, used or expired link. One statement, so two visits cannot both use it.
    pub async fn use_portal_link(&self, token_hash: &str, now: i64) -> Result<Option<UsedPortalLink>, sqlx::Error> {
        sqlx::query_as(
            "UPDATE portal_links SET used_at = ?
             WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?
             RETURNING id, account_id, expires_at",
        )
        .bind(now)
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.writer)
        .await
    }
}

impl Store {
    /// Makes an open invitation of the account unusable; false if there was none.
    pub async fn revoke_invitation(&self, account_id: &str, id: &str, now: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE invitations SET expires_at = ? WHERE account_id = ? AND id = ? AND used_at IS NULL AND expires_at > ?",
        )
        .bind(now)
        .bind(account_id)
        .bind(id)
        .bind(now)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// The name of the account an unused, unexpired portal link opens; nothing is changed.
    pub async fn open_portal_link_account(&self, token_hash: &str, now: i64) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT a.name FROM portal_links p JOIN accounts a ON a.id = p.account_id
             WHERE p.token_hash = ? AND p.used_at IS NULL AND p.expires_at > ?",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
    }
}

/// An invitation that can still be accepted, with the name of the account it joins.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationRecord {
    pub id: String,
    pub account_id: String,
    pub account_name: String,
    pub email: String,
}

impl Store {
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
             VALUES (?, ?, ?, ?, ?, ?)",
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

    /// The unused, unexpired invitation with this hash.
    pub async fn find_open_invitation(
        &self,
        token_hash: &str,
        now: i64,
    ) -> Result<Option<InvitationRecord>, sqlx::Error> {
        sqlx::query_as(
            "SELECT i.id, i.account_id, a.name AS account_name, i.email FROM invitations i
             JOIN accounts a ON a.id = i.account_id
             WHERE i.token_hash = ? AND i.used_at IS NULL AND i.expires_at > ?",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await
    }

    /// Accepts an invitation in one transaction: marks it used (false if it was meanwhile used
    /// or expired), creates the user if `new_user` is given, and adds the membership.
    pub async fn accept_invitation(
        &self,
        invitation_id: &str,
        user_id: &str,
        new_user: Option<super::NewUser<'_>>,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        let used =
            sqlx::query("UPDATE invitations SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ?")
                .bind(now)
                .bind(invitation_id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        if used.rows_affected() != 1 {
            return Ok(false);
        }
        if let Some(user) = new_user {
            super::accounts::insert_user(&mut tx, &user).await?;
        }
        sqlx::query(
            "INSERT INTO memberships (account_id, user_id, role, created_at)
             SELECT account_id, ?, 'member', ? FROM invitations WHERE id = ?
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

/// One account on the operator page.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AccountSummaryRecord {
    pub id: String,
    pub name: String,
    pub external_id: Option<String>,
    pub events: i64,
    pub failed_deliveries: i64,
}

impl Store {
    /// The newest accounts with how many events they hold and how many deliveries failed.
    pub async fn account_summaries(&self, limit: u32) -> Result<Vec<AccountSummaryRecord>, sqlx::Error> {
        sqlx::query_as(
            "SELECT a.id, a.name, a.external_id,
                    (SELECT COUNT(*) FROM events e WHERE e.account_id = a.id) AS events,
                    (SELECT COUNT(*) FROM deliveries d WHERE d.account_id = a.id AND d.status = 'failed') AS failed_deliveries
             FROM accounts a WHERE a.id <> ? ORDER BY a.id DESC LIMIT ?",
        )
        .bind(CATALOG_ACCOUNT)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }
}
