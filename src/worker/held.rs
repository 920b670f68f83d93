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
    /// What request timeout an attempt may take: one claimed ahead starts only with at least
    /// this much (plus a margin) of its lease left.
    pub attempt_ms: i64,
}

/// (subscription or account id, a count), as a claim's limits take them.
pub type Counts = Vec<(String, u32)>;

/// A delivery claimed ahead of its window.
struct Ahead {
    claimed: Claimed,
    context: AttemptContext,
    lease_until: i64,
}

/// A delivery an attempt task holds.
struct Running {
    delivery_id: String,
    subscription_id: String,
    account_id: String,
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
    /// to start it, to give back. The caller starts the first and calls [`Held::started`].
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
        self.running.insert(
            task,
            Running {
                delivery_id: claimed.id.clone(),
                subscription_id: claimed.subscription_id.clone(),
                account_id: claimed.account_id.clone(),
            },
        );
    }

    /// Frees a finished task's slot; which subscription it was for.
    pub fn finished(&mut self, task: Id) -> Option<String> {
        let running = self.running.remove(&task)?;
        let_go(&mut self.per_subscription, &running.subscription_id, true);
        let_go(&mut self.per_account, &running.account_id, true);
        Some(running.subscription_id)
    }

    /// A delivery claimed ahead is given back.
    fn drop_held(&mut self, claimed: &Claimed) {
        let_go(&mut self.per_subscription, &claimed.subscription_id, false);
        let_go(&mut self.per_account, &claimed.account_id, false);
    }

    /// Everything claimed ahead, given up (the worker stops).
    pub fn give_up_ahead(&mut self) -> Vec<String> {
        let ahead: Vec<Ahead> = self.ahead.drain(..).collect();
        ahead
            .into_iter()
            .map(|ahead| {
                self.drop_held(&ahead.claimed);
                ahead.claimed.id
            })
            .collect()
    }

    /// The deliveries of running attempts.
    pub fn running_deliveries(&self) -> Vec<String> {
        self.running.values().map(|running| running.delivery_id.clone()).collect()
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
            account_of.insert(&running.subscription_id, &running.account_id);
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
