//! Containers whose `create` never finished: the directory exists but `container.json` does not, because the
//! creating process was killed (`kill -9` of a `run`, `create` or build) between the `mkdir` and the record's
//! rename. Such a directory is invisible to every lookup (a container exists once its record does), so
//! nothing else would ever remove it.
//!
//! The creator makes the directory under a temporary name (`.new-<id>`), locks it, and renames it into
//! place ([`Containers::create_dir_locked`]), so no directory ever has its final name unlocked while its
//! creator lives; it holds the lock until the record is written, and the kernel drops it when the creator
//! dies. [`Containers::sweep_unfinished`] removes a record-less directory only when it can take that lock
//! and the record is still absent, so a concurrent `create` is never disturbed; a `.new-` directory (a
//! creator killed within the few syscalls before the rename) once it is unlocked and a minute old
//! (docs/layout.md "Containers").

use super::{Containers, remove_dir_if_exists};
use crate::store;
use anyhow::{Context, Result};
use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

fn is_id(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A `.new-` directory nobody holds, last changed over a minute ago.
fn unlocked_and_old(p: &Path) -> bool {
    let old = fs::symlink_metadata(p)
        .and_then(|m| m.modified())
        .is_ok_and(|t| {
            SystemTime::now()
                .duration_since(t)
                .is_ok_and(|age| age > Duration::from_secs(60))
        });
    old && fs::File::open(p).is_ok_and(|f| f.try_lock().is_ok())
}

/// The creator's hold on a new container directory; dropping it (or dying) releases the lock.
#[derive(Debug)]
pub struct Creating {
    _dir: fs::File,
}

impl Containers {
    /// Creates the directory of the new container `id` (mode 0700), locked for the rest of its creation.
    pub fn create_dir_locked(&self, id: &str) -> Result<Creating> {
        let dir = self.dir(id);
        let tmp = self.paths.containers_dir().join(format!(".new-{id}"));
        store::create_private_dir(&tmp)?;
        store::mark_top_of_hierarchies(&self.paths.containers_dir());
        let f = fs::File::open(&tmp).with_context(|| format!("opening {}", tmp.display()))?;
        f.lock()
            .with_context(|| format!("locking {}", tmp.display()))?;
        if let Err(e) = fs::rename(&tmp, &dir) {
            let _ = fs::remove_dir(&tmp);
            return Err(e).with_context(|| format!("creating {}", dir.display()));
        }
        Ok(Creating { _dir: f })
    }

    /// Removes the directories (and run dirs) of creations whose creator died; returns how many.
    pub fn sweep_unfinished(&self) -> Result<usize> {
        let top = self.paths.containers_dir();
        let rd = match fs::read_dir(&top) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e).with_context(|| format!("listing {}", top.display())),
        };
        let mut n = 0;
        for e in rd.flatten() {
            let Some(name) = e.file_name().to_str().map(str::to_string) else {
                continue;
            };
            if let Some(id) = name.strip_prefix(".new-") {
                if is_id(id)
                    && unlocked_and_old(&e.path())
                    && remove_dir_if_exists(&e.path()).is_ok()
                {
                    n += 1;
                }
                continue;
            }
            let id = name;
            if !is_id(&id) {
                continue;
            }
            let dir = e.path();
            if dir.join("container.json").exists() {
                continue;
            }
            let Ok(held) = fs::File::open(&dir) else {
                continue;
            };
            // Busy: its creator is still at work. Free: re-check, the record may have landed meanwhile.
            if held.try_lock().is_err() || dir.join("container.json").exists() {
                continue;
            }
            log::debug!("removing {}: its create never finished", dir.display());
            remove_dir_if_exists(&self.run_dir(&id))?;
            remove_dir_if_exists(&dir)?;
            n += 1;
        }
        Ok(n)
    }
}
