//! One running instance per `--instance-id`. An instance that starts releases the claims made
//! under its id (`claim.rs`), so a second instance under a running one's id would hand that
//! one's deliveries out again while it is still sending them. Host name and process id repeat
//! where containers share the host's network (each is process 1), so the id is taken for as
//! long as the instance runs: a session-level advisory lock, held by a connection of its own.

use std::time::Duration;

use sqlx::PgConnection;

use super::{locks, Postgres};

/// This instance's id, taken until `release` (or until the connection closes: when the process
/// dies, PostgreSQL frees the id with the connection).
pub struct InstanceHold {
    db: Postgres,
    connection: Option<PgConnection>,
}

/// How long a start waits for an id held by a session that is going away (an instance that
/// just died: PostgreSQL frees its locks a moment after the connection closed).
const START_WAIT: Duration = Duration::from_secs(5);
/// How long the hold's connection may take to answer before it is taken for lost.
const ANSWER_WITHIN: Duration = Duration::from_secs(5);

impl Postgres {
    /// Takes this instance's id; `None` while a running instance holds it.
    pub async fn hold_instance_id(&self) -> Result<Option<InstanceHold>, sqlx::Error> {
        let deadline = tokio::time::Instant::now() + START_WAIT;
        loop {
            if let Some(connection) = self.take_instance_id().await? {
                return Ok(Some(InstanceHold { db: self.clone(), connection: Some(connection) }));
            }
            if tokio::time::Instant::now() >= deadline {
                return Ok(None);
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// A connection of its own that holds this instance's id; `None` if another session has it.
    async fn take_instance_id(&self) -> Result<Option<PgConnection>, sqlx::Error> {
        let mut connection = self.pool.acquire().await?.detach();
        // A host that vanishes without closing its connection would keep the id until the
        // operating system's keepalive gives up (two hours by default): PostgreSQL probes the
        // link after 10 s of silence, every 5 s, and drops it after 3 unanswered probes (25 s).
        sqlx::query(
            "SELECT set_config('tcp_keepalives_idle', '10', false), set_config('tcp_keepalives_interval', '5', false),
                    set_config('tcp_keepalives_count', '3', false)",
        )
        .execute(&mut connection)
        .await?;
        let taken: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock(hashtextextended($1, $2))")
            .bind(&self.instance_id)
            .bind(locks::INSTANCE_ID_SEED)
            .fetch_one(&mut connection)
            .await?;
        Ok(taken.then_some(connection))
    }
}

impl InstanceHold {
    /// Whether the id is still this instance's: its connection answers, or (the link dropped,
    /// and the lock with it) a new connection takes the id again. `Ok(false)`: another session
    /// has it (another instance that started meanwhile, or this one's old session that the
    /// database has not yet found dead).
    pub async fn keep(&mut self) -> Result<bool, sqlx::Error> {
        if let Some(connection) = self.connection.as_mut() {
            let answer = tokio::time::timeout(ANSWER_WITHIN, sqlx::query("SELECT 1").execute(connection)).await;
            if matches!(answer, Ok(Ok(_))) {
                return Ok(true);
            }
            // Lost, or in a state nobody can tell: a new session asks afresh.
            self.connection = None;
        }
        self.connection = self.db.take_instance_id().await?;
        Ok(self.connection.is_some())
    }

    /// Frees the id at once (a connection closed without it frees the id only once its server
    /// process has noticed, a moment later).
    pub async fn release(self) -> Result<(), sqlx::Error> {
        let Some(mut connection) = self.connection else { return Ok(()) };
        sqlx::query("SELECT pg_advisory_unlock(hashtextextended($1, $2))")
            .bind(&self.db.instance_id)
            .bind(locks::INSTANCE_ID_SEED)
            .execute(&mut connection)
            .await?;
        sqlx::Connection::close(connection).await
    }
}
