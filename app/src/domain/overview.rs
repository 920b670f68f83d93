//! The overview: is delivery healthy, and if not, where and why.

use std::time::Duration;

use super::{format_time, now_ms};
use crate::error::AppError;
use crate::model::{DisabledReason, HourCount, Overview, RecentFailure, SetupHints, TroubledSubscription};
use crate::store::Store;

const HOUR_MS: i64 = 3_600_000;
/// How many hours the chart covers, the current one included.
pub const CHART_HOURS: i64 = 24;
const RECENT_FAILURES: u32 = 10;

/// The last 24 hours of one account. `disable_failing_after` is the instance's limit on a run
/// of failures, to say when each failing subscription will be disabled.
pub async fn overview(store: &Store, account_id: &str, disable_failing_after: Duration) -> Result<Overview, AppError> {
    let now = now_ms();
    let first_hour = (now / HOUR_MS - (CHART_HOURS - 1)) * HOUR_MS;
    let counted = store.attempts_per_hour(account_id, first_hour).await?;
    let hours: Vec<HourCount> = (0..CHART_HOURS)
        .map(|index| {
            let start = first_hour + index * HOUR_MS;
            let (succeeded, failed) = counted
                .iter()
                .find(|(hour, _, _)| *hour == start)
                .map_or((0, 0), |(_, succeeded, failed)| (*succeeded, *failed));
            HourCount { start: format_time(start), succeeded, failed }
        })
        .collect();
    let limit_ms = i64::try_from(disable_failing_after.as_millis()).unwrap_or(i64::MAX);
    let troubled = store
        .troubled_subscriptions(account_id)
        .await?
        .into_iter()
        .map(|record| TroubledSubscription {
            disables_at: match (record.enabled, record.failing_since) {
                (true, Some(since)) => Some(format_time(since.saturating_add(limit_ms))),
                _ => None,
            },
            failing_since: record.failing_since.map(format_time),
            disabled_reason: if record.enabled {
                None
            } else {
                record.disabled_reason.as_deref().and_then(DisabledReason::parse)
            },
            id: record.id,
            url: record.url,
            enabled: record.enabled,
        })
        .collect();
    let recent_failures = store
        .recent_failures(account_id, first_hour, RECENT_FAILURES)
        .await?
        .into_iter()
        .map(|record| RecentFailure {
            at: format_time(record.started_at),
            attempt_id: record.attempt_id,
            delivery_id: record.delivery_id,
            event_id: record.event_id,
            event_type: record.event_type.unwrap_or_default(),
            subscription_id: record.subscription_id,
            subscription_url: record.subscription_url.unwrap_or_default(),
            status_code: record.response_status,
            error_kind: record.error_kind,
            error_message: record.error_message.unwrap_or_default(),
        })
        .collect();
    Ok(Overview {
        succeeded: hours.iter().map(|hour| hour.succeeded).sum(),
        failed: hours.iter().map(|hour| hour.failed).sum(),
        hours,
        troubled,
        recent_failures,
        has_events: store.has_events(account_id).await?,
    })
}

/// What the first-run guidance needs: the instance's address and something to publish.
pub async fn setup_hints(store: &Store, account_id: &str, public_url: &str) -> Result<SetupHints, AppError> {
    let types = store.list_event_types(account_id, None, 50).await?;
    Ok(SetupHints {
        public_url: public_url.trim_end_matches('/').to_string(),
        event_type: types.into_iter().find(|record| !record.archived).map(|record| record.name),
        has_subscriptions: !store.list_subscriptions(account_id, None, 1).await?.is_empty(),
    })
}
