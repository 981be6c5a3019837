//! `update`, `commit`, `export` and `import`: docker's flags parsed into the engine's typed options, and
//! docker's output (the names given for `update`, `sha256:<id>` for `commit`/`import`, the tar for
//! `export`). Streams only through [`super::super::stdout`]. Must not touch the store or the runtime
//! itself: every verb is one engine call (engine::container::update, engine::container::commit).

use super::super::{GlobalOpts, StatusError, human, stdout};
use crate::engine::container::commit::{self as commit, CommitOptions, ImportOptions};
use crate::engine::container::update::{self as container_update, UpdateOptions};
use crate::types::RestartPolicy;
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub resources: Box<super::ResourceFlags>,
    /// Restart policy to apply when a container exits
    #[arg(long)]
    pub restart: Option<String>,
    #[arg(required = true, value_name = "CONTAINER")]
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CommitArgs {
    /// Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")
    #[arg(short = 'a', long)]
    pub author: Option<String>,
    /// Apply Dockerfile instruction to the created image
    #[arg(short = 'c', long)]
    pub change: Vec<String>,
    /// Commit message
    #[arg(short = 'm', long)]
    pub message: Option<String>,
    /// Pause container during commit
    #[arg(short = 'p', long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "true", default_missing_value = "true", value_parser = super::super::go_bool,
          value_name = "BOOL", hide_default_value = true)]
    pub pause: bool,
    pub container: String,
    /// REPOSITORY[:TAG]
    pub reference: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to a file, instead of STDOUT
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    pub container: String,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Apply Dockerfile instruction to the created image
    #[arg(short = 'c', long)]
    pub change: Vec<String>,
    /// Set commit message for imported image
    #[arg(short = 'm', long)]
    pub message: Option<String>,
    /// Set platform if server is multi-platform capable (only the host's)
    #[arg(long)]
    pub platform: Option<String>,
    /// A tar file, or - for standard input
    #[arg(value_name = "file|-")]
    pub file: String,
    /// REPOSITORY[:TAG]
    pub reference: Option<String>,
}

fn context(g: &GlobalOpts) -> Result<crate::engine::Context> {
    let (ctx, warnings) = crate::engine::Context::new(
        g.root.as_deref(),
        g.run_root.as_deref(),
        g.config.as_deref(),
    )?;
    for w in warnings {
        eprintln!("WARNING: {w}");
    }
    Ok(ctx)
}

/// `update`: prints each container as given, as docker does; exit 1 if any failed.
pub fn update(p: &crate::engine::Context, a: &UpdateArgs) -> Result<i32> {
    let bytes = |s: &Option<String>| -> Result<Option<i64>> {
        s.as_deref()
            .map(|v| match v {
                "-1" => Ok(-1),
                v => human::parse_bytes(v).map(|b| b as i64),
            })
            .transpose()
    };
    let u = UpdateOptions {
        resources: crate::types::Resources {
            memory: bytes(&a.resources.memory)?,
            memory_swap: bytes(&a.resources.memory_swap)?,
            nano_cpus: a.resources.cpus.map(|c| (c * 1e9) as i64),
            cpu_shares: a.resources.cpu_shares,
            cpuset_cpus: a.resources.cpuset_cpus.clone(),
            pids_limit: a.resources.pids_limit,
            ..super::parse::resource_extras(&a.resources)?
        },
        restart: a.restart.as_deref().map(RestartPolicy::parse).transpose()?,
    };
    if u.is_empty() {
        bail!("you must provide one or more flags when using this command");
    }
    let mut code = 0;
    for c in &a.containers {
        match container_update::update(p, c, &u) {
            Ok(()) => writeln!(stdout(), "{c}")?,
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "Error response from daemon: {e:#}");
                code = 1;
            }
        }
    }
    if code != 0 {
        return Err(StatusError {
            code,
            msg: String::new(),
        }
        .into());
    }
    Ok(0)
}

/// `commit`: prints the new image ID (`sha256:...`).
pub fn commit(g: &GlobalOpts, a: &CommitArgs) -> Result<i32> {
    let ctx = context(g)?;
    let id = commit::commit(
        &ctx,
        &a.container,
        &CommitOptions {
            reference: a.reference.clone(),
            message: a.message.clone().unwrap_or_default(),
            author: a.author.clone().unwrap_or_default(),
            changes: a.change.clone(),
            pause: a.pause,
        },
    )?;
    writeln!(stdout(), "{id}")?;
    Ok(0)
}

/// `export`: the tar to `-o FILE` or stdout, never to a terminal (docker/cli `export.go`).
pub fn export(p: &crate::engine::Context, a: &ExportArgs) -> Result<i32> {
    match &a.output {
        Some(f) => commit::export_to_file(p, &a.container, f)?,
        None => {
            if std::io::stdout().is_terminal() {
                bail!("cowardly refusing to save to a terminal. Use the -o flag or redirect");
            }
            // Binary data: a large buffer instead of stdout's line buffering.
            let mut out = std::io::BufWriter::with_capacity(1 << 20, stdout());
            commit::export(p, &a.container, &mut out)?;
            out.flush().context("writing the tar")?;
        }
    }
    Ok(0)
}

/// `import`: prints the new image ID (`sha256:...`).
pub fn import(g: &GlobalOpts, a: &ImportArgs) -> Result<i32> {
    if let Some(pl) = &a.platform {
        commit::check_import_platform(pl)?;
    }
    if a.file.starts_with("http://") || a.file.starts_with("https://") {
        bail!("importing from a URL is not supported: download the tar and import the file");
    }
    let ctx = context(g)?;
    let o = ImportOptions {
        reference: a.reference.clone(),
        message: a.message.clone().unwrap_or_default(),
        changes: a.change.clone(),
    };
    let id = if a.file == "-" {
        commit::import(&ctx, &mut std::io::stdin().lock(), &o)?
    } else {
        let mut f = std::fs::File::open(&a.file).with_context(|| format!("open {}", a.file))?;
        commit::import(&ctx, &mut f, &o)?
    };
    writeln!(stdout(), "{id}")?;
    Ok(0)
}
