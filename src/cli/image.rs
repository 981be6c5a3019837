//! Image commands: pull, images, image inspect, tag, rmi, image prune, login, logout.

use super::GlobalOpts;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum ImageCommand {}

pub fn run(cmd: ImageCommand, _g: &GlobalOpts) -> anyhow::Result<i32> {
    match cmd {}
}
