//! Registry credentials: docker's `config.json` (`auths`, `credsStore`, `credHelpers` through
//! `docker-credential-<name>`), then the containers `auth.json` files; writing and erasing them for
//! `login`/`logout`.
//!
//! Must not print or log a secret. Invariant: config.json is written atomically with mode 0600 and
//! keeps every key berth does not own (docker/cli `cli/config/configfile/file.go`); a credential
//! helper that fails is an error, never a silent fallback to other credentials (CVE-2021-41092).

use crate::config::CredentialSources;
use anyhow::{Context, Result, bail};
use base64::Engine;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// The key docker uses for Docker Hub in config.json (docker/cli `registry.IndexServer`).
pub const DOCKER_HUB_KEY: &str = "https://index.docker.io/v1/";

/// A username with its password or identity (refresh) token.
#[derive(Clone, PartialEq, Eq)]
pub struct Credential {
    pub username: String,
    pub secret: String,
    /// An OAuth2 refresh token (docker's `identitytoken`, or a helper's `<token>` username).
    pub identity_token: Option<String>,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never let a secret reach a log line or an error message.
        write!(f, "Credential {{ username: {:?}, .. }}", self.username)
    }
}

/// The sources the environment names: $DOCKER_CONFIG (or ~/.docker), then REGISTRY_AUTH_FILE,
/// $XDG_RUNTIME_DIR/containers/auth.json and ~/.config/containers/auth.json (containers-auth.json(5)).
pub fn sources_from_env() -> CredentialSources {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let home = env("HOME");
    let docker_config_dir =
        env("DOCKER_CONFIG").or_else(|| home.as_ref().map(|h| h.join(".docker")));
    let mut auth_files = Vec::new();
    if let Some(f) = env("REGISTRY_AUTH_FILE") {
        auth_files.push(f);
    }
    if let Some(d) = env("XDG_RUNTIME_DIR") {
        auth_files.push(d.join("containers/auth.json"));
    }
    if let Some(d) = env("XDG_CONFIG_HOME").or_else(|| home.as_ref().map(|h| h.join(".config"))) {
        auth_files.push(d.join("containers/auth.json"));
    }
    CredentialSources {
        docker_config_dir,
        auth_files,
    }
}

/// The one spelling of Docker Hub's hosts that credential keys are compared under.
fn canonical_host(host: &str) -> &str {
    match host {
        "docker.io" | "index.docker.io" | "registry-1.docker.io" => "docker.io",
        h => h,
    }
}

/// docker's `ConvertToHostname`: drop the scheme and anything after the host.
fn key_host(key: &str) -> &str {
    let k = key
        .strip_prefix("https://")
        .or_else(|| key.strip_prefix("http://"))
        .unwrap_or(key);
    canonical_host(k.split('/').next().unwrap_or(k))
}

/// The config.json key `login` writes for a server (docker: the index URL for Docker Hub, else the host).
pub fn server_key(host: &str) -> String {
    match key_host(host) {
        "docker.io" => DOCKER_HUB_KEY.to_string(),
        h => h.to_string(),
    }
}

fn docker_config_path(src: &CredentialSources) -> Option<PathBuf> {
    src.docker_config_dir
        .as_ref()
        .map(|d| d.join("config.json"))
}

fn read_json(path: &PathBuf) -> Result<Option<serde_json::Value>> {
    match std::fs::read(path) {
        Ok(b) if b.iter().all(u8::is_ascii_whitespace) => Ok(None),
        Ok(b) => Ok(Some(
            serde_json::from_slice(&b).with_context(|| format!("parsing {}", path.display()))?,
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("reading {}", path.display())),
    }
}

/// Which credential helper config.json names for `host`: `credHelpers` first, then `credsStore`.
fn helper_for(cfg: &serde_json::Value, host: &str) -> Option<String> {
    let want = key_host(host);
    let helpers = cfg.get("credHelpers").and_then(|h| h.as_object());
    let specific = helpers
        .and_then(|h| h.iter().find(|(k, _)| key_host(k) == want))
        .and_then(|(_, v)| v.as_str());
    specific
        .or_else(|| cfg.get("credsStore").and_then(|v| v.as_str()))
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// Decode an `auths` entry: `auth` (base64 `user:pass`), or `username`/`password`, plus `identitytoken`.
fn decode_entry(v: &serde_json::Value) -> Result<Option<Credential>> {
    let identity_token = v
        .get("identitytoken")
        .and_then(|t| t.as_str())
        .filter(|t| !t.is_empty())
        .map(String::from);
    if let Some(auth) = v
        .get("auth")
        .and_then(|a| a.as_str())
        .filter(|a| !a.is_empty())
    {
        let raw = base64::engine::general_purpose::STANDARD
            .decode(auth.trim())
            .context("decoding auth entry (not base64)")?;
        let raw = String::from_utf8(raw).context("decoding auth entry (not UTF-8)")?;
        let (u, p) = raw
            .split_once(':')
            .context("decoding auth entry (no ':' between user and password)")?;
        return Ok(Some(Credential {
            username: u.into(),
            secret: p.into(),
            identity_token,
        }));
    }
    let user = v.get("username").and_then(|u| u.as_str());
    let pass = v.get("password").and_then(|p| p.as_str());
    if let (Some(u), Some(p)) = (user, pass) {
        return Ok(Some(Credential {
            username: u.into(),
            secret: p.into(),
            identity_token,
        }));
    }
    Ok(identity_token.map(|t| Credential {
        username: String::new(),
        secret: String::new(),
        identity_token: Some(t),
    }))
}

/// Find the `auths` entry for `host/repository`: the most specific key wins (containers-auth.json(5)
/// allows `host/namespace/repo` keys; docker's keys are hosts or URLs).
fn find_in_auths(
    cfg: &serde_json::Value,
    host: &str,
    repository: &str,
) -> Result<Option<Credential>> {
    let Some(auths) = cfg.get("auths").and_then(|a| a.as_object()) else {
        return Ok(None);
    };
    let want_host = canonical_host(host);
    let full = format!("{want_host}/{repository}");
    let mut best: Option<(usize, &serde_json::Value)> = None;
    for (k, v) in auths {
        let bare = k
            .strip_prefix("https://")
            .or_else(|| k.strip_prefix("http://"))
            .unwrap_or(k);
        let (h, path) = match bare.split_once('/') {
            Some((h, p)) => (canonical_host(h), p.trim_end_matches('/')),
            None => (canonical_host(bare), ""),
        };
        if h != want_host {
            continue;
        }
        // docker's URL keys (`https://index.docker.io/v1/`) carry an API path, not a namespace.
        let is_namespace = !path.is_empty() && !k.starts_with("http");
        let score = if is_namespace {
            let prefix = format!("{h}/{path}");
            if full == prefix || full.starts_with(&format!("{prefix}/")) {
                prefix.len()
            } else {
                continue;
            }
        } else {
            0
        };
        if best.is_none_or(|(b, _)| score > b) {
            best = Some((score, v));
        }
    }
    match best {
        Some((_, v)) => decode_entry(v),
        None => Ok(None),
    }
}

/// Look up credentials for `host` (and `repository`, for namespaced auth.json keys).
pub fn lookup(src: &CredentialSources, host: &str, repository: &str) -> Result<Option<Credential>> {
    if let Some(path) = docker_config_path(src)
        && let Some(cfg) = read_json(&path)?
    {
        if let Some(helper) = helper_for(&cfg, host) {
            return helper_get(&helper, &server_key(host));
        }
        if let Some(c) = find_in_auths(&cfg, host, repository)
            .with_context(|| format!("reading {}", path.display()))?
        {
            return Ok(Some(c));
        }
    }
    for path in &src.auth_files {
        if let Some(cfg) = read_json(path)?
            && let Some(c) = find_in_auths(&cfg, host, repository)
                .with_context(|| format!("reading {}", path.display()))?
        {
            return Ok(Some(c));
        }
    }
    Ok(None)
}

/// Run `docker-credential-<helper> <verb>` with `input` on stdin (docker-credential-helpers protocol).
fn run_helper(helper: &str, verb: &str, input: &[u8]) -> Result<(bool, Vec<u8>)> {
    let prog = format!("docker-credential-{helper}");
    let mut child = Command::new(&prog)
        .arg(verb)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("running credential helper {prog}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(input)
            .with_context(|| format!("writing to credential helper {prog}"))?;
    }
    let out = child
        .wait_with_output()
        .with_context(|| format!("waiting for credential helper {prog}"))?;
    let mut text = out.stdout;
    if !out.status.success() && text.is_empty() {
        text = out.stderr;
    }
    Ok((out.status.success(), text))
}

fn helper_get(helper: &str, server: &str) -> Result<Option<Credential>> {
    let (ok, out) = run_helper(helper, "get", server.as_bytes())?;
    if !ok {
        let msg = String::from_utf8_lossy(&out).trim().to_string();
        // The helpers' own wording for "nothing stored" (docker-credential-helpers `credentials/error.go`).
        if msg.contains("credentials not found") {
            return Ok(None);
        }
        bail!("credential helper docker-credential-{helper} get {server} failed: {msg}");
    }
    #[derive(serde::Deserialize)]
    struct Out {
        #[serde(rename = "Username")]
        username: String,
        #[serde(rename = "Secret")]
        secret: String,
    }
    let o: Out = serde_json::from_slice(&out)
        .with_context(|| format!("parsing output of docker-credential-{helper} get"))?;
    if o.username == "<token>" {
        return Ok(Some(Credential {
            username: String::new(),
            secret: String::new(),
            identity_token: Some(o.secret),
        }));
    }
    Ok(Some(Credential {
        username: o.username,
        secret: o.secret,
        identity_token: None,
    }))
}

fn write_config(src: &CredentialSources, cfg: &serde_json::Value) -> Result<()> {
    let dir = src
        .docker_config_dir
        .as_ref()
        .context("no docker config directory (set DOCKER_CONFIG or HOME)")?;
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating directory {}", dir.display()))?;
    let path = dir.join("config.json");
    // docker writes config.json indented with tabs.
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut buf,
        serde_json::ser::PrettyFormatter::with_indent(b"\t"),
    );
    serde::Serialize::serialize(cfg, &mut ser).context("serializing config.json")?;
    crate::store::write_atomic(&path, &buf).with_context(|| format!("writing {}", path.display()))
}

fn load_config(src: &CredentialSources) -> Result<serde_json::Value> {
    let cfg = match docker_config_path(src) {
        Some(p) => read_json(&p)?,
        None => None,
    };
    let cfg = cfg.unwrap_or_else(|| serde_json::json!({}));
    if !cfg.is_object() {
        bail!("docker config.json is not a JSON object");
    }
    Ok(cfg)
}

/// Store credentials for `host` the way docker does: through the configured helper, or as
/// base64 `user:pass` under `auths` in config.json.
pub fn store(src: &CredentialSources, host: &str, user: &str, password: &str) -> Result<()> {
    let key = server_key(host);
    let mut cfg = load_config(src)?;
    if let Some(helper) = helper_for(&cfg, host) {
        let input = serde_json::json!({"ServerURL": key, "Username": user, "Secret": password});
        let (ok, out) = run_helper(&helper, "store", input.to_string().as_bytes())?;
        if !ok {
            bail!(
                "credential helper docker-credential-{helper} store failed: {}",
                String::from_utf8_lossy(&out).trim()
            );
        }
        return Ok(());
    }
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    let obj = cfg
        .as_object_mut()
        .context("docker config.json is not a JSON object")?;
    let auths = obj.entry("auths").or_insert_with(|| serde_json::json!({}));
    let auths = auths
        .as_object_mut()
        .context("config.json auths is not an object")?;
    // One entry per registry: drop other spellings of the same host so they cannot shadow this one.
    let want = key_host(&key).to_string();
    auths.retain(|k, _| key_host(k) != want || *k == key);
    auths.insert(key, serde_json::json!({"auth": auth}));
    write_config(src, &cfg)
}

/// The file a login for `host` writes the password into in plain text, or `None` when a credential
/// helper keeps it (docker warns about the former).
pub fn plaintext_file(src: &CredentialSources, host: &str) -> Result<Option<PathBuf>> {
    let cfg = load_config(src)?;
    Ok(match helper_for(&cfg, host) {
        Some(_) => None,
        None => docker_config_path(src),
    })
}

/// Remove credentials for `host`; returns whether any were stored.
pub fn erase(src: &CredentialSources, host: &str) -> Result<bool> {
    let key = server_key(host);
    let mut cfg = load_config(src)?;
    if let Some(helper) = helper_for(&cfg, host) {
        let (ok, out) = run_helper(&helper, "erase", key.as_bytes())?;
        if !ok {
            let msg = String::from_utf8_lossy(&out).trim().to_string();
            if msg.contains("credentials not found") {
                return Ok(false);
            }
            bail!("credential helper docker-credential-{helper} erase failed: {msg}");
        }
        return Ok(true);
    }
    let want = key_host(&key).to_string();
    let Some(auths) = cfg.get_mut("auths").and_then(|a| a.as_object_mut()) else {
        return Ok(false);
    };
    let before = auths.len();
    auths.retain(|k, _| key_host(k) != want);
    if auths.len() == before {
        return Ok(false);
    }
    write_config(src, &cfg)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_secret() {
        let c = Credential {
            username: "u".into(),
            secret: "hunter2".into(),
            identity_token: Some("rt".into()),
        };
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("rt\""),
            "{shown}"
        );
    }

    #[test]
    fn docker_hub_spellings_share_one_key() {
        assert_eq!(server_key("docker.io"), DOCKER_HUB_KEY);
        assert_eq!(server_key("registry-1.docker.io"), DOCKER_HUB_KEY);
        assert_eq!(server_key("https://index.docker.io/v1/"), DOCKER_HUB_KEY);
        assert_eq!(server_key("https://reg.example:5000/"), "reg.example:5000");
    }

    #[test]
    fn namespaced_auth_json_key_beats_host_key() {
        let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let cfg = serde_json::json!({"auths": {
            "reg.example": {"auth": b64("a:1")},
            "reg.example/team": {"auth": b64("b:2")},
            "other.example": {"auth": b64("c:3")},
        }});
        assert_eq!(
            find_in_auths(&cfg, "reg.example", "team/app")
                .unwrap()
                .unwrap()
                .username,
            "b"
        );
        assert_eq!(
            find_in_auths(&cfg, "reg.example", "teamx/app")
                .unwrap()
                .unwrap()
                .username,
            "a"
        );
        assert!(find_in_auths(&cfg, "third.example", "x").unwrap().is_none());
        let hub = serde_json::json!({"auths": {DOCKER_HUB_KEY: {"auth": b64("h:4")}}});
        assert_eq!(
            find_in_auths(&hub, "registry-1.docker.io", "library/x")
                .unwrap()
                .unwrap()
                .secret,
            "4"
        );
    }
}
