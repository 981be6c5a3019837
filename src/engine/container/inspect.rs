//! `inspect` of a container: docker's inspect record (`types::inspect`) from the container record, its
//! state and its OCI spec. Returns data; the cli serialises it.

use super::get;
use crate::engine::Context;
use crate::spec::{self, ContainerConfig, MountKind};
use crate::state::{Containers, Status};
use crate::types::ContainerRecord;
use crate::types::inspect::{
    ContainerInspect, Empty, GraphDriver, GraphDriverData, HostConfig, InspectConfig, InspectState,
    LogConfig, MountPoint, OrderedMap, RestartPolicyJson, UlimitJson,
};
use anyhow::Result;
use std::fs;
use std::path::Path;

/// docker's `inspect` for a container, typed ([`ContainerInspect`]); the cli serialises it.
pub fn inspect(ctx: &Context, query: &str) -> Result<ContainerInspect> {
    let paths = &ctx.paths;
    let s = get(ctx, query)?;
    let (r, st) = (&s.record, &s.state);
    let o = &r.config;
    let env = fs::read(Containers::new(paths).dir(&r.id).join("config.json"))
        .ok()
        .and_then(|d| serde_json::from_slice::<oci_spec::runtime::Spec>(&d).ok())
        .and_then(|sp| sp.process().as_ref().and_then(|p| p.env().clone()))
        .unwrap_or_default();
    let running = st.is_running();
    let dir = Containers::new(paths).dir(&r.id);
    let host_config = host_config(o);
    let config = inspect_config(r, env);
    let mounts = mount_points(r);
    let network_settings = crate::engine::network::network_settings(paths, &r.id, &o.network);
    Ok(ContainerInspect {
        id: r.id.clone(),
        created: r.created.clone(),
        path: r.path.clone(),
        args: r.args.clone(),
        state: InspectState {
            status: st.status.as_str().into(),
            running,
            paused: st.status == Status::Paused,
            restarting: st.status == Status::Restarting,
            oom_killed: st.oom_killed,
            dead: false,
            pid: if running { st.pid } else { 0 },
            exit_code: st.exit_code,
            error: st.error.clone(),
            started_at: st.started_at.clone(),
            finished_at: st.finished_at.clone(),
        },
        image: r.image_id.clone(),
        resolv_conf_path: dir.join("resolv.conf"),
        hostname_path: dir.join("hostname"),
        hosts_path: dir.join("hosts"),
        log_path: Containers::new(paths).log_path(&r.id),
        name: format!("/{}", r.name),
        restart_count: st.restart_count,
        driver: "overlay".into(),
        platform: "linux".into(),
        mount_label: String::new(),
        process_label: String::new(),
        app_armor_profile: String::new(),
        exec_ids: None,
        host_config,
        graph_driver: GraphDriver {
            name: "overlay".into(),
            data: GraphDriverData {
                lower_dir: r
                    .layers
                    .iter()
                    .rev()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(":"),
                upper_dir: dir.join("upper"),
                work_dir: dir.join("work"),
                merged_dir: dir.join("rootfs"),
            },
        },
        mounts,
        config,
        network_settings,
    })
}

fn security_opt(o: &ContainerConfig) -> Option<Vec<String>> {
    let mut v = Vec::new();
    match &o.seccomp {
        spec::SeccompChoice::Unconfined => v.push("seccomp=unconfined".to_string()),
        spec::SeccompChoice::Profile(p) => v.push(format!("seccomp={}", p.display())),
        spec::SeccompChoice::Default => {}
    }
    if o.no_new_privileges {
        v.push("no-new-privileges".into());
    }
    (!v.is_empty()).then_some(v)
}

fn tmpfs_map(o: &ContainerConfig) -> Option<OrderedMap<String>> {
    let m: Vec<(String, String)> = o
        .mounts
        .iter()
        .filter(|m| m.kind == MountKind::Tmpfs)
        .map(|m| (m.target.clone(), m.options.join(",")))
        .collect();
    (!m.is_empty()).then_some(OrderedMap(m))
}

/// docker's `HostConfig` of a container: its flags, docker's defaults for the rest.
fn host_config(o: &ContainerConfig) -> HostConfig {
    let binds: Vec<String> = o
        .mounts
        .iter()
        .filter(|m| m.kind == MountKind::Bind)
        .map(|m| {
            format!(
                "{}:{}{}",
                m.source,
                m.target,
                if m.readonly { ":ro" } else { "" }
            )
        })
        .collect();
    let some_if = |v: &Vec<String>| (!v.is_empty()).then(|| v.clone());
    let paths_unless_privileged = |p: &[&str]| {
        if o.privileged {
            Vec::new()
        } else {
            p.iter().map(|s| s.to_string()).collect()
        }
    };
    HostConfig {
        binds: some_if(&binds),
        container_id_file: String::new(),
        log_config: LogConfig {
            kind: "json-file".into(),
            config: Default::default(),
        },
        network_mode: if o.network.is_empty() {
            "none".into()
        } else {
            o.network.clone()
        },
        port_bindings: Default::default(),
        restart_policy: RestartPolicyJson {
            name: o.restart.name().into(),
            maximum_retry_count: o.restart.max_retries,
        },
        auto_remove: o.auto_remove,
        volume_driver: String::new(),
        volumes_from: None,
        cap_add: some_if(&o.cap_add),
        cap_drop: some_if(&o.cap_drop),
        dns: Vec::new(),
        dns_options: Vec::new(),
        dns_search: Vec::new(),
        extra_hosts: None,
        ipc_mode: "private".into(),
        oom_score_adj: 0,
        pid_mode: String::new(),
        privileged: o.privileged,
        publish_all_ports: false,
        readonly_rootfs: o.read_only,
        security_opt: security_opt(o),
        uts_mode: String::new(),
        userns_mode: String::new(),
        shm_size: o.shm_size.unwrap_or(64 << 20),
        runtime: "berth".into(),
        isolation: String::new(),
        cpu_shares: o.resources.cpu_shares.unwrap_or(0),
        memory: o.resources.memory.unwrap_or(0),
        nano_cpus: o.resources.nano_cpus.unwrap_or(0),
        cgroup_parent: String::new(),
        cpuset_cpus: o.resources.cpuset_cpus.clone().unwrap_or_default(),
        memory_swap: o
            .resources
            .memory_swap
            .or(o.resources.memory.map(|m| m * 2))
            .unwrap_or(0),
        pids_limit: o.resources.pids_limit,
        ulimits: o
            .ulimits
            .iter()
            .map(|u| UlimitJson {
                name: u.name.clone(),
                soft: u.soft,
                hard: u.hard,
            })
            .collect(),
        init: None,
        tmpfs: tmpfs_map(o),
        masked_paths: paths_unless_privileged(&spec::MASKED_PATHS),
        readonly_paths: paths_unless_privileged(&spec::READONLY_PATHS),
    }
}

/// docker's `Mounts` of a container: its resolved mounts.
fn mount_points(r: &ContainerRecord) -> Vec<MountPoint> {
    r.mounts
        .iter()
        .map(|m| {
            let vol_name = m.kind == MountKind::Volume;
            MountPoint {
                kind: match m.kind {
                    MountKind::Bind => "bind",
                    MountKind::Volume => "volume",
                    MountKind::Tmpfs => "tmpfs",
                }
                .into(),
                name: if vol_name {
                    Path::new(&m.source)
                        .parent()
                        .and_then(|p| p.file_name())
                        .map(|n| n.to_string_lossy().to_string())
                        .unwrap_or_default()
                } else {
                    String::new()
                },
                source: m.source.clone(),
                destination: m.destination.clone(),
                driver: if vol_name { "local" } else { "" }.into(),
                mode: String::new(),
                rw: !m.readonly,
                propagation: if m.kind == MountKind::Bind {
                    "rprivate"
                } else {
                    ""
                }
                .into(),
            }
        })
        .collect()
}

/// docker's `Config` of a container: its flags over its image's config; `env` is its spec's.
fn inspect_config(r: &ContainerRecord, env: Vec<String>) -> InspectConfig {
    let o = &r.config;
    let cmd: Vec<String> = if o.cmd.is_empty() && o.entrypoint.is_none() {
        r.image_config.cmd.clone().unwrap_or_default()
    } else {
        o.cmd.clone()
    };
    let entrypoint = match &o.entrypoint {
        Some(e) if e.is_empty() => None,
        Some(e) => Some(vec![e.clone()]),
        None => r.image_config.entrypoint.clone(),
    };
    let mut labels = r.image_config.labels.clone();
    labels.extend(o.labels.clone());
    let exposed = OrderedMap(
        r.image_config
            .exposed_ports
            .iter()
            .map(|p| (p.clone(), Empty {}))
            .collect(),
    );
    InspectConfig {
        hostname: r.hostname.clone(),
        domainname: String::new(),
        user: o
            .user
            .clone()
            .or(r.image_config.user.clone())
            .unwrap_or_default(),
        attach_stdin: o.interactive,
        attach_stdout: true,
        attach_stderr: true,
        exposed_ports: (!exposed.0.is_empty()).then_some(exposed),
        tty: o.tty,
        open_stdin: o.interactive,
        stdin_once: o.interactive,
        env,
        cmd: (!cmd.is_empty()).then_some(cmd),
        image: r.image.clone(),
        volumes: (!r.image_config.volumes.is_empty()).then(|| {
            OrderedMap(
                r.image_config
                    .volumes
                    .iter()
                    .map(|v| (v.clone(), Empty {}))
                    .collect(),
            )
        }),
        working_dir: o
            .workdir
            .clone()
            .or(r.image_config.working_dir.clone())
            .unwrap_or_default(),
        entrypoint,
        on_build: None,
        labels,
        stop_signal: o.stop_signal.clone().or(r.image_config.stop_signal.clone()),
    }
}
