//! Container creation: the launch pipeline (the plan of namespaces, the stage child, the caller driving the
//! sync channel, uid/gid maps, the `on_namespaces` hook) and `destroy`. The setup inside the container is
//! `init.rs`; the shared stage pieces are `stage.rs`. All fork/clone code of berth lives in this file,
//! `exec.rs`, `stage.rs` and `userns.rs` (docs/architecture.md).
//! Depends on libc, nix (a pipe), oci_spec and its siblings; nothing below `init` imports it.

use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use super::init::{self, InitCtx, InitStdio};
use super::maps::write_maps;
use super::msg::{self, Msg};
use super::stage::{
    self, become_ns_root, fail_step, install_stdio, report, reset_signals, scrub_args_and_env,
    stage_join,
};
use super::{Launch, Launched, Rootfs, Stdio, cgroup, sys};

pub(crate) fn launch(mut l: Launch) -> Result<Launched> {
    let hook = l.on_namespaces.take();
    let wait_for_hook = hook.is_some();
    let spec = &l.spec;
    let plan = stage::namespace_plan(spec, l.rootless)?;
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
    let created = match &l.cgroup {
        Some(name) => {
            cgroup::create(name, resources, l.rootless).context("creating the container cgroup")?
        }
        None => cgroup::Created::default(),
    };
    let cgroup_dirs = match &l.cgroup {
        Some(name) => cgroup::dirs(name)?
            .into_iter()
            .filter(|(_, d)| created.dirs.contains(d))
            .collect(),
        None => Vec::new(),
    };
    crate::trace::mark("cgroup created");
    let mut warnings = created.warnings.clone();
    // Single-threaded from here: the monitor's warm-up thread (`cgroup::keep_attach_warm`) stops; the
    // attach a moment later still finds the grace period paid.
    cgroup::end_warm();
    let (psock, csock) = sys::socketpair()?;
    let stage = match sys::fork() {
        Ok(p) => p,
        Err(e) => {
            cleanup_cgroup(&l.cgroup, &created);
            return Err(e);
        }
    };
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
        msg::send(sock, &Msg::Ready);
        msg::wait_go(sock);
        crate::trace::mark("go");
        if in_userns {
            become_ns_root(sock);
        }
        // From here on the stage and init are not dumpable: no container process may ptrace them or read their
        // /proc entries (CVE-2016-9962); execve resets it for the payload.
        sys::set_not_dumpable();
        stage_join(sock, &plan, |f| f != libc::CLONE_NEWUSER);
        if plan.unshare != 0
            && let Err(e) = sys::unshare(plan.unshare)
        {
            fail_step(sock, "creating namespaces", e);
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
        match sys::clone_parent() {
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
    let r = stage::answer_stage(
        psock.as_raw_fd(),
        stage,
        |stage| {
            if plan.new_user {
                write_maps(stage, spec, l.rootless)?;
                crate::trace::mark("uid/gid maps");
            }
            let placed =
                cgroup::place(&created, stage).context("placing the container in its cgroup");
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
    let Ok(mi) = std::fs::read_to_string("/proc/self/mountinfo") else {
        return false;
    };
    let want = p.to_string_lossy();
    mi.lines().any(|l| l.split(' ').nth(4) == Some(&want))
}
