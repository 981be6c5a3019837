//! `start` and `attach`: spawn the container's monitor (or wake a prespawned one) and connect to it.

use super::{ExitCodeError, InvalidState};
use crate::engine::Context;
use crate::monitor::{self, Ready};
use crate::spec;
use crate::state::{Containers, Status};
use crate::store::Paths;
use anyhow::{Context as _, Result, bail};
use std::fs;
use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt;
use std::time::{Duration, Instant};

/// What `start` gives back.
pub struct Started {
    pub id: String,
    pub pid: i32,
    pub warnings: Vec<String>,
    /// The attach connection, when asked for (foreground `run`, `start -a`).
    pub attach: Option<UnixStream>,
    /// The container was already running (docker's `start` is then a no-op).
    pub already_running: bool,
}

/// A monitor started ahead of its container (`run`): its start-up overlaps the creation of the container's
/// files, and it waits for one byte on [`monitor::CREATED_FD`] before it reads them (issue 3). Dropped
/// without [`start_prespawned`], it sees end of file and exits.
pub struct Prespawned {
    id: String,
    attach: bool,
    pid: libc::pid_t,
    ready: OwnedFd,
    go: OwnedFd,
    conn: Option<UnixStream>,
}

/// Start the monitor of the container `id` will name, before it exists. `attach` as for [`start`].
///
/// A single-threaded caller (`run`, before it starts any thread) gets its monitor as a fork of itself,
/// without an exec: a second start of berth's binary (mapping, relocation, the runtime's start-up, some
/// 650 page faults, 0.8 ms) is off every `run` (issue 14). The child makes itself what an exec'd monitor
/// is: the same fds at 3, 4 and 5 and nothing else of ours open (the trace file excepted), /dev/null as its
/// stdio, an environment of PATH alone, and a command line that names it. Any other caller gets the
/// exec'd monitor ([`spawn_monitor`]).
///
/// With `early_cgroup` (a root container in berth's own cgroup tree, `berth/<id>`), the monitor makes the
/// container's cgroup directories while it waits, off the path of the start (docs/architecture.md).
pub fn prespawn_monitor(
    ctx: &Context,
    id: &str,
    attach: bool,
    early_cgroup: bool,
    main: super::MonitorMain,
) -> Result<Prespawned> {
    let paths = &ctx.paths;
    let (go_r, go_w) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating monitor pipe")?;
    let flags = super::MonitorFlags {
        attach,
        wait_go: true,
        early_cgroup,
    };
    let (pid, ready, conn) = if single_threaded() {
        fork_monitor(paths, id, flags, go_r, main)?
    } else {
        let spawned = spawn_monitor(paths, id, attach, Some(go_r.as_raw_fd()), early_cgroup)?;
        drop(go_r);
        spawned
    };
    Ok(Prespawned {
        id: id.to_string(),
        attach,
        pid,
        ready,
        go: go_w,
        conn,
    })
}

/// Whether this process has one thread (/proc/self/stat, field 20), so a fork may go on without exec.
fn single_threaded() -> bool {
    let Some(stat) = crate::runtime::read_proc("/proc/self/stat") else {
        return false;
    };
    crate::runtime::stat_fields(&stat)
        .and_then(|mut f| f.nth(20 - 3))
        .is_some_and(|n| n == "1")
}

/// Start a created or exited container by spawning its monitor. With `attach`, the monitor waits for our
/// connection before launching, so no output is lost.
pub fn start(ctx: &Context, query: &str, attach: bool) -> Result<Started> {
    let _paths = &ctx.paths;
    start_with(ctx, query, attach, None)
}

/// [`start`] of the container a [`Prespawned`] monitor was started for.
pub fn start_prespawned(ctx: &Context, pre: Prespawned) -> Result<Started> {
    let _paths = &ctx.paths;
    let (id, attach) = (pre.id.clone(), pre.attach);
    start_with(ctx, &id, attach, Some(pre))
}

fn start_with(
    ctx: &Context,
    query: &str,
    attach: bool,
    pre: Option<Prespawned>,
) -> Result<Started> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let _lock = c.lock(&id)?;
    let st = c.refresh(&id)?;
    if st.is_running() {
        let conn = if attach {
            Some(connect_attach(&c, &id)?)
        } else {
            None
        };
        return Ok(Started {
            id,
            pid: st.pid,
            warnings: vec![],
            attach: conn,
            already_running: true,
        });
    }
    if st.status == Status::Removing {
        bail!(InvalidState(format!(
            "container {id} is marked for removal and cannot be started"
        )));
    }
    let rec = c.load_record(&id)?;
    let pod_warnings = super::pod_member::prepare_start(ctx, &rec)?;
    super::namespaces::prepare_start(ctx, &rec)?;
    let _ = fs::remove_file(c.attach_socket(&id));
    if attach {
        // docker: a foreground `run` (and `start -a`) attaches before the start.
        crate::engine::events::emit_container(paths, &rec, "attach");
    }
    let (child, r, conn) = match pre {
        Some(p) if p.id == id => {
            // The container exists now: let the waiting monitor read it.
            nix::unistd::write(&p.go, b"g").context("waking the container monitor")?;
            crate::trace::mark("go sent");
            (p.pid, p.ready, p.conn)
        }
        _ => spawn_monitor(paths, &id, attach, None, false)?,
    };
    let mut msg = Vec::new();
    fs::File::from(r)
        .read_to_end(&mut msg)
        .context("reading from the container monitor")?;
    // The monitor keeps running; it is not our child to wait for once it has reported (it was setsid'ed,
    // and reaping it later is left to init when we exit).
    let ready: Ready = match serde_json::from_slice(&msg) {
        Ok(r) => r,
        Err(_) => {
            let status = nix::sys::wait::waitpid(nix::unistd::Pid::from_raw(child), None).ok();
            let err = fs::read_to_string(c.run_dir(&id).join("monitor.err")).unwrap_or_default();
            bail!(
                "container monitor exited without reporting ({status:?}): {}",
                err.trim()
            );
        }
    };
    match ready {
        Ready::Started { pid, warnings } => Ok(Started {
            id,
            pid,
            warnings: pod_warnings.into_iter().chain(warnings).collect(),
            attach: conn,
            already_running: false,
        }),
        Ready::Failed { code, message } => Err(ExitCodeError { code, message }.into()),
    }
}

/// Spawn `berth internal monitor <id>` (re-executing ourselves, so the monitor is a fresh single-threaded
/// process whose command line names it). Returns the child, the read end of its [`Ready`] pipe and, with
/// `attach`, our end of the attach socketpair. `go`: the pipe end for `--wait-go` ([`Prespawned`]).
fn spawn_monitor(
    paths: &Paths,
    id: &str,
    attach: bool,
    go: Option<RawFd>,
    early_cgroup: bool,
) -> Result<(libc::pid_t, OwnedFd, Option<UnixStream>)> {
    let (r, w) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating monitor pipe")?;
    // The foreground client's connection is a socketpair the monitor inherits as its first attach client:
    // no polling connect/accept round trip on the `run` hot path (issue 3), and no output can be missed.
    let pair = if attach {
        Some(UnixStream::pair().context("creating the attach socketpair")?)
    } else {
        None
    };
    let flags = super::MonitorFlags {
        attach,
        wait_go: go.is_some(),
        early_cgroup: go.is_some() && early_cgroup,
    };
    let args = monitor_args(paths, id, flags);
    let mut cmd = std::process::Command::new("/proc/self/exe");
    cmd.arg0(&args[0])
        .args(&args[1..])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .env_clear()
        .env("PATH", spec::DEFAULT_PATH);
    // The trace (issue 14) follows the command into its monitor, stage and init.
    if let Some(t) = std::env::var_os("BERTH_TRACE") {
        cmd.env("BERTH_TRACE", t);
    }
    let wfd = w.as_raw_fd();
    let afd = pair.as_ref().map(|(_, theirs)| theirs.as_raw_fd());
    let moves = [wfd, afd.unwrap_or(-1), go.unwrap_or(-1)];
    // SAFETY: the closure runs between fork and exec and calls only async-signal-safe functions (fcntl,
    // dup2; place_fds allocates nothing).
    unsafe {
        cmd.pre_exec(move || place_fds(moves));
    }
    let child = cmd.spawn().context("starting the container monitor")?;
    crate::trace::mark("monitor exec'd");
    drop(w);
    // Not waited for here: see start_with.
    let pid = child.id() as libc::pid_t;
    Ok((pid, r, pair.map(|(ours, _theirs)| ours)))
}

/// Where a monitor finds its ends of the CLI's pipes: READY_FD, ATTACH_FD, CREATED_FD.
const MONITOR_FDS: [RawFd; 3] = [monitor::READY_FD, monitor::ATTACH_FD, monitor::CREATED_FD];

/// Places `fds` (-1: none) at [`MONITOR_FDS`], in the monitor's process before it runs (after fork, before
/// exec or in the forked monitor). Every fd first moves above the targets (close-on-exec copies), so placing
/// one cannot clobber another; dup2 then clears close-on-exec on the placed copies only. Async-signal-safe:
/// no allocation.
fn place_fds(fds: [RawFd; 3]) -> std::io::Result<()> {
    let mut placed = [(-1, -1); 3];
    for (i, (from, to)) in fds.into_iter().zip(MONITOR_FDS).enumerate() {
        if from >= 0 {
            // SAFETY: fcntl on an fd of this process.
            let high = unsafe { libc::fcntl(from, libc::F_DUPFD_CLOEXEC, 10) };
            if high < 0 {
                return Err(std::io::Error::last_os_error());
            }
            placed[i] = (high, to);
        }
    }
    for (from, to) in placed {
        // SAFETY: dup2 of the copy made above onto its fixed number.
        if from >= 0 && unsafe { libc::dup2(from, to) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    Ok(())
}

/// The monitor's command line, program name first: `berth:[monitor] <id> --root R --run-root RR internal
/// monitor <id> [--attach] [--wait-go] [--early-cgroup]` (parsed back by cli::parse_monitor_args).
fn monitor_args(paths: &Paths, id: &str, flags: super::MonitorFlags) -> Vec<std::ffi::OsString> {
    let mut args: Vec<std::ffi::OsString> = vec![
        format!("berth:[monitor] {id}").into(),
        "--root".into(),
        paths.root.clone().into(),
        "--run-root".into(),
        paths.run_root.clone().into(),
        "internal".into(),
        "monitor".into(),
        id.into(),
    ];
    for (on, flag) in [
        (flags.attach, "--attach"),
        (flags.wait_go, "--wait-go"),
        (flags.early_cgroup, "--early-cgroup"),
    ] {
        if on {
            args.push(flag.into());
        }
    }
    args
}

/// [`prespawn_monitor`]'s fork: the child runs the monitor (`main`) and exits; the parent
/// gets the same as from [`spawn_monitor`]. The caller is single-threaded.
fn fork_monitor(
    paths: &Paths,
    id: &str,
    flags: super::MonitorFlags,
    go: OwnedFd,
    main: super::MonitorMain,
) -> Result<(libc::pid_t, OwnedFd, Option<UnixStream>)> {
    let (r, w) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating monitor pipe")?;
    let pair = if flags.attach {
        Some(UnixStream::pair().context("creating the attach socketpair")?)
    } else {
        None
    };
    let null = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
        .context("opening /dev/null")?;
    // SAFETY: the caller is single-threaded (checked by prespawn_monitor), so the child may allocate and
    // run ordinary code; it never returns into the caller's code (monitor_child ends the process).
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error()).context("starting the container monitor");
    }
    if pid == 0 {
        let theirs = pair.as_ref().map(|(_, t)| t.as_raw_fd());
        monitor_child(
            paths,
            id,
            flags,
            main,
            [w.as_raw_fd(), theirs.unwrap_or(-1), go.as_raw_fd()],
            &null,
        );
    }
    crate::trace::mark("monitor forked");
    Ok((pid, r, pair.map(|(ours, _theirs)| ours)))
}

/// The forked monitor's life: become what `internal monitor <id> --wait-go ...` would be, run it, exit.
/// `fds`: the ends to place at READY_FD, ATTACH_FD (-1: none) and CREATED_FD.
fn monitor_child(
    paths: &Paths,
    id: &str,
    flags: super::MonitorFlags,
    main: super::MonitorMain,
    fds: [RawFd; 3],
    null: &fs::File,
) -> ! {
    let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        // A child that cannot become the monitor exits: `run` then reads end of file where the monitor's
        // answer should be, and says the monitor exited without reporting.
        if become_monitor(paths, id, flags, fds, null).is_err() {
            return 125;
        }
        crate::trace::role("monitor");
        crate::trace::mark("forked");
        // The exec'd monitor's status for an error it returns (cli::report_error's 1 as well).
        main(paths, id, flags).unwrap_or(1)
    }));
    // SAFETY: ends this process without unwinding into the caller's frames.
    unsafe { libc::_exit(code.unwrap_or(101)) }
}

/// The fds, stdio, environment and command line of an exec'd monitor (see [`prespawn_monitor`]).
fn become_monitor(
    paths: &Paths,
    id: &str,
    flags: super::MonitorFlags,
    fds: [RawFd; 3],
    null: &fs::File,
) -> std::io::Result<()> {
    place_fds(fds)?;
    for to in 0..3 {
        // SAFETY: dup2 of an fd we own onto the standard numbers.
        if unsafe { libc::dup2(null.as_raw_fd(), to) } < 0 {
            return Err(std::io::Error::last_os_error());
        }
    }
    // Everything else we inherited goes: the caller's ends of these pipes above all (a write end left
    // open here would keep the monitor from ever seeing the end of file that says the creation failed).
    let keep: Vec<RawFd> = MONITOR_FDS
        .into_iter()
        .zip(fds)
        .filter(|(_, from)| *from >= 0)
        .map(|(to, _)| to)
        .chain([0, 1, 2])
        .chain(crate::trace::raw_fd())
        .collect();
    let open: Vec<RawFd> = fs::read_dir("/proc/self/fd")?
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse().ok())
        .collect();
    for fd in open.into_iter().filter(|fd| !keep.contains(fd)) {
        // SAFETY: closes an inherited fd no code of this process uses from here on (EBADF for the
        // directory listing's own, already gone, is fine).
        unsafe { libc::close(fd) };
    }
    let trace = std::env::var_os("BERTH_TRACE");
    for (k, _) in std::env::vars_os() {
        // SAFETY: this process is single-threaded (a fork of a single-threaded one).
        unsafe { std::env::remove_var(k) };
    }
    // SAFETY: as above.
    unsafe {
        std::env::set_var("PATH", spec::DEFAULT_PATH);
        if let Some(t) = trace {
            std::env::set_var("BERTH_TRACE", t);
        }
    }
    let args = monitor_args(paths, id, flags);
    let title = args
        .iter()
        .map(|a| a.to_string_lossy())
        .collect::<Vec<_>>()
        .join(" ");
    // A monitor that re-executes itself from a sealed copy (docs/security.md F1) does so with these.
    crate::runtime::seal::set_own_args(args);
    crate::runtime::set_process_title(&title);
    Ok(())
}

pub(super) fn connect_attach(c: &Containers, id: &str) -> Result<UnixStream> {
    let (_dir, sock) = crate::state::attach::short_socket_path(&c.attach_socket(id))
        .with_context(|| format!("opening the run dir of container {id}"))?;
    // A running container's monitor bound its socket before launching; retrying covers a monitor that is
    // being replaced (restart) at this instant.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match UnixStream::connect(&sock) {
            Ok(s) => return Ok(s),
            Err(e) if Instant::now() > deadline => {
                return Err(e).with_context(|| format!("attaching to container {id}"));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(2)),
        }
    }
}

/// What `attach` gives back: a connection to a running container's monitor.
pub struct Attached {
    pub id: String,
    pub conn: UnixStream,
    /// The container has a tty (`-t`): its output is one raw stream.
    pub tty: bool,
    /// The container keeps stdin open (`-i`).
    pub interactive: bool,
}

/// `attach`: connect to a running container's monitor.
pub fn attach(ctx: &Context, query: &str) -> Result<Attached> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let st = c.peek(&id)?;
    if !st.is_running() {
        bail!(InvalidState(
            "You cannot attach to a stopped container, start it first".into()
        ));
    }
    let conn = connect_attach(&c, &id)?;
    crate::engine::events::emit_container(paths, &rec, "attach");
    Ok(Attached {
        id,
        conn,
        tty: rec.config.tty,
        interactive: rec.config.interactive,
    })
}
