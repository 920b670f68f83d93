//! The storage layer. [`Store`] is the one type the rest of Hookrelay sees: every operation on
//! the data is a method of it, declared in this folder's files (one per table family, beside
//! the records it reads and writes) and carried out by the backend inside it: SQLite
//! (`sqlite/`) or PostgreSQL (`postgres/`). The SQL both run alike is written once, in `sql/`,
//! and compiled into each; what one does its own way (claims, locks, pragmas, notices between
//! instances) is in its own folder. No caller knows which backend it has.
//!
//! What every backend keeps: rows that belong together are written in one transaction (an event
//! and its deliveries, an attempt and what it changes, an account and its owner, an accepted
//! invitation and its membership); the queue's guarantees are those of `domain::queue`; account
//! isolation is in the arguments (every account-scoped operation takes the account id and
//! touches nothing outside it). `app/tests/store/` is that contract as tests.

/// Declares store operations: each is a method of [`Store`] that the backend carries out.
macro_rules! operations {
    ($( $(#[$meta:meta])* pub async fn $name:ident(&self $(, $arg:ident: $ty:ty)* $(,)?) -> $ret:ty; )*) => {
        impl $crate::store::Store {
            $(
                $(#[$meta])*
                pub async fn $name(&self $(, $arg: $ty)*) -> $ret {
                    match &self.backend {
                        $crate::store::Backend::Sqlite(db) => db.$name($($arg),*).await,
                        $crate::store::Backend::Postgres(db) => db.$name($($arg),*).await,
                    }
                }
            )*
        }
    };
}

/// Declares, inside a backend's module, the files of `store/sql/`: the SQL both backends run
/// alike, each compiled once per backend against the backend's `Db`, `Tx` and `Backend`.
macro_rules! shared_sql {
    () => {
        #[path = "../sql/accounts.rs"]
        mod accounts;
        #[path = "../sql/api_keys.rs"]
        mod api_keys;
        #[path = "../sql/deliveries.rs"]
        mod deliveries;
        #[path = "../sql/event_types.rs"]
        mod event_types;
        #[path = "../sql/events.rs"]
        mod events;
        #[path = "../sql/invitations.rs"]
        mod invitations;
        #[path = "../sql/notices.rs"]
        mod notices;
        #[path = "../sql/operator_keys.rs"]
        mod operator_keys;
        #[path = "../sql/overview.rs"]
        mod overview;
        #[path = "../sql/portal_links.rs"]
        mod portal_links;
        #[path = "../sql/queue.rs"]
        mod queue;
        #[path = "../sql/retention.rs"]
        mod retention;
        #[path = "../sql/sources.rs"]
        mod sources;
        #[path = "../sql/subscriptions.rs"]
        mod subscriptions;
        #[path = "../sql/users.rs"]
        mod users;
    };
}

mod accounts;
mod api_keys;
mod deliveries;
mod event_types;
mod events;
mod invitations;
mod notices;
mod operator_keys;
mod overview;
mod portal_links;
mod postgres;
mod queue;
mod retention;
mod sessions;
mod shared_state;
mod sources;
mod sqlite;
mod subscriptions;
mod users;

pub use accounts::{AccountRecord, AccountSummaryRecord, NewAccount};
pub use api_keys::ApiKeyRecord;
pub use deliveries::{AttemptRecord, DeliveryFilter, DeliveryRecord};
pub use event_types::{EventTypeActivityRecord, EventTypeRecord};
pub use events::{EventQuery, EventRecord, FanOut, Inserted, NewEvent, TroubledDeliveryRecord};
pub use invitations::InvitationRecord;
pub use notices::{Notice, Notices};
pub use operator_keys::OperatorKeyRecord;
pub use overview::{DeliveryHourRecord, FailureGroupRecord};
pub use portal_links::UsedPortalLink;
pub use queue::QueueState;
pub use sessions::SessionStore;
pub use shared_state::InstanceHold;
pub use sources::{InboundRequestRecord, SourceRecord, SourceWithToken};
pub use subscriptions::{SecretsRecord, SubscriptionRecord};
pub use users::{NewUser, UserRecord};

use sqlx::migrate::Migrator;

/// The reserved account whose event types form the instance-wide catalog (migration 0005).
pub const CATALOG_ACCOUNT: &str = "acc_catalog";

/// The schema of each backend, embedded in the binary and applied at start-up.
static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Clone, Debug)]
pub struct Store {
    backend: Backend,
}

/// The database behind the store.
#[derive(Clone, Debug)]
enum Backend {
    Sqlite(sqlite::Sqlite),
    Postgres(postgres::Postgres),
}

impl Store {
    /// Opens the database at `url`: `sqlite:<path>` (created if missing) or
    /// `postgres://…`, where `instance_id` names this instance's claims.
    pub async fn connect(url: &str, instance_id: &str) -> Result<Self, sqlx::Error> {
        let backend = if is_postgres_url(url) {
            Backend::Postgres(postgres::Postgres::connect(url, instance_id).await?)
        } else {
            Backend::Sqlite(sqlite::Sqlite::connect(url).await?)
        };
        Ok(Store { backend })
    }

    /// Whether several instances may share this database (PostgreSQL).
    pub fn is_shared(&self) -> bool {
        matches!(self.backend, Backend::Postgres(_))
    }

    /// Brings the schema up to date.
    pub async fn migrate(&self) -> Result<(), sqlx::migrate::MigrateError> {
        match &self.backend {
            Backend::Sqlite(db) => db.migrate().await,
            Backend::Postgres(db) => db.migrate().await,
        }
    }

    /// Answers when the database does; used by `/healthz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.ping().await,
            Backend::Postgres(db) => db.ping().await,
        }
    }

    /// Writes a consistent copy of the whole database to a new file at `path`, while writers
    /// carry on (`hookrelay backup`).
    pub async fn copy_into(&self, path: &str) -> Result<(), sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(db) => db.copy_into(path).await,
            Backend::Postgres(db) => db.copy_into(path).await,
        }
    }

    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(db) => db.close().await,
            Backend::Postgres(db) => db.close().await,
        }
    }

    /// Where the dashboard's sessions are kept: in this database.
    pub fn session_store(&self) -> SessionStore {
        match &self.backend {
            Backend::Sqlite(db) => SessionStore::Sqlite(db.session_store()),
            Backend::Postgres(db) => SessionStore::Postgres(db.session_store()),
        }
    }
}

/// `$first, $first+1, …`: `count` numbered placeholders, as both backends write them.
pub(crate) fn numbered_placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

/// Whether an error is a unique-constraint violation (portable across SQLite and PostgreSQL).
pub fn is_unique_violation(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// Whether `url` names a PostgreSQL database.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Whether an error says the request's text cannot be stored (PostgreSQL refuses NUL
/// characters in text, which SQLite takes): the caller's input, not the server, is at fault.
pub fn is_unstorable_text(error: &sqlx::Error) -> bool {
    postgres::is_unstorable_text(error)
}

/// Whether an error means the database is busy and the request may succeed if tried again.
pub fn is_busy(error: &sqlx::Error) -> bool {
    sqlite::is_busy(error) || postgres::is_busy(error)
}
