//! Password hashing with argon2id. Hashing is deliberately slow CPU work, so it runs on the
//! blocking thread pool, never on the async runtime's workers. Each hash works in 19 MiB of
//! memory, so only a few run at once and their memory is kept and reused ([`with_workspace`]):
//! a burst of logins or registrations waits its turn instead of allocating without limit.

use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use argon2::password_hash::{rand_core::OsRng, Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use tokio::sync::Semaphore;

use crate::error::AppError;

/// Hashes at once, and workspaces kept: two per core (more would only queue for the cores
/// while holding memory).
fn hashing_turns() -> usize {
    std::thread::available_parallelism().map_or(2, |cores| cores.get() * 2)
}

/// The turns to hash, and the working memory of finished hashes for the next ones. Reusing it
/// matters as much as the turns: with a fresh 19 MiB per hash on whichever blocking thread runs
/// it, the allocator kept 770 MB after 200 logins at once (measured), four at a time or not.
struct Workspaces {
    turns: Arc<Semaphore>,
    free: Mutex<Vec<Vec<Block>>>,
}

fn workspaces() -> &'static Workspaces {
    static WORKSPACES: OnceLock<Workspaces> = OnceLock::new();
    WORKSPACES
        .get_or_init(|| Workspaces { turns: Arc::new(Semaphore::new(hashing_turns())), free: Mutex::new(Vec::new()) })
}

/// Runs `work` on the blocking pool, in its turn, with `blocks` blocks of working memory. The
/// turn moves into the blocking task and is held until the work is done, also when the request
/// that asked for it has gone (the task runs on regardless).
async fn with_workspace<T: Send + 'static>(
    blocks: usize,
    work: impl FnOnce(&mut [Block]) -> T + Send + 'static,
) -> Result<T, AppError> {
    let spaces = workspaces();
    let turn = spaces.turns.clone().acquire_owned().await.map_err(|_| AppError::Internal)?;
    tokio::task::spawn_blocking(move || {
        let _turn = turn;
        let mut memory = spaces.free.lock().unwrap_or_else(PoisonError::into_inner).pop().unwrap_or_default();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        let done = work(&mut memory[..blocks]);
        // Only the usual size is kept; the memory of a hash made with other parameters goes.
        if memory.len() == Params::DEFAULT_M_COST as usize {
            spaces.free.lock().unwrap_or_else(PoisonError::into_inner).push(memory);
        }
        done
    })
    .await
    .map_err(|error| {
        tracing::error!(%error, "password hashing task failed");
        AppError::Internal
    })
}

/// Computes argon2's output for `password` and `salt` (base64) in `memory`.
fn compute(
    argon2: &Argon2<'_>,
    password: &[u8],
    salt: &argon2::password_hash::Salt<'_>,
    output_len: usize,
    memory: &mut [Block],
) -> argon2::password_hash::Result<Output> {
    let mut salt_bytes = [0u8; 64];
    let salt_bytes = salt.decode_b64(&mut salt_bytes)?;
    Output::init_with(output_len, |out| Ok(argon2.hash_password_into_with_memory(password, salt_bytes, out, memory)?))
}

pub async fn hash(password: String) -> Result<String, AppError> {
    let blocks = Params::default().block_count();
    with_workspace(blocks, move |memory| {
        let argon2 = Argon2::default();
        let salt = SaltString::generate(&mut OsRng);
        let output = compute(&argon2, password.as_bytes(), &salt.as_salt(), Params::DEFAULT_OUTPUT_LEN, memory)?;
        let phc = PasswordHash {
            algorithm: Algorithm::Argon2id.ident(),
            version: Some(Version::V0x13.into()),
            params: ParamsString::try_from(argon2.params())?,
            salt: Some(salt.as_salt()),
            hash: Some(output),
        };
        Ok::<_, argon2::password_hash::Error>(phc.to_string())
    })
    .await?
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
    let unreadable = |error: argon2::password_hash::Error| {
        tracing::error!(%error, "a stored password hash does not parse");
        AppError::Internal
    };
    let blocks =
        PasswordHash::new(&stored).and_then(|parsed| Params::try_from(&parsed)).map_err(unreadable)?.block_count();
    let matches = with_workspace(blocks, move |memory| {
        let parsed = PasswordHash::new(&stored)?;
        let version = parsed.version.map(Version::try_from).transpose()?.unwrap_or_default();
        let argon2 = Argon2::new(Algorithm::try_from(parsed.algorithm)?, version, Params::try_from(&parsed)?);
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return Ok(false);
        };
        // `Output`'s equality is constant-time.
        Ok(compute(&argon2, password.as_bytes(), &salt, expected.len(), memory)? == expected)
    })
    .await?
    .map_err(unreadable)?;
    Ok(known_user && matches)
}

fn dummy_hash() -> &'static str {
    use argon2::password_hash::PasswordHasher;
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

    /// Hashes made with reused memory are ordinary PHC argon2id hashes, both ways.
    #[tokio::test]
    async fn hashes_agree_with_the_argon2_crates_own_hasher_and_verifier() {
        use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
        let ours = super::hash("correct horse".into()).await.unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(argon2::Argon2::default().verify_password(b"correct horse", &parsed).is_ok());
        assert!(argon2::Argon2::default().verify_password(b"wrong horse", &parsed).is_err());
        let salt = SaltString::generate(&mut argon2::password_hash::rand_core::OsRng);
        let theirs = argon2::Argon2::default().hash_password(b"battery staple", &salt).unwrap().to_string();
        assert!(super::verify("battery staple".into(), Some(theirs.clone())).await.unwrap());
        assert!(!super::verify("battery stapler".into(), Some(theirs)).await.unwrap());
    }
}
