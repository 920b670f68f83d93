//! Durability: the real binary, killed with SIGKILL in the middle of delivering, and stopped
//! with SIGTERM under load. Every accepted event must still reach the receiver.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::receiver::{Receiver, Reply};

struct Binary {
    child: Child,
    base: String,
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

async fn start(data_dir: &Path, port: u16) -> Binary {
    let child = Command::new(env!("CARGO_BIN_EXE_hookrelay"))
        .args([
            "serve",
            "--allow-http",
            "--allow-private-destinations",
            "--max-in-flight",
            "4",
            "--retry-schedule",
            "100ms,100ms",
        ])
        .arg("--bind")
        .arg(format!("127.0.0.1:{port}"))
        .arg("--data-dir")
        .arg(data_dir)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start hookrelay");
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    for _ in 0..200 {
        if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
            return Binary { child, base };
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("hookrelay did not start");
}

fn cli(data_dir: &Path, args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hookrelay"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hookrelay");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("stdin");
    let output = child.wait_with_output().expect("hookrelay exits");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().last().unwrap_or_default().trim().to_string()
}

/// A user, a key, an event type and a subscription to `receiver`; returns the key.
pub(crate) async fn prepare(data_dir: &Path, base: &str, receiver: &str) -> String {
    cli(data_dir, &["user", "create", "--email", "crash@example.com"], "correct horse battery\n");
    let key = cli(data_dir, &["api-key", "create", "--email", "crash@example.com", "--name", "crash"], "");
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
