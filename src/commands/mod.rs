//! Command-line tools that work on the same database as a running server.

pub mod api_key;
pub mod backup;
pub mod operator_key;
pub mod user;
