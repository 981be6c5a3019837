//! The per-container supervisor: `berth internal monitor <id>`, one small single-threaded process per
//! running container (berth re-executing itself; docs/architecture.md "Process model").
//!
//! It becomes a session leader and child subreaper, launches the payload through `runtime`, records the
//! running state, copies stdout/stderr into docker's json-file log and to attached clients (unix socket in
//! run_root, [`crate::state::attach`]), forwards stdin, resizes and signals, waits, writes the exit record and
//! state, destroys what the runtime set up, runs its caller's exit hook (the pod's exit policy) and honours
//! `--rm` (the directory goes to the trash before the client's answer, its deletion after).
//! `run` starts it before the container exists (`--wait-go`, [`GO_FD`]) so its start-up overlaps the
//! creation; `start` starts it when the container exists.
//! Depends on runtime, state, store and spec types only (the exit hook is passed in by the CLI).
//! Invariant: the exit of a started payload is always recorded, whatever happens to the CLI that started it.

pub mod log;
pub mod pause;
pub mod restart;

use crate::runtime::{self, Launch, LaunchError, Rootfs, Stdio};
use crate::state::attach::{self, Decoder};
use crate::state::{self, ContainerRecord, Containers, ExitRecord, MonitorRecord, Status};
use crate::store::Paths;
use crate::time::{ZERO_TIME, rfc3339_nano};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicI32, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// The fd on which the CLI waits for [`Ready`] (the CLI dup2s its pipe here before exec).
pub const READY_FD: RawFd = 3;

/// With `--attach`, the fd of the foreground client's end of a socketpair (placed here like [`READY_FD`]):
/// the first attach client, connected before the payload starts, so it misses no output.
pub const ATTACH_FD: RawFd = 4;

/// With `--wait-go`, the read end of a pipe from the CLI (placed like [`READY_FD`]): the monitor was
/// started before its container was created, and proceeds on one byte; end of file means the creation
/// failed and there is nothing to supervise.
pub const GO_FD: RawFd = 5;

/// Block until the CLI that pre-started us says the container exists (see [`GO_FD`]). False: it never
/// will; exit quietly.
pub fn wait_go() -> bool {
    // SAFETY: the CLI placed the read end of its pipe at GO_FD before exec; we own it from here.
    let mut go = unsafe { File::from_raw_fd(GO_FD) };
    let mut b = [0u8; 1];
    loop {
        match go.read(&mut b) {
            Ok(1) => return true,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            _ => return false,
        }
    }
}

/// The one message the monitor sends the CLI that started it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Ready {
    Started {
        pid: i32,
        warnings: Vec<String>,
    },
    /// `code` is docker's exit code for the failure (125, 126 or 127).
    Failed {
        code: i32,
        message: String,
    },
}

/// The cgroup name of a container, relative to the cgroup berth runs in: `berth/<id>`, or
/// `berth/pod-<pod id>/<id>` for a pod's container (infra included), so the limits on the pod's cgroup
/// bound the sum of its containers (issue 5; podman's pod cgroup parent). Every user of a container's
/// cgroup goes through here.
pub fn cgroup_name(rec: &ContainerRecord) -> String {
    match rec.config.pod.as_deref() {
        Some(pod) => format!("{}/{}", pod_cgroup_name(pod), rec.id),
        None => format!("berth/{}", rec.id),
    }
}

/// The cgroup of a pod, parent of its containers' cgroups (see [`cgroup_name`]).
pub fn pod_cgroup_name(pod_id: &str) -> String {
    format!("berth/pod-{pod_id}")
}

/// The rootfs of a container: the image layers under its own upper dir.
pub fn rootfs_of(containers: &Containers, rec: &ContainerRecord) -> Rootfs {
    let dir = containers.dir(&rec.id);
    Rootfs::Overlay {
        lower: rec.layers.clone(),
        upper: dir.join("upper"),
        work: dir.join("work"),
        merged: dir.join("rootfs"),
    }
}

static SIGCHLD_PIPE: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_sigchld(_: libc::c_int) {
    let fd = SIGCHLD_PIPE.load(Ordering::Relaxed);
    if fd >= 0 {
        // SAFETY: write(2) is async-signal-safe; the buffer is a valid 1-byte static.
        unsafe { libc::write(fd, b"c".as_ptr().cast(), 1) };
    }
}

fn pipe() -> Result<(OwnedFd, OwnedFd)> {
    let (r, w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating pipe")?;
    Ok((r, w))
}

fn set_nonblocking(fd: RawFd) {
    // SAFETY: fcntl on an fd we own; flags are read then written back with O_NONBLOCK added.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
    }
}

/// What the monitor runs once the payload's exit is recorded and its cgroup and network are gone, before
/// `--rm` and before the monitor counts as finished (so `stop` waits for it).
pub type ExitHook<'a> = &'a dyn Fn(&ContainerRecord) -> Result<()>;

/// Entry point of `berth internal monitor <id>`. Returns the monitor's own exit code.
pub fn run(paths: &Paths, id: &str, wait_attach: bool, on_exit: ExitHook) -> i32 {
    // SAFETY: the CLI placed the write end of its pipe at READY_FD before exec; we own it from here.
    let ready = unsafe { File::from_raw_fd(READY_FD) };
    let mut ready = Some(ready);
    // `--restart` relaunches through the same supervision; only the first run has a waiting client.
    let supervised = restart::supervise_with_policy(paths, id, |first| {
        // The previous run's SIGCHLD pipe is closed and its fd number free for reuse (the launch
        // channel gets it): the handler must not write there while the relaunch starts the payload.
        SIGCHLD_PIPE.store(-1, Ordering::Relaxed);
        supervise(paths, id, wait_attach && first, &mut ready, on_exit)
    });
    match supervised {
        Ok(()) => 0,
        Err(e) => {
            if let Some(mut r) = ready.take() {
                let msg = Ready::Failed {
                    code: 125,
                    message: format!("{e:#}"),
                };
                let _ = r.write_all(&serde_json::to_vec(&msg).unwrap_or_default());
            }
            let _ = std::fs::write(
                Containers::new(paths).run_dir(id).join("monitor.err"),
                format!("{e:#}\n"),
            );
            1
        }
    }
}

struct Client {
    stream: UnixStream,
    dec: Decoder,
    /// This client's stdin feeds the container (the one a foreground `run -i` attached).
    stdin: bool,
}

fn supervise(
    paths: &Paths,
    id: &str,
    wait_attach: bool,
    ready: &mut Option<File>,
    on_exit: ExitHook,
) -> Result<()> {
    let _ = nix::unistd::setsid();
    // SAFETY: prctl with constant arguments; affects only this process.
    unsafe {
        libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        libc::prctl(libc::PR_SET_NAME, c"berth:[monitor]".as_ptr(), 0, 0, 0);
    }
    let containers = Containers::new(paths);
    let rec = containers.load_record(id)?;
    let spec_path = containers.dir(id).join("config.json");
    let mut spec: oci_spec::runtime::Spec = serde_json::from_slice(
        &std::fs::read(&spec_path).with_context(|| format!("reading {}", spec_path.display()))?,
    )
    .with_context(|| format!("parsing {}", spec_path.display()))?;
    let run_dir = containers.run_dir(id);
    crate::store::create_private_dir(&run_dir)?;
    let me = std::process::id() as i32;
    containers.write_monitor(
        id,
        &MonitorRecord {
            pid: me,
            start_time: state::process_start_time(me).unwrap_or(0),
        },
    )?;
    let _ = std::fs::remove_file(run_dir.join("exit.json"));

    let sock_path = containers.attach_socket(id);
    let _ = std::fs::remove_file(&sock_path);
    let (_sock_dir, short) =
        attach::short_socket_path(&sock_path).context("opening the run dir")?;
    let listener =
        UnixListener::bind(&short).with_context(|| format!("binding {}", sock_path.display()))?;
    let mut clients: Vec<Client> = Vec::new();
    if wait_attach {
        // SAFETY: the CLI placed its socketpair end at ATTACH_FD before exec (with --attach only); we own it.
        let s = unsafe { UnixStream::from_raw_fd(ATTACH_FD) };
        // Not inherited by the stage and init children.
        // SAFETY: fcntl on the fd we own.
        unsafe { libc::fcntl(s.as_raw_fd(), libc::F_SETFD, libc::FD_CLOEXEC) };
        clients.push(Client {
            stream: s,
            dec: Decoder::default(),
            stdin: rec.config.interactive,
        });
    }
    listener
        .set_nonblocking(true)
        .context("configuring attach socket")?;

    let tty = rec.config.tty;
    let (mut out_r, mut err_r, mut stdin_w) = (None, None, None);
    let stdio = if tty {
        Stdio::Pty
    } else {
        let (or, ow) = pipe()?;
        let (er, ew) = pipe()?;
        let stdin = if rec.config.interactive {
            let (ir, iw) = pipe()?;
            stdin_w = Some(File::from(iw));
            Some(ir)
        } else {
            None
        };
        out_r = Some(or);
        err_r = Some(er);
        Stdio::Fds {
            stdin,
            stdout: ow,
            stderr: ew,
        }
    };
    let rootfs = rootfs_of(&containers, &rec);
    let cgroup = cgroup_name(&rec);
    for d in ["upper", "work", "rootfs"] {
        std::fs::create_dir_all(containers.dir(id).join(d))
            .with_context(|| format!("creating {d} dir"))?;
    }
    // Networking (issue 4): the namespace is set up before the container, which joins it.
    let ctr_dir = containers.dir(id);
    let net_of = || crate::network::MonitorNet {
        id,
        name: &rec.name,
        network: &rec.config.network,
        hostname: &rec.hostname,
        opts: &rec.config.net,
        exposed: &rec.image_config.exposed_ports,
        files_dir: &ctr_dir,
    };
    let resolve = |r: &str| -> Result<(String, i32)> {
        let other = containers.lookup(r)?;
        Ok((other.clone(), containers.refresh(&other)?.pid))
    };
    let net = crate::network::setup_for_monitor(paths, net_of(), resolve, &mut spec)?;
    // Rootless, pasta/slirp4netns configure the namespace before the payload runs (issue 4: a
    // `run --rm -p ... wget` payload must see its network from its first instruction).
    let attach = |ns: &runtime::Namespaces| {
        crate::network::attach_rootless_for_monitor(paths, net_of(), ns.holder, &run_dir).map(drop)
    };
    let launched = runtime::launch(Launch {
        id: id.to_string(),
        spec,
        rootfs: rootfs.clone(),
        stdio,
        cgroup: Some(cgroup.clone()),
        rootless: paths.rootless,
        on_namespaces: net
            .needs_rootless_attach
            .then(|| Box::new(attach) as runtime::NamespacesHook),
        seccomp_cache: Some(paths.seccomp_cache()),
    });
    let launched = match launched {
        Ok(l) => l,
        Err(e) => {
            let code = match e.downcast_ref::<LaunchError>() {
                Some(LaunchError::NotFound(_)) => 127,
                Some(LaunchError::NotExecutable(_)) => 126,
                _ => 125,
            };
            let _ = runtime::destroy(id, &rootfs, Some(&cgroup));
            let _ = crate::network::teardown(paths, id);
            let message = format!("{e:#}");
            // docker leaves a container whose start failed in "created" with the error and exit code.
            // The CLI that started us holds the container lock until it reads Ready: write without it.
            if let Ok(mut st) = containers.load_state(id) {
                st.status = Status::Created;
                st.exit_code = code;
                st.error = message.clone();
                let _ = containers.save_state(id, &st);
            }
            if rec.config.auto_remove {
                let _ = containers.remove_files(&rec, true);
            }
            if let Some(mut r) = ready.take() {
                let _ = r.write_all(
                    &serde_json::to_vec(&Ready::Failed { code, message }).unwrap_or_default(),
                );
            }
            let _ = std::fs::remove_file(&sock_path);
            return Ok(());
        }
    };
    let pid = launched.pid;
    // The CLI that started us holds the container lock until it reads Ready, so write without it.
    let mut st = containers.load_state(id)?;
    st.status = Status::Running;
    st.pid = pid;
    st.start_time = launched.start_time;
    st.started_at = rfc3339_nano(SystemTime::now());
    st.finished_at = ZERO_TIME.into();
    st.exit_code = 0;
    st.oom_killed = false;
    st.error.clear();
    containers.save_state(id, &st)?;
    if let Some(mut r) = ready.take() {
        let msg = Ready::Started {
            pid,
            warnings: launched.warnings.clone(),
        };
        r.write_all(&serde_json::to_vec(&msg).unwrap_or_default())
            .context("reporting start")?;
    }

    let pty: Option<File> = launched.pty_master.map(File::from);
    let mut out: Option<File> = pty
        .as_ref()
        .map(|p| p.try_clone())
        .transpose()
        .context("cloning pty")?;
    if out.is_none() {
        out = out_r.take().map(File::from);
    }
    let mut err: Option<File> = err_r.take().map(File::from);
    if let Some(f) = &out {
        set_nonblocking(f.as_raw_fd());
    }
    if let Some(f) = &err {
        set_nonblocking(f.as_raw_fd());
    }
    let mut logw = log::JsonLog::open(&containers.log_path(id))?;

    let (chld_r, chld_w) = pipe()?;
    set_nonblocking(chld_r.as_raw_fd());
    set_nonblocking(chld_w.as_raw_fd());
    SIGCHLD_PIPE.store(chld_w.as_raw_fd(), Ordering::Relaxed);
    // SAFETY: installing a handler that only calls write(2) on a pipe.
    unsafe {
        let mut sa: libc::sigaction = std::mem::zeroed();
        sa.sa_sigaction = on_sigchld as *const () as usize;
        sa.sa_flags = libc::SA_RESTART | libc::SA_NOCLDSTOP;
        libc::sigaction(libc::SIGCHLD, &sa, std::ptr::null_mut());
    }
    let mut chld = File::from(chld_r);

    let mut status: Option<i32> = None;
    let mut exit_seen_at: Option<Instant> = None;
    let mut buf = vec![0u8; 32 * 1024];
    loop {
        // Reap every child (we are subreaper: orphans of the container end up here too).
        loop {
            let mut ws = 0;
            // SAFETY: waitpid with a valid status pointer.
            let r = unsafe { libc::waitpid(-1, &mut ws, libc::WNOHANG) };
            if r <= 0 {
                break;
            }
            if r == pid {
                status = Some(if libc::WIFEXITED(ws) {
                    libc::WEXITSTATUS(ws)
                } else if libc::WIFSIGNALED(ws) {
                    128 + libc::WTERMSIG(ws)
                } else {
                    255
                });
                exit_seen_at = Some(Instant::now());
            }
        }
        let streams_open = out.is_some() || err.is_some();
        if status.is_some()
            && (!streams_open || exit_seen_at.is_some_and(|t| t.elapsed() > Duration::from_secs(2)))
        {
            break;
        }
        let mut pfds: Vec<libc::pollfd> = Vec::new();
        let mut push = |fd: RawFd| {
            pfds.push(libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            });
        };
        push(chld.as_raw_fd());
        push(listener.as_raw_fd());
        push(out.as_ref().map_or(-1, |f| f.as_raw_fd()));
        push(err.as_ref().map_or(-1, |f| f.as_raw_fd()));
        for c in &clients {
            push(c.stream.as_raw_fd());
        }
        let timeout = if status.is_some() { 100 } else { 1000 };
        // SAFETY: pfds is a valid array of pollfd of the given length.
        let n = unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, timeout) };
        if n < 0 {
            continue; // EINTR from SIGCHLD
        }
        if pfds[0].revents != 0 {
            let _ = chld.read(&mut buf);
        }
        if pfds[1].revents != 0
            && let Ok((s, _)) = listener.accept()
        {
            let _ = s.set_nonblocking(false);
            let _ = s.set_write_timeout(Some(Duration::from_secs(5)));
            clients.push(Client {
                stream: s,
                dec: Decoder::default(),
                stdin: false,
            });
        }
        for (idx, stderr) in [(2usize, false), (3usize, true)] {
            if pfds[idx].revents == 0 {
                continue;
            }
            let src = if stderr { &mut err } else { &mut out };
            let Some(f) = src.as_mut() else { continue };
            match f.read(&mut buf) {
                Ok(0) => *src = None,
                Ok(n) => {
                    let data = &buf[..n];
                    let _ = logw.write(stderr, data);
                    let frame = attach::encode(
                        if stderr {
                            attach::STDERR
                        } else {
                            attach::STDOUT
                        },
                        data,
                    );
                    clients.retain_mut(|c| c.stream.write_all(&frame).is_ok());
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(_) => *src = None, // EIO on a pty master once the slave is closed
            }
        }
        let mut drop_idx = Vec::new();
        for (i, c) in clients.iter_mut().enumerate() {
            // A client accepted in this round has no pollfd yet: it is served from the next round.
            if pfds.get(4 + i).is_none_or(|p| p.revents == 0) {
                continue;
            }
            match c.stream.read(&mut buf) {
                Ok(0) | Err(_) => {
                    if c.stdin && !tty {
                        stdin_w = None;
                    }
                    drop_idx.push(i);
                }
                Ok(n) => {
                    c.dec.feed(&buf[..n]);
                    while let Ok(Some((kind, data))) = c.dec.next_frame() {
                        handle_client_frame(
                            kind,
                            &data,
                            pid,
                            status.is_some(),
                            pty.as_ref(),
                            &mut stdin_w,
                        );
                    }
                }
            }
        }
        for i in drop_idx.into_iter().rev() {
            clients.remove(i);
        }
    }
    let _ = logw.flush();
    let code = status.unwrap_or(255);
    let oom = runtime::cgroup::oom_killed(&cgroup);
    let exit = ExitRecord {
        exit_code: code,
        finished_at: rfc3339_nano(SystemTime::now()),
        oom_killed: oom,
        error: String::new(),
    };
    containers.write_exit(id, &exit)?;
    // An --rm container's state.json is deleted below: until then readers take the exit from exit.json
    // (refresh, peek), so it is not rewritten only to be deleted.
    if !rec.config.auto_remove {
        let _l = containers.lock(id)?;
        let mut st = containers.load_state(id)?;
        state::apply_exit(&mut st, &exit);
        containers.save_state(id, &st)?;
    }
    let mut result =
        runtime::destroy(id, &rootfs, Some(&cgroup)).context("cleaning up the container");
    let net_down =
        crate::network::teardown(paths, id).context("tearing down the container's network");
    if result.is_ok() {
        result = net_down;
    }
    let hooked = on_exit(&rec).context("after the container's exit");
    if result.is_ok() {
        result = hooked;
    }
    let mut trash = None;
    if rec.config.auto_remove {
        let removed = containers
            .lock(id)
            .and_then(|_l| containers.remove_files_deferred(&rec, true));
        match removed {
            Ok(t) => trash = t,
            Err(e) if result.is_ok() => result = Err(e).context("removing the container (--rm)"),
            Err(_) => {}
        }
    } else {
        let _ = std::fs::remove_file(&sock_path);
        // With a restart policy the restart loop still owns the container; it removes the record.
        if rec.config.restart.is_none() {
            let _ = std::fs::remove_file(run_dir.join("monitor.json"));
        }
    }
    if let Err(e) = &result {
        let _ = std::fs::write(run_dir.join("monitor.err"), format!("{e:#}\n"));
    }
    // The exit frame goes out whatever cleanup did: the code is recorded and the client must not hang.
    let frame = attach::encode(attach::EXIT, &code.to_be_bytes());
    for c in clients.iter_mut() {
        let _ = c.stream.write_all(&frame);
    }
    drop(clients);
    // The container is gone for everyone already; its files go after the client has its answer.
    if let Some(t) = trash {
        let _ = t.delete();
    }
    result
}

fn handle_client_frame(
    kind: u8,
    data: &[u8],
    pid: i32,
    exited: bool,
    pty: Option<&File>,
    stdin_w: &mut Option<File>,
) {
    match kind {
        attach::STDIN => {
            if let Some(p) = pty {
                let _ = (&*p).write_all(data);
            } else if data.is_empty() {
                *stdin_w = None;
            } else if let Some(w) = stdin_w.as_mut()
                && w.write_all(data).is_err()
            {
                *stdin_w = None;
            }
        }
        attach::RESIZE if data.len() == 4 => {
            if let Some(p) = pty {
                let ws = libc::winsize {
                    ws_row: u16::from_be_bytes([data[0], data[1]]),
                    ws_col: u16::from_be_bytes([data[2], data[3]]),
                    ws_xpixel: 0,
                    ws_ypixel: 0,
                };
                // SAFETY: TIOCSWINSZ on the pty master we own with a valid winsize.
                unsafe { libc::ioctl(p.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
            }
        }
        attach::SIGNAL if data.len() == 4 && !exited => {
            let sig = i32::from_be_bytes([data[0], data[1], data[2], data[3]]);
            // The payload is our child and not yet reaped, so `pid` cannot have been recycled.
            // SAFETY: kill(2) with a pid we own.
            unsafe { libc::kill(pid, sig) };
        }
        _ => {}
    }
}

/// Where the CLI finds a running container's monitor socket (for `start -a`).
pub fn socket_path(paths: &Paths, id: &str) -> PathBuf {
    Containers::new(paths).attach_socket(id)
}
