//! The session key and the login throttle, shared by the instances through the database.

use super::Postgres;

const SESSION_KEY: &str = "session_key";

impl Postgres {
    pub async fn shared_session_key(&self, candidate: &[u8]) -> Result<Vec<u8>, sqlx::Error> {
        // Whoever inserts first wins; everyone reads the winner's.
        sqlx::query("INSERT INTO instance_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING")
            .bind(SESSION_KEY)
            .bind(candidate)
            .execute(&self.pool)
            .await?;
        sqlx::query_scalar("SELECT value FROM instance_settings WHERE name = $1")
            .bind(SESSION_KEY)
            .fetch_one(&self.pool)
            .await
    }

    /// GCRA: `spent_to` is when the key's allowance is whole again; a spend moves it on by
    /// `refill_ms` and is allowed while it stays within `burst` refills of now. One statement,
    /// so two instances spending at once are serialised on the row. Nothing is spent while the
    /// table holds `capacity` keys (housekeeping forgets the full ones).
    pub async fn spend_allowance(
        &self,
        key: &str,
        burst: u32,
        refill_ms: i64,
        capacity: usize,
        now: i64,
    ) -> Result<bool, sqlx::Error> {
        let spent: Option<i64> = sqlx::query_scalar(
            "INSERT INTO login_throttle (key, spent_to)
             SELECT $1, $2 + $3 WHERE (SELECT COUNT(*) FROM login_throttle) < $5
             ON CONFLICT (key) DO UPDATE SET spent_to = GREATEST(login_throttle.spent_to, $2) + $3
             WHERE GREATEST(login_throttle.spent_to, $2) + $3 <= $2 + $4
             RETURNING spent_to",
        )
        .bind(key)
        .bind(now)
        .bind(refill_ms)
        .bind(i64::from(burst) * refill_ms)
        .bind(i64::try_from(capacity).unwrap_or(i64::MAX))
        .fetch_optional(&self.pool)
        .await?;
        Ok(spent.is_some())
    }

    pub async fn forget_full_allowances(&self, now: i64) -> Result<(), sqlx::Error> {
        sqlx::query("DELETE FROM login_throttle WHERE spent_to <= $1").bind(now).execute(&self.pool).await.map(|_| ())
    }
}
