//! Retention: payloads and attempt bodies older than the configured age are emptied, in small
//! batches so that the worker's writes are never held up for long. The rows, and the figures
//! the dashboard draws from them, stay. A payload with a delivery still due is kept.

use super::Backend;

const BATCH: i64 = 500;

impl Backend {
    pub(super) async fn purge_batches(&self, cutoff: i64) -> Result<u64, sqlx::Error> {
        let mut purged = 0;
        loop {
            let events = sqlx::query(
                "UPDATE events SET payload = NULL
                 WHERE id IN (SELECT id FROM events e WHERE created_at < $1 AND payload IS NOT NULL
                              -- a payload still to be delivered is kept until it is
                              AND NOT EXISTS (SELECT 1 FROM deliveries d WHERE d.event_id = e.id AND d.next_attempt_at IS NOT NULL)
                              LIMIT $2)",
            )
            .bind(cutoff)
            .bind(BATCH)
            .execute(&self.writer)
            .await?
            .rows_affected();
            let attempts = sqlx::query(
                "UPDATE attempts SET request_body = NULL, response_body = NULL
                 WHERE id IN (SELECT id FROM attempts WHERE started_at < $1
                              AND (request_body IS NOT NULL OR response_body IS NOT NULL) LIMIT $2)",
            )
            .bind(cutoff)
            .bind(BATCH)
            .execute(&self.writer)
            .await?
            .rows_affected();
            // The sources page's request log goes with the payloads it describes.
            let inbound = sqlx::query(
                "DELETE FROM inbound_requests WHERE id IN (SELECT id FROM inbound_requests WHERE received_at < $1 LIMIT $2)",
            )
            .bind(cutoff)
            .bind(BATCH)
            .execute(&self.writer)
            .await?
            .rows_affected();
            purged += events + attempts + inbound;
            if events < BATCH as u64 && attempts < BATCH as u64 && inbound < BATCH as u64 {
                return Ok(purged);
            }
        }
    }
}
