//! Where a network's subnet comes from when none is given: the pools, and the subnets the host already
//! uses (addresses of its links, up or down, and its routes), which a new network must not overlap
//! (docker checks the same, libnetwork `netutils`). See docs/layout.md "Networks".
//!
//! Must not depend on anything in network but ipam's types and the netlink client; reads only.

use anyhow::{Result, bail};
use std::net::Ipv4Addr;

use super::ipam::{DEFAULT_BRIDGE_DEVICE, DEFAULT_SUBNET, Subnet};

/// Where user networks get their subnet when `--subnet` is not given: 10.89.N.0/24 (podman's pool).
const POOL_BASE: [u8; 2] = [10, 89];

/// The pool of user networks without `--subnet`: 10.89.N.0/24.
pub fn user_pool() -> impl Iterator<Item = Subnet> {
    (0..=255u8).map(|n| Subnet {
        addr: Ipv4Addr::new(POOL_BASE[0], POOL_BASE[1], n, 0),
        prefix: 24,
    })
}

/// The default network's subnets in order of preference: [`DEFAULT_SUBNET`], then docker's default
/// address pools (172.17.0.0/16 to 172.31.0.0/16, then 192.168.0.0/16 in /20s).
pub fn default_pool() -> impl Iterator<Item = Subnet> {
    let first = DEFAULT_SUBNET
        .parse::<Subnet>()
        .expect("DEFAULT_SUBNET is a valid subnet");
    let b16 = (17..=31u8).map(|b| Subnet {
        addr: Ipv4Addr::new(172, b, 0, 0),
        prefix: 16,
    });
    let c20 = (0..16u8).map(|c| Subnet {
        addr: Ipv4Addr::new(192, 168, c * 16, 0),
        prefix: 20,
    });
    std::iter::once(first).chain(b16).chain(c20)
}

/// The default network's subnet for a new store: the subnet of `berth0` when another store made it
/// already (the bridge is shared, so must its subnet be), else the first free one of [`default_pool`].
pub fn choose_default_subnet(taken: &[Subnet], host: &[HostNet]) -> Result<Subnet> {
    if let Some(h) = host
        .iter()
        .find(|h| h.dev == DEFAULT_BRIDGE_DEVICE && (8..=30).contains(&h.subnet.prefix))
    {
        return Ok(h.subnet);
    }
    pick_subnet(default_pool(), taken, host, Some(DEFAULT_BRIDGE_DEVICE))
}

/// A subnet the host already uses: an interface's address or a route, and its device.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostNet {
    pub dev: String,
    pub subnet: Subnet,
}

/// The first subnet of `pool` that overlaps neither another berth network of this store (`taken`) nor
/// a subnet the host uses (docker checks the same, libnetwork `netutils`), except on `own_bridge`: the
/// bridge this network will use, which another store may have made already with the same subnet.
pub fn pick_subnet(
    pool: impl Iterator<Item = Subnet>,
    taken: &[Subnet],
    host: &[HostNet],
    own_bridge: Option<&str>,
) -> Result<Subnet> {
    for cand in pool {
        let in_store = taken.iter().any(|s| s.overlaps(&cand));
        let on_host = host
            .iter()
            .any(|h| Some(h.dev.as_str()) != own_bridge && h.subnet.overlaps(&cand));
        if !in_store && !on_host {
            return Ok(cand);
        }
    }
    bail!(
        "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network"
    )
}

/// The subnets the host uses: its IPv4 routes other than the default one (/proc/net/route, main table)
/// and the networks of its interfaces' addresses (a netlink dump), links that are down included.
/// Unreadable sources give nothing: a pool that cannot see the host only risks what it risked before.
pub fn host_networks() -> Vec<HostNet> {
    let mut out = match std::fs::read_to_string("/proc/net/route") {
        Ok(text) => parse_proc_route(&text),
        Err(_) => Vec::new(),
    };
    match super::netlink::Netlink::open().and_then(|mut nl| nl.ipv4_addrs()) {
        Ok(addrs) => {
            for a in addrs {
                let Some(dev) = super::netlink::ifname(a.index) else {
                    continue;
                };
                let sub = Subnet {
                    addr: a.addr,
                    prefix: a.prefix.min(32),
                };
                let subnet = Subnet {
                    addr: Ipv4Addr::from(u32::from(a.addr) & sub.mask()),
                    prefix: sub.prefix,
                };
                if !subnet.addr.is_loopback() {
                    out.push(HostNet { dev, subnet });
                }
            }
        }
        Err(e) => log::debug!("reading the host's addresses: {e:#}"),
    }
    out
}

/// /proc/net/route's routes but the default one: (interface, destination).
fn parse_proc_route(text: &str) -> Vec<HostNet> {
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let f: Vec<&str> = line.split_whitespace().collect();
        if f.len() < 8 {
            continue;
        }
        let (Ok(dst), Ok(mask)) = (u32::from_str_radix(f[1], 16), u32::from_str_radix(f[7], 16))
        else {
            continue;
        };
        if mask == 0 {
            continue;
        }
        // /proc/net/route prints the in-memory (network order) bytes as a native-endian u32.
        let dst = Ipv4Addr::from(dst.to_ne_bytes());
        let prefix = mask.count_ones() as u8;
        out.push(HostNet {
            dev: f[0].to_string(),
            subnet: Subnet { addr: dst, prefix },
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(dev: &str, subnet: &str) -> HostNet {
        HostNet {
            dev: dev.into(),
            subnet: subnet.parse().unwrap(),
        }
    }

    #[test]
    fn pool_skips_taken_and_routed_subnets() {
        let taken = vec!["10.89.0.0/24".parse().unwrap()];
        let routes = vec![host("eth1", "10.89.1.0/24")];
        assert_eq!(
            pick_subnet(user_pool(), &taken, &routes, None)
                .unwrap()
                .to_string(),
            "10.89.2.0/24"
        );
    }

    #[test]
    fn default_subnet_moves_off_a_subnet_the_host_uses_but_not_off_its_own_bridge() {
        let pick = |host: &[HostNet]| {
            pick_subnet(default_pool(), &[], host, Some(DEFAULT_BRIDGE_DEVICE))
                .unwrap()
                .to_string()
        };
        assert_eq!(pick(&[]), "10.88.0.0/16");
        // podman's bridge has it, docker's has 172.17.
        let podman = [
            host("cni-podman0", "10.88.0.0/16"),
            host("docker0", "172.17.0.0/16"),
        ];
        assert_eq!(pick(&podman), "172.18.0.0/16");
        // A narrower address inside it is in the way as well.
        assert_eq!(pick(&[host("wg0", "10.88.7.0/24")]), "172.17.0.0/16");
        // berth0, made by another store, is this network's own bridge.
        assert_eq!(pick(&[host("berth0", "10.88.0.0/16")]), "10.88.0.0/16");
        // A new store takes berth0's subnet, whatever else the host has on it since.
        let shared = [
            host("cni-podman0", "10.88.0.0/16"),
            host("berth0", "10.88.0.0/16"),
        ];
        assert_eq!(
            choose_default_subnet(&[], &shared).unwrap().to_string(),
            "10.88.0.0/16"
        );
        let moved = [host("berth0", "172.18.0.0/16")];
        assert_eq!(
            choose_default_subnet(&[], &moved).unwrap().to_string(),
            "172.18.0.0/16"
        );
        assert_eq!(
            choose_default_subnet(&[], &[host("cni-podman0", "10.88.0.0/16")])
                .unwrap()
                .to_string(),
            "172.17.0.0/16"
        );
        // Everything of docker's pools taken: 192.168.0.0/20 onwards, then an error.
        let mut all: Vec<HostNet> = (16..=31)
            .map(|b| host("x", &format!("172.{b}.0.0/16")))
            .collect();
        all.push(host("y", "10.88.0.0/16"));
        assert_eq!(pick(&all), "192.168.0.0/20");
        all.push(host("z", "192.168.0.0/16"));
        assert!(
            pick_subnet(default_pool(), &[], &all, Some(DEFAULT_BRIDGE_DEVICE))
                .unwrap_err()
                .to_string()
                .contains("non-overlapping IPv4 address pool")
        );
    }

    #[test]
    fn proc_net_route_gives_device_and_destination() {
        let text = "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n\
            eth0\t00000000\t010200C0\t0003\t0\t0\t0\t00000000\t0\t0\t0\n\
            berth0\t0000580A\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0\n";
        assert_eq!(parse_proc_route(text), vec![host("berth0", "10.88.0.0/16")]);
    }
}
