//! The verbs over a project's existing containers: `down`, `start`, `stop`, `restart`, `kill`,
//! `pause`, `unpause`, `rm`. Containers are found by label (mod.rs `members`), never by name guessing,
//! so two projects from one file (`-p a`, `-p b`) never touch each other's containers.

use super::up::{levels, selection};
use super::{Events, Member, Project, labels, members};
use crate::engine::Context;
use crate::engine::container::{self as ctr, Status};
use anyhow::{Context as _, Result};

/// `down` options.
#[derive(Debug, Clone, Default)]
pub struct DownOptions {
    pub volumes: bool,
    pub remove_orphans: bool,
    pub timeout: Option<i64>,
    /// `--rmi local|all`.
    pub rmi: Option<String>,
}

fn running(m: &Member) -> bool {
    matches!(
        m.status,
        Status::Running | Status::Restarting | Status::Paused
    )
}

/// The project's non-oneoff containers of `services` (all when empty), in reverse start order.
fn targets(ctx: &Context, p: &Project, services: &[String], all: bool) -> Result<Vec<Vec<Member>>> {
    let ms = members(ctx, &p.name, all)?;
    // A project named by -p alone (no file found): its containers are all there is to know, as
    // docker compose works from the labels then.
    if p.config_files.is_empty() {
        let level = ms
            .into_iter()
            .filter(|m| !m.oneoff && (services.is_empty() || services.contains(&m.service)))
            .collect();
        return Ok(vec![level]);
    }
    let sel = selection(p, services, false)?;
    let mut out = Vec::new();
    for level in levels(p, &sel)?.into_iter().rev() {
        out.push(
            ms.iter()
                .filter(|m| !m.oneoff && level.contains(&m.service))
                .cloned()
                .collect(),
        );
    }
    Ok(out)
}

/// Apply `f` to every member of a level in parallel threads; the first error wins.
fn each(level: &[Member], f: &(dyn Fn(&Member) -> Result<()> + Sync)) -> Result<()> {
    let results: Vec<Result<()>> = std::thread::scope(|s| {
        let hs: Vec<_> = level.iter().map(|m| s.spawn(move || f(m))).collect();
        hs.into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a thread panicked")))
            })
            .collect()
    });
    results.into_iter().collect()
}

/// `down`: stop and remove the project's containers (reverse dependency order), then its networks,
/// and with `-v` its volumes: exactly what carries the project's label.
pub fn down(ctx: &Context, p: &Project, o: &DownOptions, ev: &dyn Events) -> Result<()> {
    let all = members(ctx, &p.name, true)?;
    let mut handled = std::collections::BTreeSet::new();
    for level in targets(ctx, p, &[], true)? {
        each(&level, &|m| remove_one(ctx, m, o.timeout, o.volumes, ev))?;
        handled.extend(level.into_iter().map(|m| m.id));
    }
    // Orphans (services no longer in the file) go with --remove-orphans; one-off `run` containers too.
    let leftovers: Vec<Member> = all
        .into_iter()
        .filter(|m| !handled.contains(&m.id))
        .collect();
    if o.remove_orphans || p.config_files.is_empty() {
        each(&leftovers, &|m| {
            remove_one(ctx, m, o.timeout, o.volumes, ev)
        })?;
    } else {
        let orphans: Vec<&str> = leftovers
            .iter()
            .filter(|m| !m.oneoff)
            .map(|m| m.name.as_str())
            .collect();
        if !orphans.is_empty() {
            ev.warn(&format!("Found orphan containers ([{}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.", orphans.join(", ")));
        }
    }
    // A network or volume something else still uses (an orphan left running, another project's
    // container) stays, and `down` goes on: docker compose reports "Resource is still in use" as a
    // warning, not a failure.
    for n in crate::engine::network::list(&ctx.paths)? {
        if n.labels.get(labels::PROJECT) == Some(&p.name) {
            ev.event("Network", &n.name, "Removing");
            match crate::engine::network::remove(&ctx.paths, &n.name) {
                Ok(()) => ev.event("Network", &n.name, "Removed"),
                Err(e) if format!("{e:#}").contains("has active endpoints") => {
                    ev.event("Network", &n.name, "Resource is still in use")
                }
                Err(e) => return Err(e.context(format!("removing network {}", n.name))),
            }
        }
    }
    if o.volumes {
        for v in crate::engine::volume::list(&ctx.paths)? {
            if v.labels.get(labels::PROJECT) == Some(&p.name) {
                ev.event("Volume", &v.name, "Removing");
                match crate::engine::volume::remove(&ctx.paths, &v.name, false) {
                    Ok(()) => ev.event("Volume", &v.name, "Removed"),
                    Err(e) if e.is::<crate::engine::volume::VolumeInUse>() => {
                        ev.event("Volume", &v.name, "Resource is still in use")
                    }
                    Err(e) => return Err(e.context(format!("removing volume {}", v.name))),
                }
            }
        }
    }
    // Inline secrets and configs written for the project's containers go with them.
    let inline = super::mounts::project_dir(&ctx.paths.root, &p.name);
    if let Err(e) = std::fs::remove_dir_all(&inline)
        && e.kind() != std::io::ErrorKind::NotFound
    {
        return Err(e).with_context(|| format!("removing {}", inline.display()));
    }
    if let Some(rmi) = &o.rmi {
        for s in p.service_names() {
            let svc = p.service(&s).cloned().unwrap_or_default();
            // `local`: only images without a custom tag, i.e. the ones compose named for built services.
            if rmi == "local" && svc.get("image").is_some() {
                continue;
            }
            let img = super::service::image_name(p, &s);
            if crate::engine::image::remove_image(ctx, &img, false).is_ok() {
                ev.event("Image", &img, "Removed");
            }
        }
    }
    Ok(())
}

fn remove_one(
    ctx: &Context,
    m: &Member,
    timeout: Option<i64>,
    volumes: bool,
    ev: &dyn Events,
) -> Result<()> {
    if running(m) {
        ev.event("Container", &m.name, "Stopping");
        ctr::stop(ctx, &m.id, timeout, None).with_context(|| format!("stopping {}", m.name))?;
        ev.event("Container", &m.name, "Stopped");
    }
    ev.event("Container", &m.name, "Removing");
    ctr::remove(ctx, &m.id, true, volumes).with_context(|| format!("removing {}", m.name))?;
    ev.event("Container", &m.name, "Removed");
    Ok(())
}

/// `stop`.
pub fn stop(
    ctx: &Context,
    p: &Project,
    services: &[String],
    timeout: Option<i64>,
    ev: &dyn Events,
) -> Result<()> {
    for level in targets(ctx, p, services, false)? {
        each(&level, &|m| {
            ev.event("Container", &m.name, "Stopping");
            ctr::stop(ctx, &m.id, timeout, None)?;
            ev.event("Container", &m.name, "Stopped");
            Ok(())
        })?;
    }
    Ok(())
}

/// `services` and, transitively, the services that depend on one of them with `restart: true`: docker
/// compose restarts those after it (the dependents its restart impacts). Empty stays empty (all services).
fn with_impacted_dependents(p: &Project, services: &[String]) -> Vec<String> {
    let mut services = services.to_vec();
    let mut i = 0;
    while i < services.len() {
        let restarted = services[i].clone();
        for s in p.service_names() {
            let impacted = p
                .service(&s)
                .and_then(|v| v.get("depends_on"))
                .and_then(|d| d.get(&restarted))
                .and_then(|d| d.get("restart"))
                .and_then(serde_json::Value::as_bool)
                == Some(true);
            if impacted && !services.contains(&s) {
                services.push(s);
            }
        }
        i += 1;
    }
    services
}

/// `start`: the existing containers, in dependency order.
pub fn start(ctx: &Context, p: &Project, services: &[String], ev: &dyn Events) -> Result<()> {
    let services = with_impacted_dependents(p, services);
    let mut ls = targets(ctx, p, &services, true)?;
    ls.reverse();
    for level in ls {
        each(&level, &|m| {
            if running(m) {
                return Ok(());
            }
            super::up::start(ctx, p, &m.service, &m.id, ev)
        })?;
    }
    Ok(())
}

/// `restart`.
pub fn restart(
    ctx: &Context,
    p: &Project,
    services: &[String],
    timeout: Option<i64>,
    ev: &dyn Events,
) -> Result<()> {
    let services = with_impacted_dependents(p, services);
    let mut ls = targets(ctx, p, &services, true)?;
    ls.reverse();
    for level in ls {
        each(&level, &|m| {
            ev.event("Container", &m.name, "Restarting");
            ctr::stop(ctx, &m.id, timeout, None)?;
            ctr::start(ctx, &m.id, false)?;
            ev.event("Container", &m.name, "Started");
            Ok(())
        })?;
    }
    Ok(())
}

/// `kill -s SIG`.
pub fn kill(
    ctx: &Context,
    p: &Project,
    services: &[String],
    sig: i32,
    ev: &dyn Events,
) -> Result<()> {
    for level in targets(ctx, p, services, false)? {
        each(&level, &|m| {
            ev.event("Container", &m.name, "Killing");
            ctr::kill(ctx, &m.id, sig)?;
            ev.event("Container", &m.name, "Killed");
            Ok(())
        })?;
    }
    Ok(())
}

/// `pause` / `unpause`.
pub fn pause(
    ctx: &Context,
    p: &Project,
    services: &[String],
    on: bool,
    ev: &dyn Events,
) -> Result<()> {
    for level in targets(ctx, p, services, false)? {
        each(&level, &|m| {
            ctr::set_paused(ctx, &m.id, on)?;
            ev.event("Container", &m.name, if on { "Paused" } else { "Unpaused" });
            Ok(())
        })?;
    }
    Ok(())
}

/// `rm`: stopped containers (with `stop`, running ones are stopped first). Returns what it removed.
pub fn rm(
    ctx: &Context,
    p: &Project,
    services: &[String],
    stop_first: bool,
    volumes: bool,
    ev: &dyn Events,
) -> Result<Vec<String>> {
    let mut removed = Vec::new();
    for level in targets(ctx, p, services, true)? {
        for m in level {
            if running(&m) {
                if !stop_first {
                    continue;
                }
                ctr::stop(ctx, &m.id, None, None)?;
            }
            ev.event("Container", &m.name, "Removing");
            ctr::remove(ctx, &m.id, true, volumes)?;
            ev.event("Container", &m.name, "Removed");
            removed.push(m.name);
        }
    }
    Ok(removed)
}
