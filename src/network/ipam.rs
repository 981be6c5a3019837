//! Network definitions and address management, in plain files.
//!
//! Owns `<root>/networks/<name>.json` (a network's config, written once) and the leases of bridges (one
//! file per address in use, made with O_EXCL under the bridge's lock). Leases belong to the bridge
//! device, not to a store: a bridge is host-wide, so every store attaching containers to it (two
//! `--root`/`--run-root` pairs, both on `berth0`) shares one set of leases in `Paths::bridges_dir`
//! (`/run/berth-net/bridges/<bridge>/` as root; see docs/layout.md "Networks"). Invariant: an address is
//! handed out only while holding the bridge's lock and only when no lease file names it; the gateway,
//! network and broadcast addresses are never leased. A lease names its store (run root), network and
//! owner, so each store sees only its own and a dead owner's lease can be reclaimed by anyone.

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use super::pool;
use crate::store::{self, Paths};

/// docker's name for the default network; berth's bridge device for it is [`DEFAULT_BRIDGE_DEVICE`].
pub const DEFAULT_NETWORK: &str = "bridge";
/// The default network's bridge device (docker's is docker0; podman's podman0).
pub const DEFAULT_BRIDGE_DEVICE: &str = "berth0";
/// The default network's first choice of subnet unless `<root>/networks/bridge.json` says otherwise.
/// Not docker's 172.17.0.0/16, which collides with a docker installed on the same host; podman's
/// default too, so when the host uses it berth takes the next free one of [`default_pool`].
pub const DEFAULT_SUBNET: &str = "10.88.0.0/16";

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
    /// `--ip-range`: where addresses are allocated from (`--ip` may still name any of the subnet's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_range: Option<Subnet>,
    /// `--aux-address name=ip`: addresses never handed out.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub aux_addresses: BTreeMap<String, Ipv4Addr>,
    /// `--attachable` (docker's swarm flag; every berth network is attachable): shown by inspect.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub attachable: bool,
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
    pub ip_range: Option<Subnet>,
    pub aux_addresses: BTreeMap<String, Ipv4Addr>,
    pub attachable: bool,
}

pub fn configs_dir(paths: &Paths) -> PathBuf {
    paths.network_configs_dir()
}
fn config_path(paths: &Paths, name: &str) -> PathBuf {
    configs_dir(paths).join(format!("{name}.json"))
}
pub fn run_dir(paths: &Paths, name: &str) -> PathBuf {
    paths.network_run_dir(name)
}

/// Where a berth before leases were per bridge kept a network's leases; read only to adopt them.
pub fn store_leases_dir(paths: &Paths, name: &str) -> PathBuf {
    run_dir(paths, name).join("leases")
}

/// The directory of one bridge device's lock and leases.
fn bridge_dir(paths: &Paths, bridge: &str) -> Result<PathBuf> {
    // The name comes from a config file: it must stay one path component (an interface name).
    if bridge.is_empty()
        || bridge.len() >= libc::IFNAMSIZ
        || bridge.starts_with('.')
        || bridge.contains(['/', '\0'])
    {
        bail!("invalid bridge device name {bridge:?}");
    }
    Ok(paths.bridges_dir().join(bridge))
}

/// The leases of the bridge `bridge`: one file per address, named by it.
pub fn bridge_leases_dir(paths: &Paths, bridge: &str) -> Result<PathBuf> {
    Ok(bridge_dir(paths, bridge)?.join("leases"))
}
/// The lock that guards the set of networks (create/rm) and the pool.
fn registry_lock(paths: &Paths) -> Result<store::FileLock> {
    store::create_private_dir(&paths.networks_run_dir())?;
    store::FileLock::exclusive(&paths.networks_lock())
}
/// The lock that guards one network's endpoints in this store (its containers' hosts files). Taken
/// before [`bridge_lock`] when both are needed.
pub fn network_lock(paths: &Paths, name: &str) -> Result<store::FileLock> {
    let d = run_dir(paths, name);
    store::create_private_dir(&d)?;
    store::FileLock::exclusive(&d.join("lock"))
}

/// The host-wide lock of one bridge device: guards the device (creation, removal) and its leases,
/// for every store. `<bridges_dir>/<bridge>/lock`.
pub struct BridgeLock {
    file: std::fs::File,
    dir: PathBuf,
}

/// Block until the lock of `bridge` is ours. The holder that releases the bridge's last lease removes
/// the directory (lock file included), so a lock taken on a file that is no longer at its path is
/// dropped and taken again on the current one.
pub fn bridge_lock(paths: &Paths, bridge: &str) -> Result<BridgeLock> {
    let dir = bridge_dir(paths, bridge)?;
    let path = dir.join("lock");
    loop {
        store::create_private_dir(&dir)?;
        let file = match std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(&path)
        {
            Ok(f) => f,
            // Removed between the mkdir and the open by a releasing holder: try again.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("opening {}", path.display())),
        };
        file.lock()
            .with_context(|| format!("locking {}", path.display()))?;
        let held = file
            .metadata()
            .with_context(|| format!("reading {}", path.display()))?;
        match std::fs::metadata(&path) {
            Ok(m) if m.ino() == held.ino() && m.dev() == held.dev() => {
                return Ok(BridgeLock { file, dir });
            }
            _ => continue,
        }
    }
}

impl BridgeLock {
    /// Remove the bridge's directory when it holds no lease any more (after the last release, or with
    /// the bridge): no empty directory per bridge is left behind in the host-wide place.
    pub fn remove_dir_if_unused(&self) {
        if std::fs::remove_dir(self.dir.join("leases")).is_ok() || !exists(&self.dir.join("leases"))
        {
            let _ = std::fs::remove_file(self.dir.join("lock"));
            let _ = std::fs::remove_dir(&self.dir);
        }
    }
}

impl Drop for BridgeLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
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

/// The default network's config, written on first use with `subnet`, else the first subnet of
/// [`pool::default_pool`] the host does not use ([`DEFAULT_SUBNET`] on most hosts).
/// Edit `<root>/networks/bridge.json` before first use to change it.
pub fn ensure_default(paths: &Paths, subnet: Option<Subnet>) -> Result<NetworkConfig> {
    if let Some(c) = try_load(paths, DEFAULT_NETWORK)? {
        return Ok(c);
    }
    let _g = registry_lock(paths)?;
    if let Some(c) = try_load(paths, DEFAULT_NETWORK)? {
        return Ok(c);
    }
    // Chosen once, when the config is written: a subnet the host uses (podman's cni-podman0 on
    // 10.88.0.0/16) is skipped; berth0 made by another store with its subnet is not in the way.
    let subnet = match subnet {
        Some(s) => s,
        None => {
            let taken: Vec<Subnet> = list(paths)?.iter().map(|n| n.subnet).collect();
            pool::choose_default_subnet(&taken, &pool::host_networks())?
        }
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
        ip_range: None,
        aux_addresses: BTreeMap::new(),
        attachable: false,
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
        None => pool::pick_subnet(
            pool::user_pool(),
            &taken,
            &pool::host_networks(),
            opts.options
                .get("com.docker.network.bridge.name")
                .map(String::as_str),
        )?,
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
    // docker's IPAM: the range and the auxiliary addresses lie in the subnet.
    if let Some(r) = opts.ip_range
        && !(subnet.contains(r.addr) && subnet.contains(r.broadcast()))
    {
        bail!("no matching subnet for range {r}");
    }
    for ip in opts.aux_addresses.values() {
        if !subnet.contains(*ip) {
            bail!("no matching subnet for aux-address {ip}");
        }
    }
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
        ip_range: opts.ip_range,
        aux_addresses: opts.aux_addresses.clone(),
        attachable: opts.attachable,
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

/// A lease file's content: who holds the address, for peers' /etc/hosts, for each store to find its
/// own, and for anyone to tell a dead holder's lease.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lease {
    pub container_id: String,
    /// The container's name without docker's leading slash.
    pub name: String,
    pub aliases: Vec<String>,
    /// The network (of the holder's store) the address is on.
    #[serde(default)]
    pub network: String,
    /// The holder's store: its run root, where its network record is.
    #[serde(default)]
    pub run_root: PathBuf,
    /// The process whose life bounds the lease (the container's monitor); 0: torn down explicitly.
    #[serde(default)]
    pub owner_pid: u32,
    #[serde(default)]
    pub owner_start: Option<u64>,
}

impl Lease {
    /// Does the lease belong to `network` of the store at `paths`?
    pub fn is_of(&self, paths: &Paths, network: &str) -> bool {
        self.run_root == paths.run_root && self.network == network
    }
}

/// Claim the first free host address of `cfg`'s subnet (or `want` when given) by creating its lease
/// file, with `lease` as its content, with O_EXCL. The caller holds [`bridge_lock`] of `cfg.bridge`.
pub fn allocate_ip(
    paths: &Paths,
    cfg: &NetworkConfig,
    want: Option<Ipv4Addr>,
    lease: &Lease,
) -> Result<Ipv4Addr> {
    let dir = bridge_leases_dir(paths, &cfg.bridge)?;
    store::create_private_dir(&dir)?;
    let content = serde_json::to_vec(lease).context("encoding lease")?;
    let usable = |ip: Ipv4Addr| {
        cfg.subnet.contains(ip)
            && ip != cfg.subnet.addr
            && ip != cfg.subnet.broadcast()
            && ip != cfg.gateway
            && !cfg.aux_addresses.values().any(|a| *a == ip)
    };
    let try_claim = |ip: Ipv4Addr| -> Result<bool> {
        let p = dir.join(ip.to_string());
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&p)
        {
            Ok(mut f) => {
                use std::io::Write;
                if let Err(e) = f.write_all(&content) {
                    let _ = std::fs::remove_file(&p);
                    return Err(e).with_context(|| format!("writing lease {}", p.display()));
                }
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => Err(e).with_context(|| format!("creating lease for {ip}")),
        }
    };
    if let Some(ip) = want {
        if !usable(ip) {
            bail!("invalid address {ip}: it does not belong to any of this network's subnets");
        }
        if !try_claim(ip)? {
            return Err(AddressInUse(ip).into());
        }
        return Ok(ip);
    }
    let pool = cfg.ip_range.unwrap_or(cfg.subnet);
    let first = u32::from(pool.addr);
    let last = u32::from(pool.broadcast());
    for n in first..=last {
        let ip = Ipv4Addr::from(n);
        if usable(ip) && try_claim(ip)? {
            return Ok(ip);
        }
    }
    Err(PoolExhausted {
        name: cfg.name.clone(),
        id: cfg.id.clone(),
    }
    .into())
}

/// `--ip` names an address someone holds (docker's wording).
#[derive(Debug, thiserror::Error)]
#[error("Address already in use")]
pub struct AddressInUse(pub Ipv4Addr);

/// Every address of the subnet is held (docker's wording).
#[derive(Debug, thiserror::Error)]
#[error("no available IPv4 addresses on this network's address pools: {name} ({id})")]
pub struct PoolExhausted {
    pub name: String,
    pub id: String,
}

/// Every lease on a bridge, of every store: (address, file, content). A file still being written (or
/// left empty by a crash in the middle of its claim) has no content yet: None.
pub fn bridge_leases(paths: &Paths, bridge: &str) -> Vec<(Ipv4Addr, PathBuf, Option<Lease>)> {
    let Ok(dir) = bridge_leases_dir(paths, bridge) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let p = e.path();
        let Some(ip) = p
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.parse::<Ipv4Addr>().ok())
        else {
            continue;
        };
        if let Ok(data) = std::fs::read(&p) {
            out.push((ip, p, serde_json::from_slice(&data).ok()));
        }
    }
    out.sort_by_key(|(ip, _, _)| *ip);
    out
}

/// The leases of network `name` in this store (path, content), found on its bridge.
pub fn read_leases(paths: &Paths, name: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let Ok(Some(cfg)) = try_load(paths, name) else {
        return Vec::new();
    };
    network_leases(paths, &cfg)
        .into_iter()
        .filter_map(|(_, p, l)| Some((p, serde_json::to_vec(&l).ok()?)))
        .collect()
}

/// The leases of network `cfg` in this store, typed.
pub fn network_leases(paths: &Paths, cfg: &NetworkConfig) -> Vec<(Ipv4Addr, PathBuf, Lease)> {
    bridge_leases(paths, &cfg.bridge)
        .into_iter()
        .filter_map(|(ip, p, l)| l.filter(|l| l.is_of(paths, &cfg.name)).map(|l| (ip, p, l)))
        .collect()
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
    fn a_bridge_lock_waiting_on_a_removed_lock_file_takes_the_new_one() {
        let d = tempfile::tempdir().unwrap();
        let paths = Paths {
            root: d.path().join("root"),
            run_root: d.path().join("run"),
            rootless: true,
        };
        let first = bridge_lock(&paths, "bt0").unwrap();
        let lock_path = paths.bridges_dir().join("bt0").join("lock");
        let (tx, rx) = std::sync::mpsc::channel();
        let p2 = paths.clone();
        let waiter = std::thread::spawn(move || {
            let l = bridge_lock(&p2, "bt0").unwrap();
            tx.send(()).unwrap();
            // Still ours after the directory was removed and made again: the file at the path.
            let at_path = std::fs::metadata(p2.bridges_dir().join("bt0").join("lock")).unwrap();
            assert_eq!(l.file.metadata().unwrap().ino(), at_path.ino());
        });
        std::thread::sleep(std::time::Duration::from_millis(100));
        assert!(rx.try_recv().is_err(), "the waiter got a held lock");
        // The last lease is gone: the holder removes the directory, lock file included.
        first.remove_dir_if_unused();
        assert!(!lock_path.exists());
        drop(first);
        rx.recv_timeout(std::time::Duration::from_secs(5))
            .expect("the waiter takes the lock");
        waiter.join().unwrap();
        assert!(lock_path.exists());
        // A bridge with leases keeps its directory.
        let l = bridge_lock(&paths, "bt0").unwrap();
        std::fs::create_dir_all(bridge_leases_dir(&paths, "bt0").unwrap().join("x")).unwrap();
        l.remove_dir_if_unused();
        assert!(lock_path.exists());
    }

    #[test]
    fn leases_name_their_store_and_network() {
        let paths = Paths {
            root: "/r".into(),
            run_root: "/run/a".into(),
            rootless: false,
        };
        let l = Lease {
            container_id: "c".into(),
            name: "n".into(),
            aliases: vec![],
            network: "bridge".into(),
            run_root: "/run/a".into(),
            owner_pid: 1,
            owner_start: None,
        };
        assert!(l.is_of(&paths, "bridge"));
        assert!(!l.is_of(&paths, "other"));
        let other = Paths {
            run_root: "/run/b".into(),
            ..paths.clone()
        };
        assert!(!l.is_of(&other, "bridge"));
        assert_eq!(
            paths.bridges_dir(),
            Path::new(crate::store::HOST_BRIDGES_DIR)
        );
        assert_eq!(
            bridge_leases_dir(&other, "berth0").unwrap(),
            Path::new("/run/berth-net/bridges/berth0/leases")
        );
        let rootless = Paths {
            rootless: true,
            ..paths.clone()
        };
        assert_eq!(rootless.bridges_dir(), Path::new("/run/a/bridges"));
        for bad in ["", "..", "a/b", "0123456789abcdef"] {
            assert!(bridge_leases_dir(&paths, bad).is_err(), "{bad:?}");
        }
        // Leases written before this field existed still parse.
        let old: Lease =
            serde_json::from_str(r#"{"container_id":"c","name":"n","aliases":[]}"#).unwrap();
        assert_eq!(old.owner_pid, 0);
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
