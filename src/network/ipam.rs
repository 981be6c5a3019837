//! Network definitions and address management, in plain files.
//!
//! Owns `<root>/networks/<name>.json` (a network's config, written once) and
//! `<run_root>/networks/<name>/leases/<ip>` (one file per address in use, made with O_EXCL under the
//! network's lock `<run_root>/networks/<name>/lock`). Invariant: an address is handed out only while
//! holding that lock and only when no lease file names it; the gateway, network and broadcast addresses
//! are never leased.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::store::{self, Paths};

/// docker's name for the default network; berth's bridge device for it is [`DEFAULT_BRIDGE_DEVICE`].
pub const DEFAULT_NETWORK: &str = "bridge";
/// The default network's bridge device (docker's is docker0; podman's podman0).
pub const DEFAULT_BRIDGE_DEVICE: &str = "berth0";
/// The default network's subnet unless `<root>/networks/bridge.json` says otherwise. Not docker's
/// 172.17.0.0/16, which collides with a docker installed on the same host.
pub const DEFAULT_SUBNET: &str = "10.88.0.0/16";
/// Where user networks get their subnet when `--subnet` is not given: 10.89.N.0/24 (podman's pool).
const POOL_BASE: [u8; 2] = [10, 89];

/// An IPv4 subnet: a network address and a prefix length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subnet {
    pub addr: Ipv4Addr,
    pub prefix: u8,
}

impl Subnet {
    pub fn mask(&self) -> u32 {
        if self.prefix == 0 {
            0
        } else {
            u32::MAX << (32 - self.prefix)
        }
    }
    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & self.mask() == u32::from(self.addr)
    }
    pub fn overlaps(&self, other: &Subnet) -> bool {
        self.contains(other.addr) || other.contains(self.addr)
    }
    /// The first host address, docker's default gateway.
    pub fn first_host(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) + 1)
    }
    pub fn broadcast(&self) -> Ipv4Addr {
        Ipv4Addr::from(u32::from(self.addr) | !self.mask())
    }
    pub fn netmask(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.mask())
    }
}

impl fmt::Display for Subnet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix)
    }
}

impl FromStr for Subnet {
    type Err = anyhow::Error;
    fn from_str(s: &str) -> Result<Subnet> {
        let (a, p) = s
            .split_once('/')
            .with_context(|| format!("invalid subnet {s}: missing prefix length"))?;
        let addr: Ipv4Addr = a.parse().with_context(|| format!("invalid subnet {s}"))?;
        let prefix: u8 = p.parse().with_context(|| format!("invalid subnet {s}"))?;
        if !(8..=30).contains(&prefix) {
            bail!("invalid subnet {s}: prefix length must be between 8 and 30");
        }
        let sub = Subnet { addr, prefix };
        // docker accepts 10.89.0.5/24 and means 10.89.0.0/24.
        Ok(Subnet {
            addr: Ipv4Addr::from(u32::from(addr) & sub.mask()),
            prefix,
        })
    }
}

impl Serialize for Subnet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Subnet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Subnet, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A network's definition: `<root>/networks/<name>.json`, written once at create.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkConfig {
    pub name: String,
    /// 64 hex digits, as docker's network ids.
    pub id: String,
    /// RFC 3339 with nanoseconds.
    pub created: String,
    /// Always "bridge" for now.
    pub driver: String,
    pub subnet: Subnet,
    pub gateway: Ipv4Addr,
    /// The Linux bridge device: `berth0` for the default network, `br-<12 hex of id>` otherwise.
    pub bridge: String,
    pub internal: bool,
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
    #[serde(default)]
    pub options: BTreeMap<String, String>,
    /// MTU given to the veth pairs (docker: com.docker.network.driver.mtu, default 1500).
    #[serde(default = "default_mtu")]
    pub mtu: u32,
}

fn default_mtu() -> u32 {
    1500
}

impl NetworkConfig {
    /// User networks get name resolution of their peers; docker's default network does not.
    pub fn resolves_names(&self) -> bool {
        self.name != DEFAULT_NETWORK
    }
}

/// What `network create` asks for (typed; the cli parsed the strings).
#[derive(Debug, Clone, Default)]
pub struct CreateOptions {
    pub name: String,
    pub driver: Option<String>,
    pub subnet: Option<Subnet>,
    pub gateway: Option<Ipv4Addr>,
    pub internal: bool,
    pub labels: BTreeMap<String, String>,
    pub options: BTreeMap<String, String>,
}

pub fn configs_dir(paths: &Paths) -> PathBuf {
    paths.root.join("networks")
}
fn config_path(paths: &Paths, name: &str) -> PathBuf {
    configs_dir(paths).join(format!("{name}.json"))
}
pub fn run_dir(paths: &Paths, name: &str) -> PathBuf {
    paths.run_root.join("networks").join(name)
}
pub fn leases_dir(paths: &Paths, name: &str) -> PathBuf {
    run_dir(paths, name).join("leases")
}
/// The lock that guards the set of networks (create/rm) and the pool.
fn registry_lock(paths: &Paths) -> Result<store::FileLock> {
    store::create_private_dir(&paths.run_root.join("networks"))?;
    store::FileLock::exclusive(&paths.run_root.join("networks").join("lock"))
}
/// The lock that guards one network's leases and bridge.
pub fn network_lock(paths: &Paths, name: &str) -> Result<store::FileLock> {
    let d = run_dir(paths, name);
    store::create_private_dir(&d)?;
    store::FileLock::exclusive(&d.join("lock"))
}

/// docker's rule for network names: `[a-zA-Z0-9][a-zA-Z0-9_.-]*`.
pub fn validate_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let ok = chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
        && chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !ok {
        bail!("invalid network name {name:?}: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed");
    }
    Ok(())
}

/// Every stored network, the default one included once it has been used, sorted by name.
pub fn list(paths: &Paths) -> Result<Vec<NetworkConfig>> {
    let dir = configs_dir(paths);
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    };
    for e in entries {
        let e = e.with_context(|| format!("reading {}", dir.display()))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some(n) = name.strip_suffix(".json")
            && !name.starts_with('.')
        {
            out.push(load(paths, n)?);
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Read one network's config.
pub fn load(paths: &Paths, name: &str) -> Result<NetworkConfig> {
    let p = config_path(paths, name);
    let data =
        std::fs::read(&p).with_context(|| format!("reading network config {}", p.display()))?;
    serde_json::from_slice(&data).with_context(|| format!("parsing network config {}", p.display()))
}

/// Read one network's config, or None when no such network is stored.
pub fn try_load(paths: &Paths, name: &str) -> Result<Option<NetworkConfig>> {
    if validate_name(name).is_err() || !config_path(paths, name).exists() {
        return Ok(None);
    }
    load(paths, name).map(Some)
}

/// The default network's config, written on first use with [`DEFAULT_SUBNET`] (or `subnet`).
/// Edit `<root>/networks/bridge.json` before first use to change it.
pub fn ensure_default(paths: &Paths, subnet: Option<Subnet>) -> Result<NetworkConfig> {
    if let Some(c) = try_load(paths, DEFAULT_NETWORK)? {
        return Ok(c);
    }
    let _g = registry_lock(paths)?;
    if let Some(c) = try_load(paths, DEFAULT_NETWORK)? {
        return Ok(c);
    }
    let subnet = match subnet {
        Some(s) => s,
        None => DEFAULT_SUBNET.parse()?,
    };
    let mut options = BTreeMap::new();
    options.insert(
        "com.docker.network.bridge.default_bridge".into(),
        "true".into(),
    );
    options.insert(
        "com.docker.network.bridge.name".into(),
        DEFAULT_BRIDGE_DEVICE.into(),
    );
    let cfg = NetworkConfig {
        name: DEFAULT_NETWORK.into(),
        id: random_hex(32),
        created: now_rfc3339(),
        driver: "bridge".into(),
        subnet,
        gateway: subnet.first_host(),
        bridge: DEFAULT_BRIDGE_DEVICE.into(),
        internal: false,
        labels: BTreeMap::new(),
        options,
        mtu: 1500,
    };
    save(paths, &cfg)?;
    Ok(cfg)
}

fn save(paths: &Paths, cfg: &NetworkConfig) -> Result<()> {
    store::create_private_dir(&configs_dir(paths))?;
    let data = serde_json::to_vec_pretty(cfg).context("encoding network config")?;
    store::write_atomic(&config_path(paths, &cfg.name), &data)
}

/// Define a user network. Errors as docker's: a taken name, a subnet overlapping another network.
pub fn create(paths: &Paths, opts: &CreateOptions) -> Result<NetworkConfig> {
    validate_name(&opts.name)?;
    if matches!(opts.name.as_str(), "bridge" | "host" | "none") {
        bail!(
            "operation is not permitted on predefined {} network ",
            opts.name
        );
    }
    let driver = opts.driver.clone().unwrap_or_else(|| "bridge".into());
    if driver != "bridge" {
        bail!("plugin \"{driver}\" not found");
    }
    let _g = registry_lock(paths)?;
    if config_path(paths, &opts.name).exists() {
        bail!("network with name {} already exists", opts.name);
    }
    let existing = list(paths)?;
    let taken: Vec<Subnet> = existing.iter().map(|n| n.subnet).collect();
    let subnet = match opts.subnet {
        Some(s) => {
            if let Some(n) = existing.iter().find(|n| n.subnet.overlaps(&s)) {
                bail!(
                    "invalid pool request: Pool overlaps with other one on this address space ({} of network {})",
                    n.subnet,
                    n.name
                );
            }
            s
        }
        None => allocate_subnet(&taken, &host_routes())?,
    };
    let gateway = match opts.gateway {
        Some(g) => {
            if !subnet.contains(g) || g == subnet.addr || g == subnet.broadcast() {
                bail!("invalid gateway {g}: not a host address of subnet {subnet}");
            }
            g
        }
        None => subnet.first_host(),
    };
    let id = random_hex(32);
    let mtu = match opts.options.get("com.docker.network.driver.mtu") {
        Some(m) => m.parse().with_context(|| format!("invalid mtu {m}"))?,
        None => 1500,
    };
    let bridge = opts
        .options
        .get("com.docker.network.bridge.name")
        .cloned()
        .unwrap_or_else(|| format!("br-{}", &id[..12]));
    let cfg = NetworkConfig {
        name: opts.name.clone(),
        id,
        created: now_rfc3339(),
        driver,
        subnet,
        gateway,
        bridge,
        internal: opts.internal,
        labels: opts.labels.clone(),
        options: opts.options.clone(),
        mtu,
    };
    save(paths, &cfg)?;
    Ok(cfg)
}

/// Forget a network's definition and its run dir. The caller has checked it has no endpoints and
/// removed its bridge.
pub fn remove_config(paths: &Paths, name: &str) -> Result<()> {
    let _g = registry_lock(paths)?;
    let p = config_path(paths, name);
    std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
    let _ = std::fs::remove_dir_all(run_dir(paths, name));
    Ok(())
}

/// The first 10.89.N.0/24 that overlaps neither another berth network nor a route of the host.
fn allocate_subnet(taken: &[Subnet], routes: &[Subnet]) -> Result<Subnet> {
    for n in 0..=255u8 {
        let cand = Subnet {
            addr: Ipv4Addr::new(POOL_BASE[0], POOL_BASE[1], n, 0),
            prefix: 24,
        };
        if taken.iter().chain(routes).any(|s| s.overlaps(&cand)) {
            continue;
        }
        return Ok(cand);
    }
    bail!(
        "could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network"
    )
}

/// The host's IPv4 routes other than the default one (/proc/net/route), so a new subnet never shadows
/// a network the host already reaches (docker checks the same, libnetwork `netutils`).
fn host_routes() -> Vec<Subnet> {
    let Ok(text) = std::fs::read_to_string("/proc/net/route") else {
        return Vec::new();
    };
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
        out.push(Subnet { addr: dst, prefix });
    }
    out
}

/// Claim the first free host address of `cfg`'s subnet (or `want` when given) by creating its lease
/// file with O_EXCL. The caller holds [`network_lock`].
pub fn allocate_ip(paths: &Paths, cfg: &NetworkConfig, want: Option<Ipv4Addr>) -> Result<Ipv4Addr> {
    let dir = leases_dir(paths, &cfg.name);
    store::create_private_dir(&dir)?;
    let usable = |ip: Ipv4Addr| {
        cfg.subnet.contains(ip)
            && ip != cfg.subnet.addr
            && ip != cfg.subnet.broadcast()
            && ip != cfg.gateway
    };
    let try_claim = |ip: Ipv4Addr| -> Result<bool> {
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(dir.join(ip.to_string()))
        {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e).with_context(|| format!("creating lease for {ip}")),
        }
    };
    if let Some(ip) = want {
        if !usable(ip) {
            bail!("invalid address {ip}: it does not belong to any of this network's subnets");
        }
        if !try_claim(ip)? {
            bail!("Address already in use");
        }
        return Ok(ip);
    }
    let first = u32::from(cfg.subnet.addr) + 1;
    let last = u32::from(cfg.subnet.broadcast());
    for n in first..last {
        let ip = Ipv4Addr::from(n);
        if usable(ip) && try_claim(ip)? {
            return Ok(ip);
        }
    }
    bail!(
        "no available IPv4 addresses on this network's address pools: {} ({})",
        cfg.name,
        cfg.id
    )
}

/// The lease file of `ip` on network `name`.
pub fn lease_path(paths: &Paths, name: &str, ip: Ipv4Addr) -> PathBuf {
    leases_dir(paths, name).join(ip.to_string())
}

/// Every lease file of a network (path, content), skipping unreadable or still-empty ones.
pub fn read_leases(paths: &Paths, name: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = leases_dir(paths, name);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let p = e.path();
        if p.file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        {
            continue;
        }
        if let Ok(data) = std::fs::read(&p) {
            out.push((p, data));
        }
    }
    out.sort();
    out
}

/// `n` random bytes as hex, from the kernel's generator.
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    let mut filled = 0;
    while filled < n {
        // SAFETY: getrandom writes at most `n - filled` bytes into the live buffer slice we pass.
        let r = unsafe { libc::getrandom(buf[filled..].as_mut_ptr().cast(), n - filled, 0) };
        if r > 0 {
            filled += r as usize;
        }
    }
    hex::encode(buf)
}

/// Now as RFC 3339 with nanoseconds in UTC, docker's `Created` format.
pub fn now_rfc3339() -> String {
    crate::time::rfc3339_nano(std::time::SystemTime::now())
}

/// Does `p` exist (without following a final symlink)?
pub fn exists(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subnet_parses_and_normalises_host_bits() {
        let s: Subnet = "10.89.3.7/24".parse().unwrap();
        assert_eq!(s.to_string(), "10.89.3.0/24");
        assert_eq!(s.first_host(), Ipv4Addr::new(10, 89, 3, 1));
        assert_eq!(s.broadcast(), Ipv4Addr::new(10, 89, 3, 255));
        assert!(s.contains(Ipv4Addr::new(10, 89, 3, 200)));
        assert!(!s.contains(Ipv4Addr::new(10, 89, 4, 1)));
        crate::testing::assert_err("10.0.0.0".parse::<Subnet>(), "missing prefix length");
        crate::testing::assert_err(
            "10.0.0.0/31".parse::<Subnet>(),
            "prefix length must be between 8 and 30",
        );
    }

    #[test]
    fn pool_skips_taken_and_routed_subnets() {
        let taken = vec!["10.89.0.0/24".parse().unwrap()];
        let routes = vec!["10.89.1.0/24".parse().unwrap()];
        assert_eq!(
            allocate_subnet(&taken, &routes).unwrap().to_string(),
            "10.89.2.0/24"
        );
    }

    #[test]
    fn network_names_follow_docker_rule() {
        assert!(validate_name("app_net-1.x").is_ok());
        crate::testing::assert_err(validate_name("-x"), "invalid network name \"-x\"");
        crate::testing::assert_err(validate_name("a/b"), "invalid network name \"a/b\"");
        crate::testing::assert_err(validate_name(""), "invalid network name \"\"");
    }

    #[test]
    fn created_time_is_rfc3339() {
        let t = now_rfc3339();
        assert_eq!(t.len(), 30, "{t}");
        assert!(t.ends_with('Z') && t.as_bytes()[10] == b'T');
    }
}
