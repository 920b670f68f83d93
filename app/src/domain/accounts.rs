//! Registration, sign-in, and joining an account by invitation.

use email_address::EmailAddress;

use super::operator::INVITATION_TOKEN_PREFIX;
use super::tokens::{hash_token, looks_like};
use super::{ids::new_id, now_ms, passwords};
use crate::error::AppError;
use crate::model::InvitationView;
use crate::store::{is_unique_violation, InvitationRecord, NewAccount, NewUser, Store};
use crate::validation::check_password;

/// Who is signed in, and into which account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedIn {
    pub user_id: String,
    pub account_id: String,
    pub email: String,
}

impl SignedIn {
    /// Signed in by a portal link: an account, no user.
    pub fn is_portal_visitor(&self) -> bool {
        self.user_id.is_empty()
    }
}

/// The one answer to every failed sign-in, so that it never tells which emails exist.
pub const BAD_CREDENTIALS: &str = "That email and password do not match an account.";

/// Lower-cases and checks an email address.
pub fn normalize_email(email: &str) -> Result<String, AppError> {
    let email = email.trim().to_lowercase();
    if email.is_empty() {
        return Err(AppError::validation("email", "Enter your email address."));
    }
    if email.len() > 254 || !EmailAddress::is_valid(&email) {
        return Err(AppError::validation("email", "Enter a valid email address, like you@example.com."));
    }
    Ok(email)
}

/// Creates a user and an account owned by that user. The user is the instance admin when
/// `admin` asks for it (the command line's `user create --admin`) or when theirs is the
/// instance's first account; never by registering on an instance that has accounts already.
pub async fn register(store: &Store, email: &str, password: &str, admin: bool) -> Result<SignedIn, AppError> {
    let email = normalize_email(email)?;
    check_password(password).map_err(|message| AppError::validation("password", message))?;

    let password_hash = passwords::hash(password.to_string()).await?;
    let now = now_ms();
    let account_id = new_id("acc");
    let user_id = new_id("usr");
    let account = NewAccount { id: &account_id, name: &email, created_at: now };
    let user = NewUser { id: &user_id, email: &email, password_hash: &password_hash, created_at: now };
    match store.insert_account_with_owner(&account, &user, admin).await {
        Ok(admin) => {
            if admin {
                tracing::info!(%user_id, "the instance admin");
            }
            Ok(SignedIn { user_id, account_id, email })
        }
        Err(error) if is_unique_violation(&error) => Err(AppError::Conflict {
            field: Some("email".into()),
            message: "An account with this email already exists. Log in instead.".into(),
        }),
        Err(error) => Err(error.into()),
    }
}

/// Checks an email and password; any mismatch gives the same [`BAD_CREDENTIALS`] answer.
pub async fn authenticate(store: &Store, email: &str, password: &str) -> Result<SignedIn, AppError> {
    let bad_credentials = || AppError::Validation { field: "password".into(), message: BAD_CREDENTIALS.into() };
    let Ok(email) = normalize_email(email) else {
        return Err(bad_credentials());
    };
    if password.chars().count() > crate::validation::MAX_PASSWORD_CHARS {
        return Err(bad_credentials());
    }
    let user = store.find_user_by_email(&email).await?;
    let stored_hash = user.as_ref().map(|user| user.password_hash.clone());
    if !passwords::verify(password.to_string(), stored_hash).await? {
        return Err(bad_credentials());
    }
    let Some(user) = user else {
        return Err(bad_credentials());
    };
    let Some(account_id) = store.first_account_of(&user.id).await? else {
        tracing::warn!(user_id = %user.id, "user without an account tried to sign in");
        return Err(bad_credentials());
    };
    Ok(SignedIn { user_id: user.id, account_id, email: user.email })
}

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
            let signed_in = authenticate(store, &invitation.email, password).await?;
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

/// Resolves a session's user and account, checking the membership still holds and the session
/// (signed in at `signed_in_at`, Unix ms) is not older than the user's last password change.
pub async fn signed_in(
    store: &Store,
    user_id: &str,
    account_id: &str,
    signed_in_at: i64,
) -> Result<Option<SignedIn>, AppError> {
    let Some(user) = store.find_user(user_id).await? else {
        return Ok(None);
    };
    if signed_in_at < user.sessions_valid_after || !store.is_member(user_id, account_id).await? {
        return Ok(None);
    }
    Ok(Some(SignedIn { user_id: user.id, account_id: account_id.to_string(), email: user.email }))
}

/// Sets the password of the user with this email (`hookrelay user set-password`); every session
/// of the user ends.
pub async fn set_password(store: &Store, email: &str, password: &str) -> Result<(), AppError> {
    let email = normalize_email(email)?;
    let user = store.find_user_by_email(&email).await?.ok_or(AppError::NotFound)?;
    replace_password(store, &user.id, password).await
}

/// Changes the signed-in user's own password, proven by the current one; every session of the
/// user ends (the caller signs the current one in again).
pub async fn change_password(store: &Store, user_id: &str, current: &str, new: &str) -> Result<(), AppError> {
    let user = store.find_user(user_id).await?.ok_or(AppError::Unauthorized)?;
    let wrong = || AppError::validation("current_password", "That is not your current password.");
    if current.chars().count() > crate::validation::MAX_PASSWORD_CHARS {
        return Err(wrong());
    }
    if !passwords::verify(current.to_string(), Some(user.password_hash)).await? {
        return Err(wrong());
    }
    replace_password(store, user_id, new).await.map_err(|error| match error {
        AppError::Validation { message, .. } => AppError::validation("new_password", message),
        other => other,
    })
}

async fn replace_password(store: &Store, user_id: &str, password: &str) -> Result<(), AppError> {
    check_password(password).map_err(|message| AppError::validation("password", message))?;
    let password_hash = passwords::hash(password.to_string()).await?;
    if !store.set_password_hash(user_id, &password_hash, now_ms()).await? {
        return Err(AppError::NotFound);
    }
    tracing::info!(%user_id, "password set; the user's sessions ended");
    Ok(())
}

/// The people who can sign in to the account.
pub async fn members(store: &Store, account_id: &str) -> Result<Vec<crate::model::Member>, AppError> {
    Ok(store
        .members(account_id)
        .await?
        .into_iter()
        .map(|(user_id, email, role, joined)| crate::model::Member {
            user_id,
            email,
            role,
            created_at: super::format_time(joined),
        })
        .collect())
}

/// Removes a person from the account: their sessions in it end at their next request (every
/// request checks the membership). Their login and other accounts stay.
pub async fn remove_member(store: &Store, account_id: &str, user_id: &str) -> Result<(), AppError> {
    if store.remove_member(account_id, user_id).await? {
        tracing::info!(%account_id, %user_id, "member removed");
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

/// The first account of the user with this (normalised) email, if there is such a user.
pub async fn account_of_email(store: &Store, email: &str) -> Result<Option<String>, AppError> {
    let Some(user) = store.find_user_by_email(email).await? else {
        return Ok(None);
    };
    Ok(store.first_account_of(&user.id).await?)
}

#[cfg(test)]
mod tests {
    use super::normalize_email;

    #[test]
    fn emails_are_lowercased_and_checked() {
        assert_eq!(normalize_email("  Ada@Example.COM ").unwrap(), "ada@example.com");
        assert!(normalize_email("").is_err());
        assert!(normalize_email("no-at-sign").is_err());
        assert!(normalize_email("a@b@c").is_err());
        assert_eq!(normalize_email("x").unwrap_err().field(), Some("email"));
    }
}
