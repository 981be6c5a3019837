//! `stop`, `kill` and `wait`: signals to the recorded process, and waiting for its exit.

use super::InvalidState;
use crate::engine::Context;
use crate::monitor;
use crate::spec;
use crate::state::{self, ContainerRecord, ContainerState, Containers, StateError, Status};
use anyhow::{Context as _, Result, bail};
use std::time::{Duration, Instant};

pub(super) fn stop_signal(rec: &ContainerRecord) -> i32 {
    rec.config
        .stop_signal
        .as_deref()
        .or(rec.image_config.stop_signal.as_deref())
        .and_then(|s| spec::parse_signal(s).ok())
        .unwrap_or(libc::SIGTERM)
}

/// Send `sig` to the container's payload if it is still the recorded process.
pub(super) fn signal(st: &ContainerState, sig: i32) -> Result<()> {
    if !state::same_process_alive(st.pid, st.start_time) {
        return Ok(());
    }
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(st.pid),
        nix::sys::signal::Signal::try_from(sig).context("invalid signal")?,
    )
    .or_else(|e| {
        if e == nix::errno::Errno::ESRCH {
            Ok(())
        } else {
            Err(e)
        }
    })
    .with_context(|| format!("signalling pid {}", st.pid))
}

/// Wait until the container is no longer running and its monitor has finished (or `timeout` passes).
pub(super) fn wait_stopped(c: &Containers, id: &str, timeout: Duration) -> Result<bool> {
    let deadline = Instant::now() + timeout;
    loop {
        let st = match c.peek(id) {
            Ok(s) => s,
            Err(_) => return Ok(true), // removed (--rm)
        };
        if !st.is_running() && !c.monitor_alive(id) {
            return Ok(true);
        }
        if Instant::now() >= deadline {
            return Ok(false);
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// `stop`: the stop signal (`signal`, else the container's StopSignal, else SIGTERM), then SIGKILL after
/// `timeout` seconds (docker default 10; negative: no SIGKILL). Returns once the container has exited
/// and its monitor has recorded the exit, as docker's does.
pub fn stop(
    ctx: &Context,
    query: &str,
    timeout: Option<i64>,
    signal_override: Option<i32>,
) -> Result<()> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let rec = c.load_record(&id)?;
    let secs = timeout.or(rec.config.stop_timeout).unwrap_or(10);
    {
        let _l = c.lock(&id)?;
        let st = c.refresh(&id)?;
        disable_restart(&c, &id, &st)?;
        if !st.is_running() {
            return Ok(());
        }
        if st.status == Status::Paused {
            let _ = crate::runtime::cgroup::thaw(&monitor::cgroup_name(&rec));
        }
        let sig = signal_override.unwrap_or_else(|| stop_signal(&rec));
        signal(&st, sig)?;
        emit_kill(paths, &rec, sig);
    }
    // docker: a negative timeout waits for the payload as long as it takes (moby `containerStop`).
    let grace = u64::try_from(secs).unwrap_or(u64::from(u32::MAX));
    if !wait_stopped(&c, &id, Duration::from_secs(grace))? {
        {
            let _l = c.lock(&id)?;
            let st = c.refresh(&id)?;
            signal(&st, libc::SIGKILL)?;
            emit_kill(paths, &rec, libc::SIGKILL);
        }
        if !wait_stopped(&c, &id, KILL_WAIT)? {
            bail!("container {id} did not exit within {KILL_WAIT:?} of SIGKILL");
        }
    }
    crate::engine::events::emit_container(paths, &rec, "stop");
    Ok(())
}

/// `restart`: [`stop`], then start it again (docker's `restart` event after both).
pub fn restart(
    ctx: &Context,
    query: &str,
    timeout: Option<i64>,
    signal_override: Option<i32>,
) -> Result<()> {
    stop(ctx, query, timeout, signal_override)?;
    let started = super::start::start(ctx, query, false)?;
    let c = Containers::new(&ctx.paths);
    crate::engine::events::emit_container(&ctx.paths, &c.load_record(&started.id)?, "restart");
    Ok(())
}

/// docker's `kill` event, with the signal number as its `signal` attribute.
pub(super) fn emit_kill(
    paths: &crate::store::Paths,
    rec: &crate::state::ContainerRecord,
    sig: i32,
) {
    crate::engine::events::emit(
        paths,
        crate::engine::events::container_event(rec, "kill").attr("signal", sig.to_string()),
    );
}

/// Mark the container manually stopped so its monitor does not restart it (`--restart`); the caller
/// holds the lock and passes the refreshed state.
pub(super) fn disable_restart(c: &Containers, id: &str, st: &ContainerState) -> Result<()> {
    if st.manually_stopped {
        return Ok(());
    }
    let mut st = st.clone();
    st.manually_stopped = true;
    c.save_state(id, &st)
}

/// `kill -s SIG`. With SIGKILL (the default) it returns once the container has exited and its monitor
/// has recorded the exit, as docker's does (moby `daemon.Kill` waits for the container to stop): a
/// following `inspect` or `ps` sees it exited. Any other signal returns once it is sent.
pub fn kill(ctx: &Context, query: &str, sig: i32) -> Result<()> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    {
        let _l = c.lock(&id)?;
        let st = c.refresh(&id)?;
        if !st.is_running() {
            bail!(InvalidState(format!(
                "cannot kill container: {query}: container {id} is not running"
            )));
        }
        // docker: killing with SIGKILL or the container's stop signal is a manual stop (ExitOnNext).
        if sig == libc::SIGKILL || sig == stop_signal(&c.load_record(&id)?) {
            disable_restart(&c, &id, &st)?;
        }
        if st.status == Status::Paused && sig == libc::SIGKILL {
            // A frozen cgroup's processes die only once thawed (docker thaws before killing too).
            let _ = crate::runtime::cgroup::thaw(&monitor::cgroup_name(&c.load_record(&id)?));
        }
        signal(&st, sig)?;
        emit_kill(paths, &c.load_record(&id)?, sig);
    }
    // Without the lock: the monitor takes it to record the exit.
    if sig == libc::SIGKILL && !wait_stopped(&c, &id, KILL_WAIT)? {
        bail!("container {id} did not exit within {KILL_WAIT:?} of SIGKILL");
    }
    Ok(())
}

/// How long `kill` and `stop` wait for a container to go after SIGKILL (moby waits 10 s, then polls the
/// pid; a monitor still recording the exit and tearing down its network can take a few seconds more).
const KILL_WAIT: Duration = Duration::from_secs(30);

/// `wait`: block until the container exits, return its exit code.
pub fn wait(ctx: &Context, query: &str) -> Result<i32> {
    let paths = &ctx.paths;
    let c = Containers::new(paths);
    let id = c.lookup(query)?;
    let restarts = !c.load_record(&id)?.config.restart.is_none();
    let mut first_finish: Option<String> = None;
    loop {
        let st = match c.peek(&id) {
            Ok(s) => s,
            Err(_) => bail!(StateError::NoSuchContainer(query.to_string())),
        };
        // docker notifies waiters at every exit, also one its restart policy follows (moby
        // `State.SetRestarting`): a new finish time while we wait is that exit.
        let finished = first_finish.get_or_insert_with(|| st.finished_at.clone());
        if restarts
            && matches!(st.status, Status::Exited | Status::Restarting)
            && st.finished_at != *finished
        {
            return Ok(st.exit_code);
        }
        if !st.is_running() && !c.monitor_alive(&id) {
            if st.status == Status::Created && st.exit_code == 0 {
                // docker's wait on a created container blocks until it has run; we poll the same way.
            } else {
                return Ok(st.exit_code);
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
