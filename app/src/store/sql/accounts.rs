//! Accounts, and the memberships that join users to them.

use super::users::insert_user;
use super::{Backend, Db};
use crate::store::{AccountRecord, AccountSummaryRecord, NewAccount, NewUser, CATALOG_ACCOUNT};

const ACCOUNT_COLUMNS: &str = "id, name, external_id, created_at";

impl Backend {
    pub async fn insert_account_with_owner(
        &self,
        account: &NewAccount<'_>,
        user: &NewUser<'_>,
        admin: bool,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        // Read inside the write transaction, after any other registration's commit, so two
        // first registrations cannot both see none.
        self.one_registration_at_a_time(&mut tx).await?;
        let first: bool = sqlx::query_scalar("SELECT NOT EXISTS (SELECT 1 FROM accounts WHERE id <> $1)")
            .bind(CATALOG_ACCOUNT)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO accounts (id, name, created_at) VALUES ($1, $2, $3)")
            .bind(account.id)
            .bind(account.name)
            .bind(account.created_at)
            .execute(&mut *tx)
            .await?;
        insert_user(&mut tx, user).await?;
        sqlx::query("INSERT INTO memberships (account_id, user_id, role, created_at) VALUES ($1, $2, 'owner', $3)")
            .bind(account.id)
            .bind(user.id)
            .bind(user.created_at)
            .execute(&mut *tx)
            .await?;
        let admin = admin || first;
        if admin {
            sqlx::query("UPDATE users SET is_admin = TRUE WHERE id = $1").bind(user.id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(admin)
    }

    pub async fn members(&self, account_id: &str) -> Result<Vec<(String, String, String, i64)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT u.id, u.email, m.role, m.created_at FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.account_id = $1 ORDER BY m.created_at, u.id",
        )
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn remove_member(&self, account_id: &str, user_id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM memberships WHERE account_id = $1 AND user_id = $2")
            .bind(account_id)
            .bind(user_id)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn first_account_of(&self, user_id: &str) -> Result<Option<String>, sqlx::Error> {
        sqlx::query_scalar(
            "SELECT account_id FROM memberships WHERE user_id = $1 ORDER BY created_at, account_id LIMIT 1",
        )
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn is_member(&self, user_id: &str, account_id: &str) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM memberships WHERE user_id = $1 AND account_id = $2)")
            .bind(user_id)
            .bind(account_id)
            .fetch_one(&self.pool)
            .await
    }

    pub async fn accounts_of_user(&self, user_id: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT a.id, a.name FROM memberships m JOIN accounts a ON a.id = m.account_id
             WHERE m.user_id = $1 ORDER BY m.created_at, a.id",
        )
        .bind(user_id)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn insert_account(&self, account: &AccountRecord) -> Result<(), sqlx::Error> {
        sqlx::query(&format!("INSERT INTO accounts ({ACCOUNT_COLUMNS}) VALUES ($1, $2, $3, $4)"))
            .bind(&account.id)
            .bind(&account.name)
            .bind(&account.external_id)
            .bind(account.created_at)
            .execute(&self.writer)
            .await
            .map(|_| ())
    }

    pub async fn find_account(&self, key: &str, by_external_id: bool) -> Result<Option<AccountRecord>, sqlx::Error> {
        let column = if by_external_id { "external_id" } else { "id" };
        sqlx::query_as(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE {column} = $1 AND id <> $2"))
            .bind(key)
            .bind(CATALOG_ACCOUNT)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn list_accounts(&self, before: Option<&str>, limit: u32) -> Result<Vec<AccountRecord>, sqlx::Error> {
        let mut sql =
            sqlx::QueryBuilder::<Db>::new(format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id <> "));
        sql.push_bind(CATALOG_ACCOUNT);
        if let Some(before) = before {
            sql.push(" AND id < ").push_bind(before);
        }
        sql.push(" ORDER BY id DESC LIMIT ").push_bind(i64::from(limit));
        sql.build_query_as().fetch_all(&self.pool).await
    }

    pub async fn account_summaries(&self, limit: u32) -> Result<Vec<AccountSummaryRecord>, sqlx::Error> {
        sqlx::query_as(
            "SELECT a.id, a.name, a.external_id,
                    (SELECT COUNT(*) FROM events e WHERE e.account_id = a.id) AS events,
                    (SELECT COUNT(*) FROM deliveries d WHERE d.account_id = a.id AND d.status = 'failed') AS failed_deliveries
             FROM accounts a WHERE a.id <> $1 ORDER BY a.id DESC LIMIT $2",
        )
        .bind(CATALOG_ACCOUNT)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
    }
}
