//! Extractors whose refusals come out in the API's error shape: the caller's account from the
//! API key, JSON bodies and query strings.

use app::domain::api_keys;
use app::error::AppError;
use app::server::AppState;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// The account whose API key signed the request.
pub struct ApiAccount {
    pub account_id: String,
    /// Who to credit with attempts this request asks for.
    pub actor: String,
}

impl FromRequestParts<AppState> for ApiAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let presented = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
            .map(str::trim)
            .ok_or(AppError::Unauthorized)?;
        let holder = api_keys::authenticate(&state.store, presented).await?;
        Ok(ApiAccount { account_id: holder.account_id, actor: holder.actor })
    }
}

/// A JSON body; malformed JSON is 400, a body of the wrong shape 422, too large a body 413.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(ApiError(json_rejection(rejection))),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::JsonDataError(error) => {
            // axum's message names the path at fault ("url: invalid type ..."); keep only that part.
            let detail =
                std::error::Error::source(&error).map(ToString::to_string).unwrap_or_else(|| error.body_text());
            let field =
                detail.split_once(": ").map(|(path, _)| path.to_string()).filter(|p| !p.contains(' ') && p != ".");
            match field {
                Some(field) => AppError::Validation { field, message: detail },
                None => AppError::Validation { field: "body".into(), message: detail },
            }
        }
        JsonRejection::JsonSyntaxError(error) => {
            AppError::BadRequest(format!("The body is not valid JSON: {}", error.body_text()))
        }
        JsonRejection::MissingJsonContentType(_) => {
            AppError::BadRequest("Send the body as JSON with `Content-Type: application/json`.".into())
        }
        JsonRejection::BytesRejection(error) if error.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
            AppError::PayloadTooLarge("The body is larger than this endpoint accepts.".into())
        }
        other => AppError::BadRequest(other.body_text()),
    }
}

/// A query string; a value of the wrong type is 400.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(ApiQuery(value)),
            Err(QueryRejection::FailedToDeserializeQueryString(error)) => {
                Err(ApiError(AppError::BadRequest(format!("Bad query string: {}", error.body_text()))))
            }
            Err(other) => Err(ApiError(AppError::BadRequest(other.body_text()))),
        }
    }
}
