//! The whole database as text, to prove that a refused request changed nothing.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, SqliteConnection};

/// Tables that change on any request without changing what a user owns: sessions are touched
/// on every signed-in request (their expiry slides).
const IGNORED_TABLES: &[&str] = &["tower_sessions"];
/// Columns that record use, not content: a key's last use is stamped once a minute.
const IGNORED_COLUMNS: &[(&str, &str)] = &[("api_keys", "last_used_at"), ("operator_keys", "last_used_at")];

#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot(BTreeMap<String, Vec<String>>);

pub struct Database(SqliteConnection);

impl Database {
    pub async fn open(path: &Path) -> Database {
        let connection = SqliteConnectOptions::new()
            .filename(path)
            .busy_timeout(Duration::from_secs(10))
            .connect()
            .await
            .expect("open the server's database");
        Database(connection)
    }

    /// Every row of every table, each as the SQL literals of its columns.
    pub async fn snapshot(&mut self) -> Snapshot {
        let tables: Vec<String> = sqlx::query_scalar(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
        )
        .fetch_all(&mut self.0)
        .await
        .expect("list tables");
        let mut rows = BTreeMap::new();
        for table in tables.into_iter().filter(|table| !IGNORED_TABLES.contains(&table.as_str())) {
            let columns: Vec<String> = sqlx::query_scalar("SELECT name FROM pragma_table_info(?)")
                .bind(&table)
                .fetch_all(&mut self.0)
                .await
                .expect("list columns");
            let literals: Vec<String> = columns
                .iter()
                .filter(|column| !IGNORED_COLUMNS.contains(&(table.as_str(), column.as_str())))
                .map(|column| format!("quote(\"{column}\")"))
                .collect();
            let select = format!("SELECT {} AS line FROM \"{table}\" ORDER BY line", literals.join(" || '|' || "));
            let lines: Vec<String> = sqlx::query_scalar(&select).fetch_all(&mut self.0).await.expect("read table");
            rows.insert(table, lines);
        }
        Snapshot(rows)
    }
}

impl Snapshot {
    pub fn without(mut self, table: &str) -> Snapshot {
        self.0.remove(table);
        self
    }

    /// The tables whose rows differ, for a readable failure.
    pub fn changed_tables(&self, after: &Snapshot) -> Vec<String> {
        self.0
            .iter()
            .filter(|(table, lines)| after.0.get(*table) != Some(lines))
            .map(|(table, _)| table.clone())
            .chain(after.0.keys().filter(|table| !self.0.contains_key(*table)).cloned())
            .collect()
    }
}
