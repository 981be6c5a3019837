//! Container commands: run, create, start, ps, logs, exec, stop, kill, restart, rm, wait, inspect, rename,
//! pause/unpause, port, container prune, and the volume group. Every verb also answers as
//! `berth container <verb>`. Parses docker's flags into `spec::RunOptions` and prints docker's output.
//! The hidden `internal monitor` verb is the per-container supervisor's entry point.

use super::{GlobalOpts, StatusError, filter, format, human, stdout};
use crate::engine::container::{self as ctr, ExitCodeError, ImageInfo, LogOptions};
use crate::engine::volume;
use crate::spec::{MountKind, MountRequest, RunOptions, SeccompChoice, Ulimit};
use crate::state::list::Listed;
use crate::state::{StateError, Status};
use crate::store::Paths;
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::PathBuf;
use std::time::SystemTime;

#[path = "container_attach.rs"]
mod attach;
#[path = "container_exec.rs"]
mod exec;
#[path = "container_ops.rs"]
pub mod ops;
#[path = "container_stats.rs"]
mod stats;

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
    },
    /// The pod infra process: hold the pod's namespaces and reap orphans
    Pause,
    /// `--init`: run COMMAND as a child, forward signals, reap orphans
    Init {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
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
    },
    /// Copy files/folders between a container and the local filesystem
    Cp { src: String, dest: String },
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

/// Flags shared by `run` and `create` (docker/cli `container/opts.go`).
#[derive(Debug, Clone, Args)]
pub struct CreateFlags {
    /// Assign a name to the container
    #[arg(long)]
    pub name: Option<String>,
    /// Set environment variables
    #[arg(short = 'e', long = "env")]
    pub env: Vec<String>,
    /// Read in a file of environment variables
    #[arg(long = "env-file")]
    pub env_file: Vec<PathBuf>,
    /// Overwrite the default ENTRYPOINT of the image
    #[arg(long)]
    pub entrypoint: Option<String>,
    /// Working directory inside the container
    #[arg(short = 'w', long)]
    pub workdir: Option<String>,
    /// Username or UID (format: <name|uid>[:<group|gid>])
    #[arg(short = 'u', long)]
    pub user: Option<String>,
    /// Container host name
    #[arg(short = 'h', long)]
    pub hostname: Option<String>,
    /// Set meta data on a container (docker's `-l` short form collides with the global `-l, --log-level`)
    #[arg(long = "label")]
    pub label: Vec<String>,
    /// Bind mount a volume
    #[arg(short = 'v', long = "volume")]
    pub volume: Vec<String>,
    /// Attach a filesystem mount to the container
    #[arg(long)]
    pub mount: Vec<String>,
    /// Mount a tmpfs directory
    #[arg(long)]
    pub tmpfs: Vec<String>,
    /// Mount the container's root filesystem as read only
    #[arg(long = "read-only", action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "false", default_missing_value = "true", value_parser = super::go_bool)]
    pub read_only: bool,
    /// Add Linux capabilities
    #[arg(long = "cap-add")]
    pub cap_add: Vec<String>,
    /// Drop Linux capabilities
    #[arg(long = "cap-drop")]
    pub cap_drop: Vec<String>,
    /// Give extended privileges to this container
    #[arg(long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "false", default_missing_value = "true", value_parser = super::go_bool)]
    pub privileged: bool,
    /// Security Options
    #[arg(long = "security-opt")]
    pub security_opt: Vec<String>,
    #[command(flatten)]
    pub resources: ResourceFlags,
    /// Ulimit options
    #[arg(long)]
    pub ulimit: Vec<String>,
    /// Size of /dev/shm
    #[arg(long = "shm-size")]
    pub shm_size: Option<String>,
    /// Allocate a pseudo-TTY
    #[arg(short = 't', long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "false", default_missing_value = "true", value_parser = super::go_bool)]
    pub tty: bool,
    /// Keep STDIN open even if not attached
    #[arg(short = 'i', long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "false", default_missing_value = "true", value_parser = super::go_bool)]
    pub interactive: bool,
    /// Signal to stop the container
    #[arg(long = "stop-signal")]
    pub stop_signal: Option<String>,
    /// Timeout (in seconds) to stop a container
    #[arg(long = "stop-timeout", allow_hyphen_values = true)]
    pub stop_timeout: Option<i64>,
    /// Connect a container to a network (bridge, none, host, container:<name|id>, or a network name)
    #[arg(long = "network", alias = "net", default_value = "bridge")]
    pub network: String,
    /// Run the container in an existing pod, or "new:NAME" to create it (podman)
    #[arg(long)]
    pub pod: Option<String>,
    /// Run an init inside the container that forwards signals and reaps processes
    #[arg(long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "false", default_missing_value = "true", value_parser = super::go_bool)]
    pub init: bool,
    #[command(flatten)]
    pub net: Box<super::network::NetFlags>,
    /// Automatically remove the container when it exits
    #[arg(long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "false", default_missing_value = "true", value_parser = super::go_bool)]
    pub rm: bool,
    /// Restart policy to apply when a container exits ("no", "always", "on-failure[:max-retries]",
    /// "unless-stopped")
    #[arg(long, default_value = "no")]
    pub restart: String,
    /// Pull image before running ("always", "missing", "never")
    #[arg(long, default_value = "missing")]
    pub pull: String,
    /// Suppress the pull output
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Print usage
    #[arg(long, action = clap::ArgAction::Help)]
    pub help: Option<bool>,
    /// The image, then the command and its arguments
    #[arg(
        required = true,
        trailing_var_arg = true,
        value_name = "IMAGE [COMMAND] [ARG...]"
    )]
    pub image_and_cmd: Vec<String>,
}

/// The resource flags `run`/`create` and `update` share (docker/cli's container options).
#[derive(Debug, Clone, Args)]
pub struct ResourceFlags {
    /// Memory limit
    #[arg(short = 'm', long)]
    pub memory: Option<String>,
    /// Swap limit equal to memory plus swap: '-1' to enable unlimited swap
    #[arg(long = "memory-swap", allow_hyphen_values = true)]
    pub memory_swap: Option<String>,
    /// Number of CPUs
    #[arg(long)]
    pub cpus: Option<f64>,
    /// CPU shares (relative weight)
    #[arg(short = 'c', long = "cpu-shares")]
    pub cpu_shares: Option<u64>,
    /// CPUs in which to allow execution (0-3, 0,1)
    #[arg(long = "cpuset-cpus")]
    pub cpuset_cpus: Option<String>,
    /// Tune container pids limit (set -1 for unlimited)
    #[arg(long = "pids-limit", allow_hyphen_values = true)]
    pub pids_limit: Option<i64>,
}

#[derive(Debug, Args)]
#[command(disable_help_flag = true)]
pub struct RunArgs {
    /// Run container in background and print container ID
    #[arg(short = 'd', long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "false", default_missing_value = "true", value_parser = super::go_bool)]
    pub detach: bool,
    /// Proxy received signals to the process
    #[arg(long = "sig-proxy", action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "true", default_missing_value = "true", value_parser = super::go_bool)]
    pub sig_proxy: bool,
    #[command(flatten)]
    pub flags: CreateFlags,
}

#[derive(Debug, Args)]
#[command(disable_help_flag = true)]
pub struct CreateArgs {
    #[command(flatten)]
    pub flags: CreateFlags,
}

#[derive(Debug, Args)]
pub struct StartArgs {
    /// Attach STDOUT/STDERR and forward signals
    #[arg(short = 'a', long)]
    pub attach: bool,
    /// Attach container's STDIN
    #[arg(short = 'i', long)]
    pub interactive: bool,
    #[arg(required = true)]
    pub containers: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PsArgs {
    /// Show all containers (default shows just running)
    #[arg(short = 'a', long)]
    pub all: bool,
    /// Only display container IDs
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Show the latest created container (includes all states; `-l` is the global --log-level here)
    #[arg(long)]
    pub latest: bool,
    /// Show n last created containers (includes all states)
    #[arg(short = 'n', long = "last", default_value_t = -1, allow_hyphen_values = true)]
    pub last: i64,
    /// Display total file sizes
    #[arg(short = 's', long)]
    pub size: bool,
    /// Don't truncate output
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,
    /// Filter output based on conditions provided
    #[arg(short = 'f', long = "filter")]
    pub filter: Vec<String>,
    /// Format output using a custom template
    #[arg(long)]
    pub format: Option<String>,
    /// Print the ID and name of the pod the containers are associated with (podman)
    #[arg(long)]
    pub pod: bool,
}

#[derive(Debug, Args)]
pub struct PruneArgs {
    /// Do not prompt for confirmation
    #[arg(short = 'f', long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Follow log output
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Number of lines to show from the end of the logs
    #[arg(short = 'n', long, default_value = "all")]
    pub tail: String,
    /// Show timestamps
    #[arg(short = 't', long)]
    pub timestamps: bool,
    /// Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)
    #[arg(long)]
    pub since: Option<String>,
    /// Show logs before a timestamp or relative
    #[arg(long)]
    pub until: Option<String>,
    pub container: String,
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

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Format output using a custom template
    #[arg(short = 'f', long)]
    pub format: Option<String>,
    /// Return JSON for specified type
    #[arg(long = "type")]
    pub kind: Option<String>,
    #[arg(required = true)]
    pub names: Vec<String>,
}

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
    },
    /// List volumes
    #[command(visible_alias = "list")]
    Ls {
        #[arg(short = 'q', long)]
        quiet: bool,
        #[arg(long)]
        format: Option<String>,
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
    },
}

fn paths(g: &GlobalOpts) -> Result<Paths> {
    Paths::resolve(g.root.as_deref(), g.run_root.as_deref())
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
            } => monitor_cmd(g, &id, attach, wait_go),
            InternalCommand::Pause => Ok(crate::monitor::pause::run()),
            InternalCommand::Init { args } => Ok(crate::monitor::pause::run_init(&args)),
        },
    }
}

/// `internal monitor <id>`: what `start` re-executes berth as (also reached without clap, see
/// [`super::monitor_fast_path`]).
pub(crate) fn monitor_cmd(g: &GlobalOpts, id: &str, attach: bool, wait_go: bool) -> Result<i32> {
    let p = paths(g)?;
    if wait_go && !crate::monitor::wait_go() {
        return Ok(0);
    }
    if crate::engine::pod::monitor_needs_seal(&p, id) {
        crate::runtime::seal::ensure_sealed()?;
    }
    // A pod member's exit may end its pod (`--exit-policy stop`): decided by engine::pod.
    let on_exit = |rec: &crate::state::ContainerRecord| crate::engine::pod::member_exited(&p, rec);
    Ok(crate::monitor::run(&p, id, attach, &on_exit))
}

fn verb(v: Verb, g: &GlobalOpts) -> Result<i32> {
    let p = paths(g)?;
    match v {
        Verb::Run(a) => run_cmd(&p, g, *a),
        Verb::Create(a) => {
            let id = create_from_flags(&p, g, &a.flags, None).map_err(|e| as_125(&e))?;
            writeln!(stdout(), "{id}")?;
            Ok(0)
        }
        Verb::Start(a) => start_cmd(&p, &a),
        Verb::Ps(a) => ps(&p, &a),
        Verb::Logs(a) => logs_cmd(&p, &a),
        Verb::Exec(a) => exec::exec_cmd(&p, a),
        Verb::Stop(a) => {
            let sig = stop_signal_flag(&a)?;
            each(&a.containers, |c| {
                ctr::stop(&p, c, a.time, sig).map(|_| Some(c.to_string()))
            })
        }
        Verb::Restart(a) => {
            let sig = stop_signal_flag(&a)?;
            each(&a.containers, |c| {
                ctr::stop(&p, c, a.time, sig)?;
                ctr::start(&p, c, false)?;
                Ok(Some(c.to_string()))
            })
        }
        Verb::Kill(a) => {
            let sig = crate::spec::parse_signal(&a.signal)
                .map_err(|_| exit_err(1, &anyhow::anyhow!("invalid signal: {}", a.signal)))?;
            each(&a.containers, |c| {
                ctr::kill(&p, c, sig).map(|_| Some(c.to_string()))
            })
        }
        Verb::Rm(a) => each(&a.containers, |c| {
            ctr::remove(&p, c, a.force, a.volumes).map(|_| Some(c.to_string()))
        }),
        Verb::Wait(a) => each(&a.containers, |c| {
            ctr::wait(&p, c).map(|code| Some(code.to_string()))
        }),
        Verb::Inspect(a) => inspect_cmd(&p, g, &a),
        Verb::Rename {
            container,
            new_name,
        } => {
            ctr::rename(&p, &container, &new_name)?;
            Ok(0)
        }
        Verb::Pause(a) => each(&a.containers, |c| {
            ctr::set_paused(&p, c, true).map(|_| Some(c.to_string()))
        }),
        Verb::Unpause(a) => each(&a.containers, |c| {
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
        } => {
            let (id, conn, tty, interactive) = ctr::attach(&p, &container)?;
            attach::stream(&p, &id, conn, tty, interactive && !no_stdin, sig_proxy)
        }
        Verb::Cp { src, dest } => {
            // CONTAINER:PATH on exactly one side (docker's rule; a local path with ':' needs ./).
            let split = |s: &str| -> Option<(String, String)> {
                if s.starts_with('/') || s.starts_with('.') {
                    return None;
                }
                s.split_once(':')
                    .map(|(c, p)| (c.to_string(), p.to_string()))
            };
            match (split(&src), split(&dest)) {
                (Some((c, path)), None) => {
                    ctr::copy(&p, &c, false, &path, std::path::Path::new(&dest))?
                }
                (None, Some((c, path))) => {
                    ctr::copy(&p, &c, true, &path, std::path::Path::new(&src))?
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
            let ports = crate::engine::network::published_ports(&p, &id);
            let mut out = super::stdout();
            super::network::write_ports(&mut out, &ports, private_port.as_deref(), &container)?;
            Ok(0)
        }
    }
}

fn stop_signal_flag(a: &StopArgs) -> Result<Option<i32>> {
    a.signal
        .as_deref()
        .map(crate::spec::parse_signal)
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
fn each(args: &[String], mut f: impl FnMut(&str) -> Result<Option<String>>) -> Result<i32> {
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

fn parse_kv_labels(items: &[String]) -> BTreeMap<String, String> {
    items
        .iter()
        .map(|l| match l.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (l.clone(), String::new()),
        })
        .collect()
}

/// `-e K=V`, `-e K` (value from our environment, dropped if unset), `--env-file` (same rules per line).
fn parse_env(flags: &CreateFlags) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut add = |item: &str| {
        if item.contains('=') {
            out.push(item.to_string());
        } else if let Ok(v) = std::env::var(item) {
            out.push(format!("{item}={v}"));
        }
    };
    for f in &flags.env_file {
        let data = std::fs::read_to_string(f).with_context(|| format!("open {}", f.display()))?;
        for line in data.lines() {
            let l = line.trim_start();
            if l.is_empty() || l.starts_with('#') {
                continue;
            }
            add(l);
        }
    }
    for e in &flags.env {
        if e.starts_with('=') {
            bail!("invalid environment variable: {e}");
        }
        add(e);
    }
    Ok(out)
}

/// `-v SRC:DST[:ro|rw]`, `-v DST` (anonymous), `-v name:DST`.
fn parse_volume(v: &str) -> Result<MountRequest> {
    let parts: Vec<&str> = v.split(':').collect();
    let (src, dst, mode) = match parts.as_slice() {
        [d] => ("", *d, ""),
        [s, d] => (*s, *d, ""),
        [s, d, m] => (*s, *d, *m),
        _ => bail!("invalid volume specification: '{v}'"),
    };
    let mut readonly = false;
    let mut options = Vec::new();
    for m in mode.split(',').filter(|m| !m.is_empty()) {
        match m {
            "ro" => readonly = true,
            "rw" => readonly = false,
            "z" | "Z" => {}
            "shared" | "rshared" | "slave" | "rslave" | "private" | "rprivate" | "nocopy" => {
                options.push(m.to_string())
            }
            _ => bail!("invalid mode: {m}"),
        }
    }
    if dst.is_empty() || !dst.starts_with('/') {
        bail!(
            "invalid volume specification: '{v}': invalid mount config: mount path must be absolute"
        );
    }
    let kind = if src.starts_with('/') {
        MountKind::Bind
    } else {
        MountKind::Volume
    };
    Ok(MountRequest {
        kind,
        source: src.to_string(),
        target: dst.to_string(),
        readonly,
        options: options.into_iter().filter(|o| o != "nocopy").collect(),
    })
}

/// `--mount type=bind|volume|tmpfs,source=..,target=..,readonly,tmpfs-size=..,tmpfs-mode=..`.
fn parse_mount(s: &str) -> Result<MountRequest> {
    let mut kind = MountKind::Volume;
    let (mut src, mut dst, mut ro) = (String::new(), String::new(), false);
    let mut options = Vec::new();
    for field in s.split(',') {
        let (k, v) = field.split_once('=').unwrap_or((field, ""));
        match k {
            "type" => {
                kind = match v {
                    "bind" => MountKind::Bind,
                    "volume" => MountKind::Volume,
                    "tmpfs" => MountKind::Tmpfs,
                    _ => bail!(
                        "invalid argument \"{s}\" for \"--mount\" flag: invalid mount type {v:?}"
                    ),
                }
            }
            "source" | "src" => src = v.to_string(),
            "target" | "destination" | "dst" => dst = v.to_string(),
            "readonly" | "ro" => ro = v.is_empty() || super::go_bool(v).unwrap_or(false),
            "tmpfs-size" => options.push(format!("size={}", human::parse_bytes(v)?)),
            "tmpfs-mode" => options.push(format!("mode={v}")),
            "bind-propagation" => options.push(v.to_string()),
            _ => bail!(
                "invalid argument \"{s}\" for \"--mount\" flag: unexpected key '{k}' in '{field}'"
            ),
        }
    }
    if dst.is_empty() {
        bail!("invalid argument \"{s}\" for \"--mount\" flag: target is required");
    }
    if kind == MountKind::Bind && !std::path::Path::new(&src).exists() {
        bail!("invalid mount config for type \"bind\": bind source path does not exist: {src}");
    }
    Ok(MountRequest {
        kind,
        source: src,
        target: dst,
        readonly: ro,
        options,
    })
}

/// `--tmpfs /path[:opts]`.
fn parse_tmpfs(s: &str) -> MountRequest {
    let (dst, opts) = s.split_once(':').unwrap_or((s, ""));
    let options: Vec<String> = opts
        .split(',')
        .filter(|o| !o.is_empty())
        .map(str::to_string)
        .collect();
    let readonly = options.iter().any(|o| o == "ro");
    MountRequest {
        kind: MountKind::Tmpfs,
        source: String::new(),
        target: dst.to_string(),
        readonly,
        options: options
            .into_iter()
            .filter(|o| o != "ro" && o != "rw")
            .collect(),
    }
}

/// Turn the flags into typed run options (docker's `parse` in `container/opts.go`).
pub fn run_options(flags: &CreateFlags) -> Result<(String, RunOptions)> {
    let image = flags
        .image_and_cmd
        .first()
        .context("\"run\" requires at least 1 argument")?
        .clone();
    let mut mounts = Vec::new();
    for v in &flags.volume {
        mounts.push(parse_volume(v)?);
    }
    for m in &flags.mount {
        mounts.push(parse_mount(m)?);
    }
    for t in &flags.tmpfs {
        mounts.push(parse_tmpfs(t));
    }
    let mut seccomp = SeccompChoice::Default;
    let mut no_new_privileges = false;
    for o in &flags.security_opt {
        let (k, v) = o.split_once(['=', ':']).unwrap_or((o.as_str(), ""));
        match k {
            "seccomp" if v == "unconfined" => seccomp = SeccompChoice::Unconfined,
            "seccomp" if !v.is_empty() => seccomp = SeccompChoice::Profile(PathBuf::from(v)),
            "no-new-privileges" => {
                no_new_privileges = v.is_empty() || super::go_bool(v).unwrap_or(false)
            }
            "label" | "apparmor" => {}
            _ => bail!("invalid --security-opt: {o:?}"),
        }
    }
    let mut ulimits = Vec::new();
    for u in &flags.ulimit {
        let (name, vals) = u
            .split_once('=')
            .with_context(|| format!("invalid ulimit argument: {u}"))?;
        let (s, h) = vals.split_once(':').unwrap_or((vals, vals));
        let parse = |x: &str| {
            x.parse::<u64>()
                .with_context(|| format!("invalid ulimit argument: {u}"))
        };
        ulimits.push(Ulimit {
            name: name.to_string(),
            soft: parse(s)?,
            hard: parse(h)?,
        });
    }
    let memory = flags
        .resources
        .memory
        .as_deref()
        .map(human::parse_bytes)
        .transpose()?
        .map(|m| m as i64);
    if memory.is_some_and(|m| m < 6 * 1024 * 1024) {
        bail!("Minimum memory limit allowed is 6MB");
    }
    let memory_swap = match flags.resources.memory_swap.as_deref() {
        Some("-1") => Some(-1),
        Some(s) => Some(human::parse_bytes(s)? as i64),
        None => None,
    };
    if flags.pull != "missing" && flags.pull != "always" && flags.pull != "never" {
        bail!(
            "invalid pull option: '{}': must be one of \"always\", \"missing\" or \"never\"",
            flags.pull
        );
    }
    let opts = RunOptions {
        name: flags.name.clone(),
        cmd: flags.image_and_cmd[1..].to_vec(),
        entrypoint: flags.entrypoint.clone(),
        env: parse_env(flags)?,
        workdir: flags.workdir.clone(),
        user: flags.user.clone(),
        hostname: flags.hostname.clone(),
        labels: parse_kv_labels(&flags.label),
        mounts,
        read_only: flags.read_only,
        cap_add: flags.cap_add.clone(),
        cap_drop: flags.cap_drop.clone(),
        privileged: flags.privileged,
        seccomp,
        no_new_privileges,
        memory,
        memory_swap,
        nano_cpus: flags.resources.cpus.map(|c| (c * 1e9) as i64),
        cpu_shares: flags.resources.cpu_shares,
        cpuset_cpus: flags.resources.cpuset_cpus.clone(),
        pids_limit: flags.resources.pids_limit,
        ulimits,
        shm_size: flags
            .shm_size
            .as_deref()
            .map(human::parse_bytes)
            .transpose()?,
        tty: flags.tty,
        interactive: flags.interactive,
        stop_signal: flags.stop_signal.clone(),
        stop_timeout: flags.stop_timeout,
        network: flags.network.clone(),
        net: flags.net.to_options()?,
        auto_remove: flags.rm,
        pod: None,
        init: flags.init,
        restart: crate::spec::restart::RestartPolicy::parse(&flags.restart)?,
        // Filled from the config by create_from_flags.
        rootless_storage: None,
    };
    // docker/cli `container/opts.go`: a container removed on exit cannot be restarted.
    if opts.auto_remove && !opts.restart.is_none() {
        bail!("conflicting options: cannot specify both --restart and --rm");
    }
    Ok((image, opts))
}

fn create_from_flags(
    p: &Paths,
    g: &GlobalOpts,
    flags: &CreateFlags,
    id: Option<String>,
) -> Result<String> {
    let (image, mut opts) = run_options(flags)?;
    if let Some(pod) = &flags.pod {
        super::pod::join_pod(p, pod, &mut opts)?;
    }
    let (info, storage) = resolve_image(g, &image, &flags.pull, flags.quiet)?;
    // The rootless overlay driver is fixed at create: the upper dir is written in that driver's format.
    opts.rootless_storage = (storage != Default::default()).then_some(storage);
    match id {
        Some(id) => ctr::create_with_id(p, id, &info, opts),
        None => ctr::create(p, &info, opts),
    }
}

/// Pull lines on stderr while `run`/`create` pulls a missing image (docker keeps stdout for the id).
struct StderrProgress {
    quiet: bool,
}

impl crate::engine::Progress for StderrProgress {
    fn on_layer_start(&self, id: &str, _size: u64) {
        if !self.quiet {
            eprintln!("{id}: Pulling fs layer");
        }
    }
    fn on_bytes(&self, _: &str, _: u64) {}
    fn on_layer_done(&self, id: &str, status: crate::engine::LayerStatus) {
        if !self.quiet {
            let word = match status {
                crate::engine::LayerStatus::Downloaded => "Pull complete",
                crate::engine::LayerStatus::AlreadyExists => "Already exists",
            };
            eprintln!("{id}: {word}");
        }
    }
}

/// Find the image locally, pulling it unless `--pull never` (docker prints the pull on stderr for `run`).
/// Also returns the config's `[storage]` settings, which `create` records.
fn resolve_image(
    g: &GlobalOpts,
    name: &str,
    pull: &str,
    quiet: bool,
) -> Result<(ImageInfo, crate::config::StorageSettings)> {
    let (ctx, warnings) = crate::engine::Context::new(
        g.root.as_deref(),
        g.run_root.as_deref(),
        g.config.as_deref(),
    )?;
    for w in warnings {
        eprintln!("WARNING: {w}");
    }
    let policy = match pull {
        "always" => ctr::PullPolicy::Always,
        "never" => ctr::PullPolicy::Never,
        _ => ctr::PullPolicy::Missing,
    };
    let shown = if name.contains(':') || name.contains('@') {
        name.to_string()
    } else {
        format!("{name}:latest")
    };
    let storage = ctx.config.storage.clone();
    ctr::resolve_image(&ctx, name, policy, &StderrProgress { quiet }, &mut |ev| {
        if quiet {
            return;
        }
        match ev {
            ctr::PullEvent::Starting(_) => {
                eprintln!("Unable to find image '{shown}' locally");
                // The repository the pull asks for: a registries.conf alias may name another one.
                let first = crate::engine::short_name::candidates(&ctx.config, name)
                    .ok()
                    .and_then(|(c, _)| c.into_iter().next());
                if let Some(r) = first {
                    let label = r
                        .tag()
                        .map(str::to_string)
                        .unwrap_or_else(|| "latest".into());
                    eprintln!("{label}: Pulling from {}", r.repository());
                }
            }
            ctr::PullEvent::Done(report) => {
                eprintln!("Digest: {}", report.digest);
                let word = match report.status {
                    crate::engine::image::PullStatus::Downloaded => "Downloaded newer image for",
                    crate::engine::image::PullStatus::UpToDate => "Image is up to date for",
                };
                eprintln!("Status: {word} {shown}");
            }
        }
    })
    .map(|info| (info, storage))
}

fn run_cmd(p: &Paths, g: &GlobalOpts, a: RunArgs) -> Result<i32> {
    // The monitor is started first and waits: its start-up overlaps the creation (issue 3). Not for a
    // pod's member, whose monitor may have to re-execute itself from a sealed copy once it has read the
    // container (engine::pod::monitor_needs_seal).
    let id = crate::state::new_id().map_err(|e| as_125(&e))?;
    // Forked from a thread of its own, so the fork's cost also overlaps the creation.
    let pre = a.flags.pod.is_none().then(|| {
        let (p, id, attach) = (p.clone(), id.clone(), !a.detach);
        std::thread::spawn(move || ctr::prespawn_monitor(&p, &id, attach).ok())
    });
    let created = create_from_flags(p, g, &a.flags, Some(id));
    let pre = pre.and_then(|t| t.join().ok().flatten());
    let id = created.map_err(|e| as_125(&e))?;
    let start = |attach: bool| match pre {
        Some(pre) => ctr::start_prespawned(p, pre),
        None => ctr::start(p, &id, attach),
    };
    if a.detach {
        start(false).map_err(|e| as_125(&e))?;
        writeln!(stdout(), "{id}")?;
        return Ok(0);
    }
    let started = start(true).map_err(|e| as_125(&e))?;
    let conn = started.attach.context("attaching to the container")?;
    let code = attach::stream(p, &id, conn, a.flags.tty, a.flags.interactive, a.sig_proxy)?;
    Ok(code)
}

fn start_cmd(p: &Paths, a: &StartArgs) -> Result<i32> {
    if a.attach || a.interactive {
        if a.containers.len() > 1 {
            bail!("you cannot start and attach multiple containers at once");
        }
        let s = ctr::start(p, &a.containers[0], true).map_err(|e| start_err(&e))?;
        let rec = ctr::get(p, &s.id)?.record;
        let conn = s.attach.context("attaching to the container")?;
        return attach::stream(
            p,
            &s.id,
            conn,
            rec.config.tty,
            a.interactive && rec.config.interactive,
            true,
        );
    }
    each(&a.containers, |c| {
        ctr::start(p, c, false).map_err(|e| start_err(&e))?;
        Ok(Some(c.to_string()))
    })
}

fn start_err(e: &anyhow::Error) -> anyhow::Error {
    match e.downcast_ref::<ExitCodeError>() {
        Some(x) => exit_err(x.code, e),
        None => anyhow::anyhow!("{e:#}"),
    }
}

fn parse_time(s: &Option<String>) -> Result<Option<SystemTime>> {
    s.as_deref()
        .map(|v| human::parse_timestamp(v, SystemTime::now()))
        .transpose()
}

fn logs_cmd(p: &Paths, a: &LogsArgs) -> Result<i32> {
    let tail = match a.tail.as_str() {
        "all" | "" => None,
        n => Some(
            n.parse::<i64>()
                .map(|v| if v < 0 { usize::MAX } else { v as usize })
                .unwrap_or(usize::MAX),
        ),
    };
    let tail = tail.filter(|t| *t != usize::MAX);
    let o = LogOptions {
        follow: a.follow,
        tail,
        since: parse_time(&a.since)?,
        until: parse_time(&a.until)?,
    };
    let mut out = std::io::stdout();
    let mut err = std::io::stderr();
    ctr::logs(p, &a.container, &o, &mut |e| {
        let w: &mut dyn Write = if e.stream == "stderr" {
            &mut err
        } else {
            &mut out
        };
        if a.timestamps {
            write!(w, "{} ", e.time)?;
        }
        w.write_all(e.log.as_bytes())?;
        w.flush()?;
        Ok(())
    })?;
    Ok(0)
}

/// docker's generic `inspect` also answers for images (img's engine builds that JSON).
fn inspect_image(g: &GlobalOpts, name: &str) -> Result<Value> {
    let (ctx, _) = crate::engine::Context::new(
        g.root.as_deref(),
        g.run_root.as_deref(),
        g.config.as_deref(),
    )?;
    crate::engine::image::inspect_image(&ctx, name)
}

fn inspect_cmd(p: &Paths, g: &GlobalOpts, a: &InspectArgs) -> Result<i32> {
    let mut values = Vec::new();
    let mut code = 0;
    for n in &a.names {
        let v = match a.kind.as_deref() {
            Some("volume") => volume::inspect(p, n),
            Some("container") => ctr::inspect(p, n),
            Some("image") => inspect_image(g, n),
            _ => ctr::inspect(p, n).or_else(|e| {
                if e.downcast_ref::<StateError>().is_some() {
                    inspect_image(g, n)
                        .or_else(|_| volume::inspect(p, n))
                        .map_err(|_| anyhow::anyhow!("No such object: {n}"))
                } else {
                    Err(e)
                }
            }),
        };
        match v {
            Ok(v) => values.push(v),
            Err(e) => {
                let _ = writeln!(std::io::stderr(), "Error: {e:#}");
                code = 1;
            }
        }
    }
    if !values.is_empty() || a.format.is_none() {
        format::render_inspect(&mut stdout(), a.format.as_deref(), &values)?;
    }
    Ok(code)
}

/// docker's COMMAND column: the command line, quoted, truncated to 20 characters with an ellipsis.
fn command_column(s: &Listed, trunc: bool) -> String {
    let mut cmd = s.record.path.clone();
    for a in &s.record.args {
        cmd.push(' ');
        cmd.push_str(a);
    }
    if trunc && cmd.chars().count() > 20 {
        cmd = cmd.chars().take(19).collect::<String>() + "…";
    }
    serde_json::to_string(&cmd).unwrap_or_default()
}

fn status_column(s: &Listed, now: SystemTime) -> String {
    let t = |x: &str| crate::time::parse_recorded(x).unwrap_or(now);
    match s.state.status {
        Status::Created => "Created".into(),
        Status::Running => human::status_up(t(&s.state.started_at), now, false),
        Status::Paused => human::status_up(t(&s.state.started_at), now, true),
        Status::Exited => human::status_exited(s.state.exit_code, t(&s.state.finished_at), now),
        Status::Removing => "Removal In Progress".into(),
        // docker/cli `formatter/container.go`: "Restarting (%d) %s ago" from FinishedAt.
        Status::Restarting => format!(
            "Restarting ({}) {}",
            s.state.exit_code,
            human::since(t(&s.state.finished_at), now)
        ),
    }
}

/// One `ps --filter` (docker's keys; `pod=` is handled by [`super::pod::matches_pod_filters`]).
fn matches_filter(s: &Listed, k: &str, v: &str) -> Result<bool> {
    Ok(match k {
        "name" => s.record.name.contains(v.trim_start_matches('/')),
        "id" => s.record.id.starts_with(v),
        "status" => s.state.status.as_str() == v,
        "label" => {
            let mut labels = s.record.image_config.labels.clone();
            labels.extend(s.record.config.labels.clone());
            filter::label_matches(&labels, v)
        }
        "ancestor" => {
            let img = &s.record.image;
            img == v
                || img.strip_suffix(":latest") == Some(v)
                || format!("{v}:latest") == *img
                || s.record.image_id == v
                || s.record
                    .image_id
                    .trim_start_matches("sha256:")
                    .starts_with(v.trim_start_matches("sha256:"))
        }
        "exited" => {
            s.state.status == Status::Exited && v.parse::<i32>().ok() == Some(s.state.exit_code)
        }
        _ => bail!("invalid filter '{k}'"),
    })
}

fn dir_size(p: &std::path::Path) -> u64 {
    let Ok(md) = std::fs::symlink_metadata(p) else {
        return 0;
    };
    if !md.is_dir() {
        return md.len();
    }
    std::fs::read_dir(p)
        .map(|rd| rd.flatten().map(|e| dir_size(&e.path())).sum())
        .unwrap_or(0)
}

/// `ps` row fields in the order `{{json .}}` prints them (docker's), then berth's pod columns.
const PS_FIELDS: &[&str] = &[
    "Command",
    "CreatedAt",
    "ID",
    "Image",
    "Labels",
    "LocalVolumes",
    "Mounts",
    "Names",
    "Networks",
    "Ports",
    "RunningFor",
    "Size",
    "State",
    "Status",
    "Pod",
    "PodName",
];

fn ps(p: &Paths, a: &PsArgs) -> Result<i32> {
    let now = SystemTime::now();
    let mut rows = ctr::list(p)?;
    if !(a.all || a.latest || a.last >= 0) {
        rows.retain(|s| s.state.is_running());
    }
    let (pod_filters, filters) = super::pod::split_pod_filters(&a.filter);
    rows.retain(|s| super::pod::matches_pod_filters(p, s, &pod_filters));
    let mut rows = filter::retain(rows, &filters, matches_filter)?;
    if a.latest {
        rows.truncate(1);
    } else if a.last >= 0 {
        rows.truncate(a.last as usize);
    }
    let table = if a.pod {
        "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}\t{{.Pod}}\t{{.PodName}}"
    } else if a.size {
        "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}\t{{.Size}}"
    } else {
        "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"
    };
    let out = format::ListFormat::new(a.quiet, a.format.as_deref(), table);
    // Only the fields the template prints are computed (all of them for `{{json .}}` and the like).
    let wanted = out.fields();
    let fields: Vec<&str> = PS_FIELDS
        .iter()
        .copied()
        .filter(|f| wanted.as_ref().is_none_or(|w| w.iter().any(|x| x == f)))
        .collect();
    let mut pods = super::pod::PodNames::default();
    let values: Vec<Value> = rows
        .iter()
        .map(|s| {
            let row = fields
                .iter()
                .map(|f| {
                    (
                        f.to_string(),
                        Value::String(ps_field(p, s, f, a, now, &mut pods)),
                    )
                })
                .collect();
            Value::Object(row)
        })
        .collect();
    out.render(
        &mut stdout(),
        &values,
        &[
            ("ID", "CONTAINER ID"),
            ("RunningFor", "CREATED"),
            ("Names", "NAMES"),
            ("Size", "SIZE"),
            ("Pod", "POD ID"),
            ("PodName", "PODNAME"),
        ],
    )?;
    Ok(0)
}

/// One field of a `ps` row (docker's `ps --format` fields, as strings).
fn ps_field(
    p: &Paths,
    s: &Listed,
    field: &str,
    a: &PsArgs,
    now: SystemTime,
    pods: &mut super::pod::PodNames,
) -> String {
    let trunc = !a.no_trunc;
    let r = &s.record;
    let created = || crate::time::parse_recorded(&r.created).unwrap_or(now);
    match field {
        "Command" => command_column(s, trunc),
        "CreatedAt" => human::format_created_at(created()),
        "ID" if trunc => r.id[..12].to_string(),
        "ID" => r.id.clone(),
        "Image" => r.image.clone(),
        "Labels" => {
            let mut labels = r.image_config.labels.clone();
            labels.extend(r.config.labels.clone());
            let kv: Vec<String> = labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
            kv.join(",")
        }
        "LocalVolumes" => r
            .mounts
            .iter()
            .filter(|m| m.kind == MountKind::Volume)
            .count()
            .to_string(),
        "Mounts" => {
            let d: Vec<&str> = r.mounts.iter().map(|m| m.destination.as_str()).collect();
            d.join(",")
        }
        "Names" => r.name.clone(),
        "Networks" if r.config.network.is_empty() => "none".into(),
        "Networks" => r.config.network.clone(),
        "Ports" if s.state.is_running() => {
            super::network::ports_column(&crate::engine::network::published_ports(p, &r.id))
        }
        "Ports" => String::new(),
        "RunningFor" => human::since(created(), now),
        "Size" if a.size => {
            let rw = dir_size(&crate::state::Containers::new(p).dir(&r.id).join("upper"));
            let virt: u64 = rw + r.layers.iter().map(|l| dir_size(l)).sum::<u64>();
            format!(
                "{} (virtual {})",
                human::human_size(rw),
                human::human_size(virt)
            )
        }
        "Size" => "0B".into(),
        "State" => s.state.status.as_str().into(),
        "Status" => status_column(s, now),
        "Pod" => pods.column(p, s, trunc).0,
        "PodName" => pods.column(p, s, trunc).1,
        _ => String::new(),
    }
}

/// docker's `top`: run the host's `ps` and keep the rows of the container's processes (moby does the same).
fn top(p: &Paths, container: &str, ps_args: &[String]) -> Result<i32> {
    let pids = ctr::pids(p, container)?;
    let args: Vec<String> = if ps_args.is_empty() {
        vec!["-ef".into()]
    } else {
        ps_args.to_vec()
    };
    let out = std::process::Command::new("ps")
        .args(&args)
        .output()
        .context("running ps")?;
    if !out.status.success() {
        bail!("ps: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let mut lines = text.lines();
    let header = lines.next().unwrap_or_default();
    let pid_col = header
        .split_whitespace()
        .position(|h| h == "PID")
        .context("ps output has no PID column")?;
    let mut w = stdout();
    writeln!(w, "{header}")?;
    for l in lines {
        if l.split_whitespace()
            .nth(pid_col)
            .and_then(|v| v.parse::<i32>().ok())
            .is_some_and(|pid| pids.contains(&pid))
        {
            writeln!(w, "{l}")?;
        }
    }
    Ok(0)
}

fn prune(p: &Paths, a: &PruneArgs) -> Result<i32> {
    if !a.force
        && !confirm(
            "WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ",
        )?
    {
        return Ok(0);
    }
    let (ids, bytes) = ctr::prune(p)?;
    let mut out = stdout();
    if !ids.is_empty() {
        writeln!(out, "Deleted Containers:")?;
        for id in &ids {
            writeln!(out, "{id}")?;
        }
        writeln!(out)?;
    }
    writeln!(out, "Total reclaimed space: {}", human::human_size(bytes))?;
    Ok(0)
}

fn confirm(prompt: &str) -> Result<bool> {
    let mut err = std::io::stderr();
    write!(err, "{prompt}")?;
    err.flush()?;
    let mut line = String::new();
    std::io::stdin().read_line(&mut line)?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}

fn volume_cmd(p: &Paths, cmd: VolumeCommand) -> Result<i32> {
    match cmd {
        VolumeCommand::Create {
            name,
            label,
            driver,
        } => {
            if driver != "local" {
                bail!("plugin \"{driver}\" not found");
            }
            let (name, anon) = match name {
                Some(n) => (n, false),
                None => (crate::state::new_id()?, true),
            };
            volume::create(p, &name, parse_kv_labels(&label), anon)?;
            writeln!(stdout(), "{name}")?;
            Ok(0)
        }
        VolumeCommand::Ls { quiet, format: f } => {
            let rows: Vec<Value> = volume::list(p)?
                .iter()
                .map(|v| {
                    json!({
                        "Driver": "local",
                        "Labels": v.labels.iter().map(|(k, x)| format!("{k}={x}")).collect::<Vec<_>>().join(","),
                        "Links": "N/A",
                        "Mountpoint": p.root.join("volumes").join(&v.name).join("_data"),
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
                match volume::inspect(p, n) {
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
        VolumeCommand::Rm { force, names } => each(&names, |n| {
            volume::remove(p, n, force).map(|_| Some(n.to_string()))
        }),
        VolumeCommand::Prune { force, all } => {
            if !force
                && !confirm(
                    "WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ",
                )?
            {
                return Ok(0);
            }
            let (names, bytes) = volume::prune(p, all)?;
            let mut out = stdout();
            if !names.is_empty() {
                writeln!(out, "Deleted Volumes:")?;
                for n in &names {
                    writeln!(out, "{n}")?;
                }
                writeln!(out)?;
            }
            writeln!(out, "Total reclaimed space: {}", human::human_size(bytes))?;
            Ok(0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct T {
        #[command(subcommand)]
        v: Verb,
    }

    fn run_flags(args: &[&str]) -> CreateFlags {
        let mut argv = vec!["t", "run"];
        argv.extend_from_slice(args);
        match T::try_parse_from(argv).unwrap().v {
            Verb::Run(r) => r.flags.clone(),
            _ => unreachable!("parsed run"),
        }
    }

    #[test]
    fn flags_after_the_image_belong_to_the_command() {
        let f = run_flags(&["--rm", "-e", "A=1", "busybox", "sh", "-c", "echo --rm -d"]);
        assert!(f.rm);
        assert_eq!(f.image_and_cmd, vec!["busybox", "sh", "-c", "echo --rm -d"]);
        let (img, o) = run_options(&f).unwrap();
        assert_eq!(img, "busybox");
        assert_eq!(o.cmd, vec!["sh", "-c", "echo --rm -d"]);
        assert_eq!(o.env, vec!["A=1"]);
        assert!(o.auto_remove);
    }

    #[test]
    fn docker_short_flags_parse_into_typed_options() {
        let f = run_flags(&[
            "-h",
            "box",
            "-m",
            "64m",
            "--pids-limit",
            "10",
            "-u",
            "1000:1000",
            "-w",
            "/data",
            "-v",
            "/srv:/data:ro",
            "-v",
            "cache:/cache",
            "-v",
            "/anon",
            "--tmpfs",
            "/run:size=1m",
            "--cap-drop",
            "ALL",
            "--security-opt",
            "no-new-privileges",
            "--ulimit",
            "nofile=10:20",
            "--label",
            "tier=web",
            "busybox",
        ]);
        let (_, o) = run_options(&f).unwrap();
        assert_eq!(o.hostname.as_deref(), Some("box"));
        assert_eq!(o.memory, Some(64 << 20));
        assert_eq!(o.pids_limit, Some(10));
        assert_eq!(o.user.as_deref(), Some("1000:1000"));
        assert!(o.no_new_privileges);
        assert_eq!(
            o.ulimits,
            vec![Ulimit {
                name: "nofile".into(),
                soft: 10,
                hard: 20
            }]
        );
        assert_eq!(o.labels.get("tier").map(String::as_str), Some("web"));
        let kinds: Vec<_> = o
            .mounts
            .iter()
            .map(|m| (m.kind.clone(), m.source.as_str(), m.readonly))
            .collect();
        assert_eq!(
            kinds,
            vec![
                (MountKind::Bind, "/srv", true),
                (MountKind::Volume, "cache", false),
                (MountKind::Volume, "", false),
                (MountKind::Tmpfs, "", false)
            ]
        );
    }

    #[test]
    fn bad_volume_and_memory_specs_are_rejected() {
        crate::testing::assert_err(
            parse_volume("a:b:c:d"),
            "invalid volume specification: 'a:b:c:d'",
        );
        crate::testing::assert_err(parse_volume("/x:rel"), "mount path must be absolute");
        crate::testing::assert_err(
            run_options(&run_flags(&["-m", "1k", "busybox"])),
            "Minimum memory limit allowed is 6MB",
        );
        crate::testing::assert_err(
            parse_mount("type=nope,target=/x"),
            "invalid mount type \"nope\"",
        );
        assert_eq!(
            parse_mount("type=tmpfs,target=/t,tmpfs-size=1m")
                .unwrap()
                .options,
            vec!["size=1048576"]
        );
    }
}
