//! The typed login session on top of tower-sessions: one namespaced key holding who is signed in.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::domain::accounts::{self, SignedIn};
use crate::error::AppError;
use crate::store::Store;

const SIGNED_IN_KEY: &str = "hookrelay.signed_in";

#[derive(Clone, Debug, Serialize, Deserialize)]
struct SessionUser {
    /// Empty for a portal visitor.
    user_id: String,
    account_id: String,
    /// Signed in by a portal link: no user, only this one account.
    #[serde(default)]
    portal: bool,
}

/// What a portal visitor is called where a user's email would show (and who redelivered).
pub const PORTAL_VISITOR: &str = "portal visitor";

/// The session of the request a server function is answering.
pub async fn current_session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>().await.map_err(|error| {
        tracing::error!(%error, "no session layer around the server function");
        AppError::Internal
    })
}

/// Whether the session names a user at all (no database look-up; for cheap routing checks).
pub async fn has_user(session: &Session) -> bool {
    matches!(session.get::<SessionUser>(SIGNED_IN_KEY).await, Ok(Some(_)))
}

/// The signed-in user, checked against the database, or `None`.
pub async fn signed_in(session: &Session, store: &Store) -> Result<Option<SignedIn>, AppError> {
    let Some(user) = session.get::<SessionUser>(SIGNED_IN_KEY).await? else {
        return Ok(None);
    };
    let found = if user.portal {
        // The account may have been deleted since the link was used.
        match store.find_account(&user.account_id, false).await? {
            Some(_) => Some(SignedIn {
                user_id: String::new(),
                account_id: user.account_id.clone(),
                email: PORTAL_VISITOR.to_string(),
            }),
            None => None,
        }
    } else {
        accounts::signed_in(store, &user.user_id, &user.account_id).await?
    };
    if found.is_none() {
        // The user or the membership is gone: the session must not outlive it.
        session.flush().await?;
    }
    Ok(found)
}

/// The signed-in user, or `Unauthorized`.
pub async fn require_user(session: &Session, store: &Store) -> Result<SignedIn, AppError> {
    signed_in(session, store).await?.ok_or(AppError::Unauthorized)
}

/// Records a sign-in. The session id changes, so an id planted before login (session fixation)
/// is worthless after it.
pub async fn sign_in(session: &Session, user: &SignedIn) -> Result<(), AppError> {
    session.cycle_id().await?;
    session
        .insert(
            SIGNED_IN_KEY,
            SessionUser { user_id: user.user_id.clone(), account_id: user.account_id.clone(), portal: false },
        )
        .await?;
    Ok(())
}

/// Signs a portal link's visitor into one account, without a user. The session id changes, as
/// at login; whoever was signed in before is signed out.
pub async fn sign_in_portal(session: &Session, account_id: &str) -> Result<(), AppError> {
    session.cycle_id().await?;
    session
        .insert(SIGNED_IN_KEY, SessionUser { user_id: String::new(), account_id: account_id.to_string(), portal: true })
        .await?;
    Ok(())
}

pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await?;
    Ok(())
}
