//! Retention: payloads and attempt bodies older than the configured age are emptied, in small
//! batches so that the worker's writes are never held up for long. The rows, and the figures
//! the dashboard draws from them, stay. A payload with a delivery still due is kept.

operations! {
    /// Empties payloads and bodies recorded before `cutoff`; returns how many rows changed.
    pub async fn purge_before(&self, cutoff: i64) -> Result<u64, sqlx::Error>;
}
