//! Forked helpers that work as a rootless container's root without starting it: [`in_userns`] (commit,
//! export, the unpack of rootless layers), [`remove_in_userns`] and [`with_rootfs`] (`cp` on a stopped
//! container). Each is a child that creates its namespaces, waits for the caller's maps, does its work and
//! answers on the sync channel ([`Msg::Exec`] done, [`Msg::Failed`] with the error text).
//! Depends on libc, [`super::maps`], [`super::mounts`], [`super::msg`], [`super::stage`] and [`super::sys`].

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::Path;

use anyhow::{Context, Result, bail};
use oci_spec::runtime::Spec;

use super::maps::write_maps;
use super::msg::{self, Msg, SETUP_TIMEOUT_SECS, failure_text};
use super::stage::{become_ns_root, fail_step};
use super::sys::{self, Real};
use super::{Rootfs, mounts};

/// The child's answer, then its end.
fn answer(sock: std::os::fd::RawFd, r: Result<()>) -> ! {
    match r {
        Ok(()) => msg::send(sock, &Msg::Exec),
        Err(e) => msg::send(
            sock,
            &Msg::Failed {
                step: format!("{e:#}"),
                message: String::new(),
            },
        ),
    }
    sys::exit_child(0)
}

/// The user namespace [`premake`] made for this process's next launch.
static PREMADE: std::sync::Mutex<Option<OwnedFd>> = std::sync::Mutex::new(None);

/// Gets a user namespace with a rootless container's default maps (see [`write_maps`]) for this process's
/// next launch to join instead of creating its own: `run`'s monitor calls it while the CLI still creates the
/// container (issue 14). The namespace is the one the user's rootless containers share, held by a process of
/// its own (podman's pause process does the same): the first `run` makes it (two setuid helper execs,
/// newuidmap and newgidmap, about 1.5 ms each), every later one opens it. Best effort: after any failure the
/// namespace is made for this launch alone, and after that one's failure the launch makes its own as before.
/// The caller must be single-threaded and unprivileged.
pub(crate) fn premake(run_root: &Path) {
    let made = shared_userns(run_root).or_else(|_| make_userns()).ok();
    if let Some(fd) = made {
        *PREMADE.lock().unwrap_or_else(|e| e.into_inner()) = Some(fd);
    }
}

/// The holder of the shared user namespace: `<run root>/userns.pid` holds its pid and start time
/// (docs/layout.md); `userns.lock` serialises its check and creation.
const HOLDER_FILE: &str = "userns.pid";
const HOLDER_LOCK: &str = "userns.lock";

/// The shared user namespace of [`premake`]: its live holder's, or a new holder's.
fn shared_userns(run_root: &Path) -> Result<OwnedFd> {
    use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
    // The CLI may not have made the run root yet (it forked us first): private, as it would make it.
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(run_root)
        .context("creating the run root")?;
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .mode(0o600)
        .custom_flags(libc::O_CLOEXEC)
        .open(run_root.join(HOLDER_LOCK))
        .context("opening the user namespace lock")?;
    nix::fcntl::Flock::lock(lock, nix::fcntl::FlockArg::LockExclusive)
        .map_err(|(_, e)| e)
        .context("locking the user namespace lock")
        .and_then(|_held| {
            if let Some(ns) = holders_userns(run_root) {
                return Ok(ns);
            }
            let (ns, pid) = spawn_holder(run_root)?;
            let start = super::process_start_time(pid).context("reading the holder's start")?;
            let tmp = run_root.join(format!(".{HOLDER_FILE}.tmp-{}", std::process::id()));
            std::fs::write(&tmp, format!("{pid} {start}\n"))
                .and_then(|()| std::fs::rename(&tmp, run_root.join(HOLDER_FILE)))
                .context("recording the user namespace holder")?;
            Ok(ns)
        })
}

/// The recorded holder's user namespace, when the holder is alive (the same pid and start time) and its maps
/// are still the ones a container gets; a holder with other maps is stopped.
fn holders_userns(run_root: &Path) -> Option<OwnedFd> {
    let text = std::fs::read_to_string(run_root.join(HOLDER_FILE)).ok()?;
    let mut f = text.split_whitespace();
    let pid: libc::pid_t = f.next()?.parse().ok()?;
    let start: u64 = f.next()?.parse().ok()?;
    if pid <= 1 || super::process_start_time(pid)? != start {
        return None;
    }
    let ns = std::fs::File::open(format!("/proc/{pid}/ns/user")).ok()?;
    if !super::maps::has_rootless_maps(pid) {
        // SAFETY: kill of the process our own record names, checked alive by its start time.
        unsafe { libc::kill(pid, libc::SIGKILL) };
        return None;
    }
    Some(ns.into())
}

/// Makes the holder: a child in a new user namespace gets the default maps, then forks the holder (so the
/// holder is nobody's child once the child exits: no monitor waits for it) and says its pid. Returns the
/// namespace and the holder's pid.
fn spawn_holder(run_root: &Path) -> Result<(OwnedFd, libc::pid_t)> {
    let title = format!("berth:[userns] --run-root {}", run_root.display());
    let record = run_root.join(HOLDER_FILE);
    let (psock, child) = fork_userns_child(move |sock| match sys::fork() {
        Ok(0) => hold(&title, &record),
        Ok(pid) => msg::send(sock, &Msg::InitPid(pid)),
        Err(e) => fail_step(sock, "starting the user namespace holder", e),
    })?;
    let sock = psock.as_raw_fd();
    let r = (|| -> Result<(OwnedFd, libc::pid_t)> {
        sys::set_recv_timeout(sock, SETUP_TIMEOUT_SECS)?;
        await_ready(sock, "user namespace holder")?;
        write_maps(child, &Spec::default(), true)?;
        let ns = std::fs::File::open(format!("/proc/{child}/ns/user"))
            .context("opening the new user namespace")?;
        msg::send(sock, &Msg::Go);
        match msg::recv(sock)? {
            Some(Msg::InitPid(pid)) => Ok((ns.into(), pid)),
            Some(Msg::Failed { step, message }) => bail!("{}", failure_text(&step, &message)),
            _ => bail!("the user namespace holder's parent exited without an answer"),
        }
    })();
    sys::kill_and_reap(child, r.is_err());
    r
}

/// The holder's life: a session of its own, nothing of its parents open, "/" as its directory, no
/// environment, a name `ps` shows, default signal handling (SIGTERM ends it); then it sleeps, and ends once
/// `record` (checked every 10 s) no longer names it: a run root removed, or a holder replaced, leaves no
/// process behind.
fn hold(title: &str, record: &Path) -> ! {
    let _ = nix::unistd::setsid();
    let _ = std::env::set_current_dir("/");
    // SAFETY: close_range on this process's own fds; nothing here uses them after.
    unsafe { libc::syscall(libc::SYS_close_range, 0u32, u32::MAX, 0u32) };
    if let Ok(null) = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
    {
        let null = std::os::fd::IntoRawFd::into_raw_fd(null);
        for fd in 0..3 {
            if fd != null {
                // SAFETY: dup2 of the fd just opened onto the standard numbers.
                unsafe { libc::dup2(null, fd) };
            }
        }
    }
    for (k, _) in std::env::vars_os() {
        // SAFETY: single-threaded (a fork of a single-threaded process).
        unsafe { std::env::remove_var(k) };
    }
    super::stage::set_process_title(title);
    super::stage::reset_signals();
    let me = format!("{} ", std::process::id());
    loop {
        std::thread::sleep(std::time::Duration::from_secs(10));
        if !std::fs::read_to_string(record).is_ok_and(|r| r.starts_with(&me)) {
            sys::exit_child(0)
        }
    }
}

/// The namespace [`premake`] made, if it did and no launch took it yet.
pub(crate) fn take_premade() -> Option<OwnedFd> {
    PREMADE.lock().unwrap_or_else(|e| e.into_inner()).take()
}

fn make_userns() -> Result<OwnedFd> {
    // Killed by us once we hold the namespace.
    let (psock, child) = fork_userns_child(|_| {})?;
    let sock = psock.as_raw_fd();
    let r = (|| -> Result<OwnedFd> {
        sys::set_recv_timeout(sock, SETUP_TIMEOUT_SECS)?;
        await_ready(sock, "user namespace helper")?;
        write_maps(child, &Spec::default(), true)?;
        let ns = std::fs::File::open(format!("/proc/{child}/ns/user"))
            .context("opening the new user namespace")?;
        Ok(ns.into())
    })();
    sys::kill_and_reap(child, true);
    r
}

/// Forks a child that makes a new user namespace, says it is ready ('R') and waits for the go ('G'; the
/// caller writes its maps in between), then runs `after_go` with its end of the channel and exits. Returns the
/// caller's end and the child's pid.
fn fork_userns_child(after_go: impl FnOnce(std::os::fd::RawFd)) -> Result<(OwnedFd, libc::pid_t)> {
    let (psock, csock) = sys::socketpair()?;
    let child = sys::fork()?;
    if child == 0 {
        drop(psock);
        let sock = csock.as_raw_fd();
        if let Err(e) = sys::unshare(libc::CLONE_NEWUSER) {
            fail_step(sock, "creating the user namespace", e);
        }
        msg::send(sock, &Msg::Ready);
        msg::wait_go(sock);
        after_go(sock);
        sys::exit_child(0)
    }
    drop(csock);
    Ok((psock, child))
}

/// The helper's 'R', or the error it sent instead.
fn await_ready(sock: std::os::fd::RawFd, helper: &str) -> Result<()> {
    match msg::recv(sock)? {
        Some(Msg::Ready) => Ok(()),
        Some(Msg::Failed { step, message }) => bail!("{}", failure_text(&step, &message)),
        _ => bail!("the {helper} exited early"),
    }
}

/// Removes `path` recursively from inside a new user namespace with the maps a rootless container gets
/// (see [`write_maps`]), as its root with every capability there: files the container created under its
/// subordinate ids, or in dirs it made mode 000, are deletable only with CAP_DAC_OVERRIDE over those ids
/// (podman removes inside `podman unshare` for the same reason). The caller must be single-threaded.
pub(crate) fn remove_in_userns(path: &Path) -> Result<()> {
    in_userns(
        &format!("removing {}", path.display()),
        || match std::fs::remove_dir_all(path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                Err(e).context("removing inside the user namespace")
            }
            _ => Ok(()),
        },
    )
}

/// Runs `f` in a forked child that is root of a new user namespace with a rootless container's maps, so
/// it reads and owns files as the container does (the container's own uids and gids, files of its
/// subordinate ids): `commit` and `export` of rootless containers. Nothing is mounted. The caller must be
/// single-threaded and unprivileged; `f`'s error text comes back as the error.
pub(crate) fn in_userns(what: &str, f: impl FnOnce() -> Result<()>) -> Result<()> {
    let (psock, child) = fork_userns_child(|sock| {
        become_ns_root(sock);
        answer(sock, f())
    })?;
    let r = drive_helper(&psock, child, "user namespace helper", true);
    r.with_context(|| format!("{what} in a user namespace"))
}

/// Runs `f` in a forked child that mounts `rootfs` at [`Rootfs::root`] in a mount namespace of its own (and,
/// rootless, a user namespace with the container's maps, as [`launch`] creates them), so nothing is mounted in
/// the caller's namespace and the overlay gives exactly the container's view (whiteouts, opaque dirs,
/// copy-up into upper). The caller must be single-threaded; `f`'s error text comes back as the error.
pub(crate) fn with_rootfs(
    rootfs: &Rootfs,
    rootless: bool,
    f: impl FnOnce(&Path) -> Result<()>,
) -> Result<()> {
    let (psock, csock) = sys::socketpair()?;
    let child = sys::fork()?;
    if child == 0 {
        drop(psock);
        let sock = csock.as_raw_fd();
        if rootless && let Err(e) = sys::unshare(libc::CLONE_NEWUSER) {
            fail_step(sock, "creating the user namespace", e);
        }
        msg::send(sock, &Msg::Ready);
        msg::wait_go(sock);
        if rootless {
            become_ns_root(sock);
        }
        if let Err(e) = sys::unshare(libc::CLONE_NEWNS) {
            fail_step(sock, "creating a mount namespace", e);
        }
        let r = mounts::set_root_propagation(&Real, None)
            .and_then(|()| mounts::mount_rootfs(&Real, rootfs, rootless, &Default::default()))
            .and_then(|root| {
                let r = f(&root);
                // A fuse-overlayfs daemon (the fallback on kernels without rootless overlay) lives until its
                // mount goes, and this mount namespace lives as long as the daemon: unmount so both end.
                if let Ok(c) = std::ffi::CString::new(root.as_os_str().as_encoded_bytes()) {
                    let _ = sys::umount_detach(&c);
                }
                r
            });
        answer(sock, r);
    }
    drop(csock);
    drive_helper(&psock, child, "rootfs helper", rootless)
}

/// The parent's side of a forked helper ([`in_userns`], [`with_rootfs`]): wait for it to be ready ('R'),
/// write a rootless container's id maps when `maps`, let it go ('G'), then wait for it to end and read its
/// answer ('X' done, 'E' error text). The child is killed on any failure and always reaped.
fn drive_helper(psock: &OwnedFd, child: libc::pid_t, helper: &str, maps: bool) -> Result<()> {
    let sock = psock.as_raw_fd();
    let r = (|| -> Result<()> {
        sys::set_recv_timeout(sock, SETUP_TIMEOUT_SECS)?;
        await_ready(sock, helper)?;
        if maps {
            write_maps(child, &Spec::default(), true)?;
        }
        msg::send(sock, &Msg::Go);
        // The work may take longer than the setup timeout: wait for the child, then read its queued answer.
        sys::kill_and_reap(child, false);
        match msg::recv(sock)? {
            Some(Msg::Exec) => Ok(()),
            Some(Msg::Failed { step, message }) => bail!("{}", failure_text(&step, &message)),
            _ => bail!("the {helper} exited without an answer"),
        }
    })();
    // Harmless once it has been reaped (ECHILD).
    sys::kill_and_reap(child, r.is_err());
    r
}
