//! `GET /live`: a server-sent event stream that tells a signed-in dashboard when its account's
//! events or deliveries changed. Each message is only a nudge ("change"); the page re-reads
//! what it shows through the usual server functions, which check access as always.

use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use app::domain::live::LiveFeed;
use app::server::session::require_user;
use app::server::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use tokio::sync::broadcast::Receiver;
use tokio_util::sync::CancellationToken;
use tower_sessions::Session;

/// A burst of changes (a publish of hundreds of events) becomes one message per this interval,
/// so that a page re-reads at most a few times a second.
const COALESCE: Duration = Duration::from_millis(300);

/// Most streams one session may hold open (a person with several tabs); the next gets 429.
pub const MAX_STREAMS_PER_SESSION: usize = 8;

/// How many streams each session holds open.
#[derive(Clone, Default)]
pub struct OpenStreams(Arc<Mutex<HashMap<String, usize>>>);

/// One open stream of a session; counted until dropped (the stream ends or the page goes).
struct StreamSlot {
    open: OpenStreams,
    session: String,
}

impl OpenStreams {
    fn take(&self, session: String) -> Option<StreamSlot> {
        let mut open = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let count = open.entry(session.clone()).or_default();
        if *count >= MAX_STREAMS_PER_SESSION {
            return None;
        }
        *count += 1;
        Some(StreamSlot { open: self.clone(), session })
    }
}

impl Drop for StreamSlot {
    fn drop(&mut self) {
        let mut open = self.open.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(count) = open.get_mut(&self.session) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.session);
            }
        }
    }
}

pub async fn stream(
    State(state): State<AppState>,
    shutdown: CancellationToken,
    open: OpenStreams,
    session: Session,
) -> Response {
    let user = match require_user(&session, &state.store).await {
        Ok(user) => user,
        Err(error) => {
            return (StatusCode::from_u16(error.status()).unwrap_or(StatusCode::UNAUTHORIZED), error.to_string())
                .into_response()
        }
    };
    // A signed-in session has an id.
    let Some(slot) = session.id().and_then(|id| open.take(id.to_string())) else {
        return (StatusCode::TOO_MANY_REQUESTS, "Too many live streams are open for this session.").into_response();
    };
    let listener =
        Listener { notices: state.live.listen(), account_id: Arc::from(user.account_id), shutdown, _slot: slot };
    let messages = stream::unfold(listener, |mut listener| async move {
        listener.next_change().await?;
        Some((Ok::<_, Infallible>(Event::default().event("change").data("changed")), listener))
    });
    Sse::new(messages).keep_alive(KeepAlive::default()).into_response()
}

struct Listener {
    notices: Receiver<Arc<str>>,
    account_id: Arc<str>,
    /// Ends the stream when the server stops, so that open pages do not hold up shutdown.
    shutdown: CancellationToken,
    _slot: StreamSlot,
}

impl Listener {
    /// Waits for a change of this account, then lets a burst settle; `None` when the stream ends.
    async fn next_change(&mut self) -> Option<()> {
        loop {
            let notice = tokio::select! {
                _ = self.shutdown.cancelled() => return None,
                notice = self.notices.recv() => notice,
            };
            match notice {
                Ok(notice) if LiveFeed::concerns(&notice, &self.account_id) => break,
                Ok(_) => continue,
                // Notices were missed, ours possibly among them: have the page re-read.
                Err(RecvError::Lagged(_)) => break,
                Err(RecvError::Closed) => return None,
            }
        }
        tokio::select! {
            _ = self.shutdown.cancelled() => return None,
            _ = tokio::time::sleep(COALESCE) => {}
        }
        loop {
            match self.notices.try_recv() {
                Ok(_) | Err(TryRecvError::Lagged(_)) => continue,
                Err(TryRecvError::Empty) => return Some(()),
                Err(TryRecvError::Closed) => return None,
            }
        }
    }
}
