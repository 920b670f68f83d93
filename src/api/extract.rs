//! Extractors whose refusals come out in the API's error shape: the caller's account from the
//! API key, JSON bodies, query strings and path segments.

use app::domain::accounts::find_account;
use app::domain::bearer::{self, Bearer};
use app::error::{brief, AppError};
use app::server::AppState;
use app::store::CATALOG_ACCOUNT;
use axum::body::Bytes;
use axum::extract::rejection::{JsonRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::error::ApiError;

/// The header an operator key names the account it acts in with (`acc_…` or `ext_…`).
pub const ACCOUNT_HEADER: &str = "hookrelay-account";

/// The account a request acts in: the account of its API key, or the account an operator key
/// names in `Hookrelay-Account`.
pub struct ApiAccount {
    pub account_id: String,
    /// Who to credit with attempts this request asks for.
    pub actor: String,
}

impl FromRequestParts<AppState> for ApiAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(resolve(parts, state, false).await?)
    }
}

/// The owner of the event types a request reads or writes: like [`ApiAccount`], except that an
/// operator key without `Hookrelay-Account` works on the instance-wide catalog.
pub struct EventTypeOwner(pub ApiAccount);

impl FromRequestParts<AppState> for EventTypeOwner {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(EventTypeOwner(resolve(parts, state, true).await?))
    }
}

/// Proof that a request was signed with an operator key (account keys are refused: 401).
pub struct Operator;

impl FromRequestParts<AppState> for Operator {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match bearer::authenticate(&state.store, bearer(parts)?).await? {
            Bearer::Operator { .. } => Ok(Operator),
            Bearer::Account { .. } => Err(AppError::Unauthorized.into()),
        }
    }
}

fn bearer(parts: &Parts) -> Result<&str, AppError> {
    parts
        .headers
        .get(AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(AppError::Unauthorized)
}

async fn resolve(parts: &Parts, state: &AppState, catalog_without_header: bool) -> Result<ApiAccount, AppError> {
    let presented = bearer(parts)?;
    let named = match parts.headers.get(ACCOUNT_HEADER) {
        None => None,
        Some(value) => Some(
            value
                .to_str()
                .map_err(|_| AppError::BadRequest("The Hookrelay-Account header must be an account id.".into()))?,
        ),
    };
    match bearer::authenticate(&state.store, presented).await? {
        Bearer::Operator { actor } => match named {
            Some(reference) => {
                let account = find_account(&state.store, reference.trim()).await?;
                Ok(ApiAccount { account_id: account.id, actor })
            }
            None if catalog_without_header => Ok(ApiAccount { account_id: CATALOG_ACCOUNT.into(), actor }),
            None => Err(AppError::BadRequest(
                "An operator key acts in an account: name it in the Hookrelay-Account header (acc_… or ext_…).".into(),
            )),
        },
        Bearer::Account { account_id, actor } => {
            // An account key may name its own account, and no other (which, like any other
            // account's data, does not exist for it).
            if let Some(reference) = named {
                if find_account(&state.store, reference.trim()).await?.id != account_id {
                    return Err(AppError::NotFound);
                }
            }
            Ok(ApiAccount { account_id, actor })
        }
    }
}

/// A JSON object body; malformed JSON is 400, a body of the wrong shape 422, too large a body
/// 413. Only an object is taken: serde would otherwise read `[]` as a struct whose fields all
/// have defaults, and an empty PATCH would pass as a change.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(request.headers().get(CONTENT_TYPE)) {
            return Err(ApiError(json_rejection(JsonRejection::MissingJsonContentType(Default::default()))));
        }
        let bytes = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| ApiError(json_rejection(JsonRejection::BytesRejection(rejection))))?;
        let axum::Json(value) =
            axum::Json::<T>::from_bytes(&bytes).map_err(|rejection| ApiError(json_rejection(rejection)))?;
        if bytes.iter().find(|byte| !byte.is_ascii_whitespace()) != Some(&b'{') {
            return Err(ApiError(AppError::validation("body", "The body must be a JSON object.")));
        }
        Ok(ApiJson(value))
    }
}

/// `application/json` or `application/<anything>+json`, parameters aside (as axum's `Json`).
fn is_json(content_type: Option<&axum::http::HeaderValue>) -> bool {
    let Some(essence) = content_type.and_then(|value| value.to_str().ok()).and_then(|value| value.split(';').next())
    else {
        return false;
    };
    let essence = essence.trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// An optional JSON body: a request without `Content-Type` (and so without a JSON body) gets
/// the defaults; one with a body is read as [`ApiJson`].
pub struct ApiJsonOrDefault<T>(pub T);

impl<T: DeserializeOwned + Default, S: Send + Sync> FromRequest<S> for ApiJsonOrDefault<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !request.headers().contains_key(CONTENT_TYPE) {
            return Ok(ApiJsonOrDefault(T::default()));
        }
        let ApiJson(value) = ApiJson::from_request(request, state).await?;
        Ok(ApiJsonOrDefault(value))
    }
}

fn json_rejection(rejection: JsonRejection) -> AppError {
    match rejection {
        JsonRejection::JsonDataError(error) => {
            // axum's message names the path at fault ("url: invalid type ..."); keep only that part.
            let detail =
                brief(&std::error::Error::source(&error).map(ToString::to_string).unwrap_or_else(|| error.body_text()));
            let field =
                detail.split_once(": ").map(|(path, _)| path.to_string()).filter(|p| !p.contains(' ') && p != ".");
            match field {
                Some(field) => AppError::Validation { field, message: detail },
                None => AppError::Validation { field: "body".into(), message: detail },
            }
        }
        JsonRejection::JsonSyntaxError(error) => {
            AppError::BadRequest(format!("The body is not valid JSON: {}", brief(&error.body_text())))
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
                Err(ApiError(AppError::BadRequest(format!("Bad query string: {}", brief(&error.body_text())))))
            }
            Err(other) => Err(ApiError(AppError::BadRequest(other.body_text()))),
        }
    }
}

/// A path segment, percent-decoded; one that does not decode (invalid UTF-8) is 400.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => {
                Err(ApiError(AppError::BadRequest(format!("Bad path: {}", brief(&rejection.body_text())))))
            }
        }
    }
}
