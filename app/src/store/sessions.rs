//! The dashboard's sessions, kept in the same database as everything else, by the backend's
//! own session store.

use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{ExpiredDeletion, Result};

#[derive(Clone, Debug)]
pub enum SessionStore {
    Sqlite(tower_sessions_sqlx_store::SqliteStore),
    Postgres(tower_sessions_sqlx_store::PostgresStore),
}

impl SessionStore {
    /// Creates the session table if it is missing.
    pub async fn migrate(&self) -> std::result::Result<(), sqlx::Error> {
        match self {
            SessionStore::Sqlite(store) => store.migrate().await,
            SessionStore::Postgres(store) => store.migrate().await,
        }
    }
}

#[async_trait::async_trait]
impl tower_sessions::SessionStore for SessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        match self {
            SessionStore::Sqlite(store) => store.create(record).await,
            SessionStore::Postgres(store) => store.create(record).await,
        }
    }

    async fn save(&self, record: &Record) -> Result<()> {
        match self {
            SessionStore::Sqlite(store) => store.save(record).await,
            SessionStore::Postgres(store) => store.save(record).await,
        }
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        match self {
            SessionStore::Sqlite(store) => store.load(id).await,
            SessionStore::Postgres(store) => store.load(id).await,
        }
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        match self {
            SessionStore::Sqlite(store) => store.delete(id).await,
            SessionStore::Postgres(store) => store.delete(id).await,
        }
    }
}

#[async_trait::async_trait]
impl ExpiredDeletion for SessionStore {
    async fn delete_expired(&self) -> Result<()> {
        match self {
            SessionStore::Sqlite(store) => store.delete_expired().await,
            SessionStore::Postgres(store) => store.delete_expired().await,
        }
    }
}
