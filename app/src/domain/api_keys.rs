//! API keys: `hrk_` tokens (see `tokens`) that act for one account.

use super::tokens::{hash_token, looks_like, new_token};
use super::{format_time, ids::new_id, now_ms};
use crate::error::AppError;
use crate::model::{ApiKey, CreatedApiKey};
use crate::store::{ApiKeyRecord, Store};

const KEY_PREFIX: &str = "hrk_";
/// How much of the key is kept in clear to tell keys apart (the prefix and 6 characters).
const SHOWN_CHARS: usize = KEY_PREFIX.len() + 6;
const MAX_NAME_CHARS: usize = 100;

fn to_model(record: ApiKeyRecord) -> ApiKey {
    ApiKey {
        id: record.id,
        name: record.name,
        prefix: record.prefix,
        created_at: format_time(record.created_at),
        last_used_at: record.last_used_at.map(format_time),
        revoked_at: record.revoked_at.map(format_time),
    }
}

pub async fn create(store: &Store, account_id: &str, name: &str) -> Result<CreatedApiKey, AppError> {
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::validation("name", "Give the key a name, such as the service that will use it."));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(AppError::validation("name", format!("Use at most {MAX_NAME_CHARS} characters.")));
    }
    let key = new_token(KEY_PREFIX);
    let record = ApiKeyRecord {
        id: new_id("key"),
        account_id: account_id.to_string(),
        name: name.to_string(),
        prefix: key[..SHOWN_CHARS].to_string(),
        created_at: now_ms(),
        last_used_at: None,
        revoked_at: None,
    };
    store.insert_api_key(&record, &hash_token(&key)).await?;
    Ok(CreatedApiKey { api_key: to_model(record), key })
}

/// Who a presented API key speaks for.
#[derive(Clone, Debug)]
pub struct KeyHolder {
    pub account_id: String,
    /// How attempts it triggers are attributed: "API key <name>".
    pub actor: String,
}

/// The account a presented key belongs to; `Unauthorized` for an unknown or revoked key.
pub async fn authenticate(store: &Store, presented: &str) -> Result<KeyHolder, AppError> {
    if !looks_like(presented, KEY_PREFIX) {
        return Err(AppError::Unauthorized);
    }
    let Some(record) = store.find_live_api_key_by_hash(&hash_token(presented)).await? else {
        return Err(AppError::Unauthorized);
    };
    // Recording use is a write; once a minute per key is enough for "last used".
    let now = now_ms();
    if record.last_used_at.is_none_or(|used| used < now - 60_000) {
        store.touch_api_key(&record.id, now).await?;
    }
    Ok(KeyHolder { account_id: record.account_id, actor: format!("API key {}", record.name) })
}

pub async fn list(store: &Store, account_id: &str) -> Result<Vec<ApiKey>, AppError> {
    Ok(store.list_api_keys(account_id).await?.into_iter().map(to_model).collect())
}

pub async fn revoke(store: &Store, account_id: &str, id: &str) -> Result<(), AppError> {
    if store.revoke_api_key(account_id, id, now_ms()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}
