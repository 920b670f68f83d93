//! The delivery worker: claims due deliveries from the durable queue and runs their attempts,
//! at most `max_in_flight` at once and `max_in_flight_per_account` per account, and per
//! subscription as many as its window allows (`window`: it starts at
//! `max_in_flight_per_subscription`, widens for an endpoint that answers fast and cleanly, and
//! narrows for one that struggles), so that one slow or dead endpoint (or one account with many)
//! never holds up the others, and a fast one is not held to a trickle.
//!
//! It works in turns (`Queue::turn`): one transaction records the attempts finished since the
//! last turn and claims the next deliveries. Only one turn runs at a time; attempts that finish
//! meanwhile wait for the next, so the busier the worker, the more each turn carries. For a fast
//! endpoint a window's worth is claimed ahead (`held`), so a finished attempt starts the next
//! without waiting for a turn.
//!
//! It sleeps until it is woken (a new event, a redeliver: on a shared database also one on
//! another instance, by its NOTIFY), an attempt finishes, or the next delivery falls due; it
//! looks at the queue unasked only every `MAX_SLEEP`, as a backstop. Every claim carries a
//! lease: if the process dies at any instant, the claimed deliveries fall due again when their
//! lease runs out (or at the next start-up).

mod attempt;
mod held;
pub mod outcome;
mod send;
pub mod ssrf;
mod window;

use std::sync::Arc;
use std::time::Duration;

use app::domain::ids::new_id;
use app::domain::live::LiveFeed;
use app::domain::now_ms;
use app::domain::queue::{ClaimLimits, Claimed, Finished, Queue, Turn, Turned};
use app::metrics::Metrics;
use app::store::Store;
use tokio::sync::Notify;
use tokio::task::{Id, JoinError, JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;

use held::{Held, Limits};
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
    sender: Sender,
    config: WorkerConfig,
}

pub struct Worker {
    store: Store,
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
        Ok(Worker { store, shared: Arc::new(Shared { sender, config }), wake, live, metrics })
    }

    pub async fn run(self, shutdown: CancellationToken) {
        match self.store.release_abandoned_leases(now_ms()).await {
            Ok(0) => {}
            Ok(released) => tracing::info!(released, "re-queued deliveries claimed before the last stop"),
            Err(error) => tracing::error!(%error, "could not re-queue deliveries claimed before the last stop"),
        }
        let config = &self.shared.config;
        let per_subscription = u32::try_from(config.max_in_flight_per_subscription.max(1)).unwrap_or(u32::MAX);
        let per_account = u32::try_from(config.max_in_flight_per_account.max(1)).unwrap_or(u32::MAX);
        let limits = Limits {
            running: u32::try_from(config.max_in_flight.max(1)).unwrap_or(u32::MAX),
            running_per_account: per_account,
            attempt_ms: millis(config.request_timeout + LEASE_MARGIN / 2),
        };
        let mut cycle = Cycle {
            // A subscription's window may grow to its account's limit (it cannot use more).
            windows: Windows::new(per_subscription, per_account),
            held: Held::default(),
            tasks: JoinSet::new(),
            due: Due::default(),
            limits,
            lease_ms: millis(config.request_timeout + LEASE_MARGIN),
        };
        let mut turn: Option<JoinHandle<TurnDone>> = None;
        // A turn that failed holds the next one back, so that a broken database is not hammered.
        let mut paused_until: Option<tokio::time::Instant> = None;
        let mut claim_wanted = true;

        loop {
            while let Some(done) = cycle.tasks.try_join_next_with_id() {
                cycle.finished(done);
            }
            cycle.start_ready(&self.shared);
            if shutdown.is_cancelled() {
                break;
            }
            self.metrics.worker_beat(now_ms());
            self.metrics.set_in_flight(cycle.held.running());
            let paused = paused_until.is_some_and(|until| tokio::time::Instant::now() < until);
            if turn.is_none() && !paused && (claim_wanted || cycle.due.has_work()) {
                turn = Some(cycle.turn(&self.store));
                claim_wanted = false;
            }

            let sleep_for = if paused {
                Duration::from_secs(1)
            } else {
                match cycle.due.next_due_at {
                    Some(due) if due > now_ms() => {
                        Duration::from_millis(u64::try_from(due - now_ms()).unwrap_or(0)).min(MAX_SLEEP)
                    }
                    // Due work that may not start yet (its subscription or account is at its
                    // limit): a finishing attempt brings the next turn; this is the fallback.
                    Some(_) => Duration::from_millis(250),
                    None => MAX_SLEEP,
                }
            };
            tokio::select! {
                _ = shutdown.cancelled() => {}
                _ = self.wake.notified() => claim_wanted = true,
                Some(done) = cycle.tasks.join_next_with_id(), if !cycle.tasks.is_empty() => {
                    cycle.finished(done);
                    // A freed slot may let due work start that the last claim had no room for.
                    claim_wanted |= cycle.due.next_due_at.is_some_and(|due| due <= now_ms());
                }
                done = finish(&mut turn) => {
                    turn = None;
                    match cycle.turned(done, &self.live, &self.metrics) {
                        Ok(more) => {
                            paused_until = None;
                            claim_wanted |= more;
                        }
                        Err(()) => paused_until = Some(tokio::time::Instant::now() + Duration::from_secs(1)),
                    }
                }
                _ = tokio::time::sleep(sleep_for) => claim_wanted = true,
            }
        }

        cycle.drain(&self.store, turn, &self.live, &self.metrics, self.shared.config.request_timeout).await;
    }
}

fn millis(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis()).unwrap_or(i64::MAX / 4)
}

/// What the worker owes the queue at its next turn.
#[derive(Default)]
struct Due {
    finished: Vec<Finished>,
    ended: Vec<Claimed>,
    released: Vec<Claimed>,
    /// When the next delivery falls due, as the last turn saw it (`None` if its claim took all
    /// it asked for: more may be due now, and the next turn comes at once).
    next_due_at: Option<i64>,
}

impl Due {
    fn has_work(&self) -> bool {
        !self.finished.is_empty() || !self.ended.is_empty() || !self.released.is_empty()
    }
}

/// A turn's result, with what it recorded (to count and announce once it is committed).
struct TurnDone {
    finished: Vec<Finished>,
    /// When the turn began by this process's clock (the claim's lease runs from no earlier),
    /// how far the database's clock, which the turn ran by, is ahead of it, and how many
    /// deliveries the claim asked for.
    began_at: i64,
    clock_offset: i64,
    asked: usize,
    result: Result<Turned, sqlx::Error>,
}

/// Waits for the turn in progress; never, if there is none.
async fn finish(turn: &mut Option<JoinHandle<TurnDone>>) -> Result<TurnDone, JoinError> {
    match turn {
        Some(handle) => handle.await,
        None => std::future::pending().await,
    }
}

/// The worker's state between turns.
struct Cycle {
    windows: Windows,
    held: Held,
    tasks: JoinSet<(Signal, Finished)>,
    due: Due,
    limits: Limits,
    lease_ms: i64,
}

impl Cycle {
    /// Starts every held delivery that may start now; those claimed ahead whose lease is too
    /// short are given back at the next turn.
    fn start_ready(&mut self, shared: &Arc<Shared>) {
        let (ready, expired) = self.held.ready(&self.windows, &self.limits, now_ms());
        self.due.released.extend(expired);
        for (claimed, context) in ready {
            let delivery = claimed.clone();
            let shared = shared.clone();
            let handle = self.tasks.spawn(async move {
                let finished = attempt::run(&shared, claimed, context).await;
                (Signal::of(&finished.attempt), finished)
            });
            self.held.started(handle.id(), &delivery);
        }
        if self.windows.len() > window::REMEMBERED {
            let held = &self.held;
            self.windows.forget_idle(|id| held.holds(id));
        }
    }

    /// Frees a finished task's slot, tells its subscription's window what the attempt showed,
    /// and keeps what it did for the next turn.
    fn finished(&mut self, done: Result<(Id, (Signal, Finished)), JoinError>) {
        let (task, signal) = match done {
            Ok((task, (signal, finished))) => {
                self.due.finished.push(finished);
                (task, signal)
            }
            Err(error) => {
                // Its lease runs out and the delivery is attempted again.
                if error.is_panic() {
                    tracing::error!(%error, "an attempt task panicked");
                }
                (error.id(), Signal::Keep)
            }
        };
        if let Some(subscription_id) = self.held.finished(task) {
            self.windows.update(&subscription_id, signal);
        }
    }

    /// Starts a turn with everything owed, claiming as much as the limits leave room for.
    fn turn(&mut self, store: &Store) -> JoinHandle<TurnDone> {
        let finished = std::mem::take(&mut self.due.finished);
        let ended = std::mem::take(&mut self.due.ended);
        let released = std::mem::take(&mut self.due.released);
        let (room, account_room) = self.held.room(&self.windows, self.limits.running_per_account);
        // Room for what runs plus as much again claimed ahead.
        let asked = (2 * self.limits.running as usize).saturating_sub(self.held.total());
        let claim = asked > 0;
        let per_subscription = self.windows.start();
        let per_account = self.limits.running_per_account;
        let lease_ms = self.lease_ms;
        let store = store.clone();
        tokio::spawn(async move {
            // The database's clock on PostgreSQL (leases are judged by it); if it does not
            // answer, the turn will not either.
            let began_at = now_ms();
            let now = store.clock().await.unwrap_or(began_at);
            let limits = ClaimLimits {
                limit: u32::try_from(asked).unwrap_or(u32::MAX),
                subscription_room: &room,
                per_subscription,
                account_room: &account_room,
                per_account,
            };
            let turn = Turn {
                now,
                finished: &finished,
                ended: &ended,
                released: &released,
                claim: claim.then_some(limits),
                lease_ms,
            };
            let result = store.turn(&turn, || new_id("dlv")).await;
            TurnDone { finished, began_at, clock_offset: now - began_at, asked: if claim { asked } else { 0 }, result }
        })
    }

    /// Takes a finished turn's claims and announces what it recorded; whether more may be due
    /// at once (the claim took all it asked for). `Err` when the turn failed.
    fn turned(&mut self, done: Result<TurnDone, JoinError>, live: &LiveFeed, metrics: &Metrics) -> Result<bool, ()> {
        let done = match done {
            Ok(done) => done,
            Err(error) => {
                tracing::error!(%error, "a turn of the worker stopped abnormally");
                return Err(());
            }
        };
        match done.result {
            Ok(turned) => {
                announce(&done.finished, live, metrics);
                let more = done.asked > 0 && turned.claimed.len() == done.asked;
                // Kept by this process's clock, which the worker waits and starts by: a lease
                // judged by a database clock ahead of it would otherwise look longer than it is.
                self.due.next_due_at = turned.next_due_at.map(|due| due - done.clock_offset);
                let lease_until = done.began_at + self.lease_ms;
                for work in turned.claimed {
                    match attempt::attemptable(work) {
                        Ok((claimed, context)) => self.held.take(claimed, context, lease_until),
                        Err(claimed) => self.due.ended.push(*claimed),
                    }
                }
                Ok(more)
            }
            Err(error) => {
                // Their leases run out and they are attempted again: at least once, never lost.
                tracing::error!(%error, attempts = done.finished.len(), "a turn of the worker failed");
                Err(())
            }
        }
    }

    /// Lets running attempts finish, up to the request timeout, and records them; the rest,
    /// and whatever was claimed ahead, are made due again, so the next start sends them.
    async fn drain(
        mut self,
        store: &Store,
        turn: Option<JoinHandle<TurnDone>>,
        live: &LiveFeed,
        metrics: &Metrics,
        grace: Duration,
    ) {
        if let Some(turn) = turn {
            let _ = self.turned(turn.await, live, metrics);
        }
        let mut released = self.held.give_up_ahead();
        if !self.tasks.is_empty() {
            tracing::info!(in_flight = self.tasks.len(), "waiting for attempts in flight");
            let deadline = tokio::time::sleep(grace + Duration::from_secs(1));
            tokio::pin!(deadline);
            loop {
                tokio::select! {
                    done = self.tasks.join_next_with_id() => match done {
                        Some(done) => self.finished(done),
                        None => break,
                    },
                    _ = &mut deadline => break,
                }
            }
        }
        // Whatever has not finished now is cancelled. (One that finishes in between is
        // recorded below, and releasing it too changes nothing: its lease is cleared.)
        let unfinished = self.held.running_deliveries();
        if !unfinished.is_empty() {
            tracing::warn!(count = unfinished.len(), "re-queued attempts that did not finish before shutdown");
        }
        self.tasks.abort_all();
        while let Some(done) = self.tasks.join_next_with_id().await {
            self.finished(done);
        }
        released.extend(unfinished);
        released.append(&mut self.due.released);
        let now = store.clock().await.unwrap_or_else(|_| now_ms());
        let turn = Turn::closing(now, &self.due.finished, &self.due.ended, &released);
        match store.turn(&turn, || new_id("dlv")).await {
            Ok(_) => announce(&self.due.finished, live, metrics),
            Err(error) => tracing::error!(
                %error,
                "could not record the last attempts or re-queue unfinished ones; they fall due when their lease runs out"
            ),
        }
    }
}

/// Counts recorded attempts and tells their accounts' live views.
fn announce(finished: &[Finished], live: &LiveFeed, metrics: &Metrics) {
    for item in finished {
        metrics.attempt_recorded(item.outcome.status, item.attempt.duration_ms);
    }
    live.changed_all(finished.iter().map(|item| item.claimed.account_id.as_str()));
}
