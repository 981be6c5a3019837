//! Container networking without a daemon: `none`, `host`, `container:<id>`, bridge networks (the default
//! `bridge` and user-defined ones), published ports, /etc/hosts, /etc/resolv.conf, /etc/hostname, and
//! rootless networking through pasta or slirp4netns.
//!
//! Must not depend on cli, engine, state or runtime; nothing here prints. Used by the engine (network
//! verbs, `connect`/`disconnect`) and by the container's monitor (setup before launch, teardown after exit).
//!
//! # Design: network namespace first, then the container
//!
//! Rootful bridge mode: [`prepare`] runs in the monitor before `runtime::launch`. It
//! 1. binds the published host ports ([`forward::bind_ports`]) so that a taken port fails the run with
//!    docker's `Bind for 0.0.0.0:8080 failed: port is already allocated` before anything exists;
//! 2. writes the container's network record `<run_root>/network/<id>.json` naming its owner (the
//!    monitor's pid and start time), so a crash from here on is found by [`cleanup_stale`];
//! 3. under the network's lock and the bridge's host-wide lock: creates the bridge if missing, leases
//!    an address (a file per address, `/run/berth-net/bridges/<bridge>/leases/<ip>`, claimed with
//!    O_EXCL; per bridge, not per store, since every store on the host shares `berth0`: see ipam.rs and
//!    docs/layout.md "Networks");
//! 4. creates the namespace pinned at `<run_root>/netns/<id>` (a thread unshares CLONE_NEWNET and
//!    bind-mounts its /proc/thread-self/ns/net: no fork of a multi-threaded caller) and, from inside it,
//!    five netlink requests create the veth pair (eth0 inside, `bv<hash>` sent to the host), set MAC,
//!    MTU, address and default route; two ioctls attach the host end to the bridge and bring it up;
//! 5. NAT is per network, as docker's: when the bridge is created, one `iptables-restore` adds
//!    MASQUERADE for the subnet and FORWARD accepts (`--internal`: FORWARD drops, no default route),
//!    every rule tagged `berth:<network>:<bridge>` and removed with the network (`network rm`);
//!    a container's setup and teardown run no iptables at all;
//! 6. starts the port forwarder, a child of the caller holding the bound sockets;
//! 7. on user networks, rewrites /etc/hosts of every container on the network, in place (they are
//!    bind-mounted), and points resolv.conf at docker's embedded resolver 127.0.0.11, which the
//!    container's monitor answers from the leases (`dns.rs`, `monitor/dns.rs`) for tools that query DNS
//!    directly; docker's default network gives no name resolution.
//!
//! The spec then joins the namespace (`linux.namespaces` net entry with `path` = [`Prepared::netns`]).
//! [`teardown`] undoes all of it and is idempotent: it works from the record and from deterministic names
//! (veth name and rule tag derive from container id and network), so it also cleans a half-done setup.
//!
//! Rootless: the network namespace must belong to the container's user namespace, so the runtime creates
//! it; from `runtime::Launch::on_namespaces` (after the maps, before the payload execs) the monitor calls
//! [`attach_rootless_for_monitor`], which starts pasta (preferred) or slirp4netns for the init's
//! namespaces with the `-p` forwards, so the payload sees its network from its first instruction.
//! There is no bridge and no lease rootless: each container has its own namespace and pasta's address,
//! so two stores (or users) cannot collide. A rootless bridge would live in the user's rootless network
//! namespace, so its leases would be per user (`store::Paths::bridges_dir` says where).
//!
//! # API for the monitor and the engine
//!
//! - before `runtime::launch`: [`setup_for_monitor`] (runs [`cleanup_stale`], resolves `--network`,
//!   [`prepare`]s, writes hosts/hostname/resolv.conf in place, points the spec's net namespace at the
//!   pinned file, or drops the entry for `host`);
//! - in launch's `on_namespaces` hook, when [`Prepared::needs_rootless_attach`]: [`attach_rootless_for_monitor`];
//! - after the container is gone, also when launch failed, and from `rm -f`/`prune` for a container
//!   whose monitor was killed: [`teardown`];
//! - `inspect`/`port`: [`status`]; `network connect/disconnect`: [`connect`], [`disconnect`].
//!
//! Cost per container: no process spawned (except the forwarder when ports are published), a thread
//! for the namespace, six netlink requests, three ioctls; `ip` and `iptables-restore` run only when a
//! network's bridge is created or removed.
//!
//! # Files
//!
//! This file holds the types the monitor and the engine pass in and get back. [`prepare`] and the
//! steps above are in `setup.rs`; endpoints (lease + veth), `connect`/`disconnect` and [`teardown`] in
//! `endpoint.rs`; the per-container record and its owner checks in `record.rs`; the hosts files of a
//! container and its peers in `hosts.rs` (their contents in `files.rs`); the sweep of what dead monitors
//! left in `stale.rs`; `--network` parsing, the spec's net namespace entry and the monitor's two calls
//! in `container.rs`. Addresses and network configs: `ipam.rs`; kernel plumbing: `link.rs`, `netlink.rs`.

pub mod dns;
pub mod files;
pub mod forward;
pub mod ipam;
pub mod link;
pub mod netlink;
pub mod pool;
pub mod rootless;

mod container;
mod endpoint;
mod hosts;
mod record;
mod setup;
mod stale;

pub use container::{
    MonitorNet, attach_rootless_for_monitor, parse_mode, point_spec_at, publish_all_ports,
    setup_container, setup_for_monitor,
};
pub use endpoint::{
    connect, disconnect, endpoints_of, mac_for, remove_bridge, teardown, veth_name,
};
pub use files::{DnsOptions, HostsInput, PeerEntry};
pub use forward::{PortAllocated, PortMapping, Proto, PublishedPort};
pub use ipam::{CreateOptions, NetworkConfig, Subnet};
pub use record::{process_start_time, record_rootless, status};
pub use rootless::{RootlessNet, RootlessTool, attach_rootless, rootless_tool};
pub use setup::{NoSuchNetwork, prepare};
pub use stale::{clean_stale_or_warn, cleanup_stale};

use serde::{Deserialize, Serialize};
use std::net::Ipv4Addr;
use std::path::PathBuf;

use crate::store::Paths;
pub use crate::types::{HostTarget, NetOptions};

/// `--network` as the engine resolved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum NetworkMode {
    /// A private namespace with only loopback.
    None,
    /// The host's namespace.
    Host,
    /// Join another container's namespace: the engine passes its namespace path
    /// (`<run_root>/netns/<id>` from [`netns_path`], or `/proc/<pid>/ns/net`).
    Container(PathBuf),
    /// Bridge networks by name, the first one primary (eth0, default route); usually one.
    Bridge(Vec<String>),
}

/// Everything the monitor knows about a container's networking, typed (the cli parsed the strings).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct NetworkRequest {
    pub container_id: String,
    /// The container's name without docker's leading slash.
    pub name: String,
    pub mode: NetworkMode,
    /// `--network-alias`, for the first network.
    pub aliases: Vec<String>,
    /// `--hostname` (default: the first 12 characters of the id).
    pub hostname: Option<String>,
    pub domainname: Option<String>,
    pub mac_address: Option<String>,
    /// `--ip`.
    pub ip: Option<Ipv4Addr>,
    pub ports: Vec<PortMapping>,
    pub extra_hosts: Vec<(String, HostTarget)>,
    pub dns: DnsOptions,
    /// Where to write `hosts`, `hostname`, `resolv.conf` (the container dir); they are written in place.
    pub files_dir: Option<PathBuf>,
    /// The process whose life bounds this setup (the monitor); 0 = the caller manages it.
    pub owner_pid: u32,
    /// The berth binary for the forwarder (default /proc/self/exe).
    pub exe: Option<PathBuf>,
    /// Subnet of the default network when it is first created (config; default [`ipam::DEFAULT_SUBNET`]).
    pub default_subnet: Option<Subnet>,
    /// `--link`: (linked container id, alias).
    pub links: Vec<(String, String)>,
}

impl NetworkRequest {
    /// A request with docker's defaults for everything but id, name and mode.
    pub fn new(container_id: &str, name: &str, mode: NetworkMode) -> NetworkRequest {
        NetworkRequest {
            container_id: container_id.into(),
            name: name.into(),
            mode,
            aliases: vec![],
            hostname: None,
            domainname: None,
            mac_address: None,
            ip: None,
            ports: vec![],
            extra_hosts: vec![],
            dns: DnsOptions::default(),
            files_dir: None,
            owner_pid: std::process::id(),
            exe: None,
            default_subnet: None,
            links: vec![],
        }
    }
}

/// How the spec's network namespace entry must look.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum SpecNetns {
    /// A net entry without path: the runtime creates an empty namespace (none; rootless bridge).
    New,
    /// No net entry: the host's namespace.
    Host,
    /// A net entry with this path.
    Join(PathBuf),
}

/// A container's attachment to one bridge network (docker's EndpointSettings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endpoint {
    pub network: String,
    pub network_id: String,
    pub endpoint_id: String,
    pub ifname: String,
    pub veth: String,
    pub ip: Ipv4Addr,
    pub prefix: u8,
    pub gateway: Ipv4Addr,
    pub mac: String,
    pub aliases: Vec<String>,
}

/// What [`prepare`] set up: for the spec, for `inspect`, and the files to bind-mount.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Prepared {
    pub netns: SpecNetns,
    pub endpoints: Vec<Endpoint>,
    pub ports: Vec<PublishedPort>,
    pub forwarder_pid: Option<u32>,
    pub hosts: String,
    pub resolv_conf: String,
    pub hostname: String,
    /// The caller is rootless and asked for a bridge network: call [`attach_rootless_for_monitor`] from
    /// launch's `on_namespaces` hook.
    pub needs_rootless_attach: bool,
}

/// The id of the predefined `host` or `none` network, which has no config file: derived from the store
/// root so it is stable per store (`network ls`, `inspect`, events).
pub fn virtual_network_id(paths: &Paths, name: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(
        format!("{}\0{name}", paths.root.display()).as_bytes(),
    ))
}

/// Where a container's network namespace is pinned.
pub fn netns_path(paths: &Paths, container_id: &str) -> PathBuf {
    paths.netns(container_id)
}

pub(super) fn short_id(id: &str) -> &str {
    &id[..id.len().min(12)]
}
