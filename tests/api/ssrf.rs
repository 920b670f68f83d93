//! The SSRF guard against the real worker: every spelling of an internal address a subscription
//! URL can use is refused, either when the subscription is saved or when the delivery is made
//! (attempt error kind `blocked`), and a receiver listening on loopback hears nothing.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

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
