//! Subscriptions of an account and their event-type filters.

use super::{Backend, Tx};
use crate::store::{numbered_placeholders, SecretsRecord, SubscriptionRecord};

const COLUMNS: &str =
    "id, url, description, headers, webhook_id, enabled, disabled_reason, created_at, updated_at, failing_since";

impl Backend {
    pub async fn insert_subscription(
        &self,
        account_id: &str,
        record: &SubscriptionRecord,
        secret: &str,
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        sqlx::query(
            "INSERT INTO subscriptions
               (id, account_id, url, description, headers, webhook_id, enabled, disabled_reason, secret, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&record.id)
        .bind(account_id)
        .bind(&record.url)
        .bind(&record.description)
        .bind(&record.headers)
        .bind(&record.webhook_id)
        .bind(record.enabled)
        .bind(&record.disabled_reason)
        .bind(secret)
        .bind(record.created_at)
        .bind(record.updated_at)
        .execute(&mut *tx)
        .await?;
        replace_filter(&mut tx, &record.id, &record.event_types).await?;
        tx.commit().await
    }

    pub async fn find_subscription(
        &self,
        account_id: &str,
        id: &str,
    ) -> Result<Option<SubscriptionRecord>, sqlx::Error> {
        let found: Option<SubscriptionRecord> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM subscriptions WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL"
        ))
        .bind(account_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(mut record) = found else { return Ok(None) };
        record.event_types =
            self.filters_of(std::slice::from_ref(&record.id)).await?.into_iter().map(|(_, t)| t).collect();
        Ok(Some(record))
    }

    pub async fn list_subscriptions(
        &self,
        account_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<SubscriptionRecord>, sqlx::Error> {
        let mut records: Vec<SubscriptionRecord> = sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM subscriptions
             WHERE account_id = $1 AND deleted_at IS NULL AND ($2 IS NULL OR id < $3)
             ORDER BY id DESC LIMIT $4"
        ))
        .bind(account_id)
        .bind(before)
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let ids: Vec<String> = records.iter().map(|r| r.id.clone()).collect();
        for (subscription_id, event_type) in self.filters_of(&ids).await? {
            if let Some(record) = records.iter_mut().find(|r| r.id == subscription_id) {
                record.event_types.push(event_type);
            }
        }
        Ok(records)
    }

    pub async fn troubled_subscriptions(&self, account_id: &str) -> Result<Vec<SubscriptionRecord>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM subscriptions
             WHERE account_id = $1 AND deleted_at IS NULL AND (NOT enabled OR failing_since IS NOT NULL)
             ORDER BY enabled, failing_since IS NOT NULL, failing_since, id LIMIT 50"
        ))
        .bind(account_id)
        .fetch_all(&self.pool)
        .await
    }

    async fn filters_of(&self, ids: &[String]) -> Result<Vec<(String, String)>, sqlx::Error> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = numbered_placeholders(1, ids.len());
        let sql = format!(
            "SELECT subscription_id, event_type FROM subscription_event_types
             WHERE subscription_id IN ({placeholders}) ORDER BY event_type"
        );
        let mut query = sqlx::query_as(&sql);
        for id in ids {
            query = query.bind(id);
        }
        query.fetch_all(&self.pool).await
    }

    pub async fn update_subscription(
        &self,
        account_id: &str,
        record: &SubscriptionRecord,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        let done = sqlx::query(
            "UPDATE subscriptions
             SET url = $1, description = $2, headers = $3, webhook_id = $4, enabled = $5, disabled_reason = $6, updated_at = $7
             WHERE account_id = $8 AND id = $9 AND deleted_at IS NULL",
        )
        .bind(&record.url)
        .bind(&record.description)
        .bind(&record.headers)
        .bind(&record.webhook_id)
        .bind(record.enabled)
        .bind(&record.disabled_reason)
        .bind(record.updated_at)
        .bind(account_id)
        .bind(&record.id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() != 1 {
            return Ok(false);
        }
        replace_filter(&mut tx, &record.id, &record.event_types).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub async fn delete_subscription(&self, account_id: &str, id: &str, now: i64) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE subscriptions SET deleted_at = $1, enabled = FALSE WHERE account_id = $2 AND id = $3 AND deleted_at IS NULL",
        )
        .bind(now)
        .bind(account_id)
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn subscription_secrets(&self, account_id: &str, id: &str) -> Result<Option<SecretsRecord>, sqlx::Error> {
        sqlx::query_as(
            "SELECT secret, previous_secret, previous_secret_expires_at FROM subscriptions
             WHERE account_id = $1 AND id = $2 AND deleted_at IS NULL",
        )
        .bind(account_id)
        .bind(id)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn rotate_subscription_secret(
        &self,
        account_id: &str,
        id: &str,
        new_secret: &str,
        previous_expires_at: i64,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE subscriptions
             SET previous_secret = secret, previous_secret_expires_at = $1, secret = $2, updated_at = $3
             WHERE account_id = $4 AND id = $5 AND deleted_at IS NULL",
        )
        .bind(previous_expires_at)
        .bind(new_secret)
        .bind(now)
        .bind(account_id)
        .bind(id)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

async fn replace_filter(
    tx: &mut Tx,
    subscription_id: &str,
    event_types: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM subscription_event_types WHERE subscription_id = $1")
        .bind(subscription_id)
        .execute(&mut **tx)
        .await?;
    for event_type in event_types {
        sqlx::query("INSERT INTO subscription_event_types (subscription_id, event_type) VALUES ($1, $2)")
            .bind(subscription_id)
            .bind(event_type)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
