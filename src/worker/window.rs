//! How many attempts each subscription may have in flight: a window that adapts to its
//! endpoint (additive increase, multiplicative decrease, as TCP does). An endpoint that answers
//! fast and cleanly gets more at once, up to a ceiling; one that times out, refuses connections,
//! or answers 429 or 5xx gets fewer, down to one, so a struggling endpoint is not pushed harder
//! and cannot hold slots others could use.

use std::collections::HashMap;
use std::time::Duration;

use app::model::AttemptErrorKind;
use app::store::AttemptRecord;

/// An answer slower than this does not widen the window (the endpoint is not keeping up).
const FAST: Duration = Duration::from_secs(1);
/// How many adapted windows are kept for subscriptions the worker holds nothing of (each
/// narrowed one is named in every claim).
pub const REMEMBERED: usize = 1_000;

/// What one attempt says about its endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Signal {
    /// A 2xx, fast: it could take more.
    Grow,
    /// A timeout, a refused connection, 429 or 5xx: it is struggling.
    Shrink,
    /// Anything else (a 4xx, a slow 2xx, a blocked address) says nothing about its capacity.
    Keep,
}

impl Signal {
    pub fn of(attempt: &AttemptRecord) -> Signal {
        match (attempt.response_status, attempt.error_kind) {
            (Some(200..=299), _) if attempt.duration_ms < FAST.as_millis() as i64 => Signal::Grow,
            (Some(429 | 500..=599), _) => Signal::Shrink,
            (None, Some(AttemptErrorKind::Timeout | AttemptErrorKind::Connect)) => Signal::Shrink,
            _ => Signal::Keep,
        }
    }
}

/// One subscription's window, and whether its endpoint's last answer was fast and clean.
#[derive(Debug, Clone, Copy)]
struct Window {
    size: f64,
    fast: bool,
}

/// The windows of the subscriptions the worker has seen lately.
#[derive(Debug)]
pub struct Windows {
    start: f64,
    ceiling: f64,
    by_subscription: HashMap<String, Window>,
}

impl Windows {
    /// Every window starts at `start` and stays between 1 and `ceiling`.
    pub fn new(start: u32, ceiling: u32) -> Self {
        let ceiling = f64::from(ceiling.max(start).max(1));
        Windows { start: f64::from(start.max(1)), ceiling, by_subscription: HashMap::new() }
    }

    /// How many attempts the subscription may have in flight.
    pub fn of(&self, subscription_id: &str) -> u32 {
        self.by_subscription.get(subscription_id).map_or(self.start, |window| window.size) as u32
    }

    /// How many deliveries of the subscription the worker may claim ahead of its window, so a
    /// finished attempt starts the next at once, without a round to the database: a window's
    /// worth for an endpoint whose last answer was fast and clean, none for any other (what
    /// waits behind a slow endpoint would only wait out its lease).
    pub fn ahead(&self, subscription_id: &str) -> u32 {
        match self.by_subscription.get(subscription_id) {
            Some(window) if window.fast => window.size as u32,
            _ => 0,
        }
    }

    /// What the default window is (for subscriptions not seen yet).
    pub fn start(&self) -> u32 {
        self.start as u32
    }

    /// Each fast success widens the window by 1/window (about one more per round of attempts);
    /// each sign of trouble halves it.
    pub fn update(&mut self, subscription_id: &str, signal: Signal) {
        let window = match self.by_subscription.get_mut(subscription_id) {
            Some(window) => window,
            // Nothing to remember about a subscription that has told nothing yet.
            None if signal == Signal::Keep => return,
            None => self
                .by_subscription
                .entry(subscription_id.to_string())
                .or_insert(Window { size: self.start, fast: false }),
        };
        window.fast = signal == Signal::Grow;
        window.size = match signal {
            Signal::Grow => (window.size + 1.0 / window.size).min(self.ceiling),
            Signal::Shrink => (window.size / 2.0).max(1.0),
            Signal::Keep => window.size,
        };
    }

    /// The windows narrower than the start: (subscription id, window). A claim must be told
    /// these even for a subscription with nothing in flight; a wider window matters only once
    /// the subscription has the start's worth in flight.
    pub fn narrowed(&self) -> impl Iterator<Item = (&str, u32)> {
        let start = self.start as u32;
        self.by_subscription
            .iter()
            .map(|(id, window)| (id.as_str(), window.size as u32))
            .filter(move |(_, size)| *size < start)
    }

    /// Keeps the map small: windows back at their start and not fast carry nothing; past
    /// [`REMEMBERED`] windows, only those of subscriptions the worker holds something of
    /// (`held`) stay.
    pub fn forget_idle(&mut self, held: impl Fn(&str) -> bool) {
        let start = self.start;
        self.by_subscription.retain(|id, window| held(id) || window.size != start || window.fast);
        if self.by_subscription.len() > REMEMBERED {
            self.by_subscription.retain(|id, _| held(id));
        }
    }

    pub fn len(&self) -> usize {
        self.by_subscription.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fast_endpoint_widens_to_the_ceiling_and_trouble_halves_it() {
        let mut windows = Windows::new(8, 32);
        assert_eq!(windows.of("sub_a"), 8);
        for _ in 0..2_000 {
            windows.update("sub_a", Signal::Grow);
        }
        assert_eq!(windows.of("sub_a"), 32);
        windows.update("sub_a", Signal::Shrink);
        assert_eq!(windows.of("sub_a"), 16);
        for _ in 0..10 {
            windows.update("sub_a", Signal::Shrink);
        }
        assert_eq!(windows.of("sub_a"), 1, "never below one");
        windows.update("sub_a", Signal::Keep);
        assert_eq!((windows.of("sub_a"), windows.of("sub_b")), (1, 8), "each subscription has its own");
    }

    #[test]
    fn growth_is_about_one_per_round() {
        let mut windows = Windows::new(8, 64);
        for _ in 0..8 {
            windows.update("sub_a", Signal::Grow);
        }
        assert_eq!(windows.of("sub_a"), 8, "eight successes at a window of eight: 8.9…");
        for _ in 0..9 {
            windows.update("sub_a", Signal::Grow);
        }
        assert_eq!(windows.of("sub_a"), 9);
    }

    #[test]
    fn only_an_endpoint_that_answered_fast_is_claimed_ahead_of() {
        let mut windows = Windows::new(8, 64);
        assert_eq!(windows.ahead("sub_a"), 0, "nothing known yet");
        windows.update("sub_a", Signal::Grow);
        assert_eq!(windows.ahead("sub_a"), 8);
        windows.update("sub_a", Signal::Keep);
        assert_eq!(windows.ahead("sub_a"), 0, "a slow answer");
        windows.update("sub_a", Signal::Grow);
        windows.update("sub_a", Signal::Shrink);
        assert_eq!((windows.ahead("sub_a"), windows.of("sub_a")), (0, 4));
    }
}
