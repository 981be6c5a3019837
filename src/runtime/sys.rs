//! The raw system calls of the runtime, in one place: the process wrappers the launch, exec and helper
//! pipelines use (fork, clone with CLONE_PARENT, setns, unshare, socketpair, pidfd), and the [`Syscall`]
//! seam the container's init goes through for every call that changes the kernel's or the process's state
//! (mount, pivot_root, mknod, credentials, capabilities, rlimits, seccomp, execve).
//!
//! [`Real`] makes the calls; tests use [`fake::Recorder`], which records them in order, so the order of the
//! init's steps and of the mounts is checked without root (youki's libcontainer does the same with its
//! `Syscall` trait). The init is generic over the seam, so the real path is statically dispatched: no cost.
//! Depends on libc, caps and the seccomp filter type only: every other runtime file may import this one.

use std::ffi::{CStr, CString};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::ffi::OsStrExt;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::seccomp;

pub(crate) fn errno() -> std::io::Error {
    std::io::Error::last_os_error()
}

fn res(rc: libc::c_int) -> std::io::Result<()> {
    if rc < 0 { Err(errno()) } else { Ok(()) }
}

pub(crate) fn cstr(p: impl AsRef<std::ffi::OsStr>) -> Result<CString> {
    CString::new(p.as_ref().as_bytes()).context("path contains a NUL byte")
}

/// A /proc file (mountinfo, cgroup, stat) in one read of a buffer that holds it all: `read_to_string`
/// starts with 32-byte reads for files that report no size, eight reads where one does (a mountinfo pass
/// costs ~40 us, and a start made several, issue 14).
pub(crate) fn read_proc(path: &str) -> Option<String> {
    use std::io::Read;
    let mut s = String::with_capacity(16 * 1024);
    std::fs::File::open(path)
        .ok()?
        .read_to_string(&mut s)
        .ok()?;
    Some(s)
}

/// The fields of a /proc/<pid>/stat text from field 3 (state) on: the command name (field 2) may hold spaces
/// and parentheses, so they start after its last ')'. Field N (1-based, proc(5)) is `.nth(N - 3)`.
pub(crate) fn stat_fields(stat: &str) -> Option<std::str::SplitWhitespace<'_>> {
    Some(stat[stat.rfind(')')? + 1..].split_whitespace())
}

// ---- process wrappers (launch, exec, helpers) ----

/// fork(2) for the stage child. The caller is single-threaded (documented contract), so the child may allocate.
pub(crate) fn fork() -> Result<libc::pid_t> {
    // SAFETY: plain fork; the caller is single-threaded, so no lock can be held by a vanished thread.
    let pid = unsafe { libc::fork() };
    if pid < 0 {
        return Err(errno()).context("fork");
    }
    Ok(pid)
}

/// clone(CLONE_PARENT|SIGCHLD) without a new stack (fork-like): the init becomes the caller's child, so the
/// caller can waitpid it, and enters the pid namespace the stage unshared or joined.
pub(crate) fn clone_parent() -> std::io::Result<libc::pid_t> {
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
        Err(errno())
    } else {
        Ok(pid as libc::pid_t)
    }
}

/// [`clone_parent`] with the child born in the cgroup v2 directory `cgroup` (clone3's CLONE_INTO_CGROUP,
/// Linux 5.7): nothing migrates, so the child's placement takes none of the global lock that a write to
/// `cgroup.procs` takes (and waits an RCU grace period for). ENOSYS, E2BIG or EINVAL: an older kernel.
pub(crate) fn clone_parent_into(cgroup: RawFd) -> std::io::Result<libc::pid_t> {
    /// `struct clone_args` up to `cgroup` (CLONE_ARGS_SIZE_VER2, 88 bytes).
    #[repr(C)]
    #[derive(Default)]
    struct CloneArgs {
        flags: u64,
        pidfd: u64,
        child_tid: u64,
        parent_tid: u64,
        exit_signal: u64,
        stack: u64,
        stack_size: u64,
        tls: u64,
        set_tid: u64,
        set_tid_size: u64,
        cgroup: u64,
    }
    const CLONE_INTO_CGROUP: u64 = 0x2_0000_0000;
    // With CLONE_PARENT clone3 takes no exit signal: the child gets its creator's (SIGCHLD, the stage
    // was forked), as the legacy clone's SIGCHLD in `clone_parent` amounts to.
    let args = CloneArgs {
        flags: libc::CLONE_PARENT as u64 | CLONE_INTO_CGROUP,
        cgroup: cgroup as u64,
        ..CloneArgs::default()
    };
    // SAFETY: clone3 without a stack behaves as fork in the child; `args` lives across the call.
    let pid = unsafe {
        libc::syscall(
            libc::SYS_clone3,
            &args as *const CloneArgs,
            std::mem::size_of::<CloneArgs>(),
        )
    };
    if pid < 0 {
        Err(errno())
    } else {
        Ok(pid as libc::pid_t)
    }
}

pub(crate) fn setns(fd: &OwnedFd, flag: libc::c_int) -> std::io::Result<()> {
    // SAFETY: setns on an fd we own.
    res(unsafe { libc::setns(fd.as_raw_fd(), flag) })
}

pub(crate) fn unshare(flags: libc::c_int) -> std::io::Result<()> {
    // SAFETY: unshare in a single-threaded child.
    res(unsafe { libc::unshare(flags) })
}

pub(crate) fn setsid() {
    // SAFETY: setsid has no memory effects; failing (already a group leader) is harmless here.
    unsafe { libc::setsid() };
}

/// setresgid(g,g,g) then setresuid(u,u,u).
pub(crate) fn set_ids(uid: u32, gid: u32) -> std::io::Result<()> {
    // SAFETY: credential syscalls in a single-threaded child.
    res(unsafe { libc::setresgid(gid, gid, gid) })?;
    // SAFETY: as above.
    res(unsafe { libc::setresuid(uid, uid, uid) })
}

/// prctl with integer arguments only.
pub(crate) fn prctl(op: libc::c_int, v: libc::c_ulong) -> Result<()> {
    // SAFETY: prctl options used here take integer arguments only.
    res(unsafe { libc::prctl(op, v, 0, 0, 0) }).with_context(|| format!("prctl({op})"))
}

/// Not dumpable: no container process may ptrace us or read our /proc entries (CVE-2016-9962).
pub(crate) fn set_not_dumpable() {
    // SAFETY: prctl with integer arguments.
    unsafe { libc::prctl(libc::PR_SET_DUMPABLE, 0, 0, 0, 0) };
}

pub(crate) fn socketpair() -> Result<(OwnedFd, OwnedFd)> {
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
        return Err(errno()).context("creating the sync socketpair");
    }
    // SAFETY: both fds were just created for us.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

pub(crate) fn set_recv_timeout(sock: RawFd, secs: libc::time_t) -> Result<()> {
    let tv = libc::timeval {
        tv_sec: secs,
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
        return Err(errno()).context("setting the sync channel timeout");
    }
    Ok(())
}

pub(crate) fn pidfd_open(pid: i32) -> std::io::Result<OwnedFd> {
    // SAFETY: pidfd_open syscall with a pid and no flags; the result is checked.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(errno());
    }
    // SAFETY: the kernel just returned this fd to us.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Whether the process behind `pidfd` still exists (signal 0).
pub(crate) fn pidfd_alive(pidfd: &OwnedFd) -> bool {
    // SAFETY: pidfd_send_signal with signal 0 only checks that the process still exists.
    let rc = unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd.as_raw_fd(),
            0,
            std::ptr::null::<u8>(),
            0,
        )
    };
    rc >= 0
}

/// SIGKILL (when `kill`) then reap our own child; harmless on one already reaped (ECHILD).
pub(crate) fn kill_and_reap(pid: libc::pid_t, kill: bool) -> libc::c_int {
    let mut status = 0;
    // SAFETY: kill/waitpid of our own child with a status int we own.
    unsafe {
        if kill {
            libc::kill(pid, libc::SIGKILL);
        }
        libc::waitpid(pid, &mut status, 0);
    }
    status
}

/// `_exit`: a forked child ends without running the caller's destructors or atexit handlers.
pub(crate) fn exit_child(code: libc::c_int) -> ! {
    // SAFETY: _exit skips destructors and atexit handlers of the forked copy of the caller.
    unsafe { libc::_exit(code) }
}

pub(crate) fn umount_detach(target: &CStr) -> std::io::Result<()> {
    // SAFETY: umount2 with a valid C string.
    res(unsafe { libc::umount2(target.as_ptr(), libc::MNT_DETACH) })
}

/// openat2(2); `resolve` is a RESOLVE_* mask.
pub(crate) fn openat2(
    dirfd: RawFd,
    path: &Path,
    flags: i32,
    resolve: u64,
) -> std::io::Result<OwnedFd> {
    let p = CString::new(path.as_os_str().as_bytes())
        .map_err(|_| std::io::Error::from_raw_os_error(libc::EINVAL))?;
    // SAFETY: open_how is plain old data; all-zero is its documented "no options" value.
    let mut how: libc::open_how = unsafe { std::mem::zeroed() };
    how.flags = (flags | libc::O_CLOEXEC) as u64;
    how.resolve = resolve;
    // openat2(2): with RESOLVE_IN_ROOT or RESOLVE_BENEATH the kernel answers EAGAIN when a rename or mount
    // elsewhere on the host raced the lookup, and the caller should retry (seen with parallel containers).
    let mut tries = 0;
    let fd = loop {
        // SAFETY: openat2 with a valid C string and a properly sized open_how we own.
        let fd = unsafe {
            libc::syscall(
                libc::SYS_openat2,
                dirfd,
                p.as_ptr(),
                &how as *const libc::open_how,
                size_of::<libc::open_how>(),
            )
        };
        if fd >= 0 {
            break fd;
        }
        let e = errno();
        tries += 1;
        if e.raw_os_error() != Some(libc::EAGAIN) || tries >= 16 {
            return Err(e);
        }
    };
    // SAFETY: the kernel just returned this fd to us.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

pub(crate) fn sys_mount(
    src: Option<&str>,
    target: &str,
    fstype: Option<&str>,
    flags: u64,
    data: Option<&str>,
) -> Result<()> {
    let src_c = src.map(cstr).transpose()?;
    let t = cstr(target)?;
    let ty = fstype.map(cstr).transpose()?;
    let d = data.filter(|d| !d.is_empty()).map(cstr).transpose()?;
    // SAFETY: mount(2) with valid C strings or nulls, all owned for the duration of the call.
    let rc = unsafe {
        libc::mount(
            src_c.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            t.as_ptr(),
            ty.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            flags as libc::c_ulong,
            d.as_ref()
                .map_or(std::ptr::null(), |s| s.as_ptr() as *const libc::c_void),
        )
    };
    if rc < 0 {
        return Err(errno()).with_context(|| {
            format!(
                "mount {} on {target} (type {}, data {:?})",
                src.unwrap_or("none"),
                fstype.unwrap_or("none"),
                data
            )
        });
    }
    Ok(())
}

/// Writes a procfs file beneath `base`, through an fd opened without symlinks, beneath `base`, on the same
/// mount, after checking that `base` really is procfs (CVE-2025-52881: writes must not be redirected).
pub(crate) fn write_proc(base: &str, rel: &str, value: &str) -> Result<()> {
    let dir = openat2(
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
    let fd = openat2(
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

/// The capabilities of the caller's bounding set (what any process it starts can ever hold).
pub(crate) fn bounding_set() -> caps::CapsHashSet {
    caps::read(None, caps::CapSet::Bounding).unwrap_or_else(|_| caps::all())
}

/// execve of the resolved payload with the spec's argv and env, through an fd checked not to be berth's own
/// binary (docs/security.md F1); returns only on failure.
pub(crate) fn execve(path: &Path, args: &[String], env: &[String]) -> std::io::Error {
    let cs = |v: &[String]| -> Option<Vec<CString>> {
        v.iter().map(|s| CString::new(s.as_bytes()).ok()).collect()
    };
    // The `--init` reaper maps berth from the monitor's sealed copy, not from the bound on-disk file.
    let sealed = super::seal::seal_reaper_args(args);
    let args = sealed.as_deref().unwrap_or(args);
    let (Some(a), Some(e), Ok(p)) = (cs(args), cs(env), CString::new(path.as_os_str().as_bytes()))
    else {
        return std::io::Error::from_raw_os_error(libc::EINVAL);
    };
    let mut av: Vec<*const libc::c_char> = a.iter().map(|s| s.as_ptr()).collect();
    av.push(std::ptr::null());
    let mut ev: Vec<*const libc::c_char> = e.iter().map(|s| s.as_ptr()).collect();
    ev.push(std::ptr::null());
    // The file checked is the file executed: opened once, checked again, run through its fd
    // (docs/security.md F1), so no rename between resolve_payload and here swaps in berth's binary.
    // SAFETY: open with a valid C string; the fd is checked, then owned by a File.
    let fd = unsafe { libc::open(p.as_ptr(), libc::O_PATH | libc::O_CLOEXEC) };
    if fd < 0 {
        return errno();
    }
    // SAFETY: fd was just returned by open and is owned by nobody else.
    let fd = unsafe { std::fs::File::from_raw_fd(fd) };
    if super::seal::is_own_binary(&fd) {
        if super::seal::runs_from_sealed_copy(args) {
            return super::seal::exec_sealed_copy(&fd, &av, &ev);
        }
        return std::io::Error::from_raw_os_error(libc::EACCES);
    }
    // Through the fd, so the file opened is the file whose interpreters are checked.
    if super::seal::runs_own_binary(Path::new(&format!("/proc/self/fd/{}", fd.as_raw_fd()))) {
        return std::io::Error::from_raw_os_error(libc::EACCES);
    }
    // SAFETY: execveat with AT_EMPTY_PATH on an fd we own; NULL-terminated arrays of pointers into
    // CStrings alive for the call; returns only on failure.
    unsafe {
        libc::syscall(
            libc::SYS_execveat,
            fd.as_raw_fd(),
            c"".as_ptr(),
            av.as_ptr(),
            ev.as_ptr(),
            libc::AT_EMPTY_PATH,
        )
    };
    let e = errno();
    if e.raw_os_error() != Some(libc::ENOENT) {
        return e;
    }
    // A script cannot be run through a close-on-exec fd (its interpreter could not open /dev/fd/N; the
    // kernel says ENOENT): run it by path. resolve_payload has checked its interpreters.
    // SAFETY: as above, with a path.
    unsafe { libc::execve(p.as_ptr(), av.as_ptr(), ev.as_ptr()) };
    errno()
}

// ---- the seam of the container's init ----

/// Every call of the container's init (and of `exec`'s process) that changes kernel or process state.
/// Lookups (openat2 resolution inside the rootfs, fstat, reading /proc) and the creation of mount points and
/// /dev links inside the rootfs stay direct: they touch only the container's own files.
/// `MOUNT_ATTR_*` of mount_setattr(2).
pub(crate) const MOUNT_ATTR_RDONLY: u64 = 0x1;
pub(crate) const MOUNT_ATTR_NOSUID: u64 = 0x2;
pub(crate) const MOUNT_ATTR_NODEV: u64 = 0x4;
pub(crate) const MOUNT_ATTR_NOEXEC: u64 = 0x8;

pub(crate) trait Syscall {
    fn mount(
        &self,
        src: Option<&str>,
        target: &str,
        fstype: Option<&str>,
        flags: u64,
        data: Option<&str>,
    ) -> Result<()>;
    /// mount_setattr(`attrs`, AT_RECURSIVE) on an O_PATH fd: `MOUNT_ATTR_*` bits to set on the mount and
    /// every mount below it.
    fn mount_setattr(&self, fd: RawFd, attrs: u64) -> std::io::Result<()>;
    fn umount_detach(&self, target: &CStr) -> std::io::Result<()>;
    fn chdir(&self, path: &CStr) -> std::io::Result<()>;
    fn fchdir(&self, fd: RawFd) -> std::io::Result<()>;
    /// pivot_root(".", ".").
    fn pivot_root_dot(&self) -> std::io::Result<()>;
    fn mknodat(&self, dir: RawFd, name: &CStr, mode: u32, dev: libc::dev_t) -> std::io::Result<()>;
    fn fchownat(&self, dir: RawFd, name: &CStr, uid: u32, gid: u32) -> std::io::Result<()>;
    fn unshare(&self, flags: libc::c_int) -> std::io::Result<()>;
    fn umask(&self, mode: libc::mode_t);
    fn setsid(&self);
    fn dup2(&self, from: RawFd, to: RawFd) -> std::io::Result<()>;
    fn sethostname(&self, name: &str) -> std::io::Result<()>;
    /// A verified procfs write ([`write_proc`]): sysctls, oom_score_adj.
    fn write_proc(&self, base: &str, rel: &str, value: &str) -> Result<()>;
    fn setrlimit(
        &self,
        resource: libc::__rlimit_resource_t,
        soft: u64,
        hard: u64,
    ) -> std::io::Result<()>;
    fn getrlimit(&self, resource: libc::__rlimit_resource_t) -> std::io::Result<(u64, u64)>;
    fn prctl(&self, op: libc::c_int, v: libc::c_ulong) -> Result<()>;
    fn setgroups(&self, gids: &[u32]) -> std::io::Result<()>;
    fn setresgid(&self, gid: u32) -> std::io::Result<()>;
    fn setresuid(&self, uid: u32) -> std::io::Result<()>;
    fn cap_read(&self, set: caps::CapSet) -> Result<caps::CapsHashSet>;
    fn cap_drop_bounding(&self, cap: caps::Capability) -> Result<()>;
    fn cap_set(&self, set: caps::CapSet, value: &caps::CapsHashSet) -> Result<()>;
    fn load_seccomp(&self, filter: &seccomp::Filter) -> Result<()>;
    /// close_range(3, ~0, CLOSE_RANGE_CLOEXEC): every fd but 0, 1, 2 closes on execve.
    fn close_range_cloexec(&self) -> std::io::Result<()>;
    /// Returns only on failure.
    fn execve(&self, path: &Path, args: &[String], env: &[String]) -> std::io::Error;
}

/// The seam's real implementation: the system calls themselves.
pub(crate) struct Real;

impl Syscall for Real {
    fn mount(
        &self,
        src: Option<&str>,
        target: &str,
        fstype: Option<&str>,
        flags: u64,
        data: Option<&str>,
    ) -> Result<()> {
        sys_mount(src, target, fstype, flags, data)
    }

    fn mount_setattr(&self, fd: RawFd, attrs: u64) -> std::io::Result<()> {
        /// struct mount_attr of mount_setattr(2).
        #[repr(C)]
        struct MountAttr {
            attr_set: u64,
            attr_clr: u64,
            propagation: u64,
            userns_fd: u64,
        }
        let attr = MountAttr {
            attr_set: attrs,
            attr_clr: 0,
            propagation: 0,
            userns_fd: 0,
        };
        // SAFETY: mount_setattr on our O_PATH fd with an empty path, and a mount_attr we own with its size.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_mount_setattr,
                fd,
                c"".as_ptr(),
                (libc::AT_EMPTY_PATH | libc::AT_RECURSIVE) as libc::c_uint,
                &attr as *const MountAttr,
                size_of::<MountAttr>(),
            )
        };
        if rc < 0 { Err(errno()) } else { Ok(()) }
    }

    fn umount_detach(&self, target: &CStr) -> std::io::Result<()> {
        umount_detach(target)
    }

    fn chdir(&self, path: &CStr) -> std::io::Result<()> {
        // SAFETY: chdir with a valid C string.
        res(unsafe { libc::chdir(path.as_ptr()) })
    }

    fn fchdir(&self, fd: RawFd) -> std::io::Result<()> {
        // SAFETY: fchdir on a directory fd the caller owns.
        res(unsafe { libc::fchdir(fd) })
    }

    fn pivot_root_dot(&self) -> std::io::Result<()> {
        // SAFETY: pivot_root syscall with two valid C strings.
        if unsafe { libc::syscall(libc::SYS_pivot_root, c".".as_ptr(), c".".as_ptr()) } < 0 {
            return Err(errno());
        }
        Ok(())
    }

    fn mknodat(&self, dir: RawFd, name: &CStr, mode: u32, dev: libc::dev_t) -> std::io::Result<()> {
        // SAFETY: mknodat relative to the caller's verified parent fd with a single-component name.
        res(unsafe { libc::mknodat(dir, name.as_ptr(), mode, dev) })
    }

    fn fchownat(&self, dir: RawFd, name: &CStr, uid: u32, gid: u32) -> std::io::Result<()> {
        // SAFETY: fchownat relative to the caller's parent fd, not following a symlink.
        res(unsafe { libc::fchownat(dir, name.as_ptr(), uid, gid, libc::AT_SYMLINK_NOFOLLOW) })
    }

    fn unshare(&self, flags: libc::c_int) -> std::io::Result<()> {
        unshare(flags)
    }

    fn umask(&self, mode: libc::mode_t) {
        // SAFETY: umask only changes this process's file creation mask.
        unsafe { libc::umask(mode) };
    }

    fn setsid(&self) {
        setsid()
    }

    fn dup2(&self, from: RawFd, to: RawFd) -> std::io::Result<()> {
        // SAFETY: dup2 of an fd the caller owns onto a stdio number.
        res(unsafe { libc::dup2(from, to) })
    }

    fn sethostname(&self, name: &str) -> std::io::Result<()> {
        // SAFETY: sethostname with a pointer/length pair into a string we own.
        res(unsafe { libc::sethostname(name.as_ptr() as *const libc::c_char, name.len()) })
    }

    fn write_proc(&self, base: &str, rel: &str, value: &str) -> Result<()> {
        write_proc(base, rel, value)
    }

    fn setrlimit(
        &self,
        resource: libc::__rlimit_resource_t,
        soft: u64,
        hard: u64,
    ) -> std::io::Result<()> {
        let want = libc::rlimit {
            rlim_cur: soft,
            rlim_max: hard,
        };
        // SAFETY: setrlimit with a struct we own.
        res(unsafe { libc::setrlimit(resource, &want) })
    }

    fn getrlimit(&self, resource: libc::__rlimit_resource_t) -> std::io::Result<(u64, u64)> {
        let mut cur = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit into a struct we own.
        res(unsafe { libc::getrlimit(resource, &mut cur) })?;
        Ok((cur.rlim_cur, cur.rlim_max))
    }

    fn prctl(&self, op: libc::c_int, v: libc::c_ulong) -> Result<()> {
        prctl(op, v)
    }

    fn setgroups(&self, gids: &[u32]) -> std::io::Result<()> {
        // SAFETY: setgroups with a pointer/length into the caller's slice.
        res(unsafe { libc::setgroups(gids.len(), gids.as_ptr()) })
    }

    fn setresgid(&self, gid: u32) -> std::io::Result<()> {
        // SAFETY: setresgid changes credentials only; this process is single-threaded.
        res(unsafe { libc::setresgid(gid, gid, gid) })
    }

    fn setresuid(&self, uid: u32) -> std::io::Result<()> {
        // SAFETY: setresuid changes credentials only; this process is single-threaded.
        res(unsafe { libc::setresuid(uid, uid, uid) })
    }

    fn cap_read(&self, set: caps::CapSet) -> Result<caps::CapsHashSet> {
        Ok(caps::read(None, set)?)
    }

    fn cap_drop_bounding(&self, cap: caps::Capability) -> Result<()> {
        Ok(caps::drop(None, caps::CapSet::Bounding, cap)?)
    }

    fn cap_set(&self, set: caps::CapSet, value: &caps::CapsHashSet) -> Result<()> {
        if matches!(set, caps::CapSet::Ambient) && value.is_empty() {
            // One PR_CAP_AMBIENT_CLEAR_ALL instead of a drop per capability.
            return Ok(caps::clear(None, set)?);
        }
        Ok(caps::set(None, set, value)?)
    }

    fn load_seccomp(&self, filter: &seccomp::Filter) -> Result<()> {
        filter.load()
    }

    fn close_range_cloexec(&self) -> std::io::Result<()> {
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
            return Err(errno());
        }
        Ok(())
    }

    fn execve(&self, path: &Path, args: &[String], env: &[String]) -> std::io::Error {
        execve(path, args, env)
    }
}

#[cfg(test)]
pub(crate) mod fake {
    //! A recording [`Syscall`]: every call becomes one line in [`Recorder::calls`] and succeeds (execve
    //! fails with ENOSYS, so the init returns). Paths of `/proc/self/fd/N` are shown as the file they name.

    use super::*;
    use std::cell::RefCell;

    #[derive(Default)]
    pub(crate) struct Recorder {
        pub calls: RefCell<Vec<String>>,
        /// Shown as "<root>" in recorded paths (the test's rootfs directory).
        pub root: Option<std::path::PathBuf>,
        /// What `cap_read` answers for every set.
        pub caps: caps::CapsHashSet,
        /// Filesystem types whose mount fails with EPERM (after being recorded).
        pub refuse: Vec<&'static str>,
    }

    impl Recorder {
        fn show(&self, p: &str) -> String {
            let real = match p.strip_prefix("/proc/self/fd/") {
                Some(_) => std::fs::read_link(p)
                    .map(|t| t.to_string_lossy().into_owned())
                    .unwrap_or_else(|_| p.to_string()),
                None => p.to_string(),
            };
            match &self.root {
                Some(r) => {
                    let r = r.to_string_lossy();
                    match real.strip_prefix(r.as_ref()) {
                        Some("") => "<root>".to_string(),
                        Some(rest) => format!("<root>{rest}"),
                        None => real,
                    }
                }
                None => real,
            }
        }

        fn fd(&self, fd: RawFd) -> String {
            self.show(&format!("/proc/self/fd/{fd}"))
        }

        fn rec(&self, s: String) {
            self.calls.borrow_mut().push(s);
        }

        pub(crate) fn calls(&self) -> Vec<String> {
            self.calls.borrow().clone()
        }
    }

    fn sorted(c: &caps::CapsHashSet) -> String {
        let mut v: Vec<String> = c.iter().map(|c| c.to_string()).collect();
        v.sort();
        v.join(",")
    }

    impl Syscall for Recorder {
        fn mount(
            &self,
            src: Option<&str>,
            target: &str,
            fstype: Option<&str>,
            flags: u64,
            data: Option<&str>,
        ) -> Result<()> {
            self.rec(format!(
                "mount {} {} {} {flags:#x} {}",
                src.map(|s| self.show(s)).unwrap_or("-".into()),
                self.show(target),
                fstype.unwrap_or("-"),
                data.filter(|d| !d.is_empty()).unwrap_or("-")
            ));
            if fstype.is_some_and(|t| self.refuse.contains(&t)) {
                bail!(
                    "mount {}: EPERM (refused by the test)",
                    fstype.unwrap_or("-")
                );
            }
            Ok(())
        }
        fn mount_setattr(&self, fd: RawFd, attrs: u64) -> std::io::Result<()> {
            let what = if attrs == MOUNT_ATTR_RDONLY {
                "rdonly".to_string()
            } else {
                format!("{attrs:#x}")
            };
            self.rec(format!("mount_setattr {what} {}", self.fd(fd)));
            Ok(())
        }
        fn umount_detach(&self, target: &CStr) -> std::io::Result<()> {
            self.rec(format!("umount {}", target.to_string_lossy()));
            Ok(())
        }
        fn chdir(&self, path: &CStr) -> std::io::Result<()> {
            self.rec(format!("chdir {}", self.show(&path.to_string_lossy())));
            Ok(())
        }
        fn fchdir(&self, fd: RawFd) -> std::io::Result<()> {
            self.rec(format!("fchdir {}", self.fd(fd)));
            Ok(())
        }
        fn pivot_root_dot(&self) -> std::io::Result<()> {
            self.rec("pivot_root".into());
            Ok(())
        }
        fn mknodat(
            &self,
            dir: RawFd,
            name: &CStr,
            mode: u32,
            dev: libc::dev_t,
        ) -> std::io::Result<()> {
            self.rec(format!(
                "mknod {}/{} {mode:o} {}:{}",
                self.fd(dir),
                name.to_string_lossy(),
                libc::major(dev),
                libc::minor(dev)
            ));
            Ok(())
        }
        fn fchownat(&self, dir: RawFd, name: &CStr, uid: u32, gid: u32) -> std::io::Result<()> {
            self.rec(format!(
                "chown {}/{} {uid}:{gid}",
                self.fd(dir),
                name.to_string_lossy()
            ));
            Ok(())
        }
        fn unshare(&self, flags: libc::c_int) -> std::io::Result<()> {
            self.rec(format!("unshare {flags:#x}"));
            Ok(())
        }
        fn umask(&self, mode: libc::mode_t) {
            self.rec(format!("umask {mode:o}"));
        }
        fn setsid(&self) {
            self.rec("setsid".into());
        }
        fn dup2(&self, from: RawFd, to: RawFd) -> std::io::Result<()> {
            self.rec(format!("dup2 {} {to}", self.fd(from)));
            Ok(())
        }
        fn sethostname(&self, name: &str) -> std::io::Result<()> {
            self.rec(format!("sethostname {name}"));
            Ok(())
        }
        fn write_proc(&self, base: &str, rel: &str, value: &str) -> Result<()> {
            let base = if base.starts_with("/proc/") && base != "/proc/sys" {
                "/proc/<pid>"
            } else {
                base
            };
            self.rec(format!("write {base}/{rel} {value}"));
            Ok(())
        }
        fn setrlimit(
            &self,
            resource: libc::__rlimit_resource_t,
            soft: u64,
            hard: u64,
        ) -> std::io::Result<()> {
            self.rec(format!("setrlimit {resource} {soft} {hard}"));
            Ok(())
        }
        fn getrlimit(&self, _resource: libc::__rlimit_resource_t) -> std::io::Result<(u64, u64)> {
            Ok((u64::MAX, u64::MAX))
        }
        fn prctl(&self, op: libc::c_int, v: libc::c_ulong) -> Result<()> {
            let name = match op {
                libc::PR_SET_KEEPCAPS => "keepcaps",
                libc::PR_SET_NO_NEW_PRIVS => "no_new_privs",
                _ => "other",
            };
            self.rec(format!("prctl {name} {v}"));
            Ok(())
        }
        fn setgroups(&self, gids: &[u32]) -> std::io::Result<()> {
            self.rec(format!("setgroups {gids:?}"));
            Ok(())
        }
        fn setresgid(&self, gid: u32) -> std::io::Result<()> {
            self.rec(format!("setresgid {gid}"));
            Ok(())
        }
        fn setresuid(&self, uid: u32) -> std::io::Result<()> {
            self.rec(format!("setresuid {uid}"));
            Ok(())
        }
        fn cap_read(&self, _set: caps::CapSet) -> Result<caps::CapsHashSet> {
            Ok(self.caps.clone())
        }
        fn cap_drop_bounding(&self, cap: caps::Capability) -> Result<()> {
            self.rec(format!("drop bounding {cap}"));
            Ok(())
        }
        fn cap_set(&self, set: caps::CapSet, value: &caps::CapsHashSet) -> Result<()> {
            self.rec(format!("capset {set:?} [{}]", sorted(value)));
            Ok(())
        }
        fn load_seccomp(&self, _filter: &seccomp::Filter) -> Result<()> {
            self.rec("seccomp".into());
            Ok(())
        }
        fn close_range_cloexec(&self) -> std::io::Result<()> {
            self.rec("close_range cloexec".into());
            Ok(())
        }
        fn execve(&self, path: &Path, args: &[String], _env: &[String]) -> std::io::Error {
            self.rec(format!("execve {} {args:?}", path.display()));
            std::io::Error::from_raw_os_error(libc::ENOSYS)
        }
    }
}
