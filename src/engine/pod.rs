//! Pod verbs (podman 4.3's semantics): create, start, stop, restart, kill, pause, unpause,
//! rm, prune, exists, ps, inspect, top, logs; `run --init` ([`add_init`]); and the hooks the container
//! path calls: [`prepare_start`] (before a pod container's monitor is spawned), [`monitor_needs_seal`],
//! [`join_options`] (`run --pod`), [`guard_infra_removal`] and [`is_live_infra`] (`rm`, `container prune`).
//!
//! A pod is a record (`state::pod`) plus an infra container: an ordinary container record whose image is
//! an empty directory (`<root>/pods/<id>/infra-root`) into which berth's own binary and the shared libraries
//! it needs are bind-mounted read-only, and whose payload is `/berth internal pause` (`monitor::pause`), as
//! podman's default infra is an empty rootfs with catatonit bind-mounted (`prepareCatatonitMount`). The
//! infra is supervised by a monitor like any container, and that monitor sets up the pod's network (the
//! infra's `--network`, published ports and hostname are the pod's) and tears it down when the infra
//! exits. The pod's /dev/shm is one tmpfs at `<run_root>/pods/<id>/shm` (rootless: a plain directory)
//! bind-mounted into every container of the pod (podman bind-mounts the infra's shm the same way).
//!
//! Members join the infra's namespaces through `/proc/<infra pid>/ns/<type>` entries in their spec
//! (docs/architecture.md: pod members use the launch path with namespace paths), rootless also its user
//! namespace; the paths are rewritten at every start, because the infra's pid changes when the pod
//! restarts. A member's network mode is `container:<infra id>`, so its monitor's network setup joins
//! the pod's namespace too. Pod-level `--memory`/`--cpus` are the limits of the pod's own cgroup
//! (`monitor::pod_cgroup_name`, created when the infra starts, removed by pod stop/rm), the parent of every
//! container cgroup of the pod (`monitor::cgroup_name`), so they bound the sum of the pod's containers.
//! `--exit-policy stop` is applied by the last member's monitor as it exits ([`member_exited`]), and,
//! for monitors killed with -9, whenever the pod is looked at.
//! Depends on engine::container, state, spec types, network, runtime (the pod cgroup, pids for top), store.
//! Invariant: a member is only launched while its pod's infra is running, and `rm -f` leaves no process,
//! mount, netns, veth, forwarder, cgroup or directory of the pod behind.

use crate::engine::container::{self as ctr, ImageInfo};
use crate::network;
use crate::spec::{ImageConfig, RunOptions};
use crate::state::pod::{DEFAULT_SHARE, ExitPolicy, PodError, PodPort, PodRecord, Pods, SHAREABLE};
use crate::state::{ContainerRecord, Containers, Status};
use crate::store::{self, Paths};
use crate::time::rfc3339_nano;
use anyhow::{Context, Result, bail};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// Where berth's binary appears inside the infra container.
pub const INFRA_BINARY: &str = "/berth";
/// The image name the infra container shows (it has no image).
pub const INFRA_IMAGE: &str = "berth-pause";

/// What `pod create` asks for, typed.
#[derive(Debug, Clone, Default)]
pub struct CreateOptions {
    pub name: Option<String>,
    /// Shared namespace kinds; empty means the default set.
    pub share: Vec<String>,
    pub hostname: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub ports: Vec<PodPort>,
    /// `--network`; empty means "bridge" (rootful) or "none" (rootless).
    pub network: String,
    pub memory: Option<i64>,
    pub nano_cpus: Option<i64>,
    pub exit_policy: ExitPolicy,
    pub create_command: Vec<String>,
}

/// Resolve `--share` values as podman does: a list replaces the default set, `+x` adds to it.
pub fn resolve_share(values: &[String]) -> Result<Vec<String>> {
    let mut set: Vec<String> = DEFAULT_SHARE.iter().map(|s| s.to_string()).collect();
    let mut replaced = false;
    for v in values {
        let (add, list) = match v.strip_prefix('+') {
            Some(rest) => (true, rest),
            None => (false, v.as_str()),
        };
        if !add && !replaced {
            set.clear();
            replaced = true;
        }
        for ns in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let ns = if ns == "network" { "net" } else { ns };
            if ns == "none" {
                continue;
            }
            if !SHAREABLE.contains(&ns) {
                bail!(
                    "invalid kernel namespace to share: {ns}. Options are: cgroup, ipc, net, pid, uts or none"
                );
            }
            if !set.iter().any(|s| s == ns) {
                set.push(ns.to_string());
            }
        }
    }
    set.sort();
    Ok(set)
}

fn random_pod_name(id: &str) -> String {
    format!("pod_{}", &id[..10])
}

/// `pod create`: the record, the infra root and the infra container (created, not started, as podman).
pub fn create(paths: &Paths, opts: CreateOptions) -> Result<String> {
    paths.ensure()?;
    let pods = Pods::new(paths);
    let id = pods.new_id()?;
    let dir = pods.dir(&id);
    store::create_private_dir(&dir)?;
    let name = opts.name.clone().unwrap_or_else(|| random_pod_name(&id));
    if let Err(e) = pods.reserve_name(&name, &id) {
        let _ = fs::remove_dir_all(&dir);
        return Err(e);
    }
    match create_infra(paths, &pods, &id, &name, &opts) {
        Ok(()) => Ok(id),
        Err(e) => {
            let _ = pods.release_name(&name, &id);
            let _ = fs::remove_dir_all(&dir);
            let _ = fs::remove_dir_all(pods.run_dir(&id));
            Err(e)
        }
    }
}

fn create_infra(
    paths: &Paths,
    pods: &Pods,
    id: &str,
    name: &str,
    opts: &CreateOptions,
) -> Result<()> {
    let share = if opts.share.is_empty() {
        resolve_share(&[])?
    } else {
        opts.share.clone()
    };
    let shares_net = share.iter().any(|s| s == "net");
    if !shares_net && (!opts.ports.is_empty() || !opts.network.is_empty()) {
        bail!("you must share the network namespace to set network options (--network, -p)");
    }
    // podman's rootful default is its bridge network; rootless, the infra's monitor attaches pasta.
    let network = if !shares_net {
        "none".to_string()
    } else if opts.network.is_empty() {
        network::ipam::DEFAULT_NETWORK.to_string()
    } else {
        opts.network.clone()
    };
    if !share.iter().any(|s| s == "uts") && opts.hostname.is_some() {
        bail!("you must share the UTS namespace to set a pod hostname");
    }
    let hostname = opts.hostname.clone().unwrap_or_else(|| name.to_string());
    let root = pods.dir(id).join("infra-root");
    let binds = infra_binds()?;
    build_infra_root(&root, &binds)?;
    let image = ImageInfo {
        id: String::new(),
        name: INFRA_IMAGE.to_string(),
        layers: vec![root],
        config: ImageConfig {
            entrypoint: Some(vec![INFRA_BINARY.into(), "internal".into(), "pause".into()]),
            env: vec![format!("PATH={}", crate::spec::DEFAULT_PATH)],
            ..Default::default()
        },
    };
    let ports = opts
        .ports
        .iter()
        .map(|p| -> Result<network::PortMapping> {
            Ok(network::PortMapping {
                host_ip: p
                    .host_ip
                    .as_deref()
                    .map(str::parse)
                    .transpose()
                    .context("invalid host ip")?,
                host_port: p.host_port,
                container_port: p.container_port,
                proto: p.proto.parse()?,
            })
        })
        .collect::<Result<_>>()?;
    // The infra's monitor sets up (and tears down) the pod's network like any container's: the network,
    // the published ports and the hostname are the infra's.
    let run = RunOptions {
        name: Some(format!("{}-infra", &id[..12])),
        hostname: Some(hostname.clone()),
        labels: BTreeMap::new(),
        network: network.clone(),
        net: network::NetOptions {
            ports,
            ..Default::default()
        },
        pod: Some(id.to_string()),
        // The pause process needs no capability at all.
        cap_drop: vec!["ALL".into()],
        ..Default::default()
    };
    let infra_id = ctr::create(paths, &image, run)?;
    let result = (|| -> Result<()> {
        let c = Containers::new(paths);
        let mut spec = read_spec(&c, &infra_id)?;
        let mounts = spec["mounts"]
            .as_array_mut()
            .context("spec without mounts")?;
        for (host, inside) in &binds {
            mounts.push(
                json!({"destination": inside, "type": "bind", "source": host,
                "options": ["bind", "ro", "nosuid", "nodev"]}),
            );
        }
        write_spec(&c, &infra_id, &spec)?;
        let rec = PodRecord {
            id: id.to_string(),
            name: name.to_string(),
            created: rfc3339_nano(SystemTime::now()),
            labels: opts.labels.clone(),
            share,
            hostname,
            ports: opts.ports.clone(),
            network,
            memory: opts.memory,
            nano_cpus: opts.nano_cpus,
            exit_policy: opts.exit_policy,
            create_command: opts.create_command.clone(),
            infra_id: infra_id.clone(),
        };
        pods.save(&rec)
    })();
    if let Err(e) = result {
        let _ = ctr::remove(paths, &infra_id, true, true);
        return Err(e);
    }
    Ok(())
}

/// Host files to bind into the infra root: berth's binary at [`INFRA_BINARY`] and every shared library
/// `ldd` names at its own path (the binary is dynamically linked; the infra root is otherwise empty).
fn infra_binds() -> Result<Vec<(PathBuf, String)>> {
    let exe = fs::read_link("/proc/self/exe").context("resolving berth's binary")?;
    let exe = if exe.to_string_lossy().starts_with("/memfd:") {
        std::env::current_exe().context("resolving berth's binary")?
    } else {
        exe
    };
    let mut out = vec![(exe.clone(), INFRA_BINARY.to_string())];
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

/// `run --init`: make berth's reaper (`internal init`, [`crate::monitor::pause::run_init`]) PID 1 of the
/// container and the user's command its child. berth is dynamically linked and the image has its own
/// libraries, so the binary runs through its own loader with its own library dir, all bind-mounted
/// read-only into [`INIT_DIR`].
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
    let loader = loader.context("berth's dynamic loader not found by ldd")?;
    let user_args: Vec<Value> = spec["process"]["args"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut args = vec![
        json!(loader),
        json!("--library-path"),
        json!(format!("{INIT_DIR}/lib")),
        json!(format!("{INIT_DIR}/berth")),
        json!("internal"),
        json!("init"),
        json!("--"),
    ];
    args.extend(user_args);
    spec["process"]["args"] = json!(args);
    Ok(())
}

/// The infra's image layer: the mount points docker's default mounts and our binds need, nothing else.
fn build_infra_root(root: &Path, binds: &[(PathBuf, String)]) -> Result<()> {
    for d in ["proc", "dev", "sys", "etc", "tmp"] {
        fs::create_dir_all(root.join(d))
            .with_context(|| format!("creating {}", root.join(d).display()))?;
    }
    for f in ["etc/hosts", "etc/hostname", "etc/resolv.conf"] {
        fs::write(root.join(f), b"")
            .with_context(|| format!("creating {}", root.join(f).display()))?;
    }
    for (_, inside) in binds {
        let p = root.join(inside.trim_start_matches('/'));
        if let Some(parent) = p.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&p, b"").with_context(|| format!("creating {}", p.display()))?;
    }
    Ok(())
}

fn read_spec(c: &Containers, id: &str) -> Result<Value> {
    let p = c.dir(id).join("config.json");
    serde_json::from_slice(&fs::read(&p).with_context(|| format!("reading {}", p.display()))?)
        .with_context(|| format!("parsing {}", p.display()))
}

fn write_spec(c: &Containers, id: &str, spec: &Value) -> Result<()> {
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
fn set_namespace(spec: &mut Value, kind: &str, path: Option<&Path>) -> Result<()> {
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
fn set_bind(spec: &mut Value, dest: &str, source: &Path, options: &[&str]) -> Result<()> {
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
fn is_mountpoint(path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let (Ok(a), Some(Ok(b))) = (fs::metadata(path), path.parent().map(fs::metadata)) else {
        return false;
    };
    a.dev() != b.dev()
}

/// Mount the pod's shared /dev/shm (a tmpfs, 64 MiB as docker's default) unless it is mounted.
fn mount_shm(pods: &Pods, id: &str) -> Result<PathBuf> {
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
            Some("mode=1777,size=65536k"),
        )
        .with_context(|| format!("mounting the pod's shm at {}", shm.display()))?;
    }
    Ok(shm)
}

fn unmount_shm(pods: &Pods, id: &str) -> Result<()> {
    let shm = pods.shm_dir(id);
    while is_mountpoint(&shm) {
        nix::mount::umount2(&shm, nix::mount::MntFlags::MNT_DETACH)
            .with_context(|| format!("unmounting {}", shm.display()))?;
    }
    // Unmounted (or never mounted, rootless): whatever the pod left in it goes with the pod.
    crate::state::remove_dir_if_exists(&shm)
}

/// Hook of `container::start`, called with the container's lock held before its monitor is spawned: for
/// the infra, set up the pod's network and shm; for a member, start the infra if needed and point the
/// member's spec at the infra's namespaces. A container outside any pod is left alone.
/// Returns warnings for the user (limits of the pod that could not be applied, rootless).
pub fn prepare_start(paths: &Paths, rec: &ContainerRecord) -> Result<Vec<String>> {
    let Some(pod_id) = rec.config.pod.as_deref() else {
        return Ok(Vec::new());
    };
    let pods = Pods::new(paths);
    let pod = pods.load(pod_id)?;
    if pod.infra_id == rec.id {
        return prepare_infra(paths, &pods, &pod);
    }
    let c = Containers::new(paths);
    let (infra_pid, warnings) = {
        let _l = pods.lock(pod_id)?;
        let st = c.peek(&pod.infra_id)?;
        if st.is_running() {
            (st.pid, Vec::new())
        } else {
            let s = ctr::start(paths, &pod.infra_id, false)
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
        let shm = mount_shm(pods, &pod.id)?;
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

/// Remove the pod's cgroup (idempotent). Its containers' cgroups must be gone: a cgroup with children
/// cannot be removed.
fn remove_cgroup(pod_id: &str) -> Result<()> {
    crate::runtime::cgroup::destroy(&crate::monitor::pod_cgroup_name(pod_id))
        .context("removing the pod's cgroup")
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

/// Check a new member's options against its pod (podman's errors) and give the pod id to record.
pub fn join_options(
    paths: &Paths,
    query: &str,
    opts: &mut RunOptions,
    published: bool,
) -> Result<()> {
    let pods = Pods::new(paths);
    let id = pods.lookup(query)?;
    let pod = pods.load(&id)?;
    if pod.shares("uts") && opts.hostname.is_some() {
        bail!(
            "invalid config provided: cannot set hostname when joining the pod UTS namespace: invalid configuration"
        );
    }
    let published = published || !opts.net.ports.is_empty() || opts.net.publish_all;
    if pod.shares("net") && published {
        bail!(
            "invalid config provided: published or exposed ports must be defined when the pod is created: network cannot be configured when it is shared with a pod"
        );
    }
    if pod.shares("net") {
        // The defaults of `--network` are fine; anything else would leave the pod's namespace.
        if !matches!(opts.network.as_str(), "" | "none" | "default" | "bridge") {
            bail!(
                "invalid config provided: networks must be defined when the pod is created: network cannot be configured when it is shared with a pod"
            );
        }
        // The monitor's network setup joins the infra's namespace (`container:` mode), so the member's
        // network is the pod's.
        opts.network = format!("container:{}", pod.infra_id);
    }
    // Pod-level limits need nothing here: the member's cgroup is created inside the pod's, which has
    // them; the member's own limits, if any, nest inside (podman: containers may only tighten them).
    opts.pod = Some(id);
    Ok(())
}

/// `--pod new:NAME`: create the pod with default options.
pub fn create_for_run(paths: &Paths, name: &str) -> Result<String> {
    create(
        paths,
        CreateOptions {
            name: Some(name.to_string()),
            ..Default::default()
        },
    )
}

/// The pod's status as podman derives it from its containers' states.
pub fn pod_status(states: &[Status]) -> &'static str {
    if states.is_empty() {
        return "Created";
    }
    let all = |s: Status| states.iter().all(|x| *x == s);
    if all(Status::Running) {
        "Running"
    } else if all(Status::Paused) {
        "Paused"
    } else if all(Status::Created) {
        "Created"
    } else if states
        .iter()
        .all(|s| matches!(s, Status::Exited | Status::Created | Status::Removing))
    {
        if states.contains(&Status::Exited) {
            "Exited"
        } else {
            "Created"
        }
    } else {
        "Degraded"
    }
}

/// One pod with its containers' current states (infra first).
#[derive(Debug, Clone)]
pub struct PodSummary {
    pub record: PodRecord,
    pub containers: Vec<ctr::Summary>,
    pub status: &'static str,
}

fn summarize(paths: &Paths, pods: &Pods, id: &str) -> Result<PodSummary> {
    let record = pods.load(id)?;
    let c = Containers::new(paths);
    let mut containers = Vec::new();
    for r in pods.containers(id)? {
        if let Ok(state) = c.peek(&r.id) {
            containers.push(ctr::Summary { record: r, state });
        }
    }
    containers.sort_by_key(|s| s.record.id != record.infra_id);
    // The fallback for a last member whose monitor was killed with -9 (see `member_exited`).
    if exit_policy_due(&record, &containers) && stop_infra(paths, &record).is_ok() {
        for s in containers.iter_mut() {
            if let Ok(st) = c.peek(&s.record.id) {
                s.state = st;
            }
        }
    }
    let states: Vec<Status> = containers.iter().map(|s| s.state.status).collect();
    Ok(PodSummary {
        status: pod_status(&states),
        record,
        containers,
    })
}

/// `--exit-policy stop`: once every member has exited, the infra goes too (podman stops the pod when its
/// last container exits). True when the infra runs and every member has exited.
fn exit_policy_due(pod: &PodRecord, containers: &[ctr::Summary]) -> bool {
    if pod.exit_policy != ExitPolicy::Stop {
        return false;
    }
    let members: Vec<&ctr::Summary> = containers
        .iter()
        .filter(|s| s.record.id != pod.infra_id)
        .collect();
    let infra_up = containers
        .iter()
        .any(|s| s.record.id == pod.infra_id && s.state.is_running());
    infra_up && !members.is_empty() && members.iter().all(|s| s.state.status == Status::Exited)
}

/// The exit hook of every container's monitor (`monitor::run`), run once the container's exit is recorded
/// and its cgroup is gone: when the last member of a pod with `--exit-policy stop` exits, the pod stops
/// then, as podman's does, rather than when a command next looks at it (berth has no daemon).
pub fn member_exited(paths: &Paths, rec: &ContainerRecord) -> Result<()> {
    let Some(pod_id) = rec.config.pod.as_deref() else {
        return Ok(());
    };
    let pods = Pods::new(paths);
    let pod = match pods.load(pod_id) {
        Ok(p) => p,
        Err(e) if is_no_such_pod(&e) => return Ok(()),
        Err(e) => return Err(e),
    };
    if pod.infra_id == rec.id || pod.exit_policy != ExitPolicy::Stop {
        return Ok(());
    }
    let c = Containers::new(paths);
    let mut containers = Vec::new();
    for r in pods.containers(pod_id)? {
        if let Ok(state) = c.peek(&r.id) {
            containers.push(ctr::Summary { record: r, state });
        }
    }
    if exit_policy_due(&pod, &containers) {
        stop_infra(paths, &pod).context("stopping the pod after its last container exited")?;
    }
    Ok(())
}

/// Every pod, newest first.
pub fn list(paths: &Paths) -> Result<Vec<PodSummary>> {
    let pods = Pods::new(paths);
    let mut out = Vec::new();
    for id in pods.list_ids()? {
        if let Ok(s) = summarize(paths, &pods, &id) {
            out.push(s);
        }
    }
    out.sort_by(|a, b| b.record.created.cmp(&a.record.created));
    Ok(out)
}

pub fn get(paths: &Paths, query: &str) -> Result<PodSummary> {
    let pods = Pods::new(paths);
    let id = pods.lookup(query)?;
    summarize(paths, &pods, &id)
}

/// `pod exists`.
pub fn exists(paths: &Paths, query: &str) -> bool {
    Pods::new(paths).lookup(query).is_ok()
}

/// `pod inspect`: podman's JSON shape.
pub fn inspect(paths: &Paths, query: &str) -> Result<Value> {
    let s = get(paths, query)?;
    let r = &s.record;
    let infra = s.containers.iter().find(|c| c.record.id == r.infra_id);
    let c = Containers::new(paths);
    let ports: BTreeMap<String, Value> = r
        .ports
        .iter()
        .map(|p| {
            (
                format!("{}/{}", p.container_port, p.proto),
                json!([{"HostIp": p.host_ip.clone().unwrap_or_default(), "HostPort": p.host_port.to_string()}]),
            )
        })
        .collect();
    Ok(json!({
        "Id": r.id,
        "Name": r.name,
        "Created": r.created,
        "CreateCommand": r.create_command,
        "ExitPolicy": r.exit_policy.as_str(),
        "State": s.status,
        "Hostname": r.hostname,
        "Labels": r.labels,
        "CreateCgroup": true,
        "CgroupPath": crate::monitor::pod_cgroup_name(&r.id),
        "CreateInfra": true,
        "InfraContainerID": r.infra_id,
        "InfraConfig": {
            "PortBindings": ports,
            "HostNetwork": r.network == "host",
            "Networks": if r.network == "none" || r.network == "host" { vec![] } else { vec![r.network.clone()] },
            "NetworkOptions": null,
            "pid_ns": if r.shares("pid") { "pod" } else { "private" },
            "userns": "host",
        },
        "SharedNamespaces": r.share,
        "NumContainers": s.containers.len(),
        "Containers": s.containers.iter().map(|x| json!({
            "Id": x.record.id,
            "Name": x.record.name,
            "State": x.state.status.as_str(),
        })).collect::<Vec<_>>(),
        "Memory": r.memory.unwrap_or(0),
        "CPUQuota": r.nano_cpus.map(|n| n / 10_000).unwrap_or(0),
        "CPUPeriod": if r.nano_cpus.is_some() { 100_000 } else { 0 },
        "InfraPid": infra.filter(|i| i.state.is_running()).map(|i| i.state.pid).unwrap_or(0),
        "ShmDir": if r.shares("ipc") { json!(Pods::new(paths).shm_dir(&r.id)) } else { json!("") },
        "InfraDir": c.dir(&r.infra_id),
    }))
}

/// Per-container results of a pod verb (podman reports each container's error).
#[derive(Debug, Default)]
pub struct VerbReport {
    pub errors: Vec<(String, String)>,
}

impl VerbReport {
    fn record(&mut self, id: &str, r: Result<()>) {
        if let Err(e) = r {
            self.errors.push((id.to_string(), format!("{e:#}")));
        }
    }

    pub fn into_result(self, what: &str, pod: &str) -> Result<()> {
        if self.errors.is_empty() {
            return Ok(());
        }
        let lines: Vec<String> = self
            .errors
            .iter()
            .map(|(id, e)| format!("{}: {e}", &id[..12.min(id.len())]))
            .collect();
        bail!("{what} pod {pod}: {}", lines.join("; "))
    }
}

fn members(s: &PodSummary) -> Vec<&ctr::Summary> {
    s.containers
        .iter()
        .filter(|c| c.record.id != s.record.infra_id)
        .collect()
}

/// `pod start`: the infra first (its start sets up the network), then every member.
pub fn start(paths: &Paths, query: &str) -> Result<String> {
    let s = get(paths, query)?;
    let c = Containers::new(paths);
    if !c.peek(&s.record.infra_id)?.is_running() {
        let _l = Pods::new(paths).lock(&s.record.id)?;
        if !c.peek(&s.record.infra_id)?.is_running() {
            ctr::start(paths, &s.record.infra_id, false)
                .context("starting the pod's infra container")?;
        }
    }
    let mut rep = VerbReport::default();
    for m in members(&s) {
        if !m.state.is_running() {
            rep.record(
                &m.record.id,
                ctr::start(paths, &m.record.id, false).map(|_| ()),
            );
        }
    }
    rep.into_result("starting", &s.record.name)?;
    Ok(s.record.id)
}

fn stop_infra(paths: &Paths, pod: &PodRecord) -> Result<()> {
    let pods = Pods::new(paths);
    let _l = pods.lock(&pod.id)?;
    ctr::stop(paths, &pod.infra_id, Some(10), None)?;
    network::teardown(paths, &pod.infra_id).context("tearing down the pod's network")?;
    unmount_shm(&pods, &pod.id)?;
    // A stopped pod holds no cgroup. A member whose monitor was killed with -9 keeps its own cgroup (inside
    // this one) until `rm` cleans it up; `pod rm` then removes this one, so a failure here is not fatal.
    let _ = remove_cgroup(&pod.id);
    Ok(())
}

/// `pod stop [-t]`: members (in parallel, each with its stop signal and timeout), then the infra, its
/// network and the pod's shm.
pub fn stop(paths: &Paths, query: &str, timeout: Option<i64>) -> Result<String> {
    let s = get(paths, query)?;
    let mut rep = VerbReport::default();
    let ids: Vec<String> = members(&s)
        .iter()
        .filter(|m| m.state.is_running())
        .map(|m| m.record.id.clone())
        .collect();
    let results: Vec<(String, Result<()>)> = std::thread::scope(|sc| {
        let hs: Vec<_> = ids
            .iter()
            .map(|id| {
                (
                    id.clone(),
                    sc.spawn(move || ctr::stop(paths, id, timeout, None)),
                )
            })
            .collect();
        hs.into_iter()
            .map(|(id, h)| {
                (
                    id,
                    h.join()
                        .unwrap_or_else(|_| Err(anyhow::anyhow!("stop thread panicked"))),
                )
            })
            .collect()
    });
    for (id, r) in results {
        rep.record(&id, r);
    }
    rep.record(&s.record.infra_id, stop_infra(paths, &s.record));
    rep.into_result("stopping", &s.record.name)?;
    Ok(s.record.id)
}

/// `pod restart`.
pub fn restart(paths: &Paths, query: &str) -> Result<String> {
    stop(paths, query, None)?;
    start(paths, query)
}

/// `pod kill -s SIG`: every running container of the pod, infra included (podman).
pub fn kill(paths: &Paths, query: &str, sig: i32) -> Result<String> {
    let s = get(paths, query)?;
    let running: Vec<&ctr::Summary> = s
        .containers
        .iter()
        .filter(|c| c.state.is_running())
        .collect();
    if running.is_empty() {
        bail!("no containers in pod {} are running", s.record.name);
    }
    let mut rep = VerbReport::default();
    // Members first, so the infra (and the namespaces) outlive them.
    for c in running.iter().filter(|c| c.record.id != s.record.infra_id) {
        rep.record(&c.record.id, ctr::kill(paths, &c.record.id, sig));
    }
    if let Some(i) = running.iter().find(|c| c.record.id == s.record.infra_id) {
        rep.record(&i.record.id, ctr::kill(paths, &i.record.id, sig));
    }
    rep.into_result("killing", &s.record.name)?;
    Ok(s.record.id)
}

/// `pod pause` / `pod unpause`: every running (paused) container through the freezer.
pub fn set_paused(paths: &Paths, query: &str, pause: bool) -> Result<String> {
    let s = get(paths, query)?;
    let mut rep = VerbReport::default();
    let want = if pause {
        Status::Running
    } else {
        Status::Paused
    };
    for c in s.containers.iter().filter(|c| c.state.status == want) {
        rep.record(&c.record.id, ctr::set_paused(paths, &c.record.id, pause));
    }
    rep.into_result(if pause { "pausing" } else { "unpausing" }, &s.record.name)?;
    Ok(s.record.id)
}

/// `pod rm [-f]`: refuses a pod with running members unless forced (podman's wording); removes members,
/// the infra, the network, the shm and the pod's files.
pub fn remove(paths: &Paths, query: &str, force: bool) -> Result<String> {
    let s = get(paths, query)?;
    let pods = Pods::new(paths);
    if !force && let Some(m) = members(&s).into_iter().find(|m| m.state.is_running()) {
        bail!(ctr::InvalidState(format!(
            "pod {} has containers that are not ready to be removed: cannot remove container {} as it is {} - running or paused containers cannot be removed without force: container state improper",
            s.record.id,
            m.record.id,
            m.state.status.as_str()
        )));
    }
    let mut rep = VerbReport::default();
    for m in members(&s) {
        rep.record(&m.record.id, ctr::remove(paths, &m.record.id, true, true));
    }
    // From here on the infra may go (see `guard_infra_removal`).
    let _ = fs::write(pods.run_dir(&s.record.id).join("removing"), b"");
    rep.record(
        &s.record.infra_id,
        ctr::remove(paths, &s.record.infra_id, true, true),
    );
    rep.record(
        &s.record.infra_id,
        network::teardown(paths, &s.record.infra_id),
    );
    rep.record(&s.record.id, unmount_shm(&pods, &s.record.id));
    rep.record(&s.record.id, remove_cgroup(&s.record.id));
    rep.into_result("removing", &s.record.name)?;
    let _l = pods.lock(&s.record.id)?;
    pods.release_name(&s.record.name, &s.record.id)?;
    crate::state::remove_dir_if_exists(&pods.dir(&s.record.id))?;
    crate::state::remove_dir_if_exists(&pods.run_dir(&s.record.id))?;
    Ok(s.record.id)
}

/// `pod prune`: remove every pod with no running container. Returns the removed ids.
pub fn prune(paths: &Paths) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for s in list(paths)? {
        if s.containers.iter().any(|c| c.state.is_running()) {
            continue;
        }
        out.push(remove(paths, &s.record.id, false)?);
    }
    Ok(out)
}

/// A process of a pod, for `pod top`.
#[derive(Debug, Clone)]
pub struct TopRow {
    pub container: String,
    pub pid: i32,
    pub ppid: i32,
    pub user: u32,
    pub command: String,
}

/// `pod top`: every process in the pod's running containers (from their cgroups).
pub fn top(paths: &Paths, query: &str) -> Result<Vec<TopRow>> {
    let s = get(paths, query)?;
    if !s.containers.iter().any(|c| c.state.is_running()) {
        bail!("pod top can only be used on pods with at least one running container");
    }
    let mut rows = Vec::new();
    for c in s.containers.iter().filter(|c| c.state.is_running()) {
        let mut pids = crate::runtime::cgroup::pids(&crate::monitor::cgroup_name(&c.record));
        if pids.is_empty() {
            pids.push(c.state.pid);
        }
        pids.sort();
        for pid in pids {
            let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else {
                continue;
            };
            let ppid = stat
                .rfind(')')
                .and_then(|i| stat[i + 2..].split_whitespace().nth(1))
                .and_then(|p| p.parse().ok())
                .unwrap_or(0);
            let cmd = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            let command = cmd
                .split(|b| *b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect::<Vec<_>>()
                .join(" ");
            let user = {
                use std::os::unix::fs::MetadataExt;
                fs::metadata(format!("/proc/{pid}"))
                    .map(|m| m.uid())
                    .unwrap_or(0)
            };
            rows.push(TopRow {
                container: c.record.name.clone(),
                pid,
                ppid,
                user,
                command,
            });
        }
    }
    Ok(rows)
}

/// The members of a pod, for `pod logs` (the infra has no output).
pub fn log_containers(paths: &Paths, query: &str) -> Result<Vec<(String, String)>> {
    let s = get(paths, query)?;
    Ok(members(&s)
        .into_iter()
        .map(|m| (m.record.id.clone(), m.record.name.clone()))
        .collect())
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
        bail!(ctr::InvalidState(format!(
            "container {} is the infra container of pod {pod} and cannot be removed without removing the pod",
            rec.id
        )));
    }
    Ok(())
}

/// The pod (id, name) a container belongs to, for `ps --pod` and `--filter pod=`.
pub fn pod_of(paths: &Paths, pod: Option<&str>) -> Option<(String, String)> {
    let p = Pods::new(paths).load(pod?).ok()?;
    Some((p.id, p.name))
}

/// Refuse pod names taken; the error carries podman's wording.
pub fn is_no_such_pod(e: &anyhow::Error) -> bool {
    e.downcast_ref::<PodError>()
        .is_some_and(|p| matches!(p, PodError::NoSuchPod(_)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_defaults_replaces_and_adds_like_podman() {
        assert_eq!(resolve_share(&[]).unwrap(), vec!["ipc", "net", "uts"]);
        assert_eq!(
            resolve_share(&["+pid".into()]).unwrap(),
            vec!["ipc", "net", "pid", "uts"]
        );
        assert_eq!(resolve_share(&["net".into()]).unwrap(), vec!["net"]);
        assert_eq!(
            resolve_share(&["net,ipc".into(), "+pid".into()]).unwrap(),
            vec!["ipc", "net", "pid"]
        );
        crate::testing::assert_err(
            resolve_share(&["user".into()]),
            "invalid kernel namespace to share: user",
        );
    }

    #[test]
    fn pod_status_derives_from_container_states() {
        assert_eq!(pod_status(&[]), "Created");
        assert_eq!(pod_status(&[Status::Running, Status::Running]), "Running");
        assert_eq!(pod_status(&[Status::Running, Status::Exited]), "Degraded");
        assert_eq!(pod_status(&[Status::Exited, Status::Created]), "Exited");
        assert_eq!(pod_status(&[Status::Created]), "Created");
        assert_eq!(pod_status(&[Status::Paused]), "Paused");
    }
}
