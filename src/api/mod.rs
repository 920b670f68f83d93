//! The REST API under `/api/v1` (API.md). Handlers are thin: they authenticate, extract, and
//! call the same domain functions the dashboard's server functions call.

mod accounts;
mod deliveries;
mod error;
mod event_types;
mod events;
mod extract;
mod inbound;
mod sources;
mod subscriptions;

use app::domain::paging::PageRequest;
use app::error::AppError;
use app::server::AppState;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;

pub use error::ApiError;

/// Request bodies above this are refused with 413 before they are parsed.
const MAX_BODY_BYTES: usize = 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(title = "Hookrelay API", description = "Publish events, manage event types and subscriptions, read deliveries."),
    modifiers(&BearerAuth),
    security(("api_key" = [])),
    tags((name = "Events"), (name = "Deliveries"), (name = "Event types"), (name = "Subscriptions"),
         (name = "Sources", description = "Inbound sources: third parties POST to /_webhooks/<slug> and each request becomes an event."),
         (name = "Operator", description = "Accounts for an operator's customers. Operator keys (hro_…) also act in \
          any account named in the Hookrelay-Account header, and without it manage the instance-wide event-type catalog."))
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An account's API key (hrk_…) or an operator key (hro_…)"))
                    .build(),
            ),
        );
    }
}

/// Pagination parameters shared by every list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1 to 250; default 50.
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    cursor: Option<String>,
}

impl From<ListQuery> for PageRequest {
    fn from(query: ListQuery) -> Self {
        PageRequest { limit: query.limit, cursor: query.cursor }
    }
}

/// The `/api/v1` router, its OpenAPI document served at `/api/v1/openapi.json`, and the
/// inbound `/_webhooks/` routes that the document also describes.
pub fn router() -> Router<AppState> {
    let (router, mut openapi) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(event_types::router())
        .merge(subscriptions::router())
        .merge(events::router())
        .merge(deliveries::router())
        .merge(accounts::router())
        .merge(sources::router())
        .split_for_parts();
    openapi.servers = Some(vec![utoipa::openapi::Server::new("/api/v1")]);
    let (inbound, inbound_openapi) = inbound::router();
    openapi.paths.paths.extend(inbound_openapi.paths.paths);
    let document = Json(openapi);
    let api = router
        .route("/openapi.json", get(move || async move { document.clone() }))
        .fallback(|| async { ApiError(AppError::NotFound) })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    Router::new().nest("/api/v1", api).merge(inbound)
}
