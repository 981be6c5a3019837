//! Network commands (`network create/ls/inspect/rm/prune/connect/disconnect`), the parsing of `-p`
//! strings into [`PortMapping`]s, and the hidden `internal-network` verbs: `port-forward` (the forwarder
//! process a container's monitor starts) and `setup`/`teardown`/`cleanup`/`attach-rootless`, which do
//! what a monitor does for one container (engine::network::internal), for tests and for wiring checks.
//!
//! Must not be used below `cli`. Invariant: human strings are parsed here and only typed values go down.

use super::{GlobalOpts, StatusError, format, stdout};
use crate::engine::Paths;
use crate::engine::network::internal::{
    self, ForwardMap, NetworkMode, NetworkRequest, SetupFailed,
};
use crate::engine::network::{self as engine, NoSuchNetwork, PublishedPort, Subnet};
use crate::types::{DnsOptions, HostTarget, NetOptions, PortMapping, Proto};
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use serde_json::json;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum NetworkCommand {
    /// Manage networks
    Network {
        #[command(subcommand)]
        cmd: NetworkSub,
    },
    /// berth's own helpers for networking (not for users)
    #[command(name = "internal-network", hide = true)]
    InternalNetwork {
        #[command(subcommand)]
        cmd: InternalNet,
    },
}

#[derive(Debug, Subcommand)]
pub enum NetworkSub {
    /// Create a network
    Create {
        /// Driver to manage the Network
        #[arg(long, short = 'd', default_value = "bridge")]
        driver: String,
        /// Subnet in CIDR format that represents a network segment
        #[arg(long)]
        subnet: Option<String>,
        /// IPv4 Gateway for the master subnet
        #[arg(long)]
        gateway: Option<String>,
        /// Restrict external access to the network
        #[arg(long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
              default_value = "false", default_missing_value = "true", value_parser = crate::cli::go_bool)]
        internal: bool,
        /// Set metadata on a network
        #[arg(long = "label")]
        labels: Vec<String>,
        /// Set driver specific options
        #[arg(long = "opt", short = 'o')]
        opts: Vec<String>,
        name: String,
        /// Allocate container ip from a sub-range
        #[arg(long = "ip-range")]
        ip_range: Option<String>,
        /// Auxiliary IPv4 addresses used by Network driver
        #[arg(long = "aux-address")]
        aux_address: Vec<String>,
        /// Enable manual container attachment
        #[arg(long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
              default_value = "false", default_missing_value = "true", value_parser = crate::cli::go_bool)]
        attachable: bool,
        /// Enable or disable IPv6 networking (berth networks are IPv4 only)
        #[arg(long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
              default_value = "false", default_missing_value = "true", value_parser = crate::cli::go_bool)]
        ipv6: bool,
    },
    /// List networks
    #[command(alias = "list")]
    Ls {
        /// Only display network IDs
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Provide filter values (e.g. "driver=bridge")
        #[arg(long, short = 'f')]
        filter: Vec<String>,
        /// Format output using a custom template
        #[arg(long)]
        format: Option<String>,
        /// Do not truncate the output
        #[arg(long)]
        no_trunc: bool,
    },
    /// Display detailed information on one or more networks
    Inspect {
        /// Format output using a custom template
        #[arg(long, short = 'f')]
        format: Option<String>,
        #[arg(required = true)]
        networks: Vec<String>,
    },
    /// Remove one or more networks
    #[command(alias = "remove")]
    Rm {
        /// Do not error if the network does not exist
        #[arg(long, short = 'f')]
        force: bool,
        #[arg(required = true)]
        networks: Vec<String>,
    },
    /// Remove all unused networks
    Prune {
        /// Do not prompt for confirmation
        #[arg(long, short = 'f')]
        force: bool,
        /// Provide filter values (e.g. "label=<key>=<value>")
        #[arg(long)]
        filter: Vec<String>,
    },
    /// Connect a container to a network
    Connect {
        /// Add network-scoped alias for the container
        #[arg(long = "alias")]
        aliases: Vec<String>,
        network: String,
        container: String,
    },
    /// Disconnect a container from a network
    Disconnect {
        /// Force the container to disconnect from a network
        #[arg(long, short = 'f')]
        force: bool,
        network: String,
        container: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum InternalNet {
    /// The userland port forwarder (started by a container's monitor with the bound sockets as fds 3..)
    PortForward(PortForwardArgs),
    /// Set up a container's network as its monitor would; prints the result as JSON
    Setup(Box<SetupArgs>),
    /// Remove everything set up for a container
    Teardown { id: String },
    /// Tear down the networks whose owner died
    Cleanup,
    /// Attach pasta/slirp4netns to a process's namespaces; prints the result as JSON
    AttachRootless {
        #[arg(long)]
        pid: u32,
        #[arg(long)]
        id: String,
        #[arg(long, default_value_t = 0)]
        owner_pid: u32,
        #[arg(long, short = 'p')]
        publish: Vec<String>,
        #[arg(long)]
        dir: PathBuf,
    },
}

#[derive(Debug, Args)]
pub struct PortForwardArgs {
    #[arg(long)]
    pub container_ip: IpAddr,
    #[arg(long, default_value_t = 0)]
    pub owner_pid: u32,
    /// proto:fd:container_port
    #[arg(long = "map")]
    pub maps: Vec<ForwardMap>,
}

#[derive(Debug, Args)]
pub struct SetupArgs {
    #[arg(long)]
    pub id: String,
    #[arg(long, default_value = "")]
    pub name: String,
    /// bridge, none, host, container:<netns path>, or a network name (repeatable)
    #[arg(long = "network", default_value = "bridge")]
    pub networks: Vec<String>,
    #[arg(long = "network-alias")]
    pub aliases: Vec<String>,
    #[arg(long, short = 'p')]
    pub publish: Vec<String>,
    #[arg(long)]
    pub hostname: Option<String>,
    #[arg(long)]
    pub ip: Option<Ipv4Addr>,
    #[arg(long)]
    pub mac_address: Option<String>,
    #[arg(long = "add-host")]
    pub add_hosts: Vec<String>,
    #[arg(long)]
    pub dns: Vec<IpAddr>,
    #[arg(long)]
    pub dns_search: Vec<String>,
    #[arg(long)]
    pub dns_option: Vec<String>,
    #[arg(long)]
    pub files_dir: Option<PathBuf>,
    /// The process whose death makes this setup stale (default: none, torn down explicitly)
    #[arg(long, default_value_t = 0)]
    pub owner_pid: u32,
}

fn paths(g: &GlobalOpts) -> Result<Paths> {
    Paths::resolve(g.root.as_deref(), g.run_root.as_deref())
}

pub fn run(cmd: NetworkCommand, g: &GlobalOpts) -> Result<i32> {
    match cmd {
        NetworkCommand::Network { cmd } => run_network(cmd, g),
        NetworkCommand::InternalNetwork { cmd } => run_internal(cmd, g),
    }
}

fn run_network(cmd: NetworkSub, g: &GlobalOpts) -> Result<i32> {
    let paths = paths(g)?;
    let mut out = stdout();
    match cmd {
        NetworkSub::Create {
            driver,
            subnet,
            gateway,
            internal,
            labels,
            opts,
            name,
            ip_range,
            aux_address,
            attachable,
            ipv6,
        } => {
            if ipv6 {
                bail!("--ipv6: berth's bridge networks are IPv4 only (no IPv6 address management)");
            }
            let ip_range: Option<Subnet> = ip_range.map(|s| s.parse()).transpose()?;
            let mut aux_addresses = std::collections::BTreeMap::new();
            for a in &aux_address {
                let (k, v) = a
                    .split_once('=')
                    .with_context(|| format!("invalid aux-address {a:?}: expected name=ip"))?;
                let ip: Ipv4Addr = v
                    .parse()
                    .with_context(|| format!("invalid aux-address {a:?}"))?;
                aux_addresses.insert(k.to_string(), ip);
            }
            if (ip_range.is_some() || !aux_addresses.is_empty()) && subnet.is_none() {
                bail!("every ip-range or gateway must have a corresponding subnet");
            }
            let subnet: Option<Subnet> = subnet.map(|s| s.parse()).transpose()?;
            let gateway: Option<Ipv4Addr> = gateway
                .map(|s| s.parse().with_context(|| format!("invalid gateway {s}")))
                .transpose()?;
            if gateway.is_some() && subnet.is_none() {
                bail!("every ip-range or gateway must have a corresponding subnet");
            }
            let opts = engine::CreateOptions {
                name,
                driver: Some(driver),
                subnet,
                gateway,
                internal,
                labels: super::parse_key_values(&labels),
                options: super::parse_key_values(&opts),
                ip_range,
                aux_addresses,
                attachable,
            };
            let id = engine::create(&paths, &opts)?;
            writeln!(out, "{id}")?;
        }
        NetworkSub::Ls {
            quiet,
            filter,
            format,
            no_trunc,
        } => {
            let filters = parse_filters(&filter)?;
            let rows: Vec<serde_json::Value> = engine::list(&paths)?
                .into_iter()
                .filter(|n| filters.iter().all(|f| f.matches(n)))
                .map(|n| ls_row(&n, no_trunc))
                .collect();
            let default = if quiet {
                "{{.ID}}"
            } else {
                "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}"
            };
            let fmt = if quiet { None } else { format.as_deref() };
            format::render_list(&mut out, fmt, default, &rows, &[("ID", "NETWORK ID")])?;
        }
        NetworkSub::Inspect { format, networks } => {
            let mut values = Vec::new();
            let mut missing = Vec::new();
            for n in &networks {
                match engine::inspect(&paths, n) {
                    Ok(v) => values.push(serde_json::to_value(v).context("encoding network")?),
                    Err(e) if e.downcast_ref::<NoSuchNetwork>().is_some() => {
                        missing.push(n.clone())
                    }
                    Err(e) => return Err(e),
                }
            }
            format::render_inspect(&mut out, format.as_deref(), &values)?;
            out.flush()?;
            if let Some(n) = missing.first() {
                return Err(StatusError {
                    code: 1,
                    msg: format!("No such network: {n}"),
                }
                .into());
            }
        }
        NetworkSub::Rm { force, networks } => {
            let mut failed = false;
            for n in &networks {
                match engine::remove(&paths, n) {
                    Ok(()) => writeln!(out, "{n}")?,
                    Err(e) if force && e.downcast_ref::<NoSuchNetwork>().is_some() => {}
                    Err(e) => {
                        failed = true;
                        eprintln!("Error response from daemon: {e:#}");
                    }
                }
            }
            out.flush()?;
            return Ok(if failed { 1 } else { 0 });
        }
        NetworkSub::Prune { force, filter } => {
            let labels = crate::cli::prune::parse_filters(&filter, true)?;
            if !force
                && !confirm(
                    "WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] ",
                )?
            {
                return Ok(0);
            }
            let removed = engine::prune(&paths, &labels)?;
            // docker prints the section with a blank line after it, and no total for networks.
            crate::cli::prune::section(&mut out, "Networks", &removed)?;
        }
        NetworkSub::Connect {
            aliases,
            network,
            container,
        } => {
            if let Some(code) = network_missing(&paths, &network)? {
                return Ok(code);
            }
            let (id, name, ns) = engine::find_attached_container(&paths, &container)?;
            engine::connect(&paths, &network, &id, &name, &ns, &aliases)?;
        }
        NetworkSub::Disconnect {
            force: _,
            network,
            container,
        } => {
            if let Some(code) = network_missing(&paths, &network)? {
                return Ok(code);
            }
            let (id, _, _) = engine::find_attached_container(&paths, &container)?;
            engine::disconnect(&paths, &network, &id)?;
        }
    }
    out.flush().context("writing output")?;
    Ok(0)
}

/// `connect`/`disconnect` of a network that does not exist: docker's daemon wording (as `network rm`
/// prints it) and exit code 1, before the container is looked at.
fn network_missing(paths: &Paths, network: &str) -> Result<Option<i32>> {
    match engine::find(paths, network) {
        Ok(_) => Ok(None),
        Err(e) if e.downcast_ref::<NoSuchNetwork>().is_some() => {
            eprintln!("Error response from daemon: {e:#}");
            Ok(Some(1))
        }
        Err(e) => Err(e),
    }
}

fn confirm(prompt: &str) -> Result<bool> {
    eprint!("{prompt}");
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the answer")?;
    Ok(matches!(
        line.trim().to_ascii_lowercase().as_str(),
        "y" | "yes"
    ))
}

/// docker's `network ls` row (docker/cli `cli/command/formatter/network.go`): every field a string.
fn ls_row(n: &engine::NetworkInfo, no_trunc: bool) -> serde_json::Value {
    let id = if no_trunc {
        n.id.clone()
    } else {
        n.id[..12].to_string()
    };
    let labels: Vec<String> = n.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    json!({
        "CreatedAt": n.created,
        "Driver": n.driver,
        "ID": id,
        "IPv6": "false",
        "Internal": n.internal.to_string(),
        "Labels": labels.join(","),
        "Name": n.name,
        "Scope": "local",
    })
}

enum Filter {
    Name(String),
    Id(String),
    Driver(String),
    Label(String, Option<String>),
    Type(bool),
    Scope(String),
}

impl Filter {
    fn matches(&self, n: &engine::NetworkInfo) -> bool {
        match self {
            Filter::Name(s) => n.name.contains(s.as_str()),
            Filter::Id(s) => n.id.starts_with(s.as_str()),
            Filter::Driver(s) => &n.driver == s,
            Filter::Label(k, v) => engine::labels_match(&n.labels, &[(k.clone(), v.clone())]),
            Filter::Type(builtin) => n.builtin == *builtin,
            Filter::Scope(s) => s == "local",
        }
    }
}

fn parse_filters(items: &[String]) -> Result<Vec<Filter>> {
    items
        .iter()
        .map(|f| {
            let (k, v) = f
                .split_once('=')
                .with_context(|| format!("bad format of filter (expected name=value): {f}"))?;
            Ok(match k {
                "name" => Filter::Name(v.into()),
                "id" => Filter::Id(v.into()),
                "driver" => Filter::Driver(v.into()),
                "label" => match v.split_once('=') {
                    Some((a, b)) => Filter::Label(a.into(), Some(b.into())),
                    None => Filter::Label(v.into(), None),
                },
                "type" => match v {
                    "custom" => Filter::Type(false),
                    "builtin" => Filter::Type(true),
                    _ => bail!("invalid filter: 'type'='{v}'"),
                },
                "scope" => Filter::Scope(v.into()),
                _ => bail!("invalid filter '{k}'"),
            })
        })
        .collect()
}

/// Parse one `-p`/`--publish` value with docker's rules (docker/go-connections `nat.ParsePortSpec`):
/// `[ip:][hostPort:]containerPort[/proto]`, ranges `8000-8001:80-81`, `127.0.0.1::80`, `[::1]:80:80`.
/// A range becomes one mapping per port.
pub fn parse_publish(spec: &str) -> Result<Vec<PortMapping>> {
    let (rest, proto) = match spec.rsplit_once('/') {
        Some((r, p)) => (
            r,
            p.parse::<Proto>()
                .map_err(|_| anyhow::anyhow!("invalid proto: {p}"))?,
        ),
        None => (spec, Proto::Tcp),
    };
    let (ip, host, ctr) = if let Some(r) = rest.strip_prefix('[') {
        let (ip, after) = r
            .split_once(']')
            .with_context(|| format!("invalid IP address: {rest}"))?;
        let after = after
            .strip_prefix(':')
            .with_context(|| format!("invalid port format: {spec}"))?;
        let (h, c) = after
            .split_once(':')
            .with_context(|| format!("invalid port format: {spec}"))?;
        (Some(ip), h, c)
    } else {
        let parts: Vec<&str> = rest.split(':').collect();
        match parts[..] {
            [c] => (None, "", c),
            [h, c] => (None, h, c),
            [i, h, c] => (Some(i), h, c),
            _ => bail!("invalid port format: {spec}"),
        }
    };
    let host_ip = match ip {
        None | Some("") => None,
        Some(s) => Some(
            s.parse::<IpAddr>()
                .map_err(|_| anyhow::anyhow!("invalid IP address: {s}"))?,
        ),
    };
    if ctr.is_empty() {
        bail!("no port specified: {spec}<empty>");
    }
    let (cs, ce) = parse_range(ctr)
        .ok()
        .filter(|(a, _)| *a != 0)
        .with_context(|| format!("invalid containerPort: {ctr}"))?;
    let (hs, he) = if host.is_empty() {
        (0, 0)
    } else {
        parse_range(host).map_err(|_| anyhow::anyhow!("invalid hostPort: {host}"))?
    };
    if hs != 0 && he - hs != ce - cs {
        bail!("invalid ranges specified for container and host Ports: {ctr} and {host}");
    }
    Ok((0..=(ce - cs))
        .map(|i| PortMapping {
            host_ip,
            host_port: if hs == 0 { 0 } else { hs + i },
            container_port: cs + i,
            proto,
        })
        .collect())
}

fn parse_range(s: &str) -> Result<(u16, u16)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let (a, b): (u16, u16) = (a.parse()?, b.parse()?);
    if b < a || (a == 0 && b != 0) {
        bail!("invalid range {s}");
    }
    Ok((a, b))
}

/// Parse `--add-host name:ip` (also `name=ip`, and `host-gateway`).
pub fn parse_add_host(s: &str) -> Result<(String, HostTarget)> {
    let (h, v) = s
        .split_once('=')
        .or_else(|| s.split_once(':'))
        .with_context(|| format!("bad format for add-host: {s:?}"))?;
    if v == "host-gateway" {
        return Ok((h.to_string(), HostTarget::HostGateway));
    }
    let v = v.trim_start_matches('[').trim_end_matches(']');
    let ip = v
        .parse()
        .map_err(|_| anyhow::anyhow!("invalid IP address in add-host: {v:?}"))?;
    Ok((h.to_string(), HostTarget::Ip(ip)))
}

fn run_internal(cmd: InternalNet, g: &GlobalOpts) -> Result<i32> {
    match cmd {
        InternalNet::PortForward(a) => {
            internal::port_forward(a.container_ip, &a.maps, a.owner_pid)?;
            Ok(0)
        }
        InternalNet::Setup(a) => {
            let paths = paths(g)?;
            let mode = match a.networks.first().map(String::as_str) {
                Some("none") => NetworkMode::None,
                Some("host") => NetworkMode::Host,
                Some(s) if s.starts_with("container:") => {
                    NetworkMode::Container(PathBuf::from(&s[10..]))
                }
                _ => NetworkMode::Bridge(a.networks.clone()),
            };
            let a = *a;
            let mut req = NetworkRequest::new(&a.id, &a.name, mode);
            req.aliases = a.aliases;
            req.hostname = a.hostname;
            req.ip = a.ip;
            req.mac_address = a.mac_address;
            req.files_dir = a.files_dir;
            req.owner_pid = a.owner_pid;
            for p in &a.publish {
                req.ports.extend(parse_publish(p)?);
            }
            for h in &a.add_hosts {
                req.extra_hosts.push(parse_add_host(h)?);
            }
            req.dns = DnsOptions {
                servers: a.dns,
                search: a.dns_search,
                options: a.dns_option,
            };
            let prepared = match internal::setup(&paths, &req) {
                Ok(p) => p,
                Err(e) => match e.downcast::<SetupFailed>() {
                    Ok(SetupFailed(e)) => {
                        return Err(StatusError {
                            code: 125,
                            msg: format!("{e:#}"),
                        }
                        .into());
                    }
                    Err(e) => return Err(e),
                },
            };
            let mut out = stdout();
            writeln!(
                out,
                "{}",
                serde_json::to_string(&prepared).context("encoding result")?
            )?;
            Ok(0)
        }
        InternalNet::Teardown { id } => {
            internal::teardown(&paths(g)?, &id)?;
            Ok(0)
        }
        InternalNet::Cleanup => {
            let cleaned = internal::cleanup(&paths(g)?)?;
            let mut out = stdout();
            for id in cleaned {
                writeln!(out, "{id}")?;
            }
            Ok(0)
        }
        InternalNet::AttachRootless {
            pid,
            id,
            owner_pid,
            publish,
            dir,
        } => {
            let paths = paths(g)?;
            let mut ports = Vec::new();
            for p in &publish {
                ports.extend(parse_publish(p)?);
            }
            let net = internal::attach_rootless(&paths, pid, &id, owner_pid, &ports, &dir)?;
            let mut out = stdout();
            writeln!(
                out,
                "{}",
                serde_json::to_string(&net).context("encoding result")?
            )?;
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(s: &str) -> PortMapping {
        let v = parse_publish(s).unwrap();
        assert_eq!(v.len(), 1, "{s}");
        v[0].clone()
    }

    #[test]
    fn publish_forms_parse_like_docker() {
        assert_eq!(
            one("80"),
            PortMapping {
                host_ip: None,
                host_port: 0,
                container_port: 80,
                proto: Proto::Tcp
            }
        );
        assert_eq!(one("8080:80").host_port, 8080);
        let m = one("127.0.0.1::80/udp");
        assert_eq!(
            (m.host_ip, m.host_port, m.proto),
            (Some("127.0.0.1".parse().unwrap()), 0, Proto::Udp)
        );
        let m = one("[::1]:8080:80");
        assert_eq!(
            (m.host_ip, m.host_port, m.container_port),
            (Some("::1".parse().unwrap()), 8080, 80)
        );
        let r = parse_publish("8000-8001:80-81/tcp").unwrap();
        assert_eq!(
            r.iter()
                .map(|m| (m.host_port, m.container_port))
                .collect::<Vec<_>>(),
            vec![(8000, 80), (8001, 81)]
        );
        assert_eq!(parse_publish("80-82").unwrap().len(), 3);
    }

    #[test]
    fn publish_errors_use_docker_wording() {
        assert_eq!(
            parse_publish("8080:http").unwrap_err().to_string(),
            "invalid containerPort: http"
        );
        assert_eq!(
            parse_publish("x:80").unwrap_err().to_string(),
            "invalid hostPort: x"
        );
        assert_eq!(
            parse_publish("80/sctp").unwrap_err().to_string(),
            "invalid proto: sctp"
        );
        assert_eq!(
            parse_publish("1.2.3:80:80").unwrap_err().to_string(),
            "invalid IP address: 1.2.3"
        );
        assert!(
            parse_publish("8000-8002:80-81")
                .unwrap_err()
                .to_string()
                .starts_with("invalid ranges")
        );
    }

    #[test]
    fn add_host_accepts_host_gateway_and_ipv6() {
        assert_eq!(
            parse_add_host("gw:host-gateway").unwrap(),
            ("gw".into(), HostTarget::HostGateway)
        );
        assert_eq!(
            parse_add_host("h:1.2.3.4").unwrap().1,
            HostTarget::Ip("1.2.3.4".parse().unwrap())
        );
        assert_eq!(
            parse_add_host("h6=::1").unwrap().1,
            HostTarget::Ip("::1".parse().unwrap())
        );
        crate::testing::assert_err(
            parse_add_host("nohost"),
            "bad format for add-host: \"nohost\"",
        );
    }
}

/// `--add-host` and the `--dns*` flags, shared by `run`/`create` and `pod create`.
#[derive(Debug, Clone, Args, Default)]
pub struct DnsFlags {
    /// Add a custom host-to-IP mapping (host:ip)
    #[arg(long = "add-host")]
    pub add_host: Vec<String>,
    /// Set custom DNS servers
    #[arg(long)]
    pub dns: Vec<String>,
    /// Set custom DNS search domains
    #[arg(long = "dns-search")]
    pub dns_search: Vec<String>,
    /// Set DNS options
    #[arg(long = "dns-option")]
    pub dns_option: Vec<String>,
}

impl DnsFlags {
    /// The resolver settings and extra /etc/hosts entries, parsed with docker's rules and wording.
    pub fn parse(&self) -> Result<(DnsOptions, Vec<(String, HostTarget)>)> {
        let servers = self
            .dns
            .iter()
            .map(|d| {
                d.parse()
                    .map_err(|_| anyhow::anyhow!("{d} is not an ip address"))
            })
            .collect::<Result<Vec<IpAddr>>>()?;
        let extra_hosts = self
            .add_host
            .iter()
            .map(|h| parse_add_host(h))
            .collect::<Result<Vec<_>>>()?;
        let dns = DnsOptions {
            servers,
            search: self.dns_search.clone(),
            options: self.dns_option.clone(),
        };
        Ok((dns, extra_hosts))
    }
}

/// The networking flags of `run` and `create` besides `--network` and `--hostname` (flattened into
/// the container flags).
#[derive(Debug, Clone, Args, Default)]
pub struct NetFlags {
    /// Publish a container's port(s) to the host
    #[arg(short = 'p', long = "publish")]
    pub publish: Vec<String>,
    /// Publish all exposed ports to random ports
    #[arg(short = 'P', long = "publish-all", action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "false", default_missing_value = "true", value_parser = crate::cli::go_bool)]
    pub publish_all: bool,
    /// Add network-scoped alias for the container
    #[arg(long = "network-alias")]
    pub network_alias: Vec<String>,
    #[command(flatten)]
    pub dns: DnsFlags,
    /// Container MAC address (e.g., 92:d0:c6:0a:29:33)
    #[arg(long = "mac-address")]
    pub mac_address: Option<String>,
    /// IPv4 address (e.g., 172.30.100.104)
    #[arg(long)]
    pub ip: Option<String>,
}

impl NetFlags {
    /// Parse the strings with docker's rules and wording.
    pub fn to_options(&self) -> Result<NetOptions> {
        let mut ports = Vec::new();
        for p in &self.publish {
            ports.extend(parse_publish(p)?);
        }
        let (dns, extra_hosts) = self.dns.parse()?;
        if let Some(m) = &self.mac_address {
            engine::check_mac_address(m)?;
        }
        let ip = self
            .ip
            .as_deref()
            .map(|s| {
                s.parse::<Ipv4Addr>()
                    .map_err(|_| anyhow::anyhow!("invalid IPv4 address: {s}"))
            })
            .transpose()?;
        Ok(NetOptions {
            ports,
            publish_all: self.publish_all,
            aliases: self.network_alias.clone(),
            extra_hosts,
            dns,
            mac_address: self.mac_address.clone(),
            ip,
            links: Vec::new(),
        })
    }
}

/// docker's PORTS column of `ps`: `127.0.0.1:8080->80/tcp, [::1]:53->53/udp` (docker's `DisplayablePorts`,
/// without its grouping of consecutive ranges).
pub fn ports_column(ports: &[PublishedPort]) -> String {
    ports
        .iter()
        .map(|p| {
            let host = match p.host_ip {
                IpAddr::V6(v) => format!("[{v}]"),
                IpAddr::V4(v) => v.to_string(),
            };
            format!("{host}:{}->{}/{}", p.host_port, p.container_port, p.proto)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `berth port CONTAINER [PRIVATE_PORT[/PROTO]]` output, as docker prints it: `80/tcp -> 0.0.0.0:8080`
/// per mapping, or just `0.0.0.0:8080` lines when a port is asked for. An asked-for port that is not
/// published is docker's error `No public port '80/tcp' published for NAME`.
pub fn write_ports(
    out: &mut dyn Write,
    ports: &[PublishedPort],
    private: Option<&str>,
    container: &str,
) -> Result<()> {
    let show = |p: &PublishedPort| match p.host_ip {
        IpAddr::V6(v) => format!("[{v}]:{}", p.host_port),
        IpAddr::V4(v) => format!("{v}:{}", p.host_port),
    };
    match private {
        None => {
            for p in ports {
                writeln!(out, "{}/{} -> {}", p.container_port, p.proto, show(p))?;
            }
        }
        Some(want) => {
            let (port, proto) = want.split_once('/').unwrap_or((want, "tcp"));
            let port: u16 = port
                .parse()
                .map_err(|_| anyhow::anyhow!("invalid port: {want}"))?;
            let proto: Proto = proto.parse()?;
            let hits: Vec<_> = ports
                .iter()
                .filter(|p| p.container_port == port && p.proto == proto)
                .collect();
            if hits.is_empty() {
                bail!("No public port '{port}/{proto}' published for {container}");
            }
            for p in hits {
                writeln!(out, "{}", show(p))?;
            }
        }
    }
    Ok(())
}
