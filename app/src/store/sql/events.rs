//! Events, and the fan-out that creates their deliveries in the same transaction.

use std::collections::hash_map::{Entry, HashMap};

use sqlx::QueryBuilder;

use super::{Backend, Db, Tx, EVENTS_OF_DELIVERIES, FOR_SHARE};
use crate::model::DeliveryStatus;
use crate::store::{EventQuery, EventRecord, FanOut, Inserted, NewEvent, TroubledDeliveryRecord, CATALOG_ACCOUNT};

const COLUMNS: &str = "id, account_id, event_type, payload, idempotency_key, created_at";

impl Backend {
    pub async fn insert_events(
        &self,
        events: &[NewEvent],
        mut new_delivery_id: impl FnMut() -> String,
    ) -> Result<Vec<Inserted>, sqlx::Error> {
        let mut tx = self.write_transaction().await?;
        // An event with an idempotency key must see the ones before it, and Hookrelay's own
        // and test events fan out their own way: those go one at a time. The rest (nearly all)
        // go in a few statements for the whole batch.
        let mut results: Vec<Option<Inserted>> = Vec::with_capacity(events.len());
        let mut plain = Vec::new();
        for event in events {
            if event.record.idempotency_key.is_none() && matches!(event.fan_out, FanOut::Matching) {
                plain.push(event);
                results.push(None);
            } else {
                results.push(Some(insert_one(&mut tx, event, &mut new_delivery_id).await?));
            }
        }
        let mut created = insert_many(&mut tx, &plain, &mut new_delivery_id).await?.into_iter();
        let mut accounts: Vec<&str> = events.iter().map(|event| event.record.account_id.as_str()).collect();
        accounts.sort_unstable();
        accounts.dedup();
        self.notify(&mut tx, &accounts, true).await?;
        tx.commit().await?;
        Ok(results
            .into_iter()
            .map(|result| result.or_else(|| created.next()).unwrap_or(Inserted::InactiveType))
            .collect())
    }

    pub async fn find_event(&self, account_id: &str, id: &str) -> Result<Option<EventRecord>, sqlx::Error> {
        sqlx::query_as(&format!("SELECT {COLUMNS} FROM events WHERE account_id = $1 AND id = $2"))
            .bind(account_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await
    }

    pub async fn list_events(&self, account_id: &str, query: &EventQuery<'_>) -> Result<Vec<EventRecord>, sqlx::Error> {
        let mut sql = QueryBuilder::<Db>::new("");
        push_filtered(
            &mut sql,
            "e.id, e.account_id, e.event_type, e.payload, e.idempotency_key, e.created_at",
            account_id,
            query,
        );
        sql.push(" LIMIT ").push_bind(i64::from(query.limit));
        sql.build_query_as().fetch_all(&self.pool).await
    }

    pub async fn count_events(&self, account_id: &str, query: &EventQuery<'_>) -> Result<i64, sqlx::Error> {
        let mut sql = QueryBuilder::<Db>::new("SELECT COUNT(*) FROM (");
        push_filtered(&mut sql, "e.id", account_id, query);
        sql.push(" LIMIT ").push_bind(i64::from(query.limit)).push(") AS counted");
        sql.build_query_scalar().fetch_one(&self.pool).await
    }

    pub async fn has_events(&self, account_id: &str) -> Result<bool, sqlx::Error> {
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM events WHERE account_id = $1)")
            .bind(account_id)
            .fetch_one(&self.pool)
            .await
    }

    pub async fn delivery_counts(
        &self,
        account_id: &str,
        event_ids: &[String],
    ) -> Result<Vec<(String, DeliveryStatus, i64)>, sqlx::Error> {
        if event_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql =
            QueryBuilder::<Db>::new("SELECT event_id, status, COUNT(*) FROM deliveries WHERE account_id = ");
        sql.push_bind(account_id).push(" AND event_id IN (");
        let mut ids = sql.separated(", ");
        for id in event_ids {
            ids.push_bind(id);
        }
        sql.push(") GROUP BY event_id, status");
        sql.build_query_as().fetch_all(&self.pool).await
    }

    pub async fn troubled_deliveries(
        &self,
        account_id: &str,
        event_ids: &[String],
    ) -> Result<Vec<TroubledDeliveryRecord>, sqlx::Error> {
        if event_ids.is_empty() {
            return Ok(Vec::new());
        }
        // `deliveries_by_event` (event_id, account_id, status) answers it.
        let mut sql = QueryBuilder::<Db>::new(
            "SELECT d.event_id, d.subscription_id, d.status,
                    COALESCE(s.description, '') AS description, COALESCE(s.url, '') AS url
             FROM deliveries d LEFT JOIN subscriptions s ON s.id = d.subscription_id AND s.deleted_at IS NULL
             WHERE d.account_id = ",
        );
        sql.push_bind(account_id).push(" AND d.status IN ('failed', 'retrying') AND d.event_id IN (");
        let mut ids = sql.separated(", ");
        for id in event_ids {
            ids.push_bind(id);
        }
        sql.push(") ORDER BY d.event_id, d.status, d.subscription_id");
        sql.build_query_as().fetch_all(&self.pool).await
    }
}

/// `SELECT <columns>` of the events a query matches, newest first, without a limit: from the
/// deliveries when it filters on them (one row per event however many match), else from the
/// events alone.
fn push_filtered<'q>(sql: &mut QueryBuilder<'q, Db>, columns: &str, account_id: &'q str, query: &EventQuery<'q>) {
    let by_delivery = query.status.is_some() || query.subscription_id.is_some();
    if by_delivery {
        sql.push(format_args!("SELECT {columns} FROM deliveries d JOIN events e ON e.id = d.event_id WHERE d.account_id = "))
            .push_bind(account_id);
        if let Some(subscription_id) = query.subscription_id {
            sql.push(" AND d.subscription_id = ").push_bind(subscription_id);
        }
        if let Some(status) = query.status {
            sql.push(" AND d.status = ").push_bind(status);
        }
        push_id_range(sql, "d.event_id", query);
    } else {
        sql.push(format_args!("SELECT {columns} FROM events e WHERE e.account_id = ")).push_bind(account_id);
        push_id_range(sql, "e.id", query);
    }
    if let Some(event_type) = query.event_type {
        sql.push(" AND e.event_type = ").push_bind(event_type);
    }
    if let Some(since) = query.since {
        sql.push(" AND e.created_at >= ").push_bind(since);
    }
    if let Some(until) = query.until {
        sql.push(" AND e.created_at < ").push_bind(until);
    }
    if by_delivery {
        // Grouping on the index's order keeps this a walk, not a sort.
        sql.push(format_args!(" GROUP BY {EVENTS_OF_DELIVERIES} ORDER BY d.event_id DESC"));
    } else {
        sql.push(" ORDER BY e.id DESC");
    }
}

/// The event-id bounds of a list: the page's cursor and the ids that bracket its time range.
fn push_id_range(sql: &mut QueryBuilder<'_, Db>, column: &str, query: &EventQuery<'_>) {
    if let Some(from) = &query.id_at_least {
        sql.push(format_args!(" AND {column} >= ")).push_bind(from.clone());
    }
    if let Some(below) = &query.id_below {
        sql.push(format_args!(" AND {column} < ")).push_bind(below.clone());
    }
}

pub(super) async fn insert_one(
    tx: &mut Tx,
    event: &NewEvent,
    new_delivery_id: &mut impl FnMut() -> String,
) -> Result<Inserted, sqlx::Error> {
    if matches!(event.fan_out, FanOut::Matching)
        && !is_active(tx, &event.record.account_id, &event.record.event_type).await?
    {
        return Ok(Inserted::InactiveType);
    }
    if let Some(key) = &event.record.idempotency_key {
        // A key older than the window is free again.
        sqlx::query("UPDATE events SET idempotency_key = NULL WHERE account_id = $1 AND idempotency_key = $2 AND created_at < $3")
            .bind(&event.record.account_id)
            .bind(key)
            .bind(event.idempotency_since)
            .execute(&mut **tx)
            .await?;
        // Claim the key by inserting, never by looking first: a publisher with the same key in
        // another transaction (another instance, on PostgreSQL) either went first, and this
        // insert does nothing, or waits for this one.
        let inserted: Option<String> = sqlx::query_scalar(&format!(
            "INSERT INTO events ({COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (account_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
             RETURNING id"
        ))
        .bind(&event.record.id)
        .bind(&event.record.account_id)
        .bind(&event.record.event_type)
        .bind(&event.record.payload)
        .bind(key)
        .bind(event.record.created_at)
        .fetch_optional(&mut **tx)
        .await?;
        if inserted.is_none() {
            let event_id: String =
                sqlx::query_scalar("SELECT id FROM events WHERE account_id = $1 AND idempotency_key = $2")
                    .bind(&event.record.account_id)
                    .bind(key)
                    .fetch_one(&mut **tx)
                    .await?;
            return Ok(Inserted::Existing { event_id });
        }
    }
    let (targets, trigger): (Vec<String>, &str) = match &event.fan_out {
        FanOut::Matching | FanOut::Named => {
            // Subscriptions without a filter take every type, but not Hookrelay's own (Named).
            let unfiltered_too = matches!(event.fan_out, FanOut::Matching);
            (subscribers(tx, &event.record.account_id, &event.record.event_type, unfiltered_too).await?, "scheduled")
        }
        FanOut::Only { subscription_id, trigger } => (vec![subscription_id.clone()], *trigger),
    };
    if targets.is_empty() && matches!(event.fan_out, FanOut::Named) {
        return Ok(Inserted::Created { deliveries: Vec::new() });
    }
    let mut deliveries = Vec::with_capacity(targets.len());
    let mut rows = Vec::with_capacity(targets.len());
    for subscription_id in targets {
        let id = new_delivery_id();
        rows.push(NewDelivery { id: id.clone(), event, subscription_id: subscription_id.clone(), trigger });
        deliveries.push((id, subscription_id));
    }
    if event.record.idempotency_key.is_none() {
        write_events(tx, &[event]).await?;
    }
    write_deliveries(tx, &rows).await?;
    Ok(Inserted::Created { deliveries })
}

/// Most rows one INSERT writes (SQLite takes up to 32,766 bound values; a delivery has 7).
const ROWS_PER_INSERT: usize = 256;

/// The subscriptions an event of `event_type` goes to: those that name it, and
/// (`unfiltered_too`) those that take every type.
async fn subscribers(
    tx: &mut Tx,
    account_id: &str,
    event_type: &str,
    unfiltered_too: bool,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT s.id FROM subscriptions s
             WHERE s.account_id = $1 AND s.enabled AND s.deleted_at IS NULL
               AND (EXISTS (SELECT 1 FROM subscription_event_types f
                            WHERE f.subscription_id = s.id AND f.event_type = $2)
                    OR ($3 AND NOT EXISTS (SELECT 1 FROM subscription_event_types f
                                          WHERE f.subscription_id = s.id)))
             ORDER BY s.id",
    )
    .bind(account_id)
    .bind(event_type)
    .bind(unfiltered_too)
    .fetch_all(&mut **tx)
    .await
}

/// Published events without an idempotency key, fanned out to every subscription that takes
/// their type: two reads per account and type, one INSERT for the events, one for their
/// deliveries. What became of each, in order.
async fn insert_many(
    tx: &mut Tx,
    events: &[&NewEvent],
    new_delivery_id: &mut impl FnMut() -> String,
) -> Result<Vec<Inserted>, sqlx::Error> {
    if events.is_empty() {
        return Ok(Vec::new());
    }
    // For each account and type: None if the type is not active, else its subscribers.
    let mut targets: HashMap<(&str, &str), Option<Vec<String>>> = HashMap::new();
    for event in events {
        let key = (event.record.account_id.as_str(), event.record.event_type.as_str());
        if let Entry::Vacant(slot) = targets.entry(key) {
            let active = is_active(tx, key.0, key.1).await?;
            slot.insert(if active { Some(subscribers(tx, key.0, key.1, true).await?) } else { None });
        }
    }
    let mut results = Vec::with_capacity(events.len());
    let mut stored = Vec::with_capacity(events.len());
    let mut rows = Vec::new();
    for event in events {
        let key = (event.record.account_id.as_str(), event.record.event_type.as_str());
        let Some(Some(subscribers)) = targets.get(&key) else {
            results.push(Inserted::InactiveType);
            continue;
        };
        let mut deliveries = Vec::with_capacity(subscribers.len());
        for subscription_id in subscribers {
            let id = new_delivery_id();
            rows.push(NewDelivery {
                id: id.clone(),
                event,
                subscription_id: subscription_id.clone(),
                trigger: "scheduled",
            });
            deliveries.push((id, subscription_id.clone()));
        }
        stored.push(*event);
        results.push(Inserted::Created { deliveries });
    }
    for chunk in stored.chunks(ROWS_PER_INSERT) {
        write_events(tx, chunk).await?;
    }
    for chunk in rows.chunks(ROWS_PER_INSERT) {
        write_deliveries(tx, chunk).await?;
    }
    Ok(results)
}

/// Whether `event_type` is an active type of the account or of the catalog; it stays so until
/// `tx` commits (an archive waits for it).
async fn is_active(
    tx: &mut Tx,
    account_id: &str,
    event_type: &str,
) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM event_types WHERE account_id IN ($1, $2) AND NOT archived AND name = $3 {FOR_SHARE})",
    ))
    .bind(account_id)
    .bind(CATALOG_ACCOUNT)
    .bind(event_type)
    .fetch_one(&mut **tx)
    .await
}

/// A delivery to write: its event goes to one subscription.
struct NewDelivery<'a> {
    id: String,
    event: &'a NewEvent,
    subscription_id: String,
    trigger: &'static str,
}

async fn write_events(
    tx: &mut Tx,
    events: &[&NewEvent],
) -> Result<(), sqlx::Error> {
    let mut query = QueryBuilder::new(format!("INSERT INTO events ({COLUMNS}) "));
    query.push_values(events, |mut row, event| {
        row.push_bind(&event.record.id)
            .push_bind(&event.record.account_id)
            .push_bind(&event.record.event_type)
            .push_bind(&event.record.payload)
            .push_bind(&event.record.idempotency_key)
            .push_bind(event.record.created_at);
    });
    query.build().execute(&mut **tx).await.map(|_| ())
}

async fn write_deliveries(
    tx: &mut Tx,
    rows: &[NewDelivery<'_>],
) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut query = QueryBuilder::new(
        "INSERT INTO deliveries
           (id, account_id, event_id, subscription_id, status, next_attempt_at, next_trigger, created_at, updated_at) ",
    );
    query.push_values(rows, |mut row, delivery| {
        let event = &delivery.event.record;
        row.push_bind(&delivery.id)
            .push_bind(&event.account_id)
            .push_bind(&event.id)
            .push_bind(&delivery.subscription_id)
            .push("'pending'")
            .push_bind(event.created_at)
            .push_bind(delivery.trigger)
            .push_bind(event.created_at)
            .push_bind(event.created_at);
    });
    query.build().execute(&mut **tx).await.map(|_| ())
}
