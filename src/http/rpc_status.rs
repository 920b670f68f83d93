//! The HTTP status of a failed server function. server_fn answers every error with 500 and the
//! error in the body, whether our function returned it (401, 404, 422, …) or the request's
//! arguments could not be read before any of our code ran (400, 413). This puts the error's own
//! status on the answer, so that a refused call is a 4xx on the wire too; it is the one place
//! that does, for every server function.

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
