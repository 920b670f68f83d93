//! `/api/v1/event-types`

use app::domain::event_types;
use app::model::{EventType, EventTypeCreate, EventTypePatch, Page};
use app::server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiPath, ApiQuery, EventTypeOwner};
use super::ListQuery;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_event_type, list_event_types)).routes(routes!(
        get_event_type,
        patch_event_type,
        archive_event_type
    ))
}

/// Declare an event type.
#[utoipa::path(post, path = "/event-types", tag = "Event types", request_body = EventTypeCreate,
    responses((status = 201, body = EventType), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_event_type(
    State(state): State<AppState>,
    EventTypeOwner(caller): EventTypeOwner,
    ApiJson(input): ApiJson<EventTypeCreate>,
) -> ApiResult<(StatusCode, Json<EventType>)> {
    let created = event_types::create(&state.store, &caller.account_id, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// List event types, newest first.
#[utoipa::path(get, path = "/event-types", tag = "Event types", params(ListQuery),
    responses((status = 200, body = Page<EventType>)))]
async fn list_event_types(
    State(state): State<AppState>,
    EventTypeOwner(caller): EventTypeOwner,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<EventType>>> {
    Ok(Json(event_types::list(&state.store, &caller.account_id, &query.into()).await?))
}

/// Get one event type.
#[utoipa::path(get, path = "/event-types/{name}", tag = "Event types", params(("name" = String, Path)),
    responses((status = 200, body = EventType), (status = 404, body = ErrorBody)))]
async fn get_event_type(
    State(state): State<AppState>,
    EventTypeOwner(caller): EventTypeOwner,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<Json<EventType>> {
    Ok(Json(event_types::get(&state.store, &caller.account_id, &name).await?))
}

/// Change an event type's description, example or archived state.
#[utoipa::path(patch, path = "/event-types/{name}", tag = "Event types", params(("name" = String, Path)),
    request_body = EventTypePatch,
    responses((status = 200, body = EventType), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_event_type(
    State(state): State<AppState>,
    EventTypeOwner(caller): EventTypeOwner,
    ApiPath(name): ApiPath<String>,
    ApiJson(patch): ApiJson<EventTypePatch>,
) -> ApiResult<Json<EventType>> {
    Ok(Json(event_types::update(&state.store, &caller.account_id, &name, patch).await?))
}

/// Archive an event type: events of it are refused from then on.
#[utoipa::path(delete, path = "/event-types/{name}", tag = "Event types", params(("name" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn archive_event_type(
    State(state): State<AppState>,
    EventTypeOwner(caller): EventTypeOwner,
    ApiPath(name): ApiPath<String>,
) -> ApiResult<StatusCode> {
    event_types::archive(&state.store, &caller.account_id, &name).await?;
    Ok(StatusCode::NO_CONTENT)
}
