//! Two guards around the dashboard (pages, server functions, live streams), where the browser's
//! session cookie is what authenticates:
//!
//! - **Host**: a request must name a host this instance serves: an IP address, `localhost`, or
//!   the host of `--public-url`. A web page on `evil.example` whose name an attacker re-points at
//!   127.0.0.1 (DNS rebinding) reaches a local instance with `Host: evil.example` and is refused.
//! - **Origin** (CSRF): a state-changing request that carries an `Origin` must come from this
//!   instance's own origin, scheme, host and port alike: the origin of `--public-url` when it is
//!   given, else the request's own (`http://` and its `Host`). SameSite=Lax cookies already keep
//!   the session out of cross-site POSTs in current browsers; this covers the rest (older
//!   browsers, same-site subdomains, another port of the same host). Requests without `Origin`
//!   (non-browser clients) pass: they carry no ambient cookie unless they were given one.

use app::server::{AppState, Settings};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn refuse_cross_site(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let host = request.headers().get(header::HOST).and_then(|value| value.to_str().ok()).unwrap_or_default();
    if !serves_host(&state.settings, host) {
        return (
            StatusCode::MISDIRECTED_REQUEST,
            "This instance does not answer to that host name. If it is the instance's own address, start it with --public-url.",
        )
            .into_response();
    }
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || same_origin(&state.settings, request.headers())
    {
        return next.run(request).await;
    }
    (StatusCode::FORBIDDEN, "Cross-site requests are not accepted.").into_response()
}

/// Whether `host` (a `Host` header: a name or address, maybe with a port) is one of ours.
fn serves_host(settings: &Settings, host: &str) -> bool {
    let Ok(parsed) = url::Url::parse(&format!("http://{host}/")) else { return false };
    match parsed.host() {
        Some(url::Host::Ipv4(_) | url::Host::Ipv6(_)) => true,
        Some(url::Host::Domain(name)) => {
            name.eq_ignore_ascii_case("localhost")
                || url::Url::parse(&settings.public_url)
                    .ok()
                    .and_then(|public| public.host_str().map(|public| public.eq_ignore_ascii_case(name)))
                    .unwrap_or(false)
        }
        None => false,
    }
}

/// Whether the request's `Origin`, if any, is this instance's own.
fn same_origin(settings: &Settings, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let Some(origin) = origin.to_str().ok().and_then(|text| url::Url::parse(text).ok()) else { return false };
    let expected = if settings.public_url_given {
        url::Url::parse(&settings.public_url).ok()
    } else {
        headers
            .get(header::HOST)
            .and_then(|host| host.to_str().ok())
            .and_then(|host| url::Url::parse(&format!("http://{host}/")).ok())
    };
    // `origin()` compares scheme, host and port (default ports filled in); an opaque origin
    // (`null`) equals nothing.
    expected.is_some_and(|expected| expected.origin() == origin.origin() && origin.origin().is_tuple())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(public_url: &str, given: bool) -> Settings {
        Settings {
            public_url: public_url.into(),
            public_url_given: given,
            allow_http: false,
            max_payload_bytes: 1,
            disable_failing_after: std::time::Duration::from_secs(1),
            registration_open: true,
            trusted_proxies: Vec::new(),
        }
    }

    fn headers(host: &str, origin: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, host.parse().unwrap());
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, origin.parse().unwrap());
        }
        headers
    }

    #[test]
    fn only_our_own_host_names_are_served() {
        let local = settings("http://127.0.0.1:3000", false);
        for host in ["127.0.0.1:3000", "localhost:3000", "LOCALHOST", "[::1]:3000", "10.0.0.5:3000"] {
            assert!(serves_host(&local, host), "{host}");
        }
        for host in ["evil.example", "evil.example:3000", "127.0.0.1.evil.example:3000", "", "a b"] {
            assert!(!serves_host(&local, host), "{host}");
        }
        let public = settings("https://hooks.example.com", true);
        assert!(serves_host(&public, "hooks.example.com"));
        assert!(!serves_host(&public, "other.example.com"));
    }

    #[test]
    fn an_origin_must_match_scheme_host_and_port() {
        let local = settings("http://127.0.0.1:3000", false);
        assert!(same_origin(&local, &headers("127.0.0.1:3000", Some("http://127.0.0.1:3000"))));
        assert!(same_origin(&local, &headers("localhost:3000", Some("http://localhost:3000"))));
        assert!(same_origin(&local, &headers("localhost:3000", None)), "no Origin: not a browser's cross-site form");
        for origin in ["http://127.0.0.1:3001", "https://127.0.0.1:3000", "http://evil.example", "null"] {
            assert!(!same_origin(&local, &headers("127.0.0.1:3000", Some(origin))), "{origin}");
        }
        let public = settings("https://hooks.example.com", true);
        assert!(same_origin(&public, &headers("hooks.example.com", Some("https://hooks.example.com"))));
        assert!(same_origin(&public, &headers("internal:8080", Some("https://hooks.example.com:443"))));
        for origin in ["http://hooks.example.com", "https://hooks.example.com:8443", "https://evil.example"] {
            assert!(!same_origin(&public, &headers("hooks.example.com", Some(origin))), "{origin}");
        }
    }
}
