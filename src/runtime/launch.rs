//! Container creation: the launch pipeline (the plan of namespaces, the stage child, the caller driving the
//! sync channel, uid/gid maps, the `on_namespaces` hook) and `destroy`. The setup inside the container is
//! `init.rs`; the shared stage pieces are `stage.rs`. All fork/clone code of berth lives in this file,
//! `exec.rs`, `stage.rs` and `userns.rs` (docs/architecture.md).
//! Depends on libc, nix (a pipe), oci_spec and its siblings; nothing below `init` imports it.

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::init::{self, InitCtx, InitStdio};
use super::maps::{default_maps, write_maps};
use super::msg::{self, Msg};
use super::stage::{
    self, become_ns_root, fail_step, install_stdio, report, reset_signals, scrub_args_and_env,
    stage_join,
};
use super::{Launch, Launched, Rootfs, Stdio, cgroup, sys, userns};

pub(crate) fn launch(mut l: Launch) -> Result<Launched> {
    let hook = l.on_namespaces.take();
    let wait_for_hook = hook.is_some();
    let spec = &l.spec;
    let mut plan = stage::namespace_plan(spec, l.rootless)?;
    // A user namespace made ahead with the default rootless maps (`userns::premake`, by `run`'s monitor)
    // is joined instead of making one, when those are the maps this launch would write.
    if let Some(ns) = userns::take_premade()
        && plan.new_user
        && l.rootless
        && default_maps(spec)
    {
        plan.join.insert(0, (libc::CLONE_NEWUSER, ns));
        plan.new_user = false;
    }
    let joined = plan.join.iter().fold(0, |acc, (f, _)| acc | f);
    init::check_spec(spec, plan.unshare, plan.unshare | joined).context("checking the spec")?;
    if plan.join.iter().any(|(f, _)| *f == libc::CLONE_NEWPID) && !super::seal::is_sealed() {
        bail!(
            "joining a running container's pid namespace needs a sealed binary (CVE-2019-5736): call runtime::seal::ensure_sealed() first"
        );
    }
    // Built here, before any fork: with the cache, the init only loads a ready program.
    let filter = match spec.linux().as_ref().and_then(|x| x.seccomp().as_ref()) {
        Some(s) => Some(
            super::seccomp::prepare(s, l.seccomp_cache.as_deref())
                .context("building the seccomp filter")?,
        ),
        None => None,
    };
    crate::trace::mark("seccomp filter");
    let resources = spec.linux().as_ref().and_then(|l| l.resources().as_ref());
    // Without a new user namespace the stage makes its namespaces (all but the cgroup one, which takes the
    // cgroup it is in as its root) while we create the cgroup: the two were a third of the monitor's part
    // of a start, one after the other (issue 14). In a user namespace (new, whose maps we write first, or
    // joined) the stage becomes its root before anything else, as before; in a joined mount namespace the
    // host's cgroup directories are not where `place_self` looks for them, so that also goes as before.
    let early_namespaces = !plan.new_user
        && !plan
            .join
            .iter()
            .any(|(f, _)| *f == libc::CLONE_NEWUSER || *f == libc::CLONE_NEWNS);
    // Every directory the cgroup may have: the init mounts those that exist once it is created.
    let cgroup_dirs = match &l.cgroup {
        Some(name) => cgroup::dirs(name)?,
        None => Vec::new(),
    };
    let (psock, csock) = sys::socketpair()?;
    let stage = sys::fork()?;
    if stage == 0 {
        crate::trace::role("stage");
        reset_signals();
        scrub_args_and_env();
        drop(psock);
        let sock = csock.as_raw_fd();
        let stdin_null = install_stdio(sock, &l.stdio);
        stage_join(sock, &plan, |f| f == libc::CLONE_NEWUSER);
        let in_userns = plan.new_user || plan.join.iter().any(|(f, _)| *f == libc::CLONE_NEWUSER);
        if plan.new_user
            && let Err(e) = sys::unshare(libc::CLONE_NEWUSER)
        {
            fail_step(sock, "creating the user namespace", e);
        }
        let all = !libc::CLONE_NEWUSER;
        if early_namespaces {
            other_namespaces(sock, &plan, all & !libc::CLONE_NEWCGROUP);
        }
        msg::send(sock, &Msg::Ready);
        msg::wait_go(sock);
        crate::trace::mark("go");
        // The v2 directory the init is cloned into (see `place_self`), and whether the init itself makes
        // the new cgroup namespace (it takes its creator's cgroup as its root).
        let mut unified = None;
        let mut init_cgroup_ns = false;
        if early_namespaces {
            unified = place_self(sock, &cgroup_dirs);
            crate::trace::mark("placed itself");
            if unified.is_some() {
                stage_join(sock, &plan, |f| f == libc::CLONE_NEWCGROUP);
                init_cgroup_ns = plan.unshare & libc::CLONE_NEWCGROUP != 0;
            } else {
                other_namespaces(sock, &plan, libc::CLONE_NEWCGROUP);
            }
        } else {
            if in_userns {
                become_ns_root(sock);
            }
            other_namespaces(sock, &plan, all);
        }
        if wait_for_hook {
            // The init is not dumpable, so nobody else may open its /proc/<pid>/ns: hand the namespaces over.
            let net: fn(OwnedFd) -> Msg = Msg::NetNs;
            let user: fn(OwnedFd) -> Msg = Msg::UserNs;
            for (m, ns) in [(net, "/proc/self/ns/net"), (user, "/proc/self/ns/user")] {
                if let Err(e) = std::fs::File::open(ns)
                    .map_err(anyhow::Error::from)
                    .and_then(|f| msg::send_with_fd(sock, &m(f.into())))
                {
                    fail_step(sock, "passing the namespaces to the caller", e);
                }
            }
        }
        crate::trace::mark("namespaces");
        let cloned = match &unified {
            Some(dir) => match sys::clone_parent_into(dir.as_raw_fd()) {
                Err(e)
                    if matches!(
                        e.raw_os_error(),
                        Some(libc::ENOSYS | libc::E2BIG | libc::EINVAL)
                    ) =>
                {
                    // A kernel before 5.7: join the v2 directory by a write, the namespace here.
                    join_by_write(sock, dir);
                    crate::trace::mark("cgroup v2 joined by a write");
                    if init_cgroup_ns {
                        init_cgroup_ns = false;
                        other_namespaces(sock, &plan, libc::CLONE_NEWCGROUP);
                    }
                    sys::clone_parent()
                }
                r => r,
            },
            None => sys::clone_parent(),
        };
        match cloned {
            Err(e) => fail_step(sock, "cloning the init", e),
            Ok(0) => {
                crate::trace::role("init");
                let ctx = InitCtx {
                    spec: &l.spec,
                    rootfs: &l.rootfs,
                    rootless: l.rootless,
                    in_userns,
                    stdio: match l.stdio {
                        Stdio::Pty => InitStdio::Pty,
                        Stdio::Fds { .. } => InitStdio::Fds { stdin_null },
                    },
                    cgroup_dirs,
                    sock,
                    wait_for_hook,
                    seccomp: filter.as_ref(),
                    new_cgroup_ns: init_cgroup_ns,
                };
                report(sock, init::container_init(ctx));
            }
            Ok(pid) => {
                crate::trace::mark("init cloned");
                msg::send(sock, &Msg::InitPid(pid));
                // The stage is done.
                sys::exit_child(0)
            }
        }
    }
    drop(csock);
    drop(l.stdio);
    crate::trace::mark("stage forked");
    let created = match &l.cgroup {
        Some(_) => cgroup::create_dirs(cgroup_dirs.clone(), resources, l.rootless),
        None => Ok(cgroup::Created::default()),
    };
    let created = match created.context("creating the container cgroup") {
        Ok(c) => c,
        Err(e) => {
            sys::kill_and_reap(stage, true);
            return Err(e);
        }
    };
    crate::trace::mark("cgroup created");
    let mut warnings = created.warnings.clone();
    let r = stage::answer_stage(
        psock.as_raw_fd(),
        stage,
        |stage| {
            if plan.new_user {
                write_maps(stage, spec, l.rootless)?;
                crate::trace::mark("uid/gid maps");
            }
            // Without a user namespace the stage places itself (`place_self`).
            let placed = if early_namespaces {
                Ok(())
            } else {
                cgroup::place(&created, stage).context("placing the container in its cgroup")
            };
            crate::trace::mark("cgroup placed");
            placed
        },
        hook,
    );
    crate::trace::mark("payload exec'd");
    match r {
        Ok((pid, pty_master)) => {
            let start_time = super::process_start_time(pid).unwrap_or(0);
            warnings.dedup();
            Ok(Launched {
                pid,
                start_time,
                pty_master,
                warnings,
            })
        }
        Err(e) => {
            cleanup_cgroup(&l.cgroup, &created);
            Err(e)
        }
    }
}

/// In the stage: joins, then creates, the namespaces of the plan among `mask` (never the user one, which
/// comes first and on its own). From the first call on the stage and init are not dumpable: no container
/// process may ptrace them or read their /proc entries (CVE-2016-9962); execve resets it for the payload.
fn other_namespaces(sock: libc::c_int, plan: &stage::NamespacePlan, mask: libc::c_int) {
    sys::set_not_dumpable();
    stage_join(sock, plan, |f| f & mask != 0 && f != libc::CLONE_NEWUSER);
    let unshare = plan.unshare & mask;
    if unshare != 0
        && let Err(e) = sys::unshare(unshare)
    {
        fail_step(sock, "creating namespaces", e);
    }
}

/// In the stage, once its cgroup exists (no user namespace): moves itself into each v1 directory of it by
/// writing "0" to the directory's `tasks` file. A thread moving itself is the one migration the kernel
/// makes without the global lock that a write of a pid to `cgroup.procs` takes, whose writer waits for an
/// RCU grace period first (5 to 20 ms here, the largest single cost of a cold `run`: issue 14). Returns the
/// v2 directory (v2 hosts, and the cgroup2 of a hybrid one), opened for clone3's CLONE_INTO_CGROUP, which
/// places the init at its birth without migrating anything. Directories that do not exist were not made
/// (blkio unless asked for).
fn place_self(sock: libc::c_int, dirs: &[(String, PathBuf)]) -> Option<OwnedFd> {
    use std::io::Write as _;
    let mut unified = None;
    for (ctrl, dir) in dirs {
        if ctrl == "unified" {
            match std::fs::File::open(dir) {
                Ok(f) => unified = Some(OwnedFd::from(f)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => fail_step(sock, &format!("opening cgroup {}", dir.display()), e),
            }
            continue;
        }
        let joined = std::fs::OpenOptions::new()
            .write(true)
            .open(dir.join("tasks"))
            .and_then(|mut f| f.write_all(b"0"));
        match joined {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => fail_step(sock, &format!("joining cgroup {}", dir.display()), e),
        }
    }
    unified
}

/// [`place_self`]'s v2 directory joined by writing "0" to its `cgroup.procs` (kernels without
/// CLONE_INTO_CGROUP).
fn join_by_write(sock: libc::c_int, dir: &OwnedFd) {
    use std::io::Write as _;
    let path = format!("/proc/self/fd/{}/cgroup.procs", dir.as_raw_fd());
    if let Err(e) = std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .and_then(|mut f| f.write_all(b"0"))
    {
        fail_step(sock, "joining the container's cgroup v2", e);
    }
}

fn cleanup_cgroup(name: &Option<String>, created: &cgroup::Created) {
    if let Some(n) = name
        && !created.dirs.is_empty()
    {
        let _ = cgroup::destroy(n);
    }
}

pub(crate) fn destroy(_id: &str, rootfs: &Rootfs, cgroup_name: Option<&str>) -> Result<()> {
    let mut errs: Vec<String> = Vec::new();
    if let Some(n) = cgroup_name
        && let Err(e) = cgroup::destroy(n)
    {
        errs.push(format!("{e:#}"));
    }
    // The rootfs is mounted inside the container's mount namespace and vanishes with it; a host-side mount
    // (left by an older berth or a caller) is detached here.
    let merged: PathBuf = rootfs.root().to_path_buf();
    if is_mountpoint(&merged) {
        let c = std::ffi::CString::new(merged.as_os_str().to_string_lossy().as_bytes())?;
        if let Err(e) = sys::umount_detach(&c)
            && e.raw_os_error() != Some(libc::EINVAL)
            && e.raw_os_error() != Some(libc::ENOENT)
        {
            errs.push(format!("unmounting {}: {e}", merged.display()));
        }
    }
    if !errs.is_empty() {
        bail!("destroying container: {}", errs.join("; "));
    }
    Ok(())
}

fn is_mountpoint(p: &Path) -> bool {
    let Some(mi) = sys::read_proc("/proc/self/mountinfo") else {
        return false;
    };
    let want = p.to_string_lossy();
    mi.lines().any(|l| l.split(' ').nth(4) == Some(&want))
}
