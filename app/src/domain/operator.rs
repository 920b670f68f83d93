//! Operator mode: operator keys (`hro_` tokens that act across accounts), the accounts an
//! operator creates for its customers, and one-time portal links into an account's dashboard.

use std::time::Duration;

use super::ids::new_id;
use super::paging::PageRequest;
use super::tokens::{hash_token, looks_like, new_token};
use super::{format_time, now_ms, parse_duration};
use crate::error::AppError;
use crate::model::{
    Account, AccountInput, AccountSummary, InstanceOverview, Invitation, InvitationInput, Page, PortalLink,
    PortalLinkInput,
};
use crate::store::{is_unique_violation, AccountRecord, OperatorKeyRecord, Store, UsedPortalLink};

pub const OPERATOR_KEY_PREFIX: &str = "hro_";
const PORTAL_TOKEN_PREFIX: &str = "hrp_";
const SHOWN_CHARS: usize = OPERATOR_KEY_PREFIX.len() + 6;
const MAX_NAME_CHARS: usize = 100;
const MAX_EXTERNAL_ID_CHARS: usize = 100;
/// How an account is named by its external id in paths and headers.
pub const EXTERNAL_ID_PREFIX: &str = "ext_";
pub(crate) const INVITATION_TOKEN_PREFIX: &str = "hri_";
const INVITATION_LIFETIME_MS: i64 = 7 * 86_400_000;
const DEFAULT_PORTAL_LIFETIME: Duration = Duration::from_secs(3600);
const MAX_PORTAL_LIFETIME: Duration = Duration::from_secs(7 * 86_400);

/// The operator key a request presented.
#[derive(Clone, Debug)]
pub struct OperatorKey {
    pub id: String,
    /// How attempts it triggers are attributed: "operator key <name>".
    pub actor: String,
}

/// A new operator key; the key itself is returned once.
pub async fn create_key(store: &Store, name: &str) -> Result<(OperatorKeyRecord, String), AppError> {
    let name = check_name(name)?;
    let key = new_token(OPERATOR_KEY_PREFIX);
    let record = OperatorKeyRecord {
        id: new_id("opk"),
        name,
        prefix: key[..SHOWN_CHARS].to_string(),
        created_at: now_ms(),
        last_used_at: None,
    };
    store.insert_operator_key(&record, &hash_token(&key)).await?;
    Ok((record, key))
}

/// The operator keys that work, oldest first.
pub async fn list_keys(store: &Store) -> Result<Vec<OperatorKeyRecord>, AppError> {
    Ok(store.live_operator_keys().await?)
}

/// Revokes the working operator keys with this name; how many.
pub async fn revoke_key(store: &Store, name: &str) -> Result<u64, AppError> {
    Ok(store.revoke_operator_keys(name.trim(), now_ms()).await?)
}

/// Whether a presented bearer token is an operator key (by its form; not yet checked).
pub fn is_operator_key(presented: &str) -> bool {
    looks_like(presented, OPERATOR_KEY_PREFIX)
}

/// The live operator key presented; `Unauthorized` otherwise.
pub async fn authenticate(store: &Store, presented: &str) -> Result<OperatorKey, AppError> {
    if !is_operator_key(presented) {
        return Err(AppError::Unauthorized);
    }
    let record = store.find_live_operator_key_by_hash(&hash_token(presented)).await?.ok_or(AppError::Unauthorized)?;
    let now = now_ms();
    if record.last_used_at.is_none_or(|used| used < now - 60_000) {
        store.touch_operator_key(&record.id, now).await?;
    }
    Ok(OperatorKey { id: record.id, actor: format!("operator key {}", record.name) })
}

fn check_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::validation("name", "A name is required."));
    }
    if name.chars().count() > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(AppError::validation("name", format!("Use at most {MAX_NAME_CHARS} printable characters.")));
    }
    Ok(name.to_string())
}

fn check_external_id(external_id: &str) -> Result<(), AppError> {
    let valid = !external_id.is_empty()
        && external_id.len() <= MAX_EXTERNAL_ID_CHARS
        && external_id.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if valid {
        Ok(())
    } else {
        Err(AppError::validation(
            "external_id",
            format!("An external id is 1 to {MAX_EXTERNAL_ID_CHARS} letters, digits, '-', '_' or '.'."),
        ))
    }
}

fn to_model(record: AccountRecord) -> Account {
    Account {
        id: record.id,
        name: record.name,
        external_id: record.external_id,
        created_at: format_time(record.created_at),
    }
}

pub async fn create_account(store: &Store, input: AccountInput) -> Result<Account, AppError> {
    let name = check_name(&input.name)?;
    if let Some(external_id) = &input.external_id {
        check_external_id(external_id)?;
    }
    let record = AccountRecord { id: new_id("acc"), name, external_id: input.external_id, created_at: now_ms() };
    match store.insert_account(&record).await {
        Ok(()) => Ok(to_model(record)),
        Err(error) if is_unique_violation(&error) => Err(AppError::Conflict {
            field: Some("external_id".into()),
            message: "Another account has this external id.".into(),
        }),
        Err(error) => Err(error.into()),
    }
}

/// An account named by its id (`acc_…`) or external id (`ext_…`); `NotFound` otherwise.
pub async fn find_account(store: &Store, reference: &str) -> Result<Account, AppError> {
    let found = match reference.strip_prefix(EXTERNAL_ID_PREFIX) {
        Some(external_id) => store.find_account(external_id, true).await?,
        None => store.find_account(reference, false).await?,
    };
    found.map(to_model).ok_or(AppError::NotFound)
}

pub async fn list_accounts(store: &Store, request: &PageRequest) -> Result<Page<Account>, AppError> {
    let window = request.window("acc")?;
    let rows = store.list_accounts(window.before.as_deref(), window.fetch()).await?;
    Ok(window.page(rows, |row| row.id.clone(), to_model))
}

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

/// An invitation to join the account, for one email address.
pub async fn create_invitation(
    store: &Store,
    public_url: &str,
    account_reference: &str,
    input: InvitationInput,
) -> Result<Invitation, AppError> {
    let account = find_account(store, account_reference).await?;
    let email = super::accounts::normalize_email(&input.email)?;
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

/// Whether this user may see the operator page: the instance admin (a portal visitor, with no
/// user, never is).
pub async fn is_instance_admin(store: &Store, user_id: &str) -> Result<bool, AppError> {
    Ok(!user_id.is_empty() && store.is_admin(user_id).await?)
}

/// The operator page's figures.
pub async fn instance_overview(store: &Store) -> Result<InstanceOverview, AppError> {
    let now = now_ms();
    let accounts = store
        .account_summaries(200)
        .await?
        .into_iter()
        .map(|row| AccountSummary {
            id: row.id,
            name: row.name,
            external_id: row.external_id,
            events: row.events,
            failed_deliveries: row.failed_deliveries,
        })
        .collect();
    let queue = store.queue_state(now).await?;
    let lag_ms = queue.oldest_due_at.filter(|due| *due <= now).map_or(0, |due| now - due);
    Ok(InstanceOverview {
        accounts,
        due: queue.due,
        in_flight: queue.in_flight,
        scheduled: queue.scheduled,
        worker_lag_seconds: lag_ms / 1000,
        database_ok: store.ping().await.is_ok(),
    })
}
