//! What a container does because it is in a pod (pod membership hooks): before its monitor is spawned,
//! the infra sets up the pod's shm and cgroup and a member joins the infra's namespaces
//! ([`prepare_start`]); `rm` and `container prune` spare a live pod's infra ([`guard_infra_removal`],
//! [`is_live_infra`]); a member joining a shared PID namespace needs a sealed monitor
//! ([`monitor_needs_seal`]); `run --init` makes berth's reaper PID 1 ([`add_init`]).
//!
//! These live beside the container verbs, not in engine::pod: the container verbs call them, and pod
//! calls the container verbs, so the dependency runs one way (engine::pod -> engine::container).
//! Depends on state (the pod records), store, runtime::cgroup and monitor (the pod cgroup's name).

use crate::engine::Context;
use crate::state::pod::{PodRecord, Pods};
use crate::state::{ContainerRecord, Containers};
use crate::store::{self, Paths};
use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};
use std::fs;
use std::path::{Path, PathBuf};

/// Where berth's binary appears inside the infra container.
pub const INFRA_BINARY: &str = "/berth";

/// Host files to bind into the infra root: berth's binary at [`INFRA_BINARY`] and, when it is dynamically
/// linked, every shared library `ldd` names at its own path (the infra root is otherwise empty).
pub(crate) fn infra_binds() -> Result<Vec<(PathBuf, String)>> {
    let exe = fs::read_link("/proc/self/exe").context("resolving berth's binary")?;
    let exe = if exe.to_string_lossy().starts_with("/memfd:") {
        std::env::current_exe().context("resolving berth's binary")?
    } else {
        exe
    };
    let mut out = vec![(exe.clone(), INFRA_BINARY.to_string())];
    // A statically linked berth (the release build, README) needs no library.
    if cfg!(target_feature = "crt-static") {
        return Ok(out);
    }
    let ldd = std::process::Command::new("ldd")
        .arg(&exe)
        .env_clear()
        .env("PATH", crate::spec::DEFAULT_PATH)
        .output()
        .context("running ldd on berth's binary")?;
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"
    for line in String::from_utf8_lossy(&ldd.stdout).lines() {
        let path = match line.split_once("=>") {
            Some((_, rest)) => rest.split_whitespace().next(),
            None => line.split_whitespace().next(),
        };
        if let Some(p) = path.filter(|p| p.starts_with('/')) {
            out.push((PathBuf::from(p), p.to_string()));
        }
    }
    Ok(out)
}

/// Where `--init` puts berth's binary and its libraries inside a container: under the container's own
/// /dev tmpfs, so nothing is written into the image's filesystem (docker uses /sbin/docker-init).
const INIT_DIR: &str = "/dev/.berth-init";

/// `run --init`: make berth's reaper (`internal init`, [`crate::monitor::reaper::run_reaper`]) PID 1 of the
/// container and the user's command its child. A statically linked berth is bound read-only at
/// `INIT_DIR/berth` and the container's init runs it from the monitor's sealed copy, as the pod's pause
/// (docs/security.md F1). A dynamically linked one needs its own libraries (the image has its own): it runs
/// through its own loader with its own library dir, all bound read-only into [`INIT_DIR`], and the loader
/// maps berth from the sealed copy.
pub fn add_init(spec: &mut Value) -> Result<()> {
    let binds = infra_binds()?;
    let mut loader = None;
    let mounts = spec["mounts"]
        .as_array_mut()
        .context("spec without mounts")?;
    for (i, (host, inside)) in binds.iter().enumerate() {
        let name = Path::new(inside)
            .file_name()
            .context("library without a name")?
            .to_string_lossy()
            .to_string();
        let dest = if i == 0 {
            format!("{INIT_DIR}/berth")
        } else {
            format!("{INIT_DIR}/lib/{name}")
        };
        if name.starts_with("ld-linux") || name.starts_with("ld64") || name.starts_with("ld-musl") {
            loader = Some(dest.clone());
        }
        mounts.push(json!({"destination": dest, "type": "bind", "source": host,
            "options": ["bind", "ro", "nosuid", "nodev"]}));
    }
    let user_args: Vec<Value> = spec["process"]["args"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut args = if cfg!(target_feature = "crt-static") {
        vec![json!(format!("{INIT_DIR}/berth"))]
    } else {
        let loader = loader.context("berth's dynamic loader not found by ldd")?;
        vec![
            json!(loader),
            json!("--library-path"),
            json!(format!("{INIT_DIR}/lib")),
            json!(format!("{INIT_DIR}/berth")),
        ]
    };
    args.extend([json!("internal"), json!("init"), json!("--")]);
    args.extend(user_args);
    spec["process"]["args"] = json!(args);
    Ok(())
}

pub(crate) fn read_spec(c: &Containers, id: &str) -> Result<Value> {
    let p = c.dir(id).join("config.json");
    serde_json::from_slice(&fs::read(&p).with_context(|| format!("reading {}", p.display()))?)
        .with_context(|| format!("parsing {}", p.display()))
}

pub(crate) fn write_spec(c: &Containers, id: &str, spec: &Value) -> Result<()> {
    store::write_atomic(
        &c.dir(id).join("config.json"),
        &serde_json::to_vec_pretty(spec).context("encoding spec")?,
    )
}

/// The OCI namespace type of a pod share kind.
fn oci_ns(kind: &str) -> &str {
    match kind {
        "net" => "network",
        k => k,
    }
}

/// Point the spec's `kind` namespace entry at `path` (None: a new namespace), adding the entry if missing.
pub(crate) fn set_namespace(spec: &mut Value, kind: &str, path: Option<&Path>) -> Result<()> {
    let nss = spec["linux"]["namespaces"]
        .as_array_mut()
        .context("spec without namespaces")?;
    nss.retain(|n| n["type"] != kind);
    let mut e = json!({"type": kind});
    if let Some(p) = path {
        e["path"] = json!(p);
    }
    nss.push(e);
    Ok(())
}

/// Replace the mount at `dest` with a bind of `source`.
pub(crate) fn set_bind(
    spec: &mut Value,
    dest: &str,
    source: &Path,
    options: &[&str],
) -> Result<()> {
    let mounts = spec["mounts"]
        .as_array_mut()
        .context("spec without mounts")?;
    let m = json!({"destination": dest, "type": "bind", "source": source, "options": options});
    match mounts.iter_mut().find(|m| m["destination"] == dest) {
        Some(slot) => *slot = m,
        None => mounts.push(m),
    }
    Ok(())
}

/// True when `path` is a mount point (its device differs from its parent's).
pub(crate) fn is_mountpoint(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Ok(a), Some(Ok(b))) = (fs::metadata(path), path.parent().map(fs::metadata)) else {
        return false;
    };
    a.dev() != b.dev()
}

/// Mount the pod's shared /dev/shm (a tmpfs of `size` bytes, 64 MiB as docker's default, podman's
/// `--shm-size`) unless it is mounted.
fn mount_shm(pods: &Pods, id: &str, size: Option<u64>) -> Result<PathBuf> {
    let shm = pods.shm_dir(id);
    fs::create_dir_all(&shm).with_context(|| format!("creating {}", shm.display()))?;
    // Rootless, berth cannot mount on the host: the directory itself (on the run root, a tmpfs under
    // XDG_RUNTIME_DIR) is shared instead, without a size limit of its own.
    if !pods.paths.rootless && !is_mountpoint(&shm) {
        nix::mount::mount(
            Some("shm"),
            &shm,
            Some("tmpfs"),
            nix::mount::MsFlags::MS_NOSUID
                | nix::mount::MsFlags::MS_NODEV
                | nix::mount::MsFlags::MS_NOEXEC,
            Some(format!("mode=1777,size={}", size.unwrap_or(64 << 20)).as_str()),
        )
        .with_context(|| format!("mounting the pod's shm at {}", shm.display()))?;
    }
    Ok(shm)
}

/// Hook of `container::start`, called with the container's lock held before its monitor is spawned: for
/// the infra, set up the pod's network and shm; for a member, start the infra if needed and point the
/// member's spec at the infra's namespaces. A container outside any pod is left alone.
/// Returns warnings for the user (limits of the pod that could not be applied, rootless).
pub fn prepare_start(ctx: &Context, rec: &ContainerRecord) -> Result<Vec<String>> {
    let paths = &ctx.paths;
    let Some(pod_id) = rec.config.pod.as_deref() else {
        return Ok(Vec::new());
    };
    let pods = Pods::new(paths);
    let pod = pods.load(pod_id)?;
    if pod.infra_id == rec.id {
        return prepare_infra(paths, &pods, &pod);
    }
    if !pod.has_infra() {
        // `--infra=false`: nothing to join; the member only runs inside the pod's cgroup (its limits).
        return create_cgroup(paths, &pod);
    }
    let c = Containers::new(paths);
    let (infra_pid, warnings) = {
        let _l = pods.lock(pod_id)?;
        let st = c.peek(&pod.infra_id)?;
        if st.is_running() {
            (st.pid, Vec::new())
        } else {
            let s = super::start(ctx, &pod.infra_id, false)
                .context("starting the pod's infra container")?;
            (s.pid, s.warnings)
        }
    };
    let mut spec = read_spec(&c, &rec.id)?;
    for kind in &pod.share {
        let p = PathBuf::from(format!("/proc/{infra_pid}/ns/{kind}"));
        set_namespace(&mut spec, oci_ns(kind), Some(&p))?;
    }
    if paths.rootless {
        // Rootless, the infra's namespaces belong to its user namespace; only a process inside it may
        // join them (setns(2) needs CAP_SYS_ADMIN over the owning user namespace), so members join it too.
        set_namespace(
            &mut spec,
            "user",
            Some(&PathBuf::from(format!("/proc/{infra_pid}/ns/user"))),
        )?;
    }
    let infra_dir = c.dir(&pod.infra_id);
    if pod.shares("uts") {
        // The hostname belongs to the pod: a joined UTS namespace already has it.
        if let Some(o) = spec.as_object_mut() {
            o.remove("hostname");
        }
        if let Some(env) = spec["process"]["env"].as_array_mut() {
            env.retain(|e| !e.as_str().is_some_and(|s| s.starts_with("HOSTNAME=")));
            env.push(json!(format!("HOSTNAME={}", pod.hostname)));
        }
    }
    if pod.shares("net") {
        let opts = ["rbind", "rprivate", "nosuid", "nodev", "noexec"];
        for f in ["hosts", "resolv.conf", "hostname"] {
            set_bind(&mut spec, &format!("/etc/{f}"), &infra_dir.join(f), &opts)?;
        }
        if pod.no_hosts {
            // podman's `--no-hosts`: the members see their image's own /etc/hosts.
            if let Some(m) = spec["mounts"].as_array_mut() {
                m.retain(|m| m["destination"] != "/etc/hosts");
            }
        }
    }
    if pod.shares("ipc") {
        set_bind(
            &mut spec,
            "/dev/shm",
            &pods.shm_dir(pod_id),
            &["rbind", "rprivate", "nosuid", "nodev", "noexec"],
        )?;
    }
    write_spec(&c, &rec.id, &spec)?;
    Ok(warnings)
}

fn prepare_infra(paths: &Paths, pods: &Pods, pod: &PodRecord) -> Result<Vec<String>> {
    let c = Containers::new(paths);
    let warnings = create_cgroup(paths, pod)?;
    let mut spec = read_spec(&c, &pod.infra_id)?;
    if pod.shares("ipc") {
        let shm = mount_shm(pods, &pod.id, pod.shm_size)?;
        set_bind(
            &mut spec,
            "/dev/shm",
            &shm,
            &["rbind", "rprivate", "nosuid", "nodev", "noexec"],
        )?;
    }
    write_spec(&c, &pod.infra_id, &spec)?;
    Ok(warnings)
}

/// Create the pod's cgroup with the pod's limits (idempotent: the pod restarts into it). The containers'
/// cgroups are created inside it by their runtime, so the limits hold for their sum, as the limits of
/// podman's pod cgroup parent do. Rootless, a cgroup that is not delegated becomes a warning.
fn create_cgroup(paths: &Paths, pod: &PodRecord) -> Result<Vec<String>> {
    let mut res = json!({});
    if let Some(m) = pod.memory {
        res["memory"] = json!({"limit": m});
    }
    if let Some(n) = pod.nano_cpus {
        // docker's --cpus: a CFS quota per 100ms period.
        res["cpu"] = json!({"period": 100_000u64, "quota": n / 10_000});
    }
    let res: oci_spec::runtime::LinuxResources =
        serde_json::from_value(res).context("building the pod's cgroup limits")?;
    let created = crate::runtime::cgroup::create(
        &crate::monitor::pod_cgroup_name(&pod.id),
        Some(&res),
        paths.rootless,
    )
    .context("creating the pod's cgroup")?;
    Ok(created.warnings)
}

/// True when the container's monitor will join its pod's PID namespace: it must then run from a sealed
/// binary (the runtime refuses otherwise; CVE-2019-5736).
pub fn monitor_needs_seal(paths: &Paths, container_id: &str) -> bool {
    let c = Containers::new(paths);
    let Ok(rec) = c.load_record(container_id) else {
        return false;
    };
    let Some(pod_id) = rec.config.pod.as_deref() else {
        return false;
    };
    Pods::new(paths)
        .load(pod_id)
        .is_ok_and(|p| p.infra_id != rec.id && p.shares("pid"))
}

/// True when `rec` is the infra container of a pod that is not being removed: `rm` refuses it and
/// `container prune` skips it, as podman does, since the pod cannot start again without it.
pub fn is_live_infra(paths: &Paths, rec: &ContainerRecord) -> bool {
    let Some(pod_id) = rec.config.pod.as_deref() else {
        return false;
    };
    let pods = Pods::new(paths);
    pods.load(pod_id).is_ok_and(|p| p.infra_id == rec.id)
        && !pods.run_dir(pod_id).join("removing").exists()
}

/// The hook of `container::remove`: podman's refusal to remove a pod's infra container on its own.
pub fn guard_infra_removal(paths: &Paths, rec: &ContainerRecord) -> Result<()> {
    if is_live_infra(paths, rec) {
        let pod = rec.config.pod.as_deref().unwrap_or_default();
        bail!(super::InvalidState(format!(
            "container {} is the infra container of pod {pod} and cannot be removed without removing the pod",
            rec.id
        )));
    }
    Ok(())
}
