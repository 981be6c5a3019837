//! What every `prune` verb shares: docker's `--filter until=|label=|label!=` parsing, the confirmation
//! prompt, and the "Deleted ...:" sections with `Total reclaimed space`; and `system prune` itself.
//!
//! The prompt is docker's (`command.PromptForConfirmation`): written to stdout, answered by a line on
//! stdin, so `echo y | berth system prune` proceeds and a stdin without an answer (not a terminal, at
//! its end: a CI job's /dev/null) refuses. `-f` skips it.

use super::{human, stdout};
use crate::engine::system::PruneFilter;
use crate::engine::{self, Context};
use anyhow::{Context as _, Result, bail};
use std::io::{BufRead, Write};

/// docker's prune filters: `until=<timestamp or duration>`, `label=k[=v]`, `label!=k[=v]`. `until` is
/// refused where docker refuses it (`volume prune`).
pub fn parse_filters(filters: &[String], allow_until: bool) -> Result<PruneFilter> {
    let mut f = PruneFilter::default();
    let kv = |v: &str| match v.split_once('=') {
        Some((k, v)) => (k.to_string(), Some(v.to_string())),
        None => (v.to_string(), None),
    };
    for raw in filters {
        let (k, v) = raw
            .split_once('=')
            .context("bad format of filter (expected name=value)")?;
        match k {
            // `label!=k` splits at the first `=` as `label!` / `k`.
            "label!" => f.labels_not.push(kv(v)),
            "label" => f.labels.push(kv(v)),
            "until" if allow_until => {
                f.until = Some(
                    human::parse_timestamp(v, std::time::SystemTime::now())
                        .with_context(|| format!("invalid filter 'until={v}'"))?,
                )
            }
            _ => bail!("invalid filter '{k}'"),
        }
    }
    Ok(f)
}

/// docker's prompt: `message` then ` [y/N] ` on stdout, one line read from stdin; only `y` (either
/// case) proceeds, as docker's `PromptForConfirmation`; anything else, or no line, cancels.
pub fn confirm(message: &str) -> Result<bool> {
    let mut out = stdout();
    write!(out, "{message} [y/N] ")?;
    out.flush()?;
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    Ok(line.trim().eq_ignore_ascii_case("y"))
}

/// The prompt's list of what a prune removes, and the filters it applies (docker's template).
pub fn warning(items: &[&str], filters: &[String]) -> String {
    let mut s = String::from("WARNING! This will remove:");
    for i in items {
        s.push_str(&format!("\n  - {i}"));
    }
    if !filters.is_empty() {
        s.push_str("\n\n  Items to be pruned will be filtered with:");
        for f in filters {
            s.push_str(&format!("\n  - {f}"));
        }
    }
    s.push_str("\n\nAre you sure you want to continue?");
    s
}

/// A "Deleted X:" section (nothing when empty), followed by a blank line, as docker prints it.
pub fn section(out: &mut dyn Write, title: &str, lines: &[String]) -> Result<()> {
    if !lines.is_empty() {
        writeln!(out, "Deleted {title}:")?;
        for l in lines {
            writeln!(out, "{l}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// docker's last line of a prune (go-units `HumanSize`: 4 significant digits).
pub fn total(out: &mut dyn Write, bytes: u64) -> Result<()> {
    let size = human::human_size_with_precision(bytes as f64, 4);
    writeln!(out, "Total reclaimed space: {size}")?;
    Ok(())
}

/// `system prune` flags.
#[derive(Debug, clap::Args)]
pub struct SystemPruneArgs {
    /// Remove all unused images not just dangling ones
    #[arg(short, long)]
    pub all: bool,
    /// Do not prompt for confirmation
    #[arg(short, long)]
    pub force: bool,
    /// Prune anonymous volumes
    #[arg(long)]
    pub volumes: bool,
    /// Provide filter values (e.g. "label=<key>=<value>")
    #[arg(long, value_name = "FILTER")]
    pub filter: Vec<String>,
}

/// `system prune`: stopped containers, unused networks, (anonymous volumes,) dangling or unused images
/// and the build cache, in docker's order, one total at the end.
pub fn system_prune(ctx: &Context, a: &SystemPruneArgs) -> Result<i32> {
    if a.volumes && a.filter.iter().any(|f| f.starts_with("until=")) {
        bail!("ERROR: The \"until\" filter is not supported with \"--volumes\"");
    }
    let filter = parse_filters(&a.filter, true)?;
    if !a.force {
        let mut items = vec![
            "all stopped containers",
            "all networks not used by at least one container",
        ];
        if a.volumes {
            items.push("all anonymous volumes not used by at least one container");
        }
        if a.all {
            items.push("all images without at least one container associated to them");
            items.push("all build cache");
        } else {
            items.push("all dangling images");
            items.push("unused build cache");
        }
        if !confirm(&warning(&items, &a.filter))? {
            return Ok(0);
        }
    }
    let mut out = stdout();
    let containers = engine::container::prune(ctx, &filter)?;
    section(&mut out, "Containers", &containers.removed)?;
    let networks = engine::network::prune(&ctx.paths, &filter)?;
    section(&mut out, "Networks", &networks)?;
    let mut bytes = containers.reclaimed_bytes;
    if a.volumes {
        let v = engine::volume::prune(&ctx.paths, false, &filter)?;
        section(&mut out, "Volumes", &v.removed)?;
        bytes += v.reclaimed_bytes;
    }
    let images = engine::image::prune(ctx, a.all, &filter)?;
    let lines: Vec<String> = images.removed.iter().map(removal_line).collect();
    section(&mut out, "Images", &lines)?;
    bytes += images.reclaimed_bytes;
    let cache = engine::system::prune_build_cache(&ctx.paths)?;
    if cache.reclaimed_bytes > 0 || !cache.removed.is_empty() {
        writeln!(out, "Deleted build cache objects:")?;
        for l in &cache.removed {
            writeln!(out, "{l}")?;
        }
        writeln!(out)?;
    }
    bytes += cache.reclaimed_bytes;
    total(&mut out, bytes)?;
    Ok(0)
}

/// One line of an image removal, as `image prune` prints it.
pub fn removal_line(r: &engine::image::Removal) -> String {
    match r {
        engine::image::Removal::Untagged(n) => format!("untagged: {n}"),
        engine::image::Removal::Deleted(d) => format!("deleted: {d}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_parse_as_docker_takes_them() {
        let f = parse_filters(
            &["label=a=b".into(), "label!=c".into(), "until=10m".into()],
            true,
        )
        .unwrap();
        assert_eq!(f.labels, vec![("a".into(), Some("b".into()))]);
        assert_eq!(f.labels_not, vec![("c".into(), None)]);
        assert!(f.until.is_some());
        let e = parse_filters(&["until=1h".into()], false).unwrap_err();
        assert_eq!(e.to_string(), "invalid filter 'until'");
        let e = parse_filters(&["dangling".into()], true).unwrap_err();
        assert_eq!(e.to_string(), "bad format of filter (expected name=value)");
    }

    #[test]
    fn the_prompt_lists_items_then_filters() {
        assert_eq!(
            warning(&["all stopped containers"], &["until=24h".into()]),
            "WARNING! This will remove:\n  - all stopped containers\n\n  Items to be pruned will be filtered with:\n  - until=24h\n\nAre you sure you want to continue?"
        );
    }
}
