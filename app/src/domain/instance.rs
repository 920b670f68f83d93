//! The instance as a whole: who administers it, and the operator page's figures.

use super::now_ms;
use crate::error::AppError;
use crate::model::{AccountSummary, InstanceOverview};
use crate::store::Store;

/// Whether this user may see the operator page: the instance admin (a portal visitor, with no
/// user, never is).
pub async fn is_instance_admin(store: &Store, user_id: &str) -> Result<bool, AppError> {
    Ok(!user_id.is_empty() && store.is_admin(user_id).await?)
}

/// The operator page's figures.
pub async fn instance_overview(store: &Store) -> Result<InstanceOverview, AppError> {
    let now = now_ms();
    let accounts = store
        .account_summaries(200)
        .await?
        .into_iter()
        .map(|row| AccountSummary {
            id: row.id,
            name: row.name,
            external_id: row.external_id,
            events: row.events,
            failed_deliveries: row.failed_deliveries,
        })
        .collect();
    let queue = store.queue_state(now).await?;
    let lag_ms = queue.oldest_due_at.map_or(0, |due| (now - due).max(0));
    Ok(InstanceOverview {
        accounts,
        due: queue.due,
        in_flight: queue.in_flight,
        scheduled: queue.scheduled,
        worker_lag_seconds: lag_ms / 1000,
        database_ok: store.ping().await.is_ok(),
    })
}
