//! `run`, `create` and `start`: docker's create flags parsed into a [`ContainerConfig`], the image
//! resolved (pulled per `--pull`), the container created and started.

use super::attach;
use super::parse::*;
use super::{as_125, exit_err, for_each_arg};
use crate::cli::{human, stdout};
use crate::engine::container::{self as ctr, ExitCodeError, ImageInfo};
use crate::types::{ContainerConfig, SeccompChoice, Ulimit};
use anyhow::{Context, Result, bail};
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

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
    /// Set meta data on a container
    #[arg(short = 'l', long = "label")]
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
          default_value = "false", default_missing_value = "true", value_parser = crate::cli::go_bool)]
    pub read_only: bool,
    /// Add Linux capabilities
    #[arg(long = "cap-add")]
    pub cap_add: Vec<String>,
    /// Drop Linux capabilities
    #[arg(long = "cap-drop")]
    pub cap_drop: Vec<String>,
    /// Give extended privileges to this container
    #[arg(long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "false", default_missing_value = "true", value_parser = crate::cli::go_bool)]
    pub privileged: bool,
    /// Security Options
    #[arg(long = "security-opt")]
    pub security_opt: Vec<String>,
    #[command(flatten)]
    pub resources: Box<ResourceFlags>,
    /// Ulimit options
    #[arg(long)]
    pub ulimit: Vec<String>,
    /// Size of /dev/shm
    #[arg(long = "shm-size")]
    pub shm_size: Option<String>,
    /// Allocate a pseudo-TTY
    #[arg(short = 't', long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "false", default_missing_value = "true", value_parser = crate::cli::go_bool)]
    pub tty: bool,
    /// Keep STDIN open even if not attached
    #[arg(short = 'i', long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "false", default_missing_value = "true", value_parser = crate::cli::go_bool)]
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
          default_value = "false", default_missing_value = "true", value_parser = crate::cli::go_bool)]
    pub init: bool,
    #[command(flatten)]
    pub net: Box<crate::cli::network::NetFlags>,
    /// Automatically remove the container when it exits
    #[arg(long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "false", default_missing_value = "true", value_parser = crate::cli::go_bool)]
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
    /// Write the container ID to the file
    #[arg(long)]
    pub cidfile: Option<PathBuf>,
    /// Read in a line delimited file of labels
    #[arg(long = "label-file")]
    pub label_file: Vec<PathBuf>,
    /// Expose a port or a range of ports
    #[arg(long)]
    pub expose: Vec<String>,
    /// Container NIS domain name
    #[arg(long)]
    pub domainname: Option<String>,
    /// Add an annotation to the container (passed through to the OCI runtime)
    #[arg(long)]
    pub annotation: Vec<String>,
    /// Container isolation technology (only "default" on Linux)
    #[arg(long)]
    pub isolation: Option<String>,
    /// Skip image verification (berth verifies no signatures: accepted, no effect)
    #[arg(long = "disable-content-trust", action = clap::ArgAction::Set, num_args = 0..=1,
          require_equals = true, default_value = "true", default_missing_value = "true",
          value_parser = crate::cli::go_bool)]
    pub disable_content_trust: bool,
    /// GPU devices to add to the container (berth has no GPU runtime: refused)
    #[arg(long)]
    pub gpus: Option<String>,
    /// Set platform if server is multi-platform capable (only the host's)
    #[arg(long)]
    pub platform: Option<String>,
    /// PID namespace to use (host, container:<name|id>)
    #[arg(long)]
    pub pid: Option<String>,
    /// IPC mode to use (private, shareable, none, host, container:<name|id>)
    #[arg(long)]
    pub ipc: Option<String>,
    /// UTS namespace to use (host)
    #[arg(long)]
    pub uts: Option<String>,
    /// Add link to another container (NAME[:ALIAS])
    #[arg(long)]
    pub link: Vec<String>,
    /// User namespace to use (host; keep-id for rootless, as podman)
    #[arg(long)]
    pub userns: Option<String>,
    /// Cgroup namespace to use (host|private)
    #[arg(long)]
    pub cgroupns: Option<String>,
    /// Sysctl options
    #[arg(long)]
    pub sysctl: Vec<String>,
    /// Add additional groups to join
    #[arg(long = "group-add")]
    pub group_add: Vec<String>,
    /// Tune host's OOM preferences (-1000 to 1000)
    #[arg(long = "oom-score-adj", allow_hyphen_values = true)]
    pub oom_score_adj: Option<i32>,
    /// Tune container memory swappiness (0 to 100)
    #[arg(long = "memory-swappiness", allow_hyphen_values = true)]
    pub memory_swappiness: Option<i64>,
    /// Disable OOM Killer
    #[arg(long = "oom-kill-disable", action = clap::ArgAction::Set, num_args = 0..=1,
          require_equals = true, default_value = "false", default_missing_value = "true",
          value_parser = crate::cli::go_bool)]
    pub oom_kill_disable: bool,
    /// Optional parent cgroup for the container
    #[arg(long = "cgroup-parent")]
    pub cgroup_parent: Option<String>,
    /// Logging driver for the container (json-file, local, none)
    #[arg(long = "log-driver")]
    pub log_driver: Option<String>,
    /// Log driver options (max-size, max-file)
    #[arg(long = "log-opt")]
    pub log_opt: Vec<String>,
    /// Mount volumes from the specified container(s)
    #[arg(long = "volumes-from")]
    pub volumes_from: Vec<String>,
    /// Add a host device to the container
    #[arg(long)]
    pub device: Vec<String>,
    /// Add a rule to the cgroup allowed devices list
    #[arg(long = "device-cgroup-rule")]
    pub device_cgroup_rule: Vec<String>,
    /// Attach to STDIN, STDOUT or STDERR
    #[arg(short = 'a', long)]
    pub attach: Vec<String>,
    /// Override the key sequence for detaching a container
    #[arg(long = "detach-keys")]
    pub detach_keys: Option<String>,
    /// Limit read rate (bytes per second) from a device
    #[arg(long = "device-read-bps")]
    pub device_read_bps: Vec<String>,
    /// Limit write rate (bytes per second) to a device
    #[arg(long = "device-write-bps")]
    pub device_write_bps: Vec<String>,
    /// Limit read rate (IO per second) from a device
    #[arg(long = "device-read-iops")]
    pub device_read_iops: Vec<String>,
    /// Limit write rate (IO per second) to a device
    #[arg(long = "device-write-iops")]
    pub device_write_iops: Vec<String>,
    /// Command to run to check health
    #[arg(long = "health-cmd")]
    pub health_cmd: Option<String>,
    /// Time between running the check (ms|s|m|h) (default 0s)
    #[arg(long = "health-interval", allow_hyphen_values = true)]
    pub health_interval: Option<String>,
    /// Maximum time to allow one check to run (ms|s|m|h) (default 0s)
    #[arg(long = "health-timeout", allow_hyphen_values = true)]
    pub health_timeout: Option<String>,
    /// Consecutive failures needed to report unhealthy
    #[arg(long = "health-retries", allow_hyphen_values = true)]
    pub health_retries: Option<i64>,
    /// Start period for the container to initialize before starting health-retries countdown (ms|s|m|h) (default 0s)
    #[arg(long = "health-start-period", allow_hyphen_values = true)]
    pub health_start_period: Option<String>,
    /// Time between running the check during the start period (ms|s|m|h) (default 0s)
    #[arg(long = "health-start-interval", allow_hyphen_values = true)]
    pub health_start_interval: Option<String>,
    /// Disable any container-specified HEALTHCHECK
    #[arg(long = "no-healthcheck")]
    pub no_healthcheck: bool,
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
    /// Memory soft limit
    #[arg(long = "memory-reservation")]
    pub memory_reservation: Option<String>,
    /// Limit CPU CFS (Completely Fair Scheduler) period
    #[arg(long = "cpu-period")]
    pub cpu_period: Option<i64>,
    /// Limit CPU CFS (Completely Fair Scheduler) quota
    #[arg(long = "cpu-quota", allow_hyphen_values = true)]
    pub cpu_quota: Option<i64>,
    /// MEMs in which to allow execution (0-3, 0,1)
    #[arg(long = "cpuset-mems")]
    pub cpuset_mems: Option<String>,
    /// Block IO (relative weight), between 10 and 1000, or 0 to disable
    #[arg(long = "blkio-weight")]
    pub blkio_weight: Option<u16>,
    /// Kernel memory limit (deprecated: accepted and ignored, as docker does)
    #[arg(long = "kernel-memory")]
    pub kernel_memory: Option<String>,
}

#[derive(Debug, Args)]
#[command(disable_help_flag = true)]
pub struct RunArgs {
    /// Run container in background and print container ID
    #[arg(short = 'd', long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "false", default_missing_value = "true", value_parser = crate::cli::go_bool)]
    pub detach: bool,
    /// Proxy received signals to the process
    #[arg(long = "sig-proxy", action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "true", default_missing_value = "true", value_parser = crate::cli::go_bool)]
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
    /// Override the key sequence for detaching a container
    #[arg(long = "detach-keys")]
    pub detach_keys: Option<String>,
}

/// Turn the flags into typed run options (docker's `parse` in `container/opts.go`).
pub fn run_options(flags: &CreateFlags) -> Result<(String, ContainerConfig)> {
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
                no_new_privileges = v.is_empty() || crate::cli::go_bool(v).unwrap_or(false)
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
    check_unsupported(flags)?;
    // moby `daemon/daemon_unix.go` verifyPlatformContainerResources.
    if let Some(adj) = flags.oom_score_adj
        && !(-1000..=1000).contains(&adj)
    {
        bail!("Invalid value {adj}, range for oom score adj is [-1000, 1000]");
    }
    let mut labels = read_label_files(&flags.label_file)?;
    labels.extend(flags.label.iter().cloned());
    let mut exposed_ports = Vec::new();
    for e in &flags.expose {
        exposed_ports.extend(parse_expose(e)?);
    }
    if flags.pull != "missing" && flags.pull != "always" && flags.pull != "never" {
        bail!(
            "invalid pull option: '{}': must be one of \"always\", \"missing\" or \"never\"",
            flags.pull
        );
    }
    let opts = ContainerConfig {
        name: flags.name.clone(),
        cmd: flags.image_and_cmd[1..].to_vec(),
        entrypoint: flags.entrypoint.clone(),
        env: parse_env(flags)?,
        workdir: flags.workdir.clone(),
        user: flags.user.clone(),
        hostname: flags.hostname.clone(),
        labels: crate::cli::parse_key_values(&labels),
        mounts,
        read_only: flags.read_only,
        cap_add: flags.cap_add.clone(),
        cap_drop: flags.cap_drop.clone(),
        privileged: flags.privileged,
        seccomp,
        no_new_privileges,
        resources: crate::types::Resources {
            memory,
            memory_swap,
            nano_cpus: flags.resources.cpus.map(|c| (c * 1e9) as i64),
            cpu_shares: flags.resources.cpu_shares,
            cpuset_cpus: flags.resources.cpuset_cpus.clone(),
            pids_limit: flags.resources.pids_limit,
            ..more_resources(flags)?
        },
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
        net: crate::types::NetOptions {
            // docker/cli `opts.ParseLink`: NAME[:ALIAS], the alias defaulting to the name; the engine
            // resolves the name to the container's id at create.
            links: flags
                .link
                .iter()
                .map(|l| match l.split_once(':') {
                    Some((n, a)) => (n.to_string(), a.to_string()),
                    None => (l.clone(), l.trim_start_matches('/').to_string()),
                })
                .collect(),
            ..flags.net.to_options()?
        },
        auto_remove: flags.rm,
        pod: None,
        init: flags.init,
        restart: crate::types::RestartPolicy::parse(&flags.restart)?,
        // Filled from the config by create_from_flags.
        rootless_storage: None,
        domainname: flags.domainname.clone().filter(|d| !d.is_empty()),
        exposed_ports,
        annotations: crate::cli::parse_key_values(&flags.annotation),
        cidfile: flags
            .cidfile
            .as_ref()
            .map(|p| p.to_string_lossy().into_owned()),
        namespaces: parse_namespaces(flags)?,
        sysctls: parse_sysctls(&flags.sysctl)?,
        group_add: flags.group_add.clone(),
        oom_score_adj: flags.oom_score_adj,
        log: parse_log(flags)?,
        cgroup_parent: flags.cgroup_parent.clone().filter(|c| !c.is_empty()),
        volumes_from: flags.volumes_from.clone(),
        devices: flags
            .device
            .iter()
            .map(|d| parse_device(d))
            .collect::<Result<_>>()?,
        device_cgroup_rules: flags
            .device_cgroup_rule
            .iter()
            .map(|r| parse_device_cgroup_rule(r))
            .collect::<Result<_>>()?,
        healthcheck: parse_healthcheck(flags)?,
    };
    // docker/cli `container/opts.go`: a container removed on exit cannot be restarted.
    if opts.auto_remove && !opts.restart.is_none() {
        bail!("conflicting options: cannot specify both --restart and --rm");
    }
    Ok((image, opts))
}

pub(super) fn create_from_flags(
    p: &crate::engine::Context,
    flags: &CreateFlags,
    id: Option<String>,
) -> Result<String> {
    let (image, mut opts) = run_options(flags)?;
    for w in ctr::discard_unsupported(&mut opts) {
        eprintln!("WARNING: {w}");
    }
    // docker/cli `container/create.go` newCIDFile: an existing file is refused before anything is made.
    let cidfile = flags.cidfile.as_deref().map(CidFile::open).transpose()?;
    if let Some(pod) = &flags.pod {
        crate::cli::pod::join_pod(p, pod, &mut opts)?;
    }
    let (info, storage) = resolve_image(p, &image, &flags.pull, flags.quiet)?;
    crate::trace::mark("image lookup");
    // docker's daemon warns and creates the container anyway (moby `verifyPlatformContainerSettings`):
    // a container on the host's network is reached on the host's ports directly.
    if opts.network == "host" && !opts.net.ports.is_empty() {
        eprintln!("WARNING: Published ports are discarded when using host network mode");
    }
    // The rootless overlay driver is fixed at create: the upper dir is written in that driver's format.
    opts.rootless_storage = (storage != Default::default()).then_some(storage);
    let id = match id {
        Some(id) => ctr::create_with_id(p, id, &info, opts),
        None => ctr::create(p, &info, opts),
    }?;
    if let Some(f) = cidfile {
        f.write(&id)?;
    }
    Ok(id)
}

/// `--cidfile`: created empty before the container, filled with the full id after it; removed when
/// the creation fails (docker/cli `cidFile`).
struct CidFile {
    path: PathBuf,
    written: bool,
}

impl CidFile {
    fn open(path: &std::path::Path) -> Result<CidFile> {
        if path.exists() {
            bail!(
                "Container ID file found, make sure the other container isn't running or delete {}",
                path.display()
            );
        }
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .with_context(|| {
                format!("failed to create the container ID file {}", path.display())
            })?;
        Ok(CidFile {
            path: path.to_path_buf(),
            written: false,
        })
    }

    fn write(mut self, id: &str) -> Result<()> {
        std::fs::write(&self.path, id).with_context(|| {
            format!(
                "failed to write the container ID to the file {}",
                self.path.display()
            )
        })?;
        self.written = true;
        Ok(())
    }
}

impl Drop for CidFile {
    fn drop(&mut self) {
        if !self.written {
            let _ = std::fs::remove_file(&self.path);
        }
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
    ctx: &crate::engine::Context,
    name: &str,
    pull: &str,
    quiet: bool,
) -> Result<(ImageInfo, crate::config::StorageSettings)> {
    if let Some(e) = &ctx.config_error {
        bail!("{e}");
    }
    for w in &ctx.config_warnings {
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
    ctr::resolve_image(ctx, name, policy, &StderrProgress { quiet }, &mut |ev| {
        if quiet {
            return;
        }
        match ev {
            ctr::PullEvent::Starting(_) => {
                // docker/cli `container/create.go`: only the pull of a missing image says so; `--pull
                // always` pulls first and prints the pull's own lines.
                if policy == ctr::PullPolicy::Missing {
                    eprintln!("Unable to find image '{shown}' locally");
                }
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

pub(super) fn run_cmd(p: &crate::engine::Context, a: RunArgs) -> Result<i32> {
    // The monitor is started first and waits: its start-up overlaps the creation (issue 3). Not for a
    // pod's member, whose monitor may have to re-execute itself from a sealed copy once it has read the
    // container (engine::container::pod_member::monitor_needs_seal).
    let streams = stream_options(&a).map_err(|e| as_125(&e))?;
    let id = crate::engine::container::new_id().map_err(|e| as_125(&e))?;
    // Its cgroup is `berth/<id>` without `--cgroup-parent`; root only (rootless cgroups are delegated
    // ones, or none).
    let early_cgroup =
        a.flags.cgroup_parent.as_deref().is_none_or(str::is_empty) && !p.paths.rootless;
    // Before any thread starts: the monitor is then a fork of this process (no second exec of berth).
    let pre = a
        .flags
        .pod
        .is_none()
        .then(|| ctr::prespawn_monitor(p, &id, !a.detach, early_cgroup, super::monitor_main).ok())
        .flatten();
    let created = create_from_flags(p, &a.flags, Some(id));
    crate::trace::mark("container files written");
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
    crate::trace::mark("started");
    let conn = started.attach.context("attaching to the container")?;
    let code = attach::stream_with(
        p,
        &id,
        conn,
        a.flags.tty,
        a.flags.interactive,
        a.sig_proxy,
        &streams,
    )?;
    crate::trace::mark("exit received");
    Ok(code)
}

/// `-a/--attach` (the output streams a foreground `run` shows; docker/cli `validateAttach`) and
/// `--detach-keys`.
fn stream_options(a: &RunArgs) -> Result<attach::StreamOptions> {
    let mut o = attach::StreamOptions::default();
    if !a.flags.attach.is_empty() {
        if a.detach {
            bail!("Conflicting options: -a and -d");
        }
        let has = |n: &str| a.flags.attach.iter().any(|s| s.eq_ignore_ascii_case(n));
        o.stdout = has("stdout");
        o.stderr = has("stderr");
    }
    if let Some(k) = &a.flags.detach_keys {
        o.detach_keys = attach::parse_detach_keys(k)?;
    }
    Ok(o)
}

pub(super) fn start_cmd(p: &crate::engine::Context, a: &StartArgs) -> Result<i32> {
    if a.attach || a.interactive {
        if a.containers.len() > 1 {
            bail!("you cannot start and attach multiple containers at once");
        }
        let o = attach::StreamOptions {
            detach_keys: attach::parse_detach_keys(a.detach_keys.as_deref().unwrap_or(""))?,
            ..Default::default()
        };
        let s = ctr::start(p, &a.containers[0], true).map_err(|e| start_err(&e))?;
        let rec = ctr::get(p, &s.id)?.record;
        let conn = s.attach.context("attaching to the container")?;
        return attach::stream_with(
            p,
            &s.id,
            conn,
            rec.config.tty,
            a.interactive && rec.config.interactive,
            true,
            &o,
        );
    }
    for_each_arg(&a.containers, |c| {
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

#[cfg(test)]
#[path = "run_tests.rs"]
mod tests;
