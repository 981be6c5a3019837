//! `image prune`: dangling images (every unused one with `-a`) that docker's `until` and `label`
//! filters allow, then the layers and blobs no image references.

use super::{Removal, image_config_json};
use crate::engine::Context;
use crate::engine::system::PruneFilter;
use crate::store::images::ImageIndex;
use crate::store::{FileLock, layers};
use anyhow::Result;
use std::collections::BTreeMap;

/// `berth image prune [-a] [--filter ...]`: remove dangling images (all unused ones with `all`) that
/// `filter` allows (by the image's creation time and its config's labels), then unused layers.
pub fn prune(
    ctx: &Context,
    all: bool,
    filter: &PruneFilter,
) -> Result<crate::engine::Pruned<Removal>> {
    let paths = &ctx.paths;
    if !paths.images_json().exists() {
        return Ok(crate::engine::Pruned {
            removed: Vec::new(),
            reclaimed_bytes: 0,
        });
    }
    let _gc = FileLock::exclusive(&paths.gc_lock())?;
    let mut deleted_ids = Vec::new();
    let mut lines = ImageIndex::update(paths, |idx| {
        let mut lines = Vec::new();
        let ids: Vec<String> = idx.images.keys().cloned().collect();
        for id in ids {
            let rec = &idx.images[&id];
            if (!rec.repo_tags.is_empty() && !all)
                || crate::state::image_users::image_in_use(paths, &id)
            {
                continue;
            }
            let labels = if filter.labels.is_empty() && filter.labels_not.is_empty() {
                BTreeMap::new()
            } else {
                image_labels(paths, rec)
            };
            if !filter.allows(rec.created.as_deref().unwrap_or(""), &labels) {
                continue;
            }
            for t in &rec.repo_tags {
                lines.push(Removal::Untagged(crate::image::reference::familiar_name(t)));
            }
            for d in &rec.repo_digests {
                lines.push(Removal::Untagged(crate::image::reference::familiar_name(d)));
            }
            lines.push(Removal::Deleted(id.clone()));
            deleted_ids.push((id.clone(), lines.len()));
            idx.images.remove(&id);
        }
        Ok(lines)
    })?;
    // docker's events, per image: its untags, then its deletion.
    let mut from = 0;
    for (id, to) in &deleted_ids {
        super::emit_removals(paths, id, &lines[from..*to]);
        from = *to;
    }
    let (removed, reclaimed) = layers::collect_garbage(paths)?;
    lines.extend(removed.into_iter().map(Removal::Deleted));
    Ok(crate::engine::Pruned {
        removed: lines,
        reclaimed_bytes: reclaimed,
    })
}

/// The labels of an image's config (`config.Labels`); none when the config cannot be read.
fn image_labels(
    paths: &crate::store::Paths,
    rec: &crate::store::images::ImageRecord,
) -> BTreeMap<String, String> {
    image_config_json(paths, rec)
        .ok()
        .and_then(|v| v.pointer("/config/Labels").cloned())
        .and_then(|l| serde_json::from_value(l).ok())
        .unwrap_or_default()
}
