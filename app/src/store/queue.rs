//! The delivery queue: the store's side of `domain::queue::Queue` (claim, record, release), the
//! queue's state across the instance, and the requests that make a delivery due again
//! (redeliver, replay).

use crate::domain::queue::{AttemptContext, ClaimLimits, Claimed, Finished, Queue};

use super::{Backend, Store};

/// The queue's state across the instance.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct QueueState {
    /// Deliveries whose time has come (a lease that ran out makes its delivery due again).
    pub due: i64,
    /// Deliveries the worker holds right now.
    pub in_flight: i64,
    /// Deliveries waiting for a later time.
    pub scheduled: i64,
    /// When the longest-waiting due delivery fell due.
    pub oldest_due_at: Option<i64>,
}

operations! {
    /// The queue's state across the instance, for `/metrics` and the operator page: one
    /// definition of due, in flight and scheduled. Walks only the queue's own index (deliveries
    /// that await an attempt), however long the history.
    pub async fn queue_state(&self, now: i64) -> Result<QueueState, sqlx::Error>;
    /// Asks for an attempt now, whatever the delivery's state; false if no such delivery.
    pub async fn request_attempt(
        &self,
        account_id: &str,
        delivery_id: &str,
        trigger: &str,
        triggered_by: Option<&str>,
        now: i64,
    ) -> Result<bool, sqlx::Error>;
    /// Asks for a `replay` attempt of every failed delivery of a subscription created within
    /// `[since, until)`; returns how many.
    pub async fn request_replay(
        &self,
        account_id: &str,
        subscription_id: &str,
        since: i64,
        until: i64,
        triggered_by: Option<&str>,
        now: i64,
    ) -> Result<u64, sqlx::Error>;
}

impl Queue for Store {
    async fn claim_due(&self, now: i64, lease_ms: i64, limits: &ClaimLimits<'_>) -> Result<Vec<Claimed>, sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.claim_due(now, lease_ms, limits).await,
        }
    }

    async fn attempt_context(&self, claimed: &Claimed) -> Result<Option<AttemptContext>, sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.attempt_context(claimed).await,
        }
    }

    async fn record_attempts<F: FnMut() -> String + Send>(
        &self,
        finished: &[Finished],
        new_delivery_id: F,
    ) -> Result<(), sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.record_attempts(finished, new_delivery_id).await,
        }
    }

    async fn fail_without_attempt(&self, claimed: &Claimed, now: i64) -> Result<(), sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.fail_without_attempt(claimed, now).await,
        }
    }

    async fn release(&self, ids: &[String], now: i64) -> Result<(), sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.release(ids, now).await,
        }
    }

    async fn release_abandoned_leases(&self, now: i64) -> Result<u64, sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.release_abandoned_leases(now).await,
        }
    }

    async fn next_due_at(&self) -> Result<Option<i64>, sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.next_due_at().await,
        }
    }
}
