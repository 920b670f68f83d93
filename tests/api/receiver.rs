//! A real HTTP receiver for delivery tests: it records every request and answers with what the
//! test scripted (status, headers, a delay, or a hold until released).

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::sync::{mpsc, Notify};

#[derive(Clone, Debug)]
pub struct Received {
    pub path: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Received {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers.get(name).and_then(|v| v.to_str().ok()).unwrap_or_default()
    }
}

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
    pub delay: Duration,
    /// Hold the request until [`Receiver::release`] is called.
    pub hold: bool,
}

impl Reply {
    pub fn status(status: u16) -> Self {
        Reply { status, headers: Vec::new(), body: String::new(), delay: Duration::ZERO, hold: false }
    }

    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    pub fn body(mut self, body: impl Into<String>) -> Self {
        self.body = body.into();
        self
    }

    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    pub fn hold(mut self) -> Self {
        self.hold = true;
        self
    }
}

#[derive(Clone)]
struct Shared {
    script: Arc<Mutex<VecDeque<Reply>>>,
    default: Arc<Mutex<Reply>>,
    seen: mpsc::UnboundedSender<Received>,
    all: Arc<Mutex<Vec<Received>>>,
    release: Arc<Notify>,
    /// Requests being answered now, and the most there have been at once.
    answering: Arc<AtomicUsize>,
    most_at_once: Arc<AtomicUsize>,
}

pub struct Receiver {
    pub url: String,
    shared: Shared,
    seen: mpsc::UnboundedReceiver<Received>,
}

impl Receiver {
    /// Starts a receiver answering `default` to every request not otherwise scripted.
    pub async fn start(default: Reply) -> Receiver {
        let (tx, rx) = mpsc::unbounded_channel();
        let shared = Shared {
            script: Arc::default(),
            default: Arc::new(Mutex::new(default)),
            seen: tx,
            all: Arc::default(),
            release: Arc::new(Notify::new()),
            answering: Arc::default(),
            most_at_once: Arc::default(),
        };
        let app = Router::new().fallback(answer).with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind receiver");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Receiver { url, shared, seen: rx }
    }

    /// The next requests get these answers, in order.
    pub fn script(&self, replies: impl IntoIterator<Item = Reply>) {
        self.shared.script.lock().expect("lock").extend(replies);
    }

    pub fn set_default(&self, reply: Reply) {
        *self.shared.default.lock().expect("lock") = reply;
    }

    /// Lets every held request answer.
    pub fn release(&self) {
        self.shared.default.lock().expect("lock").hold = false;
        self.shared.release.notify_waiters();
    }

    /// The next request, waiting up to 20 s.
    pub async fn next(&mut self) -> Received {
        tokio::time::timeout(Duration::from_secs(20), self.seen.recv())
            .await
            .expect("a request within 20 s")
            .expect("receiver running")
    }

    /// Asserts that no request arrives within `wait`.
    pub async fn expect_none(&mut self, wait: Duration) {
        if let Ok(Some(request)) = tokio::time::timeout(wait, self.seen.recv()).await {
            panic!("unexpected request: {} {}", request.path, String::from_utf8_lossy(&request.body));
        }
    }

    /// The distinct `webhook-id`s received so far.
    pub fn webhook_ids(&self) -> std::collections::HashSet<String> {
        self.shared.all.lock().expect("lock").iter().map(|r| r.header("webhook-id").to_string()).collect()
    }

    pub fn count(&self) -> usize {
        self.shared.all.lock().expect("lock").len()
    }

    /// The most requests it has been answering at once (since the last [`Self::reset_most`]).
    pub fn most_at_once(&self) -> usize {
        self.shared.most_at_once.load(Ordering::SeqCst)
    }

    pub fn reset_most(&self) {
        self.shared.most_at_once.store(self.shared.answering.load(Ordering::SeqCst), Ordering::SeqCst);
    }
}

/// Counts a request as being answered until it is dropped.
struct Answering(Arc<AtomicUsize>);

impl Answering {
    fn start(shared: &Shared) -> Self {
        let now = shared.answering.fetch_add(1, Ordering::SeqCst) + 1;
        shared.most_at_once.fetch_max(now, Ordering::SeqCst);
        Answering(shared.answering.clone())
    }
}

impl Drop for Answering {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn answer(State(shared): State<Shared>, uri: axum::http::Uri, headers: HeaderMap, body: Bytes) -> Response {
    let _answering = Answering::start(&shared);
    let received = Received { path: uri.path().to_string(), headers, body };
    shared.all.lock().expect("lock").push(received.clone());
    let _ = shared.seen.send(received);
    let reply =
        shared.script.lock().expect("lock").pop_front().unwrap_or_else(|| shared.default.lock().expect("lock").clone());
    if reply.hold {
        shared.release.notified().await;
    }
    if !reply.delay.is_zero() {
        tokio::time::sleep(reply.delay).await;
    }
    let mut response = (StatusCode::from_u16(reply.status).expect("status"), reply.body).into_response();
    for (name, value) in reply.headers {
        response.headers_mut().insert(name, value.parse().expect("header value"));
    }
    response
}
