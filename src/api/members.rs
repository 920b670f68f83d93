//! `/api/v1/members`: the people who can sign in to the account, and removing one.

use app::domain::accounts;
use app::model::Member;
use app::server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiResult, ErrorBody};
use super::extract::{ApiAccount, ApiPath};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(list_members)).routes(routes!(remove_member))
}

/// List the account's members, earliest first.
#[utoipa::path(get, path = "/members", tag = "Members",
    responses((status = 200, body = Vec<Member>), (status = 401, body = ErrorBody)))]
async fn list_members(State(state): State<AppState>, caller: ApiAccount) -> ApiResult<Json<Vec<Member>>> {
    Ok(Json(accounts::members(&state.store, &caller.account_id).await?))
}

/// Remove a person from the account; their sessions in it end at once. Their login stays.
#[utoipa::path(delete, path = "/members/{user_id}", tag = "Members", params(("user_id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn remove_member(
    State(state): State<AppState>,
    caller: ApiAccount,
    ApiPath(user_id): ApiPath<String>,
) -> ApiResult<StatusCode> {
    accounts::remove_member(&state.store, &caller.account_id, &user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
