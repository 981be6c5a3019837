//! The container's persisted configuration: `container.json` ([`ContainerRecord`], docs/layout.md)
//! and its `config` object ([`ContainerConfig`], what `run`/`create` flags say), with the mount, seccomp
//! and ulimit records inside it.

use super::health::HealthConfig;
use super::net::NetOptions;
use super::restart::RestartPolicy;
use super::storage::StorageSettings;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The layout of container.json that this berth writes. Version 0 (no `version` key, every file written
/// before the key existed) has the same fields and reads unchanged.
pub const RECORD_VERSION: u32 = 1;

/// What kind of mount a user asked for (`-v`, `--mount`, `--tmpfs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MountKind {
    Bind,
    Volume,
    Tmpfs,
}

/// One mount request as the user wrote it; the engine resolves volumes to host paths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MountRequest {
    pub kind: MountKind,
    /// Host path (bind), volume name (volume; empty for an anonymous volume), unused for tmpfs.
    pub source: String,
    pub target: String,
    pub readonly: bool,
    /// Extra options (tmpfs size/mode, propagation).
    #[serde(default)]
    pub options: Vec<String>,
    /// `-v`'s mode field as written ("" when none), for inspect's `Mounts[].Mode`; None for `--mount`,
    /// `--tmpfs` and mounts berth adds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

/// `--ulimit name=soft[:hard]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ulimit {
    pub name: String,
    pub soft: u64,
    pub hard: u64,
}

/// `--security-opt seccomp=...`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SeccompChoice {
    #[default]
    Default,
    Unconfined,
    Profile(PathBuf),
}

/// Everything `run`/`create` flags say about the container, already parsed into types by the cli: the
/// `config` object of container.json, and what `spec::build_spec` builds the OCI spec from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerConfig {
    pub name: Option<String>,
    /// The command after the image (replaces the image Cmd when non-empty).
    pub cmd: Vec<String>,
    /// `--entrypoint`: `Some("")` resets the image's Entrypoint (and then the image Cmd too, as docker).
    pub entrypoint: Option<String>,
    /// `-e`/`--env-file` entries, already `K=V` (the CLI resolved `-e K` from its own environment).
    pub env: Vec<String>,
    pub workdir: Option<String>,
    pub user: Option<String>,
    pub hostname: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub mounts: Vec<MountRequest>,
    pub read_only: bool,
    pub cap_add: Vec<String>,
    pub cap_drop: Vec<String>,
    pub privileged: bool,
    pub seccomp: SeccompChoice,
    pub no_new_privileges: bool,
    /// `--memory`, `--cpus`, ...: in container.json as keys of `config` itself (flattened).
    #[serde(flatten)]
    pub resources: Resources,
    pub ulimits: Vec<Ulimit>,
    pub shm_size: Option<u64>,
    pub tty: bool,
    pub interactive: bool,
    pub stop_signal: Option<String>,
    pub stop_timeout: Option<i64>,
    /// Network mode; only "none" until the networking issue lands.
    pub network: String,
    /// `-p`, `-P`, `--network-alias`, `--add-host`, `--dns*`, `--mac-address`, `--ip` (the network module's types).
    #[serde(default)]
    pub net: NetOptions,
    pub auto_remove: bool,
    /// The pod (id) the container belongs to; its shared namespaces are joined at start (engine::pod).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    /// `--init`: berth's reaper is PID 1 and the command its child (engine::container::pod_member::add_init).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub init: bool,
    /// `--restart`: applied by the container's monitor (monitor::restart).
    #[serde(default, skip_serializing_if = "RestartPolicy::is_none")]
    pub restart: RestartPolicy,
    /// berth's `[storage]` config when it is not the default: a rootless container's overlay driver, recorded
    /// in the spec's annotations for the runtime (`runtime::overlay`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rootless_storage: Option<StorageSettings>,
    /// `--domainname`: the NIS domain name of the container's UTS namespace (docker's Config.Domainname).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domainname: Option<String>,
    /// `--expose`: container ports as docker keys them (`80/tcp`), added to the image's exposed set.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exposed_ports: Vec<String>,
    /// `--annotation k=v`: written into the OCI spec's annotations (docker's HostConfig.Annotations).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    /// `--cidfile`: the file the CLI wrote the id into (docker's HostConfig.ContainerIDFile).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidfile: Option<String>,
    /// `--pid`, `--ipc`, `--uts`, `--cgroupns`.
    #[serde(default, skip_serializing_if = "Namespaces::is_default")]
    pub namespaces: Namespaces,
    /// `--sysctl k=v`: namespaced sysctls only (the cli applies docker's list), set by the init.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub sysctls: BTreeMap<String, String>,
    /// `--group-add`: group names (from the image's /etc/group) or gids, added to the process's groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_add: Vec<String>,
    /// `--oom-score-adj`, -1000 to 1000.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oom_score_adj: Option<i32>,
    /// `--log-driver`, `--log-opt`.
    #[serde(default, skip_serializing_if = "LogSettings::is_default")]
    pub log: LogSettings,
    /// `--cgroup-parent`: the cgroup the container's goes beneath instead of `berth` (monitor::cgroup_name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cgroup_parent: Option<String>,
    /// `--volumes-from C[:ro|rw]` as written (their mounts are copied into `mounts` at create).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub volumes_from: Vec<String>,
    /// `--device`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub devices: Vec<DeviceMapping>,
    /// `--device-cgroup-rule 'c 1:3 rwm'`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub device_cgroup_rules: Vec<String>,
    /// `--health-*` and `--no-healthcheck` (docker's `Config.Healthcheck` as the CLI sends it: fields
    /// left 0 or empty inherit the image's HEALTHCHECK, `state::health::merged_healthcheck`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<HealthConfig>,
}

/// Whose namespace of one kind the container uses (docker's `PidMode`, `IpcMode`, `UTSMode`,
/// `CgroupnsMode`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NsMode {
    /// No flag: docker's default for the kind (a namespace of its own).
    #[default]
    Default,
    Private,
    /// `--ipc shareable`: its own, which other containers may join.
    Shareable,
    /// `--ipc none`: its own, without /dev/shm.
    None,
    Host,
    /// `container:<name|id>` as written; joined at each start (engine::container::namespaces).
    Container(String),
}

/// The namespace flags of `run`/`create`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Namespaces {
    #[serde(default)]
    pub pid: NsMode,
    #[serde(default)]
    pub ipc: NsMode,
    #[serde(default)]
    pub uts: NsMode,
    #[serde(default)]
    pub cgroupns: NsMode,
    /// `--userns`: "" (the default), "host", or podman's "keep-id" (rootless only).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub userns: String,
}

impl Namespaces {
    pub fn is_default(&self) -> bool {
        *self == Namespaces::default()
    }
}

/// The resource limits `run`/`create` and `update` share (docker's `HostConfig` resources). In a
/// [`ContainerConfig`], `None` is docker's default; in an update, `None` leaves the value as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Resources {
    pub memory: Option<i64>,
    /// -1 for unlimited swap.
    pub memory_swap: Option<i64>,
    pub nano_cpus: Option<i64>,
    pub cpu_shares: Option<u64>,
    pub cpuset_cpus: Option<String>,
    /// 0 or -1 for unlimited.
    pub pids_limit: Option<i64>,
    /// `--memory-reservation`: the soft limit (v1 memory.soft_limit_in_bytes, v2 memory.low).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_reservation: Option<i64>,
    /// `--memory-swappiness` 0 to 100 (v1 only; -1 is the host's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_swappiness: Option<i64>,
    /// `--cpu-period` in microseconds (CFS period).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_period: Option<i64>,
    /// `--cpu-quota` in microseconds per period (-1 or 0: none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_quota: Option<i64>,
    /// `--cpuset-mems`: the NUMA nodes the container may allocate on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpuset_mems: Option<String>,
    /// `--blkio-weight` 10 to 1000 (0: unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub blkio_weight: Option<u16>,
    /// `--oom-kill-disable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oom_kill_disable: Option<bool>,
    /// `--device-read-bps`, `--device-write-bps`, `--device-read-iops`, `--device-write-iops`.
    #[serde(default, skip_serializing_if = "Throttles::is_empty")]
    pub throttles: Throttles,
}

/// The block I/O throttles of `run`/`create` (docker's HostConfig.BlkioDevice*), per device path.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Throttles {
    #[serde(default)]
    pub read_bps: Vec<ThrottleDevice>,
    #[serde(default)]
    pub write_bps: Vec<ThrottleDevice>,
    #[serde(default)]
    pub read_iops: Vec<ThrottleDevice>,
    #[serde(default)]
    pub write_iops: Vec<ThrottleDevice>,
}

impl Throttles {
    pub fn is_empty(&self) -> bool {
        *self == Throttles::default()
    }
}

/// One throttle: a device's path and its rate (bytes or operations per second).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThrottleDevice {
    pub path: String,
    pub rate: u64,
}

/// `--log-driver` and `--log-opt` (docker's HostConfig.LogConfig). The monitor writes the json-file
/// format for `json-file` and `local`, rotated per `max-size`/`max-file`; `none` writes nothing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogSettings {
    /// `json-file`, `local` or `none`; empty is `json-file`.
    #[serde(default)]
    pub driver: String,
    #[serde(default)]
    pub opts: BTreeMap<String, String>,
    /// `max-size` in bytes: the log is rotated before it would grow past it (None: never).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_size: Option<u64>,
    /// `max-file`: the log and its rotated files together (1: the log is truncated instead).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub max_file: u32,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl LogSettings {
    pub fn is_default(&self) -> bool {
        *self == LogSettings::default()
    }

    /// The driver's name as docker shows it.
    pub fn driver(&self) -> &str {
        if self.driver.is_empty() {
            "json-file"
        } else {
            &self.driver
        }
    }
}

/// `--device HOST[:CONTAINER][:PERMISSIONS]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceMapping {
    pub path_on_host: String,
    pub path_in_container: String,
    /// Some of `r`, `w`, `m`.
    pub permissions: String,
}

/// The parts of an image config the spec needs (OCI image config `config` object).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageConfig {
    pub user: Option<String>,
    pub env: Vec<String>,
    pub entrypoint: Option<Vec<String>>,
    pub cmd: Option<Vec<String>>,
    pub working_dir: Option<String>,
    pub labels: BTreeMap<String, String>,
    pub stop_signal: Option<String>,
    pub volumes: Vec<String>,
    pub exposed_ports: Vec<String>,
    /// HEALTHCHECK (docker's extension of the OCI config, read from the raw config JSON).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<HealthConfig>,
    /// SHELL, the shell of a `CMD-SHELL` health check (docker's default `/bin/sh -c` when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shell: Option<Vec<String>>,
}

/// A mount resolved to a host source, ready for the spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolvedMount {
    pub destination: String,
    /// Host path; for tmpfs, "tmpfs".
    pub source: String,
    pub kind: MountKind,
    pub readonly: bool,
    pub options: Vec<String>,
    /// A volume of the local driver created with `-o type=.. -o device=.. -o o=..`: mounted from the
    /// device at the container's start instead of bound from `source` (the volume's `_data`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_mount: Option<DeviceMount>,
    /// [`MountRequest::mode`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
}

/// `volume create -o`: what the local driver mounts (docker's `mount -t TYPE -o O DEVICE`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceMount {
    /// `tmpfs`, `nfs`, `ext4`, ..., or `none` with `o=bind`.
    pub fs_type: String,
    pub device: String,
    /// `o`, split at commas.
    pub options: Vec<String>,
}

/// `container.json`: what the container is, written once at create (rename rewrites only `name`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContainerRecord {
    /// The layout of this file ([`RECORD_VERSION`]); files written before it existed have none and
    /// read as 0, whose layout is version 1's.
    #[serde(default)]
    pub version: u32,
    pub id: String,
    pub name: String,
    pub created: String,
    /// The image as the user named it (`busybox`, `localhost:5000/x:1`).
    pub image: String,
    /// `sha256:<config digest>`; `rmi` scans this key to refuse removing used images.
    pub image_id: String,
    /// Layer directories of the image, lowest first (overlay lowerdirs in reverse).
    pub layers: Vec<PathBuf>,
    pub config: ContainerConfig,
    pub image_config: ImageConfig,
    /// The process path and args as docker reports them (`Path`, `Args`).
    pub path: String,
    pub args: Vec<String>,
    pub hostname: String,
    /// Anonymous volumes created for this container (removed with `rm -v` and `--rm`).
    #[serde(default)]
    pub anonymous_volumes: Vec<String>,
    /// Resolved mounts (for inspect's `Mounts`).
    #[serde(default)]
    pub mounts: Vec<ResolvedMount>,
}

impl ContainerRecord {
    /// Read a container.json: the current layout, or a file written before `version` existed.
    /// A newer layout is refused rather than misread.
    pub fn from_json(data: &[u8]) -> Result<ContainerRecord> {
        let rec: ContainerRecord =
            serde_json::from_slice(data).context("decoding container record")?;
        if rec.version > RECORD_VERSION {
            bail!(
                "container record version {} is newer than this berth understands ({RECORD_VERSION})",
                rec.version
            );
        }
        Ok(rec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A container.json written by berth before the record had a version (tests/fixtures, made with
    /// `berth create` and many flags) still reads, field for field.
    #[test]
    fn reads_a_record_written_before_versions() {
        let data = include_bytes!("../../tests/fixtures/container-v0.json");
        let rec = ContainerRecord::from_json(data).unwrap();
        assert_eq!(rec.version, 0);
        assert_eq!(rec.name, "fx");
        let c = &rec.config;
        assert_eq!(c.cmd, vec!["/bin/true"]);
        assert_eq!(c.env, vec!["A=1"]);
        assert_eq!(c.labels.get("k").map(String::as_str), Some("v"));
        assert_eq!(c.mounts.len(), 2);
        assert_eq!(c.mounts[0].kind, MountKind::Bind);
        assert!(c.mounts[0].readonly);
        assert_eq!(c.mounts[1].kind, MountKind::Tmpfs);
        assert_eq!(c.resources.memory, Some(64 << 20));
        assert_eq!(c.resources.nano_cpus, Some(500_000_000));
        assert_eq!(c.ulimits[0].hard, 2048);
        assert!(c.no_new_privileges && c.init);
        assert_eq!(c.restart.name, "on-failure");
        assert_eq!(c.restart.max_retries, 3);
        assert_eq!(c.net.ports[0].host_port, 8080);
        assert_eq!(c.net.ports[0].container_port, 80);
        assert_eq!(c.net.dns.servers[0].to_string(), "1.1.1.1");
        assert_eq!(c.net.extra_hosts[0].0, "a");
        assert_eq!(rec.mounts[1].source, "tmpfs");
        assert_eq!(rec.path, "/bin/true");
    }

    /// What today's code writes reads back equal, with the current version.
    #[test]
    fn a_record_round_trips_with_its_version() {
        let data = include_bytes!("../../tests/fixtures/container-v0.json");
        let mut rec = ContainerRecord::from_json(data).unwrap();
        rec.version = RECORD_VERSION;
        let again = ContainerRecord::from_json(&serde_json::to_vec(&rec).unwrap()).unwrap();
        assert_eq!(again.version, RECORD_VERSION);
        assert_eq!(again.config, rec.config);
        assert_eq!(again.mounts, rec.mounts);
    }

    #[test]
    fn a_newer_record_is_refused() {
        let data = include_bytes!("../../tests/fixtures/container-v0.json");
        let mut v: serde_json::Value = serde_json::from_slice(data).unwrap();
        v["version"] = serde_json::json!(RECORD_VERSION + 1);
        let e = ContainerRecord::from_json(&serde_json::to_vec(&v).unwrap()).unwrap_err();
        assert!(
            e.to_string().contains("newer than this berth understands"),
            "{e}"
        );
    }
}
