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
//!    bind-mounted): berth keeps hosts files current instead of running a DNS server, which is enough
//!    for busybox `wget http://db/`, and `ping db`; docker's default network gives no name resolution.
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

pub mod files;
pub mod forward;
pub mod ipam;
pub mod link;
pub mod netlink;
pub mod pool;
pub mod rootless;
mod stale;

pub use files::{DnsOptions, HostsInput, PeerEntry};
pub use forward::{PortAllocated, PortMapping, Proto, PublishedPort};
pub use ipam::{CreateOptions, NetworkConfig, Subnet};
pub use rootless::{RootlessNet, RootlessTool, attach_rootless, rootless_tool};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use crate::store::{self, Paths};
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

/// The per-container record `<run_root>/network/<id>.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Record {
    container_id: String,
    name: String,
    owner_pid: u32,
    owner_start: Option<u64>,
    netns: Option<PathBuf>,
    files_dir: Option<PathBuf>,
    hosts_input: HostsInput,
    endpoints: Vec<Endpoint>,
    /// Networks being joined (written before anything is created, so teardown finds them after a crash).
    networks: Vec<String>,
    forwarder: Option<(u32, Option<u64>)>,
    rootless_helper: Option<(u32, Option<u64>)>,
    ports: Vec<PublishedPort>,
}

fn records_dir(paths: &Paths) -> PathBuf {
    paths.network_records_dir()
}
fn record_path(paths: &Paths, id: &str) -> PathBuf {
    records_dir(paths).join(format!("{id}.json"))
}
/// Where a container's network namespace is pinned.
pub fn netns_path(paths: &Paths, container_id: &str) -> PathBuf {
    paths.netns(container_id)
}

fn read_record(paths: &Paths, id: &str) -> Option<Record> {
    std::fs::read(record_path(paths, id))
        .ok()
        .and_then(|d| serde_json::from_slice(&d).ok())
}
fn write_record(paths: &Paths, r: &Record) -> Result<()> {
    store::create_private_dir(&records_dir(paths))?;
    let data = serde_json::to_vec(r).context("encoding network record")?;
    store::write_volatile(&record_path(paths, &r.container_id), &data)
}

/// The host side of a container's veth on a network: deterministic, so teardown finds it without a record.
pub fn veth_name(container_id: &str, network: &str) -> String {
    let h = sha2::Sha256::digest(format!("{container_id}\0{network}").as_bytes());
    format!("bv{}", &hex::encode(h)[..11])
}

/// docker's MAC scheme for bridge endpoints: 02:42 followed by the IPv4 address.
pub fn mac_for(ip: Ipv4Addr) -> String {
    let o = ip.octets();
    format!("02:42:{:02x}:{:02x}:{:02x}:{:02x}", o[0], o[1], o[2], o[3])
}

/// Start time of a process (field 22 of /proc/PID/stat), to tell a live pid from a recycled one.
pub fn process_start_time(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &s[s.rfind(')')? + 2..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// Alive: the pid exists, is not a zombie (a killed forwarder reparented to init may linger as one),
/// and, when known, has the recorded start time.
fn alive(pid: u32, start: Option<u64>) -> bool {
    if pid == 0 {
        return false;
    }
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 2..]) else {
        return false;
    };
    let mut f = rest.split_whitespace();
    if f.next() == Some("Z") {
        return false;
    }
    let started = f.nth(18).and_then(|s| s.parse::<u64>().ok());
    started.is_some() && start.is_none_or(|want| Some(want) == started)
}

fn kill_process(pid: u32, start: Option<u64>) {
    if !alive(pid, start) {
        return;
    }
    let p = nix::unistd::Pid::from_raw(pid as i32);
    let _ = nix::sys::signal::kill(p, nix::sys::signal::Signal::SIGKILL);
    // Reap it when it is our child (the monitor's forwarder); harmless otherwise.
    for _ in 0..100 {
        match nix::sys::wait::waitpid(p, Some(nix::sys::wait::WaitPidFlag::WNOHANG)) {
            Ok(nix::sys::wait::WaitStatus::StillAlive) => {
                std::thread::sleep(std::time::Duration::from_millis(2))
            }
            _ => break,
        }
        if !alive(pid, start) {
            break;
        }
    }
}

fn short_id(id: &str) -> &str {
    &id[..id.len().min(12)]
}

/// Set up networking for a container before it starts. See the module header for the steps.
/// On error everything done so far is undone (and both errors are reported if that fails too).
pub fn prepare(paths: &Paths, req: &NetworkRequest) -> Result<Prepared> {
    let started = std::time::Instant::now();
    let hostname = req
        .hostname
        .clone()
        .unwrap_or_else(|| short_id(&req.container_id).to_string());
    let resolv_conf = files::resolv_conf_content(&files::host_resolv_conf(), &req.dns);
    let mut prepared = Prepared {
        netns: SpecNetns::New,
        endpoints: vec![],
        ports: vec![],
        forwarder_pid: None,
        hosts: String::new(),
        resolv_conf,
        hostname: files::hostname_content(&hostname),
        needs_rootless_attach: false,
    };
    let mut hosts_input = HostsInput {
        hostname: hostname.clone(),
        domainname: req.domainname.clone(),
        ..Default::default()
    };
    let networks = match &req.mode {
        NetworkMode::None => vec![],
        NetworkMode::Host => {
            prepared.netns = SpecNetns::Host;
            // docker: a host-network container sees the host's own files and hostname.
            prepared.resolv_conf = std::fs::read_to_string("/etc/resolv.conf").unwrap_or_default();
            prepared.hostname = std::fs::read_to_string("/etc/hostname")
                .unwrap_or_else(|_| files::hostname_content(&hostname));
            prepared.hosts = std::fs::read_to_string("/etc/hosts").unwrap_or_default();
            write_files(req, &prepared)?;
            return Ok(prepared);
        }
        NetworkMode::Container(p) => {
            prepared.netns = SpecNetns::Join(p.clone());
            vec![]
        }
        NetworkMode::Bridge(n) => n.clone(),
    };
    if networks.is_empty() {
        hosts_input.extra_hosts = resolve_extra_hosts(&req.extra_hosts, None)?;
        prepared.hosts = files::hosts_content(&hosts_input, &[]);
        write_files(req, &prepared)?;
        return Ok(prepared);
    }
    if paths.rootless {
        prepared.needs_rootless_attach = true;
        // Rootless: slirp4netns/pasta's gateway is 10.0.2.2.
        hosts_input.extra_hosts =
            resolve_extra_hosts(&req.extra_hosts, Some(Ipv4Addr::new(10, 0, 2, 2)))?;
        hosts_input.own_ip = Some(IpAddr::V4(Ipv4Addr::new(10, 0, 2, 100)));
        prepared.hosts = files::hosts_content(&hosts_input, &[]);
        write_files(req, &prepared)?;
        return Ok(prepared);
    }
    if read_record(paths, &req.container_id).is_some() {
        bail!(
            "container {} already has its network set up",
            req.container_id
        );
    }
    // 1. ports first: a conflict fails before anything exists.
    let bound = forward::bind_ports(&req.ports)?;
    let record = Record {
        container_id: req.container_id.clone(),
        name: req.name.clone(),
        owner_pid: req.owner_pid,
        owner_start: process_start_time(req.owner_pid),
        netns: Some(netns_path(paths, &req.container_id)),
        files_dir: req.files_dir.clone(),
        hosts_input,
        endpoints: vec![],
        networks: networks.clone(),
        forwarder: None,
        rootless_helper: None,
        ports: bound.iter().map(|b| b.published.clone()).collect(),
    };
    match prepare_bridge(paths, req, record, bound, &mut prepared) {
        Ok(()) => {
            log::debug!(
                "network of {} prepared in {:?}",
                req.container_id,
                started.elapsed()
            );
            Ok(prepared)
        }
        Err(e) => match teardown(paths, &req.container_id) {
            Ok(()) => Err(e),
            Err(t) => Err(e.context(format!(
                "cleaning up the failed network setup also failed: {t:#}"
            ))),
        },
    }
}

fn prepare_bridge(
    paths: &Paths,
    req: &NetworkRequest,
    mut record: Record,
    bound: Vec<forward::BoundPort>,
    prepared: &mut Prepared,
) -> Result<()> {
    write_record(paths, &record)?;
    let netns = netns_path(paths, &req.container_id);
    link::ensure_netns_dir(netns.parent().context("netns dir")?)?;
    for (i, net) in record.networks.clone().iter().enumerate() {
        let cfg = network_config(paths, net, req.default_subnet)?;
        let opts = EndpointOptions {
            ifname: format!("eth{i}"),
            aliases: if i == 0 { req.aliases.clone() } else { vec![] },
            ip: if i == 0 { req.ip } else { None },
            mac: if i == 0 {
                req.mac_address.clone()
            } else {
                None
            },
            primary: i == 0,
            owner: (record.owner_pid, record.owner_start),
        };
        let ep = add_endpoint(
            paths,
            &cfg,
            &req.container_id,
            &req.name,
            &netns,
            i == 0,
            &opts,
        )?;
        record.endpoints.push(ep);
        write_record(paths, &record)?;
    }
    let primary = record.endpoints.first().context("no endpoint")?.clone();
    record.hosts_input.own_ip = Some(IpAddr::V4(primary.ip));
    record.hosts_input.extra_hosts = resolve_extra_hosts(&req.extra_hosts, Some(primary.gateway))?;
    if !bound.is_empty() {
        let exe = req
            .exe
            .clone()
            .unwrap_or_else(|| PathBuf::from("/proc/self/exe"));
        let pid = forward::spawn_forwarder(&exe, IpAddr::V4(primary.ip), bound, req.owner_pid)?;
        record.forwarder = Some((pid, process_start_time(pid)));
        prepared.forwarder_pid = Some(pid);
    }
    write_record(paths, &record)?;
    prepared.netns = SpecNetns::Join(netns);
    prepared.endpoints = record.endpoints.clone();
    prepared.ports = record.ports.clone();
    prepared.hosts = files::hosts_content(&record.hosts_input, &peers_of(paths, &record));
    write_files(req, prepared)?;
    for ep in &record.endpoints {
        // Under the network's lock: two containers joining at once must not overwrite a peer's hosts
        // file with a list that misses the other one.
        let _g = ipam::network_lock(paths, &ep.network)?;
        refresh_peer_hosts(paths, &ep.network, &req.container_id)?;
    }
    Ok(())
}

fn network_config(
    paths: &Paths,
    name: &str,
    default_subnet: Option<Subnet>,
) -> Result<NetworkConfig> {
    if name == ipam::DEFAULT_NETWORK {
        return ipam::ensure_default(paths, default_subnet);
    }
    ipam::try_load(paths, name)?.ok_or_else(|| anyhow::Error::new(NoSuchNetwork(name.to_string())))
}

/// docker's wording for an unknown network.
#[derive(Debug, thiserror::Error)]
#[error("network {0} not found")]
pub struct NoSuchNetwork(pub String);

struct EndpointOptions {
    ifname: String,
    aliases: Vec<String>,
    ip: Option<Ipv4Addr>,
    mac: Option<String>,
    primary: bool,
    /// The process whose life bounds the lease, and its start time (the record's owner).
    owner: (u32, Option<u64>),
}

/// Lease an address on `cfg` and plug the namespace at `netns` into its bridge (creating the namespace
/// when `create` is set).
fn add_endpoint(
    paths: &Paths,
    cfg: &NetworkConfig,
    container_id: &str,
    name: &str,
    netns: &Path,
    create: bool,
    opts: &EndpointOptions,
) -> Result<Endpoint> {
    let _g = ipam::network_lock(paths, &cfg.name)?;
    // Host-wide: other stores lease addresses on the same bridge (docs/layout.md "Networks").
    let bridge_lock = ipam::bridge_lock(paths, &cfg.bridge)?;
    stale::adopt_store_leases(paths, cfg)?;
    link::ensure_bridge(cfg)?;
    let lease = ipam::Lease {
        container_id: container_id.into(),
        name: name.into(),
        aliases: opts.aliases.clone(),
        network: cfg.name.clone(),
        run_root: paths.run_root.clone(),
        owner_pid: opts.owner.0,
        owner_start: opts.owner.1,
    };
    let ip = match ipam::allocate_ip(paths, cfg, opts.ip, &lease) {
        Ok(ip) => ip,
        // Held, or all held: a dead holder's lease (of any store) gives its address back.
        Err(e)
            if (e.is::<ipam::AddressInUse>() || e.is::<ipam::PoolExhausted>())
                && stale::reclaim_stale_leases(paths, &cfg.bridge, opts.ip, false) > 0 =>
        {
            ipam::allocate_ip(paths, cfg, opts.ip, &lease)?
        }
        Err(e) => return Err(e),
    };
    let lease_file = ipam::bridge_leases_dir(paths, &cfg.bridge)?.join(ip.to_string());
    let veth = veth_name(container_id, &cfg.name);
    let mac = opts.mac.clone().unwrap_or_else(|| mac_for(ip));
    let ep = Endpoint {
        network: cfg.name.clone(),
        network_id: cfg.id.clone(),
        endpoint_id: ipam::random_hex(32),
        ifname: opts.ifname.clone(),
        veth: veth.clone(),
        ip,
        prefix: cfg.subnet.prefix,
        gateway: cfg.gateway,
        mac: mac.clone(),
        aliases: opts.aliases.clone(),
    };
    let el = link::EndpointLink {
        ifname: &opts.ifname,
        veth: &veth,
        mac: &mac,
        ip,
        prefix: cfg.subnet.prefix,
        gateway: cfg.gateway,
        mtu: cfg.mtu,
        default_route: opts.primary && !cfg.internal,
        bridge: &cfg.bridge,
    };
    let res = (|| -> Result<()> {
        let t = std::time::Instant::now();
        // The host end of this container's previous run (restart, stop+start) can outlive it: its
        // namespace was unpinned and the kernel frees the pair asynchronously. The name is ours by
        // construction, so a leftover is deleted instead of failing with EEXIST.
        link::delete_link(&veth)?;
        if create {
            link::create_endpoint_netns(netns, &el)?;
        } else {
            link::add_endpoint(netns, &el)?;
        }
        log::debug!(
            "network {}: veth {} plugged in {:?}",
            cfg.name,
            veth,
            t.elapsed()
        );
        Ok(())
    })();
    if let Err(e) = res {
        let _ = link::delete_link(&veth);
        let _ = std::fs::remove_file(&lease_file);
        bridge_lock.remove_dir_if_unused();
        return Err(e);
    }
    Ok(ep)
}

fn resolve_extra_hosts(
    extra: &[(String, HostTarget)],
    gateway: Option<Ipv4Addr>,
) -> Result<Vec<(String, IpAddr)>> {
    extra
        .iter()
        .map(|(h, t)| match t {
            HostTarget::Ip(ip) => Ok((h.clone(), *ip)),
            HostTarget::HostGateway => match gateway {
                Some(g) => Ok((h.clone(), IpAddr::V4(g))),
                None => bail!("host-gateway is not available without a bridge network (--add-host {h}:host-gateway)"),
            },
        })
        .collect()
}

fn write_files(req: &NetworkRequest, p: &Prepared) -> Result<()> {
    let Some(dir) = &req.files_dir else {
        return Ok(());
    };
    files::write_in_place(&dir.join("hosts"), &p.hosts)?;
    files::write_in_place(&dir.join("hostname"), &p.hostname)?;
    files::write_in_place(&dir.join("resolv.conf"), &p.resolv_conf)?;
    Ok(())
}

/// Everyone `rec` shares a name-resolving network with: name, aliases and short id per address.
fn peers_of(paths: &Paths, rec: &Record) -> Vec<PeerEntry> {
    let mut out: Vec<PeerEntry> = Vec::new();
    for ep in &rec.endpoints {
        if ep.network == ipam::DEFAULT_NETWORK {
            continue;
        }
        for (ip, _, lease) in leases_of(paths, &ep.network) {
            if lease.container_id == rec.container_id {
                continue;
            }
            let ip = IpAddr::V4(ip);
            let mut names = vec![lease.name.clone()];
            names.extend(lease.aliases.iter().cloned());
            names.push(short_id(&lease.container_id).to_string());
            names.retain(|n| !n.is_empty());
            names.dedup();
            out.push(PeerEntry { ip, names });
        }
    }
    out
}

/// Rewrite, in place, /etc/hosts of every container on `network` other than `except`. The caller
/// holds the network's lock.
fn refresh_peer_hosts(paths: &Paths, network: &str, except: &str) -> Result<()> {
    if network == ipam::DEFAULT_NETWORK {
        return Ok(());
    }
    for (_, _, lease) in leases_of(paths, network) {
        if lease.container_id == except {
            continue;
        }
        let Some(rec) = read_record(paths, &lease.container_id) else {
            continue;
        };
        let Some(dir) = &rec.files_dir else { continue };
        let content = files::hosts_content(&rec.hosts_input, &peers_of(paths, &rec));
        let hosts = dir.join("hosts");
        if hosts.exists() {
            files::write_in_place(&hosts, &content)?;
        }
    }
    Ok(())
}

/// Remove everything [`prepare`] (or [`connect`]) made for a container: forwarder, rootless helper,
/// rules, veths, leases, the pinned namespace, the record. Idempotent; safe on a half-done setup.
pub fn teardown(paths: &Paths, container_id: &str) -> Result<()> {
    let started = std::time::Instant::now();
    let rec = read_record(paths, container_id);
    if let Some(r) = &rec {
        if let Some((pid, start)) = r.forwarder {
            kill_process(pid, start);
        }
        if let Some((pid, start)) = r.rootless_helper {
            kill_process(pid, start);
        }
    }
    let mut errors = Vec::new();
    let mut networks: Vec<String> = rec.as_ref().map(|r| r.networks.clone()).unwrap_or_default();
    if let Some(r) = &rec {
        networks.extend(r.endpoints.iter().map(|e| e.network.clone()));
    }
    // Without a record (or a stale one), find the container's leases by scanning every network.
    for cfg in ipam::list(paths).unwrap_or_default() {
        if ipam::network_leases(paths, &cfg)
            .iter()
            .any(|(_, _, l)| l.container_id == container_id)
        {
            networks.push(cfg.name);
        }
    }
    networks.sort();
    networks.dedup();
    // Unpin the namespace first: when nothing else holds it, it dies and takes its veth pairs along.
    let ns = netns_path(paths, container_id);
    let pinned = ipam::exists(&ns);
    link::remove_netns(&ns);
    for net in &networks {
        if let Err(e) = remove_endpoint(paths, net, container_id, !pinned) {
            errors.push(format!("{e:#}"));
        }
    }
    log::debug!(
        "network of {container_id} torn down in {:?}",
        started.elapsed()
    );
    if errors.is_empty() {
        let _ = std::fs::remove_file(record_path(paths, container_id));
        Ok(())
    } else {
        bail!(
            "tearing down the network of {container_id}: {}",
            errors.join("; ")
        )
    }
}

/// The leases of network `network` of this store (on its bridge, which other stores may share).
fn leases_of(paths: &Paths, network: &str) -> Vec<(Ipv4Addr, PathBuf, ipam::Lease)> {
    match ipam::try_load(paths, network) {
        Ok(Some(cfg)) => ipam::network_leases(paths, &cfg),
        _ => Vec::new(),
    }
}

/// Remove one endpoint's lease and update its peers' hosts files. `delete_veth`: delete the host end
/// explicitly (disconnect, or a namespace berth did not pin); otherwise the kernel removes the pair
/// together with the unpinned namespace, asynchronously, which spares teardown the ~20 ms a
/// synchronous veth deletion waits for RCU.
fn remove_endpoint(paths: &Paths, net: &str, container_id: &str, delete_veth: bool) -> Result<()> {
    if delete_veth {
        link::delete_link(&veth_name(container_id, net))?;
    }
    let _g = ipam::network_lock(paths, net)?;
    if let Some(cfg) = ipam::try_load(paths, net)? {
        let bridge = ipam::bridge_lock(paths, &cfg.bridge)?;
        stale::adopt_store_leases(paths, &cfg)?;
        for (_, p, l) in ipam::network_leases(paths, &cfg) {
            if l.container_id == container_id {
                std::fs::remove_file(&p)
                    .with_context(|| format!("removing lease {}", p.display()))?;
            }
        }
        bridge.remove_dir_if_unused();
    }
    refresh_peer_hosts(paths, net, container_id)
}

/// Tear down every container network whose owner (monitor) died without doing it: a kill -9 mid-setup
/// or mid-run. Cheap when there is nothing to do (one directory read); call it from every command
/// that touches networks. Returns the ids cleaned.
pub fn cleanup_stale(paths: &Paths) -> Result<Vec<String>> {
    let mut cleaned = Vec::new();
    let Ok(entries) = std::fs::read_dir(records_dir(paths)) else {
        return Ok(cleaned);
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(id) = name.strip_suffix(".json") else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let Some(rec) = read_record(paths, id) else {
            continue;
        };
        if rec.owner_pid == 0 || alive(rec.owner_pid, rec.owner_start) {
            continue;
        }
        teardown(paths, id)?;
        cleaned.push(id.to_string());
    }
    // Leases whose container has no record: the record is written before any lease, so these are
    // left from a crash between teardown steps.
    let networks = ipam::list(paths).unwrap_or_default();
    for cfg in &networks {
        if ipam::exists(&ipam::store_leases_dir(paths, &cfg.name)) {
            let _n = ipam::network_lock(paths, &cfg.name)?;
            let _b = ipam::bridge_lock(paths, &cfg.bridge)?;
            stale::adopt_store_leases(paths, cfg)?;
        }
        for (_, p, l) in ipam::network_leases(paths, cfg) {
            if !record_path(paths, &l.container_id).exists() {
                teardown(paths, &l.container_id)?;
                let _ = std::fs::remove_file(p);
                cleaned.push(l.container_id);
            }
        }
    }
    // Other stores' leases on the same bridges whose holder is gone (a store whose monitors were
    // killed and which is never used again, or whose run root was deleted): locked only when one is
    // found, so a clean bridge costs a directory read.
    let mut bridges: Vec<&str> = networks.iter().map(|n| n.bridge.as_str()).collect();
    bridges.sort();
    bridges.dedup();
    for bridge in bridges {
        let found = ipam::bridge_leases(paths, bridge).iter().any(|(_, _, l)| {
            l.as_ref()
                .is_some_and(|l| l.run_root != paths.run_root && stale::lease_is_stale(l))
        });
        if found {
            let g = ipam::bridge_lock(paths, bridge)?;
            stale::reclaim_stale_leases(paths, bridge, None, true);
            g.remove_dir_if_unused();
        }
    }
    cleaned.sort();
    cleaned.dedup();
    Ok(cleaned)
}

/// [`cleanup_stale`] where a failure must not fail the command at hand (someone else's leftovers must
/// not stop a new container): it is reported as a warning and retried by the next command.
pub fn clean_stale_or_warn(paths: &Paths) {
    if let Err(e) = cleanup_stale(paths) {
        log::warn!("cleaning up stale container networks: {e:#}");
    }
}

/// Containers attached to a network: (container id, name, endpoint). For `inspect` and `rm`.
pub fn endpoints_of(paths: &Paths, network: &str) -> Vec<(String, String, Endpoint)> {
    let mut out = Vec::new();
    for (_, _, lease) in leases_of(paths, network) {
        if let Some(rec) = read_record(paths, &lease.container_id)
            && let Some(ep) = rec.endpoints.iter().find(|e| e.network == network)
        {
            out.push((lease.container_id.clone(), lease.name.clone(), ep.clone()));
        }
    }
    out
}

/// Attach a running container to another network (`network connect`). `netns` is the container's
/// namespace (its pinned file or `/proc/<pid>/ns/net`).
pub fn connect(
    paths: &Paths,
    network: &str,
    container_id: &str,
    name: &str,
    netns: &Path,
    aliases: &[String],
) -> Result<Endpoint> {
    let cfg = network_config(paths, network, None)?;
    let mut rec = match read_record(paths, container_id) {
        Some(r) => r,
        None => bail!("container {container_id} is not on a bridge network"),
    };
    if rec.endpoints.iter().any(|e| e.network == network) {
        bail!("endpoint with name {name} already exists in network {network}");
    }
    rec.networks.push(network.to_string());
    write_record(paths, &rec)?;
    let opts = EndpointOptions {
        ifname: format!("eth{}", next_ifindex(&rec)),
        aliases: aliases.to_vec(),
        ip: None,
        mac: None,
        primary: false,
        owner: (rec.owner_pid, rec.owner_start),
    };
    let ep = match add_endpoint(paths, &cfg, container_id, name, netns, false, &opts) {
        Ok(ep) => ep,
        Err(e) => {
            rec.networks.retain(|n| n != network);
            write_record(paths, &rec)?;
            return Err(e);
        }
    };
    rec.endpoints.push(ep.clone());
    write_record(paths, &rec)?;
    refresh_own_hosts(paths, &rec)?;
    let _g = ipam::network_lock(paths, network)?;
    refresh_peer_hosts(paths, network, container_id)?;
    Ok(ep)
}

fn next_ifindex(rec: &Record) -> usize {
    (0..)
        .find(|i| !rec.endpoints.iter().any(|e| e.ifname == format!("eth{i}")))
        .unwrap_or(0)
}

fn refresh_own_hosts(paths: &Paths, rec: &Record) -> Result<()> {
    if let Some(dir) = &rec.files_dir {
        let hosts = dir.join("hosts");
        if hosts.exists() {
            files::write_in_place(
                &hosts,
                &files::hosts_content(&rec.hosts_input, &peers_of(paths, rec)),
            )?;
        }
    }
    Ok(())
}

/// Detach a container from one network (`network disconnect`): its veth, lease and rules go.
pub fn disconnect(paths: &Paths, network: &str, container_id: &str) -> Result<()> {
    let Some(mut rec) = read_record(paths, container_id) else {
        bail!("container {container_id} is not connected to network {network}");
    };
    if !rec.endpoints.iter().any(|e| e.network == network) {
        bail!("container {container_id} is not connected to network {network}");
    }
    remove_endpoint(paths, network, container_id, true)?;
    rec.endpoints.retain(|e| e.network != network);
    rec.networks.retain(|n| n != network);
    write_record(paths, &rec)?;
    refresh_own_hosts(paths, &rec)
}

/// Record a rootless helper (pasta/slirp4netns) so [`teardown`] and [`cleanup_stale`] stop it.
pub fn record_rootless(
    paths: &Paths,
    container_id: &str,
    owner_pid: u32,
    net: &RootlessNet,
) -> Result<()> {
    let mut rec = read_record(paths, container_id).unwrap_or(Record {
        container_id: container_id.into(),
        name: String::new(),
        owner_pid,
        owner_start: process_start_time(owner_pid),
        netns: None,
        files_dir: None,
        hosts_input: HostsInput::default(),
        endpoints: vec![],
        networks: vec![],
        forwarder: None,
        rootless_helper: None,
        ports: vec![],
    });
    rec.rootless_helper = Some((net.pid, process_start_time(net.pid)));
    rec.ports = net.ports.clone();
    write_record(paths, &rec)
}

/// Remove a network's bridge and its rules (its config is removed by the engine).
/// A bridge another store still has containers on (`-o com.docker.network.bridge.name` naming one
/// bridge in two stores) stays, with its rules, until its last user removes its network.
pub fn remove_bridge(paths: &Paths, cfg: &NetworkConfig) -> Result<()> {
    let _g = ipam::network_lock(paths, &cfg.name)?;
    let bridge = ipam::bridge_lock(paths, &cfg.bridge)?;
    stale::reclaim_stale_leases(paths, &cfg.bridge, None, true);
    let others = ipam::bridge_leases(paths, &cfg.bridge)
        .into_iter()
        .filter(|(_, _, l)| l.as_ref().is_some_and(|l| !l.is_of(paths, &cfg.name)))
        .count();
    if others > 0 {
        log::debug!(
            "bridge {} stays: {others} address(es) leased by other networks on it",
            cfg.bridge
        );
        return Ok(());
    }
    bridge.remove_dir_if_unused();
    link::delete_link(&cfg.bridge)?;
    let comment = link::rule_comment(&cfg.name, &cfg.bridge);
    let rules = link::network_rules(cfg.subnet, &cfg.bridge, cfg.internal, &comment);
    link::remove_rules(&rules, &comment)
}

/// The ports `-P` publishes: each EXPOSEd `80/tcp` (the image config's keys) to a random host port,
/// unless `-p` already maps it.
pub fn publish_all_ports(exposed: &[String], explicit: &[PortMapping]) -> Vec<PortMapping> {
    let mut out = Vec::new();
    for e in exposed {
        let (port, proto) = e.split_once('/').unwrap_or((e.as_str(), "tcp"));
        let (Ok(port), Ok(proto)) = (port.parse::<u16>(), proto.parse::<Proto>()) else {
            continue;
        };
        if explicit
            .iter()
            .any(|m| m.container_port == port && m.proto == proto)
        {
            continue;
        }
        out.push(PortMapping {
            host_ip: None,
            host_port: 0,
            container_port: port,
            proto,
        });
    }
    out
}

/// `--network` as written: `bridge` (docker's default), `none`, `host`, `container:<ref>`, or a
/// network name. `container:` needs the other container's id and pid, which `resolve` gives.
pub fn parse_mode(
    paths: &Paths,
    network: &str,
    resolve: impl Fn(&str) -> Result<(String, i32)>,
) -> Result<NetworkMode> {
    Ok(match network {
        "" | "default" | "bridge" => NetworkMode::Bridge(vec![ipam::DEFAULT_NETWORK.into()]),
        "none" => NetworkMode::None,
        "host" => NetworkMode::Host,
        s if s.starts_with("container:") => {
            let (id, pid) = resolve(&s[10..])?;
            let pinned = netns_path(paths, &id);
            if pinned.exists() {
                NetworkMode::Container(pinned)
            } else {
                NetworkMode::Container(PathBuf::from(format!("/proc/{pid}/ns/net")))
            }
        }
        name => {
            if ipam::try_load(paths, name)?.is_none() {
                return Err(NoSuchNetwork(name.to_string()).into());
            }
            NetworkMode::Bridge(vec![name.to_string()])
        }
    })
}

/// For the monitor, before `runtime::launch`: set up the container's network and point the spec's
/// network namespace at it (a `path` to join, or no entry for `host`). The files `hosts`, `hostname`
/// and `resolv.conf` in `files_dir` are rewritten in place. Call [`teardown`] after the container is
/// gone (also when launch fails); when [`Prepared::needs_rootless_attach`], call [`attach_rootless`]
/// with the pid after launch and record it with [`record_rootless`].
pub fn setup_container(
    paths: &Paths,
    req: &NetworkRequest,
    spec: &mut oci_spec::runtime::Spec,
) -> Result<Prepared> {
    let prepared = prepare(paths, req)?;
    if let Err(e) = point_spec_at(spec, &prepared.netns) {
        let _ = teardown(paths, &req.container_id);
        return Err(e);
    }
    Ok(prepared)
}

/// Set (or drop) the spec's network namespace entry.
pub fn point_spec_at(spec: &mut oci_spec::runtime::Spec, netns: &SpecNetns) -> Result<()> {
    use oci_spec::runtime::{LinuxNamespaceBuilder, LinuxNamespaceType};
    let mut linux = spec.linux().clone().unwrap_or_default();
    let mut nss: Vec<oci_spec::runtime::LinuxNamespace> = linux
        .namespaces()
        .clone()
        .unwrap_or_default()
        .into_iter()
        .filter(|n| n.typ() != LinuxNamespaceType::Network)
        .collect();
    match netns {
        SpecNetns::Host => {}
        SpecNetns::New => nss.push(
            LinuxNamespaceBuilder::default()
                .typ(LinuxNamespaceType::Network)
                .build()
                .context("building the network namespace entry")?,
        ),
        SpecNetns::Join(p) => nss.push(
            LinuxNamespaceBuilder::default()
                .typ(LinuxNamespaceType::Network)
                .path(p.clone())
                .build()
                .context("building the network namespace entry")?,
        ),
    }
    linux.set_namespaces(Some(nss));
    spec.set_linux(Some(linux));
    Ok(())
}

/// What berth set up for a container, for `inspect` (NetworkSettings) and `port`: its endpoints and
/// published ports; None when it has no network record (none, host, stopped).
pub fn status(paths: &Paths, container_id: &str) -> Option<(Vec<Endpoint>, Vec<PublishedPort>)> {
    read_record(paths, container_id).map(|r| (r.endpoints, r.ports))
}

/// What the monitor knows about a container, for [`setup_for_monitor`].
pub struct MonitorNet<'a> {
    pub id: &'a str,
    pub name: &'a str,
    /// `--network` as written.
    pub network: &'a str,
    pub hostname: &'a str,
    pub opts: &'a NetOptions,
    /// The image's ExposedPorts keys (`80/tcp`), for `-P`.
    pub exposed: &'a [String],
    /// The container dir holding `hosts`, `hostname`, `resolv.conf`.
    pub files_dir: &'a Path,
}

/// The monitor's one call before `runtime::launch`: clean what dead monitors left, resolve the mode
/// (`resolve` maps a `container:<ref>` to that container's id and pid), set up, patch the spec.
pub fn setup_for_monitor(
    paths: &Paths,
    c: MonitorNet<'_>,
    resolve: impl Fn(&str) -> Result<(String, i32)>,
    spec: &mut oci_spec::runtime::Spec,
) -> Result<Prepared> {
    clean_stale_or_warn(paths);
    let mode = parse_mode(paths, c.network, resolve)?;
    let mut req = NetworkRequest::new(c.id, c.name, mode);
    req.aliases = c.opts.aliases.clone();
    req.hostname = Some(c.hostname.to_string()).filter(|h| !h.is_empty());
    req.mac_address = c.opts.mac_address.clone();
    req.ip = c.opts.ip;
    req.ports = c.opts.ports.clone();
    if c.opts.publish_all {
        req.ports
            .extend(publish_all_ports(c.exposed, &c.opts.ports));
    }
    req.extra_hosts = c.opts.extra_hosts.clone();
    req.dns = c.opts.dns.clone();
    req.files_dir = Some(c.files_dir.to_path_buf());
    let prepared = setup_container(paths, &req, spec)?;
    Ok(prepared)
}

/// The monitor's call from launch's `on_namespaces` hook for a rootless bridge-mode container: start
/// pasta/slirp4netns for the namespaces of `pid` (`runtime::Namespaces::holder`) with the published ports,
/// and record the helper for teardown. The init waits for this, so the payload's first instruction already
/// has its network. None when the namespaces are gone before the helper could join them.
pub fn attach_rootless_for_monitor(
    paths: &Paths,
    c: MonitorNet<'_>,
    pid: i32,
    run_dir: &Path,
) -> Result<Option<RootlessNet>> {
    let mut ports = c.opts.ports.clone();
    if c.opts.publish_all {
        ports.extend(publish_all_ports(c.exposed, &c.opts.ports));
    }
    let net = match attach_rootless(pid as u32, &ports, run_dir) {
        Ok(n) => n,
        // Gone, a zombie, or past exit_task_namespaces (its ns links no longer resolve).
        Err(e)
            if !alive(pid as u32, None)
                || std::fs::read_link(format!("/proc/{pid}/ns/net")).is_err() =>
        {
            log::debug!(
                "container {} ended before its network was attached: {e:#}",
                c.id
            );
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    record_rootless(paths, c.id, std::process::id(), &net)?;
    Ok(Some(net))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn veth_names_fit_ifnamsiz_and_differ_per_network() {
        let a = veth_name("0123456789abcdef", "bridge");
        let b = veth_name("0123456789abcdef", "appnet");
        assert!(a.len() < libc::IFNAMSIZ && a.starts_with("bv"));
        assert_ne!(a, b);
    }

    #[test]
    fn mac_follows_docker_scheme() {
        assert_eq!(mac_for(Ipv4Addr::new(172, 17, 0, 2)), "02:42:ac:11:00:02");
    }

    #[test]
    fn own_process_start_time_is_known() {
        assert!(process_start_time(std::process::id()).is_some());
        assert!(alive(
            std::process::id(),
            process_start_time(std::process::id())
        ));
        assert!(!alive(std::process::id(), Some(1)));
    }
}
