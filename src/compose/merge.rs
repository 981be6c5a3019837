//! Merging compose files (`-f a -f b`, `compose.override.yaml`) and `extends`, by the compose
//! specification's merge rules: mappings merge key by key, `command`, `entrypoint` and
//! `healthcheck.test` are replaced whole, `volumes` merge by container path, `secrets`/`configs` by
//! source, other sequences append the items not already there, scalars are overridden.
//! Both sides are already normalised (normalize.rs), so a list form never meets a map form.

use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::Path;

/// Merge `over` into `base` (`path` is the dotted key path, for the per-key rules).
pub fn merge(base: &mut Value, over: &Value, path: &str) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match b.get_mut(k) {
                    Some(existing) if !replaced_whole(&p) => merge(existing, v, &p),
                    _ => {
                        b.insert(k.clone(), v.clone());
                    }
                }
            }
        }
        (Value::Array(b), Value::Array(o)) => {
            let key: Option<&str> = if path.ends_with(".volumes") {
                Some("target")
            } else if path.ends_with(".secrets") || path.ends_with(".configs") {
                Some("source")
            } else {
                None
            };
            for item in o {
                let same = |x: &Value| match key {
                    Some(k) => x.get(k).is_some() && x.get(k) == item.get(k),
                    None => x == item,
                };
                match b.iter_mut().find(|x| same(x)) {
                    Some(slot) => *slot = item.clone(),
                    None => b.push(item.clone()),
                }
            }
        }
        (b, o) => *b = o.clone(),
    }
}

fn replaced_whole(path: &str) -> bool {
    let last = path.rsplit('.').next().unwrap_or(path);
    let in_service = path.starts_with("services.");
    in_service && matches!(last, "command" | "entrypoint" | "test")
}

/// Make the `extends.file` of every service of `model`, a file read for another file's `extends`,
/// relative to that file's directory `base` (compose-go: an extended file's own `extends` are its
/// own, not the project's, relative paths).
pub fn anchor_extends(model: &mut Value, base: &Path) {
    let services = model.get_mut("services").and_then(Value::as_object_mut);
    for svc in services.into_iter().flat_map(|m| m.values_mut()) {
        if let Some(f) = svc.get_mut("extends").and_then(|e| e.get_mut("file"))
            && let Some(rel) = f.as_str()
        {
            *f = Value::String(base.join(rel).display().to_string());
        }
    }
}

/// Resolve every service's `extends` in `model` (whose files live under `dir`); `load_file` reads and
/// normalises another compose file for `extends.file`.
pub fn resolve_extends(
    model: &mut Value,
    load_file: &dyn Fn(&Path) -> Result<Value>,
) -> Result<()> {
    let names: Vec<String> = model
        .get("services")
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default();
    for name in names {
        let mut seen = vec![name.clone()];
        let resolved = extend_one(model, &name, load_file, &mut seen)?;
        model["services"][&name] = resolved;
    }
    Ok(())
}

fn extend_one(
    model: &Value,
    name: &str,
    load_file: &dyn Fn(&Path) -> Result<Value>,
    seen: &mut Vec<String>,
) -> Result<Value> {
    let svc = model["services"]
        .get(name)
        .with_context(|| format!("no such service: {name}"))?
        .clone();
    let Some(ext) = svc.get("extends").cloned() else {
        return Ok(svc);
    };
    let (base_name, file) = match &ext {
        Value::String(s) => (s.clone(), None),
        Value::Object(m) => (
            m.get("service")
                .and_then(Value::as_str)
                .with_context(|| format!("services.{name}.extends.service is required"))?
                .to_string(),
            m.get("file").and_then(Value::as_str).map(str::to_string),
        ),
        _ => bail!("services.{name}.extends must be a service name or a mapping"),
    };
    let key = format!("{}#{base_name}", file.as_deref().unwrap_or(""));
    if seen.contains(&key) || (file.is_none() && seen.contains(&base_name)) {
        bail!(
            "circular reference with extends in service {name}: {}",
            seen.join(" -> ")
        );
    }
    seen.push(if file.is_some() {
        key
    } else {
        base_name.clone()
    });
    let mut base = match &file {
        None => extend_one(model, &base_name, load_file, seen)?,
        Some(f) => {
            let other = load_file(Path::new(f))?;
            if other["services"].get(&base_name).is_none() {
                bail!("cannot extend service {name:?}: service {base_name:?} not found in {f}");
            }
            extend_one(&other, &base_name, load_file, seen)?
        }
    };
    // What the extended service keeps of its base: everything but the links to other services
    // (compose spec: depends_on, volumes_from, ... are not inherited from a base in another file).
    if let Some(b) = base.as_object_mut() {
        b.remove("extends");
    }
    let mut own = svc;
    if let Some(o) = own.as_object_mut() {
        o.remove("extends");
    }
    merge(&mut base, &own, &format!("services.{name}"));
    Ok(base)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_follows_the_spec_rules() {
        let mut a = json!({"services": {"web": {
            "image": "a", "command": ["x", "y"], "environment": {"A": "1", "B": "2"},
            "ports": [{"target": 80}], "volumes": [{"target": "/d", "source": "v1"}]
        }}});
        let b = json!({"services": {"web": {
            "image": "b", "command": ["z"], "environment": {"B": "3"},
            "ports": [{"target": 81}], "volumes": [{"target": "/d", "source": "v2"}]
        }}});
        merge(&mut a, &b, "");
        let w = &a["services"]["web"];
        assert_eq!(w["image"], "b");
        assert_eq!(w["command"], json!(["z"]));
        assert_eq!(w["environment"], json!({"A": "1", "B": "3"}));
        assert_eq!(w["ports"], json!([{"target": 80}, {"target": 81}]));
        assert_eq!(w["volumes"], json!([{"target": "/d", "source": "v2"}]));
    }

    #[test]
    fn extends_in_the_same_file_and_cycles() {
        let mut m = json!({"services": {
            "base": {"image": "busybox", "environment": {"A": "1"}},
            "web": {"extends": {"service": "base"}, "environment": {"B": "2"}}
        }});
        resolve_extends(&mut m, &|_| bail!("no files")).unwrap();
        assert_eq!(m["services"]["web"]["image"], "busybox");
        assert_eq!(
            m["services"]["web"]["environment"],
            json!({"A": "1", "B": "2"})
        );
        let mut c = json!({"services": {"a": {"extends": "b"}, "b": {"extends": "a"}}});
        crate::testing::assert_err(
            resolve_extends(&mut c, &|_| bail!("x")),
            "circular reference",
        );
    }
}
