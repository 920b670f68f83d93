//! Deliveries and their attempts, and replaying them.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema, sqlx::Type))]
#[cfg_attr(feature = "ssr", sqlx(type_name = "text", rename_all = "lowercase"))]
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
    /// The subscription's description, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subscription_description: Option<String>,
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
#[cfg_attr(feature = "ssr", sqlx(type_name = "text", rename_all = "lowercase"))]
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
