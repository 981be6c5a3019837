//! Pod verbs (podman 4.3's semantics): create, start, stop, restart, kill, pause, unpause,
//! rm, prune, exists, ps, inspect, top, logs; [`join_options`] (`run --pod`) and [`member_exited`]. What a
//! container does because it is in a pod (the hooks the container verbs call, and `run --init`) lives in
//! `engine::container::pod_member`, so this module depends on engine::container and not the reverse.
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
//! A pod created with `--infra=false` (podman) has no infra (`PodRecord::infra_id` is empty): its members
//! share no namespace and only its cgroup; the infra's settings (network, ports, DNS, hosts, shm) are refused.
//! `--dns*`, `--add-host` and `--no-hosts` reach the members through the infra's resolv.conf and hosts
//! files, which they bind; `--shm-size` is the size of the pod's shm tmpfs.
//! Depends on engine::container, state, spec types, network, runtime (the pod cgroup, pids for top), store.
//! Invariant: a member is only launched while its pod's infra is running, and `rm -f` leaves no process,
//! mount, netns, veth, forwarder, cgroup or directory of the pod behind.

use crate::engine::Context;
use crate::engine::container::pod_member::{
    INFRA_BINARY, infra_binds, is_mountpoint, read_spec, write_spec,
};
use crate::engine::container::{self as ctr, ImageInfo};
use crate::network;
use crate::spec::{ContainerConfig, ImageConfig};
use crate::state::pod::{DEFAULT_SHARE, PodError, PodRecord, Pods, SHAREABLE};
pub use crate::state::pod::{ExitPolicy, PodPort};
use crate::state::{ContainerRecord, Containers, Status};
use crate::store::{self};
use crate::time::rfc3339_nano;
use crate::types::{DnsOptions, HostTarget};
use anyhow::{Context as _, Result, bail};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

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
    /// `--infra=false`: no infra container, so the members share no namespace (podman).
    pub no_infra: bool,
    /// `--replace`: remove an existing pod of that name first (podman).
    pub replace: bool,
    /// `--shm-size` of the pod's shared /dev/shm, in bytes.
    pub shm_size: Option<u64>,
    /// `--no-hosts`: members keep their image's /etc/hosts.
    pub no_hosts: bool,
    /// `--dns`, `--dns-search`, `--dns-option`: the infra's resolv.conf, which members share.
    pub dns: DnsOptions,
    /// `--add-host`: the infra's /etc/hosts, which members share.
    pub extra_hosts: Vec<(String, HostTarget)>,
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
pub fn create(ctx: &Context, opts: CreateOptions) -> Result<String> {
    let paths = &ctx.paths;
    paths.ensure()?;
    let pods = Pods::new(paths);
    if opts.replace
        && let Some(name) = &opts.name
        && pods
            .lookup(name)
            .is_ok_and(|id| pods.load(&id).is_ok_and(|p| p.name == *name))
    {
        // podman's --replace: the pod of that name goes first, running or not.
        remove(ctx, name, true).with_context(|| format!("replacing pod {name}"))?;
    }
    let id = pods.new_id()?;
    let dir = pods.dir(&id);
    store::create_private_dir(&dir)?;
    let name = opts.name.clone().unwrap_or_else(|| random_pod_name(&id));
    if let Err(e) = pods.reserve_name(&name, &id) {
        let _ = fs::remove_dir_all(&dir);
        return Err(e);
    }
    let created = if opts.no_infra {
        create_without_infra(&pods, &id, &name, &opts)
    } else {
        create_infra(ctx, &pods, &id, &name, &opts)
    };
    match created {
        Ok(()) => {
            super::events::emit_pod(paths, "create", &id, &name);
            Ok(id)
        }
        Err(e) => {
            let _ = pods.release_name(&name, &id);
            let _ = fs::remove_dir_all(&dir);
            let _ = fs::remove_dir_all(pods.run_dir(&id));
            Err(e)
        }
    }
}

fn create_infra(
    ctx: &Context,
    pods: &Pods,
    id: &str,
    name: &str,
    opts: &CreateOptions,
) -> Result<()> {
    let paths = &ctx.paths;
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
    let run = ContainerConfig {
        name: Some(format!("{}-infra", &id[..12])),
        hostname: Some(hostname.clone()),
        labels: BTreeMap::new(),
        network: network.clone(),
        net: network::NetOptions {
            ports,
            extra_hosts: opts.extra_hosts.clone(),
            dns: opts.dns.clone(),
            ..Default::default()
        },
        pod: Some(id.to_string()),
        // The pause process needs no capability at all.
        cap_drop: vec!["ALL".into()],
        ..Default::default()
    };
    let infra_id = ctr::create(ctx, &image, run)?;
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
            shm_size: opts.shm_size,
            no_hosts: opts.no_hosts,
            dns: opts.dns.clone(),
            extra_hosts: opts.extra_hosts.clone(),
        };
        pods.save(&rec)
    })();
    if let Err(e) = result {
        let _ = ctr::remove(ctx, &infra_id, true, true);
        return Err(e);
    }
    Ok(())
}

/// `pod create --infra=false`: only the record. Without an infra there is nothing to hold namespaces,
/// so the pod shares none, and the settings that belong to the infra are refused (podman's rules).
fn create_without_infra(pods: &Pods, id: &str, name: &str, opts: &CreateOptions) -> Result<()> {
    let infra_only = [
        (!opts.ports.is_empty(), "-p"),
        (!opts.network.is_empty(), "--network"),
        (opts.hostname.is_some(), "--hostname"),
        (!opts.dns.servers.is_empty(), "--dns"),
        (!opts.dns.search.is_empty(), "--dns-search"),
        (!opts.dns.options.is_empty(), "--dns-option"),
        (!opts.extra_hosts.is_empty(), "--add-host"),
        (opts.no_hosts, "--no-hosts"),
        (opts.shm_size.is_some(), "--shm-size"),
    ];
    if let Some((_, flag)) = infra_only.iter().find(|(set, _)| *set) {
        bail!("cannot set {flag} on a pod without an infra container: the pod shares no namespace");
    }
    if !opts.share.is_empty() && opts.share != resolve_share(&[])? {
        bail!("you must have an infra container to share namespaces");
    }
    pods.save(&PodRecord {
        id: id.to_string(),
        name: name.to_string(),
        created: rfc3339_nano(SystemTime::now()),
        labels: opts.labels.clone(),
        share: Vec::new(),
        hostname: String::new(),
        network: String::new(),
        memory: opts.memory,
        nano_cpus: opts.nano_cpus,
        exit_policy: opts.exit_policy,
        create_command: opts.create_command.clone(),
        ..Default::default()
    })
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

fn unmount_shm(pods: &Pods, id: &str) -> Result<()> {
    let shm = pods.shm_dir(id);
    while is_mountpoint(&shm) {
        nix::mount::umount2(&shm, nix::mount::MntFlags::MNT_DETACH)
            .with_context(|| format!("unmounting {}", shm.display()))?;
    }
    // Unmounted (or never mounted, rootless): whatever the pod left in it goes with the pod.
    crate::state::remove_dir_if_exists(&shm)
}

/// Remove the pod's cgroup (idempotent). Its containers' cgroups must be gone: a cgroup with children
/// cannot be removed.
fn remove_cgroup(pod_id: &str) -> Result<()> {
    crate::runtime::cgroup::destroy(&crate::monitor::pod_cgroup_name(pod_id))
        .context("removing the pod's cgroup")
}

/// Check a new member's options against its pod (podman's errors) and give the pod id to record.
pub fn join_options(
    ctx: &Context,
    query: &str,
    opts: &mut ContainerConfig,
    published: bool,
) -> Result<()> {
    let paths = &ctx.paths;
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
pub fn create_for_run(ctx: &Context, name: &str) -> Result<String> {
    let _paths = &ctx.paths;
    create(
        ctx,
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

fn summarize(ctx: &Context, pods: &Pods, id: &str) -> Result<PodSummary> {
    let paths = &ctx.paths;
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
    if exit_policy_due(&record, &containers) && stop_infra(ctx, &record).is_ok() {
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
pub fn member_exited(ctx: &Context, rec: &ContainerRecord) -> Result<()> {
    let paths = &ctx.paths;
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
        stop_infra(ctx, &pod).context("stopping the pod after its last container exited")?;
    }
    Ok(())
}

/// Every pod, newest first.
pub fn list(ctx: &Context) -> Result<Vec<PodSummary>> {
    let paths = &ctx.paths;
    let pods = Pods::new(paths);
    let mut out = Vec::new();
    for id in pods.list_ids()? {
        if let Ok(s) = summarize(ctx, &pods, &id) {
            out.push(s);
        }
    }
    out.sort_by(|a, b| b.record.created.cmp(&a.record.created));
    Ok(out)
}

pub fn get(ctx: &Context, query: &str) -> Result<PodSummary> {
    let paths = &ctx.paths;
    let pods = Pods::new(paths);
    let id = pods.lookup(query)?;
    summarize(ctx, &pods, &id)
}

/// `pod exists`.
pub fn exists(ctx: &Context, query: &str) -> bool {
    let paths = &ctx.paths;
    Pods::new(paths).lookup(query).is_ok()
}

/// `pod inspect`: podman's JSON shape.
pub fn inspect(ctx: &Context, query: &str) -> Result<Value> {
    let paths = &ctx.paths;
    let s = get(ctx, query)?;
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
        "CreateInfra": r.has_infra(),
        "InfraContainerID": r.infra_id,
        "InfraConfig": {
            "PortBindings": ports,
            "HostNetwork": r.network == "host",
            "Networks": if r.network == "none" || r.network == "host" { vec![] } else { vec![r.network.clone()] },
            "NetworkOptions": null,
            "DNSServer": r.dns.servers,
            "DNSSearch": r.dns.search,
            "DNSOption": r.dns.options,
            "NoManageHosts": r.no_hosts,
            "HostAdd": r.extra_hosts.iter().map(|(h, t)| match t {
                HostTarget::Ip(ip) => format!("{h}:{ip}"),
                HostTarget::HostGateway => format!("{h}:host-gateway"),
            }).collect::<Vec<_>>(),
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
        "InfraDir": if r.has_infra() { json!(c.dir(&r.infra_id)) } else { json!("") },
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
pub fn start(ctx: &Context, query: &str) -> Result<String> {
    let paths = &ctx.paths;
    let s = get(ctx, query)?;
    let c = Containers::new(paths);
    if s.record.has_infra() && !c.peek(&s.record.infra_id)?.is_running() {
        let _l = Pods::new(paths).lock(&s.record.id)?;
        if !c.peek(&s.record.infra_id)?.is_running() {
            ctr::start(ctx, &s.record.infra_id, false)
                .context("starting the pod's infra container")?;
        }
    }
    let mut rep = VerbReport::default();
    for m in members(&s) {
        if !m.state.is_running() {
            rep.record(
                &m.record.id,
                ctr::start(ctx, &m.record.id, false).map(|_| ()),
            );
        }
    }
    rep.into_result("starting", &s.record.name)?;
    super::events::emit_pod(paths, "start", &s.record.id, &s.record.name);
    Ok(s.record.id)
}

fn stop_infra(ctx: &Context, pod: &PodRecord) -> Result<()> {
    let paths = &ctx.paths;
    let pods = Pods::new(paths);
    let _l = pods.lock(&pod.id)?;
    if !pod.has_infra() {
        let _ = remove_cgroup(&pod.id);
        return Ok(());
    }
    ctr::stop(ctx, &pod.infra_id, Some(10), None)?;
    network::teardown(paths, &pod.infra_id).context("tearing down the pod's network")?;
    unmount_shm(&pods, &pod.id)?;
    // A stopped pod holds no cgroup. A member whose monitor was killed with -9 keeps its own cgroup (inside
    // this one) until `rm` cleans it up; `pod rm` then removes this one, so a failure here is not fatal.
    let _ = remove_cgroup(&pod.id);
    Ok(())
}

/// `pod stop [-t]`: members (in parallel, each with its stop signal and timeout), then the infra, its
/// network and the pod's shm.
pub fn stop(ctx: &Context, query: &str, timeout: Option<i64>) -> Result<String> {
    let _paths = &ctx.paths;
    let s = get(ctx, query)?;
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
                    sc.spawn(move || ctr::stop(ctx, id, timeout, None)),
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
    rep.record(&s.record.infra_id, stop_infra(ctx, &s.record));
    rep.into_result("stopping", &s.record.name)?;
    super::events::emit_pod(&ctx.paths, "stop", &s.record.id, &s.record.name);
    Ok(s.record.id)
}

/// `pod restart`.
pub fn restart(ctx: &Context, query: &str) -> Result<String> {
    let _paths = &ctx.paths;
    stop(ctx, query, None)?;
    start(ctx, query)
}

/// `pod kill -s SIG`: every running container of the pod, infra included (podman).
pub fn kill(ctx: &Context, query: &str, sig: i32) -> Result<String> {
    let _paths = &ctx.paths;
    let s = get(ctx, query)?;
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
        rep.record(&c.record.id, ctr::kill(ctx, &c.record.id, sig));
    }
    if let Some(i) = running.iter().find(|c| c.record.id == s.record.infra_id) {
        rep.record(&i.record.id, ctr::kill(ctx, &i.record.id, sig));
    }
    rep.into_result("killing", &s.record.name)?;
    super::events::emit_pod(&ctx.paths, "kill", &s.record.id, &s.record.name);
    Ok(s.record.id)
}

/// `pod pause` / `pod unpause`: every running (paused) container through the freezer.
pub fn set_paused(ctx: &Context, query: &str, pause: bool) -> Result<String> {
    let _paths = &ctx.paths;
    let s = get(ctx, query)?;
    let mut rep = VerbReport::default();
    let want = if pause {
        Status::Running
    } else {
        Status::Paused
    };
    for c in s.containers.iter().filter(|c| c.state.status == want) {
        rep.record(&c.record.id, ctr::set_paused(ctx, &c.record.id, pause));
    }
    rep.into_result(if pause { "pausing" } else { "unpausing" }, &s.record.name)?;
    let action = if pause { "pause" } else { "unpause" };
    super::events::emit_pod(&ctx.paths, action, &s.record.id, &s.record.name);
    Ok(s.record.id)
}

/// `pod rm [-f]`: refuses a pod with running members unless forced (podman's wording); removes members,
/// the infra, the network, the shm and the pod's files.
pub fn remove(ctx: &Context, query: &str, force: bool) -> Result<String> {
    let paths = &ctx.paths;
    let s = get(ctx, query)?;
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
        rep.record(&m.record.id, ctr::remove(ctx, &m.record.id, true, true));
    }
    if s.record.has_infra() {
        // From here on the infra may go (see `guard_infra_removal`). A pod that never started has no run
        // dir yet: without the marker the infra would refuse to go, and `pod rm -f` would fail.
        let marked = store::create_private_dir(&pods.run_dir(&s.record.id)).and_then(|()| {
            fs::write(pods.run_dir(&s.record.id).join("removing"), b"")
                .context("marking the pod as being removed")
        });
        rep.record(&s.record.id, marked);
        rep.record(
            &s.record.infra_id,
            ctr::remove(ctx, &s.record.infra_id, true, true),
        );
        rep.record(
            &s.record.infra_id,
            network::teardown(paths, &s.record.infra_id),
        );
    }
    rep.record(&s.record.id, unmount_shm(&pods, &s.record.id));
    rep.record(&s.record.id, remove_cgroup(&s.record.id));
    rep.into_result("removing", &s.record.name)?;
    let _l = pods.lock(&s.record.id)?;
    pods.release_name(&s.record.name, &s.record.id)?;
    crate::state::remove_dir_if_exists(&pods.dir(&s.record.id))?;
    crate::state::remove_dir_if_exists(&pods.run_dir(&s.record.id))?;
    super::events::emit_pod(paths, "remove", &s.record.id, &s.record.name);
    Ok(s.record.id)
}

/// `pod prune`: remove every pod with no running container. Returns the removed ids.
pub fn prune(ctx: &Context) -> Result<Vec<String>> {
    let _paths = &ctx.paths;
    let mut out = Vec::new();
    for s in list(ctx)? {
        if s.containers.iter().any(|c| c.state.is_running()) {
            continue;
        }
        out.push(remove(ctx, &s.record.id, false)?);
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
pub fn top(ctx: &Context, query: &str) -> Result<Vec<TopRow>> {
    let _paths = &ctx.paths;
    let s = get(ctx, query)?;
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
            let ppid = crate::runtime::stat_fields(&stat)
                .and_then(|mut f| f.nth(4 - 3))
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
pub fn log_containers(ctx: &Context, query: &str) -> Result<Vec<(String, String)>> {
    let _paths = &ctx.paths;
    let s = get(ctx, query)?;
    Ok(members(&s)
        .into_iter()
        .map(|m| (m.record.id.clone(), m.record.name.clone()))
        .collect())
}

/// The pod (id, name) a container belongs to, for `ps --pod` and `--filter pod=`.
pub fn pod_of(ctx: &Context, pod: Option<&str>) -> Option<(String, String)> {
    let paths = &ctx.paths;
    let p = Pods::new(paths).load(pod?).ok()?;
    Some((p.id, p.name))
}

/// Refuse pod names taken; the error carries podman's wording.
pub fn is_no_such_pod(e: &anyhow::Error) -> bool {
    e.downcast_ref::<PodError>()
        .is_some_and(|p| matches!(p, PodError::NoSuchPod(_)))
}

#[cfg(test)]
#[path = "pod_tests.rs"]
mod tests;
