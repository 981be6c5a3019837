//! `cp` between the host and a container, and its tar stream form (`-` as source or destination).
//!
//! Every path inside the container is resolved with openat2(RESOLVE_IN_ROOT) against the container's
//! root: `/proc/<pid>/root` when it runs, else its overlay mounted by `runtime::with_rootfs` in a private
//! mount namespace (so writes land in its upper dir, as docker's do), and every step below it uses openat with O_NOFOLLOW on single names, so a
//! symlink in the container can never lead the copy out onto the host (docs/security.md 1I, CVE-2019-14271,
//! CVE-2018-15664). Symlinks are copied as symlinks, except a source named with `-L`, which is followed
//! (inside the container still with RESOLVE_IN_ROOT). A tar on stdin is unpacked by the layer unpacker
//! (`image::unpack`) into a directory resolved the same way, so no entry leaves it.

use anyhow::{Context, Result, bail};
use std::ffi::CString;
use std::fs::{self, File};
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};

use super::copy::CopyOptions;

/// Open `path` (absolute inside the container) below `root`, never leaving it. `flags` as for open(2).
fn open_in_root(root: &File, path: &str, flags: i32) -> std::io::Result<OwnedFd> {
    let p = CString::new(path.trim_start_matches('/').to_string().replace('\0', ""))
        .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
    let p = if p.as_bytes().is_empty() {
        CString::new(".").expect("no NUL")
    } else {
        p
    };
    // struct open_how from linux/openat2.h (libc's is non-exhaustive): flags, mode, resolve.
    #[repr(C)]
    struct OpenHow {
        flags: u64,
        mode: u64,
        resolve: u64,
    }
    let how = OpenHow {
        flags: (flags | libc::O_CLOEXEC) as u64,
        mode: 0,
        resolve: libc::RESOLVE_IN_ROOT | libc::RESOLVE_NO_MAGICLINKS,
    };
    // SAFETY: openat2 with a valid dirfd, NUL-terminated path and an open_how of the size we pass.
    let fd = unsafe {
        libc::syscall(
            libc::SYS_openat2,
            root.as_raw_fd(),
            p.as_ptr(),
            &how,
            std::mem::size_of::<OpenHow>(),
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: the kernel returned a new fd that nobody else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as i32) })
}

/// openat(dir, name) for a single component, never following a final symlink.
fn open_at(dir: &OwnedFd, name: &str, flags: i32, mode: u32) -> std::io::Result<OwnedFd> {
    let c =
        CString::new(name).map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))?;
    // SAFETY: openat with a valid dirfd and NUL-terminated name.
    let fd = unsafe {
        libc::openat(
            dir.as_raw_fd(),
            c.as_ptr(),
            flags | libc::O_CLOEXEC | libc::O_NOFOLLOW,
            mode,
        )
    };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    // SAFETY: a new fd from the kernel.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// fstat of an fd (O_PATH included): an lstat of /proc/self/fd/N would describe the magic link itself.
fn fd_metadata(fd: &OwnedFd) -> Result<fs::Metadata> {
    let dup = fd.try_clone().context("duplicating fd")?;
    File::from(dup).metadata().context("reading metadata")
}

/// The target of a symlink opened with O_PATH|O_NOFOLLOW (readlinkat with an empty path).
fn read_link_fd(fd: &OwnedFd) -> Result<PathBuf> {
    let mut buf = vec![0u8; 4096];
    // SAFETY: readlinkat on a valid fd with an empty NUL-terminated path into our buffer.
    let n = unsafe {
        libc::readlinkat(
            fd.as_raw_fd(),
            c"".as_ptr(),
            buf.as_mut_ptr().cast(),
            buf.len(),
        )
    };
    if n < 0 {
        return Err(std::io::Error::last_os_error()).context("reading symlink");
    }
    buf.truncate(n as usize);
    Ok(PathBuf::from(std::ffi::OsString::from(
        String::from_utf8_lossy(&buf).into_owned(),
    )))
}

fn fd_path(fd: &OwnedFd) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()))
}

/// Copy `src` (inside the container whose "/" is `root`) to `dest` on the host.
pub fn copy_out(root: &Path, src: &str, dest: &Path, o: CopyOptions) -> Result<()> {
    let root = File::open(root).context("opening the container's root")?;
    let nofollow = if o.follow_link { 0 } else { libc::O_NOFOLLOW };
    let fd = open_in_root(&root, src, libc::O_PATH | nofollow)
        .with_context(|| format!("Could not find the file {src} in container"))?;
    let md = fd_metadata(&fd)?;
    let name = Path::new(src)
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "root".into());
    let target = if dest.is_dir() {
        dest.join(name)
    } else {
        dest.to_path_buf()
    };
    copy_out_entry(&fd, &md, &target, o.archive)
}

fn copy_out_entry(fd: &OwnedFd, md: &fs::Metadata, target: &Path, archive: bool) -> Result<()> {
    let p = fd_path(fd);
    if md.file_type().is_symlink() {
        let link = read_link_fd(fd)?;
        let _ = fs::remove_file(target);
        std::os::unix::fs::symlink(link, target)
            .with_context(|| format!("creating {}", target.display()))?;
    } else if md.is_dir() {
        fs::create_dir_all(target).with_context(|| format!("creating {}", target.display()))?;
        fs::set_permissions(target, fs::Permissions::from_mode(md.mode() & 0o7777)).ok();
        let dir = File::open(&p).context("opening directory")?;
        let dfd: OwnedFd = dir.into();
        for e in fs::read_dir(fd_path(&dfd))
            .context("listing directory")?
            .flatten()
        {
            let n = e.file_name().to_string_lossy().to_string();
            let child =
                open_at(&dfd, &n, libc::O_PATH, 0).with_context(|| format!("opening {n}"))?;
            let cmd = fd_metadata(&child)?;
            copy_out_entry(&child, &cmd, &target.join(&n), archive)?;
        }
    } else if md.is_file() {
        let mut f = File::open(&p).context("opening source file")?;
        let mut out =
            File::create(target).with_context(|| format!("creating {}", target.display()))?;
        std::io::copy(&mut f, &mut out).context("copying")?;
        fs::set_permissions(target, fs::Permissions::from_mode(md.mode() & 0o7777)).ok();
    }
    if archive && (md.is_file() || md.is_dir() || md.file_type().is_symlink()) {
        // `-a`: the source's owners (docker's "archive mode"); else the copy is the caller's.
        std::os::unix::fs::lchown(target, Some(md.uid()), Some(md.gid()))
            .with_context(|| format!("setting the owner of {}", target.display()))?;
    }
    Ok(())
}

/// Copy `src` on the host into the container whose "/" is `root`, at `dest`.
pub fn copy_in(root: &Path, src: &Path, dest: &str, o: CopyOptions) -> Result<()> {
    let md = fs::symlink_metadata(src)
        .with_context(|| format!("no such file or directory: {}", src.display()))?;
    // `-L`: the link's target is copied under the link's name (docker's rebase of the name).
    let (read_from, md) = if o.follow_link && md.file_type().is_symlink() {
        let t = fs::canonicalize(src)
            .with_context(|| format!("following the symlink {}", src.display()))?;
        let m = fs::metadata(&t).with_context(|| format!("reading {}", t.display()))?;
        (t, m)
    } else {
        (src.to_path_buf(), md)
    };
    let root = File::open(root).context("opening the container's root")?;
    // Destination: an existing directory receives src by name; otherwise dest's parent gets dest's name.
    let (dir, name) = match open_in_root(&root, dest, libc::O_DIRECTORY | libc::O_RDONLY) {
        Ok(d) => (
            d,
            src.file_name()
                .map(|n| n.to_string_lossy().to_string())
                .context("source has no name")?,
        ),
        Err(_) => {
            let p = Path::new(dest);
            let parent = p
                .parent()
                .map(|x| x.to_string_lossy().to_string())
                .unwrap_or_else(|| "/".into());
            let d = open_in_root(&root, &parent, libc::O_DIRECTORY | libc::O_RDONLY)
                .with_context(|| format!("Could not find the file {parent} in container"))?;
            (
                d,
                p.file_name()
                    .map(|n| n.to_string_lossy().to_string())
                    .context("destination has no name")?,
            )
        }
    };
    copy_in_entry(&read_from, &md, &dir, &name, o.archive)
}

fn copy_in_entry(
    src: &Path,
    md: &fs::Metadata,
    dir: &OwnedFd,
    name: &str,
    archive: bool,
) -> Result<()> {
    let c = CString::new(name).context("bad name")?;
    if md.file_type().is_symlink() {
        let link =
            CString::new(fs::read_link(src)?.as_os_str().as_encoded_bytes()).context("bad link")?;
        // SAFETY: unlinkat/symlinkat with a valid dirfd and NUL-terminated strings.
        unsafe {
            libc::unlinkat(dir.as_raw_fd(), c.as_ptr(), 0);
            if libc::symlinkat(link.as_ptr(), dir.as_raw_fd(), c.as_ptr()) != 0 {
                return Err(std::io::Error::last_os_error()).context("creating symlink");
            }
        }
    } else if md.is_dir() {
        // SAFETY: mkdirat with a valid dirfd and NUL-terminated name; EEXIST is fine.
        unsafe { libc::mkdirat(dir.as_raw_fd(), c.as_ptr(), md.mode() & 0o7777) };
        let sub = open_at(dir, name, libc::O_DIRECTORY | libc::O_RDONLY, 0).with_context(|| {
            format!("opening {name} in the container (a symlink is never followed)")
        })?;
        for e in fs::read_dir(src)
            .with_context(|| format!("reading {}", src.display()))?
            .flatten()
        {
            let m = fs::symlink_metadata(e.path())?;
            copy_in_entry(
                &e.path(),
                &m,
                &sub,
                &e.file_name().to_string_lossy(),
                archive,
            )?;
        }
    } else if md.is_file() {
        let fd = open_at(
            dir,
            name,
            libc::O_WRONLY | libc::O_CREAT | libc::O_TRUNC,
            md.mode() & 0o7777,
        )
        .with_context(|| {
            format!("creating {name} in the container (a symlink is never followed)")
        })?;
        let mut out = File::from(fd);
        let mut f = File::open(src).with_context(|| format!("opening {}", src.display()))?;
        let mut buf = vec![0u8; 64 * 1024];
        loop {
            let n = f.read(&mut buf)?;
            if n == 0 {
                break;
            }
            out.write_all(&buf[..n])?;
        }
    } else {
        bail!("{} is not a file, directory or symlink", src.display());
    }
    if archive {
        // `-a`: the source's owners; without it the copy belongs to the container's root (docker's).
        // SAFETY: fchownat with a valid dirfd and NUL-terminated name, never following a symlink.
        if unsafe {
            libc::fchownat(
                dir.as_raw_fd(),
                c.as_ptr(),
                md.uid(),
                md.gid(),
                libc::AT_SYMLINK_NOFOLLOW,
            )
        } != 0
        {
            return Err(std::io::Error::last_os_error())
                .with_context(|| format!("setting the owner of {name} in the container"));
        }
    }
    Ok(())
}

/// `cp - CONTAINER:DEST`: unpack the tar stream `input` into the directory `dest` (resolved in `root`).
/// The layer unpacker resolves every entry below that directory with RESOLVE_IN_ROOT and refuses `..`,
/// so a hostile archive cannot write outside it (docs/security.md I1).
pub fn tar_in(
    root: &Path,
    dest: &str,
    input: &mut dyn Read,
    limits: &crate::image::UnpackLimits,
    rootless: bool,
) -> Result<()> {
    let root = File::open(root).context("opening the container's root")?;
    let fd = open_in_root(&root, dest, libc::O_PATH)
        .with_context(|| format!("Could not find the file {dest} in container"))?;
    if !fd_metadata(&fd)?.is_dir() {
        bail!("destination \"{dest}\" must be a directory");
    }
    crate::image::unpack_layer(input, &fd_path(&fd), limits, rootless)
        .with_context(|| format!("extracting the archive into {dest}"))?;
    std::io::copy(input, &mut std::io::sink()).context("reading the archive")?;
    Ok(())
}

/// `cp CONTAINER:SRC -`: a tar stream of `src` (named by its last component, as docker's) on `out`.
pub fn tar_out(root: &Path, src: &str, follow: bool, out: &mut dyn Write) -> Result<()> {
    let root = File::open(root).context("opening the container's root")?;
    let nofollow = if follow { 0 } else { libc::O_NOFOLLOW };
    let fd = open_in_root(&root, src, libc::O_PATH | nofollow)
        .with_context(|| format!("Could not find the file {src} in container"))?;
    let md = fd_metadata(&fd)?;
    let name = Path::new(src)
        .file_name()
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    let mut b = tar::Builder::new(out);
    tar_entry(&mut b, &fd, &md, &name)?;
    b.finish().context("writing the tar stream")
}

fn tar_entry(
    b: &mut tar::Builder<&mut dyn Write>,
    fd: &OwnedFd,
    md: &fs::Metadata,
    name: &Path,
) -> Result<()> {
    let mut h = tar::Header::new_gnu();
    h.set_metadata(md);
    let ctx = || format!("adding {} to the tar stream", name.display());
    if md.file_type().is_symlink() {
        h.set_size(0);
        b.append_link(&mut h, name, read_link_fd(fd)?)
            .with_context(ctx)?;
    } else if md.is_dir() {
        h.set_size(0);
        b.append_data(&mut h, name, std::io::empty())
            .with_context(ctx)?;
        let dir = File::open(fd_path(fd)).context("opening directory")?;
        let dfd: OwnedFd = dir.into();
        let mut names: Vec<String> = fs::read_dir(fd_path(&dfd))
            .context("listing directory")?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().to_string())
            .collect();
        names.sort();
        for n in names {
            let child =
                open_at(&dfd, &n, libc::O_PATH, 0).with_context(|| format!("opening {n}"))?;
            let cmd = fd_metadata(&child)?;
            tar_entry(b, &child, &cmd, &name.join(&n))?;
        }
    } else if md.is_file() {
        let f = File::open(fd_path(fd)).context("opening source file")?;
        // A file that shrinks meanwhile is padded, one that grows is cut: the header's size holds.
        let data = f.take(md.len()).chain(std::io::repeat(0)).take(md.len());
        b.append_data(&mut h, name, data).with_context(ctx)?;
    }
    Ok(())
}
