//! One server per SQLite database. A server that starts releases every claim in the queue
//! (on SQLite no other instance can hold one), so a second `hookrelay serve` on the same
//! database would hand the first one's in-flight deliveries out again. SQLite's own locks last a
//! transaction; a server holds a lock of its own on a file beside the database for as long as
//! it runs, which the operating system frees when the process ends, however it ends.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::{Path, PathBuf};

use super::Sqlite;

/// The database, taken for this server until dropped.
pub struct ServingLock {
    _file: Option<File>,
}

impl Sqlite {
    /// Takes the database for this server; `None` while another server (in any process, this
    /// one included) has it. An in-memory database is this connection's alone: always taken.
    pub fn hold_serving(&self) -> std::io::Result<Option<ServingLock>> {
        let Some(path) = &self.serving_lock_path else {
            return Ok(Some(ServingLock { _file: None }));
        };
        let mut options = OpenOptions::new();
        options.read(true).write(true).create(true).truncate(false);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options.open(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(ServingLock { _file: Some(file) })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(error)) => Err(error),
        }
    }
}

/// `<database>.lock`, beside the database; `None` for an in-memory one.
pub(super) fn serving_lock_path(database: &Path) -> Option<PathBuf> {
    if database.as_os_str().is_empty() || database.as_os_str() == ":memory:" {
        return None;
    }
    let mut path = database.as_os_str().to_owned();
    path.push(".lock");
    Some(PathBuf::from(path))
}
