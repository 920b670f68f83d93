//! Inbound sources end to end: a third party POSTs to `/_webhooks/<slug>`, the request becomes
//! an event, and a subscription receives it. Every rejection is checked to change nothing.

use hmac::{Hmac, Mac};
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;

use crate::delivery::{call, setup, subscribe, Setup};
use crate::helpers::expect_error;
use crate::receiver::{Receiver, Reply};

async fn create_source(s: &Setup, body: Value) -> Value {
    let (status, source) = call(&s.app, &s.alice.key, Method::POST, "/sources", Some(body)).await;
    assert_eq!(status, 201, "{source}");
    source
}

fn inbound(s: &Setup, slug: &str) -> reqwest::RequestBuilder {
    s.app.http.post(s.app.url(&format!("/_webhooks/{slug}")))
}

async fn event_count(s: &Setup) -> usize {
    let (_, page) = call(&s.app, &s.alice.key, Method::GET, "/events?limit=250", None).await;
    page["data"].as_array().unwrap().len()
}

async fn accepted(response: reqwest::Response) -> String {
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, 202, "{body}");
    body["event_id"].as_str().unwrap().to_string()
}

async fn event_type_of(s: &Setup, event_id: &str) -> String {
    let (status, event) = call(&s.app, &s.alice.key, Method::GET, &format!("/events/{event_id}"), None).await;
    assert_eq!(status, 200, "{event}");
    event["type"].as_str().unwrap().to_string()
}

fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).unwrap();
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().to_vec()
}

#[tokio::test]
async fn a_request_with_a_fixed_type_is_published_and_delivered() {
    let s = setup(&[]).await;
    let mut receiver = Receiver::start(Reply::status(200)).await;
    subscribe(&s, &receiver.url, json!({"event_types": ["invoice.paid"]})).await;
    let source = create_source(&s, json!({"name": "Billing Relay", "event_type": "invoice.paid"})).await;
    assert_eq!(source["slug"], "billing-relay");
    assert_eq!(source["url"], s.app.url("/_webhooks/billing-relay"));
    assert_eq!(source["token_in"], "header");
    let token = source["token"].as_str().unwrap();
    assert!(token.starts_with("hrs_"));

    let event_id =
        accepted(inbound(&s, "billing-relay").bearer_auth(token).json(&json!({"amount": 7})).send().await.unwrap())
            .await;
    let got = receiver.next().await;
    assert_eq!(got.header("webhook-id"), event_id);
    assert_eq!(got.json()["type"], "invoice.paid");
    assert_eq!(got.json()["data"], json!({"amount": 7}));

    // The token is shown once: reading the source back does not reveal it.
    let id = source["id"].as_str().unwrap();
    let (_, read) = call(&s.app, &s.alice.key, Method::GET, &format!("/sources/{id}"), None).await;
    assert!(read.get("token").is_none(), "{read}");
    let (_, list) = call(&s.app, &s.alice.key, Method::GET, "/sources", None).await;
    assert_eq!(list["data"][0]["id"], id);

    // A second source of the same name gets the next free slug.
    let again = create_source(&s, json!({"name": "billing relay", "event_type": "invoice.paid"})).await;
    assert_eq!(again["slug"], "billing-relay-2");
}

#[tokio::test]
async fn the_type_comes_from_a_header_and_is_declared_on_first_use() {
    let s = setup(&[]).await;
    let source = create_source(&s, json!({"name": "GitHub", "type_from": {"header": "X-GitHub-Event"}})).await;
    let token = source["token"].as_str().unwrap();
    let send = |event: Option<&str>| {
        let mut request = inbound(&s, "github").bearer_auth(token).json(&json!({"ref": "main"}));
        if let Some(event) = event {
            request = request.header("X-GitHub-Event", event);
        }
        request.send()
    };
    let event_id = accepted(send(Some("push")).await.unwrap()).await;
    assert_eq!(event_type_of(&s, &event_id).await, "github.push");
    let (status, declared) = call(&s.app, &s.alice.key, Method::GET, "/event-types/github.push", None).await;
    assert_eq!(status, 200, "{declared}");

    let before = event_count(&s).await;
    expect_error(send(None).await.unwrap(), 400, "bad_request").await;
    let invalid = expect_error(send(Some("Push Event")).await.unwrap(), 422, "validation_failed").await;
    assert_eq!(invalid["error"]["field"], "type");
    assert_eq!(event_count(&s).await, before, "refused requests publish nothing");

    // The sender's delivery id is the idempotency key: a retried delivery is one event.
    let first =
        inbound(&s, "github").bearer_auth(token).header("X-GitHub-Event", "ping").header("X-GitHub-Delivery", "d-1");
    let first = accepted(first.json(&json!({})).send().await.unwrap()).await;
    let retry =
        inbound(&s, "github").bearer_auth(token).header("X-GitHub-Event", "ping").header("X-GitHub-Delivery", "d-1");
    assert_eq!(accepted(retry.json(&json!({})).send().await.unwrap()).await, first);
}

#[tokio::test]
async fn the_type_comes_from_a_json_pointer_with_the_token_in_the_query() {
    let s = setup(&[]).await;
    let source =
        create_source(&s, json!({"name": "Shop", "type_from": {"json_pointer": "/type"}, "token_in": "query"})).await;
    assert_eq!(source["token_in"], "query");
    let token = source["token"].as_str().unwrap();
    let url = format!("{}?token={token}", s.app.url("/_webhooks/shop"));
    let event_id =
        accepted(s.app.http.post(&url).json(&json!({"type": "order.created", "id": 1})).send().await.unwrap()).await;
    assert_eq!(event_type_of(&s, &event_id).await, "shop.order.created");

    let before = event_count(&s).await;
    expect_error(s.app.http.post(&url).json(&json!({"kind": "x"})).send().await.unwrap(), 400, "bad_request").await;
    expect_error(s.app.http.post(&url).json(&json!({"type": 5})).send().await.unwrap(), 400, "bad_request").await;
    // The token in the header does not count for a source that takes it in the query.
    let header = inbound(&s, "shop").bearer_auth(token).json(&json!({"type": "order.created"})).send().await.unwrap();
    expect_error(header, 401, "unauthorized").await;
    assert_eq!(event_count(&s).await, before);
}

#[tokio::test]
async fn refusals_reveal_nothing_and_change_nothing() {
    let s = setup(&["--max-payload-bytes", "1024"]).await;
    let source = create_source(&s, json!({"name": "Partner", "event_type": "user.created"})).await;
    let token = source["token"].as_str().unwrap();
    let other = s.app.caller(&crate::helpers::unique_email("other")).await;
    let (_, foreign) =
        call(&s.app, &other.key, Method::POST, "/event-types", Some(json!({"name": "user.created"}))).await;
    assert_eq!(foreign["name"], "user.created");
    let (status, other_source) = call(
        &s.app,
        &other.key,
        Method::POST,
        "/sources",
        Some(json!({"name": "Other", "event_type": "user.created"})),
    )
    .await;
    assert_eq!(status, 201);
    let before = event_count(&s).await;

    async fn body_of(response: reqwest::Response) -> (u16, Value) {
        (response.status().as_u16(), response.json().await.unwrap())
    }
    let wrong_token =
        body_of(inbound(&s, "partner").bearer_auth("hrs_wrong").json(&json!({})).send().await.unwrap()).await;
    let unknown = body_of(inbound(&s, "nobody").bearer_auth(token).json(&json!({})).send().await.unwrap()).await;
    let missing = body_of(inbound(&s, "partner").json(&json!({})).send().await.unwrap()).await;
    let another_accounts_token = body_of(
        inbound(&s, "partner")
            .bearer_auth(other_source["token"].as_str().unwrap())
            .json(&json!({}))
            .send()
            .await
            .unwrap(),
    )
    .await;
    let no_segment = body_of(s.app.http.post(s.app.url("/_webhooks/")).bearer_auth(token).send().await.unwrap()).await;
    assert_eq!(wrong_token.0, 401);
    for answer in [&unknown, &missing, &another_accounts_token, &no_segment] {
        assert_eq!(answer, &wrong_token, "every refusal of the address or token is the same answer");
    }

    for method in [Method::GET, Method::PUT, Method::DELETE, Method::PATCH] {
        let response = s
            .app
            .http
            .request(method.clone(), s.app.url("/_webhooks/partner"))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()["allow"], "POST");
        expect_error(response, 405, "method_not_allowed").await;
    }
    let huge = json!({"blob": "x".repeat(2000)});
    expect_error(inbound(&s, "partner").bearer_auth(token).json(&huge).send().await.unwrap(), 413, "payload_too_large")
        .await;
    let not_json = inbound(&s, "partner").bearer_auth(token).body("hello=world").send().await.unwrap();
    expect_error(not_json, 400, "bad_request").await;
    let not_utf8 = inbound(&s, "partner").bearer_auth(token).body(vec![0xff, 0xfe, 0x7b]).send().await.unwrap();
    expect_error(not_utf8, 400, "bad_request").await;
    assert_eq!(event_count(&s).await, before, "no refused request published anything");

    // The owner's log says what was wrong with each request that reached their source.
    let id = source["id"].as_str().unwrap();
    let detail = s.app.rpc("sources/detail", &[("id", id)], Some(&s.alice.cookie)).await;
    let detail: Value = detail.json().await.unwrap();
    let requests = detail["requests"].as_array().unwrap();
    let bad_requests: Vec<&Value> = requests.iter().filter(|r| r["status_code"] == 400).collect();
    assert_eq!(bad_requests.len(), 2, "a line per request with the token: {detail}");
    // Token refusals are counted per minute: one line (two if the minute turned meanwhile).
    let refused: Vec<&Value> = requests.iter().filter(|r| r["status_code"] == 401).collect();
    assert!((1..=2).contains(&refused.len()), "{detail}");
    assert_eq!(refused.iter().map(|r| r["count"].as_i64().unwrap()).sum::<i64>(), 3, "{detail}");
    assert!(refused[0]["message"].as_str().unwrap().contains("Bearer"), "{detail}");
    // Another account sees neither the source nor its log.
    let hidden = s.app.rpc("sources/detail", &[("id", id)], Some(&other.cookie)).await;
    assert_eq!(hidden.status(), 404);
    let (status, _) = call(&s.app, &other.key, Method::GET, &format!("/sources/{id}"), None).await;
    assert_eq!(status, 404);
    let (status, _) = call(&s.app, &other.key, Method::DELETE, &format!("/sources/{id}"), None).await;
    assert_eq!(status, 404);

    // Deleted, the address refuses at once, with the same answer as ever.
    let (status, _) = call(&s.app, &s.alice.key, Method::DELETE, &format!("/sources/{id}"), None).await;
    assert_eq!(status, 204);
    let gone = body_of(inbound(&s, "partner").bearer_auth(token).json(&json!({})).send().await.unwrap()).await;
    assert_eq!(gone, wrong_token);
}

#[tokio::test]
async fn sources_are_checked_when_created() {
    let s = setup(&[]).await;
    let cases = [
        (json!({"name": "", "event_type": "invoice.paid"}), "name"),
        (json!({"name": "42 things", "event_type": "invoice.paid"}), "name"),
        (json!({"name": "Both", "event_type": "invoice.paid", "type_from": {"header": "X-Type"}}), "event_type"),
        (json!({"name": "Neither"}), "event_type"),
        (json!({"name": "Bad type", "event_type": "Invoice Paid"}), "event_type"),
        (json!({"name": "Reserved", "event_type": "hookrelay.delivery.failed"}), "event_type"),
        (json!({"name": "Hookrelay", "type_from": {"header": "X-Type"}}), "name"),
        (json!({"name": "Bad header", "type_from": {"header": "X Bad\nHeader"}}), "type_from"),
        (json!({"name": "Bad pointer", "type_from": {"json_pointer": "type"}}), "type_from"),
        (
            json!({"name": "Bad secret", "event_type": "invoice.paid", "verify": {"scheme": "standard-webhooks", "secret": "not base64!"}}),
            "verify",
        ),
    ];
    for (body, field) in cases {
        let (status, error) = call(&s.app, &s.alice.key, Method::POST, "/sources", Some(body.clone())).await;
        assert_eq!((status, error["error"]["field"].as_str()), (422, Some(field)), "{body} → {error}");
    }
    let (status, _) = call(
        &s.app,
        &s.alice.key,
        Method::POST,
        "/sources",
        Some(json!({"name": "X", "event_type": "invoice.paid", "verify": {"scheme": "md5", "secret": "s"}})),
    )
    .await;
    assert_eq!(status, 422);
    let (_, list) = call(&s.app, &s.alice.key, Method::GET, "/sources", None).await;
    assert_eq!(list["data"], json!([]), "nothing was created");
}

#[tokio::test]
async fn each_senders_signature_scheme_is_verified() {
    let s = setup(&[]).await;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs();
    let body = br#"{"id":"evt_1","type":"charge.succeeded"}"#.to_vec();

    // Stripe: t=<secs>,v1=<hex HMAC of "t.body"> keyed with the secret's text.
    let stripe = create_source(
        &s,
        json!({"name": "Stripe", "event_type": "invoice.paid", "verify": {"scheme": "stripe", "secret": "whsec_stripe_test"}}),
    )
    .await;
    assert_eq!(stripe["verify"], json!({"scheme": "stripe"}), "the secret is not echoed");
    let stripe_token = stripe["token"].as_str().unwrap();
    let signature = hex::encode(hmac_sha256(b"whsec_stripe_test", &[now.to_string().as_bytes(), b".", &body]));
    let post = |header: String, body: Vec<u8>| {
        inbound(&s, "stripe").bearer_auth(stripe_token).header("Stripe-Signature", header).body(body).send()
    };
    accepted(post(format!("t={now},v1={signature}"), body.clone()).await.unwrap()).await;
    expect_error(post(format!("t={now},v1={signature}"), b"{}".to_vec()).await.unwrap(), 401, "unauthorized").await;
    expect_error(post(format!("t={},v1={signature}", now - 600), body.clone()).await.unwrap(), 401, "unauthorized")
        .await;

    // GitHub: sha256=<hex HMAC of the body>.
    let github = create_source(
        &s,
        json!({"name": "GitHub", "event_type": "invoice.paid", "verify": {"scheme": "github", "secret": "It's a Secret"}}),
    )
    .await;
    let github_token = github["token"].as_str().unwrap();
    let signature = format!("sha256={}", hex::encode(hmac_sha256(b"It's a Secret", &[&body])));
    let post = |header: &str| {
        inbound(&s, "github").bearer_auth(github_token).header("X-Hub-Signature-256", header).body(body.clone()).send()
    };
    accepted(post(&signature).await.unwrap()).await;
    expect_error(post("sha256=00").await.unwrap(), 401, "unauthorized").await;

    // Standard Webhooks, signed by the reference library.
    let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    let standard = create_source(
        &s,
        json!({"name": "Partner", "event_type": "invoice.paid", "verify": {"scheme": "standard-webhooks", "secret": secret}}),
    )
    .await;
    let standard_token = standard["token"].as_str().unwrap();
    let signed = standardwebhooks::Webhook::new(secret).unwrap().sign("msg_1", now as i64, &body).unwrap();
    let post = |signature: String, id: &str| {
        inbound(&s, "partner")
            .bearer_auth(standard_token)
            .header("webhook-id", id)
            .header("webhook-timestamp", now.to_string())
            .header("webhook-signature", signature)
            .body(body.clone())
            .send()
    };
    let first = accepted(post(signed.clone(), "msg_1").await.unwrap()).await;
    expect_error(post(signed.clone(), "msg_2").await.unwrap(), 401, "unauthorized").await;
    expect_error(post("v1,AAAA".into(), "msg_1").await.unwrap(), 401, "unauthorized").await;
    expect_error(post("v1,".into(), "msg_1").await.unwrap(), 401, "unauthorized").await;
    // A replay of the signed request under a new, unsigned Idempotency-Key is the same event:
    // the signed webhook-id names it.
    let replayed = inbound(&s, "partner")
        .bearer_auth(standard_token)
        .header("idempotency-key", "replayed-under-another-key")
        .header("webhook-id", "msg_1")
        .header("webhook-timestamp", now.to_string())
        .header("webhook-signature", signed)
        .body(body.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(accepted(replayed).await, first, "one event per signed webhook-id");
}

/// Anyone who knows a source's address can send wrong tokens; the owner's log counts them per
/// minute instead of growing a row for each.
#[tokio::test]
async fn wrong_tokens_are_counted_per_minute_not_stored_one_row_each() {
    let s = setup(&[]).await;
    let (status, source) = call(
        &s.app,
        &s.alice.key,
        Method::POST,
        "/sources",
        Some(json!({"name": "Flood", "event_type": "invoice.paid"})),
    )
    .await;
    assert_eq!(status, 201);
    for n in 0..200 {
        let response = inbound(&s, "flood").bearer_auth(format!("hrs_wrong{n}")).json(&json!({})).send().await.unwrap();
        assert_eq!(response.status(), 401);
    }
    let db = crate::database::TestDatabase::open(&s.app.data_dir).await;
    let source_id = source["id"].as_str().unwrap();
    let rows = db.number("SELECT COUNT(*) FROM inbound_requests WHERE source_id = $1", &[source_id]).await;
    let total = db
        .number(
            "SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM inbound_requests WHERE source_id = $1",
            &[source_id],
        )
        .await;
    db.close().await;
    assert!(rows <= 2, "{rows} rows for 200 refusals");
    assert_eq!(total, 200);
}

#[tokio::test]
async fn the_inbound_route_is_internal_in_the_openapi_document() {
    let s = setup(&[]).await;
    let document: Value = s.app.http.get(s.app.url("/api/v1/openapi.json")).send().await.unwrap().json().await.unwrap();
    let path = &document["paths"]["/_webhooks/{slug}"];
    assert_eq!(path["post"]["x-internal"], true, "{path}");
    assert_eq!(path["servers"][0]["url"], "/");
    assert!(document["paths"]["/sources"]["post"].is_object());
}
