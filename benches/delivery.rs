//! The delivery benchmark: `make bench` (or `cargo bench --bench delivery`).
//!
//! For one endpoint, then for four (each a subscription to a fast receiver in this process),
//! starts the release binary on a fresh database and prints: events accepted per second,
//! deliveries per second, the time from acceptance to arrival (median and 99th percentile) at
//! full load and at a moderate rate, the server's CPU time per 1,000 deliveries, and its memory
//! idle and at peak. Sizes: BENCH_EVENTS (default 20000), BENCH_SUBSCRIPTIONS (one case with
//! this many endpoints instead of 1 and 4), BENCH_CONCURRENCY (publishers, default 32),
//! BENCH_RATE (events/s of the moderate run, default 200). BENCH_SERVE_ARGS adds options to
//! `hookrelay serve` (to try a setting).
//! BENCH_BINARY runs another build of the binary, to compare two in one sitting.
//! BENCH_DATABASE_URL runs on PostgreSQL (a fresh database on that server for each case), and
//! BENCH_INSTANCES starts that many instances on it (default 1), the publishers spread over
//! them; CPU and memory are then the sum over the instances.

mod common;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use axum::routing::post;
use axum::Router;
use serde_json::json;

use common::{database_env, env_number, percentile, run_cli, Server, EMAIL, PASSWORD};

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
    let concurrency = env_number("BENCH_CONCURRENCY", 32);
    let rate = env_number("BENCH_RATE", 200);
    let instances = env_number("BENCH_INSTANCES", 1).max(1);
    let cases = match std::env::var("BENCH_SUBSCRIPTIONS").ok().and_then(|v| v.parse().ok()) {
        Some(subscriptions) => vec![subscriptions],
        None => vec![1, 4],
    };
    let database = if std::env::var_os("BENCH_DATABASE_URL").is_some() { "PostgreSQL" } else { "SQLite" };
    println!(
        "Hookrelay delivery benchmark: {events} events, {concurrency} publishers, {database}, {instances} instance(s)"
    );
    for subscriptions in cases {
        run_case(events, subscriptions, concurrency, rate, instances).await;
    }
}

/// One endpoint count on a fresh server and database.
async fn run_case(events: usize, subscriptions: usize, concurrency: usize, rate: usize, instances: usize) {
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
    let receiving = tokio::spawn(async move { axum::serve(listener, receiver).await });

    let dir = tempfile::tempdir().expect("temp dir");
    let env = database_env().await;
    run_cli(dir.path(), &env, &["user", "create", "--email", EMAIL], &format!("{PASSWORD}\n"));
    let key = run_cli(dir.path(), &env, &["api-key", "create", "--email", EMAIL, "--name", "bench"], "");
    let extra = std::env::var("BENCH_SERVE_ARGS").unwrap_or_default();
    let extra: Vec<&str> = extra.split_whitespace().collect();
    let mut servers = Vec::new();
    for n in 0..instances {
        let id = format!("bench-{n}");
        servers.push(Server::start(dir.path(), &env, &[extra.as_slice(), &["--instance-id", &id]].concat()).await);
    }
    let bases: Vec<String> = servers.iter().map(|server| server.base.clone()).collect();
    let base = bases[0].clone();
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
    let idle_kib = sum(servers.iter().map(Server::memory_kib));

    // 1. Full load: publish `events` as fast as `concurrency` publishers can.
    let endpoints = if subscriptions == 1 { "1 endpoint".to_string() } else { format!("{subscriptions} endpoints") };
    println!("{endpoints}:");
    let cpu_seconds = || sum(servers.iter().map(Server::cpu_seconds));
    let cpu_before = cpu_seconds();
    let started = Instant::now();
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let mut publishers = Vec::new();
    for publisher in 0..concurrency {
        let base = bases[publisher % bases.len()].clone();
        let (http, key, next) = (http.clone(), key.clone(), next.clone());
        publishers.push(tokio::spawn(async move {
            let mut accepted = Vec::new();
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if n >= events {
                    break;
                }
                accepted.push(publish(&http, &base, &key, n).await);
            }
            accepted
        }));
    }
    let mut accepted_at: HashMap<String, Instant> = HashMap::new();
    for publisher in publishers {
        accepted_at.extend(publisher.await.expect("publisher"));
    }
    let publish_time = started.elapsed();
    let expected = events * subscriptions;
    while arrivals.lock().expect("lock").len() < expected && started.elapsed() < Duration::from_secs(600) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let delivery_time = started.elapsed();
    let cpu = cpu_seconds().zip(cpu_before).map(|(after, before)| after - before);
    let (delivered, full_load) = latencies(&arrivals, &accepted_at);
    println!(
        "  events accepted:          {:>6.0} /s  ({events} in {:.2} s)",
        events as f64 / publish_time.as_secs_f64(),
        publish_time.as_secs_f64()
    );
    println!(
        "  deliveries:               {:>6.0} /s  ({delivered} of {expected} in {:.2} s, from the first publish)",
        delivered as f64 / delivery_time.as_secs_f64(),
        delivery_time.as_secs_f64()
    );
    print_latency("full load", &full_load);
    match cpu {
        Some(seconds) if delivered > 0 => println!(
            "  server CPU:               {:>6.2} s per 1,000 deliveries ({:.3} ms a delivery, {:.2} cores busy)",
            seconds * 1000.0 / delivered as f64,
            seconds * 1000.0 / delivered as f64,
            seconds / delivery_time.as_secs_f64()
        ),
        _ => println!("  server CPU:               unavailable (no /proc)"),
    }

    // 2. A moderate rate: one event every 1/rate s, for five seconds.
    arrivals.lock().expect("lock").clear();
    let count = rate * 5;
    let mut accepted_at: HashMap<String, Instant> = HashMap::new();
    let mut tick = tokio::time::interval(Duration::from_secs_f64(1.0 / rate as f64));
    let mut pending = Vec::new();
    for n in 0..count {
        tick.tick().await;
        let (http, base, key) = (http.clone(), bases[n % bases.len()].clone(), key.clone());
        pending.push(tokio::spawn(async move { publish(&http, &base, &key, n).await }));
    }
    for task in pending {
        let (id, at) = task.await.expect("publish");
        accepted_at.insert(id, at);
    }
    let wait_from = Instant::now();
    while arrivals.lock().expect("lock").len() < count * subscriptions && wait_from.elapsed() < Duration::from_secs(60)
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (_, moderate) = latencies(&arrivals, &accepted_at);
    print_latency(&format!("{rate} events/s"), &moderate);
    let kib = |kib: Option<u64>| kib.map_or("unavailable".to_string(), |kib| format!("{:.1} MiB", kib as f64 / 1024.0));
    let peak_kib = sum(servers.iter().map(Server::peak_memory_kib));
    println!("  server memory:            {} idle, {} at peak", kib(idle_kib), kib(peak_kib));
    drop(servers);
    receiving.abort();
}

/// The sum over the instances, if every one has a figure.
fn sum<T: std::iter::Sum<T>>(figures: impl Iterator<Item = Option<T>>) -> Option<T> {
    figures.collect::<Option<Vec<T>>>().map(|all| all.into_iter().sum())
}

/// How many deliveries arrived, and the sorted times from each one's acceptance to its arrival.
fn latencies(arrivals: &Arrivals, accepted_at: &HashMap<String, Instant>) -> (usize, Vec<Duration>) {
    let arrivals = arrivals.lock().expect("lock");
    let mut latencies: Vec<Duration> = arrivals
        .iter()
        .filter_map(|(id, arrived)| accepted_at.get(id).map(|accepted| arrived.saturating_duration_since(*accepted)))
        .collect();
    latencies.sort();
    (arrivals.len(), latencies)
}

fn print_latency(when: &str, sorted: &[Duration]) {
    println!(
        "  accept->arrival, {when}: p50 {:.2} ms, p99 {:.2} ms  ({} deliveries)",
        percentile(sorted, 0.5).as_secs_f64() * 1000.0,
        percentile(sorted, 0.99).as_secs_f64() * 1000.0,
        sorted.len()
    );
}
