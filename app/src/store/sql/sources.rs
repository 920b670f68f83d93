//! Inbound sources and the log of what they received.

use super::Backend;
use crate::store::{is_unique_violation, InboundRequestRecord, SourceRecord, SourceWithToken};

const COLUMNS: &str = "id, account_id, name, slug, token_in, event_type, type_from_header, type_from_pointer,
                       verify_scheme, verify_secret, created_at";

impl Backend {
    pub async fn insert_source(&self, source: &SourceRecord, token_hash: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "INSERT INTO sources (id, account_id, name, slug, token_hash, token_in, event_type, type_from_header,
                 type_from_pointer, verify_scheme, verify_secret, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(&source.id)
        .bind(&source.account_id)
        .bind(&source.name)
        .bind(&source.slug)
        .bind(token_hash)
        .bind(&source.token_in)
        .bind(&source.event_type)
        .bind(&source.type_from_header)
        .bind(&source.type_from_pointer)
        .bind(&source.verify_scheme)
        .bind(&source.verify_secret)
        .bind(source.created_at)
        .execute(&self.writer)
        .await;
        match done {
            Ok(_) => Ok(true),
            Err(error) if is_unique_violation(&error) => Ok(false),
            Err(error) => Err(error),
        }
    }

    pub async fn find_source(&self, account_id: &str, id: &str) -> Result<Option<SourceRecord>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM sources WHERE account_id = $1 AND id = $2"))
            .bind(account_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn find_source_by_slug(&self, slug: &str) -> Result<Option<SourceWithToken>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS}, token_hash FROM sources WHERE slug = $1"))
            .bind(slug)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn list_sources(
        &self,
        account_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<SourceRecord>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM sources WHERE account_id = $1 AND ($2 IS NULL OR id < $3) ORDER BY id DESC LIMIT $4"
        ))
        .bind(account_id)
        .bind(before)
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
    }

    pub async fn delete_source(&self, account_id: &str, id: &str) -> Result<bool, sqlx::Error> {
        let done = sqlx::query("DELETE FROM sources WHERE account_id = $1 AND id = $2")
            .bind(account_id)
            .bind(id)
            .execute(&self.writer)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Adds a line to a source's request log; open pages on every instance hear of it.
    pub async fn insert_inbound_request(&self, request: &InboundRequestRecord) -> Result<(), sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        sqlx::query(
            "INSERT INTO inbound_requests (id, account_id, source_id, received_at, status_code, message, event_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&request.id)
        .bind(&request.account_id)
        .bind(&request.source_id)
        .bind(request.received_at)
        .bind(request.status_code)
        .bind(&request.message)
        .bind(&request.event_id)
        .execute(&mut *tx)
        .await?;
        self.commit_noticed(tx, &request.account_id, false).await
    }

    /// Counts a refused request in its minute's line of the log. Open pages on the other
    /// instances hear of a new line, not of each count: whoever sends wrong tokens must not
    /// make every instance's pages re-read at the rate they send.
    pub async fn count_inbound_refusal(&self, request: &InboundRequestRecord, minute: i64) -> Result<(), sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        let count: i64 = sqlx::query_scalar(
            "INSERT INTO inbound_requests (id, account_id, source_id, received_at, status_code, message, event_id, count, refused_minute)
             VALUES ($1, $2, $3, $4, $5, $6, NULL, 1, $7)
             ON CONFLICT (source_id, refused_minute) WHERE refused_minute IS NOT NULL
             DO UPDATE SET count = inbound_requests.count + 1, received_at = excluded.received_at
             RETURNING count",
        )
        .bind(&request.id)
        .bind(&request.account_id)
        .bind(&request.source_id)
        .bind(request.received_at)
        .bind(request.status_code)
        .bind(&request.message)
        .bind(minute)
        .fetch_one(&mut *tx)
        .await?;
        match count {
            1 => self.commit_noticed(tx, &request.account_id, false).await,
            _ => tx.commit().await,
        }
    }

    pub async fn recent_inbound_requests(
        &self,
        account_id: &str,
        source_id: &str,
        limit: u32,
    ) -> Result<Vec<InboundRequestRecord>, sqlx::Error> {
        sqlx::query_as(
            "SELECT id, account_id, source_id, received_at, status_code, message, event_id, count FROM inbound_requests
             WHERE source_id = $1 AND account_id = $2 ORDER BY id DESC LIMIT $3",
        )
        .bind(source_id)
        .bind(account_id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
    }
}
