//! The delivery worker: claims due deliveries from the durable queue and runs their attempts,
//! at most `max_in_flight` at once and `max_in_flight_per_account` per account, and per
//! subscription as many as its window allows (`window`: it starts at
//! `max_in_flight_per_subscription`, widens for an endpoint that answers fast and cleanly, and
//! narrows for one that struggles), so that one slow or dead endpoint (or one account with many)
//! never holds up the others, and a fast one is not held to a trickle.
//!
//! It sleeps until it is woken (a new event, a redeliver) or until the next delivery falls
//! due; it does not poll. Every claim carries a lease: if the process dies at any instant, the
//! claimed deliveries fall due again when their lease runs out (or at the next start-up).

mod attempt;
pub mod outcome;
mod send;
pub mod ssrf;
mod window;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use app::domain::live::LiveFeed;
use app::domain::now_ms;
use app::domain::queue::{ClaimLimits, Claimed, Finished, Queue};
use app::metrics::Metrics;
use app::store::Store;
use tokio::sync::{mpsc, Notify};
use tokio::task::{Id, JoinSet};
use tokio_util::sync::CancellationToken;

pub use send::Sender;
use window::{Signal, Windows};

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub retry_schedule: Vec<Duration>,
    pub request_timeout: Duration,
    pub allow_private_destinations: bool,
    pub egress_proxy: Option<String>,
    pub max_in_flight: usize,
    pub max_in_flight_per_subscription: usize,
    pub max_in_flight_per_account: usize,
    pub disable_failing_after: Duration,
}

/// What every attempt task shares.
pub(crate) struct Shared {
    store: Store,
    sender: Sender,
    config: WorkerConfig,
}

pub struct Worker {
    shared: Arc<Shared>,
    wake: Arc<Notify>,
    live: LiveFeed,
    metrics: Metrics,
}

/// How long past the request timeout a claim is held before the delivery counts as abandoned.
const LEASE_MARGIN: Duration = Duration::from_secs(10);
/// The longest the worker sleeps without looking at the queue (a safety net, not the clock it
/// runs on: it is woken for new work and sleeps until the next due time). Each round is also a
/// heartbeat, which `/healthz` expects within [`HEARTBEAT_WINDOW`].
const MAX_SLEEP: Duration = Duration::from_secs(15);
/// How long without a heartbeat before `/healthz` says the worker is stuck.
pub const HEARTBEAT_WINDOW: Duration = Duration::from_secs(60);

impl Worker {
    /// Recorded attempts are announced on `live` and counted in `metrics`.
    pub fn new(
        store: Store,
        config: WorkerConfig,
        wake: Arc<Notify>,
        live: LiveFeed,
        metrics: Metrics,
    ) -> anyhow::Result<Self> {
        let sender =
            Sender::new(config.request_timeout, config.allow_private_destinations, config.egress_proxy.as_deref())?;
        Ok(Worker { shared: Arc::new(Shared { store, sender, config }), wake, live, metrics })
    }

    pub async fn run(self, shutdown: CancellationToken) {
        let shared = self.shared;
        let store = shared.store.clone();
        match store.release_abandoned_leases(now_ms()).await {
            Ok(0) => {}
            Ok(released) => tracing::info!(released, "re-queued deliveries claimed before the last stop"),
            Err(error) => tracing::error!(%error, "could not re-queue deliveries claimed before the last stop"),
        }
        let lease_ms =
            i64::try_from((shared.config.request_timeout + LEASE_MARGIN).as_millis()).unwrap_or(i64::MAX / 4);
        let per_subscription = u32::try_from(shared.config.max_in_flight_per_subscription.max(1)).unwrap_or(u32::MAX);
        let per_account = u32::try_from(shared.config.max_in_flight_per_account.max(1)).unwrap_or(u32::MAX);
        // A subscription's window may grow to its account's limit (it cannot use more).
        let mut windows = Windows::new(per_subscription, per_account);
        let (record, recorder) = recorder(store.clone(), self.wake.clone(), self.live.clone(), self.metrics.clone());
        let mut tasks: JoinSet<Signal> = JoinSet::new();
        let mut in_flight = InFlight::default();

        loop {
            while let Some(done) = tasks.try_join_next_with_id() {
                in_flight.finished(done, &mut windows);
            }
            if windows.len() > window::REMEMBERED {
                windows.forget_idle(|id| in_flight.holds(id));
            }
            if shutdown.is_cancelled() {
                break;
            }
            self.metrics.worker_beat(now_ms());
            self.metrics.set_in_flight(tasks.len());
            let capacity = shared.config.max_in_flight.saturating_sub(tasks.len());
            let mut claimed_all_it_could = false;
            let mut claim_failed = false;
            if capacity > 0 {
                let limit = u32::try_from(capacity).unwrap_or(u32::MAX);
                let (room, busy_accounts) = in_flight.room(&windows);
                let limits = ClaimLimits {
                    limit,
                    subscription_room: &room,
                    per_subscription: windows.start(),
                    per_account,
                    busy_accounts: &busy_accounts,
                };
                match store.claim_due(now_ms(), lease_ms, &limits).await {
                    Ok(claimed) => {
                        claimed_all_it_could = claimed.len() == limit as usize;
                        for delivery in claimed {
                            let held = Held::of(&delivery);
                            let shared = shared.clone();
                            let record = record.clone();
                            let handle = tasks.spawn(async move {
                                let delivery_id = delivery.id.clone();
                                match attempt::run(&shared, delivery).await {
                                    Ok(Some(finished)) => {
                                        let signal = Signal::of(&finished.attempt);
                                        let _ = record.send(finished);
                                        signal
                                    }
                                    Ok(None) => Signal::Keep,
                                    // The lease runs out and the delivery is attempted again.
                                    Err(error) => {
                                        tracing::error!(%error, %delivery_id, "could not run an attempt");
                                        Signal::Keep
                                    }
                                }
                            });
                            in_flight.started(handle.id(), held);
                        }
                    }
                    Err(error) => {
                        tracing::error!(%error, "could not claim deliveries");
                        claim_failed = true;
                    }
                }
            }
            if claimed_all_it_could {
                // There may be more due work beyond this batch. (Fewer than asked for means the
                // rest is not due or has no room: a finishing attempt or a wake brings us back.)
                continue;
            }

            let sleep_for = if claim_failed {
                Duration::from_secs(1)
            } else if capacity == 0 {
                MAX_SLEEP
            } else {
                match store.next_due_at().await {
                    Ok(Some(due)) => {
                        let wait = due - now_ms();
                        if wait > 0 {
                            Duration::from_millis(u64::try_from(wait).unwrap_or(0)).min(MAX_SLEEP)
                        } else {
                            // Due work that we may not start yet (its subscription is at its
                            // limit): a finishing attempt wakes us; this is the fallback.
                            Duration::from_millis(250)
                        }
                    }
                    Ok(None) => MAX_SLEEP,
                    Err(error) => {
                        tracing::error!(%error, "could not read the queue");
                        Duration::from_secs(1)
                    }
                }
            };
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = self.wake.notified() => {}
                Some(done) = tasks.join_next_with_id(), if !tasks.is_empty() => in_flight.finished(done, &mut windows),
                _ = tokio::time::sleep(sleep_for) => {}
            }
        }

        drain(&store, &mut tasks, &mut in_flight, shared.config.request_timeout).await;
        drop(record);
        if recorder.await.is_err() {
            tracing::error!("the attempt recorder stopped abnormally");
        }
    }
}

/// Most finished attempts written in one transaction.
const RECORD_BATCH: usize = 256;

/// Writes finished attempts in batches: whatever has piled up while the previous batch was
/// being written goes into the next transaction. Each write may schedule a retry, so it wakes
/// the claiming loop to look at the due times again. It ends when every sender is gone.
fn recorder(
    store: Store,
    wake: Arc<Notify>,
    live: LiveFeed,
    metrics: Metrics,
) -> (mpsc::UnboundedSender<Finished>, tokio::task::JoinHandle<()>) {
    let (sender, mut receiver) = mpsc::unbounded_channel::<Finished>();
    let task = tokio::spawn(async move {
        let mut batch = Vec::with_capacity(RECORD_BATCH);
        while receiver.recv_many(&mut batch, RECORD_BATCH).await > 0 {
            match store.record_attempts(&batch, || app::domain::ids::new_id("dlv")).await {
                Ok(()) => {
                    for item in &batch {
                        metrics.attempt_recorded(item.outcome.status, item.attempt.duration_ms);
                    }
                    live.changed_all(batch.iter().map(|item| item.claimed.account_id.as_str()));
                }
                // Their leases run out and they are attempted again: at least once, never lost.
                Err(error) => tracing::error!(%error, attempts = batch.len(), "could not record attempts"),
            }
            batch.clear();
            wake.notify_one();
        }
    });
    (sender, task)
}

/// A delivery an attempt task holds, and whose limits it counts against.
struct Held {
    delivery_id: String,
    subscription_id: String,
    account_id: String,
}

impl Held {
    fn of(claimed: &Claimed) -> Self {
        Held {
            delivery_id: claimed.id.clone(),
            subscription_id: claimed.subscription_id.clone(),
            account_id: claimed.account_id.clone(),
        }
    }
}

/// The attempts in flight: which task holds which delivery, and how many each subscription
/// and each account has, for the next claim's limits.
#[derive(Default)]
struct InFlight {
    by_task: HashMap<Id, Held>,
    per_subscription: HashMap<String, u32>,
    per_account: HashMap<String, u32>,
}

impl InFlight {
    fn started(&mut self, task: Id, held: Held) {
        *self.per_subscription.entry(held.subscription_id.clone()).or_default() += 1;
        *self.per_account.entry(held.account_id.clone()).or_default() += 1;
        self.by_task.insert(task, held);
    }

    /// Frees the task's slot and tells its subscription's window what the attempt showed.
    fn finished(&mut self, done: Result<(Id, Signal), tokio::task::JoinError>, windows: &mut Windows) {
        let (task, signal) = match done {
            Ok(done) => done,
            Err(error) => {
                if error.is_panic() {
                    tracing::error!(%error, "an attempt task panicked");
                }
                (error.id(), Signal::Keep)
            }
        };
        if let Some(held) = self.by_task.remove(&task) {
            windows.update(&held.subscription_id, signal);
            release(&mut self.per_subscription, &held.subscription_id);
            release(&mut self.per_account, &held.account_id);
        }
    }

    fn holds(&self, subscription_id: &str) -> bool {
        self.per_subscription.contains_key(subscription_id)
    }

    /// (subscription id, room left in its window) for every subscription held or with a
    /// narrowed window, and (account id, count held).
    fn room(&self, windows: &Windows) -> (Vec<(String, u32)>, Vec<(String, u32)>) {
        let mut room: Vec<(String, u32)> =
            self.per_subscription.iter().map(|(id, n)| (id.clone(), windows.of(id).saturating_sub(*n))).collect();
        room.extend(
            windows
                .narrowed()
                .filter(|(id, _)| !self.per_subscription.contains_key(*id))
                .map(|(id, window)| (id.to_string(), window)),
        );
        let accounts = self.per_account.iter().map(|(id, n)| (id.clone(), *n)).collect();
        (room, accounts)
    }

    fn deliveries(&self) -> Vec<String> {
        self.by_task.values().map(|held| held.delivery_id.clone()).collect()
    }
}

fn release(counts: &mut HashMap<String, u32>, key: &str) {
    if let Some(count) = counts.get_mut(key) {
        *count -= 1;
        if *count == 0 {
            counts.remove(key);
        }
    }
}

/// Lets in-flight attempts finish, up to the request timeout; the rest are cancelled and their
/// deliveries made due again, so the next start sends them.
async fn drain(store: &Store, tasks: &mut JoinSet<Signal>, in_flight: &mut InFlight, grace: Duration) {
    // Windows no longer matter: nothing more is claimed.
    let mut windows = Windows::new(1, 1);
    if tasks.is_empty() {
        return;
    }
    tracing::info!(in_flight = tasks.len(), "waiting for attempts in flight");
    let deadline = tokio::time::sleep(grace + Duration::from_secs(1));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            done = tasks.join_next_with_id() => match done {
                Some(done) => in_flight.finished(done, &mut windows),
                None => return,
            },
            _ = &mut deadline => break,
        }
    }
    // Whatever has not finished now is cancelled. (One that finishes in between has cleared its
    // lease, and releasing it again changes nothing.)
    let unfinished = in_flight.deliveries();
    tasks.abort_all();
    while let Some(done) = tasks.join_next_with_id().await {
        in_flight.finished(done, &mut windows);
    }
    tracing::warn!(count = unfinished.len(), "re-queued attempts that did not finish before shutdown");
    if let Err(error) = store.release(&unfinished, now_ms()).await {
        tracing::error!(%error, "could not re-queue unfinished attempts; they fall due when their lease runs out");
    }
}
