//! Image verbs: pull, list, inspect, tag, remove, prune, and the lookups the container side uses
//! (`resolve_local`, `image_layers`, `image_config`).
//!
//! Pull is one streaming pass per layer, never holding a layer in memory: registry blob (size and sha256
//! checked by the registry client, or here for other sources) -> decompress -> sha256 (diffID) -> unpack
//! into `layers/sha256/.tmp-*`; the stream is drained to EOF, then size, digest and diffID are compared,
//! the layer is synced and renamed to its chain ID (docs/security.md A17, C1, C6, J2, J3). The compressed
//! blob is not stored: as in docker, the unpacked layer (keyed by chain ID) is the content, and an image
//! record keeps each layer's blob digest, size and media type as distribution metadata only. So a layer
//! already stored through another image, whatever that image's compression, is never fetched again:
//! the verified config's diffIDs pin its content, and nothing ever needs this image's blob. Layers are shared by chain ID and pulled under a per-layer
//! lock, so concurrent pulls store each layer once (J1). The index is changed under its lock.
//! Lock order (never the other way round): `gc.lock` (pull: shared, rmi/prune: exclusive) ->
//! `layer-<chain>.lock` -> `images.lock`.
//! Must not print or know about terminals; network access only through [`Source`] (the registry client).

use super::{Context, LayerStatus, Progress};
use crate::image::manifest::{self, Document};
use crate::image::{
    Digest, ImageRef, Platform, UnpackLimits, chain_ids, compression, unpack_layer,
};
use crate::store::images::{ImageIndex, ImageRecord, LayerRecord};
use crate::store::work::{WorkDir, clean_stale};
use crate::store::{FileLock, Paths, create_private_dir, sync_dir, write_atomic};
use anyhow::{Context as _, Result, anyhow, bail};
use oci_spec::distribution::Reference;
use sha2::{Digest as _, Sha256};
use std::fs::{self, File};
use std::io::{self, BufReader, Read};
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The image named does not exist locally (the CLI prints docker's `No such image: x`).
#[derive(Debug, thiserror::Error)]
#[error("No such image: {0}")]
pub struct NoSuchImage(pub String);

/// An image cannot be removed without force (docker's "conflict: unable to ..." errors).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct ImageConflict(pub String);

/// A manifest exactly as served, with its verified digest.
#[derive(Debug, Clone)]
pub struct FetchedManifest {
    pub bytes: Vec<u8>,
    pub media_type: String,
    pub digest: String,
}

/// Where pull gets its bytes: the registry client in berth, an in-memory registry in tests. Every
/// implementation verifies what it returns (manifests against the requested digest or the header; blobs
/// at EOF), and pull checks again.
pub trait Source: Sync {
    fn fetch_manifest(&self, r: &Reference) -> Result<FetchedManifest>;
    fn fetch_blob(&self, r: &Reference, digest: &str, size: u64) -> Result<Box<dyn Read + Send>>;
    fn fetch_blob_bytes(&self, r: &Reference, digest: &str, size: u64, max: u64)
    -> Result<Vec<u8>>;
    /// True when `fetch_blob`'s reader itself fails the read that would return EOF unless exactly `size`
    /// bytes with the digest came through (the registry client's `BlobReader`). Pull then skips its own
    /// second sha256 of the compressed stream (200 MB of SHA-256 is ~0.2 s of CPU) and keeps the size
    /// check; other sources are hashed by pull.
    fn verifies_blobs(&self) -> bool {
        false
    }
}

impl Source for crate::registry::Client {
    fn fetch_manifest(&self, r: &Reference) -> Result<FetchedManifest> {
        let m = crate::registry::Client::fetch_manifest(self, r)?;
        Ok(FetchedManifest {
            bytes: m.bytes,
            media_type: m.media_type,
            digest: m.digest,
        })
    }
    fn fetch_blob(&self, r: &Reference, digest: &str, size: u64) -> Result<Box<dyn Read + Send>> {
        crate::registry::Client::fetch_blob(self, r, digest, size)
    }
    fn fetch_blob_bytes(
        &self,
        r: &Reference,
        digest: &str,
        size: u64,
        max: u64,
    ) -> Result<Vec<u8>> {
        crate::registry::Client::fetch_blob_bytes(self, r, digest, size, max)
    }
    fn verifies_blobs(&self) -> bool {
        true
    }
}

/// docker's final pull status line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PullStatus {
    /// "Downloaded newer image for ..."
    Downloaded,
    /// "Image is up to date for ..."
    UpToDate,
}

#[derive(Debug, Clone)]
pub struct PullReport {
    /// The normalised reference pulled (`docker.io/library/busybox:latest`).
    pub reference: ImageRef,
    /// The image ID (config digest).
    pub id: String,
    /// The digest the reference resolved to (the index's when pulled through one).
    pub digest: String,
    pub status: PullStatus,
    /// Warnings from unpacking (rootless ownership, skipped device nodes).
    pub warnings: Vec<String>,
}

/// Options of `pull`.
#[derive(Debug, Clone, Default)]
pub struct PullOptions {
    /// `--platform os/arch[/variant]`; None is the host platform.
    pub platform: Option<String>,
}

/// `berth pull`: fetch `reference` from its registry.
pub fn pull(
    ctx: &Context,
    reference: &str,
    opts: &PullOptions,
    progress: &dyn Progress,
) -> Result<PullReport> {
    let (candidates, _) = super::short_name::candidates(&ctx.config, reference)?;
    let client = crate::registry::Client::new(&ctx.config)?;
    pull_candidates(ctx, &client, reference, &candidates, opts, progress)
}

/// Pull the first of `candidates` (what a short name stands for) that succeeds; with several (podman's
/// unqualified-search registries) the error names what each one said.
pub fn pull_candidates(
    ctx: &Context,
    src: &dyn Source,
    name: &str,
    candidates: &[ImageRef],
    opts: &PullOptions,
    progress: &dyn Progress,
) -> Result<PullReport> {
    let mut failures = Vec::new();
    for r in candidates {
        match pull_from(ctx, src, r, opts, progress) {
            Ok(report) => return Ok(report),
            Err(e) if candidates.len() == 1 => return Err(e),
            Err(e) => failures.push(format!("{r}: {e:#}")),
        }
    }
    bail!(
        "pulling {name}: every unqualified-search registry failed: {}",
        failures.join("; ")
    )
}

/// Limits for unpacking, from the config's `limits` section.
pub fn unpack_limits(ctx: &Context) -> UnpackLimits {
    UnpackLimits {
        max_layer_bytes: ctx.config.limits.max_layer_bytes,
        max_entries: ctx.config.limits.max_entries,
        ..UnpackLimits::default()
    }
}

/// Pull `r` from `src` into the store.
pub fn pull_from(
    ctx: &Context,
    src: &dyn Source,
    r: &ImageRef,
    opts: &PullOptions,
    progress: &dyn Progress,
) -> Result<PullReport> {
    let want = match &opts.platform {
        Some(p) => Platform::parse(p)?,
        None => Platform::host(),
    };
    let explicit_variant = opts
        .platform
        .as_deref()
        .is_some_and(|p| p.split('/').count() == 3);
    let paths = &ctx.paths;
    paths.ensure()?;
    for d in [paths.blobs_dir(), paths.layers_dir(), paths.locks_dir()] {
        create_private_dir(&d)?;
    }
    // Held shared until the record is saved, so GC (exclusive) cannot remove layers in between, and
    // stale-work cleanup never overlaps GC's own removals.
    let _gc = FileLock::shared(&paths.gc_lock())?;
    clean_stale(paths)?;

    let top = fetch_verified_manifest(
        src,
        r.reference(),
        r.digest(),
        ctx.config.limits.max_manifest_bytes,
    )?;
    let top_digest = Digest::parse(&top.digest)?;
    let mut manifest_blobs = vec![(top_digest.clone(), top.bytes.clone())];
    let (manifest, manifest_digest) = match manifest::parse_document(&top.bytes, &top.media_type)? {
        Document::Manifest(m) => (m, top_digest.clone()),
        Document::Index { manifests, .. } => {
            let pick = manifest::select_platform(&manifests, &want, explicit_variant)?;
            let pinned = r.with_digest(&pick.digest);
            let m = fetch_verified_manifest(
                src,
                pinned.reference(),
                Some(&pick.digest),
                ctx.config.limits.max_manifest_bytes,
            )?;
            if m.bytes.len() as u64 != pick.size {
                bail!(
                    "manifest {} is {} bytes, the index says {}",
                    pick.digest,
                    m.bytes.len(),
                    pick.size
                );
            }
            match manifest::parse_document(&m.bytes, &m.media_type)? {
                Document::Manifest(man) => {
                    manifest_blobs.push((pick.digest.clone(), m.bytes));
                    (man, pick.digest.clone())
                }
                Document::Index { .. } => {
                    bail!("nested image indexes are not supported ({})", pick.digest)
                }
            }
        }
    };
    // Every later fetch is pinned to the verified manifest digest (docs/security.md C4).
    let pinned = r.with_digest(&manifest_digest);
    let max_config = ctx.config.limits.max_config_bytes;
    let config_bytes = src
        .fetch_blob_bytes(
            pinned.reference(),
            manifest.config.digest.as_str(),
            manifest.config.size,
            max_config,
        )
        .with_context(|| format!("fetching image config {}", manifest.config.digest))?;
    if Digest::of(&config_bytes) != manifest.config.digest
        || config_bytes.len() as u64 != manifest.config.size
    {
        bail!(
            "image config does not match its digest {}",
            manifest.config.digest
        );
    }
    let config = manifest::parse_config(&config_bytes, &manifest)?;
    if opts.platform.is_some() {
        let got = Platform {
            os: config.os.clone(),
            architecture: config.architecture.clone(),
            variant: config.variant.clone(),
        };
        if got.normalized().os != want.os || got.normalized().architecture != want.architecture {
            bail!(
                "image with reference {r} was found but does not match the specified platform: wanted {want}, actual: {got}"
            );
        }
    }
    for (d, bytes) in manifest_blobs.iter().chain(std::iter::once(&(
        manifest.config.digest.clone(),
        config_bytes.clone(),
    ))) {
        put_blob(paths, d, bytes)?;
    }

    let diff_ids = &config.rootfs.diff_ids;
    let chains = chain_ids(diff_ids);
    let limits = unpack_limits(ctx);
    let warnings = Mutex::new(Vec::<String>::new());
    let sizes = Mutex::new(vec![0u64; manifest.layers.len()]);
    let next = AtomicUsize::new(0);
    let first_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    // Layers already in the store are reported as docker does ("Already exists") and never fetched;
    // an image that is already complete reports no layers at all (docker's "up to date" pull).
    let known = ImageIndex::load(paths)?
        .images
        .contains_key(manifest.config.digest.as_str());
    let mut pending = Vec::new();
    for (i, size) in sizes
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .iter_mut()
        .enumerate()
    {
        match committed_layer_size(&paths.layer_dir(chains[i].hex())) {
            Some(s) => *size = s,
            None => pending.push(i),
        }
    }
    let quiet_layers = known && pending.is_empty();
    for (i, l) in manifest.layers.iter().enumerate() {
        if pending.contains(&i) {
            progress.on_layer_start(l.digest.short(), l.size);
        } else if !quiet_layers {
            progress.on_layer_done(l.digest.short(), LayerStatus::AlreadyExists);
        }
    }
    let workers = ctx
        .config
        .registry
        .max_parallel_downloads
        .clamp(1, 16)
        .min(pending.len().max(1));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let k = next.fetch_add(1, Ordering::SeqCst);
                    if k >= pending.len()
                        || first_error
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .is_some()
                    {
                        return;
                    }
                    let i = pending[k];
                    let job = LayerJob {
                        paths,
                        src,
                        r: &pinned,
                        desc: &manifest.layers[i],
                        diff_id: &diff_ids[i],
                        chain_id: &chains[i],
                        parent: i.checked_sub(1).map(|p| &chains[p]),
                        limits: &limits,
                        rootless: paths.rootless,
                        progress,
                    };
                    match job.run() {
                        Ok((status, size, w)) => {
                            sizes.lock().unwrap_or_else(|e| e.into_inner())[i] = size;
                            warnings.lock().unwrap_or_else(|e| e.into_inner()).extend(w);
                            progress.on_layer_done(manifest.layers[i].digest.short(), status);
                        }
                        Err(e) => {
                            let e =
                                e.context(format!("pulling layer {}", manifest.layers[i].digest));
                            first_error
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .get_or_insert(e);
                            return;
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = first_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    let sizes = sizes.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut warnings = warnings.into_inner().unwrap_or_else(|e| e.into_inner());
    warnings.sort();
    warnings.dedup();

    let id = manifest.config.digest.to_string();
    let layers: Vec<LayerRecord> = manifest
        .layers
        .iter()
        .enumerate()
        .map(|(i, l)| LayerRecord {
            chain_id: chains[i].to_string(),
            diff_id: diff_ids[i].to_string(),
            blob_digest: l.digest.to_string(),
            blob_size: l.size,
            media_type: l.media_type.clone(),
            size: sizes[i],
        })
        .collect();
    let repo_digest = format!("{}@{}", r.name(), top_digest);
    let tag = r.tagged();
    let now = rfc3339_now();
    let status = ImageIndex::update(paths, |idx| {
        let was_here = match &tag {
            Some(t) => idx
                .images
                .get(&id)
                .is_some_and(|rec| rec.repo_tags.contains(t)),
            None => idx
                .images
                .get(&id)
                .is_some_and(|rec| rec.repo_digests.contains(&repo_digest)),
        };
        if let Some(t) = &tag {
            idx.untag_everywhere(t);
        }
        let rec = idx.images.entry(id.clone()).or_insert_with(|| ImageRecord {
            id: id.clone(),
            repo_tags: Vec::new(),
            repo_digests: Vec::new(),
            manifest_digest: manifest_digest.to_string(),
            manifest_media_type: manifest.media_type.clone(),
            manifest_blobs: Vec::new(),
            layers: layers.clone(),
            size: sizes.iter().sum(),
            created: config.created.clone(),
            architecture: config.architecture.clone(),
            os: config.os.clone(),
            variant: config.variant.clone(),
            last_tag_time: None,
        });
        if let Some(t) = &tag {
            rec.repo_tags.push(t.clone());
            if !was_here {
                rec.last_tag_time = Some(now.clone());
            }
        }
        // One repo digest per repository, the latest pulled (docker keeps the same shape).
        let repo_prefix = format!("{}@", r.name());
        rec.repo_digests.retain(|d| !d.starts_with(&repo_prefix));
        rec.repo_digests.push(repo_digest.clone());
        for (d, _) in &manifest_blobs {
            if !rec.manifest_blobs.contains(&d.to_string()) {
                rec.manifest_blobs.push(d.to_string());
            }
        }
        Ok(if was_here {
            PullStatus::UpToDate
        } else {
            PullStatus::Downloaded
        })
    })?;
    Ok(PullReport {
        reference: r.clone(),
        id,
        digest: top_digest.to_string(),
        status,
        warnings,
    })
}

fn fetch_verified_manifest(
    src: &dyn Source,
    r: &Reference,
    want: Option<&Digest>,
    max_bytes: u64,
) -> Result<FetchedManifest> {
    let m = src
        .fetch_manifest(r)
        .with_context(|| format!("fetching manifest for {r}"))?;
    // docs/security.md C3: the registry client bounds its reads; any source is held to the same limit.
    if m.bytes.len() as u64 > max_bytes {
        bail!(
            "manifest for {r} is {} bytes, over the limit of {max_bytes} (limits.max_manifest_bytes)",
            m.bytes.len()
        );
    }
    let actual = Digest::of(&m.bytes);
    if actual.as_str() != m.digest || want.is_some_and(|w| *w != actual) {
        bail!("manifest for {r} does not match its digest");
    }
    Ok(m)
}

/// Store a small verified blob (manifest, config) under its digest.
fn put_blob(paths: &Paths, d: &Digest, bytes: &[u8]) -> Result<()> {
    if Digest::of(bytes) != *d {
        bail!("blob does not match its digest {d}");
    }
    let p = paths.blob_path(d.hex());
    if p.exists() {
        return Ok(());
    }
    write_atomic(&p, bytes)
}

struct LayerJob<'a> {
    paths: &'a Paths,
    src: &'a dyn Source,
    r: &'a ImageRef,
    desc: &'a manifest::Descriptor,
    diff_id: &'a Digest,
    chain_id: &'a Digest,
    parent: Option<&'a Digest>,
    limits: &'a UnpackLimits,
    rootless: bool,
    progress: &'a dyn Progress,
}

/// `layer.json`, written inside the layer dir before it is renamed into place.
#[derive(serde::Serialize, serde::Deserialize)]
struct LayerMeta {
    chain_id: String,
    diff_id: String,
    parent: Option<String>,
    size: u64,
}

impl LayerJob<'_> {
    /// Download, verify and unpack one layer; returns how it ended, its unpacked size and warnings.
    fn run(&self) -> Result<(LayerStatus, u64, Vec<String>)> {
        let hex = self.chain_id.hex();
        let _lock = FileLock::exclusive(&self.paths.layer_lock(hex))?;
        let dest = self.paths.layer_dir(hex);
        if let Some(size) = committed_layer_size(&dest) {
            return Ok((LayerStatus::AlreadyExists, size, Vec::new()));
        }
        if fs::symlink_metadata(&dest).is_ok() {
            // A damaged layer dir (no layer.json or diff/): berth never commits one, so something
            // else broke it. Move it out of the way under our lock and pull the layer again.
            let tomb = self
                .paths
                .layers_dir()
                .join(format!(".tmp-{}", crate::store::work::random_token()?));
            fs::rename(&dest, &tomb).with_context(|| format!("moving aside {}", dest.display()))?;
            crate::store::remove_tree(&tomb)?;
        }
        let mut work = WorkDir::create(self.paths, &self.paths.layers_dir())?;
        let reader = self.src.fetch_blob(
            self.r.reference(),
            self.desc.digest.as_str(),
            self.desc.size,
        )?;
        let mut tee = BlobStream {
            inner: reader,
            hasher: (!self.src.verifies_blobs()).then(Sha256::new),
            count: 0,
            limit: self.desc.size,
            progress: self.progress,
            id: self.desc.digest.short(),
        };
        // The layer root becomes the container's `/` when it is the top lowerdir: 0755 as docker makes
        // it (a `./` entry in the layer may set another mode). The store root above stays 0700.
        let diff = work.path().join("diff");
        fs::create_dir(&diff).with_context(|| format!("creating {}", diff.display()))?;
        fs::set_permissions(&diff, std::os::unix::fs::PermissionsExt::from_mode(0o755))
            .with_context(|| format!("setting mode of {}", diff.display()))?;
        let (report, diff_digest) = {
            let buffered = BufReader::with_capacity(256 << 10, &mut tee);
            let decompressed = compression::decompress(
                buffered,
                &self.desc.media_type,
                self.limits.zstd_window_log_max,
            )?;
            let mut hashed = HashReader {
                inner: decompressed,
                hasher: Sha256::new(),
                count: 0,
                limit: self.limits.max_layer_bytes,
            };
            let report = unpack_layer(&mut hashed, &diff, self.limits, self.rootless)?;
            // Trailing bytes after the end-of-archive blocks are part of the diffID (docs/security.md A17).
            io::copy(&mut hashed, &mut io::sink()).context("reading the rest of the layer")?;
            (report, Digest::from_hasher(hashed.hasher))
        };
        // Whatever the decompressor left unread still belongs to the blob.
        io::copy(&mut tee, &mut io::sink()).context("reading the rest of the layer blob")?;
        if tee.count != self.desc.size {
            bail!(
                "layer blob is {} bytes, the manifest says {}",
                tee.count,
                self.desc.size
            );
        }
        // A source that verifies its blobs has already failed the drain above on a digest mismatch.
        if let Some(h) = tee.hasher.take() {
            let blob_digest = Digest::from_hasher(h);
            if blob_digest != self.desc.digest {
                bail!(
                    "layer blob digest is {blob_digest}, the manifest says {}",
                    self.desc.digest
                );
            }
        }
        if diff_digest != *self.diff_id {
            bail!(
                "layer diffID is {diff_digest}, the image config says {}",
                self.diff_id
            );
        }
        let meta = LayerMeta {
            chain_id: self.chain_id.to_string(),
            diff_id: self.diff_id.to_string(),
            parent: self.parent.map(ToString::to_string),
            size: report.file_bytes,
        };
        write_atomic(
            &work.path().join("layer.json"),
            &serde_json::to_vec_pretty(&meta)?,
        )?;
        // Layer content must be durable before its name is (docs/security.md J3). One syncfs, not an fsync
        // per file: a layer may hold thousands of files, and on ext4 every fsync is a journal commit.
        // syncfs returns only once every dirty page and inode of the filesystem (so all of `work`, its
        // files, dirs and layer.json) is on stable storage; the commit rename comes after it and is
        // itself made durable by the fsync of the parent in `rename_if_absent`. A crash before that
        // fsync leaves either no name (the `.tmp-*` dir is cleaned) or the name over complete content,
        // never a name over a torn tree.
        let dir = File::open(work.path()).context("opening layer work dir")?;
        nix::unistd::syncfs(&dir).context("syncing layer")?;
        work.commit(&dest)?;
        Ok((LayerStatus::Downloaded, report.file_bytes, report.warnings))
    }
}

/// The size of a committed layer, or None if it is not (fully) there.
fn committed_layer_size(dir: &std::path::Path) -> Option<u64> {
    let data = fs::read(dir.join("layer.json")).ok()?;
    let meta: LayerMeta = serde_json::from_slice(&data).ok()?;
    dir.join("diff").is_dir().then_some(meta.size)
}

/// The compressed layer stream: counted, reported as progress and, unless the source verifies blobs
/// itself, hashed; refuses more than the descriptor size. It is not kept on disk: the store keeps the
/// unpacked layer only, as docker does (nothing reads a compressed layer back).
struct BlobStream<'a> {
    inner: Box<dyn Read + Send>,
    hasher: Option<Sha256>,
    count: u64,
    limit: u64,
    progress: &'a dyn Progress,
    id: &'a str,
}

impl Read for BlobStream<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limit {
            return Err(io::Error::other(format!(
                "layer blob is larger than the {} bytes the manifest says",
                self.limit
            )));
        }
        if let Some(h) = &mut self.hasher {
            h.update(&buf[..n]);
        }
        if n > 0 {
            self.progress.on_bytes(self.id, n as u64);
        }
        Ok(n)
    }
}

/// Hashes the decompressed stream (the diffID) and bounds its size (decompression bombs).
struct HashReader<R> {
    inner: R,
    hasher: Sha256,
    count: u64,
    limit: u64,
}

impl<R: Read> Read for HashReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count += n as u64;
        if self.count > self.limit {
            return Err(io::Error::other(format!(
                "layer is larger than {} bytes uncompressed (limit max_layer_bytes)",
                self.limit
            )));
        }
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Every local image, newest first (docker's order for `images`).
pub fn list_images(ctx: &Context) -> Result<Vec<ImageRecord>> {
    let idx = ImageIndex::load(&ctx.paths)?;
    let mut v: Vec<ImageRecord> = idx.images.into_values().collect();
    v.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    Ok(v)
}

/// Find a local image by `name[:tag]`, `name@digest`, full ID or a unique ID prefix (docker's order).
/// A short name looks for what registries.conf's aliases or search registries make of it first
/// (podman's local lookup), then for docker's `docker.io/library/` meaning.
pub fn resolve_local(ctx: &Context, name_or_id: &str) -> Result<ImageRecord> {
    let idx = ImageIndex::load(&ctx.paths)?;
    if let Ok((
        candidates,
        super::short_name::Resolution::Alias(_) | super::short_name::Resolution::Search,
    )) = super::short_name::candidates(&ctx.config, name_or_id)
        && let Some(id) = candidates.iter().find_map(|c| find(&idx, &c.full()).ok())
    {
        return Ok(idx.images[&id].clone());
    }
    find(&idx, name_or_id).map(|id| idx.images[&id].clone())
}

fn find(idx: &ImageIndex, s: &str) -> Result<String> {
    let hexpart = s.strip_prefix("sha256:").unwrap_or(s);
    let is_hex = !hexpart.is_empty()
        && hexpart.len() <= 64
        && hexpart.bytes().all(|b| b.is_ascii_hexdigit());
    // A full ID always means the ID.
    if is_hex
        && hexpart.len() == 64
        && let Some(rec) = idx.images.values().find(|r| r.id[7..] == *hexpart)
    {
        return Ok(rec.id.clone());
    }
    if let Ok(r) = ImageRef::parse(s) {
        if let Some(t) = r.tagged()
            && let Some(rec) = idx.images.values().find(|rec| rec.repo_tags.contains(&t))
        {
            return Ok(rec.id.clone());
        }
        if let Some(d) = r.digest() {
            let want = format!("{}@{d}", r.name());
            if let Some(rec) = idx.images.values().find(|rec| {
                rec.repo_digests.contains(&want)
                    || rec.manifest_blobs.iter().any(|m| m == d.as_str())
            }) {
                return Ok(rec.id.clone());
            }
        }
    }
    if is_hex {
        let hits: Vec<&ImageRecord> = idx
            .images
            .values()
            .filter(|r| r.id[7..].starts_with(hexpart))
            .collect();
        match hits.len() {
            1 => return Ok(hits[0].id.clone()),
            0 => {}
            _ => bail!("multiple IDs found with provided prefix: {s}"),
        }
    }
    Err(NoSuchImage(s.to_string()).into())
}

/// The unpacked layer dirs of an image, lowest first (overlay wants them highest first: reverse).
pub fn image_layers(paths: &Paths, image: &ImageRecord) -> Result<Vec<PathBuf>> {
    image
        .layers
        .iter()
        .map(|l| {
            let d = Digest::parse(&l.chain_id)?;
            let dir = paths.layer_dir(d.hex());
            if committed_layer_size(&dir).is_none() {
                bail!(
                    "layer {} of image {} is missing from the store",
                    l.chain_id,
                    image.id
                );
            }
            Ok(dir.join("diff"))
        })
        .collect()
}

/// The raw config JSON of an image, as pulled.
pub fn image_config_json(paths: &Paths, image: &ImageRecord) -> Result<serde_json::Value> {
    let d = Digest::parse(&image.id)?;
    let p = paths.blob_path(d.hex());
    let data = fs::read(&p).with_context(|| format!("reading image config {}", p.display()))?;
    if Digest::of(&data) != d {
        bail!(
            "image config {} in the store does not match its digest",
            image.id
        );
    }
    serde_json::from_slice(&data).with_context(|| format!("parsing image config {}", image.id))
}

/// The image config as oci_spec's type (what the container side turns into a runtime spec).
pub fn image_config(
    paths: &Paths,
    image: &ImageRecord,
) -> Result<oci_spec::image::ImageConfiguration> {
    let v = image_config_json(paths, image)?;
    serde_json::from_value(v).with_context(|| format!("parsing image config {}", image.id))
}

/// docker's `image inspect` object for one image.
pub fn inspect_image(ctx: &Context, name_or_id: &str) -> Result<serde_json::Value> {
    let rec = resolve_local(ctx, name_or_id)?;
    let cfg = image_config_json(&ctx.paths, &rec)?;
    let familiar = |s: &String| crate::image::reference::familiar_name(s);
    let mut config = serde_json::json!({
        "Hostname": "", "Domainname": "", "User": "", "AttachStdin": false, "AttachStdout": false,
        "AttachStderr": false, "Tty": false, "OpenStdin": false, "StdinOnce": false, "Env": null,
        "Cmd": null, "Image": "", "Volumes": null, "WorkingDir": "", "Entrypoint": null, "OnBuild": null,
        "Labels": null
    });
    if let (Some(dst), Some(src)) = (
        config.as_object_mut(),
        cfg.get("config").and_then(|c| c.as_object()),
    ) {
        for (k, v) in src {
            dst.insert(k.clone(), v.clone());
        }
    }
    let mut out = serde_json::json!({
        "Id": rec.id,
        "RepoTags": rec.repo_tags.iter().map(familiar).collect::<Vec<_>>(),
        "RepoDigests": rec.repo_digests.iter().map(familiar).collect::<Vec<_>>(),
        "Parent": "",
        "Comment": cfg.get("comment").cloned().unwrap_or(serde_json::json!("")),
        "Created": rec.created.clone().unwrap_or_default(),
        "DockerVersion": cfg.get("docker_version").cloned().unwrap_or(serde_json::json!("")),
        "Author": cfg.get("author").cloned().unwrap_or(serde_json::json!("")),
        "Config": config,
        "Architecture": rec.architecture,
        "Os": rec.os,
        "Size": rec.size,
        "GraphDriver": {
            "Data": {
                "LowerDir": image_layers(&ctx.paths, &rec)?.iter().rev().map(|p| p.display().to_string()).collect::<Vec<_>>().join(":"),
            },
            "Name": "overlay2"
        },
        "RootFS": { "Type": "layers", "Layers": rec.layers.iter().map(|l| l.diff_id.clone()).collect::<Vec<_>>() },
        "Metadata": { "LastTagTime": rec.last_tag_time.clone().unwrap_or_else(|| "0001-01-01T00:00:00Z".into()) },
    });
    // docker prints Variant right after Architecture, and only when the image has one.
    if let (Some(v), Some(o)) = (&rec.variant, out.as_object_mut()) {
        let mut ordered = serde_json::Map::new();
        for (k, val) in std::mem::take(o) {
            let after = k == "Architecture";
            ordered.insert(k, val);
            if after {
                ordered.insert("Variant".into(), serde_json::json!(v));
            }
        }
        *o = ordered;
    }
    Ok(out)
}

/// `berth tag SOURCE TARGET`.
pub fn tag(ctx: &Context, source: &str, target: &str) -> Result<()> {
    let t = ImageRef::parse(target)?;
    if t.digest().is_some() {
        bail!("refusing to create a tag with a digest reference");
    }
    let tag = t.tagged().context("target reference has no tag")?;
    ImageIndex::update(&ctx.paths, |idx| {
        let id = find(idx, source)?;
        if idx.images[&id].repo_tags.contains(&tag) {
            return Ok(());
        }
        idx.untag_everywhere(&tag);
        let rec = idx
            .images
            .get_mut(&id)
            .ok_or_else(|| anyhow!("image {id} vanished"))?;
        rec.repo_tags.push(tag.clone());
        rec.last_tag_time = Some(rfc3339_now());
        Ok(())
    })
}

/// One line of `rmi`/`prune` output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Removal {
    /// A familiar `name:tag` or `name@digest`.
    Untagged(String),
    /// An image ID or a layer chain ID.
    Deleted(String),
}

/// `berth rmi NAME...`: each name gets its own result (`rm a b c` can partly succeed).
pub fn remove_images(ctx: &Context, names: &[String], force: bool) -> Vec<Result<Vec<Removal>>> {
    names.iter().map(|n| remove_image(ctx, n, force)).collect()
}

/// Remove one image (or one of its tags). A tag is untagged; the image goes with its last tag, or when
/// named by ID (with `force` if it has several tags). Images used by containers are refused unless
/// `force`, and then only untagged (docker leaves them dangling). Unused layers and blobs are collected.
pub fn remove_image(ctx: &Context, name: &str, force: bool) -> Result<Vec<Removal>> {
    let paths = &ctx.paths;
    let _gc = FileLock::exclusive(&paths.gc_lock())?;
    let out = ImageIndex::update(paths, |idx| {
        let id = find(idx, name)?;
        let rec = idx.images[&id].clone();
        let by_tag = ImageRef::parse(name)
            .ok()
            .and_then(|r| r.tagged())
            .filter(|t| rec.repo_tags.contains(t));
        let by_digest = ImageRef::parse(name)
            .ok()
            .filter(|r| r.digest().is_some())
            .map(|r| r.full())
            .filter(|d| rec.repo_digests.contains(d));
        let users: Vec<String> = crate::store::containers_using(paths, &id).collect();
        let short = &id[7..19];
        let mut lines = Vec::new();
        if let Some(t) = &by_tag {
            if rec.repo_tags.len() > 1 || !users.is_empty() && force {
                idx.untag_everywhere(t);
                return Ok(vec![Removal::Untagged(
                    crate::image::reference::familiar_name(t),
                )]);
            }
            if !users.is_empty() {
                return Err(ImageConflict(format!(
                    "conflict: unable to remove repository reference \"{name}\" (must force) - container {} is using its referenced image {short}",
                    &users[0][..users[0].len().min(12)]
                ))
                .into());
            }
        } else if let Some(d) = &by_digest {
            // docker: a digest reference of an image that still has tags only drops that reference.
            if !rec.repo_tags.is_empty() || !users.is_empty() {
                let rec = idx
                    .images
                    .get_mut(&id)
                    .ok_or_else(|| anyhow!("image {id} vanished"))?;
                rec.repo_digests.retain(|x| x != d);
                return Ok(vec![Removal::Untagged(
                    crate::image::reference::familiar_name(d),
                )]);
            }
        } else {
            if !users.is_empty() {
                if !force {
                    return Err(ImageConflict(format!(
                        "conflict: unable to delete {short} (must be forced) - image is being used by stopped container {}",
                        &users[0][..users[0].len().min(12)]
                    ))
                    .into());
                }
                let rec = idx
                    .images
                    .get_mut(&id)
                    .ok_or_else(|| anyhow!("image {id} vanished"))?;
                for t in rec.repo_tags.drain(..) {
                    lines.push(Removal::Untagged(crate::image::reference::familiar_name(
                        &t,
                    )));
                }
                return Ok(lines);
            }
            if rec.repo_tags.len() > 1 && !force {
                return Err(ImageConflict(format!(
                    "conflict: unable to delete {short} (must be forced) - image is referenced in multiple repositories"
                ))
                .into());
            }
        }
        for t in &rec.repo_tags {
            lines.push(Removal::Untagged(crate::image::reference::familiar_name(t)));
        }
        for d in &rec.repo_digests {
            lines.push(Removal::Untagged(crate::image::reference::familiar_name(d)));
        }
        idx.images.remove(&id);
        lines.push(Removal::Deleted(id.clone()));
        Ok(lines)
    })?;
    let mut out = out;
    if out.iter().any(|l| matches!(l, Removal::Deleted(_))) {
        out.extend(collect_garbage(paths)?.0.into_iter().map(Removal::Deleted));
    }
    Ok(out)
}

/// Remove layers and blobs no image references. Caller holds the GC lock exclusively. Returns the
/// chain IDs removed and the bytes reclaimed.
fn collect_garbage(paths: &Paths) -> Result<(Vec<String>, u64)> {
    let idx = ImageIndex::load(paths)?;
    let mut keep_layers = std::collections::HashSet::new();
    let mut keep_blobs = std::collections::HashSet::new();
    for rec in idx.images.values() {
        keep_blobs.insert(rec.id.clone());
        keep_blobs.extend(rec.manifest_blobs.iter().cloned());
        // Layer blob digests are not kept: the store holds only unpacked layers (a store written by an
        // older berth loses its compressed layer blobs here).
        for l in &rec.layers {
            keep_layers.insert(l.chain_id.clone());
        }
    }
    let mut removed = Vec::new();
    let mut reclaimed = 0u64;
    if let Ok(rd) = fs::read_dir(paths.layers_dir()) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Ok(d) = Digest::parse(&format!("sha256:{name}")) else {
                continue;
            };
            if keep_layers.contains(d.as_str()) {
                continue;
            }
            reclaimed += committed_layer_size(&e.path()).unwrap_or(0);
            // Make it invisible first (one rename), then remove; a crash leaves a `.tmp-*` that the next
            // pull cleans.
            let tomb = paths
                .layers_dir()
                .join(format!(".tmp-{}", crate::store::work::random_token()?));
            fs::rename(e.path(), &tomb).with_context(|| format!("removing layer {}", d))?;
            sync_dir(&paths.layers_dir())?;
            crate::store::remove_tree(&tomb)?;
            // Pulls take their layer locks only while holding the GC lock shared, so nobody holds or
            // waits on this one now.
            let _ = fs::remove_file(paths.layer_lock(d.hex()));
            removed.push(d.to_string());
        }
    }
    if let Ok(rd) = fs::read_dir(paths.blobs_dir()) {
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let Ok(d) = Digest::parse(&format!("sha256:{name}")) else {
                // A temp file of an atomic write killed midway: no pull runs while GC holds its lock.
                if name.starts_with('.') && name.contains(".tmp-") {
                    let _ = fs::remove_file(e.path());
                }
                continue;
            };
            if !keep_blobs.contains(d.as_str()) {
                reclaimed += e.metadata().map(|m| m.len()).unwrap_or(0);
                fs::remove_file(e.path()).with_context(|| format!("removing blob {d}"))?;
            }
        }
    }
    Ok((removed, reclaimed))
}

/// `berth image prune [-a]`: remove dangling images (all unused ones with `all`), then unused layers.
pub fn prune(ctx: &Context, all: bool) -> Result<(Vec<Removal>, u64)> {
    let paths = &ctx.paths;
    if !paths.images_json().exists() {
        return Ok((Vec::new(), 0));
    }
    let _gc = FileLock::exclusive(&paths.gc_lock())?;
    let mut lines = ImageIndex::update(paths, |idx| {
        let mut lines = Vec::new();
        let ids: Vec<String> = idx.images.keys().cloned().collect();
        for id in ids {
            let rec = &idx.images[&id];
            if (!rec.repo_tags.is_empty() && !all) || crate::store::image_in_use(paths, &id) {
                continue;
            }
            for t in &rec.repo_tags {
                lines.push(Removal::Untagged(crate::image::reference::familiar_name(t)));
            }
            for d in &rec.repo_digests {
                lines.push(Removal::Untagged(crate::image::reference::familiar_name(d)));
            }
            lines.push(Removal::Deleted(id.clone()));
            idx.images.remove(&id);
        }
        Ok(lines)
    })?;
    let (layers, reclaimed) = collect_garbage(paths)?;
    lines.extend(layers.into_iter().map(Removal::Deleted));
    Ok((lines, reclaimed))
}

/// Now as RFC 3339 UTC with nanoseconds (docker's `LastTagTime` shape).
pub fn rfc3339_now() -> String {
    crate::time::rfc3339_nano(std::time::SystemTime::now())
}
