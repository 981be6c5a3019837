//! The keys a compose file may have, by position, so a typo fails with its full path, its file and its
//! line (`compose.yaml:4: services.web.imagee: additional property imagee is not allowed`) instead of
//! being ignored. Keys of the compose specification that berth cannot honour are accepted here and
//! refused by name when a container is made from them (`service.rs`), as `config` must still show them.
//!
//! Only map keys are checked here; value types are checked where they are read.

use anyhow::{Result, bail};
use serde_json::Value;

/// Position pattern -> allowed keys. `*` stands for a user's name (a service, a network), `[]` for an
/// item of a list. Keys starting with `x-` are extensions and always allowed. The lists of a service, its
/// build, healthcheck, ports and volumes are in docker compose's field order (compose-go's
/// `ServiceConfig`, `BuildConfig`, `HealthCheckConfig`, `ServicePortConfig`, `ServiceVolumeConfig`):
/// `config` prints in that order (`order.rs` reads it from here, [`keys`]).
const TABLE: &[(&str, &[&str])] = &[
    (
        "",
        &[
            "version", "name", "services", "networks", "volumes", "secrets", "configs", "include",
        ],
    ),
    (
        "services.*",
        &[
            "profiles",
            "annotations",
            "attach",
            "build",
            "develop",
            "blkio_config",
            "cap_add",
            "cap_drop",
            "cgroup_parent",
            "cgroup",
            "cpu_count",
            "cpu_percent",
            "cpu_period",
            "cpu_quota",
            "cpu_rt_period",
            "cpu_rt_runtime",
            "cpus",
            "cpuset",
            "cpu_shares",
            "command",
            "configs",
            "container_name",
            "credential_spec",
            "depends_on",
            "deploy",
            "device_cgroup_rules",
            "devices",
            "dns",
            "dns_opt",
            "dns_search",
            "domainname",
            "entrypoint",
            "environment",
            "env_file",
            "expose",
            "extends",
            "external_links",
            "extra_hosts",
            "group_add",
            "gpus",
            "hostname",
            "healthcheck",
            "image",
            "init",
            "ipc",
            "isolation",
            "labels",
            "links",
            "logging",
            "mem_limit",
            "mem_reservation",
            "memswap_limit",
            "mem_swappiness",
            "mac_address",
            "network_mode",
            "networks",
            "oom_kill_disable",
            "oom_score_adj",
            "pid",
            "pids_limit",
            "platform",
            "ports",
            "privileged",
            "pull_policy",
            "read_only",
            "restart",
            "runtime",
            "scale",
            "secrets",
            "security_opt",
            "shm_size",
            "stdin_open",
            "stop_grace_period",
            "stop_signal",
            "storage_opt",
            "sysctls",
            "tmpfs",
            "tty",
            "ulimits",
            "user",
            "userns_mode",
            "uts",
            "volumes",
            "volumes_from",
            "working_dir",
            "post_start",
            "pre_stop",
        ],
    ),
    (
        "services.*.build",
        &[
            "context",
            "dockerfile",
            "dockerfile_inline",
            "args",
            "ssh",
            "labels",
            "cache_from",
            "cache_to",
            "no_cache",
            "additional_contexts",
            "pull",
            "extra_hosts",
            "isolation",
            "network",
            "target",
            "secrets",
            "tags",
            "platforms",
            "privileged",
            "shm_size",
        ],
    ),
    ("services.*.extends", &["service", "file"]),
    (
        "services.*.deploy",
        &[
            "mode",
            "replicas",
            "labels",
            "resources",
            "restart_policy",
            "update_config",
            "rollback_config",
            "placement",
            "endpoint_mode",
        ],
    ),
    ("services.*.deploy.resources", &["limits", "reservations"]),
    (
        "services.*.deploy.resources.limits",
        &["cpus", "memory", "pids"],
    ),
    (
        "services.*.deploy.resources.reservations",
        &["cpus", "memory", "devices", "generic_resources"],
    ),
    (
        "services.*.deploy.restart_policy",
        &["condition", "delay", "max_attempts", "window"],
    ),
    (
        "services.*.healthcheck",
        &[
            "test",
            "timeout",
            "interval",
            "retries",
            "start_period",
            "start_interval",
            "disable",
        ],
    ),
    (
        "services.*.depends_on.*",
        &["condition", "required", "restart"],
    ),
    (
        "services.*.networks.*",
        &[
            "aliases",
            "ipv4_address",
            "ipv6_address",
            "link_local_ips",
            "mac_address",
            "priority",
            "driver_opts",
            "gw_priority",
        ],
    ),
    (
        "services.*.ports.[]",
        &[
            "name",
            "mode",
            "host_ip",
            "target",
            "published",
            "protocol",
            "app_protocol",
        ],
    ),
    (
        "services.*.volumes.[]",
        &[
            "type",
            "source",
            "target",
            "read_only",
            "consistency",
            "bind",
            "volume",
            "tmpfs",
        ],
    ),
    (
        "services.*.volumes.[].bind",
        &["propagation", "create_host_path", "selinux", "recursive"],
    ),
    ("services.*.volumes.[].volume", &["nocopy", "subpath"]),
    ("services.*.volumes.[].tmpfs", &["size", "mode"]),
    ("services.*.logging", &["driver", "options"]),
    ("services.*.ulimits.*", &["soft", "hard"]),
    (
        "services.*.secrets.[]",
        &["source", "target", "uid", "gid", "mode"],
    ),
    (
        "services.*.configs.[]",
        &["source", "target", "uid", "gid", "mode"],
    ),
    ("services.*.env_file.[]", &["path", "required", "format"]),
    (
        "networks.*",
        &[
            "name",
            "driver",
            "driver_opts",
            "external",
            "internal",
            "ipam",
            "labels",
            "attachable",
            "enable_ipv6",
            "enable_ipv4",
        ],
    ),
    ("networks.*.ipam", &["driver", "config", "options"]),
    (
        "networks.*.ipam.config.[]",
        &["subnet", "gateway", "ip_range", "aux_addresses"],
    ),
    (
        "volumes.*",
        &["name", "driver", "driver_opts", "external", "labels"],
    ),
    (
        "secrets.*",
        &[
            "name",
            "file",
            "environment",
            "external",
            "labels",
            "content",
            "driver",
            "template_driver",
        ],
    ),
    (
        "configs.*",
        &[
            "name",
            "file",
            "environment",
            "external",
            "labels",
            "content",
            "template_driver",
        ],
    ),
];

fn allowed(pattern: &str) -> Option<&'static [&'static str]> {
    TABLE.iter().find(|(p, _)| *p == pattern).map(|(_, k)| *k)
}

/// The keys allowed at `pattern` (`services.*.build`), in their table's order; none for a pattern the
/// table does not know.
pub(super) fn keys(pattern: &str) -> &'static [&'static str] {
    allowed(pattern).unwrap_or(&[])
}

fn has_pattern(pattern: &str) -> bool {
    TABLE
        .iter()
        .any(|(p, _)| *p == pattern || p.starts_with(&format!("{pattern}.")))
}

fn join(a: &str, b: &str) -> String {
    if a.is_empty() {
        b.to_string()
    } else {
        format!("{a}.{b}")
    }
}

/// Check every map of `v` against the table; the error names the key's path, the file and the line.
pub fn validate(v: &Value, file: &str, text: &str) -> Result<()> {
    if !v.is_object() {
        bail!("{file}: top-level object must be a mapping");
    }
    walk(v, "", "", file, text)
}

fn walk(v: &Value, pattern: &str, path: &str, file: &str, text: &str) -> Result<()> {
    match v {
        Value::Object(m) => {
            let keys = allowed(pattern);
            for (k, child) in m {
                if k.starts_with("x-") {
                    continue;
                }
                let full = join(path, k);
                if let Some(keys) = keys
                    && !keys.contains(&k.as_str())
                {
                    let at = line_of(text, &full)
                        .map(|l| format!(":{l}"))
                        .unwrap_or_default();
                    bail!("{file}{at}: {full}: additional property {k} is not allowed");
                }
                let named = join(pattern, k);
                let any = join(pattern, "*");
                let next = if has_pattern(&named) {
                    named
                } else if has_pattern(&any) {
                    any
                } else {
                    continue;
                };
                walk(child, &next, &full, file, text)?;
            }
        }
        Value::Array(items) => {
            let next = join(pattern, "[]");
            if has_pattern(&next) {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &next, &format!("{path}[{i}]"), file, text)?;
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The 1-based line of a key path in block-style YAML: each segment is looked for below the previous
/// one, more indented. `None` when the file is written another way (flow style, anchors).
pub fn line_of(text: &str, path: &str) -> Option<usize> {
    let mut segs: Vec<&str> = Vec::new();
    for s in path.split('.') {
        // `ports[1].x`: the list index is not a key; look for the key of the item.
        segs.push(s.split('[').next().unwrap_or(s));
    }
    let lines: Vec<&str> = text.lines().collect();
    let mut from = 0;
    let mut indent: isize = -1;
    let mut found = None;
    for seg in segs {
        let mut hit = None;
        for (i, l) in lines.iter().enumerate().skip(from) {
            let t = l.trim_start().trim_start_matches("- ");
            let ind = (l.len() - l.trim_start().len()) as isize;
            if found.is_some() && ind <= indent && !l.trim().is_empty() && !t.starts_with('#') {
                break;
            }
            let key = t
                .split(':')
                .next()
                .unwrap_or("")
                .trim()
                .trim_matches(['"', '\'']);
            if ind > indent && key == seg && t.contains(':') {
                hit = Some((i, ind));
                break;
            }
        }
        let (i, ind) = hit?;
        found = Some(i + 1);
        from = i + 1;
        indent = ind;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(yaml: &str) -> Result<()> {
        let v: Value = serde_norway::from_str(yaml).unwrap();
        validate(&v, "compose.yaml", yaml)
    }

    #[test]
    fn an_unknown_key_names_its_path_file_and_line() {
        let y = "services:\n  db:\n    image: a\n  web:\n    image: b\n    imagee: c\n";
        crate::testing::assert_err(
            check(y),
            "compose.yaml:6: services.web.imagee: additional property imagee is not allowed",
        );
        let y = "services:\n  web:\n    image: b\n    ports:\n      - target: 80\n        publishd: 8080\n";
        crate::testing::assert_err(check(y), "compose.yaml:6: services.web.ports[0].publishd");
        crate::testing::assert_err(check("servics: {}\n"), "compose.yaml:1: servics");
    }

    #[test]
    fn extensions_and_known_keys_pass() {
        let y = "x-common: &c\n  a: 1\nservices:\n  web:\n    image: b\n    x-note: 1\n    deploy:\n      resources:\n        limits:\n          memory: 10m\nnetworks:\n  front:\n    ipam:\n      config:\n        - subnet: 10.9.0.0/24\n";
        check(y).unwrap();
    }
}
