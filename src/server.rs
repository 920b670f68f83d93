//! Start-up and shutdown: open the database, apply the schema, assemble the HTTP surface, serve.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use app::domain::live::LiveFeed;
use app::domain::pipeline::Pipeline;
use app::metrics::Metrics;
use app::server::rate_limit::LoginThrottle;
use app::server::{AppState, Settings};
use app::store::{InstanceHold, Notice, Notices, SessionStore, Store};
use axum::serve::ListenerExt;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tower_sessions::cookie::SameSite;
use tower_sessions::{Expiry, SessionManagerLayer};

use crate::cli::ServeArgs;
use crate::worker::{Worker, WorkerConfig};
use crate::{http, session_key};

/// A server ready to accept connections.
pub struct Server {
    state: AppState,
    worker: Worker,
    retention: Duration,
    sessions: SessionStore,
    session_layer: SessionManagerLayer<SessionStore, tower_sessions::service::SignedCookie>,
    /// The other instances' notices, on a shared database.
    notices: Option<Notices>,
    wake: Arc<Notify>,
    /// This instance's id, kept from other instances until the worker has stopped.
    instance: InstanceHold,
}

impl Server {
    /// Opens the data folder and the database and applies migrations; fails with a message
    /// that says what to fix.
    pub async fn build(args: &ServeArgs, public_url: String) -> anyhow::Result<Server> {
        let store = args.storage.open().await?;
        let instance_id = args.storage.instance_id();
        let Some(instance) = store.hold_instance_id().await.context("cannot take this instance's id")? else {
            match store.is_shared() {
                true => anyhow::bail!(
                    "a running instance uses the instance id {instance_id:?}: give each instance its own --instance-id"
                ),
                false => anyhow::bail!(
                    "another server runs on this database: one server per SQLite database (several instances need PostgreSQL)"
                ),
            }
        };
        let sessions = store.session_store();
        sessions.migrate().await.context("cannot create the session table")?;
        let key = session_key::load(&args.storage.data_dir, &store).await?;
        let session_layer = SessionManagerLayer::new(sessions.clone())
            .with_name("hookrelay_session")
            .with_http_only(true)
            .with_same_site(SameSite::Lax)
            .with_secure(public_url.starts_with("https://"))
            .with_expiry(Expiry::OnInactivity(time::Duration::days(14)))
            .with_signed(key);

        let live = LiveFeed::default();
        let metrics = Metrics::default();
        let pipeline = Pipeline::start(store.clone(), live.clone(), metrics.clone());
        let wake = pipeline.wakeup();
        let worker = Worker::new(store.clone(), worker_config(args), wake.clone(), live.clone(), metrics.clone())?;
        let notices = store.notices().await.context("cannot listen to the other instances")?;
        let login_throttle = Arc::new(match store.is_shared() {
            true => LoginThrottle::default().shared(store.clone()),
            false => LoginThrottle::default(),
        });
        let state = AppState {
            leptos_options: http::leptos_options(args.bind),
            store,
            settings: Arc::new(Settings {
                public_url,
                public_url_given: args.public_url.is_some(),
                allow_http: args.allow_http,
                max_payload_bytes: args.max_payload_bytes,
                disable_failing_after: args.disable_failing_after,
                registration_open: args.registration == crate::cli::Registration::Open,
                trusted_proxies: args.trusted_proxies.clone(),
            }),
            login_throttle,
            pipeline,
            live,
            metrics,
        };
        Ok(Server { state, worker, sessions, session_layer, retention: args.retention, notices, wake, instance })
    }

    /// Serves on `listener` until `shutdown` is cancelled.
    pub async fn run(self, listener: TcpListener, shutdown: CancellationToken) -> anyhow::Result<()> {
        let Server { state, worker, sessions, session_layer, retention, notices, wake, instance } = self;
        let store = state.store.clone();
        if let Some(notices) = notices {
            tokio::spawn(follow_other_instances(notices, state.live.clone(), wake, shutdown.clone()));
        }
        let housekeeping = tokio::spawn(housekeeping(
            sessions,
            store.clone(),
            state.login_throttle.clone(),
            retention,
            shutdown.clone(),
        ));
        let worker = tokio::spawn(worker.run(shutdown.clone()));
        let instance = tokio::spawn(keep_instance_id(instance, shutdown.clone()));
        let router = http::router(state, session_layer, shutdown.clone());
        // Pages are streamed in small writes; without TCP_NODELAY, Nagle's algorithm holds each
        // tail back until the browser's delayed ACK (about 40 ms per page, measured).
        let listener = listener.tap_io(|stream| {
            if let Err(error) = stream.set_nodelay(true) {
                tracing::debug!(%error, "could not set TCP_NODELAY");
            }
        });
        let served = axum::serve(listener, router.into_make_service_with_connect_info::<std::net::SocketAddr>())
            .with_graceful_shutdown(shutdown.clone().cancelled_owned())
            .await
            .context("the HTTP server stopped");
        shutdown.cancel();
        if let Err(error) = worker.await {
            tracing::error!(%error, "the delivery worker stopped abnormally");
        }
        let _ = housekeeping.await;
        let lost = match instance.await {
            Ok(Kept::Held(instance)) => {
                if let Err(error) = instance.release().await {
                    tracing::warn!(%error, "could not free this instance's id (it is freed as the connection closes)");
                }
                false
            }
            Ok(Kept::Lost) => true,
            Err(error) => {
                tracing::error!(%error, "keeping this instance's id stopped abnormally (it is freed as the connection closes)");
                false
            }
        };
        store.close().await;
        match lost {
            true => Err(anyhow::anyhow!("another instance took this instance's id while it ran: stopped")),
            false => served,
        }
    }
}

fn worker_config(args: &ServeArgs) -> WorkerConfig {
    WorkerConfig {
        retry_schedule: args.retry_schedule.0.clone(),
        request_timeout: args.request_timeout,
        allow_private_destinations: args.allow_private_destinations,
        egress_proxy: args.egress_proxy.clone(),
        max_in_flight: args.max_in_flight as usize,
        max_in_flight_per_subscription: args.max_in_flight_per_subscription as usize,
        max_in_flight_per_account: args.max_in_flight_per_account().get() as usize,
        disable_failing_after: args.disable_failing_after,
    }
}

/// On a shared database, passes every instance's notices to this one: its open pages re-read
/// what changed, its worker looks for due deliveries at once. A dropped link may have lost
/// notices, so every page re-reads then.
async fn follow_other_instances(mut notices: Notices, live: LiveFeed, wake: Arc<Notify>, shutdown: CancellationToken) {
    loop {
        let notice = tokio::select! {
            _ = shutdown.cancelled() => return,
            notice = notices.next() => notice,
        };
        match notice {
            Notice::Changed(account_id) => live.changed(&account_id),
            Notice::Due => wake.notify_one(),
            Notice::Missed => {
                live.changed_everywhere();
                wake.notify_one();
            }
        }
    }
}

/// How the instance's id fared while it ran.
enum Kept {
    Held(InstanceHold),
    /// Another instance took it: this one stopped.
    Lost,
}

/// Keeps this instance's id while the server runs: a dropped link to the database loses the
/// lock that holds it, so the id is checked every few seconds and taken again. If another
/// instance holds it past the time the database takes to find this instance's old session
/// dead, that one started under this id and took back this one's claims: this one stops, so
/// that one id names one running instance again.
async fn keep_instance_id(mut instance: InstanceHold, shutdown: CancellationToken) -> Kept {
    /// How often the id is checked.
    const CHECK_EVERY: Duration = Duration::from_secs(5);
    /// Longer than the database takes to find a dead session (25 s: `instance_hold.rs`).
    const HELD_ELSEWHERE_FOR: Duration = Duration::from_secs(40);
    let mut held_elsewhere_since: Option<tokio::time::Instant> = None;
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return Kept::Held(instance),
            _ = tokio::time::sleep(CHECK_EVERY) => {}
        }
        match instance.keep().await {
            Ok(true) => held_elsewhere_since = None,
            Ok(false) => {
                let since = *held_elsewhere_since.get_or_insert_with(tokio::time::Instant::now);
                if since.elapsed() >= HELD_ELSEWHERE_FOR {
                    tracing::error!(
                        "another instance runs under this instance's id (give each its own --instance-id): stopping"
                    );
                    shutdown.cancel();
                    return Kept::Lost;
                }
                tracing::warn!("this instance's id is held by another session: taking it again");
            }
            // The database is out of reach: the id is taken again once it answers.
            Err(error) => tracing::warn!(%error, "cannot check this instance's id"),
        }
    }
}

/// Periodic clean-ups: payloads past retention, expired sessions, idle throttle entries. It
/// runs at least every ten minutes, and more often for a short retention.
async fn housekeeping(
    sessions: SessionStore,
    store: Store,
    throttle: Arc<LoginThrottle>,
    retention: Duration,
    shutdown: CancellationToken,
) {
    let period = (retention / 2).clamp(Duration::from_millis(250), Duration::from_secs(600));
    let retention_ms = i64::try_from(retention.as_millis()).unwrap_or(i64::MAX);
    let mut tick = tokio::time::interval(period);
    loop {
        tokio::select! {
            _ = shutdown.cancelled() => return,
            _ = tick.tick() => {}
        }
        match store.purge_before(app::domain::now_ms().saturating_sub(retention_ms)).await {
            Ok(0) => {}
            Ok(purged) => tracing::info!(purged, "purged payloads past retention"),
            Err(error) => tracing::warn!(%error, "could not purge payloads past retention"),
        }
        if let Err(error) = tower_sessions::ExpiredDeletion::delete_expired(&sessions).await {
            tracing::warn!(%error, "could not delete expired sessions");
        }
        throttle.forget_idle().await;
    }
}

/// `hookrelay serve`: binds, prints the URL and runs until SIGINT or SIGTERM.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let public_url = args.public_url.clone().unwrap_or_else(|| format!("http://{}", args.bind));
    let server = Server::build(&args, public_url.clone()).await?;
    let listener = TcpListener::bind(args.bind).await.with_context(|| format!("cannot listen on {}", args.bind))?;
    let shutdown = CancellationToken::new();
    tokio::spawn(cancel_on_signal(shutdown.clone()));
    println!("Hookrelay is running at {public_url}");
    tracing::info!(bind = %args.bind, data_dir = %args.storage.data_dir.display(), "listening");
    server.run(listener, shutdown).await
}

async fn cancel_on_signal(shutdown: CancellationToken) {
    let interrupt = tokio::signal::ctrl_c();
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = interrupt => {}
        _ = terminate => {}
    }
    tracing::info!("shutting down");
    shutdown.cancel();
}
