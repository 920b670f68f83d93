//! `/api/v1/sources`: inbound sources, whose requests to `/_webhooks/<slug>` become events.

use app::domain::sources;
use app::model::{Page, Source, SourceInput};
use app::server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiResult, ErrorBody};
use super::extract::{ApiAccount, ApiJson, ApiPath, ApiQuery};
use super::ListQuery;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(create_source, list_sources)).routes(routes!(get_source, delete_source))
}

/// Create an inbound source. The answer holds its token, shown this once.
#[utoipa::path(post, path = "/sources", tag = "Sources", request_body = SourceInput,
    responses((status = 201, body = Source), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_source(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiJson(input): ApiJson<SourceInput>,
) -> ApiResult<(StatusCode, Json<Source>)> {
    let created = sources::create(&state.store, &state.settings.public_url, &caller.account_id, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// List inbound sources, newest first.
#[utoipa::path(get, path = "/sources", tag = "Sources", params(ListQuery),
    responses((status = 200, body = Page<Source>), (status = 422, body = ErrorBody)))]
async fn list_sources(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<Source>>> {
    Ok(Json(sources::list(&state.store, &state.settings.public_url, &caller.account_id, &query.into()).await?))
}

/// Get one inbound source (without its token).
#[utoipa::path(get, path = "/sources/{id}", tag = "Sources", params(("id" = String, Path)),
    responses((status = 200, body = Source), (status = 404, body = ErrorBody)))]
async fn get_source(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Source>> {
    Ok(Json(sources::get(&state.store, &state.settings.public_url, &caller.account_id, &id).await?))
}

/// Delete an inbound source: its address stops accepting requests at once.
#[utoipa::path(delete, path = "/sources/{id}", tag = "Sources", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_source(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    sources::delete(&state.store, &caller.account_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}
