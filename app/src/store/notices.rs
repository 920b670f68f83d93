//! Word between instances that share a database: what one changed, so that the others' open
//! pages re-read and their workers look for due deliveries at once (each also polls, as a
//! backstop). SQLite has one instance: it needs none of this.

use super::{postgres, Backend, Store};

/// What another instance (or this one) said.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Something of this account changed (events published, attempts recorded).
    Changed(String),
    /// Deliveries fell due (events published).
    Due,
    /// The link to the others dropped and was made again: anything may have changed meanwhile.
    Missed,
}

/// The notices of every instance on the database, this one's included.
pub struct Notices(postgres::Notices);

impl Notices {
    /// The next notice; waits for one.
    pub async fn next(&mut self) -> Notice {
        self.0.next().await
    }
}

impl Store {
    /// Starts listening to the other instances; `None` on SQLite.
    pub async fn notices(&self) -> Result<Option<Notices>, sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(None),
            Backend::Postgres(db) => db.notices().await.map(|notices| Some(Notices(notices))),
        }
    }
}
