//! `diff`: the container's upper dir against its image, without what berth itself put there.

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

/// The mount points and files the runtime creates in the upper dir when the image lacks them. docker
/// creates the same ones in an init layer below the container's own (moby `daemon/initlayer`), so its
/// `diff` never lists them: neither does berth's.
const INIT_PATHS: &[&str] = &[
    ".dockerenv",
    "dev",
    "dev/console",
    "dev/pts",
    "dev/shm",
    "etc/hostname",
    "etc/hosts",
    "etc/mtab",
    "etc/resolv.conf",
    "proc",
    "sys",
];

/// Whether the upper dir's entry at `rel` is one the runtime made: an init path, still an empty file or
/// empty directory (the container's own writes to these go to the mounts over them).
fn made_by_runtime(rel: &Path, md: &fs::Metadata, full: &Path) -> bool {
    if !INIT_PATHS.iter().any(|p| Path::new(p) == rel) {
        return false;
    }
    if md.is_dir() {
        fs::read_dir(full).is_ok_and(|mut d| d.next().is_none())
    } else {
        md.is_file() && md.len() == 0
    }
}

/// Changes of the container's upper dir against its image, sorted by path as docker prints them.
pub fn diff(ctx: &Context, query: &str) -> Result<Vec<Change>> {
    let c = Containers::new(&ctx.paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    Ok(changes(&c.dir(&id).join("upper"), &rec.layers))
}

/// [`diff`] of `upper` over `layers` (lowest first).
fn changes(upper: &Path, layers: &[PathBuf]) -> Vec<Change> {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    // The topmost layer's entry at `rel`, the one the container sees under its upper dir.
    let in_image = |rel: &Path| {
        layers
            .iter()
            .rev()
            .find_map(|l| fs::symlink_metadata(l.join(rel)).ok())
    };
    let mut out = Vec::new();
    // Directories that hold a runtime-made entry, with whether they differ from the image in mode.
    let mut init_parents: Vec<(String, bool)> = Vec::new();
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
            if made_by_runtime(&r, &md, &e.path()) {
                for a in r.ancestors().skip(1).filter(|a| !a.as_os_str().is_empty()) {
                    let changed_mode = fs::symlink_metadata(upper.join(a))
                        .ok()
                        .zip(in_image(a))
                        .is_some_and(|(u, i)| u.mode() != i.mode());
                    init_parents.push((format!("/{}", a.display()), changed_mode));
                }
                continue;
            }
            out.push(Change {
                kind: if in_image(&r).is_some() { 'C' } else { 'A' },
                path,
            });
            if md.is_dir() {
                stack.push(r);
            }
        }
    }
    // A directory the runtime's entries alone put in the upper dir (overlayfs copies a parent up to
    // create a child) is not a change of the container's, unless its mode changed or it holds one.
    let holds_change = |dir: &str, out: &[Change]| {
        let prefix = format!("{dir}/");
        out.iter().any(|c| c.path.starts_with(&prefix))
    };
    let drop: Vec<String> = init_parents
        .iter()
        .filter(|(p, changed_mode)| !changed_mode && !holds_change(p, &out))
        .map(|(p, _)| p.clone())
        .collect();
    out.retain(|c| !drop.contains(&c.path));
    out.sort_by(|a, b| a.path.cmp(&b.path));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(ch: &[Change]) -> Vec<String> {
        ch.iter()
            .map(|c| format!("{} {}", c.kind, c.path))
            .collect()
    }

    #[test]
    fn runtime_mount_points_and_their_parents_are_not_changes() {
        let d = tempfile::tempdir().unwrap();
        let (upper, image) = (d.path().join("upper"), d.path().join("layer"));
        for dir in ["etc", "proc", "sys", "dev", "tmp"] {
            fs::create_dir_all(image.join(dir)).unwrap();
        }
        fs::write(image.join("etc/passwd"), "root:x:0:0::/root:/bin/sh\n").unwrap();
        // What a container that only ran leaves: the copied-up /etc with berth's files, empty mount
        // points for an image without them.
        for dir in ["etc", "proc", "sys", "dev"] {
            fs::create_dir_all(upper.join(dir)).unwrap();
        }
        for f in ["etc/hosts", "etc/hostname", "etc/resolv.conf"] {
            fs::write(upper.join(f), "").unwrap();
        }
        assert_eq!(
            paths(&changes(&upper, std::slice::from_ref(&image))),
            Vec::<String>::new()
        );
        // The container's own changes still show, /etc too once it holds one.
        fs::write(upper.join("etc/motd"), "hi").unwrap();
        fs::create_dir_all(upper.join("data")).unwrap();
        assert_eq!(
            paths(&changes(&upper, std::slice::from_ref(&image))),
            vec!["A /data", "C /etc", "A /etc/motd"]
        );
    }

    #[test]
    fn an_init_path_the_container_filled_is_a_change() {
        let d = tempfile::tempdir().unwrap();
        let (upper, image) = (d.path().join("upper"), d.path().join("layer"));
        fs::create_dir_all(&image).unwrap();
        fs::create_dir_all(upper.join("etc")).unwrap();
        fs::write(upper.join("etc/hosts"), "10.0.0.1 x\n").unwrap();
        assert_eq!(
            paths(&changes(&upper, std::slice::from_ref(&image))),
            vec!["A /etc", "A /etc/hosts"]
        );
    }
}
