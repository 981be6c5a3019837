//! `inspect` of a container: docker's inspect record (`types::inspect`) from the container record, its
//! state, its OCI spec and its image's config. Returns data; the cli serialises it.

use super::get;
use crate::engine::Context;
use crate::spec::{self, ContainerConfig, MountKind};
use crate::state::health::{active_healthcheck, merged_healthcheck};
use crate::state::pod::Pods;
use crate::state::{Containers, Status};
use crate::types::inspect::{
    ContainerInspect, Empty, GraphDriver, GraphDriverData, HostConfig, InspectConfig, InspectState,
    LogConfig, MountPoint, OrderedMap, PortBinding, RestartPolicyJson, UlimitJson,
};
use crate::types::{ContainerRecord, Health, HostTarget, NsMode};
use anyhow::Result;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

/// docker's storage driver name, for the container's `Driver` and `GraphDriver.Name` as for images'
/// (berth's layers and containers are overlay mounts, which docker calls `overlay2`).
const GRAPH_DRIVER: &str = "overlay2";

/// docker's `inspect` for a container, typed ([`ContainerInspect`]); the cli serialises it.
pub fn inspect(ctx: &Context, query: &str) -> Result<ContainerInspect> {
    let paths = &ctx.paths;
    let s = get(ctx, query)?;
    let (r, st) = (&s.record, &s.state);
    let o = &r.config;
    let dir = Containers::new(paths).dir(&r.id);
    let oci = fs::read(dir.join("config.json"))
        .ok()
        .and_then(|d| serde_json::from_slice::<serde_json::Value>(&d).ok());
    let running = st.is_running();
    let host_config = host_config(ctx, r, oci.as_ref());
    let config = inspect_config(ctx, r);
    let mounts = mount_points(r);
    let network_settings =
        crate::engine::network::network_settings(paths, &r.id, &o.network, o.net.ip);
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
            health: active_healthcheck(r)
                .and_then(|_| Containers::new(paths).load_health(&r.id, running)),
        },
        image: r.image_id.clone(),
        resolv_conf_path: dir.join("resolv.conf"),
        hostname_path: dir.join("hostname"),
        hosts_path: dir.join("hosts"),
        log_path: Containers::new(paths).log_path(&r.id),
        name: format!("/{}", r.name),
        restart_count: st.restart_count,
        driver: GRAPH_DRIVER.into(),
        platform: "linux".into(),
        mount_label: String::new(),
        process_label: String::new(),
        app_armor_profile: String::new(),
        exec_ids: None,
        host_config,
        graph_driver: GraphDriver {
            name: GRAPH_DRIVER.into(),
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

/// docker's `HostConfig.PortBindings` from `-p`: `"80/tcp": [{"HostIp": "", "HostPort": "8080"}]`, with
/// "" for any address and for a port the kernel picks (`-p 80`).
fn port_bindings(o: &ContainerConfig) -> BTreeMap<String, Vec<PortBinding>> {
    let mut m: BTreeMap<String, Vec<PortBinding>> = BTreeMap::new();
    for p in &o.net.ports {
        m.entry(port_key(p.container_port, p.proto))
            .or_default()
            .push(PortBinding {
                host_ip: p.host_ip.map(|ip| ip.to_string()).unwrap_or_default(),
                host_port: match p.host_port {
                    0 => String::new(),
                    n => n.to_string(),
                },
            });
    }
    m
}

/// docker's key of a port set or map: `80/tcp`.
fn port_key(port: u16, proto: crate::types::Proto) -> String {
    let proto = match proto {
        crate::types::Proto::Tcp => "tcp",
        crate::types::Proto::Udp => "udp",
    };
    format!("{port}/{proto}")
}

/// docker's `IpcMode`, `PidMode`, `UTSMode` and `CgroupnsMode` of a container.
struct NamespaceModes {
    ipc: String,
    pid: String,
    uts: String,
    cgroupns: String,
}

/// A pod member joins the namespaces its pod shares, which podman prints as `container:<infra id>`;
/// otherwise the container's OCI spec says whether it has its own namespace (docker's `private`, and
/// "" for PID) or the host's (`host`).
fn namespace_modes(
    ctx: &Context,
    r: &ContainerRecord,
    oci: Option<&serde_json::Value>,
) -> NamespaceModes {
    let pod = r
        .config
        .pod
        .as_deref()
        .and_then(|id| Pods::new(&ctx.paths).load(id).ok())
        .filter(|p| p.infra_id != r.id);
    let joined = |kind: &str| {
        pod.as_ref()
            .filter(|p| p.shares(kind))
            .map(|p| format!("container:{}", p.infra_id))
    };
    // Whether the spec has an entry for the namespace kind (no entry: the host's).
    let own = |kind: &str| match oci.and_then(|v| v["linux"]["namespaces"].as_array()) {
        Some(nss) => nss.iter().any(|n| n["type"] == kind),
        None => true,
    };
    let mode = |own: bool, private: &str| (if own { private } else { "host" }).to_string();
    // `--pid`/`--ipc container:<x>` as written (docker keeps the user's string), and the IPC modes the
    // spec alone cannot tell apart.
    let ns = &r.config.namespaces;
    let flag = |m: &NsMode| match m {
        NsMode::Container(x) => Some(format!("container:{x}")),
        NsMode::Shareable => Some("shareable".to_string()),
        NsMode::None => Some("none".to_string()),
        _ => None,
    };
    NamespaceModes {
        ipc: flag(&ns.ipc)
            .or_else(|| joined("ipc"))
            .unwrap_or_else(|| mode(own("ipc"), "private")),
        pid: flag(&ns.pid)
            .or_else(|| joined("pid"))
            .unwrap_or_else(|| mode(own("pid"), "")),
        uts: mode(own("uts"), ""),
        cgroupns: mode(own("cgroup"), "private"),
    }
}

/// docker's `HostConfig` of a container: its flags, docker's defaults for the rest.
fn host_config(ctx: &Context, r: &ContainerRecord, oci: Option<&serde_json::Value>) -> HostConfig {
    let o = &r.config;
    let modes = namespace_modes(ctx, r, oci);
    let extra_hosts: Vec<String> = o
        .net
        .extra_hosts
        .iter()
        .map(|(name, target)| match target {
            HostTarget::Ip(ip) => format!("{name}:{ip}"),
            HostTarget::HostGateway => format!("{name}:host-gateway"),
        })
        .collect();
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
        container_id_file: o.cidfile.clone().unwrap_or_default(),
        log_config: LogConfig {
            kind: o.log.driver().into(),
            config: o.log.opts.clone(),
        },
        network_mode: if o.network.is_empty() {
            "none".into()
        } else {
            o.network.clone()
        },
        port_bindings: port_bindings(o),
        restart_policy: RestartPolicyJson {
            name: o.restart.name().into(),
            maximum_retry_count: o.restart.max_retries,
        },
        auto_remove: o.auto_remove,
        volume_driver: String::new(),
        volumes_from: some_if(&o.volumes_from),
        cap_add: some_if(&o.cap_add),
        cap_drop: some_if(&o.cap_drop),
        cgroupns_mode: modes.cgroupns,
        dns: o.net.dns.servers.iter().map(|s| s.to_string()).collect(),
        dns_options: o.net.dns.options.clone(),
        dns_search: o.net.dns.search.clone(),
        extra_hosts: some_if(&extra_hosts),
        links: some_if(&links(ctx, r)),
        ipc_mode: modes.ipc,
        oom_score_adj: o.oom_score_adj.unwrap_or(0).into(),
        pid_mode: modes.pid,
        privileged: o.privileged,
        publish_all_ports: o.net.publish_all,
        readonly_rootfs: o.read_only,
        security_opt: security_opt(o),
        uts_mode: modes.uts,
        userns_mode: o.namespaces.userns.clone(),
        shm_size: o.shm_size.unwrap_or(64 << 20),
        runtime: "berth".into(),
        // `--isolation default` is the only value accepted on Linux (cli::container::run).
        isolation: String::new(),
        cpu_shares: o.resources.cpu_shares.unwrap_or(0),
        memory: o.resources.memory.unwrap_or(0),
        nano_cpus: o.resources.nano_cpus.unwrap_or(0),
        cgroup_parent: o.cgroup_parent.clone().unwrap_or_default(),
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
        init: o.init.then_some(true),
        tmpfs: tmpfs_map(o),
        masked_paths: paths_unless_privileged(&spec::MASKED_PATHS),
        readonly_paths: paths_unless_privileged(&spec::READONLY_PATHS),
        annotations: (!o.annotations.is_empty()).then(|| o.annotations.clone()),
        group_add: some_if(&o.group_add),
        sysctls: (!o.sysctls.is_empty()).then(|| o.sysctls.clone()),
        memory_reservation: o.resources.memory_reservation.unwrap_or(0),
        memory_swappiness: o.resources.memory_swappiness,
        cpu_period: o.resources.cpu_period.unwrap_or(0),
        cpu_quota: o.resources.cpu_quota.unwrap_or(0),
        cpuset_mems: o.resources.cpuset_mems.clone().unwrap_or_default(),
        blkio_weight: o.resources.blkio_weight.unwrap_or(0),
        oom_kill_disable: o.resources.oom_kill_disable.unwrap_or(false),
        devices: o
            .devices
            .iter()
            .map(|d| crate::types::inspect::DeviceJson {
                path_on_host: d.path_on_host.clone(),
                path_in_container: d.path_in_container.clone(),
                cgroup_permissions: d.permissions.clone(),
            })
            .collect(),
        device_cgroup_rules: some_if(&o.device_cgroup_rules),
        blkio_device_read_bps: throttle_json(&o.resources.throttles.read_bps),
        blkio_device_write_bps: throttle_json(&o.resources.throttles.write_bps),
        blkio_device_read_iops: throttle_json(&o.resources.throttles.read_iops),
        blkio_device_write_iops: throttle_json(&o.resources.throttles.write_iops),
    }
}

fn throttle_json(
    l: &[crate::types::ThrottleDevice],
) -> Option<Vec<crate::types::inspect::ThrottleJson>> {
    (!l.is_empty()).then(|| {
        l.iter()
            .map(|t| crate::types::inspect::ThrottleJson {
                path: t.path.clone(),
                rate: t.rate,
            })
            .collect()
    })
}

/// `HostConfig.Links` as docker shows them: `/<target's name>:/<name>/<alias>`.
fn links(ctx: &Context, r: &ContainerRecord) -> Vec<String> {
    let c = Containers::new(&ctx.paths);
    r.config
        .net
        .links
        .iter()
        .map(|(id, alias)| {
            let target = c
                .load_record(id)
                .map(|t| t.name)
                .unwrap_or_else(|_| id.clone());
            format!("/{target}:/{}/{alias}", r.name)
        })
        .collect()
}

/// docker's `Mounts` of a container: its resolved mounts.
fn mount_points(r: &ContainerRecord) -> Vec<MountPoint> {
    r.mounts
        .iter()
        .map(|m| {
            let volume = m.kind == MountKind::Volume;
            let name = if volume {
                Path::new(&m.source)
                    .parent()
                    .and_then(|p| p.file_name())
                    .map(|n| n.to_string_lossy().to_string())
                    .unwrap_or_default()
            } else {
                String::new()
            };
            // docker keeps `-v`'s mode as written ("ro", "z", "ro,z"), and gives a named volume of the
            // local driver mounted by `-v` without one the mode "z" (moby `setBindModeIfNull`);
            // `--mount`, anonymous volumes and binds without a mode have "".
            let mode = match &m.mode {
                Some(w) if w.is_empty() && volume && !r.anonymous_volumes.contains(&name) => "z",
                Some(w) => w.as_str(),
                None => "",
            };
            MountPoint {
                kind: match m.kind {
                    MountKind::Bind => "bind",
                    MountKind::Volume => "volume",
                    MountKind::Tmpfs => "tmpfs",
                }
                .into(),
                driver: if volume { "local" } else { "" }.into(),
                name,
                source: m.source.clone(),
                destination: m.destination.clone(),
                mode: mode.into(),
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

/// `Config.Env` as docker's daemon keeps it (moby `daemon/commit.go` `merge`): the user's entries as
/// given, then each image entry whose key the user did not set.
fn merged_env(image: &[String], user: &[String]) -> Vec<String> {
    let key = |kv: &str| kv.split_once('=').map_or(kv, |(k, _)| k).to_string();
    let user_keys: Vec<String> = user.iter().map(|kv| key(kv)).collect();
    user.iter()
        .cloned()
        .chain(
            image
                .iter()
                .filter(|kv| !user_keys.contains(&key(kv)))
                .cloned(),
        )
        .collect()
}

/// docker's `Config.Healthcheck`: the `--health-*` flags over the image's HEALTHCHECK. A container
/// created before its record kept the image's HEALTHCHECK shows the image's, read from its config.
fn healthcheck(ctx: &Context, r: &ContainerRecord) -> Option<serde_json::Value> {
    if r.config.healthcheck.is_none() && r.image_config.healthcheck.is_none() {
        return image_healthcheck(ctx, &r.image_id);
    }
    merged_healthcheck(r.config.healthcheck.as_ref(), &r.image_config)
        .and_then(|h| serde_json::to_value(h).ok())
}

/// A container's health, what compose's `depends_on: condition: service_healthy` waits for.
#[derive(Debug, Clone)]
pub struct HealthReport {
    /// `starting`, `healthy`, `unhealthy`, or `none` when the container has no health check.
    pub status: String,
    /// docker's `State.Health` (its `Log` holds the last checks' output); None before the first start
    /// and without a health check.
    pub health: Option<Health>,
}

/// The health of a container (name or id) as of now (no lock: the monitor replaces its record whole).
pub fn health(ctx: &Context, query: &str) -> Result<HealthReport> {
    let s = get(ctx, query)?;
    let running = s.state.is_running();
    let c = Containers::new(&ctx.paths);
    let status = c.health_status(&s.record, running);
    let health = active_healthcheck(&s.record).and_then(|_| c.load_health(&s.record.id, running));
    Ok(HealthReport { status, health })
}

/// The image's `Healthcheck`, read from its stored config (the container record keeps only what the
/// spec needs); None when the image has none or is gone.
fn image_healthcheck(ctx: &Context, image_id: &str) -> Option<serde_json::Value> {
    let img = crate::engine::image::resolve_local(ctx, image_id).ok()?;
    let cfg = crate::engine::image::image_config_json(&ctx.paths, &img).ok()?;
    cfg["config"]
        .get("Healthcheck")
        .filter(|h| !h.is_null())
        .cloned()
}

/// docker's `Config` of a container: its flags over its image's config.
fn inspect_config(ctx: &Context, r: &ContainerRecord) -> InspectConfig {
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
    // docker's cli adds every `-p` container port to the exposed set; the daemon adds the image's.
    let exposed: BTreeMap<String, Empty> = r
        .image_config
        .exposed_ports
        .iter()
        .cloned()
        .chain(
            o.net
                .ports
                .iter()
                .map(|p| port_key(p.container_port, p.proto)),
        )
        .chain(o.exposed_ports.iter().cloned())
        .map(|k| (k, Empty {}))
        .collect();
    InspectConfig {
        hostname: r.hostname.clone(),
        domainname: o.domainname.clone().unwrap_or_default(),
        user: o
            .user
            .clone()
            .or(r.image_config.user.clone())
            .unwrap_or_default(),
        attach_stdin: o.interactive,
        attach_stdout: true,
        attach_stderr: true,
        exposed_ports: (!exposed.is_empty()).then_some(exposed),
        tty: o.tty,
        open_stdin: o.interactive,
        stdin_once: o.interactive,
        env: merged_env(&r.image_config.env, &o.env),
        cmd: (!cmd.is_empty()).then_some(cmd),
        healthcheck: healthcheck(ctx, r),
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
        stop_timeout: o.stop_timeout,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    /// docker's merge: the user's entries first and as given, then the image's it does not override.
    #[test]
    fn env_is_the_user_entries_then_the_image_entries_not_overridden() {
        let image = strings(&["PATH=/img/bin", "A=image", "B=image"]);
        let user = strings(&["A=user", "C=user"]);
        assert_eq!(
            merged_env(&image, &user),
            strings(&["A=user", "C=user", "PATH=/img/bin", "B=image"])
        );
        assert_eq!(merged_env(&image, &[]), image);
        assert_eq!(merged_env(&[], &user), user);
    }
}
