//! Event types of an account, and of the instance-wide catalog that every account reads beside
//! its own (the types of the reserved `CATALOG_ACCOUNT`).

use sqlx::QueryBuilder;

use super::{Backend, Db};
use crate::store::{numbered_placeholders, EventTypeActivityRecord, EventTypeRecord, CATALOG_ACCOUNT};

const COLUMNS: &str = "id, account_id, name, description, example, archived, created_at, updated_at";

impl Backend {
    pub async fn event_type_activity(
        &self,
        account_id: &str,
        names: &[String],
        since_id: &str,
        only_named: bool,
    ) -> Result<Vec<EventTypeActivityRecord>, sqlx::Error> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        // Each figure is a seek in an index: `events_by_account_type` (account_id, event_type,
        // id) for the count and the latest, `subscriptions_by_account` and the filter table's
        // primary key for the subscribers.
        let mut sql = QueryBuilder::<Db>::new("WITH names(name) AS (VALUES ");
        let mut values = sql.separated(", ");
        for name in names {
            values.push("(").push_bind_unseparated(name).push_unseparated(")");
        }
        sql.push(") SELECT name, (SELECT COUNT(*) FROM events e WHERE e.account_id = ")
            .push_bind(account_id)
            .push(" AND e.event_type = names.name AND e.id >= ")
            .push_bind(since_id)
            .push(") AS recent, (SELECT e.created_at FROM events e WHERE e.account_id = ")
            .push_bind(account_id)
            .push(
                " AND e.event_type = names.name ORDER BY e.id DESC LIMIT 1) AS last_seen,
                 (SELECT COUNT(*) FROM subscriptions s WHERE s.account_id = ",
            )
            .push_bind(account_id)
            .push(" AND s.deleted_at IS NULL AND (");
        if !only_named {
            sql.push("NOT EXISTS (SELECT 1 FROM subscription_event_types x WHERE x.subscription_id = s.id) OR ");
        }
        sql.push(
            "EXISTS (SELECT 1 FROM subscription_event_types x
                     WHERE x.subscription_id = s.id AND x.event_type = names.name))) AS subscribers
             FROM names",
        );
        sql.build_query_as().fetch_all(&self.pool).await
    }

    pub async fn insert_event_type(&self, record: &EventTypeRecord) -> Result<(), sqlx::Error> {
        sqlx::query(
            "INSERT INTO event_types (id, account_id, name, description, example, archived, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(&record.id)
        .bind(&record.account_id)
        .bind(&record.name)
        .bind(&record.description)
        .bind(&record.example)
        .bind(record.archived)
        .bind(record.created_at)
        .bind(record.updated_at)
        .execute(&self.writer)
        .await
        .map(|_| ())
    }

    pub async fn find_event_type(&self, account_id: &str, name: &str) -> Result<Option<EventTypeRecord>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM event_types WHERE account_id IN ($1, $2) AND name = $3
             ORDER BY account_id = $4 LIMIT 1"
        ))
        .bind(account_id)
        .bind(CATALOG_ACCOUNT)
        .bind(name)
        .bind(CATALOG_ACCOUNT)
        .fetch_optional(&self.pool)
        .await
    }

    pub async fn list_event_types(
        &self,
        account_id: &str,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Vec<EventTypeRecord>, sqlx::Error> {
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM event_types WHERE account_id IN ($1, $2) AND ($3 IS NULL OR id < $4)
             ORDER BY id DESC LIMIT $5"
        ))
        .bind(account_id)
        .bind(CATALOG_ACCOUNT)
        .bind(before)
        .bind(before)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
    }

    pub async fn active_event_type_names(
        &self,
        account_id: &str,
        names: &[String],
    ) -> Result<Vec<String>, sqlx::Error> {
        if names.is_empty() {
            return Ok(Vec::new());
        }
        let placeholders = numbered_placeholders(3, names.len());
        let sql =
            format!("SELECT DISTINCT name FROM event_types WHERE account_id IN ($1, $2) AND NOT archived AND name IN ({placeholders})");
        let mut query = sqlx::query_scalar(&sql).bind(account_id).bind(CATALOG_ACCOUNT);
        for name in names {
            query = query.bind(name);
        }
        query.fetch_all(&self.pool).await
    }

    pub async fn update_event_type(&self, record: &EventTypeRecord) -> Result<bool, sqlx::Error> {
        let done = sqlx::query(
            "UPDATE event_types SET description = $1, example = $2, archived = $3, updated_at = $4
             WHERE account_id = $5 AND name = $6",
        )
        .bind(&record.description)
        .bind(&record.example)
        .bind(record.archived)
        .bind(record.updated_at)
        .bind(&record.account_id)
        .bind(&record.name)
        .execute(&self.writer)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
