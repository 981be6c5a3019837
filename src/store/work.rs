//! Temp work dirs (`.tmp-<random>` under `layers/sha256` and `ingest/`), each guarded by
//! an owner lock.
//!
//! Invariant: a `.tmp-*` dir is never read as content; it becomes content only by an atomic rename after
//! verification. Its owner holds `locks/tmp-<random>.lock` from before the dir exists until it is gone, so
//! [`clean_stale`] removes only leftovers of dead processes (kill -9 mid-pull, docs/security.md J2), never a
//! live pull's work. Must not depend on image, registry, engine or cli.

use super::{FileLock, Paths, create_private_dir, remove_tree_owned};
use anyhow::{Context, Result};
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

const TMP_PREFIX: &str = ".tmp-";

/// A private temp dir removed on drop unless committed.
#[derive(Debug)]
pub struct WorkDir {
    path: PathBuf,
    lock_path: PathBuf,
    _lock: FileLock,
    committed: bool,
    /// Its content may carry subordinate ids (a rootless unpack): removed through a user namespace.
    rootless: bool,
}

impl WorkDir {
    /// Create `<parent>/.tmp-<random>` with its owner lock held.
    pub fn create(paths: &Paths, parent: &Path) -> Result<WorkDir> {
        let token = random_token()?;
        let lock_path = paths.locks_dir().join(format!("tmp-{token}.lock"));
        let lock = FileLock::exclusive(&lock_path)?;
        let path = parent.join(format!("{TMP_PREFIX}{token}"));
        create_private_dir(&path)?;
        Ok(WorkDir {
            path,
            lock_path,
            _lock: lock,
            committed: false,
            rootless: paths.rootless,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Rename the whole dir to `dest` unless `dest` exists (then it is removed); see
    /// [`super::rename_if_absent`].
    pub fn commit(&mut self, dest: &Path) -> Result<bool> {
        let moved = super::rename_if_absent_owned(&self.path, dest, self.rootless)?;
        self.committed = true;
        Ok(moved)
    }
}

impl Drop for WorkDir {
    fn drop(&mut self) {
        if !self.committed || self.path.exists() {
            let _ = remove_tree_owned(&self.path, self.rootless);
        }
        let _ = fs::remove_file(&self.lock_path);
    }
}

/// Remove `.tmp-*` leftovers under `layers/sha256` and `ingest/` whose owner is gone.
pub fn clean_stale(paths: &Paths) -> Result<()> {
    for dir in [paths.layers_dir(), paths.ingest_dir()] {
        let Ok(rd) = fs::read_dir(&dir) else { continue };
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Some(token) = name.strip_prefix(TMP_PREFIX) else {
                continue;
            };
            if token.is_empty()
                || !token
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
            {
                continue;
            }
            let lock_path = paths.locks_dir().join(format!("tmp-{token}.lock"));
            if let Some(_held) = FileLock::try_exclusive(&lock_path)? {
                remove_tree_owned(&e.path(), paths.rootless)
                    .with_context(|| format!("cleaning stale work dir {}", e.path().display()))?;
                let _ = fs::remove_file(&lock_path);
            }
        }
    }
    Ok(())
}

/// 16 random hex characters from the kernel.
pub fn random_token() -> Result<String> {
    let mut b = [0u8; 8];
    fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut b))
        .context("reading /dev/urandom")?;
    Ok(hex::encode(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(d: &Path) -> Paths {
        Paths {
            root: d.join("root"),
            run_root: d.join("run"),
            rootless: false,
        }
    }

    #[test]
    fn stale_work_of_a_dead_owner_is_removed_but_live_work_stays() {
        let d = tempfile::tempdir().unwrap();
        let p = paths(d.path());
        let live = WorkDir::create(&p, &p.layers_dir()).unwrap();
        fs::write(live.path().join("f"), b"x").unwrap();
        // A dead owner: its dir exists but nobody holds its lock.
        let dead = p.layers_dir().join(".tmp-deadbeef");
        fs::create_dir_all(dead.join("diff")).unwrap();
        clean_stale(&p).unwrap();
        assert!(!dead.exists());
        assert!(live.path().join("f").exists());
        let path = live.path().to_path_buf();
        drop(live);
        assert!(!path.exists());
    }
}
