//! `POST /_webhooks/<slug>`: third parties' webhooks, published as events of the source's
//! account. Refusals use the API's error shape; a missing slug, an unknown one and a wrong token
//! all get the same 401, so the answer does not tell which addresses exist.

use app::domain::sources::{self, InboundRequestParts};
use app::error::AppError;
use app::model::InboundAccepted;
use app::server::AppState;
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use http_body_util::LengthLimitError;
use serde_json::json;
use utoipa::openapi::extensions::ExtensionsBuilder;
use utoipa::openapi::{OpenApi, Server};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiError, ErrorBody};
use super::extract::ApiPath;

pub const PATH: &str = "/_webhooks/{slug}";

/// The inbound routes, and their part of the OpenAPI document (marked `x-internal`, served from
/// the root rather than `/api/v1`).
pub fn router() -> (Router<AppState>, OpenApi) {
    // The documented route is only read for its description: the router below adds the
    // fallback for other methods, which the documented one would not have.
    let (_, mut openapi) = OpenApiRouter::<AppState>::new().routes(routes!(receive)).split_for_parts();
    for item in openapi.paths.paths.values_mut() {
        item.servers = Some(vec![Server::new("/")]);
        if let Some(operation) = item.post.as_mut() {
            operation.extensions = Some(ExtensionsBuilder::new().add("x-internal", true).build());
        }
    }
    let router = Router::new()
        .route(PATH, post(receive).fallback(method_not_allowed))
        .route("/_webhooks", post(no_source).fallback(method_not_allowed))
        .route("/_webhooks/", post(no_source).fallback(method_not_allowed));
    (router, openapi)
}

/// Receive a third party's webhook (internal: for senders, not API clients).
///
/// Authenticated with the source's token, as `Authorization: Bearer <token>` or `?token=`,
/// whichever the source uses. The body (JSON) becomes the event's `data`.
#[utoipa::path(post, path = "/_webhooks/{slug}", tag = "Sources", security(()),
    params(("slug" = String, Path), ("token" = Option<String>, Query, description = "The source's token, for sources that take it in the query")),
    request_body(content = Object, content_type = "application/json"),
    responses((status = 202, body = InboundAccepted), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody),
              (status = 405, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn receive(
    State(state): State<AppState>,
    ApiPath(slug): ApiPath<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let limit = state.settings.max_payload_bytes;
    let body = match axum::body::to_bytes(body, limit).await {
        Ok(body) => body,
        Err(error) => {
            let refusal = if error.into_inner().is::<LengthLimitError>() {
                AppError::PayloadTooLarge(format!("The body is larger than {limit} bytes."))
            } else {
                // The sender hung up or sent a broken chunked body: nobody may be listening,
                // but the metric and the log should not call it too large.
                AppError::BadRequest("The request body could not be read to its end.".into())
            };
            let response = ApiError(refusal).into_response();
            state.metrics.inbound_request(response.status().as_u16());
            return response;
        }
    };
    let query_token = query.as_deref().and_then(|query| {
        url::form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "token")
            .map(|(_, value)| value.into_owned())
    });
    let parts =
        InboundRequestParts { slug: &slug, headers: &headers, query_token: query_token.as_deref(), body: &body };
    let response = match sources::receive(&state.store, &state.pipeline, &state.live, limit, parts).await {
        Ok(accepted) => (StatusCode::ACCEPTED, Json(accepted)).into_response(),
        Err(AppError::Unauthorized) => not_accepted(),
        Err(error) => ApiError(error).into_response(),
    };
    state.metrics.inbound_request(response.status().as_u16());
    response
}

async fn no_source() -> Response {
    not_accepted()
}

/// The one answer to an unknown address, a missing or wrong token, and a bad signature.
fn not_accepted() -> Response {
    let body = json!({ "error": { "code": "unauthorized", "message": "This address does not accept this request's token or signature." } });
    (StatusCode::UNAUTHORIZED, Json(body)).into_response()
}

async fn method_not_allowed() -> Response {
    let body = json!({ "error": { "code": "method_not_allowed", "message": "Only POST is accepted here." } });
    (StatusCode::METHOD_NOT_ALLOWED, [(header::ALLOW, "POST")], Json(body)).into_response()
}
