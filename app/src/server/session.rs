//! The typed login session on top of tower-sessions: one namespaced key holding who is signed in.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::domain::portal_links;
use crate::domain::users::{self, SignedIn};
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
    /// For a portal visitor, when the link expires (Unix ms): the session ends then too. A
    /// portal session from before this was kept has none and is over.
    #[serde(default)]
    portal_expires_at: i64,
    /// When the user signed in (Unix ms): a password set since ends the session.
    #[serde(default)]
    signed_in_at: i64,
}

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
        portal_links::visitor(store, &user.account_id, user.portal_expires_at).await?
    } else {
        users::signed_in(store, &user.user_id, &user.account_id, user.signed_in_at).await?
    };
    if found.is_none() {
        // The user, the membership, the portal link's time or the password it signed in with
        // is gone: the session must not outlive it.
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
            SessionUser {
                user_id: user.user_id.clone(),
                account_id: user.account_id.clone(),
                portal: false,
                portal_expires_at: 0,
                signed_in_at: crate::domain::now_ms(),
            },
        )
        .await?;
    Ok(())
}

/// Signs a portal link's visitor into one account, without a user, until the link's expiry
/// (Unix ms). The session id changes, as at login; whoever was signed in before is signed out.
pub async fn sign_in_portal(session: &Session, account_id: &str, expires_at: i64) -> Result<(), AppError> {
    session.cycle_id().await?;
    let visitor = SessionUser {
        user_id: String::new(),
        account_id: account_id.to_string(),
        portal: true,
        portal_expires_at: expires_at,
        signed_in_at: crate::domain::now_ms(),
    };
    session.insert(SIGNED_IN_KEY, visitor).await?;
    // The browser drops the cookie then too (the check above is what holds).
    if let Ok(at) = time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(expires_at) * 1_000_000) {
        session.set_expiry(Some(tower_sessions::Expiry::AtDateTime(at)));
    }
    Ok(())
}

pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session.flush().await?;
    Ok(())
}
