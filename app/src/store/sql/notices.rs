//! Writes that other instances must hear of, on a shared database: the notice goes out with the
//! commit (`notify`, a no-op on SQLite, where there are no others).

use super::{Backend, Tx};

impl Backend {
    /// Commits `tx`, which changed `account_id`'s data: open pages on every instance re-read
    /// and, when deliveries fell `due`, every instance's worker looks for them at once.
    pub(super) async fn commit_noticed(&self, mut tx: Tx, account_id: &str, due: bool) -> Result<(), sqlx::Error> {
        self.notify(&mut tx, &[account_id], due).await?;
        tx.commit().await
    }
}
