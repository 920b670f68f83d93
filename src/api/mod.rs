//! The REST API under `/api/v1`, described by the OpenAPI document it serves at
//! `/api/v1/openapi.json`. Handlers are thin: they authenticate, extract, and
//! call the same domain functions the dashboard's server functions call.

mod accounts;
mod deliveries;
mod error;
mod event_types;
mod events;
mod extract;
mod inbound;
mod members;
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
         (name = "Members", description = "The people who can sign in to the account's dashboard."),
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

/// The refusals every operation can give, added wherever a route does not list them itself:
/// 400 (unreadable JSON or query), 401 (no valid key), 422 (invalid input) and, for a body, 413.
struct ErrorResponses;

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let response = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorBody"))).build(),
                )
                .build()
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
            for operation in operations.into_iter().flatten() {
                let mut refusals = vec![
                    ("400", "The JSON body or the query string cannot be read."),
                    ("401", "No valid key in `Authorization: Bearer <key>`."),
                    ("422", "An input is invalid; `field` names it."),
                    ("503", "The database stayed busy; nothing was changed. Retry after `Retry-After` seconds."),
                ];
                if operation.request_body.is_some() {
                    refusals.push(("413", "The body is larger than this endpoint accepts."));
                }
                for (status, description) in refusals {
                    operation
                        .responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| response(description).into());
                }
            }
        }
    }
}

/// Pagination parameters shared by every list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// 1 to 250; default 50.
    #[param(minimum = 1, maximum = 250)]
    limit: Option<i64>,
    /// `next_cursor` of the previous page.
    #[param(pattern = r"^([a-z]{3}_[0-9a-z]{26})?$")]
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
        .merge(members::router())
        .merge(sources::router())
        .split_for_parts();
    openapi.servers = Some(vec![utoipa::openapi::Server::new("/api/v1")]);
    let (inbound, inbound_openapi) = inbound::router();
    openapi.paths.paths.extend(inbound_openapi.paths.paths);
    // After the merge: the routes' own paths only exist from here on.
    ErrorResponses.modify(&mut openapi);
    let document = Json(openapi);
    let api = router
        .route("/openapi.json", get(move || async move { document.clone() }))
        .fallback(|| async { ApiError(AppError::NotFound) })
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES));
    Router::new().nest("/api/v1", api).merge(inbound)
}
