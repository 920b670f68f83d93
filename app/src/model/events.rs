//! Events: publishing them, and the events page's query.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::deliveries::{Delivery, DeliveryCounts, DeliveryStatus};
use super::paging::Page;

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

/// A row of the dashboard's events list: the event without its payload, a glimpse of the
/// payload, and the subscriptions whose delivery of it failed or waits for a retry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventRow {
    #[serde(flatten)]
    pub event: Event,
    /// The payload's first few scalar fields ("id: in_1 · amount: 4200"); empty for none.
    pub hint: String,
    pub troubled: Vec<TroubledDelivery>,
}

/// The dashboard's page of events: its rows, and how many events match the filters in all.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EventList {
    #[serde(flatten)]
    pub page: Page<EventRow>,
    /// Events matching the filters, on every page; counted so far only (see `more`).
    pub matching: i64,
    /// More events match than `matching`: the count stopped there.
    pub more: bool,
}

/// A delivery that failed or waits for a retry, named by its subscription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TroubledDelivery {
    pub subscription_id: String,
    pub description: String,
    /// Empty for a subscription deleted since.
    pub url: String,
    pub status: DeliveryStatus,
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
    /// A quick range up to now (`1h`, `24h`, `7d`), used when `since` is not given; kept as
    /// such in the URL so that the link stays "the last 24 hours".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub range: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

/// The quick ranges the events page offers: `(range, label, hours)`.
pub const QUICK_RANGES: [(&str, &str, i64); 3] =
    [("1h", "Last hour", 1), ("24h", "24 hours", 24), ("7d", "7 days", 24 * 7)];

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
            range: field("range"),
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
            ("range", &self.range),
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
            || self.range.is_some()
    }

    /// How many hours the quick range covers; `None` without one, `Some(Err)` for an unknown one.
    pub fn range_hours(&self) -> Option<Result<i64, String>> {
        self.range.as_deref().map(|range| {
            QUICK_RANGES
                .iter()
                .find(|(name, ..)| *name == range)
                .map(|(_, _, hours)| *hours)
                .ok_or_else(|| "range is one of 1h, 24h and 7d.".to_string())
        })
    }
}

/// What the events page's filters offer.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilterChoices {
    pub event_types: Vec<String>,
    /// `(id, description, url)` of each subscription.
    pub subscriptions: Vec<(String, String, String)>,
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
