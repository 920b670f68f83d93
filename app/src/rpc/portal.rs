//! A portal link's page: what it opens (read without using it), and opening it (a POST, so
//! that link previews in chats and mail scanners, which only GET, cannot use it up).

use leptos::prelude::*;

use crate::error::AppError;
use crate::model::PortalLinkView;

/// The account a portal link opens, and who is signed in now (opening it signs them out).
#[server(prefix = "/rpc", endpoint = "portal/preview")]
pub async fn preview_portal_link(token: String) -> Result<PortalLinkView, AppError> {
    use crate::domain::portal_links;
    use crate::server::{app_state, session};
    let state = app_state()?;
    let account_name = portal_links::portal_link_account(&state.store, &token).await?;
    let session = session::current_session().await?;
    let signed_in_as = session::signed_in(&session, &state.store).await?.map(|user| user.email);
    Ok(PortalLinkView { account_name, signed_in_as })
}

/// Uses the link: signs its visitor into its account until the link expires, then opens the
/// dashboard.
#[server(prefix = "/rpc", endpoint = "portal/open")]
pub async fn open_portal(token: String) -> Result<(), AppError> {
    use crate::domain::portal_links;
    use crate::server::{app_state, session};
    let state = app_state()?;
    let link = portal_links::use_portal_link(&state.store, &token).await?;
    let session = session::current_session().await?;
    session::sign_in_portal(&session, &link.account_id, link.expires_at).await?;
    leptos_axum::redirect("/");
    Ok(())
}
