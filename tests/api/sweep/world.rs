//! Two accounts with one of everything, on a real server, a real receiver and a real SQLite
//! file: the ground every sweep runs over.

use std::time::Duration;

use reqwest::Method;
use serde_json::{json, Value};

use crate::delivery::LOCAL;
use crate::helpers::{spawn_app_with, unique_email, Caller, TestApp};
use crate::operator::operator_key;
use crate::receiver::{Receiver, Reply};

use super::probe::Findings;
use super::snapshot::Database;

/// The ids of everything one account owns, by the name routes give them.
pub struct Owned {
    pub account: String,
    pub event_type: String,
    pub subscription: String,
    pub event: String,
    pub delivery: String,
    /// The delivery's first attempt.
    pub attempt: String,
    pub source: String,
    pub source_slug: String,
    pub source_token: String,
    /// The account's owner (a member).
    pub member: String,
    /// An open invitation into the account.
    pub invitation: String,
}

impl Owned {
    /// Every id, to check that none of them shows up where it should not.
    pub fn all(&self) -> [&str; 7] {
        [
            &self.subscription,
            &self.event,
            &self.delivery,
            &self.source,
            &self.source_token,
            &self.member,
            &self.invitation,
        ]
    }
}

pub struct World {
    pub app: TestApp,
    pub alice: Caller,
    pub bob: Caller,
    pub alices: Owned,
    pub bobs: Owned,
    /// A key of Alice's account, revoked.
    pub revoked_key: String,
    pub operator_key: String,
    /// The session cookie of a portal visitor in Alice's account.
    pub visitor: String,
    pub receiver: Receiver,
    _dir: tempfile::TempDir,
}

/// A built world at rest, its database open for snapshots, and nothing found yet.
pub async fn ready() -> (World, Database, Findings) {
    let world = build().await;
    world.settle().await;
    let db = Database::open(&world.app.data_dir).await;
    (world, db, Findings::default())
}

pub async fn build() -> World {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = spawn_app_with(dir.path(), LOCAL).await;
    let receiver = Receiver::start(Reply::status(204)).await;
    let alice = app.caller(&unique_email("sweep-alice")).await;
    let bob = app.caller(&unique_email("sweep-bob")).await;
    let mut alices = furnish(&app, &alice, &receiver, "order.created").await;
    let mut bobs = furnish(&app, &bob, &receiver, "order.shipped").await;

    let created = app.rpc("api_keys/create", &[("name", "to revoke")], Some(&alice.cookie)).await;
    let created: Value = created.json().await.expect("key JSON");
    let revoked_key = created["key"].as_str().expect("key").to_string();
    let id = created["api_key"]["id"].as_str().expect("key id");
    assert_eq!(app.rpc("api_keys/revoke", &[("id", id)], Some(&alice.cookie)).await.status(), 200);

    let operator_key = operator_key(&app).await;
    for owned in [&mut alices, &mut bobs] {
        let path = format!("/accounts/{}/invitations", owned.account);
        let invited = app.api(Method::POST, &path, &operator_key).json(&json!({"email": unique_email("invited")}));
        let invited: Value = invited.send().await.expect("invitation").json().await.expect("invitation JSON");
        owned.invitation = invited["id"].as_str().expect("an invitation id").to_string();
    }
    let visitor = portal_visitor(&app, &operator_key, &alices.account).await;
    World { app, alice, bob, alices, bobs, revoked_key, operator_key, visitor, receiver, _dir: dir }
}

/// Opens a portal link into `account`; the visitor's session cookie.
pub async fn portal_visitor(app: &TestApp, operator_key: &str, account: &str) -> String {
    let link =
        app.api(Method::POST, &format!("/accounts/{account}/portal-link"), operator_key).send().await.expect("link");
    assert_eq!(link.status(), 201);
    let link: Value = link.json().await.expect("link JSON");
    let token = link["url"].as_str().and_then(|url| url.rsplit('/').next()).expect("a link");
    let opened = app.rpc("portal/open", &[("token", token)], None).await;
    assert_eq!(opened.status(), 200);
    crate::helpers::session_cookie(opened.headers()).expect("a portal session")
}

/// An event type (a different one per account: the names would otherwise match), a
/// subscription, a delivered event, a source and one inbound request.
async fn furnish(app: &TestApp, owner: &Caller, receiver: &Receiver, event_type: &str) -> Owned {
    let call = |method: Method, path: &str, body: Value| {
        let request = app.api(method, path, &owner.key).json(&body);
        async move {
            let response = request.send().await.expect("request");
            let status = response.status();
            let body: Value = response.json().await.expect("JSON");
            assert!(status.is_success(), "{status} {body}");
            body
        }
    };
    call(Method::POST, "/event-types", json!({"name": event_type})).await;
    let subscription =
        call(Method::POST, "/subscriptions", json!({"url": receiver.url, "event_types": [event_type]})).await;
    let event = call(Method::POST, "/events", json!({"type": event_type, "data": {"n": 1}})).await;
    let source = call(Method::POST, "/sources", json!({"name": "Shop", "event_type": event_type})).await;
    let text = |value: &Value| value.as_str().expect("string").to_string();
    let owned = Owned {
        account: text(&current_user(app, &owner.cookie).await["account_id"]),
        event_type: event_type.into(),
        subscription: text(&subscription["id"]),
        event: text(&event["id"]),
        delivery: text(&event["deliveries"][0]["id"]),
        attempt: first_attempt(app, &owner.key, event["deliveries"][0]["id"].as_str().expect("a delivery")).await,
        source: text(&source["id"]),
        source_slug: text(&source["slug"]),
        source_token: text(&source["token"]),
        member: text(&current_user_id(app, &owner.key).await),
        invitation: String::new(),
    };
    let inbound = app
        .http
        .post(app.url(&format!("/_webhooks/{}", owned.source_slug)))
        .bearer_auth(&owned.source_token)
        .json(&json!({"from": "shop"}))
        .send()
        .await
        .expect("inbound");
    assert_eq!(inbound.status(), 202);
    owned
}

async fn first_attempt(app: &TestApp, key: &str, delivery: &str) -> String {
    for _ in 0..400 {
        let response = app.api(Method::GET, &format!("/deliveries/{delivery}"), key).send().await.expect("delivery");
        let delivery: Value = response.json().await.expect("delivery JSON");
        if let Some(id) = delivery["attempts"][0]["id"].as_str() {
            return id.to_string();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no attempt of {delivery}");
}

/// The user id of the key's account's only member.
async fn current_user_id(app: &TestApp, key: &str) -> Value {
    let members: Value =
        app.api(Method::GET, "/members", key).send().await.expect("members").json().await.expect("JSON");
    members[0]["user_id"].clone()
}

pub async fn current_user(app: &TestApp, cookie: &str) -> Value {
    let response = app.rpc("current_user", &[], Some(cookie)).await;
    response.json().await.expect("current user JSON")
}

impl World {
    /// Waits until the worker has nothing left to do, so that the database only changes when a
    /// request changes it.
    pub async fn settle(&self) {
        for _ in 0..400 {
            let pending: Vec<Value> = futures_util::future::join_all([&self.alice, &self.bob].map(|caller| async {
                let response =
                    self.app.api(Method::GET, "/deliveries?status=pending&limit=1", &caller.key).send().await.unwrap();
                response.json::<Value>().await.unwrap()
            }))
            .await;
            if pending.iter().all(|page| page["data"].as_array().is_some_and(Vec::is_empty)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("deliveries still pending after 20 s");
    }
}
