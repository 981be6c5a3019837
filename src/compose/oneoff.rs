//! `compose run`: a one-off container of a service (`<project>-<service>-run-<id>`, labelled
//! `com.docker.compose.oneoff=True`), with the service's options and the command line's overrides,
//! after its dependencies are up. Its published ports are left out, as docker compose does without
//! `--service-ports`; `-p` publishes its own and `-v` adds mounts (short syntax, as in the file).

use super::service::{self, container_config};
use super::up::{Builder, UpOptions, deps, ensure_resources, images, up};
use super::{Events, Project};
use crate::engine::Context;
use crate::engine::container::{self as ctr, PullPolicy};
use crate::types::RestartPolicy;
use anyhow::{Context as _, Result};
use serde_json::Value;

/// What `run` overrides.
#[derive(Debug, Clone, Default)]
pub struct OneOff {
    pub command: Vec<String>,
    pub entrypoint: Option<Vec<String>>,
    pub env: Vec<String>,
    pub name: Option<String>,
    pub user: Option<String>,
    pub workdir: Option<String>,
    pub tty: bool,
    pub interactive: bool,
    pub rm: bool,
    pub no_deps: bool,
    pub service_ports: bool,
    pub publish: Vec<String>,
    pub volumes: Vec<String>,
    /// `-l key=value`: labels over the service's.
    pub labels: Vec<String>,
    /// `--pull`: when the service's image is pulled (missing when None).
    pub pull: Option<PullPolicy>,
}

/// Create the one-off container (not started); returns its id.
pub fn create(
    ctx: &Context,
    p: &Project,
    s: &str,
    o: &OneOff,
    build: Option<&Builder>,
    ev: &dyn Events,
) -> Result<String> {
    if !o.no_deps {
        let d = deps(p, s);
        if !d.is_empty() {
            up(
                ctx,
                p,
                &UpOptions {
                    services: d,
                    ..Default::default()
                },
                build,
                ev,
            )?;
        }
    }
    ensure_resources(ctx, p, &[s.to_string()], ev)?;
    let pull = o.pull.unwrap_or(PullPolicy::Missing);
    let imgs = images(ctx, p, &[s.to_string()], pull, build, ev)?;
    let img = imgs
        .get(&service::image_name(p, s))
        .context("image not resolved")?;
    let with_volumes;
    let p = if o.volumes.is_empty() {
        p
    } else {
        let mut q = p.clone();
        let svc = q.model["services"][s]
            .as_object_mut()
            .context("service vanished")?;
        let list = svc.entry("volumes").or_insert_with(|| Value::Array(vec![]));
        for v in &o.volumes {
            let m = super::normalize::short_volume(v, &p.working_dir)
                .with_context(|| format!("--volume {v}"))?;
            if let Some(a) = list.as_array_mut() {
                a.push(m);
            }
        }
        with_volumes = q;
        &with_volumes
    };
    let mut c = container_config(&ctx.paths.root, p, s, 1, true)?;
    super::mounts::write_inline(&ctx.paths.root, p, s)?;
    let suffix = &ctr::new_id()?[..12];
    c.name = Some(
        o.name
            .clone()
            .unwrap_or_else(|| format!("{}-{s}-run-{suffix}", p.name)),
    );
    if let Some(ep) = &o.entrypoint {
        c.entrypoint = Some(ep.first().cloned().unwrap_or_default());
        c.cmd = ep.iter().skip(1).cloned().collect();
        c.cmd.extend(o.command.iter().cloned());
    } else if !o.command.is_empty() {
        // The service's entrypoint list keeps its tail words before the new command.
        let svc_ep = p
            .service(s)
            .and_then(|v| v.get("entrypoint"))
            .and_then(|e| e.as_array())
            .map(|a| a.len())
            .unwrap_or(0);
        let keep = svc_ep.saturating_sub(1);
        c.cmd.truncate(keep);
        c.cmd.extend(o.command.iter().cloned());
    }
    c.env.extend(o.env.iter().cloned());
    for l in &o.labels {
        let (k, v) = l.split_once('=').unwrap_or((l, ""));
        c.labels.insert(k.to_string(), v.to_string());
    }
    if o.user.is_some() {
        c.user = o.user.clone();
    }
    if o.workdir.is_some() {
        c.workdir = o.workdir.clone();
    }
    c.tty = o.tty;
    c.interactive = o.interactive;
    c.auto_remove = o.rm;
    if !o.service_ports {
        c.net.ports.clear();
    }
    for spec in &o.publish {
        for e in super::normalize::short_port(spec).with_context(|| format!("--publish {spec}"))? {
            c.net.ports.extend(service::port(&e, "--publish")?);
        }
    }
    c.restart = RestartPolicy {
        name: "no".into(),
        max_retries: 0,
    };
    for w in ctr::discard_unsupported(&mut c) {
        ev.warn(&w);
    }
    let storage = ctx.config.storage.clone();
    c.rootless_storage = (storage != Default::default()).then_some(storage);
    ctr::create(ctx, img, c).with_context(|| format!("service {s:?}: creating a one-off container"))
}
