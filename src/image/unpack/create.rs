//! What the kernel gives an object this process creates in the layer, so the unpacker can skip the
//! `fchown` and `fchmod` calls that would change nothing (issue 14: with the parent's re-resolution and a
//! `stat` they were five of the nine syscalls a pull made per file). The answers are exact or absent:
//! whenever the result of a creation cannot be known for sure (a setgid layer root, a default ACL, an
//! unreadable umask, set-id bits), every call is made as before, so owners and modes are exactly the
//! image's either way (docs/security.md 1A).
//!
//! Reads the process's own ids and umask only; must not depend on anything in berth.

use nix::errno::Errno;
use nix::fcntl::{OFlag, openat};
use nix::sys::stat::{Mode, fstat};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd};

/// The owner and the mode bits a newly created object gets.
pub(super) struct Defaults {
    /// (uid, gid) of a new object: the process's effective ids (its fs ids: berth never changes those),
    /// unless the layer root is setgid, which would hand its group down to new entries.
    owner: Option<(u32, u32)>,
    /// The umask, which alone trims the mode given to `open`/`mknod`; absent when it could not be read or a
    /// default ACL decides new modes instead (on the layer root, or set by an entry of the layer).
    umask: Option<u32>,
}

impl Defaults {
    /// Probe the layer root (`root`, an `O_PATH` fd of the empty layer directory) and the process.
    pub(super) fn probe(root: BorrowedFd<'_>) -> Defaults {
        let none = Defaults {
            owner: None,
            umask: None,
        };
        let Ok(dir) = openat(
            root,
            ".",
            OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
            Mode::empty(),
        ) else {
            return none;
        };
        let Ok(st) = fstat(dir.as_fd()) else {
            return none;
        };
        let owner = (st.st_mode & libc::S_ISGID == 0).then(|| {
            (
                nix::unistd::geteuid().as_raw(),
                nix::unistd::getegid().as_raw(),
            )
        });
        let umask = if has_default_acl(dir.as_fd()) {
            None
        } else {
            read_umask(&std::fs::read_to_string("/proc/self/status").unwrap_or_default())
        };
        Defaults { owner, umask }
    }

    /// True when an object this process creates already has owner `uid:gid`, so no chown is needed.
    pub(super) fn owner_is(&self, uid: u32, gid: u32) -> bool {
        self.owner == Some((uid, gid))
    }

    /// The mode to create an object with when that gives it exactly `mode` (no set-id or sticky bits, which
    /// `chown` clears and creation may not set, and nothing the umask removes); None: create it private
    /// (0600) and chmod it afterwards.
    pub(super) fn create_mode(&self, mode: u32) -> Option<Mode> {
        let umask = self.umask?;
        (mode & (0o7000 | umask) == 0).then(|| Mode::from_bits_truncate(mode))
    }

    /// An entry set a default ACL on a directory: objects created in it get modes from the ACL, not from the
    /// umask, for the rest of the layer.
    pub(super) fn acl_set(&mut self) {
        self.umask = None;
    }
}

/// Whether `dir` carries a default ACL; unknown (an error other than "none" or "not supported") counts as yes.
fn has_default_acl(dir: BorrowedFd<'_>) -> bool {
    let name = c"system.posix_acl_default";
    // SAFETY: dir is live for the call; the name is NUL-terminated; a zero-sized query writes nothing.
    let r = unsafe { libc::fgetxattr(dir.as_raw_fd(), name.as_ptr(), std::ptr::null_mut(), 0) };
    if r >= 0 {
        return true;
    }
    !matches!(Errno::last(), Errno::ENODATA | Errno::EOPNOTSUPP)
}

/// The `Umask:` line of /proc/self/status (Linux >= 4.7); reading it does not change the umask, which
/// `umask(2)` would do for a moment in every thread of the process.
pub(super) fn read_umask(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("Umask:"))
        .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
        .filter(|m| *m <= 0o777)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_umask_is_read_from_proc_status_and_decides_which_modes_are_given_at_creation() {
        assert_eq!(
            read_umask("Name:\tberth\nUmask:\t0022\nState:\tR\n"),
            Some(0o022)
        );
        assert_eq!(read_umask("Umask:\t0077\n"), Some(0o077));
        assert_eq!(read_umask("Name:\tberth\n"), None);
        assert_eq!(read_umask("Umask:\tzz\n"), None);
        let d = Defaults {
            owner: Some((0, 0)),
            umask: Some(0o022),
        };
        assert_eq!(d.create_mode(0o644), Some(Mode::from_bits_truncate(0o644)));
        assert_eq!(d.create_mode(0o755), Some(Mode::from_bits_truncate(0o755)));
        assert_eq!(d.create_mode(0o000), Some(Mode::empty()));
        // The umask would trim these, and creation may drop set-id and sticky bits: chmod afterwards.
        for m in [0o666, 0o777, 0o4755, 0o2755, 0o1755] {
            assert_eq!(d.create_mode(m), None, "{m:o}");
        }
        assert!(d.owner_is(0, 0) && !d.owner_is(0, 1) && !d.owner_is(1, 0));
        let mut d = d;
        d.acl_set();
        assert_eq!(d.create_mode(0o644), None);
        let unknown = Defaults {
            owner: None,
            umask: None,
        };
        assert!(!unknown.owner_is(0, 0));
        assert_eq!(unknown.create_mode(0o644), None);
    }
}
