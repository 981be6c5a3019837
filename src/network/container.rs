//! One container's network as the monitor drives it: `--network` resolved to a [`NetworkMode`]
//! ([`parse_mode`]), the ports `-P` publishes, the spec's network namespace entry, and the monitor's
//! two calls, [`setup_for_monitor`] before launch and [`attach_rootless_for_monitor`] from launch's
//! `on_namespaces` hook.
//!
//! Must not depend on cli, engine, state or runtime; nothing here prints.

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

use super::endpoint::teardown;
use super::record::{alive, record_rootless};
use super::setup::{NoSuchNetwork, prepare};
use super::stale::clean_stale_or_warn;
use super::{
    NetOptions, NetworkMode, NetworkRequest, PortMapping, Prepared, Proto, RootlessNet, SpecNetns,
    attach_rootless, ipam, netns_path,
};
use crate::store::Paths;

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
    req.links = c.opts.links.clone();
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
