//! The front end (WASM, JS, CSS and `public/`), embedded in the binary at compile time so that
//! the binary alone serves the whole dashboard. Anything else falls through to the app's
//! not-found page.

use app::server::AppState;
use app::shell;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use leptos::prelude::provide_context;

/// `target/site` is where cargo-leptos writes the finished front end; it builds it before it
/// compiles this crate, and build.rs makes a changed file recompile the embedding.
#[derive(rust_embed::Embed)]
#[folder = "target/site"]
#[allow_missing = true]
struct Site;

pub async fn serve_asset_or_not_found(State(state): State<AppState>, request: Request) -> Response {
    let path = request.uri().path().trim_start_matches('/');
    if let Some(file) = Site::get(path) {
        let etag = format!("\"{}\"", hex(&file.metadata.sha256_hash()[..16]));
        let fresh = request
            .headers()
            .get(header::IF_NONE_MATCH)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value == etag);
        let mime = file.metadata.mimetype().to_string();
        let headers = [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_str(&mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
            ),
            (header::ETAG, HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"0\""))),
            // The bundle's file names carry no hash, so browsers must revalidate (cheaply, by ETag).
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ];
        if fresh {
            return (StatusCode::NOT_MODIFIED, headers).into_response();
        }
        return (headers, Body::from(file.data.into_owned())).into_response();
    }
    let options = state.leptos_options.clone();
    let handler = leptos_axum::render_app_to_stream_with_context(
        move || provide_context(state.clone()),
        move || shell(options.clone()),
    );
    handler(request).await.into_response()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}
