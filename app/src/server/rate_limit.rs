//! Throttles what anyone may try without a session: password guessing, per email (one account
//! attacked from many places) and per client address (one place trying many accounts), and
//! registrations per client address.
//!
//! Every attempt spends from its allowances *before* the password is checked. Counting only
//! failures would need a check after verification, and then a throttled attacker could still
//! tell a right guess (accepted) from a wrong one (refused).
//!
//! Memory is bounded whatever is sent: a key is the SHA-256 of the (length-checked) input, not
//! the input, and each table holds at most [`MAX_KEYS`] keys; when a table is full of keys
//! that are all still spending, further attempts are refused until some refill.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

/// Most keys one table keeps (about 100 bytes each).
pub const MAX_KEYS: usize = 50_000;
/// Longer names (emails, invitation tokens) cannot be real ones: they are not throttled by
/// name (nothing of them is kept), only by client address, and the caller refuses them.
pub const MAX_NAME_BYTES: usize = 512;

#[derive(Debug)]
pub struct LoginThrottle {
    per_name: DefaultKeyedRateLimiter<[u8; 32]>,
    per_client: DefaultKeyedRateLimiter<IpAddr>,
    registrations: DefaultKeyedRateLimiter<IpAddr>,
}

fn quota(burst: u32, refill_every: Duration) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(refill_every).unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN)).allow_burst(burst)
}

/// Spends one from `key`'s allowance in a table that stays within [`MAX_KEYS`].
fn spend<K: Hash + Eq + Clone>(limiter: &DefaultKeyedRateLimiter<K>, key: &K) -> bool {
    if limiter.len() >= MAX_KEYS {
        limiter.retain_recent();
        if limiter.len() >= MAX_KEYS {
            return false;
        }
    }
    limiter.check_key(key).is_ok()
}

impl LoginThrottle {
    /// `per_name` attempts in a burst for one email (or invitation), then one a minute;
    /// `per_client` attempts in a burst for one client address, then one every five seconds;
    /// `registrations` in a burst for one client address, then one every ten seconds.
    pub fn new(per_name: u32, per_client: u32, registrations: u32) -> Self {
        LoginThrottle {
            per_name: RateLimiter::keyed(quota(per_name, Duration::from_secs(60))),
            per_client: RateLimiter::keyed(quota(per_client, Duration::from_secs(5))),
            registrations: RateLimiter::keyed(quota(registrations, Duration::from_secs(10))),
        }
    }

    /// Spends one attempt at `name` (an email, an invitation token) from `client`; false when
    /// either allowance is used up. A name over [`MAX_NAME_BYTES`] spends from the client's
    /// allowance only.
    pub fn allow_attempt(&self, name: &str, client: Option<IpAddr>) -> bool {
        let name_ok = name.len() > MAX_NAME_BYTES || {
            let key: [u8; 32] = Sha256::digest(name.trim().to_lowercase().as_bytes()).into();
            spend(&self.per_name, &key)
        };
        let client_ok = client.is_none_or(|ip| spend(&self.per_client, &ip));
        name_ok && client_ok
    }

    /// Spends one registration from `client`'s allowance; false when it is used up.
    pub fn allow_registration(&self, client: Option<IpAddr>) -> bool {
        client.is_none_or(|ip| spend(&self.registrations, &ip))
    }

    /// Forgets keys whose allowance is full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.per_name.retain_recent();
        self.per_client.retain_recent();
        self.registrations.retain_recent();
    }
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(10, 30, 20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_throttled_after_its_burst_whatever_the_case() {
        let throttle = LoginThrottle::new(3, 100, 1);
        let client = Some("127.0.0.1".parse().unwrap());
        assert!(throttle.allow_attempt("a@example.com", client));
        assert!(throttle.allow_attempt("A@example.com", client));
        assert!(throttle.allow_attempt("a@example.com ", client));
        assert!(!throttle.allow_attempt("a@example.com", client));
        assert!(throttle.allow_attempt("b@example.com", client));
    }

    #[test]
    fn a_client_is_throttled_across_emails() {
        let throttle = LoginThrottle::new(100, 2, 1);
        let client = Some("10.0.0.1".parse().unwrap());
        assert!(throttle.allow_attempt("a@example.com", client));
        assert!(throttle.allow_attempt("b@example.com", client));
        assert!(!throttle.allow_attempt("c@example.com", client));
        assert!(throttle.allow_attempt("c@example.com", Some("10.0.0.2".parse().unwrap())));
    }

    #[test]
    fn an_overlong_name_is_not_kept_but_still_counts_for_its_client() {
        let throttle = LoginThrottle::new(1, 2, 1);
        let client = Some("10.0.0.3".parse().unwrap());
        let long = "x".repeat(MAX_NAME_BYTES + 1);
        assert!(throttle.allow_attempt(&long, client));
        assert!(throttle.allow_attempt(&long, client));
        assert_eq!(throttle.per_name.len(), 0);
        assert!(!throttle.allow_attempt(&long, client), "the client's allowance is spent");
    }

    #[test]
    fn a_table_never_holds_more_than_its_bound() {
        let throttle = LoginThrottle::new(1, 1_000_000, 1);
        let refused = (0..MAX_KEYS + 10).filter(|n| !throttle.allow_attempt(&format!("{n}@example.com"), None)).count();
        assert_eq!(throttle.per_name.len(), MAX_KEYS);
        assert_eq!(refused, 10, "new names are refused while the table is full of spending ones");
    }

    #[test]
    fn registrations_are_throttled_per_client() {
        let throttle = LoginThrottle::new(10, 10, 2);
        let client = Some("10.0.0.4".parse().unwrap());
        assert!(throttle.allow_registration(client));
        assert!(throttle.allow_registration(client));
        assert!(!throttle.allow_registration(client));
        assert!(throttle.allow_registration(Some("10.0.0.5".parse().unwrap())));
    }
}
