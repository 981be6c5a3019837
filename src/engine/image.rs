//! Image verbs: pull, list, inspect, tag, remove, prune, and the lookups the container side uses
//! (`resolve_local`, `image_layers`, `image_config`).
//!
//! Pull is one streaming pass per layer, never holding a layer in memory, on three threads joined by
//! bounded channels (`image/pipe.rs`): registry blob (size and sha256 checked by the registry client, or
//! here for other sources) -> decompress -> sha256 (diffID) -> unpack into `layers/sha256/.tmp-*`; every
//! stream is drained to EOF, then size, digest and diffID are compared, and the verified layer goes to the
//! pull's committer thread, which syncs all layers ready with one syncfs and renames each to its chain ID
//! (docs/security.md A17, C1, C6, J2, J3); the workers and the committer are in `image/fetch.rs`.
//! `BERTH_TRACE` shows each layer's phases (`crate::trace`). The compressed blob is kept as served (teed
//! into the store as it streams by, named after the layer's checks; docs/layout.md "Images"), so push and
//! save send the original bytes. A layer already stored by chain ID, through another image and whatever
//! that image's compression, is never fetched again: the verified config's diffIDs pin its content. Layers
//! are shared by chain ID and pulled under a per-layer lock, so concurrent pulls store each layer once
//! (J1). The index is changed under its lock.
//! Lock order (never the other way round): `gc.lock` (pull: shared, rmi/prune: exclusive) ->
//! `layer-<chain>.lock` -> `images.lock`.
//! The store keeps the content: blobs are put through `store::blobs` (verified, committed by rename),
//! layers committed and collected by `store::layers`; this module decides what to fetch and verifies the
//! streams (the per-layer job is in `image/layer.rs`, the rootless user namespace unpack in
//! `image/rootless_unpack.rs`).
//! Must not print or know about terminals; network access only through [`Source`] (the registry client).

mod fetch;
mod history;
mod layer;
pub mod load;
mod pipe;
mod prune;
pub mod push;
mod rmi;
mod rootless_unpack;
pub mod save;
pub use history::{HistoryRow, history};
pub use prune::prune;
use rmi::emit_removals;
pub use rmi::{Removal, remove_image, remove_images};

use fetch::fetch_layers;

use super::short_name::Resolution;
use super::{Context, Progress, PullAttempt};
use crate::image::manifest::{self, Document};
use crate::image::{Digest, ImageRef, Platform, UnpackLimits, chain_ids};
use crate::store::images::{ImageIndex, ImageRecord, LayerRecord};
use crate::store::layers;
use crate::store::work::clean_stale;
use crate::store::{FileLock, Paths, blobs, create_private_dir};
use crate::trace;
use anyhow::{Context as _, Result, anyhow, bail};
use oci_spec::distribution::Reference;
use std::io::Read;
use std::path::PathBuf;

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
    /// This pull made the image's record: the store did not hold the image when the pull recorded it
    /// (decided under the index's lock, so a concurrent pull or load of the same image makes exactly one
    /// of them its creator; a failed `load` takes back only the images it created).
    pub created: bool,
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
    let (candidates, how) = super::short_name::candidates(&ctx.config, reference)?;
    pull_resolved(ctx, reference, &candidates, &how, opts, progress)
}

/// Pull `name` from the registries, given what it stands for (`candidates`, found as `how` says, by
/// [`super::short_name::candidates`]): for a caller that reports the resolution before pulling.
pub fn pull_resolved(
    ctx: &Context,
    name: &str,
    candidates: &[ImageRef],
    how: &Resolution,
    opts: &PullOptions,
    progress: &dyn Progress,
) -> Result<PullReport> {
    let client = crate::registry::Client::new(&ctx.config)?;
    let searching = *how == Resolution::Search;
    pull_candidates(ctx, &client, name, candidates, searching, opts, progress)
}

/// Pull the first of `candidates` (what a short name stands for) that succeeds; with several (podman's
/// unqualified-search registries, `searching`) the error names what each one said.
pub fn pull_candidates(
    ctx: &Context,
    src: &dyn Source,
    name: &str,
    candidates: &[ImageRef],
    searching: bool,
    opts: &PullOptions,
    progress: &dyn Progress,
) -> Result<PullReport> {
    let mut failures = Vec::new();
    for r in candidates {
        progress.on_pull_attempt(&PullAttempt::of(r, searching));
        match pull_from(ctx, src, r, opts, progress) {
            Ok(report) => {
                // moby: the familiar reference as the actor, its name as the attribute.
                let full = r.full();
                super::events::emit_image(
                    &ctx.paths,
                    "pull",
                    &crate::image::reference::familiar_name(&full),
                    &r.familiar_name(),
                );
                return Ok(report);
            }
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
    let paths = &ctx.paths;
    paths.ensure()?;
    for d in [paths.blobs_dir(), paths.layers_dir(), paths.locks_dir()] {
        create_private_dir(&d)?;
    }
    // Held shared until the record is saved, so GC (exclusive) cannot remove layers in between, and
    // stale-work cleanup never overlaps GC's own removals.
    let _gc = FileLock::shared(&paths.gc_lock())?;
    clean_stale(paths)?;
    trace::mark("pull start");
    let image = fetch_image(ctx, src, r, opts)?;
    let chains = chain_ids(&image.config.rootfs.diff_ids);
    // The manifest and config blobs are stored (each fsynced) while the layers download; both are
    // durable before the record that names them is written.
    let (stored, layers) = std::thread::scope(|s| {
        let stored = s.spawn(|| -> Result<()> {
            let _t = trace::span(|| "pull store manifest+config".to_string());
            for (d, bytes) in &image.manifest_blobs {
                blobs::put(paths, d.hex(), bytes)?;
            }
            blobs::put(
                paths,
                image.manifest.config.digest.hex(),
                &image.config_bytes,
            )
        });
        let layers = fetch_layers(ctx, src, &image, &chains, progress);
        let stored = stored
            .join()
            .unwrap_or_else(|_| Err(anyhow!("storing the manifest panicked")));
        (stored, layers)
    });
    let (sizes, warnings) = layers?;
    stored?;
    let (status, created) = record_image(paths, r, &image, &chains, &sizes)?;
    trace::mark("pull index");
    Ok(PullReport {
        reference: r.clone(),
        id: image.manifest.config.digest.to_string(),
        digest: image.top_digest.to_string(),
        status,
        created,
        warnings,
    })
}

/// An image's verified manifest and config, before its layers.
struct FetchedImage {
    /// The digest `r` resolved to (an index's when pulled through one).
    top_digest: Digest,
    manifest: manifest::Manifest,
    manifest_digest: Digest,
    config: manifest::ImageConfig,
    /// Every manifest/index blob, as fetched and verified.
    manifest_blobs: Vec<(Digest, Vec<u8>)>,
    /// The config blob, verified against `manifest.config`.
    config_bytes: Vec<u8>,
    /// `r` pinned to the verified manifest digest: every later fetch uses it (docs/security.md C4).
    pinned: ImageRef,
}

/// Fetch and verify the manifest (through an index, picking the platform) and the config of `r`.
fn fetch_image(
    ctx: &Context,
    src: &dyn Source,
    r: &ImageRef,
    opts: &PullOptions,
) -> Result<FetchedImage> {
    let want = match &opts.platform {
        Some(p) => Platform::parse(p)?,
        None => Platform::host(),
    };
    let explicit_variant = opts
        .platform
        .as_deref()
        .is_some_and(|p| p.split('/').count() == 3);
    let top = fetch_verified_manifest(
        src,
        r.reference(),
        r.digest(),
        ctx.config.limits.max_manifest_bytes,
    )?;
    trace::mark("pull manifest");
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
    trace::mark("pull config");
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
    Ok(FetchedImage {
        top_digest,
        manifest,
        manifest_digest,
        config,
        manifest_blobs,
        config_bytes,
        pinned,
    })
}

/// The next of `len` jobs for a worker of a pool (pull's layers, push's blobs), or None once they are
/// all taken or a worker failed (`first_error`).
fn next_job(
    next: &std::sync::atomic::AtomicUsize,
    len: usize,
    first_error: &std::sync::Mutex<Option<anyhow::Error>>,
) -> Option<usize> {
    let k = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let failed = first_error
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .is_some();
    (k < len && !failed).then_some(k)
}

/// Add or update the image's record in the index: its tag (taken from any other image), its repo digest
/// (one per repository, the latest pulled) and its manifest blobs. Up to date when the record already
/// had this tag (or, pulled by digest, this repo digest). Also returns whether the record is new.
fn record_image(
    paths: &Paths,
    r: &ImageRef,
    image: &FetchedImage,
    chains: &[Digest],
    sizes: &[u64],
) -> Result<(PullStatus, bool)> {
    let (manifest, config) = (&image.manifest, &image.config);
    let diff_ids = &config.rootfs.diff_ids;
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
            compressed: Vec::new(),
        })
        .collect();
    let repo_digest = format!("{}@{}", r.name(), image.top_digest);
    let tag = r.tagged();
    let now = rfc3339_now();
    ImageIndex::update(paths, |idx| {
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
        let created = !idx.images.contains_key(&id);
        let rec = idx.images.entry(id.clone()).or_insert_with(|| ImageRecord {
            id: id.clone(),
            repo_tags: Vec::new(),
            repo_digests: Vec::new(),
            manifest_digest: image.manifest_digest.to_string(),
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
        for (d, _) in &image.manifest_blobs {
            if !rec.manifest_blobs.contains(&d.to_string()) {
                rec.manifest_blobs.push(d.to_string());
            }
        }
        let status = if was_here {
            PullStatus::UpToDate
        } else {
            PullStatus::Downloaded
        };
        Ok((status, created))
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
            if layers::committed_size(&dir).is_none() {
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
    let data = blobs::read_verified(paths, d.hex())
        .with_context(|| format!("reading image config {}", image.id))?;
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
pub fn inspect_image(
    ctx: &Context,
    name_or_id: &str,
) -> Result<crate::types::inspect::ImageInspect> {
    use crate::types::inspect as t;
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
    let config = match config {
        serde_json::Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    Ok(t::ImageInspect {
        id: rec.id.clone(),
        repo_tags: rec.repo_tags.iter().map(familiar).collect(),
        repo_digests: rec.repo_digests.iter().map(familiar).collect(),
        parent: String::new(),
        comment: cfg.get("comment").cloned().unwrap_or(serde_json::json!("")),
        created: rec.created.clone().unwrap_or_default(),
        docker_version: cfg
            .get("docker_version")
            .cloned()
            .unwrap_or(serde_json::json!("")),
        author: cfg.get("author").cloned().unwrap_or(serde_json::json!("")),
        config,
        architecture: rec.architecture.clone(),
        variant: rec.variant.clone(),
        os: rec.os.clone(),
        size: rec.size,
        graph_driver: t::ImageGraphDriver {
            data: t::ImageGraphDriverData {
                lower_dir: image_layers(&ctx.paths, &rec)?
                    .iter()
                    .rev()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(":"),
            },
            name: "overlay2".into(),
        },
        root_fs: t::RootFs {
            kind: "layers".into(),
            layers: rec.layers.iter().map(|l| l.diff_id.clone()).collect(),
        },
        metadata: t::ImageMetadata {
            last_tag_time: rec
                .last_tag_time
                .clone()
                .unwrap_or_else(|| "0001-01-01T00:00:00Z".into()),
        },
    })
}

/// `berth tag SOURCE TARGET`.
pub fn tag(ctx: &Context, source: &str, target: &str) -> Result<()> {
    let t = ImageRef::parse(target)?;
    if t.digest().is_some() {
        bail!("refusing to create a tag with a digest reference");
    }
    let tag = t.tagged().context("target reference has no tag")?;
    let id = ImageIndex::update(&ctx.paths, |idx| {
        let id = find(idx, source)?;
        if idx.images[&id].repo_tags.contains(&tag) {
            return Ok(id);
        }
        idx.untag_everywhere(&tag);
        let rec = idx
            .images
            .get_mut(&id)
            .ok_or_else(|| anyhow!("image {id} vanished"))?;
        rec.repo_tags.push(tag.clone());
        rec.last_tag_time = Some(rfc3339_now());
        Ok(id)
    })?;
    let name = crate::image::reference::familiar_name(&tag);
    super::events::emit_image(&ctx.paths, "tag", &id, &name);
    Ok(())
}

/// Now as RFC 3339 UTC with nanoseconds (docker's `LastTagTime` shape).
pub fn rfc3339_now() -> String {
    crate::time::rfc3339_nano(std::time::SystemTime::now())
}
