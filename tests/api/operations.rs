//! Operations: `/healthz`, `/metrics` read by a Prometheus text-format parser.

use std::time::Duration;

use prometheus_parse::{Scrape, Value};
use serde_json::json;

use crate::delivery::{delivery_when, only_delivery, publish, setup, subscribe};
use crate::receiver::{Receiver, Reply};

fn sample(scrape: &Scrape, metric: &str, label: Option<(&str, &str)>) -> f64 {
    let found = scrape
        .samples
        .iter()
        .find(|s| s.metric == metric && label.is_none_or(|(name, value)| s.labels.get(name) == Some(value)))
        .unwrap_or_else(|| panic!("no sample {metric} {label:?}"));
    match &found.value {
        Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
        other => panic!("{metric} is {other:?}"),
    }
}

#[tokio::test]
async fn healthz_reports_the_database_and_the_worker() {
    let s = setup(&[]).await;
    let mut body = json!(null);
    for _ in 0..100 {
        let response = s.app.get("/healthz", None).await;
        body = response.json().await.unwrap();
        if body["status"] == "ok" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(body, json!({"status": "ok", "database": "ok", "worker": "ok"}));
}

#[tokio::test]
async fn metrics_count_events_attempts_and_the_queue_in_prometheus_format() {
    // Failures wait an hour before their retry, so they stay in the queue while we look.
    let s = setup(&["--retry-schedule", "1h"]).await;
    let fine = Receiver::start(Reply::status(204)).await;
    subscribe(&s, &fine.url, json!({"event_types": ["invoice.paid"]})).await;
    let broken = Receiver::start(Reply::status(503)).await;
    subscribe(&s, &broken.url, json!({"event_types": ["user.created"]})).await;
    for n in 0..3 {
        let event = publish(&s, "invoice.paid", json!({"n": n})).await;
        delivery_when(&s, &only_delivery(&event), "succeeded").await;
    }
    let failing = publish(&s, "user.created", json!({})).await;
    delivery_when(&s, &only_delivery(&failing), "retrying").await;
    let refused = s.app.http.post(s.app.url("/_webhooks/nowhere")).json(&json!({})).send().await.unwrap();
    assert_eq!(refused.status(), 401);

    let response = s.app.get("/metrics", None).await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"].to_str().unwrap().starts_with("application/openmetrics-text"));
    let text = response.text().await.unwrap();
    let scrape = Scrape::parse(text.lines().map(|line| Ok(line.to_string()))).expect("parses as Prometheus text");

    assert_eq!(sample(&scrape, "hookrelay_events_accepted_total", None), 4.0, "{text}");
    assert_eq!(sample(&scrape, "hookrelay_delivery_attempts_total", Some(("outcome", "succeeded"))), 3.0);
    assert_eq!(sample(&scrape, "hookrelay_delivery_attempts_total", Some(("outcome", "retrying"))), 1.0);
    assert_eq!(sample(&scrape, "hookrelay_attempt_duration_seconds_count", None), 4.0);
    assert_eq!(sample(&scrape, "hookrelay_queue_depth", Some(("state", "scheduled"))), 1.0);
    assert_eq!(sample(&scrape, "hookrelay_queue_depth", Some(("state", "due"))), 0.0);
    assert_eq!(sample(&scrape, "hookrelay_queue_depth", Some(("state", "in_flight"))), 0.0);
    assert_eq!(sample(&scrape, "hookrelay_attempts_in_flight", None), 0.0);
    assert_eq!(sample(&scrape, "hookrelay_worker_lag_seconds", None), 0.0);
    assert_eq!(sample(&scrape, "hookrelay_inbound_requests_total", Some(("status", "401"))), 1.0);
    let buckets = scrape.samples.iter().find(|s| s.metric == "hookrelay_attempt_duration_seconds").map(|s| &s.value);
    assert!(matches!(buckets, Some(Value::Histogram(b)) if b.len() > 10), "{buckets:?}");

    // The scrape needs no key, so it names no account, subscription or event.
    assert!(!text.contains("acc_") && !text.contains("sub_") && !text.contains("evt_"));
}

#[tokio::test]
async fn the_database_file_is_created_in_the_data_folder() {
    let app = crate::helpers::spawn_app().await;
    // On PostgreSQL the database and the session key (shared by the instances) are elsewhere.
    let in_folder = !crate::helpers::on_postgres();
    assert_eq!(app.data_dir.join("hookrelay.db").is_file(), in_folder);
    assert_eq!(app.data_dir.join("session.key").is_file(), in_folder);
    app.stop().await;
}

/// `hookrelay backup` while events are being published: the copy opens, passes SQLite's
/// integrity check, holds every event accepted before the backup began, and serves as a
/// restored data folder.
#[tokio::test]
async fn a_backup_taken_during_a_publishing_burst_holds_every_event_accepted_before_it() {
    let s = setup(&[]).await;
    let publisher = {
        let (http, url, key) = (s.app.http.clone(), s.app.url("/api/v1/events"), s.alice.key.clone());
        let (sender, receiver) = tokio::sync::watch::channel(Vec::<String>::new());
        let task = tokio::spawn(async move {
            let mut accepted = Vec::new();
            for n in 0..100_000 {
                let response = http
                    .post(&url)
                    .bearer_auth(&key)
                    .json(&json!({"type": "invoice.paid", "data": {"n": n}}))
                    .send()
                    .await;
                let Ok(response) = response else { break };
                let event: serde_json::Value = response.json().await.unwrap();
                accepted.push(event["id"].as_str().unwrap().to_string());
                sender.send_replace(accepted.clone());
            }
        });
        (task, receiver)
    };
    let (task, mut accepted) = publisher;
    if crate::helpers::on_postgres() {
        task.abort();
        return backup_on_postgres_points_to_pg_dump(&s.app.data_dir).await;
    }
    // Let the burst get going, then note what was accepted before the backup starts.
    accepted.wait_for(|ids| ids.len() >= 200).await.unwrap();
    let before: Vec<String> = accepted.borrow().clone();
    let target = s.app.data_dir.join("backup.db");
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_hookrelay"))
        .arg("backup")
        .arg(&target)
        .arg("--data-dir")
        .arg(&s.app.data_dir)
        .envs(crate::helpers::database_env(&s.app.data_dir))
        .output()
        .await
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let during = accepted.borrow().len();
    task.abort();
    assert!(during > before.len(), "publishing went on while the backup ran");

    let copy = sqlx::SqlitePool::connect(&format!("sqlite://{}", target.display())).await.unwrap();
    let check: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&copy).await.unwrap();
    assert_eq!(check, "ok");
    let ids: std::collections::HashSet<String> =
        sqlx::query_scalar("SELECT id FROM events").fetch_all(&copy).await.unwrap().into_iter().collect();
    copy.close().await;
    let missing: Vec<&String> = before.iter().filter(|id| !ids.contains(*id)).collect();
    assert!(missing.is_empty(), "{} of {} accepted events missing", missing.len(), before.len());

    // A second backup to the same name is refused rather than overwriting the first.
    let again = std::process::Command::new(env!("CARGO_BIN_EXE_hookrelay"))
        .arg("backup")
        .arg(&target)
        .arg("--data-dir")
        .arg(&s.app.data_dir)
        .envs(crate::helpers::database_env(&s.app.data_dir))
        .output()
        .unwrap();
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));

    // Restore: the copy, as hookrelay.db of a new data folder, is a working server.
    let restored = tempfile::tempdir().unwrap();
    std::fs::copy(&target, restored.path().join("hookrelay.db")).unwrap();
    let app = crate::helpers::spawn_app_with(restored.path(), crate::delivery::LOCAL).await;
    let (status, event) =
        crate::delivery::call(&app, &s.alice.key, reqwest::Method::GET, &format!("/events/{}", before[0]), None).await;
    assert_eq!(status, 200, "{event}");
    app.stop().await;
}

/// On PostgreSQL, `hookrelay backup` says to use `pg_dump`, fails, and writes nothing.
async fn backup_on_postgres_points_to_pg_dump(data_dir: &std::path::Path) {
    let target = data_dir.join("backup.db");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hookrelay"))
        .arg("backup")
        .arg(&target)
        .arg("--data-dir")
        .arg(data_dir)
        .envs(crate::helpers::database_env(data_dir))
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("pg_dump"), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!target.exists() && !target.with_extension("partial").exists());
}

/// The data folder is its owner's alone: 0700, and the database, its WAL file and backups 0600.
#[cfg(unix)]
#[tokio::test]
async fn the_data_folder_database_and_backups_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().unwrap();
    let data = parent.path().join("fresh").join("data");
    let app = crate::helpers::spawn_app_with(&data, &[]).await;
    app.register(&crate::helpers::unique_email("perms")).await;
    let mode = |path: &std::path::Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data folder");
    if crate::helpers::on_postgres() {
        // No database file and no key in the folder (see the test above); no backup either.
        app.stop().await;
        return backup_on_postgres_points_to_pg_dump(&data).await;
    }
    for file in ["hookrelay.db", "hookrelay.db-wal", "session.key"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    let backup = parent.path().join("copy.db");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hookrelay"))
        .arg("backup")
        .arg(&backup)
        .arg("--data-dir")
        .arg(&data)
        .envs(crate::helpers::database_env(&data))
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(mode(&backup), 0o600, "the backup");
    app.stop().await;
}

/// `--log-format json`: one JSON object per line, and every attempt logged with its ids,
/// outcome and duration.
#[tokio::test]
async fn json_logs_record_every_attempt_with_its_ids() {
    let dir = tempfile::tempdir().unwrap();
    let mut receiver = Receiver::start(Reply::status(200)).await;
    let port = crate::binary::free_port();
    let log_path = dir.path().join("stderr.log");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_hookrelay"))
        .args(["serve", "--log-format", "json", "--allow-http", "--allow-private-destinations"])
        .arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(dir.path())
        .envs(crate::helpers::database_env(dir.path()))
        .env("RUST_LOG", "info")
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let key = crate::crash::prepare(dir.path(), &base, &receiver.url).await;
    let response = http
        .post(format!("{base}/api/v1/events"))
        .bearer_auth(&key)
        .json(&json!({"type": "load.tick", "data": {}}))
        .send()
        .await
        .unwrap();
    let event: serde_json::Value = response.json().await.unwrap();
    receiver.next().await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = child.kill();
    let _ = child.wait();

    let text = std::fs::read_to_string(&log_path).unwrap();
    let lines: Vec<serde_json::Value> =
        text.lines().map(|line| serde_json::from_str(line).unwrap_or_else(|_| panic!("not JSON: {line}"))).collect();
    let attempt =
        lines.iter().find(|line| line["message"] == "attempt").unwrap_or_else(|| panic!("no attempt line in {text}"));
    assert_eq!(attempt["level"], "INFO");
    assert_eq!(attempt["event_id"], event["id"]);
    assert!(attempt["delivery_id"].as_str().is_some_and(|id| id.starts_with("dlv_")), "{attempt}");
    assert!(attempt["attempt_id"].as_str().is_some_and(|id| id.starts_with("att_")), "{attempt}");
    assert_eq!(attempt["outcome"], "succeeded");
    assert!(attempt["duration_ms"].is_u64(), "{attempt}");
    // Keys are never logged.
    assert!(!text.contains(&key), "the API key appeared in the logs");
}
