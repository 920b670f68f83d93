//! The dashboard's overview, and the first-run guidance.

use serde::{Deserialize, Serialize};

use super::deliveries::AttemptErrorKind;
use super::subscriptions::DisabledReason;

/// The dashboard's overview of the last 24 hours. Every figure counts deliveries (one event to
/// one subscription) by where they stand now, except where a field says attempts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    /// Deliveries created per hour, oldest first; the last is the current hour.
    pub hours: Vec<HourCount>,
    /// All deliveries created in the last 24 hours.
    pub totals: DeliveryTotals,
    /// Every subscription of the account, those needing attention first.
    pub subscriptions: Vec<SubscriptionHealth>,
    /// Failed attempts of the last 24 hours, grouped by subscription and by what went wrong,
    /// the most recent first.
    pub failures: Vec<FailureGroup>,
    /// Whether the account has published anything yet (first-run guidance otherwise).
    pub has_events: bool,
}

/// Deliveries by where they stand now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryTotals {
    pub succeeded: i64,
    pub failed: i64,
    /// Not final yet: waiting for their first attempt or for a retry.
    pub in_progress: i64,
}

impl DeliveryTotals {
    /// Succeeded out of those with a final outcome, in tenths of a percent (never rounded up
    /// to a 100 % that hides a failure); `None` before any delivery ended.
    pub fn success_per_mille(&self) -> Option<i64> {
        let ended = self.succeeded + self.failed;
        (ended > 0).then(|| self.succeeded * 1000 / ended)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HourCount {
    pub start: String,
    pub succeeded: i64,
    pub failed: i64,
    pub in_progress: i64,
}

/// One subscription's last 24 hours.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SubscriptionHealth {
    pub id: String,
    pub description: String,
    pub url: String,
    pub enabled: bool,
    pub disabled_reason: Option<DisabledReason>,
    /// When its current run of failed attempts began.
    pub failing_since: Option<String>,
    /// For a failing subscription: when it is disabled unless a delivery succeeds first.
    pub disables_at: Option<String>,
    pub totals: DeliveryTotals,
    /// Its deliveries per hour, the same hours as the overview's chart.
    pub trend: Vec<HourCount>,
    /// The most recent failed attempt to it in the last 24 hours.
    pub last_failure: Option<FailureSummary>,
}

impl SubscriptionHealth {
    /// Disabled, or enabled in a run of failures.
    pub fn needs_attention(&self) -> bool {
        !self.enabled || self.failing_since.is_some()
    }
}

/// What a failed attempt met.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureSummary {
    pub status_code: Option<i64>,
    pub error_kind: AttemptErrorKind,
    pub error_message: String,
    pub at: String,
}

/// Failed attempts to one subscription that met the same answer (a status code, or the same
/// kind of error without one).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureGroup {
    pub subscription_id: String,
    pub subscription_description: String,
    pub subscription_url: String,
    /// How many deliveries had such an attempt, and how many such attempts there were.
    pub deliveries: i64,
    pub attempts: i64,
    /// The first such attempt of the last 24 hours.
    pub since: String,
    /// The most recent one, and where to read it.
    pub latest: FailureSummary,
    pub event_id: String,
    pub delivery_id: String,
    pub attempt_id: String,
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
