//! The one way a REST request proves who it is: a bearer token that is either an API key
//! (`hrk_`, one account) or an operator key (`hro_`, across accounts). Only a token of a known
//! prefix is looked up, and only by its hash.

use super::api_keys::API_KEY_PREFIX;
use super::now_ms;
use super::operator_keys::OPERATOR_KEY_PREFIX;
use super::tokens::{hash_token, looks_like};
use crate::error::AppError;
use crate::store::Store;

/// Recording use is a write: once a minute per key is enough for "last used".
const USE_RECORDED_EVERY_MS: i64 = 60_000;

/// Who a presented key speaks for.
#[derive(Clone, Debug)]
pub enum Bearer {
    /// An API key: it acts in its own account only.
    Account {
        account_id: String,
        /// How attempts it triggers are attributed: "API key <name>".
        actor: String,
    },
    /// An operator key: it acts in any account a request names.
    Operator {
        /// How attempts it triggers are attributed: "operator key <name>".
        actor: String,
    },
}

/// The live key presented; `Unauthorized` for anything else (unknown, revoked, malformed).
pub async fn authenticate(store: &Store, presented: &str) -> Result<Bearer, AppError> {
    let now = now_ms();
    let recorded_before = now - USE_RECORDED_EVERY_MS;
    if looks_like(presented, OPERATOR_KEY_PREFIX) {
        let record =
            store.find_live_operator_key_by_hash(&hash_token(presented)).await?.ok_or(AppError::Unauthorized)?;
        if record.last_used_at.is_none_or(|used| used < recorded_before) {
            store.touch_operator_key(&record.id, now, recorded_before).await?;
        }
        return Ok(Bearer::Operator { actor: format!("operator key {}", record.name) });
    }
    if looks_like(presented, API_KEY_PREFIX) {
        let record = store.find_live_api_key_by_hash(&hash_token(presented)).await?.ok_or(AppError::Unauthorized)?;
        if record.last_used_at.is_none_or(|used| used < recorded_before) {
            store.touch_api_key(&record.id, now, recorded_before).await?;
        }
        return Ok(Bearer::Account { account_id: record.account_id, actor: format!("API key {}", record.name) });
    }
    Err(AppError::Unauthorized)
}
