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
//! - A turn is one transaction: each attempt, its delivery's next state, its subscription's,
//!   and the alerts it raised are written together with the turn's releases and claim, or none
//!   of it is (the attempts' leases then run out and they are made again).
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
    /// This claim's own: recording checks it, so that a holder whose lease ran out (and whose
    /// delivery was claimed again) cannot overwrite the new holder's record.
    pub lease_token: i64,
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
    /// Most deliveries in this claim.
    pub limit: u32,
    /// (subscription id, how many more the worker may hold of it now): its room less what the
    /// worker holds of it (running or claimed ahead). 0 leaves the subscription out.
    pub subscription_room: &'a [(String, u32)],
    /// How many any subscription not in `subscription_room` may take.
    pub per_subscription: u32,
    /// (account id, how many more the worker may hold of it now), the same way.
    pub account_room: &'a [(String, u32)],
    /// How many any account not in `account_room` may take.
    pub per_account: u32,
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

/// One turn of the worker's cycle: what it hands back and what it asks for, written in one
/// transaction. Recording and claiming together is what lets the worker keep up with a fast
/// receiver: one commit moves many attempts on and brings the next ones.
#[derive(Debug, Clone, Copy)]
pub struct Turn<'a> {
    pub now: i64,
    /// Attempts finished since the last turn.
    pub finished: &'a [Finished],
    /// Deliveries to end without an attempt (their subscription is disabled or gone, or their
    /// event is).
    pub ended: &'a [Claimed],
    /// Claimed deliveries the worker gives back unattempted (it stops, or one claimed ahead
    /// waited too long to start within its lease): due again at once, unless the claim is no
    /// longer the worker's (its lease ran out and another took it: the lease token differs).
    pub released: &'a [Claimed],
    /// What to claim next, under a lease of `lease_ms`; `None` claims nothing.
    pub claim: Option<ClaimLimits<'a>>,
    pub lease_ms: i64,
}

impl<'a> Turn<'a> {
    /// A turn that only records and releases (the worker is stopping).
    pub fn closing(now: i64, finished: &'a [Finished], ended: &'a [Claimed], released: &'a [Claimed]) -> Self {
        Turn { now, finished, ended, released, claim: None, lease_ms: 0 }
    }
}

/// A claimed delivery with what its attempt needs.
#[derive(Debug, Clone)]
pub struct Work {
    pub claimed: Claimed,
    /// `None` if its event or subscription is gone.
    pub context: Option<AttemptContext>,
}

/// What a turn brought.
#[derive(Debug, Default)]
pub struct Turned {
    /// In no particular order (the limits are what keeps claims fair).
    pub claimed: Vec<Work>,
    /// When a claim took fewer than its limit: when the next delivery falls due (a retry, a
    /// lease running out; at or before `now` if due work waits for room), if any.
    pub next_due_at: Option<i64>,
}

type Answer<T> = Result<T, sqlx::Error>;

/// The durable queue the worker runs on.
pub trait Queue {
    /// Runs one turn, all of it or none:
    /// - stores the finished attempts and moves their deliveries (and maybe subscriptions) on,
    ///   with the alerts they raised; `new_delivery_id` names those alerts' deliveries;
    /// - ends the `ended` deliveries without an attempt and makes the `released` ones due;
    /// - claims due deliveries, holding each until `now + lease_ms`, within the limits: no
    ///   subscription and no account ends up holding more than its limit, counting what the
    ///   worker holds already. Accounts take turns (each one's earliest due delivery first,
    ///   then each one's second, ...), so one account with a deep queue cannot take every slot.
    fn turn<F: FnMut() -> String + Send>(
        &self,
        turn: &Turn<'_>,
        new_delivery_id: F,
    ) -> impl Future<Output = Answer<Turned>> + Send;

    /// At start-up: every lease this instance held before it stopped is released (on SQLite,
    /// every lease: there is one instance); how many.
    fn release_abandoned_leases(&self, now: i64) -> impl Future<Output = Answer<u64>> + Send;

    /// The time a turn is given (its `now`): leases are given and judged by it. The database's
    /// on PostgreSQL, so that instances whose clocks differ agree on when a lease runs out.
    fn clock(&self) -> impl Future<Output = Answer<i64>> + Send;
}
