//! `pod` commands (podman's verbs and output, docker-style flags): create, ps/ls, inspect, top, logs,
//! start, stop, restart, kill, pause, unpause, rm, prune, exists; plus the pieces `run --pod` and
//! `ps --pod`/`--filter pod=` use from the container commands.
//!
//! Must not be used below `cli`. Invariant: human strings (`-p`, `--memory`, `--share`) are parsed here and
//! only typed values reach `engine::pod`.

use super::{GlobalOpts, StatusError, filter, format, human, stdout};
use crate::engine::container::Listed;
use crate::engine::container::LogOptions;
use crate::engine::pod::{self as engine, CreateOptions};
use crate::engine::pod::{ExitPolicy, PodPort};
use crate::types::ContainerConfig;
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

#[derive(Debug, Subcommand)]
pub enum PodCommand {
    /// Manage pods
    Pod {
        #[command(subcommand)]
        cmd: PodSub,
    },
}

#[derive(Debug, Subcommand)]
pub enum PodSub {
    /// Create a new empty pod
    Create(Box<CreateArgs>),
    /// List pods
    #[command(visible_alias = "ls", visible_alias = "list")]
    Ps(PsArgs),
    /// Display a pod's configuration
    Inspect {
        /// Format the output using the given Go template
        #[arg(short = 'f', long)]
        format: Option<String>,
        #[arg(required = true)]
        pods: Vec<String>,
    },
    /// Display the running processes of the containers in a pod
    Top { pod: String },
    /// Fetch the logs of the containers of a pod
    Logs {
        /// Follow log output
        #[arg(short = 'f', long)]
        follow: bool,
        /// Show timestamps
        #[arg(short = 't', long)]
        timestamps: bool,
        /// Number of lines to show from the end of the logs
        #[arg(long, default_value = "all")]
        tail: String,
        /// Prefix lines with the container's name instead of its id
        #[arg(short = 'n', long)]
        names: bool,
        pod: String,
    },
    /// Start one or more pods
    Start {
        #[arg(required = true)]
        pods: Vec<String>,
    },
    /// Stop one or more pods
    Stop {
        /// Seconds to wait before killing the containers
        #[arg(short = 't', long = "time", allow_hyphen_values = true)]
        time: Option<i64>,
        #[arg(required = true)]
        pods: Vec<String>,
    },
    /// Restart one or more pods
    Restart {
        #[arg(required = true)]
        pods: Vec<String>,
    },
    /// Send a signal to the containers of one or more pods
    Kill {
        /// Signal to send
        #[arg(short = 's', long, default_value = "KILL")]
        signal: String,
        #[arg(required = true)]
        pods: Vec<String>,
    },
    /// Pause every container of one or more pods
    Pause {
        #[arg(required = true)]
        pods: Vec<String>,
    },
    /// Unpause every container of one or more pods
    Unpause {
        #[arg(required = true)]
        pods: Vec<String>,
    },
    /// Remove one or more pods
    Rm {
        /// Stop and remove running containers too
        #[arg(short = 'f', long)]
        force: bool,
        #[arg(required = true)]
        pods: Vec<String>,
    },
    /// Remove every pod without running containers
    Prune {
        /// Do not prompt for confirmation
        #[arg(short = 'f', long)]
        force: bool,
    },
    /// Exit 0 when the pod exists, 1 otherwise (prints nothing)
    Exists { pod: String },
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    /// Assign a name to the pod
    #[arg(short = 'n', long)]
    pub name: Option<String>,
    /// Publish a port of the pod to the host
    #[arg(short = 'p', long = "publish")]
    pub publish: Vec<String>,
    /// Namespaces to share ("ipc,net,uts" by default; "+pid" adds to the default set)
    #[arg(long)]
    pub share: Vec<String>,
    /// The pod's host name (default: the pod's name)
    #[arg(long)]
    pub hostname: Option<String>,
    /// Set metadata on the pod
    #[arg(short = 'l', long = "label")]
    pub label: Vec<String>,
    /// Read in a line delimited file of labels
    #[arg(long = "label-file")]
    pub label_file: Vec<PathBuf>,
    /// Create an infra container for the pod (false: its containers share no namespace)
    #[arg(long, action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_value = "true", default_missing_value = "true", value_parser = crate::cli::go_bool)]
    pub infra: bool,
    /// If a pod with the same name exists, replace it
    #[arg(long)]
    pub replace: bool,
    /// Write the pod ID to the file
    #[arg(long = "pod-id-file")]
    pub pod_id_file: Option<PathBuf>,
    /// `--add-host` and `--dns*`: they reach the pod's containers through its infra
    #[command(flatten)]
    pub dns: super::network::DnsFlags,
    /// Do not create /etc/hosts for the pod: its containers keep their image's
    #[arg(long = "no-hosts")]
    pub no_hosts: bool,
    /// Size of the pod's shared /dev/shm (e.g. 128m)
    #[arg(long = "shm-size")]
    pub shm_size: Option<String>,
    /// Add a host device to the pod's containers
    #[arg(long)]
    pub device: Vec<String>,
    /// Connect the pod to a network ("bridge" by default, "none", "host" or a network name)
    #[arg(long = "network", alias = "net")]
    pub network: Option<String>,
    /// Memory limit for the pod's containers
    #[arg(short = 'm', long)]
    pub memory: Option<String>,
    /// Number of CPUs for the pod's containers
    #[arg(long)]
    pub cpus: Option<f64>,
    /// What happens when the last container exits ("continue" or "stop")
    #[arg(long = "exit-policy", default_value = "continue")]
    pub exit_policy: String,
}

#[derive(Debug, Args)]
pub struct PsArgs {
    /// Only display pod IDs
    #[arg(short = 'q', long)]
    pub quiet: bool,
    /// Do not truncate the output
    #[arg(long = "no-trunc")]
    pub no_trunc: bool,
    /// Filter output based on conditions given (name=, id=, label=, status=)
    #[arg(short = 'f', long = "filter")]
    pub filter: Vec<String>,
    /// Pretty-print pods using a Go template
    #[arg(long)]
    pub format: Option<String>,
}

/// The engine context every container and pod verb takes ([`crate::cli::engine_context`]).
fn paths(g: &GlobalOpts) -> Result<crate::engine::Context> {
    crate::cli::engine_context(g)
}

pub fn run(cmd: PodCommand, g: &GlobalOpts) -> Result<i32> {
    let PodCommand::Pod { cmd } = cmd;
    let p = paths(g)?;
    match cmd {
        PodSub::Create(a) => create(&p, &a),
        PodSub::Ps(a) => ps(&p, &a),
        PodSub::Inspect { format, pods } => inspect(&p, format.as_deref(), &pods),
        PodSub::Top { pod } => top(&p, &pod),
        PodSub::Logs {
            follow,
            timestamps,
            tail,
            names,
            pod,
        } => logs(&p, &pod, follow, timestamps, &tail, names),
        PodSub::Start { pods } => for_each_arg(&pods, |q| engine::start(&p, q)),
        PodSub::Stop { time, pods } => for_each_arg(&pods, |q| engine::stop(&p, q, time)),
        PodSub::Restart { pods } => for_each_arg(&pods, |q| engine::restart(&p, q)),
        PodSub::Kill { signal, pods } => {
            let sig = crate::engine::container::parse_signal(&signal)?;
            for_each_arg(&pods, |q| engine::kill(&p, q, sig))
        }
        PodSub::Pause { pods } => for_each_arg(&pods, |q| engine::set_paused(&p, q, true)),
        PodSub::Unpause { pods } => for_each_arg(&pods, |q| engine::set_paused(&p, q, false)),
        PodSub::Rm { force, pods } => for_each_arg(&pods, |q| engine::remove(&p, q, force)),
        PodSub::Prune { force } => prune(&p, force),
        PodSub::Exists { pod } => Ok(if engine::exists(&p, &pod) { 0 } else { 1 }),
    }
}

/// Run a verb on each pod, printing the full pod id of each success (podman) and every error; exit 1 if
/// any failed.
fn for_each_arg(pods: &[String], mut f: impl FnMut(&str) -> Result<String>) -> Result<i32> {
    let mut code = 0;
    for q in pods {
        match f(q) {
            Ok(id) => writeln!(stdout(), "{id}")?,
            Err(e) => {
                writeln!(std::io::stderr(), "Error: {e:#}")?;
                code = 1;
            }
        }
    }
    Ok(code)
}

fn create(p: &crate::engine::Context, a: &CreateArgs) -> Result<i32> {
    let mut ports = Vec::new();
    for spec in &a.publish {
        for m in super::network::parse_publish(spec)? {
            ports.push(PodPort {
                host_ip: m.host_ip.map(|ip| ip.to_string()),
                host_port: m.host_port,
                container_port: m.container_port,
                proto: m.proto.to_string(),
            });
        }
    }
    let exit_policy = match a.exit_policy.as_str() {
        "continue" => ExitPolicy::Continue,
        "stop" => ExitPolicy::Stop,
        other => bail!("invalid pod exit policy: {other:?}"),
    };
    let memory = a
        .memory
        .as_deref()
        .map(human::parse_bytes)
        .transpose()?
        .map(|m| m as i64);
    if memory.is_some_and(|m| m < 6 * 1024 * 1024) {
        bail!("Minimum memory limit allowed is 6MB");
    }
    if let Some(d) = a.device.first() {
        // berth gives containers docker's default devices only; a host device cannot reach a pod's
        // containers, so the pod is refused rather than created without it.
        bail!(StatusError {
            code: 125,
            msg: format!(
                "--device {d}: berth cannot add host devices to containers; create the pod without --device"
            ),
        });
    }
    if a.no_hosts && !a.dns.add_host.is_empty() {
        // podman's check: the entries would have no /etc/hosts to go to.
        bail!(StatusError {
            code: 125,
            msg: "--no-hosts and --add-host cannot be set together".into(),
        });
    }
    let (dns, extra_hosts) = a.dns.parse()?;
    let mut labels = BTreeMap::new();
    for f in &a.label_file {
        labels.extend(read_label_file(f)?);
    }
    // --label wins over a label file (docker's and podman's order).
    labels.extend(super::parse_key_values(&a.label));
    let opts = CreateOptions {
        name: a.name.clone(),
        share: engine::resolve_share(&a.share)?,
        hostname: a.hostname.clone(),
        labels,
        ports,
        network: a.network.clone().unwrap_or_default(),
        memory,
        nano_cpus: a.cpus.map(|c| (c * 1e9) as i64),
        exit_policy,
        create_command: std::env::args().collect(),
        no_infra: !a.infra,
        replace: a.replace,
        shm_size: a.shm_size.as_deref().map(human::parse_bytes).transpose()?,
        no_hosts: a.no_hosts,
        dns,
        extra_hosts,
    };
    let id = engine::create(p, opts).map_err(|e| StatusError {
        code: 125,
        msg: format!("{e:#}"),
    })?;
    if let Some(f) = &a.pod_id_file {
        std::fs::write(f, &id).map_err(|e| StatusError {
            code: 125,
            msg: format!("writing the pod id to {}: {e}", f.display()),
        })?;
    }
    writeln!(stdout(), "{id}")?;
    Ok(0)
}

/// A `--label-file`: one `KEY=VALUE` (or `KEY`) a line; blank lines and `#` comments are skipped
/// (docker's and podman's env/label file format).
fn read_label_file(f: &Path) -> Result<BTreeMap<String, String>> {
    let text = std::fs::read_to_string(f)
        .map_err(|e| anyhow::anyhow!("reading label file {}: {e}", f.display()))?;
    let lines: Vec<String> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    Ok(super::parse_key_values(&lines))
}

fn ps_row(s: &engine::PodSummary, trunc: bool, now: SystemTime) -> Value {
    let short = |id: &str| {
        if trunc {
            // A pod without infra has an empty infra id.
            id[..12.min(id.len())].to_string()
        } else {
            id.to_string()
        }
    };
    let created = crate::time::parse_recorded(&s.record.created).unwrap_or(now);
    let names: Vec<String> = s.containers.iter().map(|c| c.record.name.clone()).collect();
    let networks: Vec<String> = if s.record.network == "none" {
        vec![]
    } else {
        vec![s.record.network.clone()]
    };
    json!({
        "ID": short(&s.record.id),
        "Id": s.record.id,
        "Name": s.record.name,
        "Status": s.status,
        "Created": human::since(created, now),
        "CreatedAt": human::format_created_at(created),
        "InfraID": short(&s.record.infra_id),
        "InfraId": s.record.infra_id,
        "NumberOfContainers": s.containers.len().to_string(),
        "Labels": s.record.labels,
        "Networks": networks.join(","),
        "ContainerNames": names.join(","),
        "ContainerIds": s.containers.iter().map(|c| short(&c.record.id)).collect::<Vec<_>>().join(","),
        "ContainerStatuses": s.containers.iter().map(|c| c.state.status.as_str()).collect::<Vec<_>>().join(","),
    })
}

/// One `pod ps --filter` (podman's keys).
fn pod_matches(s: &engine::PodSummary, k: &str, v: &str) -> Result<bool> {
    Ok(match k {
        "name" => s.record.name.contains(v),
        "id" => s.record.id.starts_with(v),
        "status" => s.status.eq_ignore_ascii_case(v),
        "label" => filter::label_matches(&s.record.labels, v),
        "ctr-names" => s.containers.iter().any(|c| c.record.name.contains(v)),
        "ctr-ids" => s.containers.iter().any(|c| c.record.id.starts_with(v)),
        _ => bail!("invalid filter '{k}'"),
    })
}

fn ps(p: &crate::engine::Context, a: &PsArgs) -> Result<i32> {
    let now = SystemTime::now();
    let rows = filter::retain(engine::list(p)?, &a.filter, pod_matches)?;
    let values: Vec<Value> = rows.iter().map(|s| ps_row(s, !a.no_trunc, now)).collect();
    let table = "table {{.ID}}\t{{.Name}}\t{{.Status}}\t{{.Created}}\t{{.InfraID}}\t{{.NumberOfContainers}}";
    format::ListFormat::new(a.quiet, a.format.as_deref(), table).render(
        &mut stdout(),
        &values,
        &[
            ("ID", "POD ID"),
            ("Name", "NAME"),
            ("Status", "STATUS"),
            ("Created", "CREATED"),
            ("InfraID", "INFRA ID"),
            ("NumberOfContainers", "# OF CONTAINERS"),
            ("Networks", "NETWORKS"),
            ("Labels", "LABELS"),
        ],
    )?;
    Ok(0)
}

fn inspect(p: &crate::engine::Context, fmt: Option<&str>, pods: &[String]) -> Result<i32> {
    let mut values = Vec::new();
    let mut code = 0;
    for q in pods {
        match engine::inspect(p, q) {
            Ok(v) => values.push(v),
            Err(e) => {
                writeln!(std::io::stderr(), "Error: {e:#}")?;
                code = 125;
            }
        }
    }
    match (pods, values.as_slice(), fmt) {
        // podman 4.3 prints one pod as an object, not an array of one (several names: an array).
        ([_], [v], None | Some("") | Some("json")) => {
            let mut buf = Vec::new();
            let pretty = serde_json::ser::PrettyFormatter::with_indent(b"    ");
            let mut ser = serde_json::Serializer::with_formatter(&mut buf, pretty);
            serde::Serialize::serialize(v, &mut ser)?;
            buf.push(b'\n');
            stdout().write_all(&buf)?;
        }
        (_, [], _) => {}
        _ => format::render_inspect(&mut stdout(), fmt, &values)?,
    }
    Ok(code)
}

fn top(p: &crate::engine::Context, q: &str) -> Result<i32> {
    let rows = engine::top(p, q)?;
    let mut out = stdout();
    let mut tw = Vec::new();
    writeln!(tw, "USER\tPID\tPPID\tCONTAINER\tCOMMAND")?;
    for r in rows {
        let user = if r.user == 0 {
            "root".to_string()
        } else {
            r.user.to_string()
        };
        writeln!(
            tw,
            "{user}\t{}\t{}\t{}\t{}",
            r.pid, r.ppid, r.container, r.command
        )?;
    }
    let text = String::from_utf8_lossy(&tw).into_owned();
    // Column alignment as podman's tabwriter (min width 1, padding 3).
    let lines: Vec<Vec<&str>> = text.lines().map(|l| l.split('\t').collect()).collect();
    let cols = lines.iter().map(|l| l.len()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|i| {
            lines
                .iter()
                .filter_map(|l| l.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for l in &lines {
        let mut s = String::new();
        for (i, c) in l.iter().enumerate() {
            if i + 1 == l.len() {
                s.push_str(c);
            } else {
                s.push_str(&format!("{c:<w$}   ", w = widths[i]));
            }
        }
        writeln!(out, "{s}")?;
    }
    Ok(0)
}

fn logs(
    p: &crate::engine::Context,
    q: &str,
    follow: bool,
    timestamps: bool,
    tail: &str,
    names: bool,
) -> Result<i32> {
    let tail = match tail {
        "all" | "" => None,
        n => n
            .parse::<i64>()
            .ok()
            .filter(|v| *v >= 0)
            .map(|v| v as usize),
    };
    let o = LogOptions {
        follow,
        tail,
        since: None,
        until: None,
    };
    let members = engine::log_containers(p, q)?;
    let run_one = |id: &str, name: &str| -> Result<()> {
        let mut out = std::io::stdout();
        let mut err = std::io::stderr();
        let short = &id[..12];
        crate::engine::container::logs(p, id, &o, &mut |e| {
            let w: &mut dyn Write = if e.stream == "stderr" {
                &mut err
            } else {
                &mut out
            };
            // podman prefixes each line with the container's short id (its name with --names).
            let mut line = format!("{} ", if names { name } else { short });
            if timestamps {
                line.push_str(&e.time);
                line.push(' ');
            }
            line.push_str(&e.log);
            w.write_all(line.as_bytes())?;
            w.flush()?;
            Ok(())
        })
    };
    if follow {
        std::thread::scope(|sc| -> Result<()> {
            let hs: Vec<_> = members
                .iter()
                .map(|(id, name)| sc.spawn(move || run_one(id, name)))
                .collect();
            for h in hs {
                h.join()
                    .map_err(|_| anyhow::anyhow!("log thread panicked"))??;
            }
            Ok(())
        })?;
    } else {
        for (id, name) in &members {
            run_one(id, name)?;
        }
    }
    Ok(0)
}

fn prune(p: &crate::engine::Context, force: bool) -> Result<i32> {
    if !force {
        let mut err = std::io::stderr();
        write!(
            err,
            "WARNING! This will remove all stopped/exited pods..\nAre you sure you want to continue? [y/N] "
        )?;
        err.flush()?;
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        if !matches!(line.trim(), "y" | "Y" | "yes") {
            return Ok(0);
        }
    }
    for id in engine::prune(p)? {
        writeln!(stdout(), "{id}")?;
    }
    Ok(0)
}

/// `run/create --pod NAME|new:NAME`: create the pod if asked, check the member's options, record the pod.
pub fn join_pod(p: &crate::engine::Context, pod: &str, opts: &mut ContainerConfig) -> Result<()> {
    let name = match pod.strip_prefix("new:") {
        Some(n) => {
            engine::create_for_run(p, n)?;
            n
        }
        None => pod,
    };
    engine::join_options(p, name, opts, false)
}

/// Split `ps --filter` values into `pod=` ones (handled here) and the rest.
pub fn split_pod_filters(filters: &[String]) -> (Vec<String>, Vec<String>) {
    let (pods, rest): (Vec<String>, Vec<String>) =
        filters.iter().cloned().partition(|f| f.starts_with("pod="));
    (
        pods.into_iter()
            .map(|f| f["pod=".len()..].to_string())
            .collect(),
        rest,
    )
}

/// `ps --filter pod=X`: the container's pod matches X by name, full id or id prefix (any of several).
pub fn matches_pod_filters(p: &crate::engine::Context, s: &Listed, pods: &[String]) -> bool {
    if pods.is_empty() {
        return true;
    }
    let Some((id, name)) = engine::pod_of(p, s.record.config.pod.as_deref()) else {
        return false;
    };
    pods.iter()
        .any(|q| *q == name || id.starts_with(q.as_str()))
}

/// The pods of the containers `ps --pod` lists, each pod record read once.
#[derive(Default)]
pub struct PodNames(BTreeMap<String, Option<(String, String)>>);

impl PodNames {
    /// `ps --pod` columns: the pod's (short) id and name, empty outside a pod.
    pub fn column(
        &mut self,
        p: &crate::engine::Context,
        s: &Listed,
        trunc: bool,
    ) -> (String, String) {
        let Some(pod) = s.record.config.pod.as_deref() else {
            return (String::new(), String::new());
        };
        let found = self
            .0
            .entry(pod.to_string())
            .or_insert_with(|| engine::pod_of(p, Some(pod)));
        match found {
            Some((id, name)) => (
                if trunc {
                    id[..12].to_string()
                } else {
                    id.clone()
                },
                name.clone(),
            ),
            None => (String::new(), String::new()),
        }
    }
}
