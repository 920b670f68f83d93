//! The dashboard with a million events: `make bench-events` (or `cargo bench --bench events_page`).
//!
//! Seeds `target/bench-events/` once (kept for later runs; `BENCH_RESEED=1` starts over) with one
//! account holding `BENCH_EVENTS` events (default 1,000,000) spread over 30 days, with 1 or 2
//! deliveries each (93 % succeeded, 5 % failed, 2 % retrying) and one attempt per delivery. Then
//! starts the release binary on it, signs in, and times complete answers (status and whole body)
//! of the events page filtered and unfiltered, an event page, the overview, and the REST list:
//! `BENCH_RUNS` (default 30) runs of each after three warm-ups, median and 95th percentile.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use rand::Rng;
use serde_json::{json, Value};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteSynchronous};
use sqlx::{ConnectOptions, Connection, QueryBuilder, Sqlite, SqliteConnection};

use common::{env_number, percentile, run_cli, Server, EMAIL, PASSWORD};

const TYPES: [&str; 5] = ["order.created", "order.paid", "invoice.paid", "user.signed_up", "payment.failed"];
const DAY_MS: i64 = 86_400_000;
/// Rows per multi-row INSERT: well under SQLite's limit of 32,766 bound values.
const CHUNK: usize = 1_000;

struct Seeded {
    key: String,
    subscriptions: Vec<String>,
    /// When the seed was made: the events lie in the 30 days before.
    at: i64,
}

/// The seeded events are up to 30 days old: the server must not purge them while it is timed.
const KEEP_EVERYTHING: &[&str] = &["--retention", "3650d"];

fn ulid(prefix: &str, ms: i64, random: u128) -> String {
    format!("{prefix}_{}", ulid::Ulid::from_parts(ms as u64, random).to_string().to_lowercase())
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

#[tokio::main]
async fn main() {
    let events = env_number("BENCH_EVENTS", 1_000_000);
    let runs = env_number("BENCH_RUNS", 30);
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-events");
    let data_dir = root.join("data");
    let marker = root.join(format!("seeded-{events}.json"));
    if std::env::var("BENCH_RESEED").is_ok_and(|v| v == "1") || !marker.exists() {
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(&data_dir).expect("bench folder");
        let seeded = seed(&data_dir, events).await;
        let saved = json!({"key": seeded.key, "subscriptions": seeded.subscriptions, "at": seeded.at});
        std::fs::write(&marker, saved.to_string()).expect("marker");
    }
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&marker).expect("marker")).expect("marker JSON");
    let key = saved["key"].as_str().expect("key").to_string();
    let subscriptions: Vec<String> =
        saved["subscriptions"].as_array().expect("subs").iter().filter_map(|s| s.as_str().map(String::from)).collect();

    let seeded_at = saved["at"].as_i64().expect("seed time");

    let server = Server::start(&data_dir, &[], KEEP_EVERYTHING).await;
    let base = server.base.clone();
    // Not following redirects: a page answered with the login page would time the wrong thing.
    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let login = http
        .post(format!("{base}/rpc/login"))
        .form(&[("email", EMAIL), ("password", PASSWORD), ("next", "")])
        .send()
        .await
        .expect("login");
    assert!(login.status().is_success(), "login: {}", login.status());

    let list: Value = http
        .get(format!("{base}/api/v1/events?limit=250"))
        .bearer_auth(&key)
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("list JSON");
    let newest = list["data"][0]["id"].as_str().expect("an event").to_string();
    let middle = middle_event(&data_dir).await;
    let ten_days_ago = time_text(seeded_at - 10 * DAY_MS);
    let nine_days_ago = time_text(seeded_at - 9 * DAY_MS);
    let (first_sub, second_sub) = (&subscriptions[0], &subscriptions[1]);

    let pages: Vec<(String, String)> = vec![
        ("events page, unfiltered".into(), "/events".into()),
        ("events page, type".into(), "/events?type=invoice.paid".into()),
        ("events page, status failed".into(), "/events?status=failed".into()),
        ("events page, status pending (none)".into(), "/events?status=pending".into()),
        ("events page, subscription".into(), format!("/events?subscription={second_sub}")),
        ("events page, subscription + failed".into(), format!("/events?subscription={second_sub}&status=failed")),
        ("events page, type + failed".into(), "/events?type=payment.failed&status=failed".into()),
        ("events page, one day 10 days ago".into(), format!("/events?since={ten_days_ago}&until={nine_days_ago}")),
        ("events page, older page (cursor)".into(), format!("/events?cursor={middle}")),
        ("events page, cursor + subscription".into(), format!("/events?cursor={middle}&subscription={first_sub}")),
        ("event page".into(), format!("/events/{newest}")),
        ("overview".into(), "/".into()),
    ];
    println!("Hookrelay dashboard benchmark: {events} events, {runs} runs each (complete answers, server on loopback)");
    println!("  {:<38} {:>6} {:>11} {:>10} {:>10}", "page", "status", "size", "median", "p95");
    for (name, path) in &pages {
        let request = || http.get(format!("{base}{}", path.replace('+', "%2B")));
        report(name, request, runs).await;
    }
    for (name, path) in
        [("REST list, 50", "/api/v1/events?limit=50"), ("REST list, type", "/api/v1/events?type=invoice.paid")]
    {
        let request = || http.get(format!("{base}{path}")).bearer_auth(&key);
        report(name, request, runs).await;
    }
    let size = std::fs::metadata(data_dir.join("hookrelay.db")).map(|m| m.len()).unwrap_or(0);
    println!("  database: {:.0} MiB", size as f64 / 1024.0 / 1024.0);
}

async fn report(name: &str, request: impl Fn() -> reqwest::RequestBuilder, runs: usize) {
    let mut times = Vec::with_capacity(runs);
    let mut status = 0;
    let mut size = 0;
    for run in 0..runs + 3 {
        let started = Instant::now();
        let response = request().send().await.expect("request");
        status = response.status().as_u16();
        size = response.bytes().await.expect("body").len();
        if run >= 3 {
            times.push(started.elapsed());
        }
    }
    times.sort();
    let ms = |d: Duration| format!("{:.1} ms", d.as_secs_f64() * 1000.0);
    println!(
        "  {name:<38} {status:>6} {:>7.1} KiB {:>10} {:>10}",
        size as f64 / 1024.0,
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95))
    );
}

fn time_text(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .expect("time")
}

async fn open(data_dir: &Path) -> SqliteConnection {
    SqliteConnectOptions::new()
        .filename(data_dir.join("hookrelay.db"))
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Off)
        .connect()
        .await
        .expect("open the database")
}

async fn middle_event(data_dir: &Path) -> String {
    let mut db = open(data_dir).await;
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events").fetch_one(&mut db).await.expect("count");
    sqlx::query_scalar("SELECT id FROM events ORDER BY id LIMIT 1 OFFSET ?")
        .bind(count / 2)
        .fetch_one(&mut db)
        .await
        .expect("middle")
}

/// Creates the account, its types and subscriptions through the real binary, then writes the
/// events, deliveries and attempts straight into the database (the publish path is measured by
/// the delivery benchmark; this only needs the rows).
async fn seed(data_dir: &Path, events: usize) -> Seeded {
    let started = Instant::now();
    run_cli(data_dir, &[], &["user", "create", "--email", EMAIL], &format!("{PASSWORD}\n"));
    let key = run_cli(data_dir, &[], &["api-key", "create", "--email", EMAIL, "--name", "bench"], "");
    let mut subscriptions = Vec::new();
    {
        let server = Server::start(data_dir, &[], KEEP_EVERYTHING).await;
        let http = reqwest::Client::new();
        for name in TYPES {
            let response = http
                .post(format!("{}/api/v1/event-types", server.base))
                .bearer_auth(&key)
                .json(&json!({"name": name}))
                .send()
                .await
                .expect("event type");
            assert!(response.status().is_success());
        }
        let filters = [json!([]), json!(["invoice.paid", "payment.failed"]), json!(["user.signed_up"])];
        for (n, filter) in filters.iter().enumerate() {
            let created: Value = http
                .post(format!("{}/api/v1/subscriptions", server.base))
                .bearer_auth(&key)
                // Nothing listens there; every seeded delivery is already final or due tomorrow.
                .json(&json!({"url": format!("http://127.0.0.1:9/hook-{n}"), "event_types": filter}))
                .send()
                .await
                .expect("subscription")
                .json()
                .await
                .expect("subscription JSON");
            subscriptions.push(created["id"].as_str().expect("id").to_string());
        }
    }
    let mut db = open(data_dir).await;
    let account: String =
        sqlx::query_scalar("SELECT m.account_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = ?")
            .bind(EMAIL)
            .fetch_one(&mut db)
            .await
            .expect("account");
    let now = now_ms();
    let span = 30 * DAY_MS;
    let mut rng = rand::thread_rng();
    let mut done = 0;
    while done < events {
        let batch = (events - done).min(20 * CHUNK);
        let mut tx = db.begin().await.expect("begin");
        let mut event_rows = Vec::with_capacity(batch);
        let mut delivery_rows = Vec::with_capacity(batch * 2);
        for n in done..done + batch {
            let at = now - span + span * n as i64 / events as i64;
            let event_type = TYPES[rng.gen_range(0..TYPES.len())];
            let id = ulid("evt", at, rng.gen());
            let payload = json!({"order": n, "amount": rng.gen_range(100..100_000), "currency": "EUR"}).to_string();
            let mut targets = vec![subscriptions[0].clone()];
            match event_type {
                "invoice.paid" | "payment.failed" => targets.push(subscriptions[1].clone()),
                "user.signed_up" => targets.push(subscriptions[2].clone()),
                _ => {}
            }
            for target in targets {
                let roll = rng.gen_range(0..100);
                let (status, made, code, next) = match roll {
                    0..93 => ("succeeded", 1, 200, None),
                    93..98 => ("failed", 8, 500, None),
                    _ => ("retrying", 3, 503, Some(now + DAY_MS)),
                };
                delivery_rows.push((ulid("dlv", at, rng.gen()), id.clone(), target, status, made, code, next, at));
            }
            event_rows.push((id, event_type, payload, at));
        }
        for chunk in event_rows.chunks(CHUNK) {
            let mut sql =
                QueryBuilder::<Sqlite>::new("INSERT INTO events (id, account_id, event_type, payload, created_at) ");
            sql.push_values(chunk, |mut row, (id, event_type, payload, at)| {
                row.push_bind(id).push_bind(&account).push_bind(*event_type).push_bind(payload).push_bind(*at);
            });
            sql.build().execute(&mut *tx).await.expect("events");
        }
        for chunk in delivery_rows.chunks(CHUNK) {
            let mut sql = QueryBuilder::<Sqlite>::new(
                "INSERT INTO deliveries (id, account_id, event_id, subscription_id, status, attempts_made,
                 last_status_code, next_attempt_at, created_at, updated_at) ",
            );
            sql.push_values(chunk, |mut row, (id, event_id, sub, status, made, code, next, at)| {
                row.push_bind(id)
                    .push_bind(&account)
                    .push_bind(event_id)
                    .push_bind(sub)
                    .push_bind(*status)
                    .push_bind(*made)
                    .push_bind(*code)
                    .push_bind(*next)
                    .push_bind(*at)
                    .push_bind(*at + 300);
            });
            sql.build().execute(&mut *tx).await.expect("deliveries");
            // One attempt per delivery: its last.
            let mut sql = QueryBuilder::<Sqlite>::new(
                "INSERT INTO attempts (id, account_id, delivery_id, number, trigger, started_at, duration_ms,
                 request_url, request_headers, response_status, response_headers, response_body, error_kind, error_message) ",
            );
            sql.push_values(chunk, |mut row, (id, event_id, _, _, made, code, _, at)| {
                let failed = *code >= 300;
                row.push_bind(id.replacen("dlv_", "att_", 1))
                    .push_bind(&account)
                    .push_bind(id)
                    .push_bind(*made)
                    .push_bind("scheduled")
                    .push_bind(*at + 250)
                    .push_bind(42)
                    .push_bind("http://127.0.0.1:9/hook")
                    .push_bind(format!(r#"{{"webhook-id":"{event_id}"}}"#))
                    .push_bind(*code)
                    .push_bind(r#"{"content-type":"text/plain"}"#)
                    .push_bind(if failed { "unavailable" } else { "ok" })
                    .push_bind(failed.then_some("status"))
                    .push_bind(failed.then(|| format!("the endpoint answered {code}")));
            });
            sql.build().execute(&mut *tx).await.expect("attempts");
        }
        tx.commit().await.expect("commit");
        done += batch;
        if done % 100_000 == 0 || done == events {
            println!("  seeded {done} events ({:.0} s)", started.elapsed().as_secs_f64());
        }
    }
    // No ANALYZE: a real instance has no planner statistics either, and this measures that.
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut db).await.expect("checkpoint");
    println!("  seeding took {:.0} s", started.elapsed().as_secs_f64());
    Seeded { key, subscriptions, at: now }
}
