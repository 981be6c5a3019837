//! Where berth finds its configuration files (root and rootless defaults, the environment overrides)
//! and the order they merge in: berth's config.toml, then registries.conf and its drop-ins, then
//! containerd's hosts.toml files, then docker's daemon.json; the first source naming mirrors for a
//! prefix wins.
//!
//! Must not depend on anything in berth but the parent module. Invariant: a foreign file that is missing
//! is skipped silently, one that cannot be read or parsed is a warning naming it, never an error; only
//! berth's own file, named explicitly, must exist.

use super::daemon_json::merge_daemon_json;
use super::hosts_toml::{hosts_dir_namespace, merge_hosts_toml};
use super::registries_conf::RegistriesConf;
use super::{Config, normalize_prefix};
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

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
}
