//! The key that signs session cookies. It lives in the data folder, created once, so that
//! sessions survive a restart (a key generated per boot would log everyone out).

use std::io::{ErrorKind, Write};
use std::path::Path;

use anyhow::Context;
use rand::RngCore;
use tower_sessions::cookie::Key;

const FILE_NAME: &str = "session.key";
const KEY_BYTES: usize = 64;

pub fn load_or_create(data_dir: &Path) -> anyhow::Result<Key> {
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
