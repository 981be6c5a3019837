//! What `run`/`create` flags say about networking besides `--network` and `--hostname` (`-p`, `-P`,
//! `--network-alias`, `--add-host`, `--dns*`, `--mac-address`, `--ip`), as stored in container.json.
//! Their behaviour (parsing, binding, resolv.conf) is in `network`.

use serde::{Deserialize, Serialize};
use std::net::{IpAddr, Ipv4Addr};

/// tcp or udp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Proto {
    Tcp,
    Udp,
}

/// One `-p` entry, already split into single ports (the cli expands ranges).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortMapping {
    /// None: every address (0.0.0.0).
    pub host_ip: Option<IpAddr>,
    /// 0: a port the kernel picks (`-p 80`, `-P`).
    pub host_port: u16,
    pub container_port: u16,
    pub proto: Proto,
}

/// The DNS settings a container asked for (`--dns`, `--dns-search`, `--dns-option`).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DnsOptions {
    pub servers: Vec<IpAddr>,
    pub search: Vec<String>,
    pub options: Vec<String>,
}

/// `--add-host name:value`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum HostTarget {
    Ip(IpAddr),
    /// docker's `host-gateway`: the gateway of the container's first network (the host as the
    /// container reaches it).
    HostGateway,
}

/// What `run`/`create` flags say about networking besides `--network` and `--hostname`, typed by the cli
/// and stored with the container's config (`ContainerConfig::net`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetOptions {
    /// `-p`, expanded to single ports.
    #[serde(default)]
    pub ports: Vec<PortMapping>,
    /// `-P`: every EXPOSEd port of the image to a random host port.
    #[serde(default)]
    pub publish_all: bool,
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub extra_hosts: Vec<(String, HostTarget)>,
    #[serde(default)]
    pub dns: DnsOptions,
    #[serde(default)]
    pub mac_address: Option<String>,
    #[serde(default)]
    pub ip: Option<Ipv4Addr>,
    /// `--link NAME[:ALIAS]` (docker's legacy links): the linked container's id and the alias, resolved
    /// at create; its address is in /etc/hosts under the alias, its hostname and its name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub links: Vec<(String, String)>,
}
