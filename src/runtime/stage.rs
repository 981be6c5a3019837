//! The stage child, shared by [`super::launch`] and [`super::exec`]: the pieces that run in the forked child
//! before it clones the init or exec process (signals, argv/environ scrubbing, stdio, namespaces), and the
//! caller's side of the sync channel ([`drive`]), which reads the [`Msg`]s of `runtime/msg.rs`.
//!
//! Roles: the caller (the monitor, single-threaded), the "stage" child (forked: joins namespaces with a path,
//! unshares the new ones, waits for maps and cgroup placement) and the init (cloned by the stage with
//! CLONE_PARENT so it is the caller's child; runs `init.rs`, then execs).
//! Depends on libc, oci_spec, [`super::init`] (its failure type), [`super::msg`] and [`super::sys`].
//! Invariant: the caller never returns Ok before the payload was exec'd, and never leaves a half-set-up child
//! behind on error.

use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::Path;

use anyhow::{Context, Result};
use oci_spec::runtime::{LinuxNamespaceType, Spec};

use super::init::Fail;
use super::msg::{self, Msg, SETUP_TIMEOUT_SECS};
use super::{LaunchError, NamespacesHook, Stdio, sys};

/// In a child: reports why it stopped to the caller and exits.
pub(crate) fn report(sock: RawFd, f: Fail) -> ! {
    match f {
        Fail::Step { step, message } => msg::send(sock, &Msg::Failed { step, message }),
        Fail::NotFound(n) => msg::send(sock, &Msg::NotFound(n)),
        Fail::NotExecutable(n) => msg::send(sock, &Msg::NotExecutable(n)),
    }
    sys::exit_child(1)
}

pub(crate) fn fail_step(sock: RawFd, step: &str, e: impl std::fmt::Display) -> ! {
    report(
        sock,
        Fail::Step {
            step: step.to_string(),
            message: e.to_string(),
        },
    )
}

pub(crate) fn ns_flag(t: LinuxNamespaceType) -> libc::c_int {
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
pub(crate) fn install_stdio(sock: RawFd, stdio: &Stdio) -> bool {
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
pub(crate) fn reset_signals() {
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
/// caller's arguments (`exec -e SECRET=...`) or environment (docs/security.md F3, F4). Nothing here reads
/// them later.
pub(crate) fn scrub_args_and_env() {
    let Some([arg_start, arg_end, env_start, env_end]) = arg_env_ranges() else {
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

/// This process's argument and environment strings: /proc/self/stat fields 48 to 51 (arg_start, arg_end,
/// env_start, env_end).
fn arg_env_ranges() -> Option<[usize; 4]> {
    let stat = super::sys::read_proc("/proc/self/stat")?;
    let f: Vec<usize> = super::sys::stat_fields(&stat)?
        .skip(48 - 3)
        .take(4)
        .filter_map(|v| v.parse().ok())
        .collect();
    let [arg_start, arg_end, env_start, env_end] = f[..] else {
        return None;
    };
    (arg_start != 0 && arg_end > arg_start).then_some([arg_start, arg_end, env_start, env_end])
}

/// Makes `title` this process's command line as /proc/<pid>/cmdline (and so `ps`) shows it, the way
/// setproctitle(3) does: written over the argument strings and, when it is longer, on into the environment
/// strings that follow them (the kernel then reads on from the end of the arguments to the first NUL, at most
/// a page); what is left of both areas is zeroed. For a process that was forked rather than executed
/// (`run`'s monitor). The caller must have emptied its environment first (`std::env::remove_var` of every
/// variable: glibc then refers to none of the original strings) and must not read its arguments again.
pub(crate) fn set_process_title(title: &str) {
    let Some([arg_start, arg_end, env_start, env_end]) = arg_env_ranges() else {
        return;
    };
    // The environment may be written over only when it directly follows the arguments.
    let end = if env_start == arg_end && env_end > env_start {
        env_end
    } else {
        arg_end
    };
    // A NUL must end the title within the area, and the kernel reads at most a page of it.
    let room = (end - arg_start - 1).min(4095);
    let mut bytes: Vec<u8> = title.bytes().filter(|b| *b != 0).take(room).collect();
    // A title shorter than the arguments leaves their last byte NUL: the kernel then shows the whole
    // argument area, the title and NULs; a longer one covers that byte, and the kernel reads to its NUL.
    bytes.resize(end - arg_start, 0);
    // SAFETY: [arg_start, end) is this process's own argument (and environment) string memory, mapped
    // writable on its stack; nothing refers to it any more (see above), so writing it changes no value the
    // program uses.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), arg_start as *mut u8, bytes.len()) };
}

pub(crate) fn open_ns(path: &Path) -> Result<OwnedFd> {
    let f = std::fs::File::open(path)
        .with_context(|| format!("opening namespace {}", path.display()))?;
    Ok(f.into())
}

/// The namespaces a stage child joins and creates.
pub(crate) struct NamespacePlan {
    /// Namespaces to join, user first.
    pub join: Vec<(libc::c_int, OwnedFd)>,
    /// Flags to unshare (without CLONE_NEWUSER).
    pub unshare: libc::c_int,
    pub new_user: bool,
}

/// The plan of a new container: paths are joined (user first, mount last), the rest unshared.
pub(crate) fn namespace_plan(spec: &Spec, rootless: bool) -> Result<NamespacePlan> {
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
    Ok(NamespacePlan {
        join,
        unshare,
        new_user,
    })
}

/// The stage child's steps up to "ready"; returns only in the child.
pub(crate) fn stage_join(
    sock: RawFd,
    plan: &NamespacePlan,
    mut only: impl FnMut(libc::c_int) -> bool,
) {
    for (flag, fd) in &plan.join {
        if only(*flag)
            && let Err(e) = sys::setns(fd, *flag)
        {
            fail_step(sock, &format!("joining namespace {flag:#x}"), e);
        }
    }
}

pub(crate) fn become_ns_root(sock: RawFd) {
    if let Err(e) = sys::set_ids(0, 0) {
        fail_step(sock, "becoming root in the user namespace", e);
    }
}

/// The caller's side of the channel: ready → prepare(stage pid) → go → [namespaces → init pid → hook → go]
/// → init pid → console → exec or failure.
pub(crate) fn answer_stage(
    sock: RawFd,
    stage: libc::pid_t,
    prepare: impl FnOnce(libc::pid_t) -> Result<()>,
    hook: Option<NamespacesHook<'_>>,
) -> Result<(i32, Option<OwnedFd>)> {
    let mut hook = hook;
    let (mut net_ns, mut user_ns) = (None, None);
    let mut init_pid: Option<i32> = None;
    let mut pty = None;
    let mut execd = false;
    let mut failure: Option<anyhow::Error> = sys::set_recv_timeout(sock, SETUP_TIMEOUT_SECS).err();
    let mut prepare = Some(prepare);
    loop {
        let msg = match msg::recv(sock) {
            Ok(m) => m,
            Err(e) => {
                failure = Some(e);
                break;
            }
        };
        let Some(msg) = msg else { break };
        match msg {
            Msg::Ready => {
                let r = prepare.take().map(|p| p(stage)).unwrap_or(Ok(()));
                match r {
                    Ok(()) => msg::send(sock, &Msg::Go),
                    Err(e) => {
                        msg::send(sock, &Msg::Quit);
                        failure = Some(e);
                        break;
                    }
                }
            }
            Msg::NetNs(fd) => net_ns = Some(fd),
            Msg::UserNs(fd) => user_ns = Some(fd),
            Msg::InitPid(pid) => {
                init_pid = Some(pid);
                if let Some(h) = hook.take() {
                    let r = match (init_pid, net_ns.take(), user_ns.take()) {
                        (Some(pid), Some(n), Some(u)) => run_hook(pid, n, u, h),
                        _ => Err(anyhow::anyhow!(
                            "the init's pid or namespaces never arrived"
                        )),
                    };
                    match r {
                        Ok(()) => msg::send(sock, &Msg::Go),
                        Err(e) => {
                            msg::send(sock, &Msg::Quit);
                            failure = Some(e);
                            break;
                        }
                    }
                }
            }
            Msg::PtyMaster(fd) => pty = Some(fd),
            Msg::Exec => {
                crate::trace::mark("init about to exec");
                execd = true
            }
            Msg::Failed { step, message } => {
                execd = false;
                failure = Some(LaunchError::Step { step, message }.into());
            }
            Msg::NotFound(name) => {
                execd = false;
                failure = Some(LaunchError::NotFound(name).into());
            }
            Msg::NotExecutable(name) => {
                execd = false;
                failure = Some(LaunchError::NotExecutable(name).into());
            }
            Msg::Go | Msg::Quit => {}
        }
    }
    // The stage has exited or is exiting; after a failure (a timeout included) it may be stuck: kill it first.
    // A zombie may be killed harmlessly.
    sys::kill_and_reap(stage, failure.is_some());
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
            // CLONE_PARENT made the init our child.
            sys::kill_and_reap(p, true);
        }
        return Err(e);
    }
    let pid = init_pid.context("the init pid never arrived")?;
    Ok((pid, pty))
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

/// Runs the launch hook with a holder: a forked child that joins the init's user and network namespaces
/// (given as fds by the stage) and waits, so helpers can find them through `/proc/<holder>/ns` while the
/// init itself is not dumpable. The holder is killed and reaped when the hook returns.
fn run_hook(pid: i32, net: OwnedFd, user: OwnedFd, hook: NamespacesHook<'_>) -> Result<()> {
    let (rd, wr) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).context("creating a pipe")?;
    let holder = sys::fork()?;
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
    sys::kill_and_reap(holder, true);
    r
}
