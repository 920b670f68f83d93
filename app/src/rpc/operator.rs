use leptos::prelude::*;

use crate::error::AppError;
use crate::model::InstanceOverview;

/// Every account and the instance's health; only for the instance admin (others: 404).
#[server(prefix = "/rpc", endpoint = "operator/overview")]
pub async fn get_instance_overview() -> Result<InstanceOverview, AppError> {
    use crate::domain::instance;
    use crate::server::authorize;
    let (state, _) = authorize::<GetInstanceOverview>().await?;
    instance::instance_overview(&state.store).await
}
