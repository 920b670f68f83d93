//! The delivery worker: claims due deliveries from the durable queue and runs their attempts,
//! at most `max_in_flight` at once and `max_in_flight_per_subscription` per subscription, so
//! that one slow or dead endpoint never holds up the others.
//!
//! It sleeps until it is woken (a new event, a redeliver) or until the next delivery falls
//! due; it does not poll. Every claim carries a lease: if the process dies at any instant, the
//! claimed deliveries fall due again when their lease runs out (or at the next start-up).

mod attempt;
pub mod outcome;
mod send;
pub mod ssrf;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use app::domain::live::LiveFeed;
use app::domain::now_ms;
use app::metrics::Metrics;
use app::store::Finished;
use app::store::Store;
use tokio::sync::{mpsc, Notify};
use tokio::task::{Id, JoinSet};
use tokio_util::sync::CancellationToken;

pub use send::Sender;

#[derive(Debug, Clone)]
pub struct WorkerConfig {
    pub retry_schedule: Vec<Duration>,
    pub request_timeout: Duration,
    pub allow_private_destinations: bool,
    pub max_in_flight: usize,
    pub max_in_flight_per_subscription: usize,
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
        let sender = Sender::new(config.request_timeout, config.allow_private_destinations)?;
        Ok(Worker { shared: Arc::new(Shared { store, sender, config }), wake, live, metrics })
    }

    pub async fn run(self, shutdown: CancellationToken) {
        let shared = self.shared;
        let store = shared.store.clone();
        match store.release_all_leases(now_ms()).await {
            Ok(0) => {}
            Ok(released) => tracing::info!(released, "re-queued deliveries claimed before the last stop"),
            Err(error) => tracing::error!(%error, "could not re-queue deliveries claimed before the last stop"),
        }
        let lease_ms =
            i64::try_from((shared.config.request_timeout + LEASE_MARGIN).as_millis()).unwrap_or(i64::MAX / 4);
        let per_subscription = shared.config.max_in_flight_per_subscription.max(1);
        let (record, recorder) = recorder(store.clone(), self.wake.clone(), self.live.clone(), self.metrics.clone());
        let mut tasks: JoinSet<()> = JoinSet::new();
        // task id -> (delivery id, subscription id)
        let mut running: HashMap<Id, (String, String)> = HashMap::new();
        let mut per_sub: HashMap<String, usize> = HashMap::new();

        loop {
            while let Some(done) = tasks.try_join_next_with_id() {
                finished(done, &mut running, &mut per_sub);
            }
            if shutdown.is_cancelled() {
                break;
            }
            self.metrics.worker_beat(now_ms());
            self.metrics.set_in_flight(tasks.len());
            let capacity = shared.config.max_in_flight.saturating_sub(tasks.len());
            let mut claimed_any = false;
            let mut claim_failed = false;
            if capacity > 0 {
                let in_flight: Vec<(String, u32)> =
                    per_sub.iter().map(|(id, n)| (id.clone(), u32::try_from(*n).unwrap_or(u32::MAX))).collect();
                let batch = u32::try_from(capacity).unwrap_or(u32::MAX);
                let per = u32::try_from(per_subscription).unwrap_or(u32::MAX);
                match store.claim_due(now_ms(), lease_ms, batch, per, &in_flight).await {
                    Ok(claimed) => {
                        claimed_any = !claimed.is_empty();
                        for delivery in claimed {
                            *per_sub.entry(delivery.subscription_id.clone()).or_default() += 1;
                            let ids = (delivery.id.clone(), delivery.subscription_id.clone());
                            let shared = shared.clone();
                            let record = record.clone();
                            let handle = tasks.spawn(async move {
                                let delivery_id = delivery.id.clone();
                                match attempt::run(&shared, delivery).await {
                                    Ok(Some(finished)) => {
                                        let _ = record.send(finished);
                                    }
                                    Ok(None) => {}
                                    // The lease runs out and the delivery is attempted again.
                                    Err(error) => tracing::error!(%error, %delivery_id, "could not run an attempt"),
                                }
                            });
                            running.insert(handle.id(), ids);
                        }
                    }
                    Err(error) => {
                        tracing::error!(%error, "could not claim deliveries");
                        claim_failed = true;
                    }
                }
            }
            if claimed_any {
                // There may be more due work (of other subscriptions, or beyond this batch).
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
                Some(done) = tasks.join_next_with_id(), if !tasks.is_empty() => finished(done, &mut running, &mut per_sub),
                _ = tokio::time::sleep(sleep_for) => {}
            }
        }

        drain(&store, &mut tasks, &mut running, &mut per_sub, shared.config.request_timeout).await;
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

fn finished(
    done: Result<(Id, ()), tokio::task::JoinError>,
    running: &mut HashMap<Id, (String, String)>,
    per_sub: &mut HashMap<String, usize>,
) {
    let id = match done {
        Ok((id, ())) => id,
        Err(error) => {
            if error.is_panic() {
                tracing::error!(%error, "an attempt task panicked");
            }
            error.id()
        }
    };
    if let Some((_, subscription_id)) = running.remove(&id) {
        if let Some(count) = per_sub.get_mut(&subscription_id) {
            *count -= 1;
            if *count == 0 {
                per_sub.remove(&subscription_id);
            }
        }
    }
}

/// Lets in-flight attempts finish, up to the request timeout; the rest are cancelled and their
/// deliveries made due again, so the next start sends them.
async fn drain(
    store: &Store,
    tasks: &mut JoinSet<()>,
    running: &mut HashMap<Id, (String, String)>,
    per_sub: &mut HashMap<String, usize>,
    grace: Duration,
) {
    if tasks.is_empty() {
        return;
    }
    tracing::info!(in_flight = tasks.len(), "waiting for attempts in flight");
    let deadline = tokio::time::sleep(grace + Duration::from_secs(1));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            done = tasks.join_next_with_id() => match done {
                Some(done) => finished(done, running, per_sub),
                None => return,
            },
            _ = &mut deadline => break,
        }
    }
    // Whatever has not finished now is cancelled. (One that finishes in between has cleared its
    // lease, and releasing it again changes nothing.)
    let unfinished: Vec<String> = running.values().map(|(delivery_id, _)| delivery_id.clone()).collect();
    tasks.abort_all();
    while let Some(done) = tasks.join_next_with_id().await {
        finished(done, running, per_sub);
    }
    tracing::warn!(count = unfinished.len(), "re-queued attempts that did not finish before shutdown");
    if let Err(error) = store.release(&unfinished, now_ms()).await {
        tracing::error!(%error, "could not re-queue unfinished attempts; they fall due when their lease runs out");
    }
}
