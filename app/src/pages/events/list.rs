//! The events list: newest first, filtered by what is in the URL, updated live.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::components::delivery::DeliverySummary;
use crate::components::first_run::{setup_hints, FirstRun};
use crate::components::live::use_live;
use crate::components::states::LoadError;
use crate::components::table::{DataTable, LoadingTable};
use crate::components::time::ListTime;
use crate::model::{DeliveryStatus, EventRow, EventsQuery, FilterChoices, TroubledDelivery, QUICK_RANGES};
use crate::rpc::events::{get_filter_choices, list_events};

#[component]
pub fn EventsPage() -> impl IntoView {
    let params = use_query_map();
    let query = Memo::new(move |_| params.with(|params| EventsQuery::from_params(|name| params.get(name))));
    let live = use_live();
    let events = Resource::new(move || (query.get(), live.changes.get()), |(query, _)| list_events(query));
    let choices = Resource::new(|| (), |_| get_filter_choices());
    let hints = setup_hints();
    // The ids on screen and the query that listed them: rows that arrive later for the same
    // query slide in (a new query is a new list, not an arrival).
    let seen = StoredValue::new(None::<(EventsQuery, HashSet<String>)>);
    // On a phone the filters fold behind a button (kept open across the filters' redraws); on
    // a wider screen they are always shown.
    let unfolded = RwSignal::new(false);

    view! {
        <Title text="Events" />
        <div class="page-header page-header-row">
            <div class="page-header">
                <h1>"Events"</h1>
                <p class="page-lede">"Everything your application published, and where each event was delivered."</p>
            </div>
        </div>
        <Transition fallback=|| ()>
            {move || {
                // Re-drawn for every new query, so that the controls show what the URL says.
                let current = query.get();
                Suspend::new(async move {
                    let choices = choices.await.unwrap_or_default();
                    view! { <Filters query current choices unfolded /> }
                })
            }}
        </Transition>
        <Transition fallback=|| view! { <LoadingTable label="events" rows=6 /> }>
            {move || Suspend::new(async move {
                let current = query.get_untracked();
                match events.await.map(|list| (list.page, list.matching, list.more)) {
                    Ok((page, ..)) if page.data.is_empty() && !current.is_filtered() && current.cursor.is_none() => {
                        view! { <FirstRun hints /> }.into_any()
                    }
                    Ok((page, ..)) if page.data.is_empty() => view! {
                        <section class="panel empty-state" aria-label="No matching events">
                            <h2>"No events match these filters"</h2>
                            <p><a class="btn" href="/events">"Clear the filters"</a></p>
                        </section>
                    }
                        .into_any(),
                    Ok((page, matching, more)) => {
                        let total = match (matching, more) {
                            (_, true) => format!("More than {matching} events"),
                            (1, false) => "1 event".to_string(),
                            (n, false) => format!("{n} events"),
                        };
                        let before = seen.get_value().filter(|(query, _)| *query == current).map(|(_, ids)| ids);
                        seen.set_value(Some((current.clone(), page.data.iter().map(|row| row.event.id.clone()).collect())));
                        let older = page.next_cursor.map(|cursor| EventsQuery { cursor: Some(cursor), ..current.clone() }.href());
                        let newest = current.cursor.is_some().then(|| EventsQuery { cursor: None, ..current.clone() }.href());
                        view! {
                            <p class="list-total" data-stat="matching">{total}</p>
                            <EventTable events=page.data before />
                            <nav class="pager" aria-label="Pages">
                                {newest.map(|href| view! { <a class="btn btn-small" href=href>"Newest"</a> })}
                                {older.map(|href| view! { <a class="btn btn-small" href=href>"Older"</a> })}
                            </nav>
                        }
                            .into_any()
                    }
                    Err(error) => view! { <LoadError what="events" error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn EventTable(events: Vec<EventRow>, before: Option<HashSet<String>>) -> impl IntoView {
    let rows = events
        .into_iter()
        .map(|EventRow { event, hint, troubled }| {
            let arrived = before.as_ref().is_some_and(|seen| !seen.contains(&event.id));
            let href = format!("/events/{}", event.id);
            let id = event.id.clone();
            let hint = (!hint.is_empty()).then(|| view! { <span class="cell-sub event-hint">{hint}</span> });
            let troubled = (!troubled.is_empty()).then(|| view! { <TroubledList troubled /> });
            view! {
                <tr class:row-arrived=arrived data-event=id>
                    <td data-label="Event" class="cell-primary">
                        <a class="cell-title mono" href=href>{event.event_type}</a>
                        {hint}
                        <span class="cell-sub mono cell-id">{event.id}</span>
                    </td>
                    <td data-label="Deliveries">
                        // One box: on a phone the cell is a label and a value side by side.
                        <div>
                            <DeliverySummary counts=event.delivery_counts.unwrap_or_default() />
                            {troubled}
                        </div>
                    </td>
                    <td data-label="Time (UTC)" class="cell-nowrap"><ListTime at=event.timestamp /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable label="Events" columns=&["Event", "Deliveries", "Time (UTC)"]>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// Which subscriptions did not get the event (yet): "Failed: Flaky partner".
#[component]
fn TroubledList(troubled: Vec<TroubledDelivery>) -> impl IntoView {
    view! {
        <ul class="troubled-list">
            {troubled
                .into_iter()
                .map(|t| {
                    let name = match (t.description.is_empty(), t.url.is_empty()) {
                        (_, true) => "a deleted subscription".to_string(),
                        (true, false) => t.url,
                        (false, false) => t.description,
                    };
                    let status = if t.status == DeliveryStatus::Failed { "Failed" } else { "Retrying" };
                    view! { <li><span class="troubled-status">{status}": "</span>{name}</li> }
                })
                .collect_view()}
        </ul>
    }
}

/// The filters. Each change navigates to the events page's address for the new query, so the
/// URL always says what is shown (and can be shared or reloaded).
#[component]
fn Filters(
    query: Memo<EventsQuery>,
    current: EventsQuery,
    choices: FilterChoices,
    unfolded: RwSignal<bool>,
) -> impl IntoView {
    let navigate = use_navigate();
    let go = StoredValue::new(move |next: EventsQuery| navigate(&next.href(), Default::default()));
    let set = move |change: fn(&mut EventsQuery, Option<String>)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            let mut next = query.get_untracked();
            change(&mut next, Some(value).filter(|v| !v.is_empty()));
            next.cursor = None;
            go.with_value(|go| go(next));
        }
    };
    let search = RwSignal::new(String::new());
    let search_error = RwSignal::new(None::<&'static str>);
    let navigate_to_event = use_navigate();
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let id = search.get_untracked().trim().to_string();
        if id.starts_with("evt_") && id.len() == 30 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            search_error.set(None);
            navigate_to_event(&format!("/events/{}", id.to_lowercase()), Default::default());
        } else {
            search_error.set(Some("Event IDs look like evt_ followed by 26 letters and digits."));
        }
    };
    let range = move |name: &'static str| {
        let mut next = query.get_untracked();
        next.range = Some(name.to_string());
        next.since = None;
        next.until = None;
        next.cursor = None;
        go.with_value(|go| go(next));
    };
    let selected = |current: &Option<String>, value: &str| current.as_deref() == Some(value);
    let type_options = choices
        .event_types
        .iter()
        .map(|name| view! { <option value=name.clone() selected=selected(&current.event_type, name)>{name.clone()}</option> })
        .collect_view();
    let subscription_options = choices
        .subscriptions
        .iter()
        .map(|(id, description, url)| {
            let label = if description.is_empty() { url.clone() } else { format!("{description} ({url})") };
            view! { <option value=id.clone() selected=selected(&current.subscription, id)>{label}</option> }
        })
        .collect_view();
    let status_options = ["pending", "retrying", "succeeded", "failed"]
        .into_iter()
        .map(|status| view! { <option value=status selected=selected(&current.status, status)>{status}</option> })
        .collect_view();

    let active = [
        current.event_type.is_some(),
        current.status.is_some(),
        current.subscription.is_some(),
        current.since.is_some() || current.range.is_some(),
        current.until.is_some(),
    ]
    .into_iter()
    .filter(|set| *set)
    .count();
    let summary = summary(&current, &choices);
    view! {
        <div class="filters panel">
            <button
                type="button"
                class="btn btn-small filters-toggle"
                aria-expanded=move || unfolded.get().to_string()
                aria-controls="event-filters"
                on:click=move |_| unfolded.update(|open| *open = !*open)
            >
                {if active == 0 { "Filters".to_string() } else { format!("Filters ({active})") }}
            </button>
            {summary.map(|text| view! { <p class="filter-summary">{text}</p> })}
            <div id="event-filters" class="filter-body" class:filters-open=move || unfolded.get()>
            <form class="filter-search" role="search" on:submit=on_search>
                <label for="event-search" class="visually-hidden">"Find an event by ID"</label>
                <input
                    id="event-search"
                    class="mono"
                    type="search"
                    placeholder="Find by ID: evt_…"
                    autocomplete="off"
                    spellcheck="false"
                    prop:value=search
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
                <button type="submit" class="btn btn-small">"Find"</button>
                <span class="inline-error" role="alert">{move || search_error.get()}</span>
            </form>
            <div class="filter-row">
                <label class="filter">
                    <span>"Type"</span>
                    <select on:change=set(|q, v| q.event_type = v)>
                        <option value="">"All types"</option>
                        {type_options}
                    </select>
                </label>
                <label class="filter">
                    <span>"Delivery status"</span>
                    <select on:change=set(|q, v| q.status = v)>
                        <option value="">"Any status"</option>
                        {status_options}
                    </select>
                </label>
                <label class="filter">
                    <span>"Subscription"</span>
                    <select on:change=set(|q, v| q.subscription = v)>
                        <option value="">"All subscriptions"</option>
                        {subscription_options}
                    </select>
                </label>
                <label class="filter">
                    <span>"From (RFC 3339)"</span>
                    <input
                        class="mono"
                        type="text"
                        placeholder="e.g. 2026-01-31T00:00:00Z"
                        value=current.since.clone().unwrap_or_default()
                        on:change=set(|q, v| q.since = v)
                    />
                </label>
                <label class="filter">
                    <span>"Until (RFC 3339)"</span>
                    <input
                        class="mono"
                        type="text"
                        placeholder="up to now"
                        value=current.until.clone().unwrap_or_default()
                        on:change=set(|q, v| q.until = v)
                    />
                </label>
            </div>
            <div class="filter-row filter-quick">
                <span class="muted" id="quick-range-label">"Time:"</span>
                <div class="segmented" role="group" aria-labelledby="quick-range-label">
                    {QUICK_RANGES
                        .into_iter()
                        .map(|(name, label, _)| {
                            let pressed = current.range.as_deref() == Some(name) && current.since.is_none();
                            view! {
                                <button type="button" class="segment" aria-pressed=pressed.to_string() on:click=move |_| range(name)>
                                    {label}
                                </button>
                            }
                        })
                        .collect_view()}
                </div>
                {current.is_filtered().then(|| view! { <a class="btn btn-small btn-ghost" href="/events">"Clear filters"</a> })}
            </div>
            </div>
        </div>
    }
    .into_any()
}

/// The active filters in one line: "Events with a failed delivery · of type invoice.paid · to
/// Flaky partner · in the last 24 hours"; `None` when nothing is filtered.
fn summary(query: &EventsQuery, choices: &FilterChoices) -> Option<String> {
    if !query.is_filtered() {
        return None;
    }
    let mut parts = vec![match &query.status {
        Some(status) => format!("Events with a {status} delivery"),
        None => "Events".to_string(),
    }];
    if let Some(name) = &query.event_type {
        parts.push(format!("of type {name}"));
    }
    if let Some(id) = &query.subscription {
        let name = choices
            .subscriptions
            .iter()
            .find(|(known, ..)| known == id)
            .map(|(_, description, url)| if description.is_empty() { url.clone() } else { description.clone() })
            .unwrap_or_else(|| id.clone());
        parts.push(format!("to {name}"));
    }
    match (&query.since, &query.until, &query.range) {
        (Some(since), Some(until), _) => parts.push(format!("from {since} until {until}")),
        (Some(since), None, _) => parts.push(format!("since {since}")),
        (None, Some(until), _) => parts.push(format!("until {until}")),
        (None, None, Some(range)) => {
            if let Some((_, label, _)) = QUICK_RANGES.iter().find(|(name, ..)| name == range) {
                parts.push(format!("in the last {}", label.trim_start_matches("Last ").to_lowercase()));
            }
        }
        (None, None, None) => {}
    }
    Some(parts.join(" · "))
}
