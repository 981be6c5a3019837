//! System commands: `version`, `info`, `config default`, and the hidden `completion` generator.
//!
//! Owns the docker-shaped data behind `version` and `info` and their human layouts. Reads the host
//! (uname, /proc, /sys/fs/cgroup, /etc/subuid, PATH) and counts entries under the store root; it
//! never writes anything. Invariant: `--format` sees the same fields `--format json` prints, named
//! as in docker's API (`{{.Client.Version}}`, `{{.Driver}}`, `{{.CgroupVersion}}`, ...).

use super::{GlobalOpts, format, generate, human, stdout};
use crate::engine::Paths;
use crate::engine::system;
use anyhow::{Context, Result};
use clap::Subcommand;
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Subcommand)]
pub enum SystemCommand {
    /// Show the berth version information
    Version {
        /// Format output using a custom template: 'json' or a Go template
        #[arg(long, short = 'f', value_name = "FORMAT")]
        format: Option<String>,
    },
    /// Display system-wide information
    Info {
        /// Format output using a custom template: 'json' or a Go template
        #[arg(long, short = 'f', value_name = "FORMAT")]
        format: Option<String>,
    },
    /// Manage berth (`system info`, as docker's)
    System {
        #[command(subcommand)]
        cmd: SystemSub,
    },
    /// Manage berth's configuration file
    Config {
        #[command(subcommand)]
        cmd: ConfigCommand,
    },
    /// Get real time events from berth
    Events(super::events::EventsArgs),
    /// Print the shell completion script (bash, zsh or fish)
    #[command(hide = true)]
    Completion {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
}

#[derive(Debug, Subcommand)]
pub enum SystemSub {
    /// Display system-wide information
    Info {
        /// Format output using a custom template: 'json' or a Go template
        #[arg(long, short = 'f', value_name = "FORMAT")]
        format: Option<String>,
    },
    /// Show berth disk usage
    Df(super::df::DfArgs),
    /// Remove unused data
    Prune(super::prune::SystemPruneArgs),
    /// Get real time events from berth
    Events(super::events::EventsArgs),
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print the default configuration file (as `containerd config default` does)
    Default,
}

pub fn run(cmd: SystemCommand, g: &GlobalOpts) -> Result<i32> {
    let mut out = stdout();
    match cmd {
        SystemCommand::Version { format } => {
            let v = version_data();
            match format.as_deref() {
                Some(f) if !f.is_empty() => format::render_value(&mut out, f, &v)?,
                _ => write_version(&mut out, &v)?,
            }
        }
        SystemCommand::Info { format }
        | SystemCommand::System {
            cmd: SystemSub::Info { format },
        } => {
            let paths = Paths::resolve(g.root.as_deref(), g.run_root.as_deref())?;
            let v = info_data(&paths, g);
            match format.as_deref() {
                Some(f) if !f.is_empty() => format::render_value(&mut out, f, &v)?,
                _ => {
                    write_info(&mut out, &v, g)?;
                    // docker prints its warnings after the report, on stderr.
                    let mut err = std::io::stderr().lock();
                    for w in v["Warnings"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|w| w.as_str())
                    {
                        let _ = writeln!(err, "WARNING: {w}");
                    }
                }
            }
        }
        SystemCommand::Config {
            cmd: ConfigCommand::Default,
        } => {
            out.write_all(crate::config::Config::default_toml().as_bytes())
                .context("writing output")?;
        }
        SystemCommand::Completion { shell } => generate::write_completion(shell, &mut out)?,
        SystemCommand::Events(a)
        | SystemCommand::System {
            cmd: SystemSub::Events(a),
        } => return super::events::run(&lenient(g)?, &a),
        SystemCommand::System {
            cmd: SystemSub::Df(a),
        } => return super::df::run(&lenient(g)?, &a),
        SystemCommand::System {
            cmd: SystemSub::Prune(a),
        } => return super::prune::system_prune(&lenient(g)?, &a),
    }
    out.flush().context("writing output")?;
    Ok(0)
}

/// The engine's context for the verbs that work without the config (events, df, prune).
fn lenient(g: &GlobalOpts) -> Result<crate::engine::Context> {
    crate::engine::Context::lenient(
        g.root.as_deref(),
        g.run_root.as_deref(),
        g.config.as_deref(),
    )
}

/// Build facts a build script may provide through the environment (`BERTH_GIT_COMMIT`,
/// `BERTH_BUILD_TIME`, `BERTH_RUSTC_VERSION`); "unknown" when the binary was built without them.
fn build_fact(v: Option<&'static str>) -> &'static str {
    v.filter(|s| !s.is_empty()).unwrap_or("unknown")
}

fn os_arch() -> (&'static str, &'static str) {
    // Go's GOARCH names, as docker prints them.
    let arch = match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" => "ppc64le",
        other => other,
    };
    (std::env::consts::OS, arch)
}

/// `docker version`'s data: a Client and, since berth is its own engine, a Server with the same
/// build (so `{{.Server.Version}}` probes in scripts keep working). There is no API: "n/a".
pub fn version_data() -> Value {
    let (os, arch) = os_arch();
    let version = env!("CARGO_PKG_VERSION");
    let commit = build_fact(option_env!("BERTH_GIT_COMMIT"));
    let built = build_fact(option_env!("BERTH_BUILD_TIME"));
    let rustc = build_fact(option_env!("BERTH_RUSTC_VERSION"));
    let kernel = nix::sys::utsname::uname()
        .map(|u| u.release().to_string_lossy().into_owned())
        .unwrap_or_default();
    json!({
        "Client": {
            "Platform": {"Name": "berth"},
            "Version": version,
            "ApiVersion": "n/a",
            "DefaultAPIVersion": "n/a",
            "GitCommit": commit,
            "GoVersion": rustc,
            "RustVersion": rustc,
            "Os": os,
            "Arch": arch,
            "BuildTime": built,
            "Context": "default"
        },
        "Server": {
            "Platform": {"Name": "berth (daemonless)"},
            "Version": version,
            "ApiVersion": "n/a",
            "MinAPIVersion": "n/a",
            "GitCommit": commit,
            "GoVersion": rustc,
            "Os": os,
            "Arch": arch,
            "KernelVersion": kernel,
            "BuildTime": built
        }
    })
}

fn s<'a>(v: &'a Value, path: &[&str]) -> &'a str {
    let mut cur = v;
    for p in path {
        cur = &cur[*p];
    }
    cur.as_str().unwrap_or("")
}

/// docker's layout: labels in a column 20 wide (its tabwriter, min width 20, padding 1).
fn write_version(out: &mut dyn Write, v: &Value) -> Result<()> {
    let c = |k: &str| s(v, &["Client", k]);
    let sv = |k: &str| s(v, &["Server", k]);
    let mut text = String::from("Client: berth\n");
    for (label, value) in [
        ("Version:", c("Version").to_string()),
        ("API version:", c("ApiVersion").to_string()),
        ("Rust version:", c("RustVersion").to_string()),
        ("Git commit:", c("GitCommit").to_string()),
        ("Built:", c("BuildTime").to_string()),
        ("OS/Arch:", format!("{}/{}", c("Os"), c("Arch"))),
        ("Context:", c("Context").to_string()),
    ] {
        text.push_str(&format!(" {label:<19}{value}\n"));
    }
    text.push_str("\nServer: berth (daemonless)\n Engine:\n");
    for (label, value) in [
        ("Version:", sv("Version").to_string()),
        ("Kernel version:", sv("KernelVersion").to_string()),
        ("OS/Arch:", format!("{}/{}", sv("Os"), sv("Arch"))),
    ] {
        text.push_str(&format!("  {label:<18}{value}\n"));
    }
    out.write_all(text.as_bytes()).context("writing output")
}

/// How /sys/fs/cgroup is mounted: the unified v2 hierarchy, v1 controllers, or v1 with an extra
/// cgroup2 mount at /sys/fs/cgroup/unified (systemd's "hybrid").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgroupMode {
    V1,
    V2,
    Hybrid,
}

/// Detect the cgroup layout by the filesystem type of /sys/fs/cgroup (as runc's
/// `cgroups.IsCgroup2UnifiedMode` does).
pub fn cgroup_mode() -> Option<CgroupMode> {
    use nix::sys::statfs::{CGROUP2_SUPER_MAGIC, statfs};
    let root = statfs("/sys/fs/cgroup").ok()?;
    if root.filesystem_type() == CGROUP2_SUPER_MAGIC {
        return Some(CgroupMode::V2);
    }
    match statfs("/sys/fs/cgroup/unified") {
        Ok(u) if u.filesystem_type() == CGROUP2_SUPER_MAGIC => Some(CgroupMode::Hybrid),
        _ => Some(CgroupMode::V1),
    }
}

/// Controllers berth can use: v2 from cgroup.controllers, v1 the enabled ones in /proc/cgroups
/// that are mounted (hierarchy id not 0).
fn cgroup_controllers(mode: Option<CgroupMode>) -> Vec<String> {
    if mode == Some(CgroupMode::V2) {
        return std::fs::read_to_string("/sys/fs/cgroup/cgroup.controllers")
            .map(|s| s.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
    }
    let Ok(text) = std::fs::read_to_string("/proc/cgroups") else {
        return Vec::new();
    };
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f.len() >= 4 && f[1] != "0" && f[3] == "1").then(|| f[0].to_string())
        })
        .collect()
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join(name))
        .find(|p| {
            std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
        })
}

/// The current user's ranges in /etc/subuid or /etc/subgid (by name or numeric uid), as
/// `start:count` strings; rootless containers map their ids onto these.
fn sub_ranges(file: &Path) -> Vec<String> {
    let uid = nix::unistd::geteuid();
    // The name from the host's /etc/passwd, as the runtime reads it for newuidmap (runtime/maps.rs): never
    // NSS, which a static binary could only reach by loading the host's glibc modules (README "Static binary").
    let name = std::fs::read_to_string("/etc/passwd").ok().and_then(|pw| {
        pw.lines().find_map(|l| {
            let f: Vec<&str> = l.split(':').collect();
            (f.len() > 2 && f[2].parse::<u32>().ok() == Some(uid.as_raw()))
                .then(|| f[0].to_string())
        })
    });
    let Ok(text) = std::fs::read_to_string(file) else {
        return Vec::new();
    };
    text.lines()
        .filter_map(|l| {
            let mut f = l.trim().splitn(3, ':');
            let (who, start, count) = (f.next()?, f.next()?, f.next()?);
            let mine = who == uid.to_string() || name.as_deref() == Some(who);
            mine.then(|| format!("{start}:{count}"))
        })
        .collect()
}

/// A /proc/sys switch that reads "1".
fn proc_flag(path: &str) -> bool {
    std::fs::read_to_string(path).is_ok_and(|s| s.trim() == "1")
}

/// A field of /etc/os-release (empty when absent), as docker's `OSVersion` (VERSION_ID).
fn os_release_field(key: &str) -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix(key)?
                    .strip_prefix('=')
                    .map(|v| v.trim_matches('"').to_string())
            })
        })
        .unwrap_or_default()
}

/// A stable id for this store (docker's engine ID is per daemon; berth's engine is its root).
fn store_id(paths: &Paths) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(paths.root.display().to_string().as_bytes());
    hex::encode(&d[..16])
}

fn os_pretty_name() -> String {
    std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("PRETTY_NAME=")
                    .map(|v| v.trim_matches('"').to_string())
            })
        })
        .unwrap_or_else(|| "Linux".into())
}

fn mem_total() -> u64 {
    std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix("MemTotal:")
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            })
        })
        .map(|kb| kb * 1024)
        .unwrap_or(0)
}

fn count_dirs(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_dir())
                .count()
        })
        .unwrap_or(0)
}

/// Images docker would count: the image IDs in the image index (`images.json`:
/// `{"version": 1, "images": {"<config digest>": {...}}}`, owned by `store::images`; read here as
/// plain JSON so `info` does not take the index lock). An absent or unreadable index counts as none.
fn count_images(index: &Path) -> usize {
    std::fs::read(index)
        .ok()
        .and_then(|text| serde_json::from_slice::<Value>(&text).ok())
        .and_then(|v| v["images"].as_object().map(|m| m.len()))
        .unwrap_or(0)
}

/// A proxy variable in either case (upper case wins, as Go's `httpproxy.FromEnvironment`).
fn proxy_env(name: &str) -> String {
    std::env::var(name)
        .or_else(|_| std::env::var(name.to_ascii_lowercase()))
        .unwrap_or_default()
}

/// `docker info`'s data, with berth's own facts added under docker-style names.
pub fn info_data(paths: &Paths, g: &GlobalOpts) -> Value {
    let mode = cgroup_mode();
    let (_, arch) = os_arch();
    let uts = nix::sys::utsname::uname().ok();
    let kernel = uts
        .as_ref()
        .map(|u| u.release().to_string_lossy().into_owned())
        .unwrap_or_default();
    let machine = uts
        .as_ref()
        .map(|u| u.machine().to_string_lossy().into_owned())
        .unwrap_or_else(|| arch.into());
    let hostname = nix::unistd::gethostname()
        .map(|h| h.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut security = vec!["name=seccomp,profile=builtin".to_string()];
    if paths.rootless {
        security.push("name=rootless".into());
    }
    if mode == Some(CgroupMode::V2) {
        security.push("name=cgroupns".into());
    }
    let mut warnings = Vec::new();
    let (registry, config_files) = registry_config(g, paths.rootless, &mut warnings);
    let tools: serde_json::Map<String, Value> = ["pasta", "slirp4netns"]
        .iter()
        .map(|t| {
            (
                t.to_string(),
                find_in_path(t)
                    .map(|p| Value::from(p.display().to_string()))
                    .unwrap_or(Value::Null),
            )
        })
        .collect();
    let controllers = cgroup_controllers(mode);
    let has = |c: &str| controllers.iter().any(|x| x == c);
    let v1_file = |ctrl: &str, file: &str| {
        mode != Some(CgroupMode::V2) && Path::new("/sys/fs/cgroup").join(ctrl).join(file).exists()
    };
    let counts = system::container_counts(paths);
    let plugins = system::plugins();
    let nfd = std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0);
    // docker's other keys (moby `api/types/system` Info), in a second object: one json! of every key
    // passes the macro's recursion limit.
    let more = json!({
        "SystemStatus": null,
        "Plugins": {
            "Volume": plugins.volume,
            "Network": plugins.network,
            "Authorization": null,
            "Log": plugins.log,
        },
        "MemoryLimit": has("memory"),
        "SwapLimit": if mode == Some(CgroupMode::V2) { has("memory") } else { v1_file("memory", "memory.memsw.limit_in_bytes") },
        "KernelMemory": false,
        "KernelMemoryTCP": false,
        "CpuCfsPeriod": has("cpu"),
        "CpuCfsQuota": has("cpu"),
        "CPUShares": has("cpu"),
        "CPUSet": has("cpuset"),
        "PidsLimit": has("pids"),
        "IPv4Forwarding": proc_flag("/proc/sys/net/ipv4/ip_forward"),
        "BridgeNfIptables": proc_flag("/proc/sys/net/bridge/bridge-nf-call-iptables"),
        "BridgeNfIp6tables": proc_flag("/proc/sys/net/bridge/bridge-nf-call-ip6tables"),
        "OomKillDisable": v1_file("memory", "memory.oom_control"),
        "NFd": nfd,
        "NGoroutines": 1,
        "SystemTime": crate::time::rfc3339_nano(std::time::SystemTime::now()),
        "LoggingDriver": "json-file",
        "NEventsListener": 0,
        "OSVersion": os_release_field("VERSION_ID"),
        "IndexServerAddress": "https://index.docker.io/v1/",
        "Labels": [],
        "DefaultRuntime": "berth",
        "Runtimes": {"berth": {"path": std::env::current_exe().map(|p| p.display().to_string()).unwrap_or_default()}},
        "LiveRestoreEnabled": false,
        "Isolation": "",
        "InitBinary": "",
        "ProductLicense": "",
        "CDISpecDirs": [],
    });
    let mut v = json!({
        // docker's engine ID identifies one daemon; berth's engine is its store, so the root's digest.
        "ID": store_id(paths),
        "Containers": count_dirs(&paths.containers_dir()),
        "ContainersRunning": counts.running,
        "ContainersPaused": counts.paused,
        "ContainersStopped": counts.stopped,
        "Images": count_images(&paths.images_json()),
        "Driver": "overlay2",
        // The filesystem under the data root, as docker reports it (statfs f_type: ext4 is "extfs").
        "DriverStatus": [["Backing Filesystem", system::backing_filesystem(&paths.root)], ["Native Overlay Diff", "true"]],
        "CgroupDriver": "cgroupfs",
        "CgroupVersion": if mode == Some(CgroupMode::V2) { "2" } else { "1" },
        "CgroupMode": match mode { Some(CgroupMode::V2) => "v2", Some(CgroupMode::Hybrid) => "hybrid", _ => "v1" },
        "CgroupControllers": cgroup_controllers(mode),
        "KernelVersion": kernel,
        "OperatingSystem": os_pretty_name(),
        "OSType": std::env::consts::OS,
        "Architecture": machine,
        "NCPU": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "MemTotal": mem_total(),
        "DockerRootDir": paths.root.display().to_string(),
        "RunRoot": paths.run_root.display().to_string(),
        "Rootless": paths.rootless,
        "NetworkTools": tools,
        "SubUIDs": sub_ranges(Path::new("/etc/subuid")),
        "SubGIDs": sub_ranges(Path::new("/etc/subgid")),
        "Name": hostname,
        "ServerVersion": env!("CARGO_PKG_VERSION"),
        "Debug": g.debug,
        "SecurityOptions": security,
        "RegistryConfig": registry,
        "ConfigFiles": config_files,
        // The registry client honours the proxy variables (reqwest reads them), as dockerd does.
        "HttpProxy": proxy_env("HTTP_PROXY"),
        "HttpsProxy": proxy_env("HTTPS_PROXY"),
        "NoProxy": proxy_env("NO_PROXY"),
        "ExperimentalBuild": false,
        // No swarm in berth; scripts probe `{{.Swarm.LocalNodeState}}`.
        "Swarm": {"NodeID": "", "NodeAddr": "", "LocalNodeState": "inactive", "ControlAvailable": false, "Error": "", "RemoteManagers": null},
        "Warnings": warnings
    });
    if let (Some(obj), Value::Object(more)) = (v.as_object_mut(), more) {
        obj.extend(more);
    }
    v
}

/// docker's `RegistryConfig` from berth's merged configuration (its own file, registries.conf,
/// daemon.json): `Mirrors` are docker.io's mirrors, `IndexConfigs` one entry per configured
/// registry, `InsecureRegistryCIDRs` the loopback range berth always reaches over plain HTTP (as
/// docker does). Problems reading the configuration become warnings: `info` still reports.
fn registry_config(
    g: &GlobalOpts,
    rootless: bool,
    warnings: &mut Vec<String>,
) -> (Value, Vec<String>) {
    let cfg = match crate::config::Config::load(g.config.as_deref(), rootless) {
        Ok((cfg, w)) => {
            warnings.extend(w);
            cfg
        }
        Err(e) => {
            warnings.push(format!("{e:#}"));
            crate::config::Config::default()
        }
    };
    let mut index = serde_json::Map::new();
    for (name, entry) in &cfg.registries {
        index.insert(
            name.clone(),
            json!({
                "Name": name,
                "Mirrors": entry.mirrors.iter().map(|m| m.location.clone()).collect::<Vec<_>>(),
                "Secure": !entry.insecure,
                "Official": name == "docker.io",
            }),
        );
    }
    let mirrors: Vec<String> = cfg
        .registries
        .get("docker.io")
        .map(|e| e.mirrors.iter().map(|m| m.location.clone()).collect())
        .unwrap_or_default();
    let sources: Vec<String> = cfg
        .sources
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let read = if sources.is_empty() {
        "no file, defaults".into()
    } else {
        sources.join(", ")
    };
    log::debug!("configuration read from: {read}");
    (
        json!({"InsecureRegistryCIDRs": ["127.0.0.0/8"], "IndexConfigs": index, "Mirrors": mirrors}),
        sources,
    )
}

fn write_info(out: &mut dyn Write, v: &Value, g: &GlobalOpts) -> Result<()> {
    let st = |k: &str| v[k].as_str().unwrap_or("").to_string();
    let num = |k: &str| v[k].as_u64().unwrap_or(0);
    let list = |k: &str| -> Vec<String> {
        v[k].as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut t = String::new();
    t.push_str(&format!(
        "Client:\n Version:    {}\n Context:    default\n Debug Mode: {}\n\n",
        st("ServerVersion"),
        g.debug
    ));
    t.push_str("Server:\n");
    t.push_str(&format!(" Containers: {}\n", num("Containers")));
    for (label, key) in [
        ("Running", "ContainersRunning"),
        ("Paused", "ContainersPaused"),
        ("Stopped", "ContainersStopped"),
    ] {
        t.push_str(&format!("  {label}: {}\n", num(key)));
    }
    t.push_str(&format!(" Images: {}\n", num("Images")));
    t.push_str(&format!(" Server Version: {}\n", st("ServerVersion")));
    t.push_str(&format!(" Storage Driver: {}\n", st("Driver")));
    if let Some(rows) = v["DriverStatus"].as_array() {
        for r in rows {
            t.push_str(&format!(
                "  {}: {}\n",
                r[0].as_str().unwrap_or(""),
                r[1].as_str().unwrap_or("")
            ));
        }
    }
    t.push_str(&format!(" Logging Driver: {}\n", st("LoggingDriver")));
    t.push_str(&format!(" Cgroup Driver: {}\n", st("CgroupDriver")));
    t.push_str(&format!(
        " Cgroup Version: {} ({})\n",
        st("CgroupVersion"),
        st("CgroupMode")
    ));
    t.push_str(&format!(
        " Cgroup Controllers: {}\n",
        list("CgroupControllers").join(" ")
    ));
    // docker's "Plugins:" block: one line per kind, the drivers space-separated.
    t.push_str(" Plugins:\n");
    for kind in ["Volume", "Network", "Log"] {
        let names: Vec<&str> = v["Plugins"][kind]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|x| x.as_str())
            .collect();
        t.push_str(&format!("  {kind}: {}\n", names.join(" ")));
    }
    t.push_str(" Security Options:\n");
    for o in list("SecurityOptions") {
        t.push_str(&format!("  {}\n", o.trim_start_matches("name=")));
    }
    t.push_str(&format!(
        " Rootless: {}\n",
        v["Rootless"].as_bool().unwrap_or(false)
    ));
    if let Some(tools) = v["NetworkTools"].as_object() {
        t.push_str(" Rootless Network Tools:\n");
        for (name, path) in tools {
            t.push_str(&format!(
                "  {name}: {}\n",
                path.as_str().unwrap_or("not found")
            ));
        }
    }
    for (label, key) in [
        ("Subordinate UIDs", "SubUIDs"),
        ("Subordinate GIDs", "SubGIDs"),
    ] {
        let r = list(key);
        t.push_str(&format!(
            " {label}: {}\n",
            if r.is_empty() {
                "none".into()
            } else {
                r.join(", ")
            }
        ));
    }
    t.push_str(&format!(" Kernel Version: {}\n", st("KernelVersion")));
    t.push_str(&format!(" Operating System: {}\n", st("OperatingSystem")));
    t.push_str(&format!(" OSType: {}\n", st("OSType")));
    t.push_str(&format!(" Architecture: {}\n", st("Architecture")));
    t.push_str(&format!(" CPUs: {}\n", num("NCPU")));
    t.push_str(&format!(
        " Total Memory: {}\n",
        human::bytes_size(num("MemTotal"))
    ));
    t.push_str(&format!(" Name: {}\n", st("Name")));
    t.push_str(&format!(" Berth Root Dir: {}\n", st("DockerRootDir")));
    t.push_str(&format!(" Berth Run Root: {}\n", st("RunRoot")));
    t.push_str(&format!(" Debug Mode: {}\n", g.debug));
    let files = list("ConfigFiles");
    t.push_str(&format!(
        " Config Files: {}\n",
        if files.is_empty() {
            "none".into()
        } else {
            files.join(", ")
        }
    ));
    let reg = &v["RegistryConfig"];
    let strings = |x: &Value| -> Vec<String> {
        x.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|y| y.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut insecure: Vec<String> = reg["IndexConfigs"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, e)| e["Secure"] == false)
        .map(|(name, _)| name.clone())
        .collect();
    insecure.extend(strings(&reg["InsecureRegistryCIDRs"]));
    if !insecure.is_empty() {
        t.push_str(" Insecure Registries:\n");
        for r in insecure {
            t.push_str(&format!("  {r}\n"));
        }
    }
    let mirrors = strings(&reg["Mirrors"]);
    if !mirrors.is_empty() {
        t.push_str(" Registry Mirrors:\n");
        for m in mirrors {
            t.push_str(&format!("  {m}\n"));
        }
    }
    out.write_all(t.as_bytes()).context("writing output")
}
