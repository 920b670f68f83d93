//! Deliveries and attempts: reading them, and asking for more attempts.

use std::collections::BTreeMap;

use super::paging::PageRequest;
use super::paging::{given, is_id};
use super::pipeline::Pipeline;
use super::{format_time, now_ms, parse_time};
use crate::error::AppError;
use crate::model::{
    Attempt, AttemptError, AttemptRequest, AttemptResponse, Delivery, DeliveryStatus, Page, ReplayInput, ReplayQueued,
};
use crate::store::{AttemptRecord, DeliveryFilter, DeliveryRecord, Store};

/// A `status` filter as given in a query.
pub(crate) fn parse_status(text: &str) -> Result<DeliveryStatus, AppError> {
    DeliveryStatus::parse(text)
        .ok_or_else(|| AppError::validation("status", "status is one of pending, retrying, succeeded, failed."))
}

pub(crate) fn to_delivery(record: DeliveryRecord) -> Delivery {
    Delivery {
        status: record.status,
        // While an attempt is in flight the stored time is the claim's expiry, not a schedule.
        next_attempt_at: match record.lease_until {
            Some(_) => None,
            None => record.next_attempt_at.map(format_time),
        },
        created_at: format_time(record.created_at),
        updated_at: format_time(record.updated_at),
        id: record.id,
        event_id: record.event_id,
        subscription_id: record.subscription_id,
        attempts_made: record.attempts_made,
        last_status_code: record.last_status_code,
        event_type: record.event_type,
        subscription_url: record.subscription_url,
        subscription_description: record.subscription_description.filter(|description| !description.is_empty()),
        attempts: None,
        attempts_next_cursor: None,
    }
}

fn headers_of(json: Option<&str>) -> BTreeMap<String, String> {
    json.and_then(|text| serde_json::from_str(text).ok()).unwrap_or_default()
}

fn to_attempt(record: AttemptRecord) -> Attempt {
    Attempt {
        request: AttemptRequest {
            url: record.request_url,
            headers: headers_of(Some(&record.request_headers)),
            body: record.request_body,
        },
        response: record.response_status.map(|status| AttemptResponse {
            status,
            headers: headers_of(record.response_headers.as_deref()),
            body: record.response_body,
            truncated: record.response_truncated,
        }),
        error: record.error_kind.map(|kind| AttemptError { kind, message: record.error_message.unwrap_or_default() }),
        id: record.id,
        number: record.number,
        trigger: record.trigger,
        triggered_by: record.triggered_by,
        started_at: format_time(record.started_at),
        duration_ms: record.duration_ms,
    }
}

/// How many attempts a delivery carries; older ones are read page by page ([`attempts`]).
pub const LATEST_ATTEMPTS: u32 = 50;

/// One delivery with its latest [`LATEST_ATTEMPTS`] attempts, oldest of them first, and the
/// cursor for the ones before them.
pub async fn get(store: &Store, account_id: &str, id: &str) -> Result<Delivery, AppError> {
    let record = store.find_delivery(account_id, id).await?.ok_or(AppError::NotFound)?;
    let window = PageRequest { limit: Some(i64::from(LATEST_ATTEMPTS)), cursor: None }.window("att")?;
    let latest = store.attempts_of(account_id, id, None, window.fetch()).await?;
    let mut page = window.page(latest, |row| row.id.clone(), to_attempt);
    page.data.reverse();
    let mut delivery = to_delivery(record);
    delivery.attempts = Some(page.data);
    delivery.attempts_next_cursor = page.next_cursor;
    Ok(delivery)
}

/// A delivery's attempts, newest first, a page at a time.
pub async fn attempts(
    store: &Store,
    account_id: &str,
    delivery_id: &str,
    request: &PageRequest,
) -> Result<Page<Attempt>, AppError> {
    let window = request.window("att")?;
    store.find_delivery(account_id, delivery_id).await?.ok_or(AppError::NotFound)?;
    let rows = store.attempts_of(account_id, delivery_id, window.before.as_deref(), window.fetch()).await?;
    Ok(window.page(rows, |row| row.id.clone(), to_attempt))
}

#[derive(Clone, Debug, Default)]
pub struct ListFilter {
    pub subscription_id: Option<String>,
    pub event_id: Option<String>,
    pub status: Option<String>,
}

pub async fn list(
    store: &Store,
    account_id: &str,
    filter: &ListFilter,
    request: &PageRequest,
) -> Result<Page<Delivery>, AppError> {
    let window = request.window("dlv")?;
    let status = given(&filter.status).map(parse_status).transpose()?;
    let subscription_id = given(&filter.subscription_id);
    if subscription_id.is_some_and(|id| !is_id(id, "sub")) {
        return Err(AppError::validation("subscription_id", "subscription_id is not a subscription id."));
    }
    let event_id = given(&filter.event_id);
    if event_id.is_some_and(|id| !is_id(id, "evt")) {
        return Err(AppError::validation("event_id", "event_id is not an event id."));
    }
    let store_filter = DeliveryFilter { subscription_id, event_id, status };
    let rows = store.list_deliveries(account_id, &store_filter, window.before.as_deref(), window.fetch()).await?;
    Ok(window.page(rows, |row| row.id.clone(), to_delivery))
}

/// A new attempt now, whatever the delivery's state, recorded as `manual` and by whom.
pub async fn redeliver(
    store: &Store,
    pipeline: &Pipeline,
    account_id: &str,
    id: &str,
    requested_by: &str,
) -> Result<Delivery, AppError> {
    if !store.request_attempt(account_id, id, "manual", Some(requested_by), now_ms()).await? {
        return Err(AppError::NotFound);
    }
    pipeline.wake_worker(account_id);
    let record = store.find_delivery(account_id, id).await?.ok_or(AppError::NotFound)?;
    Ok(to_delivery(record))
}

/// Sends every failed delivery of a subscription created in the window again.
pub async fn replay(
    store: &Store,
    pipeline: &Pipeline,
    account_id: &str,
    subscription_id: &str,
    input: &ReplayInput,
    requested_by: &str,
) -> Result<ReplayQueued, AppError> {
    store.find_subscription(account_id, subscription_id).await?.ok_or(AppError::NotFound)?;
    let now = now_ms();
    let since = parse_time("since", &input.since)?;
    let until = input.until.as_deref().map(|text| parse_time("until", text)).transpose()?.unwrap_or(now + 1);
    if until <= since {
        return Err(AppError::validation("until", "until must be later than since."));
    }
    let queued = store.request_replay(account_id, subscription_id, since, until, Some(requested_by), now).await?;
    if queued > 0 {
        pipeline.wake_worker(account_id);
    }
    Ok(ReplayQueued { queued })
}
