//! `up` and `create`: the project's networks and volumes, then its services in dependency order
//! (independent services of one level in parallel threads), each converged to its wanted number of
//! containers: kept when its config hash is unchanged, recreated when it changed, created when missing.

use super::service::{self, config_hash, container_config, replicas, resource_name};
use super::{Events, Member, Project, labels, members};
use crate::engine::Context;
use crate::engine::container::{self as ctr, ImageInfo, PullPolicy, Status};
use anyhow::{Context as _, Result, bail};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// `up`/`create` options (docker compose's flags).
#[derive(Debug, Clone, Default)]
pub struct UpOptions {
    /// Services named on the command line (empty: all).
    pub services: Vec<String>,
    pub no_deps: bool,
    pub force_recreate: bool,
    pub no_recreate: bool,
    pub remove_orphans: bool,
    /// `--scale service=n`.
    pub scale: BTreeMap<String, u32>,
    /// `--pull` (`missing` by default).
    pub pull: Option<PullPolicy>,
    /// `create`: make the containers, start nothing.
    pub no_start: bool,
}

/// How `up` builds the services that have a `build:` section.
pub struct Builder<'a> {
    /// `--build`: build even when the image exists.
    pub always: bool,
    pub flags: super::build::BuildFlags,
    pub progress: &'a dyn crate::engine::build::BuildProgress,
}

/// The services to act on: the named ones (all when none), plus what they depend on.
pub fn selection(p: &Project, named: &[String], with_deps: bool) -> Result<Vec<String>> {
    let all = p.service_names();
    for n in named {
        if !all.contains(n) {
            bail!("no such service: {n}");
        }
    }
    let mut out: BTreeSet<String> = if named.is_empty() {
        all.iter().cloned().collect()
    } else {
        named.iter().cloned().collect()
    };
    if with_deps {
        let mut todo: Vec<String> = out.iter().cloned().collect();
        while let Some(s) = todo.pop() {
            for d in deps(p, &s) {
                if out.insert(d.clone()) {
                    todo.push(d);
                }
            }
        }
    }
    Ok(out.into_iter().collect())
}

/// The services `s` depends on.
pub fn deps(p: &Project, s: &str) -> Vec<String> {
    p.service(s)
        .and_then(|v| v.get("depends_on"))
        .and_then(Value::as_object)
        .map(|m| m.keys().cloned().collect())
        .unwrap_or_default()
}

/// `services` in levels: each level depends only on earlier ones (start order; `down` reverses it).
pub fn levels(p: &Project, services: &[String]) -> Result<Vec<Vec<String>>> {
    let mut done: BTreeSet<String> = BTreeSet::new();
    let mut left: Vec<String> = services.to_vec();
    let mut out = Vec::new();
    while !left.is_empty() {
        let (ready, rest): (Vec<String>, Vec<String>) = left.into_iter().partition(|s| {
            deps(p, s)
                .iter()
                .all(|d| done.contains(d) || !services.contains(d))
        });
        if ready.is_empty() {
            bail!(
                "dependency cycle detected between services: {}",
                rest.join(", ")
            );
        }
        done.extend(ready.iter().cloned());
        out.push(ready);
        left = rest;
    }
    Ok(out)
}

/// Create (or find) the project's networks and volumes that `services` use.
pub fn ensure_resources(
    ctx: &Context,
    p: &Project,
    services: &[String],
    ev: &dyn Events,
) -> Result<()> {
    let mut nets = BTreeSet::new();
    let mut vols = BTreeSet::new();
    for s in services {
        let svc = p.service(s).context("service vanished")?;
        if svc.get("network_mode").is_none() {
            nets.extend(service::networks(svc).into_iter().map(|(k, _)| k));
        }
        for v in svc
            .get("volumes")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if v.get("type").and_then(Value::as_str) == Some("volume")
                && let Some(src) = v.get("source").and_then(Value::as_str)
            {
                vols.insert(src.to_string());
            }
        }
    }
    for key in nets {
        network(ctx, p, &key, ev)?;
    }
    for key in vols {
        volume(ctx, p, &key, ev)?;
    }
    Ok(())
}

fn external(decl: Option<&Value>) -> bool {
    decl.and_then(|d| d.get("external"))
        .is_some_and(|x| x.as_bool() == Some(true) || x.is_object())
}

fn network(ctx: &Context, p: &Project, key: &str, ev: &dyn Events) -> Result<()> {
    use crate::engine::network as net;
    let decl = p.model.get("networks").and_then(|n| n.get(key));
    let name = resource_name(p, "networks", key);
    if net::find(&ctx.paths, &name).is_ok() {
        return Ok(());
    }
    if external(decl) {
        bail!("network {name} declared as external, but could not be found");
    }
    let at = format!("networks.{key}");
    if let Some(d) = decl.and_then(|d| d.get("driver")).and_then(Value::as_str)
        && d != "bridge"
    {
        bail!("{at}.driver: network driver {d:?} is not supported by berth (bridge only)");
    }
    let mut labels: BTreeMap<String, String> = decl
        .and_then(|d| d.get("labels"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), super::normalize::scalar(v)))
                .collect()
        })
        .unwrap_or_default();
    labels.insert(labels::PROJECT.into(), p.name.clone());
    labels.insert(labels::NETWORK.into(), key.into());
    labels.insert(labels::VERSION.into(), super::COMPOSE_VERSION.into());
    if decl
        .and_then(|d| d.get("enable_ipv6"))
        .is_some_and(|v| v.as_bool() == Some(true))
    {
        bail!("{at}.enable_ipv6: not supported by berth");
    }
    // The bridge driver's options berth's networks honour (docs/layout.md, the network config).
    let mut options = BTreeMap::new();
    for (k, v) in decl
        .and_then(|d| d.get("driver_opts"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        if !matches!(
            k.as_str(),
            "com.docker.network.bridge.name" | "com.docker.network.driver.mtu"
        ) {
            bail!("{at}.driver_opts.{k}: not supported by berth");
        }
        options.insert(k.clone(), super::normalize::scalar(v));
    }
    let ipam = decl
        .and_then(|d| d.get("ipam"))
        .and_then(|i| i.get("config"))
        .and_then(Value::as_array)
        .and_then(|c| c.first());
    let subnet =
        match ipam.and_then(|c| c.get("subnet")).and_then(Value::as_str) {
            Some(s) => Some(s.parse().map_err(|e| {
                anyhow::anyhow!("{at}.ipam.config.subnet: invalid subnet {s:?}: {e}")
            })?),
            None => None,
        };
    let gateway = match ipam.and_then(|c| c.get("gateway")).and_then(Value::as_str) {
        Some(s) => Some(
            s.parse()
                .with_context(|| format!("{at}.ipam.config.gateway: invalid gateway {s:?}"))?,
        ),
        None => None,
    };
    let ip_range =
        match ipam.and_then(|c| c.get("ip_range")).and_then(Value::as_str) {
            Some(s) => Some(s.parse().map_err(|e| {
                anyhow::anyhow!("{at}.ipam.config.ip_range: invalid range {s:?}: {e}")
            })?),
            None => None,
        };
    let mut aux_addresses = BTreeMap::new();
    for (host, ip) in ipam
        .and_then(|c| c.get("aux_addresses"))
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let ip = super::normalize::scalar(ip);
        let parsed = ip.parse().with_context(|| {
            format!("{at}.ipam.config.aux_addresses.{host}: invalid address {ip:?}")
        })?;
        aux_addresses.insert(host.clone(), parsed);
    }
    ev.event("Network", &name, "Creating");
    net::create(
        &ctx.paths,
        &net::CreateOptions {
            name: name.clone(),
            driver: Some("bridge".into()),
            subnet,
            gateway,
            internal: decl
                .and_then(|d| d.get("internal"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
            labels,
            options,
            ip_range,
            aux_addresses,
            attachable: decl
                .and_then(|d| d.get("attachable"))
                .and_then(Value::as_bool)
                .unwrap_or(false),
        },
    )
    .with_context(|| format!("creating network {name}"))?;
    ev.event("Network", &name, "Created");
    Ok(())
}

fn volume(ctx: &Context, p: &Project, key: &str, ev: &dyn Events) -> Result<()> {
    use crate::engine::volume as vol;
    let decl = p.model.get("volumes").and_then(|n| n.get(key));
    let name = resource_name(p, "volumes", key);
    if vol::load(&ctx.paths, &name).is_ok() {
        return Ok(());
    }
    if external(decl) {
        bail!("external volume \"{name}\" not found");
    }
    if let Some(d) = decl.and_then(|d| d.get("driver")).and_then(Value::as_str)
        && d != "local"
    {
        bail!("volumes.{key}.driver: volume driver {d:?} is not supported by berth (local only)");
    }
    // The local driver's type/device/o, checked by the engine as `volume create -o` is.
    let options: BTreeMap<String, String> = decl
        .and_then(|d| d.get("driver_opts"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), super::normalize::scalar(v)))
                .collect()
        })
        .unwrap_or_default();
    let mut labels: BTreeMap<String, String> = decl
        .and_then(|d| d.get("labels"))
        .and_then(Value::as_object)
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), super::normalize::scalar(v)))
                .collect()
        })
        .unwrap_or_default();
    labels.insert(labels::PROJECT.into(), p.name.clone());
    labels.insert(labels::VOLUME.into(), key.into());
    labels.insert(labels::VERSION.into(), super::COMPOSE_VERSION.into());
    ev.event("Volume", &name, "Creating");
    vol::create_with_options(&ctx.paths, &name, labels, false, options)
        .with_context(|| format!("volumes.{key}.driver_opts: creating volume {name}"))?;
    ev.event("Volume", &name, "Created");
    Ok(())
}

/// Resolve (pull when missing) every image the services need, once each.
pub fn images(
    ctx: &Context,
    p: &Project,
    services: &[String],
    policy: PullPolicy,
    build: Option<&Builder>,
    ev: &dyn Events,
) -> Result<BTreeMap<String, ImageInfo>> {
    let mut out = BTreeMap::new();
    for s in services {
        let svc = p.service(s).context("service vanished")?;
        let name = service::image_name(p, s);
        if svc.get("build").is_some() {
            let present = crate::engine::image::resolve_local(ctx, &name).is_ok();
            let policy_build = svc.get("pull_policy").and_then(Value::as_str) == Some("build");
            if !present || policy_build || build.is_some_and(|b| b.always) {
                let b = build.with_context(|| {
                    format!("service {s:?} needs its image built: run `compose build` first")
                })?;
                ev.event("Service", s, "Building");
                super::build::build(ctx, p, std::slice::from_ref(s), &b.flags, b.progress)?;
                ev.event("Service", s, "Built");
            }
            let info = ctr::resolve_image(
                ctx,
                &name,
                PullPolicy::Never,
                &crate::engine::NoProgress,
                &mut |_| {},
            )?;
            out.insert(name, info);
            continue;
        }
        if out.contains_key(&name) {
            continue;
        }
        let pol = match svc.get("pull_policy").and_then(Value::as_str) {
            Some("always") => PullPolicy::Always,
            Some("never") => PullPolicy::Never,
            Some("missing" | "if_not_present") | None => policy,
            Some(other) => bail!("services.{s}.pull_policy: invalid pull policy {other:?}"),
        };
        let info = ctr::resolve_image(ctx, &name, pol, &crate::engine::NoProgress, &mut |e| {
            if let ctr::PullEvent::Starting(_) = e {
                ev.event("Image", &name, "Pulling");
            } else {
                ev.event("Image", &name, "Pulled");
            }
        })
        .with_context(|| format!("service {s:?}: pulling image {name}"))?;
        out.insert(name, info);
    }
    Ok(out)
}

/// `up` / `create`: converge the selected services. Returns the project's containers afterwards.
pub fn up(
    ctx: &Context,
    p: &Project,
    o: &UpOptions,
    build: Option<&Builder>,
    ev: &dyn Events,
) -> Result<()> {
    let services = selection(p, &o.services, !o.no_deps)?;
    // Every service's options are checked before anything is made: a key berth cannot honour fails
    // the whole `up` with nothing created.
    for s in &services {
        container_config(&ctx.paths.root, p, s, 1, false)?;
    }
    let existing = members(ctx, &p.name, true)?;
    let known = p.service_names();
    for m in existing
        .iter()
        .filter(|m| !m.oneoff && !known.contains(&m.service))
    {
        if o.remove_orphans {
            ev.event("Container", &m.name, "Removing");
            ctr::remove(ctx, &m.id, true, false)
                .with_context(|| format!("removing orphan container {}", m.name))?;
            ev.event("Container", &m.name, "Removed");
        } else {
            ev.warn(&format!(
                "Found orphan containers ([{}]) for this project. If you removed or renamed this service in your compose file, you can run this command with the --remove-orphans flag to clean it up.",
                m.name
            ));
        }
    }
    ensure_resources(ctx, p, &services, ev)?;
    let imgs = images(
        ctx,
        p,
        &services,
        o.pull.unwrap_or(PullPolicy::Missing),
        build,
        ev,
    )?;
    for level in levels(p, &services)? {
        let results: Vec<Result<()>> = std::thread::scope(|scope| {
            let handles: Vec<_> = level
                .iter()
                .map(|s| {
                    let (existing, imgs) = (&existing, &imgs);
                    scope.spawn(move || converge(ctx, p, s, o, existing, imgs, ev))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(anyhow::anyhow!("a service thread panicked")))
                })
                .collect()
        });
        for r in results {
            r?;
        }
    }
    Ok(())
}

/// One service to its wanted containers.
fn converge(
    ctx: &Context,
    p: &Project,
    s: &str,
    o: &UpOptions,
    existing: &[Member],
    imgs: &BTreeMap<String, ImageInfo>,
    ev: &dyn Events,
) -> Result<()> {
    let svc = p.service(s).context("service vanished")?;
    let want = o.scale.get(s).copied().unwrap_or_else(|| replicas(svc));
    if want > 1 && svc.get("container_name").is_some() {
        bail!(
            "services.{s}: container_name {:?} cannot be used with more than one container",
            svc["container_name"]
        );
    }
    let hash = config_hash(svc);
    let mut mine: Vec<&Member> = existing
        .iter()
        .filter(|m| m.service == s && !m.oneoff)
        .collect();
    mine.sort_by_key(|m| m.number);
    let img = imgs
        .get(&service::image_name(p, s))
        .context("image not resolved")?;
    for extra in mine.iter().filter(|m| m.number > want) {
        ev.event("Container", &extra.name, "Stopping");
        ctr::stop(ctx, &extra.id, None, None)?;
        ctr::remove(ctx, &extra.id, true, false)?;
        ev.event("Container", &extra.name, "Removed");
    }
    if !o.no_start {
        wait_dependencies(ctx, p, s, ev)?;
    }
    for n in 1..=want {
        let current = mine.iter().find(|m| m.number == n);
        let id = match current {
            Some(m) if (m.hash == hash && !o.force_recreate) || o.no_recreate => {
                if o.no_start
                    || matches!(
                        m.status,
                        Status::Running | Status::Restarting | Status::Paused
                    )
                {
                    ev.event("Container", &m.name, "Running");
                    continue;
                }
                m.id.clone()
            }
            Some(m) => {
                ev.event("Container", &m.name, "Recreate");
                ctr::stop(ctx, &m.id, None, None)
                    .with_context(|| format!("stopping {}", m.name))?;
                ctr::remove(ctx, &m.id, true, false)
                    .with_context(|| format!("removing {}", m.name))?;
                let id = create(ctx, p, s, n, img, ev)?;
                ev.event("Container", &m.name, "Recreated");
                id
            }
            None => {
                let name = service::container_name(p, s, n);
                ev.event("Container", &name, "Creating");
                let id = create(ctx, p, s, n, img, ev)?;
                ev.event("Container", &name, "Created");
                id
            }
        };
        if !o.no_start {
            start(ctx, p, s, &id, ev)?;
        }
    }
    Ok(())
}

/// Create container `n` of service `s` from its resolved image.
pub fn create(
    ctx: &Context,
    p: &Project,
    s: &str,
    n: u32,
    img: &ImageInfo,
    ev: &dyn Events,
) -> Result<String> {
    let mut cfg = container_config(&ctx.paths.root, p, s, n, false)?;
    super::mounts::write_inline(&ctx.paths.root, p, s)?;
    let name = cfg.name.clone().unwrap_or_default();
    // What this kernel cannot enforce is dropped with docker's warning, as `run` does.
    for w in ctr::discard_unsupported(&mut cfg) {
        ev.warn(&w);
    }
    let storage = ctx.config.storage.clone();
    cfg.rootless_storage = (storage != Default::default()).then_some(storage);
    ctr::create(ctx, img, cfg).with_context(|| format!("service {s:?}: creating container {name}"))
}

/// Start a service's container and attach its other networks.
pub fn start(ctx: &Context, p: &Project, s: &str, id: &str, ev: &dyn Events) -> Result<()> {
    let svc = p.service(s).context("service vanished")?;
    let name = ctr::get(ctx, id)
        .map(|x| x.record.name)
        .unwrap_or_else(|_| id.to_string());
    ev.event("Container", &name, "Starting");
    ctr::start(ctx, id, false)
        .with_context(|| format!("service {s:?}: starting container {name}"))?;
    if svc.get("network_mode").is_none() {
        for (key, opts) in service::networks(svc).into_iter().skip(1) {
            let net = resource_name(p, "networks", &key);
            let (cid, cname, netns) =
                crate::engine::network::find_attached_container(&ctx.paths, id)?;
            crate::engine::network::connect(
                &ctx.paths,
                &net,
                &cid,
                &cname,
                &netns,
                &service::aliases(s, &opts),
            )
            .with_context(|| format!("service {s:?}: connecting {name} to network {net}"))?;
        }
    }
    ev.event("Container", &name, "Started");
    Ok(())
}

/// Wait for the conditions of `s`'s dependencies (`service_started` holds once they were started).
fn wait_dependencies(ctx: &Context, p: &Project, s: &str, ev: &dyn Events) -> Result<()> {
    let svc = p.service(s).context("service vanished")?;
    for (d, spec) in svc
        .get("depends_on")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let cond = spec
            .get("condition")
            .and_then(Value::as_str)
            .unwrap_or("service_started");
        let required = spec
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let ms: Vec<Member> = members(ctx, &p.name, true)?
            .into_iter()
            .filter(|m| &m.service == d && !m.oneoff)
            .collect();
        match cond {
            "service_started" => {}
            "service_completed_successfully" => {
                for m in &ms {
                    ev.event("Container", &m.name, "Waiting");
                    let code = ctr::wait(ctx, &m.id)?;
                    if code != 0 {
                        if !required {
                            continue;
                        }
                        bail!("service {d:?} didn't complete successfully: exit {code}");
                    }
                    ev.event("Container", &m.name, "Exited");
                }
            }
            "service_healthy" => {
                for m in &ms {
                    ev.event("Container", &m.name, "Waiting");
                    match wait_healthy(ctx, m) {
                        Ok(()) => ev.event("Container", &m.name, "Healthy"),
                        Err(_) if !required => {}
                        Err(e) => return Err(e),
                    }
                }
            }
            other => bail!("services.{s}.depends_on.{d}.condition: invalid condition {other:?}"),
        }
    }
    Ok(())
}

/// Poll a dependency's health until it is healthy; fail when it turns unhealthy (with its last check's
/// output), has no health check, or exits (docker compose: "dependency failed to start").
fn wait_healthy(ctx: &Context, m: &Member) -> Result<()> {
    loop {
        let h = ctr::health(ctx, &m.id)?;
        match h.status.as_str() {
            crate::types::health::HEALTHY => return Ok(()),
            crate::types::health::UNHEALTHY => {
                let last = h
                    .health
                    .and_then(|x| x.log.last().cloned())
                    .map(|l| format!(" (last check exited {}: {})", l.exit_code, l.output.trim()))
                    .unwrap_or_default();
                bail!(
                    "dependency failed to start: container {} is unhealthy{last}",
                    m.name
                );
            }
            crate::types::health::NO_HEALTHCHECK => {
                bail!(
                    "dependency failed to start: container {} has no healthcheck configured",
                    m.name
                )
            }
            _ => {}
        }
        let st = ctr::get(ctx, &m.id)?.state;
        if !st.is_running() {
            bail!(
                "dependency failed to start: container {} exited ({})",
                m.name,
                st.exit_code
            );
        }
        // Every poll reads two small state files; the dependent waits at most this long after the check
        // that made its dependency healthy (it was 100 ms, half of a 200 ms health interval on average).
        std::thread::sleep(HEALTH_POLL);
    }
}

/// How often [`wait_healthy`] looks at a dependency's health.
const HEALTH_POLL: std::time::Duration = std::time::Duration::from_millis(10);
