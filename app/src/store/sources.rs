//! Inbound sources and the log of what they received.

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SourceRecord {
    pub id: String,
    pub account_id: String,
    pub name: String,
    pub slug: String,
    pub token_in: String,
    pub event_type: Option<String>,
    pub type_from_header: Option<String>,
    pub type_from_pointer: Option<String>,
    pub verify_scheme: Option<String>,
    pub verify_secret: Option<String>,
    pub created_at: i64,
}

/// A source with the hash of its token: what an inbound request is checked against.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SourceWithToken {
    #[sqlx(flatten)]
    pub source: SourceRecord,
    pub token_hash: String,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InboundRequestRecord {
    pub id: String,
    pub account_id: String,
    pub source_id: String,
    pub received_at: i64,
    pub status_code: i64,
    pub message: String,
    pub event_id: Option<String>,
    /// How many requests the row stands for (refusals are counted per minute).
    pub count: i64,
}

operations! {
    /// Stores a new source; `Ok(false)` when its slug is taken.
    pub async fn insert_source(&self, source: &SourceRecord, token_hash: &str) -> Result<bool, sqlx::Error>;
    pub async fn find_source(&self, account_id: &str, id: &str) -> Result<Option<SourceRecord>, sqlx::Error>;
    /// The source at `/_webhooks/<slug>`, whoever owns it (the slug is the whole address).
    pub async fn find_source_by_slug(&self, slug: &str) -> Result<Option<SourceWithToken>, sqlx::Error>;
    /// The account's sources, newest first; `before` is the id of the last row already shown.
    pub async fn list_sources(
        &self,
        account_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<SourceRecord>, sqlx::Error>;
    /// Deletes a source (and its request log); false when the account has no such source.
    pub async fn delete_source(&self, account_id: &str, id: &str) -> Result<bool, sqlx::Error>;
    pub async fn insert_inbound_request(&self, request: &InboundRequestRecord) -> Result<(), sqlx::Error>;
    /// Counts a request refused for its token in the source's row for `minute` (Unix ms of the
    /// minute's start), making that row if it is the minute's first.
    pub async fn count_inbound_refusal(&self, request: &InboundRequestRecord, minute: i64) -> Result<(), sqlx::Error>;
    /// A source's latest requests, newest first.
    pub async fn recent_inbound_requests(
        &self,
        account_id: &str,
        source_id: &str,
        limit: u32,
    ) -> Result<Vec<InboundRequestRecord>, sqlx::Error>;
}
