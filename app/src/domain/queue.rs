//! The delivery queue's contract, and the types the worker's cycle speaks in: claim due
//! deliveries under a lease, make each attempt, record what it did (and what it raised), and
//! release what is left when the worker stops. The store implements [`Queue`]; the worker
//! (`src/worker`) drives it, and its `outcome::decide` says where a delivery goes after an
//! attempt.
//!
//! The guarantees every implementation keeps:
//! - A claimed delivery is due again when its lease runs out: a worker killed at any instant
//!   loses nothing, and an attempt may be made twice (at least once, never lost).
//! - A claim never gives one subscription or one account more than its limit in flight,
//!   counting what the worker holds already, and accounts take turns.
//! - Recording is one transaction per batch: the attempt, the delivery's next state, the
//!   subscription's, and the alerts this attempt raised are written together or not at all.
//! - A redeliver asked for while an attempt runs is kept: that attempt's result is recorded, but
//!   the delivery stays due for the new request.

use std::future::Future;

use crate::model::DeliveryStatus;
use crate::store::{AttemptRecord, NewEvent};

/// A delivery the worker now holds.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Claimed {
    pub id: String,
    pub account_id: String,
    pub event_id: String,
    pub subscription_id: String,
    pub status: DeliveryStatus,
    pub attempts_made: i64,
    /// `scheduled`, `manual`, `replay` or `test`.
    pub next_trigger: String,
    pub triggered_by: Option<String>,
    /// Changes whenever someone asks for another attempt, so that recording can tell.
    pub version: i64,
}

/// What an attempt needs to know about its event and subscription.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AttemptContext {
    pub event_type: String,
    pub event_created_at: i64,
    /// `None` once retention has purged it.
    pub payload: Option<String>,
    pub url: String,
    pub headers: String,
    pub webhook_id: Option<String>,
    pub secret: String,
    pub previous_secret: Option<String>,
    pub previous_secret_expires_at: Option<i64>,
    pub subscription_active: bool,
    pub failing_since: Option<i64>,
}

/// How much a claim may take.
#[derive(Debug, Clone, Copy)]
pub struct ClaimLimits<'a> {
    /// Most deliveries in this claim (the worker's free slots).
    pub limit: u32,
    /// (subscription id, how many more it may have in flight now): its window less what the
    /// worker holds of it. 0 leaves the subscription out.
    pub subscription_room: &'a [(String, u32)],
    /// How many any subscription not in `subscription_room` may take.
    pub per_subscription: u32,
    pub per_account: u32,
    /// (account id, how many the worker holds of it).
    pub busy_accounts: &'a [(String, u32)],
}

/// Where a delivery goes after an attempt.
#[derive(Debug, Clone)]
pub struct DeliveryOutcome {
    /// `Succeeded`, `Retrying` or `Failed`.
    pub status: DeliveryStatus,
    pub next_attempt_at: Option<i64>,
    pub last_status_code: Option<i64>,
}

/// What an attempt does to its subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubscriptionEffect {
    /// A success ends any run of failures.
    Succeeded,
    /// A failure starts (or continues) a run of failures.
    Failed,
    /// Disable it, with this reason (`gone`, `failing`).
    Disable(&'static str),
}

/// One of Hookrelay's own events that an attempt raises (see `domain::alerts`), published in
/// the same transaction as the attempt, and only if what it reports is what recording did.
#[derive(Debug, Clone)]
pub struct Alert {
    pub event: NewEvent,
    pub when: AlertCondition,
}

/// What recording the attempt must have done for its alert to be true.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlertCondition {
    /// The attempt moved its delivery on as scheduled: nobody asked for another attempt
    /// meanwhile, so the delivery really is over.
    MovedTheDeliveryOn,
    /// The attempt's effect changed its subscription (no other attempt disabled it first).
    ChangedTheSubscription,
}

/// One finished attempt, ready to be recorded.
#[derive(Debug, Clone)]
pub struct Finished {
    pub claimed: Claimed,
    pub attempt: AttemptRecord,
    pub outcome: DeliveryOutcome,
    pub effect: SubscriptionEffect,
    pub now: i64,
    pub alerts: Vec<Alert>,
}

type Answer<T> = Result<T, sqlx::Error>;

/// The durable queue the worker runs on.
pub trait Queue {
    /// Claims due deliveries, holding each until `now + lease_ms`, within `limits`: no
    /// subscription and no account ends up with more in flight than its limit, counting what
    /// the worker already holds. Accounts take turns (each one's earliest due delivery first,
    /// then each one's second, ...), so one account with a deep queue cannot fill every slot.
    fn claim_due(
        &self,
        now: i64,
        lease_ms: i64,
        limits: &ClaimLimits<'_>,
    ) -> impl Future<Output = Answer<Vec<Claimed>>> + Send;

    /// The event and subscription of a claimed delivery; `None` if either is gone.
    fn attempt_context(&self, claimed: &Claimed) -> impl Future<Output = Answer<Option<AttemptContext>>> + Send;

    /// Stores finished attempts and moves their deliveries (and maybe subscriptions) on, all in
    /// one transaction: one commit for many attempts is what lets the worker keep up with a
    /// fast receiver. `new_delivery_id` names the deliveries of the alerts they raise.
    fn record_attempts<F: FnMut() -> String + Send>(
        &self,
        finished: &[Finished],
        new_delivery_id: F,
    ) -> impl Future<Output = Answer<()>> + Send;

    /// Ends a delivery without an attempt (its subscription is disabled or gone).
    fn fail_without_attempt(&self, claimed: &Claimed, now: i64) -> impl Future<Output = Answer<()>> + Send;

    /// Makes claimed deliveries due again at once (the worker stops with attempts unfinished).
    fn release(&self, ids: &[String], now: i64) -> impl Future<Output = Answer<()>> + Send;

    /// At start-up: every lease held by a process that is gone is released; how many.
    fn release_abandoned_leases(&self, now: i64) -> impl Future<Output = Answer<u64>> + Send;

    /// When the next delivery falls due (a retry, or a lease running out), if any.
    fn next_due_at(&self) -> impl Future<Output = Answer<Option<i64>>> + Send;
}
