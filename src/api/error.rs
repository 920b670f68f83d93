//! The REST API's error answer: `{"error": {"code", "message", "field"}}`, with the status and
//! code of `AppError::status` and `AppError::code`. Internal details are logged where they
//! happen, never sent.

use app::error::AppError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(error: AppError) -> Self {
        ApiError(error)
    }
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable, machine-readable: `bad_request`, `unauthorized`, `not_found`, `conflict`,
    /// `payload_too_large`, `validation_failed`, `rate_limited`, `unavailable` (with
    /// `Retry-After`), `internal`.
    code: &'static str,
    message: String,
    /// The input field at fault, when one is.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let error = self.0;
        let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let message = match &error {
            AppError::Unauthorized => "Send a valid API key as `Authorization: Bearer <key>`.".to_string(),
            AppError::NotFound => "No such resource.".to_string(),
            other => other.to_string(),
        };
        let body =
            ErrorBody { error: ErrorDetail { code: error.code(), message, field: error.field().map(str::to_string) } };
        let mut response = (status, Json(body)).into_response();
        match error {
            AppError::Unauthorized => {
                response.headers_mut().insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            AppError::Unavailable => {
                response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
