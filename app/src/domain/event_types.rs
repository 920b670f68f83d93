//! Event types: the catalog of what an account publishes. An account also reads the
//! instance-wide catalog's types (an operator's, `CATALOG_ACCOUNT`); only their owner changes them.

use serde_json::Value;

use super::ids::{first_id_at, new_id};
use super::paging::{PageRequest, Window};
use super::{format_time, now_ms};
use crate::alert_types::ALERT_TYPES;
use crate::error::AppError;
use crate::model::{EventType, EventTypeActivity, EventTypeCreate, EventTypePatch, Page};
use crate::store::{is_unique_violation, EventTypeRecord, Store, CATALOG_ACCOUNT};
use crate::validation::{check_description, check_event_type_name, RESERVED_TYPE_PREFIX};

const MAX_EXAMPLE_BYTES: usize = 64 * 1024;

fn to_model(record: EventTypeRecord) -> EventType {
    EventType {
        name: record.name,
        description: record.description,
        // Stored by us from a serde_json::Value, so it parses; a damaged row shows no example.
        example: record.example.and_then(|text| serde_json::from_str(&text).ok()),
        archived: record.archived,
        catalog: record.account_id == CATALOG_ACCOUNT,
        created_at: format_time(record.created_at),
        updated_at: format_time(record.updated_at),
    }
}

fn check_example(example: Option<&Value>) -> Result<Option<String>, AppError> {
    let Some(example) = example else { return Ok(None) };
    let text = serde_json::to_string(example)
        .map_err(|_| AppError::validation("example", "The example is not valid JSON."))?;
    if text.len() > MAX_EXAMPLE_BYTES {
        return Err(AppError::validation("example", "The example is larger than 64 KiB."));
    }
    Ok(Some(text))
}

pub async fn create(store: &Store, account_id: &str, input: EventTypeCreate) -> Result<EventType, AppError> {
    check_event_type_name(&input.name).map_err(|message| AppError::validation("name", message))?;
    if input.name.starts_with(RESERVED_TYPE_PREFIX) {
        return Err(AppError::validation(
            "name",
            "Names starting with hookrelay. are reserved for Hookrelay's own events.",
        ));
    }
    let description = input.description.unwrap_or_default();
    check_description(&description).map_err(|message| AppError::validation("description", message))?;
    let example = check_example(input.example.as_ref())?;
    if account_id != CATALOG_ACCOUNT && store.find_event_type(CATALOG_ACCOUNT, &input.name).await?.is_some() {
        return Err(AppError::Conflict {
            field: Some("name".into()),
            message: format!("{} is in the instance-wide catalog already; every account can publish it.", input.name),
        });
    }
    let now = now_ms();
    let record = EventTypeRecord {
        id: new_id("etp"),
        account_id: account_id.to_string(),
        name: input.name,
        description,
        example,
        archived: false,
        created_at: now,
        updated_at: now,
    };
    match store.insert_event_type(&record).await {
        Ok(()) => Ok(to_model(record)),
        Err(error) if is_unique_violation(&error) => Err(AppError::Conflict {
            field: Some("name".into()),
            message: format!("An event type named {} already exists.", record.name),
        }),
        Err(error) => Err(error.into()),
    }
}

/// Makes sure the account can publish `name` (a checked type name), declaring it with this
/// description if neither the account nor the catalog has it. An archived type stays archived:
/// that is an error for the caller to report.
pub async fn ensure(store: &Store, account_id: &str, name: &str, description: &str) -> Result<(), AppError> {
    match store.find_event_type(account_id, name).await? {
        Some(existing) if existing.archived => Err(AppError::validation(
            "type",
            format!("The event type {name} is archived; restore it to receive these."),
        )),
        Some(_) => Ok(()),
        None => {
            let now = now_ms();
            let record = EventTypeRecord {
                id: new_id("etp"),
                account_id: account_id.to_string(),
                name: name.to_string(),
                description: description.to_string(),
                example: None,
                archived: false,
                created_at: now,
                updated_at: now,
            };
            match store.insert_event_type(&record).await {
                // Declared meanwhile by a request arriving at the same moment: just as good.
                Err(error) if !is_unique_violation(&error) => Err(error.into()),
                _ => Ok(()),
            }
        }
    }
}

pub async fn get(store: &Store, account_id: &str, name: &str) -> Result<EventType, AppError> {
    store.find_event_type(account_id, name).await?.map(to_model).ok_or(AppError::NotFound)
}

pub async fn list(store: &Store, account_id: &str, request: &PageRequest) -> Result<Page<EventType>, AppError> {
    let window: Window = request.window("etp")?;
    let rows = store.list_event_types(account_id, window.before.as_deref(), window.fetch()).await?;
    Ok(window.page(rows, |row| row.id.clone(), to_model))
}

/// How much each of the account's event types (its own, the catalog's and Hookrelay's alerts) is used:
/// events in the last 24 hours, the latest one, and how many subscriptions receive it.
pub async fn activity(store: &Store, account_id: &str) -> Result<Vec<EventTypeActivity>, AppError> {
    const DAY_MS: i64 = 24 * 60 * 60 * 1000;
    let names: Vec<String> =
        store.list_event_types(account_id, None, ACTIVITY_TYPES).await?.into_iter().map(|row| row.name).collect();
    let alerts: Vec<String> = ALERT_TYPES.iter().map(|(name, _)| name.to_string()).collect();
    let since_id = first_id_at("evt", now_ms() - DAY_MS);
    let mut rows = store.event_type_activity(account_id, &names, &since_id, false).await?;
    // An alert goes only to the subscriptions that tick it, not to those for every type.
    rows.extend(store.event_type_activity(account_id, &alerts, &since_id, true).await?);
    Ok(rows
        .into_iter()
        .map(|row| EventTypeActivity {
            name: row.name,
            events_24h: row.recent,
            last_seen: row.last_seen.map(format_time),
            subscribers: row.subscribers,
        })
        .collect())
}

/// As many types as the page lists.
const ACTIVITY_TYPES: u32 = 250;

pub async fn update(store: &Store, account_id: &str, name: &str, patch: EventTypePatch) -> Result<EventType, AppError> {
    let mut record = store.find_event_type(account_id, name).await?.ok_or(AppError::NotFound)?;
    if record.account_id != account_id {
        return Err(AppError::Conflict {
            field: None,
            message: format!("{name} belongs to the instance-wide catalog: only the operator changes it."),
        });
    }
    if let Some(description) = patch.description {
        check_description(&description).map_err(|message| AppError::validation("description", message))?;
        record.description = description;
    }
    if let Some(example) = patch.example {
        record.example = check_example(example.as_ref())?;
    }
    if let Some(archived) = patch.archived {
        record.archived = archived;
    }
    record.updated_at = now_ms();
    if !store.update_event_type(&record).await? {
        return Err(AppError::NotFound);
    }
    Ok(to_model(record))
}

/// Archives a type: events of it are refused from then on; it can be restored by a patch.
pub async fn archive(store: &Store, account_id: &str, name: &str) -> Result<(), AppError> {
    update(store, account_id, name, EventTypePatch { archived: Some(true), ..Default::default() }).await.map(|_| ())
}
