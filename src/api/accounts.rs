//! `/api/v1/accounts`: an operator's accounts for its customers (operator keys only).

use app::domain::{accounts, invitations, portal_links};
use app::model::{Account, AccountInput, Invitation, InvitationInput, Page, PortalLink, PortalLinkInput};
use app::server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::error::{ApiResult, ErrorBody};
use super::extract::{ApiJson, ApiJsonOrDefault, ApiPath, ApiQuery, Operator};
use super::ListQuery;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_account, list_accounts))
        .routes(routes!(get_account))
        .routes(routes!(create_portal_link))
        .routes(routes!(create_invitation))
        .routes(routes!(revoke_invitation))
}

/// Create an account for a customer (operator key).
#[utoipa::path(post, path = "/accounts", tag = "Operator", request_body = AccountInput,
    responses((status = 201, body = Account), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
async fn create_account(
    State(state): State<AppState>,
    _operator: Operator,
    ApiJson(input): ApiJson<AccountInput>,
) -> ApiResult<(StatusCode, Json<Account>)> {
    Ok((StatusCode::CREATED, Json(accounts::create_account(&state.store, input).await?)))
}

/// List every account, newest first (operator key).
#[utoipa::path(get, path = "/accounts", tag = "Operator", params(ListQuery),
    responses((status = 200, body = Page<Account>), (status = 401, body = ErrorBody)))]
async fn list_accounts(
    State(state): State<AppState>,
    _operator: Operator,
    ApiQuery(query): ApiQuery<ListQuery>,
) -> ApiResult<Json<Page<Account>>> {
    Ok(Json(accounts::list_accounts(&state.store, &query.into()).await?))
}

/// Get an account by id, or by `ext_<external_id>` (operator key).
#[utoipa::path(get, path = "/accounts/{id}", tag = "Operator", params(("id" = String, Path)),
    responses((status = 200, body = Account), (status = 404, body = ErrorBody)))]
async fn get_account(
    State(state): State<AppState>,
    _operator: Operator,
    ApiPath(id): ApiPath<String>,
) -> ApiResult<Json<Account>> {
    Ok(Json(accounts::find_account(&state.store, &id).await?))
}

/// A one-time link that signs its visitor into the account's dashboard without a password
/// (default lifetime 1 h, at most 7 d); once used, it no longer works.
#[utoipa::path(post, path = "/accounts/{id}/portal-link", tag = "Operator", params(("id" = String, Path)),
    request_body = PortalLinkInput,
    responses((status = 201, body = PortalLink), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_portal_link(
    State(state): State<AppState>,
    _operator: Operator,
    ApiPath(id): ApiPath<String>,
    ApiJsonOrDefault(input): ApiJsonOrDefault<PortalLinkInput>,
) -> ApiResult<(StatusCode, Json<PortalLink>)> {
    let link = portal_links::create_portal_link(&state.store, &state.settings.public_url, &id, input).await?;
    Ok((StatusCode::CREATED, Json(link)))
}

/// A link that lets the person with this email register (or, with a login, join) the account;
/// it works once, for 7 days.
#[utoipa::path(post, path = "/accounts/{id}/invitations", tag = "Operator", params(("id" = String, Path)),
    request_body = InvitationInput,
    responses((status = 201, body = Invitation), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
async fn create_invitation(
    State(state): State<AppState>,
    _operator: Operator,
    ApiPath(id): ApiPath<String>,
    ApiJson(input): ApiJson<InvitationInput>,
) -> ApiResult<(StatusCode, Json<Invitation>)> {
    let invitation = invitations::create_invitation(&state.store, &state.settings.public_url, &id, input).await?;
    Ok((StatusCode::CREATED, Json(invitation)))
}

/// Revoke an invitation that has not been accepted; its link stops working (operator key).
#[utoipa::path(delete, path = "/accounts/{id}/invitations/{invitation_id}", tag = "Operator",
    params(("id" = String, Path), ("invitation_id" = String, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
async fn revoke_invitation(
    State(state): State<AppState>,
    _operator: Operator,
    ApiPath((id, invitation_id)): ApiPath<(String, String)>,
) -> ApiResult<StatusCode> {
    invitations::revoke_invitation(&state.store, &id, &invitation_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
