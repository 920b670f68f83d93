//! Create and edit a subscription. The form sends every field (a full replace), so editing keeps
//! whatever the form does not show, such as whether the subscription is enabled.

use std::collections::{BTreeMap, BTreeSet};

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::detail::NotFound;
use crate::alert_types::ALERT_TYPES;
use crate::components::field::{error_for, focus_element, form_error, TextField};
use crate::components::states::{ActionError, LoadError};
use crate::error::AppError;
use crate::model::{EventType, Subscription, SubscriptionInput};
use crate::rpc::event_types::list_event_types;
use crate::rpc::subscriptions::{get_subscription, SaveSubscription};

const FIELDS: &[&str] = &["url", "description", "event_types", "headers", "webhook_id"];

#[component]
pub fn NewSubscriptionPage() -> impl IntoView {
    let types = Resource::new(|| (), |_| list_event_types(None));
    view! {
        <Title text="New subscription" />
        <div class="page-header">
            <a class="breadcrumb" href="/subscriptions">"Subscriptions"</a>
            <h1>"New subscription"</h1>
            <p class="page-lede">"Where to deliver, and which events."</p>
        </div>
        <Suspense fallback=|| view! { <FormLoading /> }>
            {move || Suspend::new(async move {
                match types.await {
                    Ok(page) => view! { <SubscriptionForm initial=None types=page.data /> }.into_any(),
                    Err(error) => view! { <LoadError what="event types" error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

#[component]
pub fn EditSubscriptionPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let subscription = Resource::new(id, get_subscription);
    let types = Resource::new(|| (), |_| list_event_types(None));
    view! {
        <Title text="Edit subscription" />
        <Suspense fallback=|| view! { <FormLoading /> }>
            {move || Suspend::new(async move {
                match (subscription.await, types.await) {
                    (Ok(subscription), Ok(page)) => {
                        let back = format!("/subscriptions/{}", subscription.id);
                        view! {
                            <div class="page-header">
                                <a class="breadcrumb" href=back>"Subscription"</a>
                                <h1>"Edit subscription"</h1>
                                <p class="page-lede mono url">{subscription.url.clone()}</p>
                            </div>
                            <SubscriptionForm initial=Some(subscription) types=page.data />
                        }
                            .into_any()
                    }
                    (Err(AppError::NotFound), _) => view! { <NotFound /> }.into_any(),
                    (Err(error), _) => view! { <LoadError what="the subscription" error /> }.into_any(),
                    (_, Err(error)) => view! { <LoadError what="event types" error /> }.into_any(),
                }
            })}
        </Suspense>
    }
    .into_any()
}

/// The element to focus when a submission is refused because of `field`.
fn element_for(field: &str) -> Option<&'static str> {
    match field {
        "url" => Some("subscription-url"),
        "description" => Some("subscription-description"),
        "event_types" => Some("subscription-all-types"),
        "headers" => Some("subscription-add-header"),
        "webhook_id" => Some("subscription-webhook-id"),
        _ => None,
    }
}

#[component]
fn FormLoading() -> impl IntoView {
    view! {
        <div class="panel form-loading" aria-busy="true">
            <p class="muted" role="status">"Loading…"</p>
        </div>
    }
}

/// One custom header being edited; `key` tells rows apart while they are added and removed.
#[derive(Clone, Copy)]
struct HeaderRow {
    key: usize,
    name: RwSignal<String>,
    value: RwSignal<String>,
}

#[component]
fn SubscriptionForm(initial: Option<Subscription>, types: Vec<EventType>) -> impl IntoView {
    let save = ServerAction::<SaveSubscription>::new();
    let navigate = use_navigate();
    let id = initial.as_ref().map(|s| s.id.clone());
    let keep_enabled = initial.as_ref().map(|s| s.enabled);
    let cancel_href = id.as_ref().map_or_else(|| "/subscriptions".to_string(), |id| format!("/subscriptions/{id}"));

    let url = RwSignal::new(initial.as_ref().map(|s| s.url.clone()).unwrap_or_default());
    let description = RwSignal::new(initial.as_ref().map(|s| s.description.clone()).unwrap_or_default());
    let webhook_id = RwSignal::new(initial.as_ref().and_then(|s| s.webhook_id.clone()).unwrap_or_default());
    let selected: RwSignal<BTreeSet<String>> =
        RwSignal::new(initial.as_ref().map(|s| s.event_types.iter().cloned().collect()).unwrap_or_default());
    let all_types = RwSignal::new(selected.with_untracked(BTreeSet::is_empty));
    let next_key = StoredValue::new(0usize);
    let new_row = move |name: String, value: String| {
        let key = next_key.get_value();
        next_key.set_value(key + 1);
        HeaderRow { key, name: RwSignal::new(name), value: RwSignal::new(value) }
    };
    let rows = RwSignal::new(
        initial
            .as_ref()
            .map(|s| s.headers.iter().map(|(name, value)| new_row(name.clone(), value.clone())).collect::<Vec<_>>())
            .unwrap_or_default(),
    );
    // Mistakes caught before sending: they concern these fields and replace the server's answer.
    let local_error = RwSignal::new(None::<(&'static str, String)>);

    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => navigate(&format!("/subscriptions/{}", saved.id), Default::default()),
        Some(Err(error)) => {
            if let Some(id) = error.field().and_then(element_for) {
                focus_element(id);
            }
        }
        None => {}
    });

    let last = move || save.value().get();
    let error = move |field: &'static str| {
        Signal::derive(move || match local_error.get() {
            Some((at, message)) if at == field => Some(message),
            Some(_) => None,
            None => error_for(last(), field),
        })
    };
    let general_error = Signal::derive(move || match local_error.get() {
        Some(_) => None,
        None => form_error(last(), FIELDS),
    });

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let mut headers = BTreeMap::new();
        for row in rows.get_untracked() {
            let name = row.name.get_untracked().trim().to_string();
            let value = row.value.get_untracked().trim().to_string();
            if name.is_empty() && value.is_empty() {
                continue;
            }
            if headers.keys().any(|seen: &String| seen.eq_ignore_ascii_case(&name)) {
                local_error.set(Some(("headers", format!("The header {name} appears twice."))));
                focus_element("subscription-add-header");
                return;
            }
            headers.insert(name, value);
        }
        let all = all_types.get_untracked();
        let event_types: Vec<String> = if all { Vec::new() } else { selected.get_untracked().into_iter().collect() };
        if !all && event_types.is_empty() {
            local_error.set(Some(("event_types", "Choose at least one event type, or All event types.".to_string())));
            focus_element("subscription-all-types");
            return;
        }
        local_error.set(None);
        let webhook_id = webhook_id.get_untracked().trim().to_string();
        let input = SubscriptionInput {
            url: url.get_untracked(),
            description: Some(description.get_untracked()),
            event_types: Some(event_types),
            headers: Some(headers),
            webhook_id: (!webhook_id.is_empty()).then_some(webhook_id),
            enabled: keep_enabled,
        };
        save.dispatch(SaveSubscription { id: id.clone(), input });
    };

    let editing = keep_enabled.is_some();
    view! {
        <form class="panel form form-wide" novalidate=true on:submit=on_submit>
            <ActionError error=general_error />
            <TextField
                label="Endpoint URL"
                id="subscription-url"
                kind="url"
                value=url
                mono=true
                placeholder="https://example.com/webhooks"
                autocomplete="off"
                hint="Where Hookrelay POSTs each event: an HTTPS address (plain HTTP only where this instance allows it)."
                error=error("url")
            />
            <TextField
                label="Description"
                id="subscription-description"
                value=description
                optional=true
                placeholder="Billing service, production"
                autocomplete="off"
                error=error("description")
            />
            <EventTypePicker types selected all_types error=error("event_types") />
            <HeadersEditor rows new_row error=error("headers") />
            <TextField
                label="Webhook ID"
                id="subscription-webhook-id"
                value=webhook_id
                mono=true
                optional=true
                autocomplete="off"
                hint="Your own identifier for this endpoint, sent as webhook_id in every payload."
                error=error("webhook_id")
            />
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    {move || match (save.pending().get(), editing) {
                        (true, _) => "Saving…",
                        (false, true) => "Save changes",
                        (false, false) => "Create subscription",
                    }}
                </button>
                <a class="btn btn-ghost" href=cancel_href>"Cancel"</a>
            </div>
        </form>
    }
    .into_any()
}

/// The event-type filter: "All event types", or some of them picked from a searchable list.
#[component]
fn EventTypePicker(
    types: Vec<EventType>,
    selected: RwSignal<BTreeSet<String>>,
    all_types: RwSignal<bool>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    // Archived types are not offered, unless this subscription still has them (to let it drop them).
    let mut options: Vec<EventType> =
        types.into_iter().filter(|t| !t.archived || selected.with_untracked(|s| s.contains(&t.name))).collect();
    let no_types = options.is_empty();
    // Hookrelay's own alerts come last; only a subscription that ticks them receives them.
    options.extend(ALERT_TYPES.iter().map(|(name, description)| EventType {
        name: name.to_string(),
        description: description.to_string(),
        example: None,
        archived: false,
        catalog: true,
        created_at: String::new(),
        updated_at: String::new(),
    }));
    let options = StoredValue::new(options);
    let search = RwSignal::new(String::new());

    let list = move || {
        let needle = search.get().trim().to_lowercase();
        let matching: Vec<EventType> = options.with_value(|options| {
            options
                .iter()
                .filter(|t| {
                    needle.is_empty()
                        || t.name.to_lowercase().contains(&needle)
                        || t.description.to_lowercase().contains(&needle)
                })
                .cloned()
                .collect()
        });
        if matching.is_empty() {
            return view! { <p class="picker-empty muted">"No event type matches."</p> }.into_any();
        }
        view! {
            <ul class="checklist">
                {matching
                    .into_iter()
                    .map(|event_type| {
                        let name = StoredValue::new(event_type.name.clone());
                        let checked = move || !all_types.get() && selected.with(|s| name.with_value(|n| s.contains(n)));
                        let on_change = move |ev| {
                            let on = event_target_checked(&ev);
                            selected.update(|s| {
                                if on {
                                    s.insert(name.get_value());
                                } else {
                                    name.with_value(|n| s.remove(n));
                                }
                            });
                            if on {
                                all_types.set(false);
                            }
                        };
                        view! {
                            <li>
                                <label class="check">
                                    <input type="checkbox" checked=untrack(checked) prop:checked=checked on:change=on_change />
                                    <span class="check-text">
                                        <span class="mono">{event_type.name}</span>
                                        {event_type.archived.then(|| view! { <span class="faint">" (archived)"</span> })}
                                        {(!event_type.description.is_empty())
                                            .then(|| view! { <span class="check-hint">{event_type.description}</span> })}
                                    </span>
                                </label>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    let summary = move || {
        if all_types.get() {
            "Receives every event type, including ones created later (Hookrelay's alerts only when ticked).".to_string()
        } else {
            match selected.with(BTreeSet::len) {
                0 => "No event type chosen yet.".to_string(),
                1 => "1 event type chosen.".to_string(),
                n => format!("{n} event types chosen."),
            }
        }
    };

    view! {
        <fieldset
            class="field-set"
            class:field-invalid=move || error.with(Option::is_some)
            aria-describedby="subscription-event-types-summary subscription-event-types-error"
        >
            <legend>"Event types"</legend>
            <label class="check check-strong">
                <input
                    type="checkbox"
                    id="subscription-all-types"
                    checked=all_types.get_untracked()
                    prop:checked=move || all_types.get()
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        all_types.set(on);
                        if on {
                            selected.set(BTreeSet::new());
                        }
                    }
                />
                <span>"All event types"</span>
            </label>
            {no_types
                .then(|| {
                    view! {
                        <p class="field-hint">
                            "You have no event types yet, so this subscription will receive every event (or only the alerts you tick below). "
                            <a href="/event-types">"Declare event types"</a>
                            " to choose some."
                        </p>
                    }
                })}
            <div class="picker">
                <input
                    type="search"
                    class="picker-search"
                    aria-label="Search event types"
                    placeholder="Search event types"
                    autocomplete="off"
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
                // Unticked boxes under a ticked "All event types" would read as "none of these".
                <p class="picker-note" hidden=move || !all_types.get()>
                    "Every type below is received (the alerts only when ticked). Tick types to receive only those."
                </p>
                {list}
            </div>
            <p class="field-hint" id="subscription-event-types-summary" aria-live="polite">{summary}</p>
            <p class="field-error" id="subscription-event-types-error" role="alert">{move || error.get()}</p>
        </fieldset>
    }
    .into_any()
}

/// Custom headers sent with every delivery, as rows of name and value.
#[component]
fn HeadersEditor<F>(rows: RwSignal<Vec<HeaderRow>>, new_row: F, error: Signal<Option<String>>) -> impl IntoView
where
    F: Fn(String, String) -> HeaderRow + Copy + Send + Sync + 'static,
{
    let position = move |key: usize| rows.with(|rows| rows.iter().position(|row| row.key == key).map_or(0, |i| i + 1));
    view! {
        <fieldset
            class="field-set"
            class:field-invalid=move || error.with(Option::is_some)
            aria-describedby="subscription-headers-hint subscription-headers-error"
        >
            <legend>"Custom headers " <span class="field-optional">"optional"</span></legend>
            <p class="field-hint" id="subscription-headers-hint">
                "Sent with every delivery, for example an authorization token your endpoint expects."
            </p>
            <div class="header-rows" hidden=move || rows.with(Vec::is_empty)>
                <div class="header-row header-row-labels" aria-hidden="true">
                    <span>"Name"</span>
                    <span>"Value"</span>
                </div>
                <For each=move || rows.get() key=|row| row.key let:row>
                    <div class="header-row">
                        <input
                            type="text"
                            id=format!("header-name-{}", row.key)
                            class="mono"
                            spellcheck="false"
                            autocomplete="off"
                            placeholder="X-Api-Token"
                            aria-label=move || format!("Header {} name", position(row.key))
                            prop:value=move || row.name.get()
                            on:input=move |ev| row.name.set(event_target_value(&ev))
                        />
                        <input
                            type="text"
                            class="mono"
                            spellcheck="false"
                            autocomplete="off"
                            aria-label=move || format!("Header {} value", position(row.key))
                            prop:value=move || row.value.get()
                            on:input=move |ev| row.value.set(event_target_value(&ev))
                        />
                        <button
                            type="button"
                            class="btn btn-small btn-ghost"
                            aria-label=move || format!("Remove header {}", position(row.key))
                            on:click=move |_| rows.update(|rows| rows.retain(|r| r.key != row.key))
                        >
                            "Remove"
                        </button>
                    </div>
                </For>
            </div>
            <div>
                <button
                    type="button"
                    class="btn btn-small"
                    id="subscription-add-header"
                    on:click=move |_| {
                        let row = new_row(String::new(), String::new());
                        rows.update(|rows| rows.push(row));
                        request_animation_frame(move || focus_element(&format!("header-name-{}", row.key)));
                    }
                >
                    "Add header"
                </button>
            </div>
            <p class="field-error" id="subscription-headers-error" role="alert">{move || error.get()}</p>
        </fieldset>
    }
    .into_any()
}
