//! The rules of Hookrelay, independent of how a request arrived: the REST API's handlers and the
//! dashboard's server functions call these functions, and reach the store only through them
//! (`tests/api/layers.rs` checks both folders). The rest of the server uses the store directly
//! only for its own machinery: the worker runs the queue through [`queue::Queue`], and start-up,
//! `/healthz`, `/metrics`, the retention sweep and the command line open, check, measure, purge,
//! copy and close it. No module here imports one that imports it back (checked there too).

pub mod accounts;
pub mod alerts;
pub mod api_keys;
pub mod bearer;
pub mod deliveries;
pub mod envelope;
pub mod event_types;
pub mod events;
pub mod ids;
pub mod instance;
pub mod invitations;
pub mod live;
pub mod operator_keys;
pub mod overview;
pub mod paging;
pub mod passwords;
pub mod pipeline;
pub mod portal_links;
pub mod queue;
pub mod sender_signatures;
pub mod signing;
pub mod sources;
pub mod subscriptions;
pub mod tokens;
pub mod users;

/// Now, in Unix milliseconds: the unit every stored time uses.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}

/// A stored time as RFC 3339 in UTC, the form every API answer uses.
pub fn format_time(ms: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// Parses an RFC 3339 time given in `field` into Unix milliseconds.
pub fn parse_time(field: &str, text: &str) -> Result<i64, crate::error::AppError> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .map(|t| (t.unix_timestamp_nanos() / 1_000_000) as i64)
        .map_err(|_| {
            crate::error::AppError::validation(
                field,
                format!("{field} must be an RFC 3339 time such as 2026-01-31T12:00:00Z."),
            )
        })
}

/// A duration written `250ms`, `5s`, `5m`, `2h` or `1d` (command-line options, API fields).
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    if text.is_empty() {
        return Err("expected a duration such as 250ms, 5s, 5m, 2h or 1d".into());
    }
    humantime::parse_duration(text)
        .map_err(|error| format!("{error}; expected a duration such as 250ms, 5s, 5m, 2h or 1d"))
}

/// `n` random bytes from the operating system's generator.
pub fn random_bytes<const N: usize>() -> [u8; N] {
    use rand::RngCore;
    let mut bytes = [0u8; N];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(super::format_time(0), "1970-01-01T00:00:00Z");
        assert_eq!(super::format_time(1_700_000_000_123), "2023-11-14T22:13:20.123Z");
    }
}
