//! The hidden `internal monitor|pause|init` verbs: the processes berth runs itself as. `start` spawns the
//! per-container monitor ([`run_monitor`], docs/architecture.md "Process model"); a pod's infra runs the
//! pause process ([`run_pause`]); `run --init` makes berth's reaper the container's PID 1 ([`run_reaper`]).
//!
//! Thin entry points into `monitor`, so the cli reaches these processes through the engine. The monitor's
//! path is on every `run` and `start` (the cli takes its command line without clap): nothing here loads the
//! config or touches the store beyond what the monitor itself does.

use crate::monitor::ExitHook;
use crate::store::Paths;
use anyhow::Result;

/// The monitor's command-line flags (`internal monitor <id> [--attach] [--wait-go [--early-cgroup]]`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonitorFlags {
    /// Wait for one attach client (the CLI's socketpair) before launching.
    pub attach: bool,
    /// Started by `run` before the container exists: wait for the go byte first.
    pub wait_go: bool,
    /// Meanwhile make the container's cgroup directories, `berth/<id>` (root, no `--cgroup-parent`).
    pub early_cgroup: bool,
}

/// `internal monitor <id>`: supervise the container until its exit is recorded (and restarts per its
/// policy). With `wait_go`, first wait until `run` says the container exists (end of file: creation
/// failed, exit quietly). `on_exit` runs once the payload's exit is recorded (a pod member's exit may
/// end its pod, which the caller decides through engine::pod). Returns the monitor's own exit code.
///
/// With `early_cgroup` the directories of the container's cgroup are made while `run` creates the
/// container (the launch then finds them and only writes the limits and device rules: its mkdirs were
/// a third of the monitor's part of a start, issue 14). They are removed here whatever happens after:
/// when the creation fails, and when supervision ends (a no-op after the usual teardown).
pub fn run_monitor(paths: &Paths, id: &str, flags: MonitorFlags, on_exit: ExitHook) -> Result<i32> {
    // A monitor re-executed from a sealed copy keeps `--early-cgroup` (not `--wait-go`): it makes
    // nothing, and still removes what is left when it ends.
    let early = flags.early_cgroup.then(|| format!("berth/{id}"));
    if let Some(name) = early.as_ref().filter(|_| flags.wait_go) {
        // Best effort: the launch makes whatever is missing, and reports what it cannot make.
        let _ = crate::runtime::cgroup::create(name, None, false);
        crate::trace::mark("early cgroup");
    }
    if flags.wait_go && paths.rootless {
        // Rootless: the user namespace and its maps (two setuid helper execs) are made now too.
        crate::runtime::premake_userns(&paths.run_root);
        crate::trace::mark("user namespace made");
    }
    let forget = |early: &Option<String>| {
        if let Some(name) = early {
            let _ = crate::runtime::cgroup::destroy(name);
        }
    };
    if flags.wait_go && !crate::monitor::wait_until_created() {
        forget(&early);
        return Ok(0);
    }
    crate::trace::mark("go received");
    if super::pod_member::monitor_needs_seal(paths, id) {
        super::ensure_sealed()?;
    }
    let code = crate::monitor::run(paths, id, flags.attach, on_exit);
    forget(&early);
    Ok(code)
}

/// A monitor's whole life, as the process that runs it calls it: the CLI's `internal monitor` (which adds
/// the exit hook, pods included) is given to [`super::prespawn_monitor`] for the monitor it forks.
pub type MonitorMain = fn(&Paths, &str, MonitorFlags) -> Result<i32>;

/// `internal pause`: the pod's infra process, which holds the pod's namespaces and reaps every child it
/// is given until SIGINT or SIGTERM. Returns its exit code (0).
pub fn run_pause() -> i32 {
    crate::monitor::pause::run_pause()
}

/// `internal init -- CMD...`: berth's `--init` reaper, the container's PID 1, running `args` as its child.
/// Returns CMD's status (128+signal when CMD was killed).
pub fn run_reaper(args: &[String]) -> i32 {
    crate::monitor::reaper::run_reaper(args)
}
