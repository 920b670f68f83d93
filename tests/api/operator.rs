//! Operator mode over HTTP: operator keys, accounts, the Hookrelay-Account header, the
//! instance-wide event-type catalog, and portal links.

use std::time::Duration;

use reqwest::header::COOKIE;
use reqwest::Method;
use serde_json::{json, Value};

use crate::delivery::LOCAL;
use crate::helpers::{expect_error, session_cookie, spawn_app_with, unique_email, TestApp};
use crate::receiver::{Receiver, Reply};

/// `hookrelay operator-key create`, run as its own process on the server's database.
pub(crate) async fn operator_key(app: &TestApp) -> String {
    let key = crate::binary::cli(&app.data_dir, &["operator-key", "create", "--name", "backend"], "").await;
    assert!(key.starts_with("hro_"), "{key}");
    key
}

/// A call with a bearer key and, if given, the Hookrelay-Account header.
async fn call(
    app: &TestApp,
    key: &str,
    account: Option<&str>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app.api(method, path, key);
    if let Some(account) = account {
        request = request.header("Hookrelay-Account", account);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() })
}

fn names(page: &Value) -> Vec<String> {
    page["data"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn an_operator_creates_accounts_and_acts_in_each_with_the_header() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(dir.path(), LOCAL).await;
    let op = operator_key(&app).await;
    let alice = app.caller(&unique_email("op-alice")).await;

    let (status, acme) =
        call(&app, &op, None, Method::POST, "/accounts", Some(json!({"name": "Acme", "external_id": "cus_1"}))).await;
    assert_eq!(status, 201, "{acme}");
    assert!(acme["id"].as_str().unwrap().starts_with("acc_"));
    let (status, globex) =
        call(&app, &op, None, Method::POST, "/accounts", Some(json!({"name": "Globex", "external_id": "cus_2"}))).await;
    assert_eq!(status, 201);
    let (status, _) =
        call(&app, &op, None, Method::POST, "/accounts", Some(json!({"name": "Again", "external_id": "cus_1"}))).await;
    assert_eq!(status, 409, "external ids are unique");
    for bad in [json!({"name": ""}), json!({"name": "X", "external_id": "has space"}), json!({"name": "X", "extra": 1})]
    {
        let (status, body) = call(&app, &op, None, Method::POST, "/accounts", Some(bad.clone())).await;
        assert_eq!(status, 422, "{bad}: {body}");
    }
    let (_, listed) = call(&app, &op, None, Method::GET, "/accounts", None).await;
    let ids: Vec<&str> = listed["data"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&acme["id"].as_str().unwrap()) && ids.contains(&globex["id"].as_str().unwrap()));
    assert!(!ids.contains(&"acc_catalog"), "the catalog is nobody's account");
    let (status, by_external) = call(&app, &op, None, Method::GET, "/accounts/ext_cus_1", None).await;
    assert_eq!((status, &by_external["id"]), (200, &acme["id"]));
    assert_eq!(call(&app, &op, None, Method::GET, "/accounts/acc_catalog", None).await.0, 404);
    assert_eq!(call(&app, &op, None, Method::GET, "/accounts/ext_nobody", None).await.0, 404);
    // An account key is not an operator key.
    expect_error(app.api(Method::GET, "/accounts", &alice.key).send().await.unwrap(), 401, "unauthorized").await;
    expect_error(
        app.api(Method::POST, "/accounts", &alice.key).json(&json!({"name": "Mine"})).send().await.unwrap(),
        401,
        "unauthorized",
    )
    .await;

    // The catalog: written by the operator without the header, read by every account, written by none.
    let (status, catalog_type) =
        call(&app, &op, None, Method::POST, "/event-types", Some(json!({"name": "invoice.paid"}))).await;
    assert_eq!(status, 201, "{catalog_type}");
    assert_eq!(catalog_type["catalog"], true);
    let (status, own) =
        call(&app, &op, Some("ext_cus_1"), Method::POST, "/event-types", Some(json!({"name": "order.shipped"}))).await;
    assert_eq!((status, &own["catalog"]), (201, &json!(false)));
    assert_eq!(
        names(&call(&app, &op, Some("ext_cus_1"), Method::GET, "/event-types", None).await.1),
        ["order.shipped", "invoice.paid"]
    );
    assert_eq!(names(&call(&app, &op, Some("ext_cus_2"), Method::GET, "/event-types", None).await.1), ["invoice.paid"]);
    assert_eq!(names(&call(&app, &alice.key, None, Method::GET, "/event-types", None).await.1), ["invoice.paid"]);
    assert_eq!(
        call(&app, &alice.key, None, Method::PATCH, "/event-types/invoice.paid", Some(json!({"archived": true})))
            .await
            .0,
        409
    );
    assert_eq!(call(&app, &op, Some("ext_cus_2"), Method::DELETE, "/event-types/invoice.paid", None).await.0, 409);
    assert_eq!(
        call(&app, &alice.key, None, Method::POST, "/event-types", Some(json!({"name": "invoice.paid"}))).await.0,
        409
    );
    assert_eq!(
        names(&call(&app, &op, None, Method::GET, "/event-types", None).await.1),
        ["invoice.paid"],
        "the catalog alone"
    );

    // Publishing and reading in each account through the header.
    let mut receiver = Receiver::start(Reply::status(200)).await;
    let (status, sub) =
        call(&app, &op, Some("ext_cus_1"), Method::POST, "/subscriptions", Some(json!({"url": receiver.url}))).await;
    assert_eq!(status, 201, "{sub}");
    let (status, event) = call(
        &app,
        &op,
        Some("ext_cus_1"),
        Method::POST,
        "/events",
        Some(json!({"type": "invoice.paid", "data": {"n": 1}})),
    )
    .await;
    assert_eq!(status, 202, "catalog types can be published: {event}");
    let (status, other) = call(
        &app,
        &op,
        Some(globex["id"].as_str().unwrap()),
        Method::POST,
        "/events",
        Some(json!({"type": "invoice.paid", "data": {"n": 2}})),
    )
    .await;
    assert_eq!(status, 202);
    assert_eq!(receiver.next().await.json()["data"], json!({"n": 1}));
    let event_ids = |page: Value| {
        page["data"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap().to_string()).collect::<Vec<_>>()
    };
    assert_eq!(
        event_ids(call(&app, &op, Some("ext_cus_1"), Method::GET, "/events", None).await.1),
        [event["id"].as_str().unwrap()]
    );
    assert_eq!(
        event_ids(call(&app, &op, Some("ext_cus_2"), Method::GET, "/events", None).await.1),
        [other["id"].as_str().unwrap()]
    );
    assert_eq!(
        call(&app, &op, Some("ext_cus_2"), Method::GET, &format!("/events/{}", event["id"].as_str().unwrap()), None)
            .await
            .0,
        404
    );
    let delivery = event["deliveries"][0]["id"].as_str().unwrap();
    let (status, redelivered) =
        call(&app, &op, Some("ext_cus_1"), Method::POST, &format!("/deliveries/{delivery}/redeliver"), None).await;
    assert_eq!(status, 202, "{redelivered}");
    receiver.next().await;
    assert_eq!(
        call(&app, &op, Some("ext_cus_2"), Method::POST, &format!("/deliveries/{delivery}/redeliver"), None).await.0,
        404
    );

    // Without the header an operator key touches no account's data; a wrong header is 404.
    expect_error(app.api(Method::GET, "/events", &op).send().await.unwrap(), 400, "bad_request").await;
    assert_eq!(call(&app, &op, None, Method::GET, "/subscriptions", None).await.0, 400);
    assert_eq!(call(&app, &op, Some("ext_nobody"), Method::GET, "/events", None).await.0, 404);
    assert_eq!(call(&app, &op, Some("acc_catalog"), Method::GET, "/events", None).await.0, 404);
    // An account key never reaches another account, header or not.
    assert_eq!(call(&app, &alice.key, Some("ext_cus_1"), Method::GET, "/events", None).await.0, 404);
    let alice_account = call(&app, &alice.key, None, Method::GET, "/events", None).await;
    assert_eq!(alice_account.0, 200);
    app.stop().await;
}

#[tokio::test]
async fn a_portal_link_signs_into_one_account_once() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(dir.path(), LOCAL).await;
    let op = operator_key(&app).await;
    let (_, account) =
        call(&app, &op, None, Method::POST, "/accounts", Some(json!({"name": "Acme", "external_id": "acme"}))).await;
    call(&app, &op, Some("ext_acme"), Method::POST, "/event-types", Some(json!({"name": "invoice.paid"}))).await;
    let (_, event) =
        call(&app, &op, Some("ext_acme"), Method::POST, "/events", Some(json!({"type": "invoice.paid", "data": {}})))
            .await;
    let someone_else = app.caller(&unique_email("portal-other")).await;

    let (status, link) = call(&app, &op, None, Method::POST, "/accounts/ext_acme/portal-link", None).await;
    assert_eq!(status, 201, "{link}");
    let url = link["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/portal/hrp_", app.base)), "{url}");
    assert!(link["expires_at"].is_string());

    // Opening the page (a link preview, a mail scanner) uses nothing: it names the account.
    let token = token_of(url);
    for _ in 0..2 {
        let page = app.get(&format!("/portal/{token}"), None).await;
        assert_eq!(page.status(), 200);
        assert!(session_cookie(page.headers()).is_none(), "a GET signs nobody in");
        let html = page.text().await.unwrap();
        assert!(html.contains("Acme") && html.contains("Open the dashboard"), "{html}");
    }
    // Someone signed in elsewhere is told that the link will sign them out.
    let page = app.get(&format!("/portal/{token}"), Some(&someone_else.cookie)).await.text().await.unwrap();
    assert!(page.contains("You are signed in as"), "{page}");

    let first = app.rpc("portal/open", &[("token", token)], Some(&someone_else.cookie)).await;
    assert_eq!(first.status(), 200, "the button's POST uses the link");
    let cookie = session_cookie(first.headers()).expect("a new session");
    assert_ne!(cookie, someone_else.cookie, "the session id changes");
    let me: Value = app.rpc("current_user", &[], Some(&cookie)).await.json().await.unwrap();
    assert_eq!(me["account_id"], account["id"]);
    assert_eq!(me["email"], "portal visitor");
    assert_eq!(me["portal_visitor"], true);
    let response = app.rpc("events/get", &[("id", event["id"].as_str().unwrap())], Some(&cookie)).await;
    assert_eq!(response.status(), 200, "the visitor reads the account's events");
    // ...but nothing that lasts beyond the link: keys, sources, the event-type catalog.
    for (name, form) in [
        ("api_keys/create", &[("name", "mine")][..]),
        ("api_keys/list", &[]),
        ("api_keys/revoke", &[("id", "key_x")]),
        ("sources/list", &[("cursor", "")]),
        ("sources/delete", &[("id", "src_x")]),
        ("event_types/set_archived", &[("name", "invoice.paid"), ("archived", "true")]),
    ] {
        assert_eq!(app.rpc(name, form, Some(&cookie)).await.status(), 401, "{name} for a portal visitor");
    }
    let source = app
        .http
        .post(app.url("/rpc/sources/create"))
        .header(COOKIE, &cookie)
        .json(&json!({"input": {"name": "Visitor's own", "event_type": "invoice.paid"}}))
        .send()
        .await
        .unwrap();
    assert_eq!(source.status(), 401, "a source's token would outlive the link");
    // The browser's previous session was replaced, not merged: its id is dead.
    let before = app.rpc("api_keys/list", &[], Some(&someone_else.cookie)).await;
    assert_eq!(before.status(), 401);

    let again = app.rpc("portal/open", &[("token", token)], None).await;
    assert_eq!(again.status(), 404, "a link opens once");
    assert!(session_cookie(again.headers()).is_none());
    let used = app.get(&format!("/portal/{token}"), None).await.text().await.unwrap();
    assert!(used.contains("expired or has been used already"), "{used}");
    let forged = app.rpc("portal/open", &[("token", "hrp_forged")], None).await;
    assert_eq!(forged.status(), 404);

    let (_, short) =
        call(&app, &op, None, Method::POST, "/accounts/ext_acme/portal-link", Some(json!({"expires_in": "200ms"})))
            .await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    let expired = app.rpc("portal/open", &[("token", token_of(short["url"].as_str().unwrap()))], None).await;
    assert_eq!(expired.status(), 404, "an expired link does not work");

    // The session a link opens ends when the link expires, not days later.
    let (_, brief) =
        call(&app, &op, None, Method::POST, "/accounts/ext_acme/portal-link", Some(json!({"expires_in": "1500ms"})))
            .await;
    let opened = app.rpc("portal/open", &[("token", token_of(brief["url"].as_str().unwrap()))], None).await;
    let brief_cookie = session_cookie(opened.headers()).expect("a portal session");
    let me: Value = app.rpc("current_user", &[], Some(&brief_cookie)).await.json().await.unwrap();
    assert_eq!(me["portal_visitor"], true);
    tokio::time::sleep(Duration::from_millis(1700)).await;
    let me: Value = app.rpc("current_user", &[], Some(&brief_cookie)).await.json().await.unwrap();
    assert!(me.is_null(), "the portal session ended with its link: {me}");
    assert_eq!(
        app.rpc("events/get", &[("id", event["id"].as_str().unwrap())], Some(&brief_cookie)).await.status(),
        401
    );

    for bad in ["0s", "8d", "soon"] {
        let (status, _) =
            call(&app, &op, None, Method::POST, "/accounts/ext_acme/portal-link", Some(json!({"expires_in": bad})))
                .await;
        assert_eq!(status, 422, "{bad}");
    }
    assert_eq!(call(&app, &op, None, Method::POST, "/accounts/ext_nobody/portal-link", None).await.0, 404);
    assert_eq!(call(&app, &someone_else.key, None, Method::POST, "/accounts/ext_acme/portal-link", None).await.0, 401);
    app.stop().await;
}

fn token_of(url: &str) -> &str {
    url.rsplit('/').next().unwrap()
}

/// The operator invites `email` into the account `ext_acme`.
async fn invite_to_acme(app: &TestApp, op: &str, email: &str) -> (u16, Value) {
    call(app, op, None, Method::POST, "/accounts/ext_acme/invitations", Some(json!({"email": email}))).await
}

/// An invitation can be revoked before it is accepted; a member can be removed, and their
/// session in the account ends at once.
#[tokio::test]
async fn invitations_are_revoked_and_members_removed() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(dir.path(), &[]).await;
    let op = operator_key(&app).await;
    call(&app, &op, None, Method::POST, "/accounts", Some(json!({"name": "Acme", "external_id": "acme"}))).await;

    let (_, revoked) = invite_to_acme(&app, &op, "late@example.com").await;
    let path = format!("/accounts/ext_acme/invitations/{}", revoked["id"].as_str().unwrap());
    assert_eq!(call(&app, &op, None, Method::DELETE, &path, None).await.0, 204);
    assert_eq!(call(&app, &op, None, Method::DELETE, &path, None).await.0, 404, "once");
    let token = token_of(revoked["url"].as_str().unwrap());
    assert_eq!(app.rpc("invitation", &[("token", token)], None).await.status(), 404);
    let accept = app.rpc("accept_invitation", &[("token", token), ("password", crate::helpers::PASSWORD)], None).await;
    assert_eq!(accept.status(), 404, "a revoked invitation registers nobody");

    let (_, invitation) = invite_to_acme(&app, &op, "ada@example.com").await;
    let token = token_of(invitation["url"].as_str().unwrap());
    let joined = app.rpc("accept_invitation", &[("token", token), ("password", crate::helpers::PASSWORD)], None).await;
    let cookie = session_cookie(joined.headers()).expect("signed in");
    let (status, members) = call(&app, &op, Some("ext_acme"), Method::GET, "/members", None).await;
    assert_eq!(status, 200);
    assert_eq!(members[0]["email"], "ada@example.com", "{members}");
    assert_eq!(members[0]["role"], "member");
    let ada = members[0]["user_id"].as_str().unwrap().to_string();
    let outsider = app.caller(&unique_email("outsider")).await;
    assert_eq!(call(&app, &outsider.key, None, Method::DELETE, &format!("/members/{ada}"), None).await.0, 404);
    assert_eq!(app.rpc("subscriptions/list", &[("cursor", "")], Some(&cookie)).await.status(), 200);

    assert_eq!(call(&app, &op, Some("ext_acme"), Method::DELETE, &format!("/members/{ada}"), None).await.0, 204);
    assert_eq!(
        app.rpc("subscriptions/list", &[("cursor", "")], Some(&cookie)).await.status(),
        401,
        "her session ended"
    );
    let (_, members) = call(&app, &op, Some("ext_acme"), Method::GET, "/members", None).await;
    assert_eq!(members, json!([]));
    assert_eq!(call(&app, &op, Some("ext_acme"), Method::DELETE, &format!("/members/{ada}"), None).await.0, 404);
    app.stop().await;
}

#[tokio::test]
async fn invitations_register_a_person_or_add_a_login_and_registration_can_be_invite_only() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(dir.path(), &["--registration", "invite"]).await;
    let op = operator_key(&app).await;
    let (_, acme) =
        call(&app, &op, None, Method::POST, "/accounts", Some(json!({"name": "Acme", "external_id": "acme"}))).await;

    let refused = app
        .rpc(
            "register",
            &[("email", "walk-in@example.com"), ("password", crate::helpers::PASSWORD), ("next", "")],
            None,
        )
        .await;
    assert_eq!(refused.status(), 400, "registration is by invitation only");

    // A new person: registers through the invitation, into the inviting account.
    let (status, invitation) = invite_to_acme(&app, &op, "New@Example.com").await;
    assert_eq!(status, 201, "{invitation}");
    let url = invitation["url"].as_str().unwrap();
    assert!(url.starts_with(&format!("{}/invite/hri_", app.base)), "{url}");
    let token = token_of(url);
    let view: Value = app.rpc("invitation", &[("token", token)], None).await.json().await.unwrap();
    assert_eq!(view, json!({"account_name": "Acme", "email": "new@example.com", "has_login": false}));
    let short = app.rpc("accept_invitation", &[("token", token), ("password", "short")], None).await;
    assert_eq!(short.status(), 422);
    let joined = app.rpc("accept_invitation", &[("token", token), ("password", crate::helpers::PASSWORD)], None).await;
    assert_eq!(joined.status(), 200);
    let cookie = session_cookie(joined.headers()).expect("signed in");
    let me: Value = app.rpc("current_user", &[], Some(&cookie)).await.json().await.unwrap();
    assert_eq!((&me["account_id"], &me["email"]), (&acme["id"], &json!("new@example.com")));
    assert_eq!(app.login("new@example.com", crate::helpers::PASSWORD).await.status(), 200, "a real login");
    let again = app.rpc("accept_invitation", &[("token", token), ("password", crate::helpers::PASSWORD)], None).await;
    assert_eq!(again.status(), 404, "used once");
    assert_eq!(app.rpc("invitation", &[("token", token)], None).await.status(), 404);

    // Someone with a login already: joins by confirming their password.
    crate::binary::cli(
        &app.data_dir,
        &["user", "create", "--email", "old@example.com"],
        &format!("{}\n", crate::helpers::PASSWORD),
    )
    .await;
    let (_, invitation) = invite_to_acme(&app, &op, "old@example.com").await;
    let token = token_of(invitation["url"].as_str().unwrap()).to_string();
    let view: Value = app.rpc("invitation", &[("token", &token)], None).await.json().await.unwrap();
    assert_eq!(view["has_login"], true);
    let wrong = app.rpc("accept_invitation", &[("token", &token), ("password", "not the password")], None).await;
    assert_eq!(wrong.status(), 422);
    let joined = app.rpc("accept_invitation", &[("token", &token), ("password", crate::helpers::PASSWORD)], None).await;
    assert_eq!(joined.status(), 200);
    let me: Value =
        app.rpc("current_user", &[], Some(&session_cookie(joined.headers()).unwrap())).await.json().await.unwrap();
    assert_eq!(me["account_id"], acme["id"]);

    for bad in [json!({"email": "not an email"}), json!({})] {
        assert_eq!(call(&app, &op, None, Method::POST, "/accounts/ext_acme/invitations", Some(bad)).await.0, 422);
    }
    assert_eq!(app.rpc("invitation", &[("token", "hri_forged")], None).await.status(), 404);
    app.stop().await;
}

#[tokio::test]
async fn a_user_of_several_accounts_switches_between_them_and_only_them() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(dir.path(), &[]).await;
    let op = operator_key(&app).await;
    let (_, acme) =
        call(&app, &op, None, Method::POST, "/accounts", Some(json!({"name": "Acme", "external_id": "acme"}))).await;
    let (_, globex) = call(&app, &op, None, Method::POST, "/accounts", Some(json!({"name": "Globex"}))).await;
    let email = unique_email("switcher");
    let cookie = app.register(&email).await;
    let (_, invitation) = invite_to_acme(&app, &op, &email).await;
    let joined = app
        .rpc(
            "accept_invitation",
            &[("token", token_of(invitation["url"].as_str().unwrap())), ("password", crate::helpers::PASSWORD)],
            Some(&cookie),
        )
        .await;
    assert_eq!(joined.status(), 200);
    let cookie = session_cookie(joined.headers()).unwrap();

    let me: Value = app.rpc("current_user", &[], Some(&cookie)).await.json().await.unwrap();
    let mine = &me["accounts"];
    let ids: Vec<&str> = mine.as_array().unwrap().iter().map(|pair| pair[0].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2, "{mine}");
    assert!(ids.contains(&acme["id"].as_str().unwrap()));
    let own = ids.iter().find(|id| **id != acme["id"].as_str().unwrap()).unwrap().to_string();

    let switched = app.rpc("switch_account", &[("account_id", &own)], Some(&cookie)).await;
    assert_eq!(switched.status(), 200);
    // Like a sign-in, a switch gives the session a new id.
    let cookie = session_cookie(switched.headers()).expect("a new session id");
    let me: Value = app.rpc("current_user", &[], Some(&cookie)).await.json().await.unwrap();
    assert_eq!(me["account_id"], own.as_str());
    let refused = app.rpc("switch_account", &[("account_id", globex["id"].as_str().unwrap())], Some(&cookie)).await;
    assert_eq!(refused.status(), 404, "not a member");
    let me: Value = app.rpc("current_user", &[], Some(&cookie)).await.json().await.unwrap();
    assert_eq!(me["account_id"], own.as_str(), "unchanged");
    app.stop().await;
}

/// In operator mode the operator's backend makes the accounts and the operator may never
/// register: whoever registers then is a stranger, not the admin. The admin is made on the
/// command line.
#[tokio::test]
async fn on_an_instance_with_accounts_a_registration_is_not_the_admin() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(dir.path(), &[]).await;
    let op = operator_key(&app).await;
    call(&app, &op, None, Method::POST, "/accounts", Some(json!({"name": "Acme", "external_id": "acme"}))).await;
    let stranger = app.register(&unique_email("stranger")).await;
    assert_eq!(app.rpc("operator/overview", &[], Some(&stranger)).await.status(), 404);
    let me: Value = app.rpc("current_user", &[], Some(&stranger)).await.json().await.unwrap();
    assert_eq!(me["instance_admin"], false);

    let email = unique_email("admin");
    let output = crate::binary::cli(
        dir.path(),
        &["user", "create", "--admin", "--email", &email],
        &format!("{}\n", crate::helpers::PASSWORD),
    )
    .await;
    assert!(output.contains("instance admin"), "{output}");
    let login = app.login(&email, crate::helpers::PASSWORD).await;
    let admin = session_cookie(login.headers()).expect("signed in");
    assert_eq!(app.rpc("operator/overview", &[], Some(&admin)).await.status(), 200);
    let me: Value = app.rpc("current_user", &[], Some(&admin)).await.json().await.unwrap();
    assert_eq!(me["instance_admin"], true);
    app.stop().await;
}

#[tokio::test]
async fn the_first_user_of_an_empty_instance_is_its_admin_and_alone_sees_the_operator_page() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_with(dir.path(), &[]).await;
    let first = app.register(&unique_email("first")).await;
    let second = app.register(&unique_email("second")).await;
    let op = operator_key(&app).await;
    call(&app, &op, None, Method::POST, "/accounts", Some(json!({"name": "Acme", "external_id": "acme"}))).await;

    let response = app.rpc("operator/overview", &[], Some(&first)).await;
    assert_eq!(response.status(), 200);
    let overview: Value = response.json().await.unwrap();
    let names: Vec<&str> =
        overview["accounts"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"Acme") && !names.contains(&"Instance catalog"), "{overview}");
    assert_eq!(overview["database_ok"], true);
    let me: Value = app.rpc("current_user", &[], Some(&first)).await.json().await.unwrap();
    assert_eq!(me["instance_admin"], true);

    assert_eq!(app.rpc("operator/overview", &[], Some(&second)).await.status(), 404);
    assert_eq!(app.rpc("operator/overview", &[], None).await.status(), 401);
    let me: Value = app.rpc("current_user", &[], Some(&second)).await.json().await.unwrap();
    assert_eq!(me["instance_admin"], false);
    app.stop().await;
}

/// Every account-scoped route, with an operator key: no header (400; event types fall back to
/// the catalog), an unknown account (404), and the other account's header on one account's
/// resources (404, nothing changed).
#[tokio::test]
async fn every_account_scoped_route_needs_the_right_account_header() {
    let dir = tempfile::tempdir().unwrap();
    // One failed attempt, then nothing for an hour: Acme's data holds still while it is compared.
    let app =
        spawn_app_with(dir.path(), &["--allow-http", "--allow-private-destinations", "--retry-schedule", "1h"]).await;
    let op = operator_key(&app).await;
    call(&app, &op, None, Method::POST, "/accounts", Some(json!({"name": "Acme", "external_id": "acme"}))).await;
    call(&app, &op, None, Method::POST, "/accounts", Some(json!({"name": "Globex", "external_id": "globex"}))).await;
    call(&app, &op, Some("ext_acme"), Method::POST, "/event-types", Some(json!({"name": "order.shipped"}))).await;
    let receiver = Receiver::start(Reply::status(500)).await;
    let (_, sub) =
        call(&app, &op, Some("ext_acme"), Method::POST, "/subscriptions", Some(json!({"url": receiver.url}))).await;
    let (_, event) =
        call(&app, &op, Some("ext_acme"), Method::POST, "/events", Some(json!({"type": "order.shipped", "data": {}})))
            .await;
    let (sub, evt, dlv) = (
        sub["id"].as_str().unwrap().to_string(),
        event["id"].as_str().unwrap().to_string(),
        event["deliveries"][0]["id"].as_str().unwrap().to_string(),
    );
    for _ in 0..200 {
        let (_, delivery) = call(&app, &op, Some("ext_acme"), Method::GET, &format!("/deliveries/{dlv}"), None).await;
        if delivery["status"] == "retrying" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let since = json!({"since": "2020-01-01T00:00:00Z"});
    let one_account: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/event-types/order.shipped".into(), None),
        (Method::PATCH, "/event-types/order.shipped".into(), Some(json!({"description": "x"}))),
        (Method::DELETE, "/event-types/order.shipped".into(), None),
        (Method::GET, format!("/subscriptions/{sub}"), None),
        (Method::PUT, format!("/subscriptions/{sub}"), Some(json!({"url": "https://example.com/x"}))),
        (Method::PATCH, format!("/subscriptions/{sub}"), Some(json!({"description": "x"}))),
        (Method::GET, format!("/subscriptions/{sub}/secret"), None),
        (Method::POST, format!("/subscriptions/{sub}/secret/rotate"), None),
        (Method::POST, format!("/subscriptions/{sub}/test"), None),
        (Method::POST, format!("/subscriptions/{sub}/replay"), Some(since.clone())),
        (Method::DELETE, format!("/subscriptions/{sub}"), None),
        (Method::GET, format!("/events/{evt}"), None),
        (Method::GET, format!("/deliveries/{dlv}"), None),
        (Method::POST, format!("/deliveries/{dlv}/redeliver"), None),
    ];
    let lists: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, "/subscriptions".into(), None),
        (Method::POST, "/subscriptions".into(), Some(json!({"url": "https://example.com/y"}))),
        (Method::GET, "/events".into(), None),
        (Method::POST, "/events".into(), Some(json!({"type": "order.shipped", "data": {}}))),
        (Method::GET, "/deliveries".into(), None),
    ];
    let before = acme_state(&app, &op).await;
    for (method, path, body) in one_account.iter().chain(lists.iter()) {
        let (status, answer) = call(&app, &op, None, method.clone(), path, body.clone()).await;
        let expected = if path.starts_with("/event-types") { 404 } else { 400 };
        assert_eq!(status, expected, "{method} {path} without the header: {answer}");
        let (status, _) = call(&app, &op, Some("ext_nobody"), method.clone(), path, body.clone()).await;
        assert_eq!(status, 404, "{method} {path} naming an unknown account");
    }
    for (method, path, body) in &one_account {
        let (status, answer) = call(&app, &op, Some("ext_globex"), method.clone(), path, body.clone()).await;
        assert_eq!(status, 404, "{method} {path} in the other account: {answer}");
    }
    assert_eq!(acme_state(&app, &op).await, before, "nothing of Acme changed");
    app.stop().await;
}

/// What Acme holds, to compare before and after refused calls.
async fn acme_state(app: &TestApp, op: &str) -> Vec<Value> {
    let mut state = Vec::new();
    for path in ["/events", "/subscriptions", "/deliveries", "/event-types"] {
        state.push(call(app, op, Some("ext_acme"), Method::GET, path, None).await.1);
    }
    state
}
