//! A service's mounts: `volumes` (named volumes under their project name, binds with compose's
//! `create_host_path`, anonymous volumes, tmpfs), `tmpfs`, and file-based `secrets`/`configs`, which
//! docker compose bind-mounts read-only at `/run/secrets/<name>` and `/<name>`.

use super::Project;
use super::normalize::scalar;
use super::service::{mount, parse_bytes, resource_name};
use crate::types::{ContainerConfig, MountKind};
use anyhow::{Context, Result, bail};
use serde_json::Value;

pub fn apply(p: &Project, service: &str, svc: &Value, c: &mut ContainerConfig) -> Result<()> {
    let at = |k: &str| format!("services.{service}.{k}");
    for (i, v) in svc
        .get("volumes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let key = at(&format!("volumes[{i}]"));
        let target = v
            .get("target")
            .and_then(Value::as_str)
            .with_context(|| format!("{key}.target is required"))?
            .to_string();
        let ro = v.get("read_only").and_then(Value::as_bool).unwrap_or(false);
        let source = v
            .get("source")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        match v.get("type").and_then(Value::as_str).unwrap_or("volume") {
            "bind" => {
                if source.is_empty() {
                    bail!("{key}.source is required for a bind mount");
                }
                let create = v
                    .get("bind")
                    .and_then(|b| b.get("create_host_path"))
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                if !std::path::Path::new(&source).exists() {
                    if !create {
                        bail!("{key}: bind source path does not exist: {source}");
                    }
                    std::fs::create_dir_all(&source)
                        .with_context(|| format!("{key}: creating {source}"))?;
                }
                let mut opts = Vec::new();
                if let Some(pr) = v
                    .get("bind")
                    .and_then(|b| b.get("propagation"))
                    .and_then(Value::as_str)
                {
                    opts.push(pr.to_string());
                }
                c.mounts
                    .push(mount(MountKind::Bind, source, target, ro, opts));
            }
            "volume" => {
                if v.get("volume").and_then(|x| x.get("subpath")).is_some() {
                    bail!("{key}.volume.subpath: not supported by berth");
                }
                let name = if source.is_empty() {
                    String::new()
                } else {
                    resource_name(p, "volumes", &source)
                };
                c.mounts
                    .push(mount(MountKind::Volume, name, target, ro, Vec::new()));
            }
            "tmpfs" => {
                let mut opts = Vec::new();
                if let Some(s) = v.get("tmpfs").and_then(|t| t.get("size")) {
                    opts.push(format!(
                        "size={}",
                        parse_bytes(s, &format!("{key}.tmpfs.size"))?
                    ));
                }
                if let Some(m) = v.get("tmpfs").and_then(|t| t.get("mode")) {
                    let m = m
                        .as_u64()
                        .map(|n| format!("{n:o}"))
                        .unwrap_or_else(|| scalar(m));
                    opts.push(format!("mode={m}"));
                }
                c.mounts
                    .push(mount(MountKind::Tmpfs, String::new(), target, ro, opts));
            }
            other => bail!("{key}.type: mount type {other:?} is not supported by berth"),
        }
    }
    for t in svc
        .get("tmpfs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let s = scalar(t);
        let (dst, opts) = s.split_once(':').unwrap_or((&s, ""));
        let opts: Vec<String> = opts
            .split(',')
            .filter(|o| !o.is_empty() && *o != "rw" && *o != "ro")
            .map(str::to_string)
            .collect();
        c.mounts.push(mount(
            MountKind::Tmpfs,
            String::new(),
            dst.to_string(),
            s.contains(":ro") || s.ends_with(",ro"),
            opts,
        ));
    }
    for (key, dir) in [("secrets", "/run/secrets/"), ("configs", "/")] {
        for e in svc.get(key).and_then(Value::as_array).into_iter().flatten() {
            let src = e.get("source").and_then(Value::as_str).unwrap_or_default();
            let decl = p
                .model
                .get(key)
                .and_then(|s| s.get(src))
                .with_context(|| format!("{}: undefined {src}", at(key)))?;
            let Some(file) = decl.get("file").and_then(Value::as_str) else {
                bail!("{key}.{src}: only file-based {key} are supported by berth");
            };
            if !std::path::Path::new(file).is_file() {
                bail!("{key}.{src}: file {file} not found");
            }
            for k in ["uid", "gid", "mode"] {
                if e.get(k).is_some() {
                    bail!(
                        "{}: {k} is not supported by berth (the file is bind-mounted as it is)",
                        at(key)
                    );
                }
            }
            let target = match e.get("target").and_then(Value::as_str) {
                Some(t) if t.starts_with('/') => t.to_string(),
                Some(t) => format!("{dir}{t}"),
                None => format!("{dir}{src}"),
            };
            c.mounts.push(mount(
                MountKind::Bind,
                file.to_string(),
                target,
                true,
                Vec::new(),
            ));
        }
    }
    Ok(())
}
