//! The `run` fast path (issue 14): clap builds berth's whole command tree (some 1,500 arguments, about
//! 800 KB of heap) before it parses anything, about 2 ms of every command. `berth run ...` is the one
//! command whose start-up is measured against runtimes that start in 10 ms, so it is parsed by a command
//! that holds only the global options and `run`'s own arguments, built from the same derive
//! definitions. Anything that parser does not accept cleanly (an error, `--help`, `--version`, a word it
//! does not know) falls back to the full parser, which then prints exactly what it always did: the fast
//! path can only ever produce a parse the full parser would have produced (`fast_and_full_parsers_agree`).

use clap::{Args, Command as ClapCommand, FromArgMatches};
use std::ffi::OsString;

use super::container::{ContainerCommand, RunArgs, Verb};
use super::{Cli, Command, GlobalOpts};

/// The parse of `args` (argv without the program name) when it is a plain `run` command line the reduced
/// parser accepts; `None` sends the caller to the full parser.
pub(super) fn parse_run(args: &[OsString]) -> Option<Cli> {
    if super::verb(args, &[]) != Some("run") {
        return None;
    }
    let sub = RunArgs::augment_args(ClapCommand::new("run"));
    let cmd = GlobalOpts::augment_args(ClapCommand::new("berth"))
        .disable_help_subcommand(true)
        .subcommand(sub);
    let mut matches = cmd
        .try_get_matches_from(std::iter::once(OsString::from("berth")).chain(args.iter().cloned()))
        .ok()?;
    let global = GlobalOpts::from_arg_matches_mut(&mut matches).ok()?;
    let (name, mut sub_matches) = matches.remove_subcommand()?;
    if name != "run" {
        return None;
    }
    let run = RunArgs::from_arg_matches_mut(&mut sub_matches).ok()?;
    Some(Cli {
        global,
        command: Command::Container(ContainerCommand::Verb(Verb::Run(Box::new(run)))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn os(v: &[&str]) -> Vec<OsString> {
        v.iter().map(OsString::from).collect()
    }

    /// Every command line the fast path accepts parses to exactly what the full parser makes of it, and
    /// the ones it must leave alone (errors, help, other verbs) are left to the full parser.
    #[test]
    fn fast_and_full_parsers_agree() {
        let accepted: &[&[&str]] = &[
            &["run", "--rm", "busybox", "true"],
            &["run", "--rm", "--network", "none", "busybox", "true"],
            &[
                "--root",
                "/r",
                "--run-root",
                "/rr",
                "run",
                "-it",
                "--rm",
                "debian",
                "sh",
            ],
            &[
                "run", "--root", "/r", "-d", "--name", "web", "-p", "8080:80", "nginx",
            ],
            &[
                "-D",
                "run",
                "-e",
                "A=1",
                "--env=B=2",
                "-v",
                "/a:/b:ro",
                "alpine",
                "sh",
                "-c",
                "echo $A",
            ],
            &[
                "--log-level",
                "debug",
                "run",
                "--memory",
                "64m",
                "--cpus",
                "1.5",
                "img",
                "--",
                "-x",
            ],
            &[
                "run",
                "--detach=false",
                "--sig-proxy=false",
                "img",
                "ls",
                "-la",
                "--help",
            ],
            &[
                "run",
                "--init",
                "--pid",
                "host",
                "--cap-add",
                "NET_ADMIN",
                "img",
            ],
        ];
        for argv in accepted {
            let fast = parse_run(&os(argv)).unwrap_or_else(|| panic!("fast path refused {argv:?}"));
            let full = Cli::try_parse_from(std::iter::once("berth").chain(argv.iter().copied()))
                .unwrap_or_else(|e| panic!("full parser refused {argv:?}: {e}"));
            assert_eq!(format!("{fast:?}"), format!("{full:?}"), "{argv:?}");
        }
        let refused: &[&[&str]] = &[
            &["run"],
            &["run", "--help"],
            &["run", "--version"],
            &["run", "--no-such-flag", "img"],
            &["run", "--detach=maybe", "img"],
            &["--version"],
            &["ps", "-a"],
            &["container", "run", "img"],
            &["--root", "run", "ps"],
            &["pull", "run"],
        ];
        for argv in refused {
            assert!(parse_run(&os(argv)).is_none(), "fast path took {argv:?}");
        }
    }
}
