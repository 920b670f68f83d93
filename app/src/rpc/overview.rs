use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{Overview, SetupHints, SubscriptionHealth};

#[server(prefix = "/rpc", endpoint = "overview/get")]
pub async fn get_overview() -> Result<Overview, AppError> {
    use crate::domain::overview;
    use crate::server::authorize;
    let (state, user) = authorize::<GetOverview>().await?;
    overview::overview(&state.store, &user.account_id, state.settings.disable_failing_after).await
}

/// One subscription's last 24 hours, for the top of its page.
#[server(prefix = "/rpc", endpoint = "overview/subscription")]
pub async fn get_subscription_health(id: String) -> Result<SubscriptionHealth, AppError> {
    use crate::domain::overview;
    use crate::server::authorize;
    let (state, user) = authorize::<GetSubscriptionHealth>().await?;
    overview::subscription_health(&state.store, &user.account_id, &id, state.settings.disable_failing_after).await
}

#[server(prefix = "/rpc", endpoint = "overview/setup_hints")]
pub async fn get_setup_hints() -> Result<SetupHints, AppError> {
    use crate::domain::overview;
    use crate::server::authorize;
    let (state, user) = authorize::<GetSetupHints>().await?;
    overview::setup_hints(&state.store, &user.account_id, &state.settings.public_url).await
}
