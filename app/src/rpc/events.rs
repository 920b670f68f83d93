use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{Attempt, Delivery, Event, EventList, EventsQuery, FilterChoices, Page};

/// A page of events for the events page; payloads are left out (the detail page shows them).
#[server(prefix = "/rpc", endpoint = "events/list", input = Json)]
pub async fn list_events(query: EventsQuery) -> Result<EventList, AppError> {
    use crate::domain::events::{self, EventFilter};
    use crate::domain::paging::PageRequest;
    use crate::server::authorize;
    let (state, user) = authorize::<ListEvents>().await?;
    let filter = EventFilter::of_dashboard(&query)?;
    let request = PageRequest { limit: Some(50), cursor: query.cursor };
    let page = events::list(&state.store, &user.account_id, &filter, &request).await?;
    let counted = events::count(&state.store, &user.account_id, &filter).await?;
    Ok(EventList {
        page: events::dashboard_rows(&state.store, &user.account_id, page).await?,
        matching: counted.min(events::MAX_COUNTED),
        more: counted > events::MAX_COUNTED,
    })
}

/// One event with its payload and deliveries.
#[server(prefix = "/rpc", endpoint = "events/get")]
pub async fn get_event(id: String) -> Result<Event, AppError> {
    use crate::domain::events;
    use crate::server::authorize;
    let (state, user) = authorize::<GetEvent>().await?;
    events::get(&state.store, &user.account_id, &id).await
}

/// The event types and subscriptions the events page can filter on.
#[server(prefix = "/rpc", endpoint = "events/filter_choices")]
pub async fn get_filter_choices() -> Result<FilterChoices, AppError> {
    use crate::domain::{event_types, paging::PageRequest, subscriptions};
    use crate::server::authorize;
    let (state, user) = authorize::<GetFilterChoices>().await?;
    let all = PageRequest { limit: Some(250), cursor: None };
    let types = event_types::list(&state.store, &user.account_id, &all).await?;
    let subscriptions = subscriptions::list(&state.store, &user.account_id, &all).await?;
    let mut event_types: Vec<String> = types.data.into_iter().map(|t| t.name).collect();
    event_types.sort();
    let subscriptions = subscriptions.data.into_iter().map(|s| (s.id, s.description, s.url)).collect();
    Ok(FilterChoices { event_types, subscriptions })
}

/// One delivery with its latest attempts.
#[server(prefix = "/rpc", endpoint = "deliveries/get")]
pub async fn get_delivery(id: String) -> Result<Delivery, AppError> {
    use crate::domain::deliveries;
    use crate::server::authorize;
    let (state, user) = authorize::<GetDelivery>().await?;
    deliveries::get(&state.store, &user.account_id, &id).await
}

/// A delivery's older attempts, newest first, from `cursor` (its `attempts_next_cursor`).
#[server(prefix = "/rpc", endpoint = "deliveries/attempts")]
pub async fn list_attempts(delivery_id: String, cursor: String) -> Result<Page<Attempt>, AppError> {
    use crate::domain::deliveries;
    use crate::domain::paging::PageRequest;
    use crate::server::authorize;
    let (state, user) = authorize::<ListAttempts>().await?;
    let request = PageRequest { limit: Some(50), cursor: Some(cursor) };
    deliveries::attempts(&state.store, &user.account_id, &delivery_id, &request).await
}

/// A new attempt of a delivery now, recorded as requested by the signed-in user.
#[server(prefix = "/rpc", endpoint = "deliveries/redeliver")]
pub async fn redeliver(id: String) -> Result<Delivery, AppError> {
    use crate::domain::deliveries;
    use crate::server::authorize;
    let (state, user) = authorize::<Redeliver>().await?;
    deliveries::redeliver(&state.store, &state.pipeline, &user.account_id, &id, &user.email).await
}

/// A subscription's deliveries, newest first.
#[server(prefix = "/rpc", endpoint = "deliveries/of_subscription")]
pub async fn subscription_deliveries(
    subscription_id: String,
    /// Only deliveries in this status (`failed`, `succeeded`, …); absent or empty: all.
    status: Option<String>,
    cursor: Option<String>,
) -> Result<Page<Delivery>, AppError> {
    use crate::domain::deliveries::{self, ListFilter};
    use crate::domain::paging::PageRequest;
    use crate::domain::subscriptions;
    use crate::server::authorize;
    let (state, user) = authorize::<SubscriptionDeliveries>().await?;
    // An unknown (or another account's) subscription is "not found", not an empty list.
    subscriptions::get(&state.store, &user.account_id, &subscription_id).await?;
    let filter = ListFilter { subscription_id: Some(subscription_id), status, ..Default::default() };
    let request = PageRequest { limit: Some(20), cursor };
    deliveries::list(&state.store, &user.account_id, &filter, &request).await
}
