//! API keys: `hrk_` tokens (see `tokens`) that act for one account.

use super::tokens::{hash_token, new_token};
use super::{format_time, ids::new_id, now_ms};
use crate::error::AppError;
use crate::model::{ApiKey, CreatedApiKey};
use crate::store::{ApiKeyRecord, Store};
use crate::validation::MAX_NAME_CHARS;

pub const API_KEY_PREFIX: &str = "hrk_";
/// How much of the key is kept in clear to tell keys apart (the prefix and 6 characters).
const SHOWN_CHARS: usize = API_KEY_PREFIX.len() + 6;

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
    let key = new_token(API_KEY_PREFIX);
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
