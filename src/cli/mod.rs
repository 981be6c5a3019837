//! The command line: clap definitions, parsing of human strings, and all printing.
//! The only module that writes to stdout or knows about terminals. Nothing else calls `process::exit`.
//!
//! Each command group lives in its own file and contributes a flattened subcommand enum,
//! so `berth pull` and `berth image pull` are the same code.

pub mod container;
pub mod image;
pub mod registry;
pub mod system;

use clap::{Parser, Subcommand};
use std::path::PathBuf;

/// Exit code docker uses for its own errors (bad flags, engine failures during `run`).
pub const EXIT_USAGE: i32 = 125;

/// An error that carries the exit code the process must end with (docker's 125/126/127,
/// or a container's own status). Anything else maps to 1.
#[derive(Debug, thiserror::Error)]
#[error("{msg}")]
pub struct StatusError {
    pub code: i32,
    pub msg: String,
}

#[derive(Debug, Parser)]
#[command(name = "berth", version, about = "A daemonless, docker-compatible container engine")]
#[command(disable_help_subcommand = true, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalOpts,
    #[command(subcommand)]
    pub command: Command,
}

/// Options every command takes. Paths default per root/rootless (see `store::Paths`).
#[derive(Debug, Clone, clap::Args, Default)]
pub struct GlobalOpts {
    /// Persistent storage root (images, layers, containers)
    #[arg(long, global = true, env = "BERTH_ROOT", value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Volatile state directory (pids, locks, mounts)
    #[arg(long = "run-root", global = true, env = "BERTH_RUN_ROOT", value_name = "DIR")]
    pub run_root: Option<PathBuf>,
    /// Configuration file (default /etc/berth/config.toml, rootless ~/.config/berth/config.toml)
    #[arg(long, global = true, env = "BERTH_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Show debug output (which endpoint served what, and why one failed)
    #[arg(long, short = 'D', global = true)]
    pub debug: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(flatten)]
    Image(image::ImageCommand),
    #[command(flatten)]
    Container(container::ContainerCommand),
    #[command(flatten)]
    Registry(registry::RegistryCommand),
    #[command(flatten)]
    System(system::SystemCommand),
}

/// Parse, dispatch, and turn the result into an exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            use clap::error::ErrorKind;
            let code = match e.kind() {
                ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => 0,
                _ => EXIT_USAGE,
            };
            let _ = e.print();
            return code;
        }
    };
    let result = match cli.command {
        Command::Image(c) => image::run(c, &cli.global),
        Command::Container(c) => container::run(c, &cli.global),
        Command::Registry(c) => registry::run(c, &cli.global),
        Command::System(c) => system::run(c, &cli.global),
    };
    match result {
        Ok(code) => code,
        Err(e) => report_error(&e),
    }
}

/// Print an error chain once, as docker does (`Error: ...`), and pick the exit code.
pub fn report_error(e: &anyhow::Error) -> i32 {
    if let Some(io) = e.downcast_ref::<std::io::Error>()
        && io.kind() == std::io::ErrorKind::BrokenPipe
    {
        return 0;
    }
    eprintln!("Error: {e:#}");
    match e.downcast_ref::<StatusError>() {
        Some(s) => s.code,
        None => 1,
    }
}
