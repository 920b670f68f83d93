use std::path::{Path, PathBuf};

use clap::Parser;
use hookrelay::cli::{Cli, Command, ServeArgs};
use hookrelay::server::Server;
use reqwest::header::{HeaderMap, COOKIE, SET_COOKIE};
use reqwest::{redirect, Response};
use sha2::Digest;
use tempfile::TempDir;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

pub const SESSION_COOKIE: &str = "hookrelay_session";
pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub data_dir: PathBuf,
    shutdown: CancellationToken,
    handle: JoinHandle<anyhow::Result<()>>,
    _temp: Option<TempDir>,
}

/// Starts the server on a fresh temporary data folder.
pub async fn spawn_app() -> TestApp {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = temp.path().to_path_buf();
    let mut app = spawn_app_in(&dir).await;
    app._temp = Some(temp);
    app
}

pub fn serve_args(data_dir: &Path, extra: &[&str]) -> ServeArgs {
    let mut argv = vec!["hookrelay", "serve", "--data-dir", data_dir.to_str().expect("utf-8 path")];
    // A test that names its own database (through a proxy, say) keeps it.
    let database = if extra.contains(&"--database-url") { None } else { database_url(data_dir) };
    if let Some(url) = &database {
        argv.extend(["--database-url", url.as_str()]);
    }
    argv.extend_from_slice(extra);
    match Cli::try_parse_from(argv).expect("valid serve options").into_command() {
        Command::Serve(args) => args,
        other => panic!("expected serve, got {other:?}"),
    }
}

/// Whether the suite runs on PostgreSQL (`HOOKRELAY_TEST_BACKEND=postgres`, on the server
/// `HOOKRELAY_TEST_POSTGRES_URL` names; `scripts/test-rust.sh` runs it so after the SQLite run).
pub fn on_postgres() -> bool {
    std::env::var("HOOKRELAY_TEST_BACKEND").is_ok_and(|backend| backend == "postgres")
}

/// On PostgreSQL, the database that stands for a data folder: one per folder, made on first use,
/// so that a test that restarts a server on its folder finds its data again. `None` on SQLite
/// (the database is in the folder).
pub fn database_url(data_dir: &Path) -> Option<String> {
    if !on_postgres() {
        return None;
    }
    let server =
        std::env::var("HOOKRELAY_TEST_POSTGRES_URL").expect("HOOKRELAY_TEST_POSTGRES_URL names the test server");
    let digest = sha2::Sha256::digest(data_dir.to_string_lossy().as_bytes());
    let name = format!("api_{}", &hex::encode(digest)[..24]);
    let admin = server.clone();
    let create = name.clone();
    // Callers are sync and async alike: a thread of its own can block on its own runtime.
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        runtime.block_on(async {
            use sqlx::Connection;
            let mut connection = sqlx::PgConnection::connect(&admin).await.expect("the test PostgreSQL server answers");
            match sqlx::query(&format!("CREATE DATABASE {create}")).execute(&mut connection).await {
                Ok(_) => {}
                Err(sqlx::Error::Database(error)) if error.code().as_deref() == Some("42P04") => {}
                Err(error) => panic!("cannot create the test database {create}: {error}"),
            }
        })
    })
    .join()
    .expect("the test database is made");
    let mut url = url::Url::parse(&server).expect("a PostgreSQL URL");
    url.set_path(&name);
    Some(url.to_string())
}

/// The environment a `hookrelay` child process needs to use a data folder's database (on
/// PostgreSQL, its URL; nothing on SQLite).
pub fn database_env(data_dir: &Path) -> Vec<(&'static str, String)> {
    database_url(data_dir).map(|url| ("HOOKRELAY_DATABASE_URL", url)).into_iter().collect()
}

/// Starts the server on an existing data folder (to test restarts).
pub async fn spawn_app_in(data_dir: &Path) -> TestApp {
    spawn_app_with(data_dir, &[]).await
}

/// Starts the server on a data folder with extra `serve` options.
pub async fn spawn_app_with(data_dir: &Path, extra: &[&str]) -> TestApp {
    // The server's errors (RUST_LOG for more) appear in the output of a test that fails.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let mut args = serve_args(data_dir, extra);
    args.bind = addr;
    let base = format!("http://{addr}");
    let server = Server::build(&args, base.clone()).await.expect("server builds");
    let shutdown = CancellationToken::new();
    let handle = tokio::spawn(server.run(listener, shutdown.clone()));
    let http = reqwest::Client::builder().redirect(redirect::Policy::none()).build().expect("client");
    TestApp { base, http, data_dir: data_dir.to_path_buf(), shutdown, handle, _temp: None }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// The server's outcome if it stops by itself within `within`; `None` while it runs.
    pub async fn ended_within(&mut self, within: std::time::Duration) -> Option<anyhow::Result<()>> {
        let ended = tokio::time::timeout(within, &mut self.handle).await.ok()?;
        Some(ended.expect("server task"))
    }

    /// Stops the server and waits until it has released the database.
    pub async fn stop(self) -> Option<TempDir> {
        self.shutdown.cancel();
        self.handle.await.expect("server task").expect("server ran cleanly");
        self._temp
    }

    /// Calls a server function the way the hydrated browser does (no text/html in Accept).
    pub async fn rpc(&self, name: &str, form: &[(&str, &str)], cookie: Option<&str>) -> Response {
        let mut request = self.http.post(self.url(&format!("/rpc/{name}"))).form(form);
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        request.send().await.expect("rpc request")
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> Response {
        let mut request = self.http.get(self.url(path));
        if let Some(cookie) = cookie {
            request = request.header(COOKIE, cookie);
        }
        request.send().await.expect("get request")
    }

    /// Registers a user and returns the session cookie (`name=value`).
    pub async fn register(&self, email: &str) -> String {
        let response = self.rpc("register", &[("email", email), ("password", PASSWORD), ("next", "")], None).await;
        assert_eq!(response.status(), 200, "register {email}: {:?}", response.text().await);
        session_cookie(response.headers()).expect("register sets a session cookie")
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.rpc("login", &[("email", email), ("password", password), ("next", "")], None).await
    }
}

/// The `name=value` of the session cookie a response sets, if any.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    set_cookie_line(headers).and_then(|line| line.split(';').next().map(str::to_string))
}

/// The whole `Set-Cookie` line of the session cookie.
pub fn set_cookie_line(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .find(|line| line.starts_with(&format!("{SESSION_COOKIE}=")))
        .map(str::to_string)
}

pub fn unique_email(tag: &str) -> String {
    format!("{tag}-{}@example.com", ulid_like())
}

fn ulid_like() -> String {
    use std::time::{SystemTime, UNIX_EPOCH};
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    format!("{nanos:x}")
}

/// A registered user's session cookie and an API key of their account.
pub struct Caller {
    pub cookie: String,
    pub key: String,
    pub key_id: String,
}

impl TestApp {
    /// Registers `email` and creates an API key through the dashboard's server function.
    pub async fn caller(&self, email: &str) -> Caller {
        let cookie = self.register(email).await;
        let response = self.rpc("api_keys/create", &[("name", "tests")], Some(&cookie)).await;
        assert_eq!(response.status(), 200, "create key: {:?}", response.text().await);
        let created: serde_json::Value = response.json().await.expect("key JSON");
        Caller {
            cookie,
            key: created["key"].as_str().expect("key").to_string(),
            key_id: created["api_key"]["id"].as_str().expect("key id").to_string(),
        }
    }

    /// A request to `/api/v1{path}` signed with `key`.
    pub fn api(&self, method: reqwest::Method, path: &str, key: &str) -> reqwest::RequestBuilder {
        self.http.request(method, self.url(&format!("/api/v1{path}"))).bearer_auth(key)
    }
}

/// Asserts the API's error shape and returns it.
pub async fn expect_error(response: Response, status: u16, code: &str) -> serde_json::Value {
    assert_eq!(response.status(), status, "expected {status} {code}");
    let body: serde_json::Value = response.json().await.expect("JSON error body");
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    body
}
