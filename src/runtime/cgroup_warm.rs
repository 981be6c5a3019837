//! The cgroup attach kept warm (issue 3, issue 14): every write to a `cgroup.procs` first waits for an RCU
//! grace period unless another writer came moments before, so the commands that place a process in a
//! cgroup pay that wait early, on a background thread, while they do their own work. Split from
//! [`super::cgroup`], whose hierarchy helpers it uses; best effort everywhere (rootless: nothing happens).

use super::cgroup::{Version, join_rel, own_path_in, v1_mounts, v2_mount, version};
use std::fs;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Starts, on a background thread, a no-op migration (the caller into the cgroup it is already in), so
/// that the container's own cgroup attach a few milliseconds later does not wait for an RCU grace period.
///
/// Every write to a `cgroup.procs` takes the kernel's global `cgroup_threadgroup_rwsem` for writing, and
/// a writer first waits for a full RCU grace period (`rcu_sync_enter`) unless another writer entered one
/// moments before: cold, that wait is 5 to 20 ms on these machines, the largest single cost of `run`
/// (issue 3). Any writer in flight or just finished lets the next one through at once, so the commands
/// that place a process in a cgroup (`run`, `start`, `restart`, `exec`; see `cli::starts_a_container`)
/// call this before even parsing their arguments and pay the grace period while they work. Best effort: where our own cgroup is not writable (rootless) nothing happens,
/// and the real attach simply waits as before.
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

/// How often [`keep_attach_warm`]'s thread repeats its no-op migration: well inside the grace period
/// (5 to 10 ms here) after which the kernel's `rcu_sync` falls back to idle, so the next writer would
/// wait for a new one.
const WARM_PERIOD: Duration = Duration::from_millis(3);

/// The longest [`keep_attach_warm`] keeps going: `run` pulls a missing image while its monitor waits,
/// and then the attach simply pays its grace period as before.
const WARM_MAX: Duration = Duration::from_secs(2);

/// The thread of [`keep_attach_warm`] and its stop flag.
static WARM: std::sync::Mutex<Option<(std::sync::Arc<AtomicBool>, std::thread::JoinHandle<()>)>> =
    std::sync::Mutex::new(None);

/// [`warm_attach`] for a command whose container is placed in its cgroup by another process at a moment
/// it does not know (`run` and `start`: the monitor, after it read the container's files): a thread
/// repeats the no-op migration every [`WARM_PERIOD`], so whenever the attach comes, the grace period was
/// paid while the command parsed, looked up the image and wrote the container, and the window it opened
/// is still open. The first write pays it; the others take the lock without waiting (each is ~0.2 ms).
/// It matters beyond the attach: a write waiting for its grace period holds the kernel's `cgroup_mutex`,
/// which every cgroup `mkdir` needs, so a warm-up started by the monitor itself would only move the wait
/// into the creation of the container's cgroup. [`end_warm`] stops the thread once the monitor has
/// answered; [`super::launch`] calls it too before it forks. The thread allocates nothing and holds no
/// lock while it runs (one open file, write, sleep), so a fork beside it cannot inherit a held lock.
pub fn keep_attach_warm() {
    let Some(procs) = own_procs_file() else {
        return;
    };
    let Ok(mut f) = fs::OpenOptions::new().write(true).open(&procs) else {
        return;
    };
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let stopped = stop.clone();
    let spawned = std::thread::Builder::new()
        .name("cgroup-warm".into())
        .spawn(move || {
            use std::io::Write as _;
            let start = Instant::now();
            while !stopped.load(Ordering::Relaxed) && start.elapsed() < WARM_MAX {
                let _ = f.write_all(b"0");
                std::thread::sleep(WARM_PERIOD);
            }
        });
    if let (Ok(h), Ok(mut w)) = (spawned, WARM.lock()) {
        *w = Some((stop, h));
    }
}

/// Stops and joins the thread of [`keep_attach_warm`], if any (it is in at most one sleep or write).
pub fn end_warm() {
    let warm = WARM.lock().ok().and_then(|mut w| w.take());
    if let Some((stop, h)) = warm {
        stop.store(true, Ordering::Relaxed);
        let _ = h.join();
    }
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
