use crate::helpers::{session_cookie, set_cookie_line, spawn_app, spawn_app_in, unique_email, PASSWORD};

const BAD_CREDENTIALS: &str = "That email and password do not match an account.";

async fn error_body(response: reqwest::Response) -> serde_json::Value {
    response.json().await.expect("a JSON error body")
}

#[tokio::test]
async fn registering_signs_in_and_lands_on_the_overview() {
    let app = spawn_app().await;

    let response =
        app.rpc("register", &[("email", "Ada@Example.com"), ("password", PASSWORD), ("next", "")], None).await;

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["location"], "/");
    let cookie = session_cookie(response.headers()).expect("session cookie");
    let overview = app.get("/", Some(&cookie)).await;
    assert_eq!(overview.status(), 200);
    let html = overview.text().await.unwrap();
    assert!(html.contains("ada@example.com"), "the shell shows the lower-cased email");
    assert!(html.contains("Log out"));
    app.stop().await;
}

#[tokio::test]
async fn registration_refuses_bad_input_naming_the_field() {
    let app = spawn_app().await;
    app.register("taken@example.com").await;

    let short = app.rpc("register", &[("email", "new@example.com"), ("password", "short")], None).await;
    let bad_email = app.rpc("register", &[("email", "not-an-email"), ("password", PASSWORD)], None).await;
    let taken = app.rpc("register", &[("email", "TAKEN@example.com"), ("password", PASSWORD)], None).await;
    let missing = app.rpc("register", &[("email", "x@example.com")], None).await;

    assert_eq!(short.status(), 422);
    assert_eq!(error_body(short).await["Validation"]["field"], "password");
    assert_eq!(bad_email.status(), 422);
    assert_eq!(error_body(bad_email).await["Validation"]["field"], "email");
    assert_eq!(taken.status(), 409);
    assert_eq!(error_body(taken).await["Conflict"]["field"], "email");
    assert!(missing.status().is_client_error() || missing.status().is_server_error());
    assert_ne!(missing.status(), 200);
    // None of the refused registrations created a user that can sign in.
    assert_eq!(app.login("new@example.com", "short").await.status(), 422);
    app.stop().await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = spawn_app().await;
    app.register("known@example.com").await;

    let wrong_password = app.login("known@example.com", "not the password").await;
    let unknown_email = app.login("nobody@example.com", PASSWORD).await;

    assert_eq!(wrong_password.status(), 422);
    assert_eq!(unknown_email.status(), 422);
    assert!(session_cookie(wrong_password.headers()).is_none());
    let wrong = error_body(wrong_password).await;
    let unknown = error_body(unknown_email).await;
    assert_eq!(wrong, unknown);
    assert_eq!(wrong["Validation"]["message"], BAD_CREDENTIALS);
    app.stop().await;
}

#[tokio::test]
async fn login_goes_back_to_the_page_asked_for_but_never_off_site() {
    let app = spawn_app().await;
    app.register("back@example.com").await;

    let local =
        app.rpc("login", &[("email", "back@example.com"), ("password", PASSWORD), ("next", "/events?x=1")], None).await;
    let offsite = app
        .rpc("login", &[("email", "back@example.com"), ("password", PASSWORD), ("next", "https://evil.example/")], None)
        .await;
    let protocol_relative = app
        .rpc("login", &[("email", "back@example.com"), ("password", PASSWORD), ("next", "//evil.example")], None)
        .await;

    assert_eq!(local.headers()["location"], "/events?x=1");
    assert_eq!(offsite.headers()["location"], "/");
    assert_eq!(protocol_relative.headers()["location"], "/");
    app.stop().await;
}

#[tokio::test]
async fn the_session_cookie_is_http_only_and_same_site_lax() {
    let app = spawn_app().await;
    app.register("cookie@example.com").await;

    let response = app.login("cookie@example.com", PASSWORD).await;

    let line = set_cookie_line(response.headers()).expect("Set-Cookie").to_lowercase();
    assert!(line.contains("httponly"), "{line}");
    assert!(line.contains("samesite=lax"), "{line}");
    assert!(!line.contains("secure"), "plain http must not mark the cookie Secure: {line}");
    app.stop().await;
}

#[tokio::test]
async fn the_session_id_changes_at_login_and_the_old_one_is_dead() {
    let app = spawn_app().await;
    let first = app.register("cycle@example.com").await;

    let again = app.rpc("login", &[("email", "cycle@example.com"), ("password", PASSWORD)], Some(&first)).await;
    let second = session_cookie(again.headers()).expect("a new cookie at login");

    assert_ne!(first, second);
    assert_eq!(app.get("/", Some(&second)).await.status(), 200);
    assert_eq!(app.get("/", Some(&first)).await.status(), 303, "the pre-login id no longer signs in");
    app.stop().await;
}

#[tokio::test]
async fn logging_out_ends_the_session() {
    let app = spawn_app().await;
    let cookie = app.register("bye@example.com").await;

    let response = app.rpc("logout", &[], Some(&cookie)).await;

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["location"], "/login");
    assert_eq!(app.get("/", Some(&cookie)).await.status(), 303);
    let me: serde_json::Value = app.rpc("current_user", &[], Some(&cookie)).await.json().await.unwrap();
    assert!(me.is_null());
    app.stop().await;
}

#[tokio::test]
async fn current_user_names_the_signed_in_user_only() {
    let app = spawn_app().await;
    let cookie = app.register("me@example.com").await;

    let anonymous: serde_json::Value = app.rpc("current_user", &[], None).await.json().await.unwrap();
    let me: serde_json::Value = app.rpc("current_user", &[], Some(&cookie)).await.json().await.unwrap();

    assert!(anonymous.is_null());
    assert_eq!(me["email"], "me@example.com");
    assert!(me["account_id"].as_str().unwrap().starts_with("acc_"));
    app.stop().await;
}

#[tokio::test]
async fn failed_logins_are_throttled_per_email_even_for_the_right_password() {
    let app = spawn_app().await;
    let email = unique_email("throttle");
    app.register(&email).await;

    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(app.login(&email, "wrong password").await.status().as_u16());
    }
    let throttled = app.login(&email, PASSWORD).await;

    assert!(statuses.iter().all(|status| *status == 422), "{statuses:?}");
    assert_eq!(throttled.status(), 429);
    assert!(session_cookie(throttled.headers()).is_none());
    let body = error_body(throttled).await;
    assert!(body["RateLimited"].as_str().unwrap().contains("Too many sign-in attempts"));
    // Another email from the same address is still let through.
    app.register("other@example.com").await;
    assert_eq!(app.login("other@example.com", PASSWORD).await.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn failed_logins_are_throttled_per_client_address_across_emails() {
    let app = spawn_app().await;

    let mut last = 0;
    for attempt in 0..31 {
        last = app.login(&format!("guess{attempt}@example.com"), "whatever1").await.status().as_u16();
    }

    assert_eq!(last, 429);
    app.stop().await;
}

/// Behind a trusted reverse proxy each client is throttled on its own address (from
/// X-Forwarded-For), and the header is ignored from anyone else.
#[tokio::test]
async fn behind_a_trusted_proxy_each_forwarded_client_is_throttled_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let app = crate::helpers::spawn_app_with(dir.path(), &["--trusted-proxy", "127.0.0.1"]).await;
    let login_from = |client: &'static str, attempt: usize| {
        let form = [
            ("email", format!("guess{attempt}@example.com")),
            ("password", "whatever1".into()),
            ("next", String::new()),
        ];
        app.http.post(app.url("/rpc/login")).header("X-Forwarded-For", format!("1.1.1.1, {client}")).form(&form).send()
    };
    let first = login_from("203.0.113.1", 0).await.unwrap().status().as_u16();
    assert_ne!(first, 429);
    let mut last = 0;
    for attempt in 1..31 {
        last = login_from("203.0.113.1", attempt).await.unwrap().status().as_u16();
    }
    assert_eq!(last, 429, "the forwarded client used up its allowance");
    let other = login_from("203.0.113.2", 99).await.unwrap().status().as_u16();
    assert_eq!(other, first, "another client behind the same proxy is not throttled");
    app.stop().await;

    // Without --trusted-proxy the header is a client's claim, and changes nothing.
    let app = spawn_app().await;
    let mut last = 0;
    for attempt in 0..31 {
        let forged = format!("198.51.100.{attempt}");
        let form = [
            ("email", format!("guess{attempt}@example.com")),
            ("password", "whatever1".into()),
            ("next", String::new()),
        ];
        let response = app.http.post(app.url("/rpc/login")).header("X-Forwarded-For", forged).form(&form).send().await;
        last = response.unwrap().status().as_u16();
    }
    assert_eq!(last, 429, "a forged X-Forwarded-For does not escape the throttle");
    app.stop().await;
}

#[tokio::test]
async fn a_session_survives_a_server_restart() {
    let app = spawn_app().await;
    let cookie = app.register("restart@example.com").await;
    let data_dir = app.data_dir.clone();
    let temp = app.stop().await;

    let restarted = spawn_app_in(&data_dir).await;
    let response = restarted.get("/", Some(&cookie)).await;

    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("restart@example.com"));
    restarted.stop().await;
    drop(temp);
}

#[tokio::test]
async fn a_cross_site_post_with_the_victims_cookie_is_refused() {
    let app = spawn_app().await;
    let cookie = app.register("csrf@example.com").await;
    let host = app.base.trim_start_matches("http://").to_string();

    let cross_site = app
        .http
        .post(app.url("/rpc/api_keys/create"))
        .header("cookie", &cookie)
        .header("origin", "https://evil.example")
        .form(&[("name", "stolen")])
        .send()
        .await
        .unwrap();
    let same_site = app
        .http
        .post(app.url("/rpc/api_keys/create"))
        .header("cookie", &cookie)
        .header("origin", format!("http://{host}"))
        .form(&[("name", "mine")])
        .send()
        .await
        .unwrap();

    assert_eq!(cross_site.status(), 403);
    assert_eq!(same_site.status(), 200);
    let keys: serde_json::Value = app.rpc("api_keys/list", &[], Some(&cookie)).await.json().await.unwrap();
    let names: Vec<&str> = keys.as_array().unwrap().iter().map(|k| k["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["mine"], "the cross-site request created nothing");
    app.stop().await;
}

/// CSRF: an `Origin` must be this instance's own, scheme and port included; DNS rebinding: a
/// host name that is not ours is refused before any page or function runs.
#[tokio::test]
async fn the_dashboard_answers_only_its_own_origin_and_host_names() {
    let app = spawn_app().await;
    let cookie = app.register(&unique_email("origin")).await;
    let authority = app.base.trim_start_matches("http://").to_string();
    let port: u16 = authority.rsplit(':').next().unwrap().parse().unwrap();
    for origin in [format!("https://{authority}"), format!("http://127.0.0.1:{}", port + 1), "null".to_string()] {
        let response = app
            .http
            .post(app.url("/rpc/api_keys/create"))
            .header("cookie", &cookie)
            .header("origin", &origin)
            .form(&[("name", "csrf")])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{origin}");
    }
    let same = app
        .http
        .post(app.url("/rpc/api_keys/list"))
        .header("cookie", &cookie)
        .header("origin", format!("http://{authority}"))
        .send()
        .await
        .unwrap();
    assert_eq!(same.status(), 200, "the instance's own origin");

    for path in ["/", "/login", "/live", "/rpc/current_user"] {
        let rebound = app
            .http
            .get(app.url(path))
            .header("host", format!("evil.example:{port}"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(rebound.status(), 421, "{path} under a foreign host name");
    }
    let localhost = app.http.get(app.url("/login")).header("host", format!("localhost:{port}")).send().await.unwrap();
    assert_eq!(localhost.status(), 200);
    app.stop().await;
}

/// Every page carries a Content-Security-Policy whose nonce is on each of its inline scripts,
/// and every answer says nosniff and same-origin referrers.
#[tokio::test]
async fn pages_carry_a_content_security_policy_that_fits_their_scripts() {
    let app = spawn_app().await;
    let cookie = app.register(&unique_email("csp")).await;
    for (path, signed_in) in [("/login", false), ("/", true), ("/events", true), ("/no-such-page", true)] {
        let response = app.get(path, signed_in.then_some(cookie.as_str())).await;
        assert!(response.status() == 200 || response.status() == 404, "{path}: {}", response.status());
        let headers = response.headers().clone();
        let policy = headers["content-security-policy"].to_str().unwrap().to_string();
        assert!(policy.contains("script-src 'self' 'wasm-unsafe-eval' 'nonce-"), "{path}: {policy}");
        assert!(policy.contains("frame-ancestors 'none'"), "{path}: {policy}");
        assert!(
            !policy.contains("unsafe-inline'; script") && !policy.contains("script-src 'unsafe-inline'"),
            "{policy}"
        );
        assert_eq!(headers["x-content-type-options"], "nosniff");
        assert_eq!(headers["referrer-policy"], "same-origin");
        let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).unwrap().to_string();
        let html = response.text().await.unwrap();
        let scripts: Vec<&str> =
            html.split("<script").skip(1).map(|tag| tag.split('>').next().unwrap_or_default()).collect();
        assert!(!scripts.is_empty(), "{path} has scripts");
        for tag in scripts {
            assert!(tag.contains(&format!("nonce=\"{nonce}\"")) || tag.contains(" src="), "{path}: <script{tag}>");
        }
    }
    let api = app.http.get(app.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(api.headers()["x-content-type-options"], "nosniff");
    assert!(api.headers()["content-security-policy"].to_str().unwrap().contains("frame-ancestors 'none'"));
    app.stop().await;
}

/// A user changes their password on its page: their other sessions end, this one goes on.
#[tokio::test]
async fn changing_the_password_ends_the_other_sessions() {
    let app = spawn_app().await;
    let email = unique_email("change");
    let here = app.register(&email).await;
    let elsewhere = session_cookie(app.login(&email, PASSWORD).await.headers()).expect("a second session");

    let wrong = app
        .rpc(
            "change_password",
            &[("current_password", "not it at all"), ("new_password", "a new passphrase")],
            Some(&here),
        )
        .await;
    assert_eq!(wrong.status(), 422);
    assert_eq!(error_body(wrong).await["Validation"]["field"], "current_password");
    let short =
        app.rpc("change_password", &[("current_password", PASSWORD), ("new_password", "short")], Some(&here)).await;
    assert_eq!(error_body(short).await["Validation"]["field"], "new_password");

    let changed = app
        .rpc("change_password", &[("current_password", PASSWORD), ("new_password", "a new passphrase")], Some(&here))
        .await;
    assert_eq!(changed.status(), 200);
    let here = session_cookie(changed.headers()).expect("this session is signed in again");
    assert_eq!(app.rpc("api_keys/list", &[], Some(&here)).await.status(), 200, "this session goes on");
    assert_eq!(app.rpc("api_keys/list", &[], Some(&elsewhere)).await.status(), 401, "the other one ended");
    assert_eq!(app.login(&email, PASSWORD).await.status(), 422);
    assert_eq!(app.login(&email, "a new passphrase").await.status(), 200);
    let page = app.get("/password", Some(&here)).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Change password"));
    app.stop().await;
}
