//! Several instances on one PostgreSQL database: any of them takes publishes, serves pages and
//! delivers, and one can die without losing anything. These run in the PostgreSQL pass of the
//! suite (`HOOKRELAY_TEST_BACKEND=postgres`); SQLite has one server per database, which the
//! SQLite pass checks.

use std::collections::HashSet;
use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::binary::{free_port, Binary};
use crate::delivery::LOCAL;
use crate::helpers::{on_postgres, serve_args, spawn_app_in, spawn_app_with, unique_email, TestApp, PASSWORD};
use crate::receiver::{Receiver, Reply};

/// Whether this run can have several instances; says so when it cannot.
fn several_instances_possible() -> bool {
    if !on_postgres() {
        eprintln!("several instances need PostgreSQL: this test runs in the suite's PostgreSQL pass");
    }
    on_postgres()
}

/// Three in-process instances on the database of `dir`, each with its own instance id.
async fn three_instances(dir: &std::path::Path) -> Vec<TestApp> {
    let mut apps = Vec::new();
    for name in ["a", "b", "c"] {
        let mut args = LOCAL.to_vec();
        args.extend(["--instance-id", name]);
        apps.push(spawn_app_with(dir, &args).await);
    }
    apps
}

/// An event type and a subscription to `receiver`, made through `app` with `key`.
async fn subscribe(app: &TestApp, key: &str, receiver: &Receiver) {
    let created = app.api(Method::POST, "/event-types", key).json(&json!({"name": "load.tick"})).send().await.unwrap();
    assert_eq!(created.status(), 201);
    let sub = app.api(Method::POST, "/subscriptions", key).json(&json!({"url": receiver.url})).send().await.unwrap();
    assert_eq!(sub.status(), 201);
}

async fn wait_for_all(receiver: &Receiver, accepted: &HashSet<String>, within: Duration) -> HashSet<String> {
    let deadline = tokio::time::Instant::now() + within;
    loop {
        let seen = receiver.webhook_ids();
        if accepted.is_subset(&seen) || tokio::time::Instant::now() > deadline {
            return seen;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// 2,000 events published through three instances arrive exactly once each; an event
/// published on one is read at once through another; a sign-in on one is valid on the others,
/// and the sign-in throttle counts attempts made on any of them.
#[tokio::test]
async fn three_instances_share_the_work_the_data_the_sessions_and_the_throttle() {
    if !several_instances_possible() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let apps = three_instances(dir.path()).await;
    let receiver = Receiver::start(Reply::status(204)).await;
    let email = unique_email("instances");
    let caller = apps[0].caller(&email).await;
    subscribe(&apps[1], &caller.key, &receiver).await;

    const EVENTS: usize = 2_000;
    let mut publishers = Vec::new();
    for (n, app) in apps.iter().enumerate() {
        let (base, http, key) = (app.base.clone(), app.http.clone(), caller.key.clone());
        let reader = apps[(n + 1) % apps.len()].base.clone();
        publishers.push(tokio::spawn(async move {
            let mut ids = Vec::new();
            for i in (n..EVENTS).step_by(3) {
                let response = http
                    .post(format!("{base}/api/v1/events"))
                    .bearer_auth(&key)
                    .json(&json!({"type": "load.tick", "data": {"n": i}}))
                    .send()
                    .await
                    .unwrap();
                assert_eq!(response.status(), 202);
                let event: Value = response.json().await.unwrap();
                let id = event["id"].as_str().unwrap().to_string();
                if i % 50 == n {
                    // Read back at once through the next instance.
                    let read = http.get(format!("{reader}/api/v1/events/{id}")).bearer_auth(&key).send().await.unwrap();
                    assert_eq!(read.status(), 200, "an event published on one instance is read through another");
                }
                ids.push(id);
            }
            ids
        }));
    }
    let mut accepted = HashSet::new();
    for publisher in publishers {
        accepted.extend(publisher.await.unwrap());
    }
    assert_eq!(accepted.len(), EVENTS);
    let seen = wait_for_all(&receiver, &accepted, Duration::from_secs(120)).await;
    let missing = accepted.difference(&seen).count();
    assert_eq!(missing, 0, "{missing} accepted events never arrived");
    // Nothing was sent twice (no instance died, so no lease ran out).
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(receiver.count(), EVENTS, "every event arrived exactly once");

    // A session made on one instance is valid on another.
    let signed_in = apps[1].login(&email, PASSWORD).await;
    assert_eq!(signed_in.status(), 200);
    let cookie = crate::helpers::session_cookie(signed_in.headers()).expect("a session cookie");
    let listed = apps[2].rpc("api_keys/list", &[], Some(&cookie)).await;
    assert_eq!(listed.status(), 200, "the session signed in on b is valid on c");

    // Ten guesses at one email spread over the instances spend its whole allowance.
    let target = unique_email("throttled");
    for n in 0..10 {
        let refused = apps[n % 3].login(&target, "wrong password").await;
        assert_ne!(refused.status(), 429, "attempt {n} is within the allowance");
    }
    for app in &apps {
        assert_eq!(
            app.login(&target, "wrong password").await.status(),
            429,
            "the allowance is spent on every instance"
        );
    }

    for app in apps {
        app.stop().await;
    }
}

/// Where the session that holds instance id `$1` is, in `pg_locks` (the advisory lock's 64-bit
/// key is split in two columns; `instance_hold.rs` seeds the id's hash with 0x686f_6f6b_0004).
const HOLDERS_OF_ID: &str = "FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1
      AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND ((classid::BIGINT << 32) | objid::BIGINT) = hashtextextended($1, 114827819941892)";

/// Why a server with `extra` options on the database of `dir` is refused; panics if it starts.
async fn refusal(dir: &std::path::Path, extra: &[&str]) -> String {
    let args = serve_args(dir, extra);
    match hookrelay::server::Server::build(&args, "http://127.0.0.1:1".to_string()).await {
        Ok(_) => panic!("a second server started on the database (options {extra:?})"),
        Err(error) => format!("{error:#}"),
    }
}

/// Starting an instance under `id` on the database of `dir` is refused, and says why.
async fn refused_under(dir: &std::path::Path, id: &str) {
    let message = refusal(dir, &["--instance-id", id]).await;
    assert!(message.contains(&format!("{id:?}")) && message.contains("--instance-id"), "{message}");
}

/// An instance that starts takes back the claims made under its id, so a second instance under
/// a running one's id is refused (it would send that one's deliveries again); another id on the
/// same database starts. A dropped link loses the lock that holds the id: the instance takes it
/// again. The id is free once its instance stops, or dies by SIGKILL.
#[tokio::test]
async fn an_instance_id_runs_once_at_a_time() {
    if !several_instances_possible() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let first = spawn_app_with(dir.path(), &["--instance-id", "only"]).await;
    refused_under(dir.path(), "only").await;

    let db = crate::database::TestDatabase::open(dir.path()).await;
    let cut = db.number(&format!("SELECT COUNT(pg_terminate_backend(pid)) {HOLDERS_OF_ID}"), &["only"]).await;
    assert_eq!(cut, 1, "one session held the id");
    let mut held = false;
    for _ in 0..100 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        held = db.number(&format!("SELECT COUNT(*) {HOLDERS_OF_ID}"), &["only"]).await == 1;
        if held {
            break;
        }
    }
    db.close().await;
    assert!(held, "the instance took its id again after its link dropped");
    refused_under(dir.path(), "only").await;

    let other = spawn_app_with(dir.path(), &["--instance-id", "other"]).await;
    other.stop().await;
    first.stop().await;
    spawn_app_with(dir.path(), &["--instance-id", "only"]).await.stop().await;

    let mut doomed = Binary::start(dir.path(), free_port(), &["--instance-id", "process"], &[]).await;
    doomed.kill();
    let mut restarted = Binary::start(dir.path(), free_port(), &["--instance-id", "process"], &[]).await;
    restarted.kill();
}

/// An instance whose id another session took while its link was down (here the test's own, for
/// another instance started under the same id) stops once that lasts longer than a dead session
/// of its own could, and says why.
#[tokio::test]
async fn an_instance_whose_id_was_taken_meanwhile_stops() {
    if !several_instances_possible() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut app = spawn_app_with(dir.path(), &["--instance-id", "taken"]).await;
    let db = crate::database::TestDatabase::open(dir.path()).await;
    let mut taken = false;
    for _ in 0..3 {
        let cut = db.number(&format!("SELECT COUNT(pg_terminate_backend(pid)) {HOLDERS_OF_ID}"), &["taken"]).await;
        assert_eq!(cut, 1, "one session held the id");
        // Waits for the cut session to end, then holds the id (the pool keeps the connection).
        // Should the instance take its id again first, cut it again.
        let lock = db.number("SELECT COUNT(pg_advisory_lock(hashtextextended($1, 114827819941892)))", &["taken"]);
        taken = tokio::time::timeout(Duration::from_secs(3), lock).await.is_ok();
        if taken {
            break;
        }
    }
    assert!(taken, "the test took the instance's id");
    let ended = app.ended_within(Duration::from_secs(90)).await.expect("the instance stopped");
    let message = format!("{:#}", ended.expect_err("it stopped with an error"));
    assert!(message.contains("another instance took this instance's id"), "{message}");
    db.close().await;
}

/// On SQLite one server runs per database: a second is refused (it would take back the first
/// one's claims). The database is free again once the first stops, or dies by SIGKILL.
#[tokio::test]
async fn one_server_per_sqlite_database() {
    if on_postgres() {
        eprintln!("this is SQLite's: the SQLite pass runs it");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let first = spawn_app_in(dir.path()).await;
    let message = refusal(dir.path(), &[]).await;
    assert!(message.contains("one server per SQLite database"), "{message}");
    first.stop().await;
    spawn_app_in(dir.path()).await.stop().await;

    let mut doomed = Binary::start(dir.path(), free_port(), &[], &[]).await;
    doomed.kill();
    let mut restarted = Binary::start(dir.path(), free_port(), &[], &[]).await;
    restarted.kill();
}

/// Whether `live` (an open `/live` stream) says something changed within `within`.
async fn heard_a_change(live: &mut reqwest::Response, within: Duration) -> bool {
    let heard = tokio::time::timeout(within, async {
        let mut text = String::new();
        while let Ok(Some(chunk)) = live.chunk().await {
            text.push_str(&String::from_utf8_lossy(&chunk));
            if text.contains("event: change") {
                return true;
            }
        }
        false
    });
    heard.await == Ok(true)
}

/// What changes on one instance reaches a live page served by another: a publish, a redeliver
/// (before its attempt ends), a line of a source's request log.
#[tokio::test]
async fn changes_on_one_instance_reach_a_live_page_on_another() {
    if !several_instances_possible() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let apps = three_instances(dir.path()).await;
    let caller = apps[0].caller(&unique_email("live")).await;
    let receiver = Receiver::start(Reply::status(204)).await;
    subscribe(&apps[0], &caller.key, &receiver).await;
    // Opens a page's stream on c and waits until it has been quiet for a second, so that what
    // it hears next was caused by what the test does next.
    let open_page = || async {
        let mut live = apps[2].get("/live", Some(&caller.cookie)).await;
        assert_eq!(live.status(), 200);
        for _ in 0..10 {
            if !heard_a_change(&mut live, Duration::from_secs(1)).await {
                return live;
            }
        }
        panic!("the page never fell quiet");
    };

    let mut live = open_page().await;
    let published = apps[0]
        .api(Method::POST, "/events", &caller.key)
        .json(&json!({"type": "load.tick", "data": {}}))
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 202);
    let event: Value = published.json().await.unwrap();
    assert!(heard_a_change(&mut live, Duration::from_secs(10)).await, "the page on c heard of the publish on a");
    let delivery_id = event["deliveries"][0]["id"].as_str().unwrap().to_string();
    let delivery_path = format!("/deliveries/{delivery_id}");
    let mut status = Value::Null;
    for _ in 0..200 {
        let delivery: Value =
            apps[0].api(Method::GET, &delivery_path, &caller.key).send().await.unwrap().json().await.unwrap();
        status = delivery["status"].clone();
        if status == "succeeded" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(status, "succeeded");

    // The attempt the redeliver asks for is held until the end: what the pages hear is the
    // request, and then the refused request.
    receiver.set_default(Reply::status(204).hold());
    let mut live = open_page().await;
    let path = format!("{delivery_path}/redeliver");
    let redelivered = apps[0].api(Method::POST, &path, &caller.key).send().await.unwrap();
    assert_eq!(redelivered.status(), 202);
    assert!(heard_a_change(&mut live, Duration::from_secs(4)).await, "the page on c heard of the redeliver on a");

    let source = apps[0]
        .api(Method::POST, "/sources", &caller.key)
        .json(&json!({"name": "Billing", "event_type": "load.tick"}))
        .send()
        .await
        .unwrap();
    assert_eq!(source.status(), 201);
    let mut live = open_page().await;
    let refused = apps[0].http.post(apps[0].url("/_webhooks/billing")).bearer_auth("hrs_wrong").send().await.unwrap();
    assert_eq!(refused.status(), 401);
    assert!(heard_a_change(&mut live, Duration::from_secs(4)).await, "the page on c heard of the refused request on a");
    drop(live);
    receiver.release();
    for app in apps {
        app.stop().await;
    }
}

/// SIGKILL one of two instances while it holds deliveries to a slow receiver: the other sends
/// them once its leases run out, and every accepted event arrives. (Both publish and deliver;
/// the events go in through the one that dies.)
#[tokio::test]
async fn a_killed_instance_leaves_nothing_undelivered() {
    if !several_instances_possible() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A 2 s request timeout makes leases of 12 s, so the other instance takes over soon.
    let args = [LOCAL, &["--request-timeout", "2s", "--retry-schedule", "200ms,200ms,200ms"]].concat();
    let receiver = Receiver::start(Reply::status(200).delay(Duration::from_millis(1_500))).await;
    let mut doomed = Binary::start(dir.path(), free_port(), &args, &[]).await;
    let key = crate::crash::prepare(dir.path(), &doomed.base, &receiver.url).await;
    let mut survivor = Binary::start(dir.path(), free_port(), &args, &[]).await;
    let http = reqwest::Client::new();

    let mut accepted = HashSet::new();
    for n in 0..20 {
        let response = http
            .post(format!("{}/api/v1/events", doomed.base))
            .bearer_auth(&key)
            .json(&json!({"type": "load.tick", "data": {"n": n}}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
        let event: Value = response.json().await.unwrap();
        accepted.insert(event["id"].as_str().unwrap().to_string());
    }
    // It is sending now (the receiver holds each request 1.5 s): kill it mid-attempt.
    for _ in 0..100 {
        if receiver.count() > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(receiver.count() > 0, "the first instance started delivering");
    doomed.kill();
    receiver.set_default(Reply::status(204));

    let seen = wait_for_all(&receiver, &accepted, Duration::from_secs(60)).await;
    let missing: Vec<&String> = accepted.difference(&seen).collect();
    assert!(missing.is_empty(), "{} accepted events never arrived: {missing:?}", missing.len());
    survivor.kill();
}
