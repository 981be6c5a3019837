//! `compose`: docker compose v2's command line over `crate::compose` (clap structs, printing, exit
//! codes). Loading and orchestration are in `compose`; this file parses flags, prints docker compose's
//! progress lines on stderr and its tables on stdout.

mod foreground;
mod listing;
mod verbs;

use crate::cli::GlobalOpts;
use crate::compose::{self, DownOptions, Events, LoadOptions, Project, UpOptions};
use crate::engine::container::PullPolicy;
use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand};
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum ComposeCommand {
    /// Define and run multi-container applications (docker compose)
    Compose(Box<ComposeArgs>),
}

#[derive(Debug, Args)]
pub struct ComposeArgs {
    /// Compose configuration files
    #[arg(short = 'f', long = "file")]
    pub file: Vec<PathBuf>,
    /// Project name
    #[arg(short = 'p', long = "project-name")]
    pub project_name: Option<String>,
    /// Specify an alternate working directory (default: the path of the first compose file)
    #[arg(long = "project-directory")]
    pub project_directory: Option<PathBuf>,
    /// Specify an alternate environment file
    #[arg(long = "env-file")]
    pub env_file: Vec<PathBuf>,
    /// Specify a profile to enable
    #[arg(long = "profile")]
    pub profile: Vec<String>,
    /// Control when to print ANSI control characters ("never"|"always"|"auto")
    #[arg(long, default_value = "auto", value_parser = ["never", "always", "auto"])]
    pub ansi: String,
    /// Set type of progress output (auto, tty, plain, json, quiet)
    #[arg(long, default_value = "auto", value_parser = ["auto", "tty", "plain", "json", "quiet"])]
    pub progress: String,
    /// Control max parallelism, -1 for unlimited (accepted; berth works service level by level)
    #[arg(long, default_value_t = -1, allow_hyphen_values = true)]
    pub parallel: i64,
    #[command(subcommand)]
    pub cmd: Sub,
}

/// `--progress quiet`: progress lines are left out (warnings and errors still print).
static QUIET_PROGRESS: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
/// `--ansi`: 0 auto (colours on a terminal), 1 never, 2 always.
pub(crate) static ANSI: std::sync::atomic::AtomicU8 = std::sync::atomic::AtomicU8::new(0);

#[derive(Debug, Args)]
pub struct PullArgs {
    /// Pull without printing progress information
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Pull what it can and ignores images with pull failures
    #[arg(long = "ignore-pull-failures")]
    pub ignore_pull_failures: bool,
    /// Also pull services declared as dependencies
    #[arg(long = "include-deps")]
    pub include_deps: bool,
    pub services: Vec<String>,
}

#[derive(Debug, Subcommand)]
pub enum Sub {
    /// Parse, resolve and render compose file in canonical format
    Config(ConfigArgs),
    /// Create and start containers
    Up(UpArgs),
    /// Stop and remove containers, networks
    Down(DownArgs),
    /// List containers
    Ps(listing::PsArgs),
    /// View output from containers
    Logs(foreground::LogsArgs),
    /// Execute a command in a running container
    Exec(ExecArgs),
    /// Run a one-off command on a service
    Run(RunArgs),
    /// Start services
    Start(Services),
    /// Stop services
    Stop(TimeoutServices),
    /// Restart service containers
    Restart(TimeoutServices),
    /// Removes stopped service containers
    Rm(RmArgs),
    /// Force stop service containers
    Kill(KillArgs),
    /// Pause services
    Pause(Services),
    /// Unpause services
    Unpause(Services),
    /// Display the running processes
    Top(Services),
    /// Print the public port for a port binding
    Port(PortArgs),
    /// List images used by the created containers
    Images(Services),
    /// Pull service images
    Pull(PullArgs),
    /// Creates containers for a service
    Create(CreateArgs),
    /// List running compose projects
    Ls(listing::LsArgs),
    /// Build or rebuild services
    Build(BuildArgs),
    /// Push service images
    Push(PushArgs),
    /// Show the Docker Compose version information
    Version(VersionArgs),
    /// Block until containers of all (or specified) services stop.
    Wait(verbs::WaitArgs),
    /// Display a live stream of container(s) resource usage statistics
    Stats(verbs::StatsArgs),
    /// Copy files/folders between a service container and the local filesystem
    Cp(verbs::CpArgs),
    /// Attach local standard input, output, and error streams to a service's running container
    Attach(verbs::AttachArgs),
    /// Receive real time events from containers
    Events(verbs::EventsArgs),
    /// Scale services
    Scale(verbs::ScaleArgs),
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Format the output. Values: [yaml | json]
    #[arg(long, default_value = "yaml")]
    pub format: String,
    /// Print the service names, one per line
    #[arg(long)]
    pub services: bool,
    /// Print the volume names, one per line
    #[arg(long)]
    pub volumes: bool,
    /// Only validate the configuration, don't print anything
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Save to file (default to stdout)
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// Print the image names, one per line
    #[arg(long)]
    pub images: bool,
    /// Print the network names, one per line
    #[arg(long)]
    pub networks: bool,
}

#[derive(Debug, Args)]
pub struct UpArgs {
    /// Detached mode: Run containers in the background
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Don't start linked services
    #[arg(long = "no-deps")]
    pub no_deps: bool,
    /// Recreate containers even if their configuration and image haven't changed
    #[arg(long = "force-recreate", conflicts_with = "no_recreate")]
    pub force_recreate: bool,
    /// If containers already exist, don't recreate them
    #[arg(long = "no-recreate")]
    pub no_recreate: bool,
    /// Remove containers for services not defined in the Compose file
    #[arg(long = "remove-orphans")]
    pub remove_orphans: bool,
    /// Stops all containers if any container was stopped
    #[arg(long = "abort-on-container-exit")]
    pub abort_on_container_exit: bool,
    /// Return the exit code of the selected service container (implies --abort-on-container-exit)
    #[arg(long = "exit-code-from")]
    pub exit_code_from: Option<String>,
    /// Wait for services to be running|healthy (implies detached mode)
    #[arg(long)]
    pub wait: bool,
    /// Maximum duration in seconds to wait for the project to be running|healthy
    #[arg(long = "wait-timeout")]
    pub wait_timeout: Option<u64>,
    /// Scale SERVICE to NUM instances
    #[arg(long)]
    pub scale: Vec<String>,
    /// Pull image before running ("always"|"missing"|"never")
    #[arg(long, default_value = "missing")]
    pub pull: String,
    /// Build images before starting containers
    #[arg(long, conflicts_with = "no_build")]
    pub build: bool,
    /// Don't build an image, even if it's policy
    #[arg(long = "no-build")]
    pub no_build: bool,
    /// Create containers without starting them
    #[arg(long = "no-start", conflicts_with_all = ["detach", "wait"])]
    pub no_start: bool,
    /// Pull without printing progress information
    #[arg(long = "quiet-pull")]
    pub quiet_pull: bool,
    /// Produce monochrome output
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Don't print prefix in logs
    #[arg(long = "no-log-prefix")]
    pub no_log_prefix: bool,
    /// Use this timeout in seconds for container shutdown when attached or when containers are already running
    #[arg(short = 't', long)]
    pub timeout: Option<i64>,
    pub services: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DownArgs {
    /// Remove named volumes declared in the "volumes" section of the Compose file
    #[arg(short = 'v', long)]
    pub volumes: bool,
    /// Remove containers for services not defined in the Compose file
    #[arg(long = "remove-orphans")]
    pub remove_orphans: bool,
    /// Specify a shutdown timeout in seconds
    #[arg(short = 't', long)]
    pub timeout: Option<i64>,
    /// Remove images used by services. "local" remove only images that don't have a custom tag ("local"|"all")
    #[arg(long)]
    pub rmi: Option<String>,
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Recreate containers even if their configuration and image haven't changed
    #[arg(long = "force-recreate", conflicts_with = "no_recreate")]
    pub force_recreate: bool,
    /// If containers already exist, don't recreate them
    #[arg(long = "no-recreate")]
    pub no_recreate: bool,
    /// Remove containers for services not defined in the Compose file
    #[arg(long = "remove-orphans")]
    pub remove_orphans: bool,
    /// Pull image before running ("always"|"missing"|"never")
    #[arg(long, default_value = "missing")]
    pub pull: String,
    /// Scale SERVICE to NUM instances
    #[arg(long)]
    pub scale: Vec<String>,
    pub services: Vec<String>,
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    /// Do not use cache when building the image
    #[arg(long = "no-cache")]
    pub no_cache: bool,
    /// Always attempt to pull a newer version of the image
    #[arg(long)]
    pub pull: bool,
    /// Set build-time variables for services
    #[arg(long = "build-arg")]
    pub build_arg: Vec<String>,
    /// Don't print anything to STDOUT
    #[arg(short = 'q', long)]
    pub quiet: bool,
    pub services: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PushArgs {
    /// Push what it can and ignore images that fail
    #[arg(long = "ignore-push-failures")]
    pub ignore_push_failures: bool,
    /// Push without printing progress information
    #[arg(short, long)]
    pub quiet: bool,
    /// Also push images of services declared as dependencies
    #[arg(long = "include-deps")]
    pub include_deps: bool,
    pub services: Vec<String>,
}

#[derive(Debug, Args)]
pub struct Services {
    pub services: Vec<String>,
}

#[derive(Debug, Args)]
pub struct TimeoutServices {
    /// Specify a shutdown timeout in seconds
    #[arg(short = 't', long)]
    pub timeout: Option<i64>,
    pub services: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RmArgs {
    /// Don't ask to confirm removal
    #[arg(short = 'f', long)]
    pub force: bool,
    /// Stop the containers, if required, before removing
    #[arg(short = 's', long)]
    pub stop: bool,
    /// Remove any anonymous volumes attached to containers
    #[arg(short = 'v', long)]
    pub volumes: bool,
    pub services: Vec<String>,
}

#[derive(Debug, Args)]
pub struct KillArgs {
    /// SIGNAL to send to the container
    #[arg(short = 's', long, default_value = "SIGKILL")]
    pub signal: String,
    pub services: Vec<String>,
}

#[derive(Debug, Args)]
pub struct PortArgs {
    /// Index of the container if service has multiple replicas
    #[arg(long, default_value_t = 1)]
    pub index: u32,
    /// tcp or udp
    #[arg(long, default_value = "tcp")]
    pub protocol: String,
    pub service: String,
    pub private_port: u16,
}

#[derive(Debug, Args)]
pub struct VersionArgs {
    /// Shows only Compose's version number
    #[arg(long)]
    pub short: bool,
    /// Format the output. Values: [pretty | json]
    #[arg(short = 'f', long)]
    pub format: Option<String>,
}

#[derive(Debug, Args)]
pub struct ExecArgs {
    /// Detached mode: Run command in the background
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Disable pseudo-TTY allocation. By default `docker compose exec` allocates a TTY
    #[arg(short = 'T', long = "no-TTY")]
    pub no_tty: bool,
    /// Run the command as this user
    #[arg(short = 'u', long)]
    pub user: Option<String>,
    /// Path to workdir directory for this command
    #[arg(short = 'w', long)]
    pub workdir: Option<String>,
    /// Set environment variables
    #[arg(short = 'e', long = "env")]
    pub env: Vec<String>,
    /// Index of the container if service has multiple replicas
    #[arg(long, default_value_t = 1)]
    pub index: u32,
    /// Give extended privileges to the process
    #[arg(long)]
    pub privileged: bool,
    pub service: String,
    #[arg(required = true, trailing_var_arg = true)]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Run container in background and print container ID
    #[arg(short = 'd', long)]
    pub detach: bool,
    /// Automatically remove the container when it exits
    #[arg(long)]
    pub rm: bool,
    /// Set environment variables
    #[arg(short = 'e', long = "env")]
    pub env: Vec<String>,
    /// Don't start linked services
    #[arg(long = "no-deps")]
    pub no_deps: bool,
    /// Override the entrypoint of the image
    #[arg(long)]
    pub entrypoint: Option<String>,
    /// Assign a name to the container
    #[arg(long)]
    pub name: Option<String>,
    /// Disable pseudo-TTY allocation (default: auto-detected)
    #[arg(short = 'T', long = "no-TTY")]
    pub no_tty: bool,
    /// Run as specified username or uid
    #[arg(short = 'u', long)]
    pub user: Option<String>,
    /// Working directory inside the container
    #[arg(short = 'w', long)]
    pub workdir: Option<String>,
    /// Run command with all service's ports enabled and mapped to the host
    #[arg(long = "service-ports")]
    pub service_ports: bool,
    /// Publish a container's port(s) to the host
    #[arg(short = 'p', long = "publish")]
    pub publish: Vec<String>,
    /// Bind mount a volume
    #[arg(short = 'v', long = "volume")]
    pub volume: Vec<String>,
    /// Add or override a label
    #[arg(short = 'l', long = "label")]
    pub label: Vec<String>,
    /// Build image before starting container
    #[arg(long)]
    pub build: bool,
    /// Pull image before running ("always"|"missing"|"never")
    #[arg(long, default_value = "missing")]
    pub pull: String,
    /// Keep STDIN open even if not attached (berth's default: a run is interactive)
    #[arg(short = 'i', long, default_value_t = true)]
    pub interactive: bool,
    /// Pull without printing progress information
    #[arg(long = "quiet-pull")]
    pub quiet_pull: bool,
    pub service: String,
    #[arg(trailing_var_arg = true)]
    pub command: Vec<String>,
}

/// A build's steps on stderr, as BuildKit's plain progress prints them (`#3 [2/2] RUN make`).
pub(crate) struct BuildLines;

impl crate::engine::build::BuildProgress for BuildLines {
    fn start(&self, v: usize, name: &str) {
        eprintln!("#{v} {name}");
    }
    fn log(&self, v: usize, data: &[u8]) {
        for l in String::from_utf8_lossy(data).lines() {
            eprintln!("#{v} {l}");
        }
    }
    fn status(&self, v: usize, text: &str) {
        eprintln!("#{v} {text}");
    }
    fn cached(&self, v: usize) {
        eprintln!("#{v} CACHED");
    }
    fn done(&self, v: usize, elapsed: std::time::Duration) {
        eprintln!("#{v} DONE {:.1}s", elapsed.as_secs_f64());
    }
    fn error(&self, v: usize, _: std::time::Duration, message: &str) {
        eprintln!("#{v} ERROR: {message}");
    }
}

/// How `up`, `create` and `run` build a service whose image is missing (always, with `--build`).
pub(crate) fn builder(always: bool) -> compose::up::Builder<'static> {
    compose::up::Builder {
        always,
        flags: Default::default(),
        progress: &BuildLines,
    }
}

/// `build -q`: a build says nothing but its errors.
pub(crate) struct QuietBuildLines;

impl crate::engine::build::BuildProgress for QuietBuildLines {
    fn start(&self, _: usize, _: &str) {}
    fn log(&self, _: usize, _: &[u8]) {}
    fn status(&self, _: usize, _: &str) {}
    fn cached(&self, _: usize) {}
    fn done(&self, _: usize, _: std::time::Duration) {}
    fn error(&self, v: usize, e: std::time::Duration, message: &str) {
        BuildLines.error(v, e, message)
    }
}

/// docker compose's progress lines (its plain, non-TTY output) on stderr.
pub(crate) struct StderrEvents;

impl Events for StderrEvents {
    fn event(&self, kind: &str, name: &str, status: &str) {
        if QUIET_PROGRESS.load(std::sync::atomic::Ordering::Relaxed) {
            return;
        }
        eprintln!(" {kind} {name}  {status}");
    }
    fn warn(&self, message: &str) {
        eprintln!("WARN[0000] {message}");
    }
}

fn load_options(a: &ComposeArgs, services: &[String]) -> Result<LoadOptions> {
    Ok(LoadOptions {
        files: a.file.clone(),
        project_name: a.project_name.clone(),
        project_directory: a.project_directory.clone(),
        env_files: a.env_file.clone(),
        profiles: a.profile.clone(),
        services: services.to_vec(),
        cwd: std::env::current_dir().context("reading the current directory")?,
        env: std::env::vars().collect(),
    })
}

/// Load the project; `-p` alone (no file anywhere) still names a project for the verbs that only need
/// its containers (`down`, `ps`, `stop` ... work from labels, as docker compose's do).
fn project(a: &ComposeArgs, services: &[String], need_file: bool) -> Result<Project> {
    let o = load_options(a, services)?;
    match compose::load(&o) {
        Ok(p) => {
            for w in &p.warnings {
                StderrEvents.warn(w);
            }
            Ok(p)
        }
        Err(e)
            if !need_file
                && a.file.is_empty()
                && format!("{e:#}").starts_with("no configuration file provided") =>
        {
            let name = a
                .project_name
                .clone()
                .or_else(|| std::env::var("COMPOSE_PROJECT_NAME").ok())
                .ok_or(e)?;
            Ok(Project {
                name,
                working_dir: o.cwd.clone(),
                config_files: Vec::new(),
                model: serde_json::json!({"services": {}}),
                warnings: Vec::new(),
                env: Default::default(),
            })
        }
        Err(e) => Err(e),
    }
}

/// `p` when every service named on the command line is one of its services (docker compose's
/// "no such service: x", exit 1); a project known only by name (no file) cannot tell.
fn known(p: Project, services: &[String]) -> Result<Project> {
    if !p.config_files.is_empty()
        && let Some(s) = services.iter().find(|s| p.service(s).is_none())
    {
        bail!("no such service: {s}");
    }
    Ok(p)
}

fn pull_policy(s: &str) -> Result<PullPolicy> {
    Ok(match s {
        "missing" | "if_not_present" => PullPolicy::Missing,
        "always" => PullPolicy::Always,
        "never" => PullPolicy::Never,
        other => bail!(
            "invalid --pull option {other:?}: must be one of \"always\", \"missing\" or \"never\""
        ),
    })
}

fn scale(items: &[String]) -> Result<std::collections::BTreeMap<String, u32>> {
    items
        .iter()
        .map(|s| {
            let (k, v) = s
                .split_once('=')
                .with_context(|| format!("invalid --scale {s:?}: want SERVICE=NUM"))?;
            Ok((
                k.to_string(),
                v.parse()
                    .with_context(|| format!("invalid --scale {s:?}: want SERVICE=NUM"))?,
            ))
        })
        .collect()
}

pub fn run(cmd: ComposeCommand, g: &GlobalOpts) -> Result<i32> {
    let ComposeCommand::Compose(a) = cmd;
    use std::sync::atomic::Ordering;
    QUIET_PROGRESS.store(a.progress == "quiet", Ordering::Relaxed);
    let ansi = match a.ansi.as_str() {
        "never" => 1,
        "always" => 2,
        _ => 0,
    };
    ANSI.store(ansi, Ordering::Relaxed);
    let ctx = || crate::cli::engine_context(g);
    let ev = StderrEvents;
    match &a.cmd {
        Sub::Config(c) => config(&a, c),
        Sub::Version(v) => {
            let mut out = crate::cli::stdout();
            match (v.short, v.format.as_deref()) {
                (true, _) => writeln!(out, "{}", compose::COMPOSE_VERSION)?,
                (_, Some("json")) => {
                    writeln!(out, "{{\"version\":\"v{}\"}}", compose::COMPOSE_VERSION)?
                }
                _ => writeln!(
                    out,
                    "Docker Compose version v{} (berth)",
                    compose::COMPOSE_VERSION
                )?,
            }
            Ok(0)
        }
        Sub::Up(u) => foreground::up(&ctx()?, &project(&a, &u.services, true)?, u, g),
        Sub::Create(c) => {
            let p = project(&a, &c.services, true)?;
            let o = UpOptions {
                services: c.services.clone(),
                force_recreate: c.force_recreate,
                no_recreate: c.no_recreate,
                remove_orphans: c.remove_orphans,
                scale: scale(&c.scale)?,
                pull: Some(pull_policy(&c.pull)?),
                no_start: true,
                ..Default::default()
            };
            compose::up::up(&ctx()?, &p, &o, Some(&builder(false)), &ev)?;
            Ok(0)
        }
        Sub::Down(d) => {
            if let Some(r) = &d.rmi
                && r != "local"
                && r != "all"
            {
                bail!("invalid --rmi option {r:?}: must be \"local\" or \"all\"");
            }
            let o = DownOptions {
                volumes: d.volumes,
                remove_orphans: d.remove_orphans,
                timeout: d.timeout,
                rmi: d.rmi.clone(),
            };
            compose::ops::down(&ctx()?, &project(&a, &[], false)?, &o, &ev)?;
            Ok(0)
        }
        Sub::Ps(p) => listing::ps(
            &ctx()?,
            &known(project(&a, p.services_list(), false)?, p.services_list())?,
            p,
        ),
        Sub::Ls(l) => listing::ls(&ctx()?, l),
        Sub::Logs(l) => foreground::logs(
            &ctx()?,
            &known(project(&a, &l.services, false)?, &l.services)?,
            l,
        ),
        Sub::Start(s) => {
            compose::ops::start(&ctx()?, &project(&a, &s.services, true)?, &s.services, &ev)?;
            Ok(0)
        }
        Sub::Stop(s) => {
            compose::ops::stop(
                &ctx()?,
                &project(&a, &s.services, false)?,
                &s.services,
                s.timeout,
                &ev,
            )?;
            Ok(0)
        }
        Sub::Restart(s) => {
            compose::ops::restart(
                &ctx()?,
                &project(&a, &s.services, false)?,
                &s.services,
                s.timeout,
                &ev,
            )?;
            Ok(0)
        }
        Sub::Kill(k) => {
            let sig = crate::engine::container::parse_signal(&k.signal)?;
            compose::ops::kill(
                &ctx()?,
                &project(&a, &k.services, false)?,
                &k.services,
                sig,
                &ev,
            )?;
            Ok(0)
        }
        Sub::Pause(s) | Sub::Unpause(s) => {
            let on = matches!(a.cmd, Sub::Pause(_));
            compose::ops::pause(
                &ctx()?,
                &project(&a, &s.services, false)?,
                &s.services,
                on,
                &ev,
            )?;
            Ok(0)
        }
        Sub::Rm(r) => {
            let removed = compose::ops::rm(
                &ctx()?,
                &project(&a, &r.services, false)?,
                &r.services,
                r.stop,
                r.volumes,
                &ev,
            )?;
            if removed.is_empty() {
                eprintln!("No stopped containers");
            }
            Ok(0)
        }
        Sub::Top(s) => listing::top(
            &ctx()?,
            &known(project(&a, &s.services, false)?, &s.services)?,
            &s.services,
        ),
        Sub::Port(pa) => listing::port(&ctx()?, &project(&a, &[], false)?, pa),
        Sub::Images(s) => listing::images(
            &ctx()?,
            &known(project(&a, &s.services, false)?, &s.services)?,
            &s.services,
        ),
        Sub::Pull(s) => {
            let p = project(&a, &s.services, true)?;
            let names = compose::up::selection(&p, &s.services, s.include_deps)?;
            let names: Vec<String> = names
                .into_iter()
                .filter(|n| p.service(n).is_some_and(|v| v.get("build").is_none()))
                .collect();
            let quiet = compose::Quiet;
            let events: &dyn Events = if s.quiet { &quiet } else { &ev };
            let ctx = ctx()?;
            if !s.ignore_pull_failures {
                compose::up::images(&ctx, &p, &names, PullPolicy::Always, None, events)?;
                return Ok(0);
            }
            for n in &names {
                let one = std::slice::from_ref(n);
                if let Err(e) = compose::up::images(&ctx, &p, one, PullPolicy::Always, None, events)
                {
                    ev.warn(&format!("{e:#}"));
                }
            }
            Ok(0)
        }
        Sub::Push(pa) => push(&ctx()?, &project(&a, &pa.services, true)?, pa),
        Sub::Build(b) => {
            let p = project(&a, &b.services, true)?;
            let names = compose::up::selection(&p, &b.services, false)?;
            // `--build-arg KEY` takes KEY's value from the environment (left out when unset).
            let build_args = b
                .build_arg
                .iter()
                .filter_map(|a| match a.split_once('=') {
                    Some((k, v)) => Some((k.to_string(), v.to_string())),
                    None => std::env::var(a).ok().map(|v| (a.clone(), v)),
                })
                .collect();
            let flags = compose::build::BuildFlags {
                no_cache: b.no_cache,
                pull: b.pull,
                build_args,
            };
            let progress: &dyn crate::engine::build::BuildProgress = if b.quiet {
                &QuietBuildLines
            } else {
                &BuildLines
            };
            compose::build::build(&ctx()?, &p, &names, &flags, progress)?;
            Ok(0)
        }
        Sub::Exec(e) => foreground::exec(&ctx()?, &project(&a, &[], false)?, e, g),
        Sub::Wait(w) => verbs::wait(&ctx()?, &project(&a, &w.services, false)?, w),
        Sub::Stats(st) => verbs::stats(&ctx()?, &project(&a, &[], false)?, st, g),
        Sub::Cp(c) => verbs::cp(&ctx()?, &project(&a, &[], false)?, c, g),
        Sub::Attach(at) => verbs::attach(&ctx()?, &project(&a, &[], false)?, at, g),
        Sub::Events(e) => verbs::events(&ctx()?, &project(&a, &e.services, false)?, e),
        Sub::Scale(sc) => {
            let scale = scale(&sc.scale)?;
            let services: Vec<String> = scale.keys().cloned().collect();
            let p = project(&a, &services, true)?;
            let o = UpOptions {
                services,
                no_deps: sc.no_deps,
                no_recreate: true,
                scale,
                ..Default::default()
            };
            compose::up::up(&ctx()?, &p, &o, Some(&builder(false)), &ev)?;
            Ok(0)
        }
        Sub::Run(r) => foreground::run_oneoff(
            &ctx()?,
            &known(
                project(&a, std::slice::from_ref(&r.service), true)?,
                std::slice::from_ref(&r.service),
            )?,
            r,
            g,
        ),
    }
}

fn config(a: &ComposeArgs, c: &ConfigArgs) -> Result<i32> {
    let p = project(a, &[], true)?;
    let text = if c.services {
        p.service_names().iter().map(|s| format!("{s}\n")).collect()
    } else if c.volumes || c.networks {
        p.section_keys(if c.volumes { "volumes" } else { "networks" })
            .iter()
            .map(|s| format!("{s}\n"))
            .collect()
    } else if c.images {
        // A service without `image:` is built as `<project>-<service>` (docker compose's name).
        p.service_names()
            .iter()
            .map(|s| format!("{}\n", compose::service::image_name(&p, s)))
            .collect()
    } else {
        match c.format.as_str() {
            "yaml" => p.to_yaml()?,
            "json" => format!("{}\n", serde_json::to_string_pretty(&p.model)?),
            other => bail!("unsupported format {other:?}: want yaml or json"),
        }
    };
    if c.quiet {
        return Ok(0);
    }
    match &c.output {
        Some(f) => std::fs::write(f, text).with_context(|| format!("writing {}", f.display()))?,
        None => crate::cli::stdout().write_all(text.as_bytes())?,
    }
    Ok(0)
}

/// `compose push`: every selected service that names its `image:` (docker compose pushes those; a service
/// without one has nowhere to go), in service order, with docker's push lines.
fn push(ctx: &crate::engine::Context, p: &Project, a: &PushArgs) -> Result<i32> {
    use crate::engine::image::push::{PushCompression, PushOptions, push};
    let names = compose::up::selection(p, &a.services, a.include_deps)?;
    let lines = super::ship::PushLines::new(a.quiet);
    let opts = PushOptions {
        all_tags: false,
        compression: PushCompression::Gzip,
        tls_verify: None,
    };
    for s in &names {
        let Some(image) = p
            .service(s)
            .and_then(|v| v.get("image"))
            .and_then(serde_json::Value::as_str)
        else {
            continue;
        };
        if let Err(e) = push(ctx, image, &opts, &lines) {
            if !a.ignore_push_failures {
                return Err(e.context(format!("pushing the image of service {s:?}")));
            }
            eprintln!("WARNING: pushing {image} for service {s:?} failed: {e:#}");
        }
    }
    Ok(0)
}
