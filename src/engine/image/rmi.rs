//! `berth rmi`: untagging and deleting images as docker does (conflicts with containers, tags in several
//! repositories, digest references), the events it records, and the garbage collection of what no image
//! uses any more. Split from the pull side of `engine::image`.

use super::{Context, ImageConflict, find};
use crate::image::ImageRef;
use crate::store::images::ImageIndex;
use crate::store::{FileLock, Paths, layers};
use anyhow::{Result, anyhow};

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
    let mut image_id = String::new();
    let out = ImageIndex::update(paths, |idx| {
        let id = find(idx, name)?;
        image_id = id.clone();
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
        let users: Vec<String> = crate::state::image_users::containers_using(paths, &id).collect();
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
    emit_removals(paths, &image_id, &out);
    let mut out = out;
    if out.iter().any(|l| matches!(l, Removal::Deleted(_))) {
        out.extend(
            layers::collect_garbage(paths)?
                .0
                .into_iter()
                .map(Removal::Deleted),
        );
    }
    Ok(out)
}

/// docker's `untag` and `delete` events for what removing `image_id` did (one event per line).
pub(super) fn emit_removals(paths: &Paths, image_id: &str, lines: &[Removal]) {
    for l in lines {
        match l {
            Removal::Untagged(_) => {
                crate::engine::events::emit_image(paths, "untag", image_id, image_id)
            }
            Removal::Deleted(id) if id == image_id => {
                crate::engine::events::emit_image(paths, "delete", image_id, image_id)
            }
            Removal::Deleted(_) => {}
        }
    }
}
