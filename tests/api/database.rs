//! The database behind a test server's data folder, read directly by the tests: the SQLite file
//! in the folder, or on PostgreSQL the folder's own database (`helpers::database_url`). Queries
//! are written once, with `$1` placeholders, which both take.

use std::path::Path;
use std::time::Duration;

use sqlx::postgres::PgPool;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool, SqlitePoolOptions};

pub enum TestDatabase {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever pool the database has.
macro_rules! with_pool {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            TestDatabase::Sqlite($pool) => $body,
            TestDatabase::Postgres($pool) => $body,
        }
    };
}

impl TestDatabase {
    pub async fn open(data_dir: &Path) -> TestDatabase {
        match crate::helpers::database_url(data_dir) {
            Some(url) => TestDatabase::Postgres(PgPool::connect(&url).await.expect("open the server's database")),
            None => {
                let options = SqliteConnectOptions::new()
                    .filename(data_dir.join("hookrelay.db"))
                    .busy_timeout(Duration::from_secs(10));
                let pool = SqlitePoolOptions::new().max_connections(1).connect_with(options).await;
                TestDatabase::Sqlite(pool.expect("open the server's database"))
            }
        }
    }

    /// The one number `sql` answers, with `binds` for `$1`, `$2`, …
    pub async fn number(&self, sql: &str, binds: &[&str]) -> i64 {
        with_pool!(self, pool => {
            let mut query = sqlx::query_scalar(sql);
            for bind in binds {
                query = query.bind(*bind);
            }
            query.fetch_one(pool).await.expect("a number")
        })
    }

    /// Rows of (text, number) that `sql` answers.
    pub async fn counted(&self, sql: &str) -> Vec<(String, i64)> {
        with_pool!(self, pool => sqlx::query_as(sql).fetch_all(pool).await.expect("rows"))
    }

    /// The texts `sql` answers, with `binds` for `$1`, `$2`, …
    pub async fn texts(&self, sql: &str, binds: &[&str]) -> Vec<String> {
        with_pool!(self, pool => {
            let mut query = sqlx::query_scalar(sql);
            for bind in binds {
                query = query.bind(*bind);
            }
            query.fetch_all(pool).await.expect("texts")
        })
    }

    /// The tables of the schema, and how to read a column as an SQL literal, per backend.
    pub async fn tables(&self) -> Vec<String> {
        match self {
            TestDatabase::Sqlite(_) => {
                self.texts(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                    &[],
                )
                .await
            }
            TestDatabase::Postgres(_) => {
                self.texts(
                    "SELECT table_name::TEXT FROM information_schema.tables
                     WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name",
                    &[],
                )
                .await
            }
        }
    }

    pub async fn columns(&self, table: &str) -> Vec<String> {
        match self {
            TestDatabase::Sqlite(_) => self.texts("SELECT name FROM pragma_table_info($1)", &[table]).await,
            TestDatabase::Postgres(_) => {
                self.texts(
                    "SELECT column_name::TEXT FROM information_schema.columns
                     WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                    &[table],
                )
                .await
            }
        }
    }

    /// The SQL that reads `column` as its literal (NULL as NULL).
    pub fn literal(&self, column: &str) -> String {
        match self {
            TestDatabase::Sqlite(_) => format!("quote(\"{column}\")"),
            TestDatabase::Postgres(_) => format!("quote_nullable(\"{column}\")"),
        }
    }

    pub async fn close(self) {
        with_pool!(self, pool => pool.close().await)
    }
}
