//! One running instance per `--instance-id`. An instance that starts releases the claims made
//! under its id (`claim.rs`), so a second instance under a running one's id would hand that
//! one's deliveries out again while it is still sending them. Host name and process id repeat
//! where containers share the host's network (each is process 1), so the id is taken for as
//! long as the instance runs: a session-level advisory lock, held by a connection of its own.

use sqlx::PgConnection;

use super::{locks, Postgres};

/// This instance's id, taken until `release` (or until the connection closes: when the process
/// dies, PostgreSQL frees the id with the connection).
pub struct InstanceHold {
    connection: PgConnection,
    instance_id: String,
}

impl Postgres {
    /// Takes this instance's id; `None` while a running instance holds it.
    pub async fn hold_instance_id(&self) -> Result<Option<InstanceHold>, sqlx::Error> {
        let mut connection = self.pool.acquire().await?.detach();
        // A host that vanishes without closing its connection would keep the id until the
        // operating system's keepalive gives up (two hours by default): probe the link every
        // few seconds instead, so that a replacement under the same id starts within a minute.
        sqlx::query(
            "SELECT set_config('tcp_keepalives_idle', '10', false), set_config('tcp_keepalives_interval', '5', false),
                    set_config('tcp_keepalives_count', '3', false)",
        )
        .execute(&mut connection)
        .await?;
        let taken: bool = sqlx::query_scalar(LOCK)
            .bind(&self.instance_id)
            .bind(locks::INSTANCE_ID_SEED)
            .fetch_one(&mut connection)
            .await?;
        Ok(taken.then(|| InstanceHold { connection, instance_id: self.instance_id.clone() }))
    }
}

/// The lock is named by a 64-bit hash of the id (seeded, so that it is not one of the other
/// locks' numbers).
const LOCK: &str = "SELECT pg_try_advisory_lock(hashtextextended($1, $2))";
const UNLOCK: &str = "SELECT pg_advisory_unlock(hashtextextended($1, $2))";

impl InstanceHold {
    /// Frees the id at once (a connection closed without it frees the id only once its server
    /// process has noticed, a moment later: a restart in that moment would be refused).
    pub async fn release(mut self) -> Result<(), sqlx::Error> {
        sqlx::query(UNLOCK).bind(&self.instance_id).bind(locks::INSTANCE_ID_SEED).execute(&mut self.connection).await?;
        sqlx::Connection::close(self.connection).await
    }
}
