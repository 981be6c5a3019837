//! `ps`, `top` and `container prune`: listing, processes, removal of stopped containers.

use crate::cli::{filter, format, human, stdout};
use crate::engine::container::Listed;
use crate::engine::container::Status;
use crate::engine::container::{self as ctr};
use crate::types::MountKind;
use anyhow::{Context, Result, bail};
use clap::Args;
use serde_json::Value;
use std::io::Write;
use std::time::SystemTime;

#[derive(Debug, Args)]
pub struct PsArgs {
    /// Show all containers (default shows just running)
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Only display container IDs
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Show the latest created container (includes all states)
    #[arg(short = 'l', long)]
    pub latest: bool,
    /// Show n last created containers (includes all states)
    #[arg(short = 'n', long = "last", default_value_t = -1, allow_hyphen_values = true)]
    pub last: i64,
    /// Display total file sizes
    #[arg(short = 's', long)]
    pub size: bool,
    /// Don't truncate output
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,
    /// Filter output based on conditions provided
    #[arg(short = 'f', long = "filter")]
    pub filter: Vec<String>,
    /// Format output using a custom template
    #[arg(long)]
    pub format: Option<String>,
    /// Print the ID and name of the pod the containers are associated with (podman)
    #[arg(long)]
    pub pod: bool,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Do not prompt for confirmation
    #[arg(short = 'f', long)]
    pub force: bool,
    /// Provide filter values (e.g. "until=<timestamp>")
    #[arg(long, value_name = "FILTER")]
    pub filter: Vec<String>,
}

/// docker's COMMAND column: the command line, quoted, truncated to 20 characters with an ellipsis.
pub(crate) fn command_column(s: &Listed, trunc: bool) -> String {
    let mut cmd = s.record.path.clone();
    for a in &s.record.args {
        cmd.push(' ');
        cmd.push_str(a);
    }
    if trunc && cmd.chars().count() > 20 {
        cmd = cmd.chars().take(19).collect::<String>() + "…";
    }
    serde_json::to_string(&cmd).unwrap_or_default()
}

pub(crate) fn status_column(s: &Listed, now: SystemTime) -> String {
    let t = |x: &str| crate::time::parse_recorded(x).unwrap_or(now);
    match s.state.status {
        Status::Created => "Created".into(),
        Status::Running => {
            let up = human::status_up(t(&s.state.started_at), now, false);
            // docker's `Up 5 seconds (healthy)`, `(health: starting)`, `(unhealthy)`.
            match s.health.as_str() {
                "none" => up,
                "starting" => format!("{up} (health: starting)"),
                h => format!("{up} ({h})"),
            }
        }
        Status::Paused => human::status_up(t(&s.state.started_at), now, true),
        Status::Exited => human::status_exited(s.state.exit_code, t(&s.state.finished_at), now),
        Status::Removing => "Removal In Progress".into(),
        // docker/cli `formatter/container.go`: "Restarting (%d) %s ago" from FinishedAt.
        Status::Restarting => format!(
            "Restarting ({}) {}",
            s.state.exit_code,
            human::since(t(&s.state.finished_at), now)
        ),
    }
}

/// docker's port filter value: `80`, `80/udp`, `8000-8080[/proto]` (tcp when no proto is given).
fn port_filter(v: &str) -> Result<(u16, u16, &str)> {
    let (ports, proto) = v.split_once('/').unwrap_or((v, "tcp"));
    let bad = || anyhow::anyhow!("invalid port filter '{v}'");
    let (a, b) = match ports.split_once('-') {
        Some((a, b)) => (a.parse().map_err(|_| bad())?, b.parse().map_err(|_| bad())?),
        None => {
            let p = ports.parse().map_err(|_| bad())?;
            (p, p)
        }
    };
    if a > b || !matches!(proto, "tcp" | "udp" | "sctp") {
        return Err(bad());
    }
    Ok((a, b, proto))
}

fn proto_str(p: &crate::types::net::Proto) -> &'static str {
    match p {
        crate::types::net::Proto::Tcp => "tcp",
        crate::types::net::Proto::Udp => "udp",
    }
}

/// The position of the container `v` (name or id prefix) in the listing, for `before=`/`since=`.
fn position(all: &[Listed], v: &str) -> Result<usize> {
    all.iter()
        .position(|c| c.record.name == v.trim_start_matches('/') || c.record.id == v)
        .or_else(|| {
            let hits: Vec<usize> = (0..all.len())
                .filter(|&i| all[i].record.id.starts_with(v))
                .collect();
            (hits.len() == 1).then(|| hits[0])
        })
        .ok_or_else(|| anyhow::anyhow!("No such container: {v}"))
}

/// One `ps --filter` (docker's keys; `pod=` is handled by [`crate::cli::pod::matches_pod_filters`]).
/// `all` is every container, newest first: `before=X` keeps those created before X, `since=X` after.
fn matches_filter(
    p: &crate::engine::Context,
    all: &[Listed],
    s: &Listed,
    k: &str,
    v: &str,
) -> Result<bool> {
    let here = || all.iter().position(|c| c.record.id == s.record.id);
    Ok(match k {
        "before" => here().is_some_and(|i| i > position(all, v).unwrap_or(usize::MAX)),
        "since" => here().is_some_and(|i| i < position(all, v).unwrap_or(0)),
        "network" => {
            // docker matches the network's name or its full id; `default` is the bridge network.
            let n = s.record.config.network.as_str();
            let n = match n {
                "" => "none",
                "default" => "bridge",
                n => n,
            };
            n == v
                || (v.len() == 64
                    && crate::engine::network::find(&p.paths, n).is_ok_and(|x| x.id == v))
        }
        // docker matches a mount's volume name or its destination; a volume's source is
        // `<volume dir>/_data` (docs/layout.md).
        "volume" => s.record.mounts.iter().any(|m| {
            m.destination == v
                || (m.kind == MountKind::Volume
                    && std::path::Path::new(&m.source)
                        .parent()
                        .and_then(|d| d.file_name())
                        .is_some_and(|n| n == v))
        }),
        "publish" => {
            let (a, b, proto) = port_filter(v)?;
            s.record
                .config
                .net
                .ports
                .iter()
                .any(|p| (a..=b).contains(&p.container_port) && proto_str(&p.proto) == proto)
        }
        "expose" => {
            let (a, b, proto) = port_filter(v)?;
            let exposed = (s.record.image_config.exposed_ports.iter())
                .chain(&s.record.config.exposed_ports)
                .any(|e| {
                    port_filter(e).is_ok_and(|(x, _, pr)| (a..=b).contains(&x) && pr == proto)
                });
            exposed
                || s.record
                    .config
                    .net
                    .ports
                    .iter()
                    .any(|p| (a..=b).contains(&p.container_port) && proto_str(&p.proto) == proto)
        }
        "name" => s.record.name.contains(v.trim_start_matches('/')),
        "id" => s.record.id.starts_with(v),
        "status" => s.state.status.as_str() == v,
        "health" => {
            if !["starting", "healthy", "unhealthy", "none"].contains(&v) {
                bail!("Unrecognised filter value for health: {v}");
            }
            s.health == v
        }
        "label" => {
            let mut labels = s.record.image_config.labels.clone();
            labels.extend(s.record.config.labels.clone());
            filter::label_matches(&labels, v)
        }
        "ancestor" => {
            let img = &s.record.image;
            img == v
                || img.strip_suffix(":latest") == Some(v)
                || format!("{v}:latest") == *img
                || s.record.image_id == v
                || s.record
                    .image_id
                    .trim_start_matches("sha256:")
                    .starts_with(v.trim_start_matches("sha256:"))
        }
        "exited" => {
            s.state.status == Status::Exited && v.parse::<i32>().ok() == Some(s.state.exit_code)
        }
        _ => bail!("invalid filter '{k}'"),
    })
}

/// `ps` row fields in the order `{{json .}}` prints them (docker's), then berth's pod columns.
const PS_FIELDS: &[&str] = &[
    "Command",
    "CreatedAt",
    "ID",
    "Image",
    "Labels",
    "LocalVolumes",
    "Mounts",
    "Names",
    "Networks",
    "Ports",
    "RunningFor",
    "Size",
    "State",
    "Status",
    "Pod",
    "PodName",
];

pub(super) fn ps(p: &crate::engine::Context, a: &PsArgs) -> Result<i32> {
    let now = SystemTime::now();
    let all = ctr::list(p)?;
    // docker fails on an unknown before=/since= container whatever else is listed.
    for f in &a.filter {
        if let Some(v) = f
            .strip_prefix("before=")
            .or_else(|| f.strip_prefix("since="))
        {
            position(&all, v)?;
        }
    }
    let mut rows = all.clone();
    if !(a.all || a.latest || a.last >= 0) {
        rows.retain(|s| s.state.is_running());
    }
    let (pod_filters, filters) = crate::cli::pod::split_pod_filters(&a.filter);
    rows.retain(|s| crate::cli::pod::matches_pod_filters(p, s, &pod_filters));
    let mut rows = filter::retain(rows, &filters, |s, k, v| matches_filter(p, &all, s, k, v))?;
    if a.latest {
        rows.truncate(1);
    } else if a.last >= 0 {
        rows.truncate(a.last as usize);
    }
    let table = if a.pod {
        "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}\t{{.Pod}}\t{{.PodName}}"
    } else if a.size {
        "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}\t{{.Size}}"
    } else {
        "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
    };
    let out = format::ListFormat::new(a.quiet, a.format.as_deref(), table);
    // Only the fields the template prints are computed (all of them for `{{json .}}` and the like).
    let wanted = out.fields();
    let fields: Vec<&str> = PS_FIELDS
        .iter()
        .copied()
        .filter(|f| wanted.as_ref().is_none_or(|w| w.iter().any(|x| x == f)))
        .collect();
    let mut pods = crate::cli::pod::PodNames::default();
    let values: Vec<Value> = rows
        .iter()
        .map(|s| {
            let row = fields
                .iter()
                .map(|f| {
                    (
                        f.to_string(),
                        Value::String(ps_field(p, s, f, a, now, &mut pods)),
                    )
                })
                .collect();
            Value::Object(row)
        })
        .collect();
    out.render(
        &mut stdout(),
        &values,
        &[
            ("ID", "CONTAINER ID"),
            ("RunningFor", "CREATED"),
            ("Names", "NAMES"),
            ("Size", "SIZE"),
            ("Pod", "POD ID"),
            ("PodName", "PODNAME"),
        ],
    )?;
    Ok(0)
}

/// One field of a `ps` row (docker's `ps --format` fields, as strings).
fn ps_field(
    p: &crate::engine::Context,
    s: &Listed,
    field: &str,
    a: &PsArgs,
    now: SystemTime,
    pods: &mut crate::cli::pod::PodNames,
) -> String {
    let trunc = !a.no_trunc;
    let r = &s.record;
    let created = || crate::time::parse_recorded(&r.created).unwrap_or(now);
    match field {
        "Command" => command_column(s, trunc),
        "CreatedAt" => human::format_created_at(created()),
        "ID" if trunc => r.id[..12].to_string(),
        "ID" => r.id.clone(),
        "Image" => r.image.clone(),
        "Labels" => {
            let mut labels = r.image_config.labels.clone();
            labels.extend(r.config.labels.clone());
            let kv: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            kv.join(",")
        }
        "LocalVolumes" => r
            .mounts
            .iter()
            .filter(|m| m.kind == MountKind::Volume)
            .count()
            .to_string(),
        "Mounts" => {
            let d: Vec<&str> = r.mounts.iter().map(|m| m.destination.as_str()).collect();
            d.join(",")
        }
        "Names" => r.name.clone(),
        "Networks" if r.config.network.is_empty() => "none".into(),
        "Networks" => r.config.network.clone(),
        "Ports" if s.state.is_running() => crate::cli::network::ports_column(
            &crate::engine::network::published_ports(&p.paths, &r.id),
        ),
        "Ports" => String::new(),
        "RunningFor" => human::since(created(), now),
        "Size" if a.size => {
            let rw = crate::engine::container::upper_size(p, &r.id);
            let virt = rw + crate::engine::container::layers_size(&r.layers);
            format!(
                "{} (virtual {})",
                human::human_size(rw),
                human::human_size(virt)
            )
        }
        "Size" => "0B".into(),
        "State" => s.state.status.as_str().into(),
        "Status" => status_column(s, now),
        "Pod" => pods.column(p, s, trunc).0,
        "PodName" => pods.column(p, s, trunc).1,
        _ => String::new(),
    }
}

/// docker's `top`: run the host's `ps` and keep the rows of the container's processes (moby
/// `daemon/top_unix.go` does the same). The pids are passed to `ps` with `-q`, as moby does: without an
/// explicit selection, `ps -o pid,args` lists only the caller's own processes on its own terminal, so a
/// container's would be missing from a terminal or when it runs as another user. Options that cannot be
/// combined with `-q` (`f`) are retried without it.
pub(super) fn top(p: &crate::engine::Context, container: &str, ps_args: &[String]) -> Result<i32> {
    let pids = ctr::pids(p, container)?;
    let args: Vec<String> = if ps_args.is_empty() {
        vec!["-ef".into()]
    } else {
        ps_args.to_vec()
    };
    let select = format!(
        "-q{}",
        pids.iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join(",")
    );
    let run = |extra: Option<&str>| {
        std::process::Command::new("ps")
            .args(&args)
            .args(extra)
            .stdin(std::process::Stdio::null())
            .output()
            .context("running ps")
    };
    let mut out = run(Some(&select))?;
    if !out.status.success() {
        out = run(None)?;
    }
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        bail!("ps: {}", err.lines().next().unwrap_or("failed").trim());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let pid_col = header
        .split_whitespace()
        .position(|h| h == "PID")
        .context("Couldn't find PID field in ps output")?;
    let mut w = stdout();
    writeln!(w, "{header}")?;
    for l in lines {
        if l.split_whitespace()
            .nth(pid_col)
            .and_then(|v| v.parse::<i32>().ok())
            .is_some_and(|pid| pids.contains(&pid))
        {
            writeln!(w, "{l}")?;
        }
    }
    Ok(0)
}

pub(super) fn prune(p: &crate::engine::Context, a: &PruneArgs) -> Result<i32> {
    use crate::cli::prune as pr;
    let filter = pr::parse_filters(&a.filter, true)?;
    if !a.force
        && !pr::confirm(
            "WARNING! This will remove all stopped containers.\nAre you sure you want to continue?",
        )?
    {
        return Ok(0);
    }
    let pruned = ctr::prune(p, &filter)?;
    let mut out = stdout();
    pr::section(&mut out, "Containers", &pruned.removed)?;
    pr::total(&mut out, pruned.reclaimed_bytes)?;
    Ok(0)
}

/// docker's confirmation prompt (`prompt` ends with ` [y/N] `): see `cli::prune::confirm`.
pub(super) fn confirm(prompt: &str) -> Result<bool> {
    let message = prompt.trim_end().trim_end_matches("[y/N]").trim_end();
    crate::cli::prune::confirm(message)
}
