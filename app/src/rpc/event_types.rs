use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{EventType, EventTypeActivity, Page};

#[server(prefix = "/rpc", endpoint = "event_types/list")]
pub async fn list_event_types(cursor: Option<String>) -> Result<Page<EventType>, AppError> {
    use crate::domain::{event_types, paging::PageRequest};
    use crate::server::authorize;
    let (state, user) = authorize::<ListEventTypes>().await?;
    let request = PageRequest { limit: Some(250), cursor };
    event_types::list(&state.store, &user.account_id, &request).await
}

/// How much each event type is used, for the event-types page.
#[server(prefix = "/rpc", endpoint = "event_types/activity")]
pub async fn get_event_type_activity() -> Result<Vec<EventTypeActivity>, AppError> {
    use crate::domain::event_types;
    use crate::server::authorize;
    let (state, user) = authorize::<GetEventTypeActivity>().await?;
    event_types::activity(&state.store, &user.account_id).await
}

/// Creates or edits an event type from the dashboard form. `example` is the JSON text typed in
/// the form; empty means none.
#[server(prefix = "/rpc", endpoint = "event_types/save")]
pub async fn save_event_type(
    name: String,
    description: String,
    example: String,
    editing: bool,
) -> Result<EventType, AppError> {
    use crate::domain::event_types;
    use crate::model::{EventTypeCreate, EventTypePatch};
    use crate::server::authorize;
    let (state, user) = authorize::<SaveEventType>().await?;
    let example = parse_example(&example)?;
    if editing {
        let patch = EventTypePatch { description: Some(description), example: Some(example), archived: None };
        event_types::update(&state.store, &user.account_id, &name, patch).await
    } else {
        let input = EventTypeCreate { name: name.trim().to_string(), description: Some(description), example };
        event_types::create(&state.store, &user.account_id, input).await
    }
}

#[server(prefix = "/rpc", endpoint = "event_types/set_archived")]
pub async fn set_event_type_archived(name: String, archived: bool) -> Result<EventType, AppError> {
    use crate::domain::event_types;
    use crate::model::EventTypePatch;
    use crate::server::authorize;
    let (state, user) = authorize::<SetEventTypeArchived>().await?;
    let patch = EventTypePatch { archived: Some(archived), ..Default::default() };
    event_types::update(&state.store, &user.account_id, &name, patch).await
}

/// The example payload typed in the form: empty for none, otherwise JSON.
pub fn parse_example(text: &str) -> Result<Option<serde_json::Value>, AppError> {
    if text.trim().is_empty() {
        return Ok(None);
    }
    serde_json::from_str(text)
        .map(Some)
        .map_err(|error| AppError::validation("example", format!("The example is not valid JSON: {error}.")))
}
