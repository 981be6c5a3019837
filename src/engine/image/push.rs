//! `berth push`: send a local image to its registry with docker's steps and words.
//!
//! Per layer: HEAD on the target (`Layer already exists`), else a cross-repository mount from a repository
//! of the same registry that an image of the store came from (`Mounted from team/base`), else an upload
//! of the blob kept in the store (`Pushed`); a blob the image holds twice goes once. A pulled image goes
//! with its original blobs and manifest bytes, so its digest stays (also when its ID was known before
//! the pull: the manifest recorded for the target's registry goes); an uncompressed layer (commit,
//! import, build, load) goes as another image's pulled blob of it on the target registry, else is
//! compressed once (gzip, or zstd) reproducibly, kept and recorded in its layer's `compressed`, and the
//! image gets a new manifest (docs/layout.md "Images"). A pulled layer whose blob the store lacks (it was stored through
//! another image) is asked of the target, mounted, or fetched from the repository it was pulled from.
//! Only the platform manifest of an image pulled through an index is pushed (not the index).
//! The layers and the config go up at once (up to `registry.max_parallel_uploads`), each stored blob
//! streamed as it is (its digest was verified when it came in); `BERTH_TRACE` marks the phases.
//! Lock order as pull: `gc.lock` shared for the whole push, then `images.lock` to record the result.

use super::super::Context;
use super::NoSuchImage;
use crate::image::manifest::{MT_DOCKER_MANIFEST, MT_OCI_MANIFEST};
use crate::image::{Digest, ImageRef, compression};
use crate::registry::{BlobFile, Client, Pusher};
use crate::store::images::{BlobRef, ImageIndex, ImageRecord};
use crate::store::{FileLock, blobs};
use crate::trace;
use anyhow::{Context as _, Result, bail};
use serde_json::json;
use std::fs::File;
use std::io::{self, BufReader, Read, Write};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const MT_OCI_CONFIG: &str = "application/vnd.oci.image.config.v1+json";
const MT_DOCKER_CONFIG: &str = "application/vnd.docker.container.image.v1+json";
const MT_OCI_GZIP: &str = "application/vnd.oci.image.layer.v1.tar+gzip";
const MT_OCI_ZSTD: &str = "application/vnd.oci.image.layer.v1.tar+zstd";
const MT_DOCKER_GZIP: &str = "application/vnd.docker.image.rootfs.diff.tar.gzip";

/// The image named has no local tag (docker: `An image does not exist locally with the tag: x`).
#[derive(Debug, thiserror::Error)]
#[error("An image does not exist locally with the tag: {0}")]
pub struct NoLocalTag(pub String);

/// The compression of layers push makes from uncompressed ones (`--compression-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PushCompression {
    #[default]
    Gzip,
    Zstd,
}

/// Options of `push`.
#[derive(Debug, Clone, Default)]
pub struct PushOptions {
    /// `-a/--all-tags`: every local tag of the repository.
    pub all_tags: bool,
    pub compression: PushCompression,
    /// podman's `--tls-verify`: `Some(false)` allows plain HTTP and unverified TLS, `Some(true)`
    /// demands verified HTTPS; `None` follows the configuration.
    pub tls_verify: Option<bool>,
}

/// How one layer reached the registry (docker's push lines).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PushLayerStatus {
    Preparing,
    Pushing,
    Pushed,
    AlreadyExists,
    /// Mounted from this repository of the same registry.
    MountedFrom(String),
}

/// Push progress; layer calls come from several upload threads at once. `id` is the short diffID
/// docker shows.
pub trait PushProgress: Sync {
    fn on_repository(&self, name: &str);
    fn on_layer(&self, id: &str, status: &PushLayerStatus);
    fn on_tag_pushed(&self, tag: &str, digest: &str, size: u64);
    /// Whether [`PushProgress::on_layer_bytes`] is wanted (a progress bar is drawn).
    fn wants_bytes(&self) -> bool {
        false
    }
    /// `sent` of `total` bytes of a layer being pushed have gone out (called about ten times a second,
    /// from one thread, while uploads run).
    fn on_layer_bytes(&self, _id: &str, _sent: u64, _total: u64) {}
}

/// One tag pushed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushedTag {
    /// `registry/repo:tag`.
    pub reference: String,
    pub digest: String,
    /// Bytes of the manifest.
    pub size: u64,
}

/// `berth push NAME[:TAG]` (`-a`: every local tag of NAME's repository).
pub fn push(
    ctx: &Context,
    name: &str,
    opts: &PushOptions,
    progress: &dyn PushProgress,
) -> Result<Vec<PushedTag>> {
    trace::role("push");
    let r = ImageRef::parse(name)?;
    if r.digest().is_some() {
        bail!("cannot push a digest reference: {name}");
    }
    let _gc = FileLock::shared(&ctx.paths.gc_lock())?;
    let idx = ImageIndex::load(&ctx.paths)?;
    let prefix = format!("{}:", r.name());
    let mut targets: Vec<(String, String)> = Vec::new();
    for rec in idx.images.values() {
        for t in &rec.repo_tags {
            let wanted = if opts.all_tags {
                t.starts_with(&prefix)
            } else {
                Some(t) == r.tagged().as_ref()
            };
            if wanted {
                targets.push((t.clone(), rec.id.clone()));
            }
        }
    }
    targets.sort();
    if targets.is_empty() {
        return Err(NoLocalTag(name.to_string()).into());
    }
    let client = Client::new(&ctx.config)?;
    trace::mark("resolve");
    progress.on_repository(&r.name());
    let mut out = Vec::new();
    for (tag, id) in targets {
        let target = ImageRef::parse(&tag)?;
        let rec = idx.images.get(&id).ok_or_else(|| NoSuchImage(id.clone()))?;
        out.push(push_one(ctx, &client, &idx, &target, rec, opts, progress)?);
    }
    Ok(out)
}

/// One layer as it goes out: the blob to send and what the manifest says of it.
#[derive(Debug, Clone)]
struct OutLayer {
    blob: BlobRef,
    short_diff: String,
    /// Repositories of the target's registry that have this blob (for a mount).
    sources: Vec<String>,
    /// `registry/repo` names, on any registry, this blob was pulled from or pushed to (for a fetch).
    origins: Vec<String>,
}

/// `registry/repo` names that images of the store holding `digest` came from or went to.
fn origins_of(idx: &ImageIndex, digest: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for rec in idx.images.values() {
        let has = rec
            .layers
            .iter()
            .any(|l| l.blob_digest == digest || l.compressed.iter().any(|c| c.digest == digest));
        if !has {
            continue;
        }
        for d in &rec.repo_digests {
            if let Some((name, _)) = d.split_once('@')
                && !out.iter().any(|o| o == name)
            {
                out.push(name.to_string());
            }
        }
    }
    out
}

/// The repositories of `registry` among `origins` (where a mount may come from).
fn on_registry(origins: &[String], registry: &str) -> Vec<String> {
    let prefix = format!("{registry}/");
    origins
        .iter()
        .filter_map(|o| o.strip_prefix(&prefix).map(str::to_string))
        .collect()
}

/// What a layer media type says once it is compressed as `c` (in an OCI or docker manifest).
fn compressed_type(c: PushCompression) -> &'static str {
    match c {
        PushCompression::Gzip => MT_OCI_GZIP,
        PushCompression::Zstd => MT_OCI_ZSTD,
    }
}

/// Whether a layer's blob is a plain tar: by its OCI media type, or for docker's types (which a
/// `docker save`/`load` round trip leaves on plain tars) by its magic bytes.
fn is_uncompressed(paths: &crate::store::Paths, blob: &str, media_type: &str) -> Result<bool> {
    if let Ok(Some(c)) = compression::from_media_type(media_type) {
        return Ok(c == compression::Compression::None);
    }
    if media_type == "application/vnd.docker.image.rootfs.diff.tar" {
        return Ok(true);
    }
    let d = Digest::parse(blob)?;
    let p = paths.blob_path(d.hex());
    let mut head = [0u8; 4];
    match File::open(&p) {
        Ok(mut f) => {
            let n = f.read(&mut head)?;
            Ok(compression::detect(&head[..n])? == compression::Compression::None)
        }
        Err(_) => Ok(false),
    }
}

/// Compress the stored tar `tar_digest` as `c` into a new blob, reproducibly (gzip without name or time;
/// zstd level 3): the same layer gives the same bytes on every push.
fn compress_blob(
    paths: &crate::store::Paths,
    tar_digest: &str,
    c: PushCompression,
) -> Result<BlobRef> {
    let d = Digest::parse(tar_digest)?;
    let src = File::open(paths.blob_path(d.hex()))
        .with_context(|| format!("opening layer tar {tar_digest} (not kept by this store)"))?;
    let mut input = BufReader::with_capacity(1 << 20, src);
    let mut w = blobs::BlobWriter::new(paths)?;
    struct Count<'a> {
        w: &'a mut blobs::BlobWriter,
        hasher: sha2::Sha256,
        n: u64,
    }
    impl Write for Count<'_> {
        fn write(&mut self, b: &[u8]) -> io::Result<usize> {
            let n = self.w.write(b)?;
            sha2::Digest::update(&mut self.hasher, &b[..n]);
            self.n += n as u64;
            Ok(n)
        }
        fn flush(&mut self) -> io::Result<()> {
            self.w.flush()
        }
    }
    let mut cw = Count {
        w: &mut w,
        hasher: <sha2::Sha256 as sha2::Digest>::new(),
        n: 0,
    };
    match c {
        PushCompression::Gzip => {
            let mut e = flate2::GzBuilder::new()
                .mtime(0)
                .write(&mut cw, flate2::Compression::default());
            io::copy(&mut input, &mut e).context("compressing layer")?;
            e.finish().context("compressing layer")?;
        }
        PushCompression::Zstd => {
            let mut e = zstd::stream::write::Encoder::new(&mut cw, 3)?;
            io::copy(&mut input, &mut e).context("compressing layer")?;
            e.finish().context("compressing layer")?;
        }
    }
    let (digest, size) = (Digest::from_hasher(cw.hasher), cw.n);
    w.commit(paths, digest.hex(), size)?;
    Ok(BlobRef {
        digest: digest.to_string(),
        size,
        media_type: compressed_type(c).to_string(),
    })
}

/// Another image's pulled blob of the layer `diff_id`, compressed as `c`, from a repository of
/// `registry`: the registry has it, so it is mounted or found there instead of compressed and uploaded
/// again (docker pushes the blob its metadata says the registry has). Matters for a layer this image
/// holds as a plain tar (loaded from a docker 20.10 archive) that was also pulled.
fn pulled_form(
    ctx: &Context,
    idx: &ImageIndex,
    diff_id: &str,
    c: PushCompression,
    registry: &str,
) -> Option<BlobRef> {
    idx.images
        .values()
        .flat_map(|r| &r.layers)
        .filter(|l| l.diff_id == diff_id && compression_of(&l.media_type) == Some(c))
        .filter(|l| !is_uncompressed(&ctx.paths, &l.blob_digest, &l.media_type).unwrap_or(true))
        .find(|l| !on_registry(&origins_of(idx, &l.blob_digest), registry).is_empty())
        .map(|l| BlobRef {
            digest: l.blob_digest.clone(),
            size: l.blob_size,
            media_type: l.media_type.clone(),
        })
}

/// The blobs of `rec`'s layers as they go out; true when one had to be compressed (a new manifest).
fn out_layers(
    ctx: &Context,
    idx: &ImageIndex,
    target: &ImageRef,
    rec: &ImageRecord,
    c: PushCompression,
) -> Result<(Vec<OutLayer>, bool, Vec<Pending>)> {
    let mut changed = false;
    let mut out = Vec::new();
    let mut pending = Vec::new();
    for l in &rec.layers {
        let short_diff = Digest::parse(&l.diff_id)?.short().to_string();
        let blob = if is_uncompressed(&ctx.paths, &l.blob_digest, &l.media_type)? {
            changed = true;
            let want = compressed_type(c);
            if let Some(b) = pulled_form(ctx, idx, &l.diff_id, c, target.registry()) {
                b
            } else {
                match l.compressed.iter().find(|b| b.media_type == want) {
                    Some(b) if blobs::exists(&ctx.paths, Digest::parse(&b.digest)?.hex()) => {
                        b.clone()
                    }
                    _ => {
                        pending.push(Pending {
                            at: out.len(),
                            tar: l.blob_digest.clone(),
                            diff_id: l.diff_id.clone(),
                        });
                        BlobRef {
                            digest: String::new(),
                            size: 0,
                            media_type: want.to_string(),
                        }
                    }
                }
            }
        } else {
            BlobRef {
                digest: l.blob_digest.clone(),
                size: l.blob_size,
                media_type: l.media_type.clone(),
            }
        };
        let origins = origins_of(idx, &blob.digest);
        out.push(OutLayer {
            blob,
            short_diff,
            sources: on_registry(&origins, target.registry()),
            origins,
        });
    }
    Ok((out, changed, pending))
}

/// A layer to compress, done once the registry has answered: a push to a mistyped, unreachable or
/// refusing registry fails before that work, as docker's does (it pings first).
struct Pending {
    /// Its place among the out layers.
    at: usize,
    /// The stored tar's digest.
    tar: String,
    diff_id: String,
}

/// Compress the `pending` layers and put their blobs in place.
fn compress_pending(
    ctx: &Context,
    idx: &ImageIndex,
    target: &ImageRef,
    layers: &mut [OutLayer],
    pending: Vec<Pending>,
    c: PushCompression,
) -> Result<()> {
    let mut made: std::collections::HashMap<String, BlobRef> = std::collections::HashMap::new();
    for p in pending {
        // A layer held twice is compressed once.
        let blob = match made.get(&p.tar) {
            Some(b) => b.clone(),
            None => compress_blob(&ctx.paths, &p.tar, c)
                .with_context(|| format!("compressing layer {}", p.diff_id))?,
        };
        made.insert(p.tar.clone(), blob.clone());
        let origins = origins_of(idx, &blob.digest);
        let l = &mut layers[p.at];
        l.sources = on_registry(&origins, target.registry());
        l.origins = origins;
        l.blob = blob;
    }
    Ok(())
}

/// A manifest of `rec` recorded for the target's repository (else for another repository of its registry)
/// other than the record's own: the image's ID was already known when it was pulled there (loaded, or
/// pulled elsewhere first), so the record's layers are another form of them. Pushing back there sends
/// these bytes and blobs, which the registry has, so the tag keeps its digest (docker pushes the blobs
/// its metadata says the registry has, docs/layout.md "Images").
struct KnownManifest {
    bytes: Vec<u8>,
    media_type: String,
    layers: Vec<crate::image::manifest::Descriptor>,
    /// `registry/repo` names it is recorded for (where a missing blob is fetched from).
    repos: Vec<String>,
}

/// The compression a layer media type names, when it is one push makes (gzip, zstd).
fn compression_of(mt: &str) -> Option<PushCompression> {
    match compression::from_media_type(mt) {
        Ok(Some(compression::Compression::Gzip)) => Some(PushCompression::Gzip),
        Ok(Some(compression::Compression::Zstd)) => Some(PushCompression::Zstd),
        _ if mt.ends_with(".diff.tar.gzip") => Some(PushCompression::Gzip),
        _ => None,
    }
}

/// The kept manifest `digest` (or, for an index, its entry kept for `rec`) when it describes `rec`
/// with compressed layers, all compressed as `only` says when it says.
fn kept_manifest_of(
    paths: &crate::store::Paths,
    rec: &ImageRecord,
    digest: &str,
    only: Option<PushCompression>,
    depth: usize,
) -> Option<(Vec<u8>, crate::image::manifest::Manifest, String)> {
    use crate::image::Document;
    let d = Digest::parse(digest).ok()?;
    if !blobs::exists(paths, d.hex()) {
        return None;
    }
    let bytes = blobs::read_verified(paths, d.hex()).ok()?;
    match crate::image::manifest::parse_document(&bytes, "").ok()? {
        Document::Manifest(m) => {
            let ok = m.config.digest.as_str() == rec.id
                && m.layers.len() == rec.layers.len()
                && m.layers.iter().all(|l| {
                    compression_of(&l.media_type).is_some_and(|c| only.is_none_or(|o| o == c))
                })
                && (m.media_type == MT_OCI_MANIFEST || m.media_type == MT_DOCKER_MANIFEST);
            ok.then(|| (bytes, m, d.to_string()))
        }
        Document::Index { manifests, .. } if depth < 2 => manifests
            .iter()
            .filter(|e| rec.manifest_blobs.iter().any(|b| *b == e.digest.as_str()))
            .find_map(|e| kept_manifest_of(paths, rec, e.digest.as_str(), only, depth + 1)),
        Document::Index { .. } => None,
    }
}

fn known_manifest(
    paths: &crate::store::Paths,
    rec: &ImageRecord,
    target: &ImageRef,
    c: PushCompression,
) -> Option<KnownManifest> {
    // An image with plain-tar layers would be compressed as `c`: only a manifest of that compression
    // stands for it (`--compression-format zstd` is not answered with gzip).
    let only = rec
        .layers
        .iter()
        .any(|l| is_uncompressed(paths, &l.blob_digest, &l.media_type).unwrap_or(true))
        .then_some(c);
    let on_registry = format!("{}/", target.registry());
    let mut recorded: Vec<(&str, &str)> = rec
        .repo_digests
        .iter()
        .filter_map(|d| d.split_once('@'))
        .filter(|(name, _)| name.starts_with(&on_registry))
        .collect();
    // The target's own repository first.
    recorded.sort_by_key(|(name, _)| *name != target.name());
    let (bytes, m, digest) = recorded
        .iter()
        .find_map(|(_, d)| kept_manifest_of(paths, rec, d, only, 0))?;
    if digest == rec.manifest_digest {
        // The record's own manifest: out_layers and manifest_for already send it as it is.
        return None;
    }
    let repos = rec
        .repo_digests
        .iter()
        .filter_map(|x| x.split_once('@'))
        .filter(|(_, d)| rec.manifest_blobs.iter().any(|b| b == d))
        .map(|(name, _)| name.to_string())
        .collect();
    Some(KnownManifest {
        bytes,
        media_type: m.media_type,
        layers: m.layers,
        repos,
    })
}

/// The layers of a [`KnownManifest`] as they go out.
fn known_layers(
    idx: &ImageIndex,
    target: &ImageRef,
    rec: &ImageRecord,
    k: &KnownManifest,
) -> Result<Vec<OutLayer>> {
    let mut out = Vec::new();
    for (l, r) in k.layers.iter().zip(&rec.layers) {
        let digest = l.digest.to_string();
        let mut origins = origins_of(idx, &digest);
        for name in &k.repos {
            if !origins.contains(name) {
                origins.push(name.clone());
            }
        }
        out.push(OutLayer {
            blob: BlobRef {
                digest,
                size: l.size,
                media_type: l.media_type.clone(),
            },
            short_diff: Digest::parse(&r.diff_id)?.short().to_string(),
            sources: on_registry(&origins, target.registry()),
            origins,
        });
    }
    Ok(out)
}

/// Send one layer (or the config): HEAD, mount, or upload (fetching a pulled blob the store lacks from
/// the repository it came from).
fn send_blob(
    ctx: &Context,
    client: &Client,
    pusher: &Pusher,
    l: &OutLayer,
    progress: Option<&dyn PushProgress>,
    sent: &Arc<AtomicU64>,
) -> Result<()> {
    let _t = trace::span(|| format!("blob {}", l.blob.digest));
    let say = |s: PushLayerStatus| {
        if let Some(p) = progress {
            p.on_layer(&l.short_diff, &s);
        }
    };
    let digest = &l.blob.digest;
    if pusher.blob_exists(digest)? {
        say(PushLayerStatus::AlreadyExists);
        return Ok(());
    }
    for from in l.sources.iter().filter(|s| *s != pusher.repository()) {
        if pusher.mount(digest, from)? {
            say(PushLayerStatus::MountedFrom(from.clone()));
            return Ok(());
        }
    }
    let d = Digest::parse(digest)?;
    if !blobs::exists(&ctx.paths, d.hex()) {
        fetch_missing(ctx, client, l, &d)?;
    }
    say(PushLayerStatus::Pushing);
    if let Some(p) = progress.filter(|p| p.wants_bytes()) {
        p.on_layer_bytes(&l.short_diff, 0, l.blob.size);
    }
    // The stored blob goes as it is: the store verified its digest when it came in (docs/layout.md).
    pusher.upload(
        &BlobFile {
            path: ctx.paths.blob_path(d.hex()),
            digest: digest.clone(),
            size: l.blob.size,
        },
        sent,
    )?;
    say(PushLayerStatus::Pushed);
    Ok(())
}

/// A pulled layer whose blob this store did not keep (its layer came through another image): fetch it,
/// verified, from a repository it was pulled from.
fn fetch_missing(ctx: &Context, client: &Client, l: &OutLayer, d: &Digest) -> Result<()> {
    let mut why = Vec::new();
    for name in &l.origins {
        let r = ImageRef::parse(&format!("{name}@{d}"))?;
        let attempt = (|| -> Result<()> {
            let mut reader = client.fetch_blob(r.reference(), d.as_str(), l.blob.size)?;
            let mut w = blobs::BlobWriter::for_verified_stream(&ctx.paths)?;
            io::copy(&mut reader, &mut w)?;
            w.commit_verified(&ctx.paths, d.hex(), l.blob.size)
        })();
        match attempt {
            Ok(()) => return Ok(()),
            Err(e) => why.push(format!("{name}: {e:#}")),
        }
    }
    bail!(
        "layer blob {d} is not in the store and could not be fetched from where it came from{}",
        if why.is_empty() {
            String::new()
        } else {
            format!(" ({})", why.join("; "))
        }
    )
}

/// The manifest to push: the pulled bytes when nothing changed, else a new one (docker v2s2 when the
/// image came with docker types and gzip, else OCI).
fn manifest_for(
    ctx: &Context,
    rec: &ImageRecord,
    layers: &[OutLayer],
    changed: bool,
) -> Result<(Vec<u8>, String)> {
    let kept = Digest::parse(&rec.manifest_digest)
        .ok()
        .filter(|d| blobs::exists(&ctx.paths, d.hex()));
    if !changed
        && let Some(d) = kept
        && (rec.manifest_media_type == MT_OCI_MANIFEST
            || rec.manifest_media_type == MT_DOCKER_MANIFEST)
    {
        return Ok((
            blobs::read_verified(&ctx.paths, d.hex())?,
            rec.manifest_media_type.clone(),
        ));
    }
    let config = blobs::read_verified(&ctx.paths, Digest::parse(&rec.id)?.hex())?;
    let docker = rec.manifest_media_type == MT_DOCKER_MANIFEST
        && layers.iter().all(|l| l.blob.media_type != MT_OCI_ZSTD);
    let layer_type = |mt: &str| -> String {
        match (docker, mt) {
            (true, MT_OCI_GZIP) => MT_DOCKER_GZIP.into(),
            (false, MT_DOCKER_GZIP) => MT_OCI_GZIP.into(),
            _ => mt.to_string(),
        }
    };
    let m = json!({
        "schemaVersion": 2,
        "mediaType": if docker { MT_DOCKER_MANIFEST } else { MT_OCI_MANIFEST },
        "config": {
            "mediaType": if docker { MT_DOCKER_CONFIG } else { MT_OCI_CONFIG },
            "digest": rec.id,
            "size": config.len(),
        },
        "layers": layers.iter().map(|l| json!({
            "mediaType": layer_type(&l.blob.media_type),
            "digest": l.blob.digest,
            "size": l.blob.size,
        })).collect::<Vec<_>>(),
    });
    let mt = if docker {
        MT_DOCKER_MANIFEST
    } else {
        MT_OCI_MANIFEST
    };
    Ok((serde_json::to_vec_pretty(&m)?, mt.to_string()))
}

fn push_one(
    ctx: &Context,
    client: &Client,
    idx: &ImageIndex,
    target: &ImageRef,
    rec: &ImageRecord,
    opts: &PushOptions,
    progress: &dyn PushProgress,
) -> Result<PushedTag> {
    let known = known_manifest(&ctx.paths, rec, target, opts.compression);
    let (mut layers, changed, pending) = match &known {
        Some(k) => (known_layers(idx, target, rec, k)?, false, Vec::new()),
        None => out_layers(ctx, idx, target, rec, opts.compression)?,
    };
    trace::mark("layers");
    let mut sources: Vec<String> = layers.iter().flat_map(|l| l.sources.clone()).collect();
    sources.sort();
    sources.dedup();
    let pusher = client.pusher(target.reference(), &sources, opts.tls_verify)?;
    trace::mark("ping");
    // docker lists the layers from the top one down.
    for l in layers.iter().rev() {
        progress.on_layer(&l.short_diff, &PushLayerStatus::Preparing);
    }
    compress_pending(ctx, idx, target, &mut layers, pending, opts.compression)?;
    trace::mark("compress");
    let config_hex = Digest::parse(&rec.id)?;
    let config = OutLayer {
        blob: BlobRef {
            digest: rec.id.clone(),
            size: std::fs::metadata(ctx.paths.blob_path(config_hex.hex()))
                .with_context(|| format!("reading image config {}", rec.id))?
                .len(),
            media_type: MT_OCI_CONFIG.into(),
        },
        short_diff: config_hex.short().to_string(),
        sources: Vec::new(),
        origins: Vec::new(),
    };
    // Every blob at once (up to `max_parallel_uploads`), the config with the layers: each upload is
    // one connection kept alive by the pool, and the registry stores them side by side.
    let mut blobs: Vec<&OutLayer> = layers.iter().collect();
    blobs.push(&config);
    let sent: Vec<Arc<AtomicU64>> = blobs.iter().map(|_| Arc::default()).collect();
    let next = AtomicUsize::new(0);
    let first_error: Mutex<Option<anyhow::Error>> = Mutex::new(None);
    // Dropped when the uploads end, which wakes the byte reporter at once.
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let workers = ctx
        .config
        .registry
        .max_parallel_uploads
        .clamp(1, 64)
        .min(blobs.len());
    std::thread::scope(|s| {
        if progress.wants_bytes() {
            let (layers, sent) = (&layers, &sent);
            s.spawn(move || report_bytes(progress, layers, sent, done_rx));
        }
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    loop {
                        let Some(k) = super::next_job(&next, blobs.len(), &first_error) else {
                            return;
                        };
                        // A blob the image holds twice (the same layer at two places) goes once,
                        // with one line, as docker's push does.
                        if blobs[..k]
                            .iter()
                            .any(|b| b.blob.digest == blobs[k].blob.digest)
                        {
                            continue;
                        }
                        // The config is no layer: docker shows no line for it.
                        let shown = (k < layers.len()).then_some(progress);
                        if let Err(e) = send_blob(ctx, client, &pusher, blobs[k], shown, &sent[k]) {
                            first_error
                                .lock()
                                .unwrap_or_else(|e| e.into_inner())
                                .get_or_insert(e);
                            return;
                        }
                    }
                })
            })
            .collect();
        for h in handles {
            let _ = h.join();
        }
        drop(done_tx);
    });
    if let Some(e) = first_error.into_inner().unwrap_or_else(|e| e.into_inner()) {
        return Err(e);
    }
    trace::mark("blobs");
    let (bytes, media_type) = match known {
        Some(k) => (k.bytes, k.media_type),
        None => manifest_for(ctx, rec, &layers, changed)?,
    };
    let tag = target.tag().unwrap_or("latest");
    let digest = pusher.put_manifest(tag, &media_type, &bytes)?;
    trace::mark("manifest");
    progress.on_tag_pushed(tag, &digest, bytes.len() as u64);
    record_push(
        ctx,
        target,
        rec,
        changed.then_some(&layers[..]),
        &bytes,
        &digest,
    )?;
    trace::mark("record");
    Ok(PushedTag {
        reference: target.full(),
        digest,
        size: bytes.len() as u64,
    })
}

/// Tells `progress` the bytes sent of each layer, about ten times a second, until `done` hangs up.
fn report_bytes(
    progress: &dyn PushProgress,
    layers: &[OutLayer],
    sent: &[Arc<AtomicU64>],
    done: std::sync::mpsc::Receiver<()>,
) {
    let mut last = vec![0u64; layers.len()];
    loop {
        let finished = !matches!(
            done.recv_timeout(Duration::from_millis(100)),
            Err(std::sync::mpsc::RecvTimeoutError::Timeout)
        );
        for (k, l) in layers.iter().enumerate() {
            let n = sent[k].load(Ordering::Relaxed).min(l.blob.size);
            if n != last[k] {
                last[k] = n;
                progress.on_layer_bytes(&l.short_diff, n, l.blob.size);
            }
        }
        if finished {
            return;
        }
    }
}

/// After a push: the new repo digest (docker adds it too), the manifest blob, and the compressed forms
/// push `made` of uncompressed layers.
fn record_push(
    ctx: &Context,
    target: &ImageRef,
    rec: &ImageRecord,
    made: Option<&[OutLayer]>,
    manifest: &[u8],
    digest: &str,
) -> Result<()> {
    let d = Digest::parse(digest)?;
    blobs::put(&ctx.paths, d.hex(), manifest)?;
    let repo_digest = format!("{}@{digest}", target.name());
    ImageIndex::update(&ctx.paths, |idx| {
        let Some(r) = idx.images.get_mut(&rec.id) else {
            return Ok(());
        };
        let prefix = format!("{}@", target.name());
        r.repo_digests.retain(|x| !x.starts_with(&prefix));
        r.repo_digests.push(repo_digest.clone());
        if !r.manifest_blobs.contains(&digest.to_string()) {
            r.manifest_blobs.push(digest.to_string());
        }
        for (l, out) in r.layers.iter_mut().zip(made.unwrap_or_default()) {
            if out.blob.digest != l.blob_digest && !l.compressed.contains(&out.blob) {
                l.compressed.push(out.blob.clone());
            }
        }
        Ok(())
    })
}
