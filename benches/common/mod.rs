//! What the benchmarks share: the release binary, its CLI, a running server, percentiles.

#![allow(dead_code)] // each benchmark uses its own part of this

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub const EMAIL: &str = "bench@example.com";
pub const PASSWORD: &str = "correct horse battery";

pub fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// The release binary, or the one `BENCH_BINARY` names (to compare two builds in one sitting).
pub fn binary() -> PathBuf {
    let path = match std::env::var_os("BENCH_BINARY") {
        Some(path) => PathBuf::from(path),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/release/hookrelay"),
    };
    assert!(path.exists(), "build the release binary first (make build), or name one in BENCH_BINARY");
    path
}

/// The database a benchmark runs on: SQLite in its data folder, or with `BENCH_DATABASE_URL`
/// (a PostgreSQL server, e.g. `postgres://user@host/postgres`) a fresh database made there for
/// each run; as the environment its commands and servers need.
pub async fn database_env() -> Vec<(&'static str, String)> {
    use sqlx::Connection;
    let Ok(server) = std::env::var("BENCH_DATABASE_URL") else {
        return Vec::new();
    };
    let name = format!(
        "bench_{}_{}",
        std::process::id(),
        std::time::SystemTime::UNIX_EPOCH.elapsed().map_or(0, |d| d.as_micros())
    );
    let mut admin = sqlx::PgConnection::connect(&server).await.expect("BENCH_DATABASE_URL answers");
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(&mut admin).await.expect("a benchmark database");
    let mut url = url::Url::parse(&server).expect("BENCH_DATABASE_URL is a URL");
    url.set_path(&name);
    vec![("HOOKRELAY_DATABASE_URL", url.to_string())]
}

/// Runs a `hookrelay` command on `data_dir` with `stdin`; its last line of output.
pub fn run_cli(data_dir: &Path, env: &[(&str, String)], args: &[&str], stdin: &str) -> String {
    let mut child = Command::new(binary())
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .envs(env.iter().map(|(name, value)| (*name, value)))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("run hookrelay");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("stdin");
    let output = child.wait_with_output().expect("hookrelay exits");
    String::from_utf8_lossy(&output.stdout).lines().last().unwrap_or_default().trim().to_string()
}

/// A `hookrelay serve` on a free loopback port, killed when dropped.
pub struct Server {
    pub child: Child,
    pub base: String,
}

impl Server {
    pub async fn start(data_dir: &Path, env: &[(&str, String)], extra: &[&str]) -> Server {
        let port =
            std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("port");
        let child = Command::new(binary())
            .args(["serve", "--allow-http", "--allow-private-destinations", "--bind", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(data_dir)
            .args(extra)
            .envs(env.iter().map(|(name, value)| (*name, value)))
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start hookrelay");
        let server = Server { child, base: format!("http://127.0.0.1:{port}") };
        let http = reqwest::Client::new();
        for _ in 0..600 {
            if http.get(format!("{}/healthz", server.base)).send().await.is_ok_and(|r| r.status().is_success()) {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("hookrelay did not become healthy");
    }

    /// The server's peak resident memory so far, from /proc.
    pub fn peak_memory_kib(&self) -> Option<u64> {
        self.status_kib("VmHWM:")
    }

    /// The server's resident memory now, from /proc.
    pub fn memory_kib(&self) -> Option<u64> {
        self.status_kib("VmRSS:")
    }

    fn status_kib(&self, field: &str) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).ok()?;
        status.lines().find(|l| l.starts_with(field))?.split_whitespace().nth(1)?.parse().ok()
    }

    /// The CPU time the server (all its threads) has used so far, user and system, in seconds:
    /// `/proc/<pid>/stat`'s utime and stime, in the kernel's clock ticks (100 a second on Linux).
    pub fn cpu_seconds(&self) -> Option<f64> {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).ok()?;
        // The fields after the command name (which may hold spaces) start at its closing ')'.
        let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
        let utime: f64 = fields.get(11)?.parse().ok()?;
        let stime: f64 = fields.get(12)?.parse().ok()?;
        Some((utime + stime) / 100.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}
