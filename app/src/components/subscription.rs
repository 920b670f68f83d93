//! How a subscription is named and how its state is shown, the same on every page: its
//! description as the title with its URL in monospace under it, and one chip for its state.

use leptos::prelude::*;

use super::chip::{Chip, Tone};
use crate::model::DisabledReason;

/// The words and colour of a subscription's state.
pub fn state(enabled: bool, disabled_reason: Option<DisabledReason>, failing: bool) -> (Tone, &'static str) {
    match (enabled, disabled_reason) {
        // Still enabled, but its deliveries have been failing for a while.
        (true, _) if failing => (Tone::Warn, "Failing"),
        (true, _) => (Tone::Ok, "Enabled"),
        (false, Some(DisabledReason::Manual)) => (Tone::Neutral, DisabledReason::Manual.explain()),
        (false, Some(reason)) => (Tone::Danger, reason.explain()),
        (false, None) => (Tone::Neutral, "Disabled"),
    }
}

#[component]
pub fn SubscriptionStateChip(enabled: bool, disabled_reason: Option<DisabledReason>, failing: bool) -> impl IntoView {
    let (tone, label) = state(enabled, disabled_reason, failing);
    view! { <Chip tone label /> }
}

/// A URL that wraps after its slashes, dots and other separators rather than mid-word.
#[component]
pub fn WrappingUrl(url: String) -> impl IntoView {
    let mut parts = Vec::new();
    let mut part = String::new();
    for c in url.chars() {
        part.push(c);
        if matches!(c, '/' | '.' | '?' | '&' | '=' | '-' | '_' | ':') {
            parts.push(std::mem::take(&mut part));
        }
    }
    if !part.is_empty() {
        parts.push(part);
    }
    parts.into_iter().map(|part| view! { {part}<wbr /> }).collect_view()
}

/// The subscription's description as a link to its page, its URL under it; the URL alone when
/// it has no description. `description` and `url` empty: a subscription deleted since.
#[component]
pub fn SubscriptionName(id: String, description: String, url: String) -> impl IntoView {
    if url.is_empty() {
        return view! { <span class="muted">"A deleted subscription"</span> }.into_any();
    }
    let href = format!("/subscriptions/{id}");
    if description.is_empty() {
        return view! { <a class="cell-title mono url" href=href><WrappingUrl url /></a> }.into_any();
    }
    view! {
        <span class="subscription-name">
            <a class="cell-title" href=href>{description}</a>
            <span class="cell-sub mono url"><WrappingUrl url /></span>
        </span>
    }
    .into_any()
}
