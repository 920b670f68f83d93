//! The HTTP surface: the Leptos pages and server functions, health, and the embedded assets.

mod assets;
mod health;
mod live;
mod page_guard;
mod rpc_status;
mod same_origin;

use std::net::SocketAddr;

use app::server::AppState;
use app::store::SessionStore;
use app::{shell, App};
use axum::http::{header, HeaderValue};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use axum::Router;
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio_util::sync::CancellationToken;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;
use tower_sessions::service::SignedCookie;
use tower_sessions::SessionManagerLayer;

/// The name cargo-leptos gives the WASM, JS and CSS bundle (`name` in Cargo.toml's metadata).
pub const OUTPUT_NAME: &str = "hookrelay";

/// Leptos's options, built here rather than read from Cargo.toml: the binary runs on its own,
/// far from the source tree, serving the bundle it embeds.
pub fn leptos_options(bind: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_pkg_dir("pkg")
        .site_addr(bind)
        .env(leptos::config::Env::PROD)
        .build()
}

/// `shutdown` ends the long-lived `/live` streams when the server stops.
pub fn router(
    state: AppState,
    sessions: SessionManagerLayer<SessionStore, SignedCookie>,
    shutdown: CancellationToken,
) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let open_streams = live::OpenStreams::default();
    let live = move |state: axum::extract::State<AppState>, session: tower_sessions::Session| {
        live::stream(state, shutdown.clone(), open_streams.clone(), session)
    };
    // The live stream authenticates by the session cookie, as the pages do.
    let live = Router::new()
        .route("/live", get(live))
        .route_layer(from_fn_with_state(state.clone(), same_origin::refuse_cross_site));
    Router::new()
        .leptos_routes(&state, routes, move || shell(options.clone()))
        .route_layer(from_fn(page_guard::require_session_for_pages))
        .route_layer(from_fn(rpc_status::error_status))
        .route_layer(from_fn_with_state(state.clone(), same_origin::refuse_cross_site))
        .merge(live)
        .route("/healthz", get(health::health))
        .route("/metrics", get(health::metrics))
        .merge(crate::api::router())
        .fallback(assets::serve_asset_or_not_found)
        .layer(sessions)
        // Headers every answer carries: no MIME sniffing, no referrer to other sites, no
        // framing. Pages set their own Content-Security-Policy (with the nonce of their inline
        // scripts, see `app::shell`); everything else (JSON, assets) gets one that allows nothing.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::overriding(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// The span each request's logs carry: method and path only. The query string (`?token=` of
/// some sources) and the tokens of portal and invitation links never reach the logs.
fn request_span(request: &axum::http::Request<axum::body::Body>) -> tracing::Span {
    let path = request.uri().path();
    let path = ["/portal/", "/invite/"].into_iter().find(|prefix| path.starts_with(prefix)).unwrap_or(path);
    tracing::debug_span!("request", method = %request.method(), path)
}
