//! Sweeps over the whole surface (every REST route, every server function, the inbound
//! endpoint): hostile input, the wrong caller, another account's ids. Each refusal must be a
//! 4xx in the documented shape and leave the database exactly as it was.

mod inbound;
mod openapi;
mod probe;
mod rest;
mod rpc;
mod snapshot;
mod values;
mod world;
