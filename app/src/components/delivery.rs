//! How a delivery's state is shown everywhere: a status chip, a per-event summary, the
//! outcome of one attempt, a success rate, and the Redeliver button.

use leptos::prelude::*;

use super::chip::{Chip, Tone};
use super::time::RelativeTime;
use crate::model::{AttemptErrorKind, DeliveryCounts, DeliveryStatus, DeliveryTotals, FailureSummary};
use crate::rpc::events::Redeliver;

pub fn status_tone(status: DeliveryStatus) -> Tone {
    match status {
        DeliveryStatus::Pending => Tone::Neutral,
        DeliveryStatus::Retrying => Tone::Warn,
        DeliveryStatus::Succeeded => Tone::Ok,
        DeliveryStatus::Failed => Tone::Danger,
    }
}

pub fn status_label(status: DeliveryStatus) -> &'static str {
    match status {
        DeliveryStatus::Pending => "Pending",
        DeliveryStatus::Retrying => "Retrying",
        DeliveryStatus::Succeeded => "Succeeded",
        DeliveryStatus::Failed => "Failed",
    }
}

#[component]
pub fn DeliveryStatusChip(status: DeliveryStatus) -> impl IntoView {
    view! { <Chip tone=status_tone(status) label=status_label(status) /> }
}

/// "2 succeeded · 1 failed", one chip per status present.
#[component]
pub fn DeliverySummary(counts: DeliveryCounts) -> impl IntoView {
    if counts.total() == 0 {
        return view! { <span class="faint">"No deliveries"</span> }.into_any();
    }
    let parts = [
        (DeliveryStatus::Failed, counts.failed),
        (DeliveryStatus::Retrying, counts.retrying),
        (DeliveryStatus::Pending, counts.pending),
        (DeliveryStatus::Succeeded, counts.succeeded),
    ];
    view! {
        <span class="chip-row">
            {parts
                .into_iter()
                .filter(|(_, count)| *count > 0)
                .map(|(status, count)| {
                    let label = format!("{count} {}", status_label(status).to_lowercase());
                    view! { <Chip tone=status_tone(status) label /> }
                })
                .collect_view()}
        </span>
    }
    .into_any()
}

/// An attempt's outcome in a few characters: the status code, or the kind of error.
pub fn outcome_text(status_code: Option<i64>, error_kind: Option<AttemptErrorKind>) -> String {
    match (status_code, error_kind) {
        (Some(code), _) => format!("HTTP {code}"),
        (None, Some(kind)) => kind.label().to_string(),
        (None, None) => "No answer".to_string(),
    }
}

/// "97.3 %", or "—" before any delivery ended.
pub fn success_rate_text(totals: &DeliveryTotals) -> String {
    totals
        .success_per_mille()
        .map_or_else(|| "—".to_string(), |per_mille| format!("{}.{} %", per_mille / 10, per_mille % 10))
}

/// Asks for a new attempt of `delivery_id` now; `action` is shared by the page so that it can
/// refresh what it shows when the request has been taken.
#[component]
pub fn RedeliverButton(delivery_id: String, action: ServerAction<Redeliver>) -> impl IntoView {
    let id = StoredValue::new(delivery_id);
    let this_pending = move || {
        action.pending().get() && action.input().with(|input| input.as_ref().is_some_and(|i| i.id == id.get_value()))
    };
    view! {
        <button
            type="button"
            class="btn btn-small"
            aria-label="Redeliver"
            disabled=this_pending
            on:click=move |_| {
                action.dispatch(Redeliver { id: id.get_value() });
            }
        >
            {move || if this_pending() { "Redelivering…" } else { "Redeliver" }}
        </button>
    }
}

/// A subscription's latest failed attempt: what it met, and when; "None" without one.
#[component]
pub fn LastFailure(failure: Option<FailureSummary>) -> impl IntoView {
    match failure {
        Some(failure) => view! {
            <span class="failure-cell">
                <Chip tone=Tone::Danger label=outcome_text(failure.status_code, Some(failure.error_kind)) />
                <RelativeTime at=failure.at />
            </span>
        }
        .into_any(),
        None => view! { <span class="muted">"None"</span> }.into_any(),
    }
}
