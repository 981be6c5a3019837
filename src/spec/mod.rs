//! Pure translation: image config + container config -> `oci_spec::runtime::Spec`, with docker's defaults.
//!
//! Builds from [`ContainerConfig`] (the record of what `run`/`create` flags say, in `types`; re-exported
//! here with its parts) and owns docker's default capabilities, mounts, masked and read-only paths,
//! devices, namespaces, rlimits, and the seccomp profile ([`seccomp`]).
//! Must not depend on cli, engine, runtime, the store, network, config or monitor (only `types`); the only I/O is reading the image's
//! /etc/passwd and /etc/group through [`user::RootReader`] and a seccomp profile file.
//! Invariant: the spec says everything the runtime does; nothing of the caller's environment leaks in.

mod build;
pub mod devices;
pub mod restart;
pub mod seccomp;
pub mod user;
pub use build::build_spec;

pub use crate::types::{
    ContainerConfig, ImageConfig, MountKind, MountRequest, ResolvedMount, SeccompChoice, Ulimit,
};
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Docker's default capability set (moby `daemon/pkg/oci/caps/defaults.go`; docs/security.md 1H H1).
pub const DEFAULT_CAPS: [&str; 14] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_FSETID",
    "CAP_FOWNER",
    "CAP_MKNOD",
    "CAP_NET_RAW",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETFCAP",
    "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE",
    "CAP_SYS_CHROOT",
    "CAP_KILL",
    "CAP_AUDIT_WRITE",
];

/// Every capability the kernel knows (up to CAP_CHECKPOINT_RESTORE, 40), for `--cap-add ALL` and
/// `--privileged`.
pub const ALL_CAPS: [&str; 41] = [
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
];

/// Paths docker hides behind /dev/null or an empty read-only tmpfs (moby `daemon/pkg/oci/defaults.go`;
/// CVE-2018-10892, CVE-2017-16539, GHSA-jq35-85cj-fj4p).
pub const MASKED_PATHS: [&str; 12] = [
    "/proc/asound",
    "/proc/acpi",
    "/proc/interrupts",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
];

/// Paths docker remounts read-only (docs/security.md 1H H5).
pub const READONLY_PATHS: [&str; 5] = [
    "/proc/bus",
    "/proc/fs",
    "/proc/irq",
    "/proc/sys",
    "/proc/sysrq-trigger",
];

/// Default PATH when neither the image nor `-e` gives one (docker's `oci.DefaultPathEnv`).
pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/// Default open-files limit (what dockerd's containers inherit), clamped to the caller's hard limit.
pub const DEFAULT_NOFILE: u64 = 1_048_576;

impl ImageConfig {
    /// Take what the spec needs from an OCI image config.
    pub fn from_oci(c: Option<&oci_spec::image::Config>) -> ImageConfig {
        let Some(c) = c else {
            return ImageConfig::default();
        };
        ImageConfig {
            user: c.user().clone().filter(|u| !u.is_empty()),
            env: c.env().clone().unwrap_or_default(),
            entrypoint: c.entrypoint().clone(),
            cmd: c.cmd().clone(),
            working_dir: c.working_dir().clone().filter(|w| !w.is_empty()),
            labels: c
                .labels()
                .clone()
                .map(|m| m.into_iter().collect())
                .unwrap_or_default(),
            stop_signal: c.stop_signal().clone(),
            volumes: c.volumes().clone().unwrap_or_default(),
            exposed_ports: c.exposed_ports().clone().unwrap_or_default(),
            ..ImageConfig::default()
        }
    }
}

/// Host facts the spec depends on (decided by the engine, passed in so this module stays pure).
#[derive(Debug, Clone)]
pub struct HostContext {
    pub id: String,
    pub rootless: bool,
    /// /sys/fs/cgroup is cgroup2 (then the container gets its own cgroup namespace, as docker on v2).
    pub cgroup_v2: bool,
    /// The caller's hard RLIMIT_NOFILE (no rlimit may exceed it: these machines' root cannot raise it).
    pub nofile_hard: u64,
    /// Files bind-mounted at /etc/hostname, /etc/hosts and /etc/resolv.conf.
    pub hostname_file: PathBuf,
    pub hosts_file: PathBuf,
    pub resolv_file: PathBuf,
    /// The cgroup path for the container, relative to the cgroup berth runs in.
    pub cgroups_path: String,
    /// The user resolved from the image's /etc/passwd and /etc/group.
    pub user: user::ResolvedUser,
    /// Mounts resolved by the engine (volumes, binds, tmpfs).
    pub mounts: Vec<ResolvedMount>,
}

/// The process args as docker computes them (moby `daemon/create.go` / `runconfig`):
/// `--entrypoint` replaces the image Entrypoint and then drops the image Cmd; a command after the image
/// replaces Cmd. Empty result is docker's "no command specified" error.
pub fn process_args(
    image: &ImageConfig,
    opts: &ContainerConfig,
) -> Result<(Vec<String>, Vec<String>)> {
    let (entrypoint, cmd_from_image) = match &opts.entrypoint {
        Some(e) if e.is_empty() => (Vec::new(), false),
        Some(e) => (vec![e.clone()], false),
        None => (image.entrypoint.clone().unwrap_or_default(), true),
    };
    let cmd = if !opts.cmd.is_empty() {
        opts.cmd.clone()
    } else if cmd_from_image {
        image.cmd.clone().unwrap_or_default()
    } else {
        Vec::new()
    };
    if entrypoint.is_empty() && cmd.is_empty() {
        bail!("no command specified");
    }
    Ok((entrypoint, cmd))
}

/// Merge env as docker: image Env, then `-e`/`--env-file` (last wins per key), PATH if missing,
/// HOSTNAME, HOME from passwd, TERM=xterm with `-t`.
pub fn process_env(
    image: &ImageConfig,
    opts: &ContainerConfig,
    hostname: &str,
    home: &str,
) -> Result<Vec<String>> {
    let mut order: Vec<String> = Vec::new();
    let mut vals: BTreeMap<String, String> = BTreeMap::new();
    let mut set = |kv: &str, order: &mut Vec<String>| -> Result<()> {
        if kv.contains('\0') {
            bail!(
                "invalid environment variable {:?}: contains a NUL byte",
                kv.split('=').next().unwrap_or("")
            );
        }
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        if k.is_empty() {
            bail!("invalid environment variable {kv:?}: empty name");
        }
        if !vals.contains_key(k) {
            order.push(k.to_string());
        }
        vals.insert(k.to_string(), v.to_string());
        Ok(())
    };
    set(&format!("HOSTNAME={hostname}"), &mut order)?;
    for kv in image.env.iter().chain(opts.env.iter()) {
        set(kv, &mut order)?;
    }
    if !order.iter().any(|k| k == "PATH") {
        set(&format!("PATH={DEFAULT_PATH}"), &mut order)?;
    }
    if opts.tty && !order.iter().any(|k| k == "TERM") {
        set("TERM=xterm", &mut order)?;
    }
    if !order.iter().any(|k| k == "HOME") {
        set(
            &format!("HOME={}", if home.is_empty() { "/" } else { home }),
            &mut order,
        )?;
    }
    // docker puts PATH first, then HOSTNAME, then the rest in order; keep that shape for `env` output.
    let mut out = Vec::with_capacity(order.len());
    for first in ["PATH", "HOSTNAME"] {
        if let Some(v) = vals.get(first) {
            out.push(format!("{first}={v}"));
        }
    }
    for k in &order {
        if k != "PATH" && k != "HOSTNAME" {
            out.push(format!("{k}={}", vals[k]));
        }
    }
    Ok(out)
}

/// Normalise a capability name as docker accepts it (`net_admin`, `NET_ADMIN`, `CAP_NET_ADMIN`).
pub fn normalize_cap(c: &str) -> Result<String> {
    let up = c.to_ascii_uppercase();
    if up == "ALL" {
        return Ok(up);
    }
    let full = if up.starts_with("CAP_") {
        up
    } else {
        format!("CAP_{up}")
    };
    if !ALL_CAPS.contains(&full.as_str()) {
        bail!("unknown capability: {c:?}");
    }
    Ok(full)
}

/// The capability set after `--cap-add`/`--cap-drop`/`--privileged` (docker's `caps.TweakCapabilities`).
pub fn capabilities(opts: &ContainerConfig) -> Result<Vec<String>> {
    if opts.privileged {
        return Ok(within_bounding(&bounding_set()));
    }
    let add: Vec<String> = opts
        .cap_add
        .iter()
        .map(|c| normalize_cap(c))
        .collect::<Result<_>>()?;
    let drop: Vec<String> = opts
        .cap_drop
        .iter()
        .map(|c| normalize_cap(c))
        .collect::<Result<_>>()?;
    let mut caps: Vec<String> = if drop.iter().any(|c| c == "ALL") {
        Vec::new()
    } else {
        DEFAULT_CAPS
            .iter()
            .map(|s| s.to_string())
            .filter(|c| !drop.contains(c))
            .collect()
    };
    if add.iter().any(|c| c == "ALL") {
        caps = ALL_CAPS
            .iter()
            .map(|s| s.to_string())
            .filter(|c| !drop.contains(c))
            .collect();
    } else {
        for c in add {
            if !caps.contains(&c) {
                caps.push(c);
            }
        }
    }
    Ok(caps)
}

/// The caller's capability bounding set (what any container it starts can ever hold).
fn bounding_set() -> Vec<String> {
    match caps::read(None, caps::CapSet::Bounding) {
        Ok(set) => set.iter().map(|c| c.to_string()).collect(),
        Err(_) => ALL_CAPS.iter().map(|s| s.to_string()).collect(),
    }
}

/// `--privileged` gets every capability the bounding set has, as podman does: a host (or an outer container)
/// with a reduced bounding set runs privileged containers instead of failing in capset (issue 13, defect 3).
fn within_bounding(bounding: &[String]) -> Vec<String> {
    ALL_CAPS
        .iter()
        .filter(|c| bounding.iter().any(|b| b == *c))
        .map(|s| s.to_string())
        .collect()
}

/// Parse a signal name or number as docker accepts it (`TERM`, `SIGTERM`, `15`). Hostile values
/// (`SIGFOO`, `0`, `99`) are refused (docs/security.md 1D D10).
pub fn parse_signal(s: &str) -> Result<i32> {
    if let Ok(n) = s.parse::<i32>() {
        if (1..=64).contains(&n) {
            return Ok(n);
        }
        bail!("invalid signal: {s}");
    }
    let up = s.to_ascii_uppercase();
    let name = if up.starts_with("SIG") {
        up
    } else {
        format!("SIG{up}")
    };
    name.parse::<nix::sys::signal::Signal>()
        .map(|s| s as i32)
        .map_err(|_| anyhow::anyhow!("invalid signal: {s}"))
}

/// Default hostname: the first 12 hex digits of the id (docker).
pub fn default_hostname(id: &str) -> String {
    id.chars().take(12).collect()
}

/// The spec's `linux.resources` for `opts` (what `update` writes to a container's spec and cgroup).
pub fn linux_resources(opts: &ContainerConfig) -> Result<oci_spec::runtime::LinuxResources> {
    serde_json::from_value(resources(opts)?).context("building the container's resources")
}

fn resources(opts: &ContainerConfig) -> Result<Value> {
    // docker's default device rules: deny all, allow mknod of anything, rwm on the standard nodes
    // (moby `daemon/pkg/oci/defaults.go` DefaultLinuxSpec; docs/security.md 1H H6).
    let mut devices = vec![json!({"allow": false, "access": "rwm"})];
    if opts.privileged {
        devices = vec![json!({"allow": true, "access": "rwm"})];
    } else {
        devices.push(json!({"allow": true, "type": "c", "access": "m"}));
        devices.push(json!({"allow": true, "type": "b", "access": "m"}));
        for (maj, min) in [(1, 3), (1, 8), (1, 7), (5, 0), (1, 5), (1, 9), (5, 2)] {
            devices.push(
                json!({"allow": true, "type": "c", "major": maj, "minor": min, "access": "rwm"}),
            );
        }
        devices.push(json!({"allow": true, "type": "c", "major": 136, "access": "rwm"}));
    }
    // `--device-cgroup-rule` after docker's defaults, then the `--device` nodes (spec/devices.rs).
    if !opts.privileged {
        devices.extend(devices::cgroup_rules(opts)?);
    }
    let mut r = json!({"devices": devices});
    let res = &opts.resources;
    let mut mem = serde_json::Map::new();
    if let Some(m) = res.memory {
        mem.insert("limit".into(), json!(m));
        // docker: --memory without --memory-swap gives swap = 2x memory; -1 is unlimited.
        let swap = res.memory_swap.unwrap_or(m * 2);
        mem.insert("swap".into(), json!(swap));
    }
    if let Some(v) = res.memory_reservation {
        mem.insert("reservation".into(), json!(v));
    }
    if let Some(v) = res.memory_swappiness {
        mem.insert("swappiness".into(), json!(v));
    }
    if res.oom_kill_disable == Some(true) {
        mem.insert("disableOOMKiller".into(), json!(true));
    }
    if !mem.is_empty() {
        r["memory"] = Value::Object(mem);
    }
    let mut cpu = serde_json::Map::new();
    if let Some(n) = res.nano_cpus {
        cpu.insert("period".into(), json!(100_000u64));
        cpu.insert("quota".into(), json!(n / 10_000));
    }
    if let Some(p) = res.cpu_period.filter(|p| *p > 0) {
        cpu.insert("period".into(), json!(p));
    }
    if let Some(q) = res.cpu_quota.filter(|q| *q > 0) {
        cpu.insert("quota".into(), json!(q));
    }
    if let Some(m) = &res.cpuset_mems {
        cpu.insert("mems".into(), json!(m));
    }
    if let Some(w) = res.blkio_weight.filter(|w| *w > 0) {
        r["blockIO"] = json!({"weight": w});
    }
    if let Some(s) = opts.resources.cpu_shares {
        cpu.insert("shares".into(), json!(s));
    }
    if let Some(c) = &opts.resources.cpuset_cpus {
        cpu.insert("cpus".into(), json!(c));
    }
    if !cpu.is_empty() {
        r["cpu"] = Value::Object(cpu);
    }
    if let Some(p) = opts.resources.pids_limit.filter(|p| *p > 0) {
        r["pids"] = json!({"limit": p});
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> HostContext {
        HostContext {
            id: "0123456789abcdef".repeat(4),
            rootless: false,
            cgroup_v2: false,
            nofile_hard: 524288,
            hostname_file: "/c/hostname".into(),
            hosts_file: "/c/hosts".into(),
            resolv_file: "/c/resolv.conf".into(),
            cgroups_path: "berth/x".into(),
            user: user::ResolvedUser {
                uid: 0,
                gid: 0,
                additional_gids: vec![],
                home: "/root".into(),
            },
            mounts: vec![],
        }
    }

    fn img() -> ImageConfig {
        ImageConfig {
            entrypoint: Some(vec!["/ep".into()]),
            cmd: Some(vec!["a".into(), "b".into()]),
            env: vec!["PATH=/img/bin".into(), "A=1".into()],
            ..Default::default()
        }
    }

    #[test]
    fn entrypoint_and_cmd_follow_docker_rules() {
        let o = ContainerConfig::default();
        assert_eq!(
            process_args(&img(), &o).unwrap(),
            (vec!["/ep".into()], vec!["a".into(), "b".into()])
        );
        let o = ContainerConfig {
            cmd: vec!["x".into()],
            ..Default::default()
        };
        assert_eq!(process_args(&img(), &o).unwrap().1, vec!["x".to_string()]);
        // --entrypoint drops the image Cmd.
        let o = ContainerConfig {
            entrypoint: Some("/other".into()),
            ..Default::default()
        };
        assert_eq!(
            process_args(&img(), &o).unwrap(),
            (vec!["/other".into()], vec![])
        );
        // --entrypoint '' resets it: only the given command remains.
        let o = ContainerConfig {
            entrypoint: Some(String::new()),
            cmd: vec!["sh".into()],
            ..Default::default()
        };
        assert_eq!(
            process_args(&img(), &o).unwrap(),
            (vec![], vec!["sh".into()])
        );
        let o = ContainerConfig {
            entrypoint: Some(String::new()),
            ..Default::default()
        };
        crate::testing::assert_err(process_args(&img(), &o), "no command specified");
    }

    #[test]
    fn env_merges_image_then_flags_with_path_hostname_term_home() {
        let o = ContainerConfig {
            env: vec!["A=2".into(), "B=3".into()],
            tty: true,
            ..Default::default()
        };
        let env = process_env(&img(), &o, "h", "/root").unwrap();
        assert_eq!(
            env,
            vec![
                "PATH=/img/bin",
                "HOSTNAME=h",
                "A=2",
                "B=3",
                "TERM=xterm",
                "HOME=/root"
            ]
        );
        let env = process_env(
            &ImageConfig::default(),
            &ContainerConfig::default(),
            "h",
            "",
        )
        .unwrap();
        assert_eq!(env[0], format!("PATH={DEFAULT_PATH}"));
        assert!(env.contains(&"HOME=/".to_string()));
        assert!(!env.iter().any(|e| e.starts_with("TERM=")));
        assert!(
            process_env(
                &img(),
                &ContainerConfig {
                    env: vec!["=x".into()],
                    ..Default::default()
                },
                "h",
                "/"
            )
            .is_err()
        );
    }

    #[test]
    fn privileged_gets_the_bounding_set_and_no_capability_outside_it() {
        let reduced: Vec<String> = ALL_CAPS
            .iter()
            .filter(|c| **c != "CAP_SYS_MODULE")
            .map(|s| s.to_string())
            .collect();
        let got = within_bounding(&reduced);
        assert_eq!(got.len(), ALL_CAPS.len() - 1);
        assert!(!got.contains(&"CAP_SYS_MODULE".to_string()));
        let all: Vec<String> = ALL_CAPS.iter().map(|s| s.to_string()).collect();
        assert_eq!(within_bounding(&all), all);
        let o = ContainerConfig {
            privileged: true,
            ..Default::default()
        };
        let mine = bounding_set();
        for c in capabilities(&o).unwrap() {
            assert!(
                mine.contains(&c),
                "{c} is not in this process's bounding set"
            );
        }
    }

    #[test]
    fn capabilities_default_add_drop_all() {
        assert_eq!(capabilities(&ContainerConfig::default()).unwrap().len(), 14);
        let o = ContainerConfig {
            cap_drop: vec!["ALL".into()],
            cap_add: vec!["net_admin".into()],
            ..Default::default()
        };
        assert_eq!(capabilities(&o).unwrap(), vec!["CAP_NET_ADMIN".to_string()]);
        let o = ContainerConfig {
            cap_drop: vec!["CHOWN".into()],
            ..Default::default()
        };
        assert!(!capabilities(&o).unwrap().contains(&"CAP_CHOWN".to_string()));
        let o = ContainerConfig {
            cap_add: vec!["BOGUS".into()],
            ..Default::default()
        };
        crate::testing::assert_err(capabilities(&o), "unknown capability: \"BOGUS\"");
    }

    #[test]
    fn annotations_and_domainname_reach_the_spec() {
        let o = ContainerConfig {
            annotations: [("org.example.key".to_string(), "val".to_string())].into(),
            domainname: Some("example.org".into()),
            ..Default::default()
        };
        let s = build_spec(&img(), &o, &host()).unwrap();
        assert_eq!(
            s.annotations()
                .as_ref()
                .unwrap()
                .get("org.example.key")
                .map(String::as_str),
            Some("val")
        );
        let sysctl = s.linux().as_ref().unwrap().sysctl().clone().unwrap();
        assert_eq!(
            sysctl.get("kernel.domainname").map(String::as_str),
            Some("example.org")
        );
    }

    #[test]
    fn spec_has_docker_defaults() {
        let o = ContainerConfig {
            resources: crate::types::Resources {
                memory: Some(1 << 20),
                pids_limit: Some(10),
                ..Default::default()
            },
            ..Default::default()
        };
        let s = build_spec(&img(), &o, &host()).unwrap();
        assert_eq!(s.hostname().as_deref(), Some("0123456789ab"));
        let p = s.process().as_ref().unwrap();
        assert_eq!(p.cwd().to_str(), Some("/"));
        assert_eq!(
            p.capabilities()
                .as_ref()
                .unwrap()
                .bounding()
                .as_ref()
                .unwrap()
                .len(),
            14
        );
        assert!(
            p.capabilities()
                .as_ref()
                .unwrap()
                .inheritable()
                .as_ref()
                .unwrap()
                .is_empty()
        );
        let nofile = &p.rlimits().as_ref().unwrap()[0];
        assert_eq!(nofile.hard(), 524288);
        let l = s.linux().as_ref().unwrap();
        assert!(
            l.masked_paths()
                .as_ref()
                .unwrap()
                .contains(&"/proc/kcore".to_string())
        );
        assert!(
            l.readonly_paths()
                .as_ref()
                .unwrap()
                .contains(&"/proc/sys".to_string())
        );
        assert!(l.seccomp().is_some());
        let r = l.resources().as_ref().unwrap();
        assert_eq!(r.memory().as_ref().unwrap().limit(), Some(1 << 20));
        assert_eq!(r.pids().as_ref().unwrap().limit(), 10);
        let ns = l.namespaces().as_ref().unwrap();
        assert_eq!(ns.len(), 5);
        let dests: Vec<_> = s
            .mounts()
            .as_ref()
            .unwrap()
            .iter()
            .map(|m| m.destination().clone())
            .collect();
        for d in [
            "/proc",
            "/dev",
            "/dev/pts",
            "/sys",
            "/dev/shm",
            "/dev/mqueue",
            "/etc/hosts",
        ] {
            assert!(dests.iter().any(|x| x.to_str() == Some(d)), "{d} missing");
        }
    }

    #[test]
    fn privileged_and_unconfined_drop_seccomp() {
        let o = ContainerConfig {
            seccomp: SeccompChoice::Unconfined,
            ..Default::default()
        };
        assert!(
            build_spec(&img(), &o, &host())
                .unwrap()
                .linux()
                .as_ref()
                .unwrap()
                .seccomp()
                .is_none()
        );
        let o = ContainerConfig {
            privileged: true,
            ..Default::default()
        };
        let s = build_spec(&img(), &o, &host()).unwrap();
        assert!(s.linux().as_ref().unwrap().seccomp().is_none());
        assert!(
            s.linux()
                .as_ref()
                .unwrap()
                .masked_paths()
                .as_ref()
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn hostile_stop_signal_and_relative_workdir_are_rejected() {
        for sig in ["SIGFOO", "0", "99"] {
            let o = ContainerConfig {
                stop_signal: Some(sig.into()),
                ..Default::default()
            };
            crate::testing::assert_err(
                build_spec(&img(), &o, &host()),
                &format!("invalid stop signal {sig:?}"),
            );
        }
        assert_eq!(parse_signal("TERM").unwrap(), 15);
        assert_eq!(parse_signal("sigkill").unwrap(), 9);
        let o = ContainerConfig {
            workdir: Some("rel".into()),
            ..Default::default()
        };
        crate::testing::assert_err(
            build_spec(&img(), &o, &host()),
            "needs to be an absolute path",
        );
    }
}
