//! The hidden `internal-network` verbs: the userland port forwarder (the process a container's monitor
//! starts, [`port_forward`]) and [`setup`], [`teardown`], [`cleanup`], [`attach_rootless`], which do for
//! one container what its monitor does through `network`, for the tests and for wiring checks.
//!
//! Typed arguments in (the cli parses `-p`, `--add-host` and `--network`), the network module's records
//! out, for the cli to print as JSON. Prints nothing.

use crate::network;
use crate::store::Paths;
use crate::types::PortMapping;
use anyhow::Result;
use std::net::IpAddr;
use std::path::Path;

/// The records these verbs take and return (plain data), named here so the cli talks to the engine only.
pub use crate::network::forward::ForwardMap;
pub use crate::network::{NetworkMode, NetworkRequest, Prepared, RootlessNet};

/// The container's network could not be set up (not the store before it): the cli exits with docker's
/// 125, as a container whose network fails does. The message is the whole chain of the cause.
#[derive(Debug, thiserror::Error)]
#[error("{0:#}")]
pub struct SetupFailed(pub anyhow::Error);

/// `internal-network port-forward`: serve every map (a bound socket at `fd`, forwarded to
/// `container_ip`) until `owner_pid` exits, or forever when it is 0.
pub fn port_forward(container_ip: IpAddr, maps: &[ForwardMap], owner_pid: u32) -> Result<()> {
    network::forward::run_forwarder(container_ip, maps, owner_pid)
}

/// `internal-network setup`: as a container's monitor does, clean what dead owners left, then set up
/// `req`. A failure of the setup itself is a [`SetupFailed`].
pub fn setup(paths: &Paths, req: &NetworkRequest) -> Result<Prepared> {
    paths.ensure()?;
    network::cleanup_stale(paths)?;
    network::prepare(paths, req).map_err(|e| SetupFailed(e).into())
}

/// `internal-network teardown`: remove everything set up for the container `id`.
pub fn teardown(paths: &Paths, id: &str) -> Result<()> {
    network::teardown(paths, id)
}

/// `internal-network cleanup`: tear down the networks whose owner died; the ids of their containers.
pub fn cleanup(paths: &Paths) -> Result<Vec<String>> {
    network::cleanup_stale(paths)
}

/// `internal-network attach-rootless`: attach pasta or slirp4netns (whichever is installed) to the namespaces of
/// `pid` with `ports` published, its files in `dir`, and record it for the container `id`, owned by
/// `owner_pid` (0: torn down explicitly).
pub fn attach_rootless(
    paths: &Paths,
    pid: u32,
    id: &str,
    owner_pid: u32,
    ports: &[PortMapping],
    dir: &Path,
) -> Result<RootlessNet> {
    paths.ensure()?;
    let net = network::attach_rootless(pid, ports, dir)?;
    network::record_rootless(paths, id, owner_pid, &net)?;
    Ok(net)
}
