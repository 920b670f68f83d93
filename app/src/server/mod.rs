//! Server-side glue between Leptos and the domain: the shared state, the typed session and the
//! login throttle. Server functions and the root package's axum layers both use these.

pub mod client_ip;
pub mod context;
pub mod rate_limit;
pub mod session;
pub mod state;

pub use context::authorize;
pub use state::{app_state, AppState, Settings};
