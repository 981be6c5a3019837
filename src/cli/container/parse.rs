//! The string flags of `run`/`create` parsed as docker parses them (`-e`/`--env-file`, `-v`, `--mount`,
//! `--tmpfs`, label files, `--expose`, the namespace modes, `--sysctl`), and the flags berth refuses
//! with a reason. Parsing only: nothing here touches the store (the platform check asks the engine).

use super::run::CreateFlags;
use crate::cli::human;
use crate::engine::container as ctr;
use crate::types::{
    DeviceMapping, HealthConfig, LogSettings, MountKind, MountRequest, Namespaces, NsMode,
    Resources,
};
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
    // docker/cli (>= 23): a source starting with `.` is a host path relative to the caller's directory.
    let (kind, src) = if src.starts_with('/') {
        (MountKind::Bind, src.to_string())
    } else if is_relative_host_path(src) {
        (MountKind::Bind, absolute_host_path(src)?)
    } else {
        (MountKind::Volume, src.to_string())
    };
    Ok(MountRequest {
        mode: Some(mode.to_string()),
        kind,
        source: src,
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
            "source" | "src" if is_relative_host_path(v) => src = absolute_host_path(v)?,
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
    if kind == MountKind::Bind && src.is_empty() {
        bail!("invalid mount config for type \"bind\": field Source must not be empty");
    }
    if kind == MountKind::Bind && !std::path::Path::new(&src).exists() {
        bail!("invalid mount config for type \"bind\": bind source path does not exist: {src}");
    }
    Ok(MountRequest {
        mode: None,
        kind,
        source: src,
        target: dst,
        readonly: ro,
        options,
    })
}

/// `.`, `..`, `./x`, `../x`: a host path relative to the current directory (docker/cli's `-v` and
/// `--mount` sources).
fn is_relative_host_path(s: &str) -> bool {
    s == "." || s == ".." || s.starts_with("./") || s.starts_with("../")
}

/// `src` against the current directory, cleaned of `.` and `..` as Go's `filepath.Abs` does.
fn absolute_host_path(src: &str) -> Result<String> {
    let cwd = std::env::current_dir().context("reading the current directory")?;
    let mut out = PathBuf::from("/");
    for c in cwd.join(src).components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::Normal(n) => out.push(n),
            _ => {}
        }
    }
    Ok(out.to_string_lossy().into_owned())
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
        mode: None,
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
    // docker/cli `validateAttach`.
    for s in &flags.attach {
        if !["stdin", "stdout", "stderr"].contains(&s.to_ascii_lowercase().as_str()) {
            bail!(
                "invalid argument \"{s}\" for \"-a, --attach\" flag: valid streams are STDIN, STDOUT and STDERR"
            );
        }
    }
    if let Some(k) = &flags.detach_keys {
        super::attach::parse_detach_keys(k)?;
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
        // docker/cli `UsernsMode.Valid`: "" or host; podman's keep-id is checked rootless-only at create.
        userns: match flags.userns.as_deref().unwrap_or("") {
            v @ ("" | "host" | "keep-id") => v.to_string(),
            _ => bail!("--userns: invalid USER mode"),
        },
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

/// The resource flags beyond docker's first six (shared with `update`): `--memory-reservation`,
/// `--cpu-period`, `--cpu-quota`, `--cpuset-mems`, `--blkio-weight`; `--kernel-memory` is accepted with
/// docker's deprecation warning and ignored, as docker >= 23 does (the kernel dropped kmem limits).
pub(crate) fn resource_extras(r: &super::run::ResourceFlags) -> Result<Resources> {
    if r.kernel_memory.is_some() {
        eprintln!(
            "WARNING: Specifying a kernel memory limit is deprecated and will be removed in a future release."
        );
    }
    Ok(Resources {
        memory_reservation: r
            .memory_reservation
            .as_deref()
            .map(human::parse_bytes)
            .transpose()?
            .map(|m| m as i64),
        cpu_period: r.cpu_period,
        cpu_quota: r.cpu_quota,
        cpuset_mems: r.cpuset_mems.clone(),
        blkio_weight: r.blkio_weight,
        ..Default::default()
    })
}

/// [`resource_extras`] plus the flags only `run`/`create` have (`--memory-swappiness`,
/// `--oom-kill-disable`), with docker/cli's range check of the swappiness.
pub(super) fn more_resources(flags: &CreateFlags) -> Result<Resources> {
    let mut r = resource_extras(&flags.resources)?;
    // docker/cli's default -1 means "the host's": not recorded.
    match flags.memory_swappiness {
        None | Some(-1) => {}
        Some(s) if (0..=100).contains(&s) => r.memory_swappiness = Some(s),
        Some(s) => bail!("Invalid value: {s}, valid memory swappiness range is 0-100"),
    }
    r.oom_kill_disable = flags.oom_kill_disable.then_some(true);
    let list = |items: &[String], bytes: bool| -> Result<Vec<crate::types::ThrottleDevice>> {
        items.iter().map(|v| parse_throttle(v, bytes)).collect()
    };
    r.throttles = crate::types::Throttles {
        read_bps: list(&flags.device_read_bps, true)?,
        write_bps: list(&flags.device_write_bps, true)?,
        read_iops: list(&flags.device_read_iops, false)?,
        write_iops: list(&flags.device_write_iops, false)?,
    };
    Ok(r)
}

/// `PATH:RATE` of the throttle flags (docker/cli `ValidateThrottleBpsDevice` and `...IOpsDevice`):
/// a size with an optional unit for the bps ones, a plain number for the iops ones.
fn parse_throttle(v: &str, bytes: bool) -> Result<crate::types::ThrottleDevice> {
    let Some((path, rate)) = v.split_once(':') else {
        bail!("bad format: {v}");
    };
    if !path.starts_with("/dev/") {
        bail!("bad format for device path: {v}");
    }
    let rate = if bytes {
        human::parse_bytes(rate).ok()
    } else {
        rate.parse::<u64>().ok()
    };
    let Some(rate) = rate else {
        let unit = if bytes {
            "<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb"
        } else {
            "<number>. Number must be a positive integer"
        };
        bail!("invalid rate for device: {v}. The correct format is <device-path>:{unit}");
    };
    Ok(crate::types::ThrottleDevice {
        path: path.to_string(),
        rate,
    })
}

/// `--log-driver` and `--log-opt` with docker's checks (docker/cli `parseLoggingOpts`, the json-file and
/// local drivers' `ValidateLogOpt`). berth has the drivers that keep the log on disk for `logs`, and none.
pub(super) fn parse_log(flags: &CreateFlags) -> Result<LogSettings> {
    let driver = flags.log_driver.clone().unwrap_or_default();
    let allowed: &[&str] = match driver.as_str() {
        "" | "json-file" => &[
            "max-file",
            "max-size",
            "compress",
            "labels",
            "labels-regex",
            "env",
            "env-regex",
            "tag",
        ],
        "local" => &["max-file", "max-size", "compress"],
        "none" => &[],
        d => bail!("logger: no log driver named '{d}' is registered"),
    };
    if driver == "none" && !flags.log_opt.is_empty() {
        bail!("invalid logging opts for driver none");
    }
    let opts = crate::cli::parse_key_values(&flags.log_opt);
    let shown = if driver.is_empty() {
        "json-file"
    } else {
        &driver
    };
    for (k, v) in &opts {
        if !allowed.contains(&k.as_str()) {
            bail!("unknown log opt '{k}' for {shown} log driver");
        }
        match k.as_str() {
            "max-size" if human::parse_bytes(v).map_or(true, |b| b == 0) => {
                bail!("max-size must be a positive number")
            }
            "max-file" => match v.parse::<i64>() {
                Ok(n) if n >= 1 => {}
                Ok(_) => bail!("max-file cannot be less than 1"),
                Err(_) => bail!("strconv.Atoi: parsing {v:?}: invalid syntax"),
            },
            // Rotated files stay plain json-file logs: berth never gzips them.
            "compress" if crate::cli::go_bool(v).unwrap_or(true) => bail!(
                "compress={v} is not supported: berth keeps rotated logs uncompressed (use compress=false)"
            ),
            _ => {}
        }
    }
    let mut log = LogSettings {
        driver: driver.clone(),
        opts,
        ..Default::default()
    };
    // The local driver rotates by default (docker's 20 MB x 5 files).
    let (size, files) = if driver == "local" {
        (Some(20 << 20), 5)
    } else {
        (None, 1)
    };
    log.max_size = match log.opts.get("max-size") {
        Some(v) => Some(human::parse_bytes(v)?),
        None => size,
    };
    log.max_file = match log.opts.get("max-file") {
        Some(v) => v.parse().unwrap_or(1),
        None => files,
    };
    if log.max_size.is_none() {
        log.max_file = 0;
    }
    Ok(log)
}

/// `--device HOST[:CONTAINER][:PERMISSIONS]` (docker/cli `parseDevice`): a second field made only of
/// `r`, `w`, `m` is the permissions.
pub(super) fn parse_device(d: &str) -> Result<DeviceMapping> {
    let valid_mode = |m: &str| {
        !m.is_empty()
            && m.len() <= 3
            && m.chars().all(|c| matches!(c, 'r' | 'w' | 'm'))
            && m.chars()
                .all(|c| m.chars().filter(|x| *x == c).count() == 1)
    };
    let parts: Vec<&str> = d.split(':').collect();
    let (src, mut dst, mut perms) = (parts[0], "", "rwm");
    match parts.len() {
        1 => {}
        2 if valid_mode(parts[1]) => perms = parts[1],
        2 => dst = parts[1],
        3 => (dst, perms) = (parts[1], parts[2]),
        _ => bail!("invalid device specification: {d}"),
    }
    if !valid_mode(perms) {
        bail!("invalid device mode: {perms}");
    }
    let dst = if dst.is_empty() { src } else { dst };
    for p in [src, dst] {
        if !p.starts_with('/') {
            bail!("{p} is not an absolute path");
        }
    }
    Ok(DeviceMapping {
        path_on_host: src.to_string(),
        path_in_container: dst.to_string(),
        permissions: perms.to_string(),
    })
}

/// `--device-cgroup-rule 'TYPE MAJOR:MINOR PERMS'` (docker/cli `validateDeviceCgroupRule`).
pub(super) fn parse_device_cgroup_rule(r: &str) -> Result<String> {
    let bad = || anyhow::anyhow!("invalid device cgroup format '{r}'");
    let f: Vec<&str> = r.split(' ').collect();
    let [kind, nums, perms] = f.as_slice() else {
        return Err(bad());
    };
    let num = |n: &str| n == "*" || (!n.is_empty() && n.chars().all(|c| c.is_ascii_digit()));
    let ok = matches!(*kind, "a" | "b" | "c")
        && nums.split_once(':').is_some_and(|(a, b)| num(a) && num(b))
        && (1..=3).contains(&perms.len())
        && perms.chars().all(|c| matches!(c, 'r' | 'w' | 'm'));
    if !ok {
        return Err(bad());
    }
    Ok(r.to_string())
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
