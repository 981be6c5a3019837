//! The monitor's restart loop (`--restart`): after each supervised run of the payload, decide per the
//! container's policy whether to launch it again, wait docker's back-off meanwhile (status `restarting`),
//! and give up for good once `stop`, `kill` or `rm -f` marked the container manually stopped.
//!
//! Depends on state and store only: the policy is a `types::RestartPolicy` (parsed in spec), and docker's
//! back-off between restarts ([`next_delay`]) is computed here, where it is applied. One supervised run is
//! the caller's closure (monitor::supervise), so the launch handshake stays in one place. Without a daemon nothing restarts containers at boot
//! (README, docker differences). Invariant: at most one monitor restarts a container: the loop stops
//! as soon as the recorded monitor is not this process or the state moved on without it.

use crate::state::{Containers, MonitorRecord, Status};
use crate::store::Paths;
use anyhow::Result;
use std::time::{Duration, Instant};

/// How often a waiting monitor looks for a manual stop.
const POLL: Duration = Duration::from_millis(20);

/// docker's first delay between restarts (moby `restartmanager/restartmanager.go` backoffMultiplier,
/// defaultTimeout = 100ms).
const FIRST_DELAY: Duration = Duration::from_millis(100);
/// docker caps the delay at one minute (maxRestartTimeout).
const MAX_DELAY: Duration = Duration::from_secs(60);
/// A payload that ran at least this long resets the delay (moby: "executionDuration >= 10s").
const RESET_AFTER: Duration = Duration::from_secs(10);

/// Run `supervise_once(first)` until the policy says the container stays down. `first` is true only for
/// the run the CLI started (it alone has a client waiting for the handshake).
pub fn supervise_with_policy(
    paths: &Paths,
    id: &str,
    mut supervise_once: impl FnMut(bool) -> Result<()>,
) -> Result<()> {
    let c = Containers::new(paths);
    // A `start` (this monitor's first run) ends a manual stop and starts counting restarts again. The
    // CLI that started us holds the container lock until the handshake, so write without it.
    if let Ok(mut st) = c.load_state(id)
        && (st.manually_stopped || st.restart_count != 0)
    {
        st.manually_stopped = false;
        st.restart_count = 0;
        c.save_state(id, &st)?;
    }
    let me = std::process::id() as i32;
    let mut delay = None;
    let mut first = true;
    loop {
        let began = Instant::now();
        supervise_once(first)?;
        first = false;
        let Ok(rec) = c.load_record(id) else {
            return Ok(()); // removed (rm -f while it ran)
        };
        if rec.config.restart.is_none() {
            // No policy (the common case): nothing to decide, no lock to take. `update` may have
            // removed a policy during the run, so the record supervise kept is ours to drop.
            if c.read_monitor(id).is_some_and(|m| m.pid == me) {
                let _ = std::fs::remove_file(c.run_dir(id).join("monitor.json"));
            }
            return Ok(());
        }
        if c.read_monitor(id).is_some_and(|m| m.pid != me) {
            // A `start` since the payload ended started another monitor, which owns the container now.
            return Ok(());
        }
        let wait = next_delay(delay, began.elapsed());
        delay = Some(wait);
        {
            let _l = c.lock(id)?;
            let mut st = c.load_state(id)?;
            if st.status != Status::Exited
                || st.manually_stopped
                || !rec
                    .config
                    .restart
                    .should_restart(st.exit_code, st.restart_count)
            {
                drop(_l);
                return give_up(&c, id, me);
            }
            // supervise drops the record when the policy was `no` at launch (an `update --restart`
            // since then): the container must keep reading as alive while it waits.
            if c.read_monitor(id).is_none() {
                c.write_monitor(
                    id,
                    &MonitorRecord {
                        pid: me,
                        start_time: crate::state::process_start_time(me).unwrap_or(0),
                    },
                )?;
            }
            st.status = Status::Restarting;
            c.save_state(id, &st)?;
        }
        if !wait_unless_stopped(&c, id, wait) {
            return give_up(&c, id, me);
        }
        let _l = c.lock(id)?;
        let mut st = c.load_state(id)?;
        if st.manually_stopped || st.status != Status::Restarting {
            drop(_l);
            return give_up(&c, id, me);
        }
        st.restart_count += 1;
        c.save_state(id, &st)?;
    }
}

/// Sleep `d`, returning false early if the container was stopped by hand or removed meanwhile.
fn wait_unless_stopped(c: &Containers, id: &str, d: Duration) -> bool {
    let deadline = Instant::now() + d;
    loop {
        match c.load_state(id) {
            Ok(st) if !st.manually_stopped => {}
            _ => return false,
        }
        let now = Instant::now();
        if now >= deadline {
            return true;
        }
        std::thread::sleep(POLL.min(deadline - now));
    }
}

/// Leave for good: the last exit stands, and the monitor record (kept by supervise while a policy
/// could still restart) goes, unless another monitor owns the container by now.
fn give_up(c: &Containers, id: &str, me: i32) -> Result<()> {
    if !c.dir(id).exists() {
        return Ok(());
    }
    let _l = c.lock(id)?;
    if let Ok(mut st) = c.load_state(id)
        && st.status == Status::Restarting
    {
        st.status = Status::Exited;
        c.save_state(id, &st)?;
    }
    if c.read_monitor(id).is_some_and(|m| m.pid == me) {
        let _ = std::fs::remove_file(c.run_dir(id).join("monitor.json"));
    }
    Ok(())
}

/// The delay before the next restart: 100 ms, doubled after each short run, reset once the payload ran
/// for 10 s, at most one minute (docker's restart manager).
fn next_delay(previous: Option<Duration>, ran: Duration) -> Duration {
    match previous {
        Some(p) if ran < RESET_AFTER => (p * 2).min(MAX_DELAY),
        _ => FIRST_DELAY,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delay_doubles_from_100ms_and_resets_after_a_long_run() {
        let short = Duration::from_secs(1);
        let d1 = next_delay(None, short);
        let d2 = next_delay(Some(d1), short);
        let d3 = next_delay(Some(d2), short);
        assert_eq!([d1, d2, d3].map(|d| d.as_millis()), [100, 200, 400]);
        assert_eq!(next_delay(Some(d3), Duration::from_secs(10)), FIRST_DELAY);
        assert_eq!(next_delay(Some(MAX_DELAY), short), MAX_DELAY);
    }
}
