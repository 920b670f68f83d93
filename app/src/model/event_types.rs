//! Event types: the catalog of what an account publishes.

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

/// How much an event type is used, for the dashboard's event-types page.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventTypeActivity {
    pub name: String,
    /// Events of this type published in the last 24 hours.
    pub events_24h: i64,
    /// When the latest event of this type was published, if ever.
    pub last_seen: Option<String>,
    /// Subscriptions that receive it (those for every type included).
    pub subscribers: i64,
}
