//! The Leptos application of Hookrelay: pages, components and server functions, plus (behind
//! the `ssr` feature) the domain rules and the storage layer that both the dashboard and the
//! REST API of the root package call.

pub mod alert_types;
pub mod components;
pub mod error;
pub mod model;
pub mod pages;
pub mod rpc;
pub mod shell;
pub mod validation;

#[cfg(feature = "ssr")]
pub mod domain;
#[cfg(feature = "ssr")]
pub mod metrics;
#[cfg(feature = "ssr")]
pub mod server;
#[cfg(feature = "ssr")]
pub mod store;

pub use shell::{shell, App};

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
