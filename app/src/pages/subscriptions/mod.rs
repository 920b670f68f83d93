//! Subscriptions: the list, the create and edit form, and the detail page.

mod deliveries;
mod detail;
mod form;
mod list;

pub use detail::SubscriptionDetailPage;
pub use form::{EditSubscriptionPage, NewSubscriptionPage};
pub use list::SubscriptionsPage;

use leptos::prelude::*;

use crate::components::live::use_live;
use crate::components::subscription::SubscriptionStateChip;
use crate::error::AppError;
use crate::model::Subscription;
use crate::rpc::subscriptions::{get_subscription, SetSubscriptionEnabled};

/// "Enabled", or why it is not, in words and colour.
#[component]
fn SubscriptionStatus(subscription: Subscription) -> impl IntoView {
    view! {
        <SubscriptionStateChip
            enabled=subscription.enabled
            disabled_reason=subscription.disabled_reason
            failing=subscription.failing_since.is_some()
        />
    }
}

/// The subscription as re-read after the account's deliveries changed (a failure or a success
/// can change its status: failing, disabled as gone or failing) or the page's own toggle ran;
/// `None` until then, while the page's own copy is current. Created by the page (see
/// `crate::pages`).
pub(super) type LiveSubscription = Resource<Result<Option<Subscription>, AppError>>;

pub(super) fn live_subscription(
    id: impl Fn() -> String + Send + Sync + 'static,
    toggle: ServerAction<SetSubscriptionEnabled>,
) -> LiveSubscription {
    let live = use_live();
    Resource::new(
        move || (id(), live.changes.get(), toggle.version().get()),
        |(id, changes, toggled)| async move {
            match (changes, toggled) {
                (0, 0) => Ok(None),
                _ => get_subscription(id).await.map(Some),
            }
        },
    )
}

/// The status chip of a page that stays open: follows `current` as it is re-read.
#[component]
fn LiveSubscriptionStatus(subscription: Subscription, current: LiveSubscription) -> impl IntoView {
    let initial = StoredValue::new(subscription);
    view! {
        <Transition fallback=move || view! { <SubscriptionStatus subscription=initial.get_value() /> }>
            {move || Suspend::new(async move {
                let subscription = current.await.ok().flatten().unwrap_or_else(|| initial.get_value());
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
