//! The figures of the dashboard's overview, on SQLite.

use super::Sqlite;
use crate::store::{DeliveryHourRecord, FailureGroupRecord};

const HOUR_MS: i64 = 3_600_000;

impl Sqlite {
    pub async fn deliveries_per_hour(
        &self,
        account_id: &str,
        subscription_id: Option<&str>,
        since_id: &str,
    ) -> Result<Vec<DeliveryHourRecord>, sqlx::Error> {
        // The id range walks `deliveries_by_account`, or `deliveries_by_subscription` for one
        // subscription; the hour comes from `created_at`.
        let one = if subscription_id.is_some() { "AND subscription_id = ?" } else { "" };
        let sql = format!(
            "SELECT subscription_id, (created_at / ?) * ? AS hour, status, COUNT(*) AS count
             FROM deliveries WHERE account_id = ? {one} AND id >= ?
             GROUP BY subscription_id, hour, status"
        );
        let mut query = sqlx::query_as(&sql).bind(HOUR_MS).bind(HOUR_MS).bind(account_id);
        if let Some(subscription_id) = subscription_id {
            query = query.bind(subscription_id);
        }
        query.bind(since_id).fetch_all(&self.pool).await
    }

    pub async fn failure_groups(
        &self,
        account_id: &str,
        subscription_id: Option<&str>,
        since: i64,
        limit: u32,
    ) -> Result<Vec<FailureGroupRecord>, sqlx::Error> {
        let one = if subscription_id.is_some() { "AND d.subscription_id = ?" } else { "" };
        // Attempt ids sort by time, so the greatest is a group's most recent attempt.
        let sql = format!(
            "WITH grouped AS (
                 SELECT d.subscription_id, a.response_status, a.error_kind,
                        COUNT(DISTINCT a.delivery_id) AS deliveries, COUNT(*) AS attempts,
                        MIN(a.started_at) AS first_at, MAX(a.id) AS latest_attempt_id
                 FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
                 WHERE a.account_id = ? AND a.started_at >= ? AND a.error_kind IS NOT NULL {one}
                 GROUP BY d.subscription_id, a.response_status, a.error_kind
             )
             SELECT g.*, l.delivery_id AS latest_delivery_id, ld.event_id AS latest_event_id,
                    l.started_at AS latest_at, l.error_message AS latest_message
             FROM grouped g
             JOIN attempts l ON l.id = g.latest_attempt_id
             JOIN deliveries ld ON ld.id = l.delivery_id
             ORDER BY l.started_at DESC, g.latest_attempt_id DESC LIMIT ?"
        );
        let mut query = sqlx::query_as(&sql).bind(account_id).bind(since);
        if let Some(subscription_id) = subscription_id {
            query = query.bind(subscription_id);
        }
        query.bind(limit).fetch_all(&self.pool).await
    }
}
