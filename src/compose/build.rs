//! A service's `build:` through berth's own `build` (engine::build): context, dockerfile (or
//! dockerfile_inline), args, target, labels, tags, no_cache, pull, network, extra_hosts. The image is
//! tagged with the service's `image:` or, as docker compose names it, `<project>-<service>`.
//! `up` builds a service whose image is missing (every time with `--build`); `compose build` always.

use super::Project;
use super::normalize::scalar;
use crate::engine::Context;
use crate::engine::build::{BuildContext, BuildOptions, BuildProgress, DockerfileSource};
use anyhow::{Context as _, Result, bail};
use serde_json::Value;
use std::path::PathBuf;

/// `build:` keys berth's build has no equivalent for.
const UNSUPPORTED: &[&str] = &[
    "ssh",
    "cache_from",
    "cache_to",
    "isolation",
    "shm_size",
    "secrets",
    "platforms",
    "privileged",
    "additional_contexts",
];

/// Options of `compose build` / `up --build`.
#[derive(Debug, Clone, Default)]
pub struct BuildFlags {
    pub no_cache: bool,
    pub pull: bool,
    /// `build --build-arg`: over the service's own `args`.
    pub build_args: std::collections::BTreeMap<String, String>,
}

/// The engine's build options for service `s` (whose model has a `build:` section).
pub fn options(p: &Project, s: &str, f: &BuildFlags) -> Result<BuildOptions> {
    let b = p
        .service(s)
        .and_then(|v| v.get("build"))
        .with_context(|| format!("service {s:?} has no build section"))?;
    let at = |k: &str| format!("services.{s}.build.{k}");
    for k in UNSUPPORTED {
        if b.get(*k).is_some() {
            bail!("{}: not supported by berth's build", at(k));
        }
    }
    let ctx = PathBuf::from(b.get("context").and_then(Value::as_str).unwrap_or("."));
    if !ctx.is_dir() {
        bail!(
            "{}: build context {} is not a directory",
            at("context"),
            ctx.display()
        );
    }
    let dockerfile = match b.get("dockerfile_inline").and_then(Value::as_str) {
        Some(text) => DockerfileSource::Text(text.to_string()),
        None => DockerfileSource::Path(
            ctx.join(
                b.get("dockerfile")
                    .and_then(Value::as_str)
                    .unwrap_or("Dockerfile"),
            ),
        ),
    };
    let map = |k: &str| -> std::collections::BTreeMap<String, String> {
        b.get(k)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter(|(_, v)| !v.is_null())
                    .map(|(k, v)| (k.clone(), scalar(v)))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut tags = vec![super::service::image_name(p, s)];
    tags.extend(
        b.get("tags")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(scalar),
    );
    let mut add_hosts = Vec::new();
    for h in b
        .get("extra_hosts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(scalar)
    {
        let (name, ip) = h
            .split_once(['=', ':'])
            .with_context(|| format!("{}: invalid host {h}", at("extra_hosts")))?;
        add_hosts.push((
            name.to_string(),
            ip.parse()
                .with_context(|| format!("{}: invalid IP address in {h}", at("extra_hosts")))?,
        ));
    }
    Ok(BuildOptions {
        context: BuildContext::Dir(ctx),
        dockerfile,
        tags,
        build_args: {
            let mut a = map("args");
            a.extend(f.build_args.clone());
            a
        },
        labels: map("labels"),
        target: b.get("target").and_then(Value::as_str).map(str::to_string),
        no_cache: f.no_cache || b.get("no_cache").and_then(Value::as_bool).unwrap_or(false),
        pull: f.pull || b.get("pull").and_then(Value::as_bool).unwrap_or(false),
        network: b
            .get("network")
            .and_then(Value::as_str)
            .unwrap_or("default")
            .to_string(),
        add_hosts,
        ..Default::default()
    })
}

/// Build the services of `services` that have a `build:` section.
pub fn build(
    ctx: &Context,
    p: &Project,
    services: &[String],
    f: &BuildFlags,
    progress: &dyn BuildProgress,
) -> Result<()> {
    for s in services {
        if p.service(s).and_then(|v| v.get("build")).is_none() {
            continue;
        }
        let o = options(p, s, f)?;
        crate::engine::build::build(ctx, &o, progress)
            .with_context(|| format!("service {s:?}: building image"))?;
    }
    Ok(())
}
