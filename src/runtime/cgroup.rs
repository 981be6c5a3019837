//! Container cgroups, v1 (one hierarchy per controller), v2 (unified) and hybrid (v1 controllers plus a
//! controller-less cgroup2, usually at /sys/fs/cgroup/unified).
//!
//! Owns creating a container's cgroup beneath the cgroup the caller itself runs in (never at the hierarchy
//! root: on these machines berth runs in memory:/process_api/<id>), writing limits from
//! `spec.linux.resources`, the device rules, placing pids, freezing, stats, OOM detection and removal.
//! Depends on std, libc, oci_spec and [`super::devices`] only. Invariant: every path written is
//! `<mount>/<own cgroup>/<name>` with `name` a relative path without `..`, so a container name can never
//! address another cgroup; every directory created is removed by [`destroy`] (and by a failed [`create`]).
//!
//! Choosing the layout: /sys/fs/cgroup being a cgroup2 mount means v2; anything else (a tmpfs of v1
//! hierarchies) means v1, and limits go to the v1 controllers. On a hybrid host (v1 controllers and a cgroup2
//! mounted elsewhere, as systemd's "hybrid" mode and this machine have) the container also gets a directory in
//! the cgroup2 hierarchy, as runc and crun do: its processes are placed there too, so the device filter below
//! has somewhere to live, and the container's cgroup namespace shows its own v2 cgroup. No controller is
//! enabled there (the v1 hierarchies own them).
//!
//! Device rules (docker's allow list, `--privileged`): the v1 `devices` controller gets devices.deny and
//! devices.allow lines; every v2 directory (v2 and hybrid) gets a `BPF_PROG_TYPE_CGROUP_DEVICE` program compiled
//! from the same rules ([`super::devices`]), which needs no controller. On a hybrid host both apply, and both
//! must allow an access (the kernel asks the eBPF programs first, then the v1 controller); there a cgroup2 that
//! berth cannot use (read-only, eBPF refused) is skipped, since the v1 controller enforces the same rules. On
//! v2 a device filter that cannot be attached fails the container, as in runc. Rootless gets
//! neither: v1 is never delegated, loading eBPF needs CAP_BPF/CAP_SYS_ADMIN in the initial user namespace, and a
//! rootless container only sees host nodes bind-mounted with the user's own permissions (mknod is refused in a
//! user namespace). A rootless container also gets no hybrid cgroup2 directory (its root is not delegated).

use std::fs;
use std::io::ErrorKind;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, Instant};

pub use super::cgroup_warm::warm_attach;

use anyhow::{Context, Result, bail};
use oci_spec::runtime::LinuxResources;
use std::collections::BTreeMap;

/// v1 controllers berth manages (each is used when mounted).
const V1_CONTROLLERS: [&str; 8] = [
    "memory", "cpu", "cpuacct", "cpuset", "pids", "freezer", "devices", "blkio",
];

/// Which cgroup layout the host has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// /sys/fs/cgroup is a tmpfs with one hierarchy per controller (v1 or hybrid).
    V1,
    /// /sys/fs/cgroup is cgroup2.
    V2,
}

/// Detects the layout: statfs /sys/fs/cgroup, cgroup2 magic means v2, anything else (tmpfs) v1/hybrid.
pub fn version() -> Version {
    // SAFETY: statfs writes into the zeroed struct we own; the path is a valid C string.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::statfs(c"/sys/fs/cgroup".as_ptr(), &mut st) };
    if rc == 0 && st.f_type == libc::CGROUP2_SUPER_MAGIC {
        Version::V2
    } else {
        Version::V1
    }
}

/// Resource usage of a container's cgroup.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub memory_usage: u64,
    /// `None` when unlimited.
    pub memory_limit: Option<u64>,
    /// Total CPU time in nanoseconds.
    pub cpu_usage_ns: u64,
    pub pids: u64,
}

/// A name is relative to berth's own cgroup, or (`--cgroup-parent /x`, as runc reads an absolute
/// cgroupsPath) to the hierarchy's root; never with `..`.
fn check_name(name: &str) -> Result<()> {
    let p = Path::new(name.strip_prefix('/').unwrap_or(name));
    if p.as_os_str().is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("invalid cgroup name {name:?}: must be relative without '..'");
    }
    Ok(())
}

/// Mount points of v1 hierarchies: (mountpoint, controllers in its super options).
pub(super) fn v1_mounts() -> Vec<(PathBuf, Vec<String>)> {
    super::sys::read_proc("/proc/self/mountinfo").map_or_else(Vec::new, |mi| v1_mounts_in(&mi))
}

/// [`v1_mounts`] of the given mountinfo text.
fn v1_mounts_in(mi: &str) -> Vec<(PathBuf, Vec<String>)> {
    let mut out = Vec::new();
    for line in mi.lines() {
        let Some((pre, post)) = line.split_once(" - ") else {
            continue;
        };
        let post: Vec<&str> = post.split(' ').collect();
        if post.first() != Some(&"cgroup") {
            continue;
        }
        let Some(mp) = pre.split(' ').nth(4) else {
            continue;
        };
        let opts = post.get(2).unwrap_or(&"");
        let ctrls = opts.split(',').map(str::to_string).collect();
        out.push((PathBuf::from(mp), ctrls));
    }
    out
}

/// Where the cgroup2 hierarchy is mounted: /sys/fs/cgroup on v2, the cgroup2 mount of a hybrid host, or none.
pub(super) fn v2_mount(version: Version) -> Option<PathBuf> {
    if version == Version::V2 {
        return Some(PathBuf::from("/sys/fs/cgroup"));
    }
    v2_mount_in(&super::sys::read_proc("/proc/self/mountinfo")?)
}

/// The cgroup2 mount point in the given mountinfo text.
fn v2_mount_in(mi: &str) -> Option<PathBuf> {
    mi.lines().find_map(|line| {
        let (pre, post) = line.split_once(" - ")?;
        if post.split(' ').next() != Some("cgroup2") {
            return None;
        }
        pre.split(' ').nth(4).map(PathBuf::from)
    })
}

/// The caller's own cgroup path for a v1 controller, or for v2 ("" controller list).
fn own_path(controller: Option<&str>) -> Option<String> {
    own_path_in(&super::sys::read_proc("/proc/self/cgroup")?, controller)
}

/// [`own_path`] in the given content of /proc/self/cgroup (read once for all controllers).
pub(super) fn own_path_in(s: &str, controller: Option<&str>) -> Option<String> {
    for line in s.lines() {
        let mut f = line.splitn(3, ':');
        let (_, ctrls, path) = (f.next()?, f.next()?, f.next()?);
        let hit = match controller {
            Some(c) => ctrls.split(',').any(|x| x == c),
            None => ctrls.is_empty(),
        };
        if hit {
            return Some(path.to_string());
        }
    }
    None
}

pub(super) fn join_rel(base: &Path, own: &str, name: &str) -> PathBuf {
    match name.strip_prefix('/') {
        Some(abs) => base.join(abs),
        None => base.join(own.trim_start_matches('/')).join(name),
    }
}

/// Directories that make up the container's cgroup: one per mounted v1 controller (deduplicated for
/// co-mounted ones such as cpu,cpuacct) plus, on a hybrid host, one named "unified" in the cgroup2 hierarchy;
/// or the one v2 directory ("unified").
pub(crate) fn dirs(name: &str) -> Result<Vec<(String, PathBuf)>> {
    check_name(name)?;
    let version = version();
    match version {
        Version::V2 => {
            let own = own_path(None).unwrap_or_else(|| "/".into());
            Ok(vec![(
                "unified".into(),
                join_rel(Path::new("/sys/fs/cgroup"), &own, name),
            )])
        }
        Version::V1 => {
            // One read of each file serves every hierarchy.
            let mi = super::sys::read_proc("/proc/self/mountinfo").unwrap_or_default();
            let mounts = v1_mounts_in(&mi);
            let own_cgroups = super::sys::read_proc("/proc/self/cgroup").unwrap_or_default();
            let mut out: Vec<(String, PathBuf)> = Vec::new();
            for c in V1_CONTROLLERS {
                let Some((mp, _)) = mounts.iter().find(|(_, cs)| cs.iter().any(|x| x == c)) else {
                    continue;
                };
                let Some(own) = own_path_in(&own_cgroups, Some(c)) else {
                    continue;
                };
                let d = join_rel(mp, &own, name);
                if !out.iter().any(|(_, e)| *e == d) {
                    out.push((c.to_string(), d));
                }
            }
            if let Some(mp) = v2_mount_in(&mi) {
                let own = own_path_in(&own_cgroups, None).unwrap_or_else(|| "/".into());
                out.push(("unified".into(), join_rel(&mp, &own, name)));
            }
            Ok(out)
        }
    }
}

fn write(dir: &Path, file: &str, value: &str) -> Result<()> {
    let p = dir.join(file);
    fs::write(&p, value).with_context(|| format!("writing {value:?} to {}", p.display()))
}

fn read(dir: &Path, file: &str) -> Option<String> {
    fs::read_to_string(dir.join(file))
        .ok()
        .map(|s| s.trim().to_string())
}

/// A created container cgroup: the directories the pid goes into.
#[derive(Debug, Default)]
pub(crate) struct Created {
    pub dirs: Vec<PathBuf>,
    pub warnings: Vec<String>,
}

/// Creates the cgroup, writes the limits and attaches the device filter. Rootless: whatever is not writable
/// becomes a warning. On an error nothing created here is left behind.
pub(crate) fn create(name: &str, res: Option<&LinuxResources>, rootless: bool) -> Result<Created> {
    create_dirs(dirs(name)?, res, rootless)
}

/// [`create`] of the directories [`dirs`] gave for the cgroup's name (the launch has them already).
pub(crate) fn create_dirs(
    dirs: Vec<(String, PathBuf)>,
    res: Option<&LinuxResources>,
    rootless: bool,
) -> Result<Created> {
    let mut created = Created::default();
    let version = version();
    let mut v1_devices = false;
    for (ctrl, dir) in dirs {
        if rootless && version == Version::V1 && ctrl == "unified" {
            // The hybrid cgroup2 root is not delegated to users, and it would carry no limit anyway.
            continue;
        }
        // The v1 blkio directory is made only for `--blkio-weight` (no cost on the usual path).
        if ctrl == "blkio" && res.is_none_or(|r| blkio_weight(r).is_none() && !throttled(r)) {
            continue;
        }
        // On a hybrid host the cgroup2 directory is an addition: when the v1 devices controller already
        // enforces the rules, a cgroup2 berth cannot use (mounted read-only, eBPF refused) must not stop the
        // container.
        let optional = version == Version::V1 && ctrl == "unified" && v1_devices;
        if let Err(e) = make_dir(&dir, &ctrl, version) {
            if optional {
                continue;
            }
            if rootless {
                // Say so only for limits that were asked for (rootless v1 never has a delegated hierarchy).
                let lost = requested(res, &ctrl);
                if !lost.is_empty() {
                    created.warnings.push(format!(
                        "the {ctrl} cgroup is not delegated to this user, so {} not applied ({e:#})",
                        lost.join(", ")
                    ));
                }
                continue;
            }
            remove_dirs(&created.dirs);
            return Err(e);
        }
        created.dirs.push(dir.clone());
        v1_devices |= version == Version::V1 && ctrl == "devices";
        let Some(res) = res else { continue };
        let mut r = match version {
            Version::V1 => apply_v1(&ctrl, &dir, res),
            Version::V2 => apply_v2(&dir, res),
        };
        if r.is_ok()
            && ctrl == "unified"
            && !rootless
            && let Some(rules) = res.devices()
        {
            r = super::devices::apply(&dir, rules)
                .context("applying the device rules (cgroup v2 eBPF device filter)");
        }
        if let Err(e) = r {
            if optional {
                let _ = fs::remove_dir(&dir);
                created.dirs.pop();
                continue;
            }
            if rootless {
                created
                    .warnings
                    .push(format!("cgroup limit not applied: {e:#}"));
            } else {
                remove_dirs(&created.dirs);
                return Err(e);
            }
        }
    }
    Ok(created)
}

/// The limits in `res` that need controller `ctrl` (as the user wrote them), for rootless warnings.
fn requested(res: Option<&LinuxResources>, ctrl: &str) -> Vec<&'static str> {
    let Some(res) = res else { return Vec::new() };
    let mut out = Vec::new();
    let mem = res.memory().as_ref();
    let cpu = res.cpu().as_ref();
    match ctrl {
        "memory" | "unified" if mem.is_some_and(|m| m.limit().is_some()) => {
            out.push("the memory limit is")
        }
        "memory" if mem.is_some_and(|m| m.swap().is_some()) => out.push("the memory+swap limit is"),
        "cpu" | "unified" if cpu.is_some_and(|c| c.quota().is_some() || c.shares().is_some()) => {
            out.push("the cpu quota and shares are")
        }
        "cpuset" if cpu.is_some_and(|c| c.cpus().is_some() || c.mems().is_some()) => {
            out.push("the cpuset is")
        }
        "pids" if res.pids().is_some() => out.push("the pids limit is"),
        _ => {}
    }
    if ctrl == "unified" && res.pids().is_some() {
        out.push("the pids limit is");
    }
    out
}

fn make_dir(dir: &Path, ctrl: &str, version: Version) -> Result<()> {
    // Create level by level, so cpuset parents get cpus/mems (v1 refuses tasks in a cpuset without them) and v2
    // parents delegate the controllers.
    let mut missing = Vec::new();
    let mut p = dir.to_path_buf();
    while !p.exists() {
        missing.push(p.clone());
        if !p.pop() {
            break;
        }
    }
    for d in missing.iter().rev() {
        let parent = d.parent().unwrap_or(Path::new("/"));
        if version == Version::V2 {
            // Enabling controllers may fail for the caller's own cgroup (no internal processes rule); the
            // limits that need them will then say so.
            let avail = read(parent, "cgroup.controllers").unwrap_or_default();
            let want: Vec<String> = avail
                .split_whitespace()
                .filter(|c| ["memory", "cpu", "cpuset", "pids", "io"].contains(c))
                .map(|c| format!("+{c}"))
                .collect();
            if !want.is_empty() {
                let _ = write(parent, "cgroup.subtree_control", &want.join(" "));
            }
        }
        match fs::create_dir(d) {
            Ok(()) => {}
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e).with_context(|| format!("creating cgroup {}", d.display())),
        }
        if version == Version::V1 && ctrl == "cpuset" {
            for f in ["cpuset.cpus", "cpuset.mems"] {
                if read(d, f).unwrap_or_default().is_empty()
                    && let Some(v) = read(parent, f)
                {
                    write(d, f, &v)?;
                }
            }
        }
    }
    Ok(())
}

fn apply_v1(ctrl: &str, dir: &Path, res: &LinuxResources) -> Result<()> {
    match ctrl {
        "memory" => {
            if let Some(m) = res.memory() {
                if let Some(l) = m.limit() {
                    write(dir, "memory.limit_in_bytes", &l.to_string())?;
                }
                // OCI swap is memory+swap, exactly v1's memsw; the file exists only with swap accounting.
                if let Some(s) = m.swap()
                    && dir.join("memory.memsw.limit_in_bytes").exists()
                {
                    write(dir, "memory.memsw.limit_in_bytes", &s.to_string())?;
                }
                if let Some(r) = m.reservation() {
                    write(dir, "memory.soft_limit_in_bytes", &r.to_string())?;
                }
                if let Some(sw) = m.swappiness() {
                    write(dir, "memory.swappiness", &sw.to_string())?;
                }
                if m.disable_oom_killer() == Some(true) {
                    write(dir, "memory.oom_control", "1")?;
                }
            }
        }
        "cpu" => {
            if let Some(c) = res.cpu() {
                if let Some(p) = c.period() {
                    write(dir, "cpu.cfs_period_us", &p.to_string())?;
                }
                if let Some(q) = c.quota() {
                    write(dir, "cpu.cfs_quota_us", &q.to_string())?;
                }
                if let Some(s) = c.shares() {
                    write(dir, "cpu.shares", &s.to_string())?;
                }
            }
        }
        "cpuset" => {
            if let Some(c) = res.cpu() {
                if let Some(cpus) = c.cpus() {
                    write(dir, "cpuset.cpus", cpus)?;
                }
                if let Some(mems) = c.mems() {
                    write(dir, "cpuset.mems", mems)?;
                }
            }
        }
        "blkio" => {
            if let Some(w) = blkio_weight(res) {
                write_weight(dir, &["blkio.weight", "blkio.bfq.weight"], w)?;
            }
            for (file, list) in throttles(res) {
                for (maj, min, rate) in list {
                    write(
                        dir,
                        &format!("blkio.throttle.{file}_device"),
                        &format!("{maj}:{min} {rate}"),
                    )?;
                }
            }
        }
        "pids" => {
            if let Some(p) = res.pids() {
                let v = if p.limit() > 0 {
                    p.limit().to_string()
                } else {
                    "max".into()
                };
                write(dir, "pids.max", &v)?;
            }
        }
        "devices" => {
            if let Some(rules) = res.devices() {
                for r in rules {
                    let file = if r.allow() {
                        "devices.allow"
                    } else {
                        "devices.deny"
                    };
                    write(dir, file, &r.to_string())?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// v2: a limit file is missing when its controller is not enabled in the parent's cgroup.subtree_control
/// (the cgroup berth runs in holds processes, so it cannot delegate: the "no internal processes" rule).
fn write_v2(dir: &Path, file: &str, value: &str) -> Result<()> {
    if !dir.join(file).exists() {
        let ctrl = file.split('.').next().unwrap_or(file);
        bail!(
            "cgroup v2 controller {ctrl} is not enabled for {} (the parent's cgroup.subtree_control must list it), \
             so {file} cannot be set",
            dir.display()
        );
    }
    write(dir, file, value)
}

fn apply_v2(dir: &Path, res: &LinuxResources) -> Result<()> {
    if let Some(m) = res.memory() {
        if let Some(l) = m.limit() {
            write_v2(dir, "memory.max", &max_or(l))?;
            if let Some(s) = m.swap() {
                // OCI swap is memory+swap; v2 counts swap alone.
                let v = if s < 0 {
                    "max".to_string()
                } else {
                    (s - l).max(0).to_string()
                };
                write_v2(dir, "memory.swap.max", &v)?;
            }
        }
        if let Some(r) = m.reservation() {
            write_v2(dir, "memory.low", &max_or(r))?;
        }
    }
    if let Some(c) = res.cpu() {
        if c.quota().is_some() || c.period().is_some() {
            let q = c
                .quota()
                .filter(|q| *q > 0)
                .map(|q| q.to_string())
                .unwrap_or_else(|| "max".into());
            write(
                dir,
                "cpu.max",
                &format!("{q} {}", c.period().unwrap_or(100_000)),
            )?;
        }
        if let Some(s) = c.shares().filter(|s| *s > 0) {
            // runc's conversion from shares [2, 262144] to weight [1, 10000].
            let w = 1 + ((s.clamp(2, 262_144) - 2) * 9999) / 262_142;
            write_v2(dir, "cpu.weight", &w.to_string())?;
        }
        if let Some(cpus) = c.cpus() {
            write_v2(dir, "cpuset.cpus", cpus)?;
        }
        if let Some(mems) = c.mems() {
            write_v2(dir, "cpuset.mems", mems)?;
        }
    }
    if let Some(p) = res.pids() {
        write_v2(dir, "pids.max", &max_or(p.limit()))?;
    }
    // v2: one io.max line per device ("MAJ:MIN rbps=N wbps=N riops=N wiops=N").
    let mut io_max: BTreeMap<(i64, i64), Vec<String>> = BTreeMap::new();
    for (stem, list) in throttles(res) {
        let key = match stem {
            "read_bps" => "rbps",
            "write_bps" => "wbps",
            "read_iops" => "riops",
            _ => "wiops",
        };
        for (maj, min, rate) in list {
            io_max
                .entry((maj, min))
                .or_default()
                .push(format!("{key}={rate}"));
        }
    }
    for ((maj, min), limits) in io_max {
        write_v2(dir, "io.max", &format!("{maj}:{min} {}", limits.join(" ")))?;
    }
    if let Some(w) = blkio_weight(res) {
        // v2's io.weight is 1 to 10000 (runc's conversion of blkio's 10 to 1000).
        let v2 = 1 + (u32::from(w).clamp(10, 1000) - 10) * 9999 / 990;
        write_weight(dir, &["io.bfq.weight", "io.weight"], v2 as u16)?;
    }
    Ok(())
}

/// A device throttle: (major, minor, rate).
type Throttle = (i64, i64, u64);

/// The device throttles as (v1 file stem, throttles).
fn throttles(res: &LinuxResources) -> Vec<(&'static str, Vec<Throttle>)> {
    let Some(b) = res.block_io() else {
        return Vec::new();
    };
    let rate = |l: &Option<Vec<oci_spec::runtime::LinuxThrottleDevice>>| -> Vec<Throttle> {
        l.iter()
            .flatten()
            .map(|t| (t.major(), t.minor(), t.rate()))
            .collect()
    };
    vec![
        ("read_bps", rate(b.throttle_read_bps_device())),
        ("write_bps", rate(b.throttle_write_bps_device())),
        ("read_iops", rate(b.throttle_read_iops_device())),
        ("write_iops", rate(b.throttle_write_iops_device())),
    ]
}

fn throttled(res: &LinuxResources) -> bool {
    throttles(res).iter().any(|(_, l)| !l.is_empty())
}

fn blkio_weight(res: &LinuxResources) -> Option<u16> {
    res.block_io().as_ref()?.weight().filter(|w| *w > 0)
}

/// The first of `files` the kernel has (the I/O scheduler decides which); none: the weight cannot apply
/// (the engine warns at create, as docker does, `blkio_weight_supported`).
fn write_weight(dir: &Path, files: &[&str], w: u16) -> Result<()> {
    match files.iter().find(|f| dir.join(f).exists()) {
        Some(f) => write(dir, f, &w.to_string()),
        None => Ok(()),
    }
}

/// Whether this host can apply `--blkio-weight` (docker's sysinfo check: a weight file in the blkio
/// hierarchy, or io.weight in cgroup v2).
pub fn blkio_weight_supported() -> bool {
    match version() {
        Version::V1 => v1_mounts()
            .iter()
            .find(|(_, cs)| cs.iter().any(|c| c == "blkio"))
            .is_some_and(|(mp, _)| {
                mp.join("blkio.weight").exists() || mp.join("blkio.bfq.weight").exists()
            }),
        Version::V2 => read(Path::new("/sys/fs/cgroup"), "cgroup.controllers")
            .is_some_and(|c| c.split_whitespace().any(|x| x == "io")),
    }
}

/// Whether the cgroup version is 2 (memory swappiness and the OOM killer switch are v1 only).
pub fn is_v2() -> bool {
    version() == Version::V2
}

fn max_or(v: i64) -> String {
    if v <= 0 { "max".into() } else { v.to_string() }
}

/// Puts `pid` into every directory of the container's cgroup.
pub(crate) fn place(created: &Created, pid: i32) -> Result<()> {
    for d in &created.dirs {
        write(d, "cgroup.procs", &pid.to_string())?;
    }
    Ok(())
}

/// Puts `pid` into an existing container cgroup (exec). Controllers whose directory is missing are skipped
/// (rootless containers may have none).
pub(crate) fn join(name: &str, pid: i32) -> Result<()> {
    for (_, d) in dirs(name)? {
        if d.is_dir() {
            write(&d, "cgroup.procs", &pid.to_string())?;
        }
    }
    Ok(())
}

fn remove_dirs(dirs: &[PathBuf]) {
    // Deepest first does not matter here: these are siblings in different hierarchies.
    for d in dirs {
        let _ = fs::remove_dir(d);
    }
}

fn freezer_dir(name: &str) -> Result<(Version, PathBuf)> {
    let v = version();
    let d = dirs(name)?
        .into_iter()
        .find(|(c, _)| v == Version::V2 || c == "freezer")
        .map(|(_, d)| d)
        .context("no freezer cgroup controller is mounted")?;
    Ok((v, d))
}

/// Freezes every process of the container (docker pause) and waits until the kernel says frozen.
pub fn freeze(name: &str) -> Result<()> {
    set_frozen(name, true)
}

/// Thaws the container (docker unpause).
pub fn thaw(name: &str) -> Result<()> {
    set_frozen(name, false)
}

fn set_frozen(name: &str, frozen: bool) -> Result<()> {
    let (v, d) = freezer_dir(name)?;
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let done = match v {
            Version::V1 => {
                write(
                    &d,
                    "freezer.state",
                    if frozen { "FROZEN" } else { "THAWED" },
                )?;
                read(&d, "freezer.state").as_deref()
                    == Some(if frozen { "FROZEN" } else { "THAWED" })
            }
            Version::V2 => {
                write(&d, "cgroup.freeze", if frozen { "1" } else { "0" })?;
                let want = if frozen { "frozen 1" } else { "frozen 0" };
                read(&d, "cgroup.events").is_some_and(|e| e.lines().any(|l| l == want))
            }
        };
        if done {
            return Ok(());
        }
        if Instant::now() > deadline {
            bail!(
                "cgroup {} did not become {}",
                d.display(),
                if frozen { "frozen" } else { "thawed" }
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Memory, CPU and pid counts of the container's cgroup.
pub fn stats(name: &str) -> Result<Stats> {
    let mut s = Stats::default();
    let num = |d: &Path, f: &str| read(d, f).and_then(|v| v.parse::<u64>().ok());
    for (ctrl, d) in dirs(name)? {
        if !d.is_dir() {
            continue;
        }
        match (version(), ctrl.as_str()) {
            (Version::V2, _) => {
                s.memory_usage = num(&d, "memory.current").unwrap_or(0);
                s.memory_limit = num(&d, "memory.max");
                s.cpu_usage_ns = read(&d, "cpu.stat")
                    .and_then(|c| {
                        c.lines().find_map(|l| {
                            l.strip_prefix("usage_usec ")
                                .and_then(|v| v.parse::<u64>().ok())
                        })
                    })
                    .map(|us| us * 1000)
                    .unwrap_or(0);
                s.pids = num(&d, "pids.current").unwrap_or(0);
            }
            (Version::V1, "memory") => {
                s.memory_usage = num(&d, "memory.usage_in_bytes").unwrap_or(0);
                // An unlimited v1 memory cgroup reports PAGE_COUNTER_MAX rounded to pages (about 2^63).
                s.memory_limit = num(&d, "memory.limit_in_bytes").filter(|l| *l < (1u64 << 62));
            }
            (Version::V1, "cpu") | (Version::V1, "cpuacct") => {
                if let Some(u) = num(&d, "cpuacct.usage") {
                    s.cpu_usage_ns = u;
                }
            }
            (Version::V1, "pids") => s.pids = num(&d, "pids.current").unwrap_or(0),
            _ => {}
        }
    }
    Ok(s)
}

/// Whether the kernel OOM-killed a process of the container (docker's State.OOMKilled).
pub fn oom_killed(name: &str) -> bool {
    let Ok(ds) = dirs(name) else { return false };
    let count = |text: Option<String>, key: &str| {
        text.and_then(|t| {
            t.lines().find_map(|l| {
                l.strip_prefix(key)
                    .and_then(|v| v.trim().parse::<u64>().ok())
            })
        })
    };
    for (ctrl, d) in ds {
        match version() {
            Version::V2 => {
                return count(read(&d, "memory.events"), "oom_kill ").is_some_and(|n| n > 0);
            }
            Version::V1 if ctrl == "memory" => {
                // memory.oom_control has "oom_kill N" since Linux 4.13; failcnt alone also counts reclaim hits.
                return count(read(&d, "memory.oom_control"), "oom_kill ").is_some_and(|n| n > 0);
            }
            Version::V1 => {}
        }
    }
    false
}

/// Pids (host view) in the container's cgroup.
pub fn pids(name: &str) -> Vec<i32> {
    let Ok(ds) = dirs(name) else {
        return Vec::new();
    };
    pids_in(&ds)
}

/// [`pids`] of the cgroup made of `ds` (from [`dirs`]).
fn pids_in(ds: &[(String, PathBuf)]) -> Vec<i32> {
    let pick = ds
        .iter()
        .find(|(c, d)| ["pids", "freezer", "memory", "unified"].contains(&c.as_str()) && d.is_dir())
        .or_else(|| ds.iter().find(|(_, d)| d.is_dir()));
    let Some((_, d)) = pick else {
        return Vec::new();
    };
    read(d, "cgroup.procs")
        .map(|s| s.lines().filter_map(|l| l.trim().parse().ok()).collect())
        .unwrap_or_default()
}

/// Kills every process in the cgroup (freeze, SIGKILL, thaw, so none can fork away) and removes the
/// directories. Idempotent.
pub(crate) fn destroy(name: &str) -> Result<()> {
    let ds = dirs(name)?;
    if !ds.iter().any(|(_, d)| d.is_dir()) {
        return Ok(());
    }
    let v2_kill = ds
        .first()
        .map(|(_, d)| d.join("cgroup.kill"))
        .filter(|p| p.exists());
    if pids_in(&ds).is_empty() {
        // The usual case after a payload's exit: it was pid 1 of its own pid namespace, and the kernel
        // killed the rest with it. Nothing to freeze and kill, only directories to remove.
    } else if let Some(k) = v2_kill {
        let _ = fs::write(k, "1");
    } else {
        let frozen = freeze(name).is_ok();
        for pid in pids(name) {
            // SAFETY: kill(2) with a pid read from the container's cgroup; no memory is touched.
            unsafe { libc::kill(pid, libc::SIGKILL) };
        }
        if frozen {
            let _ = thaw(name);
        }
    }
    let deadline = Instant::now() + Duration::from_secs(10);
    while !pids_in(&ds).is_empty() {
        if Instant::now() > deadline {
            bail!("processes of cgroup {name} did not exit after SIGKILL");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut errs = Vec::new();
    for (_, d) in ds {
        // Removal can briefly fail with EBUSY while the last task is being released.
        let deadline = Instant::now() + Duration::from_secs(2);
        loop {
            match fs::remove_dir(&d) {
                Ok(()) => break,
                Err(e) if e.kind() == ErrorKind::NotFound => break,
                Err(e) if Instant::now() < deadline && e.raw_os_error() == Some(libc::EBUSY) => {
                    std::thread::sleep(Duration::from_millis(10));
                }
                Err(e) => {
                    errs.push(format!("removing cgroup {}: {e}", d.display()));
                    break;
                }
            }
        }
    }
    if !errs.is_empty() {
        bail!("{}", errs.join("; "));
    }
    Ok(())
}

/// `update`: write new limits into an existing container cgroup (device rules stay as created). On v1
/// the memory and memory+swap limits are written in the order the kernel accepts (memsw may never be
/// below the memory limit), as runc does. Controllers whose directory is missing are skipped.
pub fn update(name: &str, res: &LinuxResources) -> Result<()> {
    let v = version();
    for (ctrl, dir) in dirs(name)? {
        if !dir.is_dir() {
            continue;
        }
        match v {
            Version::V2 => apply_v2(&dir, res)?,
            Version::V1 if ctrl == "memory" => {
                let Some(m) = res.memory() else { continue };
                let memsw = dir.join("memory.memsw.limit_in_bytes").exists();
                let cur_swap = read(&dir, "memory.memsw.limit_in_bytes")
                    .and_then(|x| x.parse::<i64>().ok())
                    .unwrap_or(i64::MAX);
                let (limit, swap) = (m.limit(), m.swap().filter(|_| memsw));
                let swap_first =
                    swap.is_some_and(|s| s == -1 || limit.is_some_and(|l| l > cur_swap));
                if swap_first && let Some(s) = swap {
                    write(&dir, "memory.memsw.limit_in_bytes", &s.to_string())?;
                }
                if let Some(l) = limit {
                    write(&dir, "memory.limit_in_bytes", &l.to_string())?;
                }
                if !swap_first && let Some(s) = swap {
                    write(&dir, "memory.memsw.limit_in_bytes", &s.to_string())?;
                }
                // The soft limit (`--memory-reservation`); -1 takes it away.
                let soft = m.reservation().map_or(-1, |r| r);
                write(&dir, "memory.soft_limit_in_bytes", &soft.to_string())?;
            }
            Version::V1 if ctrl != "devices" => apply_v1(&ctrl, &dir, res)?,
            Version::V1 => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cgroup_names_cannot_climb_out() {
        crate::testing::assert_err(check_name("../x"), "invalid cgroup name \"../x\"");
        crate::testing::assert_err(check_name("/a/../b"), "invalid cgroup name \"/a/../b\"");
        crate::testing::assert_err(check_name("/"), "invalid cgroup name \"/\"");
        assert!(check_name("/abs/x").is_ok());
        crate::testing::assert_err(check_name(""), "invalid cgroup name \"\"");
        assert!(check_name("berth/abc").is_ok());
    }
}
