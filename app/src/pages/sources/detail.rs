//! One source: its address and rules, the requests it received lately and what became of each.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::{curl_example, token_place, type_rule, verification};
use crate::components::chip::{Chip, Tone};
use crate::components::confirm::ConfirmButton;
use crate::components::copy::{CodeSample, CopyButton};
use crate::components::empty_state::EmptyState;
use crate::components::live::use_live;
use crate::components::states::{ActionError, LoadError};
use crate::components::table::DataTable;
use crate::components::time::RelativeTime;
use crate::error::AppError;
use crate::model::{InboundRequest, SourceDetail};
use crate::rpc::sources::{get_source, DeleteSource};

#[component]
pub fn SourceDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let live = use_live();
    let detail = Resource::new(move || (id(), live.changes.get()), |(id, _)| get_source(id));
    view! {
        <Title text="Source" />
        <Transition fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(detail) => view! { <Detail detail /> }.into_any(),
                    Err(AppError::NotFound) => view! {
                        <div class="page-header">
                            <a class="breadcrumb" href="/sources">"Sources"</a>
                            <h1>"Source not found"</h1>
                        </div>
                        <section class="panel empty-state" aria-label="Source not found">
                            <p>"There is no source at this address in your account. It may have been deleted."</p>
                            <p><a class="btn" href="/sources">"See all sources"</a></p>
                        </section>
                    }
                        .into_any(),
                    Err(error) => view! {
                        <div class="page-header">
                            <a class="breadcrumb" href="/sources">"Sources"</a>
                            <h1>"Source"</h1>
                        </div>
                        <LoadError what="the source" error />
                    }
                        .into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn Detail(detail: SourceDetail) -> impl IntoView {
    let SourceDetail { source, requests } = detail;
    let delete = ServerAction::<DeleteSource>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/sources", Default::default());
        }
    });
    let delete_error = Signal::derive(move || match delete.value().get() {
        Some(Err(error)) => Some(error.to_string()),
        _ => None,
    });
    let id = source.id.clone();
    let url = source.url.clone();
    let curl = curl_example(&source, "<token>");
    let (published, refused) = requests.iter().fold((0, 0), |(published, refused), request| {
        if (200..300).contains(&request.status_code) {
            (published + request.count, refused)
        } else {
            (published, refused + request.count)
        }
    });
    let tally = format!("Of these: {published} published, {refused} refused");
    view! {
        <div class="page-header page-header-row">
            <div class="page-header">
                <a class="breadcrumb" href="/sources">"Sources"</a>
                <h1>{source.name.clone()}</h1>
            </div>
            // Where a subscription's page has its actions too.
            <div class="header-actions">
            <ConfirmButton
                label="Delete"
                aria_label=format!("Delete {}", source.name)
                message="Requests to this address will be refused from now on. Events it already made stay."
                confirm_label="Delete source"
                class="btn btn-danger-outline"
                pending=delete.pending()
                on_confirm=move |_| {
                    delete.dispatch(DeleteSource { id: id.clone() });
                }
            />
            </div>
        </div>
        <ActionError error=delete_error />
        <section class="panel" aria-labelledby="source-settings-title">
            <h2 id="source-settings-title">"Details"</h2>
            <dl class="details">
                <div>
                    <dt>"Address"</dt>
                    <dd class="value-copy"><span class="mono break">{url.clone()}</span><CopyButton value=Signal::stored(url) what="address" /></dd>
                </div>
                <div><dt>"Method"</dt><dd>"POST, with a JSON body"</dd></div>
                <div><dt>"Becomes events of type"</dt><dd class="mono">{type_rule(&source)}</dd></div>
                <div><dt>"Token"</dt><dd>{token_place(&source)}" (shown once, when the source was created)"</dd></div>
                <div>
                    <dt>"Sender's signature"</dt>
                    <dd>
                        {match &source.verify {
                            Some(_) => view! { <span>{verification(&source)}</span> }.into_any(),
                            // Anyone who learns the token can post: say so where it is decided.
                            None => view! {
                                <span class="dd-stack">
                                    <Chip tone=Tone::Warn label="Not checked" />
                                    <span class="muted">
                                        "Only the token protects this address. If the sender signs its requests
                                        (Stripe, GitHub, Standard Webhooks), check that signature too: delete and
                                        create the source again with its signing secret."
                                    </span>
                                </span>
                            }
                            .into_any(),
                        }}
                    </dd>
                </div>
                <div><dt>"Created"</dt><dd><RelativeTime at=source.created_at.clone() /></dd></div>
            </dl>
        </section>
        <section class="panel" aria-labelledby="source-test-title">
            <h2 id="source-test-title">"Send a test request"</h2>
            <p class="muted section-lede">"Replace the token with the one shown when the source was created."</p>
            <CodeSample caption="Shell" code=curl what="curl command" />
        </section>
        <section aria-labelledby="source-requests-title">
            <div class="section-head">
                <h2 id="source-requests-title">"Recent requests"</h2>
                {(!requests.is_empty()).then(|| view! { <span class="muted" data-stat="requests">{tally}</span> })}
            </div>
            {if requests.is_empty() {
                view! {
                    <EmptyState title="No requests yet">
                        <p>"Requests to the address above appear here as they arrive, refused ones too, with the reason."</p>
                    </EmptyState>
                }
                    .into_any()
            } else {
                view! { <RequestTable requests /> }.into_any()
            }}
        </section>
    }
    .into_any()
}

#[component]
fn RequestTable(requests: Vec<InboundRequest>) -> impl IntoView {
    let rows = requests
        .into_iter()
        .map(|request| {
            let tone = match request.status_code {
                200..=299 => Tone::Ok,
                401 | 403 => Tone::Danger,
                _ => Tone::Warn,
            };
            let label = match (request.status_code, request.count) {
                (200..=299, _) => format!("{} Published", request.status_code),
                (code, 1) => format!("{code} Refused"),
                (code, count) => format!("{code} Refused ×{count}"),
            };
            let event = match request.event_id {
                Some(event_id) => {
                    view! { <a class="mono" href=format!("/events/{event_id}")>{event_id.clone()}</a> }.into_any()
                }
                None => view! { <span class="muted">"—"</span> }.into_any(),
            };
            view! {
                <tr>
                    <td data-label="Received" class="cell-nowrap"><RelativeTime at=request.received_at /></td>
                    <td data-label="Answer"><Chip tone label /></td>
                    <td data-label="Details">{request.message}</td>
                    <td data-label="Event">{event}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable label="Recent requests" columns=&["Received", "Answer", "Details", "Event"]>
            {rows}
        </DataTable>
    }
    .into_any()
}
