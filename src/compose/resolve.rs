//! The last step of loading: the project-wide defaults docker compose v2 fills in (the `default`
//! network, `<project>_<name>` names of networks and volumes, `env_file` read into `environment`,
//! bare environment names taken from the environment), the checks that every reference points at
//! something declared, and the key order `config` prints (services sorted, their keys in docker compose's order: order.rs).

use super::interp;
use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};
use std::collections::BTreeMap;

/// Finish the merged model of project `name`.
pub fn finish(mut model: Value, name: &str, env: &BTreeMap<String, String>) -> Result<Value> {
    let mut services = model
        .get_mut("services")
        .and_then(Value::as_object_mut)
        .map(std::mem::take)
        .unwrap_or_default();
    let names: Vec<String> = services.keys().cloned().collect();
    let mut uses_default = false;
    for (sname, s) in services.iter_mut() {
        service_env(sname, s, env)?;
        let Some(m) = s.as_object_mut() else { continue };
        if !m.contains_key("network_mode") && !m.contains_key("networks") {
            m.insert("networks".into(), json!({"default": null}));
        }
        if m.get("networks").and_then(|n| n.get("default")).is_some() {
            uses_default = true;
        }
        if let Some(deps) = m.get("depends_on").and_then(Value::as_object) {
            for d in deps.keys() {
                if !names.contains(d) {
                    bail!(
                        "service {sname:?} depends on undefined service {d:?}: invalid compose project"
                    );
                }
            }
        }
        if !m.contains_key("image") && !m.contains_key("build") {
            bail!(
                "service {sname:?} has neither an image nor a build context specified: invalid compose project"
            );
        }
    }
    let mut networks = top_level(&model, "networks", name)?;
    if uses_default && !networks.contains_key("default") {
        networks.insert("default".into(), json!({"name": format!("{name}_default")}));
    }
    let volumes = top_level(&model, "volumes", name)?;
    let secrets = top_level(&model, "secrets", name)?;
    let configs = top_level(&model, "configs", name)?;
    check_references(&services, &networks, &volumes, &secrets, &configs)?;
    let mut out = Map::new();
    out.insert("name".into(), json!(name));
    let mut sorted: Vec<(String, Value)> = services.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(&b.0));
    let services: Map<String, Value> = sorted
        .into_iter()
        .map(|(k, v)| (k, super::order::service(sort_keys(v))))
        .collect();
    out.insert("services".into(), Value::Object(services));
    for (k, m) in [
        ("networks", networks),
        ("volumes", volumes),
        ("secrets", secrets),
        ("configs", configs),
    ] {
        if !m.is_empty() {
            out.insert(k.into(), sort_keys(Value::Object(m)));
        }
    }
    for (k, v) in model.as_object().into_iter().flatten() {
        if k.starts_with("x-") {
            out.insert(k.clone(), v.clone());
        }
    }
    Ok(Value::Object(out))
}

/// `env_file` read into `environment` (the file's values under the service's own), and a bare `KEY`
/// taken from the environment (left out when it is not set there, as docker does).
fn service_env(sname: &str, s: &mut Value, env: &BTreeMap<String, String>) -> Result<()> {
    let Some(m) = s.as_object_mut() else {
        bail!("services.{sname} must be a mapping");
    };
    let mut merged = Map::new();
    if let Some(files) = m.remove("env_file").and_then(|v| v.as_array().cloned()) {
        for f in files {
            let path = f.get("path").and_then(Value::as_str).unwrap_or_default();
            let required = f.get("required").and_then(Value::as_bool).unwrap_or(true);
            let text = match std::fs::read_to_string(path) {
                Ok(t) => t,
                Err(_) if !required => continue,
                Err(e) => bail!("services.{sname}.env_file: env file {path} not found: {e}"),
            };
            for (k, v) in interp::parse_env_file(&text, path, &|k| env.get(k).cloned())? {
                let v = v.or_else(|| env.get(&k).cloned());
                if let Some(v) = v {
                    merged.insert(k, json!(v));
                }
            }
        }
    }
    if let Some(own) = m.get("environment").and_then(Value::as_object) {
        for (k, v) in own {
            match v {
                Value::Null => {
                    if let Some(x) = env.get(k) {
                        merged.insert(k.clone(), json!(x));
                    } else {
                        merged.insert(k.clone(), Value::Null);
                    }
                }
                v => {
                    merged.insert(k.clone(), v.clone());
                }
            }
        }
    }
    if !merged.is_empty() || m.contains_key("environment") {
        m.insert("environment".into(), Value::Object(merged));
    }
    Ok(())
}

/// A top-level section with docker compose's names filled in: `<project>_<key>` unless `name:` is
/// given, or the key itself for an external resource.
fn top_level(model: &Value, key: &str, project: &str) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    let Some(section) = model.get(key) else {
        return Ok(out);
    };
    let Some(m) = section.as_object() else {
        bail!("{key} must be a mapping");
    };
    for (k, v) in m {
        let mut e = v.as_object().cloned().unwrap_or_default();
        let external = e
            .get("external")
            .is_some_and(|x| x.as_bool() == Some(true) || x.is_object());
        if !e.contains_key("name") {
            let n = if external {
                k.clone()
            } else {
                format!("{project}_{k}")
            };
            e.insert("name".into(), json!(n));
        }
        if let Some(l) = e.get("labels").cloned()
            && let Value::Array(items) = l
        {
            let mut lm = Map::new();
            for i in items {
                let s = i
                    .as_str()
                    .with_context(|| format!("{key}.{k}.labels items must be strings"))?;
                let (a, b) = s.split_once('=').unwrap_or((s, ""));
                lm.insert(a.into(), json!(b));
            }
            e.insert("labels".into(), Value::Object(lm));
        }
        out.insert(k.clone(), Value::Object(e));
    }
    Ok(out)
}

fn check_references(
    services: &Map<String, Value>,
    networks: &Map<String, Value>,
    volumes: &Map<String, Value>,
    secrets: &Map<String, Value>,
    configs: &Map<String, Value>,
) -> Result<()> {
    for (name, s) in services {
        for n in s
            .get("networks")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|x| x.0)
        {
            if !networks.contains_key(n) {
                bail!("service {name:?} refers to undefined network {n}: invalid compose project");
            }
        }
        for v in s
            .get("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if v.get("type").and_then(Value::as_str) == Some("volume")
                && let Some(src) = v.get("source").and_then(Value::as_str)
                && !volumes.contains_key(src)
            {
                bail!("service {name:?} refers to undefined volume {src}: invalid compose project");
            }
        }
        for (key, declared) in [("secrets", secrets), ("configs", configs)] {
            for e in s.get(key).and_then(Value::as_array).into_iter().flatten() {
                let src = e.get("source").and_then(Value::as_str).unwrap_or_default();
                if !declared.contains_key(src) {
                    let what = key.trim_end_matches('s');
                    bail!(
                        "service {name:?} refers to undefined {what} {src}: invalid compose project"
                    );
                }
            }
        }
    }
    Ok(())
}

/// Keys in alphabetical order at every level (the order `config` prints).
pub fn sort_keys(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut items: Vec<(String, Value)> = m.into_iter().collect();
            items.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(items.into_iter().map(|(k, v)| (k, sort_keys(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sort_keys).collect()),
        other => other,
    }
}
