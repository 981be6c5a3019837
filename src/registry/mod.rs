//! The registry client: the only network code in berth. Distribution API (manifests, blobs), auth
//! (bearer, basic, credential files), mirrors with fallback, retries, resume, and login/logout.
//!
//! Must not depend on cli or engine; uses config, store (for atomic credential writes).
//! Invariants:
//! - every byte handed out is verified: manifests against the requested digest or the
//!   `Docker-Content-Digest` header, blobs against their descriptor size and digest at EOF;
//! - an `Authorization` header is only ever attached by berth to a request for the endpoint host that
//!   issued the challenge; redirects are followed by reqwest, which strips it across hosts, and a 401 from
//!   a redirect target is never answered (docs/security.md 1C C7);
//! - plain HTTP only for registries marked insecure and loopback hosts; TLS certificates are always
//!   verified unless the registry is explicitly marked insecure, loopback included (C9).

pub mod auth;
mod blob;
pub mod credentials;

use crate::config::{ClientCert, Config, CredentialSources, HostOptions, PullFrom};
use anyhow::{Context, Result, bail};
use auth::{Challenge, Token};
use credentials::Credential;
use oci_spec::distribution::Reference;
use reqwest::blocking::{Client as Http, Response};
use reqwest::header::{HeaderMap, HeaderValue};
use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// How long an endpoint that could not be reached is skipped without a new attempt.
const FAILED_PING_MEMORY: Duration = Duration::from_secs(30);

pub use blob::BlobReader;

pub const MEDIA_OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";
pub const MEDIA_OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const MEDIA_DOCKER_LIST: &str = "application/vnd.docker.distribution.manifest.list.v2+json";
pub const MEDIA_DOCKER_MANIFEST: &str = "application/vnd.docker.distribution.manifest.v2+json";
const MEDIA_SCHEMA1: &[&str] = &[
    "application/vnd.docker.distribution.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.v1+prettyjws",
];
const KNOWN_MANIFESTS: &[&str] = &[
    MEDIA_OCI_INDEX,
    MEDIA_OCI_MANIFEST,
    MEDIA_DOCKER_LIST,
    MEDIA_DOCKER_MANIFEST,
];

/// A manifest or index exactly as the registry sent it, with its verified digest.
#[derive(Debug, Clone)]
pub struct RawManifest {
    pub bytes: Vec<u8>,
    pub media_type: String,
    /// `sha256:<hex>` of `bytes`.
    pub digest: String,
}

/// Check that `digest` is `sha256:` + 64 lowercase hex characters before it reaches a URL or a path
/// (CVE-2024-3727; docs/security.md 1C C10).
pub fn validate_digest(digest: &str) -> Result<()> {
    let ok = digest.strip_prefix("sha256:").is_some_and(|h| {
        h.len() == 64
            && h.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    });
    if !ok {
        bail!(
            "invalid digest {digest:?}: berth accepts only sha256 with 64 lowercase hex characters"
        );
    }
    Ok(())
}

fn sha256_digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

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
    fn url(&self, base: &str, path: &str) -> String {
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

/// How far the ping got with a host: the base URL that answered and its challenge.
#[derive(Debug, Clone)]
struct HostState {
    base: String,
    challenge: Option<Challenge>,
}

type HostKey = (String, Option<&'static str>);
/// What sets one HTTP client apart from another: extra CAs, TLS strictness, client certificate.
type HttpKey = (Vec<PathBuf>, bool, Option<ClientCert>);
/// When a host was pinged and what came of it.
type PingOutcome = (Instant, Result<HostState, String>);

/// Why one endpoint could not serve a request; `retry` says whether the same endpoint may be tried again.
#[derive(Debug)]
pub(crate) struct Failure {
    pub msg: String,
    pub retry: bool,
    pub retry_after: Option<Duration>,
}

impl Failure {
    fn fatal(msg: impl Into<String>) -> Failure {
        Failure {
            msg: msg.into(),
            retry: false,
            retry_after: None,
        }
    }
}

/// The registry client. Cheap to clone; safe to share between download threads.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    cfg: Config,
    creds: CredentialSources,
    http: Mutex<HashMap<HttpKey, Http>>,
    /// Ping outcome per (host, configured scheme); a failed ping is remembered so that a dead mirror
    /// costs one connect timeout per pull, not one per blob.
    hosts: Mutex<HashMap<HostKey, PingOutcome>>,
    tokens: Mutex<HashMap<(String, String), Token>>,
    credentials: Mutex<HashMap<(String, String), Option<Credential>>>,
    /// The endpoint that served a repository's manifest: its blobs are asked there first, so that one
    /// pull comes from one place.
    served_by: Mutex<HashMap<(String, String), String>>,
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

/// The TLS identity in a client certificate file and its key file (or both in one PEM file).
fn client_identity(cc: &ClientCert) -> Result<reqwest::Identity> {
    let mut pem = std::fs::read(&cc.cert)
        .with_context(|| format!("reading client certificate {}", cc.cert.display()))?;
    if let Some(k) = &cc.key {
        pem.push(b'\n');
        pem.extend(
            std::fs::read(k).with_context(|| format!("reading client key {}", k.display()))?,
        );
    }
    reqwest::Identity::from_pem(&pem).with_context(|| {
        format!(
            "loading client certificate {}{}",
            cc.cert.display(),
            cc.key
                .as_ref()
                .map(|k| format!(" with key {}", k.display()))
                .unwrap_or_default()
        )
    })
}

fn is_loopback(host: &str) -> bool {
    let h = match host.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !h.ends_with(':') => h,
        _ => host,
    };
    let h = h.trim_start_matches('[').trim_end_matches(']');
    h == "localhost"
        || h.parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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

/// Read at most `max` bytes of a body; `None` if it is longer.
fn read_capped(resp: &mut Response, max: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut buf = Vec::new();
    resp.take(max + 1).read_to_end(&mut buf)?;
    Ok(if buf.len() as u64 > max {
        None
    } else {
        Some(buf)
    })
}

/// A short description of an error response: the distribution `errors[]` messages, or the status.
fn describe_error(resp: &mut Response, max: u64) -> String {
    let status = resp.status();
    let mut buf = Vec::new();
    // Error bodies are capped (docs/security.md 1C C3): read a bounded prefix and drop the rest.
    let _ = resp.take(max.min(64 << 10)).read_to_end(&mut buf);
    #[derive(serde::Deserialize)]
    struct E {
        errors: Vec<Item>,
    }
    #[derive(serde::Deserialize)]
    struct Item {
        code: Option<String>,
        message: Option<String>,
    }
    let detail = serde_json::from_slice::<E>(&buf)
        .ok()
        .map(|e| {
            e.errors
                .iter()
                .map(|i| {
                    let code = i
                        .code
                        .as_deref()
                        .unwrap_or("")
                        .to_ascii_lowercase()
                        .replace('_', " ");
                    match &i.message {
                        Some(m) if !m.is_empty() => m.clone(),
                        _ => code,
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        })
        .filter(|d| !d.is_empty());
    match detail {
        Some(d) => format!("HTTP {}: {d}", status.as_u16()),
        None => format!("HTTP {}", status.as_u16()),
    }
}

fn describe_reqwest(e: &reqwest::Error) -> String {
    use std::error::Error;
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else {
        "request failed"
    };
    // The innermost cause says what happened ("Connection refused", "invalid peer certificate");
    // the layers above it only repeat that a request failed.
    let mut inner: Option<&dyn Error> = None;
    let mut src = e.source();
    while let Some(s) = src {
        inner = Some(s);
        src = s.source();
    }
    match inner {
        Some(i) if !e.is_timeout() => format!("{kind}: {i}"),
        _ => kind.to_string(),
    }
}

/// The host cannot be reached at all (no other scheme on the same port will do better).
fn unreachable(e: &reqwest::Error) -> bool {
    use std::error::Error;
    if e.is_timeout() {
        return true;
    }
    let mut src = e.source();
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::HostUnreachable
                    | std::io::ErrorKind::NetworkUnreachable
            )
        {
            return true;
        }
        if s.to_string().contains("dns error") {
            return true;
        }
        src = s.source();
    }
    false
}

impl Client {
    /// A client for `cfg`; credentials come from `cfg.credentials` or the environment's default files.
    pub fn new(cfg: &Config) -> Result<Client> {
        let creds = cfg
            .credentials
            .clone()
            .unwrap_or_else(credentials::sources_from_env);
        Ok(Client {
            inner: Arc::new(Inner {
                cfg: cfg.clone(),
                creds,
                http: Mutex::new(HashMap::new()),
                hosts: Mutex::new(HashMap::new()),
                tokens: Mutex::new(HashMap::new()),
                credentials: Mutex::new(HashMap::new()),
                served_by: Mutex::new(HashMap::new()),
            }),
        })
    }

    pub fn config(&self) -> &Config {
        &self.inner.cfg
    }

    /// The HTTP client for a set of extra CA files and TLS strictness. Its timeout is the stall timeout:
    /// reqwest's blocking client applies it to the wait for headers and to every single body read.
    fn http(&self, ep: &Endpoint) -> Result<Http> {
        let (ca_files, insecure) = (&ep.ca_files, ep.insecure);
        let key = (ca_files.to_vec(), insecure, ep.client_cert.clone());
        let mut map = self.inner.http.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(c) = map.get(&key) {
            return Ok(c.clone());
        }
        let s = &self.inner.cfg.registry;
        let mut certs = Vec::new();
        for f in ca_files {
            let pem =
                std::fs::read(f).with_context(|| format!("reading CA file {}", f.display()))?;
            certs.extend(
                reqwest::Certificate::from_pem_bundle(&pem)
                    .with_context(|| format!("parsing CA file {}", f.display()))?,
            );
        }
        let mut b = Http::builder()
            .connect_timeout(s.connect_timeout())
            .timeout(s.stall_timeout())
            .user_agent(concat!("berth/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                // reqwest's default policy (10 hops, credentials stripped across hosts), plus: a redirect
                // never downgrades HTTPS to plain HTTP (CVE-2014-5277 is the same failure without one).
                let downgrade = attempt
                    .previous()
                    .last()
                    .is_some_and(|p| p.scheme() == "https")
                    && attempt.url().scheme() != "https";
                if downgrade {
                    attempt.error("redirect from https to plain http refused")
                } else if attempt.previous().len() > 10 {
                    attempt.error("too many redirects")
                } else {
                    attempt.follow()
                }
            }));
        if !certs.is_empty() {
            b = b.tls_certs_merge(certs);
        }
        if insecure {
            b = b.tls_danger_accept_invalid_certs(true);
        }
        if let Some(cc) = &ep.client_cert {
            b = b.identity(client_identity(cc)?);
        }
        let c = b.build().context("building HTTP client")?;
        map.insert(key, c.clone());
        Ok(c)
    }

    /// The endpoints for a reference, in the order they are tried: mirrors, then the registry.
    pub(crate) fn endpoints(&self, r: &Reference, mirrors: bool) -> Result<Vec<Endpoint>> {
        let host = r.registry();
        let repo = r.repository();
        let cfg = &self.inner.cfg;
        let (prefix_key, entry) = match cfg.registry_for(host, repo) {
            Some((k, e)) => (Some(k), Some(e)),
            None => (None, None),
        };
        // containerd's `_default/hosts.toml` fills in what the registry's own settings leave open.
        let merged;
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
                merged = m;
                Some(&merged)
            }
            None => entry,
        };
        if entry.is_some_and(|e| e.blocked) {
            bail!("registry {host} is blocked by the configuration");
        }
        // The part of the repository below the matched prefix (registries.conf: location replaces prefix).
        let rest = match prefix_key {
            Some(k) if !k.starts_with("*.") => {
                let full = format!("{}/{repo}", crate::config::normalize_host(host));
                full.strip_prefix(k)
                    .unwrap_or(&full)
                    .trim_start_matches('/')
                    .to_string()
            }
            _ => repo.to_string(),
        };
        let by_digest = r.digest().is_some();
        let certs_dirs = cfg.certs_dirs.clone().unwrap_or_else(default_certs_dirs);
        let mut out = Vec::new();
        let ns = crate::config::normalize_host(host).to_string();
        let mk = |label: String,
                  loc: &str,
                  insecure: bool,
                  ca: Option<&PathBuf>,
                  keep_repo: bool,
                  opts: Option<&HostOptions>,
                  mirror: bool| {
            let (scheme, h, path) = split_location(loc);
            let h = if h == "docker.io" || h == "index.docker.io" {
                "registry-1.docker.io".to_string()
            } else {
                h
            };
            // The registry itself keeps the name; a mirror or a `location` replaces the matched prefix,
            // unless the location's path is a hosts.toml API root rather than a repository prefix.
            let api_root = opts.and_then(|o| o.api_root.clone());
            let repository = if keep_repo {
                repo.to_string()
            } else if api_root.is_some() {
                rest.clone()
            } else {
                join_repo(&path, &rest)
            };
            // A mirror host may have settings of its own (insecure, CA file), e.g. from daemon.json.
            let own = cfg.registry_for(&h, "").map(|(_, e)| e);
            let insecure = insecure || own.is_some_and(|e| e.insecure) || cfg.in_insecure_range(&h);
            let ca = ca.or(own.and_then(|e| e.ca_file.as_ref()));
            // docker's certs.d convention: `*.crt` are CAs, `name.cert` with `name.key` a client
            // certificate (moby `registry.ReadCertsDirectory`).
            let files: Vec<PathBuf> = certs_dirs
                .iter()
                .map(|d| d.join(&h))
                .filter_map(|d| std::fs::read_dir(d).ok())
                .flat_map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())))
                .collect();
            let mut ca_files: Vec<PathBuf> = files
                .iter()
                .filter(|p| p.extension().is_some_and(|x| x == "crt"))
                .cloned()
                .collect();
            ca_files.extend(ca.cloned());
            ca_files.extend(opts.iter().flat_map(|o| o.ca_files.iter().cloned()));
            ca_files.sort();
            ca_files.dedup();
            let mut certs: Vec<&PathBuf> = files
                .iter()
                .filter(|p| p.extension().is_some_and(|x| x == "cert"))
                .filter(|p| p.with_extension("key").is_file())
                .collect();
            certs.sort();
            let client_cert = opts.and_then(|o| o.client.clone()).or_else(|| {
                certs.first().map(|c| ClientCert {
                    cert: c.to_path_buf(),
                    key: Some(c.with_extension("key")),
                })
            });
            Endpoint {
                label,
                scheme,
                insecure,
                host: h,
                repository,
                ca_files,
                client_cert,
                api_root: api_root.unwrap_or_else(|| "/v2".to_string()),
                headers: opts.map(|o| o.headers.clone()).unwrap_or_default(),
                ns: mirror.then(|| ns.clone()),
            }
        };
        if mirrors && let Some(e) = entry {
            for m in &e.mirrors {
                let allowed = match m.pull_from {
                    PullFrom::All => true,
                    PullFrom::DigestOnly => by_digest,
                    PullFrom::TagOnly => !by_digest,
                };
                if allowed {
                    out.push(mk(
                        format!("mirror {}", m.location),
                        &m.location,
                        m.insecure,
                        None,
                        false,
                        e.mirror_options.get(&m.location),
                        true,
                    ));
                }
            }
        }
        let insecure = entry.is_some_and(|e| e.insecure);
        let ca = entry.and_then(|e| e.ca_file.as_ref());
        let server = entry.map(|e| &e.server);
        // hosts.toml capabilities of the registry itself: without `pull` only the mirrors serve it;
        // without `resolve` it serves digests only.
        let server_allowed = server
            .is_none_or(|s| !s.no_pull && (by_digest || s.pull_from != Some(PullFrom::DigestOnly)));
        if server_allowed {
            match entry.and_then(|e| e.location.as_deref()) {
                Some(loc) => out.push(mk(
                    format!("registry {loc}"),
                    loc,
                    insecure,
                    ca,
                    false,
                    server,
                    false,
                )),
                None => out.push(mk(
                    format!("registry {host}"),
                    host,
                    insecure,
                    ca,
                    true,
                    server,
                    false,
                )),
            }
        }
        if out.is_empty() {
            bail!(
                "no configured endpoint may serve {host}/{repo} {}: hosts.toml capabilities exclude the registry and every mirror",
                if by_digest { "by digest" } else { "by tag" }
            );
        }
        Ok(out)
    }

    /// Ping `/v2/` once per host: find the scheme that answers and the auth challenge. HTTPS first;
    /// plain HTTP only for insecure endpoints (docker's fallback for insecure registries).
    fn host_state(&self, ep: &Endpoint) -> Result<HostState, Failure> {
        // One ping per host and API root: mirrors on one host under different paths may differ.
        let key = (format!("{}{}", ep.host, ep.api_root), ep.scheme);
        if let Some(s) = self
            .inner
            .hosts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            && (s.1.is_ok() || s.0.elapsed() < FAILED_PING_MEMORY)
        {
            return s.1.clone().map_err(Failure::fatal);
        }
        let schemes: &[&str] = match ep.scheme {
            Some("http") if !ep.insecure && !is_loopback(&ep.host) => {
                return Err(Failure::fatal(
                    "plain HTTP refused: the registry is not marked insecure",
                ));
            }
            Some(s) => &[if s == "http" { "http" } else { "https" }],
            None if ep.insecure || is_loopback(&ep.host) => &["https", "http"],
            None => &["https"],
        };
        let http = self
            .http(ep)
            .map_err(|e| Failure::fatal(format!("{e:#}")))?;
        let mut errs = Vec::new();
        let mut result = None;
        for s in schemes {
            let base = format!("{s}://{}", ep.host);
            match with_headers(http.get(ep.url(&base, "/v2/")), &ep.headers).send() {
                // Plain HTTP after HTTPS failed, answered 400: an HTTPS server rejecting plain HTTP
                // (Go's "client sent an HTTP request to an HTTPS server"). HTTPS's error is the one
                // that says what is wrong (a missing client certificate, an unknown CA).
                Ok(resp) if *s == "http" && !errs.is_empty() && resp.status().as_u16() == 400 => {
                    errs.push(format!("{base}: HTTP 400 (the server speaks HTTPS)"));
                }
                Ok(mut resp) => {
                    let challenge = if resp.status().as_u16() == 401 {
                        let all: Vec<Challenge> = resp
                            .headers()
                            .get_all(reqwest::header::WWW_AUTHENTICATE)
                            .iter()
                            .filter_map(|v| v.to_str().ok())
                            .flat_map(auth::parse_challenges)
                            .collect();
                        auth::pick(&all)
                    } else {
                        None
                    };
                    let _ = resp
                        .by_ref()
                        .take(self.inner.cfg.limits.max_error_bytes)
                        .read_to_end(&mut Vec::new());
                    log::debug!(
                        "ping {base}/v2/: HTTP {} challenge {:?}",
                        resp.status().as_u16(),
                        challenge.as_ref().map(|c| &c.scheme)
                    );
                    result = Some(HostState { base, challenge });
                    break;
                }
                Err(e) => {
                    let mut msg = format!("{base}: {}", describe_reqwest(&e));
                    // A server that requires mutual TLS ends the session right after the handshake
                    // (TLS 1.3 checks the client certificate there), which reads as a closed connection.
                    if *s == "https" && !unreachable(&e) {
                        let low = msg.to_ascii_lowercase();
                        if low.contains("closed") || low.contains("reset") || low.contains("alert")
                        {
                            msg.push_str(&match &ep.client_cert {
                                None => " (the server ended the TLS session: if it requires a client certificate, configure one with hosts.toml `client` or certs.d client.cert/client.key)".to_string(),
                                Some(c) => format!(" (the server ended the TLS session: it may not accept the client certificate {})", c.cert.display()),
                            });
                        }
                    }
                    errs.push(msg);
                    // Refused, unresolvable or stalled: plain HTTP on the same port will not do better
                    // and must not cost another timeout.
                    if unreachable(&e) {
                        break;
                    }
                }
            }
        }
        // With one scheme tried the endpoint label already says where; with two, say which was which.
        let r = result.ok_or_else(|| match errs.len() {
            1 => errs
                .remove(0)
                .split_once(": ")
                .map(|(_, m)| m.to_string())
                .unwrap_or_default(),
            _ => errs.join(", then "),
        });
        self.inner
            .hosts
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, (Instant::now(), r.clone()));
        r.map_err(Failure::fatal)
    }

    fn credential(&self, host: &str, repository: &str) -> Result<Option<Credential>, Failure> {
        let key = (host.to_string(), repository.to_string());
        let mut map = self
            .inner
            .credentials
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        if let Some(c) = map.get(&key) {
            return Ok(c.clone());
        }
        let c = credentials::lookup(&self.inner.creds, host, repository)
            .map_err(|e| Failure::fatal(format!("reading credentials: {e:#}")))?;
        map.insert(key, c.clone());
        Ok(c)
    }

    /// The `Authorization` value for a request to `ep` under `challenge`, fetching a token if needed.
    fn authorization(
        &self,
        ep: &Endpoint,
        base: &str,
        challenge: &Challenge,
        force: bool,
    ) -> Result<Option<String>, Failure> {
        let cred = self.credential(&ep.host, &ep.repository)?;
        match challenge.scheme.as_str() {
            "basic" => Ok(cred
                .filter(|c| !c.username.is_empty())
                .map(|c| basic(&c.username, &c.secret))),
            "bearer" => {
                // The repository's pull scope is the cache key. A scope named by a 401 on the resource
                // itself (`insufficient_scope`) is requested as given, and the token is filed under
                // the pull key too, so the next request does not run into the same 401.
                let pull_scope = format!("repository:{}:pull", ep.repository);
                let scope = match challenge.param("scope") {
                    Some(s) if force => s.to_string(),
                    _ => pull_scope.clone(),
                };
                // Held across the token request: parallel blob downloads share one token request
                // instead of racing to fetch several.
                let mut tokens = self.inner.tokens.lock().unwrap_or_else(|e| e.into_inner());
                let key = (ep.host.clone(), pull_scope);
                if !force
                    && let Some(t) = tokens.get(&key)
                    && t.fresh()
                {
                    return Ok(Some(format!("Bearer {}", t.value)));
                }
                let t = self.fetch_token(ep, base, challenge, Some(&scope), cred.as_ref())?;
                let v = format!("Bearer {}", t.value);
                tokens.insert(key, t);
                Ok(Some(v))
            }
            other => Err(Failure::fatal(format!(
                "unsupported authentication scheme {other}"
            ))),
        }
    }

    /// The token flow (distribution `docs/spec/auth/token.md`): GET realm with Basic credentials or
    /// anonymously, or POST a refresh token (OAuth2) when an identity token is stored.
    fn fetch_token(
        &self,
        ep: &Endpoint,
        base: &str,
        challenge: &Challenge,
        scope: Option<&str>,
        cred: Option<&Credential>,
    ) -> Result<Token, Failure> {
        let realm = challenge
            .param("realm")
            .ok_or_else(|| Failure::fatal("bearer challenge without realm"))?;
        let url = reqwest::Url::parse(realm)
            .map_err(|e| Failure::fatal(format!("invalid token realm {realm:?}: {e}")))?;
        // SSRF guard (go-containerregistry `validateRealmURL`; docs/security.md 1C C8): https, or plain http
        // only when the registry itself is reached over plain http.
        match url.scheme() {
            "https" => {}
            "http" if base.starts_with("http://") => {}
            s => {
                return Err(Failure::fatal(format!(
                    "refusing token realm {realm:?} (scheme {s})"
                )));
            }
        }
        let http = self
            .http(ep)
            .map_err(|e| Failure::fatal(format!("{e:#}")))?;
        // hosts.toml headers go to the endpoint's host only: to the token realm when it is that host.
        let same_host = url.host_str().is_some_and(|h| {
            let hp = match url.port() {
                Some(p) => format!("{h}:{p}"),
                None => h.to_string(),
            };
            hp == ep.host
        });
        let endpoint_headers = |rb: reqwest::blocking::RequestBuilder| {
            if same_host {
                with_headers(rb, &ep.headers)
            } else {
                rb
            }
        };
        let service = challenge.param("service");
        let req = match cred.and_then(|c| c.identity_token.as_deref()) {
            Some(refresh) => {
                let mut form = vec![
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh),
                    ("client_id", "berth"),
                ];
                if let Some(s) = service {
                    form.push(("service", s));
                }
                if let Some(s) = scope {
                    form.push(("scope", s));
                }
                let body = form
                    .iter()
                    .map(|(k, v)| format!("{k}={}", url_encode(v)))
                    .collect::<Vec<_>>()
                    .join("&");
                endpoint_headers(http.post(url))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .body(body)
            }
            None => {
                let mut u = url;
                {
                    let mut q = u.query_pairs_mut();
                    if let Some(s) = service {
                        q.append_pair("service", s);
                    }
                    if let Some(s) = scope {
                        q.append_pair("scope", s);
                    }
                    if let Some(c) = cred.filter(|c| !c.username.is_empty()) {
                        q.append_pair("account", &c.username);
                    }
                }
                let mut r = endpoint_headers(http.get(u));
                if let Some(c) = cred.filter(|c| !c.username.is_empty()) {
                    r = r.header(
                        reqwest::header::AUTHORIZATION,
                        basic(&c.username, &c.secret),
                    );
                }
                r
            }
        };
        let mut resp = req
            .send()
            .map_err(|e| Failure::fatal(format!("token request: {}", describe_reqwest(&e))))?;
        let max = self.inner.cfg.limits.max_error_bytes;
        if !resp.status().is_success() {
            let d = describe_error(&mut resp, max);
            let msg = if resp.status().as_u16() == 401 {
                format!("token request: {d}: unauthorized: incorrect username or password")
            } else {
                format!("token request: {d}")
            };
            return Err(Failure::fatal(msg));
        }
        let body = read_capped(&mut resp, max)
            .map_err(|e| Failure::fatal(format!("reading token response: {e}")))?
            .ok_or_else(|| Failure::fatal(format!("token response larger than {max} bytes")))?;
        auth::parse_token(&body).map_err(|e| Failure::fatal(format!("{e:#}")))
    }

    /// One GET to `path` at `ep`, authenticated, retried on 429/5xx and dropped connections with
    /// backoff. Returns only successful responses (2xx); everything else is a `Failure`.
    pub(crate) fn get(
        &self,
        ep: &Endpoint,
        path: &str,
        headers: &HeaderMap,
    ) -> Result<Response, Failure> {
        let retries = self.inner.cfg.registry.retries;
        let mut attempt = 0;
        loop {
            match self.get_once(ep, path, headers) {
                Err(f) if f.retry && attempt < retries => {
                    attempt += 1;
                    let wait = f
                        .retry_after
                        .unwrap_or(Duration::from_millis(100 << attempt.min(5)))
                        .min(Duration::from_secs(10));
                    log::debug!(
                        "{} {path}: {} (retry {attempt} in {wait:?})",
                        ep.label,
                        f.msg
                    );
                    std::thread::sleep(wait);
                }
                r => return r,
            }
        }
    }

    fn get_once(
        &self,
        ep: &Endpoint,
        path: &str,
        headers: &HeaderMap,
    ) -> Result<Response, Failure> {
        let st = self.host_state(ep)?;
        let http = self
            .http(ep)
            .map_err(|e| Failure::fatal(format!("{e:#}")))?;
        let url = ep.url(&st.base, path);
        let mut authz = match &st.challenge {
            Some(c) => self.authorization(ep, &st.base, c, false)?,
            None => None,
        };
        let mut answered_401 = false;
        loop {
            let mut req = with_headers(http.get(&url).headers(headers.clone()), &ep.headers);
            if let Some(a) = &authz {
                // Attached to the endpoint's own URL only; reqwest drops it if a redirect leaves the host.
                req = req.header(reqwest::header::AUTHORIZATION, a);
            }
            let mut resp = match req.send() {
                Ok(r) => r,
                Err(e) => {
                    // A connect failure or a stall before headers: move on, do not hammer this endpoint.
                    let retry = !(e.is_connect() || e.is_timeout());
                    return Err(Failure {
                        msg: describe_reqwest(&e),
                        retry,
                        retry_after: None,
                    });
                }
            };
            let status = resp.status().as_u16();
            if (200..300).contains(&status) {
                return Ok(resp);
            }
            let final_origin = resp.url().origin();
            let same_host = reqwest::Url::parse(&url).is_ok_and(|u| u.origin() == final_origin);
            if status == 401 && !same_host {
                // CVE-2020-15157 / go-containerregistry #2349: a redirect target asking for credentials
                // gets none, whatever realm it names.
                let d = describe_error(&mut resp, self.inner.cfg.limits.max_error_bytes);
                return Err(Failure::fatal(format!(
                    "{d} from redirect target {} (credentials are never sent there)",
                    resp.url().host_str().unwrap_or("?")
                )));
            }
            if status == 401 && !answered_401 {
                let all: Vec<Challenge> = resp
                    .headers()
                    .get_all(reqwest::header::WWW_AUTHENTICATE)
                    .iter()
                    .filter_map(|v| v.to_str().ok())
                    .flat_map(auth::parse_challenges)
                    .collect();
                if let Some(c) = auth::pick(&all) {
                    let _ = describe_error(&mut resp, self.inner.cfg.limits.max_error_bytes);
                    answered_401 = true;
                    // The cached token expired or lacks the scope: ask again, once.
                    authz = self.authorization(ep, &st.base, &c, true)?;
                    if authz.is_some() {
                        continue;
                    }
                }
            }
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
                .map(Duration::from_secs);
            let d = describe_error(&mut resp, self.inner.cfg.limits.max_error_bytes);
            let retry = status == 429 || status >= 500;
            return Err(Failure {
                msg: d,
                retry,
                retry_after,
            });
        }
    }

    /// Fetch a manifest or index by tag or digest, from the first endpoint that serves a verified one.
    pub fn fetch_manifest(&self, r: &Reference) -> Result<RawManifest> {
        let reference = match r.digest() {
            Some(d) => {
                validate_digest(d)?;
                d.to_string()
            }
            None => r.tag().unwrap_or("latest").to_string(),
        };
        let mut headers = HeaderMap::new();
        let accept = [KNOWN_MANIFESTS, MEDIA_SCHEMA1].concat().join(", ");
        headers.insert(
            reqwest::header::ACCEPT,
            HeaderValue::from_str(&accept).expect("static accept header"),
        );
        let mut failures = Vec::new();
        for ep in self.endpoints(r, true)? {
            let path = format!("/v2/{}/manifests/{reference}", ep.repository);
            match self
                .get(&ep, &path, &headers)
                .and_then(|resp| self.verify_manifest(resp, r.digest()))
            {
                Ok(m) => {
                    // Remembered only when endpoints before it failed. When it was simply the first
                    // one allowed (a hosts.toml mirror without `resolve` is skipped for tags), the
                    // blobs, asked by digest, keep the configured order: mirrors first.
                    if !failures.is_empty() {
                        self.inner
                            .served_by
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .insert(
                                (r.registry().into(), r.repository().into()),
                                ep.label.clone(),
                            );
                    }
                    log::debug!(
                        "manifest {}:{reference} ({}) served by {}",
                        r.repository(),
                        m.digest,
                        ep.label
                    );
                    return Ok(m);
                }
                Err(f) => {
                    log::debug!(
                        "manifest {}:{reference}: {} failed: {}",
                        r.repository(),
                        ep.label,
                        f.msg
                    );
                    failures.push(format!("{}: {}", ep.label, f.msg));
                }
            }
        }
        bail!(
            "manifest {r}: every endpoint failed: {}",
            failures.join("; ")
        )
    }

    fn verify_manifest(
        &self,
        mut resp: Response,
        want: Option<&str>,
    ) -> Result<RawManifest, Failure> {
        let max = self.inner.cfg.limits.max_manifest_bytes;
        if resp.content_length().is_some_and(|n| n > max) {
            return Err(Failure::fatal(format!(
                "manifest larger than the limit of {max} bytes"
            )));
        }
        let header_digest = resp
            .headers()
            .get("docker-content-digest")
            .and_then(|v| v.to_str().ok())
            .map(|s| s.trim().to_string());
        let content_type = resp
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.split(';').next().unwrap_or("").trim().to_string())
            .unwrap_or_default();
        let bytes = read_capped(&mut resp, max)
            .map_err(|e| Failure {
                msg: format!("reading manifest: {e}"),
                retry: true,
                retry_after: None,
            })?
            .ok_or_else(|| {
                Failure::fatal(format!("manifest larger than the limit of {max} bytes"))
            })?;
        let digest = sha256_digest(&bytes);
        // CVE-2014-8179 / docs/security.md 1C C4: hash exactly the received bytes and pin to that digest.
        if let Some(w) = want
            && w != digest
        {
            return Err(Failure::fatal(format!(
                "manifest digest mismatch: requested {w}, received content is {digest}"
            )));
        }
        if let Some(h) = &header_digest
            && *h != digest
        {
            return Err(Failure::fatal(format!(
                "manifest digest mismatch: Docker-Content-Digest says {h}, content is {digest}"
            )));
        }
        #[derive(serde::Deserialize)]
        struct Peek {
            #[serde(rename = "schemaVersion")]
            schema_version: Option<u64>,
            #[serde(rename = "mediaType")]
            media_type: Option<String>,
            manifests: Option<serde_json::Value>,
            config: Option<serde_json::Value>,
            layers: Option<serde_json::Value>,
        }
        let schema1 = "schema1 manifests are not supported (deprecated, and removed from docker in v28.2); \
                       push the image again with a current client";
        if MEDIA_SCHEMA1.contains(&content_type.as_str()) {
            return Err(Failure::fatal(schema1));
        }
        let peek: Peek = serde_json::from_slice(&bytes)
            .map_err(|e| Failure::fatal(format!("manifest is not valid JSON: {e}")))?;
        if peek.schema_version == Some(1) {
            return Err(Failure::fatal(schema1));
        }
        // CVE-2021-41190: a document must not be able to pass as both an index and a manifest.
        if peek.manifests.is_some() && (peek.config.is_some() || peek.layers.is_some()) {
            return Err(Failure::fatal(
                "ambiguous manifest: has both manifests and config/layers",
            ));
        }
        let body_type = peek.media_type.filter(|m| !m.is_empty());
        if let Some(b) = &body_type
            && KNOWN_MANIFESTS.contains(&content_type.as_str())
            && *b != content_type
        {
            return Err(Failure::fatal(format!(
                "manifest mediaType {b} does not match Content-Type {content_type}"
            )));
        }
        let media_type = if KNOWN_MANIFESTS.contains(&content_type.as_str()) {
            content_type
        } else if let Some(b) = body_type {
            b
        } else if peek.manifests.is_some() {
            MEDIA_OCI_INDEX.to_string()
        } else {
            MEDIA_OCI_MANIFEST.to_string()
        };
        if !KNOWN_MANIFESTS.contains(&media_type.as_str()) {
            return Err(Failure::fatal(format!(
                "unsupported manifest media type {media_type}"
            )));
        }
        Ok(RawManifest {
            bytes,
            media_type,
            digest,
        })
    }

    /// Stream a blob of `repository` (from `r`) with the given digest and size: resumed and moved to the
    /// next endpoint transparently, never more than `size` bytes. Verification happens on the read that
    /// would return EOF, so callers must read to the end (a short read of exactly `size` bytes is not yet
    /// verified); a mismatch is an `InvalidData` error naming the digest.
    pub fn fetch_blob(
        &self,
        r: &Reference,
        digest: &str,
        size: u64,
    ) -> Result<Box<dyn Read + Send>> {
        validate_digest(digest)?;
        let mut endpoints = self.endpoints(r, true)?;
        let key = (r.registry().to_string(), r.repository().to_string());
        if let Some(label) = self
            .inner
            .served_by
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
            && let Some(pos) = endpoints.iter().position(|e| e.label == *label)
        {
            let first = endpoints.remove(pos);
            endpoints.insert(0, first);
        }
        Ok(Box::new(BlobReader::new(
            self.clone(),
            endpoints,
            digest.to_string(),
            size,
        )))
    }

    /// A whole (small) blob in memory, e.g. an image config; refuses sizes above `max`.
    pub fn fetch_blob_bytes(
        &self,
        r: &Reference,
        digest: &str,
        size: u64,
        max: u64,
    ) -> Result<Vec<u8>> {
        if size > max {
            bail!("blob {digest} is {size} bytes, more than the limit of {max}");
        }
        let mut reader = self.fetch_blob(r, digest, size)?;
        let mut buf = Vec::with_capacity(size as usize);
        reader
            .read_to_end(&mut buf)
            .with_context(|| format!("fetching blob {digest}"))?;
        Ok(buf)
    }

    /// Check credentials against a registry: ping, then a token request (bearer) or an authenticated
    /// `/v2/` (basic). Registries without auth accept anything, as with docker.
    fn verify_login(&self, host: &str, user: &str, password: &str) -> Result<()> {
        let r = Reference::with_tag(host.to_string(), "login".into(), "latest".into());
        let ep = self
            .endpoints(&r, false)?
            .pop()
            .context("no endpoint for registry")?;
        let st = self
            .host_state(&ep)
            .map_err(|f| anyhow::anyhow!("{}: {}", ep.label, f.msg))?;
        let cred = Credential {
            username: user.into(),
            secret: password.into(),
            identity_token: None,
        };
        match &st.challenge {
            None => Ok(()),
            Some(c) if c.scheme == "bearer" => self
                .fetch_token(&ep, &st.base, c, None, Some(&cred))
                .map(|_| ())
                .map_err(|f| anyhow::anyhow!("{}", f.msg)),
            Some(c) if c.scheme == "basic" => {
                let http = self.http(&ep)?;
                let mut resp = http
                    .get(ep.url(&st.base, "/v2/"))
                    .header(reqwest::header::AUTHORIZATION, basic(user, password))
                    .send()
                    .map_err(|e| anyhow::anyhow!("{}", describe_reqwest(&e)))?;
                if resp.status().is_success() {
                    return Ok(());
                }
                let d = describe_error(&mut resp, self.inner.cfg.limits.max_error_bytes);
                if resp.status().as_u16() == 401 {
                    bail!("{d}: unauthorized: incorrect username or password");
                }
                bail!("{d}")
            }
            Some(c) => bail!("unsupported authentication scheme {}", c.scheme),
        }
    }
}

/// Add an endpoint's configured headers (hosts.toml `[header]`) to a request. They go to that endpoint
/// (and its token realm when it is the same host), never to another mirror or the registry; like
/// containerd's Go client, a redirect carries them on (reqwest strips only credential headers).
fn with_headers(
    mut rb: reqwest::blocking::RequestBuilder,
    headers: &[(String, String)],
) -> reqwest::blocking::RequestBuilder {
    for (k, v) in headers {
        rb = rb.header(k.as_str(), v.as_str());
    }
    rb
}

fn basic(user: &str, pass: &str) -> String {
    use base64::Engine;
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"))
    )
}

fn url_encode(s: &str) -> String {
    reqwest::Url::parse_with_params("x:", [("v", s)])
        .ok()
        .and_then(|u| u.query().map(|q| q.trim_start_matches("v=").to_string()))
        .unwrap_or_default()
}

/// Turn what a user types after `login`/`logout` into a registry host (`docker.io` for Docker Hub).
pub fn login_host(server: &str) -> String {
    let s = server
        .strip_prefix("https://")
        .or_else(|| server.strip_prefix("http://"))
        .unwrap_or(server);
    let h = s.split('/').next().unwrap_or(s);
    match h {
        "" | "docker.io" | "index.docker.io" | "registry-1.docker.io" => "docker.io".into(),
        h => h.into(),
    }
}

/// Verify `user`/`password` against `server` and store them as docker does (config.json or its helper).
pub fn login(cfg: &Config, server: &str, user: &str, password: &str) -> Result<()> {
    let host = login_host(server);
    let client = Client::new(cfg)?;
    client
        .verify_login(&host, user, password)
        .with_context(|| format!("login to {host}"))?;
    credentials::store(&client.inner.creds, &host, user, password).context("storing credentials")
}

/// Where a login to `server` would store the password unencrypted (config.json), or `None` when a
/// credential helper is configured for it.
pub fn login_plaintext_file(cfg: &Config, server: &str) -> Result<Option<PathBuf>> {
    let creds = cfg
        .credentials
        .clone()
        .unwrap_or_else(credentials::sources_from_env);
    credentials::plaintext_file(&creds, &login_host(server))
}

/// Remove stored credentials for `server`; false if there were none.
pub fn logout(cfg: &Config, server: &str) -> Result<bool> {
    let creds = cfg
        .credentials
        .clone()
        .unwrap_or_else(credentials::sources_from_env);
    credentials::erase(&creds, &login_host(server))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digests_are_validated_before_use() {
        assert!(validate_digest(&format!("sha256:{}", "a".repeat(64))).is_ok());
        for bad in [
            "sha256:../../../../tmp/x".to_string(),
            format!("sha256:{}", "A".repeat(64)),
            format!("sha256:{}", "a".repeat(63)),
            format!("sha512:{}", "a".repeat(64)),
            format!("sha256:{}\n", "a".repeat(64)),
        ] {
            crate::testing::assert_err(
                validate_digest(&bad),
                &format!("invalid digest {bad:?}: berth accepts only sha256"),
            );
        }
    }

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

    #[test]
    fn loopback_hosts_are_recognised() {
        assert!(is_loopback("127.0.0.1:5000"));
        assert!(is_loopback("localhost"));
        assert!(is_loopback("[::1]:5000"));
        assert!(!is_loopback("registry.example:5000"));
    }
}
