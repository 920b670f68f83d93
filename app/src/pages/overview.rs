//! The overview: is delivery healthy, and if not, where and why.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::components::chart::AttemptsChart;
use crate::components::chip::{Chip, Tone};
use crate::components::delivery::outcome_text;
use crate::components::first_run::{setup_hints, FirstRun};
use crate::components::live::{use_live, LiveIndicator};
use crate::components::states::LoadError;
use crate::components::time::RelativeTime;
use crate::model::{Overview, RecentFailure, TroubledSubscription};
use crate::rpc::overview::get_overview;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let live = use_live();
    let overview = Resource::new(move || live.changes.get(), |_| get_overview());
    let hints = setup_hints();
    view! {
        <Title text="Overview" />
        <div class="page-header page-header-row">
            <div class="page-header">
                <h1>"Overview"</h1>
                <p class="page-lede">"The last 24 hours of delivery: is it healthy, and if not, where and why."</p>
            </div>
            <LiveIndicator />
        </div>
        <Transition fallback=|| view! { <OverviewLoading /> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(overview) if !overview.has_events => view! { <FirstRun hints /> }.into_any(),
                    Ok(overview) => view! { <Dashboard overview /> }.into_any(),
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
            {(0..3).map(|_| view! { <div class="panel stat"><span class="skeleton skeleton-text" aria-hidden="true"></span></div> }).collect_view()}
        </div>
    }
}

#[component]
fn Dashboard(overview: Overview) -> impl IntoView {
    let total = overview.succeeded + overview.failed;
    let any_failed = overview.failed > 0;
    let rate = if total == 0 {
        "—".to_string()
    } else {
        // One decimal, never rounded up to a 100% that hides a failure.
        let per_mille = overview.succeeded * 1000 / total;
        format!("{}.{}%", per_mille / 10, per_mille % 10)
    };
    let rate_tone = match (total, overview.failed) {
        (0, _) => "stat-value",
        (_, 0) => "stat-value stat-ok",
        _ if overview.succeeded * 100 >= total * 95 => "stat-value stat-warn",
        _ => "stat-value stat-danger",
    };
    view! {
        <div class="stat-row">
            <div class="panel stat">
                <span class="stat-label">"Success rate"</span>
                <span class=rate_tone data-stat="success-rate">{rate}</span>
                <span class="muted">"of attempts, last 24 h"</span>
            </div>
            <div class="panel stat">
                <span class="stat-label">"Succeeded"</span>
                <span class="stat-value" data-stat="succeeded">{overview.succeeded.to_string()}</span>
                <span class="muted">"attempts"</span>
            </div>
            <div class="panel stat">
                <span class="stat-label">"Failed"</span>
                <span class="stat-value" class:stat-danger=any_failed data-stat="failed">{overview.failed.to_string()}</span>
                <span class="muted">"attempts"</span>
            </div>
        </div>
        <section class="panel" aria-labelledby="chart-title">
            <h2 id="chart-title">"Attempts per hour"</h2>
            <AttemptsChart hours=overview.hours />
        </section>
        <div class="overview-grid">
            <Troubled subscriptions=overview.troubled />
            <RecentFailures failures=overview.recent_failures />
        </div>
    }
}

#[component]
fn Troubled(subscriptions: Vec<TroubledSubscription>) -> impl IntoView {
    let body = if subscriptions.is_empty() {
        view! { <p class="muted">"Every subscription is enabled and delivering."</p> }.into_any()
    } else {
        view! {
            <ul class="issue-list">
                {subscriptions.into_iter().map(|s| {
                    let href = format!("/subscriptions/{}", s.id);
                    let state = match (&s.disabled_reason, &s.disables_at) {
                        (Some(reason), _) => view! { <Chip tone=Tone::Danger label=reason.explain() /> }.into_any(),
                        (None, _) if !s.enabled => view! { <Chip tone=Tone::Neutral label="Disabled" /> }.into_any(),
                        (None, _) => view! { <Chip tone=Tone::Warn label="Failing" /> }.into_any(),
                    };
                    let detail = match (s.enabled, s.failing_since.clone(), s.disables_at.clone()) {
                        (true, Some(since), Some(at)) => view! {
                            <span class="muted">
                                "Failing since "<RelativeTime at=since />"; disabled "<RelativeTime at=at.clone() />
                                " ("<span class="mono">{at}</span>") unless a delivery succeeds first."
                            </span>
                        }.into_any(),
                        _ => view! { <span class="muted">"Nothing is delivered to it until it is enabled again."</span> }.into_any(),
                    };
                    view! {
                        <li>
                            <div class="issue-head">
                                <a class="mono url" href=href>{s.url}</a>
                                {state}
                            </div>
                            {detail}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="troubled-title">
            <h2 id="troubled-title">"Subscriptions needing attention"</h2>
            {body}
        </section>
    }
}

#[component]
fn RecentFailures(failures: Vec<RecentFailure>) -> impl IntoView {
    let body = if failures.is_empty() {
        view! { <p class="muted">"No failed attempts in the last 24 hours."</p> }.into_any()
    } else {
        view! {
            <ul class="issue-list">
                {failures.into_iter().map(|f| {
                    let href = format!("/events/{}?delivery={}&attempt={}", f.event_id, f.delivery_id, f.attempt_id);
                    let outcome = outcome_text(f.status_code, Some(f.error_kind));
                    view! {
                        <li>
                            <div class="issue-head">
                                <a class="mono" href=href>{f.event_type}</a>
                                <Chip tone=Tone::Danger label=outcome />
                                <RelativeTime at=f.at />
                            </div>
                            <span class="muted mono url">{f.subscription_url}</span>
                            {(!f.error_message.is_empty()).then(|| view! { <span class="faint">{f.error_message}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="failures-title">
            <h2 id="failures-title">"Recent failures"</h2>
            {body}
        </section>
    }
}
