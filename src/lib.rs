//! berth: a daemonless, docker-compatible container engine in one binary.
//!
//! Module map and dependency rules: see `docs/architecture.md` and `docs/layout.md`.
//! `cli -> engine -> {registry, image, spec, state, store, network}`; `monitor -> runtime, state, store, network`;
//! `runtime` depends on oci_spec, nix and its own files only.

pub mod cli;
pub mod config;
pub mod engine;
pub mod image;
pub mod monitor;
pub mod network;
pub mod registry;
pub mod runtime;
pub mod spec;
pub mod state;
pub mod store;
pub mod time;
