//! The image index `images.json`: every local image keyed by its ID (the config digest), with its tags,
//! repo digests, manifest digests and layers.
//!
//! Invariant: changed only under `locks/images.lock` and written with [`super::write_atomic`], so a
//! reader without the lock always sees a whole index. Names in it are normalised references
//! (`docker.io/library/busybox:latest`); IDs and digests are validated `sha256:` digests. Must not depend
//! on image, registry, engine or cli.

use super::{FileLock, Paths, write_atomic};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One layer of an image, lowest first.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LayerRecord {
    /// Key of `layers/sha256/<chain-hex>`.
    pub chain_id: String,
    pub diff_id: String,
    /// The compressed blob (`blobs/sha256/<hex>`) and its media type.
    pub blob_digest: String,
    pub blob_size: u64,
    pub media_type: String,
    /// Bytes of file content in the unpacked layer.
    pub size: u64,
    /// Compressed forms of this layer made by `push` from an uncompressed blob (commit, import, build),
    /// kept in `blobs/sha256/` so later pushes send the same bytes (docs/layout.md "Images").
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub compressed: Vec<BlobRef>,
}

/// A blob kept in `blobs/sha256/<hex>`, as a descriptor names it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct BlobRef {
    pub digest: String,
    pub size: u64,
    pub media_type: String,
}

/// One local image.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ImageRecord {
    /// The image ID: the config digest.
    pub id: String,
    /// `registry/repo:tag`, normalised.
    pub repo_tags: Vec<String>,
    /// `registry/repo@sha256:...` of the manifest (or index) it was pulled by.
    pub repo_digests: Vec<String>,
    /// The platform manifest this image was built from.
    pub manifest_digest: String,
    pub manifest_media_type: String,
    /// Every manifest/index blob kept for this image (the index too when pulled through one).
    pub manifest_blobs: Vec<String>,
    pub layers: Vec<LayerRecord>,
    /// Sum of the layers' sizes.
    pub size: u64,
    /// The config's `created`, RFC 3339.
    pub created: Option<String>,
    pub architecture: String,
    pub os: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    /// When a tag last moved onto this image, RFC 3339 (docker's `Metadata.LastTagTime`).
    #[serde(default)]
    pub last_tag_time: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ImageIndex {
    pub version: u32,
    pub images: BTreeMap<String, ImageRecord>,
}

impl ImageIndex {
    /// Read the index; a missing file is an empty index.
    pub fn load(paths: &Paths) -> Result<ImageIndex> {
        let p = paths.images_json();
        let data = match std::fs::read(&p) {
            Ok(d) => d,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(ImageIndex {
                    version: 1,
                    ..Default::default()
                });
            }
            Err(e) => {
                return Err(e).with_context(|| format!("reading image index {}", p.display()));
            }
        };
        let idx: ImageIndex = serde_json::from_slice(&data)
            .with_context(|| format!("parsing image index {}", p.display()))?;
        if idx.version != 1 {
            bail!(
                "image index {} has unknown version {}",
                p.display(),
                idx.version
            );
        }
        Ok(idx)
    }

    /// Lock the index, load it, let `f` change it, and write it back atomically. The lock is released when
    /// this returns.
    pub fn update<T>(paths: &Paths, f: impl FnOnce(&mut ImageIndex) -> Result<T>) -> Result<T> {
        super::create_private_dir(&paths.root)?;
        let _lock = FileLock::exclusive(&paths.images_lock())?;
        // Every writer of images.json holds this lock: a temp file left beside it is from a writer
        // that was killed.
        if let Ok(rd) = std::fs::read_dir(&paths.root) {
            for e in rd.flatten() {
                if e.file_name()
                    .to_string_lossy()
                    .starts_with(".images.json.tmp-")
                {
                    let _ = std::fs::remove_file(e.path());
                }
            }
        }
        let mut idx = ImageIndex::load(paths)?;
        let before = serde_json::to_vec(&idx)?;
        let out = f(&mut idx)?;
        let after = serde_json::to_vec_pretty(&idx)?;
        if serde_json::to_vec(&idx)? != before {
            write_atomic(&paths.images_json(), &after)?;
        }
        Ok(out)
    }

    /// Take `tag` off every image; returns the IDs it was on.
    pub fn untag_everywhere(&mut self, tag: &str) -> Vec<String> {
        let mut from = Vec::new();
        for rec in self.images.values_mut() {
            if let Some(pos) = rec.repo_tags.iter().position(|t| t == tag) {
                rec.repo_tags.remove(pos);
                from.push(rec.id.clone());
            }
        }
        from
    }
}
