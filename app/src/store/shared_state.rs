//! What instances on one database share beyond the data: the session signing key, the
//! login throttle's allowances and the instance ids in use. On SQLite there is one instance,
//! which keeps the key in the data folder and the throttle in memory: these answer `None`
//! there, and the one instance holds the database.

use super::{postgres, sqlite, Backend, Store};

/// This instance's id, taken while it runs: no other instance starts under it meanwhile. On
/// SQLite, whose claims carry no id, the database itself: one server per database.
pub struct InstanceHold(Held);

enum Held {
    Sqlite(sqlite::ServingLock),
    Postgres(postgres::InstanceHold),
}

impl InstanceHold {
    /// Whether the id is still this instance's (a dropped link is made again and the id taken
    /// again); `Ok(false)` while another session holds it. Always on SQLite.
    pub async fn keep(&mut self) -> Result<bool, sqlx::Error> {
        match &mut self.0 {
            Held::Sqlite(_) => Ok(true),
            Held::Postgres(hold) => hold.keep().await,
        }
    }

    /// Frees the id for the next instance to start under it.
    pub async fn release(self) -> Result<(), sqlx::Error> {
        match self.0 {
            Held::Sqlite(lock) => {
                drop(lock);
                Ok(())
            }
            Held::Postgres(hold) => hold.release().await,
        }
    }
}

impl Store {
    /// Takes this instance's id (`--instance-id`) for as long as the hold is kept; `None` while
    /// a running instance holds it (after waiting a few seconds for one that just died to be
    /// found dead). On SQLite, takes the database: `None` while another server runs on it.
    pub async fn hold_instance_id(&self) -> Result<Option<InstanceHold>, sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(db) => Ok(db.hold_serving()?.map(|lock| InstanceHold(Held::Sqlite(lock)))),
            Backend::Postgres(db) => {
                db.hold_instance_id().await.map(|hold| hold.map(|hold| InstanceHold(Held::Postgres(hold))))
            }
        }
    }

    /// The session signing key kept in the database: made by the first instance that asks
    /// (`candidate`), the same for every instance after. `None` on SQLite.
    pub async fn shared_session_key(&self, candidate: &[u8]) -> Result<Option<Vec<u8>>, sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(None),
            Backend::Postgres(db) => db.shared_session_key(candidate).await.map(Some),
        }
    }

    /// Spends one from `key`'s allowance (`burst` at once, then one every `refill_ms`), counted
    /// in the database so that every instance draws on the same allowance; whether there was
    /// one to spend (none while `capacity` keys are counted). `None` on SQLite.
    pub async fn spend_allowance(
        &self,
        key: &str,
        burst: u32,
        refill_ms: i64,
        capacity: usize,
        now: i64,
    ) -> Result<Option<bool>, sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(None),
            Backend::Postgres(db) => db.spend_allowance(key, burst, refill_ms, capacity, now).await.map(Some),
        }
    }

    /// Forgets allowances that are full again (nothing spent is left to count).
    pub async fn forget_full_allowances(&self, now: i64) -> Result<(), sqlx::Error> {
        match &self.backend {
            Backend::Sqlite(_) => Ok(()),
            Backend::Postgres(db) => db.forget_full_allowances(now).await,
        }
    }
}
