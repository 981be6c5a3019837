//! docker's `network connect` / `network disconnect` events for the networks a container is attached to
//! while it runs: `connect` before its `start`, `disconnect` after its `die` (moby emits them when the
//! daemon joins and releases the container's endpoints; docs/layout.md "Events").
//!
//! Only bridge networks (the default `bridge` and user networks) have events here: `none`, `host` and
//! `container:` attach nothing. Recording never disturbs the supervision.

use crate::network::{NetworkConfig, ipam};
use crate::store::Paths;
use crate::store::events::{self, Event};

/// The bridge networks of container `id`: its endpoints while they exist (networks joined later with
/// `network connect` included), else the ones its `--network` (as written) names.
pub(super) fn attached(paths: &Paths, id: &str, network: &str) -> Vec<NetworkConfig> {
    let names: Vec<String> = match crate::network::status(paths, id) {
        Some((eps, _)) if !eps.is_empty() => eps.into_iter().map(|e| e.network).collect(),
        _ => match network {
            "" | "default" | "bridge" => vec![ipam::DEFAULT_NETWORK.to_string()],
            "none" | "host" => vec![],
            s if s.starts_with("container:") => vec![],
            name => vec![name.to_string()],
        },
    };
    names
        .iter()
        .filter_map(|n| ipam::try_load(paths, n).ok().flatten())
        .collect()
}

/// Record `action` (`connect` or `disconnect`) of container `id` for each of `nets`, with docker's
/// attributes: `container`, `name` (the network's) and `type` (its driver).
pub(super) fn emit(paths: &Paths, action: &str, id: &str, nets: &[NetworkConfig]) {
    for n in nets {
        let ev = Event::new("network", action, &n.id)
            .attr("container", id)
            .attr("name", n.name.as_str())
            .attr("type", n.driver.as_str());
        events::emit(paths, ev);
    }
}
