//! The real `hookrelay` binary as a child process: for what only a separate process shows
//! (kill -9, its own environment variables, its memory in `/proc`).

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub(crate) struct Binary {
    pub child: Child,
    pub base: String,
}

pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

impl Binary {
    /// `hookrelay serve` on `port` with `args`, and `env` added to the environment; waits until
    /// `/healthz` answers.
    pub async fn start(data_dir: &Path, port: u16, args: &[&str], env: &[(&str, &str)]) -> Binary {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hookrelay"))
            .arg("serve")
            .args(args)
            .arg("--bind")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--data-dir")
            .arg(data_dir)
            .envs(crate::helpers::database_env(data_dir))
            .env("RUST_LOG", "warn")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start hookrelay");
        let base = format!("http://127.0.0.1:{port}");
        let http = reqwest::Client::builder().no_proxy().build().expect("client");
        for _ in 0..200 {
            if http.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success()) {
                return Binary { child, base };
            }
            if let Ok(Some(status)) = child.try_wait() {
                panic!("hookrelay exited before it answered: {status}");
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        child.kill().ok();
        child.wait().ok();
        panic!("hookrelay did not start");
    }

    /// A line of `/proc/<pid>/status` in KiB: `VmRSS` (resident now) or `VmHWM` (its peak).
    pub fn memory_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).expect("proc status");
        status
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{field}:")))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc status"))
    }

    pub fn kill(&mut self) {
        self.child.kill().ok();
        self.child.wait().ok();
    }
}

/// Runs a `hookrelay` command on `data_dir` with `stdin`; its last line of output, once it
/// succeeded.
pub(crate) async fn cli(data_dir: &Path, args: &[&str], stdin: &str) -> String {
    let output = run(data_dir, args, stdin).await;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().last().unwrap_or_default().trim().to_string()
}

/// Runs a `hookrelay` command on `data_dir` with `stdin`, whatever its outcome. It waits without
/// blocking the test's runtime: a server running in the test's process must go on answering
/// (and finish any write it has begun) while the command works on the same database.
pub(crate) async fn run(data_dir: &Path, args: &[&str], stdin: &str) -> std::process::Output {
    use tokio::io::AsyncWriteExt;
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_hookrelay"))
        .args(args)
        .arg("--data-dir")
        .arg(data_dir)
        .envs(crate::helpers::database_env(data_dir))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run hookrelay");
    let mut input = child.stdin.take().expect("stdin");
    input.write_all(stdin.as_bytes()).await.expect("stdin");
    drop(input);
    child.wait_with_output().await.expect("hookrelay exits")
}
