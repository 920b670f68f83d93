//! The store's contract, tested through `Store` alone: what every backend must do the same.
//! Each test opens a fresh database of each backend (`world::every_backend`) and runs the same
//! steps on each.

mod accounts;
mod dashboard;
mod events;
mod instances;
mod queue;
mod retention;
mod world;
