//! The container's init: the setup steps that run inside the new namespaces, in the order documented in
//! `runtime/mod.rs`, ending in execve of the payload. Also the tail shared with `exec` (user, caps, seccomp).
//!
//! Owns nothing that forks (that is `launch.rs` and `exec.rs`, which call this file; never the reverse).
//! Depends on libc, caps, oci_spec, [`super::mounts`], [`super::msg`], [`super::seccomp`] and [`super::sys`].
//! Every call that changes kernel or process state goes through the [`Syscall`] seam: the init is generic
//! over it (static dispatch, [`Real`] in production), so `init_tests.rs` checks the step order with a fake.
//! Invariant: every failure is reported as a [`Fail`] naming the step; nothing of berth's environment, fds or
//! binary survives the execve (F2, F4 in docs/security.md).

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use oci_spec::runtime::{PosixRlimitType, Process, Spec};

use super::mounts::{self, Kind, MountCtx};
use super::msg::{self, Msg};
use super::sys::{Real, Syscall, errno, openat2};
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
    pub wait_for_hook: bool,
    /// The container's seccomp filter, built by the caller before forking.
    pub seccomp: Option<&'a seccomp::Filter>,
    /// Make the new cgroup namespace first: the init was born in the container's cgroup v2, the stage
    /// that cloned it was not (launch.rs, `place_self`), and a new namespace roots at its creator's cgroup.
    pub new_cgroup_ns: bool,
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
    match container_init_steps(&Real, &ctx) {
        Ok(never) => match never {},
        Err(f) => f,
    }
}

/// Steps 2 to 11 of `runtime/mod.rs`, in that order.
fn container_init_steps<S: Syscall>(
    sys: &S,
    ctx: &InitCtx,
) -> Result<std::convert::Infallible, Fail> {
    let spec = ctx.spec;
    let linux = spec.linux().clone().unwrap_or_default();
    let process = spec.process().clone().unwrap_or_default();
    if ctx.new_cgroup_ns {
        step(
            "creating the cgroup namespace",
            sys.unshare(libc::CLONE_NEWCGROUP)
                .map_err(anyhow::Error::from),
        )?;
    }
    // Device nodes and dirs are created with exactly the modes we ask for.
    sys.umask(0);

    let root_path = mount_steps(sys, ctx, &linux)?;
    step("pivot_root", mounts::pivot_into(sys, &root_path))?;
    crate::trace::mark("pivot_root");
    let root = step(
        "opening /",
        openat2(
            libc::AT_FDCWD,
            Path::new("/"),
            libc::O_PATH | libc::O_DIRECTORY,
            0,
        )
        .map_err(Into::into),
    )?;
    stdio_step(sys, &ctx.stdio, ctx.sock, &process, true)?;
    crate::trace::mark("stdio");

    // Sysctls before read-only paths: /proc/sys becomes read-only there.
    for (k, v) in linux.sysctl().iter().flatten() {
        step(&format!("setting sysctl {k}"), write_sysctl(sys, k, v))?;
    }
    if let Some(h) = spec.hostname() {
        step(
            "setting the hostname",
            sys.sethostname(h).context("sethostname"),
        )?;
    }
    step(
        "masking paths",
        mounts::mask_paths(sys, &root, linux.masked_paths().as_deref().unwrap_or(&[])),
    )?;
    step(
        "read-only paths",
        mounts::readonly_paths(sys, &root, linux.readonly_paths().as_deref().unwrap_or(&[])),
    )?;
    if spec.root().as_ref().and_then(|r| r.readonly()) == Some(true) {
        step("making the rootfs read-only", mounts::readonly_root(sys))?;
    }
    crate::trace::mark("masked and read-only paths");
    drop(root);
    if ctx.wait_for_hook {
        // The caller's hook (e.g. rootless networking) must be done before the payload runs; a "quit" or a
        // vanished caller ends the init here.
        msg::wait_go(ctx.sock);
    }
    finish(sys, &process, ctx.seccomp, ctx.sock)
}

/// Steps 2 to 5: propagation, the rootfs, the spec's mounts, /dev content. Returns the new root's path.
fn mount_steps<S: Syscall>(
    sys: &S,
    ctx: &InitCtx,
    linux: &oci_spec::runtime::Linux,
) -> Result<PathBuf, Fail> {
    let spec = ctx.spec;
    step(
        "mount propagation",
        mounts::set_root_propagation(sys, linux.rootfs_propagation().as_deref()),
    )?;
    crate::trace::mark("propagation");
    let root_path = step(
        "mounting the rootfs",
        super::overlay::Choice::from_spec(ctx.spec)
            .and_then(|choice| mounts::mount_rootfs(sys, ctx.rootfs, ctx.in_userns, &choice)),
    )?;
    step(
        "leaving the fuse-overlayfs daemon its own mount namespace",
        super::overlay::leave_fuse_daemon_behind(sys, &root_path),
    )?;
    let root = step(
        "opening the rootfs",
        openat2(
            libc::AT_FDCWD,
            &root_path,
            libc::O_PATH | libc::O_DIRECTORY,
            0,
        )
        .with_context(|| format!("opening {}", root_path.display())),
    )?;
    crate::trace::mark("rootfs mounted");
    let mctx = MountCtx {
        root: &root,
        rootless: ctx.rootless,
        cgroup_dirs: &ctx.cgroup_dirs,
    };
    let mut dev_mounted = false;
    for m in spec.mounts().iter().flatten() {
        let name = format!("mounting {}", m.destination().display());
        step(&name, mounts::mount_one(sys, &mctx, m))?;
        if m.destination() == Path::new("/dev") {
            dev_mounted = true;
        }
    }
    crate::trace::mark("spec mounts");
    if dev_mounted {
        for d in mounts::default_devices() {
            step(
                &format!("creating {}", d.path.display()),
                mounts::create_device(sys, &root, &d, ctx.in_userns),
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
            mounts::create_device(sys, &root, &dev, ctx.in_userns),
        )?;
    }
    crate::trace::mark("devices");
    drop(root);
    Ok(root_path)
}

/// Step 7 (shared with `exec`): the console (a pty of the container's devpts; `bind_console` also binds it
/// onto /dev/console, for the init only), or a session of its own and the container's /dev/null for a
/// missing stdin. Runs with "/" already the container's root.
pub(crate) fn stdio_step<S: Syscall>(
    sys: &S,
    stdio: &InitStdio,
    sock: RawFd,
    process: &Process,
    bind_console: bool,
) -> Result<(), Fail> {
    match stdio {
        InitStdio::Pty => step(
            "setting up the console",
            console(sys, sock, process, bind_console),
        ),
        InitStdio::Fds { stdin_null } => {
            // A session of its own: the payload must not share the caller's terminal session.
            sys.setsid();
            if *stdin_null {
                step("opening /dev/null for stdin", stdin_devnull(sys))?;
            }
            Ok(())
        }
    }
}

/// The part shared by a container's init and `exec` (steps 10 and 11): rlimits, cwd, user, caps,
/// no_new_privs, seccomp, fd sweep, execve. Runs with "/" already the container's root.
pub(crate) fn finish<S: Syscall>(
    sys: &S,
    process: &Process,
    filter: Option<&seccomp::Filter>,
    sock: RawFd,
) -> Result<std::convert::Infallible, Fail> {
    for r in process.rlimits().iter().flatten() {
        step(
            &format!("setting rlimit {}", r.typ()),
            set_rlimit(sys, r.typ(), r.soft(), r.hard()),
        )?;
    }
    let cwd = process.cwd();
    step(
        &format!("working directory {}", cwd.display()),
        make_cwd(sys, cwd),
    )?;
    if let Some(adj) = process.oom_score_adj() {
        // Before dropping privileges: lowering it needs CAP_SYS_RESOURCE.
        // /proc/<pid>, not the /proc/self symlink, so the open can refuse every symlink.
        let me = format!("/proc/{}", std::process::id());
        step(
            "setting oom_score_adj",
            sys.write_proc(&me, "oom_score_adj", &adj.to_string()),
        )?;
    }
    let user = process.user();
    let caps = process.capabilities().clone();
    let nnp = process.no_new_privileges() == Some(true);

    step(
        "dropping the bounding set",
        drop_bounding(sys, caps.as_ref().and_then(|c| c.bounding().as_ref())),
    )?;
    step(
        "keeping capabilities across setuid",
        sys.prctl(libc::PR_SET_KEEPCAPS, 1),
    )?;
    step(
        "setting groups",
        set_groups(sys, user.additional_gids().as_deref().unwrap_or(&[])),
    )?;
    step(
        "setting the gid",
        sys.setresgid(user.gid()).context("setresgid"),
    )?;
    step(
        "setting the uid",
        sys.setresuid(user.uid()).context("setresuid"),
    )?;
    step(
        "keeping capabilities across setuid",
        sys.prctl(libc::PR_SET_KEEPCAPS, 0),
    )?;
    // The working directory again as the user: its permissions are the user's (runc does the same).
    step(
        &format!("entering working directory {}", cwd.display()),
        chdir(sys, cwd),
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
    let path = resolve_payload(arg0, &args, &env)?;
    crate::trace::mark("user and payload lookup");
    if nnp {
        step(
            "setting no_new_privs",
            sys.prctl(libc::PR_SET_NO_NEW_PRIVS, 1),
        )?;
    } else if let Some(f) = filter {
        // Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while the (kept) permitted set
        // still has it, then drop to the final set (runc does the same when noNewPrivileges is off).
        step(
            "raising effective caps to load seccomp",
            raise_effective(sys),
        )?;
        step("loading the seccomp filter", sys.load_seccomp(f))?;
    }
    step("setting capabilities", set_caps(sys, caps.as_ref()))?;
    if nnp && let Some(f) = filter {
        step("loading the seccomp filter", sys.load_seccomp(f))?;
    }
    sys.umask(user.umask().unwrap_or(0o022) as libc::mode_t);
    // Every fd but 0, 1, 2 closes on execve (CVE-2024-21626): ours, and anything our caller leaked.
    if let Err(e) = sys.close_range_cloexec() {
        return Err(Fail::Step {
            step: "closing fds".into(),
            message: e.to_string(),
        });
    }
    crate::trace::mark("caps and seccomp");
    msg::send(sock, &Msg::Exec);
    let e = sys.execve(&path, &args, &env);
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

fn chdir<S: Syscall>(sys: &S, p: &Path) -> Result<()> {
    let c = CString::new(p.as_os_str().as_bytes())?;
    sys.chdir(&c)
        .with_context(|| format!("chdir {}", p.display()))?;
    // Make sure we really are inside the root (CVE-2024-21626: a cwd outside reads as "(unreachable)").
    let cwd = std::env::current_dir().context("getcwd")?;
    if !cwd.is_absolute() || cwd.to_string_lossy().starts_with("(unreachable)") {
        bail!("working directory is outside the container");
    }
    Ok(())
}

/// Creates the working directory inside the root when missing (docker does), never following symlinks out.
fn make_cwd<S: Syscall>(sys: &S, p: &Path) -> Result<()> {
    if !p.is_absolute() {
        bail!("working directory {} is not absolute", p.display());
    }
    let root = openat2(
        libc::AT_FDCWD,
        Path::new("/"),
        libc::O_PATH | libc::O_DIRECTORY,
        0,
    )?;
    let fd = mounts::resolve(&root, p, Kind::Dir, false)?;
    sys.fchdir(fd.as_raw_fd()).context("fchdir")
}

fn stdin_devnull<S: Syscall>(sys: &S) -> Result<()> {
    let fd = openat2(
        libc::AT_FDCWD,
        Path::new("/dev/null"),
        libc::O_RDONLY,
        libc::RESOLVE_NO_SYMLINKS,
    )
    .context("opening /dev/null")?;
    sys.dup2(fd.as_raw_fd(), 0).context("dup2 stdin")
}

/// The console: a pty of the container's own devpts (after pivot_root /dev/pts is ours), the slave obtained with
/// TIOCGPTPEER so no path is looked up (CVE-2025-52565), made the controlling terminal; the master is sent back.
/// With `bind_console` (the container's init), the slave is also bound onto /dev/console, as runc does: the
/// bind source is the pty we allocated, never a path from the image.
fn console<S: Syscall>(sys: &S, sock: RawFd, process: &Process, bind_console: bool) -> Result<()> {
    let master = openat2(
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
    sys.setsid();
    // SAFETY: TIOCSCTTY on the slave: we are session leader, this becomes our controlling terminal.
    res(unsafe { libc::ioctl(slave.as_raw_fd(), libc::TIOCSCTTY, 0) }).context("TIOCSCTTY")?;
    for n in 0..3 {
        sys.dup2(slave.as_raw_fd(), n).context("dup2 pty slave")?;
    }
    if bind_console {
        bind_dev_console(sys, &slave)?;
    }
    msg::send_with_fd(sock, &Msg::PtyMaster(master)).context("sending the pty master")?;
    Ok(())
}

fn bind_dev_console<S: Syscall>(sys: &S, slave: &OwnedFd) -> Result<()> {
    let root = openat2(
        libc::AT_FDCWD,
        Path::new("/"),
        libc::O_PATH | libc::O_DIRECTORY,
        0,
    )?;
    if openat2(
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
    let src = format!("/proc/self/fd/{}", slave.as_raw_fd());
    let dst = format!("/proc/self/fd/{}", target.as_raw_fd());
    sys.mount(Some(&src), &dst, None, libc::MS_BIND, None)
        .context("binding the pty onto /dev/console")
}

/// Writes a sysctl through /proc/sys, opened beneath a verified procfs without symlinks (CVE-2025-52881).
fn write_sysctl<S: Syscall>(sys: &S, key: &str, value: &str) -> Result<()> {
    if key.is_empty() || key.contains('/') || key.split('.').any(str::is_empty) {
        bail!("invalid sysctl name {key:?}");
    }
    sys.write_proc("/proc/sys", &key.replace('.', "/"), value)
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
fn set_rlimit<S: Syscall>(sys: &S, t: PosixRlimitType, soft: u64, hard: u64) -> Result<()> {
    let r = rlimit_resource(t);
    if sys.setrlimit(r, soft, hard).is_ok() {
        return Ok(());
    }
    let (_, max) = sys.getrlimit(r)?;
    let h = hard.min(max);
    sys.setrlimit(r, soft.min(h), h).context("setrlimit")
}

/// Supplementary groups; skipped when the user namespace denies setgroups (single-id rootless map, where
/// only the caller's own gid exists anyway).
fn set_groups<S: Syscall>(sys: &S, gids: &[u32]) -> Result<()> {
    if std::fs::read_to_string("/proc/self/setgroups").is_ok_and(|s| s.trim() == "deny") {
        return Ok(());
    }
    sys.setgroups(gids).context("setgroups")
}

fn to_caps(set: Option<&oci_spec::runtime::Capabilities>) -> caps::CapsHashSet {
    set.into_iter()
        .flatten()
        .filter_map(|c| format!("CAP_{c}").parse::<caps::Capability>().ok())
        .collect()
}

fn drop_bounding<S: Syscall>(
    sys: &S,
    keep: Option<&oci_spec::runtime::Capabilities>,
) -> Result<()> {
    let keep = to_caps(keep);
    for c in caps::runtime::thread_all_supported() {
        if !keep.contains(&c) {
            sys.cap_drop_bounding(c)
                .with_context(|| format!("dropping {c} from the bounding set"))?;
        }
    }
    Ok(())
}

fn raise_effective<S: Syscall>(sys: &S) -> Result<()> {
    let p = sys.cap_read(caps::CapSet::Permitted)?;
    sys.cap_set(caps::CapSet::Effective, &p)
}

/// Final capability sets. Inheritable and ambient are empty unless the spec lists them (CVE-2022-24769).
fn set_caps<S: Syscall>(sys: &S, c: Option<&oci_spec::runtime::LinuxCapabilities>) -> Result<()> {
    let eff = to_caps(c.and_then(|c| c.effective().as_ref()));
    let prm = to_caps(c.and_then(|c| c.permitted().as_ref()));
    let inh = to_caps(c.and_then(|c| c.inheritable().as_ref()));
    let amb = to_caps(c.and_then(|c| c.ambient().as_ref()));
    sys.cap_set(caps::CapSet::Ambient, &caps::CapsHashSet::new())
        .context("clearing ambient caps")?;
    let permitted = sys.cap_read(caps::CapSet::Permitted)?;
    sys.cap_set(
        caps::CapSet::Effective,
        &eff.intersection(&permitted).copied().collect(),
    )
    .context("setting effective caps")?;
    sys.cap_set(caps::CapSet::Inheritable, &inh)
        .context("setting inheritable caps")?;
    sys.cap_set(caps::CapSet::Permitted, &prm)
        .context("setting permitted caps")?;
    sys.cap_set(caps::CapSet::Effective, &eff)
        .context("setting effective caps")?;
    if !amb.is_empty() {
        sys.cap_set(caps::CapSet::Ambient, &amb)
            .context("raising ambient caps")?;
    }
    Ok(())
}

/// Finds args[0] like execvp, through the spec's PATH (not berth's): not found → 127, found but not executable
/// → 126, as docker. A payload that would run berth's own binary (`/proc/self/exe`, a symlink to it, a
/// script or ELF whose interpreter it is) is not executable: 126 (docs/security.md F1, CVE-2019-5736).
/// The pod's pause process and a static build's `--init` reaper alone are berth, and [`execve`] runs them
/// from a sealed copy.
fn resolve_payload(arg0: &str, args: &[String], env: &[String]) -> Result<PathBuf, Fail> {
    let path = find_payload(arg0, env)?;
    // The pause (or reaper) is berth itself, never reached through an interpreter.
    let pause = super::seal::runs_from_sealed_copy(args) && super::seal::is_own_binary_path(&path);
    if !pause && super::seal::runs_own_binary(&path) {
        return Err(Fail::NotExecutable(format!(
            "{arg0} (runs the container runtime's own binary)"
        )));
    }
    Ok(path)
}

fn find_payload(arg0: &str, env: &[String]) -> Result<PathBuf, Fail> {
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

#[cfg(test)]
#[path = "init_tests.rs"]
mod tests;
