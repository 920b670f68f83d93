//! The overview: is delivery healthy, and if not, where and why. Every figure counts deliveries
//! (one event to one subscription) by where they stand now, and says so; attempts appear only
//! where a problem is described, beside the deliveries they belong to.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::chart::{DeliveriesChart, Sparkline};
use crate::components::chip::{Chip, Tone};
use crate::components::delivery::{outcome_text, success_rate_text, LastFailure};
use crate::components::first_run::{setup_hints, FirstRun};
use crate::components::live::use_live;
use crate::components::states::LoadError;
use crate::components::subscription::{SubscriptionName, SubscriptionStateChip};
use crate::components::table::DataTable;
use crate::components::time::{ClockTime, RelativeTime};
use crate::model::{DeliveryStatus, DeliveryTotals, EventsQuery, FailureGroup, Overview, SubscriptionHealth};
use crate::rpc::overview::get_overview;
use crate::rpc::subscriptions::ReplayFailed;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let live = use_live();
    let replay = ServerAction::<ReplayFailed>::new();
    let overview = Resource::new(move || (live.changes.get(), replay.version().get()), |_| get_overview());
    let hints = setup_hints();
    view! {
        <Title text="Overview" />
        <div class="page-header page-header-row">
            <div class="page-header">
                <h1>"Overview"</h1>
                <p class="page-lede">"The last 24 hours of delivery: is it healthy, and if not, where and why."</p>
            </div>
        </div>
        <Transition fallback=|| view! { <OverviewLoading /> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) if !overview.has_events => view! { <FirstRun hints /> }.into_any(),
                    Ok(overview) => view! { <Dashboard overview replay /> }.into_any(),
                    Err(error) => view! { <LoadError what="the overview" error /> }.into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

#[component]
fn OverviewLoading() -> impl IntoView {
    view! {
        <div class="stat-row" aria-busy="true">
            <p class="visually-hidden" role="status">"Loading the overview…"</p>
            {(0..4).map(|_| view! { <div class="panel stat"><span class="skeleton skeleton-text" aria-hidden="true"></span></div> }).collect_view()}
        </div>
    }
}

/// Green when nothing failed, amber from 95 %, red below.
fn rate_class(totals: &DeliveryTotals) -> &'static str {
    match totals.success_per_mille() {
        None => "",
        Some(_) if totals.failed == 0 => "stat-ok",
        Some(per_mille) if per_mille >= 950 => "stat-warn",
        Some(_) => "stat-danger",
    }
}

#[component]
fn Dashboard(overview: Overview, replay: ServerAction<ReplayFailed>) -> impl IntoView {
    let totals = overview.totals;
    let ended = totals.succeeded + totals.failed;
    let since_day = overview.hours.first().map(|hour| hour.start.clone());
    let status_href = move |status: DeliveryStatus| {
        EventsQuery { status: Some(status.as_str().to_string()), since: since_day.clone(), ..Default::default() }.href()
    };
    view! {
        <div class="stat-row stat-row-4">
            <div class="panel stat">
                <span class="stat-label">"Delivery success"</span>
                <span class=format!("stat-value {}", rate_class(&totals)) data-stat="success-rate">{success_rate_text(&totals)}</span>
                <span class="muted">{format!("of {ended} deliveries that ended")}</span>
            </div>
            <a class="panel stat stat-link" href=status_href(DeliveryStatus::Succeeded)>
                <span class="stat-label">"Delivered"</span>
                <span class="stat-value" data-stat="succeeded">{totals.succeeded.to_string()}</span>
                <span class="muted">"deliveries"</span>
            </a>
            <a class="panel stat stat-link" href=status_href(DeliveryStatus::Failed)>
                <span class="stat-label">"Failed"</span>
                <span class="stat-value" class:stat-danger={totals.failed > 0} data-stat="failed">{totals.failed.to_string()}</span>
                <span class="muted">"deliveries, every retry used"</span>
            </a>
            <div class="panel stat">
                <span class="stat-label">"In progress"</span>
                <span class="stat-value" data-stat="in-progress">{totals.in_progress.to_string()}</span>
                <span class="muted">"deliveries waiting for an attempt"</span>
            </div>
        </div>
        <SubscriptionsHealth subscriptions=overview.subscriptions />
        <Failures failures=overview.failures replay />
        <section class="panel" aria-labelledby="chart-title">
            <div class="section-head">
                <h2 id="chart-title">"Deliveries per hour"</h2>
                <span class="muted">"By the hour each event was published, and where its delivery stands now"</span>
            </div>
            <DeliveriesChart hours=overview.hours />
        </section>
    }
}

/// Every subscription's last 24 hours, those needing attention first.
#[component]
fn SubscriptionsHealth(subscriptions: Vec<SubscriptionHealth>) -> impl IntoView {
    let body = if subscriptions.is_empty() {
        view! {
            <p class="muted">
                "No subscriptions yet: events are kept, but go nowhere. "
                <a href="/subscriptions/new">"Add a subscription"</a>
            </p>
        }
        .into_any()
    } else {
        let rows = subscriptions.into_iter().map(|s| view! { <HealthRow subscription=s /> }).collect_view();
        view! {
            <DataTable
                label="Subscriptions in the last 24 hours"
                columns=&["Subscription", "State", "Success", "Delivered", "Failed", "Last failure", "24 h"]
            >
                {rows}
            </DataTable>
        }
        .into_any()
    };
    view! {
        <section class="panel panel-flush" aria-labelledby="health-title">
            <div class="section-head">
                <h2 id="health-title">"Subscriptions"</h2>
                <span class="muted">"Deliveries in the last 24 hours, by outcome"</span>
            </div>
            {body}
        </section>
    }
}

#[component]
fn HealthRow(subscription: SubscriptionHealth) -> impl IntoView {
    let s = subscription;
    let failing = s.failing_since.is_some();
    let note = match (s.enabled, &s.failing_since, &s.disables_at) {
        (true, Some(since), Some(at)) => Some(view! {
            <span class="cell-sub">
                "Failing since "<ClockTime at=since.clone() />"; disabled "<RelativeTime at=at.clone() />" unless a delivery succeeds"
            </span>
        }
        .into_any()),
        (false, ..) => Some(view! { <span class="cell-sub">"Nothing is sent until it is enabled again"</span> }.into_any()),
        _ => None,
    };
    let events_href = EventsQuery { subscription: Some(s.id.clone()), ..Default::default() }.href();
    let failed_href = EventsQuery {
        subscription: Some(s.id.clone()),
        status: Some(DeliveryStatus::Failed.as_str().to_string()),
        ..Default::default()
    }
    .href();
    let ended = s.totals.succeeded + s.totals.failed;
    let rate = if ended == 0 && s.totals.in_progress == 0 {
        view! { <span class="muted">"No deliveries"</span> }.into_any()
    } else {
        view! { <span class=format!("rate {}", rate_class(&s.totals))>{success_rate_text(&s.totals)}</span> }.into_any()
    };
    view! {
        <tr data-subscription=s.id.clone()>
            <td data-label="Subscription" class="cell-primary">
                <SubscriptionName id=s.id.clone() description=s.description url=s.url />
                {note}
            </td>
            <td data-label="State"><SubscriptionStateChip enabled=s.enabled disabled_reason=s.disabled_reason failing /></td>
            <td data-label="Success" class="cell-number">{rate}</td>
            <td data-label="Delivered" class="cell-number"><a href=events_href>{s.totals.succeeded.to_string()}</a></td>
            <td data-label="Failed" class="cell-number">
                {if s.totals.failed > 0 {
                    view! { <a class="danger-text" href=failed_href>{s.totals.failed.to_string()}</a> }.into_any()
                } else {
                    view! { <span>"0"</span> }.into_any()
                }}
            </td>
            <td data-label="Last failure"><LastFailure failure=s.last_failure /></td>
            <td data-label="24 h"><Sparkline hours=s.trend /></td>
        </tr>
    }
}

/// Failed attempts grouped by subscription and by what they met: one line a problem, not one
/// a delivery.
#[component]
fn Failures(failures: Vec<FailureGroup>, replay: ServerAction<ReplayFailed>) -> impl IntoView {
    let body = if failures.is_empty() {
        view! { <p class="muted">"No failed attempts in the last 24 hours."</p> }.into_any()
    } else {
        view! {
            <ul class="issue-list">
                {failures.into_iter().map(|group| view! { <FailureLine group replay /> }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let queued = move || {
        replay.value().get().map(|result| match result {
            Ok(done) if done.queued == 1 => view! { <p class="notice" role="status">"Queued 1 failed delivery to be sent again."</p> }.into_any(),
            Ok(done) => view! { <p class="notice" role="status">{format!("Queued {} failed deliveries to be sent again.", done.queued)}</p> }.into_any(),
            Err(error) => view! { <p class="inline-error" role="alert">{error.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <section class="panel" aria-labelledby="failures-title">
            <div class="section-head">
                <h2 id="failures-title">"What is failing"</h2>
                <span class="muted">"Failed attempts in the last 24 hours, by subscription and answer"</span>
            </div>
            {queued}
            {body}
        </section>
    }
}

#[component]
fn FailureLine(group: FailureGroup, replay: ServerAction<ReplayFailed>) -> impl IntoView {
    let attempt_href =
        format!("/events/{}?delivery={}&attempt={}", group.event_id, group.delivery_id, group.attempt_id);
    let view_href = EventsQuery {
        subscription: Some(group.subscription_id.clone()),
        status: Some(DeliveryStatus::Failed.as_str().to_string()),
        ..Default::default()
    }
    .href();
    let id = StoredValue::new(group.subscription_id.clone());
    let since = StoredValue::new(group.since.clone());
    let outcome = outcome_text(group.latest.status_code, Some(group.latest.error_kind));
    let counts = format!(
        "{} {} · {} {}",
        group.deliveries,
        if group.deliveries == 1 { "delivery" } else { "deliveries" },
        group.attempts,
        if group.attempts == 1 { "attempt" } else { "attempts" }
    );
    let message = group.latest.error_message.clone();
    let deleted = group.subscription_url.is_empty();
    view! {
        <li class="failure-group">
            <div class="issue-head">
                <SubscriptionName id=group.subscription_id.clone() description=group.subscription_description url=group.subscription_url />
                <Chip tone=Tone::Danger label=outcome />
            </div>
            <p class="failure-facts">
                <span>{counts}</span>
                " · since "<ClockTime at=group.since.clone() />
                " · last "<RelativeTime at=group.latest.at.clone() />
            </p>
            {(!message.is_empty()).then(|| view! { <p class="failure-message mono">{message}</p> })}
            <div class="failure-actions">
                <a class="btn btn-small" href=attempt_href>"Latest attempt"</a>
                <a class="btn btn-small" href=view_href>"Failed deliveries"</a>
                {(!deleted).then(|| view! {
                    <button
                        type="button"
                        class="btn btn-small"
                        disabled=move || replay.pending().get()
                        title="Send every failed delivery of this subscription since the first of these attempts again"
                        on:click=move |_| {
                            replay.dispatch(ReplayFailed { id: id.get_value(), since: since.get_value() });
                        }
                    >
                        "Replay failed"
                    </button>
                })}
            </div>
        </li>
    }
}
