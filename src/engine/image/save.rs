//! `berth save`: local images to docker 25+'s archive (image/archive.rs), written from the blobs the
//! store keeps (docs/layout.md "Images"): the pulled manifest and layer blobs as pulled, so digests
//! stay; several images share their blobs. With a file, the archive is written beside it and renamed
//! into place, so a failed save leaves no partial file. Holds `gc.lock` shared while it reads blobs.

use super::super::Context;
use super::{NoSuchImage, resolve_local};
use crate::image::archive::{self, SaveImage};
use crate::image::manifest::{MT_DOCKER_MANIFEST, MT_OCI_MANIFEST};
use crate::image::{Digest, ImageRef};
use crate::store::images::{ImageIndex, ImageRecord};
use crate::store::{FileLock, blobs};
use anyhow::{Context as _, Result, bail};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Write};
use std::path::Path;

/// The images and tags that `names` stand for: a name without tag means every tag of its repository
/// (docker's `save busybox`), an ID the untagged image.
fn selection(ctx: &Context, names: &[String]) -> Result<Vec<(ImageRecord, Vec<String>)>> {
    let idx = ImageIndex::load(&ctx.paths)?;
    let mut by_id: BTreeMap<String, (ImageRecord, Vec<String>)> = BTreeMap::new();
    let mut order = Vec::new();
    for name in names {
        let last = name.rsplit('/').next().unwrap_or("");
        let name_only = !last.contains(':') && !last.contains('@');
        let mut found: Vec<(String, Option<String>)> = Vec::new();
        if name_only && let Ok(r) = ImageRef::parse(name) {
            let prefix = format!("{}:", r.name());
            for rec in idx.images.values() {
                for t in rec.repo_tags.iter().filter(|t| t.starts_with(&prefix)) {
                    found.push((rec.id.clone(), Some(t.clone())));
                }
            }
        }
        if found.is_empty() {
            let rec = resolve_local(ctx, name)?;
            let tag = ImageRef::parse(name)
                .ok()
                .and_then(|r| r.tagged())
                .filter(|t| rec.repo_tags.contains(t));
            found.push((rec.id.clone(), tag));
        }
        for (id, tag) in found {
            let rec = idx
                .images
                .get(&id)
                .ok_or_else(|| NoSuchImage(name.clone()))?;
            let e = by_id.entry(id.clone()).or_insert_with(|| {
                order.push(id.clone());
                (rec.clone(), Vec::new())
            });
            if let Some(t) = tag
                && !e.1.contains(&t)
            {
                e.1.push(t);
            }
        }
    }
    Ok(order
        .into_iter()
        .filter_map(|id| by_id.remove(&id))
        .collect())
}

/// What the archive holds of one image: its manifest as kept, and its blobs, all in the store.
fn save_image(ctx: &Context, rec: &ImageRecord, tags: Vec<String>) -> Result<SaveImage> {
    let paths = &ctx.paths;
    let md = Digest::parse(&rec.manifest_digest)?;
    if !(rec.manifest_media_type == MT_OCI_MANIFEST
        || rec.manifest_media_type == MT_DOCKER_MANIFEST)
        || !blobs::exists(paths, md.hex())
    {
        bail!(
            "image {} has no stored manifest to save (pulled by an older berth: pull it again)",
            rec.id
        );
    }
    let manifest = blobs::read_verified(paths, md.hex())?;
    let mut layers = Vec::new();
    for l in &rec.layers {
        let d = Digest::parse(&l.blob_digest)?;
        if !blobs::exists(paths, d.hex()) {
            bail!(
                "layer blob {d} of image {} is not in the store (its layer was stored through another image or by an older berth): remove the image and pull it again",
                rec.id
            );
        }
        layers.push(d);
    }
    Ok(SaveImage {
        config: Digest::parse(&rec.id)?,
        manifest,
        manifest_media_type: rec.manifest_media_type.clone(),
        layers,
        repo_tags: tags,
    })
}

/// `berth save IMAGE...` to `out` (stdout, or a file through [`save_to_file`]).
pub fn save<W: Write>(ctx: &Context, names: &[String], out: W) -> Result<W> {
    let paths = &ctx.paths;
    let _gc = FileLock::shared(&paths.gc_lock())?;
    let images = selection(ctx, names)?
        .into_iter()
        .map(|(rec, tags)| save_image(ctx, &rec, tags))
        .collect::<Result<Vec<_>>>()?;
    let open = |d: &Digest| -> Result<(Box<dyn Read>, u64)> {
        let p = paths.blob_path(d.hex());
        let f = File::open(&p).with_context(|| format!("opening blob {d}"))?;
        let size = f.metadata()?.len();
        Ok((
            Box::new(std::io::BufReader::with_capacity(1 << 20, f)),
            size,
        ))
    };
    archive::write_archive(out, &images, &open, &crate::image::reference::familiar_name)
}

/// `berth save -o FILE`: written to a temp file beside FILE, synced, then renamed over it.
pub fn save_to_file(ctx: &Context, names: &[String], file: &Path) -> Result<()> {
    let dir = match file.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if !dir.is_dir() {
        bail!(
            "invalid output path: directory {:?} does not exist",
            dir.display().to_string()
        );
    }
    let base = file
        .file_name()
        .with_context(|| format!("invalid output file {}", file.display()))?
        .to_string_lossy()
        .into_owned();
    let tmp = dir.join(format!(
        ".{base}.tmp-{}",
        crate::store::work::random_token()?
    ));
    let result = (|| -> Result<()> {
        let f = File::create_new(&tmp).with_context(|| format!("creating {}", tmp.display()))?;
        let w = save(ctx, names, std::io::BufWriter::with_capacity(1 << 20, f))?;
        let f = w.into_inner().map_err(|e| e.into_error())?;
        f.sync_all().context("syncing the archive")?;
        std::fs::rename(&tmp, file)
            .with_context(|| format!("renaming the archive to {}", file.display()))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
