//! `compose wait`, `stats`, `cp`, `attach`, `events` and `scale`: the project's containers found by
//! service, then the container verb `berth` already has (the same flags and output as docker's).

use crate::cli::GlobalOpts;
use crate::compose::{self, Member, Project};
use crate::engine::Context;
use anyhow::{Context as _, Result, bail};
use clap::{Args, Parser};
use std::io::Write;

#[derive(Debug, Args)]
pub struct WaitArgs {
    pub services: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Show all containers (default shows just running)
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Format output using a custom template
    #[arg(long)]
    pub format: Option<String>,
    /// Disable streaming stats and only pull the first result
    #[arg(long = "no-stream")]
    pub no_stream: bool,
    /// Do not truncate output
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,
    pub service: Option<String>,
}

#[derive(Debug, Args)]
pub struct CpArgs {
    /// Archive mode (copy all uid/gid information)
    #[arg(short = 'a', long)]
    pub archive: bool,
    /// Always follow symbol link in SRC_PATH
    #[arg(short = 'L', long = "follow-link")]
    pub follow_link: bool,
    /// Index of the container if service has multiple replicas
    #[arg(long, default_value_t = 0)]
    pub index: u32,
    /// SERVICE:SRC_PATH or SRC_PATH|-
    pub src: String,
    /// DEST_PATH|- or SERVICE:DEST_PATH
    pub dest: String,
}

#[derive(Debug, Args)]
pub struct AttachArgs {
    /// Override the key sequence for detaching from a container
    #[arg(long = "detach-keys")]
    pub detach_keys: Option<String>,
    /// Index of the container if service has multiple replicas
    #[arg(long, default_value_t = 1)]
    pub index: u32,
    /// Do not attach STDIN
    #[arg(long = "no-stdin")]
    pub no_stdin: bool,
    /// Proxy all received signals to the process
    #[arg(long = "sig-proxy", action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "true", default_missing_value = "true", value_parser = crate::cli::go_bool)]
    pub sig_proxy: bool,
    pub service: String,
}

#[derive(Debug, Args)]
pub struct EventsArgs {
    /// Output events as a stream of json objects
    #[arg(long)]
    pub json: bool,
    pub services: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ScaleArgs {
    /// Don't start linked services
    #[arg(long = "no-deps")]
    pub no_deps: bool,
    /// SERVICE=REPLICAS
    #[arg(required = true)]
    pub scale: Vec<String>,
}

/// The container verbs, parsed from the words `berth` itself would take.
#[derive(Parser)]
#[command(no_binary_name = true)]
struct ContainerVerb {
    #[command(subcommand)]
    verb: crate::cli::container::Verb,
}

fn container_verb(words: Vec<String>, g: &GlobalOpts) -> Result<i32> {
    let v = ContainerVerb::try_parse_from(&words).map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::cli::container::verb(v.verb, g)
}

/// The service containers of the project (one-off ones left out), in service and number order.
fn service_members(
    ctx: &Context,
    p: &Project,
    services: &[String],
    all: bool,
) -> Result<Vec<Member>> {
    for s in services {
        if p.service(s).is_none() && !p.service_names().is_empty() {
            bail!("no such service: {s}");
        }
    }
    let mut ms: Vec<Member> = compose::members(ctx, &p.name, all)?
        .into_iter()
        .filter(|m| !m.oneoff && (services.is_empty() || services.contains(&m.service)))
        .collect();
    ms.sort_by(|a, b| (&a.service, a.number).cmp(&(&b.service, b.number)));
    Ok(ms)
}

/// Container `index` of `service` (0: the first there is), as docker compose picks it.
fn one(ctx: &Context, p: &Project, service: &str, index: u32) -> Result<Member> {
    let ms = service_members(ctx, p, &[service.to_string()], true)?;
    let found = if index == 0 {
        ms.into_iter().next()
    } else {
        ms.into_iter().find(|m| m.number == index)
    };
    found.with_context(|| match index {
        0 => format!("service {service:?} is not running"),
        n => format!("service {service:?} is not running container #{n}"),
    })
}

/// `compose wait`: each container's exit code, once it has stopped.
pub fn wait(ctx: &Context, p: &Project, a: &WaitArgs) -> Result<i32> {
    let ms = service_members(ctx, p, &a.services, true)?;
    let mut out = std::io::stdout().lock();
    for m in &ms {
        let code = crate::engine::container::wait(ctx, &m.id)?;
        writeln!(out, "{code}")?;
    }
    Ok(0)
}

/// `compose stats`: `berth stats` over the project's containers.
pub fn stats(ctx: &Context, p: &Project, a: &StatsArgs, g: &GlobalOpts) -> Result<i32> {
    let services: Vec<String> = a.service.iter().cloned().collect();
    let ms = service_members(ctx, p, &services, a.all)?;
    let mut w: Vec<String> = vec!["stats".into()];
    for (on, flag) in [
        (a.all, "--all"),
        (a.no_stream, "--no-stream"),
        (a.no_trunc, "--no-trunc"),
    ] {
        if on {
            w.push(flag.into());
        }
    }
    if let Some(f) = &a.format {
        w.extend(["--format".into(), f.clone()]);
    }
    if ms.is_empty() {
        // No container of the project: nothing to show (a bare `stats` would show every container).
        return Ok(0);
    }
    w.extend(ms.into_iter().map(|m| m.name));
    container_verb(w, g)
}

/// `compose cp`: `SERVICE:PATH` on either side names the service's container.
pub fn cp(ctx: &Context, p: &Project, a: &CpArgs, g: &GlobalOpts) -> Result<i32> {
    let side = |s: &str| -> Option<(String, String)> {
        let (svc, path) = s.split_once(':')?;
        p.service(svc).map(|_| (svc.to_string(), path.to_string()))
    };
    let (src, dest) = match (side(&a.src), side(&a.dest)) {
        (Some((s, path)), None) => (
            format!("{}:{path}", one(ctx, p, &s, a.index)?.name),
            a.dest.clone(),
        ),
        (None, Some((s, path))) => (
            a.src.clone(),
            format!("{}:{path}", one(ctx, p, &s, a.index)?.name),
        ),
        (Some(_), Some(_)) => bail!("copying between services is not supported"),
        (None, None) => bail!("unknown copy direction"),
    };
    let mut w: Vec<String> = vec!["cp".into()];
    if a.archive {
        w.push("-a".into());
    }
    if a.follow_link {
        w.push("-L".into());
    }
    w.extend(["--".into(), src, dest]);
    container_verb(w, g)
}

/// `compose attach`: `berth attach` to the service's container.
pub fn attach(ctx: &Context, p: &Project, a: &AttachArgs, g: &GlobalOpts) -> Result<i32> {
    let m = one(ctx, p, &a.service, a.index)?;
    let mut w: Vec<String> = vec!["attach".into(), format!("--sig-proxy={}", a.sig_proxy)];
    if a.no_stdin {
        w.push("--no-stdin".into());
    }
    if let Some(k) = &a.detach_keys {
        w.push(format!("--detach-keys={k}"));
    }
    w.push(m.name);
    container_verb(w, g)
}

/// `compose events`: the project's container events as they happen, in docker compose's text form
/// (`<time> container <action> <id> (attributes)`) or `--json`.
pub fn events(ctx: &Context, p: &Project, a: &EventsArgs) -> Result<i32> {
    use crate::engine::events::{self as eng, EventFilter, EventsQuery};
    let filter = EventFilter::new(&[
        ("type".into(), "container".into()),
        (
            "label".into(),
            format!("{}={}", compose::labels::PROJECT, p.name),
        ),
    ])?;
    let q = EventsQuery {
        since: None,
        until: None,
        filter,
    };
    let stop = std::sync::atomic::AtomicBool::new(false);
    eng::stream(ctx, &q, &stop, |ev| {
        let service = ev
            .attributes
            .get(compose::labels::SERVICE)
            .cloned()
            .unwrap_or_default();
        if !a.services.is_empty() && !a.services.contains(&service) {
            return Ok(true);
        }
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_nanos(ev.time_nano.max(0) as u64);
        let time = crate::cli::human::format_rfc3339_local(t);
        let attrs: Vec<String> = ev
            .attributes
            .iter()
            .filter(|(k, _)| matches!(k.as_str(), "image" | "name" | "exitCode" | "signal"))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let mut out = std::io::stdout().lock();
        if a.json {
            let j = serde_json::json!({
                "time": time, "type": ev.kind, "action": ev.action, "id": ev.id,
                "service": service, "attributes": ev.attributes,
            });
            writeln!(out, "{j}")?;
        } else {
            writeln!(
                out,
                "{time} {} {} {} ({})",
                ev.kind,
                ev.action,
                ev.id,
                attrs.join(", ")
            )?;
        }
        out.flush()?;
        Ok(true)
    })?;
    Ok(0)
}
