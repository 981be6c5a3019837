//! berth: a daemonless, docker-compatible container engine in one binary.
//!
//! Module map and dependency rules: see `docs/architecture.md` (kept true by the `module_rules` test)
//! and `docs/layout.md` (every path berth writes).

pub mod cli;
pub mod compose;
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
pub mod trace;
pub mod types;

#[cfg(test)]
mod module_rules;
#[cfg(test)]
mod testing;
