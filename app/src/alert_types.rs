//! The types of Hookrelay's own events (alerts), known to the browser too so that the
//! subscription form can offer them. They are built in: no account declares them, none can
//! publish them, and they go only to subscriptions that name them.

pub const SUBSCRIPTION_DISABLED: &str = "hookrelay.subscription.disabled";
pub const DELIVERY_FAILED: &str = "hookrelay.delivery.failed";

/// Each alert type with what it means.
pub const ALERT_TYPES: [(&str, &str); 2] = [
    (SUBSCRIPTION_DISABLED, "Hookrelay disabled a subscription: its URL answered 410 Gone, or it failed for too long."),
    (DELIVERY_FAILED, "A delivery used up its retries and failed."),
];

pub fn is_alert_type(name: &str) -> bool {
    ALERT_TYPES.iter().any(|(alert, _)| *alert == name)
}
