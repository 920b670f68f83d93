//! Notices between instances with `LISTEN`/`NOTIFY`. They are sent inside the transaction
//! that made the change, so they go out when it commits, and never for one rolled back.

use sqlx::postgres::PgListener;

use super::{Postgres, Tx};
use crate::store::notices::Notice;

const CHANGED: &str = "hookrelay_changed";
const DUE: &str = "hookrelay_due";

impl Postgres {
    /// Tells every instance, once `tx` commits, that these accounts changed and (`due`) that
    /// deliveries fell due.
    pub(super) async fn notify(&self, tx: &mut Tx, account_ids: &[&str], due: bool) -> Result<(), sqlx::Error> {
        let mut channels: Vec<&str> = vec![CHANGED; account_ids.len()];
        let mut payloads: Vec<&str> = account_ids.to_vec();
        if due {
            channels.push(DUE);
            payloads.push("");
        }
        if channels.is_empty() {
            return Ok(());
        }
        // PostgreSQL sends each distinct (channel, payload) of a transaction once.
        sqlx::query("SELECT pg_notify(channel, payload) FROM UNNEST($1::TEXT[], $2::TEXT[]) AS n(channel, payload)")
            .bind(channels)
            .bind(payloads)
            .execute(&mut **tx)
            .await
            .map(|_| ())
    }

    pub async fn notices(&self) -> Result<Notices, sqlx::Error> {
        let mut listener = PgListener::connect_with(&self.pool).await?;
        listener.listen_all([CHANGED, DUE]).await?;
        Ok(Notices { listener })
    }
}

pub struct Notices {
    listener: PgListener,
}

impl Notices {
    pub async fn next(&mut self) -> Notice {
        match self.listener.try_recv().await {
            Ok(Some(notification)) if notification.channel() == DUE => Notice::Due,
            Ok(Some(notification)) => Notice::Changed(notification.payload().to_string()),
            // The connection dropped, and the listener has connected again and listens anew.
            Ok(None) => Notice::Missed,
            Err(error) => {
                tracing::warn!(%error, "lost the notices of the other instances; listening again once the database answers");
                // Missed only once listening again: pages that re-read before then could miss
                // a change made between their read and the listening. (A query on the listener
                // connects it again and listens anew.)
                loop {
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    if sqlx::query("SELECT 1").execute(&mut self.listener).await.is_ok() {
                        break;
                    }
                }
                Notice::Missed
            }
        }
    }
}
