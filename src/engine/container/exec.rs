//! `exec`: a process in a running container, with every restriction its init has.

use super::{ExitCodeError, InvalidState};
use crate::engine::Context;
use crate::monitor;
use crate::spec::user::{LayeredRoot, resolve_user};
use crate::state::{Containers, Status};
use anyhow::{Context as _, Result, bail};
use std::fs;
use std::path::PathBuf;

/// What `exec` runs.
#[derive(Debug, Clone, Default)]
pub struct ExecOptions {
    pub cmd: Vec<String>,
    pub env: Vec<String>,
    pub user: Option<String>,
    pub workdir: Option<String>,
    pub tty: bool,
    pub interactive: bool,
    pub detach: bool,
    /// `--privileged`: every capability of the bounding set, as docker's exec gives.
    pub privileged: bool,
}

/// A started exec'd process: a child of the caller (waitpid it), with the pty master for `-t`.
pub struct ExecHandle {
    pub pid: i32,
    pub pty_master: Option<std::os::fd::OwnedFd>,
    /// docker's `exec_die` event for this process, for [`exec_died`] once it is reaped.
    pub die_event: crate::engine::events::Event,
}

/// Record the `exec_die` event of a reaped exec'd process with its exit code.
pub fn exec_died(ctx: &Context, mut ev: crate::engine::events::Event, code: i32) {
    ev.time_nano = crate::store::events::now_nano();
    crate::engine::events::emit(&ctx.paths, ev.attr("exitCode", code.to_string()));
}

/// Start a process in a running container with every restriction its init has (docs/security.md F7).
/// The caller must be single-threaded and run from the sealed binary (`runtime::seal::ensure_sealed`).
pub fn exec(ctx: &Context, query: &str, o: &ExecOptions) -> Result<ExecHandle> {
    let paths = &ctx.paths;
    use crate::runtime::Stdio;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let st = {
        let _l = c.lock(&id)?;
        c.refresh(&id)?
    };
    if !st.is_running() {
        bail!(InvalidState(format!("container {id} is not running")));
    }
    if st.status == Status::Paused {
        bail!(InvalidState(format!(
            "container {id} is paused, unpause the container before exec"
        )));
    }
    if st.status == Status::Restarting {
        bail!(InvalidState(format!(
            "Container {id} is restarting, wait until the container is running"
        )));
    }
    let spec_path = c.dir(&id).join("config.json");
    let spec: oci_spec::runtime::Spec = serde_json::from_slice(
        &fs::read(&spec_path).with_context(|| format!("reading {}", spec_path.display()))?,
    )
    .with_context(|| format!("parsing {}", spec_path.display()))?;
    let mut process = spec
        .process()
        .clone()
        .context("container spec has no process")?;
    process.set_args(Some(o.cmd.clone()));
    process.set_terminal(Some(o.tty));
    let mut env = process.env().clone().unwrap_or_default();
    for kv in &o.env {
        let k = kv.split('=').next().unwrap_or("");
        env.retain(|e| e.split('=').next() != Some(k));
        env.push(kv.clone());
    }
    // docker's exec gives a terminal a TERM when neither the container nor `-e` set one.
    if o.tty && !env.iter().any(|e| e.starts_with("TERM=")) {
        env.push("TERM=xterm".to_string());
    }
    if let Some(u) = &o.user {
        let mut layers = vec![c.dir(&id).join("upper")];
        layers.extend(rec.layers.iter().rev().cloned());
        let ru = resolve_user(&LayeredRoot { layers }, u)?;
        let mut user = process.user().clone();
        user.set_uid(ru.uid);
        user.set_gid(ru.gid);
        user.set_additional_gids(Some(ru.additional_gids));
        process.set_user(user);
        env.retain(|e| !e.starts_with("HOME="));
        env.push(format!(
            "HOME={}",
            if ru.home.is_empty() { "/" } else { &ru.home }
        ));
    }
    process.set_env(Some(env));
    if o.privileged {
        process.set_capabilities(Some(crate::runtime::privileged_capabilities()));
    }
    if let Some(w) = &o.workdir {
        if !w.starts_with('/') {
            bail!("the working directory '{w}' is invalid, it needs to be an absolute path");
        }
        process.set_cwd(PathBuf::from(w));
    }
    let stdio = if o.tty {
        Stdio::Pty
    } else {
        let dup = |fd: i32| -> Result<std::os::fd::OwnedFd> {
            // SAFETY: fds 0..2 are open for the lifetime of this process.
            let b = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
            b.try_clone_to_owned().context("duplicating stdio")
        };
        let null = || -> Result<std::os::fd::OwnedFd> {
            Ok(fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open("/dev/null")
                .context("opening /dev/null")?
                .into())
        };
        if o.detach {
            Stdio::Fds {
                stdin: None,
                stdout: null()?,
                stderr: null()?,
            }
        } else {
            Stdio::Fds {
                stdin: if o.interactive { Some(dup(0)?) } else { None },
                stdout: dup(1)?,
                stderr: dup(2)?,
            }
        }
    };
    match crate::runtime::exec(
        st.pid,
        &spec,
        &process,
        stdio,
        Some(&monitor::cgroup_name(&rec)),
    ) {
        Ok(l) => {
            // docker's exec events: the command in the action, the exec's id as `execID`.
            let exec_id = crate::state::new_id()?;
            let ev = |action: String| {
                crate::engine::events::container_event(&rec, &action).attr("execID", &exec_id)
            };
            let cmd = o.cmd.join(" ");
            crate::engine::events::emit(paths, ev(format!("exec_create: {cmd}")));
            crate::engine::events::emit(paths, ev(format!("exec_start: {cmd}")));
            Ok(ExecHandle {
                pid: l.pid,
                pty_master: l.pty_master,
                die_event: ev("exec_die".into()),
            })
        }
        Err(e) => {
            let code = monitor::launch_exit_code(&e, monitor::Start::Exec);
            Err(ExitCodeError {
                code,
                message: format!("{e:#}"),
            }
            .into())
        }
    }
}
