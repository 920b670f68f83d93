//! The catalog of event types: list, create, edit, archive and restore.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::alert_types::ALERT_TYPES;
use crate::components::chip::{Chip, Tone};
use crate::components::empty_state::EmptyState;
use crate::components::field::{error_for, focus_element, form_error, TextAreaField, TextField};
use crate::components::states::{ActionError, LoadError};
use crate::components::table::{DataTable, LoadingTable, Pager, ACTIONS};
use crate::components::time::RelativeTime;
use crate::model::{EventType, EventTypeActivity, EventsQuery};
use crate::rpc::event_types::{get_event_type_activity, list_event_types, SaveEventType, SetEventTypeArchived};

const FIELDS: &[&str] = &["name", "description", "example"];

/// What the form holds; shared by the table's Edit buttons and the form.
#[derive(Clone, Copy)]
struct Draft {
    name: RwSignal<String>,
    description: RwSignal<String>,
    example: RwSignal<String>,
    /// True while the form edits an existing type (its name cannot change).
    editing: RwSignal<bool>,
    /// What the last save did, until the next edit starts.
    notice: RwSignal<Option<String>>,
}

impl Draft {
    fn new() -> Self {
        Draft {
            name: RwSignal::new(String::new()),
            description: RwSignal::new(String::new()),
            example: RwSignal::new(String::new()),
            editing: RwSignal::new(false),
            notice: RwSignal::new(None),
        }
    }

    fn load(&self, event_type: &EventType) {
        self.name.set(event_type.name.clone());
        self.description.set(event_type.description.clone());
        let example = event_type
            .example
            .as_ref()
            .map(|value| serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string()))
            .unwrap_or_default();
        self.example.set(example);
        self.editing.set(true);
        self.notice.set(None);
    }

    fn clear(&self) {
        self.name.set(String::new());
        self.description.set(String::new());
        self.example.set(String::new());
        self.editing.set(false);
    }
}

#[component]
pub fn EventTypesPage() -> impl IntoView {
    let save = ServerAction::<SaveEventType>::new();
    let archive = ServerAction::<SetEventTypeArchived>::new();
    let cursor = RwSignal::new(None::<String>);
    let types = Resource::new(
        move || (cursor.get(), save.version().get(), archive.version().get()),
        |(cursor, _, _)| list_event_types(cursor),
    );
    let activity = Resource::new(move || save.version().get(), |_| get_event_type_activity());
    let draft = Draft::new();
    let archive_error = Signal::derive(move || match archive.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    });

    view! {
        <Title text="Event types" />
        <div class="page-header">
            <h1>"Event types"</h1>
            <p class="page-lede">
                "The kinds of events your application publishes. Subscriptions choose which of them they receive."
            </p>
        </div>
        // The short create forms (event types, sources, API keys) sit in a card above their list.
        <EventTypeForm save draft />
        <div class="list-below-form">
                <ActionError error=archive_error />
                <Transition fallback=|| view! { <LoadingTable label="event types" /> }>
                    {move || Suspend::new(async move {
                        match types.await {
                            Ok(page) if page.data.is_empty() && cursor.with_untracked(Option::is_none) => {
                                view! {
                                    <EmptyState title="No event types yet">
                                        <p>
                                            "An event type names something that happens in your application, such as "
                                            <code>"invoice.paid"</code>
                                            ". Declare each type you will publish, with a description and an example payload, so that the people who subscribe know what to expect."
                                        </p>
                                        <p class="muted">"Create your first one with the form above."</p>
                                    </EmptyState>
                                }
                                    .into_any()
                            }
                            Ok(page) => {
                                // Without its figures (they could not be read) the list still shows.
                                let activity = activity.await.unwrap_or_default();
                                view! {
                                    <EventTypeTable types=page.data activity=activity.clone() draft save archive />
                                    <Pager cursor next=page.next_cursor />
                                    <OwnEventTypes activity />
                                }
                                    .into_any()
                            }
                            Err(error) => view! { <LoadError what="event types" error /> }.into_any(),
                        }
                    })}
                </Transition>
        </div>
    }
    .into_any()
}

/// "12 in 24 h · last 5 min ago" linking to the type's events, and how many subscriptions get it.
#[component]
fn ActivityCell(name: String, activity: Option<EventTypeActivity>) -> impl IntoView {
    let Some(activity) = activity else {
        return view! { <span class="muted">"—"</span> }.into_any();
    };
    let href = EventsQuery { event_type: Some(name), range: Some("24h".into()), ..Default::default() }.href();
    let subscribers = match activity.subscribers {
        0 => "No subscription receives it".to_string(),
        1 => "1 subscription".to_string(),
        n => format!("{n} subscriptions"),
    };
    view! {
        <span class="activity">
            <a href=href>{format!("{} in 24 h", activity.events_24h)}</a>
            <span class="cell-sub">
                {match activity.last_seen {
                    Some(at) => view! { "Latest "<RelativeTime at /> }.into_any(),
                    None => view! { "Never published" }.into_any(),
                }}
            </span>
            <span class="cell-sub" class:warn-text={activity.subscribers == 0}>{subscribers}</span>
        </span>
    }
    .into_any()
}

/// The alerts Hookrelay publishes itself: read-only, received by ticking them in a subscription.
#[component]
fn OwnEventTypes(activity: Vec<EventTypeActivity>) -> impl IntoView {
    let rows = ALERT_TYPES
        .iter()
        .map(|(name, description)| {
            let figures = activity.iter().find(|a| a.name == *name).cloned();
            view! {
                <tr>
                    <td data-label="Name"><span class="cell-title mono">{*name}</span></td>
                    <td data-label="Description" class="cell-wrap">{*description}</td>
                    <td data-label="Activity"><ActivityCell name=name.to_string() activity=figures /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="own-types" aria-labelledby="own-types-title">
            <h2 id="own-types-title">"Hookrelay's own events"</h2>
            <p class="muted section-lede">
                "Alerts Hookrelay publishes about your deliveries. A subscription receives them only when they
                are ticked among its event types."
            </p>
            <DataTable label="Hookrelay's own events" columns=&["Name", "Description", "Activity"]>
                {rows}
            </DataTable>
        </section>
    }
}

#[component]
fn EventTypeTable(
    types: Vec<EventType>,
    activity: Vec<EventTypeActivity>,
    draft: Draft,
    save: ServerAction<SaveEventType>,
    archive: ServerAction<SetEventTypeArchived>,
) -> impl IntoView {
    let rows = types
        .into_iter()
        .map(|event_type| {
            let name = event_type.name.clone();
            let archived = event_type.archived;
            // The instance-wide catalog's types are the operator's: shown, not changed here.
            let catalog = event_type.catalog;
            let edit_label = format!("Edit {name}");
            let archive_label = format!("{} {name}", if archived { "Restore" } else { "Archive" });
            let description = if event_type.description.is_empty() {
                view! { <span class="faint">"No description"</span> }.into_any()
            } else {
                view! { <span>{event_type.description.clone()}</span> }.into_any()
            };
            let figures = activity.iter().find(|a| a.name == name).cloned();
            let on_edit = move |_| {
                save.value().set(None);
                draft.load(&event_type);
                focus_element("event-type-description");
            };
            let on_archive = {
                let name = name.clone();
                move |_| {
                    archive.dispatch(SetEventTypeArchived { name: name.clone(), archived: !archived });
                }
            };
            view! {
                <tr class:row-archived=archived>
                    <td data-label="Name">
                        <span class="cell-title mono">{name.clone()}</span>
                        {archived.then(|| view! { <Chip tone=Tone::Neutral label="Archived" /> })}
                        {catalog.then(|| view! {
                            <span title="Declared for every account by the operator of this instance; read-only here.">
                                <Chip tone=Tone::Neutral label="Catalog" />
                            </span>
                        })}
                    </td>
                    <td data-label="Description" class="cell-wrap">{description}</td>
                    <td data-label="Activity"><ActivityCell name=name.clone() activity=figures /></td>
                    <td class="cell-actions">
                        {(!catalog).then(move || view! {
                            <div class="row-actions">
                                <button type="button" class="btn btn-small" aria-label=edit_label on:click=on_edit>
                                    "Edit"
                                </button>
                                <button
                                    type="button"
                                    class="btn btn-small btn-toggle-width"
                                    aria-label=archive_label
                                    disabled=move || archive.pending().get()
                                    on:click=on_archive
                                >
                                    {if archived { "Restore" } else { "Archive" }}
                                </button>
                            </div>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable label="Event types" columns=&["Name", "Description", "Activity", ACTIONS]>
            {rows}
        </DataTable>
    }
    .into_any()
}

#[component]
fn EventTypeForm(save: ServerAction<SaveEventType>, draft: Draft) -> impl IntoView {
    let notice = draft.notice;
    let last = move || save.value().get();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) => {
            notice.set(Some(format!("Saved {}.", saved.name)));
            draft.clear();
        }
        Some(Err(error)) => {
            if let Some(field @ ("name" | "description" | "example")) = error.field() {
                focus_element(&format!("event-type-{field}"));
            }
        }
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        save.dispatch(SaveEventType {
            name: draft.name.get_untracked(),
            description: draft.description.get_untracked(),
            example: draft.example.get_untracked(),
            editing: draft.editing.get_untracked(),
        });
    };
    let on_cancel = move |_| {
        save.value().set(None);
        draft.clear();
    };
    let editing = draft.editing;

    view! {
        <section class="panel form-card" aria-labelledby="event-type-form-title">
            <h2 id="event-type-form-title">
                {move || if editing.get() { "Edit event type" } else { "New event type" }}
            </h2>
            <form class="form" novalidate=true on:submit=on_submit>
                <ActionError error=Signal::derive(move || form_error(last(), FIELDS)) />
                <TextField
                    label="Name"
                    id="event-type-name"
                    value=draft.name
                    mono=true
                    readonly=editing
                    placeholder="invoice.paid"
                    autocomplete="off"
                    hint="Lowercase words separated by dots. It cannot change later."
                    error=Signal::derive(move || error_for(last(), "name"))
                />
                <TextField
                    label="Description"
                    id="event-type-description"
                    value=draft.description
                    optional=true
                    placeholder="An invoice was paid in full"
                    autocomplete="off"
                    error=Signal::derive(move || error_for(last(), "description"))
                />
                <TextAreaField
                    label="Example payload"
                    id="event-type-example"
                    value=draft.example
                    mono=true
                    optional=true
                    rows=6
                    placeholder="{\n  \"invoice_id\": \"inv_123\",\n  \"amount\": 4200\n}"
                    hint="JSON, as your application will send it in data."
                    error=Signal::derive(move || error_for(last(), "example"))
                />
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                        {move || match (save.pending().get(), editing.get()) {
                            (true, _) => "Saving…",
                            (false, true) => "Save changes",
                            (false, false) => "Create event type",
                        }}
                    </button>
                    <button type="button" class="btn btn-ghost" hidden=move || !editing.get() on:click=on_cancel>
                        "Cancel"
                    </button>
                </div>
                <p class="form-notice" role="status">{move || notice.get()}</p>
            </form>
        </section>
    }
    .into_any()
}
