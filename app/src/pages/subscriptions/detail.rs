//! One subscription: how it is doing and its deliveries first, then its settings, signing
//! secret and headers behind tabs, and what can be done to it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::deliveries::{DeliveriesSection, SubscriptionDeliveries};
use super::{live_subscription, EventTypeTags, LiveSubscription, LiveSubscriptionStatus};
use crate::components::chart::Sparkline;
use crate::components::confirm::ConfirmButton;
use crate::components::copy::{select_on_focus, CopyButton};
use crate::components::delivery::{success_rate_text, LastFailure};
use crate::components::live::use_live;
use crate::components::states::{ActionError, LoadError};
use crate::components::subscription::WrappingUrl;
use crate::components::time::{ClockTime, RelativeTime};
use crate::error::AppError;
use crate::model::{Subscription, SubscriptionHealth};
use crate::rpc::overview::get_subscription_health;
use crate::rpc::subscriptions::{
    get_subscription, DeleteSubscription, RevealSubscriptionSecret, RotateSubscriptionSecret, SetSubscriptionEnabled,
};

#[component]
pub fn SubscriptionDetailPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let toggle = ServerAction::<SetSubscriptionEnabled>::new();
    let subscription = Resource::new(move || (id(), toggle.version().get()), |(id, _)| get_subscription(id));
    let current = live_subscription(id, toggle);
    let deliveries = DeliveriesSection::new(id);
    let live = use_live();
    let health = Resource::new(
        move || (id(), live.changes.get(), toggle.version().get()),
        |(id, ..)| get_subscription_health(id),
    );

    view! {
        <Title text="Subscription" />
        <Transition fallback=|| view! { <DetailLoading /> }>
            {move || Suspend::new(async move {
                match subscription.await {
                    Ok(subscription) => view! { <Detail subscription current health deliveries toggle /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFound /> }.into_any(),
                    Err(error) => view! {
                        <div class="page-header">
                            <a class="breadcrumb" href="/subscriptions">"Subscriptions"</a>
                            <h1>"Subscription"</h1>
                        </div>
                        <LoadError what="the subscription" error />
                    }
                        .into_any(),
                }
            })}
        </Transition>
    }
    .into_any()
}

/// What an unknown or deleted subscription's address shows.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <div class="page-header">
            <a class="breadcrumb" href="/subscriptions">"Subscriptions"</a>
            <h1>"Subscription not found"</h1>
        </div>
        <section class="panel empty-state" aria-label="Subscription not found">
            <p>"There is no subscription at this address in your account. It may have been deleted, or the link may be mistyped."</p>
            <p><a class="btn" href="/subscriptions">"See all subscriptions"</a></p>
        </section>
    }
    .into_any()
}

#[component]
fn DetailLoading() -> impl IntoView {
    view! {
        <div class="page-header" aria-busy="true">
            <span class="skeleton skeleton-text skeleton-title" aria-hidden="true"></span>
            <p class="muted" role="status">"Loading…"</p>
        </div>
    }
    .into_any()
}

#[component]
fn Detail(
    subscription: Subscription,
    current: LiveSubscription,
    health: Resource<Result<SubscriptionHealth, AppError>>,
    deliveries: DeliveriesSection,
    toggle: ServerAction<SetSubscriptionEnabled>,
) -> impl IntoView {
    let delete = ServerAction::<DeleteSubscription>::new();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/subscriptions", Default::default());
        }
    });
    let action_error = Signal::derive(move || {
        let toggle_error = toggle.value().get().and_then(Result::err);
        let delete_error = delete.value().get().and_then(Result::err);
        toggle_error.or(delete_error).map(|error| error.to_string())
    });

    let id = subscription.id.clone();
    let enabled = subscription.enabled;
    let edit_href = format!("/subscriptions/{id}/edit");
    let on_toggle = {
        let id = id.clone();
        move |_| {
            toggle.dispatch(SetSubscriptionEnabled { id: id.clone(), enabled: !enabled });
        }
    };
    let on_delete = {
        let id = id.clone();
        move |_| {
            delete.dispatch(DeleteSubscription { id: id.clone() });
        }
    };
    // Named by its description, the URL under it; by its URL when it has none.
    let title = if subscription.description.is_empty() {
        view! { <h1 class="mono url title-url"><WrappingUrl url=subscription.url.clone() /></h1> }.into_any()
    } else {
        view! { <h1>{subscription.description.clone()}</h1> }.into_any()
    };
    let url_line = (!subscription.description.is_empty())
        .then(|| view! { <p class="title-sub mono"><WrappingUrl url=subscription.url.clone() /></p> });
    let tab = RwSignal::new(Tab::Details);

    view! {
        <div class="page-header page-header-row">
            <div class="page-header">
                <a class="breadcrumb" href="/subscriptions">"Subscriptions"</a>
                <div class="title-row">
                    {title}
                    <LiveSubscriptionStatus subscription=subscription.clone() current />
                </div>
                {url_line}
            </div>
            <div class="header-actions">
                <a class="btn" href=edit_href>"Edit"</a>
                <button type="button" class="btn" disabled=move || toggle.pending().get() on:click=on_toggle>
                    {if enabled { "Disable" } else { "Enable" }}
                </button>
                <ConfirmButton
                    label="Delete"
                    aria_label="Delete subscription"
                    class="btn btn-danger-outline"
                    message="Delete this subscription? Hookrelay stops delivering to it at once. This cannot be undone."
                    confirm_label="Delete permanently"
                    pending=delete.pending()
                    on_confirm=on_delete
                />
            </div>
        </div>
        <ActionError error=action_error />
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                health.await.ok().map(|health| view! { <HealthPanel health /> })
            })}
        </Transition>
        <SubscriptionDeliveries subscription_id=id.clone() section=deliveries />
        <div class="tabs" role="tablist" aria-label="About this subscription">
            {[Tab::Details, Tab::Secret, Tab::Headers].into_iter().map(|this| view! {
                <button
                    type="button"
                    role="tab"
                    class="tab"
                    id=this.tab_id()
                    aria-controls=this.panel_id()
                    aria-selected=move || (tab.get() == this).to_string()
                    on:click=move |_| tab.set(this)
                >
                    {this.label()}
                </button>
            }).collect_view()}
        </div>
        <div role="tabpanel" id={Tab::Details.panel_id()} aria-labelledby={Tab::Details.tab_id()} hidden={move || tab.get() != Tab::Details}>
            <Settings subscription=subscription.clone() current />
        </div>
        <div role="tabpanel" id={Tab::Secret.panel_id()} aria-labelledby={Tab::Secret.tab_id()} hidden={move || tab.get() != Tab::Secret}>
            <SigningSecret id=id.clone() />
        </div>
        <div role="tabpanel" id={Tab::Headers.panel_id()} aria-labelledby={Tab::Headers.tab_id()} hidden={move || tab.get() != Tab::Headers}>
            <Headers subscription />
        </div>
    }
}

/// The page's secondary sections, one shown at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tab {
    Details,
    Secret,
    Headers,
}

impl Tab {
    fn label(self) -> &'static str {
        match self {
            Tab::Details => "Details",
            Tab::Secret => "Signing secret",
            Tab::Headers => "Custom headers",
        }
    }

    fn tab_id(self) -> &'static str {
        match self {
            Tab::Details => "tab-details",
            Tab::Secret => "tab-secret",
            Tab::Headers => "tab-headers",
        }
    }

    fn panel_id(self) -> &'static str {
        match self {
            Tab::Details => "panel-details",
            Tab::Secret => "panel-secret",
            Tab::Headers => "panel-headers",
        }
    }
}

/// How the subscription did in the last 24 hours, and what happens next if it keeps failing.
#[component]
fn HealthPanel(health: SubscriptionHealth) -> impl IntoView {
    let (class, sentence) = match (health.enabled, &health.failing_since, &health.disables_at) {
        (true, Some(since), Some(at)) => (
            "panel health-panel health-warn",
            view! {
                <p class="health-sentence">
                    <strong>"Failing since "<ClockTime at=since.clone() />". "</strong>
                    "It is disabled "<RelativeTime at=at.clone() />" ("<ClockTime at=at.clone() />
                    ") unless a delivery succeeds first."
                </p>
            }
            .into_any(),
        ),
        (false, ..) => (
            "panel health-panel health-danger",
            view! {
                <p class="health-sentence">
                    <strong>{health.disabled_reason.map_or("Disabled", |reason| reason.explain())}". "</strong>
                    "Nothing is delivered to it until it is enabled again."
                </p>
            }
            .into_any(),
        ),
        _ => (
            "panel health-panel",
            view! { <p class="health-sentence">"Hookrelay delivers matching events to this endpoint."</p> }.into_any(),
        ),
    };
    let totals = health.totals;
    view! {
        <section class=class aria-labelledby="health-title">
            <h2 id="health-title" class="visually-hidden">"Health"</h2>
            {sentence}
            <dl class="health-figures">
                <div><dt>"Success, 24 h"</dt><dd data-stat="success-rate">{success_rate_text(&totals)}</dd></div>
                <div><dt>"Delivered"</dt><dd>{totals.succeeded.to_string()}</dd></div>
                <div><dt>"Failed"</dt><dd class:danger-text={totals.failed > 0}>{totals.failed.to_string()}</dd></div>
                <div><dt>"In progress"</dt><dd>{totals.in_progress.to_string()}</dd></div>
                <div><dt>"Last failure"</dt><dd><LastFailure failure=health.last_failure /></dd></div>
                <div><dt>"Deliveries per hour"</dt><dd><Sparkline hours=health.trend /></dd></div>
            </dl>
        </section>
    }
}

#[component]
fn Settings(subscription: Subscription, current: LiveSubscription) -> impl IntoView {
    let id = subscription.id.clone();
    let url = subscription.url.clone();
    let status_detail = if subscription.enabled {
        "Hookrelay delivers matching events to this endpoint."
    } else {
        "Nothing is delivered until it is enabled again."
    };
    view! {
        <section class="panel" aria-labelledby="settings-title">
            <h2 id="settings-title">"Details"</h2>
            <dl class="details">
                <div>
                    <dt>"Status"</dt>
                    <dd class="dd-stack">
                        <LiveSubscriptionStatus subscription=subscription.clone() current />
                        <span class="muted">{status_detail}</span>
                    </dd>
                </div>
                <div>
                    <dt>"Endpoint URL"</dt>
                    <dd class="value-copy">
                        <span class="mono url">{url.clone()}</span>
                        <CopyButton value=Signal::stored(url) what="endpoint URL" />
                    </dd>
                </div>
                <div>
                    <dt>"Subscription ID"</dt>
                    <dd class="value-copy">
                        <span class="mono">{id.clone()}</span>
                        <CopyButton value=Signal::stored(id) what="subscription ID" />
                    </dd>
                </div>
                <div>
                    <dt>"Event types"</dt>
                    <dd><EventTypeTags types=subscription.event_types.clone() all_label="All event types" /></dd>
                </div>
                {subscription.webhook_id.clone().map(|webhook_id| view! {
                    <div>
                        <dt>"Webhook ID"</dt>
                        <dd class="mono">{webhook_id}</dd>
                    </div>
                })}
                <div>
                    <dt>"Created"</dt>
                    <dd><RelativeTime at=subscription.created_at.clone() /></dd>
                </div>
                <div>
                    <dt>"Updated"</dt>
                    <dd><RelativeTime at=subscription.updated_at.clone() /></dd>
                </div>
            </dl>
        </section>
    }
    .into_any()
}

#[component]
fn SigningSecret(id: String) -> impl IntoView {
    let reveal = ServerAction::<RevealSubscriptionSecret>::new();
    let rotate = ServerAction::<RotateSubscriptionSecret>::new();
    let shown = RwSignal::new(None::<String>);
    let rotated = RwSignal::new(false);
    Effect::new(move |_| {
        if let Some(Ok(secret)) = reveal.value().get() {
            shown.set(Some(secret.secret));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(secret)) = rotate.value().get() {
            shown.set(Some(secret.secret));
            rotated.set(true);
        }
    });
    let error = Signal::derive(move || {
        let reveal_error = reveal.value().get().and_then(Result::err);
        let rotate_error = rotate.value().get().and_then(Result::err);
        reveal_error.or(rotate_error).map(|error| error.to_string())
    });
    let id = StoredValue::new(id);
    let secret_text = Signal::derive(move || shown.get().unwrap_or_default());

    view! {
        <section class="panel" aria-labelledby="secret-title">
            <h2 id="secret-title">"Signing secret"</h2>
            <p class="muted section-lede">
                "Every delivery is signed with this secret (Standard Webhooks). Your endpoint uses it to check
                that a request really comes from Hookrelay."
            </p>
            <ActionError error />
            {move || match shown.get() {
                Some(secret) => view! {
                    <div class="secret-row secret-row-stacked">
                        <input
                            class="secret-input mono"
                            type="text"
                            readonly=true
                            spellcheck="false"
                            aria-labelledby="secret-title"
                            prop:value=secret
                            on:focus=select_on_focus
                        />
                        <CopyButton value=secret_text what="signing secret" />
                        <button type="button" class="btn btn-small btn-ghost" on:click=move |_| shown.set(None)>
                            "Hide"
                        </button>
                    </div>
                }
                    .into_any(),
                None => view! {
                    <div class="secret-row">
                        <span class="secret-masked mono" aria-hidden="true">"whsec_••••••••••••••••••••"</span>
                        <span class="visually-hidden">"The secret is hidden."</span>
                        <button
                            type="button"
                            class="btn btn-small"
                            disabled=move || reveal.pending().get()
                            on:click=move |_| {
                                reveal.dispatch(RevealSubscriptionSecret { id: id.get_value() });
                            }
                        >
                            {move || if reveal.pending().get() { "Revealing…" } else { "Reveal" }}
                        </button>
                    </div>
                }
                    .into_any(),
            }}
            <p class="form-notice" role="status">
                {move || rotated.get().then_some(
                    "New secret created. The previous secret keeps signing alongside it for 24 hours.",
                )}
            </p>
            <div class="section-actions">
                <ConfirmButton
                    label="Rotate secret"
                    message="Create a new signing secret? For the next 24 hours every delivery is signed with both the old and the new secret, so update your endpoint before then."
                    confirm_label="Rotate now"
                    pending=rotate.pending()
                    on_confirm=move |_| {
                        rotate.dispatch(RotateSubscriptionSecret { id: id.get_value() });
                    }
                />
            </div>
        </section>
    }
    .into_any()
}

#[component]
fn Headers(subscription: Subscription) -> impl IntoView {
    let body = if subscription.headers.is_empty() {
        view! { <p class="muted">"No custom headers. Add some by editing the subscription."</p> }.into_any()
    } else {
        view! {
            <dl class="header-list">
                {subscription
                    .headers
                    .into_iter()
                    .map(|(name, value)| view! {
                        <div>
                            <dt class="mono">{name}</dt>
                            <dd class="mono">{value}</dd>
                        </div>
                    })
                    .collect_view()}
            </dl>
        }
        .into_any()
    };
    view! {
        <section class="panel" aria-labelledby="headers-title">
            <h2 id="headers-title">"Custom headers"</h2>
            {body}
        </section>
    }
    .into_any()
}
