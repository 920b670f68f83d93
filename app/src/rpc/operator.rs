use leptos::prelude::*;

use crate::error::AppError;
use crate::model::InstanceOverview;

/// Every account and the instance's health; only for the instance's first user (others: 404).
#[server(prefix = "/rpc", endpoint = "operator/overview")]
pub async fn get_instance_overview() -> Result<InstanceOverview, AppError> {
    use crate::domain::operator;
    use crate::server::{require_account, with_status};
    with_status(
        async {
            let (state, user) = require_account().await?;
            if !operator::is_instance_admin(&state.store, &user.user_id).await? {
                return Err(AppError::NotFound);
            }
            operator::instance_overview(&state.store).await
        }
        .await,
    )
}
