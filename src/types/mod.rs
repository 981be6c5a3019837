//! Plain records (serde, no behaviour): the container's persisted configuration and what it is made
//! of, the shape every module agrees on. cli parses flags into them, spec builds the OCI spec from them,
//! state persists them, network and monitor read them.
//!
//! A leaf: depends on nothing else in berth (serde, std and anyhow only), so a change of a flag's
//! parsing or of the spec builder never changes the file format by accident. Behaviour for these types
//! lives with its owner (`impl` blocks in spec, network, config).

pub mod container;
pub mod health;
pub mod inspect;
pub mod net;
pub mod restart;
pub mod storage;

pub use container::{
    ContainerConfig, ContainerRecord, DeviceMapping, DeviceMount, ImageConfig, LogSettings,
    MountKind, MountRequest, Namespaces, NsMode, RECORD_VERSION, ResolvedMount, Resources,
    SeccompChoice, ThrottleDevice, Throttles, Ulimit,
};
pub use health::{Health, HealthConfig, HealthLogEntry};
pub use net::{DnsOptions, HostTarget, NetOptions, PortMapping, Proto};
pub use restart::RestartPolicy;
pub use storage::{RootlessOverlay, StorageSettings};
