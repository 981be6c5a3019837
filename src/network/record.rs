//! The per-container network record `<run_root>/network/<id>.json` (docs/layout.md "Networks"): what
//! was set up for a container and which process owns it, so teardown and the stale sweep can undo it
//! after a crash; and the owner checks (pid plus start time) that tell a live holder from a dead one.
//!
//! Must not depend on cli, engine, state or runtime. Everything else in network reads and writes the
//! record through here.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

use super::{Endpoint, HostsInput, PublishedPort, RootlessNet};
use crate::store::{self, Paths};

/// The per-container record `<run_root>/network/<id>.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Record {
    pub(super) container_id: String,
    pub(super) name: String,
    pub(super) owner_pid: u32,
    pub(super) owner_start: Option<u64>,
    pub(super) netns: Option<PathBuf>,
    pub(super) files_dir: Option<PathBuf>,
    pub(super) hosts_input: HostsInput,
    pub(super) endpoints: Vec<Endpoint>,
    /// Networks being joined (written before anything is created, so teardown finds them after a crash).
    pub(super) networks: Vec<String>,
    pub(super) forwarder: Option<(u32, Option<u64>)>,
    pub(super) rootless_helper: Option<(u32, Option<u64>)>,
    pub(super) ports: Vec<PublishedPort>,
}

pub(super) fn records_dir(paths: &Paths) -> PathBuf {
    paths.network_records_dir()
}
pub(super) fn record_path(paths: &Paths, id: &str) -> PathBuf {
    records_dir(paths).join(format!("{id}.json"))
}

pub(super) fn read_record(paths: &Paths, id: &str) -> Option<Record> {
    std::fs::read(record_path(paths, id))
        .ok()
        .and_then(|d| serde_json::from_slice(&d).ok())
}
pub(super) fn write_record(paths: &Paths, r: &Record) -> Result<()> {
    store::create_private_dir(&records_dir(paths))?;
    let data = serde_json::to_vec(r).context("encoding network record")?;
    store::write_volatile(&record_path(paths, &r.container_id), &data)
}

/// Start time of a process (field 22 of /proc/PID/stat), to tell a live pid from a recycled one.
pub fn process_start_time(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &s[s.rfind(')')? + 2..];
    rest.split_whitespace().nth(19)?.parse().ok()
}

/// Alive: the pid exists, is not a zombie (a killed forwarder reparented to init may linger as one),
/// and, when known, has the recorded start time.
pub(super) fn alive(pid: u32, start: Option<u64>) -> bool {
    if pid == 0 {
        return false;
    }
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    let Some(rest) = stat.rfind(')').map(|i| &stat[i + 2..]) else {
        return false;
    };
    let mut f = rest.split_whitespace();
    if f.next() == Some("Z") {
        return false;
    }
    let started = f.nth(18).and_then(|s| s.parse::<u64>().ok());
    started.is_some() && start.is_none_or(|want| Some(want) == started)
}

pub(super) fn kill_process(pid: u32, start: Option<u64>) {
    if !alive(pid, start) {
        return;
    }
    let p = nix::unistd::Pid::from_raw(pid as i32);
    let _ = nix::sys::signal::kill(p, nix::sys::signal::Signal::SIGKILL);
    // Reap it when it is our child (the monitor's forwarder); harmless otherwise.
    for _ in 0..100 {
        match nix::sys::wait::waitpid(p, Some(nix::sys::wait::WaitPidFlag::WNOHANG)) {
            Ok(nix::sys::wait::WaitStatus::StillAlive) => {
                std::thread::sleep(std::time::Duration::from_millis(2))
            }
            _ => break,
        }
        if !alive(pid, start) {
            break;
        }
    }
}

/// Record a rootless helper (pasta/slirp4netns) so [`super::teardown`] and [`super::cleanup_stale`] stop it.
pub fn record_rootless(
    paths: &Paths,
    container_id: &str,
    owner_pid: u32,
    net: &RootlessNet,
) -> Result<()> {
    let mut rec = read_record(paths, container_id).unwrap_or(Record {
        container_id: container_id.into(),
        name: String::new(),
        owner_pid,
        owner_start: process_start_time(owner_pid),
        netns: None,
        files_dir: None,
        hosts_input: HostsInput::default(),
        endpoints: vec![],
        networks: vec![],
        forwarder: None,
        rootless_helper: None,
        ports: vec![],
    });
    rec.rootless_helper = Some((net.pid, process_start_time(net.pid)));
    rec.ports = net.ports.clone();
    write_record(paths, &rec)
}

/// What berth set up for a container, for `inspect` (NetworkSettings) and `port`: its endpoints and
/// published ports; None when it has no network record (none, host, stopped).
pub fn status(paths: &Paths, container_id: &str) -> Option<(Vec<Endpoint>, Vec<PublishedPort>)> {
    read_record(paths, container_id).map(|r| (r.endpoints, r.ports))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_process_start_time_is_known() {
        assert!(process_start_time(std::process::id()).is_some());
        assert!(alive(
            std::process::id(),
            process_start_time(std::process::id())
        ));
        assert!(!alive(std::process::id(), Some(1)));
    }
}
