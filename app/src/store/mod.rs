//! The storage layer: every SQL statement Hookrelay runs lives below this module, one file per
//! table family, as methods on [`Store`]. A PostgreSQL backend is another implementation of
//! these methods, not a change to their callers.

mod accounts;
mod api_keys;
mod deliveries;
mod event_types;
mod events;
mod operator;
mod overview;
mod queue;
mod retention;
mod sources;
mod subscriptions;

pub use accounts::{NewAccount, NewUser, UserRecord};
pub use api_keys::ApiKeyRecord;
pub use deliveries::{AttemptRecord, DeliveryFilter, DeliveryRecord};
pub use event_types::EventTypeRecord;
pub use events::{EventQuery, EventRecord, FanOut, Inserted, NewEvent};
pub use operator::{AccountRecord, AccountSummaryRecord, InvitationRecord, OperatorKeyRecord, UsedPortalLink};
pub use overview::FailureRecord;
pub use queue::QueueState;
pub use sources::{InboundRequestRecord, SourceRecord, SourceWithToken};
pub use subscriptions::{SecretsRecord, SubscriptionRecord};

use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

/// The reserved account whose event types form the instance-wide catalog (migration 0005).
pub const CATALOG_ACCOUNT: &str = "acc_catalog";

/// The schema, embedded in the binary and applied at start-up.
pub static MIGRATOR: Migrator = sqlx::migrate!("../migrations");

#[derive(Clone, Debug)]
pub struct Store {
    /// Readers: WAL lets them run beside the writer.
    pool: SqlitePool,
    /// The one connection every write goes through. SQLite admits one writer at a time; queueing
    /// writers here, in the pool, is far cheaper than letting connections collide and wait in
    /// SQLite's sleeping busy handler.
    writer: SqlitePool,
}

impl Store {
    /// Opens (and creates, if missing) the database at `url`.
    /// Opens the database at `url`, creating it (readable by its owner only) if missing.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        let options = SqliteConnectOptions::from_str(url)?;
        create_private_file(options.get_filename())?;
        let options = options
            .create_if_missing(true)
            // WAL lets the dashboard read while the worker writes; NORMAL is durable across a
            // process crash in WAL mode (only an OS crash can lose the last transactions).
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .acquire_timeout(Duration::from_secs(30))
            .connect_with(options.clone())
            .await?;
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Store { pool, writer })
    }

    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        MIGRATOR.run(&self.writer).await
    }

    /// For components that bring their own SQL schema (the session store).
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Answers when the database does; used by `/healthz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.writer).await.map(|_| ())
    }

    /// A transaction that takes the write lock at once (`BEGIN IMMEDIATE`). A deferred one that
    /// reads and then writes can fail with SQLITE_BUSY when another writer got in between,
    /// whatever the busy timeout.
    pub(crate) async fn write_transaction(&self) -> Result<sqlx::Transaction<'static, sqlx::Sqlite>, sqlx::Error> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }

    /// Writes a consistent copy of the whole database to a new file at `path` (`VACUUM INTO`:
    /// one read snapshot, so writers carry on meanwhile).
    pub async fn copy_into(&self, path: &str) -> Result<(), sqlx::Error> {
        // VACUUM INTO writes into an empty file as into a new one: this one is the owner's only.
        create_private_file(std::path::Path::new(path))?;
        sqlx::query("VACUUM INTO ?").bind(path).execute(&self.pool).await.map(|_| ())
    }

    pub async fn close(&self) {
        self.writer.close().await;
        self.pool.close().await;
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

/// Whether an error is a unique-constraint violation (portable across SQLite and PostgreSQL).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}
