//! Integration tests: the real server on a random port with a temporary SQLite file (or, with
//! `HOOKRELAY_TEST_BACKEND=postgres`, a database of its own on PostgreSQL), driven over HTTP. One
//! binary, one module per area.

mod alerts;
mod auth;
mod binary;
mod cli;
pub(crate) mod crash;
mod dashboard;
mod database;
mod delivery;
mod faults;
mod helpers;
mod inbound;
mod instances;
mod layers;
mod limits;
mod operations;
pub(crate) mod operator;
mod pages;
mod receiver;
mod rest_access;
mod rest_event_types;
mod rest_subscriptions;
mod secrets;
mod ssrf;
mod sweep;
