//! The dashboard's server functions, one module per page family. Each checks the session, then
//! calls the same domain function the REST API calls. URLs are fixed: `/rpc/<area>/<name>`.

pub mod access;
pub mod api_keys;
pub mod auth;
pub mod event_types;
pub mod events;
pub mod operator;
pub mod overview;
pub mod portal;
pub mod sources;
pub mod subscriptions;
