//! What `/metrics` reports, in the Prometheus (OpenMetrics) text format. Each server has its own
//! registry (no global recorder), so several servers in one process, as in the tests, keep
//! their own figures. Counters are bumped after the commit they count; queue figures are read
//! from the database when scraped.

use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{exponential_buckets, Histogram};
use prometheus_client::registry::Registry;

use crate::store::Store;

/// The content type of [`Metrics::render`]'s output.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabel {
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StateLabel {
    state: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: u16,
}

struct Inner {
    registry: Registry,
    events_accepted: Counter,
    deliveries: Family<OutcomeLabel, Counter>,
    attempt_duration: Histogram,
    inbound_requests: Family<StatusLabel, Counter>,
    queue_depth: Family<StateLabel, Gauge>,
    in_flight: Gauge,
    worker_lag: Gauge<f64, AtomicU64>,
    /// When the worker's loop last came round (Unix ms); what `/healthz` checks.
    worker_beat_ms: AtomicI64,
}

#[derive(Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("hookrelay");
        let events_accepted = Counter::default();
        registry.register(
            "events_accepted",
            "Events accepted (committed) by publishes and inbound sources",
            events_accepted.clone(),
        );
        let deliveries = Family::<OutcomeLabel, Counter>::default();
        registry.register(
            "delivery_attempts",
            "Attempts recorded, by where they left their delivery: succeeded, retrying or failed",
            deliveries.clone(),
        );
        // 1 ms to about 33 s: a fast local receiver up to past the default 15 s timeout.
        let attempt_duration = Histogram::new(exponential_buckets(0.001, 2.0, 16));
        registry.register("attempt_duration_seconds", "How long delivery attempts took", attempt_duration.clone());
        let inbound_requests = Family::<StatusLabel, Counter>::default();
        registry.register(
            "inbound_requests",
            "Requests to /_webhooks/ sources, by the status answered",
            inbound_requests.clone(),
        );
        let queue_depth = Family::<StateLabel, Gauge>::default();
        registry.register(
            "queue_depth",
            "Deliveries waiting for an attempt: due now, scheduled for later, or in flight",
            queue_depth.clone(),
        );
        let in_flight = Gauge::default();
        registry.register("attempts_in_flight", "Attempts the worker is making right now", in_flight.clone());
        let worker_lag = Gauge::<f64, AtomicU64>::default();
        registry.register(
            "worker_lag_seconds",
            "How long the oldest due delivery has been waiting for the worker",
            worker_lag.clone(),
        );
        Metrics {
            inner: Arc::new(Inner {
                registry,
                events_accepted,
                deliveries,
                attempt_duration,
                inbound_requests,
                queue_depth,
                in_flight,
                worker_lag,
                worker_beat_ms: AtomicI64::new(0),
            }),
        }
    }
}

impl Metrics {
    pub fn events_accepted(&self, count: u64) {
        self.inner.events_accepted.inc_by(count);
    }

    /// One recorded attempt: `outcome` is its delivery's new status.
    pub fn attempt_recorded(&self, outcome: crate::model::DeliveryStatus, duration_ms: i64) {
        self.inner.deliveries.get_or_create(&OutcomeLabel { outcome: outcome.as_str().to_string() }).inc();
        self.inner.attempt_duration.observe(duration_ms.max(0) as f64 / 1000.0);
    }

    pub fn inbound_request(&self, status: u16) {
        self.inner.inbound_requests.get_or_create(&StatusLabel { status }).inc();
    }

    pub fn set_in_flight(&self, count: usize) {
        self.inner.in_flight.set(i64::try_from(count).unwrap_or(i64::MAX));
    }

    /// The worker says it is alive.
    pub fn worker_beat(&self, now_ms: i64) {
        self.inner.worker_beat_ms.store(now_ms, Ordering::Relaxed);
    }

    /// Whether the worker's loop came round within `window_ms`.
    pub fn worker_alive(&self, now_ms: i64, window_ms: i64) -> bool {
        let beat = self.inner.worker_beat_ms.load(Ordering::Relaxed);
        beat > 0 && now_ms - beat <= window_ms
    }

    /// The text Prometheus scrapes; reads the queue's figures first.
    pub async fn render(&self, store: &Store, now_ms: i64) -> Result<String, sqlx::Error> {
        let queue = store.queue_state(now_ms).await?;
        for (state, count) in [("due", queue.due), ("scheduled", queue.scheduled), ("in_flight", queue.in_flight)] {
            self.inner.queue_depth.get_or_create(&StateLabel { state }).set(count);
        }
        let lag_ms = queue.oldest_due_at.map_or(0, |due| (now_ms - due).max(0));
        self.inner.worker_lag.set(lag_ms as f64 / 1000.0);
        let mut text = String::new();
        if prometheus_client::encoding::text::encode(&mut text, &self.inner.registry).is_err() {
            // Writing to a String cannot fail; an empty answer is still a valid scrape.
            text.clear();
        }
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_worker_is_alive_only_within_the_window_after_a_beat() {
        let metrics = super::Metrics::default();
        assert!(!metrics.worker_alive(1_000, 60_000), "no beat yet");
        metrics.worker_beat(1_000);
        assert!(metrics.worker_alive(61_000, 60_000));
        assert!(!metrics.worker_alive(61_001, 60_000));
    }
}
