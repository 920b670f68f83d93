//! CSRF defence for the dashboard's server functions: a state-changing request that carries an
//! `Origin` header from another site is refused. (SameSite=Lax cookies already keep the session
//! out of cross-site POSTs in current browsers; this also covers older ones and same-site
//! subdomains.) Requests without `Origin` (non-browser clients) are let through: they carry no
//! ambient cookie unless they were given one.

use app::server::AppState;
use axum::extract::{Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Same site means the `Origin` names the host the request was sent to, or the instance's public
/// URL (behind a reverse proxy that rewrites `Host`).
pub async fn refuse_cross_site(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let origin_host = request
        .headers()
        .get(header::ORIGIN)
        .and_then(|value| value.to_str().ok())
        .map(|origin| url::Url::parse(origin).ok().map(|url| authority(&url)));
    let host = request.headers().get(header::HOST).and_then(|value| value.to_str().ok());
    let public = url::Url::parse(&state.settings.public_url).ok().map(|url| authority(&url));
    match origin_host {
        None => next.run(request).await,
        Some(Some(origin))
            if host.is_some_and(|host| origin.eq_ignore_ascii_case(host))
                || public.is_some_and(|public| origin.eq_ignore_ascii_case(&public)) =>
        {
            next.run(request).await
        }
        _ => (StatusCode::FORBIDDEN, "Cross-site requests are not accepted.").into_response(),
    }
}

fn authority(url: &url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_string(),
        (None, _) => String::new(),
    }
}
