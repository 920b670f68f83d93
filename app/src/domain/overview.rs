//! The overview: is delivery healthy, and if not, where and why.

use std::collections::HashMap;
use std::time::Duration;

use super::ids::first_id_at;
use super::{format_time, now_ms};
use crate::error::AppError;
use crate::model::{
    DeliveryStatus, DeliveryTotals, DisabledReason, FailureGroup, FailureSummary, HourCount, Overview, SetupHints,
    SubscriptionHealth,
};
use crate::store::{DeliveryHourRecord, FailureGroupRecord, Store, SubscriptionRecord};

const HOUR_MS: i64 = 3_600_000;
/// How many hours the chart covers, the current one included.
pub const CHART_HOURS: i64 = 24;
/// Failure groups shown: enough for every subscription to have a couple of distinct problems.
const FAILURE_GROUPS: u32 = 12;
/// Subscriptions read for the health table, besides every troubled one.
const SUBSCRIPTIONS: u32 = 100;

/// The last 24 hours of one account. `disable_failing_after` is the instance's limit on a run
/// of failures, to say when each failing subscription will be disabled.
pub async fn overview(store: &Store, account_id: &str, disable_failing_after: Duration) -> Result<Overview, AppError> {
    let first_hour = first_hour();
    let counted = store.deliveries_per_hour(account_id, None, &first_id_at("evt", first_hour)).await?;
    let groups = store.failure_groups(account_id, None, first_hour, FAILURE_GROUPS).await?;

    // Troubled ones first (they are read apart, so that none is left out of a long list).
    let mut records = store.troubled_subscriptions(account_id).await?;
    for record in store.list_subscriptions(account_id, None, SUBSCRIPTIONS).await? {
        if !records.iter().any(|known| known.id == record.id) {
            records.push(record);
        }
    }
    let limit_ms = millis(disable_failing_after);
    let mut subscriptions: Vec<SubscriptionHealth> =
        records.into_iter().map(|record| health(record, first_hour, &counted, &groups, limit_ms)).collect();
    // Needing attention first, then the busiest; the order of the store otherwise (newest).
    subscriptions
        .sort_by_key(|s| (!s.needs_attention(), -(s.totals.failed), -(s.totals.succeeded + s.totals.in_progress)));

    let names: HashMap<&str, (&str, &str)> =
        subscriptions.iter().map(|s| (s.id.as_str(), (s.description.as_str(), s.url.as_str()))).collect();
    let failures = groups
        .iter()
        .map(|group| {
            let (description, url) = names.get(group.subscription_id.as_str()).copied().unwrap_or(("", ""));
            FailureGroup {
                subscription_id: group.subscription_id.clone(),
                subscription_description: description.to_string(),
                subscription_url: url.to_string(),
                deliveries: group.deliveries,
                attempts: group.attempts,
                since: format_time(group.first_at),
                latest: summary(group),
                event_id: group.latest_event_id.clone(),
                delivery_id: group.latest_delivery_id.clone(),
                attempt_id: group.latest_attempt_id.clone(),
            }
        })
        .collect();
    let hours = hourly(first_hour, counted.iter());
    Ok(Overview {
        totals: total(&hours),
        hours,
        subscriptions,
        failures,
        has_events: store.has_events(account_id).await?,
    })
}

/// One subscription's last 24 hours, as the overview shows it: for the top of its own page.
pub async fn subscription_health(
    store: &Store,
    account_id: &str,
    id: &str,
    disable_failing_after: Duration,
) -> Result<SubscriptionHealth, AppError> {
    let record = store.find_subscription(account_id, id).await?.ok_or(AppError::NotFound)?;
    let first_hour = first_hour();
    let counted = store.deliveries_per_hour(account_id, Some(id), &first_id_at("evt", first_hour)).await?;
    let latest = store.failure_groups(account_id, Some(id), first_hour, 1).await?;
    Ok(health(record, first_hour, &counted, &latest, millis(disable_failing_after)))
}

/// The start of the first hour the chart shows.
fn first_hour() -> i64 {
    (now_ms() / HOUR_MS - (CHART_HOURS - 1)) * HOUR_MS
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX)
}

fn health(
    record: SubscriptionRecord,
    first_hour: i64,
    counted: &[DeliveryHourRecord],
    groups: &[FailureGroupRecord],
    disable_after_ms: i64,
) -> SubscriptionHealth {
    let trend = hourly(first_hour, counted.iter().filter(|row| row.subscription_id == record.id));
    // Groups come most recent first.
    let last_failure = groups.iter().find(|group| group.subscription_id == record.id).map(summary);
    SubscriptionHealth {
        disables_at: match (record.enabled, record.failing_since) {
            (true, Some(since)) => Some(format_time(since.saturating_add(disable_after_ms))),
            _ => None,
        },
        failing_since: record.failing_since.map(format_time),
        disabled_reason: if record.enabled {
            None
        } else {
            record.disabled_reason.as_deref().and_then(DisabledReason::parse)
        },
        totals: total(&trend),
        trend,
        last_failure,
        id: record.id,
        description: record.description,
        url: record.url,
        enabled: record.enabled,
    }
}

fn summary(group: &FailureGroupRecord) -> FailureSummary {
    FailureSummary {
        status_code: group.response_status,
        error_kind: group.error_kind,
        error_message: group.latest_message.clone().unwrap_or_default(),
        at: format_time(group.latest_at),
    }
}

/// The chart's hours, oldest first, each with the deliveries made in it.
fn hourly<'a>(first_hour: i64, rows: impl Iterator<Item = &'a DeliveryHourRecord>) -> Vec<HourCount> {
    let mut hours: Vec<HourCount> = (0..CHART_HOURS)
        .map(|index| HourCount {
            start: format_time(first_hour + index * HOUR_MS),
            succeeded: 0,
            failed: 0,
            in_progress: 0,
        })
        .collect();
    for row in rows {
        let index = (row.hour - first_hour) / HOUR_MS;
        // A delivery made just before the first hour (ids and clocks may differ by a few
        // milliseconds) or in a clock's future is left out rather than put in the wrong hour.
        let Some(hour) = usize::try_from(index).ok().and_then(|index| hours.get_mut(index)) else { continue };
        match row.status {
            DeliveryStatus::Succeeded => hour.succeeded += row.count,
            DeliveryStatus::Failed => hour.failed += row.count,
            DeliveryStatus::Pending | DeliveryStatus::Retrying => hour.in_progress += row.count,
        }
    }
    hours
}

fn total(hours: &[HourCount]) -> DeliveryTotals {
    hours.iter().fold(DeliveryTotals::default(), |sum, hour| DeliveryTotals {
        succeeded: sum.succeeded + hour.succeeded,
        failed: sum.failed + hour.failed,
        in_progress: sum.in_progress + hour.in_progress,
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
