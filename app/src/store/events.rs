//! Events, and the fan-out that creates their deliveries in the same transaction.

use crate::model::DeliveryStatus;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventRecord {
    pub id: String,
    pub account_id: String,
    pub event_type: String,
    /// JSON text of `data`; `None` once purged.
    pub payload: Option<String>,
    pub idempotency_key: Option<String>,
    pub created_at: i64,
}

/// What a list of events is narrowed to. Times are Unix ms, `[since, until)`. Event ids sort
/// by time, so the caller also gives id bounds (the cursor, and ids bracketing the time range):
/// those are what the indexes can use, the times only make the edges exact.
#[derive(Debug, Clone, Default)]
pub struct EventQuery<'a> {
    pub event_type: Option<&'a str>,
    pub status: Option<DeliveryStatus>,
    pub subscription_id: Option<&'a str>,
    pub since: Option<i64>,
    pub until: Option<i64>,
    pub id_at_least: Option<String>,
    pub id_below: Option<String>,
    pub limit: u32,
}

/// Where an event's deliveries go.
#[derive(Debug, Clone)]
pub enum FanOut {
    /// Every enabled subscription of the account whose filter takes the event's type (a
    /// published event: its type must be an active one of the account or the catalog).
    Matching,
    /// Only the enabled subscriptions whose filter names the type (Hookrelay's own events,
    /// which a subscription to "every type" does not ask for). With none, nothing is stored.
    Named,
    /// Exactly this subscription (test events), with this trigger.
    Only { subscription_id: String, trigger: &'static str },
}

/// An event to store, with its fan-out and the start of its idempotency window.
#[derive(Debug, Clone)]
pub struct NewEvent {
    pub record: EventRecord,
    pub fan_out: FanOut,
    pub idempotency_since: i64,
}

pub enum Inserted {
    /// `(delivery id, subscription id)` of each delivery made.
    Created { deliveries: Vec<(String, String)> },
    /// The idempotency key was used within the window: the first event's id.
    Existing { event_id: String },
    /// Nothing stored: the event's type is not active (checked in the same transaction as the
    /// write, so an archive cannot slip in between).
    InactiveType,
}

/// A delivery that failed or waits for a retry, for the events list.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TroubledDeliveryRecord {
    pub event_id: String,
    pub subscription_id: String,
    pub status: DeliveryStatus,
    pub description: String,
    pub url: String,
}

operations! {
    /// Stores events, each with one pending delivery per target subscription, in one
    /// transaction: once this returns, all of them are durable and their deliveries due now.
    /// Many publishes share one commit, which is what makes ingest fast on SQLite. What became
    /// of each event, in order (a published event whose type is not active is not stored).
    /// `new_delivery_id` names the deliveries.
    pub async fn insert_events(
        &self,
        events: &[NewEvent],
        new_delivery_id: impl FnMut() -> String,
    ) -> Result<Vec<Inserted>, sqlx::Error>;
    pub async fn find_event(&self, account_id: &str, id: &str) -> Result<Option<EventRecord>, sqlx::Error>;
    /// One page of the account's events, newest first. A filter on delivery status or
    /// subscription walks the deliveries' indexes in event-id order instead of the events, so
    /// that a rare status is found without reading every event.
    pub async fn list_events(&self, account_id: &str, query: &EventQuery<'_>) -> Result<Vec<EventRecord>, sqlx::Error>;
    /// How many events `list_events` would list with no limit, counting no further than
    /// `query.limit` (a count of a million rows would cost a page view too much).
    pub async fn count_events(&self, account_id: &str, query: &EventQuery<'_>) -> Result<i64, sqlx::Error>;
    pub async fn has_events(&self, account_id: &str) -> Result<bool, sqlx::Error>;
    /// How many deliveries of each of these events are in each status: `(event id, status, count)`.
    pub async fn delivery_counts(
        &self,
        account_id: &str,
        event_ids: &[String],
    ) -> Result<Vec<(String, DeliveryStatus, i64)>, sqlx::Error>;
    /// The deliveries of these events that failed or wait for a retry, with their
    /// subscription's description and URL (empty for one deleted since).
    pub async fn troubled_deliveries(
        &self,
        account_id: &str,
        event_ids: &[String],
    ) -> Result<Vec<TroubledDeliveryRecord>, sqlx::Error>;
}
