//! One event: its payload, and one row per delivery that opens onto its attempts.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::attempt::AttemptTimeline;
use crate::components::copy::CopyButton;
use crate::components::delivery::{DeliveryStatusChip, RedeliverButton};
use crate::components::json_view::JsonView;
use crate::components::live::{use_live, LiveIndicator};
use crate::components::states::{ActionError, LoadError};
use crate::components::time::RelativeTime;
use crate::error::AppError;
use crate::model::{Delivery, Event};
use crate::rpc::events::{get_event, Redeliver};

#[component]
pub fn EventDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let live = use_live();
    let redeliver = ServerAction::<Redeliver>::new();
    let event =
        Resource::new(move || (id(), live.changes.get(), redeliver.version().get()), |(id, _, _)| get_event(id));
    // Which delivery shows its attempts, and which attempt is open: a link may name them
    // (`?delivery=…&attempt=…`, as the overview's failures do).
    let open_delivery = RwSignal::new(query.read_untracked().get("delivery"));
    let open_attempt = RwSignal::new(query.read_untracked().get("attempt"));
    let redeliver_error = Signal::derive(move || redeliver.value().get().and_then(Result::err).map(|e| e.to_string()));

    view! {
        <Title text="Event" />
        <Transition fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match event.await {
                    Ok(event) => view! {
                        <EventView event open_delivery open_attempt redeliver />
                        <ActionError error=redeliver_error />
                    }
                    .into_any(),
                    Err(AppError::NotFound) => view! {
                        <div class="page-header">
                            <a class="breadcrumb" href="/events">"Events"</a>
                            <h1>"Event not found"</h1>
                        </div>
                        <section class="panel empty-state" aria-label="Event not found">
                            <p>"There is no event with this ID in your account. Check the ID, or look for it in the list."</p>
                            <p><a class="btn" href="/events">"See all events"</a></p>
                        </section>
                    }
                    .into_any(),
                    Err(error) => view! {
                        <div class="page-header">
                            <a class="breadcrumb" href="/events">"Events"</a>
                            <h1>"Event"</h1>
                        </div>
                        <LoadError what="the event" error />
                    }
                    .into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn EventView(
    event: Event,
    open_delivery: RwSignal<Option<String>>,
    open_attempt: RwSignal<Option<String>>,
    redeliver: ServerAction<Redeliver>,
) -> impl IntoView {
    let deliveries = event.deliveries.clone().unwrap_or_default();
    // With a single delivery there is nothing to choose: show its attempts.
    if deliveries.len() == 1 && open_delivery.get_untracked().is_none() {
        open_delivery.set(deliveries.first().map(|d| d.id.clone()));
    }
    let payload = match event.data.clone() {
        Some(value) => view! { <JsonView value what="payload" /> }.into_any(),
        None => {
            view! { <p class="faint">"The payload has been purged (older than the retention period)."</p> }.into_any()
        }
    };
    let id = event.id.clone();
    let delivery_list = if deliveries.is_empty() {
        view! {
            <p class="muted">
                "No subscription wanted this event when it was published, so it was not delivered anywhere."
            </p>
        }
        .into_any()
    } else {
        view! {
            <ul class="delivery-list">
                {deliveries
                    .into_iter()
                    .map(|delivery| view! { <DeliveryRow delivery open_delivery open_attempt redeliver /> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <div class="page-header page-header-row">
            <div class="page-header">
                <a class="breadcrumb" href="/events">"Events"</a>
                <div class="title-row">
                    <h1 class="mono title-mono">{event.event_type.clone()}</h1>
                </div>
                <p class="event-meta">
                    <span class="mono">{id.clone()}</span>
                    <CopyButton value=Signal::stored(id) what="event ID" />
                    <span class="muted">"Published "<RelativeTime at=event.timestamp.clone() /></span>
                </p>
            </div>
            <LiveIndicator />
        </div>
        <div class="event-grid">
            <section class="panel" aria-labelledby="payload-title">
                <h2 id="payload-title">"Payload"</h2>
                <p class="muted section-lede">"The event's data. Receivers get it inside the envelope shown in each attempt's request."</p>
                {payload}
            </section>
            <section class="panel" aria-labelledby="deliveries-title">
                <h2 id="deliveries-title">"Deliveries"</h2>
                {delivery_list}
            </section>
        </div>
    }
    .into_any()
}

#[component]
fn DeliveryRow(
    delivery: Delivery,
    open_delivery: RwSignal<Option<String>>,
    open_attempt: RwSignal<Option<String>>,
    redeliver: ServerAction<Redeliver>,
) -> impl IntoView {
    let id = StoredValue::new(delivery.id.clone());
    let is_open = move || open_delivery.with(|open| open.as_deref() == Some(id.get_value().as_str()));
    let toggle = move |_| {
        if is_open() {
            open_delivery.set(None);
        } else {
            open_delivery.set(Some(id.get_value()));
            open_attempt.set(None);
        }
    };
    let url = delivery.subscription_url.clone().unwrap_or_else(|| delivery.subscription_id.clone());
    let subscription_href = format!("/subscriptions/{}", delivery.subscription_id);
    let attempts = match delivery.attempts_made {
        0 => "No attempts yet".to_string(),
        1 => "1 attempt".to_string(),
        n => format!("{n} attempts"),
    };
    let next = delivery.next_attempt_at.clone().map(|at| {
        view! { <span class="muted">"Next attempt "<RelativeTime at /></span> }
    });
    let last_code =
        delivery.last_status_code.map(|code| view! { <span class="mono muted">{format!("HTTP {code}")}</span> });
    let panel_id = format!("attempts-{}", delivery.id);
    view! {
        <li class="delivery" data-delivery=delivery.id.clone() data-status=delivery.status.as_str()>
            <div class="delivery-head">
                <div class="delivery-what">
                    <a class="mono url" href=subscription_href>{url}</a>
                    <span class="delivery-facts">
                        <DeliveryStatusChip status=delivery.status />
                        <span class="muted">{attempts}</span>
                        {last_code}
                        {next}
                    </span>
                </div>
                <div class="delivery-actions">
                    <RedeliverButton delivery_id=delivery.id.clone() action=redeliver />
                    <button
                        type="button"
                        class="btn btn-small btn-ghost"
                        aria-expanded=move || is_open().to_string()
                        aria-controls=panel_id.clone()
                        on:click=toggle
                    >
                        {move || if is_open() { "Hide attempts" } else { "Show attempts" }}
                    </button>
                </div>
            </div>
            <div id=panel_id class="delivery-attempts">
                <Show when=is_open>
                    <AttemptTimeline delivery_id=id.get_value() open_attempt redeliver />
                </Show>
            </div>
        </li>
    }
}
