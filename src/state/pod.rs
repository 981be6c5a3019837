//! Pod records: `<root>/pods/<id>/pod.json` (written once at create), the pod's lock
//! (`<run_root>/pods/<id>/lock`), pod name reservation (`<root>/pod-names/<name>`, a namespace separate from
//! container names, as in podman) and id/name lookup.
//!
//! A pod has no mutable state file of its own: its status is derived from its containers' states (the infra
//! container's and the members'), which `state` already keeps current, so nothing can disagree.
//! Depends on store and the container records only. Invariant: a pod name maps to at most one pod (O_EXCL
//! creation under the pod names lock), and every change to a pod's membership happens under its lock.

use crate::state::{
    ContainerRecord, Containers, Found, find_record, list_record_ids, new_id, read_record,
    release_reservation, reserve, validate_name,
};
use crate::store::{self, FileLock, Paths};
use crate::types::{DnsOptions, HostTarget};
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// Errors the CLI branches on (podman's wording).
#[derive(Debug, thiserror::Error)]
pub enum PodError {
    #[error("no pod with name or ID {0} found: no such pod")]
    NoSuchPod(String),
    #[error("{0}: pod already exists")]
    NameInUse(String),
    #[error("more than one result for pod name or ID {0}")]
    Ambiguous(String),
}

/// Namespaces a pod can share (podman `--share`).
pub const SHAREABLE: &[&str] = &["cgroup", "ipc", "net", "pid", "uts"];
/// podman's default share set (`pkg/specgen/namespaces.go` DefaultKernelNamespaces, "match Kubernetes").
pub const DEFAULT_SHARE: &[&str] = &["ipc", "net", "uts"];

/// `--exit-policy` (podman `podman-pod-create.1.md.in`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ExitPolicy {
    #[default]
    Continue,
    Stop,
}

impl ExitPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            ExitPolicy::Continue => "continue",
            ExitPolicy::Stop => "stop",
        }
    }
}

/// A published port as the CLI parsed it (`-p [ip:]host:container[/proto]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PodPort {
    pub host_ip: Option<String>,
    pub host_port: u16,
    pub container_port: u16,
    pub proto: String,
}

/// `pod.json`: what the pod is, written once at create.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PodRecord {
    pub id: String,
    pub name: String,
    pub created: String,
    pub labels: BTreeMap<String, String>,
    /// Shared namespace kinds, sorted (`ipc`, `net`, `pid`, `uts`, `cgroup`).
    pub share: Vec<String>,
    pub hostname: String,
    pub ports: Vec<PodPort>,
    /// `--network`: "bridge" (default), a user network name, "none" or "host".
    pub network: String,
    /// Pod-level limits: members get at most these.
    pub memory: Option<i64>,
    pub nano_cpus: Option<i64>,
    pub exit_policy: ExitPolicy,
    /// The command line that created the pod (podman's CreateCommand).
    pub create_command: Vec<String>,
    /// Empty for a pod created with `--infra=false` (its members share no namespace, podman).
    pub infra_id: String,
    /// `--shm-size` of the pod's shared /dev/shm, in bytes (None: docker's 64 MiB).
    #[serde(default)]
    pub shm_size: Option<u64>,
    /// `--no-hosts`: members keep their image's /etc/hosts (podman).
    #[serde(default)]
    pub no_hosts: bool,
    /// `--dns`, `--dns-search`, `--dns-option` of the pod (the infra's resolv.conf, which members share).
    #[serde(default)]
    pub dns: DnsOptions,
    /// `--add-host` entries of the pod (the infra's /etc/hosts, which members share).
    #[serde(default)]
    pub extra_hosts: Vec<(String, HostTarget)>,
}

impl PodRecord {
    pub fn shares(&self, ns: &str) -> bool {
        self.share.iter().any(|s| s == ns)
    }

    /// False for a pod created with `--infra=false`.
    pub fn has_infra(&self) -> bool {
        !self.infra_id.is_empty()
    }
}

/// Access to every pod's files under the two roots.
#[derive(Debug, Clone)]
pub struct Pods {
    pub paths: Paths,
}

impl Pods {
    pub fn new(paths: &Paths) -> Pods {
        Pods {
            paths: paths.clone(),
        }
    }

    /// `<root>/pods/<id>`: pod.json and the infra's empty root (`infra-root/`).
    pub fn dir(&self, id: &str) -> PathBuf {
        self.paths.pod_dir(id)
    }

    /// `<run_root>/pods/<id>`: the lock and the pod's shared /dev/shm (`shm/`, a tmpfs while the pod runs).
    pub fn run_dir(&self, id: &str) -> PathBuf {
        self.paths.pod_run_dir(id)
    }

    pub fn shm_dir(&self, id: &str) -> PathBuf {
        self.run_dir(id).join("shm")
    }

    fn names_dir(&self) -> PathBuf {
        self.paths.pod_names_dir()
    }

    pub fn lock(&self, id: &str) -> Result<FileLock> {
        store::create_private_dir(&self.run_dir(id))?;
        FileLock::exclusive(&self.run_dir(id).join("lock"))
    }

    pub fn new_id(&self) -> Result<String> {
        new_id()
    }

    /// Every pod id on disk.
    pub fn list_ids(&self) -> Result<Vec<String>> {
        list_record_ids(&self.paths.pods_dir(), "pod.json", "")
    }

    /// Find a pod by full id, name, or unique id prefix.
    pub fn lookup(&self, query: &str) -> Result<String> {
        if query.is_empty() {
            return Err(PodError::NoSuchPod(query.into()).into());
        }
        let exists = |id: &str| self.dir(id).join("pod.json").exists();
        let with_prefix = |p: &str| list_record_ids(&self.paths.pods_dir(), "pod.json", p);
        match find_record(query, &self.names_dir(), exists, with_prefix)? {
            Found::One(id) => return Ok(id),
            Found::Ambiguous => return Err(PodError::Ambiguous(query.into()).into()),
            Found::None => {}
        }
        Err(PodError::NoSuchPod(query.into()).into())
    }

    /// Reserve `name` for pod `id` (the caller created the pod dir first: a reservation without one is stale).
    pub fn reserve_name(&self, name: &str, id: &str) -> Result<()> {
        validate_name(name).map_err(|_| {
            anyhow::anyhow!(
                "invalid pod name {name:?}: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*"
            )
        })?;
        let lock = self.paths.pod_names_lock();
        let owner_exists = |owner: &str| self.dir(owner).exists();
        match reserve(
            &lock,
            &self.names_dir(),
            name,
            id,
            "pod name",
            true,
            owner_exists,
        )? {
            None => Ok(()),
            Some(_) => Err(PodError::NameInUse(name.into()).into()),
        }
    }

    pub fn release_name(&self, name: &str, id: &str) -> Result<()> {
        release_reservation(&self.paths.pod_names_lock(), &self.names_dir(), name, id)
    }

    pub fn load(&self, id: &str) -> Result<PodRecord> {
        read_record(&self.dir(id).join("pod.json"), || {
            PodError::NoSuchPod(id.into()).into()
        })
    }

    pub fn save(&self, rec: &PodRecord) -> Result<()> {
        let data = serde_json::to_vec_pretty(rec).context("encoding pod record")?;
        store::write_atomic(&self.dir(&rec.id).join("pod.json"), &data)
    }

    /// The pod's containers (infra included), oldest first; membership is the `pod` field of each
    /// container's record, so a container removed by `rm` leaves the pod without any pod-side update.
    pub fn containers(&self, id: &str) -> Result<Vec<ContainerRecord>> {
        let c = Containers::new(&self.paths);
        let mut out = Vec::new();
        for cid in c.list_ids()? {
            if let Ok(r) = c.load_record(&cid)
                && r.config.pod.as_deref() == Some(id)
            {
                out.push(r);
            }
        }
        out.sort_by(|a, b| a.created.cmp(&b.created));
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn pods_in(dir: &std::path::Path) -> Pods {
        let paths = Paths {
            root: dir.join("root"),
            run_root: dir.join("run"),
            rootless: false,
        };
        fs::create_dir_all(&paths.root).unwrap();
        Pods::new(&paths)
    }

    #[test]
    fn pod_names_are_unique_and_separate_from_container_names() {
        let tmp = tempfile::tempdir().unwrap();
        let pods = pods_in(tmp.path());
        let (a, b) = (new_id().unwrap(), new_id().unwrap());
        for id in [&a, &b] {
            fs::create_dir_all(pods.dir(id)).unwrap();
        }
        pods.reserve_name("app", &a).unwrap();
        let err = pods.reserve_name("app", &b).unwrap_err();
        assert!(
            matches!(err.downcast_ref::<PodError>(), Some(PodError::NameInUse(_))),
            "{err:#}"
        );
        // Containers keep their own names: a container may be called like a pod (podman).
        Containers::new(&pods.paths)
            .reserve_name("app", &b)
            .unwrap();
        pods.release_name("app", &a).unwrap();
        pods.reserve_name("app", &b).unwrap();
    }

    #[test]
    fn lookup_by_name_id_and_unique_prefix() {
        let tmp = tempfile::tempdir().unwrap();
        let pods = pods_in(tmp.path());
        let id = new_id().unwrap();
        fs::create_dir_all(pods.dir(&id)).unwrap();
        let rec = PodRecord {
            id: id.clone(),
            name: "web".into(),
            created: String::new(),
            labels: BTreeMap::new(),
            share: DEFAULT_SHARE.iter().map(|s| s.to_string()).collect(),
            hostname: "web".into(),
            ports: vec![],
            network: "bridge".into(),
            memory: None,
            nano_cpus: None,
            exit_policy: ExitPolicy::Continue,
            create_command: vec![],
            infra_id: String::new(),
            ..Default::default()
        };
        pods.save(&rec).unwrap();
        pods.reserve_name("web", &id).unwrap();
        assert_eq!(pods.lookup("web").unwrap(), id);
        assert_eq!(pods.lookup(&id).unwrap(), id);
        assert_eq!(pods.lookup(&id[..6]).unwrap(), id);
        let err = pods.lookup("nope").unwrap_err();
        assert_eq!(
            err.to_string(),
            "no pod with name or ID nope found: no such pod"
        );
        assert!(pods.load(&id).unwrap().shares("net"));
    }
}
