//! One attempt of one claimed delivery, from building the signed request to what to record.

use std::collections::BTreeMap;

use app::domain::envelope::envelope;
use app::domain::ids::new_id;
use app::domain::queue::{AttemptContext, Claimed, Finished, Work};
use app::domain::{alerts, format_time, now_ms, signing};
use app::model::AttemptErrorKind;
use app::store::AttemptRecord;

use super::outcome::{self, AttemptResult, Situation};
use super::send::Sent;
use super::Shared;

/// Whether claimed work gets an attempt, and with what; `Err` gives back the delivery to end
/// without one: its event or subscription is gone, or its subscription is disabled and the
/// attempt is a scheduled one (a person asking for an attempt gets one).
pub fn attemptable(work: Work) -> Result<(Claimed, AttemptContext), Box<Claimed>> {
    match work.context {
        None => {
            tracing::error!(delivery_id = %work.claimed.id, "delivery without its event or subscription");
            Err(Box::new(work.claimed))
        }
        Some(context) if !context.subscription_active && work.claimed.next_trigger == "scheduled" => {
            Err(Box::new(work.claimed))
        }
        Some(context) => Ok((work.claimed, context)),
    }
}

/// Makes the attempt; returns what to record.
pub async fn run(shared: &Shared, claimed: Claimed, context: AttemptContext) -> Finished {
    let started_at = now_ms();
    let (headers, body, sent) = match context.payload.as_deref() {
        Some(payload) => send(shared, &claimed, &context, payload, started_at).await,
        None => (Vec::new(), None, purged()),
    };
    let duration_ms = (now_ms() - started_at).max(0);

    let now = now_ms();
    let situation = Situation {
        previous_status: claimed.status,
        trigger: &claimed.next_trigger,
        attempts_made: claimed.attempts_made + 1,
        schedule: &shared.config.retry_schedule,
        now_ms: now,
        failing_since: context.failing_since,
        disable_failing_after: shared.config.disable_failing_after,
    };
    let (delivery_outcome, effect) = outcome::decide(&sent.result, &situation, outcome::jitter);
    let (error_kind, status) = match &sent.result {
        AttemptResult::Error { kind } => (Some(*kind), None),
        AttemptResult::Success { status } => (None, Some(*status)),
        AttemptResult::Status { status, .. } => (Some(AttemptErrorKind::Status), Some(*status)),
    };
    let error_message = match (&sent.result, &sent.error_message) {
        (_, Some(message)) => Some(message.clone()),
        (AttemptResult::Status { status, .. }, None) => Some(format!("the endpoint answered {status}")),
        _ => None,
    };
    let header_json = |map: &BTreeMap<String, String>| serde_json::to_string(map).unwrap_or_else(|_| "{}".into());
    let attempt = AttemptRecord {
        id: new_id("att"),
        account_id: claimed.account_id.clone(),
        delivery_id: claimed.id.clone(),
        number: 0,
        trigger: claimed.next_trigger.clone(),
        triggered_by: claimed.triggered_by.clone(),
        started_at,
        duration_ms,
        request_url: context.url.clone(),
        request_headers: header_json(&headers.into_iter().collect()),
        request_body: body,
        response_status: sent.response.as_ref().map(|r| i64::from(r.status)),
        response_headers: sent.response.as_ref().map(|r| header_json(&r.headers)),
        response_body: sent.response.as_ref().map(|r| r.body.clone()),
        response_truncated: sent.response.as_ref().is_some_and(|r| r.truncated),
        error_kind,
        error_message,
    };
    tracing::info!(
        delivery_id = %claimed.id,
        event_id = %claimed.event_id,
        subscription_id = %claimed.subscription_id,
        attempt_id = %attempt.id,
        trigger = %claimed.next_trigger,
        status = ?status,
        error = ?attempt.error_kind,
        duration_ms,
        outcome = delivery_outcome.status.as_str(),
        "attempt"
    );
    let alerts = alerts::raised(&claimed, &context, &attempt, &delivery_outcome, effect, now);
    Finished { claimed, attempt, outcome: delivery_outcome, effect, now, alerts }
}

/// Builds, signs (at this moment, so that a late retry still verifies within a receiver's
/// tolerance) and sends the request.
async fn send(
    shared: &Shared,
    claimed: &Claimed,
    context: &AttemptContext,
    payload: &str,
    started_at: i64,
) -> (Vec<(String, String)>, Option<String>, Sent) {
    let timestamp = format_time(context.event_created_at);
    let body =
        match envelope(&claimed.event_id, &context.event_type, &timestamp, context.webhook_id.as_deref(), payload) {
            Ok(body) => body,
            Err(error) => {
                tracing::error!(%error, event_id = %claimed.event_id, "stored payload is not JSON");
                return (Vec::new(), None, failure(AttemptErrorKind::Request, "the stored payload could not be read"));
            }
        };
    let signed_at = started_at / 1000;
    let mut secrets = vec![context.secret.as_str()];
    if let (Some(previous), Some(until)) = (&context.previous_secret, context.previous_secret_expires_at) {
        if until > started_at {
            secrets.push(previous);
        }
    }
    let signature = signing::signature_header(secrets, &claimed.event_id, signed_at, body.as_bytes());

    let mut headers: Vec<(String, String)> = vec![
        ("content-type".into(), "application/json".into()),
        ("user-agent".into(), concat!("Hookrelay/", env!("CARGO_PKG_VERSION")).into()),
    ];
    let custom: BTreeMap<String, String> = serde_json::from_str(&context.headers).unwrap_or_default();
    headers.extend(custom);
    headers.push(("webhook-id".into(), claimed.event_id.clone()));
    headers.push(("webhook-timestamp".into(), signed_at.to_string()));
    headers.push(("webhook-signature".into(), signature));

    let sent = shared.sender.send(&context.url, &headers, body.clone()).await;
    (headers, Some(body), sent)
}

fn failure(kind: AttemptErrorKind, message: &str) -> Sent {
    Sent { result: AttemptResult::Error { kind }, response: None, error_message: Some(message.to_string()) }
}

fn purged() -> Sent {
    failure(
        AttemptErrorKind::Request,
        "the event's payload was purged by the retention policy; there is nothing left to send",
    )
}
