//! The Hookrelay server: configuration, the HTTP surface around the Leptos app, and the
//! command-line tools. The domain rules and the storage layer live in the `app` crate (behind
//! its `ssr` feature) so that the dashboard's server functions can call them too.

pub mod api;
pub mod cli;
pub mod commands;
pub mod data_dir;
pub mod http;
pub mod server;
pub mod session_key;
pub mod telemetry;
pub mod worker;
