//! `/api/v1/events`

use app::domain::events::{self, EventFilter};
use app::error::AppError;
use app::model::{Event, EventInput, Page};
use app::server::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiResult, ErrorBody};
use super::extract::{ApiAccount, ApiJson, ApiPath, ApiQuery};
use app::domain::paging::PageRequest;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(publish_event, list_events)).routes(routes!(get_event))
}

/// Publish an event. It is stored, with one delivery per enabled subscription that wants its
/// type, before this answers; the same idempotency key (body field or `Idempotency-Key` header)
/// within 24 hours answers 200 with the first event and creates nothing.
#[utoipa::path(post, path = "/events", tag = "Events", request_body = EventInput,
    params(("Idempotency-Key" = Option<String>, Header, description = "Alternative to the body's idempotency_key")),
    responses((status = 202, body = Event), (status = 200, body = Event, description = "A repeated idempotency key"),
              (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn publish_event(
    State(state): State<AppState>,
    caller: ApiAccount,
    headers: HeaderMap,
    ApiJson(mut input): ApiJson<EventInput>,
) -> ApiResult<(StatusCode, Json<Event>)> {
    if let Some(header) = headers.get("idempotency-key") {
        let header = header.to_str().map_err(|_| {
            AppError::validation("idempotency_key", "The Idempotency-Key header must be printable text.")
        })?;
        match &input.idempotency_key {
            Some(body_key) if body_key != header => {
                return Err(AppError::validation(
                    "idempotency_key",
                    "The Idempotency-Key header and the body's idempotency_key differ.",
                )
                .into());
            }
            _ => input.idempotency_key = Some(header.to_string()),
        }
    }
    let max = state.settings.max_payload_bytes;
    let published = events::publish(&state.store, &state.pipeline, &caller.account_id, input, max).await?;
    let status = if published.created { StatusCode::ACCEPTED } else { StatusCode::OK };
    Ok((status, Json(published.event)))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventListQuery {
    /// Only events of this type.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    event_type: Option<String>,
    /// Only events with at least one delivery in this status (`pending`, `retrying`,
    /// `succeeded`, `failed`).
    #[param(pattern = "^(pending|retrying|succeeded|failed)?$")]
    status: Option<String>,
    /// Only events with a delivery to this subscription.
    #[param(pattern = r"^(sub_[0-9a-z]{26})?$")]
    subscription_id: Option<String>,
    /// RFC 3339: only events at or after this time.
    #[param(format = DateTime)]
    since: Option<String>,
    /// RFC 3339: only events before this time.
    #[param(format = DateTime)]
    until: Option<String>,
    /// 1 to 250; default 50.
    #[param(minimum = 1, maximum = 250)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^([a-z]{3}_[0-9a-z]{26})?$")]
    cursor: Option<String>,
}

/// List events, newest first, each with how many of its deliveries are in each status.
#[utoipa::path(get, path = "/events", tag = "Events", params(EventListQuery),
    responses((status = 200, body = Page<Event>), (status = 422, body = ErrorBody)))]
async fn list_events(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiQuery(query): ApiQuery<EventListQuery>,
) -> ApiResult<Json<Page<Event>>> {
    let filter = EventFilter {
        event_type: query.event_type,
        status: query.status,
        subscription_id: query.subscription_id,
        since: query.since,
        until: query.until,
    };
    let request = PageRequest { limit: query.limit, cursor: query.cursor };
    Ok(Json(events::list(&state.store, &caller.account_id, &filter, &request).await?))
}

/// Get an event with its deliveries.
#[utoipa::path(get, path = "/events/{id}", tag = "Events", params(("id" = String, Path)),
    responses((status = 200, body = Event), (status = 404, body = ErrorBody)))]
async fn get_event(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Event>> {
    Ok(Json(events::get(&state.store, &caller.account_id, &id).await?))
}
