//! Event types of an account, and of the instance-wide catalog that every account reads beside
//! its own (the types of the reserved `CATALOG_ACCOUNT`).

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventTypeRecord {
    pub id: String,
    /// The owner: the account, or `CATALOG_ACCOUNT` for a catalog type.
    pub account_id: String,
    pub name: String,
    pub description: String,
    pub example: Option<String>,
    pub archived: bool,
    pub created_at: i64,
    pub updated_at: i64,
}

/// How much one event type is used (see `EventTypeActivity`), times in Unix milliseconds.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct EventTypeActivityRecord {
    pub name: String,
    pub recent: i64,
    pub last_seen: Option<i64>,
    pub subscribers: i64,
}

operations! {
    /// For each of these type names: the account's events of it with an id at or above
    /// `since_id` (ids sort by time), when its latest event was made, and how many of the
    /// account's subscriptions receive it: those that name it, and, unless `only_named` (for
    /// Hookrelay's own types), those that take every type.
    pub async fn event_type_activity(
        &self,
        account_id: &str,
        names: &[String],
        since_id: &str,
        only_named: bool,
    ) -> Result<Vec<EventTypeActivityRecord>, sqlx::Error>;
    pub async fn insert_event_type(&self, record: &EventTypeRecord) -> Result<(), sqlx::Error>;
    /// The account's type of this name, or else the catalog's.
    pub async fn find_event_type(&self, account_id: &str, name: &str) -> Result<Option<EventTypeRecord>, sqlx::Error>;
    /// The account's types and the catalog's, newest first; `before` is the id of the last row
    /// of the previous page.
    pub async fn list_event_types(
        &self,
        account_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<EventTypeRecord>, sqlx::Error>;
    /// The names among `names` that the account (or the catalog) has and are not archived.
    pub async fn active_event_type_names(&self, account_id: &str, names: &[String]) -> Result<Vec<String>, sqlx::Error>;
    /// Changes a type of `record.account_id` (never another owner's).
    pub async fn update_event_type(&self, record: &EventTypeRecord) -> Result<bool, sqlx::Error>;
}
