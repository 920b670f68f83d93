//! The rules of Hookrelay, independent of how a request arrived: the REST API handlers and the
//! dashboard's server functions both call these functions, and only these reach the store.

pub mod accounts;
pub mod ids;
pub mod passwords;

/// Now, in Unix milliseconds: the unit every stored time uses.
pub fn now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    (now.unix_timestamp_nanos() / 1_000_000) as i64
}
