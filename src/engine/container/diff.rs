//! `diff`: the container's upper dir against its image.

use crate::engine::Context;
use crate::state::Containers;
use anyhow::Result;
use std::fs;
use std::path::{Path, PathBuf};

/// One change in the container's filesystem (`diff`): 'A'dded, 'C'hanged or 'D'eleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: char,
    pub path: String,
}

/// Changes of the container's upper dir against its image, sorted by path as docker prints them.
pub fn diff(ctx: &Context, query: &str) -> Result<Vec<Change>> {
    let paths = &ctx.paths;
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let upper = c.dir(&id).join("upper");
    let in_image = |rel: &Path| {
        rec.layers
            .iter()
            .any(|l| fs::symlink_metadata(l.join(rel)).is_ok())
    };
    let mut out = Vec::new();
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let Ok(rd) = fs::read_dir(upper.join(&rel)) else {
            continue;
        };
        for e in rd.flatten() {
            let r = rel.join(e.file_name());
            let Ok(md) = fs::symlink_metadata(e.path()) else {
                continue;
            };
            let path = format!("/{}", r.display());
            if md.file_type().is_char_device() && md.rdev() == 0 {
                out.push(Change { kind: 'D', path });
                continue;
            }
            out.push(Change {
                kind: if in_image(&r) { 'C' } else { 'A' },
                path,
            });
            if md.is_dir() {
                stack.push(r);
            }
        }
    }
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}
