//! The OCI runtime spec of one container, built in the order the runtime applies it: the process,
//! the mounts, the namespaces (which may change /dev/shm), the rest of `linux`, the annotations.

use super::{
    DEFAULT_NOFILE, HostContext, ImageConfig, MASKED_PATHS, READONLY_PATHS, capabilities,
    default_hostname, parse_signal, process_args, process_env, resources, seccomp,
};
use crate::types::{ContainerConfig, MountKind, NsMode, SeccompChoice};
use anyhow::{Context, Result, bail};
use oci_spec::runtime::Spec;
use serde_json::{Map, Value, json};

/// Build the whole OCI spec.
pub fn build_spec(image: &ImageConfig, opts: &ContainerConfig, host: &HostContext) -> Result<Spec> {
    let hostname = opts
        .hostname
        .clone()
        .unwrap_or_else(|| default_hostname(&host.id));
    let caps = capabilities(opts)?;
    let process = process(image, opts, host, &hostname, &caps)?;
    let mut mounts = mounts(opts, host);
    let namespaces = namespaces(opts, host, &mut mounts);
    let linux = linux(opts, host, namespaces, &caps)?;
    let mut spec = json!({
        "ociVersion": "1.2.0",
        "annotations": annotations(opts, host),
        "process": process,
        "root": {"path": "rootfs", "readonly": opts.read_only},
        "mounts": mounts,
        "linux": linux,
    });
    // With the host's UTS namespace the hostname is the host's, which the init must not set.
    if opts.namespaces.uts != NsMode::Host {
        spec["hostname"] = json!(hostname);
    }
    serde_json::from_value(spec).context("building the OCI runtime spec")
}

/// `process`: args, env, cwd, user, capabilities, rlimits, no_new_privs, OOM score.
fn process(
    image: &ImageConfig,
    opts: &ContainerConfig,
    host: &HostContext,
    hostname: &str,
    caps: &[String],
) -> Result<Value> {
    let (entrypoint, cmd) = process_args(image, opts)?;
    let args: Vec<String> = entrypoint.into_iter().chain(cmd).collect();
    let env = process_env(image, opts, hostname, &host.user.home)?;
    let cwd = opts
        .workdir
        .clone()
        .or_else(|| image.working_dir.clone())
        .unwrap_or_else(|| "/".into());
    if !cwd.starts_with('/') {
        bail!("the working directory '{cwd}' is invalid, it needs to be an absolute path");
    }
    if let Some(s) = opts.stop_signal.as_deref().or(image.stop_signal.as_deref()) {
        parse_signal(s).with_context(|| format!("invalid stop signal {s:?}"))?;
    }
    let mut rlimits = vec![
        json!({"type": "RLIMIT_NOFILE", "soft": DEFAULT_NOFILE.min(host.nofile_hard),
        "hard": DEFAULT_NOFILE.min(host.nofile_hard)}),
    ];
    for u in &opts.ulimits {
        let ty = format!("RLIMIT_{}", u.name.to_ascii_uppercase());
        rlimits.retain(|r| r["type"] != ty.as_str());
        let (mut soft, mut hard) = (u.soft, u.hard);
        if ty == "RLIMIT_NOFILE" {
            hard = hard.min(host.nofile_hard);
            soft = soft.min(hard);
        }
        rlimits.push(json!({"type": ty, "soft": soft, "hard": hard}));
    }
    let mut process = json!({
        "terminal": opts.tty,
        "user": {"uid": host.user.uid, "gid": host.user.gid, "additionalGids": host.user.additional_gids},
        "args": args,
        "env": env,
        "cwd": cwd,
        "capabilities": {"bounding": caps, "effective": caps, "permitted": caps, "inheritable": [], "ambient": []},
        "rlimits": rlimits,
        "noNewPrivileges": opts.no_new_privileges,
    });
    if let Some(adj) = opts.oom_score_adj {
        process["oomScoreAdj"] = json!(adj);
    }
    Ok(process)
}

/// docker's kernel filesystems and /dev, the container's resolv.conf, hostname and hosts files, then the
/// user's mounts.
fn mounts(opts: &ContainerConfig, host: &HostContext) -> Vec<Value> {
    let shm = opts.shm_size.unwrap_or(64 << 20);
    let mut mounts = vec![
        json!({"destination": "/proc", "type": "proc", "source": "proc", "options": ["nosuid", "noexec", "nodev"]}),
        json!({"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
            "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]}),
        json!({"destination": "/dev/pts", "type": "devpts", "source": "devpts",
            "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]}),
        json!({"destination": "/sys", "type": "sysfs", "source": "sysfs",
            "options": ["nosuid", "noexec", "nodev", if opts.privileged { "rw" } else { "ro" }]}),
        json!({"destination": "/sys/fs/cgroup", "type": "cgroup", "source": "cgroup",
            "options": ["nosuid", "noexec", "nodev", "relatime", if opts.privileged { "rw" } else { "ro" }]}),
        json!({"destination": "/dev/mqueue", "type": "mqueue", "source": "mqueue",
            "options": ["nosuid", "noexec", "nodev"]}),
        json!({"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
            "options": ["nosuid", "noexec", "nodev", "mode=1777", format!("size={}k", shm / 1024)]}),
    ];
    for (dest, src) in [
        ("/etc/resolv.conf", &host.resolv_file),
        ("/etc/hostname", &host.hostname_file),
        ("/etc/hosts", &host.hosts_file),
    ] {
        mounts.push(json!({"destination": dest, "type": "bind", "source": src,
            "options": ["rbind", "rprivate", "nosuid", "nodev", "noexec"]}));
    }
    for m in &host.mounts {
        if let Some(d) = &m.device_mount {
            mounts.push(device_mount(m, d));
            continue;
        }
        let mut o: Vec<String> = Vec::new();
        let ty = match m.kind {
            MountKind::Tmpfs => {
                o.extend(["nosuid", "nodev", "noexec"].map(String::from));
                "tmpfs"
            }
            MountKind::Bind | MountKind::Volume => {
                o.extend(["rbind", "rprivate"].map(String::from));
                "bind"
            }
        };
        o.push(if m.readonly { "ro".into() } else { "rw".into() });
        o.extend(m.options.iter().cloned());
        mounts.push(
            json!({"destination": m.destination, "type": ty, "source": m.source, "options": o}),
        );
    }
    mounts
}

/// A volume created with `volume create -o`: the local driver's mount of its device at the target
/// (`type=none,o=bind` binds the device path).
fn device_mount(m: &crate::types::ResolvedMount, d: &crate::types::DeviceMount) -> Value {
    let bind = d.options.iter().any(|o| o == "bind" || o == "rbind");
    let mut o: Vec<String> = if bind {
        vec!["rbind".into(), "rprivate".into()]
    } else {
        Vec::new()
    };
    o.extend(
        d.options
            .iter()
            .filter(|x| !matches!(x.as_str(), "bind" | "rbind"))
            .cloned(),
    );
    if m.readonly {
        o.push("ro".into());
    }
    let ty = if bind { "bind" } else { d.fs_type.as_str() };
    json!({"destination": m.destination, "type": ty, "source": d.device, "options": o})
}

/// `linux.namespaces`; `--ipc none|host` also change /dev/shm in `mounts`.
fn namespaces(opts: &ContainerConfig, host: &HostContext, mounts: &mut Vec<Value>) -> Vec<Value> {
    // `--pid`/`--ipc`/`--uts`/`--cgroupns host`: no entry, the host's namespace (OCI runtime spec).
    // `container:<x>` keeps its entry here; the engine points it at the other container's at each
    // start (engine::container::namespaces).
    let ns = &opts.namespaces;
    let mut namespaces = Vec::new();
    for (kind, mode) in [("pid", &ns.pid), ("ipc", &ns.ipc), ("uts", &ns.uts)] {
        if *mode != NsMode::Host {
            namespaces.push(json!({"type": kind}));
        }
    }
    namespaces.push(json!({"type": "mount"}));
    namespaces.push(json!({"type": "network"}));
    // docker on cgroup v2 gives a private cgroup namespace by default; v1 has only the host's.
    if match ns.cgroupns {
        NsMode::Host => false,
        NsMode::Private => true,
        _ => host.cgroup_v2,
    } {
        namespaces.push(json!({"type": "cgroup"}));
    }
    match ns.ipc {
        // docker's `--ipc none`: an IPC namespace without /dev/shm.
        NsMode::None => mounts.retain(|m| m["destination"] != "/dev/shm"),
        // docker's `--ipc host` shares the host's /dev/shm with its IPC namespace.
        NsMode::Host => {
            for m in mounts.iter_mut().filter(|m| m["destination"] == "/dev/shm") {
                *m = json!({"destination": "/dev/shm", "type": "bind", "source": "/dev/shm",
                    "options": ["rbind", "rprivate", "nosuid", "nodev", "noexec"]});
            }
        }
        _ => {}
    }
    if host.rootless {
        namespaces.push(json!({"type": "user"}));
        rootless_host_namespaces(ns, mounts);
    }
    namespaces
}

/// Rootless, the host's PID and IPC namespaces belong to the host's user namespace, where the container
/// may not mount a new proc or mqueue: bind the host's instead, as podman does (and without /dev/mqueue
/// when the host has none: message queues work without it).
fn rootless_host_namespaces(ns: &crate::types::Namespaces, mounts: &mut Vec<Value>) {
    if ns.pid == NsMode::Host {
        for m in mounts.iter_mut().filter(|m| m["destination"] == "/proc") {
            *m = json!({"destination": "/proc", "type": "bind", "source": "/proc",
                "options": ["rbind", "nosuid", "noexec", "nodev"]});
        }
    }
    if ns.ipc == NsMode::Host {
        if std::path::Path::new("/dev/mqueue").is_dir() {
            for m in mounts
                .iter_mut()
                .filter(|m| m["destination"] == "/dev/mqueue")
            {
                *m = json!({"destination": "/dev/mqueue", "type": "bind", "source": "/dev/mqueue",
                    "options": ["rbind", "nosuid", "noexec", "nodev"]});
            }
        } else {
            mounts.retain(|m| m["destination"] != "/dev/mqueue");
        }
    }
}

/// The rest of `linux`: cgroup and resources, masked and read-only paths, seccomp, sysctls.
fn linux(
    opts: &ContainerConfig,
    host: &HostContext,
    namespaces: Vec<Value>,
    caps: &[String],
) -> Result<Value> {
    let mut linux = json!({
        "namespaces": namespaces,
        "cgroupsPath": host.cgroups_path,
        "resources": resources(opts)?,
        "maskedPaths": if opts.privileged { Vec::new() } else { MASKED_PATHS.to_vec() },
        "readonlyPaths": if opts.privileged { Vec::new() } else { READONLY_PATHS.to_vec() },
    });
    let sec = match (&opts.seccomp, opts.privileged) {
        (SeccompChoice::Unconfined, _) | (_, true) => None,
        (SeccompChoice::Default, false) => Some(seccomp::default_profile(caps)),
        (SeccompChoice::Profile(p), false) => {
            let data = std::fs::read(p)
                .with_context(|| format!("reading seccomp profile {}", p.display()))?;
            Some(
                seccomp::profile_from_json(&data, caps)
                    .with_context(|| format!("loading {}", p.display()))?,
            )
        }
    };
    // `--domainname`: set inside the container's own UTS namespace by the init's sysctl step
    // (runtime::init checks that kernel.domainname has a private UTS namespace).
    // `--sysctl`: the init refuses any whose namespace the container does not own (runtime::init).
    let mut sysctl: Map<String, Value> = opts
        .sysctls
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    if let Some(d) = opts.domainname.as_deref().filter(|d| !d.is_empty()) {
        sysctl.insert("kernel.domainname".into(), json!(d));
    }
    if !sysctl.is_empty() {
        linux["sysctl"] = Value::Object(sysctl);
    }
    if let Some(s) = sec {
        linux["seccomp"] = serde_json::to_value(s).context("encoding seccomp profile")?;
    }
    Ok(linux)
}

/// `--annotation`s, then berth's own (which the user cannot override).
fn annotations(opts: &ContainerConfig, host: &HostContext) -> Map<String, Value> {
    // `--annotation`s first: berth's own keys below cannot be overridden by the user.
    let mut annotations: Map<String, Value> = opts
        .annotations
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    if let Some(st) = opts.rootless_storage.as_ref().filter(|_| host.rootless) {
        use crate::types::storage::{ANNOTATION_FUSE, ANNOTATION_MODE};
        annotations.insert(ANNOTATION_MODE.into(), json!(st.rootless_overlay.as_str()));
        if let Some(p) = &st.fuse_overlayfs {
            annotations.insert(ANNOTATION_FUSE.into(), json!(p));
        }
    }
    annotations
}
