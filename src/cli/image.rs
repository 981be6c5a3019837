//! Image commands: pull, images / image ls, image inspect, tag, rmi / image rm, image prune.
//!
//! Parses flags, calls `engine::image`, prints docker's output (progress lines or indicatif bars, tables,
//! inspect JSON). Nothing here touches the store directly.

use super::{GlobalOpts, format, human};
use crate::engine::image::{self as eng, NoSuchImage, PullOptions, PullStatus, Removal};
use crate::engine::short_name::{self, Resolution, familiar_name};
use crate::engine::{Context, LayerStatus, Progress, PullAttempt};
use anyhow::{Result, bail};
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
    /// Import the contents from a tarball to create a filesystem image
    Import(super::container::ops::ImportArgs),
    /// Show the history of an image
    History(super::history::HistoryArgs),
    /// Upload an image to a registry
    Push(super::ship::PushArgs),
    /// Save one or more images to a tar archive (streamed to STDOUT by default)
    Save(super::ship::SaveArgs),
    /// Load an image from a tar archive or STDIN
    Load(super::ship::LoadArgs),
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
    /// Import the contents from a tarball to create a filesystem image
    Import(super::container::ops::ImportArgs),
    /// Show the history of an image
    History(super::history::HistoryArgs),
    /// Build an image from a Dockerfile
    Build(Box<super::build::BuildArgs>),
    /// Upload an image to a registry
    Push(super::ship::PushArgs),
    /// Save one or more images to a tar archive (streamed to STDOUT by default)
    Save(super::ship::SaveArgs),
    /// Load an image from a tar archive or STDIN
    Load(super::ship::LoadArgs),
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
    /// Filter output based on conditions provided (dangling=, reference=, label=, before=, since=)
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
    /// Provide filter values (e.g. "until=<timestamp>")
    #[arg(long, value_name = "FILTER")]
    pub filter: Vec<String>,
}

fn context(g: &GlobalOpts) -> Result<Context> {
    let (ctx, warnings) = Context::new(
        g.root.as_deref(),
        g.run_root.as_deref(),
        g.config.as_deref(),
    )?;
    for w in warnings {
        eprintln!("WARNING: {w}");
    }
    Ok(ctx)
}

pub fn run(cmd: ImageCommand, g: &GlobalOpts) -> Result<i32> {
    match cmd {
        ImageCommand::Pull(a)
        | ImageCommand::Image {
            cmd: ImageGroup::Pull(a),
        } => pull(&context(g)?, a),
        ImageCommand::Images(a)
        | ImageCommand::Image {
            cmd: ImageGroup::Ls(a),
        } => images(&context(g)?, a),
        ImageCommand::Tag(a)
        | ImageCommand::Image {
            cmd: ImageGroup::Tag(a),
        } => {
            eng::tag(&context(g)?, &a.source, &a.target)?;
            Ok(0)
        }
        ImageCommand::Rmi(a)
        | ImageCommand::Image {
            cmd: ImageGroup::Rm(a),
        } => rmi(&context(g)?, a),
        ImageCommand::Image {
            cmd: ImageGroup::Inspect(a),
        } => inspect(&context(g)?, a),
        ImageCommand::Image {
            cmd: ImageGroup::Prune(a),
        } => prune(&context(g)?, a),
        ImageCommand::Import(a)
        | ImageCommand::Image {
            cmd: ImageGroup::Import(a),
        } => super::container::ops::import(g, &a),
        ImageCommand::History(a)
        | ImageCommand::Image {
            cmd: ImageGroup::History(a),
        } => super::history::run(&context(g)?, &a),
        ImageCommand::Image {
            cmd: ImageGroup::Build(a),
        } => super::build::run(super::build::BuildCommand::Build(a), g),
        ImageCommand::Push(a)
        | ImageCommand::Image {
            cmd: ImageGroup::Push(a),
        } => super::ship::push(g, a),
        ImageCommand::Save(a)
        | ImageCommand::Image {
            cmd: ImageGroup::Save(a),
        } => super::ship::save(g, a),
        ImageCommand::Load(a)
        | ImageCommand::Image {
            cmd: ImageGroup::Load(a),
        } => super::ship::load(g, a),
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
    fn on_pull_attempt(&self, a: &PullAttempt) {
        if a.searching {
            self.line(format!("Trying to pull {}...", a.reference));
        }
        self.line(format!("{}: Pulling from {}", a.label, a.repository));
    }

    fn on_layer_start(&self, id: &str, size: u64) {
        match &self.bars {
            Some(m) => {
                let style = indicatif::ProgressStyle::with_template(
                    "{prefix}: {msg:16} [{bar:40}] {bytes}/{total_bytes}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> ");
                let bar = m.add(
                    indicatif::ProgressBar::new(size)
                        .with_style(style)
                        .with_prefix(id.to_string())
                        .with_message("Downloading"),
                );
                self.by_id
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(id.to_string(), bar);
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
                let bar = map
                    .remove(id)
                    .unwrap_or_else(|| m.add(indicatif::ProgressBar::new(0)));
                bar.set_style(
                    indicatif::ProgressStyle::with_template("{prefix}: {msg}")
                        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                );
                bar.set_prefix(id.to_string());
                bar.finish_with_message(word);
            }
            None => self.line(format!("{id}: {word}")),
        }
    }
}

fn pull(ctx: &Context, a: PullArgs) -> Result<i32> {
    crate::trace::role("pull");
    // A short name may stand for other registries when registries.conf says so (aliases, search).
    let (candidates, how) = short_name::candidates(&ctx.config, &a.name)?;
    let docker_name = short_name::docker_name(&a.name)?;
    let tty = std::io::stderr().is_terminal();
    let progress = PullProgress {
        bars: (!a.quiet && tty).then(indicatif::MultiProgress::new),
        by_id: Mutex::new(HashMap::new()),
        quiet: a.quiet,
    };
    // podman's notice, on stderr, when an alias sends the name somewhere docker would not.
    if let Resolution::Alias(full) = &how
        && candidates.first().is_some_and(|c| c.name() != docker_name)
        && !a.quiet
    {
        eprintln!("Resolved {:?} as an alias ({full})", a.name);
    }
    let pinned = candidates.first().is_some_and(|r| r.digest().is_some());
    let last = a.name.rsplit('/').next().unwrap_or("");
    if !pinned && !last.contains(':') {
        progress.line("Using default tag: latest".to_string());
    }
    let opts = PullOptions {
        platform: a.platform.clone(),
    };
    // Each candidate's "Trying to pull"/"Pulling from" lines come through the progress.
    let report = eng::pull_resolved(ctx, &a.name, &candidates, &how, &opts, &progress)?;
    let r = &report.reference;
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

fn images(ctx: &Context, a: ImagesArgs) -> Result<i32> {
    let mut dangling: Option<bool> = None;
    let mut patterns: Vec<String> = Vec::new();
    let mut labels: Vec<String> = Vec::new();
    let (mut before, mut since) = (None, None);
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
            Some(("label", v)) => labels.push(v.to_string()),
            Some(("before", v)) => before = Some(created_of(ctx, v)?),
            Some(("since", v)) => since = Some(created_of(ctx, v)?),
            _ => bail!("invalid filter '{f}'"),
        }
    }
    if let Some(r) = &a.reference {
        patterns.push(r.clone());
    }
    let now = std::time::SystemTime::now();
    let mut rows = Vec::new();
    for rec in eng::list_images(ctx)? {
        let is_dangling = rec.repo_tags.is_empty();
        if dangling.is_some_and(|d| d != is_dangling) {
            continue;
        }
        // docker compares creation times for before=/since= (the named image itself is excluded).
        let t = rec
            .created
            .as_deref()
            .and_then(|c| human::parse_rfc3339(c).ok());
        if before.is_some_and(|b| t.is_none_or(|t| t >= b))
            || since.is_some_and(|x| t.is_none_or(|t| t <= x))
        {
            continue;
        }
        if !labels.is_empty() {
            let cfg = eng::image_config_json(&ctx.paths, &rec)?;
            let have = &cfg["config"]["Labels"];
            let ok = labels.iter().all(|l| match l.split_once('=') {
                Some((k, v)) => have[k].as_str() == Some(v),
                None => have.get(l.as_str()).is_some(),
            });
            if !ok {
                continue;
            }
        }
        let id = if a.no_trunc {
            rec.id.clone()
        } else {
            rec.id[7..19].to_string()
        };
        let created = rec
            .created
            .as_deref()
            .and_then(|c| human::parse_rfc3339(c).ok());
        let mk = |repository: &str, tag: &str, digest: &str| {
            serde_json::json!({
                "Containers": "N/A",
                "CreatedAt": created.map(human::format_created_at).unwrap_or_default(),
                "CreatedSince": created.map(|c| human::since(c, now)).unwrap_or_else(|| "N/A".into()),
                "Digest": digest,
                "ID": id,
                "Repository": repository,
                "SharedSize": "N/A",
                "Size": human::human_size(rec.size),
                "Tag": tag,
                "UniqueSize": "N/A",
                "VirtualSize": human::human_size(rec.size),
            })
        };
        if is_dangling {
            if patterns.is_empty() {
                let digest = rec
                    .repo_digests
                    .first()
                    .and_then(|d| d.split('@').nth(1))
                    .unwrap_or("<none>");
                rows.push(mk("<none>", "<none>", digest));
            }
            continue;
        }
        for t in &rec.repo_tags {
            let (repo, tag) = t.rsplit_once(':').unwrap_or((t, ""));
            let fam = familiar_name(repo);
            let fam_full = format!("{fam}:{tag}");
            if !patterns.is_empty()
                && !patterns
                    .iter()
                    .any(|p| glob_match(p, &fam_full) || glob_match(p, &fam))
            {
                continue;
            }
            let digest = rec
                .repo_digests
                .iter()
                .find(|d| d.split('@').next() == Some(repo))
                .and_then(|d| d.split('@').nth(1))
                .unwrap_or("<none>");
            rows.push(mk(&fam, tag, digest));
        }
    }
    let default = match (a.quiet, a.digests) {
        (true, _) => "{{.ID}}",
        (false, false) => "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}",
        (false, true) => {
            "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
        }
    };
    let format = if a.quiet { None } else { a.format.as_deref() };
    let headers = [
        ("ID", "IMAGE ID"),
        ("CreatedSince", "CREATED"),
        ("CreatedAt", "CREATED AT"),
    ];
    format::render_list(
        &mut std::io::stdout().lock(),
        format,
        default,
        &rows,
        &headers,
    )?;
    Ok(0)
}

/// The creation time of a local image, for `before=`/`since=`.
fn created_of(ctx: &Context, name: &str) -> Result<std::time::SystemTime> {
    let rec = eng::resolve_local(ctx, name)?;
    human::parse_rfc3339(rec.created.as_deref().unwrap_or(""))
        .map_err(|_| anyhow::anyhow!("image {name} has no creation time to compare with"))
}

/// go's `path.Match` subset docker uses for `reference=`: `*` (not across `/`) and `?`.
fn glob_match(pat: &str, s: &str) -> bool {
    fn matches_from(p: &[u8], s: &[u8]) -> bool {
        match p.first() {
            None => s.is_empty(),
            Some(b'*') => (0..=s.len())
                .take_while(|&i| i == 0 || s[i - 1] != b'/')
                .any(|i| matches_from(&p[1..], &s[i..])),
            Some(b'?') => !s.is_empty() && s[0] != b'/' && matches_from(&p[1..], &s[1..]),
            Some(c) => s.first() == Some(c) && matches_from(&p[1..], &s[1..]),
        }
    }
    matches_from(pat.as_bytes(), s.as_bytes())
}

fn inspect(ctx: &Context, a: InspectArgs) -> Result<i32> {
    let mut found = Vec::new();
    let mut missing = Vec::new();
    for n in &a.names {
        match eng::inspect_image(ctx, n).and_then(|i| Ok(serde_json::to_value(i)?)) {
            Ok(v) => found.push(v),
            Err(e) if e.downcast_ref::<NoSuchImage>().is_some() => missing.push(e),
            Err(e) => return Err(e),
        }
    }
    format::render_inspect(&mut std::io::stdout().lock(), a.format.as_deref(), &found)?;
    for e in &missing {
        eprintln!("Error: {e:#}");
    }
    Ok(if missing.is_empty() { 0 } else { 1 })
}

fn removal_line(r: &Removal, lower: bool) -> String {
    let (word, what) = match r {
        Removal::Untagged(s) => ("Untagged", s),
        Removal::Deleted(s) => ("Deleted", s),
    };
    if lower {
        format!("{}: {what}", word.to_lowercase())
    } else {
        format!("{word}: {what}")
    }
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
    use super::prune as p;
    let filter = p::parse_filters(&a.filter, true)?;
    if !a.force {
        let what = if a.all {
            "WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?"
        } else {
            "WARNING! This will remove all dangling images.\nAre you sure you want to continue?"
        };
        if !p::confirm(what)? {
            return Ok(0);
        }
    }
    let pruned = eng::prune(ctx, a.all, &filter)?;
    let lines: Vec<String> = pruned.removed.iter().map(p::removal_line).collect();
    let mut out = std::io::stdout().lock();
    p::section(&mut out, "Images", &lines)?;
    p::total(&mut out, pruned.reclaimed_bytes)?;
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reference_filter_globs_stop_at_slashes() {
        assert!(glob_match("busy*", "busybox:latest"));
        assert!(!glob_match("*", "user/app"));
        assert!(glob_match("*/*", "user/app"));
    }
}
