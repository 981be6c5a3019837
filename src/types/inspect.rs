//! docker's `inspect` output for a container, typed: what the engine reports and the cli serialises.
//! Field names are docker's (moby `api/types/container`), and fields are declared in the order docker
//! prints them (serde_json keeps that order), so the JSON is docker's shape. Fields berth does not fill
//! carry docker's empty values: null where docker has null, "" or 0 otherwise.

use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// `{}`: the value of each key of docker's port and volume sets.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Empty {}

/// A JSON object whose keys keep the order they were given in (the volume set and tmpfs map follow
/// the image's and the flags' order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// docker's `ContainerJSON`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerInspect {
    pub id: String,
    pub created: String,
    pub path: String,
    pub args: Vec<String>,
    pub state: InspectState,
    pub image: String,
    pub resolv_conf_path: PathBuf,
    pub hostname_path: PathBuf,
    pub hosts_path: PathBuf,
    pub log_path: PathBuf,
    pub name: String,
    pub restart_count: u32,
    pub driver: String,
    pub platform: String,
    pub mount_label: String,
    pub process_label: String,
    pub app_armor_profile: String,
    #[serde(rename = "ExecIDs")]
    pub exec_ids: Option<Vec<String>>,
    pub host_config: HostConfig,
    pub graph_driver: GraphDriver,
    pub mounts: Vec<MountPoint>,
    pub config: InspectConfig,
    /// Built by the network engine (`engine::network::network_settings`).
    pub network_settings: serde_json::Value,
}

/// docker's `State`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InspectState {
    pub status: String,
    pub running: bool,
    pub paused: bool,
    pub restarting: bool,
    #[serde(rename = "OOMKilled")]
    pub oom_killed: bool,
    pub dead: bool,
    pub pid: i32,
    pub exit_code: i32,
    pub error: String,
    pub started_at: String,
    pub finished_at: String,
    /// docker's `State.Health`: only for a container with a health check that was started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health: Option<super::health::Health>,
}

/// docker's `HostConfig`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct HostConfig {
    pub binds: Option<Vec<String>>,
    #[serde(rename = "ContainerIDFile")]
    pub container_id_file: String,
    pub log_config: LogConfig,
    pub network_mode: String,
    /// `-p`: docker's map from `80/tcp` to its host bindings (sorted keys, as Go prints a map).
    pub port_bindings: BTreeMap<String, Vec<PortBinding>>,
    pub restart_policy: RestartPolicyJson,
    pub auto_remove: bool,
    pub volume_driver: String,
    pub volumes_from: Option<Vec<String>>,
    pub cap_add: Option<Vec<String>>,
    pub cap_drop: Option<Vec<String>>,
    /// `private` when the container has its own cgroup namespace (cgroup v2), `host` otherwise.
    pub cgroupns_mode: String,
    pub dns: Vec<String>,
    pub dns_options: Vec<String>,
    pub dns_search: Vec<String>,
    /// `--add-host`, as `name:ip` (or `name:host-gateway`); null without any.
    pub extra_hosts: Option<Vec<String>>,
    /// `--link`: docker's `/target:/container/alias`; null without any.
    pub links: Option<Vec<String>>,
    pub ipc_mode: String,
    pub oom_score_adj: i64,
    pub pid_mode: String,
    pub privileged: bool,
    pub publish_all_ports: bool,
    pub readonly_rootfs: bool,
    pub security_opt: Option<Vec<String>>,
    #[serde(rename = "UTSMode")]
    pub uts_mode: String,
    pub userns_mode: String,
    pub shm_size: u64,
    pub runtime: String,
    pub isolation: String,
    pub cpu_shares: u64,
    pub memory: i64,
    pub nano_cpus: i64,
    pub cgroup_parent: String,
    pub cpuset_cpus: String,
    pub memory_swap: i64,
    pub pids_limit: Option<i64>,
    pub ulimits: Vec<UlimitJson>,
    /// `--init`: true when given, null otherwise (docker keeps the flag only when it was set).
    pub init: Option<bool>,
    pub tmpfs: Option<OrderedMap<String>>,
    pub masked_paths: Vec<String>,
    pub readonly_paths: Vec<String>,
    /// `--annotation`: absent without any (docker's omitempty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    /// `--group-add`; null without any.
    pub group_add: Option<Vec<String>>,
    /// `--sysctl`: absent without any (docker's omitempty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sysctls: Option<BTreeMap<String, String>>,
    pub memory_reservation: i64,
    /// null unless `--memory-swappiness` was given.
    pub memory_swappiness: Option<i64>,
    pub cpu_period: i64,
    pub cpu_quota: i64,
    pub cpuset_mems: String,
    pub blkio_weight: u16,
    pub oom_kill_disable: bool,
    pub devices: Vec<DeviceJson>,
    /// `--device-cgroup-rule`; null without any.
    pub device_cgroup_rules: Option<Vec<String>>,
    /// `--device-read-bps` and the other throttles; null without any.
    pub blkio_device_read_bps: Option<Vec<ThrottleJson>>,
    pub blkio_device_write_bps: Option<Vec<ThrottleJson>>,
    #[serde(rename = "BlkioDeviceReadIOps")]
    pub blkio_device_read_iops: Option<Vec<ThrottleJson>>,
    #[serde(rename = "BlkioDeviceWriteIOps")]
    pub blkio_device_write_iops: Option<Vec<ThrottleJson>>,
}

/// docker's `ThrottleDevice`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ThrottleJson {
    pub path: String,
    pub rate: u64,
}

/// docker's `DeviceMapping` (`HostConfig.Devices[]`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeviceJson {
    pub path_on_host: String,
    pub path_in_container: String,
    pub cgroup_permissions: String,
}

/// One host binding of a published port (docker's `PortBinding`): "" for any address or a port the
/// kernel picks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PortBinding {
    pub host_ip: String,
    pub host_port: String,
}

/// docker's `LogConfig`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct LogConfig {
    #[serde(rename = "Type")]
    pub kind: String,
    pub config: BTreeMap<String, String>,
}

/// docker's `RestartPolicy`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RestartPolicyJson {
    pub name: String,
    pub maximum_retry_count: u32,
}

/// docker's `Ulimit`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct UlimitJson {
    pub name: String,
    pub soft: u64,
    pub hard: u64,
}

/// docker's `GraphDriver` of a container (overlay: its lower, upper, work and merged dirs).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GraphDriver {
    pub name: String,
    pub data: GraphDriverData,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GraphDriverData {
    pub lower_dir: String,
    pub upper_dir: PathBuf,
    pub work_dir: PathBuf,
    pub merged_dir: PathBuf,
}

/// docker's `MountPoint` (`Mounts[]`).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct MountPoint {
    #[serde(rename = "Type")]
    pub kind: String,
    /// Volumes only (docker's omitempty).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub source: String,
    pub destination: String,
    /// Volumes only (docker's omitempty).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub driver: String,
    /// The mode of `-v` as docker keeps it: `ro` for a read-only mount, `z` for a named volume
    /// mounted read-write, "" otherwise.
    pub mode: String,
    #[serde(rename = "RW")]
    pub rw: bool,
    pub propagation: String,
}

/// docker's container `Config`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct InspectConfig {
    pub hostname: String,
    pub domainname: String,
    pub user: String,
    pub attach_stdin: bool,
    pub attach_stdout: bool,
    pub attach_stderr: bool,
    /// The image's EXPOSE ports and the container ports of `-p`, sorted (docker's port set is a Go
    /// map, which its JSON prints by key).
    pub exposed_ports: Option<BTreeMap<String, Empty>>,
    pub tty: bool,
    pub open_stdin: bool,
    pub stdin_once: bool,
    /// The image's Env merged with `-e`/`--env-file` as docker's daemon merges them: the user's
    /// entries first, then the image's entries whose keys the user did not set. What berth adds when
    /// it starts the process (HOSTNAME, HOME, TERM, a default PATH) is not part of it.
    pub env: Vec<String>,
    pub cmd: Option<Vec<String>>,
    /// The health check: `--health-*` over the image's HEALTHCHECK; absent when neither has one
    /// (docker's omitempty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub healthcheck: Option<serde_json::Value>,
    pub image: String,
    pub volumes: Option<OrderedMap<Empty>>,
    pub working_dir: String,
    pub entrypoint: Option<Vec<String>>,
    pub on_build: Option<Vec<String>>,
    pub labels: BTreeMap<String, String>,
    pub stop_signal: Option<String>,
    /// `--stop-timeout`; absent when not given (docker's omitempty).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_timeout: Option<i64>,
}

/// docker's `ImageInspect`. `Config` is the image config's own `config` object over docker's empty
/// defaults (any key the image has is shown), so it stays a JSON object.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageInspect {
    pub id: String,
    pub repo_tags: Vec<String>,
    pub repo_digests: Vec<String>,
    pub parent: String,
    /// The image config's values as they are (docker copies them).
    pub comment: serde_json::Value,
    pub created: String,
    pub docker_version: serde_json::Value,
    pub author: serde_json::Value,
    pub config: serde_json::Map<String, serde_json::Value>,
    pub architecture: String,
    /// Only when the image has one, right after Architecture (docker's order).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<String>,
    pub os: String,
    pub size: u64,
    pub graph_driver: ImageGraphDriver,
    #[serde(rename = "RootFS")]
    pub root_fs: RootFs,
    pub metadata: ImageMetadata,
}

/// docker's `GraphDriver` of an image (its layers' directories, topmost first).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageGraphDriver {
    pub data: ImageGraphDriverData,
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageGraphDriverData {
    pub lower_dir: String,
}

/// docker's `RootFS`: the layers' diff ids, lowest first.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct RootFs {
    #[serde(rename = "Type")]
    pub kind: String,
    pub layers: Vec<String>,
}

/// docker's image `Metadata`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct ImageMetadata {
    pub last_tag_time: String,
}
