//! `GET /healthz` and `GET /metrics`, for load balancers, orchestrators and Prometheus.

use app::domain::now_ms;
use app::server::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use crate::worker::HEARTBEAT_WINDOW;

/// 200 when the database answers and the delivery worker's loop has come round lately; 503
/// (saying which part is down) otherwise.
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    let database = match state.store.ping().await {
        Ok(()) => true,
        Err(error) => {
            tracing::error!(%error, "health check: database unavailable");
            false
        }
    };
    let window_ms = i64::try_from(HEARTBEAT_WINDOW.as_millis()).unwrap_or(i64::MAX);
    let worker = state.metrics.worker_alive(now_ms(), window_ms);
    if !worker {
        tracing::error!("health check: the delivery worker has not come round for a minute");
    }
    let word = |ok: bool| if ok { "ok" } else { "unavailable" };
    let status = if database && worker { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    let body = json!({ "status": word(database && worker), "database": word(database), "worker": word(worker) });
    (status, Json(body))
}

/// The Prometheus scrape.
pub async fn metrics(State(state): State<AppState>) -> Response {
    match state.metrics.render(&state.store, now_ms()).await {
        Ok(text) => ([(header::CONTENT_TYPE, app::metrics::CONTENT_TYPE)], text).into_response(),
        Err(error) => {
            tracing::error!(%error, "metrics: could not read the queue");
            StatusCode::SERVICE_UNAVAILABLE.into_response()
        }
    }
}
