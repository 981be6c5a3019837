//! The rootless rootfs: native overlayfs inside the user namespace (`userxattr`, kernel >= 5.11) or
//! fuse-overlayfs, as `[storage] rootless_overlay` in berth's config asks (recorded at create in the spec's
//! annotations [`ANNOTATION_MODE`] and [`ANNOTATION_FUSE`], so a container keeps the driver its upper dir was
//! written with).
//!
//! fuse-overlayfs runs in the container's init before pivot_root, so the daemon lives in the container's user
//! and pid namespaces: it mounts with mount(2) as root of the user namespace (no fusermount3 needed; /dev/fuse
//! must be usable by the user, mode 0666 as Debian's udev rules make it), and the kernel kills it with the rest
//! of the pid namespace when the container's PID 1 exits, which also frees the mount. Nothing of it outlives
//! the container, whether the monitor is alive or was killed. The init then continues in a mount namespace of
//! its own ([`leave_fuse_daemon_behind`]), so pivot_root does not move the daemon into the rootfs it serves.
//! The daemon shows in the container's `ps`, and the container's root can kill it (which only breaks that
//! container's own rootfs); the default capability set cannot ptrace it or open its /proc/PID/root (it holds
//! more capabilities than the payload).
//! Depends on std, libc, oci_spec, [`super::sys`] and the annotation names in `types::storage` only (mounts calls this file, never the reverse).
//! Invariant: a rootless mount either succeeds with the driver asked for (auto: native, then fuse-overlayfs)
//! or fails with an error naming what to install.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

/// The annotations' names are shared with `spec`, which writes them: both take them from `types`.
pub use crate::types::storage::{ANNOTATION_FUSE, ANNOTATION_MODE};

/// Where fuse-overlayfs is looked for when no path is configured.
pub const FUSE_SEARCH: [&str; 3] = [
    "/usr/bin/fuse-overlayfs",
    "/usr/local/bin/fuse-overlayfs",
    "/bin/fuse-overlayfs",
];

const INSTALL: &str = "install fuse-overlayfs (apt-get install fuse-overlayfs, dnf install fuse-overlayfs) \
                       or use a kernel >= 5.11, whose overlayfs works in a user namespace";

/// Which driver mounts a rootless container's rootfs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Mode {
    /// Native overlay, then fuse-overlayfs when native is refused (kernels before 5.11).
    #[default]
    Auto,
    Native,
    Fuse,
}

/// The driver and, optionally, the fuse-overlayfs binary.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Choice {
    pub mode: Mode,
    pub fuse_binary: Option<PathBuf>,
}

impl Choice {
    /// Reads the annotations berth's spec builder wrote; unknown modes are refused, not guessed.
    pub fn from_spec(spec: &oci_spec::runtime::Spec) -> Result<Choice> {
        let a = spec.annotations().as_ref();
        let mode = match a.and_then(|a| a.get(ANNOTATION_MODE)).map(String::as_str) {
            None | Some("auto") => Mode::Auto,
            Some("native") => Mode::Native,
            Some("fuse") => Mode::Fuse,
            Some(other) => bail!(
                "annotation {ANNOTATION_MODE}={other:?}: the rootless overlay is \"auto\", \"native\" or \"fuse\""
            ),
        };
        let fuse_binary = a
            .and_then(|a| a.get(ANNOTATION_FUSE))
            .filter(|p| !p.is_empty())
            .map(PathBuf::from);
        Ok(Choice { mode, fuse_binary })
    }

    /// The fuse-overlayfs binary: the configured one when it exists, else the first of [`FUSE_SEARCH`].
    fn fuse(&self) -> std::result::Result<PathBuf, String> {
        match &self.fuse_binary {
            Some(p) if p.exists() => Ok(p.clone()),
            Some(p) => Err(format!("fuse-overlayfs was not found at {}", p.display())),
            None => FUSE_SEARCH
                .iter()
                .map(PathBuf::from)
                .find(|p| p.exists())
                .ok_or_else(|| {
                    format!("fuse-overlayfs was not found ({})", FUSE_SEARCH.join(", "))
                }),
        }
    }
}

/// What to do after the native attempt (or instead of it).
#[derive(Debug, PartialEq, Eq)]
enum Plan {
    Done,
    Fuse(PathBuf),
}

/// The decision, apart from the mounting so it can be checked without a kernel that refuses overlay.
fn decide(choice: &Choice, native: Option<&anyhow::Error>) -> Result<Plan> {
    match (choice.mode, native) {
        (Mode::Native | Mode::Auto, None) => Ok(Plan::Done),
        (Mode::Native, Some(e)) => bail!(
            "native overlay in the user namespace failed (storage.rootless_overlay = \"native\"): {e:#}; \
             set storage.rootless_overlay = \"auto\" or \"fuse\" to use fuse-overlayfs"
        ),
        (Mode::Auto, Some(e)) => match choice.fuse() {
            Ok(bin) => Ok(Plan::Fuse(bin)),
            Err(why) => bail!(
                "native overlay is not available to unprivileged users here ({e:#}) and {why}: {INSTALL}"
            ),
        },
        (Mode::Fuse, _) => match choice.fuse() {
            Ok(bin) => Ok(Plan::Fuse(bin)),
            Err(why) => bail!(
                "storage.rootless_overlay = \"fuse\" but {why}: install fuse-overlayfs \
                 (apt-get install fuse-overlayfs, dnf install fuse-overlayfs) or set storage.fuse_overlayfs"
            ),
        },
    }
}

/// Mounts the overlay `data` (lowerdir=..,upperdir=..,workdir=.., without `userxattr`) on `merged` as root of
/// a user namespace: the kernel's with `native` (`data` and the kernel-only options such as `volatile`),
/// fuse-overlayfs with `data`. Runs in the container's init (single-threaded).
pub(crate) fn mount_rootless<S: super::sys::Syscall>(
    sys: &S,
    data: &str,
    native: &str,
    merged: &str,
    choice: &Choice,
) -> Result<()> {
    let native = match choice.mode {
        Mode::Fuse => None,
        Mode::Auto | Mode::Native => Some(sys.mount(
            Some("overlay"),
            merged,
            Some("overlay"),
            0,
            Some(&format!("{native},userxattr")),
        )),
    };
    let err = match native {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    if choice.mode != Mode::Fuse && err.is_none() {
        return Ok(());
    }
    match decide(choice, err.as_ref())? {
        Plan::Done => Ok(()),
        Plan::Fuse(bin) => mount_fuse(&bin, data, merged)
            .with_context(|| format!("mounting the rootfs with {}", bin.display())),
    }
}

/// `FUSE_SUPER_MAGIC` (include/uapi/linux/magic.h).
const FUSE_SUPER_MAGIC: libc::c_long = 0x6573_5546;

/// Init step 3b: when fuse-overlayfs serves the rootfs, the init moves on into a new mount namespace (a copy
/// of this one, so the rootfs mount and its fuse connection come along) and leaves the daemon behind.
/// pivot_root(2) moves the root and working directory of every process of the mount namespace whose root is
/// the old root, the daemon's included: it would then resolve its own paths through the mount it serves and
/// hang waiting for itself (seen as `request_wait_answer` on the first write). The daemon's namespace lives as
/// long as the daemon, which dies with the container's pid namespace.
pub(crate) fn leave_fuse_daemon_behind<S: super::sys::Syscall>(sys: &S, root: &Path) -> Result<()> {
    let c = std::ffi::CString::new(root.as_os_str().as_encoded_bytes())
        .context("rootfs path contains a NUL byte")?;
    // SAFETY: statfs writes into the zeroed struct we own; the path is a valid C string.
    let mut st: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::statfs(c.as_ptr(), &mut st) } < 0 {
        return Err(std::io::Error::last_os_error())
            .with_context(|| format!("statfs {}", root.display()));
    }
    if st.f_type as libc::c_long != FUSE_SUPER_MAGIC {
        return Ok(());
    }
    sys.unshare(libc::CLONE_NEWNS)
        .context("creating the container's mount namespace apart from fuse-overlayfs")?;
    Ok(())
}

fn mount_fuse(bin: &Path, data: &str, merged: &str) -> Result<()> {
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(bin);
    cmd.args(["-o", data, merged])
        .env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .stdin(std::process::Stdio::null());
    // SAFETY: between fork and exec only close_range(2) runs (async-signal-safe). The daemon stays in the
    // container's pid namespace for the container's life and must hold none of the init's descriptors (the
    // sync socket, the caller's stdio) beyond the 0, 1, 2 Command gives it: CLOSE_RANGE_CLOEXEC (4, Linux
    // 5.11) closes them at exec while std's own exec-error pipe keeps working. Older kernels refuse the flag,
    // and then the descriptors stay open in the daemon, as they did before.
    unsafe {
        cmd.pre_exec(|| {
            libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 4u32);
            Ok(())
        });
    }
    // fuse-overlayfs daemonizes once the mount is up (its parent exits, the daemon points 0, 1, 2 at
    // /dev/null), so this returns when the rootfs is usable.
    let out = cmd
        .output()
        .with_context(|| format!("running {}", bin.display()))?;
    if !out.status.success() {
        bail!(
            "fuse-overlayfs failed ({}): {}",
            out.status,
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(())
}

/// The most bytes of options mount(2) copies: one page, its NUL included.
pub(crate) const MOUNT_DATA_MAX: usize = 4095;
/// What [`mount_rootless`] appends to the kernel's options.
pub(crate) const ROOTLESS_APPENDED: &str = ",userxattr";

/// Short names for the lower layers of an overlay whose options would not fit in [`MOUNT_DATA_MAX`] with
/// the layers' absolute paths: about 40 layers of `<root>/layers/sha256/<chain-id>/diff` fill a page, and
/// images of 50 to 125 layers are common enough (docker takes up to 125). Each layer is opened (`O_PATH`),
/// the mounting process's working directory is `/proc/self/fd` while it mounts, and the options name the
/// layers by descriptor number (`lowerdir=12:13:14...`), which the kernel resolves at the mount. Nothing is
/// written anywhere (docker's overlay2 keeps short `l/` links on disk for the same purpose; creating and
/// deleting a hundred links cost this init more than the mount itself).
pub(crate) struct ShortLowers {
    /// The layers, top first, open for as long as the mount call needs them.
    _fds: Vec<std::os::fd::OwnedFd>,
    /// The working directory to go back to.
    cwd: std::os::fd::OwnedFd,
    names: String,
}

impl ShortLowers {
    /// Opens the layers (top first) and moves into `/proc/self/fd`.
    pub(crate) fn open<S: super::sys::Syscall>(sys: &S, lowers: &[String]) -> Result<ShortLowers> {
        use std::os::fd::AsRawFd;
        let mut fds = Vec::with_capacity(lowers.len());
        let mut names = Vec::with_capacity(lowers.len());
        let open =
            |p: &Path| super::sys::openat2(libc::AT_FDCWD, p, libc::O_PATH | libc::O_DIRECTORY, 0);
        for l in lowers {
            let fd = open(Path::new(l)).with_context(|| format!("opening layer {l}"))?;
            names.push(fd.as_raw_fd().to_string());
            fds.push(fd);
        }
        let cwd = open(Path::new(".")).context("opening the working directory")?;
        sys.chdir(c"/proc/self/fd")
            .context("entering /proc/self/fd")?;
        Ok(ShortLowers {
            _fds: fds,
            cwd,
            names: names.join(":"),
        })
    }

    /// The lowerdir value: the layers' descriptor numbers, top layer first.
    pub(crate) fn names(&self) -> &str {
        &self.names
    }

    /// Back to the previous working directory; the layers' descriptors close.
    pub(crate) fn close<S: super::sys::Syscall>(self, sys: &S) -> Result<()> {
        use std::os::fd::AsRawFd;
        sys.fchdir(self.cwd.as_raw_fd())
            .context("returning to the working directory")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused() -> anyhow::Error {
        anyhow::anyhow!("mount overlay: Operation not permitted")
    }

    #[test]
    fn auto_without_native_overlay_or_fuse_overlayfs_says_what_to_install() {
        let c = Choice {
            mode: Mode::Auto,
            fuse_binary: Some("/nonexistent/fuse-overlayfs".into()),
        };
        let msg = format!("{:#}", decide(&c, Some(&refused())).unwrap_err());
        assert!(
            msg.contains("fuse-overlayfs was not found at /nonexistent/fuse-overlayfs"),
            "{msg}"
        );
        assert!(msg.contains("apt-get install fuse-overlayfs"), "{msg}");
        assert!(msg.contains("kernel >= 5.11"), "{msg}");
        assert!(msg.contains("Operation not permitted"), "{msg}");
    }

    #[test]
    fn auto_uses_native_when_it_works_and_fuse_overlayfs_when_it_is_refused() {
        let bin = std::env::current_exe().unwrap();
        let c = Choice {
            mode: Mode::Auto,
            fuse_binary: Some(bin.clone()),
        };
        assert_eq!(decide(&c, None).unwrap(), Plan::Done);
        assert_eq!(
            decide(&c, Some(&refused())).unwrap(),
            Plan::Fuse(bin.clone())
        );
        let native = Choice {
            mode: Mode::Native,
            fuse_binary: Some(bin.clone()),
        };
        let msg = format!("{:#}", decide(&native, Some(&refused())).unwrap_err());
        assert!(
            msg.contains("storage.rootless_overlay = \"native\""),
            "{msg}"
        );
        let fuse = Choice {
            mode: Mode::Fuse,
            fuse_binary: Some(bin.clone()),
        };
        assert_eq!(decide(&fuse, None).unwrap(), Plan::Fuse(bin));
    }

    #[test]
    fn annotations_choose_the_driver_and_unknown_modes_are_refused() {
        let spec = |mode: &str, bin: &str| {
            let mut s = oci_spec::runtime::Spec::default();
            let mut a = std::collections::HashMap::new();
            a.insert(ANNOTATION_MODE.to_string(), mode.to_string());
            a.insert(ANNOTATION_FUSE.to_string(), bin.to_string());
            s.set_annotations(Some(a));
            s
        };
        let c = Choice::from_spec(&spec("fuse", "/opt/fo")).unwrap();
        assert_eq!(c.mode, Mode::Fuse);
        assert_eq!(c.fuse_binary.as_deref(), Some(Path::new("/opt/fo")));
        assert_eq!(
            Choice::from_spec(&spec("auto", "")).unwrap(),
            Choice::default()
        );
        assert_eq!(
            Choice::from_spec(&oci_spec::runtime::Spec::default()).unwrap(),
            Choice::default()
        );
        crate::testing::assert_err(
            Choice::from_spec(&spec("kernel", "")),
            "the rootless overlay is \"auto\", \"native\" or \"fuse\"",
        );
    }
}
