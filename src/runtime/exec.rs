//! `exec`: a new process in a running container. Pins the target with a pidfd, checks it is in the
//! container's cgroup (a recycled pid is never joined), runs the stage (step 1 of `runtime/mod.rs`, joining
//! every namespace of the container that differs from the caller's), then init's own steps 7 (stdio,
//! [`init::stdio_step`]), 10 and 11 ([`init::finish`]) with the container's seccomp profile.
//! Depends on libc, oci_spec and its siblings; nothing below `init` imports it.

use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::Path;

use anyhow::{Context, Result, bail};
use oci_spec::runtime::{Process, Spec};

use super::init::{self, InitStdio};
use super::msg::{self, Msg};
use super::stage::{
    self, NamespacePlan, become_ns_root, fail_step, install_stdio, open_ns, report, reset_signals,
    scrub_args_and_env, stage_join,
};
use super::sys::{self, Real};
use super::{Launched, Stdio, cgroup};

/// Namespace types as /proc/<pid>/ns names, user first and mount last.
const NS_ORDER: [(&str, libc::c_int); 8] = [
    ("user", libc::CLONE_NEWUSER),
    ("ipc", libc::CLONE_NEWIPC),
    ("uts", libc::CLONE_NEWUTS),
    ("net", libc::CLONE_NEWNET),
    ("pid", libc::CLONE_NEWPID),
    ("cgroup", libc::CLONE_NEWCGROUP),
    ("time", libc::CLONE_NEWTIME),
    ("mnt", libc::CLONE_NEWNS),
];

fn ns_ino(p: &str) -> Option<u64> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(p).ok().map(|m| m.ino())
}

pub(crate) fn exec(
    container_pid: i32,
    spec: &Spec,
    process: &Process,
    stdio: Stdio,
    cgroup_name: Option<&str>,
) -> Result<Launched> {
    if !super::seal::is_sealed() {
        bail!(
            "exec joins a running container, which needs a sealed binary (CVE-2019-5736): call runtime::seal::ensure_sealed() first"
        );
    }
    let join = pin_and_open(container_pid, cgroup_name)?;
    let plan = NamespacePlan {
        join,
        unshare: 0,
        new_user: false,
    };
    let (psock, csock) = sys::socketpair()?;
    let stage = sys::fork()?;
    if stage == 0 {
        drop(psock);
        exec_stage(csock.as_raw_fd(), &plan, spec, process, &stdio);
    }
    drop(csock);
    drop(stdio);
    let cg = cgroup_name.map(str::to_string);
    let (pid, pty_master) = stage::answer_stage(
        psock.as_raw_fd(),
        stage,
        |stage| match &cg {
            Some(n) => cgroup::join(n, stage).context("joining the container cgroup"),
            None => Ok(()),
        },
        None,
    )?;
    let start_time = super::process_start_time(pid).unwrap_or(0);
    Ok(Launched {
        pid,
        start_time,
        pty_master,
        warnings: Vec::new(),
    })
}

/// A pidfd pins the process: while it is alive its pid cannot be recycled, so the namespaces opened here are
/// the container's, not a stranger's that got the pid (docs/security.md J6). Returns the namespaces to join:
/// only those that differ from ours (setns into our own user namespace fails).
fn pin_and_open(
    container_pid: i32,
    cgroup_name: Option<&str>,
) -> Result<Vec<(libc::c_int, OwnedFd)>> {
    let pidfd = sys::pidfd_open(container_pid)
        .with_context(|| format!("container process {container_pid} is gone"))?;
    let mut join: Vec<(libc::c_int, OwnedFd)> = Vec::new();
    for (name, flag) in NS_ORDER {
        let theirs = format!("/proc/{container_pid}/ns/{name}");
        if ns_ino(&theirs).is_some() && ns_ino(&theirs) != ns_ino(&format!("/proc/self/ns/{name}"))
        {
            join.push((flag, open_ns(Path::new(&theirs))?));
        }
    }
    if let Some(name) = cgroup_name {
        let members = cgroup::pids(name);
        if cgroup::dirs(name)?.iter().any(|(_, d)| d.is_dir()) && !members.contains(&container_pid)
        {
            bail!(
                "process {container_pid} is not in the container's cgroup {name}: refusing to join its namespaces"
            );
        }
    }
    if !sys::pidfd_alive(&pidfd) {
        bail!("container process {container_pid} exited");
    }
    Ok(join)
}

/// The exec stage child: step 1 (stdio, namespaces), then clones the exec process, which runs init's steps
/// 7, 10 and 11. Never returns.
fn exec_stage(
    sock: RawFd,
    plan: &NamespacePlan,
    spec: &Spec,
    process: &Process,
    stdio: &Stdio,
) -> ! {
    reset_signals();
    scrub_args_and_env();
    let stdin_null = install_stdio(sock, stdio);
    msg::send(sock, &Msg::Ready);
    msg::wait_go(sock);
    // Not dumpable until the payload's execve (CVE-2016-9962).
    sys::set_not_dumpable();
    stage_join(sock, plan, |_| true);
    if plan.join.iter().any(|(f, _)| *f == libc::CLONE_NEWUSER) {
        become_ns_root(sock);
    }
    match sys::clone_parent() {
        Err(e) => fail_step(sock, "cloning the exec process", e),
        Ok(0) => {
            let stdio = match stdio {
                Stdio::Pty => InitStdio::Pty,
                Stdio::Fds { .. } => InitStdio::Fds { stdin_null },
            };
            if let Err(f) = init::stdio_step(&Real, &stdio, sock, process, false) {
                report(sock, f);
            }
            let filter = match spec.linux().as_ref().and_then(|l| l.seccomp().as_ref()) {
                Some(s) => match super::seccomp::prepare(s, None) {
                    Ok(f) => Some(f),
                    Err(e) => fail_step(sock, "building the seccomp filter", format!("{e:#}")),
                },
                None => None,
            };
            match init::finish(&Real, process, filter.as_ref(), sock) {
                Ok(never) => match never {},
                Err(f) => report(sock, f),
            }
        }
        Ok(pid) => {
            msg::send(sock, &Msg::InitPid(pid));
            // The stage is done.
            sys::exit_child(0)
        }
    }
}
