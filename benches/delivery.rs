//! The delivery benchmark: `make bench` (or `cargo bench --bench delivery`).
//!
//! Starts the release binary on a temporary database, a fast receiver in this process, and
//! prints: events accepted per second, deliveries per second, the time from acceptance to
//! arrival (median and 99th percentile) at a moderate rate, and the server's peak memory.
//! Sizes: BENCH_EVENTS (default 20000), BENCH_SUBSCRIPTIONS (default 2), BENCH_CONCURRENCY
//! (publishers, default 32), BENCH_RATE (events/s of the latency run, default 200).
//! BENCH_BINARY runs another build of the binary, to compare two in one sitting.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use serde_json::json;

use common::{env_number, percentile, run_cli, Server, EMAIL, PASSWORD};

type Arrivals = Arc<Mutex<Vec<(String, Instant)>>>;

async fn publish(http: &reqwest::Client, base: &str, key: &str, n: usize) -> (String, Instant) {
    let response = http
        .post(format!("{base}/api/v1/events"))
        .bearer_auth(key)
        .json(&json!({"type": "bench.tick", "data": {"n": n, "padding": "x".repeat(200)}}))
        .send()
        .await
        .expect("publish");
    let accepted = Instant::now();
    assert_eq!(response.status(), 202, "publish failed");
    let event: serde_json::Value = response.json().await.expect("event JSON");
    (event["id"].as_str().unwrap_or_default().to_string(), accepted)
}

#[tokio::main]
async fn main() {
    let events = env_number("BENCH_EVENTS", 20_000);
    let subscriptions = env_number("BENCH_SUBSCRIPTIONS", 2);
    let concurrency = env_number("BENCH_CONCURRENCY", 32);
    let rate = env_number("BENCH_RATE", 200);

    // The receiver: answers 200 at once and notes when each delivery arrived.
    let arrivals: Arrivals = Arc::default();
    let record = arrivals.clone();
    let receiver = Router::new().route(
        "/",
        post(move |headers: HeaderMap| {
            let record = record.clone();
            async move {
                let id = headers.get("webhook-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                record.lock().expect("lock").push((id, Instant::now()));
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind receiver");
    let receiver_url = format!("http://{}/", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, receiver).await });

    let dir = tempfile::tempdir().expect("temp dir");
    run_cli(dir.path(), &["user", "create", "--email", EMAIL], &format!("{PASSWORD}\n"));
    let key = run_cli(dir.path(), &["api-key", "create", "--email", EMAIL, "--name", "bench"], "");
    let server = Server::start(dir.path(), &[]).await;
    let base = server.base.clone();
    let http = reqwest::Client::builder().pool_max_idle_per_host(concurrency).build().expect("client");
    http.post(format!("{base}/api/v1/event-types"))
        .bearer_auth(&key)
        .json(&json!({"name": "bench.tick"}))
        .send()
        .await
        .expect("type");
    for _ in 0..subscriptions {
        http.post(format!("{base}/api/v1/subscriptions"))
            .bearer_auth(&key)
            .json(&json!({"url": receiver_url}))
            .send()
            .await
            .expect("sub");
    }

    // 1. Throughput: publish `events` as fast as `concurrency` publishers can.
    println!("Hookrelay delivery benchmark: {events} events x {subscriptions} subscriptions, {concurrency} publishers");
    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut publishers = Vec::new();
    for _ in 0..concurrency {
        let (http, base, key, next) = (http.clone(), base.clone(), key.clone(), next.clone());
        publishers.push(tokio::spawn(async move {
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= events {
                    break;
                }
                publish(&http, &base, &key, n).await;
            }
        }));
    }
    for publisher in publishers {
        publisher.await.expect("publisher");
    }
    let publish_time = started.elapsed();
    let expected = events * subscriptions;
    while arrivals.lock().expect("lock").len() < expected && started.elapsed() < Duration::from_secs(600) {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let delivered = arrivals.lock().expect("lock").len();
    let delivery_time = started.elapsed();
    println!(
        "  events accepted:     {:>9.0} /s  ({events} in {:.2} s)",
        events as f64 / publish_time.as_secs_f64(),
        publish_time.as_secs_f64()
    );
    println!(
        "  deliveries:          {:>9.0} /s  ({delivered} of {expected} in {:.2} s, from the first publish)",
        delivered as f64 / delivery_time.as_secs_f64(),
        delivery_time.as_secs_f64()
    );

    // 2. Latency at a moderate rate: one event every 1/rate s, for five seconds.
    arrivals.lock().expect("lock").clear();
    let count = rate * 5;
    let mut accepted_at: HashMap<String, Instant> = HashMap::new();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
    let mut pending = Vec::new();
    for n in 0..count {
        tick.tick().await;
        let (http, base, key) = (http.clone(), base.clone(), key.clone());
        pending.push(tokio::spawn(async move { publish(&http, &base, &key, n).await }));
    }
    for task in pending {
        let (id, at) = task.await.expect("publish");
        accepted_at.insert(id, at);
    }
    let wait_from = Instant::now();
    while arrivals.lock().expect("lock").len() < count * subscriptions && wait_from.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut latencies: Vec<Duration> = arrivals
        .lock()
        .expect("lock")
        .iter()
        .filter_map(|(id, arrived)| accepted_at.get(id).map(|accepted| arrived.saturating_duration_since(*accepted)))
        .collect();
    latencies.sort();
    println!(
        "  acceptance->arrival: median {:.2} ms, p99 {:.2} ms  ({} deliveries at {rate} events/s)",
        percentile(&latencies, 0.5).as_secs_f64() * 1000.0,
        percentile(&latencies, 0.99).as_secs_f64() * 1000.0,
        latencies.len()
    );
    match server.peak_memory_kib() {
        Some(kib) => println!("  server peak memory:  {:>9.1} MiB", kib as f64 / 1024.0),
        None => println!("  server peak memory:  unavailable (no /proc)"),
    }
}
