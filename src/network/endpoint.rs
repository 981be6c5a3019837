//! A container's endpoints on bridge networks: an address leased and a veth plugged in per network
//! ([`add_endpoint`]), `network connect`/`disconnect`, and [`teardown`], which undoes all of it from
//! the record and from deterministic names (veth name and rule tag derive from container id and
//! network), so it also cleans a half-done setup. Also the bridge's own removal ([`remove_bridge`]).
//!
//! Must not depend on cli, engine, state or runtime; nothing here prints.

use anyhow::{Context, Result, bail};
use sha2::Digest;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};

use super::hosts::{refresh_own_hosts, refresh_peer_hosts};
use super::record::{Record, kill_process, read_record, record_path, write_record};
use super::setup::network_config;
use super::{Endpoint, NetworkConfig, ipam, link, netns_path, stale};
use crate::store::Paths;

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

pub(super) struct EndpointOptions {
    pub(super) ifname: String,
    pub(super) aliases: Vec<String>,
    pub(super) ip: Option<Ipv4Addr>,
    pub(super) mac: Option<String>,
    pub(super) primary: bool,
    /// The process whose life bounds the lease, and its start time (the record's owner).
    pub(super) owner: (u32, Option<u64>),
}

/// Lease an address on `cfg` and plug the namespace at `netns` into its bridge (creating the namespace
/// when `create` is set).
pub(super) fn add_endpoint(
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

/// Remove everything [`super::prepare`] (or [`connect`]) made for a container: forwarder, rootless helper,
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
pub(super) fn leases_of(paths: &Paths, network: &str) -> Vec<(Ipv4Addr, PathBuf, ipam::Lease)> {
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
}
