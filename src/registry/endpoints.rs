//! Where a reference is fetched from: the endpoints the configuration gives it, in the order they are
//! tried (its mirrors, then the registry or the `location` replacing it), each with its scheme, the
//! repository name there, its API root, TLS material (CA files and client certificate from the
//! configuration, hosts.toml and docker's certs.d) and extra headers.
//!
//! Must not depend on anything in berth but `config` (and the parent module). Invariants: a blocked
//! registry yields no endpoint; a mirror is offered only for the references its `pull_from` (or hosts.toml
//! capabilities) allows; `?ns=` is set for mirrors only. Reads certs.d directories; no network.

use super::Client;
use super::transport::url_encode;
use crate::config::{ClientCert, Config, HostOptions, PullFrom, RegistryEntry};
use anyhow::{Result, bail};
use oci_spec::distribution::Reference;
use std::borrow::Cow;
use std::path::PathBuf;

/// One place berth may fetch a repository from: a mirror or the registry itself.
#[derive(Debug, Clone)]
pub(crate) struct Endpoint {
    /// For messages: `mirror http://127.0.0.1:5001` or `registry 127.0.0.1:5000`.
    pub label: String,
    /// `http` or `https` when the configuration named it; otherwise decided by the ping.
    pub scheme: Option<&'static str>,
    /// `host[:port]`.
    pub host: String,
    /// The repository name at this endpoint (a mirror location may add or replace a prefix).
    pub repository: String,
    /// Explicitly marked insecure: plain HTTP and unverified TLS allowed. Loopback hosts may use plain
    /// HTTP (docker's default) but get their certificates checked when they speak TLS.
    pub insecure: bool,
    pub ca_files: Vec<PathBuf>,
    /// The client certificate presented for mutual TLS (hosts.toml `client`, certs.d `*.cert`/`*.key`).
    pub client_cert: Option<ClientCert>,
    /// The distribution API root at this endpoint: `/v2`, or what a hosts.toml host URL makes of it.
    pub api_root: String,
    /// Extra headers for this endpoint only (hosts.toml `[header]`).
    pub headers: Vec<(String, String)>,
    /// `?ns=<registry>` on every request to a mirror, so a pull-through cache knows the upstream
    /// (containerd `docs/hosts.md`); never set for the registry itself.
    pub ns: Option<String>,
}

impl Endpoint {
    /// The URL of a distribution API `path` (`/v2/...`) at `base` (`scheme://host`): the API root
    /// replaces `/v2`, and a mirror's requests carry `ns`.
    pub(super) fn url(&self, base: &str, path: &str) -> String {
        let rest = path.strip_prefix("/v2").unwrap_or(path);
        let mut u = format!("{base}{}{rest}", self.api_root);
        if let Some(ns) = &self.ns {
            u.push(if u.contains('?') { '&' } else { '?' });
            u.push_str("ns=");
            u.push_str(&url_encode(ns));
        }
        u
    }
}

/// Directories holding `<host:port>/*.crt` CA files (docker and containers conventions).
fn default_certs_dirs() -> Vec<PathBuf> {
    let mut d = vec![
        PathBuf::from("/etc/berth/certs.d"),
        PathBuf::from("/etc/docker/certs.d"),
        PathBuf::from("/etc/containers/certs.d"),
    ];
    if let Some(h) = std::env::var_os("HOME") {
        d.push(PathBuf::from(h).join(".config/containers/certs.d"));
    }
    d
}

/// Split `[scheme://]host[/path]` into its parts.
fn split_location(loc: &str) -> (Option<&'static str>, String, String) {
    let (scheme, rest) = if let Some(r) = loc.strip_prefix("https://") {
        (Some("https"), r)
    } else if let Some(r) = loc.strip_prefix("http://") {
        (Some("http"), r)
    } else {
        (None, loc)
    };
    let rest = rest.trim_end_matches('/');
    match rest.split_once('/') {
        Some((h, p)) => (scheme, h.to_string(), p.to_string()),
        None => (scheme, rest.to_string(), String::new()),
    }
}

fn join_repo(prefix: &str, rest: &str) -> String {
    match (prefix.is_empty(), rest.is_empty()) {
        (true, _) => rest.to_string(),
        (false, true) => prefix.to_string(),
        (false, false) => format!("{prefix}/{rest}"),
    }
}

impl Client {
    /// The endpoints for a reference, in the order they are tried: mirrors, then the registry.
    pub(crate) fn endpoints(&self, r: &Reference, mirrors: bool) -> Result<Vec<Endpoint>> {
        let host = r.registry();
        let repo = r.repository();
        let cfg = &self.inner.cfg;
        let (prefix_key, entry) = settings_for(cfg, host, repo);
        let entry = entry.as_deref();
        if entry.is_some_and(|e| e.blocked) {
            bail!("registry {host} is blocked by the configuration");
        }
        let by_digest = r.digest().is_some();
        let maker = EndpointMaker {
            cfg,
            repo,
            rest: repo_below_prefix(prefix_key, host, repo),
            certs_dirs: cfg.certs_dirs.clone().unwrap_or_else(default_certs_dirs),
            ns: crate::config::normalize_host(host).to_string(),
        };
        let mut out = Vec::new();
        if mirrors && let Some(e) = entry {
            out.extend(maker.mirrors(e, by_digest));
        }
        out.extend(maker.registry(host, entry, by_digest));
        if out.is_empty() {
            bail!(
                "no configured endpoint may serve {host}/{repo} {}: hosts.toml capabilities exclude the registry and every mirror",
                if by_digest { "by digest" } else { "by tag" }
            );
        }
        Ok(out)
    }
}

/// The settings for `host/repo` and the prefix they are filed under (`None` when no entry matches).
fn settings_for<'a>(
    cfg: &'a Config,
    host: &str,
    repo: &str,
) -> (Option<&'a str>, Option<Cow<'a, RegistryEntry>>) {
    let (prefix_key, entry) = match cfg.registry_for(host, repo) {
        Some((k, e)) => (Some(k), Some(e)),
        None => (None, None),
    };
    // containerd's `_default/hosts.toml` fills in what the registry's own settings leave open.
    let entry = match cfg.hosts_default_for(host) {
        Some(d) => {
            let mut m = entry.cloned().unwrap_or_default();
            if m.mirrors.is_empty() {
                m.mirrors = d.mirrors.clone();
                m.mirror_options = d.mirror_options.clone();
            }
            if m.location.is_none() {
                m.location = d.location.clone();
            }
            if m.server == HostOptions::default() {
                m.server = d.server.clone();
            }
            m.insecure |= d.insecure;
            Some(Cow::Owned(m))
        }
        None => entry.map(Cow::Borrowed),
    };
    (prefix_key, entry)
}

/// The part of the repository below the matched prefix (registries.conf: location replaces prefix).
fn repo_below_prefix(prefix_key: Option<&str>, host: &str, repo: &str) -> String {
    match prefix_key {
        Some(k) if !k.starts_with("*.") => {
            let full = format!("{}/{repo}", crate::config::normalize_host(host));
            full.strip_prefix(k)
                .unwrap_or(&full)
                .trim_start_matches('/')
                .to_string()
        }
        _ => repo.to_string(),
    }
}

/// What the endpoints of one reference share.
struct EndpointMaker<'a> {
    cfg: &'a Config,
    /// The repository as the reference names it.
    repo: &'a str,
    /// The repository below the matched prefix, for mirrors and locations.
    rest: String,
    /// docker's certs.d directories.
    certs_dirs: Vec<PathBuf>,
    /// The registry (normalised host) a mirror's requests name in `?ns=`.
    ns: String,
}

/// One endpoint to make: a mirror, or the registry (or the `location` replacing it).
struct Source<'a> {
    label: String,
    location: &'a str,
    insecure: bool,
    ca: Option<&'a PathBuf>,
    /// The registry under its own name: the repository stays as the reference names it.
    keep_repo: bool,
    opts: Option<&'a HostOptions>,
    mirror: bool,
}

impl EndpointMaker<'_> {
    /// The mirrors of `e` that may serve this reference (`pull_from`), in order.
    fn mirrors(&self, e: &RegistryEntry, by_digest: bool) -> Vec<Endpoint> {
        let mut out = Vec::new();
        for m in &e.mirrors {
            let allowed = match m.pull_from {
                PullFrom::All => true,
                PullFrom::DigestOnly => by_digest,
                PullFrom::TagOnly => !by_digest,
            };
            if allowed {
                out.push(self.make(Source {
                    label: format!("mirror {}", m.location),
                    location: &m.location,
                    insecure: m.insecure,
                    ca: None,
                    keep_repo: false,
                    opts: e.mirror_options.get(&m.location),
                    mirror: true,
                }));
            }
        }
        out
    }

    /// The registry itself (or the `location` replacing it), unless its hosts.toml capabilities say it
    /// may not serve this reference.
    fn registry(
        &self,
        host: &str,
        entry: Option<&RegistryEntry>,
        by_digest: bool,
    ) -> Option<Endpoint> {
        let insecure = entry.is_some_and(|e| e.insecure);
        let ca = entry.and_then(|e| e.ca_file.as_ref());
        let server = entry.map(|e| &e.server);
        // hosts.toml capabilities of the registry itself: without `pull` only the mirrors serve it;
        // without `resolve` it serves digests only.
        let server_allowed = server
            .is_none_or(|s| !s.no_pull && (by_digest || s.pull_from != Some(PullFrom::DigestOnly)));
        if !server_allowed {
            return None;
        }
        let (label, location, keep_repo) = match entry.and_then(|e| e.location.as_deref()) {
            Some(loc) => (format!("registry {loc}"), loc, false),
            None => (format!("registry {host}"), host, true),
        };
        Some(self.make(Source {
            label,
            location,
            insecure,
            ca,
            keep_repo,
            opts: server,
            mirror: false,
        }))
    }

    fn make(&self, s: Source) -> Endpoint {
        let (scheme, h, path) = split_location(s.location);
        let h = if h == "docker.io" || h == "index.docker.io" {
            "registry-1.docker.io".to_string()
        } else {
            h
        };
        // The registry itself keeps the name; a mirror or a `location` replaces the matched prefix,
        // unless the location's path is a hosts.toml API root rather than a repository prefix.
        let api_root = s.opts.and_then(|o| o.api_root.clone());
        let repository = if s.keep_repo {
            self.repo.to_string()
        } else if api_root.is_some() {
            self.rest.clone()
        } else {
            join_repo(&path, &self.rest)
        };
        // A mirror host may have settings of its own (insecure, CA file), e.g. from daemon.json.
        let own = self.cfg.registry_for(&h, "").map(|(_, e)| e);
        let insecure =
            s.insecure || own.is_some_and(|e| e.insecure) || self.cfg.in_insecure_range(&h);
        let ca = s.ca.or(own.and_then(|e| e.ca_file.as_ref()));
        let (mut ca_files, certs_d_client) = self.certs_d(&h);
        ca_files.extend(ca.cloned());
        ca_files.extend(s.opts.iter().flat_map(|o| o.ca_files.iter().cloned()));
        ca_files.sort();
        ca_files.dedup();
        let client_cert = s.opts.and_then(|o| o.client.clone()).or(certs_d_client);
        Endpoint {
            label: s.label,
            scheme,
            insecure,
            host: h,
            repository,
            ca_files,
            client_cert,
            api_root: api_root.unwrap_or_else(|| "/v2".to_string()),
            headers: s.opts.map(|o| o.headers.clone()).unwrap_or_default(),
            ns: s.mirror.then(|| self.ns.clone()),
        }
    }

    /// docker's certs.d convention for `host`: `*.crt` are CAs, `name.cert` with `name.key` a client
    /// certificate (moby `registry.ReadCertsDirectory`). Returns the CA files and the first certificate.
    fn certs_d(&self, host: &str) -> (Vec<PathBuf>, Option<ClientCert>) {
        let files: Vec<PathBuf> = self
            .certs_dirs
            .iter()
            .map(|d| d.join(host))
            .filter_map(|d| std::fs::read_dir(d).ok())
            .flat_map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())))
            .collect();
        let ca_files: Vec<PathBuf> = files
            .iter()
            .filter(|p| p.extension().is_some_and(|x| x == "crt"))
            .cloned()
            .collect();
        let mut certs: Vec<&PathBuf> = files
            .iter()
            .filter(|p| p.extension().is_some_and(|x| x == "cert"))
            .filter(|p| p.with_extension("key").is_file())
            .collect();
        certs.sort();
        let client = certs.first().map(|c| ClientCert {
            cert: c.to_path_buf(),
            key: Some(c.with_extension("key")),
        });
        (ca_files, client)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_rewrite_prefixes_for_mirrors_and_locations_only() {
        use crate::config::{Mirror, RegistryEntry};
        let mut cfg = Config::default();
        cfg.registries.insert(
            "docker.io/library".into(),
            RegistryEntry {
                mirrors: vec![Mirror {
                    location: "mirror.example/hub".into(),
                    insecure: false,
                    pull_from: PullFrom::All,
                }],
                ..Default::default()
            },
        );
        cfg.registries.insert(
            "old.example/team".into(),
            RegistryEntry {
                location: Some("new.example:5000/org/team".into()),
                ..Default::default()
            },
        );
        cfg.registries.insert(
            "mirror.example".into(),
            RegistryEntry {
                insecure: true,
                ..Default::default()
            },
        );
        let c = Client::new(&cfg).unwrap();
        let eps = c.endpoints(&"busybox".parse().unwrap(), true).unwrap();
        let got: Vec<_> = eps
            .iter()
            .map(|e| (e.host.as_str(), e.repository.as_str(), e.insecure))
            .collect();
        assert_eq!(
            got,
            [
                ("mirror.example", "hub/busybox", true),
                ("registry-1.docker.io", "library/busybox", false)
            ]
        );
        let eps = c
            .endpoints(&"old.example/team/app:1".parse().unwrap(), true)
            .unwrap();
        assert_eq!(eps.len(), 1);
        assert_eq!(
            (eps[0].host.as_str(), eps[0].repository.as_str()),
            ("new.example:5000", "org/team/app")
        );
    }
}
