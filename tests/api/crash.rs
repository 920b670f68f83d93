//! Durability: the real binary, killed with SIGKILL in the middle of delivering, and stopped
//! with SIGTERM under load. Every accepted event must still reach the receiver.

use std::collections::HashSet;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

use serde_json::json;

use crate::binary::{cli, free_port, Binary};
use crate::receiver::{Receiver, Reply};

async fn start(data_dir: &Path, port: u16) -> Binary {
    let args =
        ["--allow-http", "--allow-private-destinations", "--max-in-flight", "4", "--retry-schedule", "100ms,100ms"];
    Binary::start(data_dir, port, &args, &[]).await
}

/// A user, a key, an event type and a subscription to `receiver`; returns the key.
pub(crate) async fn prepare(data_dir: &Path, base: &str, receiver: &str) -> String {
    cli(data_dir, &["user", "create", "--email", "crash@example.com"], "correct horse battery\n").await;
    let key = cli(data_dir, &["api-key", "create", "--email", "crash@example.com", "--name", "crash"], "").await;
    let http = reqwest::Client::new();
    let created = http
        .post(format!("{base}/api/v1/event-types"))
        .bearer_auth(&key)
        .json(&json!({"name": "load.tick"}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let sub = http
        .post(format!("{base}/api/v1/subscriptions"))
        .bearer_auth(&key)
        .json(&json!({"url": receiver}))
        .send()
        .await
        .unwrap();
    assert_eq!(sub.status(), 201);
    key
}

async fn publish_many(base: &str, key: &str, count: usize) -> HashSet<String> {
    let http = reqwest::Client::new();
    let mut accepted = HashSet::new();
    for n in 0..count {
        let response = http
            .post(format!("{base}/api/v1/events"))
            .bearer_auth(key)
            .json(&json!({"type": "load.tick", "data": {"n": n}}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
        let event: serde_json::Value = response.json().await.unwrap();
        accepted.insert(event["id"].as_str().unwrap().to_string());
    }
    accepted
}

async fn wait_until_all_received(receiver: &Receiver, accepted: &HashSet<String>) -> HashSet<String> {
    let mut seen = HashSet::new();
    for _ in 0..600 {
        seen = receiver.webhook_ids();
        if accepted.is_subset(&seen) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    seen
}

#[tokio::test]
async fn events_accepted_before_a_kill_9_are_all_delivered_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(Reply::status(200).delay(Duration::from_millis(20))).await;
    let port = free_port();
    let mut server = start(dir.path(), port).await;
    let key = prepare(dir.path(), &server.base, &receiver.url).await;

    let accepted = publish_many(&server.base, &key, 150).await;
    while receiver.count() < 20 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.child.kill().expect("SIGKILL");
    server.child.wait().expect("reaped");
    let before_restart = receiver.count();
    assert!(before_restart < 150, "the kill must land mid-delivery ({before_restart} already delivered)");

    let mut restarted = start(dir.path(), port).await;
    let seen = wait_until_all_received(&receiver, &accepted).await;
    restarted.child.kill().ok();
    restarted.child.wait().ok();

    let missing: Vec<_> = accepted.difference(&seen).collect();
    assert!(missing.is_empty(), "{} accepted events never arrived: {missing:?}", missing.len());
}

#[tokio::test]
async fn sigterm_under_load_loses_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(Reply::status(200).delay(Duration::from_millis(20))).await;
    let port = free_port();
    let mut server = start(dir.path(), port).await;
    let key = prepare(dir.path(), &server.base, &receiver.url).await;

    let accepted = publish_many(&server.base, &key, 100).await;
    while receiver.count() < 10 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let pid = server.child.id().to_string();
    let status = Command::new("kill").args(["-TERM", &pid]).status().expect("kill -TERM");
    assert!(status.success());
    let exit = server.child.wait().expect("exits");
    assert!(exit.success(), "a graceful stop exits 0, got {exit:?}");

    let mut restarted = start(dir.path(), port).await;
    let seen = wait_until_all_received(&receiver, &accepted).await;
    restarted.child.kill().ok();
    restarted.child.wait().ok();

    assert!(accepted.is_subset(&seen), "{} events missing", accepted.difference(&seen).count());
}

/// kill -9 at random moments, three times in a row, while a publisher keeps publishing (each
/// event with its own idempotency key, retried with the same key until it is answered) and the
/// worker keeps delivering. Afterwards every accepted event has arrived at least once, and no
/// idempotency key made two events, even for a publish that was committed but never answered.
#[tokio::test]
async fn repeated_kill_9_under_load_loses_nothing_and_duplicates_nothing() {
    use rand::Rng;
    use std::collections::HashMap;
    use std::sync::{Arc, Mutex};

    let dir = tempfile::tempdir().unwrap();
    let receiver = Receiver::start(Reply::status(200).delay(Duration::from_millis(5))).await;
    let port = free_port();
    let mut server = start(dir.path(), port).await;
    let base = server.base.clone();
    let key = prepare(dir.path(), &base, &receiver.url).await;

    // key -> event id, for every publish that was answered.
    let accepted: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let stop = tokio_util::sync::CancellationToken::new();
    let publisher = {
        let (accepted, stop, base, key) = (accepted.clone(), stop.clone(), base.clone(), key.clone());
        tokio::spawn(async move {
            let http = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
            let mut n = 0;
            while !stop.is_cancelled() {
                let idempotency_key = format!("k-{n}");
                let body = json!({"type": "load.tick", "data": {"n": n}, "idempotency_key": idempotency_key});
                match http.post(format!("{base}/api/v1/events")).bearer_auth(&key).json(&body).send().await {
                    Ok(response) if response.status().is_success() => {
                        let event: serde_json::Value = response.json().await.unwrap();
                        accepted.lock().unwrap().insert(idempotency_key, event["id"].as_str().unwrap().to_string());
                        n += 1;
                    }
                    // The server is down (or died mid-answer): try the same key again.
                    _ => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        })
    };

    for _ in 0..3 {
        let wait = rand::thread_rng().gen_range(200..900);
        tokio::time::sleep(Duration::from_millis(wait)).await;
        server.child.kill().expect("SIGKILL");
        server.child.wait().expect("reaped");
        server = start(dir.path(), port).await;
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.cancel();
    publisher.await.unwrap();

    let accepted = accepted.lock().unwrap().clone();
    assert!(accepted.len() > 50, "the load was real: {} events accepted", accepted.len());
    let ids: HashSet<String> = accepted.values().cloned().collect();
    let seen = wait_until_all_received(&receiver, &ids).await;
    server.child.kill().ok();
    server.child.wait().ok();
    let missing: Vec<_> = ids.difference(&seen).collect();
    assert!(missing.is_empty(), "{} accepted events never arrived: {missing:?}", missing.len());

    let db = crate::database::TestDatabase::open(dir.path()).await;
    let twice = db
        .counted(
            "SELECT idempotency_key, COUNT(*) FROM events WHERE idempotency_key IS NOT NULL
             GROUP BY idempotency_key HAVING COUNT(*) > 1",
        )
        .await;
    assert!(twice.is_empty(), "idempotency keys that made two events: {twice:?}");
    let stored = db.number("SELECT COUNT(*) FROM events", &[]).await;
    // Every stored event was answered, except at most one per kill that was committed while
    // its answer was lost; its retry got the same event back, so it is in `accepted` too.
    assert_eq!(stored as usize, accepted.len(), "every stored event is one the publisher holds");
    db.close().await;
}
