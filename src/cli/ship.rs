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
use std::io::{IsTerminal, Write};

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

/// docker's push lines (the non-terminal form: one line per change); `compose push` prints them too.
pub(crate) struct PushLines {
    pub(crate) quiet: bool,
}

impl PushLines {
    fn line(&self, s: String) {
        if !self.quiet {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{s}");
            let _ = out.flush();
        }
    }
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
        self.line(format!("{id}: {word}"));
    }
    fn on_tag_pushed(&self, tag: &str, digest: &str, size: u64) {
        self.line(format!("{tag}: digest: {digest} size: {size}"));
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
    };
    if a.all_tags && a.name.rsplit('/').next().is_some_and(|l| l.contains(':')) {
        bail!("tag can't be used with --all-tags/-a");
    }
    let last = a.name.rsplit('/').next().unwrap_or("");
    if !a.all_tags && !last.contains(':') && !last.contains('@') && !a.quiet {
        println!("Using default tag: latest");
    }
    let lines = PushLines { quiet: a.quiet };
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
            save::save(&ctx, &a.images, out)?
                .flush()
                .map_err(anyhow::Error::from)?;
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
        }
    }
    Ok(0)
}
