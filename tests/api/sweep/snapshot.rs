//! The whole database as text, to prove that a refused request changed nothing.

use std::collections::BTreeMap;
use std::path::Path;

use crate::database::TestDatabase;

/// Tables that change on any request without changing what a user owns: sessions are touched
/// on every signed-in request (their expiry slides), and the login throttle counts attempts
/// (on PostgreSQL, where the instances share it).
const IGNORED_TABLES: &[&str] = &["tower_sessions", "login_throttle"];
/// Columns that record use, not content: a key's last use is stamped once a minute.
const IGNORED_COLUMNS: &[(&str, &str)] = &[("api_keys", "last_used_at"), ("operator_keys", "last_used_at")];

#[derive(Debug, PartialEq, Eq)]
pub struct Snapshot(BTreeMap<String, Vec<String>>);

pub struct Database(TestDatabase);

impl Database {
    pub async fn open(data_dir: &Path) -> Database {
        Database(TestDatabase::open(data_dir).await)
    }

    /// Every row of every table, each as the SQL literals of its columns.
    pub async fn snapshot(&mut self) -> Snapshot {
        let mut rows = BTreeMap::new();
        for table in self.0.tables().await.into_iter().filter(|table| !IGNORED_TABLES.contains(&table.as_str())) {
            let literals: Vec<String> = self
                .0
                .columns(&table)
                .await
                .iter()
                .filter(|column| !IGNORED_COLUMNS.contains(&(table.as_str(), column.as_str())))
                .map(|column| self.0.literal(column))
                .collect();
            let select = format!("SELECT {} AS line FROM \"{table}\" ORDER BY line", literals.join(" || '|' || "));
            rows.insert(table, self.0.texts(&select, &[]).await);
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
