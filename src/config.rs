//! berth's configuration: its own TOML file (registries, mirrors, timeouts, unpack limits), merged with
//! the mirror and insecure-registry settings other tools already keep on the host (docker's `daemon.json`,
//! containers-registries.conf, containerd's `certs.d/*/hosts.toml`).
//!
//! Must not depend on cli, engine, registry or store. Reads files only; never writes.
//! Invariant: an unknown key in berth's own file is reported as a warning, never silently ignored; the
//! precedence for mirrors is berth's file > registries.conf > hosts.toml > daemon.json (DOCKER-COMPAT.md §2).

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The merged configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `[registry]`: network behaviour shared by every registry.
    pub registry: RegistrySettings,
    /// `[registries."host"]` (or `"host/path"`, `"*.example.com"`): per-registry settings, keyed by prefix.
    /// The file may also list them as `[[registries]]` tables with a `prefix` key.
    #[serde(deserialize_with = "registries_map_or_list")]
    pub registries: BTreeMap<String, RegistryEntry>,
    /// `[limits]`: bounds on untrusted input (manifests, layers).
    pub limits: Limits,
    /// Where credentials are read from; `None` means the environment's defaults (see `registry::auth`).
    /// Not a file key: tests and embedders set it to avoid touching process-wide environment variables.
    #[serde(skip)]
    pub credentials: Option<CredentialSources>,
    /// Directories holding `<host:port>/*.crt` CA files; `None` means the usual ones
    /// (/etc/berth/certs.d, /etc/docker/certs.d, /etc/containers/certs.d, ~/.config/containers/certs.d).
    #[serde(skip)]
    pub certs_dirs: Option<Vec<PathBuf>>,
    /// Files that contributed to this configuration, in the order they were read.
    #[serde(skip)]
    pub sources: Vec<PathBuf>,
    /// Address ranges whose registries are insecure (daemon.json `insecure-registries` CIDRs). They match
    /// registries named by an IP address; docker also resolves names, berth does not.
    #[serde(skip)]
    pub insecure_ranges: Vec<(std::net::IpAddr, u8)>,
}

/// Network settings for all registries.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct RegistrySettings {
    /// Seconds to wait for a TCP/TLS connection to an endpoint before moving to the next one.
    pub connect_timeout: f64,
    /// Seconds without a single byte (response headers or body) before an endpoint counts as stalled.
    pub stall_timeout: f64,
    /// Extra attempts on one endpoint for 429, 5xx and dropped connections before moving on.
    pub retries: u32,
    /// Upper bound on concurrent blob downloads of one pull.
    pub max_parallel_downloads: usize,
}

impl Default for RegistrySettings {
    fn default() -> Self {
        RegistrySettings {
            connect_timeout: 5.0,
            stall_timeout: 30.0,
            retries: 3,
            max_parallel_downloads: 4,
        }
    }
}

impl RegistrySettings {
    pub fn connect_timeout(&self) -> Duration {
        secs(self.connect_timeout)
    }
    pub fn stall_timeout(&self) -> Duration {
        secs(self.stall_timeout)
    }
}

fn secs(s: f64) -> Duration {
    Duration::try_from_secs_f64(s).unwrap_or(Duration::from_secs(30))
}

/// `[registries."host"]` tables or a `[[registries]]` list with `prefix = "host"`.
fn registries_map_or_list<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<BTreeMap<String, RegistryEntry>, D::Error> {
    #[derive(Deserialize)]
    struct Listed {
        prefix: String,
        #[serde(flatten)]
        entry: RegistryEntry,
    }
    use serde::de::Error;
    // Decide the form first, so a bad value gets the precise error of that form rather than
    // "did not match any variant".
    match toml::Value::deserialize(d)? {
        v @ toml::Value::Table(_) => v.try_into().map_err(D::Error::custom),
        v @ toml::Value::Array(_) => {
            let l: Vec<Listed> = v.try_into().map_err(D::Error::custom)?;
            Ok(l.into_iter().map(|x| (x.prefix, x.entry)).collect())
        }
        _ => Err(D::Error::custom(
            "registries must be tables or a list of tables",
        )),
    }
}

/// Settings for one registry (or repository prefix).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default)]
pub struct RegistryEntry {
    /// Mirrors tried in order before the registry itself (pulls only).
    pub mirrors: Vec<Mirror>,
    /// Allow plain HTTP and unverified TLS for this registry.
    pub insecure: bool,
    /// Extra CA certificate (PEM) trusted for this registry only.
    pub ca_file: Option<PathBuf>,
    /// Refuse every pull from this registry (registries.conf `blocked`).
    pub blocked: bool,
    /// Replace the prefix with this location (registries.conf `location`), e.g. `"internal:5000/hub"`.
    pub location: Option<String>,
}

/// A mirror: a URL (`https://m.example.com`, `http://127.0.0.1:5001`, `m.example.com/prefix`) and
/// when to use it. In TOML either a string or `{ location = "...", insecure = true, pull_from = "digest-only" }`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(from = "MirrorToml")]
pub struct Mirror {
    pub location: String,
    pub insecure: bool,
    pub pull_from: PullFrom,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum MirrorToml {
    Url(String),
    Table {
        location: String,
        #[serde(default)]
        insecure: bool,
        #[serde(default)]
        pull_from: PullFrom,
    },
}

impl From<MirrorToml> for Mirror {
    fn from(m: MirrorToml) -> Self {
        match m {
            MirrorToml::Url(location) => Mirror {
                location,
                insecure: false,
                pull_from: PullFrom::All,
            },
            MirrorToml::Table {
                location,
                insecure,
                pull_from,
            } => Mirror {
                location,
                insecure,
                pull_from,
            },
        }
    }
}

/// registries.conf `pull-from-mirror`: which references a mirror may serve.
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum PullFrom {
    #[default]
    All,
    DigestOnly,
    TagOnly,
}

/// Bounds on untrusted input (SECURITY.md 1C C2/C3, 1A decompression bombs).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct Limits {
    /// Largest manifest or index accepted (containers/image uses 4 MiB).
    pub max_manifest_bytes: u64,
    /// Largest image config accepted.
    pub max_config_bytes: u64,
    /// Largest uncompressed size of one layer.
    pub max_layer_bytes: u64,
    /// Most tar entries in one layer.
    pub max_entries: u64,
    /// Most bytes read from an error body or a token response.
    pub max_error_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_manifest_bytes: 4 << 20,
            max_config_bytes: 4 << 20,
            max_layer_bytes: 64 << 30,
            max_entries: 1_000_000,
            max_error_bytes: 1 << 20,
        }
    }
}

/// Credential files to read, in order (see `registry::auth`).
#[derive(Debug, Clone, Default)]
pub struct CredentialSources {
    /// Docker's config directory (`$DOCKER_CONFIG`, default `~/.docker`): `config.json` is read and written.
    pub docker_config_dir: Option<PathBuf>,
    /// containers auth.json files, read after docker's (REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, ~/.config).
    pub auth_files: Vec<PathBuf>,
}

/// The files [`Config::load_sources`] reads.
#[derive(Debug, Clone, Default)]
pub struct ConfigSources {
    /// berth's own config.toml.
    pub own: Option<PathBuf>,
    /// Whether a missing `own` file is an error (it was named explicitly).
    pub own_required: bool,
    /// docker's daemon.json.
    pub daemon_json: Option<PathBuf>,
    /// containers-registries.conf files, in the order they apply (main file first, then drop-ins).
    pub registries_conf: Vec<PathBuf>,
    /// containerd `certs.d` directories holding `<host[:port]>/hosts.toml`.
    pub hosts_dirs: Vec<PathBuf>,
}

impl ConfigSources {
    /// The default locations, overridable by environment for tests and unusual hosts:
    /// BERTH_DAEMON_JSON, CONTAINERS_REGISTRIES_CONF (containers/image honours the latter too).
    pub fn discover(explicit: Option<&Path>, rootless: bool) -> ConfigSources {
        let config_home = config_home();
        let own = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None if rootless => config_home.as_ref().map(|h| h.join("berth/config.toml")),
            None => Some(PathBuf::from("/etc/berth/config.toml")),
        };
        let daemon_json = match std::env::var_os("BERTH_DAEMON_JSON") {
            Some(p) => Some(PathBuf::from(p)),
            None if rootless => config_home.as_ref().map(|h| h.join("docker/daemon.json")),
            None => Some(PathBuf::from("/etc/docker/daemon.json")),
        };
        // containers-registries.conf(5): the user file replaces the system one; drop-ins in the
        // registries.conf.d directory next to the chosen file apply in alphanumeric order.
        let registries_conf = match std::env::var_os("CONTAINERS_REGISTRIES_CONF") {
            Some(p) => vec![PathBuf::from(p)],
            None => {
                let user = config_home
                    .as_ref()
                    .map(|h| h.join("containers/registries.conf"));
                let main = match user {
                    Some(u) if rootless && u.exists() => u,
                    _ => PathBuf::from("/etc/containers/registries.conf"),
                };
                let mut files = vec![main.clone()];
                let dropins = main.with_file_name("registries.conf.d");
                if let Ok(rd) = std::fs::read_dir(&dropins) {
                    let mut d: Vec<PathBuf> = rd
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| p.extension().is_some_and(|x| x == "conf"))
                        .collect();
                    d.sort();
                    files.extend(d);
                }
                files
            }
        };
        // containerd `docs/hosts.md`; nerdctl rootless uses ~/.config/containerd/certs.d.
        let hosts_dirs = match std::env::var_os("BERTH_CONTAINERD_CERTS_D") {
            Some(p) => vec![PathBuf::from(p)],
            None if rootless => config_home
                .iter()
                .map(|h| h.join("containerd/certs.d"))
                .collect(),
            None => vec![PathBuf::from("/etc/containerd/certs.d")],
        };
        ConfigSources {
            own,
            own_required: explicit.is_some(),
            daemon_json,
            registries_conf,
            hosts_dirs,
        }
    }
}

fn config_home() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(d));
    }
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(|h| PathBuf::from(h).join(".config"))
}

/// Keys berth's own file understands; anything else is reported.
const KNOWN_TOP: &[&str] = &["registry", "registries", "limits"];
const KNOWN_REGISTRY: &[&str] = &[
    "connect_timeout",
    "stall_timeout",
    "retries",
    "max_parallel_downloads",
];
const KNOWN_ENTRY: &[&str] = &["mirrors", "insecure", "ca_file", "blocked", "location"];
const KNOWN_MIRROR: &[&str] = &["location", "insecure", "pull_from"];
const KNOWN_LIMITS: &[&str] = &[
    "max_manifest_bytes",
    "max_config_bytes",
    "max_layer_bytes",
    "max_entries",
    "max_error_bytes",
];

impl Config {
    /// Load berth's config (explicit path, or the default for root/rootless) and merge daemon.json and
    /// registries.conf. Returns the warnings the CLI should print (unknown keys, unreadable foreign files).
    pub fn load(explicit: Option<&Path>, rootless: bool) -> Result<(Config, Vec<String>)> {
        Config::load_sources(&ConfigSources::discover(explicit, rootless))
    }

    /// [`Config::load`] with every file named.
    pub fn load_sources(src: &ConfigSources) -> Result<(Config, Vec<String>)> {
        let mut warnings = Vec::new();
        let mut cfg = Config::default();
        if let Some(p) = &src.own {
            match std::fs::read_to_string(p) {
                Ok(text) => {
                    cfg = Config::parse(&text, &p.display().to_string(), &mut warnings)?;
                    cfg.sources.push(p.clone());
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && !src.own_required => {}
                Err(e) => return Err(e).with_context(|| format!("reading config {}", p.display())),
            }
        }
        cfg.registries = cfg
            .registries
            .into_iter()
            .map(|(k, v)| (normalize_prefix(&k), v))
            .collect();
        // registries.conf before daemon.json: the first source naming mirrors for a prefix wins.
        for p in &src.registries_conf {
            match std::fs::read_to_string(p) {
                Ok(text) => match merge_registries_conf(&mut cfg, &text, &mut warnings) {
                    Ok(()) => cfg.sources.push(p.clone()),
                    Err(e) => warnings.push(format!("ignoring {}: {e:#}", p.display())),
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => warnings.push(format!("ignoring {}: {e}", p.display())),
            }
        }
        // Then containerd's hosts.toml files, one directory per registry host.
        for dir in &src.hosts_dirs {
            let Ok(rd) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut hosts: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path().join("hosts.toml")))
                .collect();
            hosts.sort();
            for p in hosts {
                let Some(ns) = p
                    .parent()
                    .and_then(|d| d.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                else {
                    continue;
                };
                match std::fs::read_to_string(&p) {
                    Ok(text) => match merge_hosts_toml(&mut cfg, &ns, &text, &mut warnings) {
                        Ok(()) => cfg.sources.push(p.clone()),
                        Err(e) => warnings.push(format!("ignoring {}: {e:#}", p.display())),
                    },
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => warnings.push(format!("ignoring {}: {e}", p.display())),
                }
            }
        }
        if let Some(p) = &src.daemon_json {
            match std::fs::read_to_string(p) {
                Ok(text) => match merge_daemon_json(&mut cfg, &text, &mut warnings) {
                    Ok(()) => cfg.sources.push(p.clone()),
                    Err(e) => warnings.push(format!("ignoring {}: {e:#}", p.display())),
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => warnings.push(format!("ignoring {}: {e}", p.display())),
            }
        }
        Ok((cfg, warnings))
    }

    /// Parse berth's own TOML, collecting unknown keys as warnings (`name` labels them).
    pub fn parse(text: &str, name: &str, warnings: &mut Vec<String>) -> Result<Config> {
        let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(text, name, &e))?;
        check_keys(&table, name, warnings);
        let cfg: Config = toml::from_str(text).map_err(|e| toml_error(text, name, &e))?;
        if !(cfg.registry.connect_timeout > 0.0 && cfg.registry.stall_timeout > 0.0) {
            bail!("parsing config {name}: registry timeouts must be positive numbers of seconds");
        }
        if cfg.registry.max_parallel_downloads == 0 {
            bail!("parsing config {name}: registry.max_parallel_downloads must be at least 1");
        }
        Ok(cfg)
    }

    /// The commented default file, as `berth config default` prints it. Parsing it gives the defaults.
    pub fn default_toml() -> String {
        let r = RegistrySettings::default();
        let l = Limits::default();
        format!(
            r#"# berth configuration. Root: /etc/berth/config.toml; rootless: ~/.config/berth/config.toml;
# or --config FILE / $BERTH_CONFIG. Unknown keys are reported as warnings.
# berth also reads `registry-mirrors` and `insecure-registries` from docker's daemon.json (mirrors
# apply to docker.io only, as in docker), [[registry]] entries from containers-registries.conf and
# containerd's certs.d/<host>/hosts.toml. Mirrors named here win over all of them.

[registry]
# Seconds to wait for a connection to one endpoint (mirror or registry) before trying the next.
connect_timeout = {ct:?}
# Seconds without any byte from an endpoint, also in the middle of a blob, before moving on.
stall_timeout = {st:?}
# Extra attempts on the same endpoint after 429, 5xx or a dropped connection.
retries = {re}
# Blobs downloaded at the same time by one pull.
max_parallel_downloads = {mp}

# Per registry (or "host/repository-prefix", or "*.example.com"). Mirrors are tried in order, then
# the registry itself; any failure (connection, 404, 5xx, stall) moves on to the next endpoint.
# [registries."docker.io"]
# mirrors = ["https://mirror.example.com", {{ location = "http://10.0.0.5:5000", insecure = true, pull_from = "digest-only" }}]
#
# [registries."registry.internal:5000"]
# insecure = true                       # plain HTTP, or HTTPS without certificate checks
# ca_file = "/etc/berth/internal-ca.pem" # trusted for this registry only
# blocked = false
# location = "other-host:5000/prefix"   # pull from here instead

[limits]
# Bounds on untrusted input.
max_manifest_bytes = {mm}
max_config_bytes = {mc}
max_layer_bytes = {ml}
max_entries = {me}
max_error_bytes = {mf}
"#,
            ct = r.connect_timeout,
            st = r.stall_timeout,
            re = r.retries,
            mp = r.max_parallel_downloads,
            mm = l.max_manifest_bytes,
            mc = l.max_config_bytes,
            ml = l.max_layer_bytes,
            me = l.max_entries,
            mf = l.max_error_bytes,
        )
    }

    /// The settings for `host/repository`: the entry with the longest matching prefix
    /// (containers-registries.conf rule), `*.domain` entries matching any subdomain.
    pub fn registry_for(&self, host: &str, repository: &str) -> Option<(&str, &RegistryEntry)> {
        let host = normalize_host(host);
        let full = format!("{host}/{repository}");
        let mut best: Option<(usize, &str, &RegistryEntry)> = None;
        for (prefix, entry) in &self.registries {
            let score = if let Some(suffix) = prefix.strip_prefix("*.") {
                // A wildcard matches only the host, never a path, and ranks below exact names.
                host.strip_suffix(suffix)
                    .filter(|h| h.ends_with('.'))
                    .map(|_| 1)
            } else if full == *prefix
                || full.starts_with(prefix.as_str())
                    && full.as_bytes().get(prefix.len()) == Some(&b'/')
            {
                Some(prefix.len() + 2)
            } else {
                None
            };
            if let Some(s) = score
                && best.is_none_or(|(b, _, _)| s > b)
            {
                best = Some((s, prefix.as_str(), entry));
            }
        }
        best.map(|(_, k, e)| (k, e))
    }
}

/// One line for a TOML error (`parsing config F: line N: message`), as errors print on one line.
fn toml_error(text: &str, name: &str, e: &toml::de::Error) -> anyhow::Error {
    let msg = e.message().trim().replace('\n', " ");
    match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            anyhow::anyhow!("parsing config {name}: line {line}: {msg}")
        }
        None => anyhow::anyhow!("parsing config {name}: {msg}"),
    }
}

fn check_keys(table: &toml::Table, name: &str, warnings: &mut Vec<String>) {
    let mut unknown = |key: String| warnings.push(format!("{name}: unknown key {key}"));
    for (k, v) in table {
        match (k.as_str(), v) {
            ("registry", toml::Value::Table(t)) => {
                for k2 in t.keys().filter(|k2| !KNOWN_REGISTRY.contains(&k2.as_str())) {
                    unknown(format!("registry.{k2}"));
                }
            }
            ("limits", toml::Value::Table(t)) => {
                for k2 in t.keys().filter(|k2| !KNOWN_LIMITS.contains(&k2.as_str())) {
                    unknown(format!("limits.{k2}"));
                }
            }
            ("registries", v) => {
                // Either `[registries."host"]` tables or a `[[registries]]` list with `prefix`.
                let entries: Vec<(String, &toml::Table, bool)> = match v {
                    toml::Value::Table(t) => t
                        .iter()
                        .filter_map(|(h, e)| e.as_table().map(|e| (format!("\"{h}\""), e, false)))
                        .collect(),
                    toml::Value::Array(a) => a
                        .iter()
                        .filter_map(|e| e.as_table())
                        .enumerate()
                        .map(|(i, e)| (format!("[{i}]"), e, true))
                        .collect(),
                    _ => Vec::new(),
                };
                for (label, e, listed) in entries {
                    for (k3, v3) in e {
                        let known =
                            KNOWN_ENTRY.contains(&k3.as_str()) || (listed && k3 == "prefix");
                        if !known {
                            unknown(format!("registries.{label}.{k3}"));
                        }
                        if k3 == "mirrors"
                            && let Some(list) = v3.as_array()
                        {
                            for m in list.iter().filter_map(|m| m.as_table()) {
                                for k4 in m.keys().filter(|k4| !KNOWN_MIRROR.contains(&k4.as_str()))
                                {
                                    unknown(format!("registries.{label}.mirrors.{k4}"));
                                }
                            }
                        }
                    }
                }
            }
            _ if !KNOWN_TOP.contains(&k.as_str()) => unknown(k.clone()),
            _ => {}
        }
    }
}

impl Config {
    /// Whether `host[:port]` is an IP address inside an insecure range.
    pub fn in_insecure_range(&self, host: &str) -> bool {
        let h = match host.rsplit_once(':') {
            Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':') => h,
            _ => host,
        };
        let Ok(ip) = h
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
        else {
            return false;
        };
        self.insecure_ranges
            .iter()
            .any(|(net, bits)| match (net, ip) {
                (std::net::IpAddr::V4(n), std::net::IpAddr::V4(a)) => {
                    let mask = u32::MAX.checked_shl(32 - u32::from(*bits)).unwrap_or(0);
                    u32::from(*n) & mask == u32::from(a) & mask
                }
                (std::net::IpAddr::V6(n), std::net::IpAddr::V6(a)) => {
                    let mask = u128::MAX.checked_shl(128 - u32::from(*bits)).unwrap_or(0);
                    u128::from(*n) & mask == u128::from(a) & mask
                }
                _ => false,
            })
    }
}

/// docker.io has three spellings; berth keys its settings under `docker.io`.
pub fn normalize_host(host: &str) -> &str {
    match host {
        "index.docker.io" | "registry-1.docker.io" => "docker.io",
        h => h,
    }
}

fn normalize_prefix(prefix: &str) -> String {
    let prefix = prefix.trim_end_matches('/');
    match prefix.split_once('/') {
        Some((h, rest)) => format!("{}/{rest}", normalize_host(h)),
        None => normalize_host(prefix).to_string(),
    }
}

fn entry_mut<'a>(cfg: &'a mut Config, prefix: &str) -> &'a mut RegistryEntry {
    cfg.registries.entry(normalize_prefix(prefix)).or_default()
}

/// docker's daemon.json: only `registry-mirrors` (docker.io only, moby `registry/config.go`) and
/// `insecure-registries` matter for pulls; every other key belongs to dockerd.
fn merge_daemon_json(cfg: &mut Config, text: &str, warnings: &mut Vec<String>) -> Result<()> {
    #[derive(Deserialize)]
    struct Daemon {
        #[serde(default, rename = "registry-mirrors")]
        mirrors: Vec<String>,
        #[serde(default, rename = "insecure-registries")]
        insecure: Vec<String>,
    }
    let d: Daemon = serde_json::from_str(text).context("parsing daemon.json")?;
    if !d.mirrors.is_empty() {
        let e = entry_mut(cfg, "docker.io");
        if e.mirrors.is_empty() {
            e.mirrors = d
                .mirrors
                .into_iter()
                .map(|m| Mirror {
                    location: m,
                    insecure: false,
                    pull_from: PullFrom::All,
                })
                .collect();
        }
    }
    for reg in d.insecure {
        if let Some((ip, bits)) = reg.split_once('/')
            && !reg.contains("://")
            && let Ok(ip) = ip.parse::<std::net::IpAddr>()
        {
            match bits.parse::<u8>() {
                Ok(b) if b <= if ip.is_ipv4() { 32 } else { 128 } => {
                    cfg.insecure_ranges.push((ip, b))
                }
                _ => warnings.push(format!(
                    "daemon.json: invalid insecure-registries range {reg}"
                )),
            }
            continue;
        }
        let host = reg
            .trim_start_matches("http://")
            .trim_start_matches("https://")
            .trim_end_matches('/');
        entry_mut(cfg, host).insecure = true;
    }
    Ok(())
}

/// containerd's `certs.d/<namespace>/hosts.toml` (containerd `docs/hosts.md`): `server` (the upstream),
/// `[host."URL"]` mirrors in file order with `capabilities`, `ca`, `skip_verify`. A mirror without the
/// `resolve` capability serves digests only. `_default` and `header`/`client`/`override_path` are not
/// supported and say so.
fn merge_hosts_toml(
    cfg: &mut Config,
    ns: &str,
    text: &str,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let name = format!("{ns}/hosts.toml");
    let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(text, &name, &e))?;
    if ns == "_default" {
        warnings.push(format!(
            "{name}: _default is not supported, name the registry"
        ));
        return Ok(());
    }
    // toml's tables are sorted; mirror order is the order of the `[host."..."]` headers in the text.
    let mut order: Vec<String> = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("[host.\"")
            && let Some((url, tail)) = rest.split_once('"')
            && tail.trim() == "]"
        {
            order.push(url.to_string());
        }
    }
    let hosts = table.get("host").and_then(|h| h.as_table());
    let mut mirrors = Vec::new();
    for url in order {
        let Some(h) = hosts.and_then(|h| h.get(&url)).and_then(|h| h.as_table()) else {
            continue;
        };
        for k in h.keys() {
            if !["capabilities", "ca", "skip_verify"].contains(&k.as_str()) {
                warnings.push(format!("{name}: host.\"{url}\".{k} is not supported"));
            }
        }
        let caps: Vec<&str> = match h.get("capabilities").and_then(|c| c.as_array()) {
            Some(c) => c.iter().filter_map(|v| v.as_str()).collect(),
            None => vec!["pull", "resolve", "push"],
        };
        if !caps.contains(&"pull") {
            continue;
        }
        let insecure = h
            .get("skip_verify")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let ca = match h.get("ca") {
            Some(toml::Value::String(s)) => Some(PathBuf::from(s)),
            Some(toml::Value::Array(a)) => a.iter().find_map(|v| v.as_str()).map(PathBuf::from),
            _ => None,
        };
        if let Some(ca) = ca {
            // The CA belongs to the mirror host; endpoints pick up a mirror host's own settings.
            let host = url
                .split("://")
                .nth(1)
                .unwrap_or(&url)
                .split('/')
                .next()
                .unwrap_or("")
                .to_string();
            let e = entry_mut(cfg, &host);
            if e.ca_file.is_none() {
                e.ca_file = Some(ca);
            }
        }
        let pull_from = if caps.contains(&"resolve") {
            PullFrom::All
        } else {
            PullFrom::DigestOnly
        };
        mirrors.push(Mirror {
            location: url,
            insecure,
            pull_from,
        });
    }
    let e = entry_mut(cfg, ns);
    if e.mirrors.is_empty() {
        e.mirrors = mirrors;
    }
    if let Some(server) = table.get("server").and_then(|s| s.as_str()) {
        let bare = server
            .split("://")
            .nth(1)
            .unwrap_or(server)
            .trim_end_matches('/');
        if server.starts_with("http://") {
            e.insecure = true;
        }
        if e.location.is_none() && normalize_prefix(bare) != normalize_prefix(ns) {
            e.location = Some(server.trim_end_matches('/').to_string());
        }
    }
    Ok(())
}

/// containers-registries.conf v2: `[[registry]]` with `prefix`, `location`, `insecure`, `blocked`,
/// `mirror-by-digest-only` and `[[registry.mirror]]` (`location`, `insecure`, `pull-from-mirror`).
fn merge_registries_conf(cfg: &mut Config, text: &str, warnings: &mut Vec<String>) -> Result<()> {
    #[derive(Deserialize)]
    struct Conf {
        #[serde(default)]
        registry: Vec<Reg>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "kebab-case")]
    struct Reg {
        prefix: Option<String>,
        location: Option<String>,
        #[serde(default)]
        insecure: bool,
        #[serde(default)]
        blocked: bool,
        #[serde(default)]
        mirror_by_digest_only: bool,
        #[serde(default)]
        mirror: Vec<Mir>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "kebab-case")]
    struct Mir {
        location: String,
        #[serde(default)]
        insecure: bool,
        pull_from_mirror: Option<PullFrom>,
    }
    let c: Conf = toml::from_str(text).map_err(|e| toml_error(text, "registries.conf", &e))?;
    for r in c.registry {
        let Some(prefix) = r.prefix.clone().or_else(|| r.location.clone()) else {
            warnings.push(
                "registries.conf: a [[registry]] without prefix or location is ignored".into(),
            );
            continue;
        };
        let location = r
            .location
            .filter(|l| normalize_prefix(l) != normalize_prefix(&prefix));
        let e = entry_mut(cfg, &prefix);
        e.insecure |= r.insecure;
        e.blocked |= r.blocked;
        if e.location.is_none() {
            e.location = location;
        }
        if e.mirrors.is_empty() {
            e.mirrors = r
                .mirror
                .into_iter()
                .map(|m| Mirror {
                    location: m.location,
                    insecure: m.insecure,
                    pull_from: m.pull_from_mirror.unwrap_or(if r.mirror_by_digest_only {
                        PullFrom::DigestOnly
                    } else {
                        PullFrom::All
                    }),
                })
                .collect();
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_toml_parses_to_the_defaults_without_warnings() {
        let mut w = Vec::new();
        let c = Config::parse(&Config::default_toml(), "default", &mut w).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(
            c.registry.connect_timeout,
            RegistrySettings::default().connect_timeout
        );
        assert_eq!(c.limits.max_manifest_bytes, 4 << 20);
        assert!(c.registries.is_empty());
    }

    #[test]
    fn longest_prefix_wins_and_wildcards_match_subdomains() {
        let mut w = Vec::new();
        let c = Config::parse(
            r#"
[registries."docker.io"]
insecure = true
[registries."docker.io/library"]
mirrors = ["https://lib.example"]
[registries."*.example.com"]
blocked = true
"#,
            "t",
            &mut w,
        )
        .unwrap();
        assert!(w.is_empty());
        assert_eq!(
            c.registry_for("docker.io", "library/busybox")
                .unwrap()
                .1
                .mirrors
                .len(),
            1
        );
        assert!(
            c.registry_for("docker.io", "libraryx/busybox")
                .unwrap()
                .1
                .insecure
        );
        assert!(c.registry_for("a.example.com", "x").unwrap().1.blocked);
        assert!(c.registry_for("example.com", "x").is_none());
    }

    #[test]
    fn hosts_toml_mirrors_keep_file_order_and_capabilities() {
        let mut c = Config::default();
        let mut w = Vec::new();
        let text = r#"
server = "https://registry-1.docker.io"

[host."https://zz-mirror.example"]
  capabilities = ["pull", "resolve"]
  ca = "/etc/certs/zz.pem"

[host."http://aa-cache.example:5000"]
  capabilities = ["pull"]
  skip_verify = true

[host."https://push-only.example"]
  capabilities = ["push"]
  override_path = true
"#;
        merge_hosts_toml(&mut c, "docker.io", text, &mut w).unwrap();
        let (_, e) = c.registry_for("docker.io", "library/busybox").unwrap();
        let got: Vec<_> = e
            .mirrors
            .iter()
            .map(|m| (m.location.as_str(), m.insecure, m.pull_from))
            .collect();
        assert_eq!(
            got,
            [
                ("https://zz-mirror.example", false, PullFrom::All),
                ("http://aa-cache.example:5000", true, PullFrom::DigestOnly)
            ]
        );
        assert!(
            e.location.is_none(),
            "registry-1.docker.io is docker.io itself"
        );
        let (_, zz) = c.registry_for("zz-mirror.example", "").unwrap();
        assert_eq!(zz.ca_file.as_deref(), Some(Path::new("/etc/certs/zz.pem")));
        assert_eq!(
            w,
            vec![
                "docker.io/hosts.toml: host.\"https://push-only.example\".override_path is not supported"
            ]
        );
    }

    #[test]
    fn daemon_json_cidr_ranges_match_ip_hosts() {
        let mut c = Config::default();
        let mut w = Vec::new();
        merge_daemon_json(
            &mut c,
            r#"{"insecure-registries": ["10.1.0.0/16", "fd00::/8", "1.2.3.4/99"]}"#,
            &mut w,
        )
        .unwrap();
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(c.in_insecure_range("10.1.200.3:5000"));
        assert!(!c.in_insecure_range("10.2.0.1:5000"));
        assert!(c.in_insecure_range("[fd00::1]:5000"));
        assert!(!c.in_insecure_range("registry.example:5000"));
    }

    #[test]
    fn registries_may_be_a_list_with_prefixes() {
        let mut w = Vec::new();
        let c = Config::parse(
            "[[registries]]\nprefix = \"reg.example\"\ninsecure = true\ncolour = 1\n",
            "t",
            &mut w,
        )
        .unwrap();
        assert!(c.registry_for("reg.example", "a").unwrap().1.insecure);
        assert_eq!(w, vec!["t: unknown key registries.[0].colour".to_string()]);
    }
}
