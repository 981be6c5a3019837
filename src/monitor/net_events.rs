//! docker's `network connect` / `network disconnect` events for the networks a container is attached to
//! while it runs: `connect` before its `start`, `disconnect` after its `die` (moby emits them when the
//! daemon joins and releases the container's endpoints; docs/layout.md "Events").
//!
//! A container on `none` or `host` is on that predefined network (driver `null` or `host`), as in docker;
//! `container:<x>` joins another's namespace and has no network of its own. Recording never disturbs the
//! supervision.

use crate::network::ipam;
use crate::store::Paths;
use crate::store::events::{self, Event};

/// A network as its events name it: id, name, driver (docker's `type`).
pub(super) struct Attached {
    id: String,
    name: String,
    driver: String,
}

/// The networks of container `id`: its bridge endpoints while they exist (networks joined later with
/// `network connect` included), else the ones its `--network` (as written) names.
pub(super) fn attached(paths: &Paths, id: &str, network: &str) -> Vec<Attached> {
    let virtual_net = |name: &str, driver: &str| Attached {
        id: crate::network::virtual_network_id(paths, name),
        name: name.to_string(),
        driver: driver.to_string(),
    };
    let names: Vec<String> = match crate::network::status(paths, id) {
        Some((eps, _)) if !eps.is_empty() => eps.into_iter().map(|e| e.network).collect(),
        _ => match network {
            "" | "default" | "bridge" => vec![ipam::DEFAULT_NETWORK.to_string()],
            "none" => return vec![virtual_net("none", "null")],
            "host" => return vec![virtual_net("host", "host")],
            s if s.starts_with("container:") => vec![],
            name => vec![name.to_string()],
        },
    };
    names
        .iter()
        .filter_map(|n| ipam::try_load(paths, n).ok().flatten())
        .map(|c| Attached {
            id: c.id,
            name: c.name,
            driver: c.driver,
        })
        .collect()
}

/// Record `action` (`connect` or `disconnect`) of container `id` for each of `nets`, with docker's
/// attributes: `container`, `name` (the network's) and `type` (its driver).
pub(super) fn emit(paths: &Paths, action: &str, id: &str, nets: &[Attached]) {
    for n in nets {
        let ev = Event::new("network", action, &n.id)
            .attr("container", id)
            .attr("name", n.name.as_str())
            .attr("type", n.driver.as_str());
        events::emit(paths, ev);
    }
}
