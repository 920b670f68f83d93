//! Subscriptions: where an account's events are delivered.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
