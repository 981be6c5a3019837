//! Container commands: run, create, start, ps, logs, exec, stop, kill, restart, rm, wait, inspect, rename,
//! pause/unpause, port, container prune, and the volume group. Every verb also answers as
//! `berth container <verb>`. Parses docker's flags into `types::ContainerConfig` and prints docker's output.
//! The hidden `internal monitor` verb is the per-container supervisor's entry point.
//!
//! This file holds the command tree and the verbs that are one engine call; the others have a file each:
//! run.rs (run/create/start and their flags), ps.rs (ps, top, container prune), logs.rs, inspect.rs,
//! exec.rs, attach.rs, stats.rs, ops.rs (update, commit, export, import), volumes.rs.

use super::{GlobalOpts, StatusError, format, human, stdout};
use crate::engine::container::{self as ctr, ExitCodeError};
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use std::io::Write;

mod attach;
mod exec;
mod inspect;
mod logs;
pub mod ops;
mod parse;
pub(crate) mod ps;
mod run;
mod stats;
mod volumes;

pub use inspect::InspectArgs;
pub use logs::LogsArgs;
pub use ps::{PruneArgs, PsArgs};
pub use run::{CreateArgs, CreateFlags, ResourceFlags, RunArgs, StartArgs};
pub use volumes::VolumeCommand;

use inspect::inspect_cmd;
use logs::logs_cmd;
use ps::{prune, ps, top};
use run::{create_from_flags, run_cmd, start_cmd};
use volumes::volume_cmd;

#[derive(Debug, Subcommand)]
pub enum ContainerCommand {
    #[command(flatten)]
    Verb(Verb),
    /// Manage containers
    Container {
        #[command(subcommand)]
        cmd: ContainerSub,
    },
    /// Manage volumes
    Volume {
        #[command(subcommand)]
        cmd: VolumeCommand,
    },
    #[command(hide = true)]
    Internal {
        #[command(subcommand)]
        cmd: InternalCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum ContainerSub {
    #[command(flatten)]
    Verb(Verb),
    /// List containers
    #[command(visible_alias = "list")]
    Ls(PsArgs),
    /// Remove all stopped containers
    Prune(PruneArgs),
}

#[derive(Debug, Subcommand)]
pub enum InternalCommand {
    /// The per-container supervisor (started by berth itself)
    Monitor {
        id: String,
        /// Wait for one attach client before launching
        #[arg(long)]
        attach: bool,
        /// Started before the container was created: wait for the go byte on fd 5 first
        #[arg(long, hide = true)]
        wait_go: bool,
        /// Meanwhile make the container's cgroup directories (`berth/<id>`)
        #[arg(long, hide = true)]
        early_cgroup: bool,
    },
    /// The pod infra process: hold the pod's namespaces and reap orphans
    Pause,
    /// `--init`: run COMMAND as a child, forward signals, reap orphans
    Init {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// One stage of a build, for `berth build` (its job on stdin, progress on stdout)
    BuildStage,
}

#[derive(Debug, Subcommand)]
pub enum Verb {
    /// Create and run a new container from an image
    Run(Box<RunArgs>),
    /// Create a new container
    Create(Box<CreateArgs>),
    /// Start one or more stopped containers
    Start(StartArgs),
    /// List containers
    Ps(PsArgs),
    /// Fetch the logs of a container
    Logs(LogsArgs),
    /// Execute a command in a running container
    Exec(exec::ExecArgs),
    /// Stop one or more running containers
    Stop(StopArgs),
    /// Restart one or more containers
    Restart(StopArgs),
    /// Kill one or more running containers
    Kill(KillArgs),
    /// Remove one or more containers
    Rm(RmArgs),
    /// Block until one or more containers stop, then print their exit codes
    Wait(NamesArgs),
    /// Return low-level information on containers and volumes
    Inspect(InspectArgs),
    /// Rename a container
    Rename { container: String, new_name: String },
    /// List port mappings or a specific mapping for the container
    Port {
        container: String,
        private_port: Option<String>,
    },
    /// Pause all processes within one or more containers
    Pause(NamesArgs),
    /// Unpause all processes within one or more containers
    Unpause(NamesArgs),
    /// Display the running processes of a container
    Top {
        container: String,
        /// ps options (default -ef)
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        ps_args: Vec<String>,
    },
    /// Inspect changes to files or directories on a container's filesystem
    Diff { container: String },
    /// Attach local standard input, output, and error streams to a running container
    Attach {
        /// Do not attach STDIN
        #[arg(long = "no-stdin")]
        no_stdin: bool,
        /// Proxy all received signals to the process
        #[arg(long = "sig-proxy", action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
              default_value = "true", default_missing_value = "true", value_parser = super::go_bool)]
        sig_proxy: bool,
        container: String,
        /// Override the key sequence for detaching a container
        #[arg(long = "detach-keys")]
        detach_keys: Option<String>,
    },
    /// Copy files/folders between a container and the local filesystem
    ///
    /// Use '-' as the source to read a tar archive from stdin and extract it to a directory destination
    /// in a container. Use '-' as the destination to stream a tar archive of a container source to
    /// stdout.
    Cp {
        /// Archive mode (copy all uid/gid information)
        #[arg(short = 'a', long)]
        archive: bool,
        /// Always follow symbol link in SRC_PATH
        #[arg(short = 'L', long = "follow-link")]
        follow_link: bool,
        /// Suppress progress output during copy (berth prints none)
        #[arg(short = 'q', long)]
        quiet: bool,
        src: String,
        dest: String,
    },
    /// Display a live stream of container(s) resource usage statistics
    Stats(StatsArgs),
    /// Update configuration of one or more containers
    Update(ops::UpdateArgs),
    /// Create a new image from a container's changes
    Commit(ops::CommitArgs),
    /// Export a container's filesystem as a tar archive
    Export(ops::ExportArgs),
}

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Disable streaming stats and only pull the first result
    #[arg(long = "no-stream")]
    pub no_stream: bool,
    /// Show all containers (default shows just running)
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Do not truncate output
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,
    /// Format output using a custom template
    #[arg(long)]
    pub format: Option<String>,
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct StopArgs {
    /// Seconds to wait before killing the container
    #[arg(
        short = 't',
        long = "time",
        alias = "timeout",
        allow_hyphen_values = true
    )]
    pub time: Option<i64>,
    /// Signal to send to the container
    #[arg(short = 's', long)]
    pub signal: Option<String>,
    #[arg(required = true)]
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct KillArgs {
    /// Signal to send to the container
    #[arg(short = 's', long, default_value = "KILL")]
    pub signal: String,
    #[arg(required = true)]
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// Force the removal of a running container (uses SIGKILL)
    #[arg(short = 'f', long)]
    pub force: bool,
    /// Remove anonymous volumes associated with the container
    #[arg(short = 'v', long)]
    pub volumes: bool,
    #[arg(required = true)]
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct NamesArgs {
    #[arg(required = true)]
    pub containers: Vec<String>,
}

/// The engine context every container and pod verb takes ([`crate::cli::engine_context`]).
fn paths(g: &GlobalOpts) -> Result<crate::engine::Context> {
    crate::cli::engine_context(g)
}

/// An error with docker's exit code for `run`/`create`: berth's own failures are 125.
fn exit_err(code: i32, e: &anyhow::Error) -> anyhow::Error {
    anyhow::Error::new(StatusError {
        code,
        msg: format!("{e:#}"),
    })
}

pub fn run(cmd: ContainerCommand, g: &GlobalOpts) -> Result<i32> {
    match cmd {
        ContainerCommand::Verb(v) => verb(v, g),
        ContainerCommand::Container { cmd } => match cmd {
            // `container inspect` looks for containers only ("No such container: X").
            ContainerSub::Verb(Verb::Inspect(mut a)) => {
                a.kind = Some("container".into());
                verb(Verb::Inspect(a), g)
            }
            ContainerSub::Verb(v) => verb(v, g),
            ContainerSub::Ls(a) => ps(&paths(g)?, &a),
            ContainerSub::Prune(a) => prune(&paths(g)?, &a),
        },
        ContainerCommand::Volume { cmd } => volume_cmd(&paths(g)?, cmd),
        ContainerCommand::Internal { cmd } => match cmd {
            InternalCommand::Monitor {
                id,
                attach,
                wait_go,
                early_cgroup,
            } => monitor_cmd(
                g,
                &id,
                ctr::MonitorFlags {
                    attach,
                    wait_go,
                    early_cgroup,
                },
            ),
            InternalCommand::Pause => Ok(ctr::run_pause()),
            InternalCommand::Init { args } => Ok(ctr::run_reaper(&args)),
            InternalCommand::BuildStage => crate::cli::build::build_stage(g),
        },
    }
}

/// `internal monitor <id>`: what `start` re-executes berth as (also reached without clap, see
/// [`super::monitor_fast_path`]).
pub(crate) fn monitor_cmd(g: &GlobalOpts, id: &str, flags: ctr::MonitorFlags) -> Result<i32> {
    let p = crate::engine::Paths::resolve(g.root.as_deref(), g.run_root.as_deref())?;
    monitor_main(&p, id, flags)
}

/// The monitor of container `id`, exec'd ([`monitor_cmd`]) or forked by `run` (`ctr::prespawn_monitor`):
/// `run_monitor` with its exit hook. An `--rm` container's shareable /dev/shm goes with it; a pod
/// member's exit may end its pod (`--exit-policy stop`), decided by engine::pod with an engine context
/// (which loads the config) built only then, off the path of every other container.
pub(crate) fn monitor_main(
    p: &crate::engine::Paths,
    id: &str,
    flags: ctr::MonitorFlags,
) -> Result<i32> {
    let on_exit = |rec: &crate::types::ContainerRecord| {
        if rec.config.auto_remove {
            ctr::release_shm(p, &rec.id)?;
        }
        if rec.config.pod.is_none() {
            return Ok(());
        }
        let ctx = crate::engine::Context::lenient(Some(&p.root), Some(&p.run_root), None)?;
        crate::engine::pod::member_exited(&ctx, rec)
    };
    ctr::run_monitor(p, id, flags, &on_exit)
}

pub(crate) fn verb(v: Verb, g: &GlobalOpts) -> Result<i32> {
    // `run`/`create` fail with docker's 125 for berth's own errors, a config that does not load too.
    let p = match &v {
        Verb::Run(_) | Verb::Create(_) => paths(g).map_err(|e| as_125(&e))?,
        _ => paths(g)?,
    };
    crate::trace::mark("engine context");
    match v {
        Verb::Run(a) => run_cmd(&p, *a),
        Verb::Create(a) => {
            let id = create_from_flags(&p, &a.flags, None).map_err(|e| as_125(&e))?;
            writeln!(stdout(), "{id}")?;
            Ok(0)
        }
        Verb::Start(a) => start_cmd(&p, &a),
        Verb::Ps(a) => ps(&p, &a),
        Verb::Logs(a) => logs_cmd(&p, &a),
        Verb::Exec(a) => exec::exec_cmd(&p, a),
        Verb::Stop(a) => {
            let sig = stop_signal_flag(&a)?;
            for_each_arg(&a.containers, |c| {
                ctr::stop(&p, c, a.time, sig).map(|_| Some(c.to_string()))
            })
        }
        Verb::Restart(a) => {
            let sig = stop_signal_flag(&a)?;
            for_each_arg(&a.containers, |c| {
                ctr::restart(&p, c, a.time, sig)?;
                Ok(Some(c.to_string()))
            })
        }
        Verb::Kill(a) => {
            let sig = crate::engine::container::parse_signal(&a.signal)
                .map_err(|_| exit_err(1, &anyhow::anyhow!("invalid signal: {}", a.signal)))?;
            for_each_arg(&a.containers, |c| {
                ctr::kill(&p, c, sig).map(|_| Some(c.to_string()))
            })
        }
        Verb::Rm(a) => for_each_arg(&a.containers, |c| {
            ctr::remove(&p, c, a.force, a.volumes).map(|_| Some(c.to_string()))
        }),
        Verb::Wait(a) => for_each_arg(&a.containers, |c| {
            ctr::wait(&p, c).map(|code| Some(code.to_string()))
        }),
        Verb::Inspect(a) => inspect_cmd(&p, &a),
        Verb::Rename {
            container,
            new_name,
        } => {
            ctr::rename(&p, &container, &new_name)?;
            Ok(0)
        }
        Verb::Pause(a) => for_each_arg(&a.containers, |c| {
            ctr::set_paused(&p, c, true).map(|_| Some(c.to_string()))
        }),
        Verb::Unpause(a) => for_each_arg(&a.containers, |c| {
            ctr::set_paused(&p, c, false).map(|_| Some(c.to_string()))
        }),
        Verb::Top { container, ps_args } => top(&p, &container, &ps_args),
        Verb::Diff { container } => {
            let mut out = stdout();
            for ch in ctr::diff(&p, &container)? {
                writeln!(out, "{} {}", ch.kind, ch.path)?;
            }
            Ok(0)
        }
        Verb::Stats(a) => stats::stats(&p, &a),
        Verb::Update(a) => ops::update(&p, &a),
        Verb::Commit(a) => ops::commit(g, &a),
        Verb::Export(a) => ops::export(&p, &a),
        Verb::Attach {
            no_stdin,
            sig_proxy,
            container,
            detach_keys,
        } => {
            let o = attach::StreamOptions {
                detach_keys: attach::parse_detach_keys(detach_keys.as_deref().unwrap_or(""))?,
                ..Default::default()
            };
            let a = ctr::attach(&p, &container)?;
            let stdin = a.interactive && !no_stdin;
            attach::stream_with(&p, &a.id, a.conn, a.tty, stdin, sig_proxy, &o)
        }
        Verb::Cp {
            archive,
            follow_link,
            quiet: _,
            src,
            dest,
        } => {
            // CONTAINER:PATH on exactly one side (docker's rule; a local path with ':' needs ./).
            let split = |s: &str| -> Option<(String, String)> {
                if s.starts_with('/') || s.starts_with('.') {
                    return None;
                }
                s.split_once(':')
                    .map(|(c, p)| (c.to_string(), p.to_string()))
            };
            let o = ctr::CopyOptions {
                archive,
                follow_link,
            };
            match (split(&src), split(&dest)) {
                (Some((c, path)), None) if dest == "-" => {
                    let mut out = std::io::stdout().lock();
                    ctr::copy_tar_out(&p, &c, &path, o, &mut out)?
                }
                (None, Some((c, path))) if src == "-" => {
                    let mut input = std::io::stdin().lock();
                    ctr::copy_tar_in(&p, &c, &path, &mut input)?
                }
                (Some((c, path)), None) => {
                    ctr::copy(&p, &c, false, &path, std::path::Path::new(&dest), o)?
                }
                (None, Some((c, path))) => {
                    ctr::copy(&p, &c, true, &path, std::path::Path::new(&src), o)?
                }
                (Some(_), Some(_)) => bail!("copying between containers is not supported"),
                (None, None) => bail!("must specify at least one container source"),
            }
            Ok(0)
        }
        Verb::Port {
            container,
            private_port,
        } => {
            let id = ctr::get(&p, &container)?.record.id;
            let ports = crate::engine::network::published_ports(&p.paths, &id);
            let mut out = super::stdout();
            super::network::write_ports(&mut out, &ports, private_port.as_deref(), &container)?;
            Ok(0)
        }
    }
}

fn stop_signal_flag(a: &StopArgs) -> Result<Option<i32>> {
    a.signal
        .as_deref()
        .map(crate::engine::container::parse_signal)
        .transpose()
}

/// Map an error of `run`/`create` to docker's code: 125 unless it already carries one.
fn as_125(e: &anyhow::Error) -> anyhow::Error {
    if let Some(s) = e.downcast_ref::<StatusError>() {
        return anyhow::Error::new(StatusError {
            code: s.code,
            msg: s.msg.clone(),
        });
    }
    if let Some(s) = e.downcast_ref::<ExitCodeError>() {
        return exit_err(s.code, e);
    }
    exit_err(125, e)
}

/// Run `f` for every argument: print what it returns, report each failure on stderr, exit 1 if any failed
/// (docker's `rm a b c`, `stop`, `kill`, `wait`).
fn for_each_arg(args: &[String], mut f: impl FnMut(&str) -> Result<Option<String>>) -> Result<i32> {
    let mut code = 0;
    for a in args {
        match f(a) {
            Ok(Some(line)) => writeln!(stdout(), "{line}")?,
            Ok(None) => {}
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "Error response from daemon: {e:#}");
                code = 1;
            }
        }
    }
    Ok(code)
}
