use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{expect_error, spawn_app, Caller, TestApp};

async fn event_type(app: &TestApp, caller: &Caller, name: &str) {
    let response =
        app.api(Method::POST, "/event-types", &caller.key).json(&json!({"name": name})).send().await.unwrap();
    assert_eq!(response.status(), 201);
}

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let body = if status == 204 { Value::Null } else { response.json().await.unwrap() };
    (status, body)
}

#[tokio::test]
async fn a_subscription_goes_through_its_whole_life() {
    let app = spawn_app().await;
    let alice = app.caller("sub-life@example.com").await;
    event_type(&app, &alice, "invoice.paid").await;
    event_type(&app, &alice, "invoice.voided").await;

    let (status, created) = send(app.api(Method::POST, "/subscriptions", &alice.key).json(&json!({
        "url": "https://example.com/hooks",
        "description": "Billing",
        "event_types": ["invoice.voided", "invoice.paid", "invoice.paid"],
        "headers": {"X-Token": "abc"},
        "webhook_id": "client-7"
    })))
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    assert!(id.starts_with("sub_"));
    assert_eq!(created["event_types"], json!(["invoice.paid", "invoice.voided"]));
    assert_eq!(created["headers"], json!({"X-Token": "abc"}));
    assert_eq!(created["webhook_id"], "client-7");
    assert_eq!(created["enabled"], true);
    assert!(created["disabled_reason"].is_null());
    assert!(created.get("secret").is_none(), "the secret is not part of the subscription");

    let (_, got) = send(app.api(Method::GET, &format!("/subscriptions/{id}"), &alice.key)).await;
    assert_eq!(got, created);
    let (_, list) = send(app.api(Method::GET, "/subscriptions", &alice.key)).await;
    assert_eq!(list["data"], json!([created.clone()]));
    assert!(list["next_cursor"].is_null());

    let (_, disabled) =
        send(app.api(Method::PATCH, &format!("/subscriptions/{id}"), &alice.key).json(&json!({"enabled": false})))
            .await;
    assert_eq!(disabled["enabled"], false);
    assert_eq!(disabled["disabled_reason"], "manual");
    assert_eq!(disabled["description"], "Billing", "PATCH keeps what it was not given");
    let (_, enabled) = send(
        app.api(Method::PATCH, &format!("/subscriptions/{id}"), &alice.key)
            .json(&json!({"enabled": true, "webhook_id": null})),
    )
    .await;
    assert_eq!(enabled["enabled"], true);
    assert!(enabled["disabled_reason"].is_null());
    assert!(enabled["webhook_id"].is_null());

    let (status, replaced) = send(
        app.api(Method::PUT, &format!("/subscriptions/{id}"), &alice.key)
            .json(&json!({"url": "https://example.org/in"})),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(replaced["url"], "https://example.org/in");
    assert_eq!(replaced["description"], "", "PUT resets what it was not given");
    assert_eq!(replaced["event_types"], json!([]));
    assert_eq!(replaced["headers"], json!({}));
    let (_, off) =
        send(app.api(Method::PATCH, &format!("/subscriptions/{id}"), &alice.key).json(&json!({"enabled": false})))
            .await;
    assert_eq!(off["disabled_reason"], "manual");
    let (_, still_off) = send(
        app.api(Method::PUT, &format!("/subscriptions/{id}"), &alice.key)
            .json(&json!({"url": "https://example.org/in"})),
    )
    .await;
    assert_eq!(still_off["enabled"], false, "a PUT without `enabled` keeps the subscription off");
    assert_eq!(still_off["disabled_reason"], "manual");
    send(app.api(Method::PATCH, &format!("/subscriptions/{id}"), &alice.key).json(&json!({"enabled": true}))).await;

    let (_, secret) = send(app.api(Method::GET, &format!("/subscriptions/{id}/secret"), &alice.key)).await;
    let first = secret["secret"].as_str().unwrap().to_string();
    assert!(first.starts_with("whsec_") && first.len() == 6 + 44);
    let (status, rotated) =
        send(app.api(Method::POST, &format!("/subscriptions/{id}/secret/rotate"), &alice.key)).await;
    assert_eq!(status, 200);
    let second = rotated["secret"].as_str().unwrap().to_string();
    assert_ne!(first, second);
    let (_, now) = send(app.api(Method::GET, &format!("/subscriptions/{id}/secret"), &alice.key)).await;
    assert_eq!(now["secret"], second);

    let (status, _) = send(app.api(Method::DELETE, &format!("/subscriptions/{id}"), &alice.key)).await;
    assert_eq!(status, 204);
    expect_error(
        app.api(Method::GET, &format!("/subscriptions/{id}"), &alice.key).send().await.unwrap(),
        404,
        "not_found",
    )
    .await;
    expect_error(
        app.api(Method::DELETE, &format!("/subscriptions/{id}"), &alice.key).send().await.unwrap(),
        404,
        "not_found",
    )
    .await;
    let (_, list) = send(app.api(Method::GET, "/subscriptions", &alice.key)).await;
    assert_eq!(list["data"], json!([]));
    app.stop().await;
}

#[tokio::test]
async fn subscription_input_is_validated_naming_the_field() {
    let app = spawn_app().await;
    let alice = app.caller("sub-validate@example.com").await;
    event_type(&app, &alice, "invoice.paid").await;
    event_type(&app, &alice, "invoice.old").await;
    app.api(Method::DELETE, "/event-types/invoice.old", &alice.key).send().await.unwrap();

    let cases = [
        (json!({"url": "http://example.com/hooks"}), "url"),
        (json!({"url": "https://user:pw@example.com/"}), "url"),
        (json!({"url": "not a url"}), "url"),
        (json!({"url": format!("https://example.com/{}", "a".repeat(2050))}), "url"),
        (json!({"url": "https://example.com/", "headers": {"Content-Type": "text/plain"}}), "headers"),
        (json!({"url": "https://example.com/", "headers": {"webhook-signature": "forged"}}), "headers"),
        (json!({"url": "https://example.com/", "headers": {"Bad Name": "x"}}), "headers"),
        (json!({"url": "https://example.com/", "headers": {"X-A": "line\nbreak"}}), "headers"),
        (json!({"url": "https://example.com/", "event_types": ["invoice.unknown"]}), "event_types"),
        (json!({"url": "https://example.com/", "event_types": ["invoice.old"]}), "event_types"),
        (json!({"url": "https://example.com/", "event_types": ["Not A Type"]}), "event_types"),
        (json!({"url": "https://example.com/", "webhook_id": ""}), "webhook_id"),
        (json!({"url": "https://example.com/", "description": "d".repeat(1025)}), "description"),
        (json!({"url": "https://example.com/", "enabled": "yes"}), "enabled"),
        (json!({"url": 5}), "url"),
    ];
    for (body, field) in cases {
        let response = app.api(Method::POST, "/subscriptions", &alice.key).json(&body).send().await.unwrap();
        let error = expect_error(response, 422, "validation_failed").await;
        assert_eq!(error["error"]["field"], field, "{body}: {error}");
    }

    let (_, list) = send(app.api(Method::GET, "/subscriptions", &alice.key)).await;
    assert_eq!(list["data"], json!([]), "no refused request created anything");

    let (status, created) =
        send(app.api(Method::POST, "/subscriptions", &alice.key).json(&json!({"url": "https://example.com/"}))).await;
    assert_eq!(status, 201);
    let id = created["id"].as_str().unwrap();
    let refused = app
        .api(Method::PATCH, &format!("/subscriptions/{id}"), &alice.key)
        .json(&json!({"url": "ftp://x"}))
        .send()
        .await
        .unwrap();
    expect_error(refused, 422, "validation_failed").await;
    let (_, unchanged) = send(app.api(Method::GET, &format!("/subscriptions/{id}"), &alice.key)).await;
    assert_eq!(unchanged, created, "a refused change changes nothing");
    app.stop().await;
}

#[tokio::test]
async fn plain_http_urls_are_accepted_when_the_operator_allows_them() {
    let dir = tempfile::tempdir().unwrap();
    let app = crate::helpers::spawn_app_with(dir.path(), &["--allow-http"]).await;
    let alice = app.caller("sub-http@example.com").await;

    let (status, created) =
        send(app.api(Method::POST, "/subscriptions", &alice.key).json(&json!({"url": "http://localhost:9000/in"})))
            .await;

    assert_eq!(status, 201, "{created}");
    app.stop().await;
}
