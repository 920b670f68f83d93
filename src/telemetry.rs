//! Structured logs through `tracing`, on stderr (stdout is kept for what commands print for
//! scripts: keys, URLs). `RUST_LOG` chooses what is shown; `--log-format` how.

use tracing_subscriber::EnvFilter;

use crate::cli::LogFormat;

pub fn init(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn"));
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    let _ = match format {
        // Fields flattened to the top level, so collectors index `delivery_id` and friends.
        LogFormat::Json => logs.json().flatten_event(true).with_current_span(false).try_init(),
        LogFormat::Pretty => logs.try_init(),
    };
}
