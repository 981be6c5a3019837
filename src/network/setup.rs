//! A container's network before it starts ([`prepare`]): the steps 1-7 of the module header, in order,
//! for none, host, `container:`, rootless and rootful bridge modes; on error everything done so far is
//! undone through [`super::teardown`].
//!
//! Must not depend on cli, engine, state or runtime; nothing here prints.

use anyhow::{Context, Result, bail};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

use super::endpoint::{EndpointOptions, add_endpoint, teardown};
use super::hosts::{peers_of, refresh_peer_hosts, resolve_extra_hosts, write_files};
use super::record::{Record, process_start_time, read_record, write_record};
use super::{
    HostsInput, NetworkConfig, NetworkMode, NetworkRequest, Prepared, SpecNetns, Subnet, files,
    forward, ipam, link, netns_path, short_id,
};
use crate::store::Paths;

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
        links: req.links.clone(),
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
    if super::dns::embedded(&networks, paths.rootless) {
        prepared.resolv_conf =
            files::embedded_resolv_conf_content(&files::host_resolv_conf(), &req.dns);
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

pub(super) fn network_config(
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
