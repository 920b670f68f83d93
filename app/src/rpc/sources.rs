use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::error::AppError;
use crate::model::{Page, Source, SourceDetail, SourceInput};

#[server(prefix = "/rpc", endpoint = "sources/list")]
pub async fn list_sources(cursor: Option<String>) -> Result<Page<Source>, AppError> {
    use crate::domain::{paging::PageRequest, sources};
    use crate::server::authorize;
    let (state, user) = authorize::<ListSources>().await?;
    let request = PageRequest { limit: Some(50), cursor };
    sources::list(&state.store, &state.settings.public_url, &user.account_id, &request).await
}

/// A source with its latest requests.
#[server(prefix = "/rpc", endpoint = "sources/detail")]
pub async fn get_source(id: String) -> Result<SourceDetail, AppError> {
    use crate::domain::sources;
    use crate::server::authorize;
    let (state, user) = authorize::<GetSource>().await?;
    sources::detail(&state.store, &state.settings.public_url, &user.account_id, &id).await
}

/// Creates a source; the answer holds its token, the only time it is shown.
#[server(prefix = "/rpc", endpoint = "sources/create", input = Json)]
pub async fn create_source(input: SourceInput) -> Result<Source, AppError> {
    use crate::domain::sources;
    use crate::server::authorize;
    let (state, user) = authorize::<CreateSource>().await?;
    sources::create(&state.store, &state.settings.public_url, &user.account_id, input).await
}

#[server(prefix = "/rpc", endpoint = "sources/delete")]
pub async fn delete_source(id: String) -> Result<(), AppError> {
    use crate::domain::sources;
    use crate::server::authorize;
    let (state, user) = authorize::<DeleteSource>().await?;
    sources::delete(&state.store, &user.account_id, &id).await
}
