//! The events list: newest first, filtered by what is in the URL, updated live.

use std::collections::HashSet;

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::components::delivery::DeliverySummary;
use crate::components::first_run::{setup_hints, FirstRun};
use crate::components::live::{use_live, LiveIndicator};
use crate::components::states::LoadError;
use crate::components::table::{DataTable, LoadingTable};
use crate::components::time::RelativeTime;
use crate::model::{Event, EventsQuery, FilterChoices};
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

    view! {
        <Title text="Events" />
        <div class="page-header page-header-row">
            <div class="page-header">
                <h1>"Events"</h1>
                <p class="page-lede">"Everything your application published, and where each event was delivered."</p>
            </div>
            <LiveIndicator />
        </div>
        <Transition fallback=|| ()>
            {move || {
                // Re-drawn for every new query, so that the controls show what the URL says.
                let current = query.get();
                Suspend::new(async move {
                    let choices = choices.await.unwrap_or_default();
                    view! { <Filters query current choices /> }
                })
            }}
        </Transition>
        <Transition fallback=|| view! { <LoadingTable label="events" rows=6 /> }>
            {move || Suspend::new(async move {
                let current = query.get_untracked();
                match events.await {
                    Ok(page) if page.data.is_empty() && !current.is_filtered() && current.cursor.is_none() => {
                        view! { <FirstRun hints /> }.into_any()
                    }
                    Ok(page) if page.data.is_empty() => view! {
                        <section class="panel empty-state" aria-label="No matching events">
                            <h2>"No events match these filters"</h2>
                            <p><a class="btn" href="/events">"Clear the filters"</a></p>
                        </section>
                    }
                        .into_any(),
                    Ok(page) => {
                        let before = seen.get_value().filter(|(query, _)| *query == current).map(|(_, ids)| ids);
                        seen.set_value(Some((current.clone(), page.data.iter().map(|event| event.id.clone()).collect())));
                        let older = page.next_cursor.map(|cursor| EventsQuery { cursor: Some(cursor), ..current.clone() }.href());
                        let newest = current.cursor.is_some().then(|| EventsQuery { cursor: None, ..current.clone() }.href());
                        view! {
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
fn EventTable(events: Vec<Event>, before: Option<HashSet<String>>) -> impl IntoView {
    let rows = events
        .into_iter()
        .map(|event| {
            let arrived = before.as_ref().is_some_and(|seen| !seen.contains(&event.id));
            let href = format!("/events/{}", event.id);
            view! {
                <tr class:row-arrived=arrived>
                    <td data-label="Event" class="cell-primary">
                        <a class="cell-title mono" href=href>{event.id}</a>
                    </td>
                    <td data-label="Type"><span class="tag mono">{event.event_type}</span></td>
                    <td data-label="Deliveries"><DeliverySummary counts=event.delivery_counts.unwrap_or_default() /></td>
                    <td data-label="Time" class="cell-nowrap"><RelativeTime at=event.timestamp /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable label="Events" columns=&["Event", "Type", "Deliveries", "Time"]>
            {rows}
        </DataTable>
    }
    .into_any()
}

/// The filters. Each change navigates to the events page's address for the new query, so the
/// URL always says what is shown (and can be shared or reloaded).
#[component]
fn Filters(query: Memo<EventsQuery>, current: EventsQuery, choices: FilterChoices) -> impl IntoView {
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
    let range = move |hours: i64| {
        let mut next = query.get_untracked();
        next.since = (OffsetDateTime::now_utc() - time::Duration::hours(hours)).format(&Rfc3339).ok();
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
        .map(|(id, url)| view! { <option value=id.clone() selected=selected(&current.subscription, id)>{url.clone()}</option> })
        .collect_view();
    let status_options = ["pending", "retrying", "succeeded", "failed"]
        .into_iter()
        .map(|status| view! { <option value=status selected=selected(&current.status, status)>{status}</option> })
        .collect_view();

    view! {
        <div class="filters panel">
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
                        placeholder="2026-01-31T00:00:00Z"
                        value=current.since.clone().unwrap_or_default()
                        on:change=set(|q, v| q.since = v)
                    />
                </label>
                <label class="filter">
                    <span>"Until (RFC 3339)"</span>
                    <input
                        class="mono"
                        type="text"
                        placeholder="now"
                        value=current.until.clone().unwrap_or_default()
                        on:change=set(|q, v| q.until = v)
                    />
                </label>
            </div>
            <div class="filter-row filter-quick">
                <span class="muted">"Time:"</span>
                <button type="button" class="btn btn-small btn-ghost" on:click=move |_| range(1)>"Last hour"</button>
                <button type="button" class="btn btn-small btn-ghost" on:click=move |_| range(24)>"24 hours"</button>
                <button type="button" class="btn btn-small btn-ghost" on:click=move |_| range(24 * 7)>"7 days"</button>
                {current.is_filtered().then(|| view! { <a class="btn btn-small btn-ghost" href="/events">"Clear filters"</a> })}
            </div>
        </div>
    }
    .into_any()
}
