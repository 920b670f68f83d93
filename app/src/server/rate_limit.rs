//! Throttles password guessing: per email (one account attacked from many places) and per client
//! address (one place trying many accounts).
//!
//! Every attempt spends from both allowances *before* the password is checked. Counting only
//! failures would need a check after verification, and then a throttled attacker could still
//! tell a right guess (accepted) from a wrong one (refused).

use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

#[derive(Debug)]
pub struct LoginThrottle {
    per_email: DefaultKeyedRateLimiter<String>,
    per_client: DefaultKeyedRateLimiter<IpAddr>,
}

fn quota(burst: u32, refill_every: Duration) -> Quota {
    let burst = NonZeroU32::new(burst).unwrap_or(NonZeroU32::MIN);
    Quota::with_period(refill_every).unwrap_or_else(|| Quota::per_second(NonZeroU32::MIN)).allow_burst(burst)
}

impl LoginThrottle {
    /// `per_email` attempts in a burst for one email, then one a minute; `per_client` attempts
    /// in a burst for one client address, then one every five seconds.
    pub fn new(per_email: u32, per_client: u32) -> Self {
        LoginThrottle {
            per_email: RateLimiter::keyed(quota(per_email, Duration::from_secs(60))),
            per_client: RateLimiter::keyed(quota(per_client, Duration::from_secs(5))),
        }
    }

    /// Spends one attempt; false when either allowance is used up.
    pub fn allow_attempt(&self, email: &str, client: Option<IpAddr>) -> bool {
        let email_ok = self.per_email.check_key(&email.trim().to_lowercase()).is_ok();
        let client_ok = client.is_none_or(|ip| self.per_client.check_key(&ip).is_ok());
        email_ok && client_ok
    }

    /// Forgets keys whose allowance is full again, so memory stays bounded.
    pub fn forget_idle(&self) {
        self.per_email.retain_recent();
        self.per_client.retain_recent();
    }
}

impl Default for LoginThrottle {
    fn default() -> Self {
        LoginThrottle::new(10, 30)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_email_is_throttled_after_its_burst_whatever_the_case() {
        let throttle = LoginThrottle::new(3, 100);
        let client = Some("127.0.0.1".parse().unwrap());
        assert!(throttle.allow_attempt("a@example.com", client));
        assert!(throttle.allow_attempt("A@example.com", client));
        assert!(throttle.allow_attempt("a@example.com ", client));
        assert!(!throttle.allow_attempt("a@example.com", client));
        assert!(throttle.allow_attempt("b@example.com", client));
    }

    #[test]
    fn a_client_is_throttled_across_emails() {
        let throttle = LoginThrottle::new(100, 2);
        let client = Some("10.0.0.1".parse().unwrap());
        assert!(throttle.allow_attempt("a@example.com", client));
        assert!(throttle.allow_attempt("b@example.com", client));
        assert!(!throttle.allow_attempt("c@example.com", client));
        assert!(throttle.allow_attempt("c@example.com", Some("10.0.0.2".parse().unwrap())));
    }
}
