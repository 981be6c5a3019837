//! The sealed binary: defence against CVE-2019-5736 (a container overwriting the host runtime through
//! /proc/<pid>/exe of a runtime process that joined its namespaces).
//!
//! Owns re-executing berth from a sealed memfd copy of itself, as runc does since 0a8e4117e (now
//! `libcontainer/exeseal`) and youki with `pentacle::ensure_sealed()` (`crates/youki/src/main.rs`).
//! After [`ensure_sealed`], /proc/self/exe is a memfd with F_SEAL_WRITE|SHRINK|GROW|SEAL: a container that
//! reaches it can neither write it nor reach the on-disk binary's inode.
//! Depends on std and libc only. Invariant: `is_sealed()` is true only for a memfd carrying all four seals.

use std::ffi::{CString, OsString};
use std::fs::File;
use std::os::fd::{AsRawFd, FromRawFd};
use std::os::unix::ffi::OsStringExt;

use anyhow::{Context, Result, bail};

const SEALS: libc::c_int =
    libc::F_SEAL_SEAL | libc::F_SEAL_SHRINK | libc::F_SEAL_GROW | libc::F_SEAL_WRITE;

/// True when the running binary is a memfd carrying all the seals.
pub fn is_sealed() -> bool {
    let Ok(f) = File::open("/proc/self/exe") else {
        return false;
    };
    // SAFETY: fcntl on an fd we own; F_GET_SEALS takes no pointer.
    let seals = unsafe { libc::fcntl(f.as_raw_fd(), libc::F_GET_SEALS) };
    seals >= 0 && seals & SEALS == SEALS
}

/// Re-executes the current process from a sealed in-memory copy of its binary, with the same arguments and
/// environment, unless it already runs from one. Returns only when already sealed (or on error).
/// Call it first thing in `main`, before threads exist (execve would kill them anyway).
pub fn ensure_sealed() -> Result<()> {
    if is_sealed() {
        return Ok(());
    }
    let src = File::open("/proc/self/exe").context("opening /proc/self/exe")?;
    let len = src
        .metadata()
        .context("reading the size of /proc/self/exe")?
        .len();
    // SAFETY: memfd_create with a static name; the returned fd is checked and then owned by a File.
    let fd = unsafe {
        libc::memfd_create(
            c"berth".as_ptr(),
            libc::MFD_CLOEXEC | libc::MFD_ALLOW_SEALING,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error())
            .context("memfd_create for the sealed binary copy");
    }
    // SAFETY: fd was just returned by memfd_create and is owned by nobody else.
    let mem = unsafe { File::from_raw_fd(fd) };
    let mut copied: u64 = 0;
    while copied < len {
        // SAFETY: sendfile between two fds we own, with a null offset (uses the file positions).
        let n = unsafe {
            libc::sendfile(
                mem.as_raw_fd(),
                src.as_raw_fd(),
                std::ptr::null_mut(),
                (len - copied) as usize,
            )
        };
        if n < 0 {
            return Err(std::io::Error::last_os_error())
                .context("copying the binary into the memfd");
        }
        if n == 0 {
            bail!("the binary shrank while being copied into the memfd");
        }
        copied += n as u64;
    }
    // SAFETY: fcntl F_ADD_SEALS on our memfd with an integer argument.
    if unsafe { libc::fcntl(mem.as_raw_fd(), libc::F_ADD_SEALS, SEALS) } < 0 {
        return Err(std::io::Error::last_os_error())
            .context("sealing the memfd copy of the binary");
    }
    let args: Vec<CString> = std::env::args_os().map(cstring).collect::<Result<_>>()?;
    let env: Vec<CString> = std::env::vars_os()
        .map(|(k, v)| {
            let mut kv = k;
            kv.push("=");
            kv.push(v);
            cstring(kv)
        })
        .collect::<Result<_>>()?;
    let mut argv: Vec<*const libc::c_char> = args.iter().map(|a| a.as_ptr()).collect();
    argv.push(std::ptr::null());
    let mut envp: Vec<*const libc::c_char> = env.iter().map(|a| a.as_ptr()).collect();
    envp.push(std::ptr::null());
    // SAFETY: execveat with AT_EMPTY_PATH on our memfd; argv and envp are NULL-terminated arrays of pointers
    // into CStrings that outlive the call (it only returns on failure).
    unsafe {
        libc::syscall(
            libc::SYS_execveat,
            mem.as_raw_fd(),
            c"".as_ptr(),
            argv.as_ptr(),
            envp.as_ptr(),
            libc::AT_EMPTY_PATH,
        )
    };
    Err(std::io::Error::last_os_error())
        .context("re-executing from the sealed memfd copy of the binary")
}

fn cstring(s: OsString) -> Result<CString> {
    CString::new(s.into_vec()).context("argument or environment entry contains a NUL byte")
}
