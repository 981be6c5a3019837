//! Image commands: pull, images / image ls, image inspect, tag, rmi / image rm, image prune.
//!
//! Parses flags, calls `engine::image`, prints docker's output (progress lines or indicatif bars, tables,
//! inspect JSON). Nothing here touches the store directly.

use super::GlobalOpts;
use crate::engine::image::{self as eng, NoSuchImage, PullOptions, PullStatus, Removal};
use crate::engine::{Context, LayerStatus, Progress};
use crate::image::ImageRef;
use crate::image::reference::familiar_name;
use anyhow::{Context as _, Result, bail};
use clap::{Args, Subcommand};
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

#[derive(Debug, Subcommand)]
pub enum ImageCommand {
    /// Download an image from a registry
    Pull(PullArgs),
    /// List images
    Images(ImagesArgs),
    /// Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
    Tag(TagArgs),
    /// Remove one or more images
    Rmi(RmiArgs),
    /// Manage images
    Image {
        #[command(subcommand)]
        cmd: ImageGroup,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImageGroup {
    /// Download an image from a registry
    Pull(PullArgs),
    /// List images
    #[command(visible_alias = "list")]
    Ls(ImagesArgs),
    /// Display detailed information on one or more images
    Inspect(InspectArgs),
    /// Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE
    Tag(TagArgs),
    /// Remove one or more images
    #[command(visible_alias = "remove")]
    Rm(RmiArgs),
    /// Remove unused images
    Prune(PruneArgs),
}

#[derive(Debug, Args)]
pub struct PullArgs {
    /// Suppress verbose output
    #[arg(short, long)]
    pub quiet: bool,
    /// Set platform if server is multi-platform capable (os/arch[/variant])
    #[arg(long, env = "DOCKER_DEFAULT_PLATFORM")]
    pub platform: Option<String>,
    /// NAME[:TAG|@DIGEST]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct ImagesArgs {
    /// Show all images (default hides intermediate images)
    #[arg(short, long)]
    pub all: bool,
    /// Show digests
    #[arg(long)]
    pub digests: bool,
    /// Filter output based on conditions provided (dangling=true|false, reference=PATTERN)
    #[arg(short, long)]
    pub filter: Vec<String>,
    /// Format output using a Go template, "table", or "json"
    #[arg(long)]
    pub format: Option<String>,
    /// Don't truncate output
    #[arg(long)]
    pub no_trunc: bool,
    /// Only show image IDs
    #[arg(short, long)]
    pub quiet: bool,
    /// REPOSITORY[:TAG]
    pub reference: Option<String>,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Format output using a Go template
    #[arg(short, long)]
    pub format: Option<String>,
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct TagArgs {
    pub source: String,
    pub target: String,
}

#[derive(Debug, Args)]
pub struct RmiArgs {
    /// Force removal of the image
    #[arg(short, long)]
    pub force: bool,
    /// Do not delete untagged parents
    #[arg(long)]
    pub no_prune: bool,
    #[arg(required = true)]
    pub names: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Remove all unused images, not just dangling ones
    #[arg(short, long)]
    pub all: bool,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
}

fn context(g: &GlobalOpts) -> Result<Context> {
    let (ctx, warnings) = Context::new(g.root.as_deref(), g.run_root.as_deref(), g.config.as_deref())?;
    for w in warnings {
        eprintln!("WARNING: {w}");
    }
    Ok(ctx)
}

pub fn run(cmd: ImageCommand, g: &GlobalOpts) -> Result<i32> {
    match cmd {
        ImageCommand::Pull(a) | ImageCommand::Image { cmd: ImageGroup::Pull(a) } => pull(&context(g)?, a),
        ImageCommand::Images(a) | ImageCommand::Image { cmd: ImageGroup::Ls(a) } => images(&context(g)?, a),
        ImageCommand::Tag(a) | ImageCommand::Image { cmd: ImageGroup::Tag(a) } => {
            eng::tag(&context(g)?, &a.source, &a.target)?;
            Ok(0)
        }
        ImageCommand::Rmi(a) | ImageCommand::Image { cmd: ImageGroup::Rm(a) } => rmi(&context(g)?, a),
        ImageCommand::Image { cmd: ImageGroup::Inspect(a) } => inspect(&context(g)?, a),
        ImageCommand::Image { cmd: ImageGroup::Prune(a) } => prune(&context(g)?, a),
    }
}

/// docker's pull lines when stdout is not a terminal; indicatif bars on stderr when it is.
struct PullProgress {
    bars: Option<indicatif::MultiProgress>,
    by_id: Mutex<HashMap<String, indicatif::ProgressBar>>,
    quiet: bool,
}

impl PullProgress {
    fn line(&self, s: String) {
        if !self.quiet {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{s}");
            let _ = out.flush();
        }
    }
}

impl Progress for PullProgress {
    fn on_layer_start(&self, id: &str, size: u64) {
        match &self.bars {
            Some(m) => {
                let bar = m.add(indicatif::ProgressBar::new(size));
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{prefix}: {msg:16} [{bar:40}] {bytes}/{total_bytes}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                        .progress_chars("=> "),
                );
                bar.set_prefix(id.to_string());
                bar.set_message("Downloading");
                self.by_id.lock().unwrap_or_else(|e| e.into_inner()).insert(id.to_string(), bar);
            }
            None => self.line(format!("{id}: Pulling fs layer")),
        }
    }

    fn on_bytes(&self, id: &str, n: u64) {
        if let Some(b) = self.by_id.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            b.inc(n);
        }
    }

    fn on_layer_done(&self, id: &str, status: LayerStatus) {
        let word = match status {
            LayerStatus::Downloaded => "Pull complete",
            LayerStatus::AlreadyExists => "Already exists",
        };
        match &self.bars {
            Some(m) => {
                let mut map = self.by_id.lock().unwrap_or_else(|e| e.into_inner());
                let bar = map.remove(id).unwrap_or_else(|| m.add(indicatif::ProgressBar::new(0)));
                bar.set_style(indicatif::ProgressStyle::with_template("{prefix}: {msg}").unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()));
                bar.set_prefix(id.to_string());
                bar.finish_with_message(word);
            }
            None => self.line(format!("{id}: {word}")),
        }
    }
}

fn pull(ctx: &Context, a: PullArgs) -> Result<i32> {
    let r = ImageRef::parse(&a.name)?;
    let tty = std::io::stderr().is_terminal();
    let progress = PullProgress {
        bars: (!a.quiet && tty).then(indicatif::MultiProgress::new),
        by_id: Mutex::new(HashMap::new()),
        quiet: a.quiet,
    };
    let pinned = r.digest().is_some();
    if !pinned && !a.name.contains(':') || (!pinned && a.name.rsplit_once(':').is_some_and(|(_, t)| t.contains('/'))) {
        progress.line("Using default tag: latest".to_string());
    }
    let path = r.repository();
    let label = match (r.digest(), r.tag()) {
        (Some(d), _) => d.to_string(),
        (None, Some(t)) => t.to_string(),
        (None, None) => "latest".to_string(),
    };
    progress.line(format!("{label}: Pulling from {path}"));
    let client = crate::registry::Client::new(&ctx.config)?;
    let report = eng::pull_from(ctx, &client, &r, &PullOptions { platform: a.platform.clone() }, &progress)?;
    if let Some(m) = &progress.bars {
        let _ = m.clear();
    }
    for w in &report.warnings {
        eprintln!("WARNING: {w}");
    }
    let familiar = match (r.digest(), r.tag()) {
        (Some(d), _) => format!("{}@{d}", r.familiar_name()),
        (None, Some(t)) => format!("{}:{t}", r.familiar_name()),
        (None, None) => r.familiar_name(),
    };
    progress.line(format!("Digest: {}", report.digest));
    progress.line(match report.status {
        PullStatus::Downloaded => format!("Status: Downloaded newer image for {familiar}"),
        PullStatus::UpToDate => format!("Status: Image is up to date for {familiar}"),
    });
    println!("{}", r.full());
    Ok(0)
}

/// One row of `images`.
struct Row {
    repository: String,
    tag: String,
    digest: String,
    id: String,
    created_since: String,
    created_at: String,
    size: String,
}

fn images(ctx: &Context, a: ImagesArgs) -> Result<i32> {
    let mut dangling: Option<bool> = None;
    let mut patterns: Vec<String> = Vec::new();
    for f in &a.filter {
        match f.split_once('=') {
            Some(("dangling", v)) => {
                dangling = Some(match v.to_ascii_lowercase().as_str() {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => bail!("invalid filter 'dangling={v}'"),
                })
            }
            Some(("reference", v)) => patterns.push(v.to_string()),
            _ => bail!("invalid filter '{f}'"),
        }
    }
    if let Some(r) = &a.reference {
        patterns.push(r.clone());
    }
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0);
    let mut rows = Vec::new();
    for rec in eng::list_images(ctx)? {
        let is_dangling = rec.repo_tags.is_empty();
        if dangling.is_some_and(|d| d != is_dangling) {
            continue;
        }
        let id = if a.no_trunc { rec.id.clone() } else { rec.id[7..19].to_string() };
        let digest_of = |repo: &str| {
            rec.repo_digests
                .iter()
                .find(|d| d.split('@').next() == Some(repo))
                .and_then(|d| d.split('@').nth(1))
                .unwrap_or("<none>")
                .to_string()
        };
        let created = rec.created.as_deref().and_then(parse_rfc3339);
        let mk = |repository: String, tag: String, digest: String| Row {
            repository,
            tag,
            digest,
            id: id.clone(),
            created_since: created.map(|c| format!("{} ago", human_duration(now - c))).unwrap_or_else(|| "N/A".into()),
            created_at: rec.created.clone().unwrap_or_default(),
            size: human_size(rec.size),
        };
        if is_dangling {
            if !patterns.is_empty() {
                continue;
            }
            rows.push(mk("<none>".into(), "<none>".into(), rec.repo_digests.first().and_then(|d| d.split('@').nth(1)).unwrap_or("<none>").into()));
            continue;
        }
        for t in &rec.repo_tags {
            let (repo, tag) = t.rsplit_once(':').unwrap_or((t, ""));
            let fam = familiar_name(repo);
            let fam_full = format!("{fam}:{tag}");
            if !patterns.is_empty() && !patterns.iter().any(|p| glob_match(p, &fam_full) || glob_match(p, &fam)) {
                continue;
            }
            rows.push(mk(fam, tag.to_string(), digest_of(repo)));
        }
    }
    let mut out = std::io::stdout().lock();
    if a.quiet {
        for r in rows {
            writeln!(out, "{}", r.id)?;
        }
        return Ok(0);
    }
    match a.format.as_deref() {
        None | Some("table") => {
            let mut header = vec!["REPOSITORY", "TAG"];
            if a.digests {
                header.push("DIGEST");
            }
            header.extend(["IMAGE ID", "CREATED", "SIZE"]);
            let cells: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let mut c = vec![r.repository.clone(), r.tag.clone()];
                    if a.digests {
                        c.push(r.digest.clone());
                    }
                    c.extend([r.id.clone(), r.created_since.clone(), r.size.clone()]);
                    c
                })
                .collect();
            write_table(&mut out, &header, &cells)?;
        }
        Some("json") => {
            for r in rows {
                let v = serde_json::json!({
                    "Containers": "N/A", "CreatedAt": r.created_at, "CreatedSince": r.created_since,
                    "Digest": r.digest, "ID": r.id, "Repository": r.repository, "SharedSize": "N/A",
                    "Size": r.size, "Tag": r.tag, "UniqueSize": "N/A", "VirtualSize": r.size,
                });
                writeln!(out, "{v}")?;
            }
        }
        Some(f) => {
            let (table, tmpl) = match f.strip_prefix("table") {
                Some(rest) => (true, rest.trim_start().to_string()),
                None => (false, f.to_string()),
            };
            let render = |r: &Row| {
                tmpl.replace("{{.Repository}}", &r.repository)
                    .replace("{{.Tag}}", &r.tag)
                    .replace("{{.ID}}", &r.id)
                    .replace("{{.Digest}}", &r.digest)
                    .replace("{{.Size}}", &r.size)
                    .replace("{{.CreatedSince}}", &r.created_since)
                    .replace("{{.CreatedAt}}", &r.created_at)
                    .replace("\\t", "\t")
            };
            if table {
                let header = tmpl
                    .replace("{{.Repository}}", "REPOSITORY")
                    .replace("{{.Tag}}", "TAG")
                    .replace("{{.ID}}", "IMAGE ID")
                    .replace("{{.Digest}}", "DIGEST")
                    .replace("{{.Size}}", "SIZE")
                    .replace("{{.CreatedSince}}", "CREATED")
                    .replace("{{.CreatedAt}}", "CREATED AT")
                    .replace("\\t", "\t");
                let head: Vec<&str> = header.split('\t').collect();
                let cells: Vec<Vec<String>> =
                    rows.iter().map(|r| render(r).split('\t').map(str::to_string).collect()).collect();
                write_table(&mut out, &head, &cells)?;
            } else {
                for r in &rows {
                    writeln!(out, "{}", render(r))?;
                }
            }
        }
    }
    Ok(0)
}

/// docker's tabwriter (minwidth 10, padding 3) for the default tables.
fn write_table(out: &mut impl Write, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    let n = header.len();
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate().take(n) {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::new();
        for (i, c) in cells.iter().enumerate() {
            if i + 1 == cells.len() {
                s.push_str(c);
            } else {
                let w = (widths[i] + 3).max(10);
                s.push_str(&format!("{c:<w$}"));
            }
        }
        s.trim_end().to_string()
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    for r in rows {
        writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

/// go's `path.Match` subset docker uses for `reference=`: `*` (not across `/`) and `?`.
fn glob_match(pat: &str, s: &str) -> bool {
    fn go(p: &[u8], s: &[u8]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some(b'*') => (0..=s.len()).take_while(|&i| i == 0 || s[i - 1] != b'/').any(|i| go(&p[1..], &s[i..])),
            Some(b'?') => !s.is_empty() && s[0] != b'/' && go(&p[1..], &s[1..]),
            Some(c) => s.first() == Some(c) && go(&p[1..], &s[1..]),
        }
    }
    go(pat.as_bytes(), s.as_bytes())
}

/// docker's `units.HumanDuration`.
fn human_duration(secs: i64) -> String {
    let s = secs.max(0);
    let (m, h) = (s / 60, s / 3600);
    match () {
        _ if s < 1 => "Less than a second".into(),
        _ if s == 1 => "1 second".into(),
        _ if s < 60 => format!("{s} seconds"),
        _ if m == 1 => "About a minute".into(),
        _ if m < 60 => format!("{m} minutes"),
        _ if h == 1 => "About an hour".into(),
        _ if h < 48 => format!("{h} hours"),
        _ if h < 24 * 7 * 2 => format!("{} days", h / 24),
        _ if h < 24 * 30 * 2 => format!("{} weeks", h / 24 / 7),
        _ if h < 24 * 365 * 2 => format!("{} months", h / 24 / 30),
        _ => format!("{} years", h / 24 / 365),
    }
}

/// docker's `units.HumanSizeWithPrecision(size, 3)`: decimal units, 3 significant digits.
fn human_size(size: u64) -> String {
    const UNITS: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
    let mut v = size as f64;
    let mut i = 0;
    while v >= 1000.0 && i + 1 < UNITS.len() {
        v /= 1000.0;
        i += 1;
    }
    let digits = if v >= 100.0 { 0 } else if v >= 10.0 { 1 } else { 2 };
    let s = format!("{v:.digits$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_string() } else { s };
    format!("{s}{}", UNITS[i])
}

/// Seconds since the epoch of an RFC 3339 time (`2024-01-02T03:04:05.123Z`, offsets allowed).
fn parse_rfc3339(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() < 19 {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s.get(r)?.parse::<i64>().ok();
    let (y, mo, d, h, mi, se) = (n(0..4)?, n(5..7)?, n(8..10)?, n(11..13)?, n(14..16)?, n(17..19)?);
    let y2 = if mo <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let mut t = days * 86_400 + h * 3600 + mi * 60 + se;
    let rest = &s[19..];
    let rest = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    if let Some(off) = rest.strip_prefix('+').map(|o| (1, o)).or_else(|| rest.strip_prefix('-').map(|o| (-1, o))) {
        let (sign, o) = off;
        let oh: i64 = o.get(0..2)?.parse().ok()?;
        let om: i64 = o.get(3..5)?.parse().ok()?;
        t -= sign * (oh * 3600 + om * 60);
    }
    Some(t)
}

fn inspect(ctx: &Context, a: InspectArgs) -> Result<i32> {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for n in &a.names {
        match eng::inspect_image(ctx, n) {
            Ok(v) => found.push(v),
            Err(e) if e.downcast_ref::<NoSuchImage>().is_some() => missing.push(e),
            Err(e) => return Err(e),
        }
    }
    let mut out = std::io::stdout().lock();
    match &a.format {
        Some(f) => {
            for v in &found {
                writeln!(out, "{}", render_inspect(f, v)?)?;
            }
        }
        None => {
            let mut buf = Vec::new();
            let fmt = serde_json::ser::PrettyFormatter::with_indent(b"    ");
            let mut ser = serde_json::Serializer::with_formatter(&mut buf, fmt);
            serde::Serialize::serialize(&found, &mut ser)?;
            out.write_all(&buf)?;
            writeln!(out)?;
        }
    }
    for e in &missing {
        eprintln!("Error: {e:#}");
    }
    Ok(if missing.is_empty() { 0 } else { 1 })
}

/// A small Go-template subset for `image inspect -f`: `{{.A.B}}` and `{{json .A}}`.
fn render_inspect(f: &str, v: &serde_json::Value) -> Result<String> {
    let mut out = String::new();
    let mut rest = f;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let end = rest[start..].find("}}").context("template: unclosed action")? + start;
        let action = rest[start + 2..end].trim();
        let (json, path) = match action.strip_prefix("json ") {
            Some(p) => (true, p.trim()),
            None => (false, action),
        };
        let Some(path) = path.strip_prefix('.') else { bail!("template: unsupported action {action:?}") };
        let mut cur = v;
        for part in path.split('.').filter(|p| !p.is_empty()) {
            cur = cur.get(part).with_context(|| format!("template: no field {part:?}"))?;
        }
        out.push_str(&match (json, cur) {
            (true, c) => serde_json::to_string(c)?,
            (false, serde_json::Value::String(s)) => s.clone(),
            (false, serde_json::Value::Null) => "<no value>".into(),
            (false, c) => c.to_string(),
        });
        rest = &rest[end + 2..];
    }
    out.push_str(rest);
    Ok(out)
}

fn removal_line(r: &Removal, lower: bool) -> String {
    let (word, what) = match r {
        Removal::Untagged(s) => ("Untagged", s),
        Removal::Deleted(s) => ("Deleted", s),
    };
    if lower { format!("{}: {what}", word.to_lowercase()) } else { format!("{word}: {what}") }
}

fn rmi(ctx: &Context, a: RmiArgs) -> Result<i32> {
    let mut code = 0;
    for res in eng::remove_images(ctx, &a.names, a.force) {
        match res {
            Ok(lines) => {
                let mut out = std::io::stdout().lock();
                for l in lines {
                    writeln!(out, "{}", removal_line(&l, false))?;
                }
            }
            Err(e) => {
                eprintln!("Error: {e:#}");
                code = 1;
            }
        }
    }
    Ok(code)
}

fn prune(ctx: &Context, a: PruneArgs) -> Result<i32> {
    if !a.force {
        let what = if a.all { "all images without at least one container associated to them" } else { "all dangling images" };
        print!("WARNING! This will remove {what}.\nAre you sure you want to continue? [y/N] ");
        std::io::stdout().flush()?;
        let mut answer = String::new();
        std::io::stdin().read_line(&mut answer)?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            return Ok(0);
        }
    }
    let (lines, reclaimed) = eng::prune(ctx, a.all)?;
    let mut out = std::io::stdout().lock();
    if !lines.is_empty() {
        writeln!(out, "Deleted Images:")?;
        for l in &lines {
            writeln!(out, "{}", removal_line(l, true))?;
        }
        writeln!(out)?;
    }
    writeln!(out, "Total reclaimed space: {}", human_size(reclaimed))?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_durations_read_like_docker() {
        assert_eq!(human_size(4_261_550), "4.26MB");
        assert_eq!(human_size(100), "100B");
        assert_eq!(human_size(1_240), "1.24kB");
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_duration(14 * 86_400), "2 weeks");
        assert_eq!(human_duration(3600), "About an hour");
        assert_eq!(parse_rfc3339("1970-01-02T00:00:01Z"), Some(86_401));
        assert_eq!(parse_rfc3339("1970-01-02T01:00:01+01:00"), Some(86_401));
    }

    #[test]
    fn reference_filter_globs_stop_at_slashes() {
        assert!(glob_match("busy*", "busybox:latest"));
        assert!(!glob_match("*", "user/app"));
        assert!(glob_match("*/*", "user/app"));
    }
}
