//! API keys: create (the full key is shown once), list, revoke.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::chip::{Chip, Tone};
use crate::components::confirm::ConfirmButton;
use crate::components::copy::CopyableValue;
use crate::components::empty_state::EmptyState;
use crate::components::field::{error_for, focus_element, form_error, TextField};
use crate::components::states::{ActionError, LoadError};
use crate::components::table::{DataTable, LoadingTable, ACTIONS};
use crate::components::time::RelativeTime;
use crate::model::{ApiKey, CreatedApiKey};
use crate::rpc::api_keys::{list_api_keys, CreateApiKey, RevokeApiKey};

#[component]
pub fn ApiKeysPage() -> impl IntoView {
    let create = ServerAction::<CreateApiKey>::new();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let keys = Resource::new(move || (create.version().get(), revoke.version().get()), |_| list_api_keys());
    let revoke_error = Signal::derive(move || match revoke.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    });

    view! {
        <Title text="API keys" />
        <div class="page-header">
            <h1>"API keys"</h1>
            <p class="page-lede">
                "Your application sends one of these with every call to the REST API, as "
                <code>"Authorization: Bearer <key>"</code>"."
            </p>
        </div>
        <CreateKeyForm create />
        {move || {
            create.value().get().and_then(Result::ok).map(|created| view! { <NewKey created create /> })
        }}
        <ActionError error=revoke_error />
        <Transition fallback=|| view! { <LoadingTable label="API keys" /> }>
            {move || Suspend::new(async move {
                match keys.await {
                    Ok(keys) if keys.is_empty() => view! {
                        <EmptyState title="No API keys yet">
                            <p>
                                "Create a key for each application or service that publishes events, so that
                                you can revoke one without touching the others. It then calls "
                                <code>"POST /api/v1/events"</code>" with the key."
                            </p>
                        </EmptyState>
                    }
                        .into_any(),
                    Ok(keys) => view! { <KeyTable keys revoke /> }.into_any(),
                    Err(error) => view! { <LoadError what="API keys" error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn CreateKeyForm(create: ServerAction<CreateApiKey>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let last = move || create.value().get();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => name.set(String::new()),
        Some(Err(error)) if error.field() == Some("name") => focus_element("api-key-name"),
        _ => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        create.dispatch(CreateApiKey { name: name.get_untracked() });
    };
    view! {
        <section class="panel" aria-labelledby="new-key-title">
            <form class="inline-form" novalidate=true on:submit=on_submit>
                <h2 id="new-key-title">"New API key"</h2>
                <ActionError error=Signal::derive(move || form_error(last(), &["name"])) />
                <div class="inline-form-row">
                    <TextField
                        label="Key name"
                        id="api-key-name"
                        value=name
                        placeholder="billing-service"
                        autocomplete="off"
                        hint="Who will use it, so you know what breaks if you revoke it."
                        error=Signal::derive(move || error_for(last(), "name"))
                    />
                    <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>
                        {move || if create.pending().get() { "Creating…" } else { "Create key" }}
                    </button>
                </div>
            </form>
        </section>
    }
    .into_any()
}

/// The full key, shown once right after it was made.
#[component]
fn NewKey(created: CreatedApiKey, create: ServerAction<CreateApiKey>) -> impl IntoView {
    let key = created.key;
    view! {
        <section class="key-reveal" aria-labelledby="created-key-title">
            <div class="key-reveal-text">
                <h2 id="created-key-title">{format!("Your new key “{}”", created.api_key.name)}</h2>
                <p>"Copy it now and keep it somewhere safe. "<strong>"It will not be shown again."</strong></p>
            </div>
            <CopyableValue id="created-key" value=key what="API key" labelledby="created-key-title" />
            <button type="button" class="btn btn-small" on:click=move |_| create.value().set(None)>
                "I have copied it"
            </button>
        </section>
    }
    .into_any()
}

#[component]
fn KeyTable(keys: Vec<ApiKey>, revoke: ServerAction<RevokeApiKey>) -> impl IntoView {
    let rows = keys
        .into_iter()
        .map(|key| {
            let revoked = key.revoked_at.is_some();
            let id = key.id.clone();
            let status = if revoked {
                view! { <Chip tone=Tone::Neutral label="Revoked" /> }
            } else {
                view! { <Chip tone=Tone::Ok label="Active" /> }
            };
            let last_used = match key.last_used_at {
                Some(at) => view! { <RelativeTime at /> }.into_any(),
                None => view! { <span class="faint">"Never"</span> }.into_any(),
            };
            let action = (!revoked).then(|| {
                view! {
                    <ConfirmButton
                        label="Revoke"
                        aria_label=format!("Revoke {}", key.name)
                        message="Requests that use this key will be refused from now on. This cannot be undone."
                        confirm_label="Revoke key"
                        class="btn btn-small btn-danger-outline"
                        pending=revoke.pending()
                        on_confirm=move |_| {
                            revoke.dispatch(RevokeApiKey { id: id.clone() });
                        }
                    />
                }
            });
            view! {
                <tr class:row-archived=revoked>
                    <td data-label="Name"><span class="cell-title">{key.name}</span></td>
                    <td data-label="Key" class="cell-nowrap"><span class="mono">{key.prefix}"…"</span></td>
                    <td data-label="Created" class="cell-nowrap"><RelativeTime at=key.created_at /></td>
                    <td data-label="Last used" class="cell-nowrap">{last_used}</td>
                    <td data-label="Status">{status}</td>
                    <td class="cell-actions">{action}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable label="API keys" columns=&["Name", "Key", "Created", "Last used", "Status", ACTIONS]>
            {rows}
        </DataTable>
    }
    .into_any()
}
