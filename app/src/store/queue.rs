//! The delivery queue: the store's side of `domain::queue::Queue` (the worker's turn: record,
//! release, claim), the queue's state across the instance, and the requests that make a
//! delivery due again (redeliver, replay).

use crate::domain::queue::{Queue, Turn, Turned};

use super::{Backend, Store};

/// The queue's state across the instance.
#[derive(Debug, Clone, Copy, Default, sqlx::FromRow)]
pub struct QueueState {
    /// Deliveries whose time has come (a lease that ran out makes its delivery due again).
    pub due: i64,
    /// Deliveries the worker holds under a lease right now (being attempted, or claimed to go next).
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
    async fn turn<F: FnMut() -> String + Send>(
        &self,
        turn: &Turn<'_>,
        new_delivery_id: F,
    ) -> Result<Turned, sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.turn(turn, new_delivery_id).await,
            Backend::Postgres(db) => db.turn(turn, new_delivery_id).await,
        }
    }

    async fn release_abandoned_leases(&self, now: i64) -> Result<u64, sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.release_abandoned_leases(now).await,
            Backend::Postgres(db) => db.release_abandoned_leases(now).await,
        }
    }

    async fn clock(&self) -> Result<i64, sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(crate::domain::now_ms()),
            Backend::Postgres(db) => db.clock().await,
        }
    }
}
