//! Registry commands: login, logout.

use super::GlobalOpts;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum RegistryCommand {}

pub fn run(cmd: RegistryCommand, _g: &GlobalOpts) -> anyhow::Result<i32> {
    match cmd {}
}
