//! The HTTP status of a failed server function. The functions set their error's own status
//! themselves (`with_status`), but a request whose arguments cannot be read (a missing field,
//! invalid UTF-8, a body over the limit) fails before any of our code runs, and server_fn
//! answers those with 500. This puts the error's own status (400, 413) on such answers.

use app::error::AppError;
use axum::body::Body;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use leptos::server_fn::error::SERVER_FN_ERROR_HEADER;

/// Error bodies are a short JSON value; anything longer is not one of ours.
const MAX_ERROR_BYTES: usize = 64 * 1024;

pub async fn error_status(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !response.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_ERROR_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(status) =
        serde_json::from_slice::<AppError>(&bytes).ok().and_then(|error| StatusCode::from_u16(error.status()).ok())
    {
        parts.status = status;
    }
    Response::from_parts(parts, Body::from(bytes))
}
