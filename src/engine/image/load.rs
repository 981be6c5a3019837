//! `berth load`: images from an archive (docker's, old and 25+, or OCI; gzip, zstd, xz or bzip2) into the store.
//!
//! The archive is untrusted input (docs/security.md 1E): it is read once to its end and its regular
//! members spooled, hashed, into an `ingest/.tmp-*` work dir (image/archive.rs checks member names,
//! links and duplicates); then every image goes through the pull's store path (`pull_from`), which
//! verifies manifest, config and every layer blob against their digests and sizes and unpacks each layer
//! with the same confined unpacker. A failure takes back the images this load added and their layers,
//! so a bad archive leaves no image, layer or tag; the work dir goes in every case.

use super::super::{Context, NoProgress};
use super::{FetchedManifest, PullOptions, Source, pull_from};
use crate::image::archive::{self, Member, Spool};
use crate::image::{Digest, ImageRef, Platform};
use crate::store::images::ImageIndex;
use crate::store::work::WorkDir;
use crate::store::{FileLock, create_private_dir, layers};
use anyhow::{Context as _, Result, bail};
use oci_spec::distribution::Reference;
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};

/// One line of `load`'s report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Loaded {
    /// `Loaded image: <familiar name:tag>`
    Tag(String),
    /// `Loaded image ID: sha256:...` (an image without a name in the archive)
    Id(String),
    /// docker's `The image <tag> already exists, renaming the old one with ID <id> to empty string`:
    /// the tag moved here from another image (left untagged), said before its `Loaded image:` line.
    Moved { tag: String, old_id: String },
}

/// Serves one archived image to pull_from from the spool.
struct SpoolSource {
    manifest: Vec<u8>,
    media_type: String,
    blobs: HashMap<String, Member>,
}

impl SpoolSource {
    fn open(&self, digest: &str) -> Result<File> {
        let m = self
            .blobs
            .get(digest)
            .with_context(|| format!("invalid archive: blob {digest} is not in the archive"))?;
        File::open(&m.file).with_context(|| format!("opening {}", m.file.display()))
    }
}

impl Source for SpoolSource {
    fn fetch_manifest(&self, _: &Reference) -> Result<FetchedManifest> {
        Ok(FetchedManifest {
            bytes: self.manifest.clone(),
            media_type: self.media_type.clone(),
            digest: Digest::of(&self.manifest).to_string(),
        })
    }
    fn fetch_blob(&self, _: &Reference, digest: &str, _: u64) -> Result<Box<dyn Read + Send>> {
        Ok(Box::new(BufReader::with_capacity(
            1 << 20,
            self.open(digest)?,
        )))
    }
    fn fetch_blob_bytes(&self, _: &Reference, digest: &str, _: u64, max: u64) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        self.open(digest)?.take(max).read_to_end(&mut out)?;
        Ok(out)
    }
    /// Each spooled member is served under the sha256 computed while it was spooled (into this
    /// load's private work dir): pull keeps its size check and skips a second hash of the blob.
    fn verifies_blobs(&self) -> bool {
        true
    }
}

/// A name from an archive as the index keys it: `busybox:latest` -> `docker.io/library/busybox:latest`.
/// A bare OCI `ref.name` that is only a tag (`latest`) names no repository: None.
fn normalise(name: &str) -> Option<String> {
    if !name.contains(':') && !name.contains('/') {
        return None;
    }
    ImageRef::parse(name).ok().and_then(|r| r.tagged())
}

/// `berth load`: read `input` to its end and add its images. Returns docker's report lines.
pub fn load(ctx: &Context, input: impl Read + Send) -> Result<Vec<Loaded>> {
    let paths = &ctx.paths;
    paths.ensure()?;
    for d in [paths.ingest_dir(), paths.locks_dir()] {
        create_private_dir(&d)?;
    }
    let work = WorkDir::create(paths, &paths.ingest_dir())?;
    let stream = archive::decompressed(
        input,
        crate::image::UnpackLimits::default().zstd_window_log_max,
    )?;
    let spool = Spool::read(stream, work.path(), ctx.config.limits.max_archive_bytes)?;
    let images = archive::images(&spool, &Platform::host())?;
    if images.is_empty() {
        bail!("invalid archive: it holds no image");
    }
    let index = ImageIndex::load(paths)?;
    // Which image each tag named before: a failed load puts back the tags its earlier images moved.
    let tags_before: HashMap<String, String> = index
        .images
        .values()
        .flat_map(|rec| rec.repo_tags.iter().map(|t| (t.clone(), rec.id.clone())))
        .collect();
    // What each tag names as this load goes on (a tag can move twice within one archive).
    let mut current = tags_before.clone();
    let mut touched: Vec<String> = Vec::new();
    let mut blobs = spool.by_digest();
    let mut out = Vec::new();
    let mut added = Vec::new();
    let result = (|| -> Result<()> {
        // Adopted blobs are unreferenced until their image is recorded: GC waits (released before a
        // rollback, which takes it exclusively).
        let _gc = FileLock::shared(&paths.gc_lock())?;
        for img in images {
            let names: Vec<String> = img.names.iter().filter_map(|n| normalise(n)).collect();
            let digest = Digest::of(&img.manifest);
            let r = match names.first() {
                Some(n) => ImageRef::parse(n)?,
                None => ImageRef::parse(&format!("berth-load@{digest}"))?,
            };
            adopt_layers(paths, &img.manifest, &img.media_type, &mut blobs)?;
            let src = SpoolSource {
                manifest: img.manifest,
                media_type: img.media_type,
                blobs: blobs.clone(),
            };
            let report = pull_from(ctx, &src, &r, &PullOptions::default(), &NoProgress)
                .context("loading an image of the archive")?;
            // Only what this load created is its to take back: an image a concurrent load or pull
            // recorded after this one started is theirs (and reported loaded by them).
            if report.created {
                added.push(report.id.clone());
            }
            // Likewise the tags it moved: not one that already named this image (up to date), as a
            // concurrent load of the same image may have set it.
            if report.status == super::PullStatus::Downloaded {
                touched.extend(names.first().cloned());
            }
            // A loaded image was never pulled from a registry: no repo digest (as docker shows it).
            let placeholder = format!("{}@{digest}", r.name());
            ImageIndex::update(paths, |idx| {
                if let Some(rec) = idx.images.get_mut(&report.id) {
                    rec.repo_digests.retain(|d| *d != placeholder);
                }
                Ok(())
            })?;
            for n in names.iter().skip(1) {
                let here = ImageIndex::load(paths)?
                    .images
                    .get(&report.id)
                    .is_some_and(|rec| rec.repo_tags.contains(n));
                if !here {
                    touched.push(n.clone());
                    super::tag(ctx, &report.id, n)?;
                }
            }
            if names.is_empty() {
                out.push(Loaded::Id(report.id.clone()));
            }
            for n in names {
                let tag = crate::image::reference::familiar_name(&n);
                if let Some(old_id) = current.insert(n, report.id.clone())
                    && old_id != report.id
                {
                    out.push(Loaded::Moved {
                        tag: tag.clone(),
                        old_id,
                    });
                }
                out.push(Loaded::Tag(tag));
            }
        }
        Ok(())
    })();
    drop(spool);
    drop(work);
    if let Err(e) = result {
        rollback(ctx, &added, &touched, &tags_before);
        return Err(e);
    }
    Ok(out)
}

/// Name the image's spooled layer blobs in the store by rename instead of having the pull copy them
/// (they were hashed while spooled); the pull then finds them kept. A failed load's rollback collects
/// them with the rest.
fn adopt_layers(
    paths: &crate::store::Paths,
    manifest: &[u8],
    media_type: &str,
    blobs: &mut HashMap<String, Member>,
) -> Result<()> {
    let Ok(crate::image::Document::Manifest(m)) =
        crate::image::manifest::parse_document(manifest, media_type)
    else {
        return Ok(());
    };
    for l in &m.layers {
        if let Some(member) = blobs.get_mut(l.digest.as_str())
            && member.size == l.size
            && member.file.starts_with(paths.ingest_dir())
        {
            crate::store::blobs::adopt_verified(paths, &member.file, l.digest.hex())?;
            member.file = paths.blob_path(l.digest.hex());
        }
    }
    Ok(())
}

/// Take back what a failed load added: its new images, the tags it moved (`touched`: back to the
/// image `tags_before` names, or to none), then unreferenced layers and blobs.
fn rollback(
    ctx: &Context,
    added: &[String],
    touched: &[String],
    tags_before: &HashMap<String, String>,
) {
    let paths = &ctx.paths;
    let Ok(_gc) = FileLock::exclusive(&paths.gc_lock()) else {
        return;
    };
    let _ = ImageIndex::update(paths, |idx| {
        for id in added {
            idx.images.remove(id);
        }
        for tag in touched {
            for rec in idx.images.values_mut() {
                rec.repo_tags.retain(|t| t != tag);
            }
            if let Some(rec) = tags_before.get(tag).and_then(|id| idx.images.get_mut(id)) {
                rec.repo_tags.push(tag.clone());
            }
        }
        Ok(())
    });
    let _ = layers::collect_garbage(paths);
}
