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

/// `internal monitor <id>`: supervise the container until its exit is recorded (and restarts per its
/// policy). With `wait_go`, first wait until `run` says the container exists (end of file: creation
/// failed, exit quietly). `on_exit` runs once the payload's exit is recorded (a pod member's exit may
/// end its pod, which the caller decides through engine::pod). Returns the monitor's own exit code.
pub fn run_monitor(
    paths: &Paths,
    id: &str,
    attach: bool,
    wait_go: bool,
    on_exit: ExitHook,
) -> Result<i32> {
    if wait_go && !crate::monitor::wait_until_created() {
        return Ok(0);
    }
    crate::trace::mark("go received");
    if super::pod_member::monitor_needs_seal(paths, id) {
        super::ensure_sealed()?;
    }
    Ok(crate::monitor::run(paths, id, attach, on_exit))
}

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
