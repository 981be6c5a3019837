//! `push`, `save`, `load`: clap arguments and docker's output for handing images on.
//!
//! Parses flags, calls `engine::image::{push, save, load}` and prints docker's lines (`The push refers
//! to repository [...]`, `<id>: Pushed`, `<tag>: digest: ... size: N`, `Loaded image: ...`). Nothing
//! here touches the store.

use super::GlobalOpts;
use crate::engine::Context;
use crate::engine::image::load::{self, Loaded};
use crate::engine::image::push::{self, PushCompression, PushLayerStatus, PushOptions};
use crate::engine::image::save;
use crate::engine::short_name::familiar_name;
use anyhow::{Result, bail};
use clap::Args;
use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::sync::Mutex;

#[derive(Debug, Args)]
pub struct PushArgs {
    /// Push all tags of an image to the repository
    #[arg(short, long)]
    pub all_tags: bool,
    /// Suppress verbose output
    #[arg(short, long)]
    pub quiet: bool,
    /// Compression of layers pushed from uncompressed ones (gzip, zstd)
    #[arg(long, value_name = "FORMAT", default_value = "gzip", value_parser = ["gzip", "zstd"])]
    pub compression_format: String,
    /// Require HTTPS and verify certificates (false: allow plain HTTP and unverified TLS)
    #[arg(long, value_name = "BOOL", num_args = 0..=1, require_equals = true, default_missing_value = "true")]
    pub tls_verify: Option<bool>,
    /// NAME[:TAG]
    pub name: String,
}

#[derive(Debug, Args)]
pub struct SaveArgs {
    /// Write to a file, instead of STDOUT
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,
    /// IMAGE...
    #[arg(required = true)]
    pub images: Vec<String>,
}

#[derive(Debug, Args)]
pub struct LoadArgs {
    /// Read from tar archive file, instead of STDIN
    #[arg(short, long, value_name = "FILE")]
    pub input: Option<std::path::PathBuf>,
    /// Suppress the load output
    #[arg(short, long)]
    pub quiet: bool,
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

/// docker's push output, on stdout; `compose push` prints it too. Not a terminal: one line per change,
/// without the byte progress (docker drops its `Pushing` lines there). A terminal: one line per layer
/// redrawn in place, `Pushing [====>      ]  12.3MB/41.95MB` while it goes up.
pub(crate) struct PushLines {
    quiet: bool,
    /// Draw bars (see [`PushLines::new`]).
    tty: bool,
    /// The bars of the tag being pushed: made with its first layer line, dropped (left on the screen)
    /// when its digest line is printed under them.
    bars: Mutex<Option<Bars>>,
}

struct Bars {
    multi: indicatif::MultiProgress,
    /// Each layer's line and whether it is final.
    by_id: HashMap<String, (indicatif::ProgressBar, bool)>,
}

impl PushLines {
    /// Bars when stdout is a terminal that can redraw lines (TERM set, not `dumb`) and not `quiet`.
    pub(crate) fn new(quiet: bool) -> PushLines {
        let term = std::env::var("TERM").is_ok_and(|t| !t.is_empty() && t != "dumb");
        PushLines {
            quiet,
            tty: !quiet && term && std::io::stdout().is_terminal(),
            bars: Mutex::new(None),
        }
    }

    fn line(&self, s: String) {
        if self.quiet {
            return;
        }
        if let Some(b) = self.bars.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            let _ = b.multi.println(s);
            return;
        }
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "{s}");
        let _ = out.flush();
    }

    /// A layer's line on the terminal: its status, or its progress while it is pushed.
    fn set(&self, id: &str, msg: String, done: bool) {
        let mut guard = self.bars.lock().unwrap_or_else(|e| e.into_inner());
        let bars = guard.get_or_insert_with(|| Bars {
            multi: indicatif::MultiProgress::with_draw_target(
                indicatif::ProgressDrawTarget::stdout(),
            ),
            by_id: HashMap::new(),
        });
        let (bar, finished) = match bars.by_id.get_mut(id) {
            Some(e) => e,
            None => {
                let b = indicatif::ProgressBar::new(0)
                    .with_style(
                        indicatif::ProgressStyle::with_template("{prefix}: {msg}")
                            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
                    )
                    .with_prefix(id.to_string())
                    .with_message(msg.clone());
                let b = bars.multi.add(b);
                bars.by_id.entry(id.to_string()).or_insert((b, false))
            }
        };
        if *finished {
            return;
        }
        if done {
            *finished = true;
            bar.finish_with_message(msg);
        } else {
            bar.set_message(msg);
        }
    }
}

/// docker's size words (go-units `HumanSize`): decimal units, four significant digits.
pub(crate) fn human_size(n: u64) -> String {
    super::human::human_size_with_precision(n as f64, 4)
}

/// docker's progress text (`JSONProgress.String`): a 50-column bar and `%8v/%v` of the sizes.
pub(crate) fn docker_progress(sent: u64, total: u64) -> String {
    let pct = if total == 0 {
        50
    } else {
        ((sent.min(total) as f64 / total as f64 * 100.0) as usize / 2).min(50)
    };
    format!(
        "[{}>{}] {:>8}/{}",
        "=".repeat(pct),
        " ".repeat(50 - pct),
        human_size(sent),
        human_size(total)
    )
}

impl push::PushProgress for PushLines {
    fn on_repository(&self, name: &str) {
        self.line(format!("The push refers to repository [{name}]"));
    }
    fn on_layer(&self, id: &str, status: &PushLayerStatus) {
        let word = match status {
            PushLayerStatus::Preparing => "Preparing".to_string(),
            PushLayerStatus::Pushing => "Pushing".to_string(),
            PushLayerStatus::Pushed => "Pushed".to_string(),
            PushLayerStatus::AlreadyExists => "Layer already exists".to_string(),
            PushLayerStatus::MountedFrom(r) => format!("Mounted from {}", familiar_repo(r)),
        };
        if self.tty {
            let done = !matches!(
                status,
                PushLayerStatus::Preparing | PushLayerStatus::Pushing
            );
            self.set(id, word, done);
        } else if *status != PushLayerStatus::Pushing {
            // docker's plain form has no `Pushing` line: it carries progress, which it leaves out.
            self.line(format!("{id}: {word}"));
        }
    }
    fn on_tag_pushed(&self, tag: &str, digest: &str, size: u64) {
        // The layer lines stay where they are; the digest line goes under them.
        if let Some(b) = self.bars.lock().unwrap_or_else(|e| e.into_inner()).take() {
            for (bar, finished) in b.by_id.into_values() {
                if !finished {
                    bar.abandon();
                }
            }
        }
        self.line(format!("{tag}: digest: {digest} size: {size}"));
    }
    fn wants_bytes(&self) -> bool {
        self.tty
    }
    fn on_layer_bytes(&self, id: &str, sent: u64, total: u64) {
        if self.tty {
            self.set(
                id,
                format!("Pushing {}", docker_progress(sent, total)),
                false,
            );
        }
    }
}

/// docker names a Docker Hub mount source without `library/`.
fn familiar_repo(r: &str) -> String {
    r.strip_prefix("library/").unwrap_or(r).to_string()
}

pub fn push(g: &GlobalOpts, a: PushArgs) -> Result<i32> {
    let ctx = context(g)?;
    let opts = PushOptions {
        all_tags: a.all_tags,
        compression: match a.compression_format.as_str() {
            "zstd" => PushCompression::Zstd,
            _ => PushCompression::Gzip,
        },
        tls_verify: a.tls_verify,
    };
    if a.all_tags && a.name.rsplit('/').next().is_some_and(|l| l.contains(':')) {
        bail!("tag can't be used with --all-tags/-a");
    }
    let last = a.name.rsplit('/').next().unwrap_or("");
    if !a.all_tags && !last.contains(':') && !last.contains('@') && !a.quiet {
        println!("Using default tag: latest");
    }
    let lines = PushLines::new(a.quiet);
    let pushed = push::push(&ctx, &a.name, &opts, &lines)?;
    if a.quiet {
        let mut out = super::stdout();
        for p in pushed {
            writeln!(out, "{}", familiar_name(&p.reference))?;
        }
    }
    Ok(0)
}

pub fn save(g: &GlobalOpts, a: SaveArgs) -> Result<i32> {
    let ctx = context(g)?;
    match &a.output {
        Some(f) => save::save_to_file(&ctx, &a.images, f)?,
        None => {
            if std::io::stdout().is_terminal() {
                bail!("cowardly refusing to save to a terminal. Use the -o flag or redirect");
            }
            let out = std::io::BufWriter::with_capacity(1 << 20, super::stdout());
            let written = save::save(&ctx, &a.images, out)
                .and_then(|mut w| w.flush().map_err(anyhow::Error::from));
            // A reader that went away (`save | ssh host load` whose far end died) got a partial
            // archive: not the quiet success a listing cut by `| head` is (cli/mod.rs), but docker's
            // death by SIGPIPE, 128+13, so `set -o pipefail` scripts see it.
            if let Err(e) = written {
                if e.chain().any(|c| {
                    c.downcast_ref::<std::io::Error>()
                        .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
                }) {
                    return Ok(141);
                }
                return Err(e);
            }
        }
    }
    Ok(0)
}

pub fn load(g: &GlobalOpts, a: LoadArgs) -> Result<i32> {
    let ctx = context(g)?;
    let loaded = match &a.input {
        Some(p) => {
            let f =
                std::fs::File::open(p).map_err(|e| anyhow::anyhow!("open {}: {e}", p.display()))?;
            load::load(&ctx, f)?
        }
        None => {
            if std::io::stdin().is_terminal() {
                bail!("requested load from stdin, but stdin is empty");
            }
            load::load(&ctx, std::io::stdin())?
        }
    };
    // docker's `-q` hides the progress only: the loaded names are always printed.
    let _ = a.quiet;
    let mut out = super::stdout();
    for l in loaded {
        match l {
            Loaded::Tag(t) => writeln!(out, "Loaded image: {t}")?,
            Loaded::Id(id) => writeln!(out, "Loaded image ID: {id}")?,
            Loaded::Moved { tag, old_id } => writeln!(
                out,
                "The image {tag} already exists, renaming the old one with ID {old_id} to empty string"
            )?,
        }
    }
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::{docker_progress, human_size};

    #[test]
    fn sizes_and_bars_read_as_dockers() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(512), "512B");
        assert_eq!(human_size(1042), "1.042kB");
        assert_eq!(human_size(12_300_000), "12.3MB");
        assert_eq!(human_size(41_949_723), "41.95MB");
        assert_eq!(human_size(40_000_000), "40MB");
        assert_eq!(
            docker_progress(12_300_000, 40_000_000),
            format!("[{}>{}]   12.3MB/40MB", "=".repeat(15), " ".repeat(35))
        );
        assert_eq!(
            docker_progress(0, 1042),
            format!("[>{}]       0B/1.042kB", " ".repeat(50))
        );
        assert_eq!(
            docker_progress(5, 5),
            format!("[{}>]       5B/5B", "=".repeat(50))
        );
    }
}
