//! The sources page: create a source (its token is shown once), and the list of sources.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_meta::Title;

use super::{curl_example, token_place, type_rule, verification};
use crate::components::chip::{Chip, Tone};
use crate::components::copy::{CodeSample, CopyableValue};
use crate::components::empty_state::EmptyState;
use crate::components::field::{error_for, focus_element, form_error, SelectField, TextField};
use crate::components::states::{ActionError, LoadError};
use crate::components::table::{DataTable, LoadingTable};
use crate::components::time::RelativeTime;
use crate::model::{Source, SourceInput, TokenIn, TypeFrom, VerifyInput, VerifyScheme};
use crate::rpc::sources::{list_sources, CreateSource};

const TYPE_RULES: &[(&str, &str)] = &[
    ("fixed", "One type for every request"),
    ("header", "Read from a request header"),
    ("json", "Read from the JSON body"),
];
const TOKEN_PLACES: &[(&str, &str)] =
    &[("header", "Authorization: Bearer header"), ("query", "?token= in the URL (for senders without headers)")];
const SCHEMES: &[(&str, &str)] = &[
    ("", "No signature check"),
    ("standard-webhooks", "Standard Webhooks (webhook-signature)"),
    ("stripe", "Stripe (Stripe-Signature)"),
    ("github", "GitHub (X-Hub-Signature-256)"),
];

#[component]
pub fn SourcesPage() -> impl IntoView {
    let create = ServerAction::<CreateSource>::new();
    let sources = Resource::new(move || create.version().get(), |_| list_sources(None));
    view! {
        <Title text="Sources" />
        <div class="page-header">
            <h1>"Sources"</h1>
            <p class="page-lede">
                "Receive webhooks from a third party (Stripe, GitHub, a partner) at an address of your own. Each
                request becomes an event, delivered to your subscriptions like any other."
            </p>
        </div>
        <CreateSourceForm create />
        {move || create.value().get().and_then(Result::ok).map(|created| view! { <NewSource created create /> })}
        <Transition fallback=|| view! { <LoadingTable label="Sources" /> }>
            {move || Suspend::new(async move {
                match sources.await {
                    Ok(page) if page.data.is_empty() => view! {
                        <EmptyState title="No sources yet">
                            <p>
                                "Create one for each sender. You get an address under "<code>"/_webhooks/"</code>
                                " and a token to give them; Hookrelay checks the token (and, if you choose, the
                                sender's own signature) on every request."
                            </p>
                        </EmptyState>
                    }
                        .into_any(),
                    Ok(page) => view! { <SourceTable sources=page.data /> }.into_any(),
                    Err(error) => view! { <LoadError what="sources" error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn CreateSourceForm(create: ServerAction<CreateSource>) -> impl IntoView {
    let name = RwSignal::new(String::new());
    let rule = RwSignal::new("fixed".to_string());
    let rule_value = RwSignal::new(String::new());
    let token_in = RwSignal::new("header".to_string());
    let scheme = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let last = move || create.value().get();
    Effect::new(move |_| match create.value().get() {
        Some(Ok(_)) => {
            name.set(String::new());
            rule_value.set(String::new());
            secret.set(String::new());
        }
        Some(Err(error)) => match error.field() {
            Some("name") => focus_element("source-name"),
            Some("event_type" | "type_from") => focus_element("source-rule-value"),
            Some("verify") => focus_element("source-secret"),
            _ => {}
        },
        None => {}
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let value = rule_value.get_untracked().trim().to_string();
        let (event_type, type_from) = match rule.get_untracked().as_str() {
            "header" => (None, Some(TypeFrom::Header(value))),
            "json" => (None, Some(TypeFrom::JsonPointer(value))),
            _ => (Some(value), None),
        };
        let verify = VerifyScheme::parse(&scheme.get_untracked())
            .map(|scheme| VerifyInput { scheme, secret: secret.get_untracked().trim().to_string() });
        let token_in = if token_in.get_untracked() == "query" { TokenIn::Query } else { TokenIn::Header };
        create.dispatch(CreateSource {
            input: SourceInput { name: name.get_untracked(), event_type, type_from, token_in: Some(token_in), verify },
        });
    };
    let rule_error = Signal::derive(move || error_for(last(), "event_type").or_else(|| error_for(last(), "type_from")));
    view! {
        <section class="panel" aria-labelledby="new-source-title">
            <form class="form form-wide" novalidate=true on:submit=on_submit>
                <h2 id="new-source-title">"New source"</h2>
                <ActionError error=Signal::derive(move || form_error(last(), &["name", "event_type", "type_from", "verify"])) />
                <div class="form-grid">
                    <TextField
                        label="Name"
                        id="source-name"
                        value=name
                        placeholder="Stripe"
                        autocomplete="off"
                        hint="Its kebab-case form is the address: /_webhooks/stripe."
                        error=Signal::derive(move || error_for(last(), "name"))
                    />
                    <SelectField label="Event type" id="source-rule" value=rule options=TYPE_RULES />
                    <RuleField rule value=rule_value error=rule_error />
                    <SelectField label="Token in" id="source-token-in" value=token_in options=TOKEN_PLACES />
                    <SelectField
                        label="Sender's signature"
                        id="source-scheme"
                        value=scheme
                        options=SCHEMES
                        hint="Also check the signature the sender makes with its own signing secret."
                    />
                    <SecretField scheme secret error=Signal::derive(move || error_for(last(), "verify")) />
                </div>
                <div class="form-actions">
                    <button type="submit" class="btn btn-primary" disabled=move || create.pending().get()>
                        {move || if create.pending().get() { "Creating…" } else { "Create source" }}
                    </button>
                </div>
            </form>
        </section>
    }
    .into_any()
}

/// The value of the type rule: a type name, a header name or a JSON pointer.
#[component]
fn RuleField(rule: RwSignal<String>, value: RwSignal<String>, error: Signal<Option<String>>) -> impl IntoView {
    let label = move || match rule.get().as_str() {
        "header" => "Header name",
        "json" => "JSON pointer",
        _ => "Event type name",
    };
    let placeholder = move || match rule.get().as_str() {
        "header" => "X-GitHub-Event",
        "json" => "/type",
        _ => "invoice.paid",
    };
    let hint = move || match rule.get().as_str() {
        "header" => {
            "The type becomes <source>.<header value>, such as github.push; new types are declared on first use."
        }
        "json" => {
            "The type becomes <source>.<value there>, such as shop.order.created; new types are declared on first use."
        }
        _ => "Declared for you if your account does not have it yet.",
    };
    view! {
        <div class="field" class:field-invalid=move || error.with(Option::is_some)>
            <label for="source-rule-value">{label}</label>
            <input
                id="source-rule-value"
                class="mono"
                type="text"
                autocomplete="off"
                spellcheck="false"
                placeholder=placeholder
                aria-describedby="source-rule-value-hint source-rule-value-error"
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <p class="field-hint" id="source-rule-value-hint">{hint}</p>
            <p class="field-error" id="source-rule-value-error" role="alert">{move || error.get()}</p>
        </div>
    }
    .into_any()
}

/// The sender's signing secret, asked for only when a signature scheme is chosen.
#[component]
fn SecretField(scheme: RwSignal<String>, secret: RwSignal<String>, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <Show when=move || !scheme.get().is_empty()>
            <TextField
                label="Sender's signing secret"
                id="source-secret"
                value=secret
                mono=true
                autocomplete="off"
                placeholder="whsec_…"
                hint="From the sender's webhook settings."
                error=error
            />
        </Show>
    }
    .into_any()
}

/// The new source's address and token, shown once, with a curl command to try it.
#[component]
fn NewSource(created: Source, create: ServerAction<CreateSource>) -> impl IntoView {
    let token = created.token.clone().unwrap_or_default();
    let curl = curl_example(&created, &token);
    let url = created.url.clone();
    view! {
        <section class="key-reveal" aria-labelledby="created-source-title">
            <div class="key-reveal-text">
                <h2 id="created-source-title">{format!("Your new source “{}”", created.name)}</h2>
                <p>
                    "Give the sender this address and token. "<strong>"The token will not be shown again."</strong>
                </p>
            </div>
            <label class="reveal-label" for="created-source-url">"Address"</label>
            <CopyableValue id="created-source-url" value=url what="address" />
            <label class="reveal-label" for="created-source-token">"Token"</label>
            <CopyableValue id="created-source-token" value=token what="token" />
            <CodeSample caption="Try it" code=curl what="curl command" />
            <button type="button" class="btn btn-small" on:click=move |_| create.value().set(None)>
                "I have copied it"
            </button>
        </section>
    }
    .into_any()
}

#[component]
fn SourceTable(sources: Vec<Source>) -> impl IntoView {
    let rows = sources
        .into_iter()
        .map(|source| {
            let href = format!("/sources/{}", source.id);
            let rule = type_rule(&source);
            let (token, verify) = (token_place(&source), verification(&source));
            view! {
                <tr>
                    <td data-label="Name"><a class="cell-title" href=href>{source.name.clone()}</a></td>
                    <td data-label="Address"><span class="mono break">{source.url.clone()}</span></td>
                    <td data-label="Becomes"><span class="mono">{rule}</span></td>
                    <td data-label="Token">{token}</td>
                    <td data-label="Signature">
                        {if source.verify.is_some() {
                            view! { <span>{verify}</span> }.into_any()
                        } else {
                            view! { <Chip tone=Tone::Warn label="Not checked" /> }.into_any()
                        }}
                    </td>
                    <td data-label="Created" class="cell-nowrap"><RelativeTime at=source.created_at /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable label="Sources" columns=&["Name", "Address", "Becomes", "Token", "Signature", "Created"]>
            {rows}
        </DataTable>
    }
    .into_any()
}
