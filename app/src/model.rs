//! The shapes that cross the wire: the REST API's JSON and the dashboard's server functions use
//! the same types. Times are RFC 3339 strings in UTC.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventType {
    pub name: String,
    pub description: String,
    /// An example payload (`data`) for this type, if one was given.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Value>))]
    pub example: Option<Value>,
    pub archived: bool,
    /// True for a type of the instance-wide catalog: every account publishes it, only the
    /// operator changes it.
    #[serde(default)]
    pub catalog: bool,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventTypeCreate {
    /// Lowercase dot-separated words, at least two: `invoice.paid`, `user.email_changed`.
    pub name: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Value>))]
    pub example: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventTypePatch {
    #[serde(default)]
    pub description: Option<String>,
    /// `null` removes the example.
    #[serde(default, with = "serde_with::rust::double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Value>))]
    pub example: Option<Option<Value>>,
    #[serde(default)]
    pub archived: Option<bool>,
}

/// Why a subscription is disabled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisabledReason {
    /// Someone turned it off.
    Manual,
    /// The endpoint answered 410 Gone.
    Gone,
    /// Every delivery failed for too long.
    Failing,
}

impl DisabledReason {
    pub fn as_str(self) -> &'static str {
        match self {
            DisabledReason::Manual => "manual",
            DisabledReason::Gone => "gone",
            DisabledReason::Failing => "failing",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "manual" => Some(DisabledReason::Manual),
            "gone" => Some(DisabledReason::Gone),
            "failing" => Some(DisabledReason::Failing),
            _ => None,
        }
    }

    /// What the dashboard says about it.
    pub fn explain(self) -> &'static str {
        match self {
            DisabledReason::Manual => "Disabled by a user",
            DisabledReason::Gone => "Disabled: the endpoint answered 410 Gone",
            DisabledReason::Failing => "Disabled: deliveries kept failing",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Subscription {
    pub id: String,
    pub url: String,
    pub description: String,
    /// Empty means every event type.
    pub event_types: Vec<String>,
    pub headers: BTreeMap<String, String>,
    pub webhook_id: Option<String>,
    pub enabled: bool,
    pub disabled_reason: Option<DisabledReason>,
    pub created_at: String,
    pub updated_at: String,
    /// When its current run of failed attempts began; `null` after a success. A subscription
    /// failing for longer than the instance's limit is disabled with reason `failing`.
    pub failing_since: Option<String>,
}

/// A new subscription (POST), or all of a subscription's fields (PUT).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubscriptionInput {
    pub url: String,
    #[serde(default)]
    pub description: Option<String>,
    /// Absent or empty: every event type.
    #[serde(default)]
    pub event_types: Option<Vec<String>>,
    #[serde(default)]
    pub headers: Option<BTreeMap<String, String>>,
    #[serde(default)]
    pub webhook_id: Option<String>,
    #[serde(default)]
    pub enabled: Option<bool>,
}

/// Some of a subscription's fields (PATCH).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubscriptionPatch {
    #[serde(default)]
    pub url: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub event_types: Option<Vec<String>>,
    #[serde(default)]
    pub headers: Option<BTreeMap<String, String>>,
    /// `null` removes it.
    #[serde(default, with = "serde_with::rust::double_option", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub webhook_id: Option<Option<String>>,
    #[serde(default)]
    pub enabled: Option<bool>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubscriptionSecret {
    /// `whsec_` followed by the base64 of 32 random bytes.
    pub secret: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    /// The key's first characters, to tell keys apart.
    pub prefix: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
    pub revoked_at: Option<String>,
}

/// A key just created: the only time its full value is shown.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedApiKey {
    pub api_key: ApiKey,
    pub key: String,
}

/// One page of a list, newest first.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub data: Vec<T>,
    pub next_cursor: Option<String>,
}

/// An event to publish: `{type, data, idempotency_key?}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EventInput {
    /// The event type's name; it must exist and not be archived.
    #[serde(rename = "type")]
    pub event_type: String,
    /// Any JSON value; it becomes `data` in what subscribers receive.
    #[cfg_attr(feature = "ssr", schema(value_type = Value))]
    pub data: Value,
    /// Publishing the same key again within 24 hours returns the first event and creates nothing.
    #[serde(default)]
    pub idempotency_key: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Event {
    pub id: String,
    #[serde(rename = "type")]
    pub event_type: String,
    pub timestamp: String,
    /// `null` once the payload has been purged by retention.
    #[cfg_attr(feature = "ssr", schema(value_type = Option<Value>))]
    pub data: Option<Value>,
    /// Present on a single event, absent in lists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deliveries: Option<Vec<Delivery>>,
    /// Present in lists: how many of its deliveries are in each status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_counts: Option<DeliveryCounts>,
}

/// How many deliveries are in each status.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeliveryCounts {
    pub pending: i64,
    pub retrying: i64,
    pub succeeded: i64,
    pub failed: i64,
}

impl DeliveryCounts {
    pub fn add(&mut self, status: DeliveryStatus, count: i64) {
        match status {
            DeliveryStatus::Pending => self.pending += count,
            DeliveryStatus::Retrying => self.retrying += count,
            DeliveryStatus::Succeeded => self.succeeded += count,
            DeliveryStatus::Failed => self.failed += count,
        }
    }

    pub fn total(&self) -> i64 {
        self.pending + self.retrying + self.succeeded + self.failed
    }
}

/// Where a delivery stands; stored as its lower-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(rename_all = "lowercase"))]
#[serde(rename_all = "snake_case")]
pub enum DeliveryStatus {
    Pending,
    Retrying,
    Succeeded,
    Failed,
}

impl DeliveryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "pending",
            DeliveryStatus::Retrying => "retrying",
            DeliveryStatus::Succeeded => "succeeded",
            DeliveryStatus::Failed => "failed",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(DeliveryStatus::Pending),
            "retrying" => Some(DeliveryStatus::Retrying),
            "succeeded" => Some(DeliveryStatus::Succeeded),
            "failed" => Some(DeliveryStatus::Failed),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Delivery {
    pub id: String,
    pub event_id: String,
    pub subscription_id: String,
    pub status: DeliveryStatus,
    pub attempts_made: i64,
    pub next_attempt_at: Option<String>,
    pub last_status_code: Option<i64>,
    pub created_at: String,
    pub updated_at: String,
    /// The event's type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// Where the subscription delivers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_url: Option<String>,
    /// Present on a single delivery, absent in lists: its latest 50 attempts, oldest first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts: Option<Vec<Attempt>>,
    /// On a single delivery with older attempts than those it carries: the `cursor` for
    /// `GET /deliveries/{id}/attempts` that reads them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attempts_next_cursor: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Attempt {
    pub id: String,
    pub number: i64,
    /// `scheduled`, `manual`, `replay` or `test`.
    pub trigger: String,
    /// Who asked for it, for manual attempts and replays.
    pub triggered_by: Option<String>,
    pub started_at: String,
    pub duration_ms: i64,
    pub request: AttemptRequest,
    pub response: Option<AttemptResponse>,
    pub error: Option<AttemptError>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttemptRequest {
    pub url: String,
    pub headers: BTreeMap<String, String>,
    /// `null` once purged by retention.
    pub body: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttemptResponse {
    pub status: i64,
    pub headers: BTreeMap<String, String>,
    /// Up to the first 64 KiB; `null` once purged by retention.
    pub body: Option<String>,
    pub truncated: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AttemptError {
    pub kind: AttemptErrorKind,
    pub message: String,
}

/// Why an attempt did not succeed; stored as its lower-case name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(rename_all = "lowercase"))]
#[serde(rename_all = "snake_case")]
pub enum AttemptErrorKind {
    /// No answer within the request timeout.
    Timeout,
    /// The connection could not be made.
    Connect,
    /// The destination's name did not resolve.
    Dns,
    /// The TLS handshake failed (an invalid certificate, say).
    Tls,
    /// The destination is an internal address (the SSRF guard).
    Blocked,
    /// The endpoint answered, with a status other than 2xx.
    Status,
    /// Any other failure to make the request (a URL or header that cannot be sent, a purged
    /// payload).
    Request,
}

impl AttemptErrorKind {
    /// How the dashboard names it.
    pub fn label(self) -> &'static str {
        match self {
            AttemptErrorKind::Timeout => "Timed out",
            AttemptErrorKind::Connect => "Connection failed",
            AttemptErrorKind::Dns => "Name not resolved",
            AttemptErrorKind::Tls => "TLS error",
            AttemptErrorKind::Blocked => "Blocked address",
            AttemptErrorKind::Status => "Non-2xx status",
            AttemptErrorKind::Request => "Request error",
        }
    }
}

/// What publishing gives back: the event and the deliveries it fanned out to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Published {
    pub event: Event,
    /// False when an earlier event with the same idempotency key was returned instead.
    pub created: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TestSent {
    pub event_id: String,
    pub delivery_id: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ReplayInput {
    /// RFC 3339: failed deliveries created at or after this time are sent again.
    pub since: String,
    /// RFC 3339, default now.
    #[serde(default)]
    pub until: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReplayQueued {
    pub queued: u64,
}

/// The dashboard's overview of the last 24 hours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// Attempts per hour, oldest first; the last is the current hour.
    pub hours: Vec<HourCount>,
    pub succeeded: i64,
    pub failed: i64,
    /// Disabled subscriptions, and enabled ones in a run of failures.
    pub troubled: Vec<TroubledSubscription>,
    pub recent_failures: Vec<RecentFailure>,
    /// Whether the account has published anything yet (first-run guidance otherwise).
    pub has_events: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourCount {
    pub start: String,
    pub succeeded: i64,
    pub failed: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TroubledSubscription {
    pub id: String,
    pub url: String,
    pub enabled: bool,
    pub disabled_reason: Option<DisabledReason>,
    pub failing_since: Option<String>,
    /// For a failing subscription: when it is disabled unless a delivery succeeds first.
    pub disables_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecentFailure {
    pub attempt_id: String,
    pub delivery_id: String,
    pub event_id: String,
    pub event_type: String,
    pub subscription_id: String,
    pub subscription_url: String,
    pub at: String,
    pub status_code: Option<i64>,
    pub error_kind: AttemptErrorKind,
    pub error_message: String,
}

/// What the first-run guidance needs to write a working example.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SetupHints {
    /// This instance's address as people and programs reach it.
    pub public_url: String,
    /// An active event type of the account to publish, if it has one.
    pub event_type: Option<String>,
    pub has_subscriptions: bool,
}

/// The dashboard's event list query, also the events page's URL query (`?type=…&status=…`),
/// so that a filtered view can be shared and reloaded.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventsQuery {
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription: Option<String>,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<String>,
    /// RFC 3339.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

impl EventsQuery {
    /// Reads the query from a URL's parameters; empty values count as absent.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let field = |name: &str| get(name).map(|value| value.trim().to_string()).filter(|value| !value.is_empty());
        EventsQuery {
            event_type: field("type"),
            status: field("status"),
            subscription: field("subscription"),
            since: field("since"),
            until: field("until"),
            cursor: field("cursor"),
        }
    }

    /// The events page's address for this query.
    pub fn href(&self) -> String {
        let mut query = form_urlencoded::Serializer::new(String::new());
        let fields = [
            ("type", &self.event_type),
            ("status", &self.status),
            ("subscription", &self.subscription),
            ("since", &self.since),
            ("until", &self.until),
            ("cursor", &self.cursor),
        ];
        for (name, value) in fields {
            if let Some(value) = value {
                query.append_pair(name, value);
            }
        }
        let query = query.finish();
        if query.is_empty() {
            "/events".to_string()
        } else {
            format!("/events?{query}")
        }
    }

    pub fn is_filtered(&self) -> bool {
        self.event_type.is_some()
            || self.status.is_some()
            || self.subscription.is_some()
            || self.since.is_some()
            || self.until.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::EventsQuery;

    #[test]
    fn an_events_query_survives_its_url() {
        let query = EventsQuery {
            event_type: Some("invoice.paid".into()),
            status: Some("failed".into()),
            since: Some("2026-01-01T00:00:00+01:00".into()),
            ..Default::default()
        };
        let href = query.href();
        assert_eq!(href, "/events?type=invoice.paid&status=failed&since=2026-01-01T00%3A00%3A00%2B01%3A00");
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(href.split_once('?').unwrap().1.as_bytes()).into_owned().collect();
        let read = EventsQuery::from_params(|name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()));
        assert_eq!(read, query);
        assert_eq!(EventsQuery::default().href(), "/events");
        assert_eq!(EventsQuery::from_params(|_| Some(" ".into())), EventsQuery::default());
    }
}

/// What the events page's filters offer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterChoices {
    pub event_types: Vec<String>,
    /// `(id, url)` of each subscription.
    pub subscriptions: Vec<(String, String)>,
}

/// An account, as an operator sees it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: String,
    pub name: String,
    /// The operator's own id for this customer; the account is also `ext_<external_id>`.
    pub external_id: Option<String>,
    pub created_at: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AccountInput {
    pub name: String,
    /// Unique across the instance: 1 to 100 letters, digits, `-`, `_` or `.`.
    #[serde(default)]
    pub external_id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PortalLinkInput {
    /// How long the link works: a duration such as `30m`, `1h`, `7d` (default 1 h, at most 7 d).
    #[serde(default)]
    pub expires_in: Option<String>,
}

/// A one-time link into one account's dashboard.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PortalLink {
    pub url: String,
    pub expires_at: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct InvitationInput {
    /// Only this address can accept the invitation.
    pub email: String,
}

/// A link that lets a person register (or, with a login, join) an account; one use, 7 days.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Invitation {
    /// Names it for `DELETE /accounts/{id}/invitations/{invitation_id}`.
    pub id: String,
    pub url: String,
    pub expires_at: String,
}

/// A person who can sign in to an account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Member {
    pub user_id: String,
    pub email: String,
    /// `owner` (registered the account) or `member` (joined by invitation).
    pub role: String,
    pub created_at: String,
}

/// What the invitation page shows before it is accepted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub account_name: String,
    pub email: String,
    /// Whether the invited address has a login already (then the page asks for its password).
    pub has_login: bool,
}

/// What a portal link's page shows before the link is used.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalLinkView {
    pub account_name: String,
    /// Who is signed in in this browser now, if anyone: opening the link signs them out.
    pub signed_in_as: Option<String>,
}

/// The operator page: every account at a glance and the instance's health.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InstanceOverview {
    pub accounts: Vec<AccountSummary>,
    pub due: i64,
    pub in_flight: i64,
    pub scheduled: i64,
    /// How long the longest-waiting due delivery has waited, in seconds (0 when none waits).
    pub worker_lag_seconds: i64,
    pub database_ok: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountSummary {
    pub id: String,
    pub name: String,
    pub external_id: Option<String>,
    pub events: i64,
    pub failed_deliveries: i64,
}

/// Where an inbound request's event type comes from, when it is not fixed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum TypeFrom {
    /// This request header's value, such as `X-GitHub-Event`.
    Header(String),
    /// The body's value at this JSON pointer, such as `/type`.
    JsonPointer(String),
}

/// The sender's own signature scheme, checked on every inbound request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub enum VerifyScheme {
    #[serde(rename = "standard-webhooks")]
    StandardWebhooks,
    #[serde(rename = "stripe")]
    Stripe,
    #[serde(rename = "github")]
    Github,
}

impl VerifyScheme {
    pub fn as_str(self) -> &'static str {
        match self {
            VerifyScheme::StandardWebhooks => "standard-webhooks",
            VerifyScheme::Stripe => "stripe",
            VerifyScheme::Github => "github",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [VerifyScheme::StandardWebhooks, VerifyScheme::Stripe, VerifyScheme::Github]
            .into_iter()
            .find(|scheme| scheme.as_str() == text)
    }

    /// How the scheme is called in the dashboard.
    pub fn label(self) -> &'static str {
        match self {
            VerifyScheme::StandardWebhooks => "Standard Webhooks",
            VerifyScheme::Stripe => "Stripe",
            VerifyScheme::Github => "GitHub",
        }
    }
}

/// Signature checking of a new source: the scheme and the sender's signing secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VerifyInput {
    pub scheme: VerifyScheme,
    pub secret: String,
}

/// How a source checks signatures, as shown (the secret is never shown again).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Verify {
    pub scheme: VerifyScheme,
}

/// Where the sender puts the source's token.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TokenIn {
    /// `Authorization: Bearer <token>`.
    #[default]
    Header,
    /// `?token=<token>`, for senders that cannot set headers.
    Query,
}

impl TokenIn {
    pub fn as_str(self) -> &'static str {
        match self {
            TokenIn::Header => "header",
            TokenIn::Query => "query",
        }
    }
}

/// A new inbound source: `{name, event_type?, type_from?, token_in?, verify?}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    /// Its kebab-case form becomes the slug of `/_webhooks/<slug>`.
    pub name: String,
    /// The type every request becomes; give this or `type_from`.
    #[serde(default)]
    pub event_type: Option<String>,
    /// Take the type from each request instead, prefixed with the slug and a dot.
    #[serde(default)]
    pub type_from: Option<TypeFrom>,
    #[serde(default)]
    pub token_in: Option<TokenIn>,
    #[serde(default)]
    pub verify: Option<VerifyInput>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Source {
    pub id: String,
    pub name: String,
    pub slug: String,
    /// The full address senders post to (without the token).
    pub url: String,
    /// Only in the answer to its creation: the token is stored hashed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    pub event_type: Option<String>,
    pub type_from: Option<TypeFrom>,
    pub token_in: TokenIn,
    pub verify: Option<Verify>,
    pub created_at: String,
}

/// What a source received and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboundRequest {
    pub id: String,
    pub received_at: String,
    /// The status Hookrelay answered with.
    pub status_code: u16,
    pub message: String,
    pub event_id: Option<String>,
    /// How many requests this line stands for: refusals for a wrong token are counted per
    /// minute in one line (its time is the latest one's).
    pub count: i64,
}

/// A source with its latest requests (the sources page).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDetail {
    pub source: Source,
    pub requests: Vec<InboundRequest>,
}

/// The answer to an inbound request that became an event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboundAccepted {
    pub event_id: String,
}
