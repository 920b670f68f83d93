use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{Page, ReplayQueued, Subscription, SubscriptionInput, SubscriptionSecret, TestSent};

#[server(prefix = "/rpc", endpoint = "subscriptions/list")]
pub async fn list_subscriptions(cursor: Option<String>) -> Result<Page<Subscription>, AppError> {
    use crate::domain::{paging::PageRequest, subscriptions};
    use crate::server::authorize;
    let (state, user) = authorize::<ListSubscriptions>().await?;
    let request = PageRequest { limit: Some(50), cursor };
    subscriptions::list(&state.store, &user.account_id, &request).await
}

#[server(prefix = "/rpc", endpoint = "subscriptions/get")]
pub async fn get_subscription(id: String) -> Result<Subscription, AppError> {
    use crate::domain::subscriptions;
    use crate::server::authorize;
    let (state, user) = authorize::<GetSubscription>().await?;
    subscriptions::get(&state.store, &user.account_id, &id).await
}

/// Creates a subscription (`id` absent) or replaces all of one's fields (`id` given).
#[server(prefix = "/rpc", endpoint = "subscriptions/save", input = Json)]
pub async fn save_subscription(id: Option<String>, input: SubscriptionInput) -> Result<Subscription, AppError> {
    use crate::domain::subscriptions;
    use crate::server::authorize;
    let (state, user) = authorize::<SaveSubscription>().await?;
    let policy = state.settings.subscription_policy();
    match id {
        Some(id) => subscriptions::replace(&state.store, &user.account_id, policy, &id, input).await,
        None => subscriptions::create(&state.store, &user.account_id, policy, input).await,
    }
}

#[server(prefix = "/rpc", endpoint = "subscriptions/set_enabled")]
pub async fn set_subscription_enabled(id: String, enabled: bool) -> Result<Subscription, AppError> {
    use crate::domain::subscriptions;
    use crate::model::SubscriptionPatch;
    use crate::server::authorize;
    let (state, user) = authorize::<SetSubscriptionEnabled>().await?;
    let policy = state.settings.subscription_policy();
    let patch = SubscriptionPatch { enabled: Some(enabled), ..Default::default() };
    subscriptions::patch(&state.store, &user.account_id, policy, &id, patch).await
}

#[server(prefix = "/rpc", endpoint = "subscriptions/delete")]
pub async fn delete_subscription(id: String) -> Result<(), AppError> {
    use crate::domain::subscriptions;
    use crate::server::authorize;
    let (state, user) = authorize::<DeleteSubscription>().await?;
    subscriptions::delete(&state.store, &user.account_id, &id).await
}

#[server(prefix = "/rpc", endpoint = "subscriptions/secret")]
pub async fn reveal_subscription_secret(id: String) -> Result<SubscriptionSecret, AppError> {
    use crate::domain::subscriptions;
    use crate::server::authorize;
    let (state, user) = authorize::<RevealSubscriptionSecret>().await?;
    subscriptions::secret(&state.store, &user.account_id, &id).await
}

#[server(prefix = "/rpc", endpoint = "subscriptions/rotate_secret")]
pub async fn rotate_subscription_secret(id: String) -> Result<SubscriptionSecret, AppError> {
    use crate::domain::subscriptions;
    use crate::server::authorize;
    let (state, user) = authorize::<RotateSubscriptionSecret>().await?;
    subscriptions::rotate_secret(&state.store, &user.account_id, &id).await
}

/// Sends a `hookrelay.test` event to this subscription only.
#[server(prefix = "/rpc", endpoint = "subscriptions/send_test")]
pub async fn send_test_event(id: String) -> Result<TestSent, AppError> {
    use crate::domain::events;
    use crate::server::authorize;
    let (state, user) = authorize::<SendTestEvent>().await?;
    events::send_test(&state.store, &state.pipeline, &user.account_id, &id).await
}

/// Sends the subscription's failed deliveries created since `since` (RFC 3339) again.
#[server(prefix = "/rpc", endpoint = "subscriptions/replay")]
pub async fn replay_failed(id: String, since: String) -> Result<ReplayQueued, AppError> {
    use crate::domain::deliveries;
    use crate::model::ReplayInput;
    use crate::server::authorize;
    let (state, user) = authorize::<ReplayFailed>().await?;
    let input = ReplayInput { since, until: None };
    deliveries::replay(&state.store, &state.pipeline, &user.account_id, &id, &input, &user.email).await
}
