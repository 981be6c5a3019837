//! The per-container supervisor: `berth internal monitor <id>`, one small single-threaded process per
//! running container (berth re-executing itself; docs/architecture.md, process model).
//!
//! It becomes a session leader and child subreaper, launches the payload through `runtime`, records the
//! running state, copies stdout/stderr into docker's json-file log and to attached clients (unix socket in
//! run_root, [`crate::state::attach`]), forwards stdin, resizes and signals, waits, writes the exit record and
//! state, destroys what the runtime set up, runs its caller's exit hook (the pod's exit policy) and honours
//! `--rm` (the directory goes to the trash before the client's answer, its deletion after). One run of
//! that script is `supervisor::supervise`; the restart loop around it is [`restart`]. A launch failure's
//! exit code is [`launch_exit_code`], shared with `exec`.
//! `run` starts it before the container exists (`--wait-go`, [`CREATED_FD`]) so its start-up overlaps the
//! creation; `start` starts it when the container exists.
//! Depends on runtime, state, store and spec types only (the exit hook is passed in by the CLI).
//! Invariant: the exit of a started payload is always recorded, whatever happens to the CLI that started it.

mod dns;
pub mod health;
pub mod log;
mod net_events;
pub mod pause;
pub mod reaper;
pub mod restart;
mod supervisor;

use crate::runtime::{LaunchError, Rootfs};
use crate::state::{ContainerRecord, Containers};
use crate::store::Paths;
use anyhow::Result;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::{FromRawFd, RawFd};
use std::path::PathBuf;

/// The fd on which the CLI waits for [`Ready`] (the CLI dup2s its pipe here before exec).
pub const READY_FD: RawFd = 3;

/// With `--attach`, the fd of the foreground client's end of a socketpair (placed here like [`READY_FD`]):
/// the first attach client, connected before the payload starts, so it misses no output.
pub const ATTACH_FD: RawFd = 4;

/// With `--wait-go`, the read end of a pipe from the CLI (placed like [`READY_FD`]): the monitor was
/// started before its container was created, and proceeds on one byte; end of file means the creation
/// failed and there is nothing to supervise.
pub const CREATED_FD: RawFd = 5;

/// Block until the CLI that pre-started us says the container exists (see [`CREATED_FD`]). False: it never
/// will; exit quietly.
pub fn wait_until_created() -> bool {
    // SAFETY: the CLI placed the read end of its pipe at CREATED_FD before exec; we own it from here.
    let mut created = unsafe { File::from_raw_fd(CREATED_FD) };
    let mut b = [0u8; 1];
    loop {
        match created.read(&mut b) {
            Ok(1) => return true,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            _ => return false,
        }
    }
}

/// The one message the monitor sends the CLI that started it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Ready {
    Started {
        pid: i32,
        warnings: Vec<String>,
    },
    /// `code` is docker's exit code for the failure (125, 126 or 127).
    Failed {
        code: i32,
        message: String,
    },
}

/// The cgroup name of a container, relative to the cgroup berth runs in: `berth/<id>`, or
/// `berth/pod-<pod id>/<id>` for a pod's container (infra included), so the limits on the pod's cgroup
/// bound the sum of its containers (issue 5; podman's pod cgroup parent). Every user of a container's
/// cgroup goes through here.
pub fn cgroup_name(rec: &ContainerRecord) -> String {
    match rec.config.pod.as_deref() {
        Some(pod) => format!("{}/{}", pod_cgroup_name(pod), rec.id),
        // `--cgroup-parent`: relative to berth's own cgroup, or from the root when absolute (as runc).
        None => format!(
            "{}/{}",
            rec.config
                .cgroup_parent
                .as_deref()
                .map_or("berth", |p| p.trim_end_matches('/')),
            rec.id
        ),
    }
}

/// The cgroup of a pod, parent of its containers' cgroups (see [`cgroup_name`]).
pub fn pod_cgroup_name(pod_id: &str) -> String {
    format!("berth/pod-{pod_id}")
}

/// The rootfs of a container: the image layers under its own upper dir.
pub fn rootfs_of(containers: &Containers, rec: &ContainerRecord) -> Rootfs {
    let dir = containers.dir(&rec.id);
    Rootfs::Overlay {
        lower: rec.layers.clone(),
        upper: dir.join("upper"),
        work: dir.join("work"),
        merged: dir.join("rootfs"),
        // The upper dir of an `--rm` container is deleted at its exit: nothing in it needs to reach the
        // disk (docs/layout.md).
        volatile: rec.config.auto_remove,
    }
}

/// What the monitor runs once the payload's exit is recorded and its cgroup and network are gone, before
/// `--rm` and before the monitor counts as finished (so `stop` waits for it).
pub type ExitHook<'a> = &'a dyn Fn(&ContainerRecord) -> Result<()>;

/// Entry point of `berth internal monitor <id>`. Returns the monitor's own exit code.
pub fn run(paths: &Paths, id: &str, wait_attach: bool, on_exit: ExitHook) -> i32 {
    // SAFETY: the CLI placed the write end of its pipe at READY_FD before exec; we own it from here.
    let ready = unsafe { File::from_raw_fd(READY_FD) };
    let mut ready = Some(ready);
    // `--restart` relaunches through the same supervision; only the first run has a waiting client.
    let supervised = restart::supervise_with_policy(paths, id, |first| {
        // The previous run's SIGCHLD pipe is closed and its fd number free for reuse (the launch
        // channel gets it): the handler must not write there while the relaunch starts the payload.
        supervisor::forget_sigchld_pipe();
        supervisor::supervise(paths, id, wait_attach && first, &mut ready, on_exit)
    });
    match supervised {
        Ok(()) => 0,
        Err(e) => {
            if let Some(mut r) = ready.take() {
                let msg = Ready::Failed {
                    code: 125,
                    message: format!("{e:#}"),
                };
                let _ = r.write_all(&serde_json::to_vec(&msg).unwrap_or_default());
            }
            let _ = std::fs::write(
                Containers::new(paths).run_dir(id).join("monitor.err"),
                format!("{e:#}\n"),
            );
            1
        }
    }
}

/// Which start failed, for [`launch_exit_code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// `run`/`start` of a container.
    Run,
    /// `exec` in a running container.
    Exec,
}

/// docker's exit code for a payload that did not start: 127 when not found, 126 when not executable
/// (or refused, docs/security.md F1); any other failure is 125 for `run`, which docker's CLI reports as
/// its own error, and 126 for `exec`, whose failed start docker records as the exec's exit code 126.
pub fn launch_exit_code(e: &anyhow::Error, start: Start) -> i32 {
    match e.downcast_ref::<LaunchError>() {
        Some(LaunchError::NotFound(_)) => 127,
        Some(LaunchError::NotExecutable(_)) => 126,
        _ => match start {
            Start::Run => 125,
            Start::Exec => 126,
        },
    }
}

/// Where the CLI finds a running container's monitor socket (for `start -a`).
pub fn socket_path(paths: &Paths, id: &str) -> PathBuf {
    Containers::new(paths).attach_socket(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn launch_exit_code_is_dockers_for_run_and_exec() {
        let not_found = anyhow::Error::new(LaunchError::NotFound("x".into()));
        let denied = anyhow::Error::new(LaunchError::NotExecutable("x".into()));
        let step = anyhow::Error::new(LaunchError::Step {
            step: "pivot_root".into(),
            message: "EINVAL".into(),
        });
        let other = anyhow::anyhow!("creating the cgroup");
        for start in [Start::Run, Start::Exec] {
            assert_eq!(launch_exit_code(&not_found, start), 127);
            assert_eq!(launch_exit_code(&denied, start), 126);
            // Wrapped in context, the launch error still decides.
            let wrapped = anyhow::Error::new(LaunchError::NotFound("y".into())).context("starting");
            assert_eq!(launch_exit_code(&wrapped, start), 127);
        }
        assert_eq!(launch_exit_code(&step, Start::Run), 125);
        assert_eq!(launch_exit_code(&other, Start::Run), 125);
        assert_eq!(launch_exit_code(&step, Start::Exec), 126);
        assert_eq!(launch_exit_code(&other, Start::Exec), 126);
    }
}
