//! Alerts are events: a disabled subscription and a delivery that used up its retries publish
//! `hookrelay.*` events, which reach the subscriptions that name those types, and nothing loops.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::delivery::{call, delivery_when, only_delivery, publish, setup, subscribe, Setup};
use crate::receiver::{Receiver, Reply};

async fn events_of_type(s: &Setup, event_type: &str) -> Vec<Value> {
    let (status, page) = call(&s.app, &s.alice.key, Method::GET, &format!("/events?type={event_type}"), None).await;
    assert_eq!(status, 200, "{page}");
    page["data"].as_array().unwrap().clone()
}

async fn wait_for_events(s: &Setup, event_type: &str, count: usize) -> Vec<Value> {
    for _ in 0..200 {
        let events = events_of_type(s, event_type).await;
        if events.len() >= count {
            return events;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("fewer than {count} {event_type} events");
}

#[tokio::test]
async fn disabling_a_subscription_and_failing_a_delivery_alert_the_subscribed_ones_without_loops() {
    let s = setup(&[]).await;
    // The alert subscriber itself always fails: its failures must not raise alerts of their own.
    let mut alerts = Receiver::start(Reply::status(500)).await;
    subscribe(
        &s,
        &alerts.url,
        json!({"event_types": ["hookrelay.subscription.disabled", "hookrelay.delivery.failed"]}),
    )
    .await;
    let catch_all = Receiver::start(Reply::status(200)).await;
    subscribe(&s, &catch_all.url, json!({})).await;
    let gone = Receiver::start(Reply::status(410)).await;
    let gone_sub = subscribe(&s, &gone.url, json!({"event_types": ["invoice.paid"]})).await;
    let broken = Receiver::start(Reply::status(500)).await;
    let broken_sub = subscribe(&s, &broken.url, json!({"event_types": ["user.created"]})).await;

    publish(&s, "invoice.paid", json!({"n": 1})).await;
    // The 410 both disables the subscription and ends its delivery: two alerts.
    let (one, two) = (alerts.next().await.json(), alerts.next().await.json());
    let disabled = if one["type"] == "hookrelay.subscription.disabled" { one } else { two };
    assert_eq!(disabled["type"], "hookrelay.subscription.disabled");
    assert_eq!(disabled["data"]["subscription_id"], gone_sub.as_str());
    assert_eq!(disabled["data"]["reason"], "gone");

    let failing = publish(&s, "user.created", json!({"n": 2})).await;
    let failing_delivery = failing["deliveries"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["subscription_id"] == broken_sub.as_str())
        .map(|d| d["id"].as_str().unwrap().to_string())
        .unwrap();
    delivery_when(&s, &failing_delivery, "failed").await;
    let failed = wait_for_events(&s, "hookrelay.delivery.failed", 2).await;
    let about_broken: Vec<&Value> =
        failed.iter().filter(|e| e["data"]["subscription_id"] == broken_sub.as_str()).collect();
    assert_eq!(about_broken.len(), 1, "{failed:?}");
    let alert = about_broken[0];
    assert_eq!(alert["data"]["delivery_id"], failing_delivery.as_str());
    assert_eq!(alert["data"]["event_id"], failing["id"]);
    assert_eq!(alert["data"]["attempts"], 4, "the first attempt and three retries");
    assert_eq!(alert["data"]["last_status_code"], 500);

    // Wait until every delivery to the failing alert subscriber has used up its retries too.
    let all_alerts: Vec<String> = [events_of_type(&s, "hookrelay.subscription.disabled").await, failed]
        .concat()
        .iter()
        .map(|e| e["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(all_alerts.len(), 3, "one disabled, a failed delivery for the 410 and one for the 500");
    for event_id in &all_alerts {
        let (_, event) = call(&s.app, &s.alice.key, Method::GET, &format!("/events/{event_id}"), None).await;
        delivery_when(&s, &only_delivery(&event), "failed").await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(events_of_type(&s, "hookrelay.delivery.failed").await.len(), 2, "no alerts about alerts");
    let received: std::collections::HashSet<String> = alerts.webhook_ids();
    assert_eq!(received, all_alerts.iter().cloned().collect(), "the subscriber got every alert, and only those");
    // A subscription to every type is not sent Hookrelay's own events.
    assert_eq!(catch_all.webhook_ids().len(), 2, "the two published events, no alerts");
    assert!(catch_all.webhook_ids().iter().all(|id| !all_alerts.contains(id)));

    // Nobody can publish Hookrelay's own types, or declare them.
    let (status, _) = call(
        &s.app,
        &s.alice.key,
        Method::POST,
        "/events",
        Some(json!({"type": "hookrelay.delivery.failed", "data": {}})),
    )
    .await;
    assert_eq!(status, 422);
}
