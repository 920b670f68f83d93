//! The figures of the dashboard's overview, read from the attempts, on SQLite.

use super::Sqlite;
use crate::store::FailureRecord;

const HOUR_MS: i64 = 3_600_000;

impl Sqlite {
    pub async fn attempts_per_hour(&self, account_id: &str, since: i64) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
        sqlx::query_as(
            "SELECT (started_at / ?) * ? AS hour,
                    SUM(CASE WHEN error_kind IS NULL THEN 1 ELSE 0 END),
                    SUM(CASE WHEN error_kind IS NULL THEN 0 ELSE 1 END)
             FROM attempts WHERE account_id = ? AND started_at >= ?
             GROUP BY hour ORDER BY hour",
        )
        .bind(HOUR_MS)
        .bind(HOUR_MS)
        .bind(account_id)
        .bind(since)
        .fetch_all(&self.pool)
        .await
    }

    pub async fn recent_failures(
        &self,
        account_id: &str,
        since: i64,
        limit: u32,
    ) -> Result<Vec<FailureRecord>, sqlx::Error> {
        sqlx::query_as(
            "SELECT a.id AS attempt_id, a.delivery_id, d.event_id, e.event_type, d.subscription_id,
                    s.url AS subscription_url, a.started_at, a.response_status, a.error_kind, a.error_message
             FROM attempts a
             JOIN deliveries d ON d.id = a.delivery_id
             LEFT JOIN events e ON e.id = d.event_id
             LEFT JOIN subscriptions s ON s.id = d.subscription_id
             WHERE a.account_id = ? AND a.started_at >= ? AND a.error_kind IS NOT NULL
             ORDER BY a.started_at DESC LIMIT ?",
        )
        .bind(account_id)
        .bind(since)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
    }
}
