//! berth's configuration: its own TOML file (registries, mirrors, timeouts, unpack limits), merged with
//! the mirror and insecure-registry settings other tools already keep on the host (docker's `daemon.json`,
//! containers-registries.conf, containerd's `certs.d/*/hosts.toml`).
//!
//! Must not depend on cli, engine, registry or store. Reads files only; never writes.
//! Invariant: an unknown key in berth's own file, in registries.conf (and its drop-ins) or in a hosts.toml
//! is reported as one warning naming the file and the key, never silently ignored (daemon.json belongs to
//! dockerd: only its two registry keys are read); the precedence for mirrors is berth's file >
//! registries.conf > hosts.toml > daemon.json.

pub use crate::types::{RootlessOverlay, StorageSettings};
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
    /// `[storage]`: how containers' root filesystems are mounted.
    pub storage: StorageSettings,
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
    /// Short-name aliases and search registries from containers-registries.conf.
    #[serde(skip)]
    pub short_names: ShortNames,
    /// Registries (normalised hosts) that have a containerd `certs.d/<host>/hosts.toml` of their own.
    #[serde(skip)]
    pub hosts_namespaces: std::collections::BTreeSet<String>,
    /// containerd's `certs.d/_default/hosts.toml`: mirrors (and a `server` replacing the registry) for
    /// every registry without a hosts.toml of its own.
    #[serde(skip)]
    pub hosts_default: Option<RegistryEntry>,
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
    /// containerd hosts.toml settings for the registry itself (the file's top level and `server`).
    #[serde(skip)]
    pub server: HostOptions,
    /// containerd hosts.toml settings of each mirror, by the mirror's `location` (its `[host."URL"]`).
    #[serde(skip)]
    pub mirror_options: BTreeMap<String, HostOptions>,
}

/// What containerd's hosts.toml can say about one host beyond its URL (containerd `docs/hosts.md`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HostOptions {
    /// `ca`: CA files trusted for this host only.
    pub ca_files: Vec<PathBuf>,
    /// `client`: the certificate (and key) berth presents for mutual TLS.
    pub client: Option<ClientCert>,
    /// `[header]`: extra request headers sent to this host only (name, value; a name may repeat).
    pub headers: Vec<(String, String)>,
    /// The API root replacing `/v2`: containerd appends `/v2` to a host URL's path (`/us` becomes
    /// `/us/v2`), and `override_path = true` uses the path as it is.
    pub api_root: Option<String>,
    /// `capabilities` of the registry itself: `None` pulls anything, `Some(DigestOnly)` lacks `resolve`.
    pub pull_from: Option<PullFrom>,
    /// `capabilities` without `pull`: the host is never pulled from.
    pub no_pull: bool,
}

/// A client certificate for mutual TLS: PEM certificate and PEM key (`None`: the key is in `cert`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClientCert {
    pub cert: PathBuf,
    pub key: Option<PathBuf>,
}

/// Short-name resolution from containers-registries.conf (`[aliases]`, `unqualified-search-registries`,
/// `short-name-mode`). Empty unless those files configure it: berth then resolves short names as docker
/// does (`docker.io/library/`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShortNames {
    /// Short name (`busybox`, `opensuse/leap`) -> fully-qualified repository (`docker.io/library/busybox`).
    pub aliases: BTreeMap<String, String>,
    /// Registries tried in order for a short name without an alias.
    pub search: Vec<String>,
    pub mode: ShortNameMode,
}

/// containers-registries.conf `short-name-mode`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShortNameMode {
    /// Several search registries are an error (podman would prompt; berth never prompts).
    Enforcing,
    /// The default: try every search registry in order.
    #[default]
    Permissive,
    Disabled,
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

/// Bounds on untrusted input (docs/security.md 1C C2/C3, 1A decompression bombs).
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

impl RootlessOverlay {
    pub fn as_str(self) -> &'static str {
        match self {
            RootlessOverlay::Auto => "auto",
            RootlessOverlay::Native => "native",
            RootlessOverlay::Fuse => "fuse",
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
        // containers-registries.conf(5) and containers-registries.conf.d(5): $HOME's file replaces the
        // system one and then only $HOME's drop-ins apply; otherwise the system file, the system drop-ins,
        // then $HOME's drop-ins, each directory in alphanumeric order. Last comes podman's short-name alias
        // cache, which has precedence over every registries.conf (containers/image
        // `pkg/sysregistriesv2/shortnames.go`). CONTAINERS_REGISTRIES_CONF names the one file to read.
        let registries_conf = match std::env::var_os("CONTAINERS_REGISTRIES_CONF") {
            Some(p) => vec![PathBuf::from(p)],
            None => {
                let user_dir = config_home.as_ref().map(|h| h.join("containers"));
                let user = user_dir.as_ref().map(|d| d.join("registries.conf"));
                let user_dropins = user_dir.as_ref().map(|d| d.join("registries.conf.d"));
                let mut files = Vec::new();
                match user {
                    Some(u) if u.exists() => files.push(u),
                    _ => {
                        let etc = PathBuf::from("/etc/containers");
                        files.push(etc.join("registries.conf"));
                        files.extend(conf_dropins(&etc.join("registries.conf.d")));
                    }
                }
                if let Some(d) = user_dropins {
                    files.extend(conf_dropins(&d));
                }
                let cache = if rootless {
                    cache_home().map(|c| c.join("containers/short-name-aliases.conf"))
                } else {
                    Some(PathBuf::from(
                        "/var/cache/containers/short-name-aliases.conf",
                    ))
                };
                files.extend(cache);
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

/// The `*.conf` files of a registries.conf.d directory in alphanumeric order (others are ignored).
fn conf_dropins(dir: &Path) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut d: Vec<PathBuf> = rd
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "conf") && p.is_file())
        .collect();
    d.sort();
    d
}

fn cache_home() -> Option<PathBuf> {
    if let Some(d) = std::env::var_os("XDG_CACHE_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(d));
    }
    std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .map(|h| PathBuf::from(h).join(".cache"))
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
const KNOWN_TOP: &[&str] = &["registry", "registries", "limits", "storage"];
const KNOWN_STORAGE: &[&str] = &["rootless_overlay", "fuse_overlayfs"];
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
        let mut rc = RegistriesConf::default();
        for p in &src.registries_conf {
            match std::fs::read_to_string(p) {
                // The error names the file already ("parsing config FILE: line N: ...").
                Ok(text) => match rc.add(&text, &p.display().to_string(), &mut warnings) {
                    Ok(()) => cfg.sources.push(p.clone()),
                    Err(e) => warnings.push(format!("{e:#} (file ignored)")),
                },
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => warnings.push(format!("ignoring {}: {e}", p.display())),
            }
        }
        rc.apply(&mut cfg);
        // Then containerd's hosts.toml files, one directory per registry host (`host:port`, or
        // containerd's `host_port_` spelling of it).
        for dir in &src.hosts_dirs {
            let Ok(rd) = std::fs::read_dir(dir) else {
                continue;
            };
            let mut hosts: Vec<PathBuf> = rd
                .filter_map(|e| e.ok().map(|e| e.path().join("hosts.toml")))
                .collect();
            hosts.sort();
            for p in hosts {
                let Some(dirname) = p
                    .parent()
                    .and_then(|d| d.file_name())
                    .map(|n| n.to_string_lossy().into_owned())
                else {
                    continue;
                };
                let ns = hosts_dir_namespace(&dirname);
                match std::fs::read_to_string(&p) {
                    Ok(text) => match merge_hosts_toml(&mut cfg, &ns, &p, &text, &mut warnings) {
                        Ok(()) => cfg.sources.push(p.clone()),
                        Err(e) => warnings.push(format!("{e:#} (file ignored)")),
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
# apply to docker.io only, as in docker), containers-registries.conf ($HOME/.config/containers or
# /etc/containers registries.conf, then registries.conf.d/*.conf, or $CONTAINERS_REGISTRIES_CONF) and
# containerd's certs.d/<host>/hosts.toml (/etc/containerd/certs.d, rootless ~/.config/containerd/certs.d).
# Mirrors named here win over all of them. Unknown keys in any of these files are reported.
#
# Short names: `berth pull busybox` means docker.io/library/busybox, as in docker, unless registries.conf
# gives an [aliases] entry for the name (used as is), or unqualified-search-registries (tried in order;
# with short-name-mode = "enforcing" and several registries berth fails instead of prompting).
#
# hosts.toml: [host."URL"] mirrors are tried in file order, then `server`. Each host (and the file's top
# level, for the server) may set capabilities = ["pull", "resolve"], ca = "file" or [...],
# client = "cert+key.pem" or [["cert.pem", "key.pem"]] (mutual TLS), skip_verify, override_path and
# a [header] table (sent to that host only). Relative paths are relative to the hosts.toml. A host URL's
# path is its API root (/v2 is appended unless override_path = true). Requests to any mirror carry
# ?ns=<registry>. certs.d/_default/hosts.toml serves registries without a directory of their own.
# docker's certs.d/<host>/ca.crt and client.cert + client.key are honoured too.

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

[storage]
# How a rootless container mounts its rootfs: "auto" (native overlayfs in the user namespace, which
# needs a kernel >= 5.11, else fuse-overlayfs), "native" or "fuse". Root always uses native overlayfs.
# A container keeps the choice it was created with.
rootless_overlay = "{ro}"
# The fuse-overlayfs binary; unset looks in /usr/bin, /usr/local/bin and /bin.
# fuse_overlayfs = "/usr/bin/fuse-overlayfs"
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
            ro = StorageSettings::default().rootless_overlay.as_str(),
        )
    }

    /// `_default/hosts.toml` for `host`, when it has no hosts.toml of its own (containerd looks for
    /// `host_port_`, `host:port`, then `_default`, and uses the first directory that exists).
    pub fn hosts_default_for(&self, host: &str) -> Option<&RegistryEntry> {
        self.hosts_default
            .as_ref()
            .filter(|_| !self.hosts_namespaces.contains(normalize_host(host)))
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
            ("storage", toml::Value::Table(t)) => {
                for k2 in t.keys().filter(|k2| !KNOWN_STORAGE.contains(&k2.as_str())) {
                    unknown(format!("storage.{k2}"));
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

/// containerd's `certs.d/<namespace>/hosts.toml` (containerd `docs/hosts.md`, `core/remotes/docker/config/
/// hosts.go`): `[host."URL"]` mirrors in file order, then `server` (the registry itself, by default the
/// namespace). Each host, and the file's top level for the server, may set `capabilities` (a mirror
/// without `resolve` serves digests only; one without `pull` is skipped), `ca`, `client` (mutual TLS),
/// `skip_verify`, `[header]` (sent to that host only) and `override_path`. Paths may be relative to the
/// file. A host URL's path is its API root: `/v2` is appended unless `override_path` is set.
/// `_default/hosts.toml` applies to registries without a directory of their own. `dial_timeout` and
/// `proxy` are not supported and say so; other keys are unknown.
fn merge_hosts_toml(
    cfg: &mut Config,
    ns: &str,
    file: &Path,
    text: &str,
    warnings: &mut Vec<String>,
) -> Result<()> {
    let name = file.display().to_string();
    let base = file.parent().unwrap_or(Path::new("/"));
    let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(text, &name, &e))?;
    if ns == "_default" {
        // containerd's fallback for every registry without a certs.d directory of its own: parsed as
        // a namespace of its own and kept aside (applied by `Config::hosts_default_for`).
        let mut tmp = Config::default();
        merge_hosts_toml(&mut tmp, "_default.invalid", file, text, warnings)?;
        cfg.hosts_default = tmp.registries.remove("_default.invalid");
        return Ok(());
    }
    cfg.hosts_namespaces.insert(normalize_host(ns).to_string());
    // toml's tables are sorted; mirror order is the order of the `[host."..."]` headers in the text.
    let mut order: Vec<String> = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        if let Some(rest) = l.strip_prefix("[host.\"")
            && let Some((url, tail)) = rest.split_once('"')
            && tail.trim() == "]"
            && !order.iter().any(|o| o == url)
        {
            order.push(url.to_string());
        }
    }
    let hosts = match table.get("host") {
        None => None,
        Some(toml::Value::Table(h)) => Some(h),
        Some(_) => bail!("parsing config {name}: host must be a table of [host.\"URL\"] tables"),
    };
    // Hosts the line scan missed (written as inline tables or dotted keys) keep the table's order.
    if let Some(h) = hosts {
        for url in h.keys() {
            if !order.contains(url) {
                order.push(url.clone());
            }
        }
    }
    let mut mirrors = Vec::new();
    let mut mirror_options = BTreeMap::new();
    for url in order {
        let Some(h) = hosts.and_then(|h| h.get(&url)) else {
            continue;
        };
        let Some(h) = h.as_table() else {
            bail!("parsing config {name}: host.\"{url}\" must be a table");
        };
        let label = format!("host.\"{url}\".");
        let (opts, skip_verify) = host_options(h, &label, &url, base, &name, warnings)?;
        if opts.no_pull {
            continue;
        }
        // containerd takes a host without a scheme as https.
        let location = if url.starts_with("http://") || url.starts_with("https://") {
            url.clone()
        } else {
            format!("https://{url}")
        };
        mirrors.push(Mirror {
            location: location.clone(),
            insecure: skip_verify,
            pull_from: opts.pull_from.unwrap_or(PullFrom::All),
        });
        mirror_options.insert(location, opts);
    }
    let server = match table.get("server") {
        None => None,
        Some(toml::Value::String(s)) => Some(s.as_str()),
        Some(_) => bail!("parsing config {name}: server must be a URL string"),
    };
    for k in table.keys() {
        if !["server", "host"].contains(&k.as_str()) && !HOST_KEYS.contains(&k.as_str()) {
            warnings.push(format!("{name}: unknown key {k}"));
        }
    }
    let root_url = server.map(|s| {
        if s.starts_with("http://") || s.starts_with("https://") {
            s.to_string()
        } else {
            format!("https://{s}")
        }
    });
    let (server_opts, server_skip_verify) = host_options(
        &table,
        "",
        root_url.as_deref().unwrap_or(""),
        base,
        &name,
        warnings,
    )?;
    let e = entry_mut(cfg, ns);
    if e.mirrors.is_empty() {
        e.mirrors = mirrors;
        e.mirror_options = mirror_options;
    }
    e.insecure |= server_skip_verify;
    if e.server == HostOptions::default() {
        e.server = server_opts;
    }
    if let Some(url) = root_url {
        let (_, host, _) = split_url(&url);
        if url.starts_with("http://") {
            e.insecure = true;
        }
        if e.location.is_none() && normalize_host(&host) != normalize_host(ns) {
            e.location = Some(format!(
                "{}://{host}",
                if url.starts_with("http://") {
                    "http"
                } else {
                    "https"
                }
            ));
        }
    }
    Ok(())
}

/// The registry a certs.d directory names: `host:port`, or containerd's `host_port_` spelling for
/// systems without `:` in file names (containerd `hostDirectory`).
fn hosts_dir_namespace(dir: &str) -> String {
    if let Some(inner) = dir.strip_suffix('_')
        && let Some((host, port)) = inner.rsplit_once('_')
        && !host.is_empty()
        && !port.is_empty()
        && port.bytes().all(|b| b.is_ascii_digit())
    {
        return format!("{host}:{port}");
    }
    dir.to_string()
}

/// Keys a host table (or the top level of hosts.toml) may carry.
const HOST_KEYS: &[&str] = &[
    "capabilities",
    "ca",
    "client",
    "skip_verify",
    "header",
    "override_path",
    "dial_timeout",
    "proxy",
];

/// `scheme://host[:port]/path` -> (scheme, host, path without trailing slashes).
fn split_url(url: &str) -> (&str, String, String) {
    let (scheme, rest) = url.split_once("://").unwrap_or(("https", url));
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    (
        scheme,
        host.to_string(),
        path.trim_end_matches('/').to_string(),
    )
}

/// One host's settings in hosts.toml (`label` prefixes its keys in messages: `host."URL".` or empty for
/// the top level). Returns the options and `skip_verify`.
fn host_options(
    t: &toml::Table,
    label: &str,
    url: &str,
    base: &Path,
    name: &str,
    warnings: &mut Vec<String>,
) -> Result<(HostOptions, bool)> {
    let path_of = |s: &str| {
        let p = Path::new(s);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            base.join(p)
        }
    };
    let bad =
        |k: &str, what: &str| anyhow::anyhow!("parsing config {name}: {label}{k} must be {what}");
    let mut o = HostOptions::default();
    let mut skip_verify = false;
    for (k, v) in t {
        match (k.as_str(), v) {
            ("server" | "host", _) if label.is_empty() => {}
            ("capabilities", toml::Value::Array(a)) => {
                let mut caps = Vec::new();
                for c in a {
                    match c.as_str().map(str::to_ascii_lowercase).as_deref() {
                        Some(c @ ("pull" | "resolve" | "push")) => caps.push(c.to_string()),
                        _ => return Err(bad(k, "a list of \"pull\", \"resolve\", \"push\"")),
                    }
                }
                o.no_pull = !caps.iter().any(|c| c == "pull");
                if !caps.iter().any(|c| c == "resolve") {
                    o.pull_from = Some(PullFrom::DigestOnly);
                }
            }
            ("capabilities", _) => return Err(bad(k, "a list")),
            ("ca", toml::Value::String(s)) => o.ca_files.push(path_of(s)),
            ("ca", toml::Value::Array(a)) => {
                for f in a {
                    o.ca_files
                        .push(path_of(f.as_str().ok_or_else(|| bad(k, "a path or a list of paths"))?));
                }
            }
            ("ca", _) => return Err(bad(k, "a path or a list of paths")),
            ("client", v) => {
                // A path (certificate and key in one PEM file), a list of such paths, or a list of
                // [certificate, key] pairs (an empty key: in the certificate file).
                let mut pairs = Vec::new();
                let items: Vec<&toml::Value> = match v {
                    toml::Value::Array(a) => a.iter().collect(),
                    v => vec![v],
                };
                for item in items {
                    match item {
                        toml::Value::String(s) => pairs.push(ClientCert {
                            cert: path_of(s),
                            key: None,
                        }),
                        toml::Value::Array(p) if p.len() == 2 => {
                            let (Some(c), Some(kf)) = (p[0].as_str(), p[1].as_str()) else {
                                return Err(bad(k, "paths or [certificate, key] pairs"));
                            };
                            pairs.push(ClientCert {
                                cert: path_of(c),
                                key: (!kf.is_empty()).then(|| path_of(kf)),
                            });
                        }
                        _ => return Err(bad(k, "paths or [certificate, key] pairs")),
                    }
                }
                // rustls presents one certificate; Go's TLS would choose among several by the CAs the
                // server names. Say so rather than pretend.
                if pairs.len() > 1 {
                    warnings.push(format!(
                        "{name}: {label}client lists {} certificates; berth presents only the first",
                        pairs.len()
                    ));
                }
                o.client = pairs.into_iter().next();
            }
            ("skip_verify", toml::Value::Boolean(b)) => skip_verify = *b,
            ("skip_verify", _) => return Err(bad(k, "true or false")),
            ("override_path", toml::Value::Boolean(_)) => {}
            ("override_path", _) => return Err(bad(k, "true or false")),
            ("header", toml::Value::Table(h)) => {
                for (hk, hv) in h {
                    let values: Vec<&str> = match hv {
                        toml::Value::String(s) => vec![s.as_str()],
                        toml::Value::Array(a) => a.iter().filter_map(|x| x.as_str()).collect(),
                        _ => Vec::new(),
                    };
                    let valid_name = reqwest::header::HeaderName::from_bytes(hk.as_bytes()).is_ok();
                    let valid_values = !values.is_empty()
                        && values
                            .iter()
                            .all(|v| reqwest::header::HeaderValue::from_str(v).is_ok());
                    if !valid_name || !valid_values {
                        warnings.push(format!(
                            "{name}: {label}header.{hk} is not a valid HTTP header (ignored)"
                        ));
                        continue;
                    }
                    o.headers
                        .extend(values.iter().map(|v| (hk.clone(), v.to_string())));
                }
            }
            ("header", _) => return Err(bad(k, "a table")),
            ("dial_timeout" | "proxy", _) => warnings.push(format!(
                "{name}: {label}{k} is not supported (berth uses registry.connect_timeout and HTTPS_PROXY)"
            )),
            _ if label.is_empty() => {} // the caller reports unknown top-level keys
            _ => warnings.push(format!("{name}: unknown key {label}{k}")),
        }
    }
    // The URL's path is the API root (containerd appends /v2 unless override_path is set).
    if !url.is_empty() {
        let (_, _, path) = split_url(url);
        let override_path = t.get("override_path").and_then(|v| v.as_bool()) == Some(true);
        o.api_root = Some(if override_path || path.ends_with("/v2") {
            path
        } else {
            format!("{path}/v2")
        });
        if o.api_root.as_deref() == Some("/v2") {
            o.api_root = None;
        }
    }
    Ok((o, skip_verify))
}

/// containers-registries.conf files (v2, and v1's `[registries.search|insecure|block]`), merged in the
/// order they are read: a later file's `[[registry]]` with the same prefix replaces the earlier one, its
/// `unqualified-search-registries` and `short-name-mode` replace earlier ones, and its `[aliases]` add to
/// or (with "") erase earlier aliases (containers-registries.conf.d(5)).
#[derive(Default)]
struct RegistriesConf {
    registries: BTreeMap<String, RegConf>,
    order: Vec<String>,
    aliases: BTreeMap<String, String>,
    search: Option<Vec<String>>,
    mode: Option<ShortNameMode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct RegConf {
    prefix: Option<String>,
    location: Option<String>,
    #[serde(default)]
    insecure: bool,
    #[serde(default)]
    blocked: bool,
    #[serde(default)]
    mirror_by_digest_only: bool,
    #[serde(default)]
    mirror: Vec<MirConf>,
}

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case")]
struct MirConf {
    location: String,
    #[serde(default)]
    insecure: bool,
    pull_from_mirror: Option<PullFrom>,
}

const REGCONF_TOP: &[&str] = &[
    "unqualified-search-registries",
    "short-name-mode",
    "credential-helpers",
    "additional-layer-store-auth-helper",
    "aliases",
    "registry",
    "registries",
];
const REGCONF_REGISTRY: &[&str] = &[
    "prefix",
    "location",
    "insecure",
    "blocked",
    "mirror-by-digest-only",
    "mirror",
    "pull-from-mirror",
];
const REGCONF_MIRROR: &[&str] = &["location", "insecure", "pull-from-mirror"];
const REGCONF_V1: &[&str] = &["search", "insecure", "block"];

/// Whether `name` has a registry domain (containers/image and docker: a first component with `.` or `:`,
/// or `localhost`).
fn has_domain(name: &str) -> bool {
    match name.split_once('/') {
        Some((first, _)) => first.contains(['.', ':']) || first == "localhost",
        None => false,
    }
}

impl RegistriesConf {
    fn add(&mut self, text: &str, name: &str, warnings: &mut Vec<String>) -> Result<()> {
        let table: toml::Table = toml::from_str(text).map_err(|e| toml_error(text, name, &e))?;
        let mut unknown = |key: String| warnings.push(format!("{name}: unknown key {key}"));
        for (k, v) in &table {
            if !REGCONF_TOP.contains(&k.as_str()) {
                unknown(k.clone());
            }
            match (k.as_str(), v) {
                ("registry", toml::Value::Array(list)) => {
                    for (i, r) in list.iter().filter_map(|r| r.as_table()).enumerate() {
                        for k2 in r
                            .keys()
                            .filter(|k2| !REGCONF_REGISTRY.contains(&k2.as_str()))
                        {
                            unknown(format!("registry[{i}].{k2}"));
                        }
                        if let Some(ms) = r.get("mirror").and_then(|m| m.as_array()) {
                            for m in ms.iter().filter_map(|m| m.as_table()) {
                                for k3 in
                                    m.keys().filter(|k3| !REGCONF_MIRROR.contains(&k3.as_str()))
                                {
                                    unknown(format!("registry[{i}].mirror.{k3}"));
                                }
                            }
                        }
                    }
                }
                ("registries", toml::Value::Table(v1)) => {
                    for (k2, t) in v1 {
                        if !REGCONF_V1.contains(&k2.as_str()) {
                            unknown(format!("registries.{k2}"));
                        } else if let Some(t) = t.as_table() {
                            for k3 in t.keys().filter(|k3| *k3 != "registries") {
                                unknown(format!("registries.{k2}.{k3}"));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        #[derive(Deserialize)]
        #[serde(rename_all = "kebab-case")]
        struct Conf {
            #[serde(default)]
            registry: Vec<RegConf>,
            unqualified_search_registries: Option<Vec<String>>,
            short_name_mode: Option<String>,
            aliases: Option<BTreeMap<String, String>>,
            registries: Option<BTreeMap<String, V1>>,
        }
        #[derive(Deserialize)]
        struct V1 {
            #[serde(default)]
            registries: Vec<String>,
        }
        let c: Conf = toml::from_str(text).map_err(|e| toml_error(text, name, &e))?;
        let mode = match c.short_name_mode.as_deref() {
            None => None,
            Some("") => Some(ShortNameMode::Permissive),
            Some("enforcing") => Some(ShortNameMode::Enforcing),
            Some("permissive") => Some(ShortNameMode::Permissive),
            Some("disabled") => Some(ShortNameMode::Disabled),
            Some(m) => bail!(
                "parsing config {name}: invalid short-name-mode {m:?} (enforcing, permissive or disabled)"
            ),
        };
        let v1 = c.registries.unwrap_or_default();
        if (!c.registry.is_empty() || c.unqualified_search_registries.is_some()) && !v1.is_empty() {
            bail!("parsing config {name}: mixes the v1 [registries.*] format with v2 keys");
        }
        for r in c.registry {
            let Some(prefix) = r.prefix.clone().or_else(|| r.location.clone()) else {
                warnings.push(format!(
                    "{name}: a [[registry]] without prefix or location is ignored"
                ));
                continue;
            };
            let key = normalize_prefix(&prefix);
            if !self.order.contains(&key) {
                self.order.push(key.clone());
            }
            self.registries.insert(key, r);
        }
        // v1: `[registries.insecure|block] registries = [...]` are prefixes with one flag each.
        for (kind, list) in &v1 {
            for reg in &list.registries {
                let key = normalize_prefix(reg);
                if !self.order.contains(&key) {
                    self.order.push(key.clone());
                }
                let e = self.registries.entry(key).or_insert_with(|| RegConf {
                    prefix: Some(reg.clone()),
                    location: None,
                    insecure: false,
                    blocked: false,
                    mirror_by_digest_only: false,
                    mirror: Vec::new(),
                });
                match kind.as_str() {
                    "insecure" => e.insecure = true,
                    "block" => e.blocked = true,
                    _ => {}
                }
            }
        }
        if let Some(s) = v1.get("search") {
            self.search = Some(s.registries.clone());
        }
        if let Some(s) = c.unqualified_search_registries {
            self.search = Some(s);
        }
        if mode.is_some() {
            self.mode = mode;
        }
        for (short, full) in c.aliases.unwrap_or_default() {
            // containers-registries.conf(5): the name is a short name and neither side carries a tag
            // or digest; the value is fully qualified; "" erases an alias set by an earlier file.
            if full.is_empty() {
                self.aliases.remove(&short);
                continue;
            }
            let tagged =
                |s: &str| s.contains('@') || s.rsplit('/').next().is_some_and(|l| l.contains(':'));
            if has_domain(&short) || short == "localhost" || tagged(&short) {
                warnings.push(format!(
                    "{name}: alias {short:?} is not a short name (no registry, tag or digest) and is ignored"
                ));
            } else if !has_domain(&full) || tagged(&full) {
                warnings.push(format!(
                    "{name}: alias {short:?} = {full:?} must name a registry and no tag or digest; ignored"
                ));
            } else {
                self.aliases.insert(short, full);
            }
        }
        Ok(())
    }

    /// Merge into `cfg`: berth's own file wins for any prefix it already configures.
    fn apply(self, cfg: &mut Config) {
        let mut registries = self.registries;
        for key in self.order {
            let Some(r) = registries.remove(&key) else {
                continue;
            };
            let prefix = r
                .prefix
                .clone()
                .or_else(|| r.location.clone())
                .unwrap_or(key);
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
        cfg.short_names = ShortNames {
            aliases: self.aliases,
            search: self.search.unwrap_or_default(),
            mode: self.mode.unwrap_or_default(),
        };
    }
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
    fn storage_rootless_overlay_is_read_and_bad_values_are_refused() {
        let mut w = Vec::new();
        let c = Config::parse(
            "[storage]\nrootless_overlay = \"fuse\"\nfuse_overlayfs = \"/opt/bin/fuse-overlayfs\"\n",
            "t",
            &mut w,
        )
        .unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(c.storage.rootless_overlay, RootlessOverlay::Fuse);
        assert_eq!(
            c.storage.fuse_overlayfs.as_deref(),
            Some(Path::new("/opt/bin/fuse-overlayfs"))
        );
        let e = Config::parse("[storage]\nrootless_overlay = \"vfs\"\n", "t", &mut w).unwrap_err();
        assert!(format!("{e:#}").contains("line 2"), "{e:#}");
        Config::parse("[storage]\nshm = 1\n", "t", &mut w).unwrap();
        assert_eq!(w, vec!["t: unknown key storage.shm".to_string()]);
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
ca = "upstream-ca.pem"
[header]
  x-upstream = "u"

[host."https://zz-mirror.example/us"]
  capabilities = ["pull", "resolve"]
  ca = "/etc/certs/zz.pem"
  client = [["client.cert", "/abs/client.key"], "second.pem"]
  [host."https://zz-mirror.example/us".header]
    x-custom = ["a", "b"]

[host."http://aa-cache.example:5000"]
  capabilities = ["pull"]
  skip_verify = true
  override_path = true
  colour = "red"

[host."https://push-only.example"]
  capabilities = ["push"]
  dial_timeout = "1s"
"#;
        let file = Path::new("/etc/containerd/certs.d/docker.io/hosts.toml");
        merge_hosts_toml(&mut c, "docker.io", file, text, &mut w).unwrap();
        let (_, e) = c.registry_for("docker.io", "library/busybox").unwrap();
        let got: Vec<_> = e
            .mirrors
            .iter()
            .map(|m| (m.location.as_str(), m.insecure, m.pull_from))
            .collect();
        assert_eq!(
            got,
            [
                ("https://zz-mirror.example/us", false, PullFrom::All),
                ("http://aa-cache.example:5000", true, PullFrom::DigestOnly)
            ]
        );
        assert!(
            e.location.is_none(),
            "registry-1.docker.io is docker.io itself"
        );
        let zz = &e.mirror_options["https://zz-mirror.example/us"];
        assert_eq!(zz.ca_files, [PathBuf::from("/etc/certs/zz.pem")]);
        assert_eq!(
            zz.client,
            Some(ClientCert {
                cert: "/etc/containerd/certs.d/docker.io/client.cert".into(),
                key: Some("/abs/client.key".into())
            })
        );
        assert_eq!(zz.api_root.as_deref(), Some("/us/v2"));
        assert_eq!(
            zz.headers,
            [
                ("x-custom".into(), "a".into()),
                ("x-custom".into(), "b".into())
            ]
        );
        let aa = &e.mirror_options["http://aa-cache.example:5000"];
        assert_eq!(
            aa.api_root.as_deref(),
            Some(""),
            "override_path with no path"
        );
        assert_eq!(
            e.server.ca_files,
            [PathBuf::from(
                "/etc/containerd/certs.d/docker.io/upstream-ca.pem"
            )]
        );
        assert_eq!(e.server.headers, [("x-upstream".into(), "u".into())]);
        let name = file.display();
        assert_eq!(
            w,
            vec![
                format!(
                    "{name}: host.\"https://zz-mirror.example/us\".client lists 2 certificates; berth presents only the first"
                ),
                format!("{name}: unknown key host.\"http://aa-cache.example:5000\".colour"),
                format!(
                    "{name}: host.\"https://push-only.example\".dial_timeout is not supported (berth uses registry.connect_timeout and HTTPS_PROXY)"
                ),
            ]
        );
    }

    #[test]
    fn registries_conf_drop_ins_override_earlier_files() {
        let mut rc = RegistriesConf::default();
        let mut w = Vec::new();
        let main = r#"
unqualified-search-registries = ["a.example"]
[[registry]]
prefix = "r.example"
[[registry.mirror]]
location = "old.example"
[aliases]
"x" = "a.example/x"
"#;
        let dropin = r#"
unqualified-search-registries = ["b.example"]
short-name-mode = "disabled"
[[registry]]
prefix = "r.example"
[[registry.mirror]]
location = "new.example"
[aliases]
"x" = ""
"y" = "b.example/y"
"docker.io/z" = "b.example/z"
"w" = "w:latest"
"#;
        rc.add(main, "main", &mut w).unwrap();
        rc.add(dropin, "dropin", &mut w).unwrap();
        let mut c = Config::default();
        rc.apply(&mut c);
        let (_, e) = c.registry_for("r.example", "app").unwrap();
        assert_eq!(e.mirrors.len(), 1);
        assert_eq!(e.mirrors[0].location, "new.example");
        assert_eq!(c.short_names.search, ["b.example"]);
        assert_eq!(c.short_names.mode, ShortNameMode::Disabled);
        assert_eq!(
            c.short_names.aliases.iter().collect::<Vec<_>>(),
            [(&"y".to_string(), &"b.example/y".to_string())]
        );
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(w[0].starts_with("dropin: alias \"docker.io/z\" is not a short name"));
        assert!(w[1].starts_with("dropin: alias \"w\" = \"w:latest\" must name a registry"));
        let mut rc = RegistriesConf::default();
        assert!(
            rc.add("short-name-mode = \"sometimes\"", "bad", &mut w)
                .is_err()
        );
    }

    #[test]
    fn registries_conf_v1_lists_are_search_insecure_and_blocked() {
        let mut rc = RegistriesConf::default();
        let mut w = Vec::new();
        rc.add(
            "[registries.search]\nregistries = ['s.example']\n[registries.insecure]\nregistries = ['i.example:5000']\n[registries.block]\nregistries = ['b.example']\n",
            "v1",
            &mut w,
        )
        .unwrap();
        let mut c = Config::default();
        rc.apply(&mut c);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(c.short_names.search, ["s.example"]);
        assert!(c.registry_for("i.example:5000", "a").unwrap().1.insecure);
        assert!(c.registry_for("b.example", "a").unwrap().1.blocked);
    }

    #[test]
    fn certs_d_directories_may_spell_the_port_as_containerd_does() {
        assert_eq!(hosts_dir_namespace("reg.example_5000_"), "reg.example:5000");
        assert_eq!(hosts_dir_namespace("reg.example:5000"), "reg.example:5000");
        assert_eq!(hosts_dir_namespace("docker.io"), "docker.io");
        assert_eq!(hosts_dir_namespace("a_b_"), "a_b_");
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
