//! The on-disk store: where every path lives, atomic writes, and file locks.
//!
//! Invariants: every persistent write goes through [`write_atomic`] (temp, fsync, rename, fsync dir);
//! every shared record is changed only under its [`FileLock`]. Must not depend on cli, engine, registry.
//! `docs/layout.md` lists every path this module hands out.

use anyhow::{Context, Result};
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

/// The two roots berth works under: persistent (`root`) and volatile (`run_root`).
#[derive(Debug, Clone)]
pub struct Paths {
    pub root: PathBuf,
    pub run_root: PathBuf,
    /// True when berth runs without root privileges (euid != 0).
    pub rootless: bool,
}

impl Paths {
    /// Resolve the roots: explicit values win; otherwise `/var/lib/berth` and `/run/berth` for root,
    /// `$XDG_DATA_HOME/berth` and `$XDG_RUNTIME_DIR/berth` rootless (falling back to
    /// `/run/user/$UID/berth`, then `$TMPDIR/berth-run-$UID` when XDG_RUNTIME_DIR is missing after `su`).
    pub fn resolve(root: Option<&Path>, run_root: Option<&Path>) -> Result<Paths> {
        let uid = nix::unistd::geteuid().as_raw();
        let rootless = uid != 0;
        let root = match root {
            Some(p) => absolute(p)?,
            None if !rootless => PathBuf::from("/var/lib/berth"),
            None => data_home()?.join("berth"),
        };
        let run_root = match run_root {
            Some(p) => absolute(p)?,
            None if !rootless => PathBuf::from("/run/berth"),
            None => runtime_dir(uid).join("berth"),
        };
        Ok(Paths { root, run_root, rootless })
    }

    /// Create both roots with mode 0700 (store contents must not be reachable by other local users,
    /// CVE-2021-41091).
    pub fn ensure(&self) -> Result<()> {
        for d in [&self.root, &self.run_root] {
            create_private_dir(d)?;
        }
        Ok(())
    }
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::path::absolute(p).with_context(|| format!("resolving path {}", p.display()))
}

fn data_home() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    let home = std::env::var_os("HOME").filter(|v| !v.is_empty()).context("HOME is not set")?;
    Ok(PathBuf::from(home).join(".local/share"))
}

fn runtime_dir(uid: u32) -> PathBuf {
    use std::os::unix::fs::MetadataExt;
    let owned_private = |p: &Path| {
        fs::metadata(p).map(|m| m.is_dir() && m.uid() == uid && m.mode() & 0o077 == 0).unwrap_or(false)
    };
    if let Some(d) = std::env::var_os("XDG_RUNTIME_DIR").filter(|v| !v.is_empty()) {
        let d = PathBuf::from(d);
        if owned_private(&d) {
            return d;
        }
    }
    let run_user = PathBuf::from(format!("/run/user/{uid}"));
    if owned_private(&run_user) {
        return run_user;
    }
    std::env::temp_dir().join(format!("berth-run-{uid}"))
}

/// Create a directory (and parents) with mode 0700 for the last component.
pub fn create_private_dir(d: &Path) -> Result<()> {
    if let Some(parent) = d.parent() {
        fs::create_dir_all(parent).with_context(|| format!("creating directory {}", parent.display()))?;
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
    let dir = path.parent().context("atomic write needs a parent directory")?;
    let name = path.file_name().context("atomic write needs a file name")?;
    let tmp = dir.join(format!(".{}.tmp-{}", name.to_string_lossy(), std::process::id()));
    let res = (|| -> Result<()> {
        let mut f = OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(mode)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&tmp)
            .with_context(|| format!("creating {}", tmp.display()))?;
        f.write_all(data).with_context(|| format!("writing {}", tmp.display()))?;
        f.sync_all().with_context(|| format!("syncing {}", tmp.display()))?;
        fs::rename(&tmp, path).with_context(|| format!("renaming into {}", path.display()))?;
        sync_dir(dir)
    })();
    if res.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    res
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
        file.lock().with_context(|| format!("locking {}", path.display()))?;
        let _ = file.set_len(0);
        let _ = (&file).write_all(format!("{}\n", std::process::id()).as_bytes());
        Ok(FileLock { file, path: path.to_path_buf() })
    }

    /// Block until a shared lock on `path` is ours.
    pub fn shared(path: &Path) -> Result<FileLock> {
        let file = open_lock_file(path)?;
        file.lock_shared().with_context(|| format!("locking {}", path.display()))?;
        Ok(FileLock { file, path: path.to_path_buf() })
    }

    /// Take the exclusive lock only if nobody holds it.
    pub fn try_exclusive(path: &Path) -> Result<Option<FileLock>> {
        let file = open_lock_file(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(FileLock { file, path: path.to_path_buf() })),
            Err(fs::TryLockError::WouldBlock) => Ok(None),
            Err(fs::TryLockError::Error(e)) => Err(e).with_context(|| format!("locking {}", path.display())),
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
        fs::create_dir_all(parent).with_context(|| format!("creating directory {}", parent.display()))?;
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
    fn try_exclusive_fails_while_held() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("l.lock");
        let held = FileLock::exclusive(&p).unwrap();
        assert!(FileLock::try_exclusive(&p).unwrap().is_none());
        drop(held);
        assert!(FileLock::try_exclusive(&p).unwrap().is_some());
    }
}
