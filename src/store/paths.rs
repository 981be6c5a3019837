//! Every path under berth's two roots (docs/layout.md lists them): other modules ask [`Paths`] for a
//! path and never join names onto a root themselves.

use super::create_private_dir;
use anyhow::{Context, Result};
use std::fs;
use std::path::{Path, PathBuf};

/// The two roots berth works under: persistent (`root`) and volatile (`run_root`).
#[derive(Debug, Clone)]
pub struct Paths {
    pub root: PathBuf,
    pub run_root: PathBuf,
    /// True when berth runs without root privileges (euid != 0).
    pub rootless: bool,
}

impl Paths {
    /// Resolve the roots: explicit values win; otherwise `/var/lib/berth` and `/run/berth` for root,
    /// `$XDG_DATA_HOME/berth` and `$XDG_RUNTIME_DIR/berth` rootless (falling back to
    /// `/run/user/$UID/berth`, then `$TMPDIR/berth-run-$UID` when XDG_RUNTIME_DIR is missing after `su`).
    pub fn resolve(root: Option<&Path>, run_root: Option<&Path>) -> Result<Paths> {
        let uid = nix::unistd::geteuid().as_raw();
        let rootless = uid != 0;
        let root = match root {
            Some(p) => absolute(p)?,
            None if !rootless => PathBuf::from("/var/lib/berth"),
            None => data_home()?.join("berth"),
        };
        let run_root = match run_root {
            Some(p) => absolute(p)?,
            None if !rootless => PathBuf::from("/run/berth"),
            None => runtime_dir(uid).join("berth"),
        };
        Ok(Paths {
            root,
            run_root,
            rootless,
        })
    }

    /// Create both roots with mode 0700 (store contents must not be reachable by other local users,
    /// CVE-2021-41091).
    pub fn ensure(&self) -> Result<()> {
        for d in [&self.root, &self.run_root] {
            create_private_dir(d)?;
        }
        Ok(())
    }
}

impl Paths {
    /// `<root>/blobs/sha256`: verified manifests, indexes and image configs (compressed layers are not
    /// kept: the unpacked layer under [`Paths::layers_dir`] is the content).
    pub fn blobs_dir(&self) -> PathBuf {
        self.root.join("blobs/sha256")
    }

    /// The file of a blob, by its 64 hex characters (callers validate the digest first).
    pub fn blob_path(&self, hex: &str) -> PathBuf {
        self.blobs_dir().join(hex)
    }

    /// `<root>/ingest`: work dirs (`.tmp-*`) of content being written before it is verified and
    /// committed (blobs, `commit`/`import` layer tars). Never read as content.
    pub fn ingest_dir(&self) -> PathBuf {
        self.root.join("ingest")
    }

    /// `<root>/layers/sha256`: one dir per chain ID.
    pub fn layers_dir(&self) -> PathBuf {
        self.root.join("layers/sha256")
    }

    /// `<root>/layers/sha256/<chain-hex>`: holds `diff/` (the overlay lowerdir) and `layer.json`.
    pub fn layer_dir(&self, chain_hex: &str) -> PathBuf {
        self.layers_dir().join(chain_hex)
    }

    /// `<root>/images.json`: the image index, changed only under [`Paths::images_lock`].
    pub fn images_json(&self) -> PathBuf {
        self.root.join("images.json")
    }

    /// `<root>/locks`: lock files (images, gc, one per layer being pulled, one per temp dir).
    pub fn locks_dir(&self) -> PathBuf {
        self.root.join("locks")
    }

    pub fn images_lock(&self) -> PathBuf {
        self.locks_dir().join("images.lock")
    }

    /// Held shared by every pull from its first committed layer until its image record is saved, and
    /// exclusively by layer/blob garbage collection, so GC never deletes a layer a pull is about to use.
    pub fn gc_lock(&self) -> PathBuf {
        self.locks_dir().join("gc.lock")
    }

    /// Serialises pulls of one layer: the second waiter finds it committed and skips it.
    pub fn layer_lock(&self, chain_hex: &str) -> PathBuf {
        self.locks_dir().join(format!("layer-{chain_hex}.lock"))
    }

    /// `<root>/containers`.
    pub fn containers_dir(&self) -> PathBuf {
        self.root.join("containers")
    }

    /// `<root>/containers/<id>`: container.json, state.json, config.json, the log, upper/work/rootfs.
    pub fn container_dir(&self, id: &str) -> PathBuf {
        self.containers_dir().join(id)
    }

    /// `<run_root>/containers/<id>`: the container lock, monitor and exit records, the attach socket.
    pub fn container_run_dir(&self, id: &str) -> PathBuf {
        self.run_root.join("containers").join(id)
    }

    /// `<run_root>/containers/<id>/health.json`: docker's `State.Health`, written by the container's
    /// monitor after each health check (docs/layout.md).
    pub fn container_health(&self, id: &str) -> PathBuf {
        self.container_run_dir(id).join("health.json")
    }

    /// `<root>/names`: one file per container name, holding the owner's id.
    pub fn names_dir(&self) -> PathBuf {
        self.root.join("names")
    }

    /// `<root>/names.lock`: guards `names/`.
    pub fn names_lock(&self) -> PathBuf {
        self.root.join("names.lock")
    }

    /// `<root>/trash`: removed containers' directories until they are deleted.
    pub fn trash_dir(&self) -> PathBuf {
        self.root.join("trash")
    }

    /// `<root>/volumes`.
    pub fn volumes_dir(&self) -> PathBuf {
        self.root.join("volumes")
    }

    /// `<root>/volumes/<name>`: volume.json and `_data/`.
    pub fn volume_dir(&self, name: &str) -> PathBuf {
        self.volumes_dir().join(name)
    }

    /// `<root>/pods`.
    pub fn pods_dir(&self) -> PathBuf {
        self.root.join("pods")
    }

    /// `<root>/pods/<id>`: pod.json and the infra's root (`infra-root/`).
    pub fn pod_dir(&self, id: &str) -> PathBuf {
        self.pods_dir().join(id)
    }

    /// `<run_root>/pods/<id>`: the pod lock and its shared /dev/shm.
    pub fn pod_run_dir(&self, id: &str) -> PathBuf {
        self.run_root.join("pods").join(id)
    }

    /// `<root>/pod-names`: pod name reservations.
    pub fn pod_names_dir(&self) -> PathBuf {
        self.root.join("pod-names")
    }

    /// `<root>/pod-names.lock`: guards `pod-names/`.
    pub fn pod_names_lock(&self) -> PathBuf {
        self.root.join("pod-names.lock")
    }

    /// `<root>/networks`: user-defined networks' configs (`<name>.json`).
    pub fn network_configs_dir(&self) -> PathBuf {
        self.root.join("networks")
    }

    /// `<run_root>/networks`: the networks lock and one dir per network (its lock and leases).
    pub fn networks_run_dir(&self) -> PathBuf {
        self.run_root.join("networks")
    }

    /// `<run_root>/networks/lock`: guards the set of networks (create, rm) and the subnet pool.
    pub fn networks_lock(&self) -> PathBuf {
        self.networks_run_dir().join("lock")
    }

    /// `<run_root>/networks/<name>`: one network's lock and `leases/`.
    pub fn network_run_dir(&self, name: &str) -> PathBuf {
        self.networks_run_dir().join(name)
    }

    /// `<run_root>/network`: each container's network record (`<id>.json`).
    pub fn network_records_dir(&self) -> PathBuf {
        self.run_root.join("network")
    }

    /// `<run_root>/netns/<id>`: where a container's network namespace is pinned.
    pub fn netns(&self, container_id: &str) -> PathBuf {
        netns_in(&self.run_root, container_id)
    }

    /// Where bridge leases live: [`HOST_BRIDGES_DIR`] as root, shared by every store of the host because
    /// the bridge device they address is; `<run_root>/bridges` rootless (a rootless bridge would live in
    /// the user's own network namespace, so per user). docs/layout.md, "Networks".
    pub fn bridges_dir(&self) -> PathBuf {
        if self.rootless {
            self.run_root.join("bridges")
        } else {
            PathBuf::from(HOST_BRIDGES_DIR)
        }
    }

    /// `<run_root>/seccomp`: compiled seccomp programs by profile (a cache; a reboot clears it, as it
    /// should: the program depends on the kernel libseccomp probed).
    pub fn seccomp_cache(&self) -> PathBuf {
        self.run_root.join("seccomp")
    }

    /// `<run_root>/events`: the events log (`events.log`, `events.log.1`) and its rotation lock.
    pub fn events_dir(&self) -> PathBuf {
        self.run_root.join("events")
    }

    /// `<run_root>/events/events.log`: one JSON line per event, appended (store::events).
    pub fn events_log(&self) -> PathBuf {
        self.events_dir().join("events.log")
    }

    /// `<run_root>/events/events.log.1`: the previous generation of the events log.
    pub fn events_log_old(&self) -> PathBuf {
        self.events_dir().join("events.log.1")
    }

    /// `<run_root>/events/lock`: taken to rotate the events log.
    pub fn events_lock(&self) -> PathBuf {
        self.events_dir().join("lock")
    }

    /// `<root>/buildcache`: `berth build`'s cache (counted by `system df`, removed by `system prune`).
    pub fn build_cache_dir(&self) -> PathBuf {
        self.root.join("buildcache")
    }
}

/// Where the leases of bridges live as root: host-wide, whatever `--run-root` says (every store on the
/// host shares it; a tmpfs, as the run root: a reboot removes the bridges and their leases together).
pub const HOST_BRIDGES_DIR: &str = "/run/berth-net/bridges";

/// A container's network record in the store whose run root is `run_root` (any store of the host: a
/// stale lease names the run root of the store that took it).
pub fn network_record_in(run_root: &Path, id: &str) -> PathBuf {
    run_root.join("network").join(format!("{id}.json"))
}

/// Where a container's network namespace is pinned in the store whose run root is `run_root`.
pub fn netns_in(run_root: &Path, id: &str) -> PathBuf {
    run_root.join("netns").join(id)
}

fn absolute(p: &Path) -> Result<PathBuf> {
    std::path::absolute(p).with_context(|| format!("resolving path {}", p.display()))
}

fn data_home() -> Result<PathBuf> {
    if let Some(d) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(d));
    }
    let home = std::env::var_os("HOME")
        .filter(|v| !v.is_empty())
        .context("HOME is not set")?;
    Ok(PathBuf::from(home).join(".local/share"))
}

fn runtime_dir(uid: u32) -> PathBuf {
    use std::os::unix::fs::MetadataExt;
    let owned_private = |p: &Path| {
        fs::metadata(p)
            .map(|m| m.is_dir() && m.uid() == uid && m.mode() & 0o077 == 0)
            .unwrap_or(false)
    };
    if let Some(d) = std::env::var_os("XDG_RUNTIME_DIR").filter(|v| !v.is_empty()) {
        let d = PathBuf::from(d);
        if owned_private(&d) {
            return d;
        }
    }
    let run_user = PathBuf::from(format!("/run/user/{uid}"));
    if owned_private(&run_user) {
        return run_user;
    }
    std::env::temp_dir().join(format!("berth-run-{uid}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The paths docs/layout.md lists, as the store hands them out.
    #[test]
    fn paths_are_where_docs_layout_says() {
        let p = Paths {
            root: PathBuf::from("/R"),
            run_root: PathBuf::from("/X"),
            rootless: false,
        };
        let h = "a".repeat(64);
        let cases: Vec<(PathBuf, String)> = vec![
            (p.images_json(), "/R/images.json".into()),
            (p.blob_path(&h), format!("/R/blobs/sha256/{h}")),
            (p.layer_dir(&h), format!("/R/layers/sha256/{h}")),
            (p.ingest_dir(), "/R/ingest".into()),
            (p.images_lock(), "/R/locks/images.lock".into()),
            (p.gc_lock(), "/R/locks/gc.lock".into()),
            (p.layer_lock(&h), format!("/R/locks/layer-{h}.lock")),
            (p.container_dir("c"), "/R/containers/c".into()),
            (p.container_run_dir("c"), "/X/containers/c".into()),
            (p.names_dir(), "/R/names".into()),
            (p.names_lock(), "/R/names.lock".into()),
            (p.trash_dir(), "/R/trash".into()),
            (p.volume_dir("v"), "/R/volumes/v".into()),
            (p.pod_dir("p"), "/R/pods/p".into()),
            (p.pod_run_dir("p"), "/X/pods/p".into()),
            (p.pod_names_dir(), "/R/pod-names".into()),
            (p.pod_names_lock(), "/R/pod-names.lock".into()),
            (p.network_configs_dir(), "/R/networks".into()),
            (p.networks_lock(), "/X/networks/lock".into()),
            (p.network_run_dir("n"), "/X/networks/n".into()),
            (p.network_records_dir(), "/X/network".into()),
            (p.netns("c"), "/X/netns/c".into()),
            (p.seccomp_cache(), "/X/seccomp".into()),
            (p.events_log(), "/X/events/events.log".into()),
            (p.events_log_old(), "/X/events/events.log.1".into()),
            (p.events_lock(), "/X/events/lock".into()),
            (p.build_cache_dir(), "/R/buildcache".into()),
        ];
        for (got, want) in cases {
            assert_eq!(got, PathBuf::from(&want));
        }
    }
}
