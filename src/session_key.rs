//! The key that signs session cookies, created once so that sessions survive a restart (a key
//! generated per boot would log everyone out). Instances that share a database share the key:
//! `HOOKRELAY_SESSION_KEY` if set, else one kept in the (PostgreSQL) database; a lone instance
//! on SQLite keeps it in its data folder.

use std::io::{ErrorKind, Write};
use std::path::Path;

use anyhow::Context;
use app::store::Store;
use rand::RngCore;
use sha2::{Digest, Sha512};
use tower_sessions::cookie::Key;

const FILE_NAME: &str = "session.key";
const KEY_BYTES: usize = 64;

/// The environment variable that gives every instance the same key.
pub const ENV: &str = "HOOKRELAY_SESSION_KEY";
/// The shortest key accepted from the environment (its SHA-512 is the key).
const MIN_ENV_BYTES: usize = 32;

pub async fn load(data_dir: &Path, store: &Store) -> anyhow::Result<Key> {
    if let Some(given) = std::env::var_os(ENV) {
        let given = given.into_encoded_bytes();
        if given.len() < MIN_ENV_BYTES {
            anyhow::bail!(
                "{ENV} must be at least {MIN_ENV_BYTES} characters (e.g. the output of `openssl rand -hex 32`)"
            );
        }
        return Ok(Key::from(&Sha512::digest(&given)));
    }
    let mut candidate = [0u8; KEY_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut candidate);
    match store.shared_session_key(&candidate).await.context("cannot read the session key from the database")? {
        Some(bytes) if bytes.len() >= KEY_BYTES => Ok(Key::from(&bytes)),
        Some(_) => anyhow::bail!("the session key in the database is shorter than {KEY_BYTES} bytes"),
        None => load_or_create(data_dir),
    }
}

fn load_or_create(data_dir: &Path) -> anyhow::Result<Key> {
    let path = data_dir.join(FILE_NAME);
    match std::fs::read(&path) {
        Ok(bytes) if bytes.len() >= KEY_BYTES => return Ok(Key::from(&bytes)),
        Ok(_) => anyhow::bail!("{} is shorter than {KEY_BYTES} bytes; delete it to make a new one", path.display()),
        Err(error) if error.kind() == ErrorKind::NotFound => {}
        Err(error) => return Err(error).with_context(|| format!("cannot read {}", path.display())),
    }
    let mut bytes = [0u8; KEY_BYTES];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(&bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Key::from(&bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_key_is_created_once_and_then_reused() {
        let dir = tempfile::tempdir().unwrap();
        let first = super::load_or_create(dir.path()).unwrap();
        let second = super::load_or_create(dir.path()).unwrap();
        assert_eq!(first.master(), second.master());
    }
}
