//! One subscription: its settings, its signing secret, and what can be done to it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::deliveries::{DeliveriesSection, SubscriptionDeliveries};
use super::{live_subscription, EventTypeTags, LiveSubscription, LiveSubscriptionStatus};
use crate::components::confirm::ConfirmButton;
use crate::components::copy::{select_on_focus, CopyButton};
use crate::components::states::{ActionError, LoadError};
use crate::components::time::RelativeTime;
use crate::error::AppError;
use crate::model::Subscription;
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

    view! {
        <Title text="Subscription" />
        <Transition fallback=|| view! { <DetailLoading /> }>
            {move || Suspend::new(async move {
                match subscription.await {
                    Ok(subscription) => view! { <Detail subscription current deliveries toggle /> }.into_any(),
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
    let description = (!subscription.description.is_empty())
        .then(|| view! { <p class="page-lede">{subscription.description.clone()}</p> });

    view! {
        <div class="page-header page-header-row">
            <div class="page-header">
                <a class="breadcrumb" href="/subscriptions">"Subscriptions"</a>
                <div class="title-row">
                    <h1 class="mono url title-url">{subscription.url.clone()}</h1>
                    <LiveSubscriptionStatus subscription=subscription.clone() current />
                </div>
                {description}
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
        <div class="detail-grid">
            <Settings subscription=subscription.clone() current />
            <div class="detail-side">
                <SigningSecret id=id.clone() />
                <Headers subscription />
            </div>
        </div>
        <SubscriptionDeliveries subscription_id=id.clone() section=deliveries />
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
                    <dt>"Description"</dt>
                    <dd>
                        {if subscription.description.is_empty() {
                            view! { <span class="faint">"None"</span> }.into_any()
                        } else {
                            view! { <span>{subscription.description.clone()}</span> }.into_any()
                        }}
                    </dd>
                </div>
                <div>
                    <dt>"Event types"</dt>
                    <dd><EventTypeTags types=subscription.event_types.clone() all_label="All event types" /></dd>
                </div>
                <div>
                    <dt>"Webhook ID"</dt>
                    <dd>
                        {match subscription.webhook_id.clone() {
                            Some(webhook_id) => view! { <span class="mono">{webhook_id}</span> }.into_any(),
                            None => view! { <span class="faint">"None"</span> }.into_any(),
                        }}
                    </dd>
                </div>
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
