//! berth's configuration: its own TOML file (registries, mirrors, timeouts, unpack limits), merged with
//! the mirror and insecure-registry settings other tools already keep on the host (docker's `daemon.json`,
//! containers-registries.conf).
//!
//! Must not depend on cli, engine, registry or store. Reads files only; never writes.
//! Invariant: an unknown key in berth's own file is reported as a warning, never silently ignored; the
//! precedence for mirrors is berth's file > registries.conf > daemon.json (DOCKER-COMPAT.md §2).

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
    pub registries: BTreeMap<String, RegistryEntry>,
    /// `[limits]`: bounds on untrusted input (manifests, layers).
    pub limits: Limits,
    /// Where credentials are read from; `None` means the environment's defaults (see `registry::auth`).
    /// Not a file key: tests and embedders set it to avoid touching process-wide environment variables.
    #[serde(skip)]
    pub credentials: Option<CredentialSources>,
    /// Files that contributed to this configuration, in the order they were read.
    #[serde(skip)]
    pub sources: Vec<PathBuf>,
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
            MirrorToml::Url(location) => Mirror { location, insecure: false, pull_from: PullFrom::All },
            MirrorToml::Table { location, insecure, pull_from } => Mirror { location, insecure, pull_from },
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
                let user = config_home.as_ref().map(|h| h.join("containers/registries.conf"));
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
        ConfigSources { own, own_required: explicit.is_some(), daemon_json, registries_conf }
    }
}

fn config_home() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("XDG_CONFIG_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(d));
    }
    std::env::var_os("HOME").filter(|v| !v.is_empty()).map(|h| PathBuf::from(h).join(".config"))
}

/// Keys berth's own file understands; anything else is reported.
const KNOWN_TOP: &[&str] = &["registry", "registries", "limits"];
const KNOWN_REGISTRY: &[&str] = &["connect_timeout", "stall_timeout", "retries", "max_parallel_downloads"];
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
        cfg.registries = cfg.registries.into_iter().map(|(k, v)| (normalize_prefix(&k), v)).collect();
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
        let table: toml::Table = toml::from_str(text).with_context(|| format!("parsing config {name}"))?;
        check_keys(&table, name, warnings);
        let cfg: Config = toml::from_str(text).with_context(|| format!("parsing config {name}"))?;
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
# apply to docker.io only, as in docker) and [[registry]] entries from containers-registries.conf.
# Mirrors named here win over both.

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
                host.strip_suffix(suffix).filter(|h| h.ends_with('.')).map(|_| 1)
            } else if full == *prefix
                || full.starts_with(prefix.as_str()) && full.as_bytes().get(prefix.len()) == Some(&b'/')
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
            ("registries", toml::Value::Table(t)) => {
                for (host, e) in t {
                    let Some(e) = e.as_table() else { continue };
                    for (k3, v3) in e {
                        if !KNOWN_ENTRY.contains(&k3.as_str()) {
                            unknown(format!("registries.\"{host}\".{k3}"));
                        }
                        if k3 == "mirrors"
                            && let Some(list) = v3.as_array()
                        {
                            for m in list.iter().filter_map(|m| m.as_table()) {
                                for k4 in m.keys().filter(|k4| !KNOWN_MIRROR.contains(&k4.as_str())) {
                                    unknown(format!("registries.\"{host}\".mirrors.{k4}"));
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
                .map(|m| Mirror { location: m, insecure: false, pull_from: PullFrom::All })
                .collect();
        }
    }
    for reg in d.insecure {
        if reg.contains('/') && reg.parse::<std::net::IpAddr>().is_err() && !reg.contains("://") {
            // CIDR ranges (docker's default 127.0.0.0/8): loopback is always allowed plain HTTP by berth;
            // other ranges would need address matching berth does not do.
            warnings.push(format!("daemon.json: insecure-registries range {reg} is not supported, name the registry"));
            continue;
        }
        let host = reg.trim_start_matches("http://").trim_start_matches("https://").trim_end_matches('/');
        entry_mut(cfg, host).insecure = true;
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
    let c: Conf = toml::from_str(text).context("parsing registries.conf")?;
    for r in c.registry {
        let Some(prefix) = r.prefix.clone().or_else(|| r.location.clone()) else {
            warnings.push("registries.conf: a [[registry]] without prefix or location is ignored".into());
            continue;
        };
        let location = r.location.filter(|l| normalize_prefix(l) != normalize_prefix(&prefix));
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
        assert_eq!(c.registry.connect_timeout, RegistrySettings::default().connect_timeout);
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
        assert_eq!(c.registry_for("docker.io", "library/busybox").unwrap().1.mirrors.len(), 1);
        assert!(c.registry_for("docker.io", "libraryx/busybox").unwrap().1.insecure);
        assert!(c.registry_for("a.example.com", "x").unwrap().1.blocked);
        assert!(c.registry_for("example.com", "x").is_none());
    }
}
