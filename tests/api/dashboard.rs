//! What the delivery dashboard reads: filtered event lists with delivery counts, the overview's
//! figures, the live change stream, and its server functions' account isolation.

use std::time::Duration;

use reqwest::header::COOKIE;
use reqwest::Method;
use serde_json::{json, Value};

use crate::delivery::{call, delivery_when, publish, setup, subscribe, Setup};
use crate::helpers::{expect_error, unique_email};
use crate::receiver::{Receiver, Reply};

fn ids(page: &Value) -> Vec<String> {
    page["data"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect()
}

async fn events(s: &Setup, query: &str) -> Value {
    let (status, page) = call(&s.app, &s.alice.key, Method::GET, &format!("/events{query}"), None).await;
    assert_eq!(status, 200, "{query}: {page}");
    page
}

/// Calls a server function that takes JSON, as the hydrated dashboard does.
async fn rpc_json(s: &Setup, name: &str, body: Value, cookie: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(s.app.url(&format!("/rpc/{name}")))
        .header(COOKIE, cookie)
        .json(&body)
        .send()
        .await
        .unwrap()
}

/// Two subscriptions, one healthy and one failing for good; `paid` goes to both, `created`
/// only to the healthy one. Returns (healthy id, failing id, paid event, created event).
async fn one_good_one_failing(s: &Setup) -> (String, String, Value, Value, Receiver, Receiver) {
    let good = Receiver::start(Reply::status(200)).await;
    let bad = Receiver::start(Reply::status(500)).await;
    let healthy = subscribe(s, &good.url, json!({})).await;
    let failing = subscribe(s, &bad.url, json!({"event_types": ["invoice.paid"]})).await;
    let paid = publish(s, "invoice.paid", json!({"n": 1})).await;
    tokio::time::sleep(Duration::from_millis(5)).await;
    let created = publish(s, "user.created", json!({"n": 2})).await;
    for delivery in paid["deliveries"].as_array().unwrap().iter().chain(created["deliveries"].as_array().unwrap()) {
        let id = delivery["id"].as_str().unwrap();
        let target = if delivery["subscription_id"] == failing.as_str() { "failed" } else { "succeeded" };
        delivery_when(s, id, target).await;
    }
    (healthy, failing, paid, created, good, bad)
}

#[tokio::test]
async fn events_are_filtered_by_delivery_status_subscription_and_time_with_their_counts() {
    let s = setup(&[]).await;
    let (healthy, failing, paid, created, _good, _bad) = one_good_one_failing(&s).await;
    let (paid_id, created_id) = (paid["id"].as_str().unwrap(), created["id"].as_str().unwrap());

    let all = events(&s, "").await;
    assert_eq!(ids(&all), [created_id, paid_id]);
    assert_eq!(all["data"][1]["delivery_counts"], json!({"pending": 0, "retrying": 0, "succeeded": 1, "failed": 1}));
    assert_eq!(all["data"][0]["delivery_counts"], json!({"pending": 0, "retrying": 0, "succeeded": 1, "failed": 0}));

    assert_eq!(ids(&events(&s, "?status=failed").await), [paid_id]);
    assert_eq!(ids(&events(&s, "?status=succeeded").await), [created_id, paid_id]);
    assert_eq!(ids(&events(&s, "?status=pending").await), Vec::<String>::new());
    assert_eq!(ids(&events(&s, &format!("?subscription_id={failing}")).await), [paid_id]);
    assert_eq!(ids(&events(&s, &format!("?subscription_id={healthy}")).await), [created_id, paid_id]);
    assert_eq!(ids(&events(&s, &format!("?subscription_id={failing}&status=succeeded")).await), Vec::<String>::new());
    assert_eq!(ids(&events(&s, "?type=user.created&status=succeeded").await), [created_id]);
    assert_eq!(ids(&events(&s, "?type=user.created&status=failed").await), Vec::<String>::new());

    let at = |event: &Value| event["timestamp"].as_str().unwrap().replace('+', "%2B");
    assert_eq!(ids(&events(&s, &format!("?since={}", at(&created))).await), [created_id]);
    assert_eq!(ids(&events(&s, &format!("?until={}", at(&created))).await), [paid_id]);
    assert_eq!(ids(&events(&s, &format!("?since={}&until={}", at(&paid), at(&created))).await), [paid_id]);

    // Keyset pages through a filtered list, one event at a time.
    let first = events(&s, &format!("?subscription_id={healthy}&limit=1")).await;
    assert_eq!(ids(&first), [created_id]);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second = events(&s, &format!("?subscription_id={healthy}&limit=1&cursor={cursor}")).await;
    assert_eq!(ids(&second), [paid_id]);
    assert!(second["next_cursor"].is_null());

    for bad in ["?status=lost", "?subscription_id=nope", "?since=2026-01-02T00:00:00Z&until=2026-01-01T00:00:00Z"] {
        expect_error(
            s.app.api(Method::GET, &format!("/events{bad}"), &s.alice.key).send().await.unwrap(),
            422,
            "validation_failed",
        )
        .await;
    }

    // The dashboard's server function: the same filters, from the page's URL query, without payloads.
    let response = rpc_json(&s, "events/list", json!({"query": {"status": "failed"}}), &s.alice.cookie).await;
    assert_eq!(response.status(), 200);
    let page: Value = response.json().await.unwrap();
    assert_eq!(ids(&page), [paid_id]);
    assert!(page["data"][0]["data"].is_null(), "the list carries no payloads: {page}");
    // What it carries instead: a glimpse of the payload, who did not get it, and the total.
    assert_eq!(page["data"][0]["hint"], "n: 1");
    assert_eq!(page["data"][0]["troubled"][0]["subscription_id"], failing.as_str());
    assert_eq!(page["data"][0]["troubled"][0]["status"], "failed");
    assert_eq!((page["matching"].clone(), page["more"].clone()), (json!(1), json!(false)));
    let recent = rpc_json(&s, "events/list", json!({"query": {"range": "24h"}}), &s.alice.cookie).await;
    let recent: Value = recent.json().await.unwrap();
    assert_eq!(ids(&recent), [created_id, paid_id]);
    assert_eq!(recent["matching"], 2);
    let unknown = rpc_json(&s, "events/list", json!({"query": {"range": "3 weeks"}}), &s.alice.cookie).await;
    assert_eq!(unknown.status(), 422);
    s.app.stop().await;
}

#[tokio::test]
async fn the_overview_counts_deliveries_per_subscription_and_groups_failures() {
    let s = setup(&[]).await;
    let empty: Value = s.app.rpc("overview/get", &[], Some(&s.alice.cookie)).await.json().await.unwrap();
    assert_eq!(empty["has_events"], false);
    assert_eq!(empty["hours"].as_array().unwrap().len(), 24);
    assert_eq!(empty["totals"], json!({"succeeded": 0, "failed": 0, "in_progress": 0}));

    let (healthy, failing, paid, _, _good, bad) = one_good_one_failing(&s).await;
    let again = publish(&s, "invoice.paid", json!({"n": 3})).await;
    for delivery in again["deliveries"].as_array().unwrap() {
        let target = if delivery["subscription_id"] == failing.as_str() { "failed" } else { "succeeded" };
        delivery_when(&s, delivery["id"].as_str().unwrap(), target).await;
    }
    let response = s.app.rpc("overview/get", &[], Some(&s.alice.cookie)).await;
    assert_eq!(response.status(), 200);
    let overview: Value = response.json().await.unwrap();
    assert_eq!(overview["has_events"], true);
    // Deliveries, not attempts: three to the healthy endpoint, two to the failing one (each
    // failed after 1 + 3 attempts).
    assert_eq!(overview["totals"], json!({"succeeded": 3, "failed": 2, "in_progress": 0}), "{overview}");
    let charted: i64 = overview["hours"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["succeeded"].as_i64().unwrap() + h["failed"].as_i64().unwrap() + h["in_progress"].as_i64().unwrap())
        .sum();
    assert_eq!(charted, 5, "{overview}");

    // Every subscription, the one needing attention first, with its own figures.
    let subscriptions = overview["subscriptions"].as_array().unwrap();
    assert_eq!(subscriptions.len(), 2, "{overview}");
    assert_eq!(subscriptions[0]["id"], failing.as_str());
    assert_eq!(subscriptions[0]["totals"], json!({"succeeded": 0, "failed": 2, "in_progress": 0}));
    assert!(subscriptions[0]["failing_since"].is_string() && subscriptions[0]["disables_at"].is_string());
    assert_eq!(subscriptions[0]["last_failure"]["status_code"], 500);
    assert_eq!(subscriptions[0]["last_failure"]["error_kind"], "status");
    assert_eq!(subscriptions[0]["trend"].as_array().unwrap().len(), 24);
    assert_eq!(subscriptions[1]["id"], healthy.as_str());
    assert_eq!(subscriptions[1]["totals"], json!({"succeeded": 3, "failed": 0, "in_progress": 0}));
    assert!(subscriptions[1]["last_failure"].is_null());

    // One problem, one line: both deliveries' eight attempts met the same 500.
    let failures = overview["failures"].as_array().unwrap();
    assert_eq!(failures.len(), 1, "{overview}");
    assert_eq!(failures[0]["subscription_id"], failing.as_str());
    assert_eq!(failures[0]["subscription_url"], bad.url.as_str());
    assert_eq!(failures[0]["deliveries"], 2);
    assert_eq!(failures[0]["attempts"], 8);
    assert_eq!(failures[0]["latest"]["status_code"], 500);
    assert_eq!(failures[0]["event_id"], again["id"], "the most recent attempt is linked");
    assert_ne!(failures[0]["event_id"], paid["id"]);
    assert!(failures[0]["since"].as_str().unwrap() < failures[0]["latest"]["at"].as_str().unwrap());

    // Another account sees none of it.
    let bob = s.app.caller(&unique_email("overview-bob")).await;
    let theirs: Value = s.app.rpc("overview/get", &[], Some(&bob.cookie)).await.json().await.unwrap();
    assert_eq!(theirs["subscriptions"], json!([]));
    assert_eq!(theirs["failures"], json!([]));
    assert_eq!(theirs["totals"], json!({"succeeded": 0, "failed": 0, "in_progress": 0}));

    let hints: Value = s.app.rpc("overview/setup_hints", &[], Some(&s.alice.cookie)).await.json().await.unwrap();
    assert_eq!(hints["public_url"], s.app.url(""));
    assert_eq!(hints["has_subscriptions"], true);
    assert!(hints["event_type"].is_string());
    s.app.stop().await;
}

/// Reads the stream until a whole "change" message arrived, or fails after `wait`.
async fn next_change(stream: &mut reqwest::Response, wait: Duration) -> Result<(), &'static str> {
    let mut text = String::new();
    let deadline = tokio::time::Instant::now() + wait;
    while !text.contains("event: change") {
        match tokio::time::timeout_at(deadline, stream.chunk()).await {
            Ok(Ok(Some(chunk))) => text.push_str(&String::from_utf8_lossy(&chunk)),
            Ok(_) => return Err("the stream ended"),
            Err(_) => return Err("no change announced"),
        }
    }
    Ok(())
}

#[tokio::test]
async fn the_live_stream_announces_changes_to_the_signed_in_account_only() {
    let s = setup(&[]).await;
    let bob = s.app.caller(&unique_email("live-bob")).await;
    assert_eq!(s.app.get("/live", None).await.status(), 401);

    let mut alice = s.app.get("/live", Some(&s.alice.cookie)).await;
    assert_eq!(alice.status(), 200);
    assert_eq!(alice.headers()["content-type"], "text/event-stream");
    let mut bob_stream = s.app.get("/live", Some(&bob.cookie)).await;

    // A new event (no subscription needed) is announced...
    publish(&s, "invoice.paid", json!({})).await;
    next_change(&mut alice, Duration::from_secs(10)).await.expect("alice hears of her event");
    // ...and so is each finished attempt (answered later than a burst of notices is merged).
    let receiver = Receiver::start(Reply::status(200).delay(Duration::from_secs(1))).await;
    subscribe(&s, &receiver.url, json!({})).await;
    let event = publish(&s, "invoice.paid", json!({})).await;
    next_change(&mut alice, Duration::from_secs(10)).await.expect("announced");
    delivery_when(&s, event["deliveries"][0]["id"].as_str().unwrap(), "succeeded").await;
    next_change(&mut alice, Duration::from_secs(10)).await.expect("the attempt is announced");

    assert_eq!(
        next_change(&mut bob_stream, Duration::from_millis(800)).await,
        Err("no change announced"),
        "another account hears nothing"
    );
    // Open streams do not hold up a graceful stop.
    tokio::time::timeout(Duration::from_secs(10), s.app.stop()).await.expect("the server stops with streams open");
    drop((alice, bob_stream));
}

/// One session holds at most eight streams open (a person with a few tabs); more are refused,
/// so that one session cannot pin down the server's connections and memory.
#[tokio::test]
async fn a_session_holds_at_most_eight_live_streams() {
    let s = setup(&[]).await;
    let mut open = Vec::new();
    for n in 0..8 {
        let stream = s.app.get("/live", Some(&s.alice.cookie)).await;
        assert_eq!(stream.status(), 200, "stream {n}");
        open.push(stream);
    }
    assert_eq!(s.app.get("/live", Some(&s.alice.cookie)).await.status(), 429);
    let bob = s.app.register(&unique_email("live-cap")).await;
    assert_eq!(s.app.get("/live", Some(&bob)).await.status(), 200, "another session has its own eight");
    tokio::time::timeout(Duration::from_secs(10), s.app.stop()).await.expect("the server stops with streams open");
    drop(open);
}

#[tokio::test]
async fn the_dashboards_delivery_functions_keep_to_the_signed_in_account() {
    let s = setup(&[]).await;
    let receiver = Receiver::start(Reply::status(500)).await;
    subscribe(&s, &receiver.url, json!({})).await;
    let event = publish(&s, "invoice.paid", json!({})).await;
    let delivery_id = event["deliveries"][0]["id"].as_str().unwrap();
    let failed = delivery_when(&s, delivery_id, "failed").await;
    let mallory = s.app.caller(&unique_email("mallory")).await;

    for (name, form) in [
        ("events/get", [("id", event["id"].as_str().unwrap())]),
        ("deliveries/get", [("id", delivery_id)]),
        ("deliveries/redeliver", [("id", delivery_id)]),
        (
            "deliveries/of_subscription",
            [("subscription_id", event["deliveries"][0]["subscription_id"].as_str().unwrap())],
        ),
        ("subscriptions/send_test", [("id", event["deliveries"][0]["subscription_id"].as_str().unwrap())]),
    ] {
        let response = s.app.rpc(name, &form, Some(&mallory.cookie)).await;
        assert_eq!(response.status(), 404, "{name} for another account");
        let anonymous = s.app.rpc(name, &form, None).await;
        assert_eq!(anonymous.status(), 401, "{name} without a session");
    }
    let after = delivery_when(&s, delivery_id, "failed").await;
    assert_eq!(after["attempts_made"], failed["attempts_made"], "nothing was redelivered");

    // The owner's redeliver is recorded as theirs.
    receiver.set_default(Reply::status(200));
    let response = s.app.rpc("deliveries/redeliver", &[("id", delivery_id)], Some(&s.alice.cookie)).await;
    assert_eq!(response.status(), 200);
    let done = delivery_when(&s, delivery_id, "succeeded").await;
    let last = done["attempts"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["trigger"], "manual");
    assert!(last["triggered_by"].as_str().unwrap().contains('@'), "{last}");
    s.app.stop().await;
}

/// The values a server-rendered page sends along for hydration, in the order it sent them.
fn resources_sent(html: &str) -> Vec<String> {
    html.split("__RESOLVED_RESOURCES[")
        .skip(1)
        .filter_map(|rest| {
            let literal = rest.split_once("] = ")?.1;
            // A JSON string literal: read exactly one, whatever follows it.
            serde_json::Deserializer::from_str(literal).into_iter::<String>().next()?.ok()
        })
        .collect()
}

/// A resource created by a component inside a suspense is created again on the server when the
/// data the suspense waits for arrives; the browser then hydrates with the first copy. Once
/// that copy was older than the HTML (an attempt finished between the two reads), hydration
/// failed and the page went dead. Every page must send each piece of its data once.
#[tokio::test]
async fn every_dashboard_page_loads_each_piece_of_its_data_once() {
    let s = setup(&[]).await;
    let (healthy, failing, paid, created, _good, _bad) = one_good_one_failing(&s).await;
    let newcomer = s.app.register(&unique_email("newcomer")).await;
    let paid_delivery = paid["deliveries"][0]["id"].as_str().unwrap();
    let pages = [
        "/".to_string(),
        "/events".to_string(),
        "/events?type=invoice.paid".to_string(),
        format!("/events/{}", paid["id"].as_str().unwrap()),
        format!("/events/{}?delivery={paid_delivery}", paid["id"].as_str().unwrap()),
        format!("/events/{}", created["id"].as_str().unwrap()),
        "/subscriptions".to_string(),
        format!("/subscriptions/{healthy}"),
        format!("/subscriptions/{failing}"),
        format!("/subscriptions/{failing}/edit"),
        "/subscriptions/new".to_string(),
        "/event-types".to_string(),
        "/sources".to_string(),
        "/api-keys".to_string(),
        "/operator".to_string(),
    ];
    let visits = pages.iter().map(|page| (page.as_str(), &s.alice.cookie)).chain([
        // An account with nothing yet: the first-run guidance.
        ("/", &newcomer),
        ("/events", &newcomer),
    ]);
    for (page, cookie) in visits {
        let response = s.app.get(page, Some(cookie)).await;
        assert_eq!(response.status(), 200, "{page}");
        let sent = resources_sent(&response.text().await.unwrap());
        assert!(!sent.is_empty(), "{page}: no data sent along at all, so this test reads nothing");
        for (n, value) in sent.iter().enumerate() {
            assert!(!sent[..n].contains(value), "{page} sent this twice: {value:.300}");
        }
    }
    s.app.stop().await;
}
