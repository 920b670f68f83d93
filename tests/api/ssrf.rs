//! The SSRF guard against the real worker: every spelling of an internal address a subscription
//! URL can use is refused, either when the subscription is saved or when the delivery is made
//! (attempt error kind `blocked`), and a receiver listening on loopback hears nothing.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::binary::{free_port, Binary};
use crate::delivery::call;
use crate::helpers::{spawn_app_with, unique_email};
use crate::receiver::{Receiver, Reply};

#[tokio::test]
async fn every_spelling_of_an_internal_address_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    // Plain http is allowed (so the guard, not the scheme rule, is what refuses); private
    // destinations are not.
    let app = spawn_app_with(dir.path(), &["--allow-http", "--retry-schedule", "100ms"]).await;
    let alice = app.caller(&unique_email("ssrf")).await;
    let mut receiver = Receiver::start(Reply::status(200)).await;
    let port = receiver.url.rsplit(':').next().unwrap().to_string();
    let spellings = [
        format!("http://127.0.0.1:{port}/"),
        format!("http://127.1:{port}/"),      // short form
        format!("http://2130706433:{port}/"), // decimal
        format!("http://0x7f000001:{port}/"), // hexadecimal
        format!("http://0177.0.0.1:{port}/"), // octal
        format!("http://0x7f.0.0.1:{port}/"), // mixed
        format!("http://localhost:{port}/"),  // a name that resolves to loopback
        format!("http://LocalHost:{port}/"),  // the same, in capitals
        format!("http://0.0.0.0:{port}/"),    // "this host", which Linux connects to loopback
        format!("http://[::1]:{port}/"),
        format!("http://[::]:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"), // IPv4-mapped
        format!("http://[::ffff:7f00:1]:{port}/"),    // IPv4-mapped, hex
        format!("http://[64:ff9b::7f00:1]:{port}/"),  // NAT64
        format!("http://[2002:7f00:1::]:{port}/"),    // 6to4
        format!("http://[fe80::1]:{port}/"),          // link-local
        format!("http://[fd00::1]:{port}/"),          // unique local
        "http://10.0.0.1/".to_string(),
        "http://172.16.5.4/".to_string(),
        "http://192.168.1.1/".to_string(),
        "http://169.254.169.254/latest/meta-data/".to_string(), // cloud metadata
        "http://100.64.0.1/".to_string(),                       // CGNAT
        "http://224.0.0.1/".to_string(),                        // multicast
        "http://255.255.255.255/".to_string(),
    ];
    for url in &spellings {
        let (status, created) = call(&app, &alice.key, Method::POST, "/subscriptions", Some(json!({"url": url}))).await;
        if status == 422 {
            assert_eq!(created["error"]["field"], "url", "{url}: {created}");
            continue;
        }
        assert_eq!(status, 201, "{url}: {created}");
        let id = created["id"].as_str().unwrap();
        let (status, sent) = call(&app, &alice.key, Method::POST, &format!("/subscriptions/{id}/test"), None).await;
        assert_eq!(status, 202, "{sent}");
        let delivery_id = sent["delivery_id"].as_str().unwrap();
        let failed = delivery_when_app(&app, &alice.key, delivery_id).await;
        let attempt = &failed["attempts"][0];
        assert_eq!(attempt["error"]["kind"], "blocked", "{url}: {attempt}");
        assert!(attempt["response"].is_null(), "{url}: nothing was sent");
    }
    receiver.expect_none(Duration::from_millis(300)).await;
    app.stop().await;
}

/// `delivery_when` for an app outside the shared setup: polls until the delivery failed.
async fn delivery_when_app(app: &crate::helpers::TestApp, key: &str, delivery_id: &str) -> Value {
    for _ in 0..200 {
        let (_, delivery) = call(app, key, Method::GET, &format!("/deliveries/{delivery_id}"), None).await;
        if delivery["status"] == "failed" {
            return delivery;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("delivery {delivery_id} never failed");
}

/// The first attempt of the first delivery published through `base` (the real binary).
async fn first_attempt(base: &str, key: &str) -> Value {
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let published = http
        .post(format!("{base}/api/v1/events"))
        .bearer_auth(key)
        .json(&json!({"type": "load.tick", "data": {"n": 1}}))
        .send()
        .await
        .unwrap();
    assert_eq!(published.status(), 202);
    let event: Value = published.json().await.unwrap();
    let delivery_id = event["deliveries"][0]["id"].as_str().expect("a delivery").to_string();
    for _ in 0..200 {
        let delivery: Value = http
            .get(format!("{base}/api/v1/deliveries/{delivery_id}"))
            .bearer_auth(key)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if let Some(attempt) = delivery["attempts"].get(0) {
            return attempt.clone();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no attempt of {delivery_id}");
}

/// A server with `args` and `env` whose one subscription is `http://localhost:<target>/`; the
/// first attempt of a published event, and how many requests the target heard.
async fn deliver_to_localhost(args: &[&str], env: &[(&str, &str)]) -> (Value, usize) {
    let dir = tempfile::tempdir().unwrap();
    let target = Receiver::start(Reply::status(200)).await;
    let port = target.url.rsplit(':').next().unwrap().to_string();
    let mut args = args.to_vec();
    args.extend(["--allow-http", "--retry-schedule", "100ms"]);
    let mut server = Binary::start(dir.path(), free_port(), &args, env).await;
    let key = crate::crash::prepare(dir.path(), &server.base, &format!("http://localhost:{port}/")).await;
    let attempt = first_attempt(&server.base, &key).await;
    server.kill();
    (attempt, target.count())
}

/// Proxy variables in the environment would hand the destination to a proxy that resolves it
/// itself, out of the guard's sight: deliveries never use them.
#[tokio::test]
async fn proxy_variables_of_the_environment_are_not_used() {
    let mut proxy = Receiver::start(Reply::status(200)).await;
    let env =
        [("HTTP_PROXY", proxy.url.as_str()), ("http_proxy", proxy.url.as_str()), ("ALL_PROXY", proxy.url.as_str())];
    let (attempt, target_heard) = deliver_to_localhost(&[], &env).await;
    assert_eq!(attempt["error"]["kind"], "blocked", "{attempt}");
    assert_eq!(target_heard, 0);
    proxy.expect_none(Duration::from_millis(300)).await;
}

/// `--egress-proxy`: the guard resolves each destination itself before the request, so an
/// internal one is refused and the proxy hears nothing; an allowed one goes through the proxy.
#[tokio::test]
async fn the_egress_proxy_carries_deliveries_and_the_guard_still_refuses_internal_destinations() {
    let mut proxy = Receiver::start(Reply::status(200)).await;
    let flag = ["--egress-proxy", proxy.url.as_str()];
    let (attempt, target_heard) = deliver_to_localhost(&flag, &[]).await;
    assert_eq!(attempt["error"]["kind"], "blocked", "{attempt}");
    let message = attempt["error"]["message"].as_str().unwrap_or_default();
    assert!(message.contains("localhost") && !message.contains("127.0.0.1"), "names no resolved address: {message}");
    assert_eq!(target_heard, 0);
    proxy.expect_none(Duration::from_millis(300)).await;

    let allowed = ["--egress-proxy", proxy.url.as_str(), "--allow-private-destinations"];
    let (attempt, target_heard) = deliver_to_localhost(&allowed, &[]).await;
    assert_eq!(attempt["response"]["status"], 200, "{attempt}");
    assert_eq!(target_heard, 0, "the proxy answered, not the target");
    let heard = proxy.next().await;
    assert!(heard.header("host").starts_with("localhost:"), "the proxy was asked for the target: {:?}", heard.headers);
}

/// A name that resolves to an internal address: the attempt says so without the address.
#[tokio::test]
async fn a_blocked_name_does_not_reveal_what_it_resolves_to() {
    let (attempt, _) = deliver_to_localhost(&[], &[]).await;
    let message = attempt["error"]["message"].as_str().unwrap_or_default();
    assert_eq!(attempt["error"]["kind"], "blocked", "{attempt}");
    assert!(message.contains("resolves to a private address"), "{message}");
    assert!(!message.contains("127.0.0.1") && !message.contains("::1"), "{message}");
}
