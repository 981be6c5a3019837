//! containerd's `certs.d/<host>/hosts.toml` (and `_default/hosts.toml`): mirrors in file order, the
//! `server` replacing the registry, and each host's capabilities, CA files, client certificate, headers
//! and API root; the `host_port_` directory spelling.
//!
//! Must not depend on anything in berth but the parent module. Invariant: an unknown key is a warning
//! naming the file and the key; `dial_timeout` and `proxy` say they are not supported.

use super::{
    ClientCert, Config, HostOptions, Mirror, PullFrom, RegistryEntry, entry_mut, normalize_host,
    toml_error,
};
use anyhow::{Result, bail};
use std::collections::BTreeMap;
use std::path::Path;

impl Config {
    /// `_default/hosts.toml` for `host`, when it has no hosts.toml of its own (containerd looks for
    /// `host_port_`, `host:port`, then `_default`, and uses the first directory that exists).
    pub fn hosts_default_for(&self, host: &str) -> Option<&RegistryEntry> {
        self.hosts_default
            .as_ref()
            .filter(|_| !self.hosts_namespaces.contains(normalize_host(host)))
    }
}

/// containerd's `certs.d/<namespace>/hosts.toml` (containerd `docs/hosts.md`, `core/remotes/docker/config/
/// hosts.go`): `[host."URL"]` mirrors in file order, then `server` (the registry itself, by default the
/// namespace). Each host, and the file's top level for the server, may set `capabilities` (a mirror
/// without `resolve` serves digests only; one without `pull` is skipped), `ca`, `client` (mutual TLS),
/// `skip_verify`, `[header]` (sent to that host only) and `override_path`. Paths may be relative to the
/// file. A host URL's path is its API root: `/v2` is appended unless `override_path` is set.
/// `_default/hosts.toml` applies to registries without a directory of their own. `dial_timeout` and
/// `proxy` are not supported and say so; other keys are unknown.
pub(super) fn merge_hosts_toml(
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
pub(super) fn hosts_dir_namespace(dir: &str) -> String {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

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
    fn certs_d_directories_may_spell_the_port_as_containerd_does() {
        assert_eq!(hosts_dir_namespace("reg.example_5000_"), "reg.example:5000");
        assert_eq!(hosts_dir_namespace("reg.example:5000"), "reg.example:5000");
        assert_eq!(hosts_dir_namespace("docker.io"), "docker.io");
        assert_eq!(hosts_dir_namespace("a_b_"), "a_b_");
    }
}
