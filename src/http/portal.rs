//! `GET /portal/<token>`: a one-time portal link. It signs its visitor into the account it was
//! made for (and no other) and opens the dashboard; a used, expired or unknown link leads to
//! the login page, which says so without telling which.

use app::domain::operator;
use app::server::session::sign_in_portal;
use app::server::AppState;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

pub async fn open(State(state): State<AppState>, session: Session, Path(token): Path<String>) -> Response {
    let account_id = match operator::use_portal_link(&state.store, &token).await {
        Ok(account_id) => account_id,
        Err(error) => {
            if !matches!(error, app::error::AppError::NotFound) {
                tracing::error!(%error, "could not use a portal link");
            }
            return Redirect::to("/login?link=invalid").into_response();
        }
    };
    match sign_in_portal(&session, &account_id).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(error) => {
            tracing::error!(%error, "could not start a portal session");
            Redirect::to("/login?link=invalid").into_response()
        }
    }
}
