//! A subscription's deliveries: the recent ones (all, failed or succeeded) with Redeliver, a test
//! event, and the replay of failed deliveries since a chosen time.

use leptos::prelude::*;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::components::delivery::{DeliveryStatusChip, RedeliverButton};
use crate::components::live::use_live;
use crate::components::states::{ActionError, LoadError};
use crate::components::table::{DataTable, LoadingTable, Pager, ACTIONS};
use crate::components::time::RelativeTime;
use crate::error::AppError;
use crate::model::{Delivery, DeliveryStatus, Page};
use crate::rpc::events::{subscription_deliveries, Redeliver};
use crate::rpc::subscriptions::{ReplayFailed, SendTestEvent};

/// How far back a replay reaches, as offered in the form.
const REPLAY_WINDOWS: [(&str, &str, i64); 4] = [
    ("1h", "the last hour", 1),
    ("24h", "the last 24 hours", 24),
    ("7d", "the last 7 days", 168),
    ("30d", "the last 30 days", 720),
];

/// The deliveries section's data and the actions that change it, created by the page (see
/// `crate::pages`) and handed to the section.
#[derive(Clone, Copy)]
pub struct DeliveriesSection {
    deliveries: Resource<Result<Page<Delivery>, AppError>>,
    /// The tab: all deliveries, or those in one status.
    status: RwSignal<Option<DeliveryStatus>>,
    cursor: RwSignal<Option<String>>,
    redeliver: ServerAction<Redeliver>,
    send_test: ServerAction<SendTestEvent>,
    replay: ServerAction<ReplayFailed>,
}

impl DeliveriesSection {
    pub fn new(subscription_id: impl Fn() -> String + Send + Sync + 'static) -> Self {
        let live = use_live();
        let cursor = RwSignal::new(None::<String>);
        let status = RwSignal::new(None::<DeliveryStatus>);
        let redeliver = ServerAction::<Redeliver>::new();
        let send_test = ServerAction::<SendTestEvent>::new();
        let replay = ServerAction::<ReplayFailed>::new();
        let deliveries = Resource::new(
            move || {
                (
                    subscription_id(),
                    status.get(),
                    cursor.get(),
                    live.changes.get(),
                    redeliver.version().get(),
                    send_test.version().get(),
                    replay.version().get(),
                )
            },
            |(id, status, cursor, ..)| subscription_deliveries(id, status.map(|s| s.as_str().to_string()), cursor),
        );
        DeliveriesSection { deliveries, status, cursor, redeliver, send_test, replay }
    }
}

#[component]
pub fn SubscriptionDeliveries(subscription_id: String, section: DeliveriesSection) -> impl IntoView {
    let id = StoredValue::new(subscription_id);
    let DeliveriesSection { deliveries, status, cursor, redeliver, send_test, replay } = section;
    let window = RwSignal::new("24h".to_string());
    let on_replay = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let hours = REPLAY_WINDOWS.iter().find(|(key, ..)| *key == window.get_untracked()).map_or(24, |w| w.2);
        let since = (OffsetDateTime::now_utc() - time::Duration::hours(hours)).format(&Rfc3339).unwrap_or_default();
        replay.dispatch(ReplayFailed { id: id.get_value(), since });
    };
    let error = Signal::derive(move || {
        let errors = [
            redeliver.value().get().and_then(Result::err),
            send_test.value().get().and_then(Result::err),
            replay.value().get().and_then(Result::err),
        ];
        errors.into_iter().flatten().next().map(|error| error.to_string())
    });

    view! {
        <section class="panel" aria-labelledby="deliveries-title">
            <div class="section-head">
                <h2 id="deliveries-title">"Deliveries"</h2>
                <button
                    type="button"
                    class="btn btn-small"
                    disabled=move || send_test.pending().get()
                    on:click=move |_| {
                        send_test.dispatch(SendTestEvent { id: id.get_value() });
                    }
                >
                    {move || if send_test.pending().get() { "Sending…" } else { "Send test event" }}
                </button>
            </div>
            <p class="form-notice" role="status">
                {move || send_test.value().get().and_then(Result::ok).map(|sent| {
                    let href = format!("/events/{}", sent.event_id);
                    view! { "Test event sent: " <a class="mono" href=href>{sent.event_id}</a> }
                })}
            </p>
            <form class="replay-form" on:submit=on_replay>
                <label for="replay-window">"Send failed deliveries again from"</label>
                <select id="replay-window" on:change=move |ev| window.set(event_target_value(&ev))>
                    {REPLAY_WINDOWS.iter().map(|(key, label, _)| view! {
                        <option value=*key selected=*key == "24h">{*label}</option>
                    }).collect_view()}
                </select>
                <button type="submit" class="btn btn-small" disabled=move || replay.pending().get()>
                    {move || if replay.pending().get() { "Replaying…" } else { "Replay failed" }}
                </button>
                <span class="form-notice" role="status">
                    {move || replay.value().get().and_then(Result::ok).map(|queued| match queued.queued {
                        0 => "No failed deliveries in that window: nothing to send.".to_string(),
                        1 => "Queued 1 failed delivery to be sent again.".to_string(),
                        n => format!("Queued {n} failed deliveries to be sent again."),
                    })}
                </span>
            </form>
            <ActionError error />
            <StatusTabs status cursor />
            <Transition fallback=|| view! { <LoadingTable label="deliveries" /> }>
                {move || Suspend::new(async move {
                    match deliveries.await {
                        Ok(page) if page.data.is_empty() && cursor.with_untracked(Option::is_none) => {
                            let text = match status.get_untracked() {
                                None => "Nothing delivered to this endpoint yet. Send a test event to try it.",
                                Some(DeliveryStatus::Failed) => "No failed deliveries.",
                                Some(DeliveryStatus::Succeeded) => "No successful deliveries yet.",
                                Some(_) => "None.",
                            };
                            view! { <p class="muted tab-empty">{text}</p> }.into_any()
                        }
                        Ok(page) => view! {
                            <DeliveryTable deliveries=page.data redeliver />
                            <Pager cursor next=page.next_cursor />
                        }
                        .into_any(),
                        Err(error) => view! { <LoadError what="deliveries" error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// All / Failed / Succeeded: which of the subscription's deliveries the table lists.
#[component]
fn StatusTabs(status: RwSignal<Option<DeliveryStatus>>, cursor: RwSignal<Option<String>>) -> impl IntoView {
    const TABS: [(Option<DeliveryStatus>, &str); 3] =
        [(None, "All"), (Some(DeliveryStatus::Failed), "Failed"), (Some(DeliveryStatus::Succeeded), "Succeeded")];
    view! {
        <div class="segmented" role="group" aria-label="Show deliveries">
            {TABS
                .into_iter()
                .map(|(choice, label)| view! {
                    <button
                        type="button"
                        class="segment"
                        aria-pressed=move || (status.get() == choice).to_string()
                        on:click=move |_| {
                            cursor.set(None);
                            status.set(choice);
                        }
                    >
                        {label}
                    </button>
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn DeliveryTable(deliveries: Vec<Delivery>, redeliver: ServerAction<Redeliver>) -> impl IntoView {
    let rows = deliveries
        .into_iter()
        .map(|delivery| {
            let href = format!("/events/{}?delivery={}", delivery.event_id, delivery.id);
            let last = match delivery.last_status_code {
                Some(code) if (200..300).contains(&code) => {
                    view! { <span class="mono">{code.to_string()}</span> }.into_any()
                }
                Some(code) => view! { <span class="mono danger-text">{format!("HTTP {code}")}</span> }.into_any(),
                None => view! { <span class="muted">"—"</span> }.into_any(),
            };
            view! {
                <tr data-delivery=delivery.id.clone() data-status=delivery.status.as_str()>
                    <td data-label="Event" class="cell-primary">
                        <a class="cell-title mono" href=href>{delivery.event_type.clone().unwrap_or_default()}</a>
                        <span class="cell-sub mono">{delivery.event_id.clone()}</span>
                    </td>
                    <td data-label="Status"><DeliveryStatusChip status=delivery.status /></td>
                    <td data-label="Attempts">{delivery.attempts_made.to_string()}</td>
                    <td data-label="Last status">{last}</td>
                    <td data-label="Updated" class="cell-nowrap"><RelativeTime at=delivery.updated_at.clone() /></td>
                    <td class="cell-actions"><RedeliverButton delivery_id=delivery.id.clone() action=redeliver /></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <DataTable label="Deliveries" columns=&["Event", "Status", "Attempts", "Last status", "Updated", ACTIONS]>
            {rows}
        </DataTable>
    }
    .into_any()
}
