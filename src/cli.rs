//! The command line (`hookrelay --help` lists it; the README shows its use). Every `serve`
//! option is also an environment variable.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "hookrelay",
    version,
    about = "Self-hosted webhook delivery with a dashboard, in one binary.",
    long_about = "Self-hosted webhook delivery with a dashboard, in one binary.\n\n\
                  Without a command, `hookrelay` runs `serve` with the options below.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// How logs (on stderr) are written: `pretty`, one readable line per event, or `json`, one
    /// JSON object per line for a log collector. `RUST_LOG` chooses what is logged.
    #[arg(long, global = true, env = "HOOKRELAY_LOG_FORMAT", value_enum, default_value = "pretty")]
    pub log_format: LogFormat,

    #[command(flatten)]
    pub serve: ServeArgs,
}

impl Cli {
    /// The command to run; no command means `serve`.
    pub fn into_command(self) -> Command {
        self.command.unwrap_or(Command::Serve(self.serve))
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server, the dashboard and the delivery worker (the default).
    Serve(ServeArgs),
    /// Manage users.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage API keys.
    #[command(name = "api-key")]
    ApiKey {
        #[command(subcommand)]
        command: ApiKeyCommand,
    },
    /// Manage operator keys, which create accounts and act in any of them.
    #[command(name = "operator-key")]
    OperatorKey {
        #[command(subcommand)]
        command: OperatorKeyCommand,
    },
    /// Write a consistent copy of the database to FILE, safely while the server runs.
    Backup(BackupArgs),
}

#[derive(Debug, Clone, Args)]
pub struct BackupArgs {
    #[command(flatten)]
    pub storage: StorageArgs,

    /// Where to write the copy; it must not exist yet. Restore by stopping the server and
    /// putting this file in place of hookrelay.db.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Pretty,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Registration {
    Open,
    Invite,
}

#[derive(Debug, Subcommand)]
pub enum OperatorKeyCommand {
    /// Create an operator key; the key is printed alone on the last line.
    Create(OperatorKeyCreateArgs),
    /// List the operator keys that work: name, id, the key's first characters, when created and
    /// last used.
    List(StorageOnlyArgs),
    /// Revoke the operator key with this name; requests with it are refused from then on.
    Revoke(OperatorKeyCreateArgs),
}

/// A command that needs only the database.
#[derive(Debug, Clone, Args)]
pub struct StorageOnlyArgs {
    #[command(flatten)]
    pub storage: StorageArgs,
}

#[derive(Debug, Clone, Args)]
pub struct OperatorKeyCreateArgs {
    #[command(flatten)]
    pub storage: StorageArgs,

    /// The key's name, such as the backend that uses it.
    #[arg(long)]
    pub name: String,
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create an API key for a user's account; the key is printed alone on the last line.
    Create(ApiKeyCreateArgs),
}

#[derive(Debug, Clone, Args)]
pub struct ApiKeyCreateArgs {
    #[command(flatten)]
    pub storage: StorageArgs,

    /// The email of a user of the account the key is for.
    #[arg(long)]
    pub email: String,

    /// A name to tell the key apart, such as the service that will use it.
    #[arg(long)]
    pub name: String,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create a user and its account; the password is read from standard input.
    Create(UserCreateArgs),
    /// Set a user's password (read from standard input); every session of the user ends.
    #[command(name = "set-password")]
    SetPassword(UserSetPasswordArgs),
}

#[derive(Debug, Clone, Args)]
pub struct UserSetPasswordArgs {
    #[command(flatten)]
    pub storage: StorageArgs,

    /// The user's email address.
    #[arg(long)]
    pub email: String,
}

/// Where the data lives; shared by every command so that they all work on one database.
#[derive(Debug, Clone, Args)]
pub struct StorageArgs {
    /// Folder for the database and the session signing key; created if missing.
    #[arg(long, env = "HOOKRELAY_DATA_DIR", default_value = "./data", value_name = "DIR")]
    pub data_dir: PathBuf,

    /// Database to use [default: sqlite://<data-dir>/hookrelay.db]. A postgres:// URL lets
    /// several instances share one database.
    #[arg(long, env = "HOOKRELAY_DATABASE_URL", value_name = "URL", value_parser = parse_database_url)]
    pub database_url: Option<String>,

    /// Names this instance's claims on a shared (PostgreSQL) database: an instance that
    /// restarts under the same name takes back its own claims at once [default: host name and
    /// process id].
    #[arg(long, env = "HOOKRELAY_INSTANCE_ID", value_name = "NAME")]
    pub instance_id: Option<String>,
}

impl StorageArgs {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}", self.data_dir.join("hookrelay.db").display()))
    }

    pub fn instance_id(&self) -> String {
        self.instance_id
            .clone()
            .unwrap_or_else(|| format!("{}:{}", gethostname::gethostname().to_string_lossy(), std::process::id()))
    }

    /// Whether the database is PostgreSQL (shared by instances) rather than this folder's SQLite.
    pub fn is_postgres(&self) -> bool {
        self.database_url.as_deref().is_some_and(app::store::is_postgres_url)
    }

    /// Opens the database the server uses, creating it (and its data folder) and bringing its
    /// schema up to date if need be.
    pub async fn open(&self) -> anyhow::Result<app::store::Store> {
        crate::data_dir::create(&self.data_dir)?;
        let store = self.connect().await?;
        store
            .migrate()
            .await
            .with_context(|| format!("cannot apply the database migrations to {}", redacted(&self.database_url())))?;
        Ok(store)
    }

    /// Opens the database as it is.
    pub async fn connect(&self) -> anyhow::Result<app::store::Store> {
        let url = self.database_url();
        app::store::Store::connect(&url, &self.instance_id())
            .await
            .with_context(|| format!("cannot open the database {}", redacted(&url)))
    }
}

/// A database URL without its password, to show in messages and logs.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_string(),
    }
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub storage: StorageArgs,

    /// Address and port to listen on.
    #[arg(long, env = "HOOKRELAY_BIND", default_value = "127.0.0.1:3000", value_name = "ADDR")]
    pub bind: SocketAddr,

    /// The URL users reach this instance at, when it differs from http://<bind> (behind a
    /// reverse proxy). An https URL makes the session cookie Secure.
    #[arg(long, env = "HOOKRELAY_PUBLIC_URL", value_name = "URL", value_parser = parse_public_url)]
    pub public_url: Option<String>,

    /// Reverse proxies (IP addresses, comma-separated) whose X-Forwarded-For header names the
    /// client, so that login throttling counts each client rather than the proxy.
    #[arg(long = "trusted-proxy", env = "HOOKRELAY_TRUSTED_PROXIES", value_name = "IP", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,

    /// Who may create an account: anyone (`open`), or only people with an invitation (`invite`).
    #[arg(long, env = "HOOKRELAY_REGISTRATION", value_enum, default_value = "open")]
    pub registration: Registration,

    /// Accept plain-http subscription URLs (otherwise https is required).
    #[arg(long, env = "HOOKRELAY_ALLOW_HTTP")]
    pub allow_http: bool,

    /// Allow deliveries to loopback, private, link-local and other internal addresses.
    #[arg(long, env = "HOOKRELAY_ALLOW_PRIVATE_DESTINATIONS")]
    pub allow_private_destinations: bool,

    /// A forward proxy every delivery goes through (for a fixed egress address), such as
    /// http://proxy.internal:3128. The environment's HTTP_PROXY, HTTPS_PROXY and ALL_PROXY are
    /// never used for deliveries. Destinations are still checked against internal addresses
    /// before each request; the proxy must refuse them too (see the README).
    #[arg(long, env = "HOOKRELAY_EGRESS_PROXY", value_name = "URL", value_parser = parse_proxy_url)]
    pub egress_proxy: Option<String>,

    /// Delays between attempts after the first, comma-separated; after the last, a delivery fails.
    #[arg(long, env = "HOOKRELAY_RETRY_SCHEDULE", default_value = "5s,5m,30m,2h,5h,10h,10h",
          value_name = "DURATIONS", value_parser = parse_schedule)]
    pub retry_schedule: RetrySchedule,

    /// How long one delivery attempt may take, connection included.
    #[arg(long, env = "HOOKRELAY_REQUEST_TIMEOUT", default_value = "15s", value_name = "DURATION",
          value_parser = parse_duration)]
    pub request_timeout: Duration,

    /// Largest event payload (`data`) accepted, in bytes; larger ones are refused with 413.
    #[arg(long, env = "HOOKRELAY_MAX_PAYLOAD_BYTES", default_value_t = 256 * 1024, value_name = "BYTES")]
    pub max_payload_bytes: usize,

    /// Most delivery attempts in flight at once, over all subscriptions.
    #[arg(long, env = "HOOKRELAY_MAX_IN_FLIGHT", default_value_t = 64, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_in_flight: u32,

    /// Delivery attempts in flight at once to one subscription, to start with: an endpoint that
    /// answers fast and cleanly is given more (up to its account's share), one that times out,
    /// refuses connections or answers 429 or 5xx fewer (down to one).
    #[arg(long, env = "HOOKRELAY_MAX_IN_FLIGHT_PER_SUBSCRIPTION", default_value_t = 8, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub max_in_flight_per_subscription: u32,

    /// Most delivery attempts in flight at once for one account, so that one account with many
    /// slow endpoints cannot hold every slot [default: half of --max-in-flight].
    #[arg(long, env = "HOOKRELAY_MAX_IN_FLIGHT_PER_ACCOUNT", value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub max_in_flight_per_account: Option<u32>,

    /// A subscription whose deliveries have all failed for this long is disabled.
    #[arg(long, env = "HOOKRELAY_DISABLE_FAILING_AFTER", default_value = "5d", value_name = "DURATION",
          value_parser = parse_duration)]
    pub disable_failing_after: Duration,

    /// How long payloads and attempt bodies are kept.
    #[arg(long, env = "HOOKRELAY_RETENTION", default_value = "30d", value_name = "DURATION",
          value_parser = parse_duration)]
    pub retention: Duration,
}

impl ServeArgs {
    /// `--max-in-flight-per-account`, or half of `--max-in-flight` (at least one).
    pub fn max_in_flight_per_account(&self) -> std::num::NonZeroU32 {
        let limit = self.max_in_flight_per_account.unwrap_or(self.max_in_flight / 2);
        std::num::NonZeroU32::new(limit).unwrap_or(std::num::NonZeroU32::MIN)
    }
}

#[derive(Debug, Clone, Args)]
pub struct UserCreateArgs {
    #[command(flatten)]
    pub storage: StorageArgs,

    /// The new user's email address.
    #[arg(long)]
    pub email: String,

    /// Make the user an instance admin, who sees the operator page (every account's name and
    /// figures). Without it, only the first user of an instance with no account yet is one.
    #[arg(long)]
    pub admin: bool,
}

/// The delays between delivery attempts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule(pub Vec<Duration>);

/// Parses `250ms`, `5s`, `5m`, `2h`, `1d` (and combinations such as `1h30m`).
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    app::domain::parse_duration(text)
}

fn parse_schedule(text: &str) -> Result<RetrySchedule, String> {
    let delays = text
        .split(',')
        .map(|part| parse_duration(part).map_err(|error| format!("'{}': {error}", part.trim())))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(RetrySchedule(delays))
}

fn parse_database_url(text: &str) -> Result<String, String> {
    if text.starts_with("sqlite:") || app::store::is_postgres_url(text) {
        Ok(text.to_string())
    } else {
        Err("expected a sqlite: or postgres:// URL, e.g. sqlite://./data/hookrelay.db or postgres://hookrelay@db.internal/hookrelay".into())
    }
}

fn parse_proxy_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|error| format!("not a URL: {error}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err("expected an http or https URL such as http://proxy.internal:3128".into());
    }
    Ok(text.to_string())
}

fn parse_public_url(text: &str) -> Result<String, String> {
    let url = url::Url::parse(text).map_err(|error| format!("not a URL: {error}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err("expected an http or https URL such as https://hooks.example.com".into());
    }
    Ok(text.trim_end_matches('/').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_the_documented_units() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("5s"), Ok(Duration::from_secs(5)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7200)));
        assert_eq!(parse_duration("1d"), Ok(Duration::from_secs(86400)));
        assert!(parse_duration("5").is_err());
        assert!(parse_duration("soon").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn the_default_schedule_parses() {
        let schedule = parse_schedule("5s,5m,30m,2h,5h,10h,10h").unwrap();
        assert_eq!(schedule.0.len(), 7);
        assert_eq!(schedule.0[6], Duration::from_secs(36000));
        assert!(parse_schedule("5s,,5m").is_err());
    }

    #[test]
    fn a_bad_value_is_refused_naming_the_option() {
        let error = Cli::try_parse_from(["hookrelay", "serve", "--request-timeout", "fast"]).unwrap_err();
        assert!(error.to_string().contains("--request-timeout"), "{error}");
        let error = Cli::try_parse_from(["hookrelay", "serve", "--bind", "nowhere"]).unwrap_err();
        assert!(error.to_string().contains("--bind"), "{error}");
    }
}
