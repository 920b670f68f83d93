//! Portal links: one-time links into one account's dashboard, for an operator's customers.

use std::time::Duration;

use super::accounts::find_account;
use super::ids::new_id;
use super::tokens::{hash_token, looks_like, new_token};
use super::users::SignedIn;
use super::{format_time, now_ms, parse_duration};
use crate::error::AppError;
use crate::model::{PortalLink, PortalLinkInput};
use crate::store::{Store, UsedPortalLink};

const PORTAL_TOKEN_PREFIX: &str = "hrp_";

const DEFAULT_PORTAL_LIFETIME: Duration = Duration::from_secs(3600);

const MAX_PORTAL_LIFETIME: Duration = Duration::from_secs(7 * 86_400);

/// A one-time link into the account's dashboard, valid for `expires_in` (default 1 h, at most 7 d).
pub async fn create_portal_link(
    store: &Store,
    public_url: &str,
    account_reference: &str,
    input: PortalLinkInput,
) -> Result<PortalLink, AppError> {
    let account = find_account(store, account_reference).await?;
    let lifetime = match input.expires_in.as_deref() {
        None => DEFAULT_PORTAL_LIFETIME,
        Some(text) => parse_duration(text).map_err(|error| AppError::validation("expires_in", error))?,
    };
    if lifetime.is_zero() || lifetime > MAX_PORTAL_LIFETIME {
        return Err(AppError::validation("expires_in", "expires_in must be more than 0 and at most 7d."));
    }
    let token = new_token(PORTAL_TOKEN_PREFIX);
    let now = now_ms();
    let expires_at = now + lifetime.as_millis() as i64;
    store.insert_portal_link(&new_id("plk"), &account.id, &hash_token(&token), now, expires_at).await?;
    Ok(PortalLink {
        url: format!("{}/portal/{token}", public_url.trim_end_matches('/')),
        expires_at: format_time(expires_at),
    })
}

/// The name of the account a portal link opens, without using the link (its page shows it
/// before the visitor presses the button); `NotFound` for an unknown, used or expired one.
pub async fn portal_link_account(store: &Store, token: &str) -> Result<String, AppError> {
    if !looks_like(token, PORTAL_TOKEN_PREFIX) {
        return Err(AppError::NotFound);
    }
    store.open_portal_link_account(&hash_token(token), now_ms()).await?.ok_or(AppError::NotFound)
}

/// Uses a portal link: the account it opens and when the link (and so its session) expires,
/// or `NotFound` for an unknown, used or expired one.
pub async fn use_portal_link(store: &Store, token: &str) -> Result<UsedPortalLink, AppError> {
    if !looks_like(token, PORTAL_TOKEN_PREFIX) {
        return Err(AppError::NotFound);
    }
    let used = store.use_portal_link(&hash_token(token), now_ms()).await?.ok_or(AppError::NotFound)?;
    tracing::info!(link = %used.id, account_id = %used.account_id, "portal link used");
    Ok(used)
}

/// What a portal visitor is called where a user's email would show (and who redelivered).
pub const PORTAL_VISITOR: &str = "portal visitor";

/// The visitor a portal session stands for, while it lasts: the link's expiry (`expires_at`,
/// Unix ms) ends it, and so does the account's deletion.
pub async fn visitor(store: &Store, account_id: &str, expires_at: i64) -> Result<Option<SignedIn>, AppError> {
    if now_ms() >= expires_at || store.find_account(account_id, false).await?.is_none() {
        return Ok(None);
    }
    Ok(Some(SignedIn { user_id: String::new(), account_id: account_id.to_string(), email: PORTAL_VISITOR.to_string() }))
}
