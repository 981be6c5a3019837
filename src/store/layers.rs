//! Unpacked layers, `<root>/layers/sha256/<chain-hex>/` (`diff/`, the overlay lowerdir, and
//! `layer.json`), and garbage collection of layers and blobs no image references.
//!
//! A layer is unpacked into a [`NewLayer`] (a `.tmp-*` work dir) and gets its name only by
//! [`NewLayer::commit`]: `layer.json` written, the filesystem synced, then one atomic rename
//! (docs/layout.md "Images", docs/security.md J2, J3). What goes into `diff/` and its verification are the
//! caller's (engine::image). Must not depend on image, registry, engine or cli.

use super::images::ImageIndex;
use super::work::{WorkDir, random_token};
use super::{Paths, remove_tree_owned, sync_dir};
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// `owners` in layer.json: file owners as in the image (rootful).
pub const OWNERS_IMAGE: &str = "image";
/// Rootless, unpacked in a user namespace with the user's subordinate ids.
pub const OWNERS_USERNS: &str = "userns";
/// Rootless without subordinate ids: every file belongs to the user (container root).
pub const OWNERS_NONE: &str = "none";

/// `layer.json`, written inside the layer dir before it is renamed into place.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct LayerMeta {
    pub chain_id: String,
    pub diff_id: String,
    pub parent: Option<String>,
    /// Bytes of file content in `diff/`.
    pub size: u64,
    /// How file owners were applied: [`OWNERS_IMAGE`], [`OWNERS_USERNS`] or [`OWNERS_NONE`]. Absent in
    /// layers of older berth builds: rootful ones applied the owners, rootless ones did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owners: Option<String>,
}

/// The record of the committed layer in `dir`, or None if it is not (fully) there.
pub fn committed(dir: &Path) -> Option<LayerMeta> {
    let data = fs::read(dir.join("layer.json")).ok()?;
    let meta: LayerMeta = serde_json::from_slice(&data).ok()?;
    dir.join("diff").is_dir().then_some(meta)
}

/// The size of the committed layer in `dir`, or None if it is not (fully) there.
pub fn committed_size(dir: &Path) -> Option<u64> {
    committed(dir).map(|m| m.size)
}

/// Move whatever is at `layers/sha256/<chain_hex>` out of the way and delete it: a damaged layer dir, or
/// one to be unpacked again. The caller holds the layer's lock.
pub fn discard(paths: &Paths, chain_hex: &str) -> Result<()> {
    let dest = paths.layer_dir(chain_hex);
    if fs::symlink_metadata(&dest).is_err() {
        return Ok(());
    }
    let tomb = paths.layers_dir().join(format!(".tmp-{}", random_token()?));
    fs::rename(&dest, &tomb).with_context(|| format!("moving aside {}", dest.display()))?;
    remove_tree_owned(&tomb, paths.rootless)
}

/// A layer being unpacked: `layers/sha256/.tmp-<token>/diff/`, removed on drop unless committed.
#[derive(Debug)]
pub struct NewLayer {
    work: WorkDir,
}

impl NewLayer {
    /// Create the work dir and its empty `diff/`, mode 0755: the layer root becomes the container's `/`
    /// when it is the top lowerdir, 0755 as docker makes it (a `./` entry in the layer may set another
    /// mode). The store root above stays 0700.
    pub fn create(paths: &Paths) -> Result<NewLayer> {
        super::mark_top_of_hierarchies(&paths.layers_dir());
        let work = WorkDir::create(paths, &paths.layers_dir())?;
        let diff = work.path().join("diff");
        fs::create_dir(&diff).with_context(|| format!("creating {}", diff.display()))?;
        fs::set_permissions(&diff, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .with_context(|| format!("setting mode of {}", diff.display()))?;
        Ok(NewLayer { work })
    }

    /// Where the layer's tree goes.
    pub fn diff(&self) -> PathBuf {
        self.work.path().join("diff")
    }

    /// The work dir (for files that never become content, removed before the commit).
    pub fn work_dir(&self) -> &Path {
        self.work.path()
    }

    /// Write `layer.json` into the finished layer; [`sync`] then makes the whole layer durable, and only
    /// after that can it be named.
    pub fn finish(self, meta: &LayerMeta) -> Result<FinishedLayer> {
        let hex = meta
            .chain_id
            .strip_prefix("sha256:")
            .filter(|h| super::blobs::is_hex_digest(h))
            .with_context(|| format!("invalid chain ID {}", meta.chain_id))?
            .to_string();
        // No fsync of its own: the syncfs in `sync` writes it with the rest of the layer.
        let p = self.work.path().join("layer.json");
        fs::write(&p, serde_json::to_vec_pretty(meta)?)
            .with_context(|| format!("writing {}", p.display()))?;
        Ok(FinishedLayer {
            layer: self,
            hex,
            syncs_before: SYNCS_STARTED.load(Ordering::SeqCst),
        })
    }
}

/// How many [`sync`] calls have started in this process: a layer finished when the count was n is covered
/// by any sync numbered n + 1 or later.
static SYNCS_STARTED: AtomicU64 = AtomicU64::new(0);

/// A layer with its content and `layer.json` written, waiting for a [`sync`] and its name.
#[derive(Debug)]
pub struct FinishedLayer {
    layer: NewLayer,
    hex: String,
    syncs_before: u64,
}

/// Proof that a syncfs of the store's filesystem completed: it covers every layer finished before it
/// started.
#[derive(Debug)]
pub struct Synced {
    number: u64,
}

/// Make every layer finished so far durable: one `syncfs` of the store's filesystem, shared by all the
/// layers a pull has ready (group commit). Layer content must be durable before its name is
/// (docs/security.md J3). One syncfs, not an fsync per file: a layer may hold thousands of files, and on
/// ext4 every fsync is a journal commit. syncfs returns only once every dirty page and inode of the
/// filesystem (so all of the work dirs, their files, dirs and layer.json) is on stable storage; each
/// commit rename comes after it and is itself made durable by the fsync of the parent in
/// `rename_if_absent`. A crash before that fsync leaves either no name (the `.tmp-*` dir is cleaned) or
/// the name over complete content, never a name over a torn tree.
pub fn sync(paths: &Paths) -> Result<Synced> {
    let number = SYNCS_STARTED.fetch_add(1, Ordering::SeqCst) + 1;
    let dir = File::open(paths.layers_dir()).context("opening the layers dir")?;
    nix::unistd::syncfs(&dir).context("syncing layers")?;
    Ok(Synced { number })
}

impl FinishedLayer {
    /// Give the verified layer its name `layers/sha256/<chain hex>`, once `synced` covers it (otherwise
    /// it is synced here first: a name never comes before its content is durable).
    pub fn commit(mut self, paths: &Paths, synced: &Synced) -> Result<()> {
        if synced.number <= self.syncs_before {
            sync(paths)?;
        }
        self.layer.work.commit(&paths.layer_dir(&self.hex))?;
        Ok(())
    }
}

/// Remove layers and blobs no image of the index references. The caller holds the GC lock exclusively
/// (docs/layout.md "Garbage collection"). Returns the chain IDs removed and the bytes reclaimed.
pub fn collect_garbage(paths: &Paths) -> Result<(Vec<String>, u64)> {
    let idx = ImageIndex::load(paths)?;
    let mut keep_layers = HashSet::new();
    let mut keep_blobs = HashSet::new();
    for rec in idx.images.values() {
        keep_blobs.insert(rec.id.clone());
        keep_blobs.extend(rec.manifest_blobs.iter().cloned());
        // Layer blobs as pulled (or as commit/import wrote them) and the compressed forms push made
        // are kept for push and save (docs/layout.md "Images").
        for l in &rec.layers {
            keep_layers.insert(l.chain_id.clone());
            keep_blobs.insert(l.blob_digest.clone());
            keep_blobs.extend(l.compressed.iter().map(|b| b.digest.clone()));
        }
    }
    let mut removed = Vec::new();
    let mut reclaimed = 0u64;
    if let Ok(rd) = fs::read_dir(paths.layers_dir()) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !super::blobs::is_hex_digest(&name) {
                continue;
            }
            let chain = format!("sha256:{name}");
            if keep_layers.contains(&chain) {
                continue;
            }
            reclaimed += committed_size(&e.path()).unwrap_or(0);
            // Make it invisible first (one rename), then remove; a crash leaves a `.tmp-*` that the next
            // pull cleans.
            let tomb = paths.layers_dir().join(format!(".tmp-{}", random_token()?));
            fs::rename(e.path(), &tomb).with_context(|| format!("removing layer {chain}"))?;
            sync_dir(&paths.layers_dir())?;
            remove_tree_owned(&tomb, paths.rootless)?;
            // Pulls take their layer locks only while holding the GC lock shared, so nobody holds or
            // waits on this one now.
            let _ = fs::remove_file(paths.layer_lock(&name));
            removed.push(chain);
        }
    }
    if let Ok(rd) = fs::read_dir(paths.blobs_dir()) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !super::blobs::is_hex_digest(&name) {
                // A temp file of an atomic write killed midway: no pull runs while GC holds its lock.
                if name.starts_with('.') && name.contains(".tmp-") {
                    let _ = fs::remove_file(e.path());
                }
                continue;
            }
            let d = format!("sha256:{name}");
            if !keep_blobs.contains(&d) {
                reclaimed += e.metadata().map(|m| m.len()).unwrap_or(0);
                fs::remove_file(e.path()).with_context(|| format!("removing blob {d}"))?;
            }
        }
    }
    Ok((removed, reclaimed))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::FS_TOPDIR_FL;
    use crate::store::images::{ImageRecord, LayerRecord};

    fn paths(d: &Path) -> Paths {
        let p = Paths {
            root: d.join("root"),
            run_root: d.join("run"),
            rootless: false,
        };
        for dir in [p.layers_dir(), p.locks_dir(), p.blobs_dir()] {
            crate::store::create_private_dir(&dir).unwrap();
        }
        p
    }

    fn meta(hex: &str) -> LayerMeta {
        LayerMeta {
            chain_id: format!("sha256:{hex}"),
            diff_id: format!("sha256:{hex}"),
            parent: None,
            size: 3,
            owners: Some(OWNERS_IMAGE.into()),
        }
    }

    fn flags(dir: &Path) -> Option<libc::c_int> {
        use std::os::fd::AsRawFd;
        let d = File::open(dir).ok()?;
        let mut f: libc::c_int = 0;
        // SAFETY: as in mark_top_of_hierarchies.
        let r = unsafe { libc::ioctl(d.as_raw_fd(), libc::FS_IOC_GETFLAGS, &mut f) };
        (r == 0).then_some(f)
    }

    #[test]
    fn layers_dir_is_marked_as_the_parent_of_separate_hierarchies_where_the_fs_has_the_flag() {
        use std::os::fd::AsRawFd;
        let d = tempfile::tempdir().unwrap();
        let p = paths(d.path());
        // Whether this filesystem keeps the flag (ext2/3/4 do; the test's temp dir may be elsewhere).
        let probe = File::open(d.path()).unwrap();
        let keeps = flags(d.path()).is_some_and(|f| {
            let f = f | FS_TOPDIR_FL;
            // SAFETY: as in mark_top_of_hierarchies.
            unsafe { libc::ioctl(probe.as_raw_fd(), libc::FS_IOC_SETFLAGS, &f) == 0 }
        }) && flags(d.path()).is_some_and(|f| f & FS_TOPDIR_FL != 0);
        assert_eq!(
            flags(&p.layers_dir()).map(|f| f & FS_TOPDIR_FL),
            flags(&p.layers_dir()).map(|_| 0)
        );
        let _l = NewLayer::create(&p).unwrap();
        if keeps {
            assert_ne!(flags(&p.layers_dir()).unwrap() & FS_TOPDIR_FL, 0);
        }
    }

    #[test]
    fn a_new_layer_is_named_only_by_its_commit_and_gc_removes_it_when_unreferenced() {
        let d = tempfile::tempdir().unwrap();
        let p = paths(d.path());
        let (keep, gone) = ("a".repeat(64), "b".repeat(64));
        for hex in [&keep, &gone] {
            let l = NewLayer::create(&p).unwrap();
            fs::write(l.diff().join("f"), b"abc").unwrap();
            assert!(committed(&p.layer_dir(hex)).is_none());
            let f = l.finish(&meta(hex)).unwrap();
            f.commit(&p, &sync(&p).unwrap()).unwrap();
            let m = committed(&p.layer_dir(hex)).unwrap();
            assert_eq!((m.size, m.owners.as_deref()), (3, Some(OWNERS_IMAGE)));
        }
        // A dropped, uncommitted layer leaves nothing.
        drop(NewLayer::create(&p).unwrap());
        let names = |p: &Paths| {
            let mut v: Vec<String> = fs::read_dir(p.layers_dir())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        };
        assert_eq!(names(&p), vec![keep.clone(), gone.clone()]);
        let layer = |hex: &str| LayerRecord {
            chain_id: format!("sha256:{hex}"),
            diff_id: format!("sha256:{hex}"),
            blob_digest: format!("sha256:{hex}"),
            blob_size: 1,
            media_type: String::new(),
            size: 3,
            compressed: Vec::new(),
        };
        let id = format!("sha256:{}", "c".repeat(64));
        ImageIndex::update(&p, |idx| {
            idx.images.insert(
                id.clone(),
                ImageRecord {
                    id: id.clone(),
                    repo_tags: Vec::new(),
                    repo_digests: Vec::new(),
                    manifest_digest: id.clone(),
                    manifest_media_type: String::new(),
                    manifest_blobs: Vec::new(),
                    layers: vec![layer(&keep)],
                    size: 3,
                    created: None,
                    architecture: String::new(),
                    os: String::new(),
                    variant: None,
                    last_tag_time: None,
                },
            );
            Ok(())
        })
        .unwrap();
        fs::write(p.blob_path(&"d".repeat(64)), b"orphan").unwrap();
        // The record's layer blob (its blob_digest) is kept for push and save.
        fs::write(p.blob_path(&keep), b"layer blob").unwrap();
        let (removed, reclaimed) = collect_garbage(&p).unwrap();
        assert_eq!(removed, vec![format!("sha256:{gone}")]);
        assert_eq!(reclaimed, 3 + 6);
        assert!(p.blob_path(&keep).exists());
        assert_eq!(names(&p), vec![keep.clone()]);
        discard(&p, &keep).unwrap();
        assert!(names(&p).is_empty());
    }
}
