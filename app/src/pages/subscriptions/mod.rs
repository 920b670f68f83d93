//! Subscriptions: the list, the create and edit form, and the detail page.

mod deliveries;
mod detail;
mod form;
mod list;

pub use detail::SubscriptionDetailPage;
pub use form::{EditSubscriptionPage, NewSubscriptionPage};
pub use list::SubscriptionsPage;

use leptos::prelude::*;

use crate::components::chip::{Chip, Tone};
use crate::components::live::use_live;
use crate::model::{DisabledReason, Subscription};
use crate::rpc::subscriptions::get_subscription;

/// "Enabled", or why it is not, in words and colour.
#[component]
fn SubscriptionStatus(subscription: Subscription) -> impl IntoView {
    let (tone, label) = match (subscription.enabled, subscription.disabled_reason) {
        // Still enabled, but its deliveries have been failing since `failing_since`.
        (true, _) if subscription.failing_since.is_some() => (Tone::Warn, "Enabled, failing"),
        (true, _) => (Tone::Ok, "Enabled"),
        (false, Some(DisabledReason::Manual)) => (Tone::Neutral, DisabledReason::Manual.explain()),
        (false, Some(reason)) => (Tone::Danger, reason.explain()),
        (false, None) => (Tone::Neutral, "Disabled"),
    };
    view! { <Chip tone label /> }
}

/// The status chip of a page that stays open: re-read whenever the account's deliveries change,
/// since a failure or a success can change it (failing, disabled as gone or failing).
#[component]
fn LiveSubscriptionStatus(subscription: Subscription) -> impl IntoView {
    let live = use_live();
    let initial = StoredValue::new(subscription);
    let current = Resource::new(
        move || live.changes.get(),
        move |changes| async move {
            match changes {
                // What the page was drawn with is current until something changes.
                0 => Ok(initial.get_value()),
                _ => get_subscription(initial.get_value().id).await,
            }
        },
    );
    view! {
        <Transition fallback=move || view! { <SubscriptionStatus subscription=initial.get_value() /> }>
            {move || Suspend::new(async move {
                let subscription = current.await.unwrap_or_else(|_| initial.get_value());
                view! { <SubscriptionStatus subscription /> }
            })}
        </Transition>
    }
}

/// The event types a subscription receives, as monospace tags, or "All types".
#[component]
fn EventTypeTags(types: Vec<String>, #[prop(default = "All types")] all_label: &'static str) -> impl IntoView {
    if types.is_empty() {
        return view! { <span class="muted">{all_label}</span> }.into_any();
    }
    view! {
        <ul class="tag-list">
            {types.into_iter().map(|name| view! { <li class="tag mono">{name}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}
