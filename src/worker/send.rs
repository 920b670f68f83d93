//! Sending one webhook request: one shared HTTP client (connection reuse), no redirects, the
//! SSRF guard, and the response read up to a limit.

use std::collections::BTreeMap;
use std::error::Error as _;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};
use reqwest::redirect::Policy;

use app::model::AttemptErrorKind;

use super::outcome::{self, AttemptResult};
use super::ssrf::{is_forbidden, Blocked, GuardedResolver};

/// How much of a response body is kept.
pub const RESPONSE_BODY_LIMIT: usize = 64 * 1024;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The response as recorded.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: BTreeMap<String, String>,
    pub body: String,
    pub truncated: bool,
}

#[derive(Debug, Clone)]
pub struct Sent {
    pub result: AttemptResult,
    pub response: Option<Response>,
    pub error_message: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
    /// Deliveries go through the operator's forward proxy (`--egress-proxy`).
    proxied: bool,
}

impl Sender {
    /// `egress_proxy`: the operator's forward proxy. The environment's proxy variables
    /// (`HTTP_PROXY`, `HTTPS_PROXY`, `ALL_PROXY`) are never used: a proxy resolves the
    /// destination itself, out of the guard's sight.
    pub fn new(request_timeout: Duration, allow_private: bool, egress_proxy: Option<&str>) -> anyhow::Result<Self> {
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .connect_timeout(CONNECT_TIMEOUT.min(request_timeout))
            .timeout(request_timeout)
            // A redirect could point at an internal address and bypass the guard; receivers must
            // answer at the URL they registered.
            .redirect(Policy::none())
            .user_agent(concat!("Hookrelay/", env!("CARGO_PKG_VERSION")))
            .pool_idle_timeout(Duration::from_secs(60));
        match egress_proxy {
            // Through a proxy, the resolver would only ever see the proxy's own name (which may
            // well be internal); destinations are checked before each request instead.
            Some(proxy) => builder = builder.proxy(reqwest::Proxy::all(proxy)?),
            None if !allow_private => builder = builder.dns_resolver(Arc::new(GuardedResolver)),
            None => {}
        }
        Ok(Sender { client: builder.build()?, allow_private, proxied: egress_proxy.is_some() })
    }

    pub async fn send(&self, url: &str, headers: &[(String, String)], body: String) -> Sent {
        if let Some(blocked) = self.literal_address_refused(url) {
            return failure(AttemptErrorKind::Blocked, blocked.to_string());
        }
        if self.proxied && !self.allow_private {
            if let Err((kind, message)) = destination_checked(url).await {
                return failure(kind, message);
            }
        }
        let mut header_map = HeaderMap::with_capacity(headers.len());
        for (name, value) in headers {
            match (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) {
                (Ok(name), Ok(value)) => {
                    header_map.insert(name, value);
                }
                _ => return failure(AttemptErrorKind::Request, format!("the header {name} cannot be sent")),
            }
        }
        let response = match self.client.post(url).headers(header_map).body(body).send().await {
            Ok(response) => response,
            Err(error) => {
                let (kind, message) = classify(&error);
                return failure(kind, message);
            }
        };
        let status = response.status().as_u16();
        let retry_after = match status {
            429 | 503 => response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| outcome::parse_retry_after(value, std::time::SystemTime::now())),
            _ => None,
        };
        let headers = header_map_to_json(response.headers());
        let (body, truncated, read_error) = read_limited(response).await;
        let result = if (200..300).contains(&status) {
            AttemptResult::Success { status }
        } else {
            AttemptResult::Status { status, retry_after }
        };
        Sent { result, response: Some(Response { status, headers, body, truncated }), error_message: read_error }
    }

    /// The guard for URLs that name an IP address directly (they never reach the resolver).
    fn literal_address_refused(&self, url: &str) -> Option<Blocked> {
        if self.allow_private {
            return None;
        }
        let parsed = url::Url::parse(url).ok()?;
        let ip = match parsed.host()? {
            url::Host::Ipv4(ip) => std::net::IpAddr::V4(ip),
            url::Host::Ipv6(ip) => std::net::IpAddr::V6(ip),
            url::Host::Domain(_) => return None,
        };
        is_forbidden(ip).then_some(Blocked::Address(ip))
    }
}

/// Before a request through the egress proxy: the destination's name is resolved here and
/// refused if any of its addresses is internal (the proxy resolves it again on its own; see the
/// README on what the proxy must still enforce).
async fn destination_checked(url: &str) -> Result<(), (AttemptErrorKind, String)> {
    let parsed = url::Url::parse(url)
        .map_err(|error| (AttemptErrorKind::Request, format!("the URL cannot be parsed: {error}")))?;
    let (Some(url::Host::Domain(host)), Some(port)) = (parsed.host(), parsed.port_or_known_default()) else {
        // Addresses written in the URL were judged by `literal_address_refused`.
        return Ok(());
    };
    let found: Vec<std::net::SocketAddr> = match tokio::net::lookup_host((host, port)).await {
        Ok(found) => found.collect(),
        Err(error) => return Err((AttemptErrorKind::Dns, format!("dns error: {host}: {error}"))),
    };
    if found.iter().any(|addr| is_forbidden(addr.ip())) {
        return Err((AttemptErrorKind::Blocked, Blocked::Name(host.to_string()).to_string()));
    }
    Ok(())
}

fn failure(kind: AttemptErrorKind, message: String) -> Sent {
    Sent { result: AttemptResult::Error { kind }, response: None, error_message: Some(message) }
}

fn header_map_to_json(headers: &HeaderMap) -> BTreeMap<String, String> {
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        map.entry(name.as_str().to_string())
            .and_modify(|existing| {
                existing.push_str(", ");
                existing.push_str(&value);
            })
            .or_insert(value);
    }
    map
}

/// Reads at most [`RESPONSE_BODY_LIMIT`] bytes and stops: a receiver that streams forever
/// cannot hold the attempt (the request timeout bounds the time, this bounds the memory).
async fn read_limited(mut response: reqwest::Response) -> (String, bool, Option<String>) {
    let mut body = Vec::new();
    let mut truncated = false;
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = RESPONSE_BODY_LIMIT - body.len();
                if chunk.len() > room {
                    body.extend_from_slice(&chunk[..room]);
                    truncated = true;
                    break;
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => break,
            Err(error) => {
                return (
                    String::from_utf8_lossy(&body).into_owned(),
                    true,
                    Some(format!("reading the response failed: {}", chain(&error))),
                );
            }
        }
    }
    (String::from_utf8_lossy(&body).into_owned(), truncated, None)
}

/// The error kind of a failed request, and a message with its whole cause chain.
fn classify(error: &reqwest::Error) -> (AttemptErrorKind, String) {
    let message = chain(error);
    let mut source = error.source();
    while let Some(cause) = source {
        if cause.downcast_ref::<Blocked>().is_some() {
            return (AttemptErrorKind::Blocked, cause.to_string());
        }
        source = cause.source();
    }
    let lower = message.to_lowercase();
    let kind = if error.is_timeout() {
        AttemptErrorKind::Timeout
    } else if lower.contains("dns error") || lower.contains("failed to lookup address") {
        AttemptErrorKind::Dns
    } else if lower.contains("certificate") || lower.contains("tls") || lower.contains("handshake") {
        AttemptErrorKind::Tls
    } else if error.is_connect() {
        AttemptErrorKind::Connect
    } else {
        AttemptErrorKind::Request
    };
    (kind, message)
}

fn chain(error: &dyn std::error::Error) -> String {
    let mut parts = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !parts.iter().any(|part| part.contains(&text)) {
            parts.push(text);
        }
        source = cause.source();
    }
    parts.join(": ")
}
