//! What dead holders left: container networks whose monitor died without tearing them down
//! ([`cleanup_stale`], from the records), leases whose holder is gone, and leases an older berth kept per
//! store: the leases judged and moved under the bridge's host-wide lock (docs/layout.md "Networks"). A
//! lease names its store (run root), network and owner, so any store can tell a dead holder's lease
//! from a live one on a shared bridge.

use anyhow::{Context, Result};
use std::net::Ipv4Addr;

use super::endpoint::{teardown, veth_name};
use super::record::{alive, read_record, record_path, records_dir};
use super::{NetworkConfig, ipam, link};
use crate::store::{self, Paths};

/// Leases an older berth kept per store (`<run_root>/networks/<name>/leases/<ip>`) move to the
/// bridge's host-wide place the first time this store touches the network, so containers started
/// before the upgrade keep their addresses (and their teardown finds them). A lease without a record
/// is dropped (its container is gone); one whose address another store took meanwhile stays that
/// store's (the two collided before, as the issue says) and is reported. The caller holds the
/// network's lock and the bridge's. One failed directory open when there is nothing to adopt.
pub(super) fn adopt_store_leases(paths: &Paths, cfg: &NetworkConfig) -> Result<()> {
    let old = ipam::store_leases_dir(paths, &cfg.name);
    let Ok(entries) = std::fs::read_dir(&old) else {
        return Ok(());
    };
    let dir = ipam::bridge_leases_dir(paths, &cfg.bridge)?;
    store::create_private_dir(&dir)?;
    for e in entries.flatten() {
        let p = e.path();
        let ip = e
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<Ipv4Addr>().ok());
        // The old format has container_id, name and aliases; the rest takes its default.
        let lease = std::fs::read(&p)
            .ok()
            .and_then(|d| serde_json::from_slice::<ipam::Lease>(&d).ok());
        if let (Some(ip), Some(mut lease)) = (ip, lease)
            && let Some(rec) = read_record(paths, &lease.container_id)
        {
            lease.network = cfg.name.clone();
            lease.run_root = paths.run_root.clone();
            lease.owner_pid = rec.owner_pid;
            lease.owner_start = rec.owner_start;
            let data = serde_json::to_vec(&lease).context("encoding lease")?;
            let new = dir.join(ip.to_string());
            match std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(&new)
            {
                Ok(mut f) => {
                    use std::io::Write;
                    f.write_all(&data)
                        .with_context(|| format!("writing lease {}", new.display()))?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => log::warn!(
                    "container {} of network {} holds {ip}, which another store's container on bridge {} holds too",
                    lease.container_id,
                    cfg.name,
                    cfg.bridge
                ),
                Err(e) => {
                    return Err(e).with_context(|| format!("creating lease {}", new.display()));
                }
            }
        }
        std::fs::remove_file(&p).with_context(|| format!("removing {}", p.display()))?;
    }
    let _ = std::fs::remove_dir(&old);
    Ok(())
}

/// Is a lease's holder gone? Its owner died, or its store has no network record for it (the record is
/// written before any lease and removed after them: only a crash or a deleted run root leaves a lease
/// without one). A lease of an older berth that names no store is never judged here.
pub(super) fn lease_is_stale(l: &ipam::Lease) -> bool {
    if l.run_root.as_os_str().is_empty() {
        return false;
    }
    !store::network_record_in(&l.run_root, &l.container_id).exists()
        || (l.owner_pid != 0 && !alive(l.owner_pid, l.owner_start))
}

/// Give back the addresses of `bridge` whose holder is gone ([`lease_is_stale`]), of any store, or
/// only `only`: the holder's host veth is deleted (its namespace would still answer for the address)
/// and its pinned namespace unpinned; its store's own cleanup removes its record later (teardown is
/// idempotent). `foreign_only` leaves this store's leases to [`cleanup_stale`]'s teardown. The caller holds
/// [`ipam::bridge_lock`], under which every lease is claimed and written, so an empty lease file
/// seen here is a claim a crash cut short. Returns how many were given back.
pub(super) fn reclaim_stale_leases(
    paths: &Paths,
    bridge: &str,
    only: Option<Ipv4Addr>,
    foreign_only: bool,
) -> usize {
    let mut n = 0;
    for (ip, p, lease) in ipam::bridge_leases(paths, bridge) {
        if only.is_some_and(|o| o != ip) {
            continue;
        }
        match &lease {
            Some(l) if foreign_only && l.run_root == paths.run_root => continue,
            Some(l) if !lease_is_stale(l) => continue,
            Some(l) => {
                if let Err(e) = link::delete_link(&veth_name(&l.container_id, &l.network)) {
                    log::warn!("removing the veth of a stale lease of {ip} on {bridge}: {e:#}");
                    continue;
                }
                link::remove_netns(&store::netns_in(&l.run_root, &l.container_id));
            }
            None => {}
        }
        if std::fs::remove_file(&p).is_ok() {
            log::debug!("bridge {bridge}: reclaimed the stale lease of {ip}");
            n += 1;
        }
    }
    n
}

/// Tear down every container network whose owner (monitor) died without doing it: a kill -9 mid-setup
/// or mid-run. Cheap when there is nothing to do (one directory read); call it from every command
/// that touches networks. Returns the ids cleaned.
pub fn cleanup_stale(paths: &Paths) -> Result<Vec<String>> {
    let mut cleaned = Vec::new();
    let Ok(entries) = std::fs::read_dir(records_dir(paths)) else {
        return Ok(cleaned);
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(id) = name.strip_suffix(".json") else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let Some(rec) = read_record(paths, id) else {
            continue;
        };
        if rec.owner_pid == 0 || alive(rec.owner_pid, rec.owner_start) {
            continue;
        }
        teardown(paths, id)?;
        cleaned.push(id.to_string());
    }
    // Leases whose container has no record: the record is written before any lease, so these are
    // left from a crash between teardown steps.
    let networks = ipam::list(paths).unwrap_or_default();
    for cfg in &networks {
        if ipam::exists(&ipam::store_leases_dir(paths, &cfg.name)) {
            let _n = ipam::network_lock(paths, &cfg.name)?;
            let _b = ipam::bridge_lock(paths, &cfg.bridge)?;
            adopt_store_leases(paths, cfg)?;
        }
        for (_, p, l) in ipam::network_leases(paths, cfg) {
            if !record_path(paths, &l.container_id).exists() {
                teardown(paths, &l.container_id)?;
                let _ = std::fs::remove_file(p);
                cleaned.push(l.container_id);
            }
        }
    }
    // Other stores' leases on the same bridges whose holder is gone (a store whose monitors were
    // killed and which is never used again, or whose run root was deleted): locked only when one is
    // found, so a clean bridge costs a directory read.
    let mut bridges: Vec<&str> = networks.iter().map(|n| n.bridge.as_str()).collect();
    bridges.sort();
    bridges.dedup();
    for bridge in bridges {
        let found = ipam::bridge_leases(paths, bridge).iter().any(|(_, _, l)| {
            l.as_ref()
                .is_some_and(|l| l.run_root != paths.run_root && lease_is_stale(l))
        });
        if found {
            let g = ipam::bridge_lock(paths, bridge)?;
            reclaim_stale_leases(paths, bridge, None, true);
            g.remove_dir_if_unused();
        }
    }
    cleaned.sort();
    cleaned.dedup();
    Ok(cleaned)
}

/// [`cleanup_stale`] where a failure must not fail the command at hand (someone else's leftovers must
/// not stop a new container): it is reported as a warning and retried by the next command.
pub fn clean_stale_or_warn(paths: &Paths) {
    if let Err(e) = cleanup_stale(paths) {
        log::warn!("cleaning up stale container networks: {e:#}");
    }
}
