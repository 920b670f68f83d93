//! What the worker holds: the deliveries it has claimed, each either running (an attempt task)
//! or claimed ahead (waiting, under its lease, for its subscription's window to open), and the
//! counts that the next claim's limits and the next start are measured against.

use std::collections::{HashMap, VecDeque};

use app::domain::queue::{AttemptContext, Claimed};
use tokio::task::Id;

use super::window::Windows;

/// The limits every start and claim is held to.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Attempts running at once, over everything.
    pub running: u32,
    /// Attempts running at once for one account.
    pub running_per_account: u32,
    /// How long an attempt may take (the request timeout, and a margin): one claimed ahead
    /// starts only with at least this much of its lease left.
    pub attempt_ms: i64,
}

/// (subscription or account id, a count), as a claim's limits take them.
pub type Counts = Vec<(String, u32)>;

/// A claimed delivery not started yet (claimed ahead, or just claimed).
struct Ahead {
    claimed: Claimed,
    context: AttemptContext,
    lease_until: i64,
}

/// A delivery an attempt task holds.
struct Running {
    claimed: Claimed,
}

#[derive(Default)]
struct Count {
    running: u32,
    /// Running and claimed ahead.
    held: u32,
}

#[derive(Default)]
pub struct Held {
    running: HashMap<Id, Running>,
    ahead: VecDeque<Ahead>,
    per_subscription: HashMap<String, Count>,
    per_account: HashMap<String, Count>,
}

impl Held {
    /// Takes claimed work, to start as room allows.
    pub fn take(&mut self, claimed: Claimed, context: AttemptContext, lease_until: i64) {
        add_held(&mut self.per_subscription, &claimed.subscription_id);
        add_held(&mut self.per_account, &claimed.account_id);
        self.ahead.push_back(Ahead { claimed, context, lease_until });
    }

    /// Takes out, in claim order, every delivery that may start now (its subscription's window,
    /// its account's and the worker's limits allow), and every one whose lease is too short
    /// to start it, to give back. The caller starts each ready one and names its task with [`Held::started`].
    pub fn ready(
        &mut self,
        windows: &Windows,
        limits: &Limits,
        now: i64,
    ) -> (Vec<(Claimed, AttemptContext)>, Vec<Claimed>) {
        let mut ready = Vec::new();
        let mut expired = Vec::new();
        let mut running = self.running.len() as u32;
        let mut index = 0;
        while index < self.ahead.len() && running < limits.running {
            let ahead = &self.ahead[index];
            let claimed = &ahead.claimed;
            if ahead.lease_until - now < limits.attempt_ms {
                if let Some(ahead) = self.ahead.remove(index) {
                    self.drop_held(&ahead.claimed);
                    expired.push(ahead.claimed);
                }
                continue;
            }
            let subscription = self.per_subscription.get(&claimed.subscription_id).map_or(0, |c| c.running);
            let account = self.per_account.get(&claimed.account_id).map_or(0, |c| c.running);
            if subscription < windows.of(&claimed.subscription_id) && account < limits.running_per_account {
                if let Some(ahead) = self.ahead.remove(index) {
                    add_running(&mut self.per_subscription, &ahead.claimed.subscription_id);
                    add_running(&mut self.per_account, &ahead.claimed.account_id);
                    running += 1;
                    ready.push((ahead.claimed, ahead.context));
                }
                continue;
            }
            index += 1;
        }
        (ready, expired)
    }

    /// Notes which task runs a delivery that [`Held::ready`] gave out.
    pub fn started(&mut self, task: Id, claimed: &Claimed) {
        self.running.insert(task, Running { claimed: claimed.clone() });
    }

    /// Frees a finished task's slot; which subscription it was for.
    pub fn finished(&mut self, task: Id) -> Option<String> {
        let Running { claimed } = self.running.remove(&task)?;
        let_go(&mut self.per_subscription, &claimed.subscription_id, true);
        let_go(&mut self.per_account, &claimed.account_id, true);
        Some(claimed.subscription_id)
    }

    /// A delivery claimed ahead is given back.
    fn drop_held(&mut self, claimed: &Claimed) {
        let_go(&mut self.per_subscription, &claimed.subscription_id, false);
        let_go(&mut self.per_account, &claimed.account_id, false);
    }

    /// Everything claimed ahead, given up (the worker stops).
    pub fn give_up_ahead(&mut self) -> Vec<Claimed> {
        let ahead: Vec<Ahead> = self.ahead.drain(..).collect();
        ahead
            .into_iter()
            .map(|ahead| {
                self.drop_held(&ahead.claimed);
                ahead.claimed
            })
            .collect()
    }

    /// The deliveries of running attempts.
    pub fn running_deliveries(&self) -> Vec<Claimed> {
        self.running.values().map(|running| running.claimed.clone()).collect()
    }

    pub fn running(&self) -> usize {
        self.running.len()
    }

    pub fn total(&self) -> usize {
        self.running.len() + self.ahead.len()
    }

    pub fn holds(&self, subscription_id: &str) -> bool {
        self.per_subscription.contains_key(subscription_id)
    }

    /// For the next claim: (subscription id, how many more the worker may hold of it) for
    /// every subscription it holds or whose window is narrowed, and the same for every account
    /// it holds. A subscription may be held to its window plus what may be claimed ahead of
    /// it; an account to its limit plus what may be claimed ahead of its subscriptions.
    pub fn room(&self, windows: &Windows, per_account: u32) -> (Counts, Counts) {
        let cap = |id: &str| windows.of(id) + windows.ahead(id);
        let mut room: Counts =
            self.per_subscription.iter().map(|(id, n)| (id.clone(), cap(id).saturating_sub(n.held))).collect();
        room.extend(
            windows
                .narrowed()
                .filter(|(id, _)| !self.per_subscription.contains_key(*id))
                .map(|(id, window)| (id.to_string(), window)),
        );
        let mut account_of: HashMap<&str, &str> = HashMap::new();
        for running in self.running.values() {
            account_of.insert(&running.claimed.subscription_id, &running.claimed.account_id);
        }
        for ahead in &self.ahead {
            account_of.insert(&ahead.claimed.subscription_id, &ahead.claimed.account_id);
        }
        let mut allowance: HashMap<&str, u32> = HashMap::new();
        for (subscription_id, account_id) in account_of {
            *allowance.entry(account_id).or_default() += windows.ahead(subscription_id);
        }
        let accounts = self
            .per_account
            .iter()
            .map(|(id, n)| {
                let cap = per_account + allowance.get(id.as_str()).copied().unwrap_or(0);
                (id.clone(), cap.saturating_sub(n.held))
            })
            .collect();
        (room, accounts)
    }
}

fn add_held(counts: &mut HashMap<String, Count>, key: &str) {
    match counts.get_mut(key) {
        Some(count) => count.held += 1,
        None => {
            counts.insert(key.to_string(), Count { running: 0, held: 1 });
        }
    }
}

/// One of the key's held deliveries starts running.
fn add_running(counts: &mut HashMap<String, Count>, key: &str) {
    if let Some(count) = counts.get_mut(key) {
        count.running += 1;
    }
}

/// The key holds one delivery fewer (one that was `running`, or claimed ahead).
fn let_go(counts: &mut HashMap<String, Count>, key: &str, running: bool) {
    if let Some(count) = counts.get_mut(key) {
        if running {
            count.running -= 1;
        }
        count.held -= 1;
        if count.held == 0 {
            counts.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::window::Signal;
    use app::model::DeliveryStatus;

    const LIMITS: Limits = Limits { running: 64, running_per_account: 32, attempt_ms: 35_000 };
    const LEASE_UNTIL: i64 = 100_000;

    fn work(id: &str, subscription_id: &str, account_id: &str) -> (Claimed, AttemptContext) {
        let claimed = Claimed {
            id: id.into(),
            account_id: account_id.into(),
            event_id: format!("evt_{id}"),
            subscription_id: subscription_id.into(),
            status: DeliveryStatus::Pending,
            attempts_made: 0,
            next_trigger: "scheduled".into(),
            triggered_by: None,
            version: 0,
            lease_token: 0,
        };
        let context = AttemptContext {
            event_type: "order.created".into(),
            event_created_at: 0,
            payload: Some("{}".into()),
            url: "https://example.com/".into(),
            headers: "{}".into(),
            webhook_id: None,
            secret: "whsec_test".into(),
            previous_secret: None,
            previous_secret_expires_at: None,
            subscription_active: true,
            failing_since: None,
        };
        (claimed, context)
    }

    fn take(held: &mut Held, ids: &[&str], subscription_id: &str, account_id: &str) {
        for id in ids {
            let (claimed, context) = work(id, subscription_id, account_id);
            held.take(claimed, context, LEASE_UNTIL);
        }
    }

    /// Starts what is ready, as the worker does; the ids started.
    async fn start(held: &mut Held, windows: &Windows, now: i64) -> (Vec<String>, Vec<Id>, Vec<String>) {
        let (ready, expired) = held.ready(windows, &LIMITS, now);
        let mut tasks = Vec::new();
        for (claimed, _) in &ready {
            let task = tokio::spawn(async {}).id();
            held.started(task, claimed);
            tasks.push(task);
        }
        let started = ready.into_iter().map(|(claimed, _)| claimed.id).collect();
        (started, tasks, expired.into_iter().map(|claimed| claimed.id).collect())
    }

    #[tokio::test]
    async fn what_is_claimed_ahead_starts_as_the_window_frees() {
        let windows = Windows::new(2, 32);
        let mut held = Held::default();
        take(&mut held, &["d1", "d2", "d3"], "sub_a", "acc_a");
        let (started, tasks, expired) = start(&mut held, &windows, 0).await;
        assert_eq!((started, expired.len()), (vec!["d1".to_string(), "d2".to_string()], 0), "a window of two");
        assert_eq!((held.running(), held.total()), (2, 3));
        assert!(start(&mut held, &windows, 0).await.0.is_empty(), "nothing more until one finishes");

        assert_eq!(held.finished(tasks[0]).as_deref(), Some("sub_a"));
        assert_eq!(start(&mut held, &windows, 0).await.0, vec!["d3".to_string()]);
    }

    #[tokio::test]
    async fn one_whose_lease_would_run_out_during_its_attempt_is_given_back() {
        let windows = Windows::new(1, 32);
        let mut held = Held::default();
        take(&mut held, &["d1", "d2"], "sub_a", "acc_a");
        let (_, tasks, _) = start(&mut held, &windows, 0).await;
        held.finished(tasks[0]);
        // d2 waited so long that less than an attempt's time is left of its lease.
        let (started, _, expired) = start(&mut held, &windows, LEASE_UNTIL - LIMITS.attempt_ms + 1).await;
        assert!(started.is_empty());
        assert_eq!(expired, vec!["d2".to_string()]);
        assert_eq!(held.total(), 0);
    }

    #[tokio::test]
    async fn an_account_runs_no_more_than_its_limit_whatever_its_windows() {
        let windows = Windows::new(32, 32);
        let limits = Limits { running_per_account: 3, ..LIMITS };
        let mut held = Held::default();
        take(&mut held, &["d1", "d2"], "sub_a", "acc_a");
        take(&mut held, &["d3", "d4"], "sub_b", "acc_a");
        take(&mut held, &["d5"], "sub_c", "acc_b");
        let (ready, _) = held.ready(&windows, &limits, 0);
        let ids: Vec<&str> = ready.iter().map(|(claimed, _)| claimed.id.as_str()).collect();
        assert_eq!(ids, vec!["d1", "d2", "d3", "d5"], "acc_a's fourth waits; acc_b's goes by");
    }

    #[test]
    fn room_counts_what_is_held_and_what_may_be_claimed_ahead_of_a_fast_endpoint() {
        let mut windows = Windows::new(4, 32);
        windows.update("sub_fast", Signal::Grow);
        let mut held = Held::default();
        take(&mut held, &["d1", "d2"], "sub_fast", "acc_a");
        take(&mut held, &["d3"], "sub_slow", "acc_a");
        let (room, accounts) = held.room(&windows, 10);
        let of = |counts: &Counts, id: &str| counts.iter().find(|(key, _)| key == id).map(|(_, n)| *n);
        // The fast one: a window of 4 (4.25) and 4 ahead, less 2 held. The slow one: its window less 1.
        assert_eq!((of(&room, "sub_fast"), of(&room, "sub_slow")), (Some(6), Some(3)));
        // The account: its limit of 10 and 4 ahead of its fast subscription, less 3 held.
        assert_eq!(of(&accounts, "acc_a"), Some(11));
    }
}
