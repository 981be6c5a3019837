//! A service's mounts: `volumes` (named volumes under their project name, binds with compose's
//! `create_host_path`, anonymous volumes, tmpfs), `tmpfs`, and `secrets`/`configs`, which docker
//! compose bind-mounts read-only at `/run/secrets/<name>` and `/<name>`: a `file:` one as it is, an
//! inline one (`content:`, or `environment:` naming a variable) written first under
//! `<root>/compose/<project>/` by [`write_inline`] (docs/layout.md).

use super::Project;
use super::normalize::scalar;
use super::service::{mount, parse_bytes, resource_name};
use crate::types::{ContainerConfig, MountKind};
use anyhow::{Context, Result, bail};
use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn apply(
    root: &Path,
    p: &Project,
    service: &str,
    svc: &Value,
    c: &mut ContainerConfig,
) -> Result<()> {
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
            let file = match decl.get("file").and_then(Value::as_str) {
                Some(f) => f.to_string(),
                None if inline_value(p, decl).is_some() => {
                    inline_path(root, &p.name, key, src).display().to_string()
                }
                None => bail!(
                    "{key}.{src}: berth supports file, content and environment {key} (external ones need a swarm)"
                ),
            };
            if decl.get("file").is_some() && !std::path::Path::new(&file).is_file() {
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
            c.mounts
                .push(mount(MountKind::Bind, file, target, true, Vec::new()));
        }
    }
    Ok(())
}

/// Where an inline secret or config of project `project` is written: `<root>/compose/<project>/<key>/<name>`.
pub fn inline_path(root: &Path, project: &str, key: &str, name: &str) -> PathBuf {
    project_dir(root, project).join(key).join(name)
}

/// What `down` removes with the project: `<root>/compose/<project>`.
pub fn project_dir(root: &Path, project: &str) -> PathBuf {
    root.join("compose").join(project)
}

/// The value of an inline secret or config: its `content`, or the project environment's value of the
/// variable its `environment` names (empty when unset, as docker compose does).
fn inline_value(p: &Project, decl: &Value) -> Option<String> {
    if let Some(c) = decl.get("content").and_then(Value::as_str) {
        return Some(c.to_string());
    }
    let var = decl.get("environment").and_then(Value::as_str)?;
    Some(p.env.get(var).cloned().unwrap_or_default())
}

/// Write the inline secrets and configs `service` uses where [`apply`] mounts them (mode 0444, as
/// docker compose makes them; replaced by rename, so a running container keeps the file it has).
pub fn write_inline(root: &Path, p: &Project, service: &str) -> Result<()> {
    let Some(svc) = p.service(service) else {
        return Ok(());
    };
    for key in ["secrets", "configs"] {
        for e in svc.get(key).and_then(Value::as_array).into_iter().flatten() {
            let src = e.get("source").and_then(Value::as_str).unwrap_or_default();
            let Some(decl) = p.model.get(key).and_then(|s| s.get(src)) else {
                continue;
            };
            if decl.get("file").is_some() {
                continue;
            }
            let Some(value) = inline_value(p, decl) else {
                continue;
            };
            let path = inline_path(root, &p.name, key, src);
            let dir = path.parent().context("inline path has a parent")?;
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
            // Only berth's user reads them on the host (the container sees the mounted file).
            use std::os::unix::fs::PermissionsExt;
            for d in [project_dir(root, &p.name), dir.to_path_buf()] {
                std::fs::set_permissions(&d, std::fs::Permissions::from_mode(0o700))?;
            }
            let tmp = dir.join(format!(".{src}.tmp"));
            std::fs::write(&tmp, value.as_bytes())
                .with_context(|| format!("writing {}", tmp.display()))?;
            std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o444))?;
            std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    Ok(())
}
