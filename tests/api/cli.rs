//! The binary's command line, run as a separate process.

use std::process::Command;

use crate::binary::run;
use crate::helpers::{spawn_app_in, PASSWORD};

fn hookrelay() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hookrelay"))
}

async fn create_user(data_dir: &std::path::Path, email: &str, password: &str) -> std::process::Output {
    run(data_dir, &["user", "create", "--email", email], &format!("{password}\n")).await
}

#[tokio::test]
async fn user_create_makes_a_user_who_can_log_in_to_the_server() {
    let dir = tempfile::tempdir().unwrap();

    let output = create_user(dir.path(), "cli@example.com", PASSWORD).await;

    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stdout).contains("Created user cli@example.com"));
    let app = spawn_app_in(dir.path()).await;
    assert_eq!(app.login("cli@example.com", PASSWORD).await.status(), 200);
    app.stop().await;
}

#[tokio::test]
async fn user_create_refuses_a_short_password_and_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();

    let short = create_user(dir.path(), "short@example.com", "short").await;
    let first = create_user(dir.path(), "dup@example.com", PASSWORD).await;
    let duplicate = create_user(dir.path(), "dup@example.com", PASSWORD).await;

    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("password"));
    assert!(first.status.success());
    assert!(!duplicate.status.success());
    assert!(String::from_utf8_lossy(&duplicate.stderr).contains("already exists"));
}

#[test]
fn help_explains_every_serve_option() {
    let output = hookrelay().args(["serve", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);

    assert!(output.status.success());
    for option in [
        "--bind",
        "--data-dir",
        "--database-url",
        "--allow-http",
        "--allow-private-destinations",
        "--retry-schedule",
        "--request-timeout",
        "--retention",
        "HOOKRELAY_BIND",
        "HOOKRELAY_RETENTION",
    ] {
        assert!(help.contains(option), "serve --help lacks {option}:\n{help}");
    }
}

#[test]
fn a_bad_option_value_stops_start_up_naming_the_option() {
    let dir = tempfile::tempdir().unwrap();

    let flag =
        hookrelay().args(["serve", "--retry-schedule", "5s,soon"]).arg("--data-dir").arg(dir.path()).output().unwrap();
    let env = hookrelay()
        .arg("serve")
        .arg("--data-dir")
        .arg(dir.path())
        .envs(crate::helpers::database_env(dir.path()))
        .env("HOOKRELAY_REQUEST_TIMEOUT", "forever")
        .output()
        .unwrap();

    assert!(!flag.status.success());
    assert!(String::from_utf8_lossy(&flag.stderr).contains("--retry-schedule"));
    assert!(!env.status.success());
    assert!(String::from_utf8_lossy(&env.stderr).contains("--request-timeout"));
}

#[test]
fn a_database_that_cannot_be_migrated_stops_start_up_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hookrelay.db");
    std::fs::write(&db, b"this is not a database file, it is text pretending to be one......").unwrap();

    let output =
        hookrelay().arg("serve").arg("--data-dir").arg(dir.path()).arg("--bind").arg("127.0.0.1:0").output().unwrap();

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("hookrelay.db"), "{stderr}");
}

#[tokio::test]
async fn api_key_create_prints_a_working_key_on_the_last_line() {
    let dir = tempfile::tempdir().unwrap();
    assert!(create_user(dir.path(), "keys@example.com", PASSWORD).await.status.success());

    let output = hookrelay()
        .args(["api-key", "create", "--email", "KEYS@example.com", "--name", "billing"])
        .arg("--data-dir")
        .arg(dir.path())
        .envs(crate::helpers::database_env(dir.path()))
        .output()
        .unwrap();
    let unknown = hookrelay()
        .args(["api-key", "create", "--email", "nobody@example.com", "--name", "x"])
        .arg("--data-dir")
        .arg(dir.path())
        .envs(crate::helpers::database_env(dir.path()))
        .output()
        .unwrap();

    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8_lossy(&output.stdout);
    let key = stdout.lines().last().unwrap().trim().to_string();
    assert!(key.starts_with("hrk_"), "{stdout}");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no user"));
    let app = spawn_app_in(dir.path()).await;
    let response = app.api(reqwest::Method::GET, "/subscriptions", &key).send().await.unwrap();
    assert_eq!(response.status(), 200);
    app.stop().await;
}

/// An operator resets a password: the user's sessions end, the new password works, the old
/// one does not.
#[tokio::test]
async fn user_set_password_ends_the_users_sessions() {
    let dir = tempfile::tempdir().unwrap();
    assert!(create_user(dir.path(), "reset@example.com", PASSWORD).await.status.success());
    let app = spawn_app_in(dir.path()).await;
    let login = app.login("reset@example.com", PASSWORD).await;
    let cookie = crate::helpers::session_cookie(login.headers()).expect("signed in");
    assert_eq!(app.rpc("api_keys/list", &[], Some(&cookie)).await.status(), 200);

    let new_password = "a brand new passphrase";
    let output =
        run(dir.path(), &["user", "set-password", "--email", "Reset@example.com"], &format!("{new_password}\n")).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(app.rpc("api_keys/list", &[], Some(&cookie)).await.status(), 401, "the old session ended");
    assert_eq!(app.login("reset@example.com", PASSWORD).await.status(), 422, "the old password is gone");
    assert_eq!(app.login("reset@example.com", new_password).await.status(), 200);

    let unknown =
        run(dir.path(), &["user", "set-password", "--email", "nobody@example.com"], "whatever password\n").await;
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr).contains("--email"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );
    let short = run(dir.path(), &["user", "set-password", "--email", "reset@example.com"], "short\n").await;
    assert!(!short.status.success(), "a short password is refused");
    app.stop().await;
}

#[tokio::test]
async fn operator_keys_are_listed_and_revoked_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let app = spawn_app_in(dir.path()).await;
    let billing = crate::binary::cli(dir.path(), &["operator-key", "create", "--name", "billing"], "").await;
    let support = crate::binary::cli(dir.path(), &["operator-key", "create", "--name", "support"], "").await;
    let listed = run(dir.path(), &["operator-key", "list"], "").await;
    let listed = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(listed.contains("billing") && listed.contains("support") && listed.contains(&billing[..10]), "{listed}");
    assert!(!listed.contains(&billing), "the key itself is never shown again");

    let revoked = run(dir.path(), &["operator-key", "revoke", "--name", "billing"], "").await;
    assert!(revoked.status.success(), "{}", String::from_utf8_lossy(&revoked.stderr));
    let status = |key: String| {
        let request = app.http.get(app.url("/api/v1/accounts")).bearer_auth(key);
        async move { request.send().await.unwrap().status().as_u16() }
    };
    assert_eq!(status(billing).await, 401, "a revoked key is refused");
    assert_eq!(status(support).await, 200);
    let listed = run(dir.path(), &["operator-key", "list"], "").await;
    assert!(!String::from_utf8_lossy(&listed.stdout).contains("billing"));
    assert!(
        !run(dir.path(), &["operator-key", "revoke", "--name", "billing"], "").await.status.success(),
        "nothing left to revoke"
    );
    app.stop().await;
}
