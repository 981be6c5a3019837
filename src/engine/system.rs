//! The engine's side of `info`: what berth knows about its store and the host that docker reports
//! under `Plugins`, `DriverStatus` (the data root's backing filesystem) and the container counts.
//!
//! Reads only: `info` must not create the store or take its locks. Depends on state (container
//! states) and store (`Paths`). Invariant: every value names what berth supports or what the host
//! has, never a docker default berth does not honour.

use crate::state::{Containers, Status};
use crate::store::Paths;
use std::path::Path;

/// docker's `Plugins` (`api/types/plugins` Info): the drivers this berth has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plugins {
    /// Volume drivers: only docker's `local` (named volumes under the root, docs/layout.md).
    pub volume: Vec<&'static str>,
    /// Network drivers, with docker's names: `bridge`, `host`, and `null` (the `none` network).
    pub network: Vec<&'static str>,
    /// Log drivers: berth writes docker's json-file logs.
    pub log: Vec<&'static str>,
}

/// The drivers berth has, as `docker info` lists them (sorted, as docker sorts them).
pub fn plugins() -> Plugins {
    Plugins {
        volume: vec!["local"],
        network: vec!["bridge", "host", "null"],
        log: vec!["json-file"],
    }
}

/// Containers by state, as docker's `ContainersRunning`, `ContainersPaused`, `ContainersStopped`
/// (stopped: every container neither running nor paused, created ones included).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ContainerCounts {
    pub running: usize,
    pub paused: usize,
    pub stopped: usize,
}

/// Count the store's containers by state. A store that does not exist yet has none.
pub fn container_counts(paths: &Paths) -> ContainerCounts {
    let mut n = ContainerCounts::default();
    if !paths.containers_dir().exists() {
        return n;
    }
    for c in Containers::new(paths).list().unwrap_or_default() {
        match c.state.status {
            Status::Running => n.running += 1,
            Status::Paused => n.paused += 1,
            _ => n.stopped += 1,
        }
    }
    n
}

/// docker's name for a filesystem magic number (moby `daemon/graphdriver` FsNames; statfs(2) f_type).
pub fn filesystem_name(magic: i64) -> &'static str {
    match magic {
        0xEF53 => "extfs",
        0x5846_5342 => "xfs",
        0x9123_683E => "btrfs",
        0x0102_1994 => "tmpfs",
        0x794C_7630 => "overlayfs",
        0x2FC1_2FC1 => "zfs",
        0x6969 => "nfs",
        0xFF53_4D42 => "cifs",
        0x6573_5546 => "fuse",
        0x5265_4973 => "reiserfs",
        0x8584_58F6 => "ramfs",
        0x7371_7368 => "squashfs",
        0x4d44 => "msdos",
        0xF15F => "ecryptfs",
        0x2405_1905 => "ubifs",
        0xF2F5_2010 => "f2fs",
        0x3153_464A => "jfs",
        0x28CD_3D45 => "cramfs",
        0x6462_6720 => "debugfs",
        0x9FA0 => "proc",
        _ => "<unknown>",
    }
}

/// The filesystem the data root lives on, docker's `Backing Filesystem`: statfs(2) of the root, or of
/// its nearest existing ancestor while the store is not created yet (`info` creates nothing).
pub fn backing_filesystem(root: &Path) -> &'static str {
    let mut p = Some(root);
    while let Some(dir) = p {
        if let Ok(st) = nix::sys::statfs::statfs(dir) {
            // f_type is a signed word on glibc; the magic fits in 32 bits.
            return filesystem_name(st.filesystem_type().0 & 0xFFFF_FFFF);
        }
        p = dir.parent();
    }
    "<unknown>"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filesystem_names_are_dockers() {
        assert_eq!(filesystem_name(0xEF53), "extfs");
        assert_eq!(filesystem_name(0x5846_5342), "xfs");
        assert_eq!(filesystem_name(0x9123_683E), "btrfs");
        assert_eq!(filesystem_name(0x0102_1994), "tmpfs");
        assert_eq!(filesystem_name(0x1234), "<unknown>");
    }

    #[test]
    fn backing_filesystem_of_a_missing_root_is_its_ancestors() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("not/yet/created");
        assert_eq!(backing_filesystem(&missing), backing_filesystem(tmp.path()));
        assert_eq!(backing_filesystem(Path::new("/proc")), "proc");
    }
}
