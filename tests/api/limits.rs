//! What anyone can send without a session must not grow the server's memory: the throttles
//! keep no input, only bounded hashes, and password hashing (19 MiB each) runs a few at a time.
//! The real binary, so that `/proc/<pid>/status` is the server's alone.

use futures_util::stream::{self, StreamExt};

use crate::binary::{free_port, Binary};
use crate::helpers::{spawn_app, unique_email, PASSWORD};

const MIB: u64 = 1024;

/// Posts a server function's form to the binary, as a client named by `forwarded_for` when given.
async fn rpc(
    http: &reqwest::Client,
    base: &str,
    name: &str,
    form: &[(&str, &str)],
    forwarded_for: Option<&str>,
) -> u16 {
    let mut request = http.post(format!("{base}/rpc/{name}")).form(form);
    if let Some(client) = forwarded_for {
        request = request.header("x-forwarded-for", client);
    }
    request.send().await.map(|response| response.status().as_u16()).unwrap_or(0)
}

#[tokio::test]
async fn sign_in_attempts_with_megabyte_names_leave_memory_where_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Binary::start(dir.path(), free_port(), &[], &[]).await;
    let http = reqwest::Client::new();
    let attempt = |n: usize| {
        let (http, base) = (http.clone(), server.base.clone());
        async move {
            // Each one different, as an attacker would make them.
            let name = format!("{n}{}", "x".repeat(1 << 20));
            let email = format!("{name}@example.com");
            let (endpoint, form) = if n.is_multiple_of(2) {
                ("login", vec![("email", email.as_str()), ("password", "guess"), ("next", "")])
            } else {
                ("accept_invitation", vec![("token", name.as_str()), ("password", "guess")])
            };
            rpc(&http, &base, endpoint, &form, None).await
        }
    };
    // Warm up the allocator with what one such request costs anyway.
    let warm: Vec<u16> = stream::iter(0..20).map(attempt).buffer_unordered(4).collect().await;
    assert!(warm.iter().all(|status| (400..500).contains(status)), "{warm:?}");
    let before = server.memory_kib("VmRSS");
    let answers: Vec<u16> = stream::iter(20..220).map(attempt).buffer_unordered(4).collect().await;
    let after = server.memory_kib("VmRSS");
    server.kill();
    assert!(answers.iter().all(|status| (400..500).contains(status)), "{answers:?}");
    assert!(answers.contains(&429), "the client was throttled");
    let grown = after.saturating_sub(before);
    assert!(grown < 16 * MIB, "200 attempts with 1 MB names grew the server by {} MiB", grown / MIB);
}

#[tokio::test]
async fn two_hundred_logins_at_once_wait_their_turn_to_hash() {
    let dir = tempfile::tempdir().unwrap();
    // Each login from its own address (through a trusted proxy), so no throttle stops them
    // and every one reaches the password check.
    let mut server = Binary::start(dir.path(), free_port(), &["--trusted-proxy", "127.0.0.1"], &[]).await;
    let http = reqwest::Client::new();
    let answers: Vec<u16> = futures_util::future::join_all((0..200).map(|n| {
        let (http, base) = (http.clone(), server.base.clone());
        async move {
            let email = format!("guess-{n}@example.com");
            let client = format!("10.9.{}.{}", n / 250, n % 250 + 1);
            rpc(
                &http,
                &base,
                "login",
                &[("email", &email), ("password", "a wrong password"), ("next", "")],
                Some(&client),
            )
            .await
        }
    }))
    .await;
    let peak = server.memory_kib("VmHWM");
    server.kill();
    assert!(answers.iter().all(|status| *status == 422), "each is a wrong password, none failed: {answers:?}");
    // One argon2 hash holds 19 MiB; a few at once is well under this, 200 at once far over.
    assert!(peak < 400 * MIB, "the server peaked at {} MiB", peak / MIB);
}

#[tokio::test]
async fn a_burst_of_registrations_from_one_client_is_throttled() {
    let app = spawn_app().await;
    let mut statuses = Vec::new();
    for _ in 0..40 {
        let email = unique_email("burst");
        let response = app.rpc("register", &[("email", &email), ("password", PASSWORD), ("next", "")], None).await;
        statuses.push(response.status().as_u16());
    }
    let created = statuses.iter().filter(|s| **s == 200).count();
    let throttled = statuses.iter().filter(|s| **s == 429).count();
    assert_eq!(created + throttled, 40, "{statuses:?}");
    assert!(throttled >= 15 && created <= 25, "{statuses:?}");
    app.stop().await;
}
