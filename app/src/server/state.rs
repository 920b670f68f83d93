use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;

use super::rate_limit::LoginThrottle;
use crate::error::AppError;
use crate::store::Store;

/// Instance-wide settings the app needs at request time.
#[derive(Clone, Debug)]
pub struct Settings {
    /// The URL people and programs reach this instance at (shown in examples and links).
    pub public_url: String,
    /// Whether `public_url` was given (`--public-url`) rather than made from `--bind`: then the
    /// dashboard is reached there alone, and it is the only origin its forms may come from.
    pub public_url_given: bool,
    /// Whether subscription URLs may be plain http (`--allow-http`).
    pub allow_http: bool,
    /// The largest event payload accepted, in bytes.
    pub max_payload_bytes: usize,
    /// How long a subscription may fail without a success before it is disabled.
    pub disable_failing_after: std::time::Duration,
    /// Whether anyone may register (`--registration open`), or only invited people.
    pub registration_open: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`--trusted-proxy`).
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Settings {
    pub fn subscription_policy(&self) -> crate::domain::subscriptions::Policy {
        crate::domain::subscriptions::Policy { allow_http: self.allow_http }
    }
}

/// The router state. leptos_axum provides it as context to every render and server function.
#[derive(Clone, Debug, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub settings: Arc<Settings>,
    pub login_throttle: Arc<LoginThrottle>,
    /// Where events enter the delivery queue.
    pub pipeline: crate::domain::pipeline::Pipeline,
    /// Change notices for open dashboards.
    pub live: crate::domain::live::LiveFeed,
    /// What `/metrics` reports, and the worker's heartbeat for `/healthz`.
    pub metrics: crate::metrics::Metrics,
}

/// The state, from inside a server function.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}
