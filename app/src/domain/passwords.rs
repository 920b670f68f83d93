//! Password hashing with argon2id. Hashing is deliberately slow CPU work, so it runs on the
//! blocking thread pool, never on the async runtime's workers.

use std::sync::OnceLock;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::AppError;

pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default().hash_password(password.as_bytes(), &salt).map(|hash| hash.to_string())
    })
    .await
    .map_err(|error| {
        tracing::error!(%error, "password hashing task failed");
        AppError::Internal
    })?
    .map_err(|error| {
        tracing::error!(%error, "password hashing failed");
        AppError::Internal
    })
}

/// Checks `password` against a stored hash. With `None` (no such user) it still does the work
/// of a verification against a fixed hash, so response times do not tell which emails exist.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, AppError> {
    let known_user = stored.is_some();
    let stored = stored.unwrap_or_else(|| dummy_hash().to_string());
    let matches = tokio::task::spawn_blocking(move || {
        PasswordHash::new(&stored).map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|error| {
        tracing::error!(%error, "password verification task failed");
        AppError::Internal
    })?
    .map_err(|error| {
        tracing::error!(%error, "a stored password hash does not parse");
        AppError::Internal
    })?;
    Ok(known_user && matches)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"not a real password", &salt)
            .map(|hash| hash.to_string())
            // Hashing a constant with a fresh salt has no failure mode but memory exhaustion.
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = super::hash("correct horse".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(super::verify("correct horse".into(), Some(stored.clone())).await.unwrap());
        assert!(!super::verify("wrong horse".into(), Some(stored)).await.unwrap());
        assert!(!super::verify("correct horse".into(), None).await.unwrap());
    }
}
