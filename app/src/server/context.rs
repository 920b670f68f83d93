//! What every dashboard server function starts with: the state and the signed-in account.

use leptos::prelude::use_context;

use super::{app_state, session, AppState};
use crate::domain::accounts::SignedIn;
use crate::error::AppError;

/// The state and the signed-in user, or `Unauthorized`.
pub async fn require_account() -> Result<(AppState, SignedIn), AppError> {
    let state = app_state()?;
    let session = session::current_session().await?;
    let user = session::require_user(&session, &state.store).await?;
    Ok((state, user))
}

/// As [`require_account`], for what only a member may do: a portal visitor (signed in by a
/// one-time link that the account's own customer may hold) manages webhooks but may not mint
/// API keys, which would outlive the link, nor see or revoke the account's keys.
pub async fn require_member() -> Result<(AppState, SignedIn), AppError> {
    let (state, user) = require_account().await?;
    if user.is_portal_visitor() {
        return Err(AppError::Unauthorized);
    }
    Ok((state, user))
}

/// Gives the HTTP response of a failed server function the error's own status code, so that a
/// refused call is a 4xx on the wire too, not a 500.
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
            if let Ok(status) = axum::http::StatusCode::from_u16(error.status()) {
                options.set_status(status);
            }
        }
    }
    result
}
