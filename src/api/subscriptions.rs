//! `/api/v1/subscriptions`

use app::domain::subscriptions;
use app::model::{Page, Subscription, SubscriptionInput, SubscriptionPatch, SubscriptionSecret};
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
    OpenApiRouter::new()
        .routes(routes!(create_subscription, list_subscriptions))
        .routes(routes!(get_subscription, replace_subscription, patch_subscription, delete_subscription))
        .routes(routes!(get_secret))
        .routes(routes!(rotate_secret))
}

/// Create a subscription; it gets a new signing secret.
#[utoipa::path(post, path = "/subscriptions", tag = "Subscriptions", request_body = SubscriptionInput,
    responses((status = 201, body = Subscription), (status = 422, body = ErrorBody)))]
async fn create_subscription(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiJson(input): ApiJson<SubscriptionInput>,
) -> ApiResult<(StatusCode, Json<Subscription>)> {
    let policy = state.settings.subscription_policy();
    let created = subscriptions::create(&state.store, &caller.account_id, policy, input).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// List subscriptions, newest first.
#[utoipa::path(get, path = "/subscriptions", tag = "Subscriptions", params(ListQuery),
    responses((status = 200, body = Page<Subscription>)))]
async fn list_subscriptions(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<Subscription>>> {
    Ok(Json(subscriptions::list(&state.store, &caller.account_id, &query.into()).await?))
}

/// Get one subscription.
#[utoipa::path(get, path = "/subscriptions/{id}", tag = "Subscriptions", params(("id" = String, Path)),
    responses((status = 200, body = Subscription), (status = 404, body = ErrorBody)))]
async fn get_subscription(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Subscription>> {
    Ok(Json(subscriptions::get(&state.store, &caller.account_id, &id).await?))
}

/// Replace all of a subscription's fields; absent optional fields return to their defaults.
#[utoipa::path(put, path = "/subscriptions/{id}", tag = "Subscriptions", params(("id" = String, Path)),
    request_body = SubscriptionInput,
    responses((status = 200, body = Subscription), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn replace_subscription(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<SubscriptionInput>,
) -> ApiResult<Json<Subscription>> {
    let policy = state.settings.subscription_policy();
    Ok(Json(subscriptions::replace(&state.store, &caller.account_id, policy, &id, input).await?))
}

/// Change some of a subscription's fields.
#[utoipa::path(patch, path = "/subscriptions/{id}", tag = "Subscriptions", params(("id" = String, Path)),
    request_body = SubscriptionPatch,
    responses((status = 200, body = Subscription), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn patch_subscription(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
    ApiJson(patch): ApiJson<SubscriptionPatch>,
) -> ApiResult<Json<Subscription>> {
    let policy = state.settings.subscription_policy();
    Ok(Json(subscriptions::patch(&state.store, &caller.account_id, policy, &id, patch).await?))
}

/// Delete a subscription. Its delivery history stays readable.
#[utoipa::path(delete, path = "/subscriptions/{id}", tag = "Subscriptions", params(("id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn delete_subscription(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    subscriptions::delete(&state.store, &caller.account_id, &id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The subscription's current signing secret.
#[utoipa::path(get, path = "/subscriptions/{id}/secret", tag = "Subscriptions", params(("id" = String, Path)),
    responses((status = 200, body = SubscriptionSecret), (status = 404, body = ErrorBody)))]
async fn get_secret(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<SubscriptionSecret>> {
    Ok(Json(subscriptions::secret(&state.store, &caller.account_id, &id).await?))
}

/// Make a new signing secret; the previous one keeps signing beside it for 24 hours.
#[utoipa::path(post, path = "/subscriptions/{id}/secret/rotate", tag = "Subscriptions", params(("id" = String, Path)),
    responses((status = 200, body = SubscriptionSecret), (status = 404, body = ErrorBody)))]
async fn rotate_secret(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<SubscriptionSecret>> {
    Ok(Json(subscriptions::rotate_secret(&state.store, &caller.account_id, &id).await?))
}
