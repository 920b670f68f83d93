//! Publishing events, and reading them back.

use super::deliveries::{parse_status, to_delivery};
use super::ids::{first_id_at, new_id};
use super::paging::PageRequest;
use super::paging::{given, is_id};
use super::pipeline::Pipeline;
use super::{format_time, now_ms, parse_time};
use crate::error::AppError;
use crate::model::{
    DeliveryCounts, DeliveryStatus, Event, EventInput, EventRow, EventsQuery, Page, Published, TestSent,
    TroubledDelivery,
};
use crate::store::{DeliveryRecord, EventQuery, EventRecord, FanOut, Inserted, NewEvent, Store};
use crate::validation::{check_event_type_name, RESERVED_TYPE_PREFIX};

/// How long an idempotency key keeps answering with its first event.
pub const IDEMPOTENCY_WINDOW_MS: i64 = 24 * 60 * 60 * 1000;
pub const MAX_IDEMPOTENCY_KEY_CHARS: usize = 256;
/// The type of the events "Send test event" makes.
pub const TEST_EVENT_TYPE: &str = "hookrelay.test";

fn to_event(record: EventRecord) -> Event {
    Event {
        timestamp: format_time(record.created_at),
        data: record.payload.and_then(|text| serde_json::from_str(&text).ok()),
        id: record.id,
        event_type: record.event_type,
        deliveries: None,
        delivery_counts: None,
    }
}

/// Stores an event and its deliveries, then wakes the worker. A repeated idempotency key within
/// 24 hours returns the first event instead (`created: false`).
pub async fn publish(
    store: &Store,
    pipeline: &Pipeline,
    account_id: &str,
    input: EventInput,
    max_payload_bytes: usize,
) -> Result<Published, AppError> {
    check_event_type_name(&input.event_type).map_err(|message| AppError::validation("type", message))?;
    if input.event_type.starts_with(RESERVED_TYPE_PREFIX) {
        return Err(AppError::validation("type", "Types starting with hookrelay. are Hookrelay's own events."));
    }
    if let Some(key) = &input.idempotency_key {
        if key.is_empty() || key.chars().count() > MAX_IDEMPOTENCY_KEY_CHARS || key.chars().any(char::is_control) {
            return Err(AppError::validation(
                "idempotency_key",
                format!("An idempotency key is 1 to {MAX_IDEMPOTENCY_KEY_CHARS} printable characters."),
            ));
        }
    }
    let payload =
        serde_json::to_string(&input.data).map_err(|_| AppError::validation("data", "data is not valid JSON."))?;
    if payload.len() > max_payload_bytes {
        return Err(AppError::PayloadTooLarge(format!(
            "data is {} bytes; the limit is {max_payload_bytes} bytes.",
            payload.len()
        )));
    }
    let record = EventRecord {
        id: new_id("evt"),
        account_id: account_id.to_string(),
        event_type: input.event_type,
        payload: Some(payload),
        idempotency_key: input.idempotency_key,
        created_at: now_ms(),
    };
    let idempotency_since = record.created_at - IDEMPOTENCY_WINDOW_MS;
    let new_event = NewEvent { record: record.clone(), fan_out: FanOut::Matching, idempotency_since };
    match pipeline.insert(new_event).await? {
        Inserted::Created { deliveries } => Ok(Published { event: just_created(record, deliveries), created: true }),
        Inserted::Existing { event_id } => {
            Ok(Published { event: get(store, account_id, &event_id).await?, created: false })
        }
        // Checked where the event is written, so that archiving cannot slip in between.
        Inserted::InactiveType => Err(AppError::validation(
            "type",
            format!(
                "There is no active event type named {}. Declare it first (or restore it if archived).",
                record.event_type
            ),
        )),
    }
}

/// The answer to a publish, built from what was just written rather than read back.
fn just_created(record: EventRecord, deliveries: Vec<(String, String)>) -> Event {
    let created_at = record.created_at;
    let deliveries = deliveries
        .into_iter()
        .map(|(id, subscription_id)| DeliveryRecord {
            id,
            event_id: record.id.clone(),
            subscription_id,
            status: DeliveryStatus::Pending,
            attempts_made: 0,
            next_attempt_at: Some(created_at),
            lease_until: None,
            last_status_code: None,
            created_at,
            updated_at: created_at,
            event_type: Some(record.event_type.clone()),
            subscription_url: None,
            subscription_description: None,
        })
        .collect::<Vec<_>>();
    let mut event = to_event(record);
    event.deliveries = Some(deliveries.into_iter().map(to_delivery).collect());
    event
}

/// Sends a `hookrelay.test` event to one subscription only.
pub async fn send_test(
    store: &Store,
    pipeline: &Pipeline,
    account_id: &str,
    subscription_id: &str,
) -> Result<TestSent, AppError> {
    store.find_subscription(account_id, subscription_id).await?.ok_or(AppError::NotFound)?;
    let now = now_ms();
    let data = serde_json::json!({
        "message": "This is a test event from Hookrelay.",
        "subscription_id": subscription_id,
    });
    let record = EventRecord {
        id: new_id("evt"),
        account_id: account_id.to_string(),
        event_type: TEST_EVENT_TYPE.to_string(),
        payload: Some(data.to_string()),
        idempotency_key: None,
        created_at: now,
    };
    let fan_out = FanOut::Only { subscription_id: subscription_id.to_string(), trigger: "test" };
    let event_id = record.id.clone();
    match pipeline.insert(NewEvent { record, fan_out, idempotency_since: now }).await? {
        Inserted::Created { deliveries } => {
            let (delivery_id, _) = deliveries.into_iter().next().ok_or(AppError::Internal)?;
            Ok(TestSent { event_id, delivery_id })
        }
        Inserted::Existing { .. } | Inserted::InactiveType => Err(AppError::Internal),
    }
}

/// One event with its deliveries.
pub async fn get(store: &Store, account_id: &str, id: &str) -> Result<Event, AppError> {
    let record = store.find_event(account_id, id).await?.ok_or(AppError::NotFound)?;
    let deliveries = store.deliveries_of_event(account_id, id).await?;
    let mut event = to_event(record);
    event.deliveries = Some(deliveries.into_iter().map(to_delivery).collect());
    Ok(event)
}

#[derive(Clone, Debug, Default)]
pub struct EventFilter {
    pub event_type: Option<String>,
    /// Only events with at least one delivery in this status.
    pub status: Option<String>,
    /// Only events with a delivery to this subscription.
    pub subscription_id: Option<String>,
    pub since: Option<String>,
    pub until: Option<String>,
}

impl EventFilter {
    /// The events page's query as a filter: its quick range (`range=24h`) is a `since` that
    /// many hours before now, unless the query names its own `since`.
    pub fn of_dashboard(query: &EventsQuery) -> Result<EventFilter, AppError> {
        const HOUR_MS: i64 = 3_600_000;
        let since = match (&query.since, query.range_hours()) {
            (Some(since), _) => Some(since.clone()),
            (None, Some(Ok(hours))) => Some(format_time(now_ms() - hours * HOUR_MS)),
            (None, Some(Err(message))) => return Err(AppError::validation("range", message)),
            (None, None) => None,
        };
        Ok(EventFilter {
            event_type: query.event_type.clone(),
            status: query.status.clone(),
            subscription_id: query.subscription.clone(),
            since,
            until: query.until.clone(),
        })
    }
}

/// How far an event id's time may lie from the event's stored time (both are taken a moment
/// apart when it is published).
const ID_TIME_SLACK_MS: i64 = 1_000;

/// A page of events, newest first, each with how many of its deliveries are in each status.
pub async fn list(
    store: &Store,
    account_id: &str,
    filter: &EventFilter,
    request: &PageRequest,
) -> Result<Page<Event>, AppError> {
    let window = request.window("evt")?;
    let query = store_query(filter, window.before.clone(), window.fetch())?;
    let rows = store.list_events(account_id, &query).await?;
    let mut page = window.page(rows, |row| row.id.clone(), to_event);
    let ids: Vec<String> = page.data.iter().map(|event| event.id.clone()).collect();
    for event in &mut page.data {
        event.delivery_counts = Some(DeliveryCounts::default());
    }
    for (event_id, status, count) in store.delivery_counts(account_id, &ids).await? {
        let counts = page.data.iter_mut().find(|event| event.id == event_id).and_then(|e| e.delivery_counts.as_mut());
        if let Some(counts) = counts {
            counts.add(status, count);
        }
    }
    Ok(page)
}

/// How far the events page counts the events a filter matches; past it, it says "more than".
pub const MAX_COUNTED: i64 = 1_000;

/// How many events match a filter (whatever page is shown), counting up to `MAX_COUNTED + 1`.
pub async fn count(store: &Store, account_id: &str, filter: &EventFilter) -> Result<i64, AppError> {
    let limit = u32::try_from(MAX_COUNTED + 1).unwrap_or(u32::MAX);
    let query = store_query(filter, None, limit)?;
    Ok(store.count_events(account_id, &query).await?)
}

/// A filter as the store's query: checked, with the id bounds its times and the page's cursor
/// (`before`) give.
fn store_query(filter: &EventFilter, before: Option<String>, limit: u32) -> Result<EventQuery<'_>, AppError> {
    let since = filter.since.as_deref().map(|text| parse_time("since", text)).transpose()?;
    let until = filter.until.as_deref().map(|text| parse_time("until", text)).transpose()?;
    if let (Some(since), Some(until)) = (since, until) {
        if until <= since {
            return Err(AppError::validation("until", "until must be later than since."));
        }
    }
    let status = given(&filter.status).map(parse_status).transpose()?;
    // A malformed name can match nothing: say so rather than answer an empty page.
    if let Some(name) = given(&filter.event_type) {
        check_event_type_name(name).map_err(|message| AppError::validation("type", message))?;
    }
    if let Some(id) = given(&filter.subscription_id) {
        if !is_id(id, "sub") {
            return Err(AppError::validation("subscription_id", "subscription_id is not a subscription id."));
        }
    }
    let until_bound = until.map(|until| first_id_at("evt", until.saturating_add(ID_TIME_SLACK_MS)));
    let id_below = match (before, until_bound) {
        (Some(cursor), Some(bound)) => Some(cursor.min(bound)),
        (cursor, bound) => cursor.or(bound),
    };
    Ok(EventQuery {
        event_type: given(&filter.event_type),
        status,
        subscription_id: given(&filter.subscription_id),
        since,
        until,
        id_at_least: since.map(|since| first_id_at("evt", since.saturating_sub(ID_TIME_SLACK_MS))),
        id_below,
        limit,
    })
}

/// The dashboard's rows of a page of events: each payload replaced by a glimpse of it, and the
/// subscriptions whose deliveries failed or wait for a retry named.
pub async fn dashboard_rows(store: &Store, account_id: &str, page: Page<Event>) -> Result<Page<EventRow>, AppError> {
    let ids: Vec<String> = page.data.iter().map(|event| event.id.clone()).collect();
    let troubled = store.troubled_deliveries(account_id, &ids).await?;
    let data = page
        .data
        .into_iter()
        .map(|mut event| {
            let hint = event.data.take().map(|data| payload_hint(&data)).unwrap_or_default();
            let troubled = troubled
                .iter()
                .filter(|row| row.event_id == event.id)
                .map(|row| TroubledDelivery {
                    subscription_id: row.subscription_id.clone(),
                    description: row.description.clone(),
                    url: row.url.clone(),
                    status: row.status,
                })
                .collect();
            EventRow { event, hint, troubled }
        })
        .collect();
    Ok(Page { data, next_cursor: page.next_cursor })
}

/// How many of a payload's fields a hint shows, and how much of each value.
const HINT_FIELDS: usize = 3;
const HINT_VALUE_CHARS: usize = 32;

/// A payload's first scalar fields as "id: in_1 · amount: 4200" (a scalar payload as itself),
/// so that a list row says which order or invoice it was about.
pub fn payload_hint(data: &serde_json::Value) -> String {
    use serde_json::Value;
    let scalar = |value: &Value| match value {
        Value::String(text) if text.chars().count() > HINT_VALUE_CHARS => {
            Some(format!("{}…", text.chars().take(HINT_VALUE_CHARS).collect::<String>()))
        }
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        Value::Bool(flag) => Some(flag.to_string()),
        Value::Null | Value::Array(_) | Value::Object(_) => None,
    };
    match data {
        Value::Object(fields) => fields
            .iter()
            .filter_map(|(key, value)| scalar(value).map(|text| format!("{key}: {text}")))
            .take(HINT_FIELDS)
            .collect::<Vec<_>>()
            .join(" · "),
        other => scalar(other).unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::payload_hint;

    #[test]
    fn a_hint_is_the_first_scalar_fields_in_the_order_published() {
        let data = json!({"invoice": "in_1", "lines": [1, 2], "amount": 4200, "customer": {"id": "cus_1"}, "paid": true, "currency": "eur"});
        assert_eq!(payload_hint(&data), "invoice: in_1 · amount: 4200 · paid: true");
        assert_eq!(payload_hint(&json!("just text")), "just text");
        assert_eq!(payload_hint(&json!([1, 2, 3])), "");
        assert_eq!(payload_hint(&json!({"nested": {"only": 1}})), "");
        let long = "x".repeat(100);
        assert_eq!(payload_hint(&json!({ "note": long })), format!("note: {}…", "x".repeat(32)));
    }
}
