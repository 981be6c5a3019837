//! Container commands: run, create, start, ps, logs, exec, stop, kill, rm, inspect, ... and volumes.

use super::GlobalOpts;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ContainerCommand {}

pub fn run(cmd: ContainerCommand, _g: &GlobalOpts) -> anyhow::Result<i32> {
    match cmd {}
}
