use leptos::prelude::*;

use crate::error::AppError;
use crate::model::{ApiKey, CreatedApiKey};

#[server(prefix = "/rpc", endpoint = "api_keys/list")]
pub async fn list_api_keys() -> Result<Vec<ApiKey>, AppError> {
    use crate::domain::api_keys;
    use crate::server::authorize;
    let (state, user) = authorize::<ListApiKeys>().await?;
    api_keys::list(&state.store, &user.account_id).await
}

/// Creates a key; the answer holds the full key, the only time it is shown.
#[server(prefix = "/rpc", endpoint = "api_keys/create")]
pub async fn create_api_key(name: String) -> Result<CreatedApiKey, AppError> {
    use crate::domain::api_keys;
    use crate::server::authorize;
    let (state, user) = authorize::<CreateApiKey>().await?;
    api_keys::create(&state.store, &user.account_id, &name).await
}

#[server(prefix = "/rpc", endpoint = "api_keys/revoke")]
pub async fn revoke_api_key(id: String) -> Result<(), AppError> {
    use crate::domain::api_keys;
    use crate::server::authorize;
    let (state, user) = authorize::<RevokeApiKey>().await?;
    api_keys::revoke(&state.store, &user.account_id, &id).await
}
