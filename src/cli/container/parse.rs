//! The string flags of `run`/`create` parsed as docker parses them (`-e`/`--env-file`, `-v`, `--mount`,
//! `--tmpfs`, label files, `--expose`, the namespace modes, `--sysctl`), and the flags berth refuses
//! with a reason. Parsing only: nothing here touches the store (the platform check asks the engine).

use super::run::CreateFlags;
use crate::cli::human;
use crate::engine::container as ctr;
use crate::types::{HealthConfig, MountKind, MountRequest, Namespaces, NsMode};
use anyhow::{Context, Result, bail};
use std::path::PathBuf;

/// `-e K=V`, `-e K` (value from our environment, dropped if unset), `--env-file` (same rules per line).
pub(super) fn parse_env(flags: &CreateFlags) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut add = |item: &str| {
        if item.contains('=') {
            out.push(item.to_string());
        } else if let Ok(v) = std::env::var(item) {
            out.push(format!("{item}={v}"));
        }
    };
    for f in &flags.env_file {
        let data = std::fs::read_to_string(f).with_context(|| format!("open {}", f.display()))?;
        for line in data.lines() {
            let l = line.trim_start();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            add(l);
        }
    }
    for e in &flags.env {
        if e.starts_with('=') {
            bail!("invalid environment variable: {e}");
        }
        add(e);
    }
    Ok(out)
}

/// `-v SRC:DST[:ro|rw]`, `-v DST` (anonymous), `-v name:DST`.
pub(super) fn parse_volume(v: &str) -> Result<MountRequest> {
    let parts: Vec<&str> = v.split(':').collect();
    let (src, dst, mode) = match parts.as_slice() {
        [d] => ("", *d, ""),
        [s, d] => (*s, *d, ""),
        [s, d, m] => (*s, *d, *m),
        _ => bail!("invalid volume specification: '{v}'"),
    };
    let mut readonly = false;
    let mut options = Vec::new();
    for m in mode.split(',').filter(|m| !m.is_empty()) {
        match m {
            "ro" => readonly = true,
            "rw" => readonly = false,
            "z" | "Z" => {}
            "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate" | "nocopy" => {
                options.push(m.to_string())
            }
            _ => bail!("invalid mode: {m}"),
        }
    }
    if dst.is_empty() || !dst.starts_with('/') {
        bail!(
            "invalid volume specification: '{v}': invalid mount config: mount path must be absolute"
        );
    }
    let kind = if src.starts_with('/') {
        MountKind::Bind
    } else {
        MountKind::Volume
    };
    Ok(MountRequest {
        kind,
        source: src.to_string(),
        target: dst.to_string(),
        readonly,
        options: options.into_iter().filter(|o| o != "nocopy").collect(),
    })
}

/// `--mount type=bind|volume|tmpfs,source=..,target=..,readonly,tmpfs-size=..,tmpfs-mode=..`.
pub(super) fn parse_mount(s: &str) -> Result<MountRequest> {
    let mut kind = MountKind::Volume;
    let (mut src, mut dst, mut ro) = (String::new(), String::new(), false);
    let mut options = Vec::new();
    for field in s.split(',') {
        let (k, v) = field.split_once('=').unwrap_or((field, ""));
        match k {
            "type" => {
                kind = match v {
                    "bind" => MountKind::Bind,
                    "volume" => MountKind::Volume,
                    "tmpfs" => MountKind::Tmpfs,
                    _ => bail!(
                        "invalid argument \"{s}\" for \"--mount\" flag: invalid mount type {v:?}"
                    ),
                }
            }
            "source" | "src" => src = v.to_string(),
            "target" | "destination" | "dst" => dst = v.to_string(),
            "readonly" | "ro" => ro = v.is_empty() || crate::cli::go_bool(v).unwrap_or(false),
            "tmpfs-size" => options.push(format!("size={}", human::parse_bytes(v)?)),
            "tmpfs-mode" => options.push(format!("mode={v}")),
            "bind-propagation" => options.push(v.to_string()),
            _ => bail!(
                "invalid argument \"{s}\" for \"--mount\" flag: unexpected key '{k}' in '{field}'"
            ),
        }
    }
    if dst.is_empty() {
        bail!("invalid argument \"{s}\" for \"--mount\" flag: target is required");
    }
    if kind == MountKind::Bind && !std::path::Path::new(&src).exists() {
        bail!("invalid mount config for type \"bind\": bind source path does not exist: {src}");
    }
    Ok(MountRequest {
        kind,
        source: src,
        target: dst,
        readonly: ro,
        options,
    })
}

/// `--tmpfs /path[:opts]`.
pub(super) fn parse_tmpfs(s: &str) -> MountRequest {
    let (dst, opts) = s.split_once(':').unwrap_or((s, ""));
    let options: Vec<String> = opts
        .split(',')
        .filter(|o| !o.is_empty())
        .map(str::to_string)
        .collect();
    let readonly = options.iter().any(|o| o == "ro");
    MountRequest {
        kind: MountKind::Tmpfs,
        source: String::new(),
        target: dst.to_string(),
        readonly,
        options: options
            .into_iter()
            .filter(|o| o != "ro" && o != "rw")
            .collect(),
    }
}

/// `--label-file`: one label a line, `#` comments and blank lines skipped (docker/cli `opts.ReadKVStrings`).
pub(super) fn read_label_files(files: &[PathBuf]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for f in files {
        let data = std::fs::read_to_string(f).with_context(|| format!("open {}", f.display()))?;
        for line in data.lines() {
            let l = line.trim_start();
            if !l.is_empty() && !l.starts_with('#') {
                out.push(l.to_string());
            }
        }
    }
    Ok(out)
}

/// `--expose PORT[-END][/PROTO]` -> docker's port keys (`80/tcp`), as docker/cli `container/opts.go`.
pub(super) fn parse_expose(e: &str) -> Result<Vec<String>> {
    let (ports, proto) = e.split_once('/').unwrap_or((e, "tcp"));
    let proto = proto.to_ascii_lowercase();
    if !matches!(proto.as_str(), "tcp" | "udp" | "sctp") {
        bail!("invalid proto: {proto}");
    }
    let port = |p: &str| {
        p.parse::<u16>().map_err(|_| {
            anyhow::anyhow!("invalid range format for --expose: {e}, error: invalid port {p:?}")
        })
    };
    let (lo, hi) = match ports.split_once('-') {
        Some((a, b)) => (port(a)?, port(b)?),
        None => (port(ports)?, port(ports)?),
    };
    if hi < lo {
        bail!("invalid range format for --expose: {e}, error: invalid range {ports:?}");
    }
    Ok((lo..=hi).map(|p| format!("{p}/{proto}")).collect())
}

/// The flags docker accepts that change nothing here, or that berth refuses with the reason.
pub(super) fn check_unsupported(flags: &CreateFlags) -> Result<()> {
    // moby `daemon/daemon_unix.go` verifyPlatformContainerSettings: Linux has only the default isolation.
    if let Some(i) = flags.isolation.as_deref()
        && !i.is_empty()
        && !i.eq_ignore_ascii_case("default")
    {
        bail!("invalid isolation '{i}' on linux");
    }
    // docker's daemon with no device driver for GPUs says this; berth has no GPU runtime to offer.
    if flags.gpus.is_some() {
        bail!(
            "could not select device driver \"\" with capabilities: [[gpu]]: berth has no GPU runtime"
        );
    }
    if let Some(pl) = &flags.platform {
        ctr::check_run_platform(pl)?;
    }
    Ok(())
}

/// `--pid`, `--ipc`, `--uts`, `--cgroupns` with docker/cli's validation (`container/opts.go`): each kind
/// takes its own set of modes.
pub(super) fn parse_namespaces(flags: &CreateFlags) -> Result<Namespaces> {
    fn mode(v: Option<&str>, allowed: &[&str], joinable: bool, err: &str) -> Result<NsMode> {
        let Some(v) = v.filter(|v| !v.is_empty()) else {
            return Ok(NsMode::Default);
        };
        if let Some(c) = v.strip_prefix("container:")
            && joinable
            && !c.is_empty()
        {
            return Ok(NsMode::Container(c.to_string()));
        }
        if !allowed.contains(&v) {
            bail!("{err}");
        }
        Ok(match v {
            "host" => NsMode::Host,
            "private" => NsMode::Private,
            "shareable" => NsMode::Shareable,
            "none" => NsMode::None,
            _ => unreachable!("checked against the allowed modes"),
        })
    }
    let ns = Namespaces {
        pid: mode(
            flags.pid.as_deref(),
            &["host"],
            true,
            "--pid: invalid PID mode",
        )?,
        ipc: mode(
            flags.ipc.as_deref(),
            &["host", "private", "shareable", "none"],
            true,
            "--ipc: invalid IPC mode",
        )?,
        uts: mode(
            flags.uts.as_deref(),
            &["host"],
            false,
            "--uts: invalid UTS mode",
        )?,
        cgroupns: mode(
            flags.cgroupns.as_deref(),
            &["host", "private"],
            false,
            "--cgroupns: invalid CGROUP mode",
        )?,
    };
    // moby `daemon/container.go` verifyContainerSettings: the host's UTS namespace has the host's names.
    if ns.uts == NsMode::Host && (flags.hostname.is_some() || flags.domainname.is_some()) {
        bail!("Conflicting options: hostname and the UTS mode");
    }
    Ok(ns)
}

/// `--sysctl k=v` with docker/cli's `opts.ValidateSysctl`: only the sysctls a container's own IPC or
/// network namespace holds.
pub(super) fn parse_sysctls(
    items: &[String],
) -> Result<std::collections::BTreeMap<String, String>> {
    const IPC: [&str; 8] = [
        "kernel.msgmax",
        "kernel.msgmnb",
        "kernel.msgmni",
        "kernel.sem",
        "kernel.shmall",
        "kernel.shmmax",
        "kernel.shmmni",
        "kernel.shm_rmid_forced",
    ];
    for s in items {
        let allowed = s.split_once('=').is_some_and(|(k, _)| {
            IPC.contains(&k) || k.starts_with("net.") || k.starts_with("fs.mqueue.")
        });
        if !allowed {
            bail!("invalid argument \"{s}\" for \"--sysctl\" flag: sysctl '{s}' is not allowed");
        }
    }
    Ok(crate::cli::parse_key_values(items))
}

/// `--health-*` and `--no-healthcheck` as docker/cli's `container/opts.go` turns them into the
/// container's `Healthcheck`: none of them leaves the image's; `--no-healthcheck` is `["NONE"]`; any
/// other gives a config whose zero fields the image's HEALTHCHECK fills (state::health). Durations are
/// Go's; docker's daemon then refuses non-zero durations under 1ms.
pub(super) fn parse_healthcheck(flags: &CreateFlags) -> Result<Option<HealthConfig>> {
    let duration = |flag: &str, v: &Option<String>| -> Result<i64> {
        let Some(v) = v.as_deref() else { return Ok(0) };
        if v.starts_with('-') && crate::cli::human::parse_duration(&v[1..]).is_ok() {
            bail!("--{flag} cannot be negative");
        }
        let d = crate::cli::human::parse_duration(v)
            .map_err(|e| anyhow::anyhow!("invalid argument {v:?} for \"--{flag}\" flag: {e}"))?;
        Ok(d.as_nanos().min(i64::MAX as u128) as i64)
    };
    let interval = duration("health-interval", &flags.health_interval)?;
    let timeout = duration("health-timeout", &flags.health_timeout)?;
    let start_period = duration("health-start-period", &flags.health_start_period)?;
    let start_interval = duration("health-start-interval", &flags.health_start_interval)?;
    let retries = flags.health_retries.unwrap_or(0);
    let cmd = flags.health_cmd.as_deref().unwrap_or("");
    let any = !cmd.is_empty()
        || interval != 0
        || timeout != 0
        || start_period != 0
        || start_interval != 0
        || retries != 0;
    if flags.no_healthcheck {
        if any {
            bail!("--no-healthcheck conflicts with --health-* options");
        }
        return Ok(Some(HealthConfig {
            test: vec!["NONE".into()],
            ..HealthConfig::default()
        }));
    }
    if !any {
        return Ok(None);
    }
    if retries < 0 {
        bail!("--health-retries cannot be negative");
    }
    // moby `daemon/container.go` validateHealthCheck: MinimumDuration is 1ms.
    for (name, v) in [
        ("Interval", interval),
        ("Timeout", timeout),
        ("StartPeriod", start_period),
        ("StartInterval", start_interval),
    ] {
        if v != 0 && v < 1_000_000 {
            bail!("{name} in Healthcheck cannot be less than 1ms");
        }
    }
    let test = if cmd.is_empty() {
        Vec::new()
    } else {
        vec!["CMD-SHELL".to_string(), cmd.to_string()]
    };
    Ok(Some(HealthConfig {
        test,
        interval,
        timeout,
        start_period,
        start_interval,
        retries,
    }))
}
