//! Operator keys: `hro_` tokens that act across accounts (creating accounts, portal links and
//! invitations, and anything an API key may do in the account a request names).

use super::ids::new_id;
use super::now_ms;
use super::tokens::{hash_token, new_token};
use crate::error::AppError;
use crate::store::{OperatorKeyRecord, Store};
use crate::validation::check_name;

pub const OPERATOR_KEY_PREFIX: &str = "hro_";

const SHOWN_CHARS: usize = OPERATOR_KEY_PREFIX.len() + 6;

/// A new operator key; the key itself is returned once.
pub async fn create_key(store: &Store, name: &str) -> Result<(OperatorKeyRecord, String), AppError> {
    let name = check_name(name).map_err(|message| AppError::validation("name", message))?;
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
