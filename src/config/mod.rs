//! berth's configuration: its own TOML file (registries, mirrors, timeouts, unpack limits), merged with
//! the mirror and insecure-registry settings other tools already keep on the host (docker's `daemon.json`,
//! containers-registries.conf, containerd's `certs.d/*/hosts.toml`).
//!
//! This file owns the merged model ([`Config`] and the per-registry records) and the lookups on it; each
//! file it is read from has a file of its own here: `berth_toml.rs` (berth's config.toml), `load.rs`
//! (where the files are and the order they merge in), `registries_conf.rs` (containers-registries.conf,
//! its drop-ins and short-name aliases), `hosts_toml.rs` (containerd's certs.d/*/hosts.toml),
//! `daemon_json.rs` (docker's daemon.json).
//!
//! Must not depend on cli, engine, registry or store. Reads files only; never writes.
//! Invariant: an unknown key in berth's own file, in registries.conf (and its drop-ins) or in a hosts.toml
//! is reported as one warning naming the file and the key, never silently ignored (daemon.json belongs to
//! dockerd: only its two registry keys are read); the precedence for mirrors is berth's file >
//! registries.conf > hosts.toml > daemon.json.

mod berth_toml;
mod daemon_json;
mod hosts_toml;
mod load;
mod registries_conf;

pub use crate::types::{RootlessOverlay, StorageSettings};
pub use berth_toml::{BuildSettings, Limits, RegistrySettings};
pub use load::ConfigSources;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The merged configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// `[registry]`: network behaviour shared by every registry.
    pub registry: RegistrySettings,
    /// `[registries."host"]` (or `"host/path"`, `"*.example.com"`): per-registry settings, keyed by prefix.
    /// The file may also list them as `[[registries]]` tables with a `prefix` key.
    #[serde(deserialize_with = "berth_toml::registries_map_or_list")]
    pub registries: BTreeMap<String, RegistryEntry>,
    /// `[limits]`: bounds on untrusted input (manifests, layers).
    pub limits: Limits,
    /// `[storage]`: how containers' root filesystems are mounted.
    pub storage: StorageSettings,
    /// `[build]`: `berth build`'s cache bound, step timeout and package mirrors.
    pub build: BuildSettings,
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

/// Credential files to read, in order (see `registry::auth`).
#[derive(Debug, Clone, Default)]
pub struct CredentialSources {
    /// Docker's config directory (`$DOCKER_CONFIG`, default `~/.docker`): `config.json` is read and written.
    pub docker_config_dir: Option<PathBuf>,
    /// containers auth.json files, read after docker's (REGISTRY_AUTH_FILE, XDG_RUNTIME_DIR, ~/.config).
    pub auth_files: Vec<PathBuf>,
}

impl Config {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
