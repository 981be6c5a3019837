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

/// A monitor started ahead of its container (`run`): the exec and start-up of a second berth process
/// overlap the creation of the container's files, and the monitor waits for one byte on [`monitor::CREATED_FD`]
/// before it reads them (issue 3). Dropped without [`start_prespawned`], it sees end of file and exits.
pub struct Prespawned {
    id: String,
    attach: bool,
    child: std::process::Child,
    ready: OwnedFd,
    go: OwnedFd,
    conn: Option<UnixStream>,
}

/// Start the monitor of the container `id` will name, before it exists. `attach` as for [`start`].
///
/// With `early_cgroup` (a root container in berth's own cgroup tree, `berth/<id>`), the monitor makes the
/// container's cgroup directories while it waits, off the path of the start (docs/architecture.md).
pub fn prespawn_monitor(
    ctx: &Context,
    id: &str,
    attach: bool,
    early_cgroup: bool,
) -> Result<Prespawned> {
    let paths = &ctx.paths;
    let (go_r, go_w) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating monitor pipe")?;
    let go = Some(go_r.as_raw_fd());
    let (child, ready, conn) = spawn_monitor(paths, id, attach, go, early_cgroup)?;
    drop(go_r);
    Ok(Prespawned {
        id: id.to_string(),
        attach,
        child,
        ready,
        go: go_w,
        conn,
    })
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
    let (mut child, r, conn) = match pre {
        Some(p) if p.id == id => {
            // The container exists now: let the waiting monitor read it.
            nix::unistd::write(&p.go, b"g").context("waking the container monitor")?;
            crate::trace::mark("go sent");
            (p.child, p.ready, p.conn)
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
            let status = child.wait().ok();
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
) -> Result<(std::process::Child, OwnedFd, Option<UnixStream>)> {
    let (r, w) =
        nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating monitor pipe")?;
    // The foreground client's connection is a socketpair the monitor inherits as its first attach client:
    // no polling connect/accept round trip on the `run` hot path (issue 3), and no output can be missed.
    let pair = if attach {
        Some(UnixStream::pair().context("creating the attach socketpair")?)
    } else {
        None
    };
    let mut cmd = std::process::Command::new("/proc/self/exe");
    cmd.arg0(format!("berth:[monitor] {id}"))
        .arg("--root")
        .arg(&paths.root)
        .arg("--run-root")
        .arg(&paths.run_root)
        .args(["internal", "monitor", id])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .env_clear()
        .env("PATH", spec::DEFAULT_PATH);
    // The trace (issue 14) follows the command into its monitor, stage and init.
    if let Some(t) = std::env::var_os("BERTH_TRACE") {
        cmd.env("BERTH_TRACE", t);
    }
    if attach {
        cmd.arg("--attach");
    }
    if go.is_some() {
        cmd.arg("--wait-go");
        if early_cgroup {
            cmd.arg("--early-cgroup");
        }
    }
    let wfd = w.as_raw_fd();
    let afd = pair.as_ref().map(|(_, theirs)| theirs.as_raw_fd());
    // SAFETY: the closure runs between fork and exec and calls only async-signal-safe functions (fcntl, dup2).
    unsafe {
        cmd.pre_exec(move || {
            // Every fd first moves above the targets (close-on-exec copies), so placing one cannot clobber
            // another; dup2 then clears close-on-exec on the placed copies only.
            let high = |fd: RawFd| {
                let n = libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 10);
                if n < 0 {
                    Err(std::io::Error::last_os_error())
                } else {
                    Ok(n)
                }
            };
            let moves = [
                (Some(wfd), monitor::READY_FD),
                (afd, monitor::ATTACH_FD),
                (go, monitor::CREATED_FD),
            ];
            let mut placed = [(-1, -1); 3];
            for (i, (from, to)) in moves.into_iter().enumerate() {
                if let Some(f) = from {
                    placed[i] = (high(f)?, to);
                }
            }
            for (from, to) in placed {
                if from >= 0 && libc::dup2(from, to) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    let child = cmd.spawn().context("starting the container monitor")?;
    drop(w);
    Ok((child, r, pair.map(|(ours, _theirs)| ours)))
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
