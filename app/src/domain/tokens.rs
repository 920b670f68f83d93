//! Bearer secrets (API keys, operator keys, portal links): a type prefix and 43 characters of
//! URL-safe base64 (32 random bytes). Only a SHA-256 of a token is stored, so a stolen database
//! holds nothing that can be presented; a token is shown once, when it is made.

use base64::Engine;
use sha2::{Digest, Sha256};

use super::random_bytes;

/// Longest token accepted for a look-up; anything longer is refused before hashing.
pub const MAX_TOKEN_CHARS: usize = 200;

pub fn new_token(prefix: &str) -> String {
    format!("{prefix}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(random_bytes::<32>()))
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Whether `presented` could be a token with this prefix (checked before any look-up).
pub fn looks_like(presented: &str, prefix: &str) -> bool {
    presented.starts_with(prefix) && presented.len() <= MAX_TOKEN_CHARS
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_random_prefixed_and_hashed() {
        let (a, b) = (super::new_token("hro_"), super::new_token("hro_"));
        assert_ne!(a, b);
        assert_eq!(a.len(), 4 + 43);
        assert!(super::looks_like(&a, "hro_") && !super::looks_like(&a, "hrk_"));
        assert_eq!(super::hash_token(&a).len(), 64);
        assert_ne!(super::hash_token(&a), super::hash_token(&b));
    }
}
