//! The container's init: the setup steps that run inside the new namespaces, in the order documented in
//! `runtime/mod.rs`, ending in execve of the payload. Also the tail shared with `exec` (user, caps, seccomp).
//!
//! Owns nothing that forks (that is `process.rs`). Depends on libc, caps, oci_spec and its siblings.
//! Invariant: every failure is reported as a [`Fail`] naming the step; nothing of berth's environment, fds or
//! binary survives the execve (F2, F4 in docs/security.md).

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use oci_spec::runtime::{PosixRlimitType, Process, Spec};

use super::mounts::{self, Kind, MountCtx};
use super::{Rootfs, seccomp};

/// Why init stopped before the payload ran.
#[derive(Debug)]
pub(crate) enum Fail {
    Step { step: String, message: String },
    NotFound(String),
    NotExecutable(String),
}

fn step<T>(name: &str, r: Result<T>) -> Result<T, Fail> {
    r.map_err(|e| Fail::Step {
        step: name.to_string(),
        message: format!("{e:#}"),
    })
}

fn errno() -> std::io::Error {
    std::io::Error::last_os_error()
}

/// How stdio reaches the payload.
pub(crate) enum InitStdio {
    /// 0, 1, 2 are already in place; stdin may still need /dev/null from inside the container.
    Fds { stdin_null: bool },
    /// Allocate a pty of the container's devpts; the master goes back over the channel.
    Pty,
}

/// What the container's init needs.
pub(crate) struct InitCtx<'a> {
    pub spec: &'a Spec,
    pub rootfs: &'a Rootfs,
    pub rootless: bool,
    pub in_userns: bool,
    pub stdio: InitStdio,
    pub cgroup_dirs: Vec<(String, PathBuf)>,
    /// The sync channel to the caller (CLOEXEC: closes on execve).
    pub sock: RawFd,
    /// Wait for the caller's go before the last step (its `on_namespaces` hook runs meanwhile).
    pub hold: bool,
    /// The container's seccomp filter, built by the caller before forking.
    pub seccomp: Option<&'a seccomp::Filter>,
}

/// Refuses specs whose setup would act on the host: without a new mount namespace every mount and the
/// pivot_root would hit the caller's; a hostname or sysctl needs the namespace it belongs to (runc validates the
/// same). `private` is the set of namespace flags created or joined by path.
pub(crate) fn check_spec(spec: &Spec, created: libc::c_int, private: libc::c_int) -> Result<()> {
    if created & libc::CLONE_NEWNS == 0 {
        bail!(
            "the spec must create a new mount namespace: the runtime mounts the rootfs and pivots into it"
        );
    }
    if spec.hostname().is_some() && private & libc::CLONE_NEWUTS == 0 {
        bail!("setting the hostname needs a private UTS namespace");
    }
    let linux = spec.linux().clone().unwrap_or_default();
    for key in linux.sysctl().iter().flatten().map(|(k, _)| k) {
        let ipc = [
            "kernel.msgmax",
            "kernel.msgmnb",
            "kernel.msgmni",
            "kernel.sem",
            "kernel.shmall",
            "kernel.shmmax",
            "kernel.shmmni",
            "kernel.shm_rmid_forced",
        ];
        let need = if ipc.contains(&key.as_str()) || key.starts_with("fs.mqueue.") {
            libc::CLONE_NEWIPC
        } else if key.starts_with("net.") {
            libc::CLONE_NEWNET
        } else if key == "kernel.hostname" || key == "kernel.domainname" {
            libc::CLONE_NEWUTS
        } else {
            bail!("sysctl {key} is not namespaced: setting it would change the host");
        };
        if private & need == 0 {
            bail!("sysctl {key} needs a private namespace for it, and the spec shares the host's");
        }
    }
    Ok(())
}

/// Runs the whole setup and execs the payload; returns only on failure.
pub(crate) fn container_init(ctx: InitCtx) -> Fail {
    match container_init_steps(&ctx) {
        Ok(never) => match never {},
        Err(f) => f,
    }
}

fn container_init_steps(ctx: &InitCtx) -> Result<std::convert::Infallible, Fail> {
    let spec = ctx.spec;
    let linux = spec.linux().clone().unwrap_or_default();
    let process = spec.process().clone().unwrap_or_default();
    // Device nodes and dirs are created with exactly the modes we ask for.
    // SAFETY: umask only changes this process's file creation mask.
    unsafe { libc::umask(0) };

    step(
        "mount propagation",
        mounts::set_root_propagation(linux.rootfs_propagation().as_deref()),
    )?;
    let root_path = step(
        "mounting the rootfs",
        super::overlay::Choice::from_spec(ctx.spec)
            .and_then(|choice| mounts::mount_rootfs(ctx.rootfs, ctx.in_userns, &choice)),
    )?;
    step(
        "leaving the fuse-overlayfs daemon its own mount namespace",
        super::overlay::leave_fuse_daemon_behind(&root_path),
    )?;
    let root = step(
        "opening the rootfs",
        mounts::openat2(
            libc::AT_FDCWD,
            &root_path,
            libc::O_PATH | libc::O_DIRECTORY,
            0,
        )
        .with_context(|| format!("opening {}", root_path.display())),
    )?;
    let mctx = MountCtx {
        root: &root,
        rootless: ctx.rootless,
        cgroup_dirs: &ctx.cgroup_dirs,
    };
    let mut dev_mounted = false;
    for m in spec.mounts().iter().flatten() {
        let name = format!("mounting {}", m.destination().display());
        step(&name, mounts::mount_one(&mctx, m))?;
        if m.destination() == Path::new("/dev") {
            dev_mounted = true;
        }
    }
    if dev_mounted {
        for d in mounts::default_devices() {
            step(
                &format!("creating {}", d.path.display()),
                mounts::create_device(&root, &d, ctx.in_userns),
            )?;
        }
        step("creating /dev links", mounts::dev_symlinks(&root))?;
    }
    for d in linux.devices().iter().flatten() {
        let kind = match d.typ().as_str() {
            "b" => libc::S_IFBLK,
            "p" => libc::S_IFIFO,
            _ => libc::S_IFCHR,
        };
        let dev = mounts::Device {
            path: d.path().clone(),
            kind,
            major: d.major() as u32,
            minor: d.minor() as u32,
            mode: d.file_mode().unwrap_or(0o666),
            uid: d.uid().unwrap_or(0),
            gid: d.gid().unwrap_or(0),
        };
        step(
            &format!("creating device {}", d.path().display()),
            mounts::create_device(&root, &dev, ctx.in_userns),
        )?;
    }
    drop(root);

    step("pivot_root", mounts::pivot_into(&root_path))?;
    let root = step(
        "opening /",
        mounts::openat2(
            libc::AT_FDCWD,
            Path::new("/"),
            libc::O_PATH | libc::O_DIRECTORY,
            0,
        )
        .map_err(Into::into),
    )?;

    // stdio: a pty of the container's devpts, or /dev/null of the container for a missing stdin.
    match ctx.stdio {
        InitStdio::Pty => step("setting up the console", console(ctx.sock, &process, true))?,
        InitStdio::Fds { stdin_null } => {
            // A session of its own: the payload must not share the caller's terminal session.
            // SAFETY: setsid has no memory effects.
            unsafe { libc::setsid() };
            if stdin_null {
                step("opening /dev/null for stdin", stdin_devnull())?;
            }
        }
    }

    // Sysctls before read-only paths: /proc/sys becomes read-only there.
    for (k, v) in linux.sysctl().iter().flatten() {
        step(&format!("setting sysctl {k}"), write_sysctl(k, v))?;
    }
    if let Some(h) = spec.hostname() {
        step("setting the hostname", sethostname(h))?;
    }
    step(
        "masking paths",
        mounts::mask_paths(&root, linux.masked_paths().as_deref().unwrap_or(&[])),
    )?;
    step(
        "read-only paths",
        mounts::readonly_paths(&root, linux.readonly_paths().as_deref().unwrap_or(&[])),
    )?;
    if spec.root().as_ref().and_then(|r| r.readonly()) == Some(true) {
        step("making the rootfs read-only", mounts::readonly_root())?;
    }
    drop(root);
    if ctx.hold {
        // The caller's hook (e.g. rootless networking) must be done before the payload runs; a "quit" or a
        // vanished caller ends the init here.
        super::process::wait_go(ctx.sock);
    }
    finish(&process, ctx.seccomp, ctx.sock)
}

/// The part shared by a container's init and `exec`: rlimits, cwd, user, caps, no_new_privs, seccomp,
/// fd sweep, execve. Runs with "/" already the container's root.
pub(crate) fn finish(
    process: &Process,
    filter: Option<&seccomp::Filter>,
    sock: RawFd,
) -> Result<std::convert::Infallible, Fail> {
    for r in process.rlimits().iter().flatten() {
        step(
            &format!("setting rlimit {}", r.typ()),
            set_rlimit(r.typ(), r.soft(), r.hard()),
        )?;
    }
    let cwd = process.cwd();
    step(
        &format!("working directory {}", cwd.display()),
        make_cwd(cwd),
    )?;
    if let Some(adj) = process.oom_score_adj() {
        // Before dropping privileges: lowering it needs CAP_SYS_RESOURCE.
        // /proc/<pid>, not the /proc/self symlink, so the open can refuse every symlink.
        let me = format!("/proc/{}", std::process::id());
        step(
            "setting oom_score_adj",
            write_proc(&me, "oom_score_adj", &adj.to_string()),
        )?;
    }
    let user = process.user();
    let caps = process.capabilities().clone();
    let nnp = process.no_new_privileges() == Some(true);

    step(
        "dropping the bounding set",
        drop_bounding(caps.as_ref().and_then(|c| c.bounding().as_ref())),
    )?;
    step(
        "keeping capabilities across setuid",
        prctl(libc::PR_SET_KEEPCAPS, 1),
    )?;
    step(
        "setting groups",
        set_groups(user.additional_gids().as_deref().unwrap_or(&[])),
    )?;
    step(
        "setting the gid",
        res(unsafe_setresgid(user.gid())).context("setresgid"),
    )?;
    step(
        "setting the uid",
        res(unsafe_setresuid(user.uid())).context("setresuid"),
    )?;
    step(
        "keeping capabilities across setuid",
        prctl(libc::PR_SET_KEEPCAPS, 0),
    )?;
    // The working directory again as the user: its permissions are the user's (runc does the same).
    step(
        &format!("entering working directory {}", cwd.display()),
        chdir(cwd),
    )?;
    // Resolve the payload now, as the user and before seccomp, so "not found" is reported cleanly.
    let args = process.args().clone().unwrap_or_default();
    let env: Vec<String> = process.env().clone().unwrap_or_default();
    let Some(arg0) = args.first() else {
        return Err(Fail::Step {
            step: "starting the payload".into(),
            message: "no command given".into(),
        });
    };
    let path = resolve_payload(arg0, &env)?;
    if nnp {
        step("setting no_new_privs", prctl(libc::PR_SET_NO_NEW_PRIVS, 1))?;
    } else if let Some(f) = filter {
        // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while the (kept) permitted set
        // still has it, then drop to the final set (runc does the same when noNewPrivileges is off).
        step("raising effective caps to load seccomp", raise_effective())?;
        step("loading the seccomp filter", f.load())?;
    }
    step("setting capabilities", set_caps(caps.as_ref()))?;
    if nnp && let Some(f) = filter {
        step("loading the seccomp filter", f.load())?;
    }
    // SAFETY: umask only changes this process's creation mask.
    unsafe { libc::umask(user.umask().unwrap_or(0o022) as libc::mode_t) };
    // Every fd but 0, 1, 2 closes on execve (CVE-2024-21626): ours, and anything our caller leaked.
    // SAFETY: close_range with CLOSE_RANGE_CLOEXEC only sets flags on fds of this process.
    if unsafe {
        libc::syscall(
            libc::SYS_close_range,
            3u32,
            u32::MAX,
            libc::CLOSE_RANGE_CLOEXEC,
        )
    } < 0
    {
        return Err(Fail::Step {
            step: "closing fds".into(),
            message: errno().to_string(),
        });
    }
    super::process::send(sock, b'X', b"");
    let e = execve(&path, &args, &env);
    let name = arg0.clone();
    Err(match e.raw_os_error() {
        Some(libc::ENOENT) => Fail::NotFound(name),
        Some(libc::EACCES) | Some(libc::EISDIR) | Some(libc::ENOEXEC) | Some(libc::EPERM) => {
            Fail::NotExecutable(name)
        }
        _ => Fail::Step {
            step: format!("execve {}", path.display()),
            message: e.to_string(),
        },
    })
}

fn res(rc: libc::c_int) -> Result<()> {
    if rc < 0 { Err(errno().into()) } else { Ok(()) }
}

fn unsafe_setresgid(g: u32) -> libc::c_int {
    // SAFETY: setresgid changes credentials only; this process is single-threaded.
    unsafe { libc::setresgid(g, g, g) }
}

fn unsafe_setresuid(u: u32) -> libc::c_int {
    // SAFETY: setresuid changes credentials only; this process is single-threaded.
    unsafe { libc::setresuid(u, u, u) }
}

fn prctl(op: libc::c_int, v: libc::c_ulong) -> Result<()> {
    // SAFETY: prctl options used here take integer arguments only.
    res(unsafe { libc::prctl(op, v, 0, 0, 0) }).with_context(|| format!("prctl({op})"))
}

fn chdir(p: &Path) -> Result<()> {
    let c = CString::new(p.as_os_str().as_bytes())?;
    // SAFETY: chdir with a valid C string.
    res(unsafe { libc::chdir(c.as_ptr()) }).with_context(|| format!("chdir {}", p.display()))?;
    // Make sure we really are inside the root (CVE-2024-21626: a cwd outside reads as "(unreachable)").
    let cwd = std::env::current_dir().context("getcwd")?;
    if !cwd.is_absolute() || cwd.to_string_lossy().starts_with("(unreachable)") {
        bail!("working directory is outside the container");
    }
    Ok(())
}

/// Creates the working directory inside the root when missing (docker does), never following symlinks out.
fn make_cwd(p: &Path) -> Result<()> {
    if !p.is_absolute() {
        bail!("working directory {} is not absolute", p.display());
    }
    let root = mounts::openat2(
        libc::AT_FDCWD,
        Path::new("/"),
        libc::O_PATH | libc::O_DIRECTORY,
        0,
    )?;
    let fd = mounts::resolve(&root, p, Kind::Dir, false)?;
    // SAFETY: fchdir on an O_PATH directory fd we own.
    res(unsafe { libc::fchdir(fd.as_raw_fd()) }).context("fchdir")
}

fn stdin_devnull() -> Result<()> {
    let fd = mounts::openat2(
        libc::AT_FDCWD,
        Path::new("/dev/null"),
        libc::O_RDONLY,
        libc::RESOLVE_NO_SYMLINKS,
    )
    .context("opening /dev/null")?;
    // SAFETY: dup2 of an fd we own onto 0.
    res(unsafe { libc::dup2(fd.as_raw_fd(), 0) }).context("dup2 stdin")
}

/// The console: a pty of the container's own devpts (after pivot_root /dev/pts is ours), the slave obtained with
/// TIOCGPTPEER so no path is looked up (CVE-2025-52565), made the controlling terminal; the master is sent back.
/// With `bind_console` (the container's init), the slave is also bound onto /dev/console, as runc does: the
/// bind source is the pty we allocated, never a path from the image.
pub(crate) fn console(sock: RawFd, process: &Process, bind_console: bool) -> Result<()> {
    let master = mounts::openat2(
        libc::AT_FDCWD,
        Path::new("/dev/pts/ptmx"),
        libc::O_RDWR | libc::O_NOCTTY,
        libc::RESOLVE_NO_SYMLINKS,
    )
    .context("opening /dev/pts/ptmx")?;
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: fstatfs on our fd into a buffer we own.
    res(unsafe { libc::fstatfs(master.as_raw_fd(), &mut st) }).context("fstatfs ptmx")?;
    if st.f_type != libc::DEVPTS_SUPER_MAGIC {
        bail!("/dev/pts/ptmx is not on a devpts filesystem");
    }
    let unlock: libc::c_int = 0;
    // SAFETY: TIOCSPTLCK takes a pointer to an int we own.
    res(unsafe { libc::ioctl(master.as_raw_fd(), libc::TIOCSPTLCK, &unlock) })
        .context("unlocking the pty")?;
    // SAFETY: TIOCGPTPEER takes open flags and returns a new fd.
    let slave = unsafe {
        libc::ioctl(
            master.as_raw_fd(),
            libc::TIOCGPTPEER,
            libc::O_RDWR | libc::O_NOCTTY,
        )
    };
    if slave < 0 {
        return Err(errno()).context("opening the pty slave (TIOCGPTPEER)");
    }
    // SAFETY: slave was just returned by the kernel.
    let slave = unsafe { OwnedFd::from_raw_fd(slave) };
    if let Some(b) = process.console_size() {
        let ws = libc::winsize {
            ws_row: b.height() as u16,
            ws_col: b.width() as u16,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: TIOCSWINSZ with a pointer to a winsize we own.
        unsafe { libc::ioctl(master.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
    }
    // The payload's user must own its terminal, as with runc. Best effort: the uid may be unmapped.
    // SAFETY: fchown on our fd.
    unsafe { libc::fchown(slave.as_raw_fd(), process.user().uid(), u32::MAX) };
    // SAFETY: setsid then TIOCSCTTY on the slave: we become session leader with this controlling terminal.
    unsafe { libc::setsid() };
    res(unsafe { libc::ioctl(slave.as_raw_fd(), libc::TIOCSCTTY, 0) }).context("TIOCSCTTY")?;
    for n in 0..3 {
        // SAFETY: dup2 of our slave fd onto stdio.
        res(unsafe { libc::dup2(slave.as_raw_fd(), n) }).context("dup2 pty slave")?;
    }
    if bind_console {
        bind_dev_console(&slave)?;
    }
    super::process::send_fd(sock, master.as_raw_fd()).context("sending the pty master")?;
    Ok(())
}

fn bind_dev_console(slave: &OwnedFd) -> Result<()> {
    let root = mounts::openat2(
        libc::AT_FDCWD,
        Path::new("/"),
        libc::O_PATH | libc::O_DIRECTORY,
        0,
    )?;
    if mounts::openat2(
        root.as_raw_fd(),
        Path::new("dev"),
        libc::O_PATH | libc::O_DIRECTORY,
        libc::RESOLVE_NO_SYMLINKS,
    )
    .is_err()
    {
        return Ok(());
    }
    let target = mounts::resolve(&root, Path::new("/dev/console"), Kind::File, true)
        .context("creating /dev/console")?;
    let src = CString::new(format!("/proc/self/fd/{}", slave.as_raw_fd()))?;
    let dst = CString::new(format!("/proc/self/fd/{}", target.as_raw_fd()))?;
    // SAFETY: bind mount between two procfd paths of fds we own.
    res(unsafe {
        libc::mount(
            src.as_ptr(),
            dst.as_ptr(),
            std::ptr::null(),
            libc::MS_BIND,
            std::ptr::null(),
        )
    })
    .context("binding the pty onto /dev/console")
}

/// Writes a sysctl through /proc/sys, opened beneath a verified procfs without symlinks (CVE-2025-52881).
fn write_sysctl(key: &str, value: &str) -> Result<()> {
    if key.is_empty() || key.contains('/') || key.split('.').any(str::is_empty) {
        bail!("invalid sysctl name {key:?}");
    }
    write_proc("/proc/sys", &key.replace('.', "/"), value)
}

/// Writes a procfs file beneath `base`, through an fd opened without symlinks, beneath `base`, on the same
/// mount, after checking that `base` really is procfs (CVE-2025-52881: writes must not be redirected).
fn write_proc(base: &str, rel: &str, value: &str) -> Result<()> {
    let dir = mounts::openat2(
        libc::AT_FDCWD,
        Path::new(base),
        libc::O_PATH | libc::O_DIRECTORY,
        libc::RESOLVE_NO_SYMLINKS,
    )
    .with_context(|| format!("opening {base}"))?;
    // SAFETY: fstatfs on our fd into a zeroed buffer we own.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    res(unsafe { libc::fstatfs(dir.as_raw_fd(), &mut st) })?;
    if st.f_type != libc::PROC_SUPER_MAGIC {
        bail!("{base} is not procfs");
    }
    let fd = mounts::openat2(
        dir.as_raw_fd(),
        Path::new(rel),
        libc::O_WRONLY,
        libc::RESOLVE_NO_SYMLINKS | libc::RESOLVE_BENEATH | libc::RESOLVE_NO_XDEV,
    )
    .with_context(|| format!("opening {base}/{rel}"))?;
    let mut f = std::fs::File::from(fd);
    std::io::Write::write_all(&mut f, value.as_bytes())
        .with_context(|| format!("writing {base}/{rel}"))
}

fn sethostname(h: &str) -> Result<()> {
    // SAFETY: sethostname with a pointer/length pair into a string we own.
    res(unsafe { libc::sethostname(h.as_ptr() as *const libc::c_char, h.len()) })
        .context("sethostname")
}

fn rlimit_resource(t: PosixRlimitType) -> libc::__rlimit_resource_t {
    match t {
        PosixRlimitType::RlimitCpu => libc::RLIMIT_CPU,
        PosixRlimitType::RlimitFsize => libc::RLIMIT_FSIZE,
        PosixRlimitType::RlimitData => libc::RLIMIT_DATA,
        PosixRlimitType::RlimitStack => libc::RLIMIT_STACK,
        PosixRlimitType::RlimitCore => libc::RLIMIT_CORE,
        PosixRlimitType::RlimitRss => libc::RLIMIT_RSS,
        PosixRlimitType::RlimitNproc => libc::RLIMIT_NPROC,
        PosixRlimitType::RlimitNofile => libc::RLIMIT_NOFILE,
        PosixRlimitType::RlimitMemlock => libc::RLIMIT_MEMLOCK,
        PosixRlimitType::RlimitAs => libc::RLIMIT_AS,
        PosixRlimitType::RlimitLocks => libc::RLIMIT_LOCKS,
        PosixRlimitType::RlimitSigpending => libc::RLIMIT_SIGPENDING,
        PosixRlimitType::RlimitMsgqueue => libc::RLIMIT_MSGQUEUE,
        PosixRlimitType::RlimitNice => libc::RLIMIT_NICE,
        PosixRlimitType::RlimitRtprio => libc::RLIMIT_RTPRIO,
        PosixRlimitType::RlimitRttime => libc::RLIMIT_RTTIME,
    }
}

/// setrlimit; when the caller cannot raise the hard limit (these machines' root cannot), clamp to it silently,
/// as the issue asks.
fn set_rlimit(t: PosixRlimitType, soft: u64, hard: u64) -> Result<()> {
    let r = rlimit_resource(t);
    let want = libc::rlimit {
        rlim_cur: soft,
        rlim_max: hard,
    };
    // SAFETY: setrlimit/getrlimit with structs we own.
    if unsafe { libc::setrlimit(r, &want) } == 0 {
        return Ok(());
    }
    let mut cur = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    res(unsafe { libc::getrlimit(r, &mut cur) })?;
    let h = hard.min(cur.rlim_max);
    let clamped = libc::rlimit {
        rlim_cur: soft.min(h),
        rlim_max: h,
    };
    res(unsafe { libc::setrlimit(r, &clamped) }).context("setrlimit")
}

/// Supplementary groups; skipped when the user namespace denies setgroups (single-id rootless map, where
/// only the caller's own gid exists anyway).
fn set_groups(gids: &[u32]) -> Result<()> {
    if std::fs::read_to_string("/proc/self/setgroups").is_ok_and(|s| s.trim() == "deny") {
        return Ok(());
    }
    let g: Vec<libc::gid_t> = gids.to_vec();
    // SAFETY: setgroups with a pointer/length into our vector.
    res(unsafe { libc::setgroups(g.len(), g.as_ptr()) }).context("setgroups")
}

fn to_caps(set: Option<&oci_spec::runtime::Capabilities>) -> caps::CapsHashSet {
    set.into_iter()
        .flatten()
        .filter_map(|c| format!("CAP_{c}").parse::<caps::Capability>().ok())
        .collect()
}

fn drop_bounding(keep: Option<&oci_spec::runtime::Capabilities>) -> Result<()> {
    let keep = to_caps(keep);
    for c in caps::runtime::thread_all_supported() {
        if !keep.contains(&c) {
            caps::drop(None, caps::CapSet::Bounding, c)
                .with_context(|| format!("dropping {c} from the bounding set"))?;
        }
    }
    Ok(())
}

fn raise_effective() -> Result<()> {
    let p = caps::read(None, caps::CapSet::Permitted)?;
    caps::set(None, caps::CapSet::Effective, &p)?;
    Ok(())
}

/// Final capability sets. Inheritable and ambient are empty unless the spec lists them (CVE-2022-24769).
fn set_caps(c: Option<&oci_spec::runtime::LinuxCapabilities>) -> Result<()> {
    let eff = to_caps(c.and_then(|c| c.effective().as_ref()));
    let prm = to_caps(c.and_then(|c| c.permitted().as_ref()));
    let inh = to_caps(c.and_then(|c| c.inheritable().as_ref()));
    let amb = to_caps(c.and_then(|c| c.ambient().as_ref()));
    caps::clear(None, caps::CapSet::Ambient).context("clearing ambient caps")?;
    caps::set(
        None,
        caps::CapSet::Effective,
        &eff.intersection(&caps::read(None, caps::CapSet::Permitted)?)
            .copied()
            .collect(),
    )
    .context("setting effective caps")?;
    caps::set(None, caps::CapSet::Inheritable, &inh).context("setting inheritable caps")?;
    caps::set(None, caps::CapSet::Permitted, &prm).context("setting permitted caps")?;
    caps::set(None, caps::CapSet::Effective, &eff).context("setting effective caps")?;
    for a in amb {
        caps::raise(None, caps::CapSet::Ambient, a)
            .with_context(|| format!("raising ambient {a}"))?;
    }
    Ok(())
}

/// Finds args[0] like execvp, through the spec's PATH (not berth's): not found → 127, found but not executable
/// → 126, as docker.
fn resolve_payload(arg0: &str, env: &[String]) -> Result<PathBuf, Fail> {
    let check = |p: &Path| -> Result<bool, Fail> {
        let Ok(md) = std::fs::metadata(p) else {
            return Ok(false);
        };
        if md.is_dir() {
            return Err(Fail::NotExecutable(arg0.to_string()));
        }
        let c =
            CString::new(p.as_os_str().as_bytes()).map_err(|_| Fail::NotFound(arg0.to_string()))?;
        // SAFETY: access with a valid C string.
        if unsafe { libc::access(c.as_ptr(), libc::X_OK) } != 0 {
            return Err(Fail::NotExecutable(arg0.to_string()));
        }
        Ok(true)
    };
    if arg0.contains('/') {
        let p = PathBuf::from(arg0);
        return if check(&p)? {
            Ok(p)
        } else {
            Err(Fail::NotFound(arg0.to_string()))
        };
    }
    let path_var = env
        .iter()
        .find_map(|e| e.strip_prefix("PATH="))
        .unwrap_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    let mut denied = false;
    for dir in path_var.split(':').filter(|d| !d.is_empty()) {
        let p = Path::new(dir).join(arg0);
        match check(&p) {
            Ok(true) => return Ok(p),
            Ok(false) => {}
            Err(Fail::NotExecutable(_)) => denied = true,
            Err(e) => return Err(e),
        }
    }
    if denied {
        Err(Fail::NotExecutable(arg0.to_string()))
    } else {
        Err(Fail::NotFound(arg0.to_string()))
    }
}

fn execve(path: &Path, args: &[String], env: &[String]) -> std::io::Error {
    let cs = |v: &[String]| -> Option<Vec<CString>> {
        v.iter().map(|s| CString::new(s.as_bytes()).ok()).collect()
    };
    let (Some(a), Some(e), Ok(p)) = (cs(args), cs(env), CString::new(path.as_os_str().as_bytes()))
    else {
        return std::io::Error::from_raw_os_error(libc::EINVAL);
    };
    let mut av: Vec<*const libc::c_char> = a.iter().map(|s| s.as_ptr()).collect();
    av.push(std::ptr::null());
    let mut ev: Vec<*const libc::c_char> = e.iter().map(|s| s.as_ptr()).collect();
    ev.push(std::ptr::null());
    // SAFETY: NULL-terminated arrays of pointers into CStrings alive for the call; returns only on failure.
    unsafe { libc::execve(p.as_ptr(), av.as_ptr(), ev.as_ptr()) };
    errno()
}
