//! The SQLite backend: the database in one file beside the binary. Everything particular to
//! SQLite lives here: the pragmas, the one writer connection, `BEGIN IMMEDIATE`, `VACUUM INTO`,
//! what a busy database looks like, the session store, the queue's claims (`claim.rs`) and one
//! server per database (`serving_lock.rs`). The SQL both backends run alike is `store/sql/`,
//! compiled here against SQLite.

// Each backend compiles `store/sql/` against its own types: the same files are its modules too.
#![allow(clippy::duplicate_mod)]

shared_sql!();
mod claim;
mod serving_lock;

pub use serving_lock::ServingLock;

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use super::SQLITE_MIGRATOR;

/// What `store/sql/` is compiled against here.
type Db = sqlx::Sqlite;
type Backend = Sqlite;
type Tx = sqlx::Transaction<'static, Db>;

/// How `store/sql/events.rs` groups an event's matching deliveries into one row: by the
/// delivery's event id, the order of the index it walks.
const EVENTS_OF_DELIVERIES: &str = "d.event_id";

/// What a read in a write transaction adds to keep the rows it read unchanged until it
/// commits: nothing here, where a write transaction keeps every other writer out.
const FOR_SHARE: &str = "";

#[derive(Clone, Debug)]
pub struct Sqlite {
    /// Readers: WAL lets them run beside the writer.
    pool: SqlitePool,
    /// The one connection every write goes through. SQLite admits one writer at a time; queueing
    /// writers here, in the pool, is far cheaper than letting connections collide and wait in
    /// SQLite's sleeping busy handler.
    writer: SqlitePool,
    /// The file a server locks while it runs (`serving_lock.rs`); `None` in memory.
    serving_lock_path: Option<std::path::PathBuf>,
}

impl Sqlite {
    /// Opens the database at `url`, creating it (readable by its owner only) if missing.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?;
        create_private_file(options.get_filename())?;
        let serving_lock_path = serving_lock::serving_lock_path(options.get_filename());
        let options = options
            .create_if_missing(true)
            // WAL lets the dashboard read while the worker writes; NORMAL is durable across a
            // process crash in WAL mode (only an OS crash can lose the last transactions).
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        // No ping before each use: the database is a local file, not a connection that can drop,
        // and the ping is a round trip to the connection's thread on every query (5 % of the
        // server's time under load in a profile).
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .test_before_acquire(false)
            .connect_with(options.clone())
            .await?;
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        Ok(Sqlite { pool, writer, serving_lock_path })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        SQLITE_MIGRATOR.run(&self.writer).await
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.writer).await.map(|_| ())
    }

    /// A transaction that takes the write lock at once (`BEGIN IMMEDIATE`). A deferred one that
    /// reads and then writes can fail with SQLITE_BUSY when another writer got in between,
    /// whatever the busy timeout.
    async fn write_transaction(&self) -> Result<Tx, sqlx::Error> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }

    /// `VACUUM INTO`: one read snapshot, so writers carry on meanwhile.
    pub async fn copy_into(&self, path: &str) -> Result<(), sqlx::Error> {
        // VACUUM INTO writes into an empty file as into a new one: this one is the owner's only.
        create_private_file(std::path::Path::new(path))?;
        sqlx::query("VACUUM INTO ?").bind(path).execute(&self.pool).await.map(|_| ())
    }

    /// Registrations are one at a time already: every write transaction is (`BEGIN IMMEDIATE`).
    async fn one_registration_at_a_time(&self, _tx: &mut Tx) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// Other instances to tell of a change: there are none on SQLite.
    async fn notify(&self, _tx: &mut Tx, _account_ids: &[&str], _due: bool) -> Result<(), sqlx::Error> {
        Ok(())
    }

    /// Retention, in small batches (`store/sql/retention.rs`).
    pub async fn purge_before(&self, cutoff: i64) -> Result<u64, sqlx::Error> {
        self.purge_batches(cutoff).await
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
    }

    /// The session store, in a table of this database.
    pub fn session_store(&self) -> tower_sessions_sqlx_store::SqliteStore {
        tower_sessions_sqlx_store::SqliteStore::new(self.pool.clone())
    }
}

/// SQLITE_BUSY and SQLITE_LOCKED (with their extended codes, whose low byte is the primary
/// code), and a pool with no free connection in time: all pass once the other writer is done.
pub fn is_busy(error: &sqlx::Error) -> bool {
    const SQLITE_BUSY: i32 = 5;
    const SQLITE_LOCKED: i32 = 6;
    match error {
        sqlx::Error::PoolTimedOut => true,
        sqlx::Error::Database(database) => database
            .try_downcast_ref::<sqlx::sqlite::SqliteError>()
            .and_then(sqlx::error::DatabaseError::code)
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| matches!(code & 0xff, SQLITE_BUSY | SQLITE_LOCKED)),
        _ => false,
    }
}

/// Creates an empty file that only its owner may read or write, unless it exists. An empty
/// file is an empty SQLite database, and SQLite gives its WAL and shared-memory files the
/// database file's permissions, so the whole database stays the owner's.
fn create_private_file(path: &std::path::Path) -> std::io::Result<()> {
    if path.as_os_str().is_empty() || path.as_os_str() == ":memory:" || path.exists() {
        return Ok(());
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Err(error) if error.kind() != std::io::ErrorKind::AlreadyExists => Err(error),
        _ => Ok(()),
    }
}
