//! What every dashboard server function starts with: the state and the signed-in account.

use leptos::server_fn::ServerFn;

use super::{app_state, session, AppState};
use crate::domain::users::SignedIn;
use crate::error::AppError;
use crate::rpc::access::{self, Caller};

/// The state and the signed-in user, or `Unauthorized`.
async fn require_account() -> Result<(AppState, SignedIn), AppError> {
    let state = app_state()?;
    let session = session::current_session().await?;
    let user = session::require_user(&session, &state.store).await?;
    Ok((state, user))
}

/// The state and the signed-in caller of server function `F`, if the table of
/// [`crate::rpc::access`] lets this caller call it: `Unauthorized` for no session or a portal
/// visitor where a member is needed, `NotFound` for a non-admin at an admin's function.
pub async fn authorize<F: ServerFn>() -> Result<(AppState, SignedIn), AppError> {
    let Some(rule) = access::rule(F::PATH) else {
        tracing::error!(path = F::PATH, "a server function without a row in the access table");
        return Err(AppError::Unauthorized);
    };
    let (state, user) = require_account().await?;
    match rule {
        Caller::Anyone | Caller::Visitor => {}
        Caller::Member if !user.is_portal_visitor() => {}
        Caller::Member => return Err(AppError::Unauthorized),
        Caller::Admin => {
            if !crate::domain::instance::is_instance_admin(&state.store, &user.user_id).await? {
                return Err(AppError::NotFound);
            }
        }
    }
    Ok((state, user))
}
