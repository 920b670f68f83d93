//! The PostgreSQL backend: one database for several Hookrelay instances. Everything particular
//! to PostgreSQL lives here: the pool, the migration (under sqlx's migration lock, so one
//! instance migrates and the others wait), what a busy database looks like, the session store,
//! what the instances share (the session key, the login throttle, one retention run at a
//! time), one running instance per id (`instance_hold.rs`), the notices between them
//! (`notify.rs`) and the queue's claims (`claim.rs`). The SQL both backends run alike is
//! `store/sql/`, compiled here against PostgreSQL.

// Each backend compiles `store/sql/` against its own types: the same files are its modules too.
#![allow(clippy::duplicate_mod)]

shared_sql!();
mod claim;
mod instance_hold;
mod notify;
mod shared_state;

pub use instance_hold::InstanceHold;
pub use notify::Notices;

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use super::POSTGRES_MIGRATOR;

/// What `store/sql/` is compiled against here.
type Db = sqlx::Postgres;
type Backend = Postgres;
type Tx = sqlx::Transaction<'static, Db>;

/// How `store/sql/events.rs` groups an event's matching deliveries into one row: by the event's
/// primary key too, so that its other columns may be selected (PostgreSQL asks for it).
const EVENTS_OF_DELIVERIES: &str = "d.event_id, e.id";

/// What a read in a write transaction adds to keep the rows it read unchanged until it
/// commits (an update of them waits; one committed first is what the read sees).
const FOR_SHARE: &str = "FOR SHARE";

#[derive(Clone, Debug)]
pub struct Postgres {
    pool: PgPool,
    /// The same pool: the SQL of `store/sql/` writes through `writer` (SQLite's one writer
    /// connection); PostgreSQL takes concurrent writers.
    writer: PgPool,
    /// Who holds a claim (`deliveries.leased_by`): an instance that restarts releases only its own.
    instance_id: String,
}

impl Postgres {
    pub async fn connect(url: &str, instance_id: &str) -> Result<Self, sqlx::Error> {
        // A statement that waits on a lock longer than SQLite's busy timeout fails (and its
        // request gets 503 with Retry-After) rather than holding its caller indefinitely.
        let options = PgConnectOptions::from_str(url)?.application_name("hookrelay").options([("lock_timeout", "5s")]);
        let pool = PgPoolOptions::new()
            .max_connections(16)
            // As long as a statement may wait on a lock: past it, the request gets 503.
            .acquire_timeout(Duration::from_secs(5))
            .connect_with(options)
            .await?;
        Ok(Postgres { writer: pool.clone(), pool, instance_id: instance_id.to_string() })
    }

    /// Applies the migrations under sqlx's advisory lock: an instance that starts while another
    /// migrates waits for it, then finds nothing left to do.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        POSTGRES_MIGRATOR.run(&self.pool).await
    }

    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }

    async fn write_transaction(&self) -> Result<Tx, sqlx::Error> {
        self.pool.begin().await
    }

    /// A copy is `pg_dump`'s job: `hookrelay backup` refuses before it gets here.
    pub async fn copy_into(&self, _path: &str) -> Result<(), sqlx::Error> {
        Err(sqlx::Error::Configuration("on PostgreSQL, back up with pg_dump".into()))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub fn session_store(&self) -> tower_sessions_sqlx_store::PostgresStore {
        tower_sessions_sqlx_store::PostgresStore::new(self.pool.clone())
    }

    /// Retention on one instance at a time: the others find the lock taken and skip their run.
    /// The lock is held by a connection of its own, out of the pool, and closing it releases
    /// the lock, also when the run stops half-way (an error, the server stopping): a pooled
    /// connection would go back to the pool still holding it.
    pub async fn purge_before(&self, cutoff: i64) -> Result<u64, sqlx::Error> {
        let mut lock = self.pool.acquire().await?.detach();
        let taken: bool =
            sqlx::query_scalar("SELECT pg_try_advisory_lock($1)").bind(locks::RETENTION).fetch_one(&mut lock).await?;
        let purged = if taken { self.purge_batches(cutoff).await } else { Ok(0) };
        sqlx::Connection::close(lock).await?;
        purged
    }

    /// Makes registrations one at a time, to the end of `tx`: the first account's owner is the
    /// instance admin, and two first registrations must not both find no account.
    async fn one_registration_at_a_time(&self, tx: &mut Tx) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT pg_advisory_xact_lock($1)").bind(locks::REGISTRATION).execute(&mut **tx).await.map(|_| ())
    }
}

/// Hookrelay's advisory locks: numbers another application on the same database is unlikely
/// to take ("hook" and a serial).
mod locks {
    /// Held by the instance whose retention run is under way.
    pub const RETENTION: i64 = 0x686f_6f6b_0001;
    /// Held by a claim until its turn commits.
    pub const CLAIM: i64 = 0x686f_6f6b_0002;
    /// Held by a registration until it commits.
    pub const REGISTRATION: i64 = 0x686f_6f6b_0003;
    /// Seeds the hash of an instance id whose lock its running instance holds.
    pub const INSTANCE_ID_SEED: i64 = 0x686f_6f6b_0004;
}

/// Serialization failures, deadlocks, lock and statement timeouts, a database that is
/// starting or shutting down or out of connections, and a pool with no free connection in
/// time: all pass if tried again.
pub fn is_busy(error: &sqlx::Error) -> bool {
    /// Serialization failure, deadlock, lock not available, query cancelled (a timeout), admin
    /// and crash shutdown, cannot connect now, too many connections, connection failures.
    const TRANSIENT: &[&str] =
        &["40001", "40P01", "55P03", "57014", "57P01", "57P02", "57P03", "53300", "08000", "08003", "08006"];
    match error {
        sqlx::Error::PoolTimedOut | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(database) => code_of(database.as_ref()).is_some_and(|code| TRANSIENT.contains(&code)),
        _ => false,
    }
}

/// `character_not_in_repertoire`: a NUL in text.
pub fn is_unstorable_text(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(database) if code_of(database.as_ref()) == Some("22021"))
}

/// The SQLSTATE of an error PostgreSQL reported (never one of SQLite's, whose codes are numbers).
fn code_of(error: &dyn sqlx::error::DatabaseError) -> Option<&str> {
    error.try_downcast_ref::<sqlx::postgres::PgDatabaseError>().map(|error| error.code())
}
