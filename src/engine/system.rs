//! The engine's side of `info`, `system df` and `system prune` (with the prune filter every `prune` takes):
//! what berth knows about its store and the host that docker reports
//! under `Plugins`, `DriverStatus` (the data root's backing filesystem) and the container counts.
//!
//! `info` and `system df` read only: they must not create the store or take its locks (`df`'s sizes
//! are a snapshot); the build cache step of `system prune` is the one writer here. Depends on state
//! (container states) and store (`Paths`). Invariant: every value names what berth supports or what the host
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

/// docker's prune filters (moby `daemon/prune.go`): `until` (only what was created before it),
/// `label=k[=v]` (only what has every such label) and `label!=k[=v]` (nothing that has all of them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PruneFilter {
    pub until: Option<std::time::SystemTime>,
    pub labels: Vec<(String, Option<String>)>,
    pub labels_not: Vec<(String, Option<String>)>,
}

impl PruneFilter {
    /// Whether an object created at `created` (a recorded RFC 3339 time; unknown: never "before")
    /// with `labels` may be pruned.
    pub fn allows(
        &self,
        created: &str,
        labels: &std::collections::BTreeMap<String, String>,
    ) -> bool {
        let kv = |(k, v): &(String, Option<String>)| match v {
            None => labels.contains_key(k),
            Some(v) => labels.get(k) == Some(v),
        };
        if let Some(until) = self.until {
            match crate::time::parse_recorded(created) {
                Some(t) if t < until => {}
                _ => return false,
            }
        }
        self.labels.iter().all(kv)
            && (self.labels_not.is_empty() || !self.labels_not.iter().all(kv))
    }
}

/// One image in `system df`: its layers' total, the part other images share, and its users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageUsage {
    pub id: String,
    /// Familiar `name:tag`s (empty: dangling).
    pub tags: Vec<String>,
    pub created: Option<String>,
    pub size: u64,
    pub shared_size: u64,
    /// Containers created from it.
    pub containers: usize,
}

/// One container in `system df`: what it wrote (its upper dir).
#[derive(Debug, Clone)]
pub struct ContainerUsage {
    pub listed: crate::state::list::Listed,
    pub running: bool,
    pub size_rw: u64,
    /// Named and anonymous volumes it mounts.
    pub volumes: usize,
}

/// One volume in `system df`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeUsage {
    pub name: String,
    /// Containers that use it.
    pub links: usize,
    pub size: u64,
}

/// `system df`: the store's disk use by kind. Layers shared by images count once in `layers_size`.
#[derive(Debug, Clone)]
pub struct DiskUsage {
    pub images: Vec<ImageUsage>,
    /// Bytes of every stored layer, each once.
    pub layers_size: u64,
    /// Bytes of the layers no image with a container uses (what `image prune -a` may free).
    pub images_reclaimable: u64,
    pub containers: Vec<ContainerUsage>,
    pub volumes: Vec<VolumeUsage>,
    /// Records and bytes of `berth build`'s cache ([`Paths::build_cache_dir`]).
    pub build_cache_entries: usize,
    pub build_cache_size: u64,
    /// The build cache's records, for `-v` (most recently used first).
    pub build_cache: Vec<super::build::CacheRecord>,
}

/// Gather [`DiskUsage`]. Reads only, takes no lock: sizes are a snapshot.
pub fn disk_usage(ctx: &super::Context) -> anyhow::Result<DiskUsage> {
    use std::collections::{BTreeMap, BTreeSet};
    let paths = &ctx.paths;
    let index = if paths.images_json().exists() {
        crate::store::images::ImageIndex::load(paths)?
    } else {
        crate::store::images::ImageIndex::default()
    };
    let listed = if paths.containers_dir().exists() {
        Containers::new(paths).list()?
    } else {
        Vec::new()
    };
    let mut users: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &listed {
        *users.entry(c.record.image_id.as_str()).or_default() += 1;
    }
    // chain id -> (size, images holding it)
    let mut layer_refs: BTreeMap<&str, (u64, usize)> = BTreeMap::new();
    for rec in index.images.values() {
        let mut seen = BTreeSet::new();
        for l in &rec.layers {
            if seen.insert(l.chain_id.as_str()) {
                let e = layer_refs.entry(l.chain_id.as_str()).or_insert((l.size, 0));
                e.1 += 1;
            }
        }
    }
    let mut used_layers = BTreeSet::new();
    let mut images = Vec::new();
    for rec in index.images.values() {
        let containers = users.get(rec.id.as_str()).copied().unwrap_or(0);
        let mut size = 0;
        let mut shared = 0;
        for l in &rec.layers {
            size += l.size;
            if layer_refs.get(l.chain_id.as_str()).is_some_and(|e| e.1 > 1) {
                shared += l.size;
            }
            if containers > 0 {
                used_layers.insert(l.chain_id.as_str());
            }
        }
        images.push(ImageUsage {
            id: rec.id.clone(),
            tags: rec
                .repo_tags
                .iter()
                .map(|t| crate::image::reference::familiar_name(t))
                .collect(),
            created: rec.created.clone(),
            size,
            shared_size: shared,
            containers,
        });
    }
    images.sort_by(|a, b| b.created.cmp(&a.created).then_with(|| a.id.cmp(&b.id)));
    let layers_size: u64 = layer_refs.values().map(|e| e.0).sum();
    let used: u64 = used_layers.iter().map(|c| layer_refs[c].0).sum();
    let volumes_list = super::volume::list(paths)?;
    let containers = listed
        .into_iter()
        .map(|l| {
            let running = matches!(l.state.status, Status::Running | Status::Paused);
            let size_rw = crate::store::dir_size(&paths.container_dir(&l.record.id).join("upper"));
            let volumes = l
                .record
                .mounts
                .iter()
                .filter(|m| {
                    m.source
                        .starts_with(&*paths.volumes_dir().to_string_lossy())
                })
                .count();
            ContainerUsage {
                listed: l,
                running,
                size_rw,
                volumes,
            }
        })
        .collect();
    let mut volumes = Vec::new();
    for v in volumes_list {
        volumes.push(VolumeUsage {
            links: super::volume::users(paths, &v.name)?.len(),
            size: crate::store::dir_size(&paths.volume_dir(&v.name).join("_data")),
            name: v.name,
        });
    }
    let cache = paths.build_cache_dir();
    let build_cache = super::build::cache_usage(paths)?;
    Ok(DiskUsage {
        images,
        layers_size,
        images_reclaimable: layers_size - used,
        containers,
        volumes,
        build_cache_entries: build_cache.len(),
        build_cache_size: crate::store::dir_size(&cache),
        build_cache,
    })
}

/// `system prune`'s build cache step: empty [`Paths::build_cache_dir`] (the directory itself stays
/// for `berth build`). The names removed and their bytes.
pub fn prune_build_cache(paths: &Paths) -> anyhow::Result<super::Pruned<String>> {
    let dir = paths.build_cache_dir();
    let mut removed = Vec::new();
    let mut bytes = 0;
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Ok(super::Pruned {
            removed,
            reclaimed_bytes: 0,
        });
    };
    for e in rd.flatten() {
        let p = e.path();
        bytes += crate::store::dir_size(&p);
        crate::store::remove_tree_owned(&p, paths.rootless)?;
        removed.push(e.file_name().to_string_lossy().into_owned());
    }
    Ok(super::Pruned {
        removed,
        reclaimed_bytes: bytes,
    })
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

    #[test]
    fn prune_filters_take_until_labels_and_negated_labels() {
        use std::collections::BTreeMap;
        let labels = BTreeMap::from([("a".to_string(), "1".to_string())]);
        let old = "2020-01-01T00:00:00Z";
        let none = PruneFilter::default();
        assert!(none.allows(old, &labels));
        let until = PruneFilter {
            until: crate::time::parse_recorded("2021-01-01T00:00:00Z"),
            ..Default::default()
        };
        assert!(until.allows(old, &labels));
        assert!(!until.allows("2022-01-01T00:00:00Z", &labels));
        assert!(
            !until.allows("", &labels),
            "an unknown age is never old enough"
        );
        let with = |l: &[(&str, Option<&str>)], not: bool| {
            let v: Vec<(String, Option<String>)> = l
                .iter()
                .map(|(k, v)| (k.to_string(), v.map(str::to_string)))
                .collect();
            if not {
                PruneFilter {
                    labels_not: v,
                    ..Default::default()
                }
            } else {
                PruneFilter {
                    labels: v,
                    ..Default::default()
                }
            }
        };
        assert!(with(&[("a", None)], false).allows(old, &labels));
        assert!(with(&[("a", Some("1"))], false).allows(old, &labels));
        assert!(!with(&[("a", Some("2"))], false).allows(old, &labels));
        assert!(!with(&[("a", None)], true).allows(old, &labels));
        assert!(with(&[("a", Some("2"))], true).allows(old, &labels));
        assert!(with(&[("b", None)], true).allows(old, &labels));
    }
}
