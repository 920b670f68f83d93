//! `/api/v1/deliveries`, and the subscription calls that make deliveries (test, replay).

use app::domain::paging::PageRequest;
use app::domain::{deliveries, events};
use app::model::{Attempt, Delivery, Page, ReplayInput, ReplayQueued, TestSent};
use app::server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiResult, ErrorBody};
use super::extract::{ApiAccount, ApiJson, ApiPath, ApiQuery};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_deliveries))
        .routes(routes!(get_delivery))
        .routes(routes!(list_attempts))
        .routes(routes!(redeliver))
        .routes(routes!(send_test_event))
        .routes(routes!(replay_failed))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeliveryListQuery {
    #[param(pattern = r"^(sub_[0-9a-z]{26})?$")]
    subscription_id: Option<String>,
    #[param(pattern = r"^(evt_[0-9a-z]{26})?$")]
    event_id: Option<String>,
    /// `pending`, `retrying`, `succeeded` or `failed`.
    #[param(pattern = "^(pending|retrying|succeeded|failed)?$")]
    status: Option<String>,
    /// 1 to 250; default 50.
    #[param(minimum = 1, maximum = 250)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^([a-z]{3}_[0-9a-z]{26})?$")]
    cursor: Option<String>,
}

/// List deliveries, newest first.
#[utoipa::path(get, path = "/deliveries", tag = "Deliveries", params(DeliveryListQuery),
    responses((status = 200, body = Page<Delivery>), (status = 422, body = ErrorBody)))]
async fn list_deliveries(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiQuery(query): ApiQuery<DeliveryListQuery>,
) -> ApiResult<Json<Page<Delivery>>> {
    let filter = deliveries::ListFilter {
        subscription_id: query.subscription_id,
        event_id: query.event_id,
        status: query.status,
    };
    let request = PageRequest { limit: query.limit, cursor: query.cursor };
    Ok(Json(deliveries::list(&state.store, &caller.account_id, &filter, &request).await?))
}

/// Get a delivery with its latest 50 attempts (request, response, duration, error), oldest of
/// them first; `attempts_next_cursor` reads the ones before them.
#[utoipa::path(get, path = "/deliveries/{id}", tag = "Deliveries", params(("id" = String, Path)),
    responses((status = 200, body = Delivery), (status = 404, body = ErrorBody)))]
async fn get_delivery(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Delivery>> {
    Ok(Json(deliveries::get(&state.store, &caller.account_id, &id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AttemptListQuery {
    /// 1 to 250; default 50.
    #[param(minimum = 1, maximum = 250)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page, or the delivery's `attempts_next_cursor`.
    #[param(pattern = r"^([a-z]{3}_[0-9a-z]{26})?$")]
    cursor: Option<String>,
}

/// List a delivery's attempts, newest first.
#[utoipa::path(get, path = "/deliveries/{id}/attempts", tag = "Deliveries",
    params(("id" = String, Path), AttemptListQuery),
    responses((status = 200, body = Page<Attempt>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn list_attempts(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<AttemptListQuery>,
) -> ApiResult<Json<Page<Attempt>>> {
    let request = PageRequest { limit: query.limit, cursor: query.cursor };
    Ok(Json(deliveries::attempts(&state.store, &caller.account_id, &id, &request).await?))
}

/// Make a new attempt now, whatever the delivery's state.
#[utoipa::path(post, path = "/deliveries/{id}/redeliver", tag = "Deliveries", params(("id" = String, Path)),
    responses((status = 202, body = Delivery), (status = 404, body = ErrorBody)))]
async fn redeliver(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<(StatusCode, Json<Delivery>)> {
    let delivery = deliveries::redeliver(&state.store, &state.pipeline, &caller.account_id, &id, &caller.actor).await?;
    Ok((StatusCode::ACCEPTED, Json(delivery)))
}

/// Send a `hookrelay.test` event to this subscription only.
#[utoipa::path(post, path = "/subscriptions/{id}/test", tag = "Subscriptions", params(("id" = String, Path)),
    responses((status = 202, body = TestSent), (status = 404, body = ErrorBody)))]
async fn send_test_event(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<(StatusCode, Json<TestSent>)> {
    let sent = events::send_test(&state.store, &state.pipeline, &caller.account_id, &id).await?;
    Ok((StatusCode::ACCEPTED, Json(sent)))
}

/// Send again every failed delivery of this subscription created in `[since, until)`.
#[utoipa::path(post, path = "/subscriptions/{id}/replay", tag = "Subscriptions", params(("id" = String, Path)),
    request_body = ReplayInput,
    responses((status = 202, body = ReplayQueued), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn replay_failed(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<ReplayInput>,
) -> ApiResult<(StatusCode, Json<ReplayQueued>)> {
    let queued =
        deliveries::replay(&state.store, &state.pipeline, &caller.account_id, &id, &input, &caller.actor).await?;
    Ok((StatusCode::ACCEPTED, Json(queued)))
}
