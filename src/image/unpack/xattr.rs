//! Extended attributes of unpacked entries: overlay's names for whiteouts and opaque directories, and the
//! `fsetxattr`/`fgetxattr` calls, always through the fd of the object (never a path that could be a
//! symlink, docs/security.md 1A).
//!
//! Must not depend on anything in berth.

use anyhow::{Context, Result};
use nix::errno::Errno;
use std::ffi::CString;
use std::os::fd::{AsRawFd, BorrowedFd};

/// The xattr name overlayfs reads for opaque dirs and whiteouts: `trusted.` rootful, `user.` rootless
/// (overlay's `userxattr` mount option; containers/storage does the same).
pub(super) fn overlay_xattr(rootless: bool, what: &str) -> String {
    format!(
        "{}.overlay.{what}",
        if rootless { "user" } else { "trusted" }
    )
}

pub(super) fn set_xattr(fd: BorrowedFd<'_>, name: &str, value: &[u8]) -> Result<()> {
    let cname = CString::new(name).context("xattr name contains NUL")?;
    // SAFETY: fd is a live descriptor borrowed for the call; cname is NUL-terminated and value's pointer and
    // length describe a valid buffer for the duration of the call.
    let r = unsafe {
        libc::fsetxattr(
            fd.as_raw_fd(),
            cname.as_ptr(),
            value.as_ptr().cast(),
            value.len(),
            0,
        )
    };
    Errno::result(r)
        .map(drop)
        .with_context(|| format!("setting xattr {name}"))
}

pub(super) fn get_xattr_is(fd: BorrowedFd<'_>, name: &str, want: &[u8]) -> bool {
    let Ok(cname) = CString::new(name) else {
        return false;
    };
    let mut buf = [0u8; 8];
    // SAFETY: fd is live for the call; buf is a writable buffer of the length passed.
    let n = unsafe {
        libc::fgetxattr(
            fd.as_raw_fd(),
            cname.as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    n >= 0 && &buf[..n as usize] == want
}
