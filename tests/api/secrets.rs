//! Secrets (passwords, API and operator keys, signing secrets, source tokens and verify
//! secrets, portal and invitation tokens, session ids) never reach the logs, even at debug
//! level, and appear in no answer but their own (the one that creates each, or the endpoint that
//! reveals it, such as a subscription's secret).

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use reqwest::{redirect, Client, Method};
use serde_json::{json, Value};

use crate::binary::free_port;
use crate::helpers::{session_cookie, PASSWORD};
use crate::receiver::{Receiver, Reply};

struct Running {
    child: Child,
    base: String,
    http: Client,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Running {
    async fn rpc(&self, name: &str, form: &[(&str, &str)], cookie: Option<&str>) -> reqwest::Response {
        let mut request = self.http.post(format!("{}/rpc/{name}", self.base)).form(form);
        if let Some(cookie) = cookie {
            request = request.header("cookie", cookie);
        }
        request.send().await.unwrap()
    }

    async fn api(&self, method: Method, path: &str, key: &str, body: Option<Value>) -> Value {
        let mut request = self.http.request(method, format!("{}/api/v1{path}", self.base)).bearer_auth(key);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        assert!(response.status().is_success(), "{path}: {}", response.status());
        response.json().await.unwrap_or(Value::Null)
    }

    async fn text(&self, path: &str, cookie: &str) -> String {
        self.http
            .get(format!("{}{path}", self.base))
            .header("cookie", cookie)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn secrets_never_reach_the_logs_or_answers_other_than_their_own() {
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("stderr.log");
    let port = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_hookrelay"))
        .args(["serve", "--log-format", "json", "--allow-http", "--allow-private-destinations"])
        .args(["--bind", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(dir.path())
        .envs(crate::helpers::database_env(dir.path()))
        .env("RUST_LOG", "debug")
        .stdout(Stdio::null())
        .stderr(std::fs::File::create(&log_path).unwrap())
        .spawn()
        .unwrap();
    let http = Client::builder().redirect(redirect::Policy::none()).build().unwrap();
    let app = Running { child, base: format!("http://127.0.0.1:{port}"), http };
    for _ in 0..200 {
        if app.http.get(format!("{}/healthz", app.base)).send().await.is_ok_and(|r| r.status().is_success()) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mut receiver = Receiver::start(Reply::status(204)).await;
    let mut secrets: Vec<(&str, String)> = vec![("password", PASSWORD.to_string())];

    // A person registers, fails a login, logs in, and makes an API key.
    let registered = app
        .rpc("register", &[("email", "secret-keeper@example.com"), ("password", PASSWORD), ("next", "")], None)
        .await;
    assert_eq!(registered.status(), 200);
    let _ = app
        .rpc("login", &[("email", "secret-keeper@example.com"), ("password", "a wrong password"), ("next", "")], None)
        .await;
    let login =
        app.rpc("login", &[("email", "secret-keeper@example.com"), ("password", PASSWORD), ("next", "")], None).await;
    let cookie = session_cookie(login.headers()).expect("session cookie");
    secrets.push(("session id", cookie.split_once('=').unwrap().1.to_string()));
    let created: Value = app.rpc("api_keys/create", &[("name", "ci")], Some(&cookie)).await.json().await.unwrap();
    let key = created["key"].as_str().unwrap().to_string();
    secrets.push(("API key", key.clone()));

    // A subscription, its secret and a rotation, and a delivered event.
    app.api(Method::POST, "/event-types", &key, Some(json!({"name": "invoice.paid"}))).await;
    let sub = app.api(Method::POST, "/subscriptions", &key, Some(json!({"url": receiver.url}))).await;
    let sub_id = sub["id"].as_str().unwrap().to_string();
    let first = app.api(Method::GET, &format!("/subscriptions/{sub_id}/secret"), &key, None).await;
    let rotated = app.api(Method::POST, &format!("/subscriptions/{sub_id}/secret/rotate"), &key, None).await;
    secrets.push(("signing secret", first["secret"].as_str().unwrap().to_string()));
    secrets.push(("rotated signing secret", rotated["secret"].as_str().unwrap().to_string()));
    let event = app.api(Method::POST, "/events", &key, Some(json!({"type": "invoice.paid", "data": {}}))).await;
    receiver.next().await;

    // Sources: a token in the header, one in the query with a verify secret; requests to both.
    let by_header =
        app.api(Method::POST, "/sources", &key, Some(json!({"name": "Header", "event_type": "invoice.paid"}))).await;
    let by_query = app
        .api(
            Method::POST,
            "/sources",
            &key,
            Some(json!({"name": "Query", "event_type": "invoice.paid", "token_in": "query",
                "verify": {"scheme": "stripe", "secret": "whsec_stripe_verify_secret_1234"}})),
        )
        .await;
    secrets.push(("source token", by_header["token"].as_str().unwrap().to_string()));
    secrets.push(("query source token", by_query["token"].as_str().unwrap().to_string()));
    secrets.push(("verify secret", "whsec_stripe_verify_secret_1234".to_string()));
    let inbound = |url: String| app.http.post(url).json(&json!({"n": 1}));
    inbound(by_header["url"].as_str().unwrap().to_string())
        .bearer_auth(by_header["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    let query_url = format!("{}?token={}", by_query["url"].as_str().unwrap(), by_query["token"].as_str().unwrap());
    let refused = inbound(query_url).header("stripe-signature", "t=1,v1=00").send().await.unwrap();
    assert_eq!(refused.status(), 401, "no valid Stripe signature");

    // An operator key, a portal link (used) and an invitation (opened).
    let operator = Command::new(env!("CARGO_BIN_EXE_hookrelay"))
        .args(["operator-key", "create", "--name", "ops", "--data-dir"])
        .arg(dir.path())
        .envs(crate::helpers::database_env(dir.path()))
        .output()
        .unwrap();
    let operator_key = String::from_utf8_lossy(&operator.stdout).lines().last().unwrap().trim().to_string();
    secrets.push(("operator key", operator_key.clone()));
    let accounts = app.api(Method::GET, "/accounts", &operator_key, None).await;
    let account = accounts["data"][0]["id"].as_str().unwrap().to_string();
    let portal =
        app.api(Method::POST, &format!("/accounts/{account}/portal-link"), &operator_key, Some(json!({}))).await;
    let invitation = app
        .api(
            Method::POST,
            &format!("/accounts/{account}/invitations"),
            &operator_key,
            Some(json!({"email": "new@example.com"})),
        )
        .await;
    let portal_url = portal["url"].as_str().unwrap().to_string();
    let invitation_url = invitation["url"].as_str().unwrap().to_string();
    secrets.push(("portal token", portal_url.rsplit('/').next().unwrap().to_string()));
    secrets.push(("invitation token", invitation_url.rsplit('/').next().unwrap().to_string()));
    // The link's page (whose form holds its token), then its button.
    let portal_visit = app.http.get(&portal_url).send().await.unwrap();
    assert_eq!(portal_visit.status(), 200);
    let portal_token = portal_url.rsplit('/').next().unwrap();
    assert_eq!(app.rpc("portal/open", &[("token", portal_token)], None).await.status(), 200);
    let _ = app.http.get(&invitation_url).send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Every answer that is not a secret's own: REST reads, server functions, dashboard pages.
    let mut answers = Vec::new();
    for path in [
        "/subscriptions".to_string(),
        format!("/subscriptions/{sub_id}"),
        "/events".to_string(),
        format!("/events/{}", event["id"].as_str().unwrap()),
        "/deliveries".to_string(),
        format!("/deliveries/{}", event["deliveries"][0]["id"].as_str().unwrap()),
        "/sources".to_string(),
        format!("/sources/{}", by_query["id"].as_str().unwrap()),
        "/event-types".to_string(),
    ] {
        answers.push((path.clone(), app.api(Method::GET, &path, &key, None).await.to_string()));
    }
    answers.push(("GET /accounts".into(), accounts.to_string()));
    for name in
        ["api_keys/list", "subscriptions/list", "sources/list", "overview/get", "current_user", "operator/overview"]
    {
        answers.push((name.into(), app.rpc(name, &[], Some(&cookie)).await.text().await.unwrap()));
    }
    for (name, id) in
        [("subscriptions/get", &sub_id), ("sources/detail", &by_query["id"].as_str().unwrap().to_string())]
    {
        answers.push((name.into(), app.rpc(name, &[("id", id)], Some(&cookie)).await.text().await.unwrap()));
    }
    for page in
        ["/", "/subscriptions", &format!("/subscriptions/{sub_id}"), "/events", "/sources", "/api-keys", "/operator"]
    {
        answers.push((format!("page {page}"), app.text(page, &cookie).await));
    }
    drop(app);

    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(log.contains(&sub_id) && log.contains(event["id"].as_str().unwrap()), "the debug log names what was done");
    let mut leaks = Vec::new();
    for (what, secret) in &secrets {
        if log.contains(secret.as_str()) {
            leaks.push(format!("the log holds the {what}"));
        }
        for (where_, text) in &answers {
            if text.contains(secret.as_str()) {
                leaks.push(format!("{where_} shows the {what}"));
            }
        }
    }
    assert!(leaks.is_empty(), "{}", leaks.join("\n"));
}
