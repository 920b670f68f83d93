//! Alerts are events: Hookrelay publishes its own events into an account when something needs a
//! person's attention, and a user alerts themselves by subscribing to those types (built in:
//! `crate::alert_types`). This module is the whole rule of which attempt raises which alert; the
//! queue writes each in the same transaction as its attempt, and only if its condition came
//! true there, so an alert is never lost and never sent for something undone.
//!
//! No loops: a delivery of one of these events that fails raises no further alert, and they go
//! only to subscriptions that name their type, not to those that take every type. With no such
//! subscription, nothing is stored.

use serde_json::json;

use super::format_time;
use super::ids::new_id;
use super::queue::{Alert, AlertCondition, AttemptContext, Claimed, DeliveryOutcome, SubscriptionEffect};
use crate::model::DeliveryStatus;
use crate::store::{AttemptRecord, EventRecord, FanOut, NewEvent};
use crate::validation::RESERVED_TYPE_PREFIX;

pub use crate::alert_types::{DELIVERY_FAILED, SUBSCRIPTION_DISABLED};

fn alert(account_id: &str, event_type: &str, data: serde_json::Value, now: i64) -> NewEvent {
    NewEvent {
        record: EventRecord {
            id: new_id("evt"),
            account_id: account_id.to_string(),
            event_type: event_type.to_string(),
            payload: Some(data.to_string()),
            idempotency_key: None,
            created_at: now,
        },
        fan_out: FanOut::Named,
        idempotency_since: now,
    }
}

/// The alerts an attempt raises, given where it sends its delivery and subscription.
pub fn raised(
    claimed: &Claimed,
    context: &AttemptContext,
    attempt: &AttemptRecord,
    outcome: &DeliveryOutcome,
    effect: SubscriptionEffect,
    now: i64,
) -> Vec<Alert> {
    let mut alerts = Vec::new();
    if outcome.status == DeliveryStatus::Failed {
        if let Some(event) = delivery_failed(claimed, context, attempt, now) {
            // When another attempt was asked for meanwhile, the delivery is not over.
            alerts.push(Alert { event, when: AlertCondition::MovedTheDeliveryOn });
        }
    }
    if let SubscriptionEffect::Disable(reason) = effect {
        // Another attempt may have disabled it first: only the one that did reports it.
        let event = subscription_disabled(claimed, context, reason, now);
        alerts.push(Alert { event, when: AlertCondition::ChangedTheSubscription });
    }
    alerts
}

/// `hookrelay.delivery.failed`, for a delivery whose last attempt just failed for good; `None`
/// for deliveries of Hookrelay's own events, and for a delivery that had failed already (a
/// manual retry of it that fails too is not news).
fn delivery_failed(claimed: &Claimed, context: &AttemptContext, attempt: &AttemptRecord, now: i64) -> Option<NewEvent> {
    if context.event_type.starts_with(RESERVED_TYPE_PREFIX) || claimed.status == DeliveryStatus::Failed {
        return None;
    }
    let data = json!({
        "delivery_id": claimed.id,
        "event_id": claimed.event_id,
        "event_type": context.event_type,
        "subscription_id": claimed.subscription_id,
        "url": context.url,
        "attempts": claimed.attempts_made + 1,
        "last_status_code": attempt.response_status,
        "last_error": attempt.error_message,
        "failed_at": format_time(now),
    });
    Some(alert(&claimed.account_id, DELIVERY_FAILED, data, now))
}

/// `hookrelay.subscription.disabled`; `reason` is `gone` (410) or `failing`.
fn subscription_disabled(claimed: &Claimed, context: &AttemptContext, reason: &str, now: i64) -> NewEvent {
    let data = json!({
        "subscription_id": claimed.subscription_id,
        "url": context.url,
        "reason": reason,
        "failing_since": context.failing_since.map(format_time),
        "disabled_at": format_time(now),
    });
    alert(&claimed.account_id, SUBSCRIPTION_DISABLED, data, now)
}
