//! The on-disk store: where every path lives ([`Paths`]), atomic writes, file locks, content-addressed
//! blobs ([`blobs`]: ingest, verify, commit), unpacked layers and their garbage collection ([`layers`]),
//! and the image index ([`images`]).
//!
//! Invariants: every persistent write goes through [`write_atomic`] (temp, fsync, rename, fsync dir);
//! every shared record is changed only under its [`FileLock`]. Must not depend on cli, engine, registry,
//! image or state; of the runtime it uses only `runtime::remove_in_userns` (rootless trees whose files
//! belong to the user's subordinate ids, see [`remove_tree_owned`]). Container records are state's.
//! `docs/layout.md` lists every path this module hands out. Blobs and layers are keyed by digest and
//! chain ID only (docs/security.md C11); work in progress lives in `.tmp-*` dirs guarded by an owner lock and is
//! never read as content (J2).

pub mod blobs;
mod direct;
pub mod events;
pub mod images;
pub mod layers;
mod paths;
pub mod work;

pub use paths::{HOST_BRIDGES_DIR, Paths, netns_in, network_record_in};

use anyhow::{Context, Result};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// Bytes of the regular files (and symlinks) under `p`, symlinks never followed; what cannot be read
/// counts as 0 (sizes are informational: `ps -s`, `system df`, prune's reclaimed space).
pub fn dir_size(p: &Path) -> u64 {
    let Ok(md) = fs::symlink_metadata(p) else {
        return 0;
    };
    if !md.is_dir() {
        return md.len();
    }
    fs::read_dir(p)
        .map(|rd| rd.flatten().map(|e| dir_size(&e.path())).sum())
        .unwrap_or(0)
}

/// Remove a directory tree without following any symlink inside it; directories an image made
/// unreadable (mode 0) are opened up first. A missing tree is not an error.
pub fn remove_tree(path: &Path) -> Result<()> {
    use nix::fcntl::OFlag;
    use nix::sys::stat::Mode;
    use std::os::fd::AsFd;
    let parent = path.parent().context("removing a tree needs a parent")?;
    let name = path.file_name().context("removing a tree needs a name")?;
    let pfd = match nix::fcntl::open(
        parent,
        OFlag::O_PATH | OFlag::O_DIRECTORY | OFlag::O_CLOEXEC,
        Mode::empty(),
    ) {
        Ok(fd) => fd,
        Err(nix::errno::Errno::ENOENT) => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("opening {}", parent.display())),
    };
    remove_all_at(pfd.as_fd(), name).with_context(|| format!("removing {}", path.display()))
}

/// [`remove_tree`] for a tree whose files may belong to the user's subordinate ids (a rootless layer
/// unpacked in a user namespace, docs/layout.md "Images"): when `rootless` and the user may not remove
/// them, they are removed as root of a user namespace with those ids ([`crate::runtime::remove_in_userns`]).
pub fn remove_tree_owned(path: &Path, rootless: bool) -> Result<()> {
    match remove_tree(path) {
        Err(e) if rootless => crate::runtime::remove_in_userns(path)
            .with_context(|| format!("{e:#}; then removing it in a user namespace")),
        r => r,
    }
}

/// Remove `name` in the directory `parent` and everything below it, never following a symlink.
pub fn remove_all_at(parent: std::os::fd::BorrowedFd<'_>, name: &std::ffi::OsStr) -> Result<()> {
    use nix::errno::Errno;
    use nix::fcntl::{OFlag, openat};
    use nix::sys::stat::{FchmodatFlags, Mode, fchmod, fchmodat};
    use nix::unistd::{UnlinkatFlags, unlinkat};
    use std::os::fd::AsFd;
    use std::os::unix::ffi::OsStringExt;
    let flags = OFlag::O_RDONLY | OFlag::O_DIRECTORY | OFlag::O_NOFOLLOW | OFlag::O_CLOEXEC;
    let fd = match openat(parent, name, flags, Mode::empty()) {
        Ok(fd) => fd,
        Err(Errno::ENOTDIR | Errno::ELOOP) => {
            return match unlinkat(parent, name, UnlinkatFlags::NoRemoveDir) {
                Ok(()) | Err(Errno::ENOENT) => Ok(()),
                Err(e) => Err(e.into()),
            };
        }
        Err(Errno::ENOENT) => return Ok(()),
        Err(Errno::EACCES) => {
            // O_NOFOLLOW failed with ELOOP above for symlinks, so this is a directory: open it up.
            fchmodat(
                parent,
                name,
                Mode::from_bits_truncate(0o700),
                FchmodatFlags::FollowSymlink,
            )?;
            openat(parent, name, flags, Mode::empty())?
        }
        Err(e) => return Err(e.into()),
    };
    let _ = fchmod(fd.as_fd(), Mode::from_bits_truncate(0o700));
    let mut names = Vec::new();
    {
        let mut dir = nix::dir::Dir::from_fd(fd.try_clone()?)?;
        for ent in dir.iter() {
            let ent = ent?;
            let n = ent.file_name().to_bytes();
            if n != b"." && n != b".." {
                names.push(std::ffi::OsString::from_vec(n.to_vec()));
            }
        }
    }
    for n in names {
        match unlinkat(fd.as_fd(), n.as_os_str(), UnlinkatFlags::NoRemoveDir) {
            Ok(()) | Err(Errno::ENOENT) => {}
            Err(Errno::EISDIR | Errno::EPERM) => remove_all_at(fd.as_fd(), &n)?,
            Err(e) => return Err(e.into()),
        }
    }
    drop(fd);
    match unlinkat(parent, name, UnlinkatFlags::RemoveDir) {
        Ok(()) | Err(Errno::ENOENT) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// Make `src` (a verified file or dir) visible as `dest` unless `dest` already exists: content-addressed
/// names never change content, so an existing one wins and `src` is removed. Returns whether `src` was
/// moved. The parent of `dest` is fsynced so the name survives a crash (docs/security.md J3).
pub fn rename_if_absent(src: &Path, dest: &Path) -> Result<bool> {
    rename_if_absent_owned(src, dest, false)
}

/// [`rename_if_absent`], removing a losing `src` with [`remove_tree_owned`].
pub fn rename_if_absent_owned(src: &Path, dest: &Path, rootless: bool) -> Result<bool> {
    let parent = dest.parent().context("rename target needs a parent")?;
    fs::create_dir_all(parent)
        .with_context(|| format!("creating directory {}", parent.display()))?;
    let moved = match nix::fcntl::renameat2(
        nix::fcntl::AT_FDCWD,
        src,
        nix::fcntl::AT_FDCWD,
        dest,
        nix::fcntl::RenameFlags::RENAME_NOREPLACE,
    ) {
        Ok(()) => true,
        Err(nix::errno::Errno::EEXIST | nix::errno::Errno::ENOTEMPTY) => {
            remove_tree_owned(src, rootless)?;
            false
        }
        Err(e) => {
            return Err(e)
                .with_context(|| format!("renaming {} to {}", src.display(), dest.display()));
        }
    };
    sync_dir(parent)?;
    Ok(moved)
}

/// ext4's `FS_TOPDIR_FL` (`chattr +T`): directories made in a directory with it are placed by the Orlov
/// allocator as the tops of new hierarchies, spread over the block groups, instead of next to their parent.
pub(crate) const FS_TOPDIR_FL: libc::c_int = 0x0002_0000;

/// Marks `dir` (`layers/sha256`, and `containers/` under the root and the run root) so that each layer's
/// work dir, or each container's directory, starts a hierarchy of its own on ext4 (best effort: other
/// filesystems refuse or ignore the flag, and nothing depends on it). Each is an independent tree, which
/// is what the flag says. Without it every layer lands in the block group of
/// `layers/sha256`, where the layers just removed (`rmi`, prune, a benchmark's wiped store) were: on ext4
/// without a journal the inode allocator skips inodes freed in the last seconds one by one, rechecking each
/// for every file created, so unpacking 4,600 files after removing as many took 5-7 s of system time
/// instead of 0.25 s (measured with `perf`: `recently_deleted` under `ext4_create`; issue 14). A loop of
/// `run --rm` frees a dozen inodes per container in the same way, and the next container's files paid
/// for every one freed in the last minute.
pub fn mark_top_of_hierarchies(dir: &Path) {
    use std::os::fd::AsRawFd;
    let Ok(d) = File::open(dir) else { return };
    let mut flags: libc::c_int = 0;
    // SAFETY: ioctls on a descriptor we own, each with a pointer to a live c_int (the kernel reads and
    // writes an int for these two requests).
    unsafe {
        if libc::ioctl(d.as_raw_fd(), libc::FS_IOC_GETFLAGS, &mut flags) != 0
            || flags & FS_TOPDIR_FL != 0
        {
            return;
        }
        flags |= FS_TOPDIR_FL;
        libc::ioctl(d.as_raw_fd(), libc::FS_IOC_SETFLAGS, &flags);
    }
}

/// Create a directory (and parents) with mode 0700 for the last component.
pub fn create_private_dir(d: &Path) -> Result<()> {
    if let Some(parent) = d.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("creating directory {}", parent.display()))?;
    }
    match fs::DirBuilder::new().mode(0o700).create(d) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e).with_context(|| format!("creating directory {}", d.display())),
    }
}

/// Write `data` to `path` atomically: a temp file in the same directory, fsync, rename, fsync the dir.
/// A reader sees the old content or the new, never a torn file.
pub fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    write_atomic_mode(path, data, 0o600)
}

/// [`write_atomic`] with an explicit file mode.
pub fn write_atomic_mode(path: &Path, data: &[u8], mode: u32) -> Result<()> {
    write_replacing(path, data, mode, Durability::FileAndEntry)
}

/// How much of a replacing write reaches the disk before it returns.
#[derive(Clone, Copy, PartialEq)]
enum Durability {
    /// The file and its directory entry ([`write_atomic`]).
    FileAndEntry,
    /// The file's content, not the directory ([`write_replace`]).
    File,
    /// Nothing ([`write_volatile`]).
    Nothing,
}

fn write_replacing(path: &Path, data: &[u8], mode: u32, durability: Durability) -> Result<()> {
    let dir = path
        .parent()
        .context("atomic write needs a parent directory")?;
    let name = path.file_name().context("atomic write needs a file name")?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let res = (|| -> Result<()> {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&tmp)
            .with_context(|| format!("creating {}", tmp.display()))?;
        f.write_all(data)
            .with_context(|| format!("writing {}", tmp.display()))?;
        if durability != Durability::Nothing {
            f.sync_all()
                .with_context(|| format!("syncing {}", tmp.display()))?;
        }
        fs::rename(&tmp, path).with_context(|| format!("renaming into {}", path.display()))?;
        if durability == Durability::FileAndEntry {
            sync_dir(dir)
        } else {
            Ok(())
        }
    })();
    if res.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    res
}

/// Replace an existing record: temp file, fsync, rename, but no fsync of the directory. After a crash the
/// file holds the old or the new content, complete either way (the data is on disk before the rename);
/// only the newest replacement may be lost. For records that are rewritten at every state change and
/// reconciled with the live system on read (a container's state.json), whose directory entry was made
/// durable when the record was first written.
pub fn write_replace(path: &Path, data: &[u8]) -> Result<()> {
    write_replacing(path, data, 0o600, Durability::File)
}

/// Temp file and rename without any fsync: readers see the old or the new content, never a mix, but the
/// write may not survive power loss. Only for records under the run root, which does not outlive a reboot
/// anyway (docs/layout.md): syncing them cost every `run` several disk flushes (issue 3); and
/// for a record whose loss is harmless, such as the `removing` status `rm` writes just before it deletes
/// the whole directory (two fsyncs were most of the time `rm` took).
pub fn write_volatile(path: &Path, data: &[u8]) -> Result<()> {
    write_replacing(path, data, 0o600, Durability::Nothing)
}

/// [`write_atomic_mode`] for several files of one directory at once: each is written to a temp file and
/// fsynced, all fsyncs running concurrently (the file system can then share one flush among them, where
/// one after the other each waits for its own), then renamed into place, then the directory is fsynced
/// once. Every file is as durable as with [`write_atomic_mode`] when this returns Ok; after a crash in the
/// middle, each one is either absent (or old) or complete. Entries are (file name, content, mode).
///
/// `commit`, when given, is the record whose presence says the others are complete (a container's
/// container.json): its content is flushed together with theirs, but it is renamed into place only after
/// the directory sync that makes the others durable, and a second directory sync follows. `also_sync`
/// are files elsewhere (already written) flushed in the same concurrent round.
pub fn write_atomic_all(
    dir: &Path,
    files: &[(&str, &[u8], u32)],
    commit: Option<(&str, &[u8], u32)>,
    also_sync: &[PathBuf],
) -> Result<()> {
    let tmp_of = |name: &str| dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let all: Vec<&(&str, &[u8], u32)> = files.iter().chain(commit.as_ref()).collect();
    let written: Vec<Result<()>> = std::thread::scope(|s| {
        let handles: Vec<_> = all
            .iter()
            .map(|(name, data, mode)| {
                let tmp = tmp_of(name);
                s.spawn(move || -> Result<()> {
                    let mut f = OpenOptions::new()
                        .write(true)
                        .create(true)
                        .truncate(true)
                        .mode(*mode)
                        .custom_flags(libc::O_NOFOLLOW)
                        .open(&tmp)
                        .with_context(|| format!("creating {}", tmp.display()))?;
                    f.write_all(data)
                        .with_context(|| format!("writing {}", tmp.display()))?;
                    f.sync_all()
                        .with_context(|| format!("syncing {}", tmp.display()))
                })
            })
            .chain(also_sync.iter().map(|p| {
                s.spawn(move || -> Result<()> {
                    File::open(p)
                        .and_then(|f| f.sync_all())
                        .with_context(|| format!("syncing {}", p.display()))
                })
            }))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("a writer thread panicked")))
            })
            .collect()
    });
    let res = (|| -> Result<()> {
        for r in written {
            r?;
        }
        for (name, _, _) in files {
            let path = dir.join(name);
            fs::rename(tmp_of(name), &path)
                .with_context(|| format!("renaming into {}", path.display()))?;
        }
        sync_dir(dir)?;
        if let Some((name, _, _)) = commit {
            let path = dir.join(name);
            fs::rename(tmp_of(name), &path)
                .with_context(|| format!("renaming into {}", path.display()))?;
            sync_dir(dir)?;
        }
        Ok(())
    })();
    if res.is_err() {
        for (name, _, _) in all {
            let _ = fs::remove_file(tmp_of(name));
        }
    }
    res
}

/// [`write_atomic_all`] without any fsync: each file is complete or absent for every reader, and `commit`
/// is renamed last, but nothing is flushed, so after a power cut any of them may be missing or empty.
/// For the files of a container that is deleted when it exits (`run --rm`, docs/layout.md), which a
/// power cut ends anyway.
pub fn write_all_volatile(
    dir: &Path,
    files: &[(&str, &[u8], u32)],
    commit: Option<(&str, &[u8], u32)>,
) -> Result<()> {
    for (name, data, mode) in files.iter().chain(commit.as_ref()) {
        write_replacing(&dir.join(name), data, *mode, Durability::Nothing)?;
    }
    Ok(())
}

/// fsync a directory so a rename in it survives power loss.
pub fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .with_context(|| format!("syncing directory {}", dir.display()))
}

/// An exclusive advisory lock on a lock file, released on drop (and by the kernel if the process dies).
/// The holder's pid is written into the file so a waiter can name it.
#[derive(Debug)]
pub struct FileLock {
    file: File,
    path: PathBuf,
}

impl FileLock {
    /// Block until the exclusive lock on `path` is ours (the file is created if missing).
    pub fn exclusive(path: &Path) -> Result<FileLock> {
        let file = open_lock_file(path)?;
        file.lock()
            .with_context(|| format!("locking {}", path.display()))?;
        // Overwritten in place at a fixed width, never truncated: on ext4 a truncate to zero followed by a
        // write makes close() start writeback of the file (auto_da_alloc), a cost every locked command paid;
        // and freeing the block is a synchronous discard on a file system mounted with `discard`.
        let _ = file.write_all_at(format!("{:<10}\n", std::process::id()).as_bytes(), 0);
        Ok(FileLock {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Block until a shared lock on `path` is ours.
    pub fn shared(path: &Path) -> Result<FileLock> {
        let file = open_lock_file(path)?;
        file.lock_shared()
            .with_context(|| format!("locking {}", path.display()))?;
        Ok(FileLock {
            file,
            path: path.to_path_buf(),
        })
    }

    /// Take the exclusive lock only if nobody holds it.
    pub fn try_exclusive(path: &Path) -> Result<Option<FileLock>> {
        let file = open_lock_file(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(FileLock {
                file,
                path: path.to_path_buf(),
            })),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => {
                Err(e).with_context(|| format!("locking {}", path.display()))
            }
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for FileLock {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

fn open_lock_file(path: &Path) -> Result<File> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .with_context(|| format!("creating directory {}", parent.display()))?;
    }
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("opening lock file {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_atomic_replaces_content_and_leaves_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("x.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn write_atomic_all_writes_every_file_with_its_mode_and_leaves_no_temp() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        write_atomic(&d.path().join("b"), b"old").unwrap();
        write_atomic_all(
            d.path(),
            &[("a", b"one", 0o644), ("b", b"two", 0o600)],
            Some(("c", b"three", 0o600)),
            &[],
        )
        .unwrap();
        assert_eq!(fs::read(d.path().join("a")).unwrap(), b"one");
        assert_eq!(fs::read(d.path().join("b")).unwrap(), b"two");
        let mode = |n: &str| fs::metadata(d.path().join(n)).unwrap().permissions().mode() & 0o777;
        assert_eq!(fs::read(d.path().join("c")).unwrap(), b"three");
        assert_eq!((mode("a"), mode("b"), mode("c")), (0o644, 0o600, 0o600));
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 3);
    }

    #[test]
    fn write_volatile_replaces_content_and_leaves_no_temp() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("exit.json");
        write_volatile(&p, b"one").unwrap();
        write_volatile(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 1);
    }

    #[test]
    fn lock_holder_pid_is_rewritten_in_place() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("l.lock");
        fs::write(&p, b"99999\n").unwrap();
        drop(FileLock::exclusive(&p).unwrap());
        let text = fs::read_to_string(&p).unwrap();
        assert_eq!(text, format!("{:<10}\n", std::process::id()));
    }

    #[test]
    fn dir_size_sums_files_below_and_never_follows_links() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir_all(d.path().join("a/b")).unwrap();
        fs::write(d.path().join("a/one"), b"12345").unwrap();
        fs::write(d.path().join("a/b/two"), b"123").unwrap();
        std::os::unix::fs::symlink("/usr", d.path().join("a/link")).unwrap();
        assert_eq!(dir_size(&d.path().join("a")), 8 + 4);
        assert_eq!(dir_size(&d.path().join("a/one")), 5);
        assert_eq!(dir_size(&d.path().join("missing")), 0);
    }

    #[test]
    fn try_exclusive_fails_while_held() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("l.lock");
        let held = FileLock::exclusive(&p).unwrap();
        assert!(FileLock::try_exclusive(&p).unwrap().is_none());
        drop(held);
        assert!(FileLock::try_exclusive(&p).unwrap().is_some());
    }
}
