use std::path::{Path, PathBuf};

use clap::Parser;
use hookrelay::cli::{Cli, Command, ServeArgs};
use hookrelay::server::Server;
use reqwest::header::{HeaderMap, COOKIE, SET_COOKIE};
use reqwest::{redirect, Response};
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
    argv.extend_from_slice(extra);
    match Cli::parse_from(argv).into_command() {
        Command::Serve(args) => args,
        other => panic!("expected serve, got {other:?}"),
    }
}

/// Starts the server on an existing data folder (to test restarts).
pub async fn spawn_app_in(data_dir: &Path) -> TestApp {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("local addr");
    let mut args = serve_args(data_dir, &[]);
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
