//! `inspect` of a container: docker's JSON from the record, the state and the OCI spec.

use super::get;
use crate::spec::{self, ContainerConfig, MountKind};
use crate::state::{Containers, Status};
use crate::store::Paths;
use anyhow::Result;
use serde_json::{Value, json};
use std::fs;
use std::path::Path;

fn opt_json<T: serde::Serialize>(v: &Option<T>) -> Value {
    v.as_ref().map(|x| json!(x)).unwrap_or(Value::Null)
}

/// docker's `inspect` JSON for a container.
pub fn inspect(paths: &Paths, query: &str) -> Result<Value> {
    let s = get(paths, query)?;
    let (r, st) = (&s.record, &s.state);
    let o = &r.config;
    let env = fs::read(Containers::new(paths).dir(&r.id).join("config.json"))
        .ok()
        .and_then(|d| serde_json::from_slice::<oci_spec::runtime::Spec>(&d).ok())
        .and_then(|sp| sp.process().as_ref().and_then(|p| p.env().clone()))
        .unwrap_or_default();
    let cmd: Vec<String> = if o.cmd.is_empty() && o.entrypoint.is_none() {
        r.image_config.cmd.clone().unwrap_or_default()
    } else {
        o.cmd.clone()
    };
    let entrypoint: Value = match &o.entrypoint {
        Some(e) if e.is_empty() => Value::Null,
        Some(e) => json!([e]),
        None => opt_json(&r.image_config.entrypoint),
    };
    let mut labels = r.image_config.labels.clone();
    labels.extend(o.labels.clone());
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
    let mounts: Vec<Value> = r
        .mounts
        .iter()
        .map(|m| {
            let vol_name = m.kind == MountKind::Volume;
            json!({
                "Type": match m.kind { MountKind::Bind => "bind", MountKind::Volume => "volume", MountKind::Tmpfs => "tmpfs" },
                "Name": if vol_name { Path::new(&m.source).parent().and_then(|p| p.file_name()).map(|n| n.to_string_lossy().to_string()).unwrap_or_default() } else { String::new() },
                "Source": m.source,
                "Destination": m.destination,
                "Driver": if vol_name { "local" } else { "" },
                "Mode": "",
                "RW": !m.readonly,
                "Propagation": if m.kind == MountKind::Bind { "rprivate" } else { "" },
            })
        })
        .collect();
    let exposed: serde_json::Map<String, Value> = r
        .image_config
        .exposed_ports
        .iter()
        .map(|p| (p.clone(), json!({})))
        .collect();
    let running = st.is_running();
    let dir = Containers::new(paths).dir(&r.id);
    let hostconfig = json!({
        "Binds": if binds.is_empty() { Value::Null } else { json!(binds) },
        "ContainerIDFile": "",
        "LogConfig": {"Type": "json-file", "Config": {}},
        "NetworkMode": if o.network.is_empty() { "none" } else { o.network.as_str() },
        "PortBindings": {},
        "RestartPolicy": {"Name": o.restart.name(), "MaximumRetryCount": o.restart.max_retries},
        "AutoRemove": o.auto_remove,
        "VolumeDriver": "",
        "VolumesFrom": Value::Null,
        "CapAdd": if o.cap_add.is_empty() { Value::Null } else { json!(o.cap_add) },
        "CapDrop": if o.cap_drop.is_empty() { Value::Null } else { json!(o.cap_drop) },
        "Dns": [], "DnsOptions": [], "DnsSearch": [], "ExtraHosts": Value::Null,
        "IpcMode": "private",
        "OomScoreAdj": 0,
        "PidMode": "",
        "Privileged": o.privileged,
        "PublishAllPorts": false,
        "ReadonlyRootfs": o.read_only,
        "SecurityOpt": security_opt(o),
        "UTSMode": "",
        "UsernsMode": "",
        "ShmSize": o.shm_size.unwrap_or(64 << 20),
        "Runtime": "berth",
        "Isolation": "",
        "CpuShares": o.resources.cpu_shares.unwrap_or(0),
        "Memory": o.resources.memory.unwrap_or(0),
        "NanoCpus": o.resources.nano_cpus.unwrap_or(0),
        "CgroupParent": "",
        "CpusetCpus": o.resources.cpuset_cpus.clone().unwrap_or_default(),
        "MemorySwap": o.resources.memory_swap.or(o.resources.memory.map(|m| m * 2)).unwrap_or(0),
        "PidsLimit": o.resources.pids_limit,
        "Ulimits": o.ulimits.iter().map(|u| json!({"Name": u.name, "Soft": u.soft, "Hard": u.hard})).collect::<Vec<_>>(),
        "Init": Value::Null,
        "Tmpfs": tmpfs_map(o),
        "MaskedPaths": if o.privileged { json!([]) } else { json!(spec::MASKED_PATHS) },
        "ReadonlyPaths": if o.privileged { json!([]) } else { json!(spec::READONLY_PATHS) },
    });
    let config = json!({
        "Hostname": r.hostname,
        "Domainname": "",
        "User": o.user.clone().or(r.image_config.user.clone()).unwrap_or_default(),
        "AttachStdin": o.interactive,
        "AttachStdout": true,
        "AttachStderr": true,
        "ExposedPorts": if exposed.is_empty() { Value::Null } else { Value::Object(exposed) },
        "Tty": o.tty,
        "OpenStdin": o.interactive,
        "StdinOnce": o.interactive,
        "Env": env,
        "Cmd": if cmd.is_empty() { Value::Null } else { json!(cmd) },
        "Image": r.image,
        "Volumes": if r.image_config.volumes.is_empty() { Value::Null } else {
            Value::Object(r.image_config.volumes.iter().map(|v| (v.clone(), json!({}))).collect()) },
        "WorkingDir": o.workdir.clone().or(r.image_config.working_dir.clone()).unwrap_or_default(),
        "Entrypoint": entrypoint,
        "OnBuild": Value::Null,
        "Labels": labels,
        "StopSignal": o.stop_signal.clone().or(r.image_config.stop_signal.clone()),
    });
    let networksettings = crate::engine::network::network_settings(paths, &r.id, &o.network);
    Ok(json!({
        "Id": r.id,
        "Created": r.created,
        "Path": r.path,
        "Args": r.args,
        "State": {
            "Status": st.status.as_str(),
            "Running": running,
            "Paused": st.status == Status::Paused,
            "Restarting": st.status == Status::Restarting,
            "OOMKilled": st.oom_killed,
            "Dead": false,
            "Pid": if running { st.pid } else { 0 },
            "ExitCode": st.exit_code,
            "Error": st.error,
            "StartedAt": st.started_at,
            "FinishedAt": st.finished_at,
        },
        "Image": r.image_id,
        "ResolvConfPath": dir.join("resolv.conf"),
        "HostnamePath": dir.join("hostname"),
        "HostsPath": dir.join("hosts"),
        "LogPath": Containers::new(paths).log_path(&r.id),
        "Name": format!("/{}", r.name),
        "RestartCount": st.restart_count,
        "Driver": "overlay",
        "Platform": "linux",
        "MountLabel": "",
        "ProcessLabel": "",
        "AppArmorProfile": "",
        "ExecIDs": Value::Null,
        "HostConfig": hostconfig,
        "GraphDriver": {
            "Name": "overlay",
            "Data": {
                "LowerDir": r.layers.iter().rev().map(|p| p.display().to_string()).collect::<Vec<_>>().join(":"),
                "UpperDir": dir.join("upper"),
                "WorkDir": dir.join("work"),
                "MergedDir": dir.join("rootfs"),
            },
        },
        "Mounts": mounts,
        "Config": config,
        "NetworkSettings": networksettings,
    }))
}

fn security_opt(o: &ContainerConfig) -> Value {
    let mut v = Vec::new();
    match &o.seccomp {
        spec::SeccompChoice::Unconfined => v.push("seccomp=unconfined".to_string()),
        spec::SeccompChoice::Profile(p) => v.push(format!("seccomp={}", p.display())),
        spec::SeccompChoice::Default => {}
    }
    if o.no_new_privileges {
        v.push("no-new-privileges".into());
    }
    if v.is_empty() { Value::Null } else { json!(v) }
}

fn tmpfs_map(o: &ContainerConfig) -> Value {
    let m: serde_json::Map<String, Value> = o
        .mounts
        .iter()
        .filter(|m| m.kind == MountKind::Tmpfs)
        .map(|m| (m.target.clone(), json!(m.options.join(","))))
        .collect();
    if m.is_empty() {
        Value::Null
    } else {
        Value::Object(m)
    }
}
