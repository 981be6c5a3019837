//! The `network` verbs: create, ls, inspect, rm, prune, connect, disconnect (the hidden
//! `internal-network` verbs are in network/internal.rs).
//!
//! Typed options in, docker-shaped reports out (serde structs with docker's field names); the cli prints.
//! Must not print. Invariant: every verb first runs `network::cleanup_stale`, so what a killed berth left
//! behind is gone before anything is listed or changed; the predefined `bridge`, `host` and `none`
//! networks always exist and can never be removed.

use anyhow::{Result, bail};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

use crate::network::{self, NetworkConfig, ipam};
use crate::store::Paths;

pub mod internal;

/// The network records the cli names (plain data), so it talks to the engine only.
pub use crate::network::ipam::CreateOptions;
pub use crate::network::{NoSuchNetwork, PublishedPort, Subnet};

/// Predefined networks that have no config file (docker's `host` and `none`).
const VIRTUAL: [(&str, &str); 2] = [("host", "host"), ("none", "null")];

/// One network as `network ls` and `network inspect` see it.
#[derive(Debug, Clone)]
pub struct NetworkInfo {
    pub name: String,
    pub id: String,
    pub created: String,
    pub driver: String,
    pub internal: bool,
    pub labels: BTreeMap<String, String>,
    pub options: BTreeMap<String, String>,
    pub subnet: Option<String>,
    pub gateway: Option<String>,
    /// A predefined network (`bridge`, `host`, `none`): docker's `type=builtin`.
    pub builtin: bool,
}

impl NetworkInfo {
    fn from_config(c: &NetworkConfig) -> NetworkInfo {
        NetworkInfo {
            name: c.name.clone(),
            id: c.id.clone(),
            created: c.created.clone(),
            driver: c.driver.clone(),
            internal: c.internal,
            labels: c.labels.clone(),
            options: c.options.clone(),
            subnet: Some(c.subnet.to_string()),
            gateway: Some(c.gateway.to_string()),
            builtin: c.name == ipam::DEFAULT_NETWORK,
        }
    }

    /// `host` and `none`: ids derived from the store root so they are stable per store.
    fn virtual_net(paths: &Paths, name: &str, driver: &str) -> NetworkInfo {
        let id = network::virtual_network_id(paths, name);
        NetworkInfo {
            name: name.into(),
            id,
            created: "0001-01-01T00:00:00Z".into(),
            driver: driver.into(),
            internal: false,
            labels: BTreeMap::new(),
            options: BTreeMap::new(),
            subnet: None,
            gateway: None,
            builtin: true,
        }
    }
}

/// `network create`: the new network's id.
pub fn create(paths: &Paths, opts: &CreateOptions) -> Result<String> {
    paths.ensure()?;
    network::clean_stale_or_warn(paths);
    ipam::ensure_default(paths, None)?;
    let cfg = ipam::create(paths, opts)?;
    emit_network(
        paths,
        "create",
        &cfg.id,
        &cfg.name,
        &[("type", &cfg.driver)],
    );
    Ok(cfg.id)
}

/// docker's network events: the network's id as the actor, its `name` and `type` (driver), plus
/// `container` for connect/disconnect.
fn emit_network(paths: &Paths, action: &str, id: &str, name: &str, extra: &[(&str, &str)]) {
    let mut ev = super::events::Event::new("network", action, id).attr("name", name);
    for (k, v) in extra {
        ev = ev.attr(k, *v);
    }
    super::events::emit(paths, ev);
}

/// Every network, predefined ones included, sorted by name (docker/cli sorts `network ls` by name).
pub fn list(paths: &Paths) -> Result<Vec<NetworkInfo>> {
    paths.ensure()?;
    network::clean_stale_or_warn(paths);
    ipam::ensure_default(paths, None)?;
    let mut out: Vec<NetworkInfo> = ipam::list(paths)?
        .iter()
        .map(NetworkInfo::from_config)
        .collect();
    for (n, d) in VIRTUAL {
        out.push(NetworkInfo::virtual_net(paths, n, d));
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Find a network by name, full id or unique id prefix (docker's lookup order).
pub fn find(paths: &Paths, reference: &str) -> Result<NetworkInfo> {
    let all = list(paths)?;
    if let Some(n) = all
        .iter()
        .find(|n| n.name == reference || n.id == reference)
    {
        return Ok(n.clone());
    }
    let matches: Vec<&NetworkInfo> = all
        .iter()
        .filter(|n| !reference.is_empty() && n.id.starts_with(reference))
        .collect();
    match matches.len() {
        1 => Ok(matches[0].clone()),
        0 => Err(network::NoSuchNetwork(reference.to_string()).into()),
        _ => bail!(
            "network {reference} is ambiguous ({} matches found based on ID prefix)",
            matches.len()
        ),
    }
}

/// `run`/`create --network`: the stored name of the network `reference` names (a name, a full id or a
/// unique id prefix, as [`find`] looks them up), so the container's record keeps a name. The modes
/// (`bridge`, `default`, `none`, `host`, `container:<ref>`) pass unchanged.
pub fn container_network(paths: &Paths, reference: &str) -> Result<String> {
    if matches!(reference, "" | "default" | "bridge" | "none" | "host")
        || reference.starts_with("container:")
        || ipam::try_load(paths, reference)?.is_some()
    {
        return Ok(reference.to_string());
    }
    Ok(find(paths, reference)?.name)
}

/// docker's `network inspect` JSON for one network.
#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InspectNetwork {
    pub name: String,
    pub id: String,
    pub created: String,
    pub scope: String,
    pub driver: String,
    #[serde(rename = "EnableIPv4")]
    pub enable_ipv4: bool,
    #[serde(rename = "EnableIPv6")]
    pub enable_ipv6: bool,
    #[serde(rename = "IPAM")]
    pub ipam: Ipam,
    pub internal: bool,
    pub attachable: bool,
    pub ingress: bool,
    pub config_from: ConfigFrom,
    pub config_only: bool,
    pub containers: BTreeMap<String, InspectEndpoint>,
    pub options: BTreeMap<String, String>,
    pub labels: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Ipam {
    pub driver: String,
    pub options: BTreeMap<String, String>,
    pub config: Vec<IpamConfig>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct IpamConfig {
    pub subnet: String,
    /// `--ip-range` (docker's omitempty).
    #[serde(rename = "IPRange", skip_serializing_if = "String::is_empty")]
    pub ip_range: String,
    pub gateway: String,
    /// `--aux-address` (docker's omitempty).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub auxiliary_addresses: BTreeMap<String, String>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ConfigFrom {
    pub network: String,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InspectEndpoint {
    pub name: String,
    #[serde(rename = "EndpointID")]
    pub endpoint_id: String,
    pub mac_address: String,
    #[serde(rename = "IPv4Address")]
    pub ipv4_address: String,
    #[serde(rename = "IPv6Address")]
    pub ipv6_address: String,
}

/// `network inspect` for one reference.
pub fn inspect(paths: &Paths, reference: &str) -> Result<InspectNetwork> {
    let n = find(paths, reference)?;
    let mut containers = BTreeMap::new();
    for (id, name, ep) in network::endpoints_of(paths, &n.name) {
        containers.insert(
            id,
            InspectEndpoint {
                name,
                endpoint_id: ep.endpoint_id,
                mac_address: ep.mac,
                ipv4_address: format!("{}/{}", ep.ip, ep.prefix),
                ipv6_address: String::new(),
            },
        );
    }
    // What only the stored config has: the range, the auxiliary addresses, attachable.
    let stored = ipam::try_load(paths, &n.name).ok().flatten();
    let config = match (&n.subnet, &n.gateway) {
        (Some(s), Some(g)) => vec![IpamConfig {
            subnet: s.clone(),
            ip_range: stored
                .as_ref()
                .and_then(|c| c.ip_range)
                .map(|r| r.to_string())
                .unwrap_or_default(),
            gateway: g.clone(),
            auxiliary_addresses: stored
                .as_ref()
                .map(|c| {
                    c.aux_addresses
                        .iter()
                        .map(|(k, v)| (k.clone(), v.to_string()))
                        .collect()
                })
                .unwrap_or_default(),
        }],
        _ => vec![],
    };
    Ok(InspectNetwork {
        name: n.name,
        id: n.id,
        created: n.created,
        scope: "local".into(),
        driver: n.driver,
        enable_ipv4: true,
        enable_ipv6: false,
        ipam: Ipam {
            driver: "default".into(),
            options: BTreeMap::new(),
            config,
        },
        internal: n.internal,
        attachable: stored.is_some_and(|c| c.attachable),
        ingress: false,
        config_from: ConfigFrom {
            network: String::new(),
        },
        config_only: false,
        containers,
        options: n.options,
        labels: n.labels,
    })
}

/// `network rm`: refuses predefined networks and networks with endpoints (docker's wording).
pub fn remove(paths: &Paths, reference: &str) -> Result<()> {
    let n = find(paths, reference)?;
    if n.builtin {
        bail!("{} is a pre-defined network and cannot be removed", n.name);
    }
    if !network::endpoints_of(paths, &n.name).is_empty()
        || !ipam::read_leases(paths, &n.name).is_empty()
    {
        bail!(
            "error while removing network: network {} id {} has active endpoints",
            n.name,
            n.id
        );
    }
    let cfg = ipam::load(paths, &n.name)?;
    network::remove_bridge(paths, &cfg)?;
    ipam::remove_config(paths, &n.name)?;
    emit_network(paths, "destroy", &n.id, &n.name, &[("type", &n.driver)]);
    Ok(())
}

/// `network prune`: remove every user network without endpoints that `filter` allows; the names
/// removed.
pub fn prune(paths: &Paths, filter: &super::system::PruneFilter) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    for n in list(paths)? {
        if n.builtin || !filter.allows(&n.created, &n.labels) {
            continue;
        }
        if network::endpoints_of(paths, &n.name).is_empty()
            && ipam::read_leases(paths, &n.name).is_empty()
        {
            remove(paths, &n.id)?;
            removed.push(n.name);
        }
    }
    Ok(removed)
}

/// `label=k` / `label=k=v` filters: all must hold.
pub fn labels_match(
    labels: &BTreeMap<String, String>,
    filters: &[(String, Option<String>)],
) -> bool {
    filters.iter().all(|(k, v)| match v {
        None => labels.contains_key(k),
        Some(v) => labels.get(k) == Some(v),
    })
}

/// `network connect NET CTR`: `container_id`, `name` and `netns` identify the running container
/// (the container layer resolves them; see [`find_attached_container`] for containers berth networked).
pub fn connect(
    paths: &Paths,
    net: &str,
    container_id: &str,
    name: &str,
    netns: &Path,
    aliases: &[String],
) -> Result<network::Endpoint> {
    network::clean_stale_or_warn(paths);
    let n = find(paths, net)?;
    if n.builtin && n.name != ipam::DEFAULT_NETWORK {
        bail!("container cannot be disconnected from host network or connected to host network");
    }
    let ep = network::connect(paths, &n.name, container_id, name, netns, aliases)?;
    let extra = [("type", n.driver.as_str()), ("container", container_id)];
    emit_network(paths, "connect", &n.id, &n.name, &extra);
    Ok(ep)
}

/// `network disconnect NET CTR`.
pub fn disconnect(paths: &Paths, net: &str, container_id: &str) -> Result<()> {
    network::clean_stale_or_warn(paths);
    let n = find(paths, net)?;
    network::disconnect(paths, &n.name, container_id)?;
    let extra = [("type", n.driver.as_str()), ("container", container_id)];
    emit_network(paths, "disconnect", &n.id, &n.name, &extra);
    Ok(())
}

/// A running container with a berth network record, by name, full id or id prefix: (id, name, netns
/// path), for `connect`/`disconnect`. The container store's lookup (names, `/name`, id prefixes) comes
/// first; the network records answer for containers the store does not know (set up through
/// `internal-network setup`).
pub fn find_attached_container(
    paths: &Paths,
    reference: &str,
) -> Result<(String, String, std::path::PathBuf)> {
    if let Ok(id) = crate::state::Containers::new(paths).lookup(reference) {
        let ns = network::netns_path(paths, &id);
        if network::status(paths, &id).is_none() || !ns.exists() {
            bail!("container {reference} is not running on a bridge network");
        }
        let name = crate::state::Containers::new(paths)
            .load_record(&id)
            .map(|r| r.name)
            .unwrap_or_default();
        return Ok((id, name, ns));
    }
    let dir = paths.network_records_dir();
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            let fname = e.file_name().to_string_lossy().into_owned();
            let Some(id) = fname.strip_suffix(".json") else {
                continue;
            };
            let Ok(data) = std::fs::read(e.path()) else {
                continue;
            };
            let Ok(v) = serde_json::from_slice::<serde_json::Value>(&data) else {
                continue;
            };
            let name = v["name"].as_str().unwrap_or("").to_string();
            if name == reference
                || id == reference
                || (!reference.is_empty() && id.starts_with(reference))
            {
                found.push((id.to_string(), name));
            }
        }
    }
    match found.len() {
        1 => {
            let (id, name) = found.remove(0);
            let ns = network::netns_path(paths, &id);
            Ok((id, name, ns))
        }
        0 => bail!("No such container: {reference}"),
        _ => bail!("multiple containers match {reference}"),
    }
}

/// docker's `NetworkSettings` of a container for `inspect`: `network` is its `--network` as written,
/// `ip` its `--ip` (docker's `IPAMConfig.IPv4Address` of that first network).
/// A running bridge container shows its address, gateway, MAC and published ports; a stopped one
/// shows the networks it is configured for with empty addresses, as docker does.
pub fn network_settings(
    paths: &Paths,
    container_id: &str,
    network: &str,
    ip: Option<std::net::Ipv4Addr>,
) -> serde_json::Value {
    use serde_json::{Value, json};
    let status = network::status(paths, container_id);
    let (endpoints, ports) = status.unwrap_or_default();
    let mut port_map = serde_json::Map::new();
    for p in &ports {
        let key = format!("{}/{}", p.container_port, p.proto);
        let entry = port_map.entry(key).or_insert_with(|| json!([]));
        if let Some(a) = entry.as_array_mut() {
            a.push(json!({"HostIp": p.host_ip.to_string(), "HostPort": p.host_port.to_string()}));
        }
    }
    // The container's first network (the one `--network` named) is the one `--ip` is for.
    let ipam_config = |first: bool| match ip {
        Some(ip) if first => json!({"IPv4Address": ip.to_string()}),
        _ => Value::Null,
    };
    let endpoint_json = |ep: Option<&network::Endpoint>, aliases: Value, first: bool| {
        json!({
            "IPAMConfig": ipam_config(first), "Links": Value::Null, "Aliases": aliases,
            "MacAddress": ep.map(|e| e.mac.clone()).unwrap_or_default(),
            "NetworkID": ep.map(|e| e.network_id.clone()).unwrap_or_default(),
            "EndpointID": ep.map(|e| e.endpoint_id.clone()).unwrap_or_default(),
            "Gateway": ep.map(|e| e.gateway.to_string()).unwrap_or_default(),
            "IPAddress": ep.map(|e| e.ip.to_string()).unwrap_or_default(),
            "IPPrefixLen": ep.map(|e| e.prefix).unwrap_or(0),
            "IPv6Gateway": "", "GlobalIPv6Address": "", "GlobalIPv6PrefixLen": 0, "DriverOpts": Value::Null,
            "DNSNames": Value::Null,
        })
    };
    let mut networks = serde_json::Map::new();
    let name = match network {
        "" | "default" => ipam::DEFAULT_NETWORK,
        n => n.split(':').next().unwrap_or(n),
    };
    if endpoints.is_empty() {
        networks.insert(name.to_string(), endpoint_json(None, Value::Null, true));
    }
    let named = endpoints.iter().position(|e| e.network == name);
    for (i, ep) in endpoints.iter().enumerate() {
        let aliases = if ep.aliases.is_empty() {
            Value::Null
        } else {
            json!(ep.aliases)
        };
        networks.insert(
            ep.network.clone(),
            endpoint_json(Some(ep), aliases, named.unwrap_or(0) == i),
        );
    }
    // The top-level fields describe the default network only (docker's legacy fields).
    let primary = endpoints
        .iter()
        .find(|e| e.network == ipam::DEFAULT_NETWORK);
    json!({
        "Bridge": "",
        "SandboxID": "",
        "SandboxKey": if endpoints.is_empty() { String::new() } else { network::netns_path(paths, container_id).display().to_string() },
        "Ports": port_map,
        "HairpinMode": false,
        "LinkLocalIPv6Address": "",
        "LinkLocalIPv6PrefixLen": 0,
        "SecondaryIPAddresses": Value::Null,
        "SecondaryIPv6Addresses": Value::Null,
        "EndpointID": primary.map(|e| e.endpoint_id.clone()).unwrap_or_default(),
        "Gateway": primary.map(|e| e.gateway.to_string()).unwrap_or_default(),
        "GlobalIPv6Address": "",
        "GlobalIPv6PrefixLen": 0,
        "IPAddress": primary.map(|e| e.ip.to_string()).unwrap_or_default(),
        "IPPrefixLen": primary.map(|e| e.prefix).unwrap_or(0),
        "IPv6Gateway": "",
        "MacAddress": primary.map(|e| e.mac.clone()).unwrap_or_default(),
        "Networks": networks,
    })
}

/// `--mac-address`: refuse what is not `aa:bb:cc:dd:ee:ff` (docker's wording), before anything is created.
pub fn check_mac_address(s: &str) -> Result<()> {
    network::netlink::parse_mac(s).map(|_| ())
}

/// The published ports of a running container (`berth port`), in the order they were published.
pub fn published_ports(paths: &Paths, container_id: &str) -> Vec<PublishedPort> {
    network::status(paths, container_id)
        .map(|(_, p)| p)
        .unwrap_or_default()
}
