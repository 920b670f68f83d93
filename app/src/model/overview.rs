//! The dashboard's overview, and the first-run guidance.

use serde::{Deserialize, Serialize};

use super::deliveries::AttemptErrorKind;
use super::subscriptions::DisabledReason;

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
