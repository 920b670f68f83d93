//! Authentication and isolation between accounts on every REST route.

use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{expect_error, spawn_app, Caller, TestApp};

#[tokio::test]
async fn calls_without_a_valid_key_are_refused() {
    let app = spawn_app().await;
    let alice = app.caller("access-keys@example.com").await;

    let none = app.http.get(app.url("/api/v1/subscriptions")).send().await.unwrap();
    assert_eq!(none.headers()["www-authenticate"], "Bearer");
    expect_error(none, 401, "unauthorized").await;
    let wrong = app.api(Method::GET, "/subscriptions", "hrk_not-a-real-key").send().await.unwrap();
    expect_error(wrong, 401, "unauthorized").await;
    let basic = app.http.get(app.url("/api/v1/subscriptions")).basic_auth("x", Some(&alice.key)).send().await.unwrap();
    expect_error(basic, 401, "unauthorized").await;
    let session_only =
        app.http.get(app.url("/api/v1/subscriptions")).header("cookie", &alice.cookie).send().await.unwrap();
    expect_error(session_only, 401, "unauthorized").await;

    assert_eq!(app.api(Method::GET, "/subscriptions", &alice.key).send().await.unwrap().status(), 200);
    let revoked = app.rpc("api_keys/revoke", &[("id", &alice.key_id)], Some(&alice.cookie)).await;
    assert_eq!(revoked.status(), 200);
    expect_error(app.api(Method::GET, "/subscriptions", &alice.key).send().await.unwrap(), 401, "unauthorized").await;
    app.stop().await;
}

async fn resources_of(app: &TestApp, owner: &Caller) -> (String, String) {
    let created =
        app.api(Method::POST, "/event-types", &owner.key).json(&json!({"name": "shared.name"})).send().await.unwrap();
    assert_eq!(created.status(), 201);
    let sub: Value = app
        .api(Method::POST, "/subscriptions", &owner.key)
        .json(&json!({"url": "https://example.com/", "event_types": ["shared.name"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    ("shared.name".to_string(), sub["id"].as_str().unwrap().to_string())
}

/// Every route that names a resource, tried by `intruder` on `owner`'s resources: all 404, and
/// the owner's resources unchanged afterwards.
async fn assert_isolated(app: &TestApp, owner: &Caller, intruder: &Caller, sub_id: &str) {
    let before: Value = app
        .api(Method::GET, &format!("/subscriptions/{sub_id}"), &owner.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let before_secret: Value = app
        .api(Method::GET, &format!("/subscriptions/{sub_id}/secret"), &owner.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let attempts = [
        (Method::GET, format!("/subscriptions/{sub_id}"), None),
        (Method::PUT, format!("/subscriptions/{sub_id}"), Some(json!({"url": "https://evil.example/"}))),
        (Method::PATCH, format!("/subscriptions/{sub_id}"), Some(json!({"enabled": false}))),
        (Method::GET, format!("/subscriptions/{sub_id}/secret"), None),
        (Method::POST, format!("/subscriptions/{sub_id}/secret/rotate"), None),
        (Method::DELETE, format!("/subscriptions/{sub_id}"), None),
    ];
    for (method, path, body) in attempts {
        let mut request = app.api(method.clone(), &path, &intruder.key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        expect_error(request.send().await.unwrap(), 404, "not_found").await;
    }
    let list: Value = app.api(Method::GET, "/subscriptions", &intruder.key).send().await.unwrap().json().await.unwrap();
    assert!(list["data"].as_array().unwrap().iter().all(|s| s["id"] != sub_id));

    let after: Value = app
        .api(Method::GET, &format!("/subscriptions/{sub_id}"), &owner.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let after_secret: Value = app
        .api(Method::GET, &format!("/subscriptions/{sub_id}/secret"), &owner.key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(before, after);
    assert_eq!(before_secret, after_secret);
}

#[tokio::test]
async fn one_account_never_sees_or_changes_anothers_data() {
    let app = spawn_app().await;
    let alice = app.caller("iso-alice@example.com").await;
    let bob = app.caller("iso-bob@example.com").await;
    let (_, alice_sub) = resources_of(&app, &alice).await;
    let (_, bob_sub) = resources_of(&app, &bob).await;

    assert_isolated(&app, &alice, &bob, &alice_sub).await;
    assert_isolated(&app, &bob, &alice, &bob_sub).await;

    // Event types are per account: the same name exists in both, each its own.
    let patched = app
        .api(Method::PATCH, "/event-types/shared.name", &bob.key)
        .json(&json!({"description": "bob's"}))
        .send()
        .await
        .unwrap();
    assert_eq!(patched.status(), 200);
    let alices: Value =
        app.api(Method::GET, "/event-types/shared.name", &alice.key).send().await.unwrap().json().await.unwrap();
    assert_eq!(alices["description"], "");
    let only_bobs =
        app.api(Method::POST, "/event-types", &bob.key).json(&json!({"name": "bob.only"})).send().await.unwrap();
    assert_eq!(only_bobs.status(), 201);
    expect_error(app.api(Method::GET, "/event-types/bob.only", &alice.key).send().await.unwrap(), 404, "not_found")
        .await;
    expect_error(
        app.api(Method::PATCH, "/event-types/bob.only", &alice.key).json(&json!({})).send().await.unwrap(),
        404,
        "not_found",
    )
    .await;
    expect_error(app.api(Method::DELETE, "/event-types/bob.only", &alice.key).send().await.unwrap(), 404, "not_found")
        .await;
    let alice_types: Value =
        app.api(Method::GET, "/event-types", &alice.key).send().await.unwrap().json().await.unwrap();
    assert_eq!(alice_types["data"].as_array().unwrap().len(), 1);
    // Another account's event type cannot be used in a filter.
    let borrowed = app
        .api(Method::POST, "/subscriptions", &alice.key)
        .json(&json!({"url": "https://example.com/", "event_types": ["bob.only"]}))
        .send()
        .await
        .unwrap();
    expect_error(borrowed, 422, "validation_failed").await;
    // Nor can another account's API key be revoked.
    let revoke = app.rpc("api_keys/revoke", &[("id", &bob.key_id)], Some(&alice.cookie)).await;
    assert_eq!(revoke.status(), 404);
    assert_eq!(app.api(Method::GET, "/subscriptions", &bob.key).send().await.unwrap().status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn the_openapi_document_describes_the_routes() {
    let app = spawn_app().await;

    let response = app.http.get(app.url("/api/v1/openapi.json")).send().await.unwrap();

    assert_eq!(response.status(), 200);
    let doc: Value = response.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/event-types",
        "/event-types/{name}",
        "/subscriptions",
        "/subscriptions/{id}",
        "/subscriptions/{id}/secret",
        "/subscriptions/{id}/secret/rotate",
    ] {
        assert!(doc["paths"][path].is_object(), "missing {path}");
    }
    for method in ["get", "put", "patch", "delete"] {
        assert!(doc["paths"]["/subscriptions/{id}"][method].is_object(), "missing {method}");
    }
    assert!(doc["components"]["schemas"]["Subscription"].is_object());
    assert!(doc["components"]["securitySchemes"]["api_key"].is_object());
    app.stop().await;
}

#[tokio::test]
async fn an_unknown_api_path_answers_in_the_error_shape() {
    let app = spawn_app().await;
    let alice = app.caller("unknown-path@example.com").await;

    let response = app.api(Method::GET, "/no-such-thing", &alice.key).send().await.unwrap();

    expect_error(response, 404, "not_found").await;
    app.stop().await;
}
