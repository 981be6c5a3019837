//! berth's one integration test binary. Each file below belongs to one area; `support` owns the test world
//! (a temp --root per test, the local registry, fixture images, the unprivileged test user).

mod support;

mod build;
mod build_more;
mod build_par;
mod build_peer;
mod cli;
mod cli_parity;
mod compose;
mod compose_compat;
mod compose_more;
mod container_ops;
mod container_parity;
mod containers;
mod devices;
mod dns;
mod health;
mod images;
mod inspect;
mod network;
mod ops;
mod overlay;
mod parity_more;
mod parity_more2;
mod pods;
mod pull_trace;
mod registry;
mod registry_config;
mod run_path;
mod runtime;
mod self_exe;
mod ship;
mod ship_peers;
mod ship_push;
