//! All fork/clone code of berth (docs/architecture.md, "Conventions"): the launch and exec pipelines, the sync
//! channel, uid/gid maps.
//!
//! Roles: the caller (the monitor, single-threaded), the "stage" child (forked: joins namespaces with a path,
//! unshares the new ones, waits for maps and cgroup placement) and the init (cloned by the stage with
//! CLONE_PARENT so it is the caller's child; pid 1 of a new pid namespace; runs `init.rs`, then execs).
//! The channel is a SOCK_SEQPACKET socketpair, CLOEXEC: one message per send, EOF once the init exec'd.
//! Messages: R ready-for-maps, G go, Q quit, n/u (+fd) net/user namespace (only for a hook), P<pid> init pid,
//! T (+fd) pty master, X about-to-exec, E<step>\0<message>, N<name> not found, A<name> not executable.
//! With a hook, the caller answers P with G (or Q) once the hook returned; the init waits for it.
//! Depends on libc, nix (sockets) and its siblings. Invariant: the caller never returns Ok before the payload
//! was exec'd, and never leaves a half-set-up child behind on error.

use std::io::{IoSlice, IoSliceMut, Read};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use nix::sys::socket::{ControlMessage, ControlMessageOwned, MsgFlags, recvmsg, sendmsg};
use oci_spec::runtime::{LinuxIdMapping, LinuxNamespaceType, Process, Spec};

use super::init::{self, Fail, InitCtx, InitStdio};
use super::{Launch, LaunchError, Launched, Rootfs, Stdio, cgroup};

/// Sends one message (best effort: the reader may be gone).
pub(crate) fn send(sock: RawFd, tag: u8, payload: &[u8]) {
    let mut m = Vec::with_capacity(payload.len() + 1);
    m.push(tag);
    m.extend_from_slice(payload);
    // SAFETY: send on our socket with a buffer we own.
    unsafe {
        libc::send(
            sock,
            m.as_ptr() as *const libc::c_void,
            m.len(),
            libc::MSG_NOSIGNAL,
        )
    };
}

/// Sends an fd with SCM_RIGHTS (tag T).
pub(crate) fn send_fd(sock: RawFd, fd: RawFd) -> Result<()> {
    send_fd_tagged(sock, b'T', fd)
}

/// Sends an fd with SCM_RIGHTS under `tag`.
fn send_fd_tagged(sock: RawFd, tag: u8, fd: RawFd) -> Result<()> {
    let fds = [fd];
    let tag = [tag];
    let iov = [IoSlice::new(&tag)];
    let cmsg = [ControlMessage::ScmRights(&fds)];
    sendmsg::<()>(sock, &iov, &cmsg, MsgFlags::MSG_NOSIGNAL, None).context("sendmsg SCM_RIGHTS")?;
    Ok(())
}

/// One message of the sync channel: tag, payload, and an fd passed with SCM_RIGHTS.
type Message = (u8, Vec<u8>, Option<OwnedFd>);

/// One received message. `None` at EOF.
fn recv(sock: RawFd) -> Result<Option<Message>> {
    let mut buf = vec![0u8; 8192];
    let mut space = nix::cmsg_space!([RawFd; 1]);
    let (n, fd) = {
        let mut iov = [IoSliceMut::new(&mut buf)];
        let msg = loop {
            match recvmsg::<()>(sock, &mut iov, Some(&mut space), MsgFlags::MSG_CMSG_CLOEXEC) {
                Err(nix::errno::Errno::EINTR) => continue,
                Err(nix::errno::Errno::EAGAIN) => {
                    bail!("container setup did not answer within {SETUP_TIMEOUT_SECS}s")
                }
                r => break r.context("reading the sync channel")?,
            }
        };
        let mut fd = None;
        for c in msg.cmsgs().context("reading control messages")? {
            if let ControlMessageOwned::ScmRights(fds) = c {
                for f in fds {
                    // SAFETY: the kernel installed this fd for us with SCM_RIGHTS.
                    let o = unsafe { OwnedFd::from_raw_fd(f) };
                    if fd.is_none() {
                        fd = Some(o);
                    }
                }
            }
        }
        (msg.bytes, fd)
    };
    if n == 0 {
        return Ok(None);
    }
    buf.truncate(n);
    let tag = buf[0];
    Ok(Some((tag, buf[1..].to_vec(), fd)))
}

/// How long the caller waits for any one message from the stage or init before giving up on a hung setup
/// (a stuck fuse-overlayfs or NFS mount), killing the init and reporting the step it never finished.
const SETUP_TIMEOUT_SECS: libc::time_t = 60;

fn set_recv_timeout(sock: RawFd) -> Result<()> {
    let tv = libc::timeval {
        tv_sec: SETUP_TIMEOUT_SECS,
        tv_usec: 0,
    };
    // SAFETY: setsockopt with a timeval we own and its size.
    let rc = unsafe {
        libc::setsockopt(
            sock,
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            &tv as *const libc::timeval as *const libc::c_void,
            size_of::<libc::timeval>() as libc::socklen_t,
        )
    };
    if rc < 0 {
        return Err(std::io::Error::last_os_error()).context("setting the sync channel timeout");
    }
    Ok(())
}

fn socketpair() -> Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0; 2];
    // SAFETY: socketpair writes two fds into our array.
    if unsafe {
        libc::socketpair(
            libc::AF_UNIX,
            libc::SOCK_SEQPACKET | libc::SOCK_CLOEXEC,
            0,
            fds.as_mut_ptr(),
        )
    } < 0
    {
        return Err(std::io::Error::last_os_error()).context("creating the sync socketpair");
    }
    // SAFETY: both fds were just created for us.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

fn report(sock: RawFd, f: Fail) -> ! {
    match f {
        Fail::Step { step, message } => {
            let mut p = step.into_bytes();
            p.push(0);
            p.extend_from_slice(message.as_bytes());
            send(sock, b'E', &p);
        }
        Fail::NotFound(n) => send(sock, b'N', n.as_bytes()),
        Fail::NotExecutable(n) => send(sock, b'A', n.as_bytes()),
    }
    // SAFETY: _exit skips destructors and atexit handlers of the forked copy of the caller.
    unsafe { libc::_exit(1) }
}

fn fail_step(sock: RawFd, step: &str, e: impl std::fmt::Display) -> ! {
    report(
        sock,
        Fail::Step {
            step: step.to_string(),
            message: e.to_string(),
        },
    )
}

fn ns_flag(t: LinuxNamespaceType) -> libc::c_int {
    match t {
        LinuxNamespaceType::Mount => libc::CLONE_NEWNS,
        LinuxNamespaceType::Cgroup => libc::CLONE_NEWCGROUP,
        LinuxNamespaceType::Uts => libc::CLONE_NEWUTS,
        LinuxNamespaceType::Ipc => libc::CLONE_NEWIPC,
        LinuxNamespaceType::User => libc::CLONE_NEWUSER,
        LinuxNamespaceType::Pid => libc::CLONE_NEWPID,
        LinuxNamespaceType::Network => libc::CLONE_NEWNET,
        LinuxNamespaceType::Time => libc::CLONE_NEWTIME,
    }
}

/// Moves the caller's stdio fds onto 0, 1, 2 (in the forked stage child). Returns whether stdin is missing.
fn install_stdio(sock: RawFd, stdio: &Stdio) -> bool {
    let Stdio::Fds {
        stdin,
        stdout,
        stderr,
    } = stdio
    else {
        return false;
    };
    // First move them above 2, so installing one cannot clobber another.
    let high = |fd: RawFd| {
        // SAFETY: F_DUPFD_CLOEXEC duplicates an fd we hold.
        let n = unsafe { libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 10) };
        if n < 0 {
            fail_step(sock, "installing stdio", std::io::Error::last_os_error());
        }
        n
    };
    let i = stdin.as_ref().map(|f| high(f.as_raw_fd()));
    let o = high(stdout.as_raw_fd());
    let e = high(stderr.as_raw_fd());
    for (from, to) in [(i, 0), (Some(o), 1), (Some(e), 2)] {
        if let Some(f) = from {
            // SAFETY: dup2 onto a stdio number; the copy is not CLOEXEC, so the payload inherits it.
            if unsafe { libc::dup2(f, to) } < 0 {
                fail_step(sock, "installing stdio", std::io::Error::last_os_error());
            }
        }
    }
    i.is_none()
}

/// In a freshly forked child: default dispositions and an empty signal mask, so neither the setup code nor the
/// payload inherits the caller's handlers or blocked signals (execve keeps the mask and ignored signals).
fn reset_signals() {
    // The raw syscall also reaches 32 and 33, which glibc's sigaction refuses (its internal signals), so an
    // ignored one cannot survive into the payload. A zeroed kernel sigaction is SIG_DFL, no flags, empty mask.
    let dfl = [0u64; 4];
    for sig in 1..=64 {
        if sig != libc::SIGKILL && sig != libc::SIGSTOP {
            // SAFETY: rt_sigaction with a zeroed kernel struct we own and an 8-byte sigset size.
            unsafe {
                libc::syscall(
                    libc::SYS_rt_sigaction,
                    sig,
                    dfl.as_ptr(),
                    std::ptr::null_mut::<u64>(),
                    8usize,
                )
            };
        }
    }
    // SAFETY: sigprocmask with an emptied set we own.
    unsafe {
        let mut set: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut set);
        libc::sigprocmask(libc::SIG_SETMASK, &set, std::ptr::null_mut());
    }
}

/// In a freshly forked child: zero the memory /proc/<pid>/cmdline and /proc/<pid>/environ read from, so a
/// container process that can read our /proc entries while we join it (one with CAP_SYS_PTRACE) never sees the
/// caller's arguments (`exec -e SECRET=...`) or environment (docs/security.md F3, F4). Nothing here reads them later.
fn scrub_args_and_env() {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return;
    };
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 1..]) else {
        return;
    };
    // Fields 48 to 51 (arg_start, arg_end, env_start, env_end); after ')' comes field 3.
    let f: Vec<usize> = rest
        .split_whitespace()
        .skip(45)
        .take(4)
        .filter_map(|v| v.parse().ok())
        .collect();
    let [arg_start, arg_end, env_start, env_end] = f[..] else {
        return;
    };
    for (start, end) in [(arg_start, arg_end), (env_start, env_end)] {
        if start != 0 && end > start {
            // SAFETY: the kernel reports these ranges as this process's own argument and environment strings,
            // mapped writable on its stack; zeroing them changes no pointer, only string contents.
            unsafe { std::ptr::write_bytes(start as *mut u8, 0, end - start) };
        }
    }
}

/// fork(2) for the stage child. The caller is single-threaded (documented contract), so the child may allocate.
fn fork() -> Result<libc::pid_t> {
    // SAFETY: plain fork; the caller is single-threaded, so no lock can be held by a vanished thread.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(std::io::Error::last_os_error()).context("fork");
    }
    Ok(pid)
}

/// clone(CLONE_PARENT|SIGCHLD) without a new stack (fork-like): the init becomes the caller's child, so the
/// caller can waitpid it, and enters the pid namespace the stage unshared or joined.
fn clone_parent() -> std::io::Result<libc::pid_t> {
    // SAFETY: raw clone with a null stack behaves as fork in the child; x86_64/aarch64 argument order
    // (flags, stack, parent_tid, child_tid, tls); no tid pointers are used.
    let pid = unsafe {
        libc::syscall(
            libc::SYS_clone,
            (libc::CLONE_PARENT | libc::SIGCHLD) as libc::c_ulong,
            0usize,
            0usize,
            0usize,
            0usize,
        )
    };
    if pid < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(pid as libc::pid_t)
    }
}

fn setns(fd: &OwnedFd, flag: libc::c_int) -> std::io::Result<()> {
    // SAFETY: setns on an fd we own.
    if unsafe { libc::setns(fd.as_raw_fd(), flag) } < 0 {
        Err(std::io::Error::last_os_error())
    } else {
        Ok(())
    }
}

fn open_ns(path: &Path) -> Result<OwnedFd> {
    let f = std::fs::File::open(path)
        .with_context(|| format!("opening namespace {}", path.display()))?;
    Ok(f.into())
}

struct Plan {
    /// Namespaces to join, user first.
    join: Vec<(libc::c_int, OwnedFd)>,
    /// Flags to unshare (without CLONE_NEWUSER).
    unshare: libc::c_int,
    new_user: bool,
}

fn plan(spec: &Spec, rootless: bool) -> Result<Plan> {
    let mut join = Vec::new();
    let mut unshare = 0;
    let mut new_user = false;
    let mut has_user = false;
    for ns in spec
        .linux()
        .as_ref()
        .and_then(|l| l.namespaces().clone())
        .unwrap_or_default()
    {
        let flag = ns_flag(ns.typ());
        if ns.typ() == LinuxNamespaceType::User {
            has_user = true;
        }
        match ns.path() {
            Some(p) => join.push((flag, open_ns(p)?)),
            None if flag == libc::CLONE_NEWUSER => new_user = true,
            None => unshare |= flag,
        }
    }
    if rootless && !has_user {
        new_user = true;
    }
    // User first (it grants the rights to join the others), mount last (it changes our root and /proc).
    join.sort_by_key(|(f, _)| match *f {
        libc::CLONE_NEWUSER => 0,
        libc::CLONE_NEWNS => 2,
        _ => 1,
    });
    Ok(Plan {
        join,
        unshare,
        new_user,
    })
}

/// The stage child's steps up to "ready"; returns only in the child.
fn stage_join(sock: RawFd, plan: &Plan, mut only: impl FnMut(libc::c_int) -> bool) {
    for (flag, fd) in &plan.join {
        if only(*flag)
            && let Err(e) = setns(fd, *flag)
        {
            fail_step(sock, &format!("joining namespace {flag:#x}"), e);
        }
    }
}

pub(crate) fn wait_go(sock: RawFd) {
    match recv(sock) {
        Ok(Some((b'G', _, _))) => {}
        // SAFETY: the caller gave up; exit without running the caller's destructors.
        _ => unsafe { libc::_exit(1) },
    }
}

fn become_ns_root(sock: RawFd) {
    // SAFETY: credential syscalls in a single-threaded child.
    if unsafe { libc::setresgid(0, 0, 0) } < 0 || unsafe { libc::setresuid(0, 0, 0) } < 0 {
        fail_step(
            sock,
            "becoming root in the user namespace",
            std::io::Error::last_os_error(),
        );
    }
}

pub(crate) fn launch(mut l: Launch) -> Result<Launched> {
    let hook = l.on_namespaces.take();
    let hold = hook.is_some();
    let spec = &l.spec;
    let plan = plan(spec, l.rootless)?;
    let joined = plan.join.iter().fold(0, |acc, (f, _)| acc | f);
    init::check_spec(spec, plan.unshare, plan.unshare | joined).context("checking the spec")?;
    if plan.join.iter().any(|(f, _)| *f == libc::CLONE_NEWPID) && !super::seal::is_sealed() {
        bail!(
            "joining a running container's pid namespace needs a sealed binary (CVE-2019-5736): call runtime::seal::ensure_sealed() first"
        );
    }
    // Built here, before any fork: with the cache, the init only loads a ready program.
    let filter = match spec.linux().as_ref().and_then(|x| x.seccomp().as_ref()) {
        Some(s) => Some(
            super::seccomp::prepare(s, l.seccomp_cache.as_deref())
                .context("building the seccomp filter")?,
        ),
        None => None,
    };
    let resources = spec.linux().as_ref().and_then(|l| l.resources().as_ref());
    let created = match &l.cgroup {
        Some(name) => {
            cgroup::create(name, resources, l.rootless).context("creating the container cgroup")?
        }
        None => cgroup::Created::default(),
    };
    let cgroup_dirs = match &l.cgroup {
        Some(name) => cgroup::dirs(name)?
            .into_iter()
            .filter(|(_, d)| created.dirs.contains(d))
            .collect(),
        None => Vec::new(),
    };
    let mut warnings = created.warnings.clone();
    let (psock, csock) = socketpair()?;
    let stage = match fork() {
        Ok(p) => p,
        Err(e) => {
            cleanup_cgroup(&l.cgroup, &created);
            return Err(e);
        }
    };
    if stage == 0 {
        reset_signals();
        scrub_args_and_env();
        drop(psock);
        let sock = csock.as_raw_fd();
        let stdin_null = install_stdio(sock, &l.stdio);
        stage_join(sock, &plan, |f| f == libc::CLONE_NEWUSER);
        let in_userns = plan.new_user || plan.join.iter().any(|(f, _)| *f == libc::CLONE_NEWUSER);
        if plan.new_user {
            // SAFETY: unshare in a single-threaded child.
            if unsafe { libc::unshare(libc::CLONE_NEWUSER) } < 0 {
                fail_step(
                    sock,
                    "creating the user namespace",
                    std::io::Error::last_os_error(),
                );
            }
        }
        send(sock, b'R', b"");
        wait_go(sock);
        if in_userns {
            become_ns_root(sock);
        }
        // From here on the stage and init are not dumpable: no container process may ptrace them or read their
        // /proc entries (CVE-2016-9962); execve resets it for the payload.
        // SAFETY: prctl with integer arguments.
        unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
        stage_join(sock, &plan, |f| f != libc::CLONE_NEWUSER);
        // SAFETY: unshare in a single-threaded child.
        if plan.unshare != 0 && unsafe { libc::unshare(plan.unshare) } < 0 {
            fail_step(sock, "creating namespaces", std::io::Error::last_os_error());
        }
        if hold {
            // The init is not dumpable, so nobody else may open its /proc/<pid>/ns: hand the namespaces over.
            for (tag, ns) in [(b'n', "/proc/self/ns/net"), (b'u', "/proc/self/ns/user")] {
                if let Err(e) = std::fs::File::open(ns)
                    .map_err(anyhow::Error::from)
                    .and_then(|f| send_fd_tagged(sock, tag, f.as_raw_fd()))
                {
                    fail_step(sock, "passing the namespaces to the caller", e);
                }
            }
        }
        match clone_parent() {
            Err(e) => fail_step(sock, "cloning the init", e),
            Ok(0) => {
                let ctx = InitCtx {
                    spec: &l.spec,
                    rootfs: &l.rootfs,
                    rootless: l.rootless,
                    in_userns,
                    stdio: match l.stdio {
                        Stdio::Pty => InitStdio::Pty,
                        Stdio::Fds { .. } => InitStdio::Fds { stdin_null },
                    },
                    cgroup_dirs,
                    sock,
                    hold,
                    seccomp: filter.as_ref(),
                };
                report(sock, init::container_init(ctx));
            }
            Ok(pid) => {
                send(sock, b'P', pid.to_string().as_bytes());
                // SAFETY: the stage is done; _exit skips the caller's destructors.
                unsafe { libc::_exit(0) }
            }
        }
    }
    drop(csock);
    drop(l.stdio);
    let r = drive(
        psock.as_raw_fd(),
        stage,
        |stage| {
            if plan.new_user {
                write_maps(stage, spec, l.rootless)?;
            }
            cgroup::place(&created, stage).context("placing the container in its cgroup")
        },
        hook,
    );
    match r {
        Ok((pid, pty_master)) => {
            let start_time = super::process_start_time(pid).unwrap_or(0);
            warnings.dedup();
            Ok(Launched {
                pid,
                start_time,
                pty_master,
                warnings,
            })
        }
        Err(e) => {
            cleanup_cgroup(&l.cgroup, &created);
            Err(e)
        }
    }
}

fn cleanup_cgroup(name: &Option<String>, created: &cgroup::Created) {
    if let Some(n) = name
        && !created.dirs.is_empty()
    {
        let _ = cgroup::destroy(n);
    }
}

/// The caller's side of the channel: ready → prepare(stage pid) → go → [namespaces → init pid → hook → go]
/// → init pid → console → exec or failure.
fn drive(
    sock: RawFd,
    stage: libc::pid_t,
    prepare: impl FnOnce(libc::pid_t) -> Result<()>,
    hook: Option<super::NamespacesHook<'_>>,
) -> Result<(i32, Option<OwnedFd>)> {
    let mut hook = hook;
    let (mut net_ns, mut user_ns) = (None, None);
    let mut init_pid: Option<i32> = None;
    let mut pty = None;
    let mut execd = false;
    let mut failure: Option<anyhow::Error> = set_recv_timeout(sock).err();
    let mut prepare = Some(prepare);
    loop {
        let msg = match recv(sock) {
            Ok(m) => m,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        let Some((tag, payload, fd)) = msg else { break };
        let text = String::from_utf8_lossy(&payload).to_string();
        match tag {
            b'R' => {
                let r = prepare.take().map(|p| p(stage)).unwrap_or(Ok(()));
                match r {
                    Ok(()) => send(sock, b'G', b""),
                    Err(e) => {
                        send(sock, b'Q', b"");
                        failure = Some(e);
                        break;
                    }
                }
            }
            b'n' => net_ns = fd,
            b'u' => user_ns = fd,
            b'P' => {
                init_pid = text.parse().ok();
                if let Some(h) = hook.take() {
                    let r = match (init_pid, net_ns.take(), user_ns.take()) {
                        (Some(pid), Some(n), Some(u)) => run_hook(pid, n, u, h),
                        _ => Err(anyhow::anyhow!(
                            "the init's pid or namespaces never arrived"
                        )),
                    };
                    match r {
                        Ok(()) => send(sock, b'G', b""),
                        Err(e) => {
                            send(sock, b'Q', b"");
                            failure = Some(e);
                            break;
                        }
                    }
                }
            }
            b'T' => pty = fd,
            b'X' => execd = true,
            b'E' => {
                let (step, message) = text.split_once('\0').unwrap_or((&text, ""));
                execd = false;
                failure = Some(
                    LaunchError::Step {
                        step: step.to_string(),
                        message: message.to_string(),
                    }
                    .into(),
                );
            }
            b'N' => {
                execd = false;
                failure = Some(LaunchError::NotFound(text).into());
            }
            b'A' => {
                execd = false;
                failure = Some(LaunchError::NotExecutable(text).into());
            }
            _ => {}
        }
    }
    // The stage has exited or is exiting; after a failure (a timeout included) it may be stuck: kill it first.
    let mut status = 0;
    // SAFETY: kill/waitpid on our own child (a zombie may be killed harmlessly) with a status int we own.
    unsafe {
        if failure.is_some() {
            libc::kill(stage, libc::SIGKILL);
        }
        libc::waitpid(stage, &mut status, 0)
    };
    if failure.is_none() && !execd {
        let why = match init_pid {
            Some(p) => wait_status(p).map(|s| format!("init exited before exec ({s})")),
            None => Some("the stage child exited before cloning the init".to_string()),
        };
        failure = Some(
            LaunchError::Step {
                step: "starting the container".into(),
                message: why.unwrap_or_else(|| "init closed the channel before exec".into()),
            }
            .into(),
        );
    }
    if let Some(e) = failure {
        if let Some(p) = init_pid {
            // SAFETY: kill/waitpid of our own child (CLONE_PARENT made the init ours).
            unsafe {
                libc::kill(p, libc::SIGKILL);
                libc::waitpid(p, std::ptr::null_mut(), 0);
            }
        }
        return Err(e);
    }
    let pid = init_pid.context("the init pid never arrived")?;
    Ok((pid, pty))
}

/// Runs the launch hook with a holder: a forked child that joins the init's user and network namespaces
/// (given as fds by the stage) and waits, so helpers can find them through `/proc/<holder>/ns` while the
/// init itself is not dumpable. The holder is killed and reaped when the hook returns.
fn run_hook(pid: i32, net: OwnedFd, user: OwnedFd, hook: super::NamespacesHook<'_>) -> Result<()> {
    let (rd, wr) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating a pipe")?;
    let holder = fork()?;
    if holder == 0 {
        drop(rd);
        // SAFETY: setns with fds we own, in a single-threaded child; the byte says it worked.
        unsafe {
            if libc::setns(user.as_raw_fd(), libc::CLONE_NEWUSER) == 0
                && libc::setns(net.as_raw_fd(), libc::CLONE_NEWNET) == 0
            {
                libc::write(wr.as_raw_fd(), b"1".as_ptr().cast(), 1);
                loop {
                    libc::pause();
                }
            }
            libc::_exit(1)
        }
    }
    drop(wr);
    drop((net, user));
    let mut b = [0u8; 1];
    let joined = std::fs::File::from(rd).read(&mut b).unwrap_or(0) == 1;
    let r = if joined {
        hook(&super::Namespaces { pid, holder })
    } else {
        Err(anyhow::anyhow!(
            "joining the container's user and network namespaces failed"
        ))
    };
    // SAFETY: kill/waitpid of our own child.
    unsafe {
        libc::kill(holder, libc::SIGKILL);
        libc::waitpid(holder, std::ptr::null_mut(), 0);
    }
    r
}

/// How an already-dead child ended, if it has.
fn wait_status(pid: i32) -> Option<String> {
    let mut status = 0;
    // SAFETY: waitpid on our own child, non-blocking after a short grace period.
    for _ in 0..50 {
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            return Some(if libc::WIFSIGNALED(status) {
                format!("killed by signal {}", libc::WTERMSIG(status))
            } else {
                format!("exit status {}", libc::WEXITSTATUS(status))
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    None
}

fn map_text(m: &[LinuxIdMapping]) -> String {
    m.iter()
        .map(|e| format!("{} {} {}\n", e.container_id(), e.host_id(), e.size()))
        .collect()
}

fn mapping(container: u32, host: u32, size: u32) -> LinuxIdMapping {
    oci_spec::runtime::LinuxIdMappingBuilder::default()
        .container_id(container)
        .host_id(host)
        .size(size)
        .build()
        .expect("id mapping with all fields")
}

/// The caller's user name, from the host's /etc/passwd (never NSS).
fn user_name(uid: u32) -> Option<String> {
    let pw = std::fs::read_to_string("/etc/passwd").ok()?;
    pw.lines().find_map(|l| {
        let f: Vec<&str> = l.split(':').collect();
        (f.len() > 2 && f[2].parse::<u32>().ok() == Some(uid)).then(|| f[0].to_string())
    })
}

/// The first /etc/subuid (or subgid) range of the user: (start, count).
fn subid_range(file: &str, name: Option<&str>, id: u32) -> Option<(u32, u32)> {
    let text = std::fs::read_to_string(file).ok()?;
    text.lines().find_map(|l| {
        let f: Vec<&str> = l.trim().split(':').collect();
        if f.len() != 3 || !(Some(f[0]) == name || f[0] == id.to_string()) {
            return None;
        }
        Some((f[1].parse().ok()?, f[2].parse().ok()?))
    })
}

/// Writes the uid/gid maps of the stage child's new user namespace.
fn write_maps(pid: libc::pid_t, spec: &Spec, rootless: bool) -> Result<()> {
    // SAFETY: geteuid/getegid have no preconditions.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    let linux = spec.linux().clone().unwrap_or_default();
    let helpers =
        Path::new("/usr/bin/newuidmap").exists() && Path::new("/usr/bin/newgidmap").exists();
    let (umap, gmap) = match (linux.uid_mappings().clone(), linux.gid_mappings().clone()) {
        (Some(u), Some(g)) if !u.is_empty() && !g.is_empty() => (u, g),
        _ if !rootless => (vec![mapping(0, 0, u32::MAX)], vec![mapping(0, 0, u32::MAX)]),
        _ => {
            let name = user_name(uid);
            let su = subid_range("/etc/subuid", name.as_deref(), uid);
            let sg = subid_range("/etc/subgid", name.as_deref(), uid);
            match (su, sg, helpers) {
                (Some((us, uc)), Some((gs, gc)), true) => (
                    vec![mapping(0, uid, 1), mapping(1, us, uc)],
                    vec![mapping(0, gid, 1), mapping(1, gs, gc)],
                ),
                _ => (vec![mapping(0, uid, 1)], vec![mapping(0, gid, 1)]),
            }
        }
    };
    let single_own =
        |m: &[LinuxIdMapping], own: u32| m.len() == 1 && m[0].host_id() == own && m[0].size() == 1;
    let direct = !rootless || (single_own(&umap, uid) && single_own(&gmap, gid));
    if direct {
        if rootless {
            // An unprivileged writer must deny setgroups before writing gid_map (user_namespaces(7)).
            std::fs::write(format!("/proc/{pid}/setgroups"), "deny")
                .context("writing setgroups deny")?;
        }
        std::fs::write(format!("/proc/{pid}/uid_map"), map_text(&umap))
            .context("writing uid_map")?;
        std::fs::write(format!("/proc/{pid}/gid_map"), map_text(&gmap))
            .context("writing gid_map")?;
        return Ok(());
    }
    for (tool, m) in [("/usr/bin/newuidmap", &umap), ("/usr/bin/newgidmap", &gmap)] {
        let mut args = vec![pid.to_string()];
        for e in m.iter() {
            args.extend([
                e.container_id().to_string(),
                e.host_id().to_string(),
                e.size().to_string(),
            ]);
        }
        let out = std::process::Command::new(tool)
            .args(&args)
            .output()
            .with_context(|| format!("running {tool}"))?;
        if !out.status.success() {
            bail!(
                "{tool} {}: {}",
                args.join(" "),
                String::from_utf8_lossy(&out.stderr).trim()
            );
        }
    }
    Ok(())
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
    let (psock, csock) = socketpair()?;
    let child = fork()?;
    if child == 0 {
        drop(psock);
        let sock = csock.as_raw_fd();
        // SAFETY: unshare in a single-threaded child.
        if unsafe { libc::unshare(libc::CLONE_NEWUSER) } < 0 {
            fail_step(
                sock,
                "creating the user namespace",
                std::io::Error::last_os_error(),
            );
        }
        send(sock, b'R', b"");
        wait_go(sock);
        become_ns_root(sock);
        match f() {
            Ok(()) => send(sock, b'X', b""),
            Err(e) => send(sock, b'E', format!("{e:#}").as_bytes()),
        }
        // SAFETY: the child is done; _exit skips the caller's destructors.
        unsafe { libc::_exit(0) }
    }
    drop(csock);
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
    let (psock, csock) = socketpair()?;
    let child = fork()?;
    if child == 0 {
        drop(psock);
        let sock = csock.as_raw_fd();
        // SAFETY: unshare in a single-threaded child.
        if rootless && unsafe { libc::unshare(libc::CLONE_NEWUSER) } < 0 {
            fail_step(
                sock,
                "creating the user namespace",
                std::io::Error::last_os_error(),
            );
        }
        send(sock, b'R', b"");
        wait_go(sock);
        if rootless {
            become_ns_root(sock);
        }
        // SAFETY: unshare in a single-threaded child.
        if unsafe { libc::unshare(libc::CLONE_NEWNS) } < 0 {
            fail_step(
                sock,
                "creating a mount namespace",
                std::io::Error::last_os_error(),
            );
        }
        let r = super::mounts::set_root_propagation(None)
            .and_then(|()| super::mounts::mount_rootfs(rootfs, rootless, &Default::default()))
            .and_then(|root| {
                let r = f(&root);
                // A fuse-overlayfs daemon (the fallback on kernels without rootless overlay) lives until its
                // mount goes, and this mount namespace lives as long as the daemon: unmount so both end.
                if let Ok(c) = std::ffi::CString::new(root.as_os_str().as_encoded_bytes()) {
                    // SAFETY: umount2 with a valid C string.
                    unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) };
                }
                r
            });
        match r {
            Ok(()) => send(sock, b'X', b""),
            Err(e) => send(sock, b'E', format!("{e:#}").as_bytes()),
        }
        // SAFETY: the child is done; _exit skips the caller's destructors.
        unsafe { libc::_exit(0) }
    }
    drop(csock);
    drive_helper(&psock, child, "rootfs helper", rootless)
}

/// Namespace types as /proc/<pid>/ns names, user first and mount last.
const NS_ORDER: [(&str, libc::c_int); 8] = [
    ("user", libc::CLONE_NEWUSER),
    ("ipc", libc::CLONE_NEWIPC),
    ("uts", libc::CLONE_NEWUTS),
    ("net", libc::CLONE_NEWNET),
    ("pid", libc::CLONE_NEWPID),
    ("cgroup", libc::CLONE_NEWCGROUP),
    ("time", libc::CLONE_NEWTIME),
    ("mnt", libc::CLONE_NEWNS),
];

fn ns_ino(p: &str) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| m.ino())
}

pub(crate) fn exec(
    container_pid: i32,
    spec: &Spec,
    process: &Process,
    stdio: Stdio,
    cgroup_name: Option<&str>,
) -> Result<Launched> {
    if !super::seal::is_sealed() {
        bail!(
            "exec joins a running container, which needs a sealed binary (CVE-2019-5736): call runtime::seal::ensure_sealed() first"
        );
    }
    // A pidfd pins the process: while it is alive its pid cannot be recycled, so the namespaces opened below
    // are the container's, not a stranger's that got the pid (docs/security.md J6).
    // SAFETY: pidfd_open syscall with a pid and no flags; the result is checked.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, container_pid, 0) };
    if pidfd < 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("container process {container_pid} is gone"));
    }
    // SAFETY: the kernel just returned this fd to us.
    let pidfd = unsafe { OwnedFd::from_raw_fd(pidfd as RawFd) };
    // Only namespaces that differ from ours are joined (setns into our own user namespace fails).
    let mut join: Vec<(libc::c_int, OwnedFd)> = Vec::new();
    for (name, flag) in NS_ORDER {
        let theirs = format!("/proc/{container_pid}/ns/{name}");
        if ns_ino(&theirs).is_some() && ns_ino(&theirs) != ns_ino(&format!("/proc/self/ns/{name}"))
        {
            join.push((flag, open_ns(Path::new(&theirs))?));
        }
    }
    if let Some(name) = cgroup_name {
        let members = cgroup::pids(name);
        if cgroup::dirs(name)?.iter().any(|(_, d)| d.is_dir()) && !members.contains(&container_pid)
        {
            bail!(
                "process {container_pid} is not in the container's cgroup {name}: refusing to join its namespaces"
            );
        }
    }
    // SAFETY: pidfd_send_signal with signal 0 only checks that the process still exists.
    if unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd.as_raw_fd(),
            0,
            std::ptr::null::<u8>(),
            0,
        )
    } < 0
    {
        bail!("container process {container_pid} exited");
    }
    drop(pidfd);
    let plan = Plan {
        join,
        unshare: 0,
        new_user: false,
    };
    let (psock, csock) = socketpair()?;
    let stage = fork()?;
    if stage == 0 {
        reset_signals();
        scrub_args_and_env();
        drop(psock);
        let sock = csock.as_raw_fd();
        let stdin_null = install_stdio(sock, &stdio);
        send(sock, b'R', b"");
        wait_go(sock);
        // SAFETY: prctl with integer arguments: not dumpable until the payload's execve (CVE-2016-9962).
        unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
        stage_join(sock, &plan, |_| true);
        if plan.join.iter().any(|(f, _)| *f == libc::CLONE_NEWUSER) {
            become_ns_root(sock);
        }
        match clone_parent() {
            Err(e) => fail_step(sock, "cloning the exec process", e),
            Ok(0) => {
                match stdio {
                    Stdio::Pty => {
                        if let Err(e) = init::console(sock, process, false) {
                            fail_step(sock, "setting up the console", format!("{e:#}"));
                        }
                    }
                    Stdio::Fds { .. } => {
                        // SAFETY: setsid has no memory effects.
                        unsafe { libc::setsid() };
                        if stdin_null {
                            let fd = std::fs::File::open("/dev/null").map(OwnedFd::from);
                            match fd {
                                // SAFETY: dup2 of an fd we own onto 0.
                                Ok(f) => unsafe {
                                    libc::dup2(f.as_raw_fd(), 0);
                                },
                                Err(e) => fail_step(sock, "opening /dev/null for stdin", e),
                            }
                        }
                    }
                }
                let filter = match spec.linux().as_ref().and_then(|l| l.seccomp().as_ref()) {
                    Some(s) => match super::seccomp::prepare(s, None) {
                        Ok(f) => Some(f),
                        Err(e) => fail_step(sock, "building the seccomp filter", format!("{e:#}")),
                    },
                    None => None,
                };
                match init::finish(process, filter.as_ref(), sock) {
                    Ok(never) => match never {},
                    Err(f) => report(sock, f),
                }
            }
            Ok(pid) => {
                send(sock, b'P', pid.to_string().as_bytes());
                // SAFETY: the stage is done; _exit skips the caller's destructors.
                unsafe { libc::_exit(0) }
            }
        }
    }
    drop(csock);
    drop(stdio);
    let cg = cgroup_name.map(str::to_string);
    let (pid, pty_master) = drive(
        psock.as_raw_fd(),
        stage,
        |stage| match &cg {
            Some(n) => cgroup::join(n, stage).context("joining the container cgroup"),
            None => Ok(()),
        },
        None,
    )?;
    let start_time = super::process_start_time(pid).unwrap_or(0);
    Ok(Launched {
        pid,
        start_time,
        pty_master,
        warnings: Vec::new(),
    })
}

pub(crate) fn destroy(_id: &str, rootfs: &Rootfs, cgroup_name: Option<&str>) -> Result<()> {
    let mut errs: Vec<String> = Vec::new();
    if let Some(n) = cgroup_name
        && let Err(e) = cgroup::destroy(n)
    {
        errs.push(format!("{e:#}"));
    }
    // The rootfs is mounted inside the container's mount namespace and vanishes with it; a host-side mount
    // (left by an older berth or a caller) is detached here.
    let merged: PathBuf = rootfs.root().to_path_buf();
    if is_mountpoint(&merged) {
        let c = std::ffi::CString::new(merged.as_os_str().to_string_lossy().as_bytes())?;
        // SAFETY: umount2 with a valid C string.
        if unsafe { libc::umount2(c.as_ptr(), libc::MNT_DETACH) } < 0 {
            let e = std::io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::EINVAL) && e.raw_os_error() != Some(libc::ENOENT) {
                errs.push(format!("unmounting {}: {e}", merged.display()));
            }
        }
    }
    if !errs.is_empty() {
        bail!("destroying container: {}", errs.join("; "));
    }
    Ok(())
}

fn is_mountpoint(p: &Path) -> bool {
    let Ok(mi) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return false;
    };
    let want = p.to_string_lossy();
    mi.lines().any(|l| l.split(' ').nth(4) == Some(&want))
}

/// The parent's side of a forked helper ([`in_userns`], [`with_rootfs`]): wait for it to be ready ('R'),
/// write a rootless container's id maps when `maps`, let it go ('G'), then wait for it to end and read its
/// answer ('X' done, 'E' error text). The child is killed on any failure and always reaped.
fn drive_helper(psock: &OwnedFd, child: libc::pid_t, helper: &str, maps: bool) -> Result<()> {
    let sock = psock.as_raw_fd();
    let r = (|| -> Result<()> {
        set_recv_timeout(sock)?;
        match recv(sock)? {
            Some((b'R', _, _)) => {}
            Some((b'E', p, _)) => bail!("{}", String::from_utf8_lossy(&p).replace('\0', ": ")),
            _ => bail!("the {helper} exited early"),
        }
        if maps {
            write_maps(child, &Spec::default(), true)?;
        }
        send(sock, b'G', b"");
        // The work may take longer than the setup timeout: wait for the child, then read its queued answer.
        // SAFETY: waitpid of our own child.
        unsafe { libc::waitpid(child, std::ptr::null_mut(), 0) };
        match recv(sock)? {
            Some((b'X', _, _)) => Ok(()),
            Some((b'E', p, _)) => bail!("{}", String::from_utf8_lossy(&p).replace('\0', ": ")),
            _ => bail!("the {helper} exited without an answer"),
        }
    })();
    // SAFETY: kill/waitpid of our own child (harmless once it has been reaped: ECHILD).
    unsafe {
        if r.is_err() {
            libc::kill(child, libc::SIGKILL);
        }
        libc::waitpid(child, std::ptr::null_mut(), 0);
    }
    r
}
