//! Container verbs, one file per verb or small group: create, start/attach, stop/kill/wait, rm/prune,
//! inspect, logs, exec, rename, pause/unpause, top/stats, diff, cp, commit/export/import, update, and the
//! image resolution of `run`/`create` (pull.rs). This file holds what they share: the errors, the image
//! a container is made from, and `ps`/lookup.
//!
//! Each verb takes the engine [`Context`] and orders lock -> refresh -> act -> save (docs/architecture.md).
//! Returns reports (typed records, `types::inspect` for inspect); prints nothing. What a container does
//! because it is in a pod is in pod_member.rs; engine::pod calls these verbs, never the reverse.
//! Depends on types, spec, state, store, and runtime only for cleanup after a crash and `exec`/`pause` (the runtime
//! is the one place that knows how to tear down or enter a container; documented deviation from the map).
//! Invariant: a container is never signalled unless its pid's start time matches the recorded one.

pub mod commit;
mod copy;
pub mod cp;
mod create;
mod diff;
mod exec;
mod inspect;
mod internal;
mod logs;
mod namespaces;
mod pause;
pub mod pod_member;
mod pull;
mod remove;
mod rename;
mod start;
mod stats;
mod stop;
pub mod update;

/// The types the container verbs take and report, named here so the cli talks to the engine only.
pub use crate::runtime::cgroup::{Stats, warm_attach};
pub use crate::runtime::seal::ensure_sealed;
pub use crate::spec::parse_signal;
pub use crate::state::attach as stream;
pub use crate::state::list::Listed;
pub use crate::state::{ContainerState, StateError, Status, new_id};
pub use copy::{CopyOptions, copy, copy_tar_in, copy_tar_out};
pub use create::{create, create_with_id, discard_unsupported};
pub use diff::{Change, diff};
pub use exec::{ExecHandle, ExecOptions, exec, exec_died};
pub use inspect::{HealthReport, health, inspect};
pub use internal::{MonitorFlags, MonitorMain, run_monitor, run_pause, run_reaper};
pub use logs::{LogOptions, logs};
pub use namespaces::release_shm;
pub use pause::set_paused;
pub use pull::{PullEvent, PullPolicy, check_run_platform, resolve_image};
pub use remove::{layers_size, prune, remove, upper_size};
pub use rename::rename;
pub use start::{Attached, Prespawned, Started, attach, prespawn_monitor, start, start_prespawned};
pub use stats::{net_io, pids, stats};
pub use stop::{kill, restart, stop, wait};

use crate::engine::Context;
use crate::state::{ContainerRecord, Containers};
use crate::types::ImageConfig;
use anyhow::Result;
use std::path::PathBuf;

/// A failure with docker's exit code (start failures: 125, 126, 127).
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct ExitCodeError {
    pub code: i32,
    pub message: String,
}

/// A container is in the wrong state for the verb (docker's wording in the message).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InvalidState(pub String);

/// The image a container is created from, as the image store resolved it.
#[derive(Debug, Clone)]
pub struct ImageInfo {
    /// `sha256:<config digest>`
    pub id: String,
    /// The name as the user wrote it.
    pub name: String,
    /// Layer directories, lowest first.
    pub layers: Vec<PathBuf>,
    pub config: ImageConfig,
}

/// One row of `ps`.
#[derive(Debug, Clone)]
pub struct Summary {
    pub record: ContainerRecord,
    pub state: ContainerState,
}

/// Every container with its current state, newest first (no locks: `ps` never blocks on a busy container).
/// The containers of `berth build`'s RUN steps are left out, as docker's `ps -a` never shows BuildKit's.
pub fn list(ctx: &Context) -> Result<Vec<crate::state::list::Listed>> {
    let paths = &ctx.paths;
    let mut all = Containers::new(paths).list()?;
    all.retain(|l| !l.record.config.labels.contains_key(BUILD_OWNER_LABEL));
    Ok(all)
}

/// The label on a build step's container: `<pid>:<start time>` of the build process that owns it
/// (engine::build sweeps the containers whose owner is gone, e.g. after a `kill -9` of the build).
pub const BUILD_OWNER_LABEL: &str = "berth.build.owner";

/// Whether the build process a [`BUILD_OWNER_LABEL`] value names is still running.
pub fn build_owner_alive(value: &str) -> bool {
    let Some((pid, start)) = value.split_once(':') else {
        return false;
    };
    match (pid.parse(), start.parse()) {
        (Ok(pid), Ok(start)) => crate::state::same_process_alive(pid, start),
        _ => false,
    }
}

/// The container's record and refreshed state.
pub fn get(ctx: &Context, query: &str) -> Result<Summary> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    Ok(Summary {
        record: c.load_record(&id)?,
        state: c.peek(&id)?,
    })
}
