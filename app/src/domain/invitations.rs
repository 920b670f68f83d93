//! Invitations: a one-time link that lets one email address join an account, registering or
//! signing in as it does.

use super::accounts::find_account;
use super::ids::new_id;
use super::tokens::{hash_token, looks_like, new_token};
use super::users::{self, SignedIn};
use super::{format_time, now_ms, passwords};
use crate::error::AppError;
use crate::model::{Invitation, InvitationInput, InvitationView};
use crate::store::{is_unique_violation, InvitationRecord, NewUser, Store};
use crate::validation::check_password;

pub(crate) const INVITATION_TOKEN_PREFIX: &str = "hri_";

const INVITATION_LIFETIME_MS: i64 = 7 * 86_400_000;

/// The invitation a token stands for, if it can still be accepted.
async fn open_invitation(store: &Store, token: &str) -> Result<InvitationRecord, AppError> {
    if !looks_like(token, INVITATION_TOKEN_PREFIX) {
        return Err(AppError::NotFound);
    }
    store.find_open_invitation(&hash_token(token), now_ms()).await?.ok_or(AppError::NotFound)
}

pub async fn invitation(store: &Store, token: &str) -> Result<InvitationView, AppError> {
    let invitation = open_invitation(store, token).await?;
    let has_login = store.find_user_by_email(&invitation.email).await?.is_some();
    Ok(InvitationView { account_name: invitation.account_name, email: invitation.email, has_login })
}

/// Accepts an invitation: the invited address registers with `password` or, if it has a login
/// already, proves it with its password; either way it becomes a member of the account and is
/// signed in to it.
pub async fn accept_invitation(store: &Store, token: &str, password: &str) -> Result<SignedIn, AppError> {
    let invitation = open_invitation(store, token).await?;
    let now = now_ms();
    let (user_id, accepted) = match store.find_user_by_email(&invitation.email).await? {
        Some(user) => {
            let signed_in = users::authenticate(store, &invitation.email, password).await?;
            (user.id, store.accept_invitation(&invitation.id, &signed_in.user_id, None, now).await?)
        }
        None => {
            check_password(password).map_err(|message| AppError::validation("password", message))?;
            let password_hash = passwords::hash(password.to_string()).await?;
            let user_id = new_id("usr");
            let user =
                NewUser { id: &user_id, email: &invitation.email, password_hash: &password_hash, created_at: now };
            match store.accept_invitation(&invitation.id, &user_id, Some(user), now).await {
                Ok(accepted) => (user_id.clone(), accepted),
                Err(error) if is_unique_violation(&error) => {
                    return Err(AppError::Conflict {
                        field: Some("password".into()),
                        message: "This address has just been registered. Reload the page and log in to join.".into(),
                    })
                }
                Err(error) => return Err(error.into()),
            }
        }
    };
    if !accepted {
        return Err(AppError::NotFound);
    }
    Ok(SignedIn { user_id, account_id: invitation.account_id, email: invitation.email })
}

/// An invitation to join the account, for one email address.
pub async fn create_invitation(
    store: &Store,
    public_url: &str,
    account_reference: &str,
    input: InvitationInput,
) -> Result<Invitation, AppError> {
    let account = find_account(store, account_reference).await?;
    let email = users::normalize_email(&input.email)?;
    let token = new_token(INVITATION_TOKEN_PREFIX);
    let now = now_ms();
    let expires_at = now + INVITATION_LIFETIME_MS;
    let id = new_id("inv");
    store.insert_invitation(&id, &account.id, &email, &hash_token(&token), now, expires_at).await?;
    Ok(Invitation {
        id,
        url: format!("{}/invite/{token}", public_url.trim_end_matches('/')),
        expires_at: format_time(expires_at),
    })
}

/// Revokes an invitation that has not been accepted; `NotFound` for an unknown, used or
/// expired one, or one of another account.
pub async fn revoke_invitation(store: &Store, account_reference: &str, id: &str) -> Result<(), AppError> {
    let account = find_account(store, account_reference).await?;
    if store.revoke_invitation(&account.id, id, now_ms()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
