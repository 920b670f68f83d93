//! The store's contract, tested through `Store` alone: what every backend must do the same.
//! Each test opens a fresh database (`world::open`), so that another backend runs the same
//! tests by opening its own kind there.

mod dashboard;
mod events;
mod instances;
mod queue;
mod retention;
mod world;
