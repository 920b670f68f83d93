//! Alerts are events: Hookrelay publishes its own events into an account when something needs a
//! person's attention, and a user alerts themselves by subscribing to those types (built in:
//! `crate::alert_types`). They are written in the same transaction as the
//! attempt that caused them, so an alert is never lost and never sent for something undone.
//!
//! No loops: a delivery of one of these events that fails raises no further alert, and they go
//! only to subscriptions that name their type, not to those that take every type. With no such
//! subscription, nothing is stored.

use serde_json::json;

use super::format_time;
use super::ids::new_id;
use crate::store::{AttemptContext, AttemptRecord, Claimed, EventRecord, FanOut, NewEvent};
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

/// `hookrelay.delivery.failed`, for a delivery whose last attempt just failed for good; `None`
/// for deliveries of Hookrelay's own events, and for a delivery that had failed already (a
/// manual retry of it that fails too is not news).
pub fn delivery_failed(
    claimed: &Claimed,
    context: &AttemptContext,
    attempt: &AttemptRecord,
    now: i64,
) -> Option<NewEvent> {
    if context.event_type.starts_with(RESERVED_TYPE_PREFIX) || claimed.status == "failed" {
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
pub fn subscription_disabled(claimed: &Claimed, context: &AttemptContext, reason: &str, now: i64) -> NewEvent {
    let data = json!({
        "subscription_id": claimed.subscription_id,
        "url": context.url,
        "reason": reason,
        "failing_since": context.failing_since.map(format_time),
        "disabled_at": format_time(now),
    });
    alert(&claimed.account_id, SUBSCRIPTION_DISABLED, data, now)
}
