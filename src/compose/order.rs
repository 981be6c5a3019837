//! The key order `config` prints, as docker compose v2 does: its model's field order (compose-go's
//! `ServiceConfig`, `ServicePortConfig`, `ServiceVolumeConfig`, `HealthCheckConfig`), not the alphabet.
//! Keys the tables do not list (extensions, nested maps such as labels) stay alphabetical.

use serde_json::{Map, Value};

/// The key order of each kind of map: the schema's table is the one list of keys (`schema.rs`), kept in
/// compose-go's declaration order, so a key the schema accepts always has its place here.
fn table(pattern: &str) -> &'static [&'static str] {
    super::schema::keys(pattern)
}

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
    let mut m = ordered(m, table("services.*"));
    if let Some(p) = m.get_mut("ports") {
        each_entry(p, table("services.*.ports.[]"));
    }
    if let Some(p) = m.get_mut("volumes") {
        each_entry(p, table("services.*.volumes.[]"));
    }
    if let Some(Value::Object(h)) = m.get_mut("healthcheck") {
        *h = ordered(std::mem::take(h), table("services.*.healthcheck"));
    }
    if let Some(Value::Object(b)) = m.get_mut("build") {
        *b = ordered(std::mem::take(b), table("services.*.build"));
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

    /// The order comes from the schema's table: every key a service may have is ranked (none falls to
    /// the alphabetical tail), in compose-go's order, and so are its build's and healthcheck's.
    #[test]
    fn every_key_the_schema_accepts_prints_in_compose_go_order() {
        // Given in reverse alphabetical order, so only the ranking can put them in place.
        let all = |keys: &[&str]| -> Value {
            let mut keys = keys.to_vec();
            keys.sort_unstable_by(|a, b| b.cmp(a));
            Value::Object(keys.iter().map(|k| (k.to_string(), Value::Null)).collect())
        };
        let mut svc = all(table("services.*"));
        svc["build"] = all(table("services.*.build"));
        svc["healthcheck"] = all(table("services.*.healthcheck"));
        svc["x-ext"] = Value::Null;
        let s = service(svc);
        let keys: Vec<&str> = s.as_object().unwrap().keys().map(String::as_str).collect();
        let mut want = table("services.*").to_vec();
        want.push("x-ext");
        assert_eq!(keys, want);
        assert_eq!(keys[..4], ["profiles", "annotations", "attach", "build"]);
        assert_eq!(keys[keys.len() - 3..], ["post_start", "pre_stop", "x-ext"]);
        let build: Vec<&str> = s["build"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(build, table("services.*.build"));
        assert_eq!(build[..3], ["context", "dockerfile", "dockerfile_inline"]);
        let health: Vec<&str> = s["healthcheck"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(
            health,
            [
                "test",
                "timeout",
                "interval",
                "retries",
                "start_period",
                "start_interval",
                "disable"
            ]
        );
        assert_eq!(
            table("services.*.ports.[]")[..4],
            ["name", "mode", "host_ip", "target"]
        );
    }
}
