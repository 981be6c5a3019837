//! Removing a container's files: the directory renamed into `<root>/trash` (gone for every reader at once),
//! deleted after the caller has answered, and the trash swept of entries whose deleter died. Split from
//! the container records of `state` (docs/layout.md "Containers").

use super::{ContainerRecord, ContainerState, Containers, Status, remove_dir_if_exists};
use crate::store;
use anyhow::{Context, Result};
use std::fs;
use std::path::PathBuf;

impl Containers {
    /// `<root>/trash`: container directories renamed out of `containers/` to be deleted after the
    /// caller has answered (see [`Containers::remove_files_deferred`]).
    pub fn trash_dir(&self) -> PathBuf {
        self.paths.trash_dir()
    }

    /// Remove everything a container left on disk: its state dir, run dir, name and, when asked, its
    /// anonymous volumes. Call after the runtime has destroyed its processes, mounts and cgroup.
    pub fn remove_files(&self, rec: &ContainerRecord, remove_volumes: bool) -> Result<()> {
        match self.remove_files_deferred(rec, remove_volumes)? {
            Some(trash) => trash.delete(),
            None => Ok(()),
        }
    }

    /// [`Containers::remove_files`] whose slow part comes later: the container's directory is renamed into
    /// [`Containers::trash_dir`], which makes it gone for every reader at once (like containerd's
    /// snapshot removal), and the returned path is for the caller to delete once it has answered its
    /// client. The monitor of a `run --rm` does this, so the foreground `run` returns when the container
    /// is removed, not when its files are (on a `discard` file system their deletion is most of the
    /// cleanup; issue 3). A trash entry whose deleter died is swept by the next `create` or `run`, and
    /// by `container prune`.
    /// `None`: the directory could not be renamed and has been deleted in place.
    pub fn remove_files_deferred(
        &self,
        rec: &ContainerRecord,
        remove_volumes: bool,
    ) -> Result<Option<Trash>> {
        self.release_name(&rec.name, &rec.id)?;
        if remove_volumes {
            for v in &rec.anonymous_volumes {
                let dir = self.paths.volume_dir(v);
                let existed = dir.exists();
                remove_dir_if_exists(&dir)?;
                if existed {
                    // docker's `volume destroy`, before the container's own `destroy`.
                    let ev = store::events::Event::new("volume", "destroy", v);
                    store::events::emit(&self.paths, ev.attr("driver", "local"));
                }
            }
        }
        let dir = self.dir(&rec.id);
        let trash = self.trash_dir().join(&rec.id);
        // Locked before the rename (the lock follows the directory), so no sweep takes it from us.
        let held = fs::File::open(&dir).ok().filter(|f| f.lock().is_ok());
        let renamed = held.is_some()
            && store::create_private_dir(&self.trash_dir()).is_ok()
            && match fs::rename(&dir, &trash) {
                Ok(()) => true,
                // A leftover of an earlier deleter that died: delete it, then try once more.
                Err(_) => remove_dir_if_exists(&trash).is_ok() && fs::rename(&dir, &trash).is_ok(),
            };
        if !renamed {
            let mut st = self
                .load_state(&rec.id)
                .unwrap_or_else(|_| ContainerState::new_created());
            st.status = Status::Removing;
            // Shown by a concurrent `ps` as docker's "Removal In Progress"; not synced, because the directory
            // is deleted next and after a crash `rm` simply runs again.
            if let Ok(data) = serde_json::to_vec_pretty(&st) {
                let _ = store::write_volatile(&dir.join("state.json"), &data);
            }
            remove_dir_if_exists(&dir)?;
        }
        remove_dir_if_exists(&self.run_dir(&rec.id))?;
        Ok(match held {
            Some(held) if renamed => Some(Trash { path: trash, held }),
            _ => None,
        })
    }

    /// Delete what [`Containers::remove_files_deferred`] left in the trash by deleters that did not finish
    /// (a monitor killed between its answer and the deletion). Returns how many entries went.
    pub fn sweep_trash(&self) -> Result<usize> {
        let entries = match fs::read_dir(self.trash_dir()) {
            Ok(rd) => rd,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e).context("reading the trash directory"),
        };
        let mut n = 0;
        for e in entries.flatten() {
            // An entry whose deleter is alive is locked: it is that monitor's to delete.
            let Ok(held) = fs::File::open(e.path()) else {
                continue;
            };
            if held.try_lock().is_ok() && remove_dir_if_exists(&e.path()).is_ok() {
                n += 1;
            }
        }
        Ok(n)
    }
}

/// A container directory in the trash ([`Containers::remove_files_deferred`]), locked (flock on the
/// directory) until [`Trash::delete`]: a sweep skips it while its deleter lives, and takes it once the
/// kernel has dropped a killed deleter's lock.
#[derive(Debug)]
pub struct Trash {
    path: PathBuf,
    held: fs::File,
}

impl Trash {
    pub fn delete(self) -> Result<()> {
        let r = remove_dir_if_exists(&self.path);
        drop(self.held);
        r
    }
}
