//! One service of the resolved model -> the engine's run options ([`ContainerConfig`]), the same record
//! `berth run` builds from its flags, so a compose container behaves as the `run` it stands for.
//! Keys berth cannot honour fail here by name (`services.web.gpus: ...`), never silently.

use super::normalize::scalar;
use super::{Project, labels};
use crate::types::{
    ContainerConfig, DnsOptions, HealthConfig, HostTarget, MountKind, MountRequest, NsMode,
    PortMapping, Proto, RestartPolicy, SeccompChoice, Ulimit,
};
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Service keys of the compose specification that berth has no equivalent for.
const UNSUPPORTED: &[(&str, &str)] = &[
    ("gpus", "berth has no GPU runtime"),
    (
        "links",
        "legacy links are not supported; services reach each other by name",
    ),
    ("external_links", "legacy links are not supported"),
    ("volumes_from", "--volumes-from is not supported"),
    ("userns_mode", "--userns is not supported"),
    ("runtime", "berth has one runtime"),
    ("isolation", "only the default isolation exists on Linux"),
    ("storage_opt", "--storage-opt is not supported"),
    (
        "device_cgroup_rules",
        "device cgroup rules are not supported",
    ),
    ("credential_spec", "credential specs are Windows-only"),
    ("cpu_count", "cpu_count is Windows-only"),
    ("cpu_percent", "cpu_percent is Windows-only"),
    ("cpu_rt_period", "realtime scheduling is not supported"),
    ("cpu_rt_runtime", "realtime scheduling is not supported"),
    ("uts", "--uts is not supported by compose in berth"),
    ("cgroup", "--cgroupns is not supported by compose in berth"),
    ("develop", "compose watch is not supported"),
    ("post_start", "lifecycle hooks are not supported"),
    ("pre_stop", "lifecycle hooks are not supported"),
    ("platform", "only the host's platform exists"),
    ("attach", "every service's output is attached"),
];

/// A byte size as compose writes it (`512m`, `1g`, `1.5gb`, `1024`).
pub fn parse_bytes(v: &Value, key: &str) -> Result<u64> {
    if let Some(n) = v.as_u64() {
        return Ok(n);
    }
    let s = scalar(v).trim().to_lowercase();
    let s = s
        .strip_suffix('b')
        .filter(|x| x.ends_with(['k', 'm', 'g', 't']))
        .unwrap_or(&s);
    let (num, mult) = match s.chars().last() {
        Some('k') => (&s[..s.len() - 1], 1u64 << 10),
        Some('m') => (&s[..s.len() - 1], 1 << 20),
        Some('g') => (&s[..s.len() - 1], 1 << 30),
        Some('t') => (&s[..s.len() - 1], 1 << 40),
        Some('b') => (&s[..s.len() - 1], 1),
        _ => (s, 1),
    };
    let n: f64 = num
        .parse()
        .with_context(|| format!("{key}: invalid size {}", scalar(v)))?;
    Ok((n * mult as f64) as u64)
}

/// A Go duration (`1m30s`, `500ms`, `10s`) or a number of seconds.
pub fn parse_duration(v: &Value, key: &str) -> Result<std::time::Duration> {
    if let Some(n) = v.as_f64() {
        return Ok(std::time::Duration::from_secs_f64(n));
    }
    let s = scalar(v);
    let bad = || format!("{key}: invalid duration {s:?}");
    let mut total = 0f64;
    let mut rest = s.as_str();
    if rest.is_empty() {
        bail!(bad());
    }
    while !rest.is_empty() {
        let n = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num: f64 = rest[..n].parse().with_context(bad)?;
        rest = &rest[n..];
        let u = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let mult = match &rest[..u] {
            "h" => 3600.0,
            "m" => 60.0,
            "s" => 1.0,
            "ms" => 1e-3,
            "us" | "µs" => 1e-6,
            "ns" => 1e-9,
            _ => bail!(bad()),
        };
        total += num * mult;
        rest = &rest[u..];
    }
    Ok(std::time::Duration::from_secs_f64(total))
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| a.iter().map(scalar).collect())
        .unwrap_or_default()
}

fn string(v: Option<&Value>) -> Option<String> {
    v.filter(|x| !x.is_null()).map(scalar)
}

fn boolean(v: Option<&Value>) -> bool {
    v.is_some_and(|x| x.as_bool() == Some(true) || matches!(x.as_str(), Some("true" | "yes")))
}

/// The name of container `n` of a service (docker: `<project>-<service>-<n>`, or `container_name`).
pub fn container_name(p: &Project, service: &str, n: u32) -> String {
    match p
        .service(service)
        .and_then(|s| s.get("container_name"))
        .and_then(Value::as_str)
    {
        Some(c) => c.to_string(),
        None => format!("{}-{service}-{n}", p.name),
    }
}

/// The engine name of a project resource (`networks`/`volumes` key -> its `name`).
pub fn resource_name(p: &Project, section: &str, key: &str) -> String {
    p.model
        .get(section)
        .and_then(|s| s.get(key))
        .and_then(|e| e.get("name"))
        .and_then(Value::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| format!("{}_{key}", p.name))
}

/// The service's networks in priority order (name as in the model, its attachment settings).
pub fn networks(svc: &Value) -> Vec<(String, Value)> {
    let mut v: Vec<(String, Value)> = svc
        .get("networks")
        .and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let prio = |x: &Value| x.get("priority").and_then(Value::as_i64).unwrap_or(0);
    v.sort_by_key(|(_, x)| -prio(x));
    v
}

/// The image a service runs (its own, or `<project>-<service>` for a built one, as compose names it).
pub fn image_name(p: &Project, service: &str) -> String {
    match p
        .service(service)
        .and_then(|s| s.get("image"))
        .and_then(Value::as_str)
    {
        Some(i) => i.to_string(),
        None => format!("{}-{service}", p.name),
    }
}

/// The config hash docker compose labels a container with: a digest of the service's resolved model,
/// without what only scales it, so `up` recreates exactly the services whose configuration changed.
pub fn config_hash(svc: &Value) -> String {
    use sha2::Digest;
    let mut s = svc.clone();
    if let Some(m) = s.as_object_mut() {
        m.remove("scale");
        if let Some(d) = m.get_mut("deploy").and_then(Value::as_object_mut) {
            d.remove("replicas");
        }
    }
    hex::encode(sha2::Sha256::digest(s.to_string().as_bytes()))
}

/// How many containers the service wants (`scale`, `deploy.replicas`; default 1).
pub fn replicas(svc: &Value) -> u32 {
    svc.get("scale")
        .or_else(|| svc.get("deploy").and_then(|d| d.get("replicas")))
        .and_then(Value::as_u64)
        .map(|n| n as u32)
        .unwrap_or(1)
}

/// The run options of container `number` of `service` (the resolved model's entry).
pub fn container_config(
    root: &std::path::Path,
    p: &Project,
    service: &str,
    number: u32,
    oneoff: bool,
) -> Result<ContainerConfig> {
    let svc = p
        .service(service)
        .with_context(|| format!("no such service: {service}"))?;
    let at = |k: &str| format!("services.{service}.{k}");
    for (k, why) in UNSUPPORTED {
        if svc.get(*k).is_some() {
            bail!("{}: not supported by berth ({why})", at(k));
        }
    }
    let mut c = ContainerConfig {
        name: Some(container_name(p, service, number)),
        cmd: strings(svc.get("command")),
        env: svc
            .get("environment")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| format!("{k}={}", scalar(v)))
                    .collect()
            })
            .unwrap_or_default(),
        workdir: string(svc.get("working_dir")),
        user: string(svc.get("user")),
        hostname: string(svc.get("hostname")),
        domainname: string(svc.get("domainname")),
        read_only: boolean(svc.get("read_only")),
        cap_add: strings(svc.get("cap_add")),
        cap_drop: strings(svc.get("cap_drop")),
        privileged: boolean(svc.get("privileged")),
        tty: boolean(svc.get("tty")),
        interactive: boolean(svc.get("stdin_open")),
        init: boolean(svc.get("init")),
        stop_signal: string(svc.get("stop_signal")),
        group_add: strings(svc.get("group_add")),
        network: "bridge".into(),
        ..Default::default()
    };
    if let Some(ep) = svc.get("entrypoint") {
        let ep = strings(Some(ep));
        match ep.split_first() {
            None => c.entrypoint = Some(String::new()),
            Some((first, rest)) => {
                c.entrypoint = Some(first.clone());
                let mut cmd = rest.to_vec();
                cmd.append(&mut c.cmd);
                c.cmd = cmd;
            }
        }
    }
    if let Some(g) = svc.get("stop_grace_period") {
        c.stop_timeout = Some(parse_duration(g, &at("stop_grace_period"))?.as_secs() as i64);
    }
    if let Some(o) = svc.get("oom_score_adj") {
        c.oom_score_adj = Some(
            o.as_i64()
                .with_context(|| format!("{}: must be a number", at("oom_score_adj")))?
                as i32,
        );
    }
    c.labels = service_labels(p, service, svc, number, oneoff);
    c.annotations = map_of(svc.get("annotations"));
    c.sysctls = map_of(svc.get("sysctls"));
    c.restart = restart(svc, &at("restart"))?;
    security(&mut c, svc, &at("security_opt"))?;
    limits(&mut c, svc, service)?;
    c.ulimits = ulimits(svc, &at("ulimits"))?;
    if let Some(s) = svc.get("shm_size") {
        c.shm_size = Some(parse_bytes(s, &at("shm_size"))?);
    }
    c.namespaces.pid = ns_mode(p, svc.get("pid"), &["host"], &at("pid"))?;
    c.namespaces.ipc = ns_mode(
        p,
        svc.get("ipc"),
        &["host", "private", "shareable", "none"],
        &at("ipc"),
    )?;
    super::extras::apply(&mut c, svc, service)?;
    if let Some(v) = svc.get("volumes").and_then(Value::as_array) {
        for (i, m) in v.iter().enumerate() {
            if m.get("bind").and_then(|b| b.get("selinux")).is_some() {
                bail!(
                    "{}: SELinux relabelling is not supported by berth",
                    at(&format!("volumes[{i}].bind.selinux"))
                );
            }
        }
    }
    if let Some(h) = svc.get("healthcheck") {
        c.healthcheck = Some(healthcheck(h, &at("healthcheck"))?);
    }
    super::mounts::apply(root, p, service, svc, &mut c)?;
    network(p, service, svc, &mut c)?;
    Ok(c)
}

/// `healthcheck:` as docker's `Config.Healthcheck` (durations in nanoseconds; `disable` is `NONE`).
fn healthcheck(h: &Value, key: &str) -> Result<HealthConfig> {
    if boolean(h.get("disable")) {
        return Ok(HealthConfig {
            test: vec!["NONE".into()],
            ..Default::default()
        });
    }
    let ns = |k: &str| -> Result<i64> {
        match h.get(k) {
            Some(v) => Ok(parse_duration(v, &format!("{key}.{k}"))?.as_nanos() as i64),
            None => Ok(0),
        }
    };
    let test = strings(h.get("test"));
    if let Some(first) = test.first()
        && !matches!(first.as_str(), "CMD" | "CMD-SHELL" | "NONE")
    {
        bail!("{key}.test: must start with \"CMD\", \"CMD-SHELL\" or \"NONE\"");
    }
    Ok(HealthConfig {
        test,
        interval: ns("interval")?,
        timeout: ns("timeout")?,
        start_period: ns("start_period")?,
        start_interval: ns("start_interval")?,
        retries: h.get("retries").and_then(Value::as_i64).unwrap_or(0),
    })
}

fn map_of(v: Option<&Value>) -> BTreeMap<String, String> {
    v.and_then(Value::as_object)
        .map(|m| m.iter().map(|(k, v)| (k.clone(), scalar(v))).collect())
        .unwrap_or_default()
}

fn service_labels(
    p: &Project,
    service: &str,
    svc: &Value,
    n: u32,
    oneoff: bool,
) -> BTreeMap<String, String> {
    let mut l = map_of(svc.get("labels"));
    let deps: Vec<String> = svc
        .get("depends_on")
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(d, spec)| {
                    let cond = spec
                        .get("condition")
                        .and_then(Value::as_str)
                        .unwrap_or("service_started");
                    format!("{d}:{cond}:{}", boolean(spec.get("restart")))
                })
                .collect()
        })
        .unwrap_or_default();
    let files: Vec<String> = p
        .config_files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    for (k, v) in [
        (labels::PROJECT, p.name.clone()),
        (labels::SERVICE, service.to_string()),
        (labels::NUMBER, n.to_string()),
        (labels::HASH, config_hash(svc)),
        (
            labels::ONEOFF,
            if oneoff { "True" } else { "False" }.to_string(),
        ),
        (labels::WORKING_DIR, p.working_dir.display().to_string()),
        (labels::CONFIG_FILES, files.join(",")),
        (labels::DEPENDS_ON, deps.join(",")),
        (labels::VERSION, super::COMPOSE_VERSION.to_string()),
        (labels::IMAGE, image_name(p, service)),
    ] {
        l.insert(k.to_string(), v);
    }
    l
}

fn restart(svc: &Value, key: &str) -> Result<RestartPolicy> {
    // deploy.restart_policy, which docker compose honours outside swarm too, when `restart` is absent.
    let deploy = svc.get("deploy").and_then(|d| d.get("restart_policy"));
    if svc.get("restart").is_none()
        && let Some(rp) = deploy
    {
        let max = rp.get("max_attempts").and_then(Value::as_u64).unwrap_or(0) as u32;
        let name = match rp.get("condition").and_then(Value::as_str).unwrap_or("any") {
            "none" => "no",
            "on-failure" => "on-failure",
            "any" => "always",
            other => bail!(
                "{}.deploy.restart_policy.condition: invalid condition {other:?}",
                key.trim_end_matches(".restart")
            ),
        };
        return Ok(RestartPolicy {
            name: name.into(),
            max_retries: if name == "on-failure" { max } else { 0 },
        });
    }
    let Some(r) = string(svc.get("restart")) else {
        return Ok(RestartPolicy {
            name: "no".into(),
            max_retries: 0,
        });
    };
    let (name, n) = r.split_once(':').unwrap_or((&r, ""));
    if !matches!(name, "no" | "always" | "on-failure" | "unless-stopped")
        || (!n.is_empty() && name != "on-failure")
    {
        bail!("{key}: invalid restart policy {r:?}");
    }
    let max_retries = if n.is_empty() {
        0
    } else {
        n.parse()
            .with_context(|| format!("{key}: invalid restart policy {r:?}"))?
    };
    Ok(RestartPolicy {
        name: name.into(),
        max_retries,
    })
}

fn security(c: &mut ContainerConfig, svc: &Value, key: &str) -> Result<()> {
    for o in strings(svc.get("security_opt")) {
        let (k, v) = o.split_once(['=', ':']).unwrap_or((o.as_str(), ""));
        match k {
            "seccomp" if v == "unconfined" => c.seccomp = SeccompChoice::Unconfined,
            "seccomp" if !v.is_empty() => c.seccomp = SeccompChoice::Profile(PathBuf::from(v)),
            "no-new-privileges" => c.no_new_privileges = v.is_empty() || v == "true",
            "label" | "apparmor" => {}
            _ => bail!("{key}: invalid security option {o:?}"),
        }
    }
    Ok(())
}

fn limits(c: &mut ContainerConfig, svc: &Value, service: &str) -> Result<()> {
    let at = |k: &str| format!("services.{service}.{k}");
    let lim = svc
        .get("deploy")
        .and_then(|d| d.get("resources"))
        .and_then(|r| r.get("limits"));
    let cpus = lim.and_then(|l| l.get("cpus")).or(svc.get("cpus"));
    if let Some(v) = cpus {
        let f: f64 = scalar(v)
            .parse()
            .with_context(|| format!("{}: invalid number of CPUs", at("cpus")))?;
        c.resources.nano_cpus = Some((f * 1e9) as i64);
    }
    let mem = lim.and_then(|l| l.get("memory")).or(svc.get("mem_limit"));
    if let Some(v) = mem {
        let m = parse_bytes(v, &at("deploy.resources.limits.memory"))?;
        if m < 6 << 20 {
            bail!(
                "{}: Minimum memory limit allowed is 6MB",
                at("deploy.resources.limits.memory")
            );
        }
        c.resources.memory = Some(m as i64);
    }
    if let Some(v) = svc.get("memswap_limit") {
        c.resources.memory_swap = Some(if scalar(v) == "-1" {
            -1
        } else {
            parse_bytes(v, &at("memswap_limit"))? as i64
        });
    }
    let pids = lim.and_then(|l| l.get("pids")).or(svc.get("pids_limit"));
    if let Some(v) = pids {
        c.resources.pids_limit = Some(
            v.as_i64()
                .with_context(|| format!("{}: must be a number", at("pids_limit")))?,
        );
    }
    if let Some(v) = svc.get("cpu_shares") {
        c.resources.cpu_shares = v.as_u64();
    }
    c.resources.cpuset_cpus = string(svc.get("cpuset"));
    Ok(())
}

fn ulimits(svc: &Value, key: &str) -> Result<Vec<Ulimit>> {
    let mut out = Vec::new();
    for (name, v) in svc
        .get("ulimits")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let num = |x: Option<&Value>| {
            x.and_then(Value::as_u64)
                .with_context(|| format!("{key}.{name}: must be a number or soft/hard"))
        };
        let (soft, hard) = if v.is_object() {
            (num(v.get("soft"))?, num(v.get("hard"))?)
        } else {
            (num(Some(v))?, num(Some(v))?)
        };
        out.push(Ulimit {
            name: name.clone(),
            soft,
            hard,
        });
    }
    Ok(out)
}

/// `pid`/`ipc`: a mode, `container:<name>`, or `service:<name>` (that service's first container).
fn ns_mode(p: &Project, v: Option<&Value>, allowed: &[&str], key: &str) -> Result<NsMode> {
    let Some(s) = string(v).filter(|s| !s.is_empty()) else {
        return Ok(NsMode::Default);
    };
    if let Some(svc) = s.strip_prefix("service:") {
        return Ok(NsMode::Container(container_name(p, svc, 1)));
    }
    if let Some(c) = s.strip_prefix("container:") {
        return Ok(NsMode::Container(c.to_string()));
    }
    if !allowed.contains(&s.as_str()) {
        bail!("{key}: invalid mode {s:?}");
    }
    Ok(match s.as_str() {
        "host" => NsMode::Host,
        "private" => NsMode::Private,
        "shareable" => NsMode::Shareable,
        _ => NsMode::None,
    })
}

/// Network mode, the first network with the service's aliases, ports, DNS and hosts.
fn network(p: &Project, service: &str, svc: &Value, c: &mut ContainerConfig) -> Result<()> {
    let at = |k: &str| format!("services.{service}.{k}");
    if let Some(mode) = string(svc.get("network_mode")) {
        c.network = match mode.strip_prefix("service:") {
            Some(s) => format!("container:{}", container_name(p, s, 1)),
            None => mode,
        };
    } else if let Some((key, opts)) = networks(svc).into_iter().next() {
        for (k2, o) in networks(svc) {
            for k in [
                "link_local_ips",
                "mac_address",
                "driver_opts",
                "ipv6_address",
            ] {
                if o.get(k).is_some() {
                    bail!(
                        "{}: not supported by berth",
                        at(&format!("networks.{k2}.{k}"))
                    );
                }
            }
        }
        for (other, o) in networks(svc).into_iter().skip(1) {
            if o.get("ipv4_address").is_some() {
                bail!(
                    "{}: berth gives a fixed address on a service's first network only",
                    at(&format!("networks.{other}.ipv4_address"))
                );
            }
        }
        c.network = resource_name(p, "networks", &key);
        c.net.aliases = aliases(service, &opts);
        if let Some(ip) = opts.get("ipv4_address").and_then(Value::as_str) {
            c.net.ip = Some(ip.parse().with_context(|| {
                format!(
                    "{}: invalid IPv4 address {ip}",
                    at(&format!("networks.{key}.ipv4_address"))
                )
            })?);
        }
    }
    c.net.mac_address = string(svc.get("mac_address"));
    for e in svc
        .get("ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        c.net.ports.extend(port(e, &at("ports"))?);
    }
    for e in strings(svc.get("expose")) {
        let (ports, proto) = e.split_once('/').unwrap_or((&e, "tcp"));
        let (a, b) = ports.split_once('-').unwrap_or((ports, ports));
        let (a, b): (u16, u16) = (
            a.parse()
                .with_context(|| format!("{}: invalid port {e}", at("expose")))?,
            b.parse()
                .with_context(|| format!("{}: invalid port {e}", at("expose")))?,
        );
        for x in a..=b {
            c.exposed_ports
                .push(format!("{x}/{}", proto.to_lowercase()));
        }
    }
    let mut dns = DnsOptions::default();
    for s in strings(svc.get("dns")) {
        dns.servers.push(
            s.parse()
                .with_context(|| format!("{}: invalid IP address {s}", at("dns")))?,
        );
    }
    dns.search = strings(svc.get("dns_search"));
    dns.options = strings(svc.get("dns_opt"));
    c.net.dns = dns;
    for h in strings(svc.get("extra_hosts")) {
        let (name, target) = h
            .split_once('=')
            .with_context(|| format!("{}: invalid host {h}", at("extra_hosts")))?;
        let t = if target == "host-gateway" {
            HostTarget::HostGateway
        } else {
            HostTarget::Ip(
                target
                    .trim_matches(['[', ']'])
                    .parse()
                    .with_context(|| format!("{}: invalid IP address in {h}", at("extra_hosts")))?,
            )
        };
        c.net.extra_hosts.push((name.to_string(), t));
    }
    Ok(())
}

/// The names a service's container answers to on a network: the service name and its aliases.
pub fn aliases(service: &str, opts: &Value) -> Vec<String> {
    let mut a = vec![service.to_string()];
    a.extend(strings(opts.get("aliases")));
    a
}

/// One long-syntax `ports` entry as the engine's mapping.
pub fn port(e: &Value, key: &str) -> Result<Vec<PortMapping>> {
    let target = e.get("target").map(scalar).unwrap_or_default();
    let target: u16 = target
        .parse()
        .with_context(|| format!("{key}: invalid target port {target:?}"))?;
    let proto = match e.get("protocol").and_then(Value::as_str).unwrap_or("tcp") {
        "tcp" => Proto::Tcp,
        "udp" => Proto::Udp,
        other => bail!("{key}: unsupported protocol {other:?}"),
    };
    if e.get("mode")
        .and_then(Value::as_str)
        .is_some_and(|m| m != "ingress" && m != "host")
    {
        bail!("{key}: invalid port mode");
    }
    let host_ip = match e
        .get("host_ip")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
    {
        Some(ip) => Some(
            ip.parse()
                .with_context(|| format!("{key}: invalid host IP {ip}"))?,
        ),
        None => None,
    };
    let published = e.get("published").map(scalar).unwrap_or_default();
    let (a, b) = published
        .split_once('-')
        .unwrap_or((&published, &published));
    let parse = |s: &str| -> Result<u16> {
        if s.is_empty() {
            Ok(0)
        } else {
            s.parse()
                .with_context(|| format!("{key}: invalid published port {published:?}"))
        }
    };
    let (a, b) = (parse(a)?, parse(b)?);
    // A published range for one target: the first port of the range (docker picks a free one).
    let _ = b;
    Ok(vec![PortMapping {
        host_ip,
        host_port: a,
        container_port: target,
        proto,
    }])
}

/// A mount request of a service (used by mounts.rs).
pub fn mount(
    kind: MountKind,
    source: String,
    target: String,
    readonly: bool,
    options: Vec<String>,
) -> MountRequest {
    MountRequest {
        mode: None,
        kind,
        source,
        target,
        readonly,
        options,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn sizes_and_durations_as_compose_writes_them() {
        assert_eq!(parse_bytes(&json!("64m"), "k").unwrap(), 64 << 20);
        assert_eq!(parse_bytes(&json!("1gb"), "k").unwrap(), 1 << 30);
        assert_eq!(parse_bytes(&json!(1024), "k").unwrap(), 1024);
        crate::testing::assert_err(
            parse_bytes(&json!("lots"), "services.a.shm_size"),
            "services.a.shm_size: invalid size lots",
        );
        assert_eq!(parse_duration(&json!("1m30s"), "k").unwrap().as_secs(), 90);
        assert_eq!(
            parse_duration(&json!("500ms"), "k").unwrap().as_millis(),
            500
        );
        crate::testing::assert_err(
            parse_duration(&json!("5x"), "k"),
            "k: invalid duration \"5x\"",
        );
    }

    #[test]
    fn the_config_hash_ignores_only_the_scale() {
        let a = json!({"image": "x", "deploy": {"replicas": 2}});
        let b = json!({"image": "x", "deploy": {"replicas": 3}});
        let c = json!({"image": "y", "deploy": {"replicas": 2}});
        assert_eq!(config_hash(&a), config_hash(&b));
        assert_ne!(config_hash(&a), config_hash(&c));
    }
}
