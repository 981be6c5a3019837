//! berth's own config.toml (`/etc/berth/config.toml`, rootless `~/.config/berth/config.toml`,
//! `--config`): the `[registry]` network settings, `[limits]`, `[storage]` and the keys berth knows;
//! parsing it, reporting unknown keys, and the commented default file `berth config default` prints.
//!
//! Must not depend on anything in berth but `types` (through the parent module). Invariant: parsing
//! [`Config::default_toml`] gives the defaults with no warning.

use super::{Config, RegistryEntry, RootlessOverlay, StorageSettings, toml_error};
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

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
    /// Upper bound on concurrent blob downloads of one pull (podman's default, 6: docker's is 3), halved
    /// for an image with zstd layers (each decoder holds its window). Each is a layer's whole pipeline
    /// (download, inflate, unpack): with fewer workers than layers, the last layer ran alone on a machine
    /// that had room for more (issue 14).
    pub max_parallel_downloads: usize,
    /// Upper bound on concurrent blob uploads of one push.
    pub max_parallel_uploads: usize,
}

impl Default for RegistrySettings {
    fn default() -> Self {
        RegistrySettings {
            connect_timeout: 5.0,
            stall_timeout: 30.0,
            retries: 3,
            max_parallel_downloads: 6,
            max_parallel_uploads: 8,
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
pub(super) fn registries_map_or_list<'de, D: serde::Deserializer<'de>>(
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

/// `[build]`: `berth build` (issue 10).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct BuildSettings {
    /// Bytes of cached step layers kept (least recently used evicted past it); 0: unbounded.
    pub cache_max_size: u64,
    /// A RUN step running longer is killed (`10m`, `90s`; Go's duration syntax); empty: no limit.
    pub step_timeout: String,
    /// `[build.package_mirrors]`: distribution (`debian`, `ubuntu`, `alpine`) -> mirror URL.
    pub package_mirrors: BTreeMap<String, String>,
}

impl Default for BuildSettings {
    fn default() -> Self {
        BuildSettings {
            cache_max_size: 10 << 30,
            step_timeout: String::new(),
            package_mirrors: BTreeMap::new(),
        }
    }
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
    /// Most bytes `load` spools from one (decompressed) archive, every member counted.
    pub max_archive_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_manifest_bytes: 4 << 20,
            max_config_bytes: 4 << 20,
            max_layer_bytes: 64 << 30,
            max_entries: 1_000_000,
            max_error_bytes: 1 << 20,
            max_archive_bytes: 64 << 30,
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

/// Keys berth's own file understands; anything else is reported.
const KNOWN_TOP: &[&str] = &["registry", "registries", "limits", "storage", "build"];
const KNOWN_STORAGE: &[&str] = &["rootless_overlay", "fuse_overlayfs"];
const KNOWN_REGISTRY: &[&str] = &[
    "connect_timeout",
    "stall_timeout",
    "retries",
    "max_parallel_downloads",
    "max_parallel_uploads",
];
const KNOWN_ENTRY: &[&str] = &["mirrors", "insecure", "ca_file", "blocked", "location"];
const KNOWN_MIRROR: &[&str] = &["location", "insecure", "pull_from"];
const KNOWN_LIMITS: &[&str] = &[
    "max_manifest_bytes",
    "max_config_bytes",
    "max_layer_bytes",
    "max_entries",
    "max_error_bytes",
    "max_archive_bytes",
];

impl Config {
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
        if cfg.registry.max_parallel_uploads == 0 {
            bail!("parsing config {name}: registry.max_parallel_uploads must be at least 1");
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
# Blobs downloaded at the same time by one pull (half of them for an image with zstd layers).
max_parallel_downloads = {mp}
# Blobs uploaded at the same time by one push (each on its own connection).
max_parallel_uploads = {mu}

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
max_archive_bytes = {ma}

[storage]
# How a rootless container mounts its rootfs: "auto" (native overlayfs in the user namespace, which
# needs a kernel >= 5.11, else fuse-overlayfs), "native" or "fuse". Root always uses native overlayfs.
# A container keeps the choice it was created with.
rootless_overlay = "{ro}"
# The fuse-overlayfs binary; unset looks in /usr/bin, /usr/local/bin and /bin.
# fuse_overlayfs = "/usr/bin/fuse-overlayfs"

[build]
# Bytes of cached build steps kept (least recently used evicted beyond it); 0: unbounded.
cache_max_size = {cms}
# A RUN step running longer is killed and the build fails ("10m", "90s"); empty: no limit.
step_timeout = ""
# Package mirrors used while RUN steps run (the image keeps its own sources); keys: debian,
# debian-security, ubuntu, alpine.
# [build.package_mirrors]
# debian = "http://mirror.internal/debian"
"#,
            ct = r.connect_timeout,
            st = r.stall_timeout,
            re = r.retries,
            mp = r.max_parallel_downloads,
            mu = r.max_parallel_uploads,
            mm = l.max_manifest_bytes,
            mc = l.max_config_bytes,
            ml = l.max_layer_bytes,
            me = l.max_entries,
            mf = l.max_error_bytes,
            ma = l.max_archive_bytes,
            ro = StorageSettings::default().rootless_overlay.as_str(),
            cms = BuildSettings::default().cache_max_size,
        )
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
            ("build", toml::Value::Table(t)) => {
                for k2 in t.keys().filter(|k2| {
                    !["cache_max_size", "step_timeout", "package_mirrors"].contains(&k2.as_str())
                }) {
                    unknown(format!("build.{k2}"));
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
