//! The key order `config` prints, as docker compose v2 does: its model's field order (compose-go's
//! `ServiceConfig`, `ServicePortConfig`, `ServiceVolumeConfig`, `HealthCheckConfig`), not the alphabet.
//! Keys the tables do not list (extensions, nested maps such as labels) stay alphabetical.

use serde_json::{Map, Value};

/// compose-go's `ServiceConfig` fields, in declaration order.
const SERVICE: &[&str] = &[
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
    "dockerfile",
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
    "label_file",
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
    "volume_driver",
    "volumes",
    "volumes_from",
    "working_dir",
    "post_start",
    "pre_stop",
];
const PORT: &[&str] = &[
    "name",
    "mode",
    "host_ip",
    "target",
    "published",
    "protocol",
    "app_protocol",
];
const VOLUME: &[&str] = &[
    "type",
    "source",
    "target",
    "read_only",
    "consistency",
    "bind",
    "volume",
    "tmpfs",
    "image",
];
const HEALTH: &[&str] = &[
    "test",
    "timeout",
    "interval",
    "retries",
    "start_period",
    "start_interval",
    "disable",
];
const BUILD: &[&str] = &[
    "context",
    "dockerfile",
    "dockerfile_inline",
    "entitlements",
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
    "ulimits",
    "platforms",
    "privileged",
    "shm_size",
];

fn ordered(m: Map<String, Value>, table: &[&str]) -> Map<String, Value> {
    let mut items: Vec<(String, Value)> = m.into_iter().collect();
    let rank = |k: &str| table.iter().position(|t| *t == k).unwrap_or(table.len());
    items.sort_by(|a, b| rank(&a.0).cmp(&rank(&b.0)).then_with(|| a.0.cmp(&b.0)));
    items.into_iter().collect()
}

fn each_entry(v: &mut Value, table: &[&str]) {
    for e in v.as_array_mut().into_iter().flatten() {
        if let Value::Object(m) = e {
            *m = ordered(std::mem::take(m), table);
        }
    }
}

/// One service (its keys already sorted alphabetically at every level) in docker compose's order.
pub fn service(v: Value) -> Value {
    let Value::Object(m) = v else { return v };
    let mut m = ordered(m, SERVICE);
    if let Some(p) = m.get_mut("ports") {
        each_entry(p, PORT);
    }
    if let Some(p) = m.get_mut("volumes") {
        each_entry(p, VOLUME);
    }
    if let Some(Value::Object(h)) = m.get_mut("healthcheck") {
        *h = ordered(std::mem::take(h), HEALTH);
    }
    if let Some(Value::Object(b)) = m.get_mut("build") {
        *b = ordered(std::mem::take(b), BUILD);
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn services_print_in_docker_compose_field_order() {
        let s = service(json!({
            "volumes": [{"bind": {}, "source": "/a", "target": "/b", "type": "bind"}],
            "ports": [{"mode": "ingress", "protocol": "tcp", "published": "80", "target": 80}],
            "image": "busybox", "command": ["true"], "x-a": 1,
            "networks": {"default": null}, "environment": {"B": "1", "A": "2"}
        }));
        let keys: Vec<_> = s.as_object().unwrap().keys().cloned().collect();
        assert_eq!(
            keys,
            [
                "command",
                "environment",
                "image",
                "networks",
                "ports",
                "volumes",
                "x-a"
            ]
        );
        let port: Vec<_> = s["ports"][0].as_object().unwrap().keys().cloned().collect();
        assert_eq!(port, ["mode", "target", "published", "protocol"]);
        let vol: Vec<_> = s["volumes"][0]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(vol, ["type", "source", "target", "bind"]);
    }
}
