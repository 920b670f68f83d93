//! Users: signing in with a password, the session's view of who is signed in, and passwords.

use email_address::EmailAddress;

use super::{now_ms, passwords};
use crate::error::AppError;
use crate::model::SignedInUser;
use crate::store::Store;
use crate::validation::{check_password, MAX_PASSWORD_CHARS};

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

/// Checks an email and password; any mismatch gives the same [`BAD_CREDENTIALS`] answer.
pub async fn authenticate(store: &Store, email: &str, password: &str) -> Result<SignedIn, AppError> {
    let bad_credentials = || AppError::Validation { field: "password".into(), message: BAD_CREDENTIALS.into() };
    let Ok(email) = normalize_email(email) else {
        return Err(bad_credentials());
    };
    if password.chars().count() > MAX_PASSWORD_CHARS {
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
    if current.chars().count() > MAX_PASSWORD_CHARS {
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

/// The first account of the user with this (normalised) email, if there is such a user.
pub async fn account_of_email(store: &Store, email: &str) -> Result<Option<String>, AppError> {
    let Some(user) = store.find_user_by_email(email).await? else {
        return Ok(None);
    };
    Ok(store.first_account_of(&user.id).await?)
}

/// What the dashboard shows of who is signed in: the account's name, the accounts they can
/// switch to, and what they may see.
pub async fn signed_in_user(store: &Store, user: SignedIn) -> Result<SignedInUser, AppError> {
    let account_name = store.find_account(&user.account_id, false).await?.map(|account| account.name);
    let account_name = account_name.unwrap_or_default();
    // A portal visitor (no user) has only the account of the link.
    let portal_visitor = user.is_portal_visitor();
    let accounts = if portal_visitor {
        vec![(user.account_id.clone(), account_name.clone())]
    } else {
        store.accounts_of_user(&user.user_id).await?
    };
    let instance_admin = super::instance::is_instance_admin(store, &user.user_id).await?;
    Ok(SignedInUser {
        email: user.email,
        account_name,
        account_id: user.account_id,
        accounts,
        instance_admin,
        portal_visitor,
    })
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
