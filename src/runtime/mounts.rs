//! Mount setup of a container's init: rootfs, spec mounts, /dev, masked and read-only paths.
//!
//! Owns resolving every destination inside the rootfs (openat2 RESOLVE_IN_ROOT, so an image symlink is read
//! relative to the rootfs, never the host) and mounting through `/proc/self/fd/N` of the resolved O_PATH fd
//! (runc 0ca91f44f, CVE-2021-30465). /proc, /sys, /dev and the kernel filesystems must be real directories
//! (CVE-2019-19921, CVE-2023-27561, CVE-2026-41579): a symlink there is refused.
//! Depends on libc, oci_spec, [`super::overlay`], [`super::cgroup`] (its layout) and [`super::sys`]; every call
//! that changes kernel state goes through the [`Syscall`] seam, so the mount plan is tested with a fake.
//! Runs only inside the init child (single-threaded).

use std::ffi::CString;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::path::{Component, Path, PathBuf};

use anyhow::{Context, Result, bail};
use oci_spec::runtime::Mount;

use super::Rootfs;
use super::overlay;
pub(crate) use super::sys::openat2;
use super::sys::{Syscall, cstr, errno as last_err};

const IN_ROOT: u64 = libc::RESOLVE_IN_ROOT | libc::RESOLVE_NO_MAGICLINKS;

/// The path relative to the rootfs ("/proc" -> "proc"); ".." components are refused outright.
fn rel(dest: &Path) -> Result<PathBuf> {
    let mut out = PathBuf::new();
    for c in dest.components() {
        match c {
            Component::RootDir | Component::CurDir => {}
            Component::Normal(n) => out.push(n),
            Component::ParentDir | Component::Prefix(_) => {
                bail!("mount destination {} has '..'", dest.display())
            }
        }
    }
    Ok(out)
}

fn fd_path(fd: &OwnedFd) -> String {
    format!("/proc/self/fd/{}", fd.as_raw_fd())
}

/// What to create when a destination is missing.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Dir,
    File,
}

/// Opens `dest` inside `root` as O_PATH, creating it (and missing parents) when absent. Symlinks in the path
/// are resolved inside the root. With `no_symlink`, the last component must not be a symlink.
pub(crate) fn resolve(
    root: &OwnedFd,
    dest: &Path,
    kind: Kind,
    no_symlink: bool,
) -> Result<OwnedFd> {
    resolve_at(root, dest, kind, no_symlink, 0)
}

fn resolve_at(
    root: &OwnedFd,
    dest: &Path,
    kind: Kind,
    no_symlink: bool,
    depth: u32,
) -> Result<OwnedFd> {
    let r = rel(dest)?;
    if r.as_os_str().is_empty() {
        return openat2(root.as_raw_fd(), Path::new("."), libc::O_PATH, IN_ROOT)
            .with_context(|| format!("opening rootfs for {}", dest.display()));
    }
    let parent_rel = r.parent().unwrap_or(Path::new("")).to_path_buf();
    let name = r
        .file_name()
        .context("mount destination without a name")?
        .to_owned();
    let parent = if parent_rel.as_os_str().is_empty() {
        openat2(
            root.as_raw_fd(),
            Path::new("."),
            libc::O_PATH | libc::O_DIRECTORY,
            IN_ROOT,
        )?
    } else {
        resolve_at(root, &parent_rel, Kind::Dir, false, depth)?
    };
    let cname = cstr(&name)?;
    // SAFETY: fstatat on our O_PATH dir fd with a valid name and a zeroed stat buffer we own.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    let rc = unsafe {
        libc::fstatat(
            parent.as_raw_fd(),
            cname.as_ptr(),
            &mut st,
            libc::AT_SYMLINK_NOFOLLOW,
        )
    };
    if rc == 0 {
        if st.st_mode & libc::S_IFMT == libc::S_IFLNK && no_symlink {
            bail!(
                "{} is a symlink in the rootfs: it must be an ordinary directory",
                dest.display()
            );
        }
    } else {
        let e = last_err();
        if e.raw_os_error() != Some(libc::ENOENT) {
            return Err(e).with_context(|| format!("looking up {} in the rootfs", dest.display()));
        }
        match kind {
            Kind::Dir => {
                // SAFETY: mkdirat relative to our verified parent fd; the name is one component.
                if unsafe { libc::mkdirat(parent.as_raw_fd(), cname.as_ptr(), 0o755) } < 0 {
                    let e = last_err();
                    if e.raw_os_error() != Some(libc::EEXIST) {
                        return Err(e)
                            .with_context(|| format!("creating {} in the rootfs", dest.display()));
                    }
                }
            }
            Kind::File => {
                // SAFETY: openat with O_CREAT|O_EXCL|O_NOFOLLOW: never follows or truncates anything existing.
                let fd = unsafe {
                    libc::openat(
                        parent.as_raw_fd(),
                        cname.as_ptr(),
                        libc::O_CREAT
                            | libc::O_EXCL
                            | libc::O_NOFOLLOW
                            | libc::O_WRONLY
                            | libc::O_CLOEXEC,
                        0o644,
                    )
                };
                if fd < 0 {
                    let e = last_err();
                    if e.raw_os_error() != Some(libc::EEXIST) {
                        return Err(e)
                            .with_context(|| format!("creating {} in the rootfs", dest.display()));
                    }
                } else {
                    // SAFETY: fd was just opened by us.
                    drop(unsafe { OwnedFd::from_raw_fd(fd) });
                }
            }
        }
    }
    if no_symlink {
        // Verified (or created) above: open it without following anything, so a swap to a symlink fails.
        return openat2(
            parent.as_raw_fd(),
            Path::new(&name),
            libc::O_PATH,
            libc::RESOLVE_NO_SYMLINKS,
        )
        .with_context(|| format!("opening {} in the rootfs", dest.display()));
    }
    match openat2(root.as_raw_fd(), &r, libc::O_PATH, IN_ROOT) {
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) && depth < 40 => {
            // The last component is a dangling symlink (an image's /etc/hosts -> ../../tmp/x): create its target
            // inside the rootfs, so the mount lands there and never outside (CVE-2024-45310, docs/security.md G7).
            let target = readlinkat(&parent, &cname)
                .with_context(|| format!("opening {} in the rootfs", dest.display()))?;
            let joined = if target.is_absolute() {
                target
            } else {
                Path::new("/").join(&parent_rel).join(target)
            };
            resolve_at(root, &normalize_in_root(&joined), kind, false, depth + 1)
        }
        r => r.with_context(|| format!("opening {} in the rootfs", dest.display())),
    }
}

/// Lexical normalisation for a symlink target read from the image: ".." never climbs above the rootfs. The
/// result is resolved in-root again, so this can only change which in-root path is meant, never escape.
fn normalize_in_root(p: &Path) -> PathBuf {
    let mut out = PathBuf::from("/");
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::Normal(n) => out.push(n),
            _ => {}
        }
    }
    out
}

fn readlinkat(dir: &OwnedFd, name: &CString) -> Result<PathBuf> {
    let mut buf = vec![0u8; libc::PATH_MAX as usize];
    // SAFETY: readlinkat into a buffer we own, with its length.
    let n = unsafe {
        libc::readlinkat(
            dir.as_raw_fd(),
            name.as_ptr(),
            buf.as_mut_ptr() as *mut libc::c_char,
            buf.len(),
        )
    };
    if n < 0 {
        return Err(last_err()).context("readlink");
    }
    buf.truncate(n as usize);
    Ok(PathBuf::from(
        <std::ffi::OsString as std::os::unix::ffi::OsStringExt>::from_vec(buf),
    ))
}

/// Parsed fstab-style options.
#[derive(Default, Debug)]
pub(crate) struct Opts {
    pub flags: u64,
    pub clear: u64,
    pub propagation: u64,
    pub bind: bool,
    pub data: Vec<String>,
}

pub(crate) fn parse_opts(opts: &[String]) -> Opts {
    let mut o = Opts::default();
    for opt in opts {
        let (set, clr, prop): (u64, u64, u64) = match opt.as_str() {
            "ro" => (libc::MS_RDONLY, 0, 0),
            "rw" => (0, libc::MS_RDONLY, 0),
            "nosuid" => (libc::MS_NOSUID, 0, 0),
            "suid" => (0, libc::MS_NOSUID, 0),
            "nodev" => (libc::MS_NODEV, 0, 0),
            "dev" => (0, libc::MS_NODEV, 0),
            "noexec" => (libc::MS_NOEXEC, 0, 0),
            "exec" => (0, libc::MS_NOEXEC, 0),
            "sync" => (libc::MS_SYNCHRONOUS, 0, 0),
            "async" => (0, libc::MS_SYNCHRONOUS, 0),
            "dirsync" => (libc::MS_DIRSYNC, 0, 0),
            "noatime" => (libc::MS_NOATIME, 0, 0),
            "atime" => (0, libc::MS_NOATIME, 0),
            "nodiratime" => (libc::MS_NODIRATIME, 0, 0),
            "diratime" => (0, libc::MS_NODIRATIME, 0),
            "relatime" => (libc::MS_RELATIME, 0, 0),
            "norelatime" => (0, libc::MS_RELATIME, 0),
            "strictatime" => (libc::MS_STRICTATIME, 0, 0),
            "mand" => (libc::MS_MANDLOCK, 0, 0),
            "nomand" => (0, libc::MS_MANDLOCK, 0),
            "bind" => {
                o.bind = true;
                (libc::MS_BIND, 0, 0)
            }
            "rbind" => {
                o.bind = true;
                (libc::MS_BIND | libc::MS_REC, 0, 0)
            }
            "private" => (0, 0, libc::MS_PRIVATE),
            "rprivate" => (0, 0, libc::MS_PRIVATE | libc::MS_REC),
            "slave" => (0, 0, libc::MS_SLAVE),
            "rslave" => (0, 0, libc::MS_SLAVE | libc::MS_REC),
            "shared" => (0, 0, libc::MS_SHARED),
            "rshared" => (0, 0, libc::MS_SHARED | libc::MS_REC),
            "unbindable" => (0, 0, libc::MS_UNBINDABLE),
            "runbindable" => (0, 0, libc::MS_UNBINDABLE | libc::MS_REC),
            _ => {
                o.data.push(opt.clone());
                (0, 0, 0)
            }
        };
        o.flags = (o.flags | set) & !clr;
        o.clear |= clr;
        o.propagation |= prop;
    }
    o
}

/// Flags of the mount under `fd` that a remount inside a user namespace must keep (they are locked).
fn locked_flags(fd: &OwnedFd) -> u64 {
    // SAFETY: fstatvfs on an fd we own into a zeroed buffer we own.
    let mut sv: libc::statvfs = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstatvfs(fd.as_raw_fd(), &mut sv) } < 0 {
        return 0;
    }
    let f = sv.f_flag;
    let mut out = 0;
    for (st, ms) in [
        (libc::ST_NOSUID, libc::MS_NOSUID),
        (libc::ST_NODEV, libc::MS_NODEV),
        (libc::ST_NOEXEC, libc::MS_NOEXEC),
        (libc::ST_NOATIME, libc::MS_NOATIME),
        (libc::ST_NODIRATIME, libc::MS_NODIRATIME),
        (libc::ST_RELATIME, libc::MS_RELATIME),
    ] {
        if f & st != 0 {
            out |= ms;
        }
    }
    out
}

/// Remounts the bind mount at `dest` (resolved afresh, so the fd is the new mount) with `flags`.
fn remount_bind<S: Syscall>(sys: &S, root: &OwnedFd, dest: &Path, flags: u64) -> Result<()> {
    let fd = resolve(root, dest, Kind::Dir, false)?;
    let keep = locked_flags(&fd);
    sys.mount(
        None,
        &fd_path(&fd),
        None,
        libc::MS_REMOUNT | libc::MS_BIND | flags | keep,
        None,
    )
    .with_context(|| format!("remounting {} with flags {flags:#x}", dest.display()))
}

/// Step: mount propagation of the whole tree, so nothing we mount reaches the host.
pub(crate) fn set_root_propagation<S: Syscall>(sys: &S, spec_value: Option<&str>) -> Result<()> {
    // runc's default is rslave: host unmounts still propagate in, our mounts never propagate out.
    let flags = match spec_value.unwrap_or("rslave") {
        "private" => libc::MS_PRIVATE,
        "rprivate" => libc::MS_PRIVATE | libc::MS_REC,
        "slave" => libc::MS_SLAVE,
        "shared" | "rshared" | "slave-ish" | "" | "rslave" => libc::MS_SLAVE | libc::MS_REC,
        "unbindable" => libc::MS_UNBINDABLE,
        "runbindable" => libc::MS_UNBINDABLE | libc::MS_REC,
        other => bail!("unknown rootfsPropagation {other:?}"),
    };
    sys.mount(None, "/", None, flags, None)
}

fn check_overlay_path(p: &Path) -> Result<String> {
    let s = p.to_str().context("overlay path is not UTF-8")?;
    if s.contains([',', ':', '\n']) {
        bail!(
            "overlay path {s:?} contains ',' or ':', which the overlay option syntax cannot carry"
        );
    }
    Ok(s.to_string())
}

/// The most lower layers overlayfs stacks (the kernel's OVL_MAX_STACK).
const MAX_LOWERS: usize = 500;

/// Step: the rootfs. Returns the directory that becomes "/". In a user namespace the overlay is mounted as
/// `choice` says ([`super::overlay`]: native with `userxattr`, kernel >= 5.11, or fuse-overlayfs).
pub(crate) fn mount_rootfs<S: Syscall>(
    sys: &S,
    rootfs: &Rootfs,
    in_userns: bool,
    choice: &overlay::Choice,
) -> Result<PathBuf> {
    match rootfs {
        Rootfs::Dir(d) => {
            let s = d.to_str().context("rootfs path is not UTF-8")?;
            // Bind the rootfs onto itself: pivot_root needs a mount point.
            sys.mount(Some(s), s, None, libc::MS_BIND | libc::MS_REC, None)
                .context("binding the rootfs onto itself")?;
            Ok(d.clone())
        }
        Rootfs::Overlay {
            lower,
            upper,
            work,
            merged,
            volatile,
        } => {
            if lower.is_empty() {
                bail!("overlay rootfs without a lower layer");
            }
            if lower.len() > MAX_LOWERS {
                bail!(
                    "max depth exceeded: the image has {} layers, more than the {MAX_LOWERS} an overlay \
                     mount can stack",
                    lower.len()
                );
            }
            // overlayfs lists lowerdir top first; we hold them lowest first.
            let lowers: Vec<String> = lower
                .iter()
                .rev()
                .map(|p| check_overlay_path(p))
                .collect::<Result<_>>()?;
            let rest = format!(
                ",upperdir={},workdir={}",
                check_overlay_path(upper)?,
                check_overlay_path(work)?
            );
            // fuse-overlayfs is given `data` alone (its argv has room for every path): `volatile` is the
            // kernel overlay's option.
            let data = format!("lowerdir={}{rest}", lowers.join(":"));
            let vol = if *volatile { ",volatile" } else { "" };
            let m = check_overlay_path(merged)?;
            // Too many layers for one page of options: the kernel gets them by descriptor instead.
            let short = if data.len() + vol.len() + overlay::ROOTLESS_APPENDED.len()
                > overlay::MOUNT_DATA_MAX
            {
                Some(overlay::ShortLowers::open(sys, &lowers)?)
            } else {
                None
            };
            let native = match &short {
                Some(l) => format!("lowerdir={}{rest}{vol}", l.names()),
                None => format!("{data}{vol}"),
            };
            let mounted = if in_userns {
                overlay::mount_rootless(sys, &data, &native, &m, choice)
            } else {
                sys.mount(Some("overlay"), &m, Some("overlay"), 0, Some(&native))
                    .context("mounting the overlay rootfs")
            };
            if let Some(l) = short {
                l.close(sys)?;
            }
            mounted?;
            Ok(merged.clone())
        }
    }
}

/// Kernel filesystems whose destination must be an ordinary directory.
fn must_be_dir(m: &Mount) -> bool {
    let ty = m.typ().as_deref().unwrap_or("");
    matches!(
        ty,
        "proc" | "sysfs" | "devpts" | "mqueue" | "cgroup" | "cgroup2"
    ) || matches!(m.destination().to_str(), Some("/proc" | "/sys" | "/dev"))
}

/// Context for mounting spec entries.
pub(crate) struct MountCtx<'a> {
    pub root: &'a OwnedFd,
    pub rootless: bool,
    /// Host directories of the container's cgroup (v1: one per hierarchy), for the /sys/fs/cgroup mount.
    pub cgroup_dirs: &'a [(String, PathBuf)],
}

/// Step: one spec mount.
pub(crate) fn mount_one<S: Syscall>(sys: &S, ctx: &MountCtx, m: &Mount) -> Result<()> {
    let dest = m.destination();
    let ty = m.typ().as_deref().unwrap_or("");
    let o = parse_opts(m.options().as_deref().unwrap_or(&[]));
    let is_bind = o.bind || ty == "bind";
    if is_bind {
        let src = m.source().as_ref().context("bind mount without a source")?;
        let kind = if src.is_dir() { Kind::Dir } else { Kind::File };
        let fd = resolve(ctx.root, dest, kind, false)?;
        let srcs = src.to_str().context("bind source is not UTF-8")?;
        let rec = if o.flags & libc::MS_REC != 0 {
            libc::MS_REC
        } else {
            0
        };
        sys.mount(Some(srcs), &fd_path(&fd), None, libc::MS_BIND | rec, None)?;
        drop(fd);
        let extra = o.flags & !(libc::MS_BIND | libc::MS_REC);
        if extra != 0 {
            remount_bind(sys, ctx.root, dest, extra)?;
        }
        if extra & libc::MS_RDONLY != 0 && rec != 0 {
            // A read-only rbind is read-only all the way down, as docker does on kernels with mount_setattr
            // (>= 5.12); the remount above only reaches the top mount.
            recursive_readonly(sys, ctx.root, dest)?;
        }
        return propagate(sys, ctx.root, dest, o.propagation);
    }
    if ty == "cgroup" || ty == "cgroup2" {
        return mount_cgroup(sys, ctx, m, &o);
    }
    let fd = resolve(ctx.root, dest, Kind::Dir, must_be_dir(m))?;
    let target = fd_path(&fd);
    let src = m.source().as_ref().and_then(|s| s.to_str()).unwrap_or(ty);
    let data = o.data.join(",");
    let res = sys.mount(Some(src), &target, Some(ty), o.flags, Some(&data));
    match res {
        Ok(()) => {}
        Err(e) if ctx.rootless && ty == "sysfs" => {
            // sysfs needs a network namespace owned by our user namespace; fall back to a read-only rbind of
            // the host's, as runc and podman do rootless.
            sys.mount(
                Some("/sys"),
                &target,
                None,
                libc::MS_BIND | libc::MS_REC,
                None,
            )
            .with_context(|| format!("{e:#}; then binding /sys"))?;
            drop(fd);
            remount_bind(
                sys,
                ctx.root,
                dest,
                libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            )?;
            return Ok(());
        }
        Err(e)
            if ctx.rootless && ty == "devpts" && o.data.iter().any(|d| d.starts_with("gid=")) =>
        {
            // gid 5 (tty) may be unmapped in a single-id user namespace: mount without it, as runc does.
            let data: Vec<&str> = o
                .data
                .iter()
                .filter(|d| !d.starts_with("gid="))
                .map(String::as_str)
                .collect();
            sys.mount(Some(src), &target, Some(ty), o.flags, Some(&data.join(",")))
                .with_context(|| format!("{e:#}; then without gid="))?;
        }
        Err(e) if ctx.rootless && ty == "mqueue" => {
            sys.mount(
                Some("/dev/mqueue"),
                &target,
                None,
                libc::MS_BIND | libc::MS_REC,
                None,
            )
            .with_context(|| format!("{e:#}; then binding /dev/mqueue"))?;
        }
        Err(e) => return Err(e),
    }
    drop(fd);
    propagate(sys, ctx.root, dest, o.propagation)
}

fn recursive_readonly<S: Syscall>(sys: &S, root: &OwnedFd, dest: &Path) -> Result<()> {
    let fd = resolve(root, dest, Kind::Dir, false)?;
    if let Err(e) = sys.mount_setattr(fd.as_raw_fd(), super::sys::MOUNT_ATTR_RDONLY) {
        // Older kernels: only the top mount is read-only, as with docker before 25.0.
        if e.raw_os_error() != Some(libc::ENOSYS) {
            return Err(e)
                .with_context(|| format!("making {} read-only recursively", dest.display()));
        }
    }
    Ok(())
}

fn propagate<S: Syscall>(sys: &S, root: &OwnedFd, dest: &Path, prop: u64) -> Result<()> {
    if prop == 0 {
        return Ok(());
    }
    let fd = resolve(root, dest, Kind::Dir, false)?;
    sys.mount(None, &fd_path(&fd), None, prop, None)
}

/// /sys/fs/cgroup: v2 mounts cgroup2 (the cgroup namespace shows the container's own cgroup as root); v1
/// mounts a tmpfs with a bind of the container's own directory of each hierarchy.
fn mount_cgroup<S: Syscall>(sys: &S, ctx: &MountCtx, m: &Mount, o: &Opts) -> Result<()> {
    let dest = m.destination();
    let fd = resolve(ctx.root, dest, Kind::Dir, true)?;
    let flags = o.flags & !libc::MS_RDONLY;
    if super::cgroup::version() == super::cgroup::Version::V2 {
        let r = sys.mount(
            Some("cgroup2"),
            &fd_path(&fd),
            Some("cgroup2"),
            o.flags,
            None,
        );
        if r.is_err() && ctx.rootless {
            sys.mount(
                Some("/sys/fs/cgroup"),
                &fd_path(&fd),
                None,
                libc::MS_BIND | libc::MS_REC,
                None,
            )?;
            drop(fd);
            return remount_bind(
                sys,
                ctx.root,
                dest,
                libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC,
            );
        }
        return r;
    }
    sys.mount(
        Some("tmpfs"),
        &fd_path(&fd),
        Some("tmpfs"),
        flags,
        Some("mode=755"),
    )?;
    drop(fd);
    let bind_flags = libc::MS_RDONLY | libc::MS_NOSUID | libc::MS_NODEV | libc::MS_NOEXEC;
    // A read-only /sys/fs/cgroup (docker's default) is made read-only, nosuid, nodev and noexec all the
    // way down by one mount_setattr once every hierarchy is bound: two fewer path resolutions and one
    // fewer mount per hierarchy than remounting each bind (about 0.4 ms of a start with 9 of them).
    let at_once = o.flags & libc::MS_RDONLY != 0;
    let mut bound = Vec::new();
    for (ctrl, host_dir) in ctx.cgroup_dirs {
        if !host_dir.is_dir() {
            continue;
        }
        // The hierarchy's mount point name ("cpu,cpuacct"), taken from the host path layout.
        let name = hierarchy_name(host_dir, ctrl);
        let sub = dest.join(&name);
        let sfd = resolve(ctx.root, &sub, Kind::Dir, true)?;
        let s = host_dir.to_str().context("cgroup path is not UTF-8")?;
        sys.mount(Some(s), &fd_path(&sfd), None, libc::MS_BIND, None)?;
        drop(sfd);
        if at_once {
            bound.push(sub);
        } else {
            remount_bind(sys, ctx.root, &sub, bind_flags)?;
        }
    }
    if at_once {
        use super::sys::{
            MOUNT_ATTR_NODEV, MOUNT_ATTR_NOEXEC, MOUNT_ATTR_NOSUID, MOUNT_ATTR_RDONLY,
        };
        let fd = resolve(ctx.root, dest, Kind::Dir, false)?;
        let all = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
        match sys.mount_setattr(fd.as_raw_fd(), all) {
            Ok(()) => return Ok(()),
            // Before Linux 5.12: each bind, then the tmpfs, remounted as before.
            Err(e) if e.raw_os_error() == Some(libc::ENOSYS) => {
                for sub in &bound {
                    remount_bind(sys, ctx.root, sub, bind_flags)?;
                }
            }
            Err(e) => {
                return Err(e).with_context(|| format!("making {} read-only", dest.display()));
            }
        }
    }
    if o.flags & libc::MS_RDONLY != 0 {
        let fd = resolve(ctx.root, dest, Kind::Dir, true)?;
        sys.mount(
            None,
            &fd_path(&fd),
            None,
            libc::MS_REMOUNT | flags | libc::MS_RDONLY,
            Some("mode=755"),
        )?;
    }
    Ok(())
}

fn hierarchy_name(host_dir: &Path, ctrl: &str) -> String {
    // host_dir is <mount point>/<own>/<name>; the mount point is the first component below /sys/fs/cgroup.
    host_dir
        .strip_prefix("/sys/fs/cgroup")
        .ok()
        .and_then(|p| p.components().next())
        .and_then(|c| c.as_os_str().to_str())
        .unwrap_or(ctrl)
        .to_string()
}

/// Default device nodes every container gets (runc's list; docker's device cgroup allows these).
const DEFAULT_DEVICES: [(&str, u32, u32); 6] = [
    ("null", 1, 3),
    ("zero", 1, 5),
    ("full", 1, 7),
    ("random", 1, 8),
    ("urandom", 1, 9),
    ("tty", 5, 0),
];

/// A device node to create under the rootfs.
pub(crate) struct Device {
    pub path: PathBuf,
    pub kind: u32,
    pub major: u32,
    pub minor: u32,
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
}

pub(crate) fn default_devices() -> Vec<Device> {
    DEFAULT_DEVICES
        .iter()
        .map(|(n, ma, mi)| Device {
            path: Path::new("/dev").join(n),
            kind: libc::S_IFCHR,
            major: *ma,
            minor: *mi,
            mode: 0o666,
            uid: 0,
            gid: 0,
        })
        .collect()
}

/// Step: a device node: mknod, or inside a user namespace (where mknod is not allowed) an empty file
/// with the host's node bind-mounted onto it.
pub(crate) fn create_device<S: Syscall>(
    sys: &S,
    root: &OwnedFd,
    d: &Device,
    in_userns: bool,
) -> Result<()> {
    let parent_rel = d.path.parent().unwrap_or(Path::new("/dev"));
    let name = cstr(d.path.file_name().context("device path without a name")?)?;
    let parent = resolve(root, parent_rel, Kind::Dir, true)?;
    // Replace whatever is there (tmpfs we just mounted: normally nothing).
    // SAFETY: unlinkat relative to our verified parent fd.
    unsafe { libc::unlinkat(parent.as_raw_fd(), name.as_ptr(), 0) };
    if in_userns {
        let fd = resolve(root, &d.path, Kind::File, true)?;
        let host = d.path.to_str().context("device path is not UTF-8")?;
        sys.mount(Some(host), &fd_path(&fd), None, libc::MS_BIND, None)
            .with_context(|| format!("binding host device {host}"))?;
        return Ok(());
    }
    sys.mknodat(
        parent.as_raw_fd(),
        &name,
        d.kind | (d.mode & 0o7777),
        libc::makedev(d.major, d.minor),
    )
    .with_context(|| format!("mknod {}", d.path.display()))?;
    sys.fchownat(parent.as_raw_fd(), &name, d.uid, d.gid)
        .with_context(|| format!("chown {}", d.path.display()))?;
    Ok(())
}

/// Step: /dev symlinks (ptmx to the container's own devpts, the fd links).
pub(crate) fn dev_symlinks(root: &OwnedFd) -> Result<()> {
    let dev = resolve(root, Path::new("/dev"), Kind::Dir, true)?;
    for (name, target) in [
        ("ptmx", "pts/ptmx"),
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
        ("core", "/proc/kcore"),
    ] {
        let n = cstr(name)?;
        let t = cstr(target)?;
        // SAFETY: symlinkat relative to our verified /dev fd.
        if unsafe { libc::symlinkat(t.as_ptr(), dev.as_raw_fd(), n.as_ptr()) } < 0 {
            let e = last_err();
            if e.raw_os_error() != Some(libc::EEXIST) {
                return Err(e).with_context(|| format!("creating /dev/{name}"));
            }
        }
    }
    Ok(())
}

/// Step: pivot_root into `new_root` with the `pivot_root(".", ".")` trick (no put_old directory needed), then
/// detach the old root.
pub(crate) fn pivot_into<S: Syscall>(sys: &S, new_root: &Path) -> Result<()> {
    let r = cstr(new_root)?;
    sys.chdir(&r).context("chdir into the new root")?;
    sys.pivot_root_dot().context("pivot_root")?;
    // The old root is now stacked on "."; make it a slave so its unmount does not propagate to the host.
    sys.mount(None, ".", None, libc::MS_SLAVE | libc::MS_REC, None)?;
    sys.umount_detach(c".").context("detaching the old root")?;
    sys.chdir(c"/").context("chdir /")?;
    Ok(())
}

/// Step: masked paths, after pivot_root. Files get the container's verified /dev/null bound over them,
/// directories an empty read-only tmpfs (CVE-2025-31133: /dev/null itself is checked to be char 1:3).
pub(crate) fn mask_paths<S: Syscall>(sys: &S, root: &OwnedFd, paths: &[String]) -> Result<()> {
    let mut devnull: Option<OwnedFd> = None;
    // docker's list has "/sys/devices/system/cpu/cpu*/thermal_throttle": expand it in the container's view.
    let expanded: Vec<String> = paths.iter().flat_map(|p| expand_glob(p)).collect();
    for p in &expanded {
        let Ok(fd) = openat2(root.as_raw_fd(), &rel(Path::new(p))?, libc::O_PATH, IN_ROOT) else {
            continue;
        };
        let st = fstat(&fd)?;
        if st.st_mode & libc::S_IFMT == libc::S_IFDIR {
            sys.mount(
                Some("tmpfs"),
                &fd_path(&fd),
                Some("tmpfs"),
                libc::MS_RDONLY,
                Some("size=0"),
            )
            .with_context(|| format!("masking {p}"))?;
        } else {
            if devnull.is_none() {
                let n = openat2(
                    root.as_raw_fd(),
                    Path::new("dev/null"),
                    libc::O_PATH,
                    libc::RESOLVE_NO_SYMLINKS,
                )
                .context("opening /dev/null for masking")?;
                let s = fstat(&n)?;
                if s.st_mode & libc::S_IFMT != libc::S_IFCHR || s.st_rdev != libc::makedev(1, 3) {
                    bail!("/dev/null is not the null device (char 1:3); refusing to mask with it");
                }
                devnull = Some(n);
            }
            let n = devnull.as_ref().map(fd_path).unwrap_or_default();
            sys.mount(Some(&n), &fd_path(&fd), None, libc::MS_BIND, None)
                .with_context(|| format!("masking {p}"))?;
        }
    }
    Ok(())
}

/// Expands '*' in path components (one level of matching per component, as shell globs), against the current
/// root (called after pivot_root). Paths without '*' come back unchanged.
fn expand_glob(p: &str) -> Vec<String> {
    if !p.contains('*') {
        return vec![p.to_string()];
    }
    let mut acc = vec![PathBuf::from("/")];
    for c in Path::new(p).components() {
        let Component::Normal(n) = c else { continue };
        let n = n.to_string_lossy();
        let mut next = Vec::new();
        for base in &acc {
            match n.split_once('*') {
                None => next.push(base.join(n.as_ref())),
                Some((pre, post)) => {
                    let Ok(rd) = std::fs::read_dir(base) else {
                        continue;
                    };
                    let mut names: Vec<String> = rd
                        .flatten()
                        .map(|e| e.file_name().to_string_lossy().to_string())
                        .filter(|f| {
                            f.len() >= pre.len() + post.len()
                                && f.starts_with(pre)
                                && f.ends_with(post)
                        })
                        .collect();
                    names.sort();
                    next.extend(names.into_iter().map(|f| base.join(f)));
                }
            }
        }
        acc = next;
    }
    acc.into_iter()
        .map(|p| p.to_string_lossy().to_string())
        .collect()
}

/// Step: read-only paths: bind each onto itself, then remount read-only.
pub(crate) fn readonly_paths<S: Syscall>(sys: &S, root: &OwnedFd, paths: &[String]) -> Result<()> {
    for p in paths {
        let Ok(fd) = openat2(root.as_raw_fd(), &rel(Path::new(p))?, libc::O_PATH, IN_ROOT) else {
            continue;
        };
        let t = fd_path(&fd);
        sys.mount(Some(&t), &t, None, libc::MS_BIND | libc::MS_REC, None)
            .with_context(|| format!("binding {p}"))?;
        drop(fd);
        remount_bind(sys, root, Path::new(p), libc::MS_RDONLY)
            .with_context(|| format!("making {p} read-only"))?;
    }
    Ok(())
}

/// Step: the root read-only (spec.root.readonly).
pub(crate) fn readonly_root<S: Syscall>(sys: &S) -> Result<()> {
    let fd = openat2(libc::AT_FDCWD, Path::new("/"), libc::O_PATH, 0)?;
    let keep = locked_flags(&fd);
    sys.mount(
        None,
        "/",
        None,
        libc::MS_REMOUNT | libc::MS_BIND | libc::MS_RDONLY | keep,
        None,
    )
}

pub(crate) fn fstat(fd: &OwnedFd) -> Result<libc::stat> {
    // SAFETY: fstat on an fd we own into a zeroed buffer we own.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    if unsafe { libc::fstat(fd.as_raw_fd(), &mut st) } < 0 {
        return Err(last_err()).context("fstat");
    }
    Ok(st)
}

#[cfg(test)]
#[path = "mounts_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "mounts_plan_tests.rs"]
mod plan_tests;
