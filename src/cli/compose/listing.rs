//! The listing verbs of `compose`: `ps`, `ls`, `top`, `port`, `images`, in docker compose v2's columns.

use crate::cli::format::render_list;
use crate::cli::{human, stdout};
use crate::compose::{self, Member, Project};
use crate::engine::Context;
use crate::engine::container::{self as ctr, Status};
use anyhow::{Context as _, Result, bail};
use clap::Args;
use serde_json::json;
use std::io::Write;
use std::time::SystemTime;

#[derive(Debug, Args)]
pub struct PsArgs {
    /// Show all stopped containers (including those created by the run command)
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Only display IDs
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Format output using a custom template: 'table', 'table TEMPLATE', 'json', 'TEMPLATE'
    #[arg(long)]
    pub format: Option<String>,
    /// Display services
    #[arg(long)]
    pub services: bool,
    /// Don't truncate output
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,
    /// Filter services by status. Values: [paused | restarting | removing | running | dead | created | exited]
    #[arg(long)]
    pub status: Vec<String>,
    /// Filter services by a property (supported filters: status)
    #[arg(long)]
    pub filter: Vec<String>,
    #[arg(value_name = "SERVICE")]
    pub service_names: Vec<String>,
}

impl PsArgs {
    pub fn services_list(&self) -> &[String] {
        &self.service_names
    }
}

#[derive(Debug, Args)]
pub struct LsArgs {
    /// Show all stopped Compose projects
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Only display project names
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Format the output. Values: [table | json]
    #[arg(long, default_value = "table")]
    pub format: String,
}

fn status_text(m: &Member, now: SystemTime) -> String {
    let parse = |s: &str| crate::time::parse_recorded(s).unwrap_or(now);
    match m.status {
        Status::Paused => human::status_up(parse(&m.started_at), now, true),
        // docker's `Up 5 seconds (healthy)`, `(health: starting)`, `(unhealthy)`.
        Status::Running => {
            let up = human::status_up(parse(&m.started_at), now, false);
            match m.health.as_str() {
                "none" | "" => up,
                "starting" => format!("{up} (health: starting)"),
                h => format!("{up} ({h})"),
            }
        }
        Status::Restarting => format!(
            "Restarting ({}) {}",
            m.exit_code,
            human::since(parse(&m.finished_at), now)
        ),
        Status::Exited => human::status_exited(m.exit_code, parse(&m.finished_at), now),
        Status::Created => "Created".into(),
        Status::Removing => "Removing".into(),
    }
}

/// The ports a container publishes while it runs, with the host ports actually bound (an
/// ephemeral `127.0.0.1::81` shows the port it got); docker lists none for a stopped one.
fn live_ports(ctx: &Context, m: &Member) -> Vec<crate::engine::network::PublishedPort> {
    if matches!(m.status, Status::Running | Status::Paused) {
        crate::engine::network::published_ports(&ctx.paths, &m.id)
    } else {
        Vec::new()
    }
}

/// docker compose's `Publishers`: one object per published port.
fn publishers(ports: &[crate::engine::network::PublishedPort]) -> serde_json::Value {
    let list: Vec<serde_json::Value> = ports
        .iter()
        .map(|p| {
            json!({
                "URL": p.host_ip.to_string(),
                "TargetPort": p.container_port,
                "PublishedPort": p.host_port,
                "Protocol": p.proto.to_string(),
            })
        })
        .collect();
    serde_json::Value::Array(list)
}

/// docker's COMMAND column: quoted, cut to 20 characters with an ellipsis unless `--no-trunc`.
fn command_text(m: &Member, trunc: bool) -> String {
    let mut cmd = m.command.join(" ");
    if trunc && cmd.chars().count() > 20 {
        cmd = cmd.chars().take(19).collect::<String>() + "…";
    }
    serde_json::to_string(&cmd).unwrap_or_default()
}

pub(super) fn ps(ctx: &Context, p: &Project, a: &PsArgs) -> Result<i32> {
    // `--filter status=X` is `--status X` (docker compose's only filter).
    let mut status = a.status.clone();
    for f in &a.filter {
        match f.split_once('=') {
            Some(("status", v)) => status.push(v.to_string()),
            _ => bail!("invalid filter {f:?}: compose ps filters only on status=<state>"),
        }
    }
    let a = &PsArgs {
        status,
        filter: Vec::new(),
        service_names: a.service_names.clone(),
        format: a.format.clone(),
        ..*a
    };
    let all = a.all || !a.status.is_empty();
    let ms: Vec<Member> = compose::members(ctx, &p.name, all)?
        .into_iter()
        .filter(|m| a.all || !m.oneoff)
        .filter(|m| a.service_names.is_empty() || a.service_names.contains(&m.service))
        .filter(|m| a.status.is_empty() || a.status.iter().any(|s| s == m.status.as_str()))
        .collect();
    let mut out = stdout();
    if a.services {
        let mut seen = Vec::new();
        for m in &ms {
            if !seen.contains(&m.service) {
                writeln!(out, "{}", m.service)?;
                seen.push(m.service.clone());
            }
        }
        return Ok(0);
    }
    if a.quiet {
        for m in &ms {
            writeln!(out, "{}", m.id)?;
        }
        return Ok(0);
    }
    let now = SystemTime::now();
    let rows: Vec<serde_json::Value> = ms
        .iter()
        .map(|m| {
            let created = crate::time::parse_recorded(&m.created).unwrap_or(now);
            // docker compose's fields (cmd/formatter ContainerContext), in its `--format json` order.
            let labels: Vec<String> = m.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let ports = live_ports(ctx, m);
            json!({
                "Command": command_text(m, !a.no_trunc),
                "CreatedAt": human::format_created_at(created),
                "ExitCode": m.exit_code,
                "Health": if m.health == "none" { "" } else { m.health.as_str() },
                "ID": m.id,
                "Image": m.image,
                "Labels": labels.join(","),
                "LocalVolumes": m.local_volumes.to_string(),
                "Mounts": m.mounts.join(","),
                "Name": m.name,
                "Names": m.name,
                "Networks": m.networks,
                "Ports": crate::cli::network::ports_column(&ports),
                "Project": p.name,
                "Publishers": publishers(&ports),
                "RunningFor": human::since(created, now),
                "Service": m.service,
                "Size": "0B",
                "State": m.status.as_str(),
                "Status": status_text(m, now),
            })
        })
        .collect();
    render_list(
        &mut out,
        a.format.as_deref(),
        "table {{.Name}}\t{{.Image}}\t{{.Command}}\t{{.Service}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}",
        &rows,
        &[("Name", "NAME"), ("RunningFor", "CREATED")],
    )?;
    Ok(0)
}

pub(super) fn ls(ctx: &Context, a: &LsArgs) -> Result<i32> {
    let mut rows = Vec::new();
    for (name, statuses, files) in compose::projects(ctx)? {
        let running = statuses.iter().filter(|s| **s == Status::Running).count();
        if running == 0 && !a.all {
            continue;
        }
        let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
        for s in &statuses {
            *counts.entry(s.as_str()).or_default() += 1;
        }
        let status = counts
            .iter()
            .map(|(k, v)| format!("{k}({v})"))
            .collect::<Vec<_>>()
            .join(", ");
        rows.push(json!({"Name": name, "Status": status, "ConfigFiles": files}));
    }
    let mut out = stdout();
    if a.quiet {
        for r in &rows {
            writeln!(out, "{}", r["Name"].as_str().unwrap_or_default())?;
        }
        return Ok(0);
    }
    match a.format.as_str() {
        "json" => writeln!(out, "{}", serde_json::to_string(&rows)?)?,
        "table" => render_list(
            &mut out,
            None,
            "table {{.Name}}\t{{.Status}}\t{{.ConfigFiles}}",
            &rows,
            &[("ConfigFiles", "CONFIG FILES")],
        )?,
        other => bail!("unsupported format {other:?}: want table or json"),
    }
    Ok(0)
}

pub(super) fn top(ctx: &Context, p: &Project, services: &[String]) -> Result<i32> {
    let mut out = stdout();
    for m in compose::members(ctx, &p.name, false)? {
        if m.oneoff || (!services.is_empty() && !services.contains(&m.service)) {
            continue;
        }
        let pids = ctr::pids(ctx, &m.id)?;
        writeln!(out, "{}", m.name)?;
        // docker compose runs `ps -ef` for the container's processes and aligns the columns as
        // Go's tabwriter does (cells padded by 3, at least 5 wide).
        let o = std::process::Command::new("ps")
            .arg("-f")
            .arg("-p")
            .arg(
                pids.iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            )
            .output()
            .context("running ps")?;
        let text = String::from_utf8_lossy(&o.stdout);
        let mut rows: Vec<Vec<String>> = vec![
            ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
                .map(String::from)
                .to_vec(),
        ];
        for l in text.lines().skip(1) {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.len() >= 8 {
                let mut row: Vec<String> = f[..7].iter().map(|x| x.to_string()).collect();
                row.push(f[7..].join(" "));
                rows.push(row);
            }
        }
        write!(out, "{}", aligned(&rows))?;
        writeln!(out)?;
    }
    Ok(0)
}

/// `rows` in columns padded as Go's tabwriter(minwidth 5, padding 3) pads them; the last column is
/// not padded.
fn aligned(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width: Vec<usize> = (0..cols)
        .map(|c| {
            let w = rows
                .iter()
                .filter_map(|r| r.get(c))
                .map(|x| x.chars().count())
                .max()
                .unwrap_or(0);
            (w + 3).max(5)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        for (c, cell) in r.iter().enumerate() {
            if c + 1 == r.len() {
                out.push_str(cell);
            } else {
                out.push_str(&format!("{cell:<w$}", w = width[c]));
            }
        }
        out.push('\n');
    }
    out
}

pub(super) fn port(ctx: &Context, p: &Project, a: &super::PortArgs) -> Result<i32> {
    let m = compose::members(ctx, &p.name, true)?
        .into_iter()
        .find(|m| m.service == a.service && m.number == a.index && !m.oneoff)
        .with_context(|| format!("service {:?} is not running", a.service))?;
    let published = crate::engine::network::published_ports(&ctx.paths, &m.id);
    let hit = published.iter().find(|x| {
        x.container_port == a.private_port
            && format!("{:?}", x.proto).eq_ignore_ascii_case(&a.protocol)
    });
    match hit {
        Some(x) => writeln!(stdout(), "{}:{}", x.host_ip, x.host_port)?,
        None => bail!(
            "no port {}/{} for container {}",
            a.private_port,
            a.protocol,
            m.name
        ),
    }
    Ok(0)
}

pub(super) fn images(ctx: &Context, p: &Project, services: &[String]) -> Result<i32> {
    let mut rows = Vec::new();
    for m in compose::members(ctx, &p.name, true)? {
        if !services.is_empty() && !services.contains(&m.service) {
            continue;
        }
        let rec = ctr::get(ctx, &m.id)?.record;
        let (repo, tag) = match m.image.rsplit_once(':').filter(|(_, t)| !t.contains('/')) {
            Some((r, t)) => (r.to_string(), t.to_string()),
            None => (m.image.clone(), "latest".into()),
        };
        let id = rec.image_id.trim_start_matches("sha256:");
        rows.push(json!({
            "Container": m.name,
            "Repository": repo,
            "Tag": tag,
            "ID": &id[..12.min(id.len())],
            "Size": human::human_size(ctr::layers_size(&rec.layers)),
        }));
    }
    render_list(
        &mut stdout(),
        None,
        "table {{.Container}}\t{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Size}}",
        &rows,
        &[("ID", "IMAGE ID"), ("Container", "CONTAINER")],
    )?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    #[test]
    fn top_columns_are_aligned_as_tabwriter_aligns_them() {
        let rows: Vec<Vec<String>> = [["UID", "PID", "CMD"], ["root", "12345", "sleep 1"]]
            .iter()
            .map(|r| r.iter().map(|x| x.to_string()).collect())
            .collect();
        assert_eq!(
            super::aligned(&rows),
            "UID    PID     CMD\nroot   12345   sleep 1\n"
        );
    }
}
