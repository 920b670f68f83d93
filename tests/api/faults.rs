//! Receivers that misbehave at the HTTP level, and a database locked by another process. Each
//! test says what must happen; none may lose an event or stall the worker.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::delivery::{call, delivery_when, only_delivery, publish, setup, subscribe, Setup};
use crate::helpers::expect_error;

/// A raw TCP receiver: reads one request's head, then lets `answer` write whatever it likes.
async fn raw_receiver<F, Fut>(answer: F) -> String
where
    F: Fn(tokio::net::TcpStream) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let answer = std::sync::Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                let mut buffer = vec![0u8; 64 * 1024];
                let _ = stream.read(&mut buffer).await;
                answer(stream).await;
            });
        }
    });
    url
}

#[tokio::test]
async fn an_endless_response_body_is_read_up_to_the_limit_and_the_attempt_ends() {
    let s = setup(&[]).await;
    let url = raw_receiver(|mut stream| async move {
        let _ = stream.write_all(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n").await;
        let chunk = format!("{:x}\r\n{}\r\n", 4096, "x".repeat(4096));
        // Endless: until Hookrelay hangs up.
        while stream.write_all(chunk.as_bytes()).await.is_ok() {}
    })
    .await;
    subscribe(&s, &url, json!({})).await;
    let event = publish(&s, "invoice.paid", json!({})).await;
    let delivery = delivery_when(&s, &only_delivery(&event), "succeeded").await;
    let response = &delivery["attempts"][0]["response"];
    assert_eq!(response["status"], 200);
    assert_eq!(response["truncated"], true);
    assert!(response["body"].as_str().unwrap().len() <= 64 * 1024);
}

#[tokio::test]
async fn a_connection_closed_mid_response_is_recorded_and_retried() {
    let s = setup(&[]).await;
    let url = raw_receiver(|mut stream| async move {
        // A 500 whose body never comes: the connection closes after three of its 100 bytes.
        let _ = stream.write_all(b"HTTP/1.1 500 Internal Server Error\r\ncontent-length: 100\r\n\r\nabc").await;
        let _ = stream.shutdown().await;
    })
    .await;
    subscribe(&s, &url, json!({})).await;
    let event = publish(&s, "invoice.paid", json!({})).await;
    let delivery = delivery_when(&s, &only_delivery(&event), "failed").await;
    let attempts = delivery["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 4, "the first attempt and three retries");
    assert_eq!(attempts[0]["response"]["status"], 500);
    assert!(attempts[0]["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", attempts[0]);
}

#[tokio::test]
async fn a_connection_closed_before_any_answer_is_a_connection_error_and_retried() {
    let s = setup(&["--retry-schedule", "100ms,100ms"]).await;
    let url = raw_receiver(|stream| async move { drop(stream) }).await;
    subscribe(&s, &url, json!({})).await;
    let event = publish(&s, "invoice.paid", json!({})).await;
    let delivery = delivery_when(&s, &only_delivery(&event), "failed").await;
    let attempts = delivery["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 3);
    assert!(attempts.iter().all(|a| a["response"].is_null() && a["error"]["kind"].is_string()), "{attempts:?}");
}

#[tokio::test]
async fn a_receiver_that_is_down_for_a_while_gets_the_event_when_it_returns() {
    let s = setup(&["--retry-schedule", "200ms,200ms,200ms,200ms,200ms,200ms,200ms,200ms"]).await;
    // Reserve a port, then close it: nothing listens there for now.
    let port = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap().port();
    subscribe(&s, &format!("http://127.0.0.1:{port}/"), json!({})).await;
    let event = publish(&s, "invoice.paid", json!({"n": 1})).await;
    let delivery_id = only_delivery(&event);
    delivery_when(&s, &delivery_id, "retrying").await;
    tokio::time::sleep(Duration::from_millis(500)).await;

    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let (sender, mut received) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mut buffer = vec![0u8; 64 * 1024];
            let read = stream.read(&mut buffer).await.unwrap_or(0);
            let _ = sender.send(String::from_utf8_lossy(&buffer[..read]).into_owned());
            let _ = stream.write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n").await;
        }
    });
    let delivery = delivery_when(&s, &delivery_id, "succeeded").await;
    let request = received.recv().await.unwrap();
    assert!(request.contains(event["id"].as_str().unwrap()), "{request}");
    let attempts = delivery["attempts"].as_array().unwrap();
    assert!(attempts.len() >= 2);
    assert_eq!(attempts[0]["error"]["kind"], "connect", "the first attempt found nobody");
    assert_eq!(attempts.last().unwrap()["response"]["status"], 204, "the last one got through");
}

/// Another process holds SQLite's write lock. A short hold is waited out (the busy timeout):
/// the publish succeeds. A hold past it fails the publish with 503 and `Retry-After` and stores
/// nothing; publishing works again as soon as the lock is gone.
#[tokio::test]
async fn the_database_briefly_locked_by_another_process() {
    let s = setup(&[]).await;
    if crate::helpers::on_postgres() {
        return events_locked_on_postgres(&s).await;
    }
    let db = s.app.data_dir.join("hookrelay.db");
    let lock = |seconds: f64| {
        std::process::Command::new("python3")
            .arg("-c")
            .arg(format!(
                "import sqlite3, sys, time\nc = sqlite3.connect(sys.argv[1], isolation_level=None)\nc.execute('BEGIN EXCLUSIVE')\nprint('locked', flush=True)\ntime.sleep({seconds})\nc.execute('COMMIT')"
            ))
            .arg(&db)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let wait_locked = |child: &mut std::process::Child| {
        use std::io::BufRead;
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut line).unwrap();
        assert_eq!(line.trim(), "locked");
    };

    let mut short = lock(1.5);
    wait_locked(&mut short);
    let event = publish(&s, "invoice.paid", json!({"while": "locked"})).await;
    assert!(short.wait().unwrap().success());
    let (status, _) =
        call(&s.app, &s.alice.key, Method::GET, &format!("/events/{}", event["id"].as_str().unwrap()), None).await;
    assert_eq!(status, 200);

    let (_, before) = call(&s.app, &s.alice.key, Method::GET, "/events?limit=250", None).await;
    let mut long = lock(8.0);
    wait_locked(&mut long);
    publish_refused(&s).await;
    assert!(long.wait().unwrap().success());
    let (_, after) = call(&s.app, &s.alice.key, Method::GET, "/events?limit=250", None).await;
    assert_eq!(after["data"], before["data"], "the refused publish stored nothing");
    publish(&s, "invoice.paid", json!({"after": "unlocked"})).await;
}

/// A publish while the database is locked past its timeout: 503 `unavailable`, `Retry-After: 1`.
async fn publish_refused(s: &Setup) {
    let refused = s
        .app
        .api(Method::POST, "/events", &s.alice.key)
        .json(&json!({"type": "invoice.paid", "data": {"while": "locked too long"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
    expect_error(refused, 503, "unavailable").await;
}

/// The same on PostgreSQL: another session locks the events table against writes. A short hold
/// is waited out; one past the lock timeout (5 s) fails the publish with 503 and `Retry-After`
/// and stores nothing; publishing works again once the lock is gone.
async fn events_locked_on_postgres(s: &Setup) {
    use sqlx::Connection;
    let url = crate::helpers::database_url(&s.app.data_dir).expect("on PostgreSQL");
    let lock = |seconds: f64| {
        let url = url.clone();
        let (locked, is_locked) = tokio::sync::oneshot::channel();
        let holder = tokio::spawn(async move {
            let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
            let mut tx = connection.begin().await.unwrap();
            sqlx::query("LOCK TABLE events IN EXCLUSIVE MODE").execute(&mut *tx).await.unwrap();
            let _ = locked.send(());
            tokio::time::sleep(Duration::from_secs_f64(seconds)).await;
            tx.commit().await.unwrap();
        });
        (holder, is_locked)
    };

    let (short, locked) = lock(1.5);
    locked.await.unwrap();
    let event = publish(s, "invoice.paid", json!({"while": "locked"})).await;
    short.await.unwrap();
    let (status, _) =
        call(&s.app, &s.alice.key, Method::GET, &format!("/events/{}", event["id"].as_str().unwrap()), None).await;
    assert_eq!(status, 200);

    let (_, before) = call(&s.app, &s.alice.key, Method::GET, "/events?limit=250", None).await;
    let (long, locked) = lock(8.0);
    locked.await.unwrap();
    publish_refused(s).await;
    long.await.unwrap();
    let (_, after) = call(&s.app, &s.alice.key, Method::GET, "/events?limit=250", None).await;
    assert_eq!(after["data"], before["data"], "the refused publish stored nothing");
    publish(s, "invoice.paid", json!({"after": "unlocked"})).await;
}

/// A TCP proxy in front of the test PostgreSQL server that the test can cut: every connection
/// through it drops, and new ones are closed at once, until it is restored.
struct CuttableProxy {
    port: u16,
    cut: std::sync::Arc<std::sync::atomic::AtomicBool>,
    connections: std::sync::Arc<std::sync::Mutex<Vec<tokio::task::AbortHandle>>>,
}

impl CuttableProxy {
    async fn start(upstream: String) -> CuttableProxy {
        use std::sync::atomic::Ordering;
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let proxy = CuttableProxy { port, cut: Default::default(), connections: Default::default() };
        let (cut, connections) = (proxy.cut.clone(), proxy.connections.clone());
        tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                if cut.load(Ordering::SeqCst) {
                    continue;
                }
                let upstream = upstream.clone();
                let task = tokio::spawn(async move {
                    if let Ok(mut server) = tokio::net::TcpStream::connect(upstream).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                connections.lock().unwrap().push(task.abort_handle());
            }
        });
        proxy
    }

    fn cut(&self) {
        self.cut.store(true, std::sync::atomic::Ordering::SeqCst);
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }

    fn restore(&self) {
        self.cut.store(false, std::sync::atomic::Ordering::SeqCst);
    }
}

/// PostgreSQL out of reach for a while (every connection dropped, new ones refused): publishes
/// get 503 with `Retry-After` and nothing half-done; once it is back, publishing works again
/// and every event accepted before, during (none) and after is delivered.
#[tokio::test]
async fn postgres_out_of_reach_for_a_while() {
    if !crate::helpers::on_postgres() {
        eprintln!("this fault is PostgreSQL's: it runs in the suite's PostgreSQL pass");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let mut url = url::Url::parse(&crate::helpers::database_url(dir.path()).unwrap()).unwrap();
    let upstream = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap());
    let proxy = CuttableProxy::start(upstream).await;
    url.set_port(Some(proxy.port)).unwrap();
    let url = url.to_string();
    let args = [crate::delivery::LOCAL, &["--retry-schedule", "100ms,200ms,300ms", "--database-url", &url]].concat();
    let app = crate::helpers::spawn_app_with(dir.path(), &args).await;
    let alice = app.caller(&crate::helpers::unique_email("unreachable")).await;
    let created = app.api(Method::POST, "/event-types", &alice.key).json(&json!({"name": "invoice.paid"})).send();
    assert_eq!(created.await.unwrap().status(), 201);
    let mut receiver = crate::receiver::Receiver::start(crate::receiver::Reply::status(204)).await;
    let sub = app.api(Method::POST, "/subscriptions", &alice.key).json(&json!({"url": receiver.url})).send();
    assert_eq!(sub.await.unwrap().status(), 201);
    let publish = |n: usize| {
        app.api(Method::POST, "/events", &alice.key).json(&json!({"type": "invoice.paid", "data": {"n": n}})).send()
    };

    let mut accepted = std::collections::HashSet::new();
    for n in 0..10 {
        let response = publish(n).await.unwrap();
        assert_eq!(response.status(), 202);
        accepted.insert(response.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_string());
    }
    proxy.cut();
    let refused = publish(100).await.unwrap();
    assert_eq!(refused.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("1"));
    expect_error(refused, 503, "unavailable").await;
    let health = app.get("/healthz", None).await;
    assert_eq!(health.status(), 503, "the health check says the database is down");
    let sign_in = app.login(&crate::helpers::unique_email("unreachable"), crate::helpers::PASSWORD).await;
    assert_eq!(sign_in.status(), 503, "a sign-in the throttle cannot count is unavailable, not throttled");
    proxy.restore();

    // Back: publishing works again (the first tries may meet connections that are reopening).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    for n in 10..20 {
        loop {
            let response = publish(n).await.unwrap();
            if response.status() == 202 {
                accepted
                    .insert(response.json::<serde_json::Value>().await.unwrap()["id"].as_str().unwrap().to_string());
                break;
            }
            assert_eq!(response.status(), 503);
            assert!(tokio::time::Instant::now() < deadline, "publishing works again once the database is back");
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
    let mut seen = std::collections::HashSet::new();
    while !accepted.is_subset(&seen) {
        let request = receiver.next().await;
        seen.insert(request.header("webhook-id").to_string());
    }
    assert_eq!(accepted.len(), 20);
    app.stop().await;
}
