//! Shell completions and man pages, generated from the clap definitions.
//!
//! Owns the names and contents of everything under `completions/` and `man/`. Depends only on the
//! `Cli` definition. Invariant: the committed files equal [`generated_files`] (a test in
//! `tests/cli.rs` fails when they drift; `BERTH_BLESS=1 cargo test --test main generated`
//! rewrites them).

use super::Cli;
use anyhow::{Context, Result};
use clap::CommandFactory;
use clap_complete::Shell;
use std::io::Write;
use std::path::PathBuf;

/// The shells berth ships completions for, with the file each one is committed as (the names the
/// shells' completion loaders look for).
pub const SHELLS: [(Shell, &str); 3] = [
    (Shell::Bash, "completions/berth.bash"),
    (Shell::Zsh, "completions/_berth"),
    (Shell::Fish, "completions/berth.fish"),
];

/// Write the completion script for `shell` (`berth completion bash`).
pub fn write_completion(shell: Shell, out: &mut dyn Write) -> Result<()> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "berth", &mut buf);
    out.write_all(&buf).context("writing completion script")
}

/// One roff page per visible command and subcommand: `berth.1`, `berth-pull.1`, ...
pub fn man_pages() -> Result<Vec<(String, Vec<u8>)>> {
    fn walk(cmd: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<()> {
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            walk(sub, pages)?;
        }
        let man = clap_mangen::Man::new(cmd);
        let mut buf = Vec::new();
        man.render(&mut buf).context("rendering man page")?;
        pages.push((man.get_filename(), buf));
        Ok(())
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut pages = Vec::new();
    walk(cmd, &mut pages)?;
    pages.sort();
    Ok(pages)
}

/// Every generated file with its path relative to the repository root.
pub fn generated_files() -> Result<Vec<(PathBuf, Vec<u8>)>> {
    let mut files = Vec::new();
    for (shell, path) in SHELLS {
        let mut buf = Vec::new();
        write_completion(shell, &mut buf)?;
        files.push((PathBuf::from(path), buf));
    }
    for (name, page) in man_pages()? {
        files.push((PathBuf::from("man").join(name), page));
    }
    Ok(files)
}
