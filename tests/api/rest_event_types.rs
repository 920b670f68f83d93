use reqwest::Method;
use serde_json::{json, Value};

use crate::helpers::{expect_error, spawn_app};

#[tokio::test]
async fn event_types_can_be_created_read_changed_archived_and_restored() {
    let app = spawn_app().await;
    let alice = app.caller("et-crud@example.com").await;

    let created = app
        .api(Method::POST, "/event-types", &alice.key)
        .json(&json!({"name": "invoice.paid", "description": "An invoice was paid", "example": {"amount": 42}}))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["name"], "invoice.paid");
    assert_eq!(created["example"]["amount"], 42);
    assert_eq!(created["archived"], false);
    assert!(created["created_at"].as_str().unwrap().ends_with('Z'));

    let got: Value =
        app.api(Method::GET, "/event-types/invoice.paid", &alice.key).send().await.unwrap().json().await.unwrap();
    assert_eq!(got, created);

    let patched: Value = app
        .api(Method::PATCH, "/event-types/invoice.paid", &alice.key)
        .json(&json!({"description": "Paid in full", "example": null}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(patched["description"], "Paid in full");
    assert!(patched["example"].is_null());

    let deleted = app.api(Method::DELETE, "/event-types/invoice.paid", &alice.key).send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    let archived: Value =
        app.api(Method::GET, "/event-types/invoice.paid", &alice.key).send().await.unwrap().json().await.unwrap();
    assert_eq!(archived["archived"], true);

    let restored: Value = app
        .api(Method::PATCH, "/event-types/invoice.paid", &alice.key)
        .json(&json!({"archived": false}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(restored["archived"], false);
    app.stop().await;
}

#[tokio::test]
async fn event_type_input_is_validated_naming_the_field() {
    let app = spawn_app().await;
    let alice = app.caller("et-validate@example.com").await;
    let post = |body: Value| app.api(Method::POST, "/event-types", &alice.key).json(&body).send();

    for bad in ["Invoice.paid", "invoice", "invoice..paid", "in voice.paid", "", "hookrelay.test"] {
        let body = expect_error(post(json!({"name": bad})).await.unwrap(), 422, "validation_failed").await;
        assert_eq!(body["error"]["field"], "name", "{bad}");
    }
    let long = format!("a.{}", "b".repeat(127));
    expect_error(post(json!({"name": long})).await.unwrap(), 422, "validation_failed").await;
    let body = expect_error(
        post(json!({"name": "a.b", "description": "x".repeat(1025)})).await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["error"]["field"], "description");
    let body = expect_error(
        post(json!({"name": "a.b", "example": {"big": "x".repeat(70_000)}})).await.unwrap(),
        422,
        "validation_failed",
    )
    .await;
    assert_eq!(body["error"]["field"], "example");
    let body = expect_error(post(json!({"name": 12})).await.unwrap(), 422, "validation_failed").await;
    assert_eq!(body["error"]["field"], "name");
    expect_error(post(json!({"name": "a.b", "colour": "red"})).await.unwrap(), 422, "validation_failed").await;
    expect_error(post(json!({})).await.unwrap(), 422, "validation_failed").await;

    let malformed = app
        .api(Method::POST, "/event-types", &alice.key)
        .header("content-type", "application/json")
        .body("{\"name\": \"a.b\"")
        .send()
        .await
        .unwrap();
    expect_error(malformed, 400, "bad_request").await;
    let not_json = app.api(Method::POST, "/event-types", &alice.key).body("name=a.b").send().await.unwrap();
    expect_error(not_json, 400, "bad_request").await;

    // Nothing above created anything.
    let list: Value = app.api(Method::GET, "/event-types", &alice.key).send().await.unwrap().json().await.unwrap();
    assert_eq!(list["data"], json!([]));

    post(json!({"name": "a.b"})).await.unwrap();
    let body = expect_error(post(json!({"name": "a.b"})).await.unwrap(), 409, "conflict").await;
    assert_eq!(body["error"]["field"], "name");
    app.stop().await;
}

#[tokio::test]
async fn event_types_are_listed_newest_first_with_cursors() {
    let app = spawn_app().await;
    let alice = app.caller("et-pages@example.com").await;
    for name in ["a.one", "a.two", "a.three", "a.four", "a.five"] {
        let response =
            app.api(Method::POST, "/event-types", &alice.key).json(&json!({"name": name})).send().await.unwrap();
        assert_eq!(response.status(), 201);
    }

    let mut names = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/event-types?limit=2&cursor={cursor}"),
            None => "/event-types?limit=2".to_string(),
        };
        let page: Value = app.api(Method::GET, &path, &alice.key).send().await.unwrap().json().await.unwrap();
        pages += 1;
        names.extend(page["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_string()),
            None => break,
        }
    }

    assert_eq!(names, ["a.five", "a.four", "a.three", "a.two", "a.one"]);
    assert_eq!(pages, 3);
    for bad in ["/event-types?limit=0", "/event-types?limit=251", "/event-types?cursor=nonsense"] {
        expect_error(app.api(Method::GET, bad, &alice.key).send().await.unwrap(), 422, "validation_failed").await;
    }
    expect_error(app.api(Method::GET, "/event-types?limit=ten", &alice.key).send().await.unwrap(), 400, "bad_request")
        .await;
    app.stop().await;
}
