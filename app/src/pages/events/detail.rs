//! One event: its payload, and one row per delivery that opens onto its attempts.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::attempt::AttemptTimeline;
use crate::components::copy::CopyButton;
use crate::components::delivery::{DeliveryStatusChip, RedeliverButton};
use crate::components::json_view::JsonView;
use crate::components::live::use_live;
use crate::components::states::{ActionError, LoadError};
use crate::components::subscription::SubscriptionName;
use crate::components::time::RelativeTime;
use crate::error::AppError;
use crate::model::{Delivery, DeliveryStatus, Event};
use crate::rpc::events::{get_delivery, get_event, Redeliver};

/// Which delivery of the event shows its attempts.
#[derive(Clone, Debug, PartialEq)]
enum ShownDelivery {
    /// Nobody chose: the only delivery of an event that has one, else the first that failed
    /// or is waiting for a retry (the reader came to see why), else none.
    Default,
    /// Named by a link (`?delivery=…`, as the overview's failures do) or opened by the reader.
    Open(String),
    /// The reader closed it.
    Closed,
}

/// What the page shows: the event, and the delivery that is open with its attempts.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct EventPageData {
    event: Event,
    open: Option<OpenDelivery>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
struct OpenDelivery {
    id: String,
    /// An error of its own, so that the event still shows if the attempts cannot be read.
    attempts: Result<Delivery, AppError>,
}

/// Loads the event, then the open delivery with its attempts: one resource for the page, since
/// a timeline with a resource of its own would create it inside a suspense (see `crate::pages`).
async fn load_event_page(id: String, shown: ShownDelivery) -> Result<EventPageData, AppError> {
    let event = get_event(id).await?;
    let open_id = match shown {
        ShownDelivery::Open(delivery_id) => Some(delivery_id),
        ShownDelivery::Closed => None,
        ShownDelivery::Default => default_open(event.deliveries.as_deref().unwrap_or_default()),
    };
    let open = match open_id {
        Some(id) => Some(OpenDelivery { attempts: get_delivery(id.clone()).await, id }),
        None => None,
    };
    Ok(EventPageData { event, open })
}

fn default_open(deliveries: &[Delivery]) -> Option<String> {
    if let [only] = deliveries {
        return Some(only.id.clone());
    }
    [DeliveryStatus::Failed, DeliveryStatus::Retrying]
        .iter()
        .find_map(|status| deliveries.iter().find(|delivery| delivery.status == *status))
        .map(|delivery| delivery.id.clone())
}

#[component]
pub fn EventDetailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let live = use_live();
    let redeliver = ServerAction::<Redeliver>::new();
    let shown = RwSignal::new(match query.read_untracked().get("delivery") {
        Some(delivery_id) => ShownDelivery::Open(delivery_id),
        None => ShownDelivery::Default,
    });
    // Which attempt is open: a link may name it (`?attempt=…`); else the newest.
    let open_attempt = RwSignal::new(query.read_untracked().get("attempt"));
    let page = Resource::new(
        move || (id(), shown.get(), live.changes.get(), redeliver.version().get()),
        |(id, shown, _, _)| load_event_page(id, shown),
    );
    let redeliver_error = Signal::derive(move || redeliver.value().get().and_then(Result::err).map(|e| e.to_string()));

    view! {
        <Title text="Event" />
        <Transition fallback=|| view! { <p class="muted" role="status">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(EventPageData { event, open }) => view! {
                        <EventView event open shown open_attempt redeliver />
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
    open: Option<OpenDelivery>,
    shown: RwSignal<ShownDelivery>,
    open_attempt: RwSignal<Option<String>>,
    redeliver: ServerAction<Redeliver>,
) -> impl IntoView {
    let deliveries = event.deliveries.clone().unwrap_or_default();
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
                    .map(|delivery| {
                        let attempts = open.as_ref().filter(|open| open.id == delivery.id).map(|open| open.attempts.clone());
                        view! { <DeliveryRow delivery attempts shown open_attempt redeliver /> }
                    })
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
        </div>
        // Deliveries first: on a phone they are what the reader came for; on a wide screen the
        // grid puts the payload in the first column all the same.
        <div class="event-grid">
            <section class="panel event-deliveries" aria-labelledby="deliveries-title">
                <h2 id="deliveries-title">"Deliveries"</h2>
                {delivery_list}
            </section>
            <section class="panel event-payload" aria-labelledby="payload-title">
                <h2 id="payload-title">"Payload"</h2>
                <p class="muted section-lede">"The event's data. Receivers get it inside the envelope shown in each attempt's request."</p>
                {payload}
            </section>
        </div>
    }
    .into_any()
}

/// One delivery; `attempts` is given for the open one (with its attempts, or why they could
/// not be read), `None` for the others.
#[component]
fn DeliveryRow(
    delivery: Delivery,
    attempts: Option<Result<Delivery, AppError>>,
    shown: RwSignal<ShownDelivery>,
    open_attempt: RwSignal<Option<String>>,
    redeliver: ServerAction<Redeliver>,
) -> impl IntoView {
    let id = StoredValue::new(delivery.id.clone());
    let is_open = attempts.is_some();
    let toggle = move |_| {
        if is_open {
            shown.set(ShownDelivery::Closed);
        } else {
            shown.set(ShownDelivery::Open(id.get_value()));
            open_attempt.set(None);
        }
    };
    let attempts_made = match (delivery.status, delivery.attempts_made) {
        (_, 0) => "No attempts yet".to_string(),
        (DeliveryStatus::Failed, 1) => "Gave up after 1 attempt".to_string(),
        (DeliveryStatus::Failed, n) => format!("Gave up after {n} attempts"),
        (_, 1) => "1 attempt".to_string(),
        (_, n) => format!("{n} attempts"),
    };
    let next = delivery.next_attempt_at.clone().map(|at| {
        view! { <span class="muted">"Next attempt "<RelativeTime at /></span> }
    });
    let last_code =
        delivery.last_status_code.map(|code| view! { <span class="mono muted">{format!("HTTP {code}")}</span> });
    let panel_id = format!("attempts-{}", delivery.id);
    let timeline = attempts.map(|attempts| view! { <AttemptTimeline delivery=attempts open_attempt /> });
    view! {
        <li class="delivery" data-delivery=delivery.id.clone() data-status=delivery.status.as_str()>
            <div class="delivery-head">
                <div class="delivery-what">
                    <SubscriptionName
                        id=delivery.subscription_id.clone()
                        description=delivery.subscription_description.clone().unwrap_or_default()
                        url=delivery.subscription_url.clone().unwrap_or_default()
                    />
                    <span class="delivery-facts">
                        <DeliveryStatusChip status=delivery.status />
                        <span class="muted">{attempts_made}</span>
                        {last_code}
                        {next}
                    </span>
                </div>
                <div class="delivery-actions">
                    <RedeliverButton delivery_id=delivery.id.clone() action=redeliver />
                    <button
                        type="button"
                        class="btn btn-small btn-ghost"
                        aria-expanded=is_open.to_string()
                        aria-controls=panel_id.clone()
                        on:click=toggle
                    >
                        {if is_open { "Hide attempts" } else { "Show attempts" }}
                    </button>
                </div>
            </div>
            <div id=panel_id class="delivery-attempts">{timeline}</div>
        </li>
    }
}
