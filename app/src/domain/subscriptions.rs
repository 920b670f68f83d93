//! Subscriptions: where an account's events go, which types, with which headers and secret.

use std::collections::BTreeMap;

use base64::Engine;

use super::paging::PageRequest;
use super::{format_time, ids::new_id, now_ms, random_bytes};
use crate::alert_types::is_alert_type;
use crate::error::AppError;
use crate::model::{DisabledReason, Page, Subscription, SubscriptionInput, SubscriptionPatch, SubscriptionSecret};
use crate::store::{Store, SubscriptionRecord};
use crate::validation::{
    check_custom_header, check_description, check_event_type_name, check_subscription_url, MAX_CUSTOM_HEADERS,
    MAX_WEBHOOK_ID_CHARS,
};

/// How long a rotated-out secret keeps signing beside the new one.
pub const PREVIOUS_SECRET_GRACE_MS: i64 = 24 * 60 * 60 * 1000;

/// Instance settings that decide what a subscription may be.
#[derive(Clone, Copy, Debug, Default)]
pub struct Policy {
    pub allow_http: bool,
}

/// `whsec_` + the base64 of 32 random bytes (the Standard Webhooks secret format).
pub fn new_secret() -> String {
    format!("whsec_{}", base64::engine::general_purpose::STANDARD.encode(random_bytes::<32>()))
}

fn to_model(record: SubscriptionRecord) -> Subscription {
    Subscription {
        headers: serde_json::from_str(&record.headers).unwrap_or_default(),
        disabled_reason: record.disabled_reason.as_deref().and_then(DisabledReason::parse),
        created_at: format_time(record.created_at),
        updated_at: format_time(record.updated_at),
        id: record.id,
        url: record.url,
        description: record.description,
        event_types: record.event_types,
        webhook_id: record.webhook_id,
        enabled: record.enabled,
        failing_since: record.failing_since.map(format_time),
    }
}

/// The editable fields of a subscription, complete (what PUT and POST give).
struct Fields {
    url: String,
    description: String,
    event_types: Vec<String>,
    headers: BTreeMap<String, String>,
    webhook_id: Option<String>,
    enabled: bool,
}

impl From<SubscriptionInput> for Fields {
    fn from(input: SubscriptionInput) -> Self {
        Fields {
            url: input.url,
            description: input.description.unwrap_or_default(),
            event_types: input.event_types.unwrap_or_default(),
            headers: input.headers.unwrap_or_default(),
            webhook_id: input.webhook_id,
            enabled: input.enabled.unwrap_or(true),
        }
    }
}

/// Checks every field; returns the normalised event-type filter (sorted, without repeats).
async fn check(store: &Store, account_id: &str, policy: Policy, fields: &mut Fields) -> Result<(), AppError> {
    let url = fields.url.trim().to_string();
    check_subscription_url(&url, policy.allow_http).map_err(|message| AppError::validation("url", message))?;
    fields.url = url;
    check_description(&fields.description).map_err(|message| AppError::validation("description", message))?;
    if fields.headers.len() > MAX_CUSTOM_HEADERS {
        return Err(AppError::validation("headers", format!("Use at most {MAX_CUSTOM_HEADERS} custom headers.")));
    }
    for (name, value) in &fields.headers {
        check_custom_header(name, value).map_err(|message| AppError::validation("headers", message))?;
    }
    let mut lower: Vec<String> = fields.headers.keys().map(|name| name.to_ascii_lowercase()).collect();
    lower.sort();
    if lower.windows(2).any(|pair| pair[0] == pair[1]) {
        return Err(AppError::validation("headers", "A header name appears twice (names are case-insensitive)."));
    }
    if let Some(webhook_id) = &fields.webhook_id {
        if webhook_id.is_empty()
            || webhook_id.chars().count() > MAX_WEBHOOK_ID_CHARS
            || webhook_id.chars().any(char::is_control)
        {
            return Err(AppError::validation(
                "webhook_id",
                format!("webhook_id must be 1 to {MAX_WEBHOOK_ID_CHARS} printable characters."),
            ));
        }
    }
    fields.event_types.sort();
    fields.event_types.dedup();
    for name in &fields.event_types {
        check_event_type_name(name)
            .map_err(|message| AppError::validation("event_types", format!("{name}: {message}")))?;
    }
    // Hookrelay's own alert types are built in; every other name must be a declared type.
    let declared: Vec<String> = fields.event_types.iter().filter(|name| !is_alert_type(name)).cloned().collect();
    let active = store.active_event_type_names(account_id, &declared).await?;
    if let Some(missing) = declared.iter().find(|name| !active.contains(name)) {
        return Err(AppError::validation(
            "event_types",
            format!("There is no active event type named {missing}. Create it first, or restore it if archived."),
        ));
    }
    Ok(())
}

fn apply(record: &mut SubscriptionRecord, fields: Fields) -> Result<(), AppError> {
    record.url = fields.url;
    record.description = fields.description;
    record.event_types = fields.event_types;
    record.headers = serde_json::to_string(&fields.headers).map_err(|_| AppError::Internal)?;
    record.webhook_id = fields.webhook_id;
    if fields.enabled != record.enabled || (fields.enabled && record.disabled_reason.is_some()) {
        record.enabled = fields.enabled;
        record.disabled_reason = (!fields.enabled).then(|| DisabledReason::Manual.as_str().to_string());
    }
    Ok(())
}

pub async fn create(
    store: &Store,
    account_id: &str,
    policy: Policy,
    input: SubscriptionInput,
) -> Result<Subscription, AppError> {
    let mut fields = Fields::from(input);
    check(store, account_id, policy, &mut fields).await?;
    let now = now_ms();
    let mut record = SubscriptionRecord {
        id: new_id("sub"),
        url: String::new(),
        description: String::new(),
        headers: String::new(),
        webhook_id: None,
        enabled: true,
        disabled_reason: None,
        created_at: now,
        updated_at: now,
        failing_since: None,
        event_types: Vec::new(),
    };
    apply(&mut record, fields)?;
    store.insert_subscription(account_id, &record, &new_secret()).await?;
    Ok(to_model(record))
}

pub async fn get(store: &Store, account_id: &str, id: &str) -> Result<Subscription, AppError> {
    store.find_subscription(account_id, id).await?.map(to_model).ok_or(AppError::NotFound)
}

pub async fn list(store: &Store, account_id: &str, request: &PageRequest) -> Result<Page<Subscription>, AppError> {
    let window = request.window("sub")?;
    let rows = store.list_subscriptions(account_id, window.before.as_deref(), window.fetch()).await?;
    Ok(window.page(rows, |row| row.id.clone(), to_model))
}

/// PUT: every field replaced; absent optional fields return to their defaults, except
/// `enabled`: leaving it out keeps the current state, so that an edit never silently re-enables
/// a subscription that was disabled (for example by a 410 from its endpoint).
pub async fn replace(
    store: &Store,
    account_id: &str,
    policy: Policy,
    id: &str,
    input: SubscriptionInput,
) -> Result<Subscription, AppError> {
    let record = store.find_subscription(account_id, id).await?.ok_or(AppError::NotFound)?;
    let keep_enabled = input.enabled.is_none().then_some(record.enabled);
    let mut fields = Fields::from(input);
    if let Some(enabled) = keep_enabled {
        fields.enabled = enabled;
    }
    save(store, account_id, policy, record, fields).await
}

/// PATCH: only the fields given change.
pub async fn patch(
    store: &Store,
    account_id: &str,
    policy: Policy,
    id: &str,
    patch: SubscriptionPatch,
) -> Result<Subscription, AppError> {
    let record = store.find_subscription(account_id, id).await?.ok_or(AppError::NotFound)?;
    let fields = Fields {
        url: patch.url.unwrap_or_else(|| record.url.clone()),
        description: patch.description.unwrap_or_else(|| record.description.clone()),
        event_types: patch.event_types.unwrap_or_else(|| record.event_types.clone()),
        headers: match patch.headers {
            Some(headers) => headers,
            None => serde_json::from_str(&record.headers).unwrap_or_default(),
        },
        webhook_id: patch.webhook_id.unwrap_or_else(|| record.webhook_id.clone()),
        enabled: patch.enabled.unwrap_or(record.enabled),
    };
    save(store, account_id, policy, record, fields).await
}

async fn save(
    store: &Store,
    account_id: &str,
    policy: Policy,
    mut record: SubscriptionRecord,
    mut fields: Fields,
) -> Result<Subscription, AppError> {
    check(store, account_id, policy, &mut fields).await?;
    apply(&mut record, fields)?;
    record.updated_at = now_ms();
    if !store.update_subscription(account_id, &record).await? {
        return Err(AppError::NotFound);
    }
    Ok(to_model(record))
}

pub async fn delete(store: &Store, account_id: &str, id: &str) -> Result<(), AppError> {
    if store.delete_subscription(account_id, id, now_ms()).await? {
        Ok(())
    } else {
        Err(AppError::NotFound)
    }
}

pub async fn secret(store: &Store, account_id: &str, id: &str) -> Result<SubscriptionSecret, AppError> {
    let secrets = store.subscription_secrets(account_id, id).await?.ok_or(AppError::NotFound)?;
    Ok(SubscriptionSecret { secret: secrets.secret })
}

/// Makes a new secret; the old one keeps signing beside it for 24 hours.
pub async fn rotate_secret(store: &Store, account_id: &str, id: &str) -> Result<SubscriptionSecret, AppError> {
    let secret = new_secret();
    let now = now_ms();
    if !store.rotate_subscription_secret(account_id, id, &secret, now + PREVIOUS_SECRET_GRACE_MS, now).await? {
        return Err(AppError::NotFound);
    }
    Ok(SubscriptionSecret { secret })
}

#[cfg(test)]
mod tests {
    #[test]
    fn secrets_are_whsec_and_32_bytes_of_base64() {
        use base64::Engine;
        let secret = super::new_secret();
        let encoded = secret.strip_prefix("whsec_").unwrap();
        assert_eq!(base64::engine::general_purpose::STANDARD.decode(encoded).unwrap().len(), 32);
        assert_ne!(secret, super::new_secret());
    }
}
