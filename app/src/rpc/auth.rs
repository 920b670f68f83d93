//! Sign-up, sign-in and sign-out as server functions, and the signed-in user for the shell.
//! Their URLs are fixed (`/rpc/<name>`) so that tests and scripts can call them.

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::SignedInUser;

#[server(prefix = "/rpc", endpoint = "current_user")]
pub async fn current_user() -> Result<Option<SignedInUser>, AppError> {
    use crate::server::{app_state, session};
    let state = app_state()?;
    let session = session::current_session().await?;
    let Some(user) = session::signed_in(&session, &state.store).await? else {
        return Ok(None);
    };
    Ok(Some(crate::domain::users::signed_in_user(&state.store, user).await?))
}

#[server(prefix = "/rpc", endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::domain::users;
    use crate::server::{app_state, session};
    let state = app_state()?;
    let client = ssr::client_ip().await;
    if !state.login_throttle.allow_attempt(&email, client).await? {
        return Err(AppError::RateLimited("Too many sign-in attempts. Wait a minute, then try again.".into()));
    }
    let user = users::authenticate(&state.store, &email, &password).await?;
    let session = session::current_session().await?;
    session::sign_in(&session, &user).await?;
    tracing::info!(user_id = %user.user_id, "signed in");
    leptos_axum::redirect(&crate::validation::safe_next_path(next.as_deref()));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "register")]
pub async fn register(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::domain::accounts;
    use crate::server::{app_state, session};
    let state = app_state()?;
    if !state.login_throttle.allow_registration(ssr::client_ip().await).await? {
        return Err(AppError::RateLimited(
            "Too many registrations from this address. Wait a minute, then try again.".into(),
        ));
    }
    if !state.settings.registration_open {
        return Err(AppError::BadRequest(
            "This instance is open by invitation only. Ask someone in your team for an invitation link.".into(),
        ));
    }
    let user = accounts::register(&state.store, &email, &password, false).await?;
    let session = session::current_session().await?;
    session::sign_in(&session, &user).await?;
    tracing::info!(user_id = %user.user_id, account_id = %user.account_id, "registered");
    leptos_axum::redirect(&crate::validation::safe_next_path(next.as_deref()));
    Ok(())
}

#[server(prefix = "/rpc", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::session;
    let session = session::current_session().await?;
    session::sign_out(&session).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[cfg(feature = "ssr")]
mod ssr {
    use std::net::{IpAddr, SocketAddr};

    use axum::extract::ConnectInfo;
    use axum::http::HeaderMap;

    /// The client's address (absent when the server was not started with connection info);
    /// see `server::client_ip` for proxies.
    pub async fn client_ip() -> Option<IpAddr> {
        let peer = leptos_axum::extract::<ConnectInfo<SocketAddr>>().await.ok()?.0.ip();
        let headers = leptos_axum::extract::<HeaderMap>().await.unwrap_or_default();
        let trusted =
            crate::server::app_state().map(|state| state.settings.trusted_proxies.clone()).unwrap_or_default();
        Some(crate::server::client_ip::client_ip(peer, &headers, &trusted))
    }
}

/// The invitation behind an invitation link, for its page.
#[server(prefix = "/rpc", endpoint = "invitation")]
pub async fn get_invitation(token: String) -> Result<crate::model::InvitationView, AppError> {
    use crate::domain::invitations;
    use crate::server::app_state;
    let state = app_state()?;
    invitations::invitation(&state.store, &token).await
}

/// Accepts an invitation (registering the invited address, or checking its password) and
/// signs in to the account it joins.
#[server(prefix = "/rpc", endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String, password: String) -> Result<(), AppError> {
    use crate::domain::invitations;
    use crate::server::{app_state, session};
    let state = app_state()?;
    let client = ssr::client_ip().await;
    if !state.login_throttle.allow_attempt(&token, client).await? {
        return Err(AppError::RateLimited("Too many attempts. Wait a minute, then try again.".into()));
    }
    let user = invitations::accept_invitation(&state.store, &token, &password).await?;
    let session = session::current_session().await?;
    session::sign_in(&session, &user).await?;
    tracing::info!(user_id = %user.user_id, account_id = %user.account_id, "joined an account by invitation");
    leptos_axum::redirect("/");
    Ok(())
}

/// Changes the signed-in user's password. Every session of the user ends, this one included,
/// which is signed in again at once.
#[server(prefix = "/rpc", endpoint = "change_password")]
pub async fn change_password(current_password: String, new_password: String) -> Result<(), AppError> {
    use crate::domain::users;
    use crate::server::{authorize, session};
    let (state, user) = authorize::<ChangePassword>().await?;
    users::change_password(&state.store, &user.user_id, &current_password, &new_password).await?;
    let session = session::current_session().await?;
    session::sign_in(&session, &user).await?;
    Ok(())
}

/// Moves the session to another account of the same user, then opens its overview.
#[server(prefix = "/rpc", endpoint = "switch_account")]
pub async fn switch_account(account_id: String) -> Result<(), AppError> {
    use crate::domain::users;
    use crate::server::{authorize, session};
    let (state, user) = authorize::<SwitchAccount>().await?;
    // Membership is the rule (a portal visitor, without a user, has none elsewhere).
    let target = users::signed_in(&state.store, &user.user_id, &account_id, crate::domain::now_ms())
        .await?
        .ok_or(AppError::NotFound)?;
    let session = session::current_session().await?;
    session::sign_in(&session, &target).await?;
    leptos_axum::redirect("/");
    Ok(())
}
