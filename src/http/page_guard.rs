//! Sends anonymous visitors of dashboard pages to the login page (and back afterwards), before
//! anything renders. This is navigation, not the security boundary: every server function
//! checks the session itself.

use axum::extract::Request;
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

use app::server::session::has_user;

const PUBLIC_PAGES: &[&str] = &["/login", "/register"];

pub async fn require_session_for_pages(session: Session, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    if request.method() != Method::GET || path.starts_with("/rpc/") {
        return next.run(request).await;
    }
    let signed_in = has_user(&session).await;
    // Invitation and portal-link pages are for people who may not have a login yet (or are
    // signed in elsewhere): always shown.
    if path.starts_with("/invite/") || path.starts_with("/portal/") {
        return next.run(request).await;
    }
    if PUBLIC_PAGES.contains(&path) {
        if signed_in {
            let target = request.uri().query().and_then(next_param);
            return Redirect::to(&app::validation::safe_next_path(target.as_deref())).into_response();
        }
        return next.run(request).await;
    }
    if signed_in {
        return next.run(request).await;
    }
    let here = request.uri().path_and_query().map(|pq| pq.as_str()).unwrap_or("/");
    let here: String = url::form_urlencoded::byte_serialize(here.as_bytes()).collect();
    (StatusCode::SEE_OTHER, [(axum::http::header::LOCATION, format!("/login?next={here}"))]).into_response()
}

fn next_param(query: &str) -> Option<String> {
    url::form_urlencoded::parse(query.as_bytes()).find(|(key, _)| key == "next").map(|(_, value)| value.into_owned())
}
