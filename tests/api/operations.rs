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
    assert!(app.data_dir.join("hookrelay.db").is_file());
    assert!(app.data_dir.join("session.key").is_file());
    app.stop().await;
}
