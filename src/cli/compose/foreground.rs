//! The attached verbs of `compose`: `up` (detached, `--wait`, or in the foreground with every
//! container's output prefixed `web-1  | ` until they all exit or Ctrl-C stops the project), `logs`,
//! `exec` and `run` (which hand the terminal to berth's own `exec` / `start -a`).

use super::{ExecArgs, RunArgs, StderrEvents, UpArgs, pull_policy, scale};
use crate::cli::GlobalOpts;
use crate::compose::{self, Member, Project, UpOptions};
use crate::engine::Context;
use crate::engine::container::{self as ctr, LogOptions, Status};
use anyhow::{Context as _, Result, bail};
use clap::Args;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Debug, Args)]
pub struct LogsArgs {
    /// Follow log output
    #[arg(short = 'f', long)]
    pub follow: bool,
    /// Number of lines to show from the end of the logs for each container
    #[arg(short = 'n', long, default_value = "all")]
    pub tail: String,
    /// Show timestamps
    #[arg(short = 't', long)]
    pub timestamps: bool,
    /// Produce monochrome output
    #[arg(long = "no-color")]
    pub no_color: bool,
    /// Don't print prefix in logs
    #[arg(long = "no-log-prefix")]
    pub no_log_prefix: bool,
    /// Show logs since timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)
    #[arg(long)]
    pub since: Option<String>,
    /// Show logs before a timestamp (e.g. 2013-01-02T13:23:37Z) or relative (e.g. 42m for 42 minutes)
    #[arg(long)]
    pub until: Option<String>,
    /// index of the container if service has multiple replicas
    #[arg(long)]
    pub index: Option<u32>,
    pub services: Vec<String>,
}

/// How many times Ctrl-C was pressed during a foreground `up`.
static INTERRUPTS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn on_sigint(_: libc::c_int) {
    INTERRUPTS.fetch_add(1, Ordering::SeqCst);
}

/// The prefix docker compose gives a container's lines: its name without the project
/// (`web-1`), padded to the longest of the project's.
fn short(p: &Project, m: &Member) -> String {
    m.name
        .strip_prefix(&format!("{}-", p.name))
        .unwrap_or(&m.name)
        .to_string()
}

/// Copy one container's log into `out`, each line prefixed; returns when the log ends (with
/// `follow`, when the container stops).
fn pump(
    ctx: &Context,
    id: &str,
    prefix: &str,
    o: &LogOptions,
    timestamps: bool,
    out: &Mutex<()>,
) -> Result<()> {
    ctr::logs(ctx, id, o, &mut |e| {
        let _g = out.lock();
        let mut w = std::io::stdout().lock();
        let ts = if timestamps {
            format!("{} ", e.time)
        } else {
            String::new()
        };
        for line in e.log.split_inclusive('\n') {
            write!(w, "{prefix}{ts}{line}")?;
        }
        if !e.log.ends_with('\n') {
            writeln!(w)?;
        }
        w.flush()?;
        Ok(())
    })
}

/// docker compose's palette for prefixes, in the order containers get them: cyan, yellow, green,
/// magenta, blue, then their bold ("intense") forms.
const RAINBOW: [&str; 10] = [
    "36", "33", "32", "35", "34", "36;1", "33;1", "32;1", "35;1", "34;1",
];

/// Each container's prefix (`web-1  | `), coloured from the palette when `color`.
fn prefixes(p: &Project, ms: &[Member], off: bool, color: bool) -> Vec<String> {
    let names: Vec<String> = ms.iter().map(|m| short(p, m)).collect();
    bars(&names, off, color)
}

fn bars(names: &[String], off: bool, color: bool) -> Vec<String> {
    let width = names.iter().map(String::len).max().unwrap_or(0);
    names
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let bar = format!("{n:<width$}  |");
            if off {
                String::new()
            } else if color {
                format!("\x1b[{}m{bar}\x1b[0m ", RAINBOW[i % RAINBOW.len()])
            } else {
                format!("{bar} ")
            }
        })
        .collect()
}

/// Colours on a terminal unless `--no-color` (docker compose's `--ansi auto`).
/// Whether log prefixes are coloured: not with --no-color or `--ansi never`, always with
/// `--ansi always`, else on a terminal.
fn colored(no_color: bool) -> bool {
    use std::io::IsTerminal;
    match super::ANSI.load(Ordering::Relaxed) {
        _ if no_color => false,
        1 => false,
        2 => true,
        _ => std::io::stdout().is_terminal(),
    }
}

pub(super) fn logs(ctx: &Context, p: &Project, a: &LogsArgs) -> Result<i32> {
    let tail = match a.tail.as_str() {
        "all" | "" | "-1" => None,
        n => Some(
            n.parse::<usize>()
                .with_context(|| format!("invalid --tail {n:?}"))?,
        ),
    };
    let ms: Vec<Member> = compose::members(ctx, &p.name, true)?
        .into_iter()
        .filter(|m| !m.oneoff && (a.services.is_empty() || a.services.contains(&m.service)))
        .filter(|m| a.index.is_none_or(|i| m.number == i))
        .collect();
    let pre = prefixes(p, &ms, a.no_log_prefix, colored(a.no_color));
    let when = |v: &Option<String>| {
        v.as_deref()
            .map(|t| crate::cli::human::parse_timestamp(t, std::time::SystemTime::now()))
            .transpose()
    };
    let o = LogOptions {
        follow: a.follow,
        tail,
        since: when(&a.since)?,
        until: when(&a.until)?,
    };
    let lock = Mutex::new(());
    let results: Vec<Result<()>> = std::thread::scope(|s| {
        let hs: Vec<_> = ms
            .iter()
            .zip(&pre)
            .map(|(m, pf)| {
                let (o, lock) = (&o, &lock);
                s.spawn(move || pump(ctx, &m.id, pf, o, a.timestamps, lock))
            })
            .collect();
        hs.into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("log thread panicked")))
            })
            .collect()
    });
    results.into_iter().collect::<Result<()>>()?;
    Ok(0)
}

pub(super) fn up(ctx: &Context, p: &Project, a: &UpArgs, _g: &GlobalOpts) -> Result<i32> {
    let ev = StderrEvents;
    if let Some(s) = &a.exit_code_from
        && p.service(s).is_none()
    {
        bail!("no such service: {s}");
    }
    if a.detach && (a.abort_on_container_exit || a.exit_code_from.is_some()) {
        bail!("--abort-on-container-exit and -d cannot be combined");
    }
    let o = UpOptions {
        services: a.services.clone(),
        no_deps: a.no_deps,
        force_recreate: a.force_recreate,
        no_recreate: a.no_recreate,
        remove_orphans: a.remove_orphans,
        scale: scale(&a.scale)?,
        pull: Some(pull_policy(&a.pull)?),
        no_start: a.no_start,
    };
    // --no-build: an image that is not there is an error, not a build.
    let builder = super::builder(a.build);
    let builder = (!a.no_build).then_some(&builder);
    let quiet = compose::Quiet;
    let pull_events: &dyn compose::Events = if a.quiet_pull { &quiet } else { &ev };
    compose::up::up(
        ctx,
        p,
        &o,
        builder,
        &PullQuiet {
            pull: pull_events,
            rest: &ev,
        },
    )?;
    if a.no_start {
        return Ok(0);
    }
    let selected = compose::up::selection(p, &a.services, !a.no_deps)?;
    let mine = |ctx: &Context| -> Result<Vec<Member>> {
        Ok(compose::members(ctx, &p.name, true)?
            .into_iter()
            .filter(|m| !m.oneoff && selected.contains(&m.service))
            .collect())
    };
    if a.wait {
        return wait_running(ctx, p, &mine(ctx)?, a.wait_timeout, &ev);
    }
    if a.detach {
        return Ok(0);
    }
    // Ctrl-C stops the project (docker compose: "Gracefully stopping...").
    let handler = nix::sys::signal::SigHandler::Handler(on_sigint);
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe.
    unsafe { nix::sys::signal::signal(nix::sys::signal::Signal::SIGINT, handler) }
        .context("installing the SIGINT handler")?;
    let ms = mine(ctx)?;
    let names: Vec<String> = ms.iter().map(|m| m.name.clone()).collect();
    eprintln!("Attaching to {}", names.join(", "));
    let pre = prefixes(p, &ms, a.no_log_prefix, colored(a.no_color));
    let lock = Arc::new(Mutex::new(()));
    let (tx, rx) = std::sync::mpsc::channel::<usize>();
    for (i, (m, pf)) in ms.iter().zip(pre).enumerate() {
        let (ctx, id, lock, tx) = (ctx.clone(), m.id.clone(), lock.clone(), tx.clone());
        std::thread::spawn(move || {
            let o = LogOptions {
                follow: true,
                ..Default::default()
            };
            let _ = pump(&ctx, &id, &pf, &o, false, &lock);
            let _ = tx.send(i);
        });
    }
    drop(tx);
    let abort = a.abort_on_container_exit || a.exit_code_from.is_some();
    let mut ended = 0;
    let mut first_exited: Option<usize> = None;
    loop {
        if INTERRUPTS.load(Ordering::SeqCst) > 0 {
            eprintln!("Gracefully stopping... (press Ctrl+C again to force)");
            graceful_stop(ctx, p, a.timeout, &rx)?;
            return Ok(130);
        }
        match rx.recv_timeout(Duration::from_millis(100)) {
            Ok(i) => {
                ended += 1;
                let m = &ms[i];
                let code = ctr::get(ctx, &m.id).map(|s| s.state.exit_code).unwrap_or(0);
                let _g = lock.lock();
                eprintln!("{} exited with code {code}", short(p, m));
                // A dependency that others wait on with `service_completed_successfully` is meant to
                // exit: its success aborts nothing (docker compose v2 ignores it too).
                if abort && !(code == 0 && awaited_to_complete(p, &m.service)) {
                    first_exited.get_or_insert(i);
                    break;
                }
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => break,
        }
        if ended == ms.len() {
            break;
        }
    }
    if abort {
        eprintln!("Aborting on container exit...");
        compose::ops::stop(ctx, p, &[], a.timeout, &ev)?;
        // The stop ends every follower: let them print what their containers wrote last.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while std::time::Instant::now() < deadline
            && !matches!(
                rx.recv_timeout(Duration::from_millis(100)),
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected)
            )
        {}
    }
    let code = match &a.exit_code_from {
        Some(s) => ms
            .iter()
            .find(|m| &m.service == s)
            .and_then(|m| ctr::get(ctx, &m.id).ok())
            .map(|x| x.state.exit_code)
            .unwrap_or(0),
        None if abort => first_exited
            .and_then(|i| ctr::get(ctx, &ms[i].id).ok())
            .map(|x| x.state.exit_code)
            .unwrap_or(0),
        None => 0,
    };
    Ok(code)
}

/// Ctrl-C in a foreground `up`: stop the project while the followers go on printing what the
/// containers write as they stop; a second Ctrl-C kills them (docker compose's "press Ctrl+C again
/// to force").
fn graceful_stop(
    ctx: &Context,
    p: &Project,
    timeout: Option<i64>,
    followers: &std::sync::mpsc::Receiver<usize>,
) -> Result<()> {
    let stopper = {
        let (ctx, p) = (ctx.clone(), p.clone());
        std::thread::spawn(move || compose::ops::stop(&ctx, &p, &[], timeout, &StderrEvents))
    };
    let mut killed = false;
    while !stopper.is_finished() {
        if !killed && INTERRUPTS.load(Ordering::SeqCst) > 1 {
            killed = true;
            compose::ops::kill(ctx, p, &[], libc::SIGKILL, &StderrEvents)?;
        }
        let _ = followers.recv_timeout(Duration::from_millis(50));
    }
    let stopped = stopper
        .join()
        .unwrap_or_else(|_| Err(anyhow::anyhow!("the stop thread panicked")));
    // The containers are down: let the followers print their last lines.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while std::time::Instant::now() < deadline
        && !matches!(
            followers.recv_timeout(Duration::from_millis(100)),
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected)
        )
    {}
    stopped
}

/// Events with the image pull lines sent to `pull` (`up --quiet-pull` makes it quiet), the rest to `rest`.
struct PullQuiet<'a> {
    pull: &'a dyn compose::Events,
    rest: &'a dyn compose::Events,
}

impl compose::Events for PullQuiet<'_> {
    fn event(&self, kind: &str, name: &str, status: &str) {
        if kind == "Image" {
            self.pull.event(kind, name, status)
        } else {
            self.rest.event(kind, name, status)
        }
    }
    fn warn(&self, message: &str) {
        self.rest.warn(message)
    }
}

/// Whether another service waits for `service` with `condition: service_completed_successfully`.
fn awaited_to_complete(p: &Project, service: &str) -> bool {
    p.model
        .get("services")
        .and_then(serde_json::Value::as_object)
        .into_iter()
        .flatten()
        .filter_map(|(_, svc)| svc.get("depends_on")?.get(service)?.get("condition"))
        .any(|c| c == "service_completed_successfully")
}

/// `--wait`: every container running (docker compose fails when one exits instead), except one
/// another service awaits with `service_completed_successfully`, which must exit 0.
fn wait_running(
    ctx: &Context,
    p: &Project,
    ms: &[Member],
    timeout: Option<u64>,
    ev: &StderrEvents,
) -> Result<i32> {
    use crate::compose::Events;
    let deadline = std::time::Instant::now() + Duration::from_secs(timeout.unwrap_or(60));
    for m in ms {
        ev.event("Container", &m.name, "Waiting");
        let to_complete = awaited_to_complete(p, &m.service);
        loop {
            let st = ctr::get(ctx, &m.id)?.state;
            match st.status {
                Status::Exited if to_complete && st.exit_code == 0 => break,
                Status::Exited if to_complete => bail!(
                    "service {:?} didn't complete successfully: exit {}",
                    m.service,
                    st.exit_code
                ),
                _ if to_complete => {}
                Status::Running => match ctr::health(ctx, &m.id)?.status.as_str() {
                    "starting" => {}
                    "unhealthy" => bail!("container {} is unhealthy", m.name),
                    _ => break,
                },
                Status::Exited | Status::Created => {
                    bail!("container {} exited ({})", m.name, st.exit_code)
                }
                _ => {}
            }
            if std::time::Instant::now() > deadline {
                bail!("timeout waiting for container {} to be running", m.name);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        ev.event(
            "Container",
            &m.name,
            if to_complete { "Exited" } else { "Healthy" },
        );
    }
    Ok(0)
}

/// berth itself, with the global flags of this invocation (for `exec` and `start -a`, which need a
/// process of their own: exec re-executes from a sealed copy and must be single-threaded).
fn berth(g: &GlobalOpts) -> std::process::Command {
    let mut c = std::process::Command::new("/proc/self/exe");
    if let Some(r) = &g.root {
        c.arg("--root").arg(r);
    }
    if let Some(r) = &g.run_root {
        c.arg("--run-root").arg(r);
    }
    if let Some(r) = &g.config {
        c.arg("--config").arg(r);
    }
    c
}

fn status_code(s: std::process::ExitStatus) -> i32 {
    use std::os::unix::process::ExitStatusExt;
    s.code().unwrap_or_else(|| 128 + s.signal().unwrap_or(0))
}

fn stdin_tty() -> bool {
    nix::unistd::isatty(std::io::stdin()).unwrap_or(false)
}

pub(super) fn exec(ctx: &Context, p: &Project, a: &ExecArgs, g: &GlobalOpts) -> Result<i32> {
    let m = compose::members(ctx, &p.name, false)?
        .into_iter()
        .find(|m| m.service == a.service && m.number == a.index && !m.oneoff)
        .with_context(|| format!("service {:?} is not running", a.service))?;
    let mut c = berth(g);
    c.arg("exec");
    if a.detach {
        c.arg("-d");
    } else {
        c.arg("-i");
        if !a.no_tty && stdin_tty() {
            c.arg("-t");
        }
    }
    if let Some(u) = &a.user {
        c.arg("-u").arg(u);
    }
    if let Some(w) = &a.workdir {
        c.arg("-w").arg(w);
    }
    for e in &a.env {
        c.arg("-e").arg(e);
    }
    if a.privileged {
        c.arg("--privileged");
    }
    c.arg(&m.id).args(&a.command);
    Ok(status_code(c.status().context("running berth exec")?))
}

pub(super) fn run_oneoff(ctx: &Context, p: &Project, a: &RunArgs, g: &GlobalOpts) -> Result<i32> {
    let tty = !a.no_tty && !a.detach && stdin_tty();
    let entrypoint = a
        .entrypoint
        .as_deref()
        .map(compose::normalize::shell_split)
        .transpose()?;
    let o = compose::oneoff::OneOff {
        command: a.command.clone(),
        entrypoint,
        env: a.env.clone(),
        name: a.name.clone(),
        user: a.user.clone(),
        workdir: a.workdir.clone(),
        tty,
        interactive: !a.detach,
        rm: a.rm,
        no_deps: a.no_deps,
        service_ports: a.service_ports,
        publish: a.publish.clone(),
        volumes: a.volume.clone(),
        labels: a.label.clone(),
        pull: Some(pull_policy(&a.pull)?),
    };
    let quiet = compose::Quiet;
    let pull_events: &dyn compose::Events = if a.quiet_pull { &quiet } else { &StderrEvents };
    let id = compose::oneoff::create(
        ctx,
        p,
        &a.service,
        &o,
        Some(&super::builder(a.build)),
        &PullQuiet {
            pull: pull_events,
            rest: &StderrEvents,
        },
    )?;
    if a.detach {
        ctr::start(ctx, &id, false)?;
        writeln!(crate::cli::stdout(), "{id}")?;
        return Ok(0);
    }
    let status = berth(g)
        .arg("start")
        .arg("-a")
        .arg("-i")
        .arg(&id)
        .status()
        .context("running berth start")?;
    Ok(status_code(status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_take_docker_compose_colours_in_turn() {
        let ms = ["web-1".to_string(), "db-1".to_string()];
        assert_eq!(bars(&ms, false, false), ["web-1  | ", "db-1   | "]);
        assert_eq!(
            bars(&ms, false, true),
            ["\x1b[36mweb-1  |\x1b[0m ", "\x1b[33mdb-1   |\x1b[0m "]
        );
        assert_eq!(bars(&ms, true, true), ["", ""]);
    }
}
