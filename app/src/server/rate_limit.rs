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
//!
//! Several instances on one database ([`LoginThrottle::shared`]) count in the database
//! instead, so that an attacker gains nothing by spreading guesses over the instances. The
//! table there is bounded the same way ([`MAX_KEYS`] keys), and a name is counted only for
//! an attempt its client's allowance lets through, so one address cannot fill it quickly. A
//! database that does not answer is an error (503), not a refusal.

use std::hash::Hash;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use sha2::{Digest, Sha256};

use crate::store::Store;

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
    /// The bursts, for counting in the database.
    bursts: Bursts,
    /// Counts in this database, shared by the instances, instead of in memory.
    shared: Option<Store>,
}

#[derive(Debug, Clone, Copy)]
struct Bursts {
    per_name: u32,
    per_client: u32,
    registrations: u32,
}

const PER_NAME_REFILL: Duration = Duration::from_secs(60);
const PER_CLIENT_REFILL: Duration = Duration::from_secs(5);
const REGISTRATION_REFILL: Duration = Duration::from_secs(10);

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
            per_name: RateLimiter::keyed(quota(per_name, PER_NAME_REFILL)),
            per_client: RateLimiter::keyed(quota(per_client, PER_CLIENT_REFILL)),
            registrations: RateLimiter::keyed(quota(registrations, REGISTRATION_REFILL)),
            bursts: Bursts { per_name, per_client, registrations },
            shared: None,
        }
    }

    /// The same allowances, counted in `store`'s database (PostgreSQL, shared by instances).
    pub fn shared(self, store: Store) -> Self {
        LoginThrottle { shared: Some(store), ..self }
    }

    /// Spends one attempt at `name` (an email, an invitation token) from `client`; false when
    /// either allowance is used up. A name over [`MAX_NAME_BYTES`] spends from the client's
    /// allowance only.
    pub async fn allow_attempt(&self, name: &str, client: Option<IpAddr>) -> Result<bool, sqlx::Error> {
        let name_key = (name.len() <= MAX_NAME_BYTES)
            .then(|| -> [u8; 32] { Sha256::digest(name.trim().to_lowercase().as_bytes()).into() });
        let Some(store) = &self.shared else {
            let name_ok = name_key.is_none_or(|key| spend(&self.per_name, &key));
            let client_ok = client.is_none_or(|ip| spend(&self.per_client, &ip));
            return Ok(name_ok && client_ok);
        };
        if let Some(ip) = client {
            if !spend_shared(store, &format!("client:{ip}"), self.bursts.per_client, PER_CLIENT_REFILL).await? {
                return Ok(false);
            }
        }
        match name_key {
            Some(key) => {
                spend_shared(store, &format!("name:{}", hex::encode(key)), self.bursts.per_name, PER_NAME_REFILL).await
            }
            None => Ok(true),
        }
    }

    /// Spends one registration from `client`'s allowance; false when it is used up.
    pub async fn allow_registration(&self, client: Option<IpAddr>) -> Result<bool, sqlx::Error> {
        match (client, &self.shared) {
            (None, _) => Ok(true),
            (Some(ip), None) => Ok(spend(&self.registrations, &ip)),
            (Some(ip), Some(store)) => {
                spend_shared(store, &format!("registration:{ip}"), self.bursts.registrations, REGISTRATION_REFILL).await
            }
        }
    }

    /// Forgets keys whose allowance is full again, so memory (or the table) stays bounded.
    pub async fn forget_idle(&self) {
        self.per_name.retain_recent();
        self.per_client.retain_recent();
        self.registrations.retain_recent();
        if let Some(store) = &self.shared {
            if let Err(error) = store.forget_full_allowances(crate::domain::now_ms()).await {
                tracing::warn!(%error, "could not forget full login allowances");
            }
        }
    }
}

/// Spends from a key's allowance in the database, in a table of at most [`MAX_KEYS`] keys.
async fn spend_shared(store: &Store, key: &str, burst: u32, refill: Duration) -> Result<bool, sqlx::Error> {
    let refill_ms = i64::try_from(refill.as_millis()).unwrap_or(i64::MAX);
    let allowed = store.spend_allowance(key, burst.max(1), refill_ms, MAX_KEYS, crate::domain::now_ms()).await?;
    Ok(allowed.unwrap_or(true))
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(10, 30, 20)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn an_email_is_throttled_after_its_burst_whatever_the_case() {
        let throttle = LoginThrottle::new(3, 100, 1);
        let client = Some("127.0.0.1".parse().unwrap());
        assert!(throttle.allow_attempt("a@example.com", client).await.unwrap());
        assert!(throttle.allow_attempt("A@example.com", client).await.unwrap());
        assert!(throttle.allow_attempt("a@example.com ", client).await.unwrap());
        assert!(!throttle.allow_attempt("a@example.com", client).await.unwrap());
        assert!(throttle.allow_attempt("b@example.com", client).await.unwrap());
    }

    #[tokio::test]
    async fn a_client_is_throttled_across_emails() {
        let throttle = LoginThrottle::new(100, 2, 1);
        let client = Some("10.0.0.1".parse().unwrap());
        assert!(throttle.allow_attempt("a@example.com", client).await.unwrap());
        assert!(throttle.allow_attempt("b@example.com", client).await.unwrap());
        assert!(!throttle.allow_attempt("c@example.com", client).await.unwrap());
        assert!(throttle.allow_attempt("c@example.com", Some("10.0.0.2".parse().unwrap())).await.unwrap());
    }

    #[tokio::test]
    async fn an_overlong_name_is_not_kept_but_still_counts_for_its_client() {
        let throttle = LoginThrottle::new(1, 2, 1);
        let client = Some("10.0.0.3".parse().unwrap());
        let long = "x".repeat(MAX_NAME_BYTES + 1);
        assert!(throttle.allow_attempt(&long, client).await.unwrap());
        assert!(throttle.allow_attempt(&long, client).await.unwrap());
        assert_eq!(throttle.per_name.len(), 0);
        assert!(!throttle.allow_attempt(&long, client).await.unwrap(), "the client's allowance is spent");
    }

    #[tokio::test]
    async fn a_table_never_holds_more_than_its_bound() {
        let throttle = LoginThrottle::new(1, 1_000_000, 1);
        let mut refused = 0;
        for n in 0..MAX_KEYS + 10 {
            if !throttle.allow_attempt(&format!("{n}@example.com"), None).await.unwrap() {
                refused += 1;
            }
        }
        assert_eq!(throttle.per_name.len(), MAX_KEYS);
        assert_eq!(refused, 10, "new names are refused while the table is full of spending ones");
    }

    #[tokio::test]
    async fn registrations_are_throttled_per_client() {
        let throttle = LoginThrottle::new(10, 10, 2);
        let client = Some("10.0.0.4".parse().unwrap());
        assert!(throttle.allow_registration(client).await.unwrap());
        assert!(throttle.allow_registration(client).await.unwrap());
        assert!(!throttle.allow_registration(client).await.unwrap());
        assert!(throttle.allow_registration(Some("10.0.0.5".parse().unwrap())).await.unwrap());
    }
}
