//! The way into the delivery queue. Publishes from all requests are funnelled to one task that
//! writes whatever has arrived meanwhile in a single transaction (group commit), then answers
//! each publisher and wakes the worker. A publisher is answered only after its event and
//! deliveries are committed, so a 2xx always means "on disk".

use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, Notify};

use super::ids::new_id;
use super::live::LiveFeed;
use crate::error::AppError;
use crate::metrics::Metrics;
use crate::store::{Inserted, NewEvent, Store};

/// Most events written in one transaction.
const BATCH: usize = 256;

struct Job {
    event: NewEvent,
    reply: oneshot::Sender<Result<Inserted, AppError>>,
}

#[derive(Clone, Debug)]
pub struct Pipeline {
    jobs: mpsc::Sender<Job>,
    wake: Arc<Notify>,
    live: LiveFeed,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("event_id", &self.event.record.id).finish()
    }
}

impl Pipeline {
    /// Starts the writing task; it ends when the last `Pipeline` clone is dropped.
    /// Committed events are announced on `live` and counted in `metrics`.
    pub fn start(store: Store, live: LiveFeed, metrics: Metrics) -> Pipeline {
        let (jobs, queue) = mpsc::channel(4 * BATCH);
        let wake = Arc::new(Notify::new());
        tokio::spawn(write_batches(store, queue, wake.clone(), live.clone(), metrics));
        Pipeline { jobs, wake, live }
    }

    /// Stores one event (with its deliveries) and returns once it is committed.
    pub async fn insert(&self, event: NewEvent) -> Result<Inserted, AppError> {
        let (reply, answer) = oneshot::channel();
        let stopped = || {
            tracing::error!("the event writer has stopped");
            AppError::Internal
        };
        self.jobs.send(Job { event, reply }).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }

    /// Tells the worker that deliveries of this account may have become due now, and open
    /// pages that they changed.
    pub fn wake_worker(&self, account_id: &str) {
        self.wake.notify_one();
        self.live.changed(account_id);
    }

    /// What the worker waits on.
    pub fn wakeup(&self) -> Arc<Notify> {
        self.wake.clone()
    }
}

async fn write_batches(
    store: Store,
    mut queue: mpsc::Receiver<Job>,
    wake: Arc<Notify>,
    live: LiveFeed,
    metrics: Metrics,
) {
    let mut jobs = Vec::with_capacity(BATCH);
    while queue.recv_many(&mut jobs, BATCH).await > 0 {
        let (events, replies): (Vec<NewEvent>, Vec<_>) = jobs.drain(..).map(|job| (job.event, job.reply)).unzip();
        match store.insert_events(&events, || new_id("dlv")).await {
            Ok(results) => {
                let created = results.iter().filter(|result| matches!(result, Inserted::Created { .. })).count();
                metrics.events_accepted(created as u64);
                for (reply, result) in replies.into_iter().zip(results) {
                    let _ = reply.send(Ok(result));
                }
                wake.notify_one();
                live.changed_all(events.iter().map(|event| event.record.account_id.as_str()));
            }
            Err(error) => {
                // Nothing of the batch was committed; every publisher hears so (500).
                let error = AppError::from(error);
                for reply in replies {
                    let _ = reply.send(Err(error.clone()));
                }
            }
        }
    }
}
