//! The `volume` command group: create, ls, inspect, rm, prune.

use super::for_each_arg;
use super::ps::confirm;
use crate::cli::{format, stdout};
use crate::engine::volume;
use anyhow::{Result, bail};
use clap::Subcommand;
use serde_json::{Value, json};
use std::io::Write;

#[derive(Debug, Subcommand)]
pub enum VolumeCommand {
    /// Create a volume
    Create {
        name: Option<String>,
        /// Set metadata for a volume
        #[arg(long = "label")]
        label: Vec<String>,
        /// Specify volume driver name
        #[arg(short = 'd', long, default_value = "local")]
        driver: String,
        /// Set driver specific options (the local driver's type, device and o)
        #[arg(short = 'o', long = "opt")]
        opt: Vec<String>,
    },
    /// List volumes
    #[command(visible_alias = "list")]
    Ls {
        #[arg(short = 'q', long)]
        quiet: bool,
        #[arg(long)]
        format: Option<String>,
        /// Provide filter values (e.g. "dangling=true")
        #[arg(short = 'f', long = "filter")]
        filter: Vec<String>,
    },
    /// Display detailed information on one or more volumes
    Inspect {
        #[arg(short = 'f', long)]
        format: Option<String>,
        #[arg(required = true)]
        names: Vec<String>,
    },
    /// Remove one or more volumes
    #[command(visible_alias = "remove")]
    Rm {
        #[arg(short = 'f', long)]
        force: bool,
        #[arg(required = true)]
        names: Vec<String>,
    },
    /// Remove unused local volumes
    Prune {
        #[arg(short = 'f', long)]
        force: bool,
        /// Remove all unused volumes, not just anonymous ones
        #[arg(short = 'a', long)]
        all: bool,
        /// Provide filter values (e.g. "label=<label>")
        #[arg(long, value_name = "FILTER")]
        filter: Vec<String>,
    },
}

pub(super) fn volume_cmd(p: &crate::engine::Context, cmd: VolumeCommand) -> Result<i32> {
    match cmd {
        VolumeCommand::Create {
            name,
            label,
            driver,
            opt,
        } => {
            if driver != "local" {
                bail!("plugin \"{driver}\" not found");
            }
            let (name, anon) = match name {
                Some(n) => (n, false),
                None => (crate::engine::container::new_id()?, true),
            };
            volume::create_with_options(
                &p.paths,
                &name,
                crate::cli::parse_key_values(&label),
                anon,
                crate::cli::parse_key_values(&opt),
            )?;
            writeln!(stdout(), "{name}")?;
            Ok(0)
        }
        VolumeCommand::Ls {
            quiet,
            format: f,
            filter,
        } => {
            // docker's volume filters: dangling (no container uses it), driver, label, name (a
            // substring, as docker matches names).
            let matches = |v: &volume::VolumeRecord, k: &str, x: &str| -> Result<bool> {
                Ok(match k {
                    "name" => v.name.contains(x),
                    "driver" => x == "local",
                    "label" => crate::cli::filter::label_matches(&v.labels, x),
                    "dangling" => {
                        let want = match x {
                            "true" | "1" => true,
                            "false" | "0" => false,
                            _ => bail!("invalid filter 'dangling={x}'"),
                        };
                        volume::users(&p.paths, &v.name)?.is_empty() == want
                    }
                    _ => bail!("invalid filter '{k}'"),
                })
            };
            let listed = crate::cli::filter::retain(volume::list(&p.paths)?, &filter, matches)?;
            let rows: Vec<Value> = listed
                .iter()
                .map(|v| {
                    json!({
                        "Driver": "local",
                        "Labels": v.labels.iter().map(|(k, x)| format!("{k}={x}")).collect::<Vec<_>>().join(","),
                        "Links": "N/A",
                        "Mountpoint": p.paths.volume_dir(&v.name).join("_data"),
                        "Name": v.name,
                        "Scope": "local",
                        "Size": "N/A",
                    })
                })
                .collect();
            let default = if quiet {
                "{{.Name}}"
            } else {
                "table {{.Driver}}\t{{.Name}}"
            };
            let fmt = if quiet { None } else { f.as_deref() };
            format::render_list(
                &mut stdout(),
                fmt,
                default,
                &rows,
                &[("Name", "VOLUME NAME")],
            )?;
            Ok(0)
        }
        VolumeCommand::Inspect { format: f, names } => {
            let mut values = Vec::new();
            let mut code = 0;
            for n in &names {
                match volume::inspect(&p.paths, n) {
                    Ok(v) => values.push(v),
                    Err(e) => {
                        let _ = writeln!(std::io::stderr(), "Error: {e:#}");
                        code = 1;
                    }
                }
            }
            format::render_inspect(&mut stdout(), f.as_deref(), &values)?;
            Ok(code)
        }
        VolumeCommand::Rm { force, names } => for_each_arg(&names, |n| {
            volume::remove(&p.paths, n, force).map(|_| Some(n.to_string()))
        }),
        VolumeCommand::Prune { force, all, filter } => {
            let filter = crate::cli::prune::parse_filters(&filter, false)?;
            if !force
                && !confirm(
                    "WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ",
                )?
            {
                return Ok(0);
            }
            let crate::engine::Pruned {
                removed: names,
                reclaimed_bytes: bytes,
            } = volume::prune(&p.paths, all, &filter)?;
            let mut out = stdout();
            crate::cli::prune::section(&mut out, "Volumes", &names)?;
            crate::cli::prune::total(&mut out, bytes)?;
            Ok(0)
        }
    }
}
