//! System commands: version, info, config default, and the hidden generators.

use super::GlobalOpts;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum SystemCommand {
    /// Show the berth version information
    Version,
}

pub fn run(cmd: SystemCommand, _g: &GlobalOpts) -> anyhow::Result<i32> {
    match cmd {
        SystemCommand::Version => {
            println!("berth version {}", env!("CARGO_PKG_VERSION"));
            Ok(0)
        }
    }
}
