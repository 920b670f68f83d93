//! Accounts, their members, and the operator's view of the instance.

use serde::{Deserialize, Serialize};

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
