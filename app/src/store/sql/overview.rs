//! The figures of the dashboard's overview.

use std::collections::HashMap;

use super::Backend;
use crate::model::DeliveryStatus;
use crate::store::{DeliveryHourRecord, FailureGroupRecord};

const HOUR_MS: i64 = 3_600_000;
/// Where an event id's ULID starts (after `evt_`, 1-based as SQLite counts), and how many of its
/// ten time characters make a bucket: seven, 35 of its 50 bits, 2^15 ms.
const BUCKET_START: usize = 5;
const BUCKET_CHARS: usize = 7;

/// The first millisecond of a bucket (the leading time characters of a ULID).
fn bucket_start(bucket: &str) -> Option<i64> {
    if bucket.len() != BUCKET_CHARS {
        return None;
    }
    let padded = format!("{bucket:0<26}");
    ulid::Ulid::from_string(&padded).ok().and_then(|ulid| i64::try_from(ulid.timestamp_ms()).ok())
}

impl Backend {
    pub async fn deliveries_per_hour(
        &self,
        account_id: &str,
        subscription_id: Option<&str>,
        since_event_id: &str,
    ) -> Result<Vec<DeliveryHourRecord>, sqlx::Error> {
        // Read from `deliveries_by_subscription_status_event` alone, never the table: a day of
        // a busy account is tens of thousands of deliveries, and a row read each would cost the
        // page its 100 ms. The time is the event id's (a delivery is made with its event), in
        // buckets of its first seven time characters (2^15 ms, 33 s); Rust puts each bucket in
        // its hour.
        let one = if subscription_id.is_some() { "AND s.id = $3" } else { "" };
        let sql = format!(
            "SELECT s.id AS subscription_id, substr(d.event_id, {BUCKET_START}, {BUCKET_CHARS}) AS bucket,
                    d.status, COUNT(*) AS count
             FROM subscriptions s
             JOIN deliveries d ON d.subscription_id = s.id AND d.account_id = s.account_id
             WHERE s.account_id = $1 {one}
               AND d.status IN ('pending', 'retrying', 'succeeded', 'failed') AND d.event_id >= $2
             GROUP BY s.id, bucket, d.status"
        );
        let mut query =
            sqlx::query_as::<_, (String, String, DeliveryStatus, i64)>(&sql).bind(account_id).bind(since_event_id);
        if let Some(subscription_id) = subscription_id {
            query = query.bind(subscription_id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut hours: HashMap<(String, i64, DeliveryStatus), i64> = HashMap::new();
        for (subscription_id, bucket, status, count) in rows {
            let Some(at) = bucket_start(&bucket) else { continue };
            *hours.entry((subscription_id, at / HOUR_MS * HOUR_MS, status)).or_default() += count;
        }
        Ok(hours
            .into_iter()
            .map(|((subscription_id, hour, status), count)| DeliveryHourRecord { subscription_id, hour, status, count })
            .collect())
    }

    pub async fn failure_groups(
        &self,
        account_id: &str,
        subscription_id: Option<&str>,
        since: i64,
        limit: u32,
    ) -> Result<Vec<FailureGroupRecord>, sqlx::Error> {
        let one = if subscription_id.is_some() { "AND d.subscription_id = $4" } else { "" };
        // Attempt ids sort by time, so the greatest is a group's most recent attempt.
        let sql = format!(
            "WITH grouped AS (
                 SELECT d.subscription_id, a.response_status, a.error_kind,
                        COUNT(DISTINCT a.delivery_id) AS deliveries, COUNT(*) AS attempts,
                        MIN(a.started_at) AS first_at, MAX(a.id) AS latest_attempt_id
                 FROM attempts a JOIN deliveries d ON d.id = a.delivery_id
                 WHERE a.account_id = $1 AND a.started_at >= $2 AND a.error_kind IS NOT NULL {one}
                 GROUP BY d.subscription_id, a.response_status, a.error_kind
             )
             SELECT g.*, l.delivery_id AS latest_delivery_id, ld.event_id AS latest_event_id,
                    l.started_at AS latest_at, l.error_message AS latest_message
             FROM grouped g
             JOIN attempts l ON l.id = g.latest_attempt_id
             JOIN deliveries ld ON ld.id = l.delivery_id
             ORDER BY l.started_at DESC, g.latest_attempt_id DESC LIMIT $3"
        );
        let mut query = sqlx::query_as(&sql).bind(account_id).bind(since).bind(i64::from(limit));
        if let Some(subscription_id) = subscription_id {
            query = query.bind(subscription_id);
        }
        query.fetch_all(&self.pool).await
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_bucket_starts_at_its_ids_time_rounded_down_to_33_seconds() {
        let at: i64 = 1_800_000_123_456;
        let id = ulid::Ulid::from_parts(at as u64, 42).to_string().to_lowercase();
        let start = super::bucket_start(&id[..7]).expect("a bucket");
        assert_eq!(start, at & !((1 << 15) - 1));
        assert!(at - start < 1 << 15);
        assert_eq!(super::bucket_start("0000000"), Some(0));
        assert_eq!(super::bucket_start("short"), None);
        assert_eq!(super::bucket_start("uuuuuuu"), None, "u is not a Crockford digit");
    }
}
