//! The cgroup attach kept warm (issue 3): every write of a pid to a `cgroup.procs` first waits for an RCU
//! grace period unless another writer came moments before, so `exec`, which places its process that way,
//! pays that wait early, on a background thread, while it does its own work. `run` and `start` need no
//! such write (the stage moves itself and the init is cloned into the v2 cgroup: runtime/launch.rs,
//! `place_self`); a warm-up there only held the kernel's `cgroup_mutex` through its grace period and
//! so delayed the creation of the container's cgroup (issue 14). Split from
//! [`super::cgroup`], whose hierarchy helpers it uses; best effort everywhere (rootless: nothing happens).

use super::cgroup::{Version, join_rel, own_path_in, v1_mounts, v2_mount, version};
use std::fs;
use std::path::PathBuf;

/// Starts, on a background thread, a no-op migration (the caller into the cgroup it is already in), so
/// that the container's own cgroup attach a few milliseconds later does not wait for an RCU grace period.
///
/// Every write to a `cgroup.procs` takes the kernel's global `cgroup_threadgroup_rwsem` for writing, and
/// a writer first waits for a full RCU grace period (`rcu_sync_enter`) unless another writer entered one
/// moments before: cold, that wait is 5 to 20 ms on these machines. Any writer in flight or just finished
/// lets the next one through at once, so `exec` (see `cli::starts_a_container`) calls this before even
/// parsing its arguments and pays the grace period while it works. Best effort: where our own cgroup is
/// not writable (rootless) nothing happens, and the real attach simply waits as before.
pub fn warm_attach() {
    let Some(procs) = own_procs_file() else {
        return;
    };
    let _ = std::thread::Builder::new()
        .name("cgroup-warm".into())
        .spawn(move || {
            if let Ok(mut f) = fs::OpenOptions::new().write(true).open(&procs) {
                use std::io::Write as _;
                // "0" is the writing task's own thread group; it stays where it is.
                let _ = f.write_all(b"0");
            }
        });
}

/// The `cgroup.procs` of the caller's own cgroup in one mounted hierarchy (any: the lock is global).
fn own_procs_file() -> Option<PathBuf> {
    let own = fs::read_to_string("/proc/self/cgroup").ok()?;
    let version = version();
    if version == Version::V1 {
        for (mp, ctrls) in v1_mounts() {
            if let Some(p) = ctrls.iter().find_map(|c| own_path_in(&own, Some(c))) {
                return Some(join_rel(&mp, &p, "cgroup.procs"));
            }
        }
    }
    let mp = v2_mount(version)?;
    Some(join_rel(&mp, &own_path_in(&own, None)?, "cgroup.procs"))
}
