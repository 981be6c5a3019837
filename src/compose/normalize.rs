//! A service's short forms rewritten to the long forms docker compose v2's `config` prints, so merging,
//! hashing and container creation see one shape: environment and labels as maps, depends_on and
//! networks as maps, ports and volumes in long syntax, command and entrypoint as lists, relative paths
//! made absolute against the project directory.

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};
use std::path::Path;

/// Normalise one service in place; `base` resolves relative paths (the project directory, or the
/// directory of the file an `extends` came from).
pub fn service(name: &str, svc: &mut Value, base: &Path) -> Result<()> {
    let Some(m) = svc.as_object_mut() else {
        bail!("services.{name} must be a mapping");
    };
    let at = |k: &str| format!("services.{name}.{k}");
    for key in ["environment", "labels", "annotations", "sysctls"] {
        if let Some(v) = m.get_mut(key) {
            *v = key_value_map(v, &at(key), key == "environment")?;
        }
    }
    if let Some(v) = m.get_mut("build") {
        if let Some(s) = v.as_str() {
            *v = json!({ "context": s });
        }
        if let Some(b) = v.as_object_mut() {
            let ctx = b
                .get("context")
                .and_then(Value::as_str)
                .unwrap_or(".")
                .to_string();
            b.insert("context".into(), json!(absolute(base, &ctx)));
            b.entry("dockerfile").or_insert(json!("Dockerfile"));
            if let Some(a) = b.get_mut("args") {
                *a = key_value_map(a, &at("build.args"), true)?;
            }
            if let Some(a) = b.get_mut("labels") {
                *a = key_value_map(a, &at("build.labels"), false)?;
            }
        }
    }
    if let Some(v) = m.get_mut("depends_on") {
        *v = depends_on(v, &at("depends_on"))?;
    }
    if let Some(v) = m.get_mut("networks")
        && let Some(list) = v.as_array()
    {
        let mut out = Map::new();
        for n in list {
            let n = n
                .as_str()
                .with_context(|| format!("{} must be names", at("networks")))?;
            out.insert(n.to_string(), Value::Null);
        }
        *v = Value::Object(out);
    }
    for key in ["command", "entrypoint"] {
        if let Some(v) = m.get_mut(key)
            && let Some(s) = v.as_str()
        {
            *v = json!(shell_split(s).with_context(|| at(key))?);
        }
    }
    for key in [
        "dns",
        "dns_search",
        "tmpfs",
        "env_file",
        "cap_add",
        "cap_drop",
        "profiles",
    ] {
        if let Some(v) = m.get_mut(key)
            && v.is_string()
        {
            *v = json!([v.clone()]);
        }
    }
    if let Some(v) = m.get_mut("env_file")
        && let Some(list) = v.as_array_mut()
    {
        for e in list.iter_mut() {
            if let Some(s) = e.as_str() {
                *e = json!({ "path": s, "required": true });
            }
            if let Some(p) = e.get("path").and_then(Value::as_str) {
                let p = absolute(base, p);
                e["path"] = json!(p);
            }
        }
    }
    if let Some(v) = m.get_mut("expose")
        && let Some(list) = v.as_array_mut()
    {
        for e in list.iter_mut() {
            *e = json!(scalar(e));
        }
    }
    if let Some(v) = m.get_mut("extra_hosts") {
        *v = extra_hosts(v)?;
    }
    if let Some(v) = m.get_mut("ports") {
        *v = ports(v, &at("ports"))?;
    }
    if let Some(v) = m.get_mut("volumes") {
        *v = volumes(v, base, &at("volumes"))?;
    }
    for key in ["secrets", "configs"] {
        if let Some(list) = m.get_mut(key).and_then(Value::as_array_mut) {
            for e in list.iter_mut() {
                if let Some(s) = e.as_str() {
                    *e = json!({ "source": s });
                }
            }
        }
    }
    if let Some(t) = m.get_mut("healthcheck").and_then(|h| h.get_mut("test"))
        && let Some(s) = t.as_str()
    {
        *t = json!(["CMD-SHELL", s]);
    }
    Ok(())
}

/// A YAML scalar as the string docker would see (`80` -> "80", `true` -> "true").
pub fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

pub fn absolute(base: &Path, p: &str) -> String {
    if let Some(rest) = p.strip_prefix("~/")
        && let Ok(home) = std::env::var("HOME")
    {
        return Path::new(&home).join(rest).to_string_lossy().into_owned();
    }
    let joined = base.join(p);
    // Lexically clean `./` and `..` as compose does (the path need not exist).
    let mut out = std::path::PathBuf::new();
    for c in joined.components() {
        match c {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out.to_string_lossy().into_owned()
}

/// `[K=V, K]` or `{K: V}` -> `{K: "V"}`; a bare `K` (list) or `K: null` (map) stays null: for the
/// environment it means "from the shell", resolved when the project loads.
fn key_value_map(v: &Value, path: &str, _env: bool) -> Result<Value> {
    let mut out = Map::new();
    match v {
        Value::Array(items) => {
            for i in items {
                let s = i
                    .as_str()
                    .with_context(|| format!("{path} items must be strings"))?;
                match s.split_once('=') {
                    Some((k, v)) => out.insert(k.to_string(), json!(v)),
                    None => out.insert(s.to_string(), Value::Null),
                };
            }
        }
        Value::Object(m) => {
            for (k, v) in m {
                let v = if v.is_null() {
                    Value::Null
                } else {
                    json!(scalar(v))
                };
                out.insert(k.clone(), v);
            }
        }
        Value::Null => {}
        _ => bail!("{path} must be a mapping or a list"),
    }
    Ok(Value::Object(out))
}

fn depends_on(v: &Value, path: &str) -> Result<Value> {
    let mut out = Map::new();
    match v {
        Value::Array(items) => {
            for i in items {
                let s = i
                    .as_str()
                    .with_context(|| format!("{path} items must be strings"))?;
                out.insert(
                    s.into(),
                    json!({"condition": "service_started", "required": true}),
                );
            }
        }
        Value::Object(m) => {
            for (k, d) in m {
                let mut d = d.as_object().cloned().unwrap_or_default();
                d.entry("condition").or_insert(json!("service_started"));
                d.entry("required").or_insert(json!(true));
                out.insert(k.clone(), Value::Object(d));
            }
        }
        _ => bail!("{path} must be a list or a mapping"),
    }
    Ok(Value::Object(out))
}

fn extra_hosts(v: &Value) -> Result<Value> {
    Ok(match v {
        Value::Object(m) => json!(
            m.iter()
                .map(|(k, v)| format!("{k}={}", scalar(v)))
                .collect::<Vec<_>>()
        ),
        Value::Array(items) => json!(
            items
                .iter()
                .map(|i| {
                    let s = scalar(i);
                    match s.split_once(['=', ':']) {
                        Some((h, ip)) => format!("{h}={ip}"),
                        None => s,
                    }
                })
                .collect::<Vec<_>>()
        ),
        other => other.clone(),
    })
}

/// Ports in long syntax, one entry per port (ranges expanded, as compose does).
fn ports(v: &Value, path: &str) -> Result<Value> {
    let items = v
        .as_array()
        .with_context(|| format!("{path} must be a list"))?;
    let mut out = Vec::new();
    for i in items {
        if i.is_object() {
            let mut e = i.as_object().cloned().unwrap_or_default();
            e.entry("mode").or_insert(json!("ingress"));
            e.entry("protocol").or_insert(json!("tcp"));
            if let Some(p) = e.get("published") {
                let p = scalar(p);
                e.insert("published".into(), json!(p));
            }
            out.push(Value::Object(e));
            continue;
        }
        out.extend(short_port(&scalar(i)).with_context(|| format!("{path}: invalid port {i}"))?);
    }
    Ok(Value::Array(out))
}

fn range(s: &str) -> Result<(u16, u16)> {
    let (a, b) = s.split_once('-').unwrap_or((s, s));
    let (a, b): (u16, u16) = (a.parse()?, b.parse()?);
    if b < a {
        bail!("invalid range {s}");
    }
    Ok((a, b))
}

/// `[host_ip:][published[-end]:]target[-end][/proto]` -> long entries.
pub fn short_port(s: &str) -> Result<Vec<Value>> {
    let (spec, proto) = s.rsplit_once('/').unwrap_or((s, "tcp"));
    if proto != "tcp" && proto != "udp" {
        bail!("unsupported protocol {proto}");
    }
    // A bracketed IPv6 host address, then the rest split on ':'.
    let (ip, rest) = if let Some(r) = spec.strip_prefix('[') {
        let (ip, rest) = r.split_once("]:").context("bad [ip] part")?;
        (Some(ip.to_string()), rest.to_string())
    } else {
        let parts: Vec<&str> = spec.split(':').collect();
        match parts.len() {
            3 => (
                Some(parts[0].to_string()),
                format!("{}:{}", parts[1], parts[2]),
            ),
            1 | 2 => (None, spec.to_string()),
            _ => bail!("too many colons"),
        }
    };
    let (published, target) = match rest.split_once(':') {
        Some((p, t)) => (Some(p), t),
        None => (None, rest.as_str()),
    };
    let (t0, t1) = range(target)?;
    let pub_range = published.filter(|p| !p.is_empty()).map(range).transpose()?;
    if let Some((p0, p1)) = pub_range
        && p1 - p0 != t1 - t0
        && p0 != p1
    {
        bail!("port ranges don't match");
    }
    let mut out = Vec::new();
    for (n, t) in (t0..=t1).enumerate() {
        let mut e = Map::new();
        e.insert("mode".into(), json!("ingress"));
        if let Some(ip) = &ip {
            e.insert("host_ip".into(), json!(ip));
        }
        e.insert("target".into(), json!(t));
        if let Some((p0, p1)) = pub_range {
            let p = if p0 == p1 && t0 != t1 {
                format!("{p0}")
            } else {
                format!("{}", p0 + n as u16)
            };
            let _ = p1;
            e.insert("published".into(), json!(p));
        }
        e.insert("protocol".into(), json!(proto));
        out.push(Value::Object(e));
    }
    Ok(out)
}

/// Volumes in long syntax: `[source:]target[:mode]` -> `{type, source, target, read_only, bind|volume}`.
fn volumes(v: &Value, base: &Path, path: &str) -> Result<Value> {
    let items = v
        .as_array()
        .with_context(|| format!("{path} must be a list"))?;
    let mut out = Vec::new();
    for i in items {
        if let Some(m) = i.as_object() {
            let mut e = m.clone();
            let kind = e
                .get("type")
                .and_then(Value::as_str)
                .unwrap_or("volume")
                .to_string();
            e.insert("type".into(), json!(kind));
            if kind == "bind"
                && let Some(src) = e.get("source").and_then(Value::as_str)
            {
                let src = absolute(base, src);
                e.insert("source".into(), json!(src));
            }
            out.push(Value::Object(e));
            continue;
        }
        let s = i
            .as_str()
            .with_context(|| format!("{path} items must be strings or mappings"))?;
        out.push(short_volume(s, base).with_context(|| format!("{path}: invalid volume {s:?}"))?);
    }
    Ok(Value::Array(out))
}

pub fn short_volume(s: &str, base: &Path) -> Result<Value> {
    let parts: Vec<&str> = s.split(':').collect();
    let (src, target, mode) = match parts.as_slice() {
        [t] => (None, *t, None),
        [a, b] if b.starts_with('/') => (Some(*a), *b, None),
        [t, m] => (None, *t, Some(*m)),
        [a, b, m] => (Some(*a), *b, Some(*m)),
        _ => bail!("too many colons"),
    };
    if !target.starts_with('/') {
        bail!("the container path must be absolute");
    }
    let read_only = mode.is_some_and(|m| m.split(',').any(|o| o == "ro"));
    let mut e = Map::new();
    match src {
        None => {
            e.insert("type".into(), json!("volume"));
            e.insert("target".into(), json!(target));
            e.insert("volume".into(), json!({}));
        }
        Some(src) if src.starts_with(['/', '.', '~']) => {
            e.insert("type".into(), json!("bind"));
            e.insert("source".into(), json!(absolute(base, src)));
            e.insert("target".into(), json!(target));
            if read_only {
                e.insert("read_only".into(), json!(true));
            }
            e.insert("bind".into(), json!({"create_host_path": true}));
        }
        Some(src) => {
            e.insert("type".into(), json!("volume"));
            e.insert("source".into(), json!(src));
            e.insert("target".into(), json!(target));
            if read_only {
                e.insert("read_only".into(), json!(true));
            }
            e.insert("volume".into(), json!({}));
        }
    }
    Ok(Value::Object(e))
}

/// POSIX shell words (quotes and backslashes), as compose splits a string `command`.
pub fn shell_split(s: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => bail!("unterminated single quote"),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(x @ ('"' | '\\' | '$' | '`')) => cur.push(x),
                            Some(x) => {
                                cur.push('\\');
                                cur.push(x);
                            }
                            None => bail!("unterminated double quote"),
                        },
                        Some(x) => cur.push(x),
                        None => bail!("unterminated double quote"),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(x) = chars.next() {
                    cur.push(x);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        out.push(cur);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_ports_become_long_entries() {
        assert_eq!(
            short_port("127.0.0.1:8080:80/udp").unwrap(),
            vec![
                json!({"mode":"ingress","host_ip":"127.0.0.1","target":80,"published":"8080","protocol":"udp"})
            ]
        );
        let r = short_port("9000-9001:80-81").unwrap();
        assert_eq!(r[1]["published"], "9001");
        assert_eq!(r[1]["target"], 81);
        assert_eq!(short_port("80").unwrap()[0].get("published"), None);
        crate::testing::assert_err(short_port("1-3:1-2"), "port ranges don't match");
    }

    #[test]
    fn services_take_their_long_forms() {
        let mut s = json!({
            "environment": ["A=1", "B"],
            "command": "sh -c 'echo hi'",
            "depends_on": ["db"],
            "networks": ["front"],
            "volumes": ["./data:/data:ro", "cache:/c", "/anon"],
        });
        service("web", &mut s, Path::new("/p")).unwrap();
        assert_eq!(s["environment"], json!({"A": "1", "B": null}));
        assert_eq!(s["command"], json!(["sh", "-c", "echo hi"]));
        assert_eq!(s["depends_on"]["db"]["condition"], "service_started");
        assert_eq!(s["networks"], json!({"front": null}));
        assert_eq!(s["volumes"][0]["source"], "/p/data");
        assert_eq!(s["volumes"][0]["read_only"], true);
        assert_eq!(s["volumes"][1]["type"], "volume");
        assert_eq!(s["volumes"][2].get("source"), None);
    }
}
