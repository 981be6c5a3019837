//! The build cache (`<root>/buildcache/`, docs/layout.md "Build cache"): step key -> the step's result
//! (its layer, if any, and the image config after it), the built layers as dirs (the next step's
//! overlay lower) and tars (the blob the image is committed from), and the dirs of
//! `RUN --mount=type=cache`.
//!
//! Invariant: `index.json` is read-modified-written only under `buildcache/lock` and replaced atomically;
//! a layer dir gets its name by one rename after its tar is complete, so a concurrent build sees a whole
//! layer or none. An entry whose layer is gone is a miss.

use super::image_config::BuiltLayer;
use crate::image::{Digest, layer_tar};
use crate::store::work::WorkDir;
use crate::store::{FileLock, Paths, create_private_dir, write_atomic};
use anyhow::{Context as _, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest as _, Sha256};
use std::collections::{BTreeMap, HashSet};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    /// The hex of the step's layer (`layers/<hex>`), if it made one.
    pub layer: Option<String>,
    #[serde(default)]
    pub layer_size: u64,
    /// The image config after the step (its history entry and timestamps included, so a cached
    /// rebuild gives the same image ID).
    pub config: Value,
    /// Seconds since the epoch of the last build that used the entry (least recently used goes first).
    pub last_used: u64,
    /// Builds that made or used the entry (`system df -v`'s USAGE); 0 in entries of older builds.
    #[serde(default)]
    pub uses: u64,
}

#[derive(Debug, Default, Serialize, Deserialize)]
struct Index {
    entries: BTreeMap<String, Entry>,
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn ensure_dirs(paths: &Paths) -> Result<()> {
    paths.ensure()?;
    for d in [
        paths.build_cache_dir(),
        paths.build_layers_dir(),
        paths.build_tmp_dir(),
        paths.locks_dir(),
    ] {
        create_private_dir(&d)?;
    }
    Ok(())
}

fn load(paths: &Paths) -> Result<Index> {
    match fs::read(paths.build_cache_index()) {
        Ok(b) => serde_json::from_slice(&b).context("parsing the build cache index"),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Index::default()),
        Err(e) => Err(e).context("reading the build cache index"),
    }
}

fn update<T>(paths: &Paths, f: impl FnOnce(&mut Index) -> Result<T>) -> Result<T> {
    ensure_dirs(paths)?;
    let _lock = FileLock::exclusive(&paths.build_cache_lock())?;
    let mut idx = load(paths)?;
    let r = f(&mut idx)?;
    write_atomic(
        &paths.build_cache_index(),
        &serde_json::to_vec(&idx).context("encoding the build cache index")?,
    )?;
    Ok(r)
}

/// The cached result of `key`, if its layer is still there. Read-only (a shared lock, no write): the
/// build marks what it used once at its end ([`touch`]), so a cached rebuild costs no fsync per step.
pub fn lookup(paths: &Paths, key: &str) -> Result<Option<(Entry, Option<BuiltLayer>)>> {
    if !paths.build_cache_index().exists() {
        return Ok(None);
    }
    let idx = {
        let _lock = FileLock::shared(&paths.build_cache_lock())?;
        load(paths)?
    };
    let Some(e) = idx.entries.get(key) else {
        return Ok(None);
    };
    let layer = match &e.layer {
        None => None,
        Some(hex) => match built_layer(paths, hex, e.layer_size) {
            Some(l) => Some(l),
            None => return Ok(None),
        },
    };
    Ok(Some((e.clone(), layer)))
}

/// Mark `keys` used now (least recently used eviction).
pub fn touch(paths: &Paths, keys: &[String]) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    update(paths, |idx| {
        let now = now_secs();
        for k in keys {
            if let Some(e) = idx.entries.get_mut(k) {
                e.last_used = now;
                e.uses += 1;
            }
        }
        Ok(())
    })
}

fn built_layer(paths: &Paths, hex: &str, size: u64) -> Option<BuiltLayer> {
    let dir = paths.build_layer_dir(hex);
    let (d, t) = (dir.join("diff"), dir.join("layer.tar"));
    (d.is_dir() && t.is_file()).then(|| BuiltLayer {
        diff_id: format!("sha256:{hex}"),
        size,
        dir: d,
        tar: t,
    })
}

/// Record `key`'s result.
pub fn store(paths: &Paths, key: &str, layer: Option<&BuiltLayer>, config: &Value) -> Result<()> {
    update(paths, |idx| {
        idx.entries.insert(
            key.to_string(),
            Entry {
                layer: layer.map(|l| l.diff_id.trim_start_matches("sha256:").to_string()),
                layer_size: layer.map_or(0, |l| l.size),
                config: config.clone(),
                last_used: now_secs(),
                uses: 1,
            },
        );
        Ok(())
    })
}

/// A fresh work dir for one step (removed on drop unless committed as a layer).
pub fn work_dir(paths: &Paths) -> Result<WorkDir> {
    ensure_dirs(paths)?;
    WorkDir::create(paths, &paths.build_tmp_dir())
}

/// Turn `upper` (an overlay upper dir: a RUN's, or a COPY's) into a cached layer: its tar (whiteouts
/// translated, entries sorted, `skip` left out) hashed into the diff ID, then the dir and tar renamed
/// together to `layers/<hex>`. `upper` must be inside `work`. None when the step changed nothing.
pub fn commit_layer(
    paths: &Paths,
    mut work: WorkDir,
    upper: &Path,
    skip: &[PathBuf],
    epoch: Option<i64>,
) -> Result<Option<BuiltLayer>> {
    for rel in skip {
        let p = upper.join(rel);
        let _ = fs::remove_dir(&p).or_else(|_| fs::remove_file(&p));
    }
    if fs::read_dir(upper).is_ok_and(|mut d| d.next().is_none()) {
        return Ok(None);
    }
    let tar = work.path().join("layer.tar");
    let f = File::create_new(&tar).with_context(|| format!("creating {}", tar.display()))?;
    let mut w = io::BufWriter::new(f);
    if paths.rootless {
        crate::runtime::in_userns("writing the step's layer", || {
            layer_tar::write_layer(upper, &[], &mut w)?;
            w.flush().context("writing the layer")
        })?;
    } else {
        layer_tar::write_layer(upper, &[], &mut w)?;
        w.flush().context("writing the layer")?;
    }
    drop(w);
    if let Some(e) = epoch {
        clamp_mtimes(&tar, e.max(0) as u64)?;
    }
    let mut h = Sha256::new();
    let size =
        super::fs_step::hash_reader(&mut h, &mut File::open(&tar)?).context("hashing the layer")?;
    let digest = Digest::from_hasher(h);
    if upper != work.path().join("diff") {
        fs::rename(upper, work.path().join("diff"))
            .with_context(|| format!("moving {} into the build cache", upper.display()))?;
    }
    for extra in ["work", "merged"] {
        let p = work.path().join(extra);
        if p.exists() {
            crate::store::remove_tree_owned(&p, paths.rootless)?;
        }
    }
    let hex = digest.hex().to_string();
    work.commit(&paths.build_layer_dir(&hex))?;
    built_layer(paths, &hex, size)
        .map(Some)
        .with_context(|| format!("layer {hex} vanished from the build cache"))
}

/// A built layer's compressed blob, kept beside its tar (`layers/<hex>/layer.tar.gz|.zst`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CompressedBlob {
    pub digest: String,
    pub size: u64,
    pub media_type: String,
    #[serde(skip)]
    pub path: PathBuf,
}

/// The layer tar `tar` compressed as `c`, made once and kept in the layer's cache dir: the blob file, then
/// its descriptor (`<blob>.json`), each renamed into place, so a descriptor always names a whole blob. The
/// output depends on the tar alone (gzip: no name, mtime 0, level 6; zstd: level 3; push compresses the
/// same way), so two builds of the same layer give the same digest.
pub fn compressed(tar: &Path, c: super::LayerCompression) -> Result<CompressedBlob> {
    let (ext, media_type) = match c {
        super::LayerCompression::Gzip => ("gz", "application/vnd.oci.image.layer.v1.tar+gzip"),
        super::LayerCompression::Zstd => ("zst", "application/vnd.oci.image.layer.v1.tar+zstd"),
    };
    let blob = tar.with_extension(format!("tar.{ext}"));
    let desc = tar.with_extension(format!("tar.{ext}.json"));
    if let Ok(b) = fs::read(&desc)
        && let Ok(mut d) = serde_json::from_slice::<CompressedBlob>(&b)
        && blob.is_file()
    {
        d.path = blob;
        return Ok(d);
    }
    let token = format!(".tmp-{}-{}", std::process::id(), now_secs());
    let tmp = tar.with_extension(format!("tar.{ext}{token}"));
    let made = (|| -> Result<CompressedBlob> {
        struct Hashing<W: Write> {
            w: W,
            h: Sha256,
            n: u64,
        }
        impl<W: Write> Write for Hashing<W> {
            fn write(&mut self, b: &[u8]) -> io::Result<usize> {
                let n = self.w.write(b)?;
                self.h.update(&b[..n]);
                self.n += n as u64;
                Ok(n)
            }
            fn flush(&mut self) -> io::Result<()> {
                self.w.flush()
            }
        }
        let mut input = io::BufReader::with_capacity(
            1 << 20,
            File::open(tar).with_context(|| format!("opening {}", tar.display()))?,
        );
        let out = File::create_new(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let mut hw = Hashing {
            w: io::BufWriter::with_capacity(1 << 20, out),
            h: Sha256::new(),
            n: 0,
        };
        match c {
            super::LayerCompression::Gzip => {
                let mut e = flate2::GzBuilder::new()
                    .mtime(0)
                    .write(&mut hw, flate2::Compression::default());
                io::copy(&mut input, &mut e)?;
                e.finish()?;
            }
            super::LayerCompression::Zstd => {
                let mut e = zstd::stream::write::Encoder::new(&mut hw, 3)?;
                io::copy(&mut input, &mut e)?;
                e.finish()?;
            }
        }
        hw.flush()?;
        // Durable before it gets its name: the descriptor written next is trusted as it is.
        hw.w.get_ref().sync_all()?;
        Ok(CompressedBlob {
            digest: Digest::from_hasher(hw.h).to_string(),
            size: hw.n,
            media_type: media_type.to_string(),
            path: blob.clone(),
        })
    })()
    .with_context(|| format!("compressing {}", tar.display()));
    let d = match made {
        Ok(d) => d,
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            return Err(e);
        }
    };
    fs::rename(&tmp, &blob).with_context(|| format!("storing {}", blob.display()))?;
    write_atomic(&desc, &serde_json::to_vec(&d)?)?;
    Ok(d)
}

/// Rewrite the tar at `path` with every entry's mtime clamped to `epoch` (SOURCE_DATE_EPOCH: two
/// builds of the same inputs give the same layer digests). Raw entries, so PAX headers pass as they are.
fn clamp_mtimes(path: &Path, epoch: u64) -> Result<()> {
    let tmp = path.with_extension("clamped");
    {
        let mut ar = tar::Archive::new(io::BufReader::new(File::open(path)?));
        let mut out = tar::Builder::new(io::BufWriter::new(File::create_new(&tmp)?));
        let mut entries = ar.entries().context("reading the layer")?.raw(true);
        for e in &mut entries {
            let mut e = e.context("reading the layer")?;
            let mut h = e.header().clone();
            if h.mtime().is_ok_and(|m| m > epoch) {
                h.set_mtime(epoch);
                h.set_cksum();
            }
            out.append(&h, &mut e).context("writing the layer")?;
        }
        out.into_inner()?.flush()?;
    }
    fs::rename(&tmp, path).context("replacing the layer")?;
    Ok(())
}

/// What `builder prune` removed.
#[derive(Debug, Clone, Default)]
pub struct PruneReport {
    /// Cache records (steps and mounts) removed.
    pub removed: Vec<String>,
    pub reclaimed: u64,
}

/// `builder prune`: every cached step and layer; with `all`, the `RUN --mount=type=cache` dirs too.
pub fn prune(ctx: &crate::engine::Context, all: bool) -> Result<PruneReport> {
    let paths = &ctx.paths;
    // A killed build's step containers and work dirs go first (they may hold layers as lowers).
    super::sweep::sweep(ctx);
    if !paths.build_cache_dir().exists() {
        return Ok(PruneReport::default());
    }
    let mut report = PruneReport::default();
    update(paths, |idx| {
        report.removed.extend(idx.entries.keys().cloned());
        idx.entries.clear();
        Ok(())
    })?;
    let _lock = FileLock::exclusive(&paths.build_cache_lock())?;
    report.reclaimed += remove_unreferenced(paths, &HashSet::new())?;
    if all {
        let mounts = paths.build_cache_dir().join("mounts");
        if let Ok(rd) = fs::read_dir(&mounts) {
            for e in rd.flatten() {
                report.reclaimed += crate::store::dir_size(&e.path());
                crate::store::remove_tree_owned(&e.path(), paths.rootless)?;
                report
                    .removed
                    .push(e.file_name().to_string_lossy().into_owned());
            }
        }
    }
    Ok(report)
}

/// Remove layer dirs no entry names (and not in `keep`); the caller holds the cache lock.
fn remove_unreferenced(paths: &Paths, keep: &HashSet<String>) -> Result<u64> {
    let idx = load(paths)?;
    let used: HashSet<String> = idx
        .entries
        .values()
        .filter_map(|e| e.layer.clone())
        .chain(keep.iter().cloned())
        .collect();
    let mut reclaimed = 0;
    if let Ok(rd) = fs::read_dir(paths.build_layers_dir()) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') || used.contains(&name) {
                continue;
            }
            reclaimed += crate::store::dir_size(&e.path());
            crate::store::remove_tree_owned(&e.path(), paths.rootless)?;
        }
    }
    Ok(reclaimed)
}

/// Keep the cache under `max_bytes` of layers: least recently used entries go first, never the layers
/// of the build that just ran (`keep`).
pub fn evict(paths: &Paths, max_bytes: u64, keep: &HashSet<String>) -> Result<()> {
    if max_bytes == 0 {
        return Ok(());
    }
    let under = {
        let _lock = FileLock::shared(&paths.build_cache_lock())?;
        load(paths)?
            .entries
            .values()
            .map(|e| e.layer_size)
            .sum::<u64>()
            <= max_bytes
    };
    if under {
        return Ok(());
    }
    update(paths, |idx| {
        let mut total: u64 = idx.entries.values().map(|e| e.layer_size).sum();
        let mut by_age: Vec<(u64, String)> = idx
            .entries
            .iter()
            .map(|(k, e)| (e.last_used, k.clone()))
            .collect();
        by_age.sort();
        for (_, k) in by_age {
            if total <= max_bytes {
                break;
            }
            let Some(e) = idx.entries.get(&k) else {
                continue;
            };
            if e.layer.as_ref().is_some_and(|l| keep.contains(l)) {
                continue;
            }
            total -= e.layer_size;
            idx.entries.remove(&k);
        }
        Ok(())
    })?;
    let _lock = FileLock::exclusive(&paths.build_cache_lock())?;
    remove_unreferenced(paths, keep).map(drop)
}

/// The dir of `RUN --mount=type=cache,id=...` (created on first use).
pub fn mount_dir(paths: &Paths, id: &str) -> Result<PathBuf> {
    ensure_dirs(paths)?;
    create_private_dir(&paths.build_cache_dir().join("mounts"))?;
    let d = paths.build_cache_mount_dir(Digest::of(id.as_bytes()).hex());
    if !d.exists() {
        fs::create_dir_all(&d).with_context(|| format!("creating {}", d.display()))?;
    }
    Ok(d)
}

/// One record of the build cache as `system df -v` lists it (docker's BuildCache: a step's layer, or a
/// `RUN --mount=type=cache` dir).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CacheRecord {
    /// The step key's hex (the layer's diff hex when no step names it), or the mount dir's name.
    pub id: String,
    /// BuildKit's record types: `regular` (a step's layer), `exec.cachemount`.
    pub kind: &'static str,
    /// Bytes on disk (the layer's dir: its tree and its tar).
    pub size: u64,
    /// Seconds since the epoch.
    pub created: u64,
    pub last_used: u64,
    pub uses: u64,
    /// Another step's record names the same layer (its bytes are counted once).
    pub shared: bool,
}

/// The records of the build cache: one per step that made a layer (steps that change only the config
/// have no bytes, as BuildKit keeps no snapshot for them), then the cache mounts. Read under the shared
/// lock; sizes are a snapshot.
pub fn usage(paths: &Paths) -> Result<Vec<CacheRecord>> {
    if !paths.build_cache_dir().exists() {
        return Ok(Vec::new());
    }
    let idx = if paths.build_cache_index().exists() {
        let _lock = FileLock::shared(&paths.build_cache_lock())?;
        load(paths)?
    } else {
        Index::default()
    };
    let mtime = |p: &Path| {
        fs::metadata(p)
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs())
    };
    let mut refs: BTreeMap<&str, usize> = BTreeMap::new();
    for e in idx.entries.values() {
        if let Some(l) = &e.layer {
            *refs.entry(l.as_str()).or_default() += 1;
        }
    }
    let mut out = Vec::new();
    let mut sized: HashSet<&str> = HashSet::new();
    for (key, e) in &idx.entries {
        let Some(layer) = e.layer.as_deref() else {
            continue;
        };
        let dir = paths.build_layer_dir(layer);
        if !dir.is_dir() {
            continue;
        }
        // A layer named by several steps counts its bytes once, on its first record.
        let size = if sized.insert(layer) {
            crate::store::dir_size(&dir)
        } else {
            0
        };
        out.push(CacheRecord {
            id: key.clone(),
            kind: "regular",
            size,
            created: mtime(&dir),
            last_used: e.last_used,
            uses: e.uses,
            shared: refs.get(layer).is_some_and(|n| *n > 1),
        });
    }
    if let Ok(rd) = fs::read_dir(paths.build_cache_dir().join("mounts")) {
        for d in rd.flatten() {
            let p = d.path();
            out.push(CacheRecord {
                id: d.file_name().to_string_lossy().into_owned(),
                kind: "exec.cachemount",
                size: crate::store::dir_size(&p),
                created: mtime(&p),
                last_used: mtime(&p),
                uses: 0,
                shared: false,
            });
        }
    }
    // docker lists the most recently used first.
    out.sort_by(|a, b| b.last_used.cmp(&a.last_used).then_with(|| a.id.cmp(&b.id)));
    Ok(out)
}
