//! Keeping /etc/hosts, /etc/hostname and /etc/resolv.conf current: the container's own files written
//! at setup, and the hosts files of every peer on a user network rewritten in place when a container
//! joins or leaves (berth keeps hosts files current instead of running a DNS server). The contents
//! themselves are built by `files.rs`.
//!
//! Must not depend on cli, engine, state or runtime; nothing here prints.

use anyhow::{Result, bail};
use std::net::{IpAddr, Ipv4Addr};

use super::endpoint::leases_of;
use super::record::{Record, read_record};
use super::{HostTarget, NetworkRequest, PeerEntry, Prepared, files, ipam, short_id};
use crate::store::Paths;

pub(super) fn resolve_extra_hosts(
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

pub(super) fn write_files(req: &NetworkRequest, p: &Prepared) -> Result<()> {
    let Some(dir) = &req.files_dir else {
        return Ok(());
    };
    files::write_in_place(&dir.join("hosts"), &p.hosts)?;
    files::write_in_place(&dir.join("hostname"), &p.hostname)?;
    files::write_in_place(&dir.join("resolv.conf"), &p.resolv_conf)?;
    Ok(())
}

/// Everyone `rec` shares a name-resolving network with: name, aliases and short id per address.
pub(super) fn peers_of(paths: &Paths, rec: &Record) -> Vec<PeerEntry> {
    let mut out: Vec<PeerEntry> = Vec::new();
    let links = &rec.hosts_input.links;
    for ep in &rec.endpoints {
        let default = ep.network == ipam::DEFAULT_NETWORK;
        if default && links.is_empty() {
            continue;
        }
        for (ip, _, lease) in leases_of(paths, &ep.network) {
            let link = links.iter().find(|(id, _)| *id == lease.container_id);
            // The default bridge resolves no names but docker's legacy links (`--link`).
            if lease.container_id == rec.container_id || (default && link.is_none()) {
                continue;
            }
            let ip = IpAddr::V4(ip);
            // moby `daemon/container_operations.go` (legacy links): "alias hostname name".
            let mut names = match link {
                Some((_, alias)) => vec![
                    alias.clone(),
                    short_id(&lease.container_id).to_string(),
                    lease.name.clone(),
                ],
                None => vec![lease.name.clone()],
            };
            names.extend(lease.aliases.iter().cloned());
            names.push(short_id(&lease.container_id).to_string());
            names.retain(|n| !n.is_empty());
            let mut seen = std::collections::HashSet::new();
            names.retain(|n| seen.insert(n.clone()));
            out.push(PeerEntry { ip, names });
        }
    }
    out
}

/// Rewrite, in place, /etc/hosts of every container on `network` other than `except`. The caller
/// holds the network's lock.
pub(super) fn refresh_peer_hosts(paths: &Paths, network: &str, except: &str) -> Result<()> {
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

pub(super) fn refresh_own_hosts(paths: &Paths, rec: &Record) -> Result<()> {
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
